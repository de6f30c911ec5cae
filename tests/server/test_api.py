#!/usr/bin/env python3
"""test_api.py — every endpoint and status code of SPEC section 9 against a
real `licit serve` (tests/server/serverlib.py starts and always stops it).

Usage: test_api.py path/to/licit [path/to/store_damage]
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Server, check, finish, lic  # noqa: E402

LICIT = os.path.abspath(sys.argv[1])
DAMAGE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None  # tests/tools/store_damage
ROOT = os.environ.get("LICIT_SOURCE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
EX = os.path.join(ROOT, "examples")
TMP = tempfile.mkdtemp(prefix="licit-api-")
STORE = os.path.join(TMP, "store")
AT = "2025-07-31T00:00:00Z"


def cli_json(*args):
    rc, out, err = lic(LICIT, STORE, "--json", *args)
    return json.loads(out) if out.strip() else {"_rc": rc, "_err": err}


def err_code(js):
    return js.get("error", {}).get("code") if isinstance(js, dict) else None


def main():
    lic(LICIT, STORE, "policy", "set", os.path.join(EX, "policies", "meta-genai-mentions.json"))
    lic(LICIT, STORE, "ingest", os.path.join(EX, "events.jsonl"))
    lic(LICIT, STORE, "ingest", os.path.join(EX, "events-people.jsonl"))
    OP = lic(LICIT, STORE, "token", "--operator")[1].strip()
    rc, out, _ = lic(LICIT, STORE, "--json", "token", "u-lucia", "--ttl", "1h")
    tj = json.loads(out)
    check("token --json: {token, exp}", rc == 0 and tj["token"].startswith("v1.") and tj["exp"] > time.time() + 3500, out)
    LUCIA = tj["token"]
    ELENA = lic(LICIT, STORE, "token", "u-elena-fb")[1].strip()
    DANA = lic(LICIT, STORE, "token", "u-dana")[1].strip()
    NOBODY = lic(LICIT, STORE, "token", "u-not-yet-known")[1].strip()
    check("token: usage errors exit 2", lic(LICIT, STORE, "token")[0] == 2 and
          lic(LICIT, STORE, "token", "u-x", "--ttl", "5y")[0] == 2 and
          lic(LICIT, STORE, "token", "u-x", "--rotate")[0] == 2)

    # A --snapshots directory that cannot be made or is not one fails at
    # the start (exit 1, naming it), before anything listens.
    bad_dir = os.path.join(os.path.dirname(STORE), "no-such-parent", "snaps")
    rc, out, err = lic(LICIT, STORE, "serve", "--listen", "127.0.0.1:0", "--snapshots", bad_dir)
    check("serve --snapshots in a missing parent: exit 1 at the start, naming it", rc == 1 and bad_dir in err, rc, err)
    rc, out, err = lic(LICIT, STORE, "--json", "serve", "--listen", "127.0.0.1:0", "--snapshots",
                       os.path.join(EX, "events.jsonl"))
    check("serve --snapshots naming a file: exit 1, JSON error", rc == 1 and "not a directory" in out, rc, out)

    with Server(LICIT, STORE) as s:
        # ---------------------------------------------------------- public
        st, js = s.json("GET", "/healthz")
        check("healthz 200 with log_position", st == 200 and js == {"status": "ok", "log_position": 66}, st, js)
        st, h, body = s.req("GET", "/")
        check("page 200, HTML, strict CSP, no third party", st == 200 and h["content-type"].startswith("text/html") and
              "default-src 'none'" in h.get("content-security-policy", "") and
              b"http://" not in body.replace(b"http://www.w3.org/2000/svg", b"") and b"https://" not in body, st, h)
        # ---------------------------------------------------- check order
        st, js = s.json("GET", "/nope")
        check("unknown path: 404 not_found", st == 404 and err_code(js) == "not_found", st, js)
        st, js = s.json("GET", "/v1/me/")
        check("trailing slash: 404", st == 404, st, js)
        st, h, body = s.req("POST", "/metrics")
        check("wrong method before token: 405 with Allow", st == 405 and h.get("allow") == "GET" and
              err_code(json.loads(body)) == "method_not_allowed", st, h, body)
        st, h, body = s.req("HEAD", "/healthz")
        gst, gh, gbody = s.req("GET", "/healthz")
        check("HEAD is GET without the body (RFC 9110)", st == 200 and body == b"" and
              h.get("content-type") == gh.get("content-type") and h.get("content-length") == str(len(gbody)), st, h, body)
        st, h, body = s.req("HEAD", "/v1/me", token=LUCIA)
        check("HEAD of a person path: 200, no body", st == 200 and body == b"", st, h, body)
        st, h, body = s.req("HEAD", "/v1/me")
        check("HEAD without a token: 401 as for GET", st == 401, st, h)
        st, h, body = s.req("DELETE", "/v1/snapshots", token=OP)
        check("405 lists every method of the path", st == 405 and h.get("allow") == "GET, POST", st, h)
        st, js = s.json("GET", "/metrics")
        check("no token: 401 unauthorized", st == 401 and err_code(js) == "unauthorized", st, js)
        st, js = s.json("GET", "/metrics", token=LUCIA)
        check("person token on an operator path: 403", st == 403 and err_code(js) == "forbidden", st, js)
        st, js = s.json("GET", "/v1/me", token=OP)
        check("operator token on /v1/me: 403", st == 403 and err_code(js) == "forbidden", st, js)
        st, js = s.json("GET", "/v1/snapshots/nope", token=LUCIA)
        check("scope (403) before the resource (404)", st == 403, st, js)
        st, js = s.json("GET", "/v1/snapshots/nope")
        check("token (401) before the resource (404)", st == 401, st, js)

        # --------------------------------------------------------- tokens
        def who(tok):
            return s.json("GET", "/v1/me", token=tok)[0]
        check("Bearer garbage: 401", who("garbage") == 401)
        check("empty bearer: 401", s.req("GET", "/v1/me", headers={"Authorization": "Bearer "})[0] == 401)
        check("Basic auth: 401", s.req("GET", "/v1/me", headers={"Authorization": "Basic dTpw"})[0] == 401)
        head, payload, sig = LUCIA.split(".")
        import base64

        def b64d(x):
            return base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))

        def b64e(b):
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        claims = json.loads(b64d(payload))
        claims["sub"] = "u-jonas"
        altered = head + "." + b64e(json.dumps(claims, separators=(",", ":")).encode()) + "." + sig
        check("altered payload (another sub): 401", who(altered) == 401)
        flipped = LUCIA[:-2] + ("A" if LUCIA[-2] != "A" else "B") + LUCIA[-1]
        check("altered signature: 401", who(flipped) == 401)
        other = os.path.join(TMP, "other")
        lic(LICIT, other, "policy", "set", os.path.join(EX, "policies", "meta-genai.json"))
        forged = lic(LICIT, other, "token", "u-lucia")[1].strip()
        check("token signed by another store's key (forged): 401", who(forged) == 401)
        check("the operator token of another store: 401",
              s.json("GET", "/metrics", token=lic(LICIT, other, "token", "--operator")[1].strip())[0] == 401)
        check("person token: 200", who(LUCIA) == 200)
        # A token command that fails after taking the store's writer lock (a
        # user id that is not one) releases it: before, it exited holding the
        # lock in a lock file it had unmapped, and every write of this server
        # (and every later ingest) waited for ever.
        for args in (("token", ""), ("token", "--revoke", ""), ("token", "u\tx")):
            check("token %r: exit 2" % (args[1:],), lic(LICIT, STORE, *args)[0] == 2)
        import socket as _socket
        try:
            st, js = s.json("POST", "/v1/events", open(os.path.join(EX, "events.jsonl")).readline(), token=OP, timeout=10)
        except (_socket.timeout, TimeoutError) as e:
            st, js = None, repr(e)
        check("a write after failed token commands is answered (a duplicate)",
              st == 200 and js.get("duplicates") == 1, st, js)
        st, js = s.json("POST", "/v1/tokens", {"user": "u-kai", "ttl_s": 1}, token=OP)
        check("POST /v1/tokens: {token, exp}", st == 200 and js["token"].startswith("v1.") and
              js["exp"] <= time.time() + 2, st, js)
        short = js["token"]
        check("a fresh short token works", who(short) == 200)
        time.sleep(2.2)
        check("expired token: 401", who(short) == 401)
        st, js = s.json("POST", "/v1/tokens", {"user": "u-kai", "ttl_s": 0}, token=OP)
        check("POST /v1/tokens ttl_s 0: 400", st == 400 and err_code(js) == "invalid", st, js)
        st, js = s.json("POST", "/v1/tokens", {"ttl_s": 60}, token=OP)
        check("POST /v1/tokens without user: 400", st == 400, st, js)
        st, js = s.json("POST", "/v1/tokens", {"user": "u-kai", "ttl": 60}, token=OP)
        check("POST /v1/tokens with another key (ttl for ttl_s): 400, no token", st == 400 and "token" not in js, st, js)
        st, js = s.json("POST", "/v1/tokens", {"user": "u-kai"}, token=LUCIA)
        check("POST /v1/tokens with a person token: 403", st == 403, st, js)
        kai = s.json("POST", "/v1/tokens", {"user": "u-kai"}, token=OP)[1]["token"]
        check("token before revocation works", who(kai) == 200)
        # The server caches verified signatures by the token's bytes: a token
        # it has just accepted many times is still refused at once when
        # revoked (and the same bytes altered are not taken for it).
        check("a cached token works on every /v1/me endpoint, again and again",
              all(who(kai) == 200 and s.json("GET", "/v1/me/posts", token=kai)[0] == 200 for _ in range(5)))
        kai_flipped = kai[:-2] + ("A" if kai[-2] != "A" else "B") + kai[-1]
        check("a cached token with its signature altered: 401", who(kai_flipped) == 401)
        check("a cached token with a byte added: 401", who(kai + "A") == 401)
        rc, out, err = lic(LICIT, STORE, "token", "--revoke", "u-kai")
        check("token --revoke while serving: exit 0", rc == 0, err)
        check("revoked token: 401", who(kai) == 401)
        check("a revoked token that was cached: 401 at once, on every /v1/me endpoint",
              s.json("GET", "/v1/me/posts", token=kai)[0] == 401 and
              s.json("PUT", "/v1/me/preference", {"ai_training": "deny"}, token=kai)[0] == 401 and who(kai) == 401)
        # More tokens than a set of the cache holds: each one still verified,
        # each one still its own account's.
        many = [s.json("POST", "/v1/tokens", {"user": "u-lucia", "ttl_s": 600 + i}, token=OP)[1]["token"]
                for i in range(40)]
        check("40 tokens of one account, each used twice: 200 and that account",
              all(s.json("GET", "/v1/me", token=t)[1].get("user") == "u-lucia" for t in many + many))
        kai2 = s.json("POST", "/v1/tokens", {"user": "u-kai"}, token=OP)[1]["token"]
        check("a token minted after the revocation works", who(kai2) == 200)
        check("other accounts' tokens are not revoked", who(LUCIA) == 200)
        rc, out, _ = lic(LICIT, STORE, "token", "--operator", "--rotate")
        newop = out.strip()
        check("rotated operator token: the old one is 401, the new one 200",
              rc == 0 and s.json("GET", "/metrics", token=OP)[0] == 401 and
              s.json("GET", "/metrics", token=newop)[0] == 200)
        OP = newop

        # -------------------------------------------------------- metrics
        st, h, body = s.req("GET", "/metrics", token=OP)
        text = body.decode()
        check("metrics: Prometheus text with requests, latency, events, log position",
              st == 200 and h["content-type"].startswith("text/plain") and
              'licit_http_requests_total{endpoint="/v1/me",status="200"}' in text and
              'licit_http_request_duration_seconds_bucket{endpoint="/v1/me",le="+Inf"}' in text and
              "licit_events_ingested_total" in text and "licit_log_position 66" in text, text[:1500])

        # ---------------------------------------------------------- reads
        st, js = s.json("GET", "/v1/eval?at=" + AT, token=OP)
        check("GET /v1/eval = eval --json", st == 200 and js == cli_json("eval", "--at", AT), js)
        st, js = s.json("GET", "/v1/eval?at=yesterday", token=OP)
        check("bad at: 400 invalid", st == 400 and err_code(js) == "invalid", st, js)
        st, js = s.json("GET", "/v1/eval?at=2025-07-31T02:00:00%2B02:00", token=OP)
        check("at percent-decoded (%2B is +)", st == 200 and js["at"] == AT, st, js)
        st, js = s.json("GET", "/v1/eval?at=2025-07-31T02:00:00+02:00", token=OP)
        check("+ in a query is a plus, not a space", st == 200 and js["at"] == AT, st, js)
        st, js = s.json("GET", "/v1/eval", token=OP)
        check("missing at means now", st == 200 and js["at"][:4] == time.strftime("%Y", time.gmtime()), js)
        st, js = s.json("GET", "/v1/posts/p-lucia-03/explain?at=" + AT, token=OP)
        check("GET /v1/posts/POST/explain = explain --json", st == 200 and
              js == cli_json("explain", "p-lucia-03", "--at", AT), js)
        st, js = s.json("GET", "/v1/posts/no-such-post/explain", token=OP)
        check("explain of an unknown post: 404", st == 404 and err_code(js) == "not_found", st, js)
        st, js = s.json("GET", "/v1/users/u-lucia/report?at=" + AT, token=OP)
        check("GET /v1/users/USER/report = report --json", st == 200 and
              js == cli_json("report", "u-lucia", "--at", AT), js)
        st, js = s.json("GET", "/v1/users/u-nobody/report", token=OP)
        check("report of an unknown account: 404", st == 404, st, js)

        # ------------------------------------------------------ snapshots
        st, js = s.json("POST", "/v1/snapshots", {"at": "2025-06-01T00:00:00Z", "name": "s1"}, token=OP)
        check("POST /v1/snapshots builds and answers its manifest", st == 200 and js.get("snapshot") == "s1" and
              js["at"] == "2025-06-01T00:00:00Z" and "digest" in js, st, js)
        check("written under STORE/snapshots/NAME", os.path.exists(os.path.join(STORE, "snapshots", "s1", "manifest.json")))
        st, js = s.json("POST", "/v1/snapshots", {"at": "2025-06-01T00:00:00Z", "name": "s1"}, token=OP)
        check("the same name again: 409 exists", st == 409 and err_code(js) == "exists", st, js)
        for bad in ({"name": "../x"}, {"name": ".hidden"}, {"name": "a/b"}, {"name": "s1.licit-tmp-1"}, {"at": "soon"}, {"nme": "x"}):
            st, js = s.json("POST", "/v1/snapshots", bad, token=OP)
            check("POST /v1/snapshots %s: 400" % json.dumps(bad), st == 400, st, js)
        st, js = s.json("POST", "/v1/snapshots", "not json", token=OP)
        check("POST /v1/snapshots with a body that is not JSON: 400", st == 400, st, js)
        st, js = s.json("GET", "/v1/snapshots", token=OP)
        want = cli_json("snapshots")
        for x in want["snapshots"]:
            x.pop("out", None)
        check("GET /v1/snapshots = snapshots --json", st == 200 and js == want, js, want)
        st, js = s.json("GET", "/v1/snapshots/s1", token=OP)
        manifest = json.load(open(os.path.join(STORE, "snapshots", "s1", "manifest.json")))
        check("GET /v1/snapshots/NAME: its manifest", st == 200 and js == manifest, js)
        for path in ("/v1/snapshots/nope", "/v1/snapshots/%2e%2e", "/v1/snapshots/..%2fs1",
                     "/v1/snapshots/%2e%2e%2fstore", "/v1/snapshots/s1%00", "/v1/snapshots/%00",
                     "/v1/snapshots/%252e%252e", "/v1/snapshots/s%31"):
            st, js = s.json("GET", path, token=OP)
            if path.endswith("%31"):
                check("a percent-encoded name is decoded once: " + path, st == 200 and js.get("snapshot") == "s1", st, js)
            else:
                check("path trick %s: 404, nothing else" % path, st == 404 and err_code(js) == "not_found", st, js)
        for path in ("/v1/snapshots/../v1/snapshots", "/v1/./snapshots", "/v1/snapshots/s1/../s1"):
            st, js = s.json("GET", path, token=OP)
            check("dot segments are not resolved: %s is 404" % path, st == 404, st, js)
        st, js = s.json("GET", "/v1/snapshots/s1%00x", token=OP)
        check("a name with a NUL: 404 naming it whole, not the snapshot s1", st == 404 and
              "s1\\x00x" in js["error"]["message"], st, js)
        st, js = s.json("GET", "/v1/snapshots/%zz", token=OP)
        check("a broken percent escape: 400", st == 400, st, js)
        st, js = s.json("GET", "/v1/snapshots/s1/debt?at=2025-07-31T00:00:00Z", token=OP)
        want = cli_json("debt", "--snapshot", "s1", "--at", AT)["snapshots"][0]
        check("GET /v1/snapshots/NAME/debt = its entry of debt --json", st == 200 and js == want, js, want)
        st, js = s.json("GET", "/v1/snapshots/nope/debt", token=OP)
        check("debt of an unknown snapshot: 404", st == 404, st, js)
        st, js = s.json("GET", "/v1/snapshots/s1/changes?at=" + AT, token=OP)
        want = cli_json("debt", "--snapshot", "s1", "--feed", "--at", AT)
        check("GET /v1/snapshots/NAME/changes = debt --feed --json", st == 200 and js == want, js, want)
        st, js = s.json("GET", "/v1/snapshots/s1/changes?after=12", token=OP)
        check("changes with a malformed cursor: 400", st == 400 and err_code(js) == "invalid", st, js)
        st, js = s.json("GET", "/v1/snapshots/s1/changes?after=99999-0", token=OP)
        check("changes with a cursor beyond the log: 400", st == 400, st, js)
        st, js = s.json("GET", "/v1/snapshots/nope/changes", token=OP)
        check("changes of an unknown snapshot: 404", st == 404, st, js)

        # ----------------------------------------------------------- /v1/me
        st, js = s.json("GET", "/v1/me?at=" + AT, token=LUCIA)
        check("GET /v1/me = report --json of the token's account, with person", st == 200 and
              js == cli_json("report", "u-lucia", "--at", AT) and js["person"] == ["u-lucia"], js)
        st, js = s.json("GET", "/v1/me?at=" + AT, token=ELENA)
        check("GET /v1/me of a linked account names its person", st == 200 and
              js["person"] == ["u-elena-fb", "u-elena-ig"], js)
        st, js = s.json("GET", "/v1/me?user=u-elena-ig&at=" + AT, token=ELENA)
        check("GET /v1/me?user=ACCOUNT: the report of another account of the token's person",
              st == 200 and js == dict(cli_json("report", "u-elena-ig", "--at", AT),
                                       person=["u-elena-fb", "u-elena-ig"]), st, js)
        st, js = s.json("GET", "/v1/me?user=u-elena-fb&at=" + AT, token=ELENA)
        check("GET /v1/me?user= the token's own account: as without it", st == 200 and js["user"] == "u-elena-fb", js)
        st1, js1 = s.json("GET", "/v1/me?user=u-lucia", token=ELENA)
        st2, js2 = s.json("GET", "/v1/me?user=u-no-such-account", token=ELENA)
        check("GET /v1/me?user= an account of someone else: 404, exactly like an unknown one",
              st1 == 404 and st2 == 404 and js1 == js2, js1, js2)
        st, js = s.json("GET", "/v1/me?user=u-elena-ig", token=OP)
        check("GET /v1/me?user= with the operator token: 403", st == 403, st, js)
        st, js = s.json("GET", "/v1/me", token=NOBODY)
        check("GET /v1/me for an account not yet known: 404", st == 404, st, js)
        st, js = s.json("GET", "/v1/me/posts", token=NOBODY)
        check("GET /v1/me/posts for an account not yet known: empty", st == 200 and js == {"posts": [], "next": None},
              st, js)
        rc, out, _ = lic(LICIT, STORE, "--json", "eval", "--at", AT, "--list")
        allposts = [json.loads(l) for l in out.splitlines()]
        mine = [p for p in allposts if p["user"] in ("u-elena-fb", "u-elena-ig")]
        st, js = s.json("GET", "/v1/me/posts?at=" + AT, token=ELENA)
        check("/v1/me/posts covers the person's accounts, in post id order, as eval --list",
              st == 200 and [(p["post"], p["user"], p["reason"]) for p in js["posts"]] ==
              [(p["post"], p["user"], p["reason"]) for p in mine] and js["next"] is None, js, mine)
        lucia_all = [p for p in allposts if p["user"] == "u-lucia"]
        got, after, pages = [], None, 0
        while True:
            q = "/v1/me/posts?limit=1&at=" + AT + ("&after=" + after if after else "")
            st, js = s.json("GET", q, token=LUCIA)
            if st != 200:
                break
            got += js["posts"]
            pages += 1
            after = js["next"]
            if after is None or pages > 20:
                break
        check("pagination: limit=1 pages through every post once", [p["post"] for p in got] ==
              [p["post"] for p in lucia_all] and pages == len(lucia_all), got, lucia_all)
        first = got[0]
        check("a post entry has post, user, created, excerpt, reason, snapshots",
              set(first) == {"post", "user", "created", "excerpt", "reason", "snapshots"} and
              first["snapshots"] == ["s1"], first)
        st, js = s.json("GET", "/v1/me/posts?reason=included&at=" + AT, token=LUCIA)
        check("reason filter", st == 200 and all(p["reason"] == "included" for p in js["posts"]) and
              len(js["posts"]) == sum(1 for p in lucia_all if p["reason"] == "included"), js)
        for q in ("limit=0", "limit=10001", "limit=x", "reason=nice", "at=never", "limit=1%00junk",
                  "reason=included%00x", "at=2025-06-01T00:00:00Z%00x"):
            st, js = s.json("GET", "/v1/me/posts?" + q, token=LUCIA)
            check("/v1/me/posts?%s: 400" % q, st == 400, st, js)
        # excerpt: the first 200 Unicode characters of the text as of T
        long_text = "é" * 150 + "😀" * 100
        st, js = s.json("POST", "/v1/events", json.dumps({"type": "post", "ts": "2025-07-01T00:00:00Z",
                        "post": "p-lucia-long", "user": "u-lucia", "visibility": "public", "text": long_text}) + "\n",
                        token=OP)
        check("POST /v1/events: one accepted", st == 200 and js["accepted"] == 1, st, js)
        st, js = s.json("GET", "/v1/me/posts?at=" + AT, token=LUCIA)
        ex = [p["excerpt"] for p in js["posts"] if p["post"] == "p-lucia-long"]
        check("excerpt is 200 characters", ex == ["é" * 150 + "😀" * 50], ex)
        # snapshot=NAME: the posts as NAME judged them (its T, its log
        # prefix, its policy), not the whole log as of NAME's T. A post
        # back-dated before s1's T and a late deletion of a post s1 holds,
        # both ingested after s1 was built, change the latter only.
        S1_AT = "2025-06-01T00:00:00Z"
        st, before = s.json("GET", "/v1/me/posts?snapshot=s1", token=LUCIA)
        held = [p["post"] for p in before["posts"] if "s1" in p["snapshots"]]
        check("?snapshot=s1 before anything is back-dated: s1's posts are exactly the included ones",
              st == 200 and "p-lucia-03" in held and
              held == [p["post"] for p in before["posts"] if p["reason"] == "included"], st, before)
        late = "\n".join(json.dumps(e) for e in (
            {"type": "post", "ts": "2025-05-01T00:00:00Z", "post": "p-lucia-backdated", "user": "u-lucia",
             "visibility": "public", "text": "posted late, dated before s1"},
            {"type": "delete", "ts": "2025-05-15T00:00:00Z", "post": "p-lucia-03"})) + "\n"
        st, js = s.json("POST", "/v1/events", late, token=OP)
        check("POST /v1/events: a back-dated post and a late deletion accepted", st == 200 and js["accepted"] == 2,
              st, js)
        st, now_t = s.json("GET", "/v1/me/posts?at=" + S1_AT, token=LUCIA)
        st2, snap = s.json("GET", "/v1/me/posts?snapshot=s1", token=LUCIA)
        by = lambda js: {p["post"]: p["reason"] for p in js["posts"]}
        check("?at=s1's T judges the whole log: the back-dated post counts, the deleted one is deleted",
              st == 200 and by(now_t).get("p-lucia-backdated") == "included" and
              by(now_t).get("p-lucia-03") == "deleted", now_t)
        check("?snapshot=s1 judges as s1 did: unchanged by what came after it",
              st2 == 200 and snap == before and "p-lucia-backdated" not in by(snap) and
              by(snap)["p-lucia-03"] == "included", snap, before)
        st, js = s.json("GET", "/v1/me/posts?snapshot=s1&at=" + S1_AT, token=LUCIA)
        check("?snapshot with ?at: 400 (a snapshot has its own T)", st == 400 and err_code(js) == "usage", st, js)
        st, js = s.json("GET", "/v1/me/posts?snapshot=nope", token=LUCIA)
        check("?snapshot of an unknown snapshot: 404", st == 404 and err_code(js) == "not_found", st, js)
        st, js = s.json("GET", "/v1/me/posts/p-lucia-01/explain?at=" + AT, token=LUCIA)
        check("/v1/me/posts/POST/explain of one's own post = explain --json", st == 200 and
              js == cli_json("explain", "p-lucia-01", "--at", AT), st, js)
        st1, js1 = s.json("GET", "/v1/me/posts/p-jonas-01/explain", token=LUCIA)
        st2, js2 = s.json("GET", "/v1/me/posts/p-no-such/explain", token=LUCIA)
        check("another person's post is 404, exactly like an unknown post", st1 == 404 and st2 == 404 and js1 == js2,
              js1, js2)
        st, js = s.json("GET", "/v1/me/posts/p-elena-ig-01/explain", token=ELENA)
        check("a linked account's post is the person's own: 200", st == 200 and js["post"] == "p-elena-ig-01", st, js)
        st, js = s.json("GET", "/v1/me/posts/p-elena-ig-01/explain", token=LUCIA)
        check("... and 404 for someone else", st == 404, st, js)

        # ---------------------------------------------------------- proofs
        st, h, body = s.req("GET", "/v1/me/posts/p-lucia-01/proof?snapshot=s1", token=LUCIA)
        rc, out, _ = lic(LICIT, STORE, "prove", "p-lucia-01", "--snapshot", "s1")
        check("/v1/me/posts/POST/proof = licit prove", st == 200 and json.loads(body) == json.loads(out) and
              json.loads(body)["included"] is True, st, body[:300], out[:300])
        pf = os.path.join(TMP, "proof.json")
        open(pf, "wb").write(body)
        rc, out, err = lic(LICIT, STORE, "verify", os.path.join(STORE, "snapshots", "s1"), "--proof", pf)
        check("the proof checks out with licit verify DIR --proof FILE", rc == 0, out, err)
        st1, js1 = s.json("GET", "/v1/me/posts/p-jonas-01/proof?snapshot=s1", token=LUCIA)
        st2, js2 = s.json("GET", "/v1/me/posts/p-nope/proof?snapshot=s1", token=LUCIA)
        check("proof of another person's post: 404 like an unknown post", st1 == 404 and js1 == js2, js1, js2)
        st, js = s.json("GET", "/v1/me/posts/p-lucia-01/proof?snapshot=nope", token=LUCIA)
        check("proof in an unknown snapshot: 404", st == 404, st, js)
        st, js = s.json("GET", "/v1/me/posts/p-lucia-01/proof", token=LUCIA)
        check("proof without snapshot=: 400", st == 400, st, js)
        st, js = s.json("GET", "/v1/me/posts/p-lucia-01/proof?snapshot=s1", token=OP)
        check("proof with the operator token: 403", st == 403, st, js)

        # ----------------------------------------------------- preference
        st, js = s.json("GET", "/v1/me/preference", token=LUCIA)
        check("GET /v1/me/preference: 405", st == 405, st, js)
        for bad in ({"ai_training": "maybe"}, {"ai_training": "deny", "x": 1}, {}, ["deny"]):
            st, js = s.json("PUT", "/v1/me/preference", bad, token=LUCIA)
            check("PUT preference %s: 400" % json.dumps(bad), st == 400, st, js)
        before = s.json("GET", "/healthz")[1]["log_position"]
        st, js = s.json("PUT", "/v1/me/preference", {"ai_training": "deny"}, token=LUCIA)
        check("PUT /v1/me/preference: {preference, honoured, reason, effective}", st == 200 and
              js["preference"] == "deny" and js["honoured"] is True and js["reason"] and js["effective"], st, js)
        check("the preference event is in the log", s.json("GET", "/healthz")[1]["log_position"] == before + 1)
        first = js
        # The same preference again: no new event (a token could otherwise grow
        # its record without end, review 7), the same answer, effective since
        # the first (time.sleep: a second PUT in the same microsecond would
        # give the same "effective" either way).
        time.sleep(0.01)
        for _ in range(3):
            st, js = s.json("PUT", "/v1/me/preference", {"ai_training": "deny"}, token=LUCIA)
        check("PUT the same preference again: 200, nothing appended, effective the first one's",
              st == 200 and js == first and s.json("GET", "/healthz")[1]["log_position"] == before + 1, st, js, first)
        st, me = s.json("GET", "/v1/me", token=LUCIA)
        check("/v1/me then shows the objection honoured", me["preference"] == "deny" and
              me["posts"]["included"] == 0 and  # p-lucia-03 was deleted above
              me["posts"]["excluded"]["objected"] == me["posts"]["considered"] - me["posts"]["excluded"]["deleted"], me)
        st, js = s.json("PUT", "/v1/me/preference", {"ai_training": "deny"},
                        token=lic(LICIT, STORE, "token", "u-mike")[1].strip())
        check("no_choice region: honoured false, with a reason", st == 200 and js["honoured"] is False and
              "no choice" in js["reason"] and "linked" not in js["reason"], st, js)
        # A no_choice account linked to one where people may object: the
        # objection covers the person (SPEC 4), and the reason says so (it
        # said the choice changes nothing).
        st, js = s.json("POST", "/v1/events",
                        '{"type":"account","ts":"2025-01-01T00:00:00Z","user":"u-nc-us","region":"US"}\n'
                        '{"type":"account","ts":"2025-01-01T00:00:00Z","user":"u-nc-de","region":"DE"}\n'
                        '{"type":"link","ts":"2025-01-02T00:00:00Z","user":"u-nc-us","with":"u-nc-de"}\n', token=OP)
        check("linked pair ingested", st == 200 and js["accepted"] == 3, st, js)
        st, tj = s.json("POST", "/v1/tokens", {"user": "u-nc-us"}, token=OP)
        st, js = s.json("PUT", "/v1/me/preference", {"ai_training": "deny"}, token=tj["token"])
        check("no_choice account linked to an opt_out one: honoured false, the reason names the linked accounts",
              st == 200 and js["honoured"] is False and "linked" in js["reason"], st, js)
        st, js = s.json("PUT", "/v1/me/preference", {"ai_training": "deny"}, token=DANA)
        check("PUT preference for a deleted account: 409", st == 409 and err_code(js) == "conflict", st, js)
        st, js = s.json("GET", "/v1/me/posts", token=DANA)
        check("a deleted account's token still reads its posts", st == 200, st, js)

        # ---------------------------------------------------------- events
        st, js = s.json("POST", "/v1/events", '{"type":"account","ts":"2025-01-01T00:00:00Z","user":"u-new","region":"DE"}\n'
                        'not json\r\n\n{"type":"account","ts":"2025-01-01T00:00:00Z","user":"u-new2"}', token=OP)
        check("POST /v1/events: counts and rejects with line numbers", st == 200 and js["accepted"] == 2 and
              js["rejected"] == 1 and js["duplicates"] == 0 and len(js["rejects"]) == 1 and js["rejects"][0]["line"] == 2,
              st, js)
        st, js = s.json("POST", "/v1/events", '{"id":"x1","type":"account","ts":"2025-01-01T00:00:00Z","user":"u-new3"}\n'
                        '{"id":"x1","type":"account","ts":"2025-01-01T00:00:00Z","user":"u-new3"}\n', token=OP)
        check("duplicates counted", st == 200 and js["accepted"] == 1 and js["duplicates"] == 1, js)
        st, js = s.json("POST", "/v1/events?format=jetstream", json.dumps({"did": "did:plc:abc", "time_us": 1735689600000000,
                        "kind": "identity"}) + "\n", token=OP)
        check("format=jetstream: skipped is counted", st == 200 and js.get("skipped") == 1, st, js)
        check("records taken: no hint", st == 200 and "hint" not in js, js)
        # A whole outbox.json as the body (JSON Lines expected, SPEC 9): every
        # line rejected, and the answer says what went wrong (review 6).
        outbox = json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection",
                             "orderedItems": [{"type": "Create", "actor": "https://ex.org/u/a"}]}, indent=2)
        st, js = s.json("POST", "/v1/events?format=activitypub", outbox, token=OP)
        check("an outbox.json body: 200, nothing accepted, a hint naming the format and the way to read it",
              st == 200 and js["accepted"] == 0 and js["rejected"] >= 2 and "format=activitypub" in js.get("hint", "")
              and "licit ingest --format activitypub" in js.get("hint", ""), st, js)
        st, js = s.json("POST", "/v1/events?format=csv", "", token=OP)
        check("unknown format: 400", st == 400, st, js)
        st, js = s.json("POST", "/v1/events?format=native%00garbage", "", token=OP)
        check("a query value with %00 is refused, not cut: 400", st == 400 and "%00" in js["error"]["message"], st, js)
        st, js = s.json("GET", "/v1/events", token=OP)
        check("GET /v1/events: 405", st == 405, st, js)

        # ----------------------------------------------------------- 413
        pos = s.json("GET", "/healthz")[1]["log_position"]
        out = s.raw(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + OP.encode() +
                    b"\r\nContent-Length: 67108865\r\n\r\n")
        check("events body over 64 MiB (Content-Length): 413 before it is read", out.startswith(b"HTTP/1.1 413"), out[:200])
        st, js = s.json("POST", "/v1/tokens", {"user": "u-x" * 30000}, token=OP)
        check("a small endpoint's body over 64 KiB: 413", st == 413 and err_code(js) == "too_large", st, js)
        # a chunked body with no Content-Length, over the limit
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        sock.sendall(b"PUT /v1/me/preference HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + LUCIA.encode() +
                     b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(5):
            sock.sendall(b"4000\r\n" + b" " * 0x4000 + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        resp = b""
        try:
            while b"\r\n\r\n" not in resp:
                c = sock.recv(4096)
                if not c:
                    break
                resp += c
        except OSError:
            pass
        sock.close()
        check("a chunked body over the limit: 413", resp.startswith(b"HTTP/1.1 413"), resp[:200])
        check("nothing applied by refused bodies", s.json("GET", "/healthz")[1]["log_position"] == pos)
        big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n"
        out = s.raw(big)
        check("headers over 32 KiB: refused (4xx) and closed", out[:12] in (b"HTTP/1.1 431", b"HTTP/1.1 413", b"HTTP/1.1 400")
              or out == b"", out[:100])
        rc = s.stop()
        check("SIGTERM: the server exits 0 (no crash, no leak under the sanitizers)", rc == 0, rc, s.log()[-3000:])

    # ------------------------------------------------- slow clients, cap
    with Server(LICIT, STORE, "--request-timeout", "2", "--max-connections", "4") as s:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        t0 = time.time()
        sent = 0
        closed = False
        req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        try:
            for b in req:
                sock.sendall(bytes([b]))
                sent += 1
                time.sleep(1)
                sock.settimeout(0.01)
                try:
                    if sock.recv(100) == b"":
                        closed = True
                        break
                except socket.timeout:
                    pass
                finally:
                    sock.settimeout(10)
        except OSError:
            closed = True
        sock.close()
        check("a client sending one byte a second is disconnected (request timeout 2 s)",
              closed and time.time() - t0 < 8 and sent < len(req), sent, time.time() - t0)
        # the connection cap: 4 held connections, the 5th is closed unanswered
        held = [socket.create_connection(("127.0.0.1", s.port), timeout=5) for _ in range(4)]
        for h in held:
            h.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            h.recv(4096)
        time.sleep(0.2)
        extra = s.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", read_timeout=3)
        check("beyond --max-connections a connection is closed unanswered", extra == b"", extra[:100])
        for h in held:
            h.close()
        time.sleep(0.5)
        st, js = s.json("GET", "/healthz")
        check("once connections close, requests are served again", st == 200, st, js)
        st, h, _ = s.req("GET", "/healthz")
        check("server still healthy", st == 200)
        st, js = s.json("POST", "/v1/snapshots", token=OP)
        check("POST /v1/snapshots with no body: both keys default (as {})", st == 200 and js.get("snapshot"), st, js)
        rc = s.stop()
        check("SIGTERM with slow and refused clients behind it: exit 0", rc == 0, rc, s.log()[-3000:])
    damaged_store(OP, LUCIA)
    randomly_damaged(OP, LUCIA, ELENA)
    shutil.rmtree(TMP, ignore_errors=True)
    finish()


def damaged_copy(name, *how):
    """A copy of the test store under TMP/name, damaged by store_damage as
    `how` says; the copy's path and the tool's result."""
    d = os.path.join(TMP, name)
    shutil.copytree(STORE, d)
    return d, subprocess.run([DAMAGE, d, *how], capture_output=True, text=True)


def randomly_damaged(op, lucia, elena):
    """A server on a store damaged at random (tests/tools/store_damage: values
    flipped, cut, lengthened, emptied) answers every request with a status and
    a JSON body, never drops a connection, and stops cleanly: damage is an
    error, never a crash of the server that everyone shares."""
    if not DAMAGE:
        return
    paths = [(op, "/v1/eval?at=" + AT), (op, "/v1/posts/p-lucia-03/explain?at=" + AT),
             (op, "/v1/users/u-lucia/report?at=" + AT), (op, "/v1/snapshots"), (op, "/v1/snapshots/s1"),
             (op, "/v1/snapshots/s1/debt?at=" + AT), (op, "/v1/snapshots/s1/changes"),
             (lucia, "/v1/me?at=" + AT), (lucia, "/v1/me/posts?at=" + AT),
             (lucia, "/v1/me/posts/p-lucia-01/explain?at=" + AT), (lucia, "/v1/me/posts/p-lucia-01/proof?snapshot=s1"),
             (elena, "/v1/me?at=" + AT), (elena, "/v1/me/posts?at=" + AT)]
    bad = []
    seeds = int(os.environ.get("LICIT_DAMAGE_SEEDS", "8"))  # more to hunt, as tests/cli/damage.sh
    for seed in range(1, seeds + 1):
        d, r = damaged_copy("random-%d" % seed, "random", str(seed), "2")
        what = r.stdout.strip().replace("\n", "; ")
        s = Server(LICIT, d)
        try:
            s.start()
        except RuntimeError as e:
            # Refusing to start is right when what it needs to start (its
            # token key) is damaged, if it says so (exit 1); nothing else is.
            if "damaged" not in str(e) or s.proc is None or s.proc.wait() != 1:
                bad.append("seed %d: the server did not start after %s: %s" % (seed, what, str(e)[-300:]))
            s.__exit__(None)
            shutil.rmtree(d, ignore_errors=True)
            continue
        try:
            for tok, path in paths:
                try:
                    st, js = s.json("GET", path, token=tok)
                except Exception as e:  # a dropped connection: the server died
                    bad.append("seed %d %s: %r after %s" % (seed, path, e, what))
                    break
                if st not in (200, 401, 403, 404, 409, 500) or not isinstance(js, dict):
                    bad.append("seed %d %s: %s %s after %s" % (seed, path, st, str(js)[:200], what))
            rc = s.stop()
            if rc != 0:
                bad.append("seed %d: the server exited %s after %s; %s" % (seed, rc, what, s.log()[-500:]))
        finally:
            s.__exit__(None)
        shutil.rmtree(d, ignore_errors=True)
    check("a server on %d randomly damaged stores: every request answered, clean stop" % seeds, not bad, *bad[:5])


def damaged_store(op, token):
    """A damaged store is an error, never a shorter answer: with the record
    of one of the person's posts gone from `postrec` (still named by
    `postids` and the account's post list), /v1/me/posts answers 500 (it
    used to leave the post out and answer 200)."""
    if not DAMAGE:
        check("store_damage tool given (tests/meson.build)", False)
        return
    bad, r = damaged_copy("damaged", "droprec", "p-lucia-01")
    if not check("store_damage dropped p-lucia-01's record", r.returncode == 0, r.stderr):
        return
    with Server(LICIT, bad) as s:
        st, js = s.json("GET", "/v1/me/posts?at=" + AT, token=token)
        check("/v1/me/posts on a damaged store: 500, a store error, no partial list",
              st == 500 and "posts" not in js and err_code(js) is not None, st, js)
        st, js = s.json("GET", "/v1/me", token=token)
        check("/v1/me on the same damaged store: 500, not a smaller report", st == 500, st, js)
        # A read error is that error, never "no such post" (it was 404).
        for tok, path in ((op, "/v1/posts/p-lucia-01/explain?at=" + AT),
                          (token, "/v1/me/posts/p-lucia-01/explain?at=" + AT),
                          (token, "/v1/me/posts/p-lucia-01/proof?snapshot=s1")):
            st, js = s.json("GET", path, token=tok)
            check("%s on the damaged post: 500 store, not 404" % path.split("?")[0],
                  st == 500 and err_code(js) == "store", st, js)
    # The same for a damaged snapshot record: never "not registered".
    bad, r = damaged_copy("damaged-snap", "cut", "snapshots", "s1", "20")
    if not check("store_damage cut snapshot s1's record", r.returncode == 0, r.stderr):
        return
    with Server(LICIT, bad) as s:
        for tok, path in ((op, "/v1/snapshots/s1"), (op, "/v1/snapshots/s1/debt"), (op, "/v1/snapshots/s1/changes"),
                          (token, "/v1/me/posts/p-lucia-02/proof?snapshot=s1")):
            st, js = s.json("GET", path, token=tok)
            check("%s on a damaged snapshot record: 500, not 404" % path.split("?")[0], st == 500, st, js)


if __name__ == "__main__":
    main()
