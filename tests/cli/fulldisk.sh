# fulldisk.sh — ingest on a full file system: a clear error (exit 1) naming
# the store and the space needed, never SIGBUS; everything committed stays;
# a later ingest on the full disk fails the same way; after space is freed
# an ingest completes and the store holds exactly the whole input.
# The store is on a small ext4 file system in a loop-mounted file (root only;
# skipped, exit 77, otherwise).  It is unmounted on every exit.
# Run: bash tests/cli/fulldisk.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.ext4 >/dev/null || [ ! -x "$GEN" ]; then
  echo "# skipped: needs root, mkfs.ext4 and licit-gen"
  exit 77
fi
MNT=$T/mnt
mkdir -p "$MNT"
truncate -s 64M "$T/fs.img"
mkfs.ext4 -q -F -m 0 "$T/fs.img" || { echo "# skipped: mkfs.ext4 failed"; exit 77; }
if ! mount -o loop "$T/fs.img" "$MNT" 2>"$T/mount.err"; then
  echo "# skipped: cannot loop-mount: $(cat "$T/mount.err")"
  exit 77
fi
trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT"; rm -rf "$T"' EXIT

N=40000
"$GEN" --seed 5 --events $N >"$T/in.jsonl"
S=$MNT/store
# Leave about 14 MB free: the store for this input needs more than that.
free_kb=$(df -k --output=avail "$MNT" | tail -1)
dd if=/dev/zero of="$MNT/filler" bs=1M count=$(((free_kb / 1024) - 14)) status=none
stat_of() { lic --store "$1" --json stats | jq -r ".$2"; }

run lic --store "$S" --json ingest --no-progress "$T/in.jsonl"
expect_eq "full disk: exit 1, not a signal" 1 "$RC"
expect_eq "full disk: the error code is no_space" no_space "$(jq -r .error.code "$OUT")"
expect_contains "full disk: the message names the store" "store $S" "$ERR"
expect_contains "full disk: the message says how much space is needed" "MB more" "$ERR"
sed 's/^/# /' "$ERR"
first=$(jq -r .accepted "$OUT")
echo "# first run: $first of $N events accepted before the disk was full"
check "full disk: some batches were committed before it filled" test "$first" -gt 0
check "full disk: not everything fit" test "$first" -lt $N
expect_eq "full disk: the store holds exactly what was reported as accepted" "$first" "$(stat_of "$S" events)"

run lic --store "$S" --json ingest --no-progress "$T/in.jsonl"
expect_eq "full disk again: exit 1, not a signal" 1 "$RC"
expect_eq "full disk again: no_space" no_space "$(jq -r .error.code "$OUT")"
second=$(stat_of "$S" events)
check "full disk again: the store still opens and keeps its events" test "$second" -ge "$first"

rm "$MNT/filler"
run lic --store "$S" --json ingest --no-progress "$T/in.jsonl"
expect_eq "after freeing space: exit 0" 0 "$RC"
expect_eq "after freeing space: the earlier events are duplicates, the rest accepted" "$((N - second)) $second 0" \
  "$(jq -r '"\(.accepted) \(.duplicates) \(.rejected)"' "$OUT")"
expect_eq "after freeing space: the store holds the whole input" $N "$(stat_of "$S" events)"
run lic --store "$S" --json ingest --no-progress "$T/in.jsonl"
expect_eq "a replay: all duplicates" "0 $N 0" "$(jq -r '"\(.accepted) \(.duplicates) \(.rejected)"' "$OUT")"

# The live follower on a disk with less room than its 16 MiB transactions
# reserve (4 x 16 MiB): it commits in smaller transactions instead of none
# (it used to stop at once with no_space, 0 accepted, where `ingest
# --format jetstream` of the same messages fit).
PY=/usr/bin/python3
if "$PY" -c 'import websockets' 2>/dev/null; then
  rm -rf "$S"
  F=$MNT/follow-store
  lic --store "$F" policy set "$EX/policies/meta-genai.json" >/dev/null
  free_kb=$(df -k --output=avail "$MNT" | tail -1)
  dd if=/dev/zero of="$MNT/filler" bs=1M count=$(((free_kb / 1024) - 40)) status=none
  echo "# follower: $(df -k --output=avail "$MNT" | tail -1) kB free"
  "$PY" "$ROOT/tests/follow/gen_capture.py" 300 3 >"$T/cap.jsonl"
  "$PY" "$ROOT/tests/follow/standin.py" --capture "$T/cap.jsonl" --port-file "$T/port" --log "$T/standin.log" \
    2>"$T/standin.err" &
  SPID=$!
  for i in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
  lic --store "$MNT/ref" policy set "$EX/policies/meta-genai.json" >/dev/null
  lic --store "$MNT/ref" ingest --format jetstream "$T/cap.jsonl" >/dev/null
  want=$(lic --store "$MNT/ref" --json stats | jq -r .events)
  rm -rf "$MNT/ref"
  "$LICIT" --store "$F" --json follow "ws://127.0.0.1:$(cat "$T/port")/subscribe" >"$T/f.out" 2>"$T/f.err" &
  FPID=$!
  got=0
  for i in $(seq 1 200); do
    got=$(lic --store "$F" --json stats 2>/dev/null | jq -r '.events // 0')
    [ "${got:-0}" -ge "$want" ] && break
    kill -0 "$FPID" 2>/dev/null || break
    sleep 0.05
  done
  kill -TERM "$FPID" 2>/dev/null
  wait "$FPID"
  FRC=$?
  kill "$SPID" 2>/dev/null
  wait "$SPID" 2>/dev/null
  sed 's/^/# follow: /' "$T/f.err" | tail -3
  expect_eq "follower on a nearly full disk: exit 0 after SIGTERM" 0 "$FRC"
  expect_eq "follower on a nearly full disk: every event of the capture committed" "$want" "$got"
else
  echo "# follower on a full disk: skipped (no python3-websockets)"
fi

finish
