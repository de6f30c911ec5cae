#!/usr/bin/env bash
# make-archive.sh OUT.zip — builds a small Mastodon-style archive from the
# test files next to this script: outbox.json and actor.json at the top, as
# Mastodon's "Request your archive" export lays them out, plus likes.json,
# bookmarks.json and a media file that licit must pass over.  Written with
# Python's zipfile (deflate) and fixed timestamps, so the bytes are the same
# on every run.
set -euo pipefail
out=${1:?usage: make-archive.sh OUT.zip}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python3 - "$here" "$out" <<'PY'
import sys, zipfile
here, out = sys.argv[1], sys.argv[2]
def add(z, name, data):
    info = zipfile.ZipInfo(name, date_time=(2024, 9, 10, 12, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)
with zipfile.ZipFile(out, "w") as z:
    add(z, "media_attachments/files/113/000/000/original/0001.png", b"\x89PNG\r\n\x1a\n not really an image")
    add(z, "outbox.json", open(f"{here}/outbox.json", "rb").read())
    add(z, "likes.json", b'{"@context":"https://www.w3.org/ns/activitystreams","id":"likes.json","type":"OrderedCollection","orderedItems":[]}')
    add(z, "bookmarks.json", b'{"@context":"https://www.w3.org/ns/activitystreams","id":"bookmarks.json","type":"OrderedCollection","orderedItems":[]}')
    add(z, "actor.json", open(f"{here}/actor.json", "rb").read())
PY
