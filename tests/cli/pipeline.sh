# pipeline.sh — the ingest's two threads (src/ingest/ingest.c: parsing and
# applying, the ring between them, the warming of the store's pages) give
# the same store whatever the timing: a file, standard input (whose batches
# start small and grow, so the map grows and commits come often) and the
# same file in one-event batches (--batch 1: no pipeline timing to speak of)
# must end with the same events, counts, decisions and log file.  The file is ingested
# with the warming reading ahead by readahead(2) from the start
# (LICIT_WARM_FROM_MB=0), the others as by default (a store this small is
# warmed through the map, MADV_POPULATE_READ).  `make test-tsan`
# also runs this under ThreadSanitizer, where a race between the threads
# stops the binary.
# Run: bash tests/cli/pipeline.sh /path/to/licit
# LICIT_TEST_SCALE (default 1; 0.3 under a sanitizer) scales 150,000 events.
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

scale=$(test_scale 0.3)
N=$(python3 -c "import sys; print(max(20000, int(150000 * float(sys.argv[1]))))" "$scale")
echo "# $N events of licit-gen --seed 5 (LICIT_TEST_SCALE=$scale)"
IN=$T/events.jsonl
"$GEN" --seed 5 --events "$N" >"$IN" || { echo "FAIL - licit-gen"; exit 1; }

summary() { # store: the counts and the decisions at two times
  lic --store "$1" --json stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s.get("events"), s.get("posts"), s.get("users"))'
  for at in 2021-01-01T00:00:00Z 2030-01-01T00:00:00Z; do
    lic --store "$1" --json eval --at "$at" | python3 -c '
import json, sys
e = json.load(sys.stdin)
e.pop("elapsed_ms", None); e.pop("seconds", None)
print(json.dumps(e, sort_keys=True))'
  done
}

ingest_into() { # store, then how to feed it: "file", "stdin" or "batch1"
  local s=$1
  lic --store "$s" policy set "$EX/policies/meta-genai.json" >/dev/null || return 1
  case $2 in
    file) LICIT_WARM_FROM_MB=0 lic --store "$s" ingest --no-progress "$IN" >/dev/null ;; # readahead from the start
    stdin) lic --store "$s" ingest --no-progress - <"$IN" >/dev/null ;;
    batch1) head -n 3000 "$IN" | lic --store "$s" ingest --no-progress --batch 1 - >/dev/null &&
              tail -n +3001 "$IN" | lic --store "$s" ingest --no-progress - >/dev/null ;;
  esac
}

A=$(newstore); B=$(newstore); C=$(newstore)
check "ingest of a file" ingest_into "$A" file
check "ingest of standard input" ingest_into "$B" stdin
check "ingest in one-event batches, then the rest" ingest_into "$C" batch1
sa=$(summary "$A"); sb=$(summary "$B"); sc=$(summary "$C")
expect_eq "every event in the store" "$N" "$(echo "$sa" | head -n 1 | cut -d' ' -f1)"
expect_eq "standard input gives the store a file gives" "$sa" "$sb"
expect_eq "one-event batches give the same store" "$sa" "$sc"
# The parsing thread grows the log file ahead of the writer and fills its
# page cache (licit_store_log_warm); each commit cuts it back to its
# records, so the same events leave the same log file.
expect_eq "a file and standard input leave the same log file" \
  "$(sha256sum <"$A/log.dat")" "$(sha256sum <"$B/log.dat")"
expect_eq "one-event batches leave the same log file" \
  "$(sha256sum <"$A/log.dat")" "$(sha256sum <"$C/log.dat")"
finish
