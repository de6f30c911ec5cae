# adapters-memory.sh — a whole ActivityPub outbox is read as a stream: the
# peak memory of `licit ingest --format activitypub` stays far below the
# size of the document, for a bare outbox.json and for a small zip whose
# outbox.json inflates to it.  (Before the streaming reader, an outbox took
# about six times its size: a 300 MB outbox.json 1.69 GB, a 1.8 MB zip of a
# 500 MB one 4.9 GB.)  The input is tests/data/activitypub/gen-large.py's:
# 24,000 activities of about 3.5 KB, mostly boosts and likes so that the
# store, whose mapped pages count in the peak too, stays small.
# Run: bash tests/cli/adapters-memory.sh /path/to/licit
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

DATA=${LICIT_TEST_DATA:-$ROOT/tests/data}
N=24000
# The peak also holds the writer's fixed-size account cache and index
# buffers (src/store/apply.c), which do not grow with the input; under
# meson's MALLOC_PERTURB_ every allocated byte is touched.  16-17 MiB of
# anonymous memory here in December 2026 (12-13 without MALLOC_PERTURB_,
# 30-31 under AddressSanitizer), against 6x the input before; any reader
# that holds the document holds more than the bound.
BOUND_MB=24
if ldd "$LICIT" 2>/dev/null | grep -q libasan; then
  # AddressSanitizer: shadow memory and red zones, and no 256 MB quarantine
  # of freed blocks (it would hold every activity parsed so far).
  BOUND_MB=48
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=1"
fi

# peak CMD... — runs CMD under licit-runmon (bench/runmon.c, built beside
# licit; stdout to $OUT, stderr to $ERR, status in $RC) and sets PEAK_KB to
# the peak of its anonymous memory (RssAnon, read every 5 ms): what the
# reader holds, without the store's mapped pages, which are file-backed and
# which the kernel maps more or fewer of from one machine to the next (peak
# RSS with them: 30-32 MiB on one machine, 37 on another).
RUNMON=$(dirname "$LICIT")/licit-runmon
[ -x "$RUNMON" ] || { fail "licit-runmon built beside $LICIT"; finish; }
peak() {
  RC=0
  "$RUNMON" -o "$T/.mon" -i 5 -- "$@" >"$OUT" 2>"$ERR" || RC=$?
  PEAK_KB=$(jq -r .rss_anon_max_kb "$T/.mon")
}
adrs() { jq -r '"\(.accepted) \(.duplicates) \(.rejected) \(.skipped)"' "$OUT" 2>/dev/null; }

python3 "$DATA/activitypub/gen-large.py" $N --outbox --pad 3300 --creates 0.05 >"$T/outbox.json"
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[1], "outbox.json")' "$T/outbox.json" "$T/archive.zip"
SIZE_MB=$(($(stat -c %s "$T/outbox.json") >> 20))
ZIP_MB=$(($(stat -c %s "$T/archive.zip") >> 20))
echo "# outbox.json: $SIZE_MB MiB ($N activities), archive.zip: $ZIP_MB MiB; bound: $BOUND_MB MiB"
expect_eq "the outbox is large (at least 64 MiB)" 1 "$((SIZE_MB >= 64))"

peak "$LICIT" --store "$T/s1" ingest --format activitypub --json "$T/outbox.json"
expect_eq "outbox.json: ingested (exit 0)" 0 "$RC"
expect_eq "outbox.json: every activity read" "$N" "$(jq -r .lines "$OUT")"
COUNTS=$(adrs)
expect_eq "outbox.json: nothing rejected" 0 "$(jq -r .rejected "$OUT")"
echo "# outbox.json: peak anonymous memory $((PEAK_KB >> 10)) MiB for $SIZE_MB MiB"
expect_eq "outbox.json: peak anonymous memory below $BOUND_MB MiB (got $((PEAK_KB >> 10)) MiB)" 1 "$((PEAK_KB < BOUND_MB << 10))"

peak "$LICIT" --store "$T/s2" ingest --format activitypub --json "$T/archive.zip"
expect_eq "archive.zip: ingested (exit 0)" 0 "$RC"
expect_eq "archive.zip: the same counts as its outbox.json" "$COUNTS" "$(adrs)"
echo "# archive.zip: peak anonymous memory $((PEAK_KB >> 10)) MiB for a $ZIP_MB MiB zip of $SIZE_MB MiB"
expect_eq "archive.zip: peak anonymous memory below $BOUND_MB MiB (got $((PEAK_KB >> 10)) MiB)" 1 "$((PEAK_KB < BOUND_MB << 10))"

finish
