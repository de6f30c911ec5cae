# policy.sh — `licit policy set` and `licit policy show` on the real binary.
# Run: bash tests/cli/policy.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# ---------------------------------------------------------------- no policy yet
S=$(newstore)
lic --store "$S" ingest /dev/null >/dev/null # a store with no policy
expect_exit 2 lic --store "$S" policy show
expect_contains "policy show without a policy says how to install one" "policy set" "$ERR"
expect_exit 2 lic --store "$S" --json policy show
expect_eq "policy show --json without a policy: the error object" "no_policy" "$(jq -r .error.code "$OUT")"
expect_exit 2 lic --store "$S" policy set
expect_exit 2 lic --store "$S" policy set a.json b.json
expect_exit 2 lic --store "$S" policy show extra
expect_exit 2 lic --store "$S" policy frob

# ---------------------------------------------------------------- the example policies
for f in "$EX"/policies/*.json; do
  b=$(basename "$f")
  S=$(newstore)
  expect_exit 0 lic --store "$S" policy set "$f"
  expect_contains "$b: set reports the name" "$(jq -r .name "$f")" "$OUT"
  expect_exit 0 lic --store "$S" policy show
  expect_contains "$b: show names the policy" "$(jq -r .name "$f")" "$OUT"
  bad=0
  for id in $(jq -r '.versions[].id' "$f"); do grep -qF -- "$id" "$OUT" || bad=$((bad + 1)); done
  expect_eq "$b: show lists every version id" 0 "$bad"
  expect_exit 0 lic --store "$S" --json policy show
  check "$b: show --json is one JSON object" jq -e 'type == "object"' "$OUT"
  expect_eq "$b: show --json has the file's name" "$(jq -r .name "$f")" "$(jq -r .name "$OUT")"
  expect_eq "$b: show --json has the file's versions" "$(jq -c .versions "$f")" "$(jq -c .versions "$OUT")"
  expect_eq "$b: show --json is the policy as installed" "$(jq -cS . "$f")" "$(jq -cS . "$OUT")"
  expect_exit 0 lic --store "$S" --json policy set "$f"
  expect_eq "$b: set --json" "true $(jq -r .name "$f") $(jq '.versions | length' "$f")" \
    "$(jq -r '"\(.installed) \(.name) \(.versions)"' "$OUT")"
  expect_eq "$b: stats reports a policy" true "$(lic --store "$S" --json stats | jq .policy)"
done

# ---------------------------------------------------------------- replacing a policy
S=$(newstore)
lic --store "$S" policy set "$EX/policies/meta-genai.json" >/dev/null
lic --store "$S" policy set "$EX/policies/x-grok.json" >/dev/null
expect_exit 0 lic --store "$S" --json policy show
expect_eq "a new policy replaces the old one" "x-grok" "$(jq -r .name "$OUT")"
expect_exit 0 lic --store "$S" policy show
check "the text show no longer mentions the old policy" bash -c "! grep -q meta-genai '$OUT'"
# An invalid policy leaves the installed one in place.
printf '{"name":"broken","versions":[]}\n' >"$T/empty-versions.json"
expect_exit 2 lic --store "$S" policy set "$T/empty-versions.json"
expect_eq "an invalid policy does not replace the installed one" "x-grok" \
  "$(lic --store "$S" --json policy show | jq -r .name)"

# ---------------------------------------------------------------- defaults and small valid policies
S=$(newstore)
cat >"$T/min.json" <<'EOF'
{"name": "minimal", "versions": [{"id": "v1", "effective": "2024-01-01T00:00:00Z"}]}
EOF
expect_exit 0 lic --store "$S" policy set "$T/min.json"
expect_exit 0 lic --store "$S" policy show
expect_contains "minimal policy: source defaults to the name" "source: minimal" "$OUT"
expect_contains "minimal policy: visibility defaults to public" "public" "$OUT"
cat >"$T/groups.json" <<'EOF'
{"name": "groups", "source": "s",
 "region_groups": {"NORDIC": ["DK", "FI", "IS", "NO", "SE"], "ALPS": ["AT", "CH"]},
 "versions": [
  {"id": "a", "effective": "2024-01-01T00:00:00+02:00",
   "visibility": ["public", "unlisted"], "content_since": "2007-01-01T00:00:00Z",
   "min_age": 18, "honor_signals": ["noai", "noimageai"],
   "regions": {"default": "no_choice", "EEA": "opt_out", "NORDIC": "opt_out", "DK": "excluded"}},
  {"id": "b", "effective": "2024-06-01T00:00:00Z",
   "regions": {"NORDIC": "opt_out", "ALPS": "opt_in", "AT": "opt_out"}}]}
EOF
expect_exit 0 lic --store "$S" policy set "$T/groups.json"
expect_exit 0 lic --store "$S" policy show
expect_contains "groups policy: show lists a custom group" "NORDIC" "$OUT"
expect_contains "groups policy: show lists honoured signals" "noimageai" "$OUT"
expect_contains "groups policy: show lists the minimum age" "18" "$OUT"
# A country in two groups is fine when it has its own key (AT above) or the modes agree.
cat >"$T/agree.json" <<'EOF'
{"name": "agree", "region_groups": {"AAA": ["FR"], "BBB": ["FR", "DE"]},
 "versions": [{"id": "a", "effective": "2024-01-01T00:00:00Z",
   "regions": {"AAA": "opt_out", "BBB": "opt_out"}}]}
EOF
expect_exit 0 lic --store "$S" policy set "$T/agree.json"
expect_exit 0 lic --store "$S" policy set - <"$T/min.json"

# ---------------------------------------------------------------- invalid policies
# bad NAME EXPECTED_SUBSTRING_OF_STDERR JSON: the policy must be refused with
# exit 2 and stderr naming the key path.
bad() {
  local name=$1 want=$2
  printf '%s\n' "$3" >"$T/$name.json"
  expect_exit 2 lic --store "$S" policy set "$T/$name.json"
  expect_contains "$name: stderr names $want" "$want" "$ERR"
}
S=$(newstore)
V='"id": "a", "effective": "2024-01-01T00:00:00Z"'
bad typo-visibility 'versions[0].visibilty' "{\"name\": \"x\", \"versions\": [{$V, \"visibilty\": [\"public\"]}]}"
bad typo-top 'regions' "{\"name\": \"x\", \"regions\": {}, \"versions\": [{$V}]}"
bad same-effective 'versions[1].effective' \
  "{\"name\": \"x\", \"versions\": [{$V}, {\"id\": \"b\", \"effective\": \"2024-01-01T00:00:00Z\"}]}"
bad earlier-effective 'versions[1].effective' \
  "{\"name\": \"x\", \"versions\": [{$V}, {\"id\": \"b\", \"effective\": \"2023-01-01T00:00:00Z\"}]}"
bad same-instant-offset 'versions[1].effective' \
  "{\"name\": \"x\", \"versions\": [{$V}, {\"id\": \"b\", \"effective\": \"2024-01-01T01:00:00+01:00\"}]}"
bad duplicate-id 'versions[1].id' \
  "{\"name\": \"x\", \"versions\": [{$V}, {\"id\": \"a\", \"effective\": \"2024-02-01T00:00:00Z\"}]}"
bad unknown-mode 'versions[0].regions.default' \
  "{\"name\": \"x\", \"versions\": [{$V, \"regions\": {\"default\": \"opt_maybe\"}}]}"
bad ambiguous-group 'versions[0].regions' \
  "{\"name\": \"x\", \"region_groups\": {\"AAA\": [\"FR\"]}, \"versions\": [{$V, \"regions\": {\"AAA\": \"opt_in\", \"EU\": \"opt_out\"}}]}"
expect_contains "ambiguous-group: stderr names the country" "FR" "$ERR"
bad eu-vs-eea 'versions[0].regions' "{\"name\": \"x\", \"versions\": [{$V, \"regions\": {\"EU\": \"opt_out\", \"EEA\": \"excluded\"}}]}"
bad lower-country-key 'versions[0].regions.fr' "{\"name\": \"x\", \"versions\": [{$V, \"regions\": {\"fr\": \"opt_out\"}}]}"
bad bad-group-code 'region_groups.AAA[1]' \
  "{\"name\": \"x\", \"region_groups\": {\"AAA\": [\"FR\", \"FRA\"]}, \"versions\": [{$V}]}"
bad short-group-name 'region_groups.AB' "{\"name\": \"x\", \"region_groups\": {\"AB\": [\"FR\"]}, \"versions\": [{$V}]}"
bad builtin-group 'region_groups.EU' "{\"name\": \"x\", \"region_groups\": {\"EU\": [\"FR\"]}, \"versions\": [{$V}]}"
bad unknown-group 'versions[0].regions.NORDIC' "{\"name\": \"x\", \"versions\": [{$V, \"regions\": {\"NORDIC\": \"opt_out\"}}]}"
bad empty-versions 'versions' '{"name": "x", "versions": []}'
bad missing-versions 'versions' '{"name": "x"}'
bad missing-name 'name' "{\"versions\": [{$V}]}"
bad bad-effective 'versions[0].effective' '{"name": "x", "versions": [{"id": "a", "effective": "2024-01-01"}]}'
bad bad-visibility 'versions[0].visibility' "{\"name\": \"x\", \"versions\": [{$V, \"visibility\": [\"friends\"]}]}"
bad bad-min-age 'versions[0].min_age' "{\"name\": \"x\", \"versions\": [{$V, \"min_age\": \"18\"}]}"
bad null-source 'source' "{\"name\": \"x\", \"source\": null, \"versions\": [{$V}]}"
bad not-an-object 'policy' '["name", "x"]'
printf '{"name": "x",\n  "versions": [\n    {"id": "a",, "effective": "2024-01-01T00:00:00Z"}]}\n' >"$T/invalid-json.json"
expect_exit 2 lic --store "$S" policy set "$T/invalid-json.json"
expect_contains "invalid JSON: message has the line" "line 3" "$ERR"
expect_contains "invalid JSON: message has the column" "column" "$ERR"
expect_contains "invalid JSON: message names the file" "invalid-json.json" "$ERR"
: >"$T/empty.json"
expect_exit 2 lic --store "$S" policy set "$T/empty.json"
expect_contains "an empty policy file is called empty" "the file is empty" "$ERR"
printf ' \n\t\n' >"$T/blank.json"
expect_exit 2 lic --store "$S" policy set "$T/blank.json"
expect_contains "a policy file of blanks is called empty" "the file is empty" "$ERR"
mkdir -p "$T/a-dir"
expect_exit 1 lic --store "$S" policy set "$T/a-dir"
expect_contains "a directory as the policy: says why" "policy set: $T/a-dir: cannot read: Is a directory" "$ERR"
run lic --store "$S" policy set "$T/no-such-policy.json"
check "missing file: non-zero exit" test "$RC" -ne 0
expect_contains "missing file: message names the file" "no-such-policy.json" "$ERR"
expect_exit 1 lic --store "$S" policy show
expect_contains "after only invalid policies, no store was even created" "no store at" "$ERR"

# Messages that say why (review 6): a built-in group's name, a byte order mark.
for g in EU EEA; do
  echo '{"name":"x","region_groups":{"'$g'":["DE"]},"versions":[{"id":"a","effective":"2024-01-01T00:00:00Z"}]}' >"$T/bi-$g.json"
  expect_exit 2 lic --store "$S" policy set "$T/bi-$g.json"
  expect_contains "region_groups.$g: refused as a built-in group" "\"$g\" is a built-in group and cannot be redefined" "$ERR"
done
printf '\xef\xbb\xbf{"name":"x","versions":[{"id":"a","effective":"2024-01-01T00:00:00Z"}]}' >"$T/bom.json"
expect_exit 2 lic --store "$S" policy set "$T/bom.json"
expect_contains "a policy file with a byte order mark: said so, with where" "line 1, column 1: a UTF-8 byte order mark (EF BB BF)" "$ERR"

finish
