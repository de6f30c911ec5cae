# readonly.sh — commands that only read work on a store the user may read
# but not write (SPEC section 6): files 0444 and directory 0555 for an
# unprivileged user, and a read-only bind mount.  Root ignores file
# permissions, so the first part runs the binary as nobody (setpriv); the
# second mounts (root only).  Skipped (77) when neither is possible.
# Run: bash tests/cli/readonly.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
  echo "# skipped: needs root and setpriv to make an unprivileged user and a read-only mount"
  exit 77
fi
chmod 0755 "$T"
if ! setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
  "test -x '$LICIT' && test -r '$EX/policies/x-grok.json' && test -x '$T'"; then
  echo "# skipped: the unprivileged user cannot reach the binary, the examples or $T"
  exit 77
fi
AT=2025-06-01T00:00:00Z
# The read commands, each with its arguments (one per line).
READS=(
  "stats"
  "eval --at $AT"
  "eval --at $AT --policy $EX/policies/x-grok.json"
  "explain p-jonas-01 --at $AT"
  "report u-lucia --at $AT"
  "snapshots"
  "debt --at $AT"
  "policy show"
)

# A store with a policy, events and a registered snapshot.
W=$T/writable
lic --store "$W" policy set "$EX/policies/meta-genai.json" >/dev/null
lic --store "$W" ingest "$EX/events.jsonl" >/dev/null
lic --store "$W" snapshot --at 2024-06-01T00:00:00Z --out "$T/snap" >/dev/null
# What each command prints on the writable store, as root (stats names its store).
want() { lic --store "$W" --json "$@" | jq -c 'del(.store_bytes, .store_bytes_used)'; }
got_as() { # USER-RUNNER STORE ARGS...
  local runner=$1 store=$2
  shift 2
  $runner "$LICIT" --store "$store" --json "$@" 2>"$T/ro.err" | jq -c 'del(.store_bytes, .store_bytes_used)'
}
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_root() { "$@"; }

# ---------------------------------------------------------------- 0444 / 0555, as nobody
R=$T/readable
cp -r "$W" "$R"
chmod 0444 "$R"/*
chmod 0555 "$R"
for args in "${READS[@]}"; do
  # shellcheck disable=SC2086
  check "the writable store answers: $args" test -n "$(want $args)"
done
check "nobody cannot write the store's lock file" as_nobody sh -c "! test -w '$R/lock.mdb'"
for args in "${READS[@]}"; do
  # shellcheck disable=SC2086
  expect_eq "read-only store (0444 files, 0555 dir), as nobody: $args" "$(want $args)" "$(got_as as_nobody "$R" $args)"
done
# Without a lock file, in a directory the user cannot write to.
R2=$T/readable-nolock
cp -r "$W" "$R2"
rm "$R2/lock.mdb"
chmod 0444 "$R2"/*
chmod 0555 "$R2"
expect_eq "no lock file and a 0555 dir, as nobody: eval" "$(want eval --at $AT)" "$(got_as as_nobody "$R2" eval --at $AT)"
check "no lock file: a reader did not create one" test ! -e "$R2/lock.mdb"
# Writing is refused with a message, not a crash.
run as_nobody "$LICIT" --store "$R" ingest "$EX/events.jsonl"
expect_eq "ingest into a store nobody may not write: exit 1" 1 "$RC"
expect_contains "ingest into a store nobody may not write: says why" "ermission denied" "$ERR"
run as_nobody "$LICIT" --store "$R" snapshot --at $AT --out "$T/nobody-snap"
expect_eq "snapshot into a store nobody may not write: exit 1" 1 "$RC"
# A user who may write the lock file (a store shared read-only for data)
# reads with the lock table as usual.
R3=$T/readable-lock
cp -r "$W" "$R3"
chmod 0444 "$R3/data.mdb"
chmod 0666 "$R3/lock.mdb"
expect_eq "data 0444, lock 0666, as nobody: report" "$(want report u-lucia --at $AT)" \
  "$(got_as as_nobody "$R3" report u-lucia --at $AT)"

# ---------------------------------------------------------------- a read-only bind mount
M=$T/mounted
cp -r "$W" "$M"
if mount --bind "$M" "$M" 2>/dev/null; then
  trap 'umount "$M" 2>/dev/null; rm -rf "$T"' EXIT
  if mount -o remount,ro,bind "$M" 2>/dev/null; then
    for args in "${READS[@]}"; do
      # shellcheck disable=SC2086
      expect_eq "read-only bind mount, as root: $args" "$(want $args)" "$(got_as as_root "$M" $args)"
    done
    run lic --store "$M" ingest "$EX/events.jsonl"
    expect_eq "ingest into a read-only mount: exit 1" 1 "$RC"
    expect_contains "ingest into a read-only mount: says why" "ead-only file system" "$ERR"
  else
    echo "# skipped the read-only mount: remount,ro,bind refused"
  fi
  umount "$M"
else
  echo "# skipped the read-only mount: mount --bind refused"
fi

finish
