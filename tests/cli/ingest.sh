# ingest.sh — `licit ingest` and `licit stats` on the real binary, plus the
# global command-line behaviour (help, exit codes, option placement, store).
# Run: bash tests/cli/ingest.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# "accepted duplicates rejected" from `ingest --json` output in $OUT.
adr() { jq -r '"\(.accepted) \(.duplicates) \(.rejected)"' "$OUT" 2>/dev/null; }
# One native event line per call: ev TYPE TS key=value... (values are JSON
# strings unless they are true, false, null, an integer or start with [ or {).
ev() {
  local type=$1 ts=$2
  shift 2
  local s="{\"type\":\"$type\",\"ts\":\"$ts\"" kv k v
  for kv in "$@"; do
    k=${kv%%=*}
    v=${kv#*=}
    if [[ $v =~ ^(true|false|null|\[.*|\{.*|-?[0-9]+)$ ]]; then
      s="$s,\"$k\":$v"
    else
      s="$s,\"$k\":\"$v\""
    fi
  done
  printf '%s}\n' "$s"
}
stat_of() { lic --store "$1" --json stats | jq -r ".$2"; }

# ---------------------------------------------------------------- examples
S=$(newstore)
expect_exit 0 lic --store "$S" ingest "$EX/events.jsonl"
expect_eq "events.jsonl: text counts" "accepted 53, duplicates 0, rejected 0" "$(out)"
expect_exit 0 lic --store "$S" ingest --json "$EX/events.jsonl"
expect_eq "re-ingest events.jsonl: all duplicates" "0 53 0" "$(adr)"
expect_eq "re-ingest: the log did not grow" 53 "$(stat_of "$S" events)"

S=$(newstore)
expect_exit 3 lic --store "$S" ingest --json --rejects "$T/rej.jsonl" "$EX/events-bad.jsonl"
expect_eq "events-bad.jsonl: 6 accepted, 1 duplicate, 23 rejected" "6 1 23" "$(adr)"
expect_eq "events-bad.jsonl: rejected line numbers" \
  "7 8 9 10 11 12 13 14 15 16 17 18 19 21 22 23 24 25 26 27 28 29 31" \
  "$(jq -r .line "$T/rej.jsonl" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "rejects records: exactly the keys source, line, error, raw" "true" \
  "$(jq -s 'all(keys == ["error","line","raw","source"])' "$T/rej.jsonl")"
expect_eq "rejects records: source is the path as given" "$EX/events-bad.jsonl" \
  "$(jq -r .source "$T/rej.jsonl" | sort -u)"
expect_eq "rejects records: every error is a non-empty string" "true" \
  "$(jq -s 'all(.error | type == "string" and length > 0)' "$T/rej.jsonl")"
bad_raw=0
while IFS= read -r n; do
  want=$(sed -n "${n}p" "$EX/events-bad.jsonl")
  got=$(jq -r --argjson n "$n" 'select(.line == $n) | .raw' "$T/rej.jsonl")
  [ "$want" == "$got" ] || bad_raw=$((bad_raw + 1))
done < <(jq -r .line "$T/rej.jsonl")
expect_eq "rejects records: raw is the exact line text" 0 "$bad_raw"
expect_contains "line 7 error mentions the leap second" "60" <(jq -r 'select(.line==7).error' "$T/rej.jsonl")
expect_exit 3 lic --store "$S" ingest "$EX/events-bad.jsonl"
expect_eq "events-bad.jsonl again: text counts" "accepted 0, duplicates 7, rejected 23" "$(out)"
expect_contains "rejections without --rejects point to --rejects" "--rejects" "$ERR"

S=$(newstore)
run lic --store "$S" ingest --json "$EX/events.jsonl" "$EX/events-bad.jsonl"
expect_eq "two files in one call: summed counts" "59 1 23" "$(adr)"
expect_eq "two files in one call: exit 3" 3 "$RC"
expect_eq "stats after both: events posts users snapshots" "59 32 13 0" \
  "$(lic --store "$S" --json stats | jq -r '"\(.events) \(.posts) \(.users) \(.snapshots)"')"

# ---------------------------------------------------------------- stats
S=$(newstore)
lic --store "$S" ingest "$EX/events.jsonl" >/dev/null
expect_exit 0 lic --store "$S" --json stats
expect_eq "stats --json has the fixed keys" "true" \
  "$(jq 'has("events") and has("posts") and has("users") and has("snapshots") and has("store_bytes")' "$OUT")"
expect_eq "stats --json values after events.jsonl" "53 30 11 0" \
  "$(jq -r '"\(.events) \(.posts) \(.users) \(.snapshots)"' "$OUT")"
expect_eq "stats --json store_bytes is a positive number" "true" "$(jq '.store_bytes | type == "number" and . > 0' "$OUT")"
expect_exit 0 lic --store "$S" stats
expect_contains "stats text: events line" "events     53" "$OUT"
S=$(newstore)
expect_exit 0 lic --store "$S" --json ingest /dev/null
expect_exit 0 lic --store "$S" --json stats
expect_eq "stats on a new store: all zero" "0 0 0 0" "$(jq -r '"\(.events) \(.posts) \(.users) \(.snapshots)"' "$OUT")"
check "ingest created the store directory" test -d "$S"
expect_exit 2 lic --store "$S" stats extra-arg

# ---------------------------------------------------------------- exit codes, usage
S=$(newstore)
expect_exit 2 lic
expect_contains "licit with no command prints usage on stderr" "Usage" "$ERR"
expect_exit 2 lic frobnicate
expect_exit 2 lic policy
expect_exit 2 lic --store "$S" ingest --bogus "$EX/events.jsonl"
expect_contains "unknown option is named" "--bogus" "$ERR"
expect_exit 2 lic --store "$S" ingest --format xml "$EX/events.jsonl"
expect_contains "unknown format is named" "xml" "$ERR"
expect_exit 2 lic --store "$S" ingest --region es "$EX/events.jsonl"
expect_exit 2 lic --store "$S" ingest --region ESP "$EX/events.jsonl"
expect_exit 2 lic --store "$S" ingest --rejects
expect_exit 2 lic --store "$S" ingest --batch 0 "$EX/events.jsonl"
check "the bad-usage calls created no store" test ! -e "$S"
expect_exit 1 lic --store "$S" ingest "$T/no-such-file.jsonl"
expect_contains "missing input file is named" "no-such-file.jsonl" "$ERR"
mkdir -p "$T/a-directory"
expect_exit 1 lic --store "$S" ingest "$T/a-directory"
expect_contains "a directory as input is named" "a-directory: is a directory" "$ERR"
expect_exit 1 lic --store "$S" ingest "$EX/events.jsonl" "$T/no-such-file.jsonl"
check "a missing input, even a later one, creates no store and ingests nothing" test ! -e "$S"
expect_exit 1 lic --store "$S" ingest --rejects "$T/no-such-dir/rej.jsonl" "$EX/events.jsonl"
expect_exit 0 lic --version
for cmd in "" "ingest" "stats" "policy set" "policy show"; do
  # shellcheck disable=SC2086
  expect_exit 0 lic $cmd --help
  expect_contains "licit $cmd --help prints Usage" "Usage" "$OUT"
done
expect_exit 0 lic help ingest
expect_contains "licit help ingest prints Usage" "Usage" "$OUT"

# ---------------------------------------------------------------- option placement, store selection
S=$(newstore)
expect_exit 0 lic --store "$S" ingest "$EX/events.jsonl" --json
expect_eq "ingest FILE --json" "53 0 0" "$(adr)"
S=$(newstore)
expect_exit 0 lic --json --store "$S" ingest "$EX/events.jsonl"
expect_eq "--json ingest FILE" "53 0 0" "$(adr)"
S=$(newstore)
expect_exit 0 lic ingest "$EX/events.jsonl" --store "$S" --json
expect_eq "--store after the command" 53 "$(stat_of "$S" events)"
S=$(newstore)
expect_exit 0 lic ingest --store="$S" "$EX/events.jsonl"
expect_eq "--store=DIR" 53 "$(stat_of "$S" events)"
S=$(newstore)
expect_exit 3 lic ingest "$EX/events-bad.jsonl" --rejects "$T/rej2.jsonl" --store "$S"
expect_eq "--rejects after the file" 23 "$(wc -l <"$T/rej2.jsonl" | tr -d ' ')"
S=$(newstore)
LICIT_STORE=$S run lic ingest "$EX/events.jsonl"
expect_eq "LICIT_STORE selects the store" "0 53" "$RC $(stat_of "$S" events)"
S2=$(newstore)
LICIT_STORE=$S run lic --store "$S2" ingest "$EX/events.jsonl"
expect_eq "--store beats LICIT_STORE" "53 53" "$(stat_of "$S" events) $(stat_of "$S2" events)"
mkdir -p "$T/cwd" && (cd "$T/cwd" && lic ingest "$EX/events.jsonl" >/dev/null)
check "without --store or LICIT_STORE the store is ./licit-data" test -d "$T/cwd/licit-data"

# ---------------------------------------------------------------- stdin
S=$(newstore)
run lic --store "$S" --json ingest - <"$EX/events.jsonl"
expect_eq "stdin via -" "0 53 0 0" "$RC $(adr)"
S=$(newstore)
run lic --store "$S" --json ingest <"$EX/events.jsonl"
expect_eq "stdin with no file argument" "0 53 0 0" "$RC $(adr)"
S=$(newstore)
run lic --store "$S" --json ingest --rejects "$T/rej-stdin.jsonl" - <"$EX/events-bad.jsonl"
expect_eq "stdin: source of rejects is -" "-" "$(jq -r .source "$T/rej-stdin.jsonl" | sort -u)"

# ---------------------------------------------------------------- duplicates and ids
S=$(newstore)
{
  ev account 2024-01-01T00:00:00Z user=u1 id=e1
  ev account 2024-01-02T00:00:00Z user=u1 id=e1 region=FR
  ev account 2024-01-03T00:00:00Z user=u1
  ev account 2024-01-03T00:00:00Z user=u1
} >"$T/dups.jsonl"
run lic --store "$S" --json ingest "$T/dups.jsonl"
expect_eq "same id twice in one file: second is a duplicate; id-less events never are" "0 3 1 0" "$RC $(adr)"
run lic --store "$S" --json ingest "$T/dups.jsonl"
expect_eq "second run: id'd events are duplicates, id-less ones are accepted again" "0 2 2 0" "$RC $(adr)"
expect_eq "log holds 5 events" 5 "$(stat_of "$S" events)"
S=$(newstore)
{
  ev account 2024-01-01T00:00:00Z user=u1 id=x1 region=fr
  ev account 2024-01-01T00:00:00Z user=u1 id=x1 region=FR
} >"$T/rejid.jsonl"
run lic --store "$S" --json ingest "$T/rejid.jsonl"
expect_eq "the id of a rejected event is not taken" "3 1 0 1" "$RC $(adr)"
long256=$(printf 'i%.0s' $(seq 256))
{
  ev account 2024-01-01T00:00:00Z user=u1 "id=$long256"
  ev account 2024-01-01T00:00:00Z user=u1 "id=${long256}j"
  ev account 2024-01-01T00:00:00Z user=u1 id=
  ev account 2024-01-01T00:00:00Z user=u1 'id=a\u0007b'
  ev account 2024-01-01T00:00:00Z user=u1 id=7
} >"$T/ids.jsonl"
S=$(newstore)
run lic --store "$S" --json ingest "$T/ids.jsonl"
expect_eq "ids: 256 bytes ok; 257 bytes, empty, control char, number rejected" "3 1 0 4" "$RC $(adr)"

# ---------------------------------------------------------------- arrival order
S=$(newstore)
{
  ev account 2024-01-01T00:00:00Z user=u1
  ev edit 2024-03-01T00:00:00Z post=p1 text=edited
  ev post 2024-02-01T00:00:00Z post=p1 user=u1 visibility=public text=first
  ev visibility 2024-05-01T00:00:00Z post=p1 visibility=private
  ev visibility 2024-04-01T00:00:00Z post=p1 visibility=followers
  ev edit 2024-01-15T00:00:00Z post=p1 text=before-creation
  ev preference 2024-06-01T00:00:00Z user=u1 ai_training=deny
  ev preference 2024-05-01T00:00:00Z user=u1 ai_training=allow
} >"$T/order.jsonl"
run lic --store "$S" --json ingest --rejects "$T/rej-order.jsonl" "$T/order.jsonl"
expect_eq "out-of-order arrival: counts" "3 6 0 2" "$RC $(adr)"
expect_eq "edit before its post arrives, and edit before creation ts: rejected" "2 6" \
  "$(jq -r .line "$T/rej-order.jsonl" | tr '\n' ' ' | sed 's/ $//')"
run lic --store "$S" --json ingest - < <(ev edit 2024-03-01T00:00:00Z post=p1 text=edited)
expect_eq "the same edit after its post arrived: accepted" "0 1 0 0" "$RC $(adr)"

# account_delete: a second one is rejected whatever its ts (SPEC 2); an
# earlier-ts one arriving later once moved the deletion earlier and then
# rejected posts that had been valid.
S=$(newstore)
{
  ev account 2024-01-01T00:00:00Z user=u1
  ev post 2024-02-01T00:00:00Z post=p1 user=u1 visibility=public
  ev account_delete 2024-06-01T00:00:00Z user=u1
  ev account_delete 2024-03-01T00:00:00Z user=u1
  ev account_delete 2024-07-01T00:00:00Z user=u1
  ev post 2024-04-01T00:00:00Z post=p2 user=u1 visibility=public
  ev preference 2024-08-01T00:00:00Z user=u1 ai_training=deny
  ev account_delete 2024-01-01T00:00:00Z user=nobody
} >"$T/adel.jsonl"
run lic --store "$S" --json ingest --rejects "$T/rej-adel.jsonl" "$T/adel.jsonl"
expect_eq "account_delete: second one (earlier or later ts), preference after it, unknown user rejected" \
  "3 4 0 4" "$RC $(adr)"
expect_eq "account_delete: rejected lines" "4 5 7 8" "$(jq -r .line "$T/rej-adel.jsonl" | tr '\n' ' ' | sed 's/ $//')"

# ---------------------------------------------------------------- field types
S=$(newstore)
{
  ev account 2024-01-01T00:00:00Z user=u1
  ev post 2024-01-02T00:00:00Z post=p1 user=u1 visibility=public text=null
  ev post 2024-01-02T00:00:00Z post=p2 user=u1 visibility=public lang=null
  ev account 2024-01-02T00:00:00Z user=u1 region=null
  ev post 2024-01-02T00:00:00Z post=p3 user=u1 visibility=public 'signals=["noai","noai"]'
  ev post 2024-01-02T00:00:00Z post=p4 user=u1 visibility=public 'signals=[1]'
  ev post 2024-01-02T00:00:00.123456789Z post=p5 user=u1 visibility=public
  ev post 2024-01-02t00:00:00z post=p6 user=u1 visibility=public
  ev post 0000-01-02T00:00:00Z post=p7 user=u1 visibility=public
  ev post 2024-01-02T00:00:00+24:00 post=p8 user=u1 visibility=public
  printf '{"type":"post","ts":"2024-01-02T00:00:00Z","post":"p9","user":"u1","visibility":"public","text":"a\\u0000b"}\n'
  printf '"just a string"\n'
  ev post 2024-01-02T00:00:00.1234567891Z post=p11 user=u1 visibility=public
  printf '{"type":"post","ts":"2024-01-02T00:00:00Z","post":"p10","user":"u1","visibility":"public"\n'
  ev account 2024-01-01T00:00:00Z user=u1 birth_date=2023-02-29
  ev account 2024-01-01T00:00:00Z user=u1 private=1
  ev account 2024-01-01T00:00:00Z user=u1 private=false birth_date=2024-02-29 region=
} >"$T/types.jsonl"
run lic --store "$S" --json ingest --rejects "$T/rej-types.jsonl" "$T/types.jsonl"
expect_eq "field types: counts" "3 6 0 11" "$RC $(adr)"
expect_eq "field types: rejected lines (null fields, bad signals, bad ts, not an object, bad JSON, bad date, bad bool)" \
  "2 3 4 6 9 10 12 13 14 15 16" "$(jq -r .line "$T/rej-types.jsonl" | tr '\n' ' ' | sed 's/ $//')"
expect_contains "a null field is reported as a type error" "null" <(jq -r 'select(.line==2).error' "$T/rej-types.jsonl")

# ---------------------------------------------------------------- line endings, blank lines, line numbers
S=$(newstore)
{
  printf '\n'
  ev account 2024-01-01T00:00:00Z user=u1 | sed 's/$/\r/'
  printf '   \t\r\n'
  printf '\r\n'
  ev account 2024-01-01T00:00:00Z user=u1 region=fr | sed 's/$/\r/'
  printf ' \t \n'
  ev account 2024-01-01T00:00:00Z user=u1 region=FR | tr -d '\n'
} >"$T/crlf.jsonl"
run lic --store "$S" --json ingest --rejects "$T/rej-crlf.jsonl" "$T/crlf.jsonl"
expect_eq "CRLF accepted, blank and whitespace-only lines not counted, last line without newline read" \
  "3 2 0 1" "$RC $(adr)"
expect_eq "rejects line number counts blank lines (1-based)" 5 "$(jq -r .line "$T/rej-crlf.jsonl")"
expect_eq "rejects raw is the line without its CRLF ending" \
  "$(ev account 2024-01-01T00:00:00Z user=u1 region=fr)" "$(jq -r .raw "$T/rej-crlf.jsonl")"
# The 2 MiB limit does not count the line ending: a line of exactly 2 MiB is
# accepted whether it ends in LF or CRLF, one byte more is rejected (SPEC 2),
# through the pipeline, with --one-thread and from standard input.
/usr/bin/python3 - "$T" <<'PY'
import sys
pre = '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"%s","x":"'
for name, extra, end in (("lf", 0, "\n"), ("crlf", 0, "\r\n"), ("crlf1", 1, "\r\n")):
    p = pre % name
    line = p + "a" * (2097152 - len(p) - 2 + extra) + '"}'
    open(sys.argv[1] + "/max-" + name + ".jsonl", "w", newline="").write(line + end)
PY
for mode in "" --one-thread; do
  S=$(newstore)
  run lic --store "$S" --json ingest $mode "$T/max-lf.jsonl" "$T/max-crlf.jsonl"
  expect_eq "a line of exactly 2 MiB, LF and CRLF endings, accepted ${mode:-(pipeline)}" "0 2 0 0" "$RC $(adr)"
  run lic --store "$S" --json ingest $mode --rejects "$T/rej-max.jsonl" "$T/max-crlf1.jsonl"
  expect_eq "2 MiB + 1 byte before a CRLF: rejected ${mode:-(pipeline)}" "3 0 0 1" "$RC $(adr)"
  expect_contains "its length is given without the CR" "2097153 bytes" "$T/rej-max.jsonl"
done
S=$(newstore)
run lic --store "$S" --json ingest - <"$T/max-crlf.jsonl"
expect_eq "a line of exactly 2 MiB ending in CRLF, from standard input" "0 1 0 0" "$RC $(adr)"
# A UTF-8 byte order mark (an editor's "UTF-8 with BOM") is named as such.
S=$(newstore)
{
  printf '\xef\xbb\xbf'
  ev account 2024-01-01T00:00:00Z user=u1
  ev account 2024-01-01T00:00:00Z user=u2
} >"$T/bom.jsonl"
run lic --store "$S" --json ingest --rejects "$T/rej-bom.jsonl" "$T/bom.jsonl"
expect_eq "a BOM rejects the first line only" "3 1 0 1" "$RC $(adr)"
expect_contains "the reject names the byte order mark" "byte order mark (EF BB BF)" "$T/rej-bom.jsonl"
S=$(newstore)
printf '\n \n\t\n\r\n' >"$T/blank.jsonl"
run lic --store "$S" --json ingest "$T/blank.jsonl"
expect_eq "a file of blank lines: nothing counted, exit 0" "0 0 0 0" "$RC $(adr)"
S=$(newstore)
: >"$T/empty.jsonl"
run lic --store "$S" --json ingest "$T/empty.jsonl"
expect_eq "an empty file: nothing counted, exit 0" "0 0 0 0" "$RC $(adr)"

# ---------------------------------------------------------------- UTF-8
S=$(newstore)
{
  printf '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u\xff1"}\n'
  printf '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u1","x":"\xc0\xaf"}\n'
  printf '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u\xc3\xa9"}\n'
  printf '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u2","x":"\xed\xa0\x80"}\n'
} >"$T/utf8.jsonl"
run lic --store "$S" --json ingest --rejects "$T/rej-utf8.jsonl" "$T/utf8.jsonl"
expect_eq "invalid UTF-8 (bad byte, overlong, encoded surrogate) rejected; valid accepted" "3 1 0 3" "$RC $(adr)"
expect_eq "rejects file is valid JSON even for invalid UTF-8 lines" 3 "$(jq -s length "$T/rej-utf8.jsonl")"

# ---------------------------------------------------------------- line and text limits
python3 - "$T" <<'EOF'
import sys
d = sys.argv[1]
head = '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u1","pad":"'
tail = '"}'
ok = '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u2"}\n'
n = 2097152 - len(head) - len(tail)
open(d + '/line-exact.jsonl', 'w').write(head + 'x' * n + tail + '\n' + ok)
open(d + '/line-over1.jsonl', 'w').write(head + 'x' * (n + 1) + tail + '\n' + ok)
open(d + '/line-huge.jsonl', 'w').write(head + 'x' * (5 << 20) + tail + '\n' + ok)
open(d + '/line-huge-last.jsonl', 'w').write(ok + head + 'x' * (5 << 20) + tail)
t = '{"type":"post","ts":"2024-01-02T00:00:00Z","post":"p%d","user":"u1","visibility":"public","text":"%s"}\n'
open(d + '/text.jsonl', 'w', encoding='utf-8').write(ok.replace('u2', 'u1') + t % (1, 'y' * 1048576) + t % (2, 'y' * 1048577) +
                                   t % (3, '\u00e9' * 524288) + t % (4, '\u00e9' * 524288 + 'z'))
EOF
S=$(newstore)
run lic --store "$S" --json ingest "$T/line-exact.jsonl"
expect_eq "a line of exactly 2 MiB is accepted" "0 2 0 0" "$RC $(adr)"
S=$(newstore)
run lic --store "$S" --json ingest --rejects "$T/rej-over1.jsonl" "$T/line-over1.jsonl"
expect_eq "a line of 2 MiB + 1 byte is rejected, the next line ingests" "3 1 0 1" "$RC $(adr)"
expect_eq "2 MiB + 1: rejects record has the line number and either the full raw line or raw_bytes" "1 true" \
  "$(jq -r '"\(.line) \((.raw | length) == 2097153 or (.raw_truncated == true and .raw_bytes == 2097153))"' "$T/rej-over1.jsonl")"
S=$(newstore)
run lic --store "$S" --json ingest --rejects "$T/rej-huge.jsonl" "$T/line-huge.jsonl"
expect_eq "a 5 MiB line is rejected, the next line ingests" "3 1 0 1" "$RC $(adr)"
huge_len=$(head -n 1 "$T/line-huge.jsonl" | tr -d '\n' | wc -c)
expect_eq "5 MiB line: raw_truncated, raw_bytes, a short raw excerpt" "1 true $huge_len true" \
  "$(jq -r '"\(.line) \(.raw_truncated) \(.raw_bytes) \((.raw | length) <= 65536)"' "$T/rej-huge.jsonl")"
expect_eq "5 MiB line: raw excerpt is the start of the line" "true" \
  "$(jq -r '.raw | startswith("{\"type\":\"account\"")' "$T/rej-huge.jsonl")"
S=$(newstore)
run lic --store "$S" --json ingest --rejects "$T/rej-huge-last.jsonl" "$T/line-huge-last.jsonl"
expect_eq "a 5 MiB last line without newline is rejected" "3 1 0 1" "$RC $(adr)"
expect_eq "5 MiB last line: line 2, raw_bytes" "2 $huge_len" \
  "$(jq -r '"\(.line) \(.raw_bytes)"' "$T/rej-huge-last.jsonl")"
S=$(newstore)
run lic --store "$S" --json ingest --rejects "$T/rej-text.jsonl" "$T/text.jsonl"
expect_eq "text of 1 MiB accepted, 1 MiB + 1 byte rejected (bytes of UTF-8, not characters)" "3 3 0 2" "$RC $(adr)"
expect_eq "text limit: rejected lines" "3 5" "$(jq -r .line "$T/rej-text.jsonl" | tr '\n' ' ' | sed 's/ $//')"

# ---------------------------------------------------------------- progress on a terminal
# Progress is drawn on stderr only when it is a terminal: `script` gives the
# ingest a pseudo-terminal.  Every line drawn must show a rate and an ETA
# that are non-negative numbers, and the last one a positive rate (the start
# time once came from the wall clock and "now" from the monotonic clock:
# "0 events/s, ETA -35791394:-8").
"$GEN" --seed 3 --events 20000 >"$T/gen20k.jsonl"
progress_lines() { tr '\r' '\n' <"$1" | sed 's/\x1b\[K//g' | grep '^ingest '; }
S=$(newstore)
script -qec "$(printf '%q ' "$LICIT" --store "$S" ingest "$T/gen20k.jsonl")" /dev/null >"$T/pty-file.txt" 2>&1
file_re='^ingest [^ ]+: [0-9.]+ / [0-9.]+ MB \([0-9]+%\), [0-9]+ events/s, ETA [0-9]+:[0-9]{2}:[0-9]{2}$'
expect_eq "progress (file): every line has a non-negative rate and ETA" "" \
  "$(progress_lines "$T/pty-file.txt" | grep -Ev "$file_re" | head -3)"
last=$(progress_lines "$T/pty-file.txt" | tail -1)
expect_eq "progress (file): the last line is at 100% with a positive rate" "100% yes" \
  "$(sed -E 's/.*\(([0-9]+%)\), ([0-9]+) events.*/\1 \2/' <<<"$last" | awk '{print $1, ($2 > 0 ? "yes" : "no")}')"
S=$(newstore)
script -qec "$(printf '%q ' "$LICIT" --store "$S" ingest -) < $(printf '%q' "$T/gen20k.jsonl")" /dev/null \
  >"$T/pty-stdin.txt" 2>&1
stdin_re='^ingest -: [0-9.]+ MB, [0-9]+ events/s$'
expect_eq "progress (stdin): every line has a non-negative rate" "" \
  "$(progress_lines "$T/pty-stdin.txt" | grep -Ev "$stdin_re" | head -3)"
expect_eq "progress (stdin): the last line has a positive rate" "yes" \
  "$(progress_lines "$T/pty-stdin.txt" | tail -1 | sed -E 's/.* ([0-9]+) events.*/\1/' | awk '{print ($1 > 0 ? "yes" : "no")}')"
expect_eq "progress (stdin): every event was ingested" 20000 "$(stat_of "$S" events)"
S=$(newstore)
script -qec "$(printf '%q ' "$LICIT" --store "$S" ingest --no-progress "$T/gen20k.jsonl")" /dev/null >"$T/pty-no.txt" 2>&1
expect_eq "--no-progress on a terminal draws nothing" "" "$(progress_lines "$T/pty-no.txt")"

# ---------------------------------------------------------------- numbers in text output
# One rule: plain digits, no thousands separators, in text as in JSON.
expect_contains "ingest text: plain digits" "accepted 20000, duplicates 0, rejected 0" "$T/pty-no.txt"
run lic --store "$S" stats
expect_contains "stats text: plain digits" "events     20000" "$OUT"

# ---------------------------------------------------------------- the rejects file
cp "$EX/events-bad.jsonl" "$T/in-bad.jsonl"
S=$(newstore)
expect_exit 2 lic --store "$S" ingest --rejects "$T/in-bad.jsonl" "$T/in-bad.jsonl"
expect_contains "rejects file = an input: refused, naming it" "is also an input" "$ERR"
ln "$T/in-bad.jsonl" "$T/in-bad-link.jsonl"
expect_exit 2 lic --store "$S" ingest --rejects "$T/in-bad-link.jsonl" "$EX/events.jsonl" "$T/in-bad.jsonl"
expect_contains "rejects file = an input by another name (hard link): refused" "is also an input" "$ERR"
expect_exit 2 lic --store "$S" ingest --rejects "$T/in-bad.jsonl" - <"$T/in-bad.jsonl"
expect_contains "rejects file = standard input: refused" "standard input" "$ERR"
expect_eq "the refused input is intact" "$(cat "$EX/events-bad.jsonl")" "$(cat "$T/in-bad.jsonl")"
check "a refused ingest created no store" test ! -e "$S"
echo '{"old":true}' >"$T/old-rej.jsonl"
expect_exit 3 lic --store "$S" ingest --rejects "$T/old-rej.jsonl" "$T/in-bad.jsonl"
expect_contains "an existing rejects file: replaced, and ingest says so" "replacing the existing rejects file" "$ERR"
expect_eq "the replaced rejects file holds this run's rejects only" 23 "$(wc -l <"$T/old-rej.jsonl" | tr -d ' ')"
expect_exit 3 lic --store "$S" ingest --rejects "$T/new-rej.jsonl" "$T/in-bad.jsonl"
expect_eq "a new rejects file: no word about replacing" "" "$(grep replacing "$ERR")"
# The store's own files: a rejects file there would replace data.mdb (review 6).
expect_exit 2 lic --store "$S" ingest --rejects "$S/data.mdb" "$T/in-bad.jsonl"
expect_contains "rejects file = the store's data.mdb: refused" "in the store's directory" "$ERR"
expect_exit 2 lic --store "$S" ingest --rejects "$S/../$(basename "$S")/lock.mdb" "$T/in-bad.jsonl"
expect_contains "rejects file = lock.mdb by another spelling: refused" "in the store's directory" "$ERR"
expect_exit 2 lic --store "$S" ingest --rejects "$S/new-rejects.jsonl" "$T/in-bad.jsonl"
expect_contains "any new file in the store's directory: refused" "in the store's directory" "$ERR"
run lic --store "$S" stats
expect_contains "the store is intact after the refusals" "events     6" "$OUT"

# ---------------------------------------------------------------- errors under --json
# Every error is {"error": {"code", "message"}} on stdout (ingest: inside its
# counts object), and the text on stderr as well.
S=$(newstore)
expect_exit 1 lic --store "$S" --json ingest --rejects /dev/full "$EX/events-bad.jsonl"
expect_eq "ingest --rejects /dev/full: counts and an error object with a message" "io true true" \
  "$(jq -r '"\(.error.code) \(.error.message | test("rejects file")) \(has("accepted"))"' "$OUT")"
expect_contains "ingest --rejects /dev/full: the text on stderr too" "rejects file" "$ERR"
expect_exit 1 lic --store "$S" --json ingest "$T/no-such-file.jsonl"
expect_eq "ingest of a missing file: error object" "io" "$(jq -r .error.code "$OUT")"
json_error() { # NAME EXIT CODE ARGS...: one JSON error object with that code, and text on stderr
  local name=$1 want=$2 code=$3
  shift 3
  expect_exit "$want" lic --json "$@"
  expect_eq "$name: {\"error\":{\"code\":\"$code\",\"message\":…}} on stdout" "$code true 1" \
    "$(jq -r '"\(.error.code) \(.error.message | type == "string" and length > 0)"' "$OUT" 2>&1) $(wc -l <"$OUT" | tr -d ' ')"
  check "$name: the message on stderr too" grep -q "^licit: " "$ERR"
}
S=$(newstore)
lic --store "$S" ingest "$EX/events.jsonl" >/dev/null
json_error "unknown command" 2 usage frobnicate
json_error "unknown global option" 2 usage --frob stats
json_error "unknown option" 2 usage --store "$S" stats --bogus
json_error "stats with an argument" 2 usage --store "$S" stats extra
json_error "eval with a bad --at" 2 usage --store "$S" eval --at yesterday
json_error "explain of an unknown post" 2 not_found --store "$S" explain no-such-post
json_error "report of an unknown user" 2 not_found --store "$S" report no-such-user
json_error "policy show without a policy" 2 no_policy --store "$S" policy show
printf '{"name": "x",\n "versions": [}' >"$T/broken-policy.json"
json_error "policy set of broken JSON" 2 invalid_policy --store "$S" policy set "$T/broken-policy.json"
expect_eq "a policy error names its position once" 1 "$(jq -r .error.message "$OUT" | grep -o column | wc -l | tr -d ' ')"
json_error "snapshot without --out" 2 usage --store "$S" snapshot
for cmd in stats eval "explain p-lucia-01" "report u-lucia" snapshots debt "policy show" \
  "snapshot --out $T/never"; do
  # shellcheck disable=SC2086
  json_error "$cmd on a mistyped store" 1 no_store --store "$T/tpyo" $cmd
  expect_contains "$cmd on a mistyped store: names the path" "$T/tpyo" "$ERR"
done
check "read commands on a mistyped store create nothing" test ! -e "$T/tpyo"

# ---------------------------------------------------------------- global options, help
expect_exit 2 lic --frob stats
expect_contains "--frob before the command: an unknown option, named" 'unknown option "--frob"' "$ERR"
expect_exit 0 lic policy --help
expect_eq "policy --help: help for both subcommands" "2" "$(grep -c '^Usage: licit .* policy \(set\|show\)' "$OUT")"
expect_exit 0 lic help policy
expect_eq "help policy: help for both subcommands" "2" "$(grep -c '^Usage: licit .* policy \(set\|show\)' "$OUT")"
expect_exit 2 lic help frob
expect_contains "help frob: names the unknown command" 'unknown command "frob"' "$ERR"
expect_exit 2 lic policy frob
expect_contains "policy frob: names the unknown subcommand and the known ones" 'unknown subcommand "frob"' "$ERR"
expect_exit 0 lic --json --version
expect_eq "--json --version: JSON" "$(lic --version | sed 's/^licit //')" "$(jq -r .version "$OUT")"
expect_exit 0 lic --version --json
expect_eq "--version --json: JSON" "$(lic --version | sed 's/^licit //')" "$(jq -r .version "$OUT")"

# ------------------------------------------------------------ the pipeline
# Native files are parsed on a second thread; --one-thread does everything
# on one.  Same counts, same rejects (in line order), same log.
P1=$(newstore)
P2=$(newstore)
cat "$EX/events.jsonl" "$EX/events-bad.jsonl" "$EX/events.jsonl" >"$T/mixed.jsonl"
run lic --store "$P1" --json ingest --rejects "$T/rej1.jsonl" "$T/mixed.jsonl"
cp "$OUT" "$T/p1.json"
run lic --store "$P2" --json ingest --one-thread --rejects "$T/rej2.jsonl" "$T/mixed.jsonl"
expect_eq "pipeline and --one-thread: the same counts" "$(cat "$T/p1.json")" "$(out)"
expect_eq "pipeline and --one-thread: the same rejects, in line order" "$(cat "$T/rej1.jsonl")" "$(cat "$T/rej2.jsonl")"
expect_eq "pipeline and --one-thread: the same evaluation" \
  "$(lic --store "$P1" --json eval --at 2025-06-01T00:00:00Z)" "$(lic --store "$P2" --json eval --at 2025-06-01T00:00:00Z)"

# ------------------------------------------- messages name log positions
# A rejection that names an earlier event gives its log position as "seq N
# in the log", not as "event N", which a reader of the rejects file (keyed
# by line) would take for a line number.
S=$(newstore)
{
  ev post 2024-02-01T00:00:00Z post=x user=u visibility=bogus
  echo
  ev post 2024-02-01T00:00:00Z post=p1 user=u visibility=public
  ev delete 2024-03-01T00:00:00Z post=p1
  ev edit 2024-03-02T00:00:00Z post=p1 text=late
  ev post 2024-03-03T00:00:00Z post=p1 user=u visibility=public
} >"$T/seq.jsonl"
expect_exit 3 lic --store "$S" ingest --rejects "$T/seq-rej.jsonl" "$T/seq.jsonl"
expect_eq "rejects: lines 1, 5 and 6" "1 5 6" "$(jq -r .line "$T/seq-rej.jsonl" | tr '\n' ' ' | sed 's/ $//')"
expect_contains "edit after delete: the deletion's seq" '(seq 2 in the log); nothing can follow its deletion' "$T/seq-rej.jsonl"
expect_contains "post id taken: the creation's seq" 'already exists (created at seq 1 in the log)' "$T/seq-rej.jsonl"
check "no message says 'event N'" bash -c "! grep -q '(event [0-9]' '$T/seq-rej.jsonl'"

finish
