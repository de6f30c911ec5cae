#!/usr/bin/env python3
"""test_concurrency.py — readers beside the writer: 16 clients read /v1/me,
/v1/me/posts and explain with person tokens of many accounts while POST
/v1/events and PUT /v1/me/preference commit (and grow the store's map).
Every answer must be 200 and consistent with one commit (a report's counts
add up), and afterwards the log holds exactly the acknowledged events.  Run
under ThreadSanitizer by `make test-tsan`.

Usage: test_concurrency.py path/to/licit
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Server, check, finish, lic  # noqa: E402

LICIT = os.path.abspath(sys.argv[1])
ROOT = os.environ.get("LICIT_SOURCE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
TMP = tempfile.mkdtemp(prefix="licit-conc-")
STORE = os.path.join(TMP, "store")
USERS = 40


def batch(b, n):
    out = []
    for i in range(n):
        u = "u-%d" % (i % USERS)
        out.append(json.dumps({"type": "post", "ts": "2025-01-01T00:00:00Z", "post": "b%d-%06d" % (b, i), "user": u,
                               "visibility": "public", "text": "batch %d post %d " % (b, i) + "x" * 200}))
    return ("\n".join(out) + "\n").encode()


def main():
    lic(LICIT, STORE, "policy", "set", os.path.join(ROOT, "examples", "policies", "meta-genai.json"))
    seed = "".join(json.dumps({"type": "account", "ts": "2024-01-01T00:00:00Z", "user": "u-%d" % i,
                               "region": "DE" if i % 2 else "US"}) + "\n" for i in range(USERS))
    seed += batch(0, 2000).decode()
    lic(LICIT, STORE, "ingest", "-", input=seed)
    op = lic(LICIT, STORE, "token", "--operator")[1].strip()
    tokens = [lic(LICIT, STORE, "token", "u-%d" % i)[1].strip() for i in range(USERS)]
    bad, done, answers = [], threading.Event(), [0]
    lock = threading.Lock()
    with Server(LICIT, STORE) as s:
        def reader(k):
            i = k
            while not done.is_set():
                tok = tokens[i % USERS]
                i += 7
                try:
                    st, me = s.json("GET", "/v1/me", token=tok)
                    ok = st == 200 and me["posts"]["considered"] == me["posts"]["included"] + sum(me["posts"]["excluded"].values())
                    st2, ps = s.json("GET", "/v1/me/posts?limit=5", token=tok)
                    ok = ok and st2 == 200
                    if ok and ps["posts"]:
                        st3, x = s.json("GET", "/v1/me/posts/%s/explain" % ps["posts"][0]["post"], token=tok)
                        ok = st3 == 200 and x["post"] == ps["posts"][0]["post"]
                except Exception as e:  # noqa: BLE001
                    ok, st = False, repr(e)
                with lock:
                    answers[0] += 1
                    if not ok:
                        bad.append((k, st))
        readers = [threading.Thread(target=reader, args=(k,), daemon=True) for k in range(16)]
        for t in readers:
            t.start()
        acked = 0
        try:
            for b in range(1, 9):
                st, js = s.json("POST", "/v1/events", batch(b, 3000), token=op)
                if st == 200:
                    acked += js["accepted"]
                st, js = s.json("PUT", "/v1/me/preference", {"ai_training": "deny" if b % 2 else "unset"},
                                token=tokens[b])
                if st == 200:
                    acked += 1
            time.sleep(0.5)
        except Exception:
            print("# the server's log:\n" + "".join("# " + ln + "\n" for ln in s.log()[-6000:].splitlines()))
            raise
        finally:
            done.set()  # the readers stop also when the writer's side failed
        for t in readers:
            t.join(60)
        check("every read beside the writer answered 200 and consistent (%d rounds)" % answers[0], not bad, bad[:5])
        pos = s.json("GET", "/healthz")[1]["log_position"]
        check("the log holds exactly the acknowledged events", pos == USERS + 2000 + acked, pos, acked)
        rc = s.stop()
        check("the server exits 0", rc == 0, rc, s.log()[-3000:])
    shutil.rmtree(TMP, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
