# readme.sh — the README's examples are a test: every ```console block of
# README.md, in order, is run in one fresh store and its output compared
# with what the README shows, so the README cannot drift from the program.
#
# Run: bash tests/cli/readme.sh /path/to/licit [--update]
#
# The rules, for whoever edits the README:
#  - In a ```console block, a line "$ COMMAND" is run with bash; the lines
#    after it, up to the next "$ " line or the end of the block, are its
#    output: standard output, then standard error (as a terminal shows a
#    command that prints a result and then a warning).  The exit status is
#    not compared.
#  - Every command runs in the same working directory, where `examples/`
#    and `tests/` are the repository's (so example paths work) and files the
#    commands write (rejects, snapshots) stay out of the source tree, with
#    LICIT_STORE set to a fresh store and `licit` the binary under test.
#  - Elision: a line that is only "…" matches any number of lines (none
#    too); "…" inside a line matches any text within that line.  Everything
#    else must match exactly.
#  - Normalisation, only for what truly varies from run to run: the store's
#    path is shown as /tmp/licit-demo (the README says
#    `export LICIT_STORE=/tmp/licit-demo`), the working directory's path as
#    the repository's relative paths, and a time the command took from the
#    clock (default --at: any RFC 3339 time between the command's start and
#    end) as NOW.
#  - --update rewrites the output of every command whose expected output
#    has no "…" with what it printed; the others are reported, to edit by
#    hand.
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$1"
UPDATE=${2:-}

for tool in python3 zstd jq; do
  command -v "$tool" >/dev/null || { echo "# skipped: needs $tool"; exit 77; }
done
WORK=$T/work
mkdir -p "$WORK" "$T/bin"
ln -s "$ROOT/examples" "$WORK/examples"
ln -s "$ROOT/tests" "$WORK/tests"
ln -s "$LICIT" "$T/bin/licit"

python3 - "$ROOT/README.md" "$WORK" "$T/store" "$T/bin" "$UPDATE" <<'EOF'
import os, re, subprocess, sys, time
from datetime import datetime, timezone

readme, work, store, bindir, update = sys.argv[1:6]
env = dict(os.environ, LICIT_STORE=store, PATH=bindir + os.pathsep + os.environ["PATH"])
env.pop("LICIT_SOURCE_ROOT", None)
ELL = "\u2026"

# ---- the blocks: (command, expected lines, index of the first expected line in the file)
lines = open(readme, encoding="utf-8").read().split("\n")
cmds = []
i = 0
while i < len(lines):
    if lines[i].strip() == "```console":
        i += 1
        cur = None
        while i < len(lines) and lines[i].strip() != "```":
            if lines[i].startswith("$ "):
                cur = [lines[i][2:], [], i + 1, i + 1]  # command, expected, first, end (exclusive)
                cmds.append(cur)
            elif cur is None:
                sys.exit(f"README.md:{i + 1}: output before any \"$ \" line in a console block")
            else:
                cur[1].append(lines[i])
                cur[3] = i + 1
            i += 1
    i += 1

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")

def normalise(text, t0, t1):
    text = text.replace(store, "/tmp/licit-demo").replace(work + "/", "").replace(work, ".")
    def now(m):
        try:
            t = datetime.strptime(m.group(0)[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            return m.group(0)
        return "NOW" if t0 - 1 <= t <= t1 + 1 else m.group(0)
    return TIME.sub(now, text)

def line_match(want, got):
    if ELL not in want:
        return want == got
    parts = want.split(ELL)
    return re.fullmatch(".*".join(re.escape(p) for p in parts), got, re.S) is not None

def match(want, got):
    # want: lines with elisions; got: lines.  Backtracking over "…" lines.
    memo = {}
    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(want):
            r = j == len(got)
        elif want[i] == ELL:
            r = any(m(i + 1, k) for k in range(j, len(got) + 1))
        else:
            r = j < len(got) and line_match(want[i], got[j]) and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r
    return m(0, 0)

passed = failed = 0
manual = []
edits = []  # (first, end, new lines)
for cmd, want, first, end in cmds:
    t0 = time.time()
    p = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, capture_output=True)
    t1 = time.time()
    out = normalise(p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace"), t0, t1)
    got = out.split("\n")
    if got and got[-1] == "":
        got.pop()
    name = f"README.md:{first}: $ {cmd}"
    if match(want, got):
        passed += 1
        print(f"ok - {name}")
        continue
    if update and not any(ELL in w for w in want):
        edits.append((first, end, got))
        print(f"ok - {name} (updated)")
        passed += 1
        continue
    failed += 1
    if update:
        manual.append(name)
    print(f"FAIL - {name}")
    print("    expected:")
    for w in want:
        print("      " + w)
    print(f"    got (exit {p.returncode}):")
    for g in got:
        print("      " + g)

if edits:
    for first, end, got in sorted(edits, reverse=True):
        lines[first:end] = got
    open(readme, "w", encoding="utf-8").write("\n".join(lines))
    print(f"# updated {len(edits)} example(s) in {readme}")
for name in manual:
    print(f"# edit by hand (it has elisions): {name}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
