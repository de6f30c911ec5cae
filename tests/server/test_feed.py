#!/usr/bin/env python3
"""test_feed.py — the compliance feed (SPEC section 9) through the server
and `licit debt --feed`: poll, ingest deletions and objections, poll with
next, move `at` past a policy version's start, poll again.  Each answer must
equal the difference of the two states the spec defines, computed here
independently from `licit debt --json` taken at each poll, and each change
must be reported exactly once.

Usage: test_feed.py path/to/licit
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Server, check, finish, lic  # noqa: E402

LICIT = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="licit-feed-")
STORE = os.path.join(TMP, "store")

POLICY = {
    "name": "feed-test",
    "versions": [
        {"id": "v1", "effective": "2024-01-01T00:00:00Z", "visibility": ["public"],
         "regions": {"default": "no_choice", "EEA": "opt_out"}},
        {"id": "v2", "effective": "2027-01-01T00:00:00Z", "visibility": ["public"],
         "content_since": "2023-01-01T00:00:00Z",
         "regions": {"default": "no_choice", "EEA": "opt_out"}},
    ],
}


def ev(**kw):
    return json.dumps(kw) + "\n"


def events_initial():
    out = ev(type="account", ts="2022-01-01T00:00:00Z", user="u-de", region="DE")
    out += ev(type="account", ts="2022-01-01T00:00:00Z", user="u-us", region="US")
    for i in range(6):
        year = 2022 if i < 3 else 2024
        out += ev(type="post", ts="%d-03-0%dT00:00:00Z" % (year, i + 1), post="p-de-%d" % i, user="u-de",
                  visibility="public", text="de %d" % i)
        out += ev(type="post", ts="%d-03-0%dT00:00:00Z" % (year, i + 1), post="p-us-%d" % i, user="u-us",
                  visibility="public", text="us %d" % i)
    return out


def debt_state(at):
    rc, out, err = lic(LICIT, STORE, "--json", "debt", "--snapshot", "S", "--at", at)
    d = json.loads(out)["snapshots"][0]["debt"]
    return {p: r for r, ids in d.items() for p in ids}


def main():
    pf = os.path.join(TMP, "policy.json")
    json.dump(POLICY, open(pf, "w"))
    lic(LICIT, STORE, "policy", "set", pf)
    lic(LICIT, STORE, "ingest", "-", input=events_initial())
    rc, out, err = lic(LICIT, STORE, "snapshot", "--at", "2025-01-01T00:00:00Z", "--out", os.path.join(TMP, "S"),
                       "--name", "S")
    check("snapshot S built", rc == 0, err)
    OP = lic(LICIT, STORE, "token", "--operator")[1].strip()
    T1 = "2026-01-01T00:00:00Z"
    T2 = "2027-06-01T00:00:00Z"
    seen_left, seen_returned = [], []
    with Server(LICIT, STORE) as s:
        def poll(after, at, what):
            q = "/v1/snapshots/S/changes?at=" + at + ("&after=" + after if after else "")
            st, js = s.json("GET", q, token=OP)
            args = ["debt", "--snapshot", "S", "--feed", "--at", at] + (["--after", after] if after else [])
            cli = json.loads(lic(LICIT, STORE, "--json", *args)[1])
            check(what + ": the server and debt --feed --json agree", st == 200 and js == cli, js, cli)
            seen_left.extend(p["post"] for p in js["left"])
            seen_returned.extend(js["returned"])
            return js

        def expect(js, prev, cur, what):
            left = {p: r for p, r in cur.items() if p not in prev}
            returned = sorted(p for p in prev if p not in cur)
            got_left = {p["post"]: p["reason"] for p in js["left"]}
            check(what + ": left = later state minus earlier state", got_left == left, got_left, left)
            check(what + ": returned = earlier state minus later state", js["returned"] == returned, js["returned"],
                  returned)
            check(what + ": lists in post id order", [p["post"] for p in js["left"]] == sorted(got_left))

        # 1. No cursor: the earlier state is the snapshot itself (nothing excluded).
        state0 = {}
        js = poll(None, T1, "first poll")
        cur = debt_state(T1)
        expect(js, state0, cur, "first poll")
        check("first poll: the whole current debt (nothing yet)", js["left"] == [] and js["log_position"] == 14, js)
        check("next names (log position, at)", js["next"] == "14-%d" % 1767225600000000, js["next"])
        nxt, prev = js["next"], cur

        # 2. A deletion and an objection arrive.
        st, r = s.json("POST", "/v1/events", ev(type="delete", ts="2025-06-01T00:00:00Z", post="p-us-4") +
                       ev(type="preference", ts="2025-07-01T00:00:00Z", user="u-de", ai_training="deny"), token=OP)
        check("events accepted", st == 200 and r["accepted"] == 2, r)
        js = poll(nxt, T1, "after a deletion and an objection")
        cur = debt_state(T1)
        expect(js, prev, cur, "after a deletion and an objection")
        check("the deleted post and the objector's posts in the snapshot left",
              {p["post"]: p["reason"] for p in js["left"]} ==
              dict({"p-us-4": "deleted"}, **{"p-de-%d" % i: "objected" for i in range(6)}), js)
        nxt, prev = js["next"], cur

        # 3. Polling again with next: nothing new.
        js = poll(nxt, T1, "poll again")
        check("poll again: no change is reported twice", js["left"] == [] and js["returned"] == [], js)
        nxt = js["next"]

        # 4. The objection is withdrawn: those posts return.
        s.json("PUT", "/v1/me/preference", {"ai_training": "unset"},
               token=lic(LICIT, STORE, "token", "u-de")[1].strip())
        js = poll(nxt, T1, "after the objection is withdrawn")
        # The withdrawal is dated now (after T1): as of T1 the objection stands.
        cur = debt_state(T1)
        expect(js, prev, cur, "withdrawal dated after at")
        check("a withdrawal dated after at changes nothing as of at", js["left"] == [] and js["returned"] == [], js)
        nxt = js["next"]
        T1b = "2030-01-01T00:00:00Z"
        # 5. Time passes: at moves past v2's start (content_since 2023) and past the withdrawal.
        js = poll(nxt, T1b, "at moved past a policy version's start")
        cur = debt_state(T1b)
        expect(js, prev, cur, "at moved past a policy version's start")
        check("posts from before 2023 left as too_old; the objector's posts returned",
              {p["post"]: p["reason"] for p in js["left"]} == {"p-us-0": "too_old", "p-us-1": "too_old", "p-us-2": "too_old"}
              and js["returned"] == ["p-de-3", "p-de-4", "p-de-5"], js)
        check("a post excluded in both states for different reasons is no change",
              "p-de-0" not in js["returned"] and "p-de-0" not in [p["post"] for p in js["left"]], js)
        nxt, prev = js["next"], cur

        # 6. Again: nothing.
        js = poll(nxt, T1b, "final poll")
        check("final poll: empty", js["left"] == [] and js["returned"] == [], js)
        check("each departure was reported exactly once", len(seen_left) == len(set(seen_left)), seen_left)
        check("each return was reported exactly once", len(seen_returned) == len(set(seen_returned)), seen_returned)

        # 7. at moved back before T2's version: the too_old posts return.
        js = poll(nxt, T2, "at moved back")
        cur = debt_state(T2)
        expect(js, prev, cur, "at moved back")
        st, js = s.json("GET", "/v1/snapshots/S/changes?after=1-x", token=OP)
        check("a malformed cursor: 400", st == 400, st, js)
        rc = s.stop()
        check("the server exits 0", rc == 0, rc, s.log()[-3000:])
    rc, out, err = lic(LICIT, STORE, "debt", "--snapshot", "S", "--feed", "--at", T1b, "--after", "14-1767225600000000")
    check("debt --feed text: one line per change and the next cursor", rc == 0 and "left\tp-us-4\tdeleted" in out and
          "next: " in out, out, err)
    check("debt --feed without --snapshot: exit 2", lic(LICIT, STORE, "debt", "--feed")[0] == 2)
    check("debt --after without --feed: exit 2", lic(LICIT, STORE, "debt", "--after", "1-1")[0] == 2)
    check("debt --feed of an unknown snapshot: exit 2",
          lic(LICIT, STORE, "debt", "--feed", "--snapshot", "nope")[0] == 2)
    shutil.rmtree(TMP, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
