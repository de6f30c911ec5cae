#!/usr/bin/env bash
# serve.sh — `licit serve` under load (make bench-serve; not part of make test).
#
# Builds (once per size) a store of BENCH_SERVE_EVENTS events from licit-gen
# --seed 42 under examples/policies/meta-genai.json, mints person tokens for
# BENCH_SERVE_USERS accounts that have posts, starts the server on 127.0.0.1
# and a free port, and runs bench/serve_load.c with 64 clients for
# BENCH_SERVE_SECONDS per phase: GET /v1/me (the report) and GET
# /v1/me/posts/POST/explain, first alone, then while an ingest runs (POST
# /v1/events of 10,000 new events at a time, back to back).  Prints a
# Markdown table; the server is always stopped (trap).
#
# Usage: bench/serve.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
EVENTS=${BENCH_SERVE_EVENTS:-1000000}
SECONDS_PER=${BENCH_SERVE_SECONDS:-20}
USERS=${BENCH_SERVE_USERS:-500}
CLIENTS=${BENCH_SERVE_CLIENTS:-64}
LOOPS=${BENCH_SERVE_LOOPS:-0} # the load generator: 0 a thread per client, N event loops
OUT=${BENCH_OUT:-$here/out}/serve-$EVENTS
LICIT=$build/licit
GEN=$build/licit-gen
LOAD=$build/licit-serve-load
mkdir -p "$OUT"
# The store as built (base) and the copy each run serves: the ingest phase
# adds to the copy, so every run starts from the same 1M events and
# ingests the same new ones (not duplicates of the last run's).
base=$OUT/store.base
store=$OUT/store
L() { "$LICIT" --store "$base" "$@"; }

if [ ! -f "$OUT/built.base" ]; then
  rm -rf "$base" "$store" "$OUT/targets.tsv" "$OUT/pairs.tsv"
  echo "serve.sh: building a store of $EVENTS events (licit-gen --seed 42)" >&2
  L policy set "$root/examples/policies/meta-genai.json" >/dev/null
  "$GEN" --seed 42 --events "$EVENTS" | L ingest --no-progress - >/dev/null || [ $? -eq 3 ]
  touch "$OUT/built.base"
fi
# New events for the ingest phase: another seed, its ids renamed so that
# every event is new (accounts, posts, event ids).
if [ ! -f "$OUT/ingest.jsonl" ]; then
  "$GEN" --seed 43 --events 400000 |
    sed -e 's/"id":"e/"id":"zz-e/' -e 's/"\(post\|parent\)":"\([pa]\)/"\1":"zz-\2/g' \
        -e 's/"user":"u/"user":"zz-u/' >"$OUT/ingest.jsonl"
  split -l 10000 -d -a 3 "$OUT/ingest.jsonl" "$OUT/chunk-"
fi
# Targets: accounts with posts, one of their posts each, and a token.
if [ ! -f "$OUT/targets.tsv" ]; then
  L --json eval --at 2025-10-01T00:00:00Z --list | python3 -c '
import json, random, sys
random.seed(42)
by = {}
for line in sys.stdin:
    p = json.loads(line)
    by.setdefault(p["user"], p["post"])
users = sorted(by)
for u in random.sample(users, min(int(sys.argv[1]), len(users))):
    print(u + "\t" + by[u])' "$USERS" >"$OUT/pairs.tsv"
  while IFS=$'\t' read -r u p; do
    printf '%s\t%s\n' "$(L token "$u" --ttl 7d)" "$p"
  done <"$OUT/pairs.tsv" >"$OUT/targets.tsv"
fi

rm -rf "$store"
cp -a --sparse=always "$base" "$store"
log=$OUT/serve.log
"$LICIT" --store "$store" serve --listen 127.0.0.1:0 2>"$log" &
pid=$!
ingest_pid=
cleanup() {
  [ -n "$ingest_pid" ] && kill "$ingest_pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do grep -q "(port " "$log" && break; sleep 0.1; done
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$log" | head -1)
op=$("$LICIT" --store "$store" token --operator)

results=$OUT/results.jsonl
: >"$results"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# The server's CPU time (user + system, in clock ticks) so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# The machine's busy and total CPU time (all cores, clock ticks) so far.
machine_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
phase() { # NAME MODE
  local c0 c1 m0 m1
  c0=$(cpu_ticks)
  m0=$(machine_ticks)
  "$LOAD" "$port" "$CLIENTS" "$SECONDS_PER" "$OUT/targets.tsv" "$2" "$LOOPS" >"$OUT/phase.json"
  c1=$(cpu_ticks)
  m1=$(machine_ticks)
  set -- "$1" "$2" $m0 $m1
  sed -e "s/^{/{\"phase\":\"$1\",/" \
    -e "s/}\$/,\"server_cpu_ticks\":$((c1 - c0)),\"busy_ticks\":$(($5 - $3)),\"all_ticks\":$(($6 - $4)),\"hz\":$(getconf CLK_TCK)}/" \
    "$OUT/phase.json" | tee -a "$results"
}
phase alone me
phase alone explain

ingest_loop() {
  while true; do
    for f in "$OUT"/chunk-*; do
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $op" \
        --data-binary @"$f" "http://127.0.0.1:$port/v1/events" >>"$OUT/ingest-status.txt"
    done
  done
}
: >"$OUT/ingest-status.txt"
pos0=$(curl -s "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_position"])')
ingest_loop &
ingest_pid=$!
t0=$(date +%s.%N)
phase ingesting me
phase ingesting explain
kill "$ingest_pid" 2>/dev/null || true
wait "$ingest_pid" 2>/dev/null || true
ingest_pid=
t1=$(date +%s.%N)
pos1=$(curl -s "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_position"])')
bad=$(awk '$1 != 200' "$OUT/ingest-status.txt" | wc -l)
posts=$(wc -l <"$OUT/ingest-status.txt")
load1=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$results" "$pos0" "$pos1" "$t0" "$t1" "$posts" "$bad" "$EVENTS" "$CLIENTS" "$load0" "$load1" <<'PY'
import json, sys
res = [json.loads(l) for l in open(sys.argv[1])]
pos0, pos1, t0, t1, posts, bad, events, clients, load0, load1 = sys.argv[2:]
rate = (int(pos1) - int(pos0)) / (float(t1) - float(t0))
print()
print("| phase | endpoint | requests/s | p50 ms | p90 ms | p99 ms | max ms | requests | failures | server CPU us/request | client CPU us/request | other CPU % |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in res:
    ep = "GET /v1/me" if r["mode"] == "me" else "GET /v1/me/posts/POST/explain"
    cpu = r["server_cpu_ticks"] * 1e6 / r["hz"] / max(r["requests"], 1)
    # The machine's busy time that was neither the server's nor the load
    # generator's (the ingest's curl, other people's work), as a share of all cores.
    client_ticks = r["client_cpu_us"] * r["requests"] * r["hz"] / 1e6
    other = max(0.0, r["busy_ticks"] - r["server_cpu_ticks"] - client_ticks) * 100.0 / max(r["all_ticks"], 1)
    print("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %d | %d | %.0f | %.0f | %.0f |" % (r["phase"], ep, r["rps"],
          r["p50_ms"], r["p90_ms"], r["p99_ms"], r["max_ms"], r["requests"], r["failures"], cpu, r["client_cpu_us"], other))
print()
print("Store: %s events (licit-gen --seed 42), %s clients.  While ingesting: %s POST /v1/events of 10,000 events"
      " (%s not 200), %.0f events/s committed.  Load average %s at the start, %s at the end."
      % (events, clients, posts, bad, rate, load0, load1))
print("(Server CPU while ingesting includes the ingest's; other CPU: the machine's busy time that was neither the"
      " server's nor the load generator's, as a share of all its cores.)")
PY
