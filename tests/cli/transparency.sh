# transparency.sh — `licit explain`, `licit report` and `licit debt` on the real
# binary (SPEC section 6, issue 4), on the example story of examples/README.md:
# the fixed JSON keys, the decisions and the events that decided them, the
# snapshots that hold a post, what each person can do, and the unlearning debt,
# cross-checked against `eval` and the snapshot's own documents.
# Run: bash tests/cli/transparency.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

META=$EX/policies/meta-genai.json
at() { printf '%sT00:00:00Z' "$1"; }
REASONS='["deleted","no_policy","too_old","minor","region_excluded","not_public","signal","objected","no_consent","mentioned"]'
S0=at-20240601T000000Z
# The log position (seq) of the first example event matching a jq filter:
# every line of events.jsonl is accepted, so seq is the line number.
seq_of() { jq -c "$1" "$EX/events.jsonl" | awk '$0 == "true" { print NR; exit }'; }

S=$(newstore)
lic --store "$S" policy set "$META" >/dev/null
lic --store "$S" ingest "$EX/events.jsonl" >/dev/null
lic --store "$S" snapshot --at "$(at 2024-06-01)" --out "$T/s0" >/dev/null
zstd -dc "$T/s0/documents/part-00000.jsonl.zst" | jq -r .id >"$T/s0.ids"
POSTS=$(jq -r 'select(.type == "post") | .post' "$EX/events.jsonl")
USERS=$(jq -r 'select(.user) | .user' "$EX/events.jsonl" | sort -u)

# ---------------------------------------------------------------- explain: shape
expect_exit 0 lic --store "$S" --json explain p-lucia-03 --at "$(at 2025-06-01)"
cp "$OUT" "$T/lucia3.json"
expect_eq "explain --json: the fixed keys" "true" \
  "$(jq '[keys_unsorted[]] as $k | all(["post","user","at","decision","checks","snapshots","optout_notice"][]; . as $x | $k | index($x))' "$OUT")"
expect_eq "explain --json: post, user, at" "p-lucia-03 u-lucia 2025-06-01T00:00:00Z" \
  "$(jq -r '"\(.post) \(.user) \(.at)"' "$OUT")"
expect_eq "explain --json: ten checks in the order of SPEC section 4" "$REASONS" "$(jq -c '[.checks[].check]' "$OUT")"
expect_eq "explain --json: each check has check, passed (boolean), detail (text), events" "true" \
  "$(jq '.checks | all((keys_unsorted[:4] == ["check","passed","detail","events"]) and (.passed | type == "boolean") and (.detail | type == "string" and length > 0) and (.events | type == "array"))' "$OUT")"
expect_eq "explain --json: each cited event has seq, ts, type" "true" \
  "$(jq '[.checks[].events[]] | length > 0 and all(keys_unsorted[:3] == ["seq","ts","type"] and (.seq | type == "number"))' "$OUT")"
expect_eq "explain --json: snapshots entries are {name, at, included}" '[{"name":"at-20240601T000000Z","at":"2024-06-01T00:00:00Z","included":true}]' \
  "$(jq -c '[.snapshots[] | {name, at, included}]' "$OUT")"
expect_eq "explain p-lucia-03 at 2025-06-01: included, every check passed, an opt-out notice" "included true true" \
  "$(jq -r '"\(.decision) \(all(.checks[]; .passed)) \(.optout_notice)"' "$OUT")"
expect_eq "explain p-lucia-03: the post event is cited with its seq and UTC time" \
  "$(seq_of '.post == "p-lucia-03" and .type == "post"') 2024-05-28T07:12:33.500000Z post" \
  "$(jq -r '[.checks[].events[] | select(.type == "post")][0] | "\(.seq) \(.ts) \(.type)"' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-lucia-01 --at "$(at 2025-06-01)"
expect_eq "explain p-lucia-01: not an opt-out notice" "included false" "$(jq -r '"\(.decision) \(.optout_notice)"' "$OUT")"

# ---------------------------------------------------------------- explain: decisions
expect_exit 0 lic --store "$S" --json explain p-jonas-01 --at "$(at 2025-06-01)"
expect_eq "explain p-jonas-01 at 2025-06-01: objected, checks 1-7 passed, 8 failed" "objected true false" \
  "$(jq -r '"\(.decision) \(all(.checks[:7][]; .passed)) \(.checks[7].passed)"' "$OUT")"
expect_eq "explain p-jonas-01: the objected check cites the preference event" \
  "$(seq_of '.type == "preference" and .user == "u-jonas"') 2024-05-24T17:45:00Z preference" \
  "$(jq -r '.checks[7].events[] | select(.type == "preference") | "\(.seq) \(.ts) \(.type)"' "$OUT")"
expect_eq "explain p-jonas-01: excluded from the 2024-06-01 snapshot too" "false" "$(jq '.snapshots[0].included' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-kai-01 --at "$(at 2025-06-01)"
expect_eq "explain p-kai-01: minor (check 4 fails, cites the account event)" "minor false account" \
  "$(jq -r '"\(.decision) \(.checks[3].passed) \(.checks[3].events[0].type)"' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-kai-02 --at "$(at 2025-06-01)"
expect_eq "explain p-kai-02: minor (17 in UTC on his Sydney birthday)" "minor" "$(jq -r .decision "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-kai-03 --at "$(at 2025-06-01)"
expect_eq "explain p-kai-03: included (18)" "included" "$(jq -r .decision "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-mike-01 --at "$(at 2025-06-01)"
expect_eq "explain p-mike-01: deleted, citing the delete event (fraction truncated to microseconds)" \
  "deleted false $(seq_of '.type == "delete" and .post == "p-mike-01"') 2025-01-05T03:04:05.123456Z delete" \
  "$(jq -r '"\(.decision) \(.checks[0].passed) \(.checks[0].events[] | select(.type == "delete") | "\(.seq) \(.ts) \(.type)")"' "$OUT")"
expect_eq "explain p-mike-01: was in the 2024-06-01 snapshot" "true" "$(jq '.snapshots[0].included' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-dana-01 --at "$(at 2025-06-01)"
expect_eq "explain p-dana-01: deleted with the account, citing account_delete" \
  "deleted $(seq_of '.type == "account_delete" and .user == "u-dana"') account_delete" \
  "$(jq -r '"\(.decision) \(.checks[0].events[] | "\(.seq) \(.type)")"' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-mike-02 --at "$(at 2025-06-01)"
expect_eq "explain p-mike-02 (made private): not_public now, included in the 2024-06-01 snapshot" \
  "not_public false $S0 true" \
  "$(jq -r '"\(.decision) \(.checks[5].passed) \(.snapshots[0].name) \(.snapshots[0].included)"' "$OUT")"
expect_eq "explain p-mike-02: the not_public check cites the visibility event" \
  "$(seq_of '.type == "visibility" and .post == "p-mike-02"') visibility" \
  "$(jq -r '.checks[5].events[] | select(.type == "visibility") | "\(.seq) \(.type)"' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-mike-02 --at "$(at 2024-06-01)"
expect_eq "explain p-mike-02 at 2024-06-01: included then" "included" "$(jq -r .decision "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-mike-05 --at "$(at 2025-06-01)"
expect_eq "explain before the post's creation: not_considered, still shows the snapshots" "not_considered false" \
  "$(jq -r '"\(.decision) \(.snapshots[0].included)"' "$OUT")"
expect_exit 0 lic --store "$S" --json explain p-mike-05
expect_eq "explain without --at (now): p-mike-05 is included" "included" "$(jq -r .decision "$OUT")"
expect_exit 2 lic --store "$S" explain p-nobody --at "$(at 2025-06-01)"
expect_contains "explain of an unknown post: the message names it" "p-nobody" "$ERR"
expect_exit 2 lic --store "$S" explain
expect_exit 2 lic --store "$S" explain p-lucia-03 --at 2025-06-01
expect_exit 2 lic --store "$S" explain p-lucia-03 p-lucia-01

# Every post at every date: explain agrees with eval, the first failing
# check is the decision, and "included in the snapshot" agrees with the
# snapshot's documents.  (One licit call per post; the checks in one pass.)
mkdir "$T/x"
for d in 2024-06-01 2024-10-01 2025-06-01; do
  lic --store "$S" --json eval --at "$(at "$d")" >"$T/x/eval-$d.json"
  for p in $POSTS; do
    lic --store "$S" --json explain "$p" --at "$(at "$d")" >"$T/x/$d.$p.json" || echo "explain $p at $d failed" >>"$T/x.err"
  done
done
expect_eq "explain: no failure" "" "$(cat "$T/x.err" 2>/dev/null)"
# "date post user decision first-failing-check included-in-snapshot-0"
jq -r '"\(.at[:10]) \(.post) \(.user) \(.decision) \(first(.checks[] | select(.passed | not) | .check) // "included") \(.snapshots[0].included)"' \
  "$T"/x/2*.json >"$T/decisions"
expect_eq "explain: 90 answers" 90 "$(wc -l <"$T/decisions")"
expect_eq "explain: the decision is always the first failing check" "" \
  "$(awk '$4 != "not_considered" && $4 != $5' "$T/decisions")"
expect_eq "explain: snapshots[].included agrees with the snapshot's documents" "" \
  "$(awk 'NR == FNR { in0[$1] = 1; next } ($6 == "true") != ($2 in in0)' "$T/s0.ids" "$T/decisions")"
for d in 2024-06-01 2024-10-01 2025-06-01; do
  expect_eq "explain of every post at $d: decisions tally to eval --json counts" \
    "$(jq -c '[.counts.considered, .counts.included, .counts.excluded]' "$T/x/eval-$d.json")" \
    "$(awk -v d="$d" '$1 == d { print $4 }' "$T/decisions" | jq -Rsc --argjson r "$REASONS" '
        split("\n") | map(select(length > 0)) as $a
        | [($a | map(select(. != "not_considered")) | length), ($a | map(select(. == "included")) | length),
           (reduce $r[] as $x ({}; .[$x] = ($a | map(select(. == $x)) | length)))]')"
done
# The decisions of examples/README.md that the story hinges on.
expect_eq "examples/README.md decisions (spot checks)" \
  "2024-06-01 p-amelia-02 included|2024-10-01 p-amelia-03 not_public|2024-10-01 p-jonas-01 region_excluded|2024-10-01 p-marta-01 included|2024-10-01 p-yuki-01 not_public|2025-06-01 p-ana-01 included|2025-06-01 p-jonas-04 not_public|2025-06-01 p-rosa-02 included" \
  "$(grep -E '^(2024-06-01 p-amelia-02|2024-10-01 p-(amelia-03|jonas-01|marta-01|yuki-01)|2025-06-01 p-(ana-01|jonas-04|rosa-02)) ' "$T/decisions" |
    awk '{print $1, $2, $4}' | sort | paste -sd'|')"

# ---------------------------------------------------------------- explain: text
expect_exit 0 lic --store "$S" explain p-lucia-03 --at "$(at 2025-06-01)"
expect_contains "explain text: says included" "INCLUDED" "$OUT"
expect_contains "explain text: says the notice has no effect" "no effect" "$OUT"
expect_exit 0 lic --store "$S" explain p-jonas-01 --at "$(at 2025-06-01)"
expect_contains "explain text: names the reason objected" "objected" "$OUT"
expect_exit 0 lic --store "$S" explain p-mike-05 --at "$(at 2025-06-01)"
expect_contains "explain text: not considered" "not considered" "$OUT"

# ---------------------------------------------------------------- report
expect_exit 0 lic --store "$S" --json report u-lucia --at "$(at 2025-06-01)"
expect_eq "report --json: the fixed keys" "true" \
  "$(jq '[keys_unsorted[]] as $k | all(["user","at","region","mode","preference","posts","snapshots","optout_notices","actions"][]; . as $x | $k | index($x))' "$OUT")"
expect_eq "report --json: posts has considered, included, excluded with the ten reasons" "$REASONS" \
  "$(jq -c '.posts | if has("considered") and has("included") then .excluded | keys_unsorted else null end' "$OUT")"
expect_eq "report --json: snapshots entries are {name, at, posts}" '[{"name":"at-20240601T000000Z","at":"2024-06-01T00:00:00Z","posts":3}]' \
  "$(jq -c '[.snapshots[] | {name, at, posts}]' "$OUT")"
expect_eq "report u-lucia at 2025-06-01: ES, opt_out, unset, 3 of 3 included" "u-lucia ES opt_out unset 3 3" \
  "$(jq -r '"\(.user) \(.region) \(.mode) \(.preference) \(.posts.considered) \(.posts.included)"' "$OUT")"
expect_eq "report u-lucia: the opt-out notice p-lucia-03" '["p-lucia-03"]' "$(jq -c .optout_notices "$OUT")"
expect_eq "report u-lucia: actions are non-empty text" "true" "$(jq '.actions | length > 0 and all(type == "string" and length > 0)' "$OUT")"
expect_eq "report u-lucia: an action offers the objection" "true" "$(jq '[.actions[] | select(test("^\\s*object"; "i"))] | length > 0' "$OUT")"
expect_exit 0 lic --store "$S" --json report u-lucia --at "$(at 2024-07-01)"
expect_eq "report u-lucia at 2024-07-01 (EU pause): excluded, 3 posts region_excluded" "excluded 3 0" \
  "$(jq -r '"\(.mode) \(.posts.excluded.region_excluded) \(.posts.included)"' "$OUT")"
expect_exit 0 lic --store "$S" --json report u-mike --at "$(at 2025-06-01)"
expect_eq "report u-mike: US, no_choice, 4 considered, 1 included, 1 deleted, 2 not_public" "US no_choice 4 1 1 2" \
  "$(jq -r '"\(.region) \(.mode) \(.posts.considered) \(.posts.included) \(.posts.excluded.deleted) \(.posts.excluded.not_public)"' "$OUT")"
expect_eq "report u-mike: the notice p-mike-04 is listed" '["p-mike-04"]' "$(jq -c .optout_notices "$OUT")"
expect_eq "report u-mike: no action offers an objection" "0" \
  "$(jq '[.actions[] | select(test("^\\s*(object|file an objection|opt out)"; "i"))] | length' "$OUT")"
expect_eq "report u-mike: an action names deleting or making posts private" "true" \
  "$(jq '[.actions[] | select(test("delet"; "i") and test("private"; "i"))] | length > 0' "$OUT")"
expect_eq "report u-mike: the 2024-06-01 snapshot holds 3 of his posts" "$S0 3" \
  "$(jq -r '.snapshots[] | "\(.name) \(.posts)"' "$OUT")"
expect_exit 0 lic --store "$S" --json report u-jonas --at "$(at 2025-06-01)"
expect_eq "report u-jonas: DE, opt_out, deny, 3 objected, 1 not_public, in no snapshot" "DE opt_out deny 3 1 0" \
  "$(jq -r '"\(.region) \(.mode) \(.preference) \(.posts.excluded.objected) \(.posts.excluded.not_public) \(.snapshots | map(select(.posts > 0)) | length)"' "$OUT")"
expect_exit 0 lic --store "$S" --json report u-kai --at "$(at 2025-06-01)"
expect_eq "report u-kai: 2 minor, 1 included" "2 1" "$(jq -r '"\(.posts.excluded.minor) \(.posts.included)"' "$OUT")"
expect_exit 0 lic --store "$S" --json report u-sam --at "$(at 2025-06-01)"
expect_eq "report u-sam (no account event): region unknown, default no_choice" "no_choice 1" \
  "$(jq -r '"\(.mode) \(.posts.included)"' "$OUT")"
expect_exit 2 lic --store "$S" report u-nobody --at "$(at 2025-06-01)"
expect_contains "report of an unknown user: the message names it" "u-nobody" "$ERR"
expect_exit 2 lic --store "$S" report
expect_exit 0 lic --store "$S" report u-lucia --at "$(at 2025-06-01)"
expect_contains "report text: the notice has no effect" "no effect" "$OUT"
expect_contains "report text: names the mode" "opt_out" "$OUT"
expect_contains "report text: lists the notice" "p-lucia-03" "$OUT"
expect_exit 0 lic --store "$S" report u-mike --at "$(at 2025-06-01)"
expect_contains "report text for u-mike: no choice in words" "no choice" "$OUT"

# Per-user reports agree with explain: each user's counts equal the tally of
# the explain decisions of the user's posts, at each date.
mkdir "$T/r"
for d in 2024-06-01 2024-10-01 2025-06-01; do
  for u in $USERS; do lic --store "$S" --json report "$u" --at "$(at "$d")" >"$T/r/$d.$u.json"; done
done
expect_eq "report of every user at every date agrees with explain" "" "$(python3 - "$T/decisions" "$T"/r/*.json <<'EOF'
import collections, json, sys
want = collections.defaultdict(lambda: [0, 0, collections.Counter()])
for line in open(sys.argv[1]):
    d, post, user, dec = line.split()[:4]
    if dec == "not_considered":
        continue
    w = want[(d, user)]
    w[0] += 1
    if dec == "included":
        w[1] += 1
    else:
        w[2][dec] += 1
for f in sys.argv[2:]:
    r = json.load(open(f))
    key = (r["at"][:10], r["user"])
    got = [r["posts"]["considered"], r["posts"]["included"], {k: v for k, v in r["posts"]["excluded"].items() if v}]
    w = want[key]
    if got != [w[0], w[1], dict(w[2])]:
        print("report %s at %s: %s, explain says %s" % (key[1], key[0], got, [w[0], w[1], dict(w[2])]))
EOF
)"

# ---------------------------------------------------------------- debt
expect_exit 0 lic --store "$S" --json debt --at "$(at 2025-06-01)"
expect_eq "debt --json: keys at, snapshots[{name, at, included, debt}]" '["at","snapshots"] ["name","at","included","debt"]' \
  "$(jq -c '[keys_unsorted[:2], (.snapshots[0] | keys_unsorted[:4])] | "\(.[0]) \(.[1])"' -r "$OUT")"
expect_eq "debt --json: the ten reasons" "$REASONS" "$(jq -c '.snapshots[0].debt | keys_unsorted' "$OUT")"
expect_eq "debt at 2025-06-01 of the 2024-06-01 snapshot: the nine posts of examples/README.md" \
  '{"deleted":["p-dana-01","p-dana-02","p-mike-01"],"not_public":["p-mike-02","p-mike-03","p-yuki-01","p-yuki-02"],"objected":["p-amelia-01","p-amelia-02"]}' \
  "$(jq -c '.snapshots[0].debt | with_entries(select(.value | length > 0)) | map_values(sort)' "$OUT")"
expect_eq "debt: the snapshot still holds 18" "$S0 2024-06-01T00:00:00Z 18 2025-06-01T00:00:00Z" \
  "$(jq -r '"\(.snapshots[0].name) \(.snapshots[0].at) \(.snapshots[0].included) \(.at)"' "$OUT")"
# Independently: the snapshot's documents that explain now excludes.
expect_eq "debt equals 'in the snapshot's documents, excluded by explain at T'" \
  "$(awk '$1 == "2025-06-01" && $4 != "included" { print $4 "\t" $2 }' "$T/decisions" | grep -wFf "$T/s0.ids" | LC_ALL=C sort)" \
  "$(jq -r '.snapshots[0].debt | to_entries[] | .key as $k | .value[] | "\($k)\t\(.)"' "$OUT" | LC_ALL=C sort)"
cp "$OUT" "$T/debt.json"
expect_exit 0 lic --store "$S" debt --at "$(at 2025-06-01)" --list
expect_eq "debt --list: one line per post, snapshot<TAB>reason<TAB>post" \
  "$(jq -r '.snapshots[] | .name as $n | .debt | to_entries[] | .key as $k | .value[] | "\($n)\t\($k)\t\(.)"' "$T/debt.json" | LC_ALL=C sort)" \
  "$(LC_ALL=C sort "$OUT")"
expect_eq "debt --list: 9 lines of 3 fields" "9 3" "$(wc -l <"$OUT") $(awk -F'\t' '{print NF}' "$OUT" | sort -u)"
expect_exit 0 lic --store "$S" --json debt --at "$(at 2024-06-01)"
expect_eq "debt at the snapshot's own time: nothing" 0 "$(jq '[.snapshots[].debt[] | length] | add' "$OUT")"
expect_exit 0 lic --store "$S" debt --at "$(at 2025-06-01)"
expect_contains "debt text: names the reasons" "not_public" "$OUT"
expect_contains "debt text: names the posts" "p-amelia-01" "$OUT"
expect_contains "debt text: says they may no longer be used" "no longer" "$OUT"

# A second snapshot: debt covers both; --snapshot filters.
lic --store "$S" snapshot --at "$(at 2024-10-01)" --out "$T/s1" --name oct >/dev/null
expect_exit 0 lic --store "$S" --json debt --at "$(at 2025-06-01)"
expect_eq "debt with two snapshots: both, in build order" "$S0 oct" "$(jq -r '[.snapshots[].name] | join(" ")' "$OUT")"
expect_eq "debt of the 2024-10-01 snapshot: deleted p-dana-01 p-dana-02 p-mike-01" \
  '{"deleted":["p-dana-01","p-dana-02","p-mike-01"]}' \
  "$(jq -c '.snapshots[] | select(.name == "oct") | .debt | with_entries(select(.value | length > 0)) | map_values(sort)' "$OUT")"
expect_exit 0 lic --store "$S" --json debt --at "$(at 2025-06-01)" --snapshot "$S0"
expect_eq "debt --snapshot NAME: only that snapshot, same debt" "$(jq -c .snapshots "$T/debt.json")" "$(jq -c .snapshots "$OUT")"
expect_exit 0 lic --store "$S" debt --at "$(at 2025-06-01)" --snapshot oct --list
expect_eq "debt --snapshot oct --list" "$(printf 'oct\tdeleted\tp-dana-01\noct\tdeleted\tp-dana-02\noct\tdeleted\tp-mike-01')" \
  "$(LC_ALL=C sort "$OUT")"
expect_exit 2 lic --store "$S" debt --at "$(at 2025-06-01)" --snapshot no-such-snapshot
expect_contains "debt --snapshot unknown: the message names it" "no-such-snapshot" "$ERR"
expect_exit 2 lic --store "$S" debt --at yesterday
S2=$(newstore)
lic --store "$S2" policy set "$META" >/dev/null
expect_exit 0 lic --store "$S2" --json debt --at "$(at 2025-06-01)"
expect_eq "debt without snapshots: an empty list" "[]" "$(jq -c .snapshots "$OUT")"

# ---------------------------------------------------------------- help
for c in explain report debt; do
  expect_exit 0 lic "$c" --help
  expect_contains "$c --help: the usage line" "licit [--store DIR] [--json] $c" "$OUT"
done

# ------------------------------------------------------------ eval --list
# One line per considered post, in post id order, whose reasons tally to the
# counts; --reason keeps one decision; each line agrees with explain.
AT=2025-06-01T00:00:00Z
run lic --store "$S" --json eval --at "$AT"
cp "$OUT" "$T/ev.json"
run lic --store "$S" --json eval --at "$AT" --list
cp "$OUT" "$T/list.jsonl"
expect_eq "eval --list: one line per considered post" "$(jq .counts.considered "$T/ev.json")" "$(wc -l <"$T/list.jsonl" | tr -d ' ')"
expect_eq "eval --list: in post id order (bytewise)" "$(jq -r .post "$T/list.jsonl")" "$(jq -r .post "$T/list.jsonl" | LC_ALL=C sort)"
expect_eq "eval --list: reasons tally to the counts" "$(jq -c '[.counts.included, .counts.excluded]' "$T/ev.json")" \
  "$(jq -sc --argjson r "$REASONS" '[(map(select(.reason == "included")) | length),
     (. as $a | reduce $r[] as $x ({}; .[$x] = ($a | map(select(.reason == $x)) | length)))]' "$T/list.jsonl")"
run lic --store "$S" eval --at "$AT" --list --reason objected
expect_eq "eval --list --reason objected: only those, as POST TAB USER TAB REASON" \
  "$(jq -r 'select(.reason == "objected") | "\(.post)\t\(.user)\t\(.reason)"' "$T/list.jsonl")" "$(out)"
bad=""
while read -r post reason; do
  got=$(lic --store "$S" --json explain "$post" --at "$AT" | jq -r .decision)
  [ "$got" = "$reason" ] || bad="$bad $post:$reason/$got"
done < <(jq -r '"\(.post) \(.reason)"' "$T/list.jsonl")
expect_eq "eval --list agrees with explain for every post" "" "$bad"
expect_exit 2 lic --store "$S" eval --at "$AT" --list --reason frob
expect_contains "eval --reason frob: names the reasons" "mentioned" "$ERR"

# A no_choice account linked to one where people may object: one objection
# covers the whole person (SPEC 4), so report must not say that there is no
# way to object (it did), and it must keep the linked account's posts out.
SL=$(newstore)
printf '%s\n' '{"name":"linked","versions":[{"id":"v1","effective":"2020-01-01T00:00:00Z","regions":{"default":"no_choice","EEA":"opt_out"}}]}' >"$T/linked-policy.json"
lic --store "$SL" policy set "$T/linked-policy.json" >/dev/null
cat >"$T/linked.jsonl" <<'EOF2'
{"type":"account","ts":"2024-01-01T00:00:00Z","user":"a","region":"DE"}
{"type":"account","ts":"2024-01-01T00:00:00Z","user":"b","region":"US"}
{"type":"post","ts":"2024-02-01T00:00:00Z","post":"pa","user":"a","visibility":"public","text":"from a"}
{"type":"post","ts":"2024-02-01T00:00:00Z","post":"pb","user":"b","visibility":"public","text":"from b"}
{"type":"link","ts":"2024-03-01T00:00:00Z","user":"a","with":"b"}
{"type":"preference","ts":"2024-04-01T00:00:00Z","user":"b","ai_training":"deny"}
EOF2
lic --store "$SL" ingest "$T/linked.jsonl" >/dev/null
expect_eq "linked: b's objection keeps a's post out, not b's own (no_choice)" "pa objected pb included" \
  "$(lic --store "$SL" --json eval --at 2025-01-01T00:00:00Z --list | jq -r '"\(.post) \(.reason)"' | sort | tr '\n' ' ' | sed 's/ $//')"
lic --store "$SL" --json report b --at 2025-01-01T00:00:00Z >"$T/report-b.json"
expect_eq "linked: b's report does not say there is no way to object" "" \
  "$(jq -r '.actions[]' "$T/report-b.json" | grep -i 'no way to object')"
expect_contains "linked: b's report says the objection covers the linked accounts" \
  "also covers the accounts linked to it" <(jq -r '.actions[]' "$T/report-b.json")

# ------------------------------------- an unknown region, with and without a default
# SPEC 3: an unknown region takes the "default" key, and without one the
# mode is no_choice; report says which (explain says the same in its step 5).
SR=$(newstore)
printf '%s\n' '{"name":"p","versions":[{"id":"v1","effective":"2024-01-01T00:00:00Z","regions":{"EEA":"opt_out"}}]}' >"$T/nodefault.json"
printf '%s\n' '{"name":"p","versions":[{"id":"v1","effective":"2024-01-01T00:00:00Z","regions":{"EEA":"opt_out","default":"opt_out"}}]}' >"$T/default.json"
printf '%s\n' '{"type":"post","ts":"2024-02-01T00:00:00Z","post":"p1","user":"u","visibility":"public"}' >"$T/noregion.jsonl"
lic --store "$SR" policy set "$T/nodefault.json" >/dev/null
lic --store "$SR" ingest "$T/noregion.jsonl" >/dev/null
expect_exit 0 lic --store "$SR" report u --at 2024-03-01T00:00:00Z
expect_contains "report, no default: no_choice" "Region: unknown (the policy has no default: no_choice)" "$OUT"
expect_contains "report, no default: the mode" "Mode:   no_choice" "$OUT"
SR2=$(newstore)
lic --store "$SR2" policy set "$T/default.json" >/dev/null
lic --store "$SR2" ingest "$T/noregion.jsonl" >/dev/null
expect_exit 0 lic --store "$SR2" report u --at 2024-03-01T00:00:00Z
expect_contains "report, a default: it applies" "Region: unknown (the policy's default applies)" "$OUT"

# ---------------------------------------------------------------- a deleted account's objection
# SPEC 4: an objection is honoured only while the account is not deleted.
# The text said "honoured" where the JSON and the decisions said not (review 6).
SD=$(newstore)
echo '{"name":"p6","versions":[{"id":"v1","effective":"2020-01-01T00:00:00Z","honor_mentions":true,"regions":{"default":"no_choice","EEA":"opt_out"}}]}' >"$T/p6.json"
lic --store "$SD" policy set "$T/p6.json" >/dev/null
printf '%s\n' \
  '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"c","region":"DE"}' \
  '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"d","region":"US"}' \
  '{"type":"preference","ts":"2024-02-01T00:00:00Z","user":"c","ai_training":"deny"}' \
  '{"type":"post","ts":"2024-01-05T00:00:00Z","post":"pd3","user":"d","visibility":"public","mentions":["c"]}' \
  '{"type":"account_delete","ts":"2024-03-01T00:00:00Z","user":"c"}' >"$T/del-obj.jsonl"
lic --store "$SD" ingest "$T/del-obj.jsonl" >/dev/null
expect_exit 0 lic --store "$SD" report c --at 2024-02-15T00:00:00Z
expect_contains "report: an objection in force is honoured" "honoured, your objection keeps your posts out" "$OUT"
expect_exit 0 lic --store "$SD" report c --at 2024-04-01T00:00:00Z
expect_eq "report of a deleted account: its objection is not called honoured" "" "$(grep -F ': honoured' "$OUT")"
expect_contains "report of a deleted account: the objection is no longer in force" "no longer in force (the account is deleted)" "$OUT"
expect_exit 0 lic --store "$SD" --json report c --at 2024-04-01T00:00:00Z
expect_eq "report --json of a deleted account: honoured false" "false" "$(jq .honoured "$OUT")"
expect_exit 0 lic --store "$SD" --json eval --list --at 2024-04-01T00:00:00Z
expect_eq "and the post mentioning it is included, as the JSON says" "included" "$(jq -r 'select(.post == "pd3") | .reason' "$OUT")"

finish
