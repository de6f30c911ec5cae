#!/usr/bin/env bash
# follow.sh — `licit follow` against a local Jetstream stand-in
# (tests/follow/standin.py) replaying a recorded capture
# (tests/follow/gen_capture.py): after drops at random points, garbage
# frames, a stall, and a kill -9 followed by a restart, the store holds
# exactly what `ingest --format jetstream` of the whole capture gives (same
# log position, same eval counts and digest at two times).  Also: the
# cursor kept per URL, a URL's own cursor, the backoff between reconnects,
# TLS (a refused certificate ends it with exit 1), progress on a terminal,
# and the rate the follower sustains.
#
# Every server listens on 127.0.0.1 on a free port; the test starts and
# always stops them (and any follower still running), also on failure.
source "$(dirname "$0")/lib.sh" "$@"

PY=/usr/bin/python3 # Debian's, which has python3-websockets (scripts/deps.sh)
FOLLOW=$ROOT/tests/follow
if ! "$PY" -c 'import websockets' 2>/dev/null; then
  echo "SKIP: $PY has no websockets module (make deps installs python3-websockets)"
  exit 77
fi

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT

POLICY=$EX/policies/meta-genai-mentions.json
# A sanitizer build is many times slower: timing bounds get more slack.
SANITIZED=
grep -qa -e __asan_init -e __tsan_init "$LICIT" && SANITIZED=1
T1=2025-06-01T00:20:00Z # inside the capture
T2=2025-06-03T00:00:00Z # after it

# standin NAME ARGS...: starts a stand-in; sets PORT, SPID, SLOG.
standin() {
  local name=$1
  shift
  SLOG=$T/$name.log
  rm -f "$T/$name.port"
  "$PY" "$FOLLOW/standin.py" --port-file "$T/$name.port" --log "$SLOG" "$@" 2>"$T/$name.stderr" &
  SPID=$!
  PIDS+=("$SPID")
  local i
  for i in $(seq 1 100); do
    [ -s "$T/$name.port" ] && break
    sleep 0.05
  done
  PORT=$(cat "$T/$name.port" 2>/dev/null)
}

# follower STORE OUT ARGS...: starts `licit follow` in the background; sets FPID.
follower() {
  local store=$1 out=$2
  shift 2
  "$LICIT" --store "$store" --json follow "$@" >"$out" 2>"$out.err" &
  FPID=$!
  PIDS+=("$FPID")
}

events() { "$LICIT" --store "$1" --json stats 2>/dev/null | jq -r '.events // 0'; }

# wait_events STORE N SECONDS: until the store holds at least N events.
wait_events() {
  local i n=0
  for i in $(seq 1 $(($3 * 20))); do
    n=$(events "$1")
    [ "${n:-0}" -ge "$2" ] && return 0
    sleep 0.05
  done
  echo "    (waited $3 s for $2 events in $1, found ${n:-0})"
  return 1
}

# stop_follower SIGNAL: sends it and waits; sets FRC.
stop_follower() {
  kill "-$1" "$FPID"
  wait "$FPID"
  FRC=$?
}

# same_as_ref NAME STORE: log position and eval at two times equal the reference's.
same_as_ref() {
  expect_eq "$1: log position" "$REF_EVENTS" "$(events "$2")"
  expect_eq "$1: eval at $T1" "$REF_EVAL1" "$("$LICIT" --store "$2" --json eval --at $T1)"
  expect_eq "$1: eval at $T2" "$REF_EVAL2" "$("$LICIT" --store "$2" --json eval --at $T2)"
}

# ---------------------------------------------------------------- usage --
S=$(newstore)
expect_exit 2 "$LICIT" --store "$S" follow
expect_exit 1 "$LICIT" --store "$S" follow http://127.0.0.1:9/subscribe
expect_contains "a bad URL says why" "not a WebSocket URL" "$ERR"
expect_exit 1 "$LICIT" --store "$S" follow ws:///subscribe
expect_exit 1 "$LICIT" --store "$S" follow "ws://127.0.0.1:99999/subscribe"
expect_exit 1 "$LICIT" --store "$S" follow "ws://127.0.0.1:9/subscribe?cursor=soon"
expect_exit 2 "$LICIT" --store "$S" follow ws://127.0.0.1:9/ --stall never
expect_exit 2 "$LICIT" --store "$S" follow ws://127.0.0.1:9/ --region de
check "a bad URL creates no store" test ! -e "$S/data.mdb"

# ------------------------------------------------------------ reference --
"$PY" "$FOLLOW/gen_capture.py" 4000 7 >"$T/capture.jsonl"
REF=$(newstore)
lic --store "$REF" policy set "$POLICY" >/dev/null
run lic --store "$REF" --json ingest --format jetstream --region DE "$T/capture.jsonl"
expect_eq "reference ingest (exit 3: the capture has malformed commits)" 3 "$RC"
REF_EVENTS=$(events "$REF")
REF_EVAL1=$(lic --store "$REF" --json eval --at $T1)
REF_EVAL2=$(lic --store "$REF" --json eval --at $T2)
check "the reference holds events" test "$REF_EVENTS" -gt 2500

URLQ="wantedCollections=app.bsky.feed.post&wantedCollections=org.user-intents.declaration"

# --------------------------------- drops at random points, garbage, stall --
r() { echo $((RANDOM % ($2 - $1) + $1)); }
D1=$(r 100 1200) D2=$(r 1300 2400) G=$(r 100 3900) ST=$(r 2500 3900)
echo "# run A: drops before messages $D1 and $D2, garbage before $G, a stall at $ST"
standin a --capture "$T/capture.jsonl" --drop-at "$D1,$D2" --garbage-at "$G" --stall-at "$ST"
SA=$(newstore)
lic --store "$SA" policy set "$POLICY" >/dev/null
follower "$SA" "$T/a.out" "ws://127.0.0.1:$PORT/subscribe?$URLQ" --region DE --stall 2 --rejects "$T/a.rejects"
check "run A: every event arrives" wait_events "$SA" "$REF_EVENTS" 40
stop_follower TERM
expect_eq "run A: SIGTERM ends it with exit 0" 0 "$FRC"
same_as_ref "run A" "$SA"
check "run A: --json prints the counts" jq -e '.accepted == '"$REF_EVENTS"' and .duplicates > 0 and .reconnects >= 3 and .rejected > 0 and .skipped > 0' "$T/a.out"
expect_eq "run A: connections (3 drops, then stalls after the end)" "yes" \
  "$(awk '$2 == "connect"' "$SLOG" | wc -l | awk '{print ($1 >= 4) ? "yes" : "no: " $1}')"
# Every reconnect asks for a cursor 5 s before the last commit's: never
# later than the first message the earlier connection did not deliver.
check "run A: every reconnect asks for a cursor" \
  test "$(awk '$2 == "connect" && $4 == "cursor=-"' "$SLOG" | wc -l)" -eq 1
# Backoff: the waits between a connection's end and the next connect
# double from 0.5 s (+-20 %), and the stall is noticed after --stall 2
# (the upper bounds leave room for a loaded machine: a commit, a connect).
BACKOFF=$(awk '$2 == "closed" { c = $1 } $2 == "connect" && c { printf "%.2f ", $1 - c }' "$SLOG")
echo "# run A: waits before reconnecting (s): $BACKOFF"
SLACK=$([ "$SANITIZED" ] && echo 1.5 || echo 0.6)
check "run A: backoff doubles from 0.5 s with +-20 % jitter" \
  awk -v w="$BACKOFF" -v slack="$SLACK" 'BEGIN { n = split(w, a, " "); b = 0.5; for (i = 1; i <= n && i <= 4; i++) {
    if (a[i] < 0.8 * b - 0.02 || a[i] > 1.2 * b + slack) { print "wait " i ": " a[i] " for " b; exit 1 }; b *= 2 } }'
STALLED=$(awk '$2 == "stall" { s = $1 } $2 == "closed" && s { printf "%.2f", $1 - s; exit }' "$SLOG")
echo "# run A: the stall was noticed after $STALLED s"
check "run A: a stall of --stall 2 s is a drop" awk -v s="$STALLED" -v hi="$([ "$SANITIZED" ] && echo 5 || echo 3.5)" 'BEGIN { exit !(s >= 1.9 && s <= hi) }'
# Garbage frames are rejected with the messages file ingest gives them.
"$PY" - "$T/garbage.jsonl" <<'EOF'
import sys
lines = [b"this is not json", b'{"did":"did:plc:x","time_us":', b"[1,2,3]", b"{}",
         b'{"did":"did:plc:garbage","time_us":"soon","kind":"commit"}', b"\xff\xfe not text"]
open(sys.argv[1], "wb").write(b"\n".join(lines) + b"\n")
EOF
lic --store "$(newstore)" ingest --format jetstream --rejects "$T/garbage.rej" "$T/garbage.jsonl" >/dev/null 2>&1
expect_eq "run A: garbage frames are rejected as file ingest rejects them" \
  "$(jq -r .error "$T/garbage.rej")" \
  "$(jq -r 'select(.raw | test("did:plc:follow") | not) | .error' "$T/a.rejects")"
kill "$SPID"

# ---------------------------------------------- kill -9, then a restart --
echo "# run B: kill -9 while following, then a restart"
standin b --capture "$T/capture.jsonl" --rate 1500 --drop-at "$(r 2500 3900)"
SB=$(newstore)
lic --store "$SB" policy set "$POLICY" >/dev/null
URLB="ws://127.0.0.1:$PORT/subscribe?$URLQ"
follower "$SB" "$T/b1.out" "$URLB" --region DE --stall 2
check "run B: commits while it runs (at least once a second)" wait_events "$SB" 1000 20
kill -9 "$FPID"
wait "$FPID" 2>/dev/null
N_KILLED=$(events "$SB")
check "run B: the killed follower's store opens, with a prefix" test "$N_KILLED" -lt "$REF_EVENTS"
follower "$SB" "$T/b2.out" "$URLB" --region DE --stall 2
check "run B: after the restart every event arrives" wait_events "$SB" "$REF_EVENTS" 40
stop_follower INT
expect_eq "run B: SIGINT ends it with exit 0" 0 "$FRC"
same_as_ref "run B" "$SB"
check "run B: the restart resumed from the stored cursor, not from the start" \
  awk '$2 == "connect" && $3 == 2 { split($5, s, "="); exit !($4 != "cursor=-" && s[2] > 0) }' "$SLOG"
kill "$SPID"

# ------------------------------------------------ the URL's own cursor --
echo "# run C: a cursor in the URL, used only while the store has none"
standin c --capture "$T/capture.jsonl"
SC=$(newstore)
lic --store "$SC" policy set "$POLICY" >/dev/null
C0=$(sed -n 3000p "$T/capture.jsonl" | jq .time_us)
follower "$SC" "$T/c1.out" "ws://127.0.0.1:$PORT/subscribe?cursor=$C0&$URLQ" --region DE --stall 5
check "run C: events arrive" wait_events "$SC" 100 20
sleep 1.2 # the last commit
stop_follower TERM
check "run C: the first connection asked for the URL's cursor" \
  awk -v c="cursor=$C0" '$2 == "connect" && $3 == 1 { exit !($4 == c) }' "$SLOG"
check "run C: only the part from the cursor on" test "$(events "$SC")" -lt $((REF_EVENTS / 2))
# The cursor is kept under the URL without its cursor parameter: the same
# feed with another cursor, or none, resumes from the store.
follower "$SC" "$T/c2.out" "ws://127.0.0.1:$PORT/subscribe?$URLQ&cursor=1" --region DE --stall 5
for i in $(seq 1 100); do [ "$(awk '$2 == "connect"' "$SLOG" | wc -l)" -ge 2 ] && break; sleep 0.05; done
sleep 0.5
stop_follower TERM
LAST=$(jq -r .cursor "$T/c1.out")
check "run C: the restart asked for the stored cursor minus 5 s, not the URL's" \
  awk -v c="cursor=$((LAST - 5000000))" '$2 == "connect" && $3 == 2 { exit !($4 == c) }' "$SLOG"
expect_eq "run C: the restart added nothing (all duplicates)" "0" "$(jq -r .accepted "$T/c2.out")"
kill "$SPID"

# ------------------------------------------------------------------ TLS --
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
  standin tls --capture "$T/capture.jsonl" --tls "$T/cert.pem" "$T/key.pem"
  ST=$(newstore)
  expect_exit 1 timeout 20 "$LICIT" --store "$ST" follow "wss://localhost:$PORT/subscribe" --stall 2
  expect_contains "a refused certificate says so" "certificate" "$ERR"
  SSL_CERT_FILE=$T/cert.pem follower "$ST" "$T/tls.out" "wss://localhost:$PORT/subscribe" --stall 2
  check "wss:// with a trusted certificate follows" wait_events "$ST" 100 20
  stop_follower TERM
  expect_eq "wss://: SIGTERM ends it with exit 0" 0 "$FRC"
  kill "$SPID"
else
  echo "# skipped the TLS checks: no openssl"
fi

# ------------------------------------------------------- on a thread --
# licit_follow_run on its own thread (as serve --follow runs it), stats read
# from another and the store from a third (tests/follow/follow_thread.c).
FT=$(dirname "$LICIT")/tests/follow_thread
if [ -x "$FT" ]; then
  standin th --capture "$T/capture.jsonl"
  check "the follower on a thread, stopped by its flag, stats read beside it" \
    "$FT" "$(newstore)" "ws://127.0.0.1:$PORT/subscribe" 4000
  kill "$SPID"
else
  echo "# skipped the thread check: no $FT"
fi

# ------------------------------------------------- progress on a terminal --
standin p --capture "$T/capture.jsonl" --rate 2000
SP=$(newstore)
script -qec "$(printf '%q ' timeout -s TERM 2 "$LICIT" --store "$SP" follow "ws://127.0.0.1:$PORT/subscribe")" \
  /dev/null >"$T/pty.txt" 2>&1
expect_contains "progress on a terminal: messages/s" "/s, lag " "$T/pty.txt"
expect_contains "progress on a terminal: the final counts" "accepted " "$T/pty.txt"
kill "$SPID"

# ------------------------------------------------------ over-long message --
# A message over the 2 MiB limit is rejected with its real length, as file
# ingest reports an over-long line (it was reported as 2,097,153 bytes,
# the part kept), and the follower goes on with the next.
"$PY" - "$T/long.jsonl" <<'PYEOF'
import json, sys
t = 1748736000000000
rec = lambda i, text: json.dumps({"did": "did:plc:long%d" % i, "time_us": t + i, "kind": "commit",
    "commit": {"rev": "r%d" % i, "operation": "create", "collection": "app.bsky.feed.post", "rkey": "3l%05d" % i,
               "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2025-06-01T00:00:00Z"}}})
lines = [rec(1, "before"), rec(2, "x" * (3 << 20)), rec(3, "after")]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
print(len(lines[1].encode()), file=open(sys.argv[1] + ".len", "w"))
PYEOF
standin long --capture "$T/long.jsonl"
SL=$(newstore)
lic --store "$SL" policy set "$POLICY" >/dev/null
follower "$SL" "$T/long.out" "ws://127.0.0.1:$PORT/subscribe" --rejects "$T/long.rejects"
check "over-long message: the messages around it arrive" wait_events "$SL" 2 20
stop_follower TERM
kill "$SPID"
LONG=$(cat "$T/long.jsonl.len")
expect_eq "over-long message: rejected with its real length" \
  "$LONG true line is $LONG bytes" \
  "$(jq -r '"\(.raw_bytes) \(.raw_truncated) \(.error | split(",")[0])"' "$T/long.rejects")"

# ----------------------------------------------------------------- rate --
# A sanitizer build is many times slower: it gets a smaller capture, and
# its rate is printed, not judged.
NBIG=$([ "$SANITIZED" ] && echo 5000 || echo 20000)
"$PY" "$FOLLOW/gen_capture.py" "$NBIG" 11 >"$T/big.jsonl"
SR0=$(newstore)
lic --store "$SR0" ingest --format jetstream "$T/big.jsonl" >/dev/null
BIG=$(events "$SR0")
standin rate --capture "$T/big.jsonl"
SR=$(newstore)
lic --store "$SR" policy set "$POLICY" >/dev/null
follower "$SR" "$T/rate.out" "ws://127.0.0.1:$PORT/subscribe" --stall 5
check "rate: the whole capture arrives" wait_events "$SR" "$BIG" 60
stop_follower TERM
# The stand-in sends the capture faster than the follower takes it (it is
# all sent within a fraction of a second, into the sockets' buffers), so
# the time from the first message to the last one is the follower's own:
# mapping, rules, store, commits once a second, cursor.
SECS=$(jq -r .receiving_s "$T/rate.out")
RATE=$(awk -v n="$NBIG" -v s="$SECS" 'BEGIN { printf "%d", n / (s > 0 ? s : 1e-3) }')
echo "# rate: $NBIG messages taken in $SECS s: $RATE messages/s sustained from the local stand-in${SANITIZED:+ (sanitizer build)}"
[ "$SANITIZED" ] || check "rate: above the firehose's peak of a few thousand a second" test "$RATE" -gt 2000
kill "$SPID"

finish
