#!/usr/bin/env bash
# run.sh — licit's benchmark against DuckDB, side by side (bench/README.md).
#
#   bench/run.sh BUILD_DIR          (make bench)
#
# Environment: BENCH_SIZE events (default 1000000), BENCH_RUNS runs per figure
# (default 3; each figure is the median), BENCH_SEED (default 42),
# BENCH_OUT working directory (default bench/out, ignored by git; the event
# file is kept there and reused when it exists), BENCH_RESULTS the table to
# write (default bench/RESULTS.md), BENCH_SCALE_REF (default 1000000: when
# BENCH_SIZE is larger, a fresh-store ingest of that many events runs before
# and after the runs, and the results say how the ingest scaled within this
# one run; 0 leaves it out).
#
# Needs node and npm: the peer (@duckdb/node-api, the version pinned in
# bench/package.json) is installed into bench/node_modules when missing.
# Exit status: 0 when licit and DuckDB agree on every count and digest, 1 on a
# mismatch or a failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac

SIZE=${BENCH_SIZE:-1000000}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-42}
OUT=${BENCH_OUT:-$here/out}
RESULTS=${BENCH_RESULTS:-$here/RESULTS.md}
START=2019-01-01T00:00:00Z
END=2025-10-01T00:00:00Z
T1=2024-09-01T00:00:00Z # EEA and GB excluded, BR opt-out (meta-genai 2024-08)
T2=$END                 # EEA, GB and BR opt-out (meta-genai 2025-05)
CHECK_T0=2022-01-01T00:00:00Z
POLICY=$root/examples/policies/meta-genai.json
CHECK_POLICY=$here/policy-check.json

LICIT=$build/licit
GEN=$build/licit-gen
MON=$build/licit-runmon
LAT=$build/licit-bench-latency

die() { echo "bench: $*" >&2; exit 1; }
for b in "$LICIT" "$GEN" "$MON" "$LAT"; do
  [ -x "$b" ] || die "missing $b: build first (make build)"
done
command -v node >/dev/null || die "node is needed for the DuckDB peer (apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is needed to install the DuckDB peer (apt-get install npm)"

# The peer, pinned by bench/package.json (and package-lock.json).
want=$(node -e 'console.log(require(process.argv[1]).dependencies["@duckdb/node-api"])' "$here/package.json")
have=$(node -e 'try{console.log(require(process.argv[1]).version)}catch{console.log("")}' \
  "$here/node_modules/@duckdb/node-api/package.json")
if [ "$have" != "$want" ]; then
  echo "bench: installing @duckdb/node-api $want into bench/node_modules" >&2
  (cd "$here" && { [ -f package-lock.json ] && npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) >&2
fi

mkdir -p "$OUT"
# The input of N events: generated once per seed and size, again when
# licit-gen was rebuilt.  Prints its path.
input_of() {
  local f=$OUT/events-s$SEED-n$1.jsonl
  if [ ! -s "$f" ] || [ "$GEN" -nt "$f" ]; then
    echo "bench: generating $1 events (seed $SEED)" >&2
    "$MON" -o "$f.gen.json" -- "$GEN" --seed "$SEED" --events "$1" --start "$START" --end "$END" \
      --stats >"$f.tmp" 2>"$f.stats"
    mv "$f.tmp" "$f"
  fi
  echo "$f"
}
events=$(input_of "$SIZE")
bytes=$(stat -c %s "$events")
lines=$(wc -l <"$events")

results=$OUT/results.jsonl
: >"$results"
store=$OUT/store
run_json() { # file: the JSON of a licit command run under runmon
  "$MON" -o "$1.mon" -- "${@:2}" >"$1"
}

# Before each timed reader of the input (licit's ingest, DuckDB's read).
# The input was often written just before (generated, or the last run's
# store removed): without the sync the kernel writes those gigabytes back
# during the timed ingest and licit's fdatasync waits behind them (10M: 74.5 s
# in the bench against 62 s run alone the same hour); DuckDB does not write,
# and gets the same quiet disk.  And the input is read into the page cache
# just before each side reads it: this machine's kernel pages out file pages
# left alone for a minute (DAMON), and a 10M input left since the last run
# was mostly gone from memory.
ready_input() { # [file]: the run's input by default
  sync
  cat "${1:-$events}" >/dev/null
}

# The scaling reference (issue 11: 10M ingest at most 11 x the 1M one): the
# same build ingests REF events of the same seed into a fresh store before
# and after the runs, so that the ratio compares walls of the same hour
# (single runs on this VM spread by 5-10 % from one hour to the next).
REF=${BENCH_SCALE_REF:-1000000}
ref_walls=()
ref_bytes=()
ref_ingest() {
  [ "$REF" != 0 ] && [ "$SIZE" -gt "$REF" ] || return 0
  local ref_events
  ref_events=$(input_of "$REF")
  rm -rf "$OUT/ref-store"
  "$LICIT" --store "$OUT/ref-store" policy set "$POLICY" >/dev/null
  ready_input "$ref_events"
  echo "bench: scaling reference: licit ingest of $REF events" >&2
  run_json "$OUT/ref-ingest.json" "$LICIT" --store "$OUT/ref-store" --json ingest --no-progress "$ref_events" ||
    die "reference ingest failed (see $OUT/ref-ingest.json)"
  local wall bytes
  read -r wall bytes < <(node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1]));
    console.log(m.wall_s, m.write_bytes)' "$OUT/ref-ingest.json.mon")
  ref_walls+=("$wall")
  ref_bytes+=("$bytes")
  rm -rf "$OUT/ref-store"
}
ref_ingest

for run in $(seq 1 "$RUNS"); do
  echo "bench: run $run of $RUNS" >&2
  rm -rf "$store" "$OUT/snap"
  "$LICIT" --store "$store" policy set "$POLICY" >/dev/null
  r=$OUT/run$run
  mkdir -p "$r"

  ready_input
  echo "bench:   licit ingest" >&2
  run_json "$r/ingest.json" "$LICIT" --store "$store" --json ingest --no-progress "$events" ||
    die "ingest failed (see $r/ingest.json)"
  "$LICIT" --store "$store" --json stats >"$r/stats.json"
  du -sB1 "$store" | cut -f1 >"$r/store_du"

  echo "bench:   licit eval" >&2
  for T in "$T1" "$T2"; do
    for pass in first second; do
      run_json "$r/eval-$T-$pass.json" "$LICIT" --store "$store" --json eval --at "$T" || die "eval failed"
    done
  done
  for T in "$CHECK_T0" "$T1" "$T2"; do
    "$LICIT" --store "$store" --json eval --at "$T" --policy "$CHECK_POLICY" >"$r/check-$T.json" || die "eval failed"
  done

  echo "bench:   licit snapshot" >&2
  run_json "$r/snapshot.json" "$LICIT" --store "$store" --json snapshot --at "$T2" --out "$OUT/snap" \
    --name "bench-$run" || die "snapshot failed"

  echo "bench:   explain/report latency" >&2
  "$LAT" --store "$store" --at "$T2" --posts 20000 --users 5000 --seed "$run" >"$r/latency.json" ||
    die "latency failed"

  ready_input
  echo "bench:   duckdb" >&2
  extra=()
  [ "$run" = 1 ] && extra=(--check-policy "$CHECK_POLICY" --check-at "$CHECK_T0,$T1,$T2" --sanity)
  run_json "$r/duckdb.json" node "$here/duckdb.mjs" --events "$events" --policy "$POLICY" \
    --at "$T1,$T2" --repeat 3 "${extra[@]}" || die "duckdb failed"

  node -e '
    const fs = require("fs"); const [dir, run, T1, T2, T0] = process.argv.slice(1);
    const j = (f) => JSON.parse(fs.readFileSync(dir + "/" + f, "utf8"));
    const m = (f) => j(f + ".mon");
    const o = { run: +run, ingest: { out: j("ingest.json"), mon: m("ingest.json") },
      stats: j("stats.json"), store_du: +fs.readFileSync(dir + "/store_du", "utf8"),
      eval: {}, check: {}, snapshot: { out: j("snapshot.json"), mon: m("snapshot.json") },
      latency: j("latency.json"), duckdb: { out: j("duckdb.json"), mon: m("duckdb.json") } };
    for (const T of [T1, T2]) o.eval[T] = { first: { out: j(`eval-${T}-first.json`), mon: m(`eval-${T}-first.json`) },
                                             second: { out: j(`eval-${T}-second.json`), mon: m(`eval-${T}-second.json`) } };
    for (const T of [T0, T1, T2]) o.check[T] = j(`check-${T}.json`);
    console.log(JSON.stringify(o));' "$r" "$run" "$T1" "$T2" "$CHECK_T0" >>"$results"
done
rm -rf "$OUT/snap"
ref_ingest

node "$here/report.mjs" --results "$results" --out "$RESULTS" --events "$events" --bytes "$bytes" \
  --lines "$lines" --size "$SIZE" --seed "$SEED" --runs "$RUNS" --gen "$events.gen.json" --gen-stats "$events.stats" \
  --t1 "$T1" --t2 "$T2" --check-t0 "$CHECK_T0" --policy "$POLICY" --check-policy "$CHECK_POLICY"

if [ "${#ref_walls[@]}" -gt 0 ]; then
  node -e '
    const [results, size, ref, walls, bytes] = process.argv.slice(1);
    const runs = require("fs").readFileSync(results, "utf8").trim().split("\n").map(JSON.parse);
    const med = (a) => { a = [...a].sort((x, y) => x - y); const n = a.length;
                         return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2; };
    const w = walls.split(" ").map(Number), b = bytes.split(" ").map(Number);
    const big = med(runs.map((r) => r.ingest.mon.wall_s));
    const bigb = med(runs.map((r) => r.ingest.mon.write_bytes)) / +size, refb = med(b) / +ref;
    const k = +size / +ref, ratio = big / med(w), lim = 1.1 * k;
    const M = (n) => (n >= 1e6 ? n / 1e6 + "M" : n / 1e3 + "k");
    console.log("\n## Scaling within this run (issue 11)\n");
    console.log(`The same build ingested ${M(+ref)} events of the same seed into a fresh store before and after the ${M(+size)}-event runs: ` +
      w.map((x) => x.toFixed(2) + " s").join(" and ") + ` (${(med(b) / +ref).toFixed(0)} bytes written per event).\n`);
    console.log(`- ${M(+size)} ingest / ${M(+ref)} ingest, walls of the same hour: ${big.toFixed(1)} s / ${med(w).toFixed(2)} s = ` +
      `${ratio.toFixed(1)} x (target at most ${lim.toFixed(1)} x) — ${ratio <= lim ? "met" : "**not met**"}`);
    console.log(`- bytes written per event, ${M(+size)} / ${M(+ref)}: ${bigb.toFixed(0)} / ${refb.toFixed(0)} = ${(bigb / refb).toFixed(2)} x ` +
      `(target at most 1.5 x) — ${bigb / refb <= 1.5 ? "met" : "**not met**"}`);
  ' "$results" "$SIZE" "$REF" "${ref_walls[*]}" "${ref_bytes[*]}" >>"$RESULTS"
fi

# The server under load (issue 13): bench/serve.sh on its 1M-event store, its
# table appended to the results.  By default only when BENCH_SIZE is 1M;
# BENCH_SERVE=0 leaves it out, BENCH_SERVE=1 adds it at any size.
serve_default=0
[ "$SIZE" = 1000000 ] && serve_default=1
if [ "${BENCH_SERVE:-$serve_default}" = 1 ]; then
  echo "bench: licit serve under load (bench/serve.sh)" >&2
  serve_out=$("$here/serve.sh" "$build")
  {
    echo
    echo "## licit serve under load"
    echo
    echo "\`bench/serve.sh\` ([RESULTS-serve.md](RESULTS-serve.md) says how): 64 clients on loopback, a 1M-event store, alone and while"
    echo "POST /v1/events ingests. Target (issue 13): p99 of GET /v1/me under 10 ms while ingesting, no request failing."
    echo
    printf '%s\n' "$serve_out" | sed -n '/^| phase/,$p'
  } >>"$RESULTS"
fi
