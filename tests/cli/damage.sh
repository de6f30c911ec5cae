# damage.sh — a damaged store is an error, never a crash: every command that
# reads a store, run on copies of a store with random values of its tables
# changed (tests/tools/store_damage: bytes flipped, values cut short,
# lengthened or emptied), exits 0, 1 or 3 (an ingest that rejected events)
# without a signal, and says what went wrong when it fails.  Under the ASan
# build (make test-asan) a read past a damaged length is caught here too.
# Run: bash tests/cli/damage.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

DAMAGE=$(dirname "$LICIT")/tests/store_damage
if [ ! -x "$DAMAGE" ]; then
  echo "FAIL - store_damage not built beside licit ($DAMAGE)"
  exit 1
fi
# LICIT_DAMAGE_SEEDS: more copies, to hunt (the suite runs 60, 20 sanitized).
SEEDS=${LICIT_DAMAGE_SEEDS:-$((60 / $(test_scale 3)))}

# A store with every kind of table filled: the example story, persons
# (links), a snapshot (lineage, manifest, Merkle tree), two policies.
S=$(newstore)
lic --store "$S" policy set "$EX/policies/meta-genai.json" >/dev/null
lic --store "$S" ingest "$EX/events.jsonl" >/dev/null
lic --store "$S" ingest "$EX/events-people.jsonl" >/dev/null
lic --store "$S" snapshot --at 2024-06-01T00:00:00Z --out "$T/s0" --name s0 >/dev/null
lic --store "$S" policy set "$EX/policies/meta-genai-mentions.json" >/dev/null
lic --store "$S" snapshot --at 2025-06-01T00:00:00Z --out "$T/s1" --name s1 >/dev/null
check "the store to damage is complete" test -s "$S/data.mdb" -a -d "$T/s1"
tail -n 3 "$EX/events.jsonl" | sed 's/"id":"/"id":"again-/' >"$T/more.jsonl"

AT=2025-06-01T00:00:00Z
# Every command that reads the store (and one that writes), one per line.
COMMANDS=(
  "stats"
  "policy show"
  "eval --at $AT"
  "eval --at $AT --threads 2"
  "eval --at $AT --list"
  "snapshots"
  "snapshot diff s0 s1"
  "explain p-lucia-03 --at $AT"
  "explain p-liam-c1 --at $AT"
  "explain p-mike-01 --at $AT"
  "report u-lucia --at $AT"
  "report u-elena-fb --at $AT"
  "report u-mike --at $AT"
  "debt --at $AT --list"
  "debt --feed --snapshot s0"
  "prove p-lucia-01 --snapshot s1"
  "key"
  "ingest $T/more.jsonl"
)

crashes=0
silent=0
runs=0
for seed in $(seq 1 "$SEEDS"); do
  D=$T/damaged
  rm -rf "$D"
  cp -r "$S" "$D"
  "$DAMAGE" "$D" random "$seed" $((1 + seed % 3)) >"$T/what" 2>&1 || {
    echo "# seed $seed: store_damage failed: $(cat "$T/what")"
    continue
  }
  for c in "${COMMANDS[@]}"; do
    for json in "" "--json"; do
      # shellcheck disable=SC2086
      run lic --store "$D" $json $c
      runs=$((runs + 1))
      if [ "$RC" -ge 128 ] || [ "$RC" -eq 2 ] || grep -q -e 'AddressSanitizer' -e 'runtime error' "$ERR"; then
        crashes=$((crashes + 1))
        echo "# seed $seed: licit $json $c: exit $RC after: $(tr '\n' ';' <"$T/what")"
        head -c 600 "$ERR" | sed 's/^/#   /'
      elif [ "$RC" -ne 0 ] && [ "$RC" -ne 3 ] && [ ! -s "$ERR" ] && ! grep -q '"error"' "$OUT"; then
        silent=$((silent + 1))
        echo "# seed $seed: licit $json $c: exit $RC with no message after: $(tr '\n' ';' <"$T/what")"
      fi
    done
  done
done
echo "# $runs commands on $SEEDS damaged copies"

# Found by the random damage above, kept as fixed cases:
# - a snapshot record cut short read as one written before Merkle roots, so
#   prove refused it as "built before" (exit 2) instead of a store error;
D=$T/cut
rm -rf "$D" && cp -r "$S" "$D" && "$DAMAGE" "$D" cut snapshots s1 5 >/dev/null
expect_exit 1 lic --store "$D" prove p-lucia-01 --snapshot s1
expect_contains "prove on a cut snapshot record: a store error" "damaged" "$ERR"
# - an emptied snapshot record: diff says which snapshot it could not read.
rm -rf "$D" && cp -r "$S" "$D" && "$DAMAGE" "$D" cut snapshots s0 100000 >/dev/null
expect_exit 1 lic --store "$D" snapshot diff s0 s1
expect_contains "snapshot diff on an emptied record names it" 'reading snapshot "s0"' "$ERR"
# A damaged id index is an error, never another post's answer: with the
# ordinals of two posts swapped in `postids`, each id leads to the other's
# record (which names its own id, format 4).  What reads by ordinal (a
# report) is unaffected and answers as before.
rm -rf "$D" && cp -r "$S" "$D" && "$DAMAGE" "$D" swapids p-lucia-01 p-jonas-01 >/dev/null
for c in "explain p-lucia-01 --at $AT" "explain p-jonas-01 --at $AT" "eval --at $AT --list"; do
  # shellcheck disable=SC2086
  expect_exit 1 lic --store "$D" $c
  expect_contains "$c with swapped ids: a store error" "damaged" "$ERR"
done
expect_eq "a report (by ordinal) with swapped ids: as before" \
  "$(lic --store "$S" --json report u-lucia --at $AT)" "$(lic --store "$D" --json report u-lucia --at $AT)"
# The log file (format 5, DIR/log.dat).  Bytes beyond its committed end
# (what a killed ingest leaves) change no answer, and the next write cuts
# them off before it appends.
printf '%s\n' '{"id":"dmg-1","type":"post","ts":"2025-07-01T00:00:00Z","post":"p-dmg-1","user":"u-lucia","visibility":"public","text":"after the tail"}' \
  '{"id":"dmg-2","type":"edit","ts":"2025-07-02T00:00:00Z","post":"p-lucia-03","text":"edited after the tail"}' >"$T/new.jsonl"
rm -rf "$D" && cp -r "$S" "$D"
head -c 5000 /dev/urandom >>"$D/log.dat"
expect_eq "a tail beyond the log's end: explain as before" \
  "$(lic --store "$S" --json explain p-lucia-03 --at $AT)" "$(lic --store "$D" --json explain p-lucia-03 --at $AT)"
expect_exit 0 lic --store "$D" ingest "$T/new.jsonl"
cp -r "$S" "$T/clean" && lic --store "$T/clean" ingest "$T/new.jsonl" >/dev/null
expect_eq "a tail beyond the log's end: cut off, the new records where a clean store has them" \
  "$(sha256sum <"$T/clean/log.dat")" "$(sha256sum <"$D/log.dat")"
rm -rf "$T/clean"
# A log file cut short, or gone: reads that need a lost record and every
# write say so; nothing crashes.
for how in cut gone; do
  rm -rf "$D" && cp -r "$S" "$D"
  if [ $how = cut ]; then truncate -s 100 "$D/log.dat"; else rm "$D/log.dat"; fi
  expect_exit 1 lic --store "$D" explain p-lucia-03 --at $AT
  expect_contains "log file $how: explain is a store error" "damaged" "$ERR"
  expect_exit 0 lic --store "$D" eval --at $AT
  expect_exit 1 lic --store "$D" ingest "$T/new.jsonl"
  expect_contains "log file $how: ingest names the file" "log file log.dat holds" "$ERR"
done
expect_eq "no command crashes or misreads its arguments on a damaged store" 0 "$crashes"
expect_eq "every failure on a damaged store says why" 0 "$silent"
finish
