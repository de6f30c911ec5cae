#!/usr/bin/env python3
"""gen-large.py N [--outbox] [--pad BYTES] [--creates F] > activities — synthetic
ActivityPub input for throughput and memory measurements (docs/adapters.md,
tests/cli/adapters-memory.sh): N activities from 5,000 actors as JSON Lines
(70% Create of a Note with Mastodon-style HTML, 10% Announce, 8% Update, 7%
Delete of a Note, 5% Like; --creates F sets the share of Creates, the
others keeping their proportions), or with --outbox one OrderedCollection
(outbox.json) holding them.  --pad adds to every activity an extension
member of about BYTES bytes (an array of strings holding brackets, braces,
commas and escaped quotes) that licit must pass over, the way real
activities carry large @context, replies and attachment members.
Deterministic for a given N and BYTES."""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
outbox = "--outbox" in sys.argv
creates = float(sys.argv[sys.argv.index("--creates") + 1]) if "--creates" in sys.argv else 0.70
pad = int(sys.argv[sys.argv.index("--pad") + 1]) if "--pad" in sys.argv else 0
PAD_PIECE = 'x]}[{,\\"y'  # 10 characters, 12 bytes of JSON
rnd = random.Random(7)
PUB = "https://www.w3.org/ns/activitystreams#Public"
words = "the a river morning walk coffee train rain code music book cat dog city night light".split()
notes = []
def ts(i):
    s = 1725148800 + i
    return "2024-09-%02dT%02d:%02d:%02dZ" % (1 + s // 86400 % 28, s // 3600 % 24, s // 60 % 60, s % 60)
def act(i):
    a = "https://social%d.example/users/u%d" % (rnd.randrange(20), rnd.randrange(5000))
    r = rnd.random()
    if creates != 0.70:  # the same thresholds below, for another share of Creates
        r = r / creates * 0.70 if r < creates else 0.70 + (r - creates) / (1 - creates) * 0.30
    if r < 0.70 or not notes:
        nid = "%s/statuses/%d" % (a, 113000000000000000 + i)
        notes.append((a, nid))
        text = " ".join(rnd.choice(words) for _ in range(rnd.randrange(3, 40)))
        html = '<p>%s <a href="https://x.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a> &amp; more</p><p>%s</p>' % (text, text[:40])
        vis = rnd.random()
        to, cc = ([PUB], [a + "/followers"]) if vis < 0.8 else ([a + "/followers"], [PUB]) if vis < 0.9 else ([a + "/followers"], [])
        return {"id": nid + "/activity", "type": "Create", "actor": a, "published": ts(i), "to": to, "cc": cc,
                "object": {"id": nid, "type": "Note", "summary": None, "inReplyTo": None, "published": ts(i),
                           "attributedTo": a, "to": to, "cc": cc, "sensitive": False, "content": html,
                           "contentMap": {"en": html}, "attachment": [], "tag": []}}
    if r < 0.80:
        return {"id": "%s/statuses/%d/activity" % (a, i), "type": "Announce", "actor": a, "published": ts(i),
                "to": [PUB], "cc": [a + "/followers"], "object": rnd.choice(notes)[1]}
    if r < 0.88:
        na, nid = rnd.choice(notes)
        return {"id": "%s#updates/%d" % (nid, i), "type": "Update", "actor": na, "published": ts(i + 60), "to": [PUB],
                "object": {"id": nid, "type": "Note", "updated": ts(i + 60), "content": "<p>edited %d</p>" % i, "to": [PUB]}}
    if r < 0.95:
        na, nid = notes.pop(rnd.randrange(len(notes)))
        return {"id": nid + "#delete", "type": "Delete", "actor": na, "published": ts(i + 120), "to": [PUB],
                "object": {"id": nid, "type": "Tombstone"}}
    return {"id": "%s#likes/%d" % (a, i), "type": "Like", "actor": a, "object": rnd.choice(notes)[1]}
out = sys.stdout
if outbox:
    out.write('{"@context":"https://www.w3.org/ns/activitystreams","id":"https://social.example/users/u/outbox",'
              '"type":"OrderedCollection","totalItems":%d,"orderedItems":[\n' % n)
for i in range(n):
    if outbox and i: out.write(",\n")
    a = act(i)
    if pad:
        a["licit:padding"] = [PAD_PIECE * 10] * max(1, pad // 125)
    out.write(json.dumps(a, separators=(",", ":")))
    if not outbox: out.write("\n")
if outbox: out.write("\n]}\n")
