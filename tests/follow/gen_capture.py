#!/usr/bin/python3
"""gen_capture.py N [SEED] > capture.jsonl — a recorded Jetstream feed for
the follower's tests (tests/cli/follow.sh): N messages in time_us order, as
Jetstream sends them, from 2025-06-01 on, about 0.8 s apart (some share a
time_us).  It mixes post creates (replies, mentions, languages), edits and
deletes, likes and follows and identity events (skipped), account
deactivations and reactivations, account deletions, user-intents
declarations, and a few malformed commits (rejected).

The feed is consistent the way the real one is, so that replaying any part
of it again after the rest changes nothing: an edit or delete always
follows its post's creation, and a deleted account never acts again."""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
t = 1748736000000000  # 2025-06-01T00:00:00Z
B32 = "234567abcdefghijklmnopqrstuvwxyz"
words = "the a river morning walk coffee train rain code music book cat dog city night light".split()
users = ["did:plc:follow%018d" % i for i in range(300)]
posts = []  # (did, rkey, time_us) not deleted
seq = 1000


def tid(i):
    s, x = "", (i + 1) << 10
    for _ in range(13):
        s = B32[x & 31] + s
        x >>= 5
    return s


def text():
    return " ".join(rnd.choice(words) for _ in range(rnd.randrange(2, 30)))


out = sys.stdout
for i in range(n):
    if rnd.random() > 0.05:  # 5 % share the previous message's time_us
        t += rnd.randrange(1, 1600000)
    rev = tid(i)
    did = rnd.choice(users)
    r = rnd.random()
    ev = {"did": did, "time_us": t}
    if r < 0.40 or not posts:
        rkey = tid(i + 7000000)
        rec = {"$type": "app.bsky.feed.post", "createdAt": "2025-06-01T00:00:00.000Z", "text": text()}
        if rnd.random() < 0.8:
            rec["langs"] = [rnd.choice(["en", "de", "fr", "ja"])]
        if posts and rnd.random() < 0.2:
            pd, pk, _ = rnd.choice(posts)
            uri = "at://%s/app.bsky.feed.post/%s" % (pd, pk)
            rec["reply"] = {"root": {"uri": uri, "cid": "bafyx"}, "parent": {"uri": uri, "cid": "bafyx"}}
        if rnd.random() < 0.1:
            m = rnd.choice(users)
            rec["facets"] = [{"index": {"byteStart": 0, "byteEnd": 4},
                              "features": [{"$type": "app.bsky.richtext.facet#mention", "did": m}]}]
        ev.update(kind="commit", commit={"rev": rev, "operation": "create", "collection": "app.bsky.feed.post",
                                         "rkey": rkey, "record": rec, "cid": "bafyrei" + rev})
        posts.append((did, rkey, t))
    elif r < 0.48:
        pd, pk, _ = rnd.choice(posts)
        ev.update(did=pd, kind="commit", commit={"rev": rev, "operation": "update", "collection": "app.bsky.feed.post",
                                                 "rkey": pk, "record": {"$type": "app.bsky.feed.post",
                                                 "createdAt": "2025-06-01T00:00:00.000Z", "text": "edited: " + text()},
                                                 "cid": "bafyrei" + rev})
    elif r < 0.54:
        pd, pk, _ = posts.pop(rnd.randrange(len(posts)))
        ev.update(did=pd, kind="commit", commit={"rev": rev, "operation": "delete", "collection": "app.bsky.feed.post",
                                                 "rkey": pk})
    elif r < 0.74:
        coll = rnd.choice(["app.bsky.feed.like", "app.bsky.graph.follow", "app.bsky.feed.repost"])
        ev.update(kind="commit", commit={"rev": rev, "operation": "create", "collection": coll, "rkey": tid(i),
                                         "record": {"$type": coll, "subject": rnd.choice(users)}, "cid": "bafyrei" + rev})
    elif r < 0.80:
        seq += 1
        ev.update(kind="identity", identity={"did": did, "handle": "u%d.bsky.test" % i, "seq": seq,
                                             "time": "2025-06-01T00:00:00.000Z"})
    elif r < 0.88:
        seq += 1
        acct = {"active": rnd.random() < 0.6, "did": did, "seq": seq, "time": "2025-06-01T00:00:00.000Z"}
        if not acct["active"]:
            acct["status"] = "deactivated"
        ev.update(kind="account", account=acct)
    elif r < 0.97:
        rec = {"$type": "org.user-intents.declaration"}
        if rnd.random() < 0.85:
            rec["syntheticContentGeneration"] = {"allow": rnd.random() < 0.3}
        ev.update(kind="commit", commit={"rev": rev, "operation": rnd.choice(["create", "update"]),
                                         "collection": "org.user-intents.declaration", "rkey": "self",
                                         "record": rec, "cid": "bafyrei" + rev})
    elif r < 0.985 and len(users) > 50:
        # A deleted account never acts again, and its posts are gone with it.
        users.remove(did)
        posts = [p for p in posts if p[0] != did]
        seq += 1
        ev.update(kind="account", account={"active": False, "status": "deleted", "did": did, "seq": seq,
                                           "time": "2025-06-01T00:00:00.000Z"})
    else:
        # Malformed: a commit without its rkey (rejected, every time).
        ev.update(kind="commit", commit={"rev": rev, "operation": "create", "collection": "app.bsky.feed.post",
                                         "record": {"text": "x"}})
    out.write(json.dumps(ev, separators=(",", ":")))
    out.write("\n")
