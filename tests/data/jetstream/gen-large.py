#!/usr/bin/env python3
"""gen-large.py N > capture.jsonl — a synthetic Jetstream capture for
throughput measurements (docs/adapters.md): N events from 10,000 accounts,
roughly as a real stream mixes them: 45% post creates, 30% likes/follows/
reposts (skipped), 8% post updates, 7% post deletes, 5% identity, 3% account
events, 2% user-intents declarations.  time_us advances ~1 ms per event with
jitter (not in order).  Deterministic for a given N."""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 500000
rnd = random.Random(42)
t0 = 1725148800000000
posts = []  # (did, rkey) created so far
out = sys.stdout
words = "the a river morning walk coffee train rain code music book cat dog city night light".split()
B32 = "234567abcdefghijklmnopqrstuvwxyz"
def tid(i):
    s, x = "", i + 1 << 10
    for _ in range(13):
        s = B32[x & 31] + s
        x >>= 5
    return s
for i in range(n):
    did = "did:plc:%024d" % rnd.randrange(10000)
    t = t0 + i * 1000 + rnd.randrange(-5000, 5000)
    r = rnd.random()
    rev = tid(i)
    if r < 0.45 or not posts:
        rkey = tid(i)
        posts.append((did, rkey))
        text = " ".join(rnd.choice(words) for _ in range(rnd.randrange(3, 40)))
        ev = {"did": did, "time_us": t, "kind": "commit", "commit": {"rev": rev, "operation": "create",
              "collection": "app.bsky.feed.post", "rkey": rkey, "record": {"$type": "app.bsky.feed.post",
              "createdAt": "2024-09-01T00:00:00.000Z", "langs": ["en"], "text": text}, "cid": "bafyrei" + rev * 3}}
    elif r < 0.75:
        coll = rnd.choice(["app.bsky.feed.like", "app.bsky.graph.follow", "app.bsky.feed.repost"])
        ev = {"did": did, "time_us": t, "kind": "commit", "commit": {"rev": rev, "operation": "create",
              "collection": coll, "rkey": tid(i), "record": {"$type": coll, "createdAt": "2024-09-01T00:00:00.000Z",
              "subject": "did:plc:%024d" % rnd.randrange(10000)}, "cid": "bafyrei" + rev * 3}}
    elif r < 0.83:
        pd, rkey = rnd.choice(posts)
        ev = {"did": pd, "time_us": t, "kind": "commit", "commit": {"rev": rev, "operation": "update",
              "collection": "app.bsky.feed.post", "rkey": rkey, "record": {"$type": "app.bsky.feed.post",
              "createdAt": "2024-09-01T00:00:00.000Z", "text": "edited " + rkey}, "cid": "bafyrei" + rev * 3}}
    elif r < 0.90:
        pd, rkey = posts.pop(rnd.randrange(len(posts)))
        ev = {"did": pd, "time_us": t + 10000000, "kind": "commit", "commit": {"rev": rev, "operation": "delete",
              "collection": "app.bsky.feed.post", "rkey": rkey}}
    elif r < 0.95:
        ev = {"did": did, "time_us": t, "kind": "identity", "identity": {"did": did, "handle": "u.bsky.test", "seq": i, "time": "2024-09-01T00:00:00.000Z"}}
    elif r < 0.98:
        ev = {"did": did, "time_us": t, "kind": "account", "account": {"active": rnd.random() < 0.7, "did": did, "seq": i,
              "time": "2024-09-01T00:00:00.000Z", **({} if rnd.random() < 0.5 else {"status": "deactivated"})}}
    else:
        ev = {"did": did, "time_us": t, "kind": "commit", "commit": {"rev": rev, "operation": "create",
              "collection": "org.user-intents.declaration", "rkey": "self", "record": {"$type": "org.user-intents.declaration",
              "syntheticContentGeneration": {"allow": rnd.random() < 0.3}}, "cid": "bafyrei" + rev * 3}}
    out.write(json.dumps(ev, separators=(",", ":")))
    out.write("\n")
