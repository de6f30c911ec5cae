#!/usr/bin/env python3
"""Run ref.py on the hand-made cases in cases/ and compare with the
hand-derived expectations:
  NAME.expected                 first line "# args: ..."; then one JSON line per --at
  NAME.decisions.expected       (optional) --decisions at the first --at
  NAME.reports.expected         (optional) --reports at the first --at
  NAME.summary.expected         (optional) --ingest-summary
  NAME.rejected-lines.expected  (optional) line numbers that must be rejected
With --licit BINARY, each case also goes through that licit binary (ingest
counts, rejected lines, eval at each --at) and must give the same results.
Exit status 0 when all match."""

import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "ref.py")


def ref(*args):
    return subprocess.run([sys.executable, REF, *args], check=True,
                          stdout=subprocess.PIPE).stdout.decode("utf-8")


def licit_checks(binary, base, policy, args, events, want_eval):
    """The same case through the licit binary: ingest counts, rejected lines
    and `eval --json` at each --at."""
    checks = []
    with tempfile.TemporaryDirectory(prefix="licit-case.") as tmp:
        store = os.path.join(tmp, "store")
        run = lambda *a: subprocess.run([binary, "--store", store, *a], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        p = run("policy", "set", policy)
        if p.returncode != 0:
            return [("licit policy set", "exit 0", p.stderr.decode("utf-8", "replace"))]
        rejects = os.path.join(tmp, "rejects.jsonl")
        p = run("ingest", "--json", "--rejects", rejects, events)
        got = json.loads(p.stdout)
        if os.path.exists(base + ".summary.expected"):
            with open(base + ".summary.expected") as f:
                want_s = json.load(f)
            checks.append(("licit ingest", want_s, {k: got[k] for k in want_s}))
        if os.path.exists(base + ".rejected-lines.expected"):
            with open(base + ".rejected-lines.expected") as f:
                want_r = [int(x) for x in f.read().split()]
            with open(rejects) as f:
                got_r = [json.loads(l)["line"] for l in f]
            checks.append(("licit rejected lines", want_r, got_r))
        ats = [args[i + 1] for i in range(len(args) - 1) if args[i] == "--at"]
        got_eval = [json.loads(run("eval", "--json", "--at", at).stdout) for at in ats]
        checks.append(("licit eval", want_eval, got_eval))
    return checks


def main():
    binary = None
    if len(sys.argv) == 3 and sys.argv[1] == "--licit":
        binary = sys.argv[2]  # also run each case through this licit binary
    failures = 0
    for expected_path in sorted(glob.glob(os.path.join(HERE, "cases", "*.expected"))):
        name = os.path.basename(expected_path)
        if name.count(".") > 1:
            continue  # a secondary expectation file
        base = expected_path[:-len(".expected")]
        events, policy = base + ".jsonl", base + ".policy.json"
        with open(expected_path, encoding="utf-8") as f:
            header, *want = f.read().splitlines()
        args = header.split("args:", 1)[1].split()
        checks = []
        got = ref("--policy", policy, *args, events).splitlines()
        checks.append(("eval", [json.loads(l) for l in want], [json.loads(l) for l in got]))
        if os.path.exists(base + ".decisions.expected"):
            with open(base + ".decisions.expected", encoding="utf-8") as f:
                want_d = f.read()
            checks.append(("decisions", want_d, ref("--policy", policy, args[0], args[1],
                                                    "--decisions", events)))
        if os.path.exists(base + ".reports.expected"):
            with open(base + ".reports.expected", encoding="utf-8") as f:
                want_p = [json.loads(l) for l in f.read().splitlines()]
            got_p = ref("--policy", policy, args[0], args[1], "--reports", events).splitlines()
            checks.append(("reports", want_p, [json.loads(l) for l in got_p]))
        if os.path.exists(base + ".summary.expected"):
            with open(base + ".summary.expected") as f:
                want_s = json.load(f)
            checks.append(("summary", want_s,
                           json.loads(ref("--policy", policy, "--ingest-summary", events))))
        if os.path.exists(base + ".rejected-lines.expected"):
            with open(base + ".rejected-lines.expected") as f:
                want_r = [int(x) for x in f.read().split()]
            with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as tmp:
                ref("--policy", policy, "--ingest-summary", "--rejects", tmp.name, events)
                got_r = [json.loads(l)["line"] for l in open(tmp.name)]
            checks.append(("rejected lines", want_r, got_r))
        if binary:
            checks += licit_checks(binary, base, policy, args, events, checks[0][1])
        for what, want_v, got_v in checks:
            ok = want_v == got_v
            failures += not ok
            print("%-4s %s %s" % ("ok" if ok else "FAIL", os.path.basename(base), what))
            if not ok:
                print("  want:", want_v, "\n  got: ", got_v)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
