# lib.sh — shared helpers for the command-line tests (sourced, not run).
#
#   source "$(dirname "$0")/lib.sh" "$@"      # $1 is the licit binary
#
# Gives: $LICIT (absolute path of the binary), $GEN (licit-gen, the event
# generator built beside it), $ROOT (source root), $EX (examples/), $T (a
# temporary directory removed on exit), and
#   lic ARGS...                 run licit
#   newstore                    print the path of a fresh, not yet created store
#   run CMD...                  run CMD; $RC is its status, $OUT/$ERR name files
#                               holding its stdout/stderr ($(out) / $(err) read them)
#   check NAME CMD...           pass when CMD exits 0
#   expect_eq NAME WANT GOT     pass when the two strings are equal
#   expect_exit CODE CMD...     run CMD (as `run` does) and pass when it exits with CODE
#   expect_contains NAME NEEDLE FILE   pass when FILE holds NEEDLE (fixed string)
#   finish                      print "N passed, M failed" and exit (non-zero on failure)
#   test_scale SANITIZED        print $LICIT_TEST_SCALE, or 1, or SANITIZED when the
#                               binary uses AddressSanitizer or ThreadSanitizer
# Each check prints "ok - NAME" or "FAIL - NAME" with what was expected.

set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: bash $0 /path/to/licit" >&2
  exit 2
fi
LICIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
GEN=$(dirname "$LICIT")/licit-gen
ROOT=${LICIT_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export EX=$ROOT/examples
T=$(mktemp -d "${TMPDIR:-/tmp}/licit-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
unset LICIT_STORE
cd "$T" || exit 1

PASSED=0
FAILED=0
OUT=$T/.out
ERR=$T/.err
RC=0

lic() { "$LICIT" "$@"; }

newstore() { mktemp -u "$T/store.XXXXXX"; }

run() {
  "$@" >"$OUT" 2>"$ERR"
  RC=$?
  return 0
}
out() { cat "$OUT"; }
err() { cat "$ERR"; }

pass() {
  PASSED=$((PASSED + 1))
  echo "ok - $1"
}

fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $1"
  shift
  local line
  for line in "$@"; do echo "    $line"; done
}

check() {
  local name=$1
  shift
  if "$@" >"$T/.check.out" 2>&1; then
    pass "$name"
  else
    fail "$name" "command failed (status $?): $*" "$(head -c 2000 "$T/.check.out")"
  fi
}

expect_eq() {
  if [ "$2" == "$3" ]; then
    pass "$1"
  else
    fail "$1" "expected: $(printf %s "$2" | head -c 2000)" "got:      $(printf %s "$3" | head -c 2000)"
  fi
}

# The command as text, with the binary's path shown as "licit".
_show() {
  local a s=""
  for a in "$@"; do
    [ "$a" = "$LICIT" ] && a=licit
    s="$s $a"
  done
  printf %s "${s# }" | head -c 200
}

expect_exit() {
  local want=$1
  shift
  run "$@"
  if [ "$RC" -eq "$want" ]; then
    pass "exit $want: $(_show "$@")"
  else
    fail "exit $want: $(_show "$@")" "got exit $RC" "stdout: $(head -c 1000 "$OUT")" "stderr: $(head -c 1000 "$ERR")"
  fi
}

expect_contains() {
  if grep -qF -- "$2" "$3"; then
    pass "$1"
  else
    fail "$1" "expected to find: $2" "in: $(head -c 1500 "$3")"
  fi
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit $?
}

test_scale() {
  if [ -n "${LICIT_TEST_SCALE:-}" ]; then
    echo "$LICIT_TEST_SCALE"
  elif ldd "$LICIT" 2>/dev/null | grep -Eq 'lib(asan|tsan)'; then
    echo "$1"
  else
    echo 1
  fi
}
