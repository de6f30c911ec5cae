#!/usr/bin/env python3
"""test_follow.py — `licit serve --follow URL`: the live follower inside the
server, against the local Jetstream stand-in (tests/follow/standin.py).

Checks: /healthz carries "follow": {"url", "cursor", "lag_s", "connected"};
/metrics carries the follower's figures; the API answers while it follows;
after SIGTERM the server exits 0 and the store holds exactly what
`ingest --format jetstream` of the same capture gives (same eval digest);
a URL that is not ws:// or wss:// ends `serve` with exit 1.

Usage: test_follow.py path/to/licit
Exit 77 when Debian's python3-websockets (for the stand-in) is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Server, check, finish, lic  # noqa: E402

LICIT = os.path.abspath(sys.argv[1])
ROOT = os.environ.get("LICIT_SOURCE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
FOLLOW = os.path.join(ROOT, "tests", "follow")
PY = "/usr/bin/python3"
if subprocess.run([PY, "-c", "import websockets"], capture_output=True).returncode != 0:
    print("SKIP: the stand-in needs Debian's python3-websockets")
    sys.exit(77)
TMP = tempfile.mkdtemp(prefix="licit-follow-srv-")
POLICY = os.path.join(ROOT, "examples", "policies", "meta-genai-mentions.json")
T2 = "2025-06-03T00:00:00Z"


def main():
    capture = os.path.join(TMP, "capture.jsonl")
    with open(capture, "w") as f:
        subprocess.run([PY, os.path.join(FOLLOW, "gen_capture.py"), "2000", "11"], stdout=f, check=True)
    last_us = max(json.loads(l)["time_us"] for l in open(capture) if l.strip().startswith("{") and '"time_us"' in l
                  and isinstance(json.loads(l).get("time_us"), int))
    ref = os.path.join(TMP, "ref")
    lic(LICIT, ref, "policy", "set", POLICY)
    lic(LICIT, ref, "ingest", "--format", "jetstream", capture)
    want = json.loads(lic(LICIT, ref, "--json", "eval", "--at", T2)[1])

    port_file = os.path.join(TMP, "port")
    standin = subprocess.Popen([PY, os.path.join(FOLLOW, "standin.py"), "--capture", capture, "--port-file", port_file,
                                "--log", os.path.join(TMP, "standin.log")], stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        sport = int(open(port_file).read())
        url = ("ws://127.0.0.1:%d/subscribe?wantedCollections=app.bsky.feed.post"
               "&wantedCollections=org.user-intents.declaration" % sport)
        store = os.path.join(TMP, "store")
        lic(LICIT, store, "policy", "set", POLICY)
        op = lic(LICIT, store, "token", "--operator")[1].strip()
        s = Server(LICIT, store, "--follow", url).start()
        try:
            seen_connected, hz = False, None
            deadline = time.time() + 60
            while time.time() < deadline:
                st, hz = s.json("GET", "/healthz")
                f = hz.get("follow", {}) if st == 200 else {}
                seen_connected = seen_connected or f.get("connected") is True
                if f.get("cursor") == last_us:
                    break
                time.sleep(0.2)
            f = hz.get("follow", {})
            check("/healthz: follow {url, cursor, lag_s, connected}", set(f) >= {"url", "cursor", "lag_s", "connected"}
                  and f["url"] == url and f["cursor"] == last_us and isinstance(f["lag_s"], float), hz)
            check("/healthz: the follower was connected", seen_connected, hz)
            st, h, body = s.req("GET", "/metrics", token=op)
            text = body.decode()
            check("/metrics: the follower's figures", 'licit_follow_messages_total{outcome="accepted"}' in text and
                  "licit_follow_connected 1" in text and "licit_follow_lag_seconds" in text and
                  "licit_follow_cursor_microseconds %d" % last_us in text, text[-1500:])
            st, js = s.json("GET", "/v1/eval?at=" + T2, token=op)
            check("the API answers while the follower runs", st == 200 and js["log_position"] == hz["log_position"], js)
            rc = s.stop()
            check("SIGTERM: the server and its follower stop, exit 0", rc == 0, rc, s.log()[-2000:])
        finally:
            s.__exit__(None)  # stops it (if still running) and removes its log file
        got = json.loads(lic(LICIT, store, "--json", "eval", "--at", T2)[1])
        check("the followed store equals ingest --format jetstream of the same feed (eval digest)",
              got["digest"] == want["digest"] and got["counts"] == want["counts"] and
              got["log_position"] == want["log_position"], got, want)
    finally:
        standin.kill()
        standin.wait()
    bad = subprocess.run([LICIT, "--store", os.path.join(TMP, "bad"), "serve", "--listen", "127.0.0.1:0", "--follow",
                          "https://jetstream.example/subscribe"], capture_output=True, text=True, timeout=30)
    check("serve --follow with a URL that is not ws:// or wss://: exit 1", bad.returncode == 1, bad.returncode, bad.stderr)
    shutil.rmtree(TMP, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
