# snapshot.sh — `licit eval`, `licit snapshot` and `licit snapshots` on the real
# binary (SPEC sections 4, 5 and 6): the expected counts and digests of the
# example story, the Dolma documents and the manifest checked with independent
# tools (zstd, jq, sha256sum, python3), byte-identical rebuilds, immutability,
# and a snapshot build killed with SIGKILL that leaves nothing behind.
# Run: bash tests/cli/snapshot.sh /path/to/licit
# LICIT_TEST_SCALE (default 1; 0.3 when the binary uses AddressSanitizer)
# scales the store of the killed build (20,000 posts of ~2 KB).
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

META=$EX/policies/meta-genai.json
LINKEDIN=$EX/policies/linkedin-genai.json
at() { printf '%sT00:00:00Z' "$1"; }
# Every file under a directory with its SHA-256, sorted: a fingerprint.
tree_sums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }
# Names of the registered snapshots, one per line.
snap_names() { lic --store "$1" --json snapshots | jq -r '.snapshots[].name'; }

S=$(newstore)
lic --store "$S" policy set "$META" >/dev/null
lic --store "$S" ingest "$EX/events.jsonl" >/dev/null

# ---------------------------------------------------------------- eval
# The table of examples/README.md ("Digests (for tests)") and its counts.
while read -r d version considered included excluded digest; do
  expect_exit 0 lic --store "$S" --json eval --at "$(at "$d")"
  expect_eq "eval $d: keys" '["at","log_position","policy","counts","digest"]' "$(jq -c '[keys_unsorted[]][:5]' "$OUT")"
  expect_eq "eval $d: at, log position, policy" "$(at "$d") 53 meta-genai@$version" \
    "$(jq -r '"\(.at) \(.log_position) \(.policy.name)@\(.policy.version)"' "$OUT")"
  expect_eq "eval $d: considered, included" "$considered $included" \
    "$(jq -r '"\(.counts.considered) \(.counts.included)"' "$OUT")"
  expect_eq "eval $d: excluded by reason (all ten reasons present)" "$excluded" \
    "$(jq -r '.counts.excluded | to_entries | map("\(.key)=\(.value)") | join(",")' "$OUT")"
  expect_eq "eval $d: digest" "$digest" "$(jq -r .digest "$OUT")"
done <<'EOF'
2024-06-01 2024-05-eu-uk-notice 23 18 deleted=1,no_policy=0,too_old=0,minor=1,region_excluded=0,not_public=0,signal=0,objected=3,no_consent=0,mentioned=0 5c77943c36136635485665e61b41af3a61014a02d85363bfdf2e83e21deb0c6c
2024-10-01 2024-09-uk-objection 26 9 deleted=1,no_policy=0,too_old=0,minor=1,region_excluded=6,not_public=5,signal=0,objected=4,no_consent=0,mentioned=0 51e8d16c99e0ba4cc4cc9c8b224f2dcd8c94d70b808430ffc7fea06494a482e7
2025-06-01 2025-05-eu-objection 29 12 deleted=4,no_policy=0,too_old=0,minor=2,region_excluded=0,not_public=6,signal=0,objected=5,no_consent=0,mentioned=0 198d119681149466291a33d974b886818f48f40a5d43bb5b6f054de5dc5157a3
EOF

# The same instant written with an offset is the same evaluation.
expect_exit 0 lic --store "$S" --json eval --at 2024-06-01T02:00:00+02:00
expect_eq "eval at +02:00: the same instant, printed in UTC, same digest" \
  "2024-06-01T00:00:00Z 5c77943c36136635485665e61b41af3a61014a02d85363bfdf2e83e21deb0c6c" \
  "$(jq -r '"\(.at) \(.digest)"' "$OUT")"
expect_exit 0 lic --store "$S" eval --at "$(at 2024-10-01)"
expect_contains "eval text: the digest" "51e8d16c99e0ba4cc4cc9c8b224f2dcd8c94d70b808430ffc7fea06494a482e7" "$OUT"
expect_contains "eval text: says nothing is written" "nothing written" "$OUT"

# eval writes nothing: no snapshot, same stats, same database bytes.
stats0=$(lic --store "$S" --json stats)
db0=$(sha256sum <"$S/data.mdb")
policy0=$(lic --store "$S" --json policy show)
for d in 2024-06-01 2025-06-01; do lic --store "$S" --json eval --at "$(at "$d")" >/dev/null; done
expect_eq "eval registers no snapshot" "" "$(snap_names "$S")"
expect_eq "eval: stats unchanged" "$stats0" "$(lic --store "$S" --json stats)"
expect_eq "eval: the database file is unchanged" "$db0" "$(sha256sum <"$S/data.mdb")"

# What-if with another policy file: LinkedIn's rules (examples/README.md).
expect_exit 0 lic --store "$S" --json eval --at "$(at 2025-06-01)" --policy "$LINKEDIN"
expect_eq "eval --policy linkedin 2025-06-01: policy and version" "linkedin-genai 2024-09-uk-suspension" \
  "$(jq -r '"\(.policy.name) \(.policy.version)"' "$OUT")"
expect_eq "eval --policy linkedin 2025-06-01: counts" "9 region_excluded=10 not_public=4 deleted=4 minor=2" \
  "$(jq -r '.counts | "\(.included) region_excluded=\(.excluded.region_excluded) not_public=\(.excluded.not_public) deleted=\(.excluded.deleted) minor=\(.excluded.minor)"' "$OUT")"
expect_eq "eval --policy: the digest differs from the installed policy's" "true" \
  "$(jq -r '.digest != "198d119681149466291a33d974b886818f48f40a5d43bb5b6f054de5dc5157a3"' "$OUT")"
expect_exit 0 lic --store "$S" --json eval --at "$(at 2024-06-01)" --policy "$LINKEDIN"
expect_eq "eval --policy linkedin 2024-06-01: no version in force, no_policy 22, deleted 1" "null 0 22 1" \
  "$(jq -r '"\(.policy.version) \(.counts.included) \(.counts.excluded.no_policy) \(.counts.excluded.deleted)"' "$OUT")"
expect_eq "eval --policy installs nothing (policy show unchanged)" "$policy0" "$(lic --store "$S" --json policy show)"
expect_eq "eval --policy: still no snapshot, same stats" "$stats0" "$(lic --store "$S" --json stats)"
printf '{"name":"x","versions":[{"id":"a","effective":"2020-01-01T00:00:00Z","visibilty":["public"]}]}\n' >"$T/typo.json"
expect_exit 2 lic --store "$S" eval --at "$(at 2025-06-01)" --policy "$T/typo.json"
expect_contains "eval --policy with a typo: the key path is named" "visibilty" "$ERR"
expect_exit 2 lic --store "$S" eval --at 2025-06-01
expect_exit 2 lic --store "$S" eval --at "$(at 2025-06-01)" extra

# ---------------------------------------------------------------- snapshot output
O1=$T/o1
expect_exit 0 lic --store "$S" --json snapshot --at "$(at 2024-06-01)" --out "$O1"
expect_eq "snapshot: default name at-YYYYMMDDTHHMMSSZ" "at-20240601T000000Z" "$(jq -r .snapshot "$OUT")"
expect_eq "snapshot layout: manifest, its signature and one part" \
  "./documents/part-00000.jsonl.zst ./manifest.json ./manifest.json.sig" \
  "$(cd "$O1" && find . -type f | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no temporary directory is left next to the output" "" "$(ls -d "$T"/o1.licit-tmp-* 2>/dev/null)"
expect_eq "every file is read-only (0444), directories 0755" "444 444 444 755 755" \
  "$(stat -c %a "$O1/documents/part-00000.jsonl.zst" "$O1/manifest.json" "$O1/manifest.json.sig" "$O1/documents" "$O1" | tr '\n' ' ' | sed 's/ $//')"
check "part-00000 decompresses with zstd" zstd -q -t "$O1/documents/part-00000.jsonl.zst"
zstd -dc "$O1/documents/part-00000.jsonl.zst" >"$T/docs1.jsonl"
expect_eq "documents: 18 lines" 18 "$(wc -l <"$T/docs1.jsonl")"
expect_eq "documents: each line is one JSON object" 18 "$(jq -c 'select(type == "object")' "$T/docs1.jsonl" | wc -l)"
expect_eq "documents: ordered by id, bytewise ascending, unique" \
  "$(jq -r .id "$T/docs1.jsonl" | LC_ALL=C sort -u)" "$(jq -r .id "$T/docs1.jsonl")"
expect_eq "documents: exactly the included posts of examples/README.md" \
  "p-amelia-01 p-amelia-02 p-ana-01 p-ana-03 p-dana-01 p-dana-02 p-lucia-01 p-lucia-02 p-lucia-03 p-marta-01 p-mike-01 p-mike-02 p-mike-03 p-rosa-01 p-rosa-02 p-sam-01 p-yuki-01 p-yuki-02" \
  "$(jq -r .id "$T/docs1.jsonl" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "documents: keys id,text,source,added,created,metadata in that order" \
  '["id","text","source","added","created","metadata"]' "$(jq -c 'keys_unsorted' "$T/docs1.jsonl" | sort -u)"
expect_eq "documents: metadata keys kind,lang,author,policy,snapshot in that order" \
  '["kind","lang","author","policy","snapshot"]' "$(jq -c '.metadata | keys_unsorted' "$T/docs1.jsonl" | sort -u)"
expect_eq "documents: source, added, policy and snapshot" \
  'meta 2024-06-01T00:00:00Z meta-genai@2024-05-eu-uk-notice at-20240601T000000Z' \
  "$(jq -r '"\(.source) \(.added) \(.metadata.policy) \(.metadata.snapshot)"' "$T/docs1.jsonl" | sort -u)"
expect_eq "documents: created is UTC with Z, a 6-digit fraction only when not zero" 0 \
  "$(jq -r .created "$T/docs1.jsonl" | grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z$')"
expect_eq "documents: offsets and fractions converted to UTC (p-amelia-02, p-lucia-03, p-mike-01)" \
  "p-amelia-02 2023-06-01T18:00:00Z p-lucia-03 2024-05-28T07:12:33.500000Z p-mike-01 2019-01-20T21:30:00Z" \
  "$(jq -r 'select(.id == "p-mike-01" or .id == "p-lucia-03" or .id == "p-amelia-02") | "\(.id) \(.created)"' "$T/docs1.jsonl" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "documents: the text as of T (p-amelia-02 before its edit)" "Tea or coffee? Definitely tea." \
  "$(jq -r 'select(.id == "p-amelia-02") | .text' "$T/docs1.jsonl")"
expect_eq "documents: non-ASCII text kept exactly (p-ana-01)" \
  "$(jq -r 'select(.type == "post" and .post == "p-ana-01") | .text' "$EX/events.jsonl")" \
  "$(jq -r 'select(.id == "p-ana-01") | .text' "$T/docs1.jsonl")"
# SPEC 5: lang is omitted when unknown, and "" says nothing more than absent.
SL=$(newstore)
lic --store "$SL" policy set "$META" >/dev/null
printf '%s\n' '{"type":"account","ts":"2024-01-01T00:00:00Z","user":"u-l","region":"US","birth_date":"1980-01-01"}' \
  '{"type":"post","ts":"2024-01-02T00:00:00Z","post":"p-l-1","user":"u-l","visibility":"public","text":"no language","lang":""}' \
  '{"type":"post","ts":"2024-01-02T00:00:01Z","post":"p-l-2","user":"u-l","visibility":"public","text":"english","lang":"en"}' \
  >"$T/lang.jsonl"
lic --store "$SL" ingest "$T/lang.jsonl" >/dev/null
expect_exit 0 lic --store "$SL" snapshot --at "$(at 2024-06-01)" --out "$T/lang-snap"
expect_eq "documents: lang \"\" is omitted, lang en kept" "p-l-1 - p-l-2 en" \
  "$(zstd -dc "$T"/lang-snap/documents/*.zst | jq -r '"\(.id) \(.metadata.lang // "-")"' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "documents: kind and lang from the post event (p-yuki-01, p-rosa-01)" \
  "$(jq -r 'select(.type == "post" and (.post == "p-rosa-01" or .post == "p-yuki-01")) | "\(.post) \(.kind // "post") \(.lang)"' "$EX/events.jsonl" | LC_ALL=C sort)" \
  "$(jq -r 'select(.id == "p-rosa-01" or .id == "p-yuki-01") | "\(.id) \(.metadata.kind) \(.metadata.lang)"' "$T/docs1.jsonl")"

# Author pseudonyms: 32 hex digits, one per user, different users differ.
python3 - "$EX/events.jsonl" "$T/docs1.jsonl" >"$T/authors.txt" 2>&1 <<'EOF'
import json, re, sys
user = {}
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e["type"] == "post":
        user[e["post"]] = e["user"]
by_user, problems = {}, []
for line in open(sys.argv[2], encoding="utf-8"):
    d = json.loads(line)
    a = d["metadata"]["author"]
    if not re.fullmatch(r"[0-9a-f]{32}", a):
        problems.append("not 32 hex: " + a)
    by_user.setdefault(user[d["id"]], set()).add(a)
for u, s in by_user.items():
    if len(s) != 1:
        problems.append("%s has %d pseudonyms" % (u, len(s)))
allp = [next(iter(s)) for s in by_user.values()]
if len(set(allp)) != len(allp):
    problems.append("two users share a pseudonym")
if len(by_user) < 5:
    problems.append("too few users to tell: %d" % len(by_user))
print("\n".join(problems) if problems else "ok")
EOF
expect_eq "author: 32 hex digits, equal for one user, different across users" "ok" "$(cat "$T/authors.txt")"

# Manifest: keys, documents' hashes, counts and digest equal eval, digest
# recomputed independently from the decompressed documents.
M1=$O1/manifest.json
expect_eq "manifest: keys in order" \
  '["snapshot","at","log_position","policy","counts","digest","merkle_root","documents","licit_version"]' \
  "$(jq -c 'keys_unsorted' "$M1")"
expect_eq "manifest: snapshot, at, log position, policy" \
  "at-20240601T000000Z 2024-06-01T00:00:00Z 53 meta-genai 2024-05-eu-uk-notice" \
  "$(jq -r '"\(.snapshot) \(.at) \(.log_position) \(.policy.name) \(.policy.version)"' "$M1")"
expect_eq "manifest: policy keys" '["name","version"]' "$(jq -c '.policy | keys_unsorted' "$M1")"
expect_eq "manifest: documents entry keys" '["path","count","sha256"]' "$(jq -c '.documents[0] | keys_unsorted' "$M1")"
expect_eq "manifest: one part of 18" "documents/part-00000.jsonl.zst 18" \
  "$(jq -r '.documents[] | "\(.path) \(.count)"' "$M1")"
expect_eq "manifest: part sha256 equals sha256sum of the file" \
  "$(sha256sum <"$O1/documents/part-00000.jsonl.zst" | cut -d' ' -f1)" "$(jq -r '.documents[0].sha256' "$M1")"
lic --store "$S" --json eval --at "$(at 2024-06-01)" >"$T/eval1.json"
expect_eq "manifest: counts and digest equal eval --json" \
  "$(jq -c '[.counts, .digest, .log_position]' "$T/eval1.json")" "$(jq -c '[.counts, .digest, .log_position]' "$M1")"
expect_eq "manifest: licit_version is a non-empty string" "true" "$(jq '.licit_version | type == "string" and length > 0' "$M1")"
digest_of() {
  python3 -c '
import hashlib, json, sys
h = hashlib.sha256()
for line in sys.stdin.buffer:
    d = json.loads(line)
    h.update(d["id"].encode("utf-8") + b"\n" + hashlib.sha256(d["text"].encode("utf-8", "surrogatepass")).hexdigest().encode() + b"\n")
print(h.hexdigest())'
}
expect_eq "manifest digest recomputed from the documents with python3" \
  "$(jq -r .digest "$M1")" "$(digest_of <"$T/docs1.jsonl")"
expect_exit 0 lic --store "$S" --json snapshots
expect_eq "snapshots --json: the snapshot with the same counts, digest and out" \
  "$(jq -c '[.snapshot, .at, .log_position, .policy, .counts, .digest]' "$M1") $O1" \
  "$(jq -c '.snapshots[0] | [.name, .at, .log_position, .policy, .counts, .digest]' "$OUT") $(jq -r '.snapshots[0].out' "$OUT")"
expect_eq "snapshots --json: exactly one" 1 "$(jq '.snapshots | length' "$OUT")"
expect_exit 0 lic --store "$S" snapshots
expect_contains "snapshots text: lists the name" "at-20240601T000000Z" "$OUT"
expect_eq "stats: one snapshot" 1 "$(lic --store "$S" --json stats | jq .snapshots)"

# ---------------------------------------------------------------- reproducibility
# A copy of the store (no process uses it now) keeps the pseudonym key: the
# same snapshot built in both is byte-identical.
S2=$T/store-copy
cp -a "$S" "$S2"
expect_exit 0 lic --store "$S" snapshot --at "$(at 2025-06-01)" --name repro --out "$T/r1"
expect_exit 0 lic --store "$S2" snapshot --at "$(at 2025-06-01)" --name repro --out "$T/r2"
check "rebuild in a copied store: diff -r finds no difference" diff -r "$T/r1" "$T/r2"
expect_eq "rebuild in a copied store: every file byte-identical (sha256 of each)" \
  "$(tree_sums "$T/r1")" "$(tree_sums "$T/r2")"
nbad=0
while IFS= read -r f; do cmp -s "$T/r1/$f" "$T/r2/$f" || nbad=$((nbad + 1)); done < <(cd "$T/r1" && find . -type f)
expect_eq "rebuild in a copied store: cmp of every file" 0 "$nbad"
expect_eq "rebuild: digest is the 2025-06-01 digest of examples/README.md" \
  198d119681149466291a33d974b886818f48f40a5d43bb5b6f054de5dc5157a3 "$(jq -r .digest "$T/r1/manifest.json")"
# Another store with the same events: same corpus, other pseudonyms.
S3=$(newstore)
lic --store "$S3" policy set "$META" >/dev/null
lic --store "$S3" ingest "$EX/events.jsonl" >/dev/null
expect_exit 0 lic --store "$S3" snapshot --at "$(at 2025-06-01)" --name repro --out "$T/r3"
zstd -dc "$T/r1/documents/part-00000.jsonl.zst" >"$T/r1.jsonl"
zstd -dc "$T/r3/documents/part-00000.jsonl.zst" >"$T/r3.jsonl"
expect_eq "another store: same ids and texts" "$(jq -c '[.id, .text, .created]' "$T/r1.jsonl")" "$(jq -c '[.id, .text, .created]' "$T/r3.jsonl")"
expect_eq "another store: same digest" "$(jq -r .digest "$T/r1/manifest.json")" "$(jq -r .digest "$T/r3/manifest.json")"
expect_eq "another store: the author pseudonyms differ (a key per store)" "" \
  "$(comm -12 <(jq -r .metadata.author "$T/r1.jsonl" | sort -u) <(jq -r .metadata.author "$T/r3.jsonl" | sort -u))"

# Parts: --part-docs 3 and 5 (18 documents).
for pd in 3 5; do
  O=$T/parts$pd
  expect_exit 0 lic --store "$S" snapshot --at "$(at 2024-06-01)" --name "parts$pd" --part-docs "$pd" --out "$O"
  nparts=$(((18 + pd - 1) / pd))
  want=$(for ((i = 0; i < nparts; i++)); do printf 'documents/part-%05d.jsonl.zst\n' "$i"; done)
  expect_eq "--part-docs $pd: parts numbered from 00000" "$want" "$(cd "$O" && find documents -type f | LC_ALL=C sort)"
  expect_eq "--part-docs $pd: the manifest lists every part in order" "$want" "$(jq -r '.documents[].path' "$O/manifest.json")"
  bad=0
  while read -r path count sha; do
    [ "$(zstd -dc "$O/$path" | wc -l)" -eq "$count" ] || bad=$((bad + 1))
    [ "$count" -le "$pd" ] && [ "$count" -ge 1 ] || bad=$((bad + 1))
    [ "$(sha256sum <"$O/$path" | cut -d' ' -f1)" = "$sha" ] || bad=$((bad + 1))
  done < <(jq -r '.documents[] | "\(.path) \(.count) \(.sha256)"' "$O/manifest.json")
  expect_eq "--part-docs $pd: each part 1..$pd documents, counts and sha256 match" 0 "$bad"
  expect_eq "--part-docs $pd: the counts add up to included" 18 "$(jq '[.documents[].count] | add' "$O/manifest.json")"
  expect_eq "--part-docs $pd: parts in order hold the same documents (but the snapshot name)" \
    "$(jq -c 'del(.metadata.snapshot)' "$T/docs1.jsonl")" \
    "$(for f in "$O"/documents/part-*.jsonl.zst; do zstd -dc "$f"; done | jq -c 'del(.metadata.snapshot)')"
  expect_eq "--part-docs $pd: same digest" "$(jq -r .digest "$M1")" "$(jq -r .digest "$O/manifest.json")"
done
expect_exit 2 lic --store "$S" snapshot --at "$(at 2024-06-01)" --name pd0 --part-docs 0 --out "$T/pd0"
expect_exit 2 lic --store "$S" snapshot --at "$(at 2024-06-01)" --name pd0 --part-docs x --out "$T/pd0"

# ---------------------------------------------------------------- immutability, uniqueness
names0=$(snap_names "$S")
sums0=$(tree_sums "$O1")
expect_exit 2 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$T/dup" --name at-20240601T000000Z
expect_contains "used name: the message says so" "at-20240601T000000Z" "$ERR"
expect_eq "used name: nothing written" "" "$(ls -d "$T"/dup "$T"/dup.licit-tmp-* 2>/dev/null)"
expect_exit 2 lic --store "$S" snapshot --at 2024-06-01T02:00:00+02:00 --out "$T/dup2"
expect_eq "same T with an offset: the default name is taken, refused" "" "$(ls -d "$T"/dup2 2>/dev/null)"
expect_exit 2 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$O1" --name other
expect_contains "out is a built snapshot: refused, the message names it" "$O1" "$ERR"
expect_eq "refusals changed no registration" "$names0" "$(snap_names "$S")"
expect_eq "refusals changed no file of the existing snapshot" "$sums0" "$(tree_sums "$O1")"

mkdir -p "$T/full/sub"
printf 'keep me\n' >"$T/full/a.txt"
printf 'me too\n' >"$T/full/sub/b.txt"
full0=$(tree_sums "$T/full")
expect_exit 2 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$T/full" --name into-full
expect_eq "--out a non-empty dir: its files untouched" "$full0" "$(tree_sums "$T/full")"
expect_eq "--out a non-empty dir: nothing added" "./a.txt ./sub ./sub/b.txt" \
  "$(cd "$T/full" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--out a non-empty dir: not registered, no temporary left" "false " \
  "$(snap_names "$S" | grep -qx into-full && echo true || echo false) $(ls -d "$T"/full.licit-tmp-* 2>/dev/null)"
: >"$T/afile"
expect_exit 2 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$T/afile" --name into-file
expect_eq "--out a regular file: left empty" 0 "$(stat -c %s "$T/afile")"
mkdir "$T/empty"
expect_exit 0 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$T/empty" --name into-empty
expect_eq "--out an empty existing dir: accepted, the snapshot is there" "12" "$(jq .counts.included "$T/empty/manifest.json")"
expect_exit 2 lic --store "$S" snapshot --at "$(at 2025-06-01)" --name no-out
expect_contains "--out missing: the message names --out" "--out" "$ERR"
for bad in 2024-06-01 yesterday 2024-06-31T00:00:00Z 2024-06-01T00:00:60Z 2024-06-01T00:00:00 ""; do
  expect_exit 2 lic --store "$S" snapshot --at "$bad" --out "$T/badat" --name badat
done
expect_exit 2 lic --store "$S" eval --at yesterday
expect_eq "bad --at: nothing written or registered" "false" \
  "$(ls -d "$T"/badat* >/dev/null 2>&1 && echo true || echo false)$(snap_names "$S" | grep -x badat)"
expect_exit 2 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$T/nm" --name ""
expect_exit 2 lic --store "$S" snapshots extra

# ---------------------------------------------------------------- lang, fractions
# A post without lang (every example post has one), and a T with a fraction.
printf '%s\n' '{"id":"x-1","type":"post","ts":"2024-01-01T00:00:00Z","post":"p-zz-nolang","user":"u-sam","visibility":"public","text":"no language"}' |
  lic --store "$S" ingest >/dev/null
expect_exit 2 lic --store "$S" snapshot --at 2024-06-01T00:00:00.25Z --out "$T/frac"
expect_contains "T with a fraction: the default name (whole seconds) is taken" "at-20240601T000000Z" "$ERR"
expect_exit 0 lic --store "$S" --json snapshot --at 2024-06-01T00:00:00.25Z --out "$T/frac" --name frac
zstd -dc "$T/frac/documents/part-00000.jsonl.zst" >"$T/frac.jsonl"
expect_eq "T with a fraction: added and manifest at carry 6 digits" "2024-06-01T00:00:00.250000Z 2024-06-01T00:00:00.250000Z" \
  "$(jq -r .added "$T/frac.jsonl" | sort -u) $(jq -r .at "$T/frac/manifest.json")"
expect_eq "a post without lang: metadata has no lang key" '["kind","author","policy","snapshot"]' \
  "$(jq -c 'select(.id == "p-zz-nolang") | .metadata | keys_unsorted' "$T/frac.jsonl")"
expect_eq "log position counts the new event" 54 "$(jq .log_position "$T/frac/manifest.json")"

# ---------------------------------------------------------------- no policy in force
S4=$(newstore)
lic --store "$S4" policy set "$LINKEDIN" >/dev/null
lic --store "$S4" ingest "$EX/events.jsonl" >/dev/null
expect_exit 0 lic --store "$S4" --json snapshot --at "$(at 2024-06-01)" --out "$T/nopol"
M=$T/nopol/manifest.json
expect_eq "no version in force: policy name kept, version null" "linkedin-genai null" \
  "$(jq -r '"\(.policy.name) \(.policy.version)"' "$M")"
expect_eq "no version in force: considered 23, included 0, no_policy 22, deleted 1" "23 0 22 1" \
  "$(jq -r '.counts | "\(.considered) \(.included) \(.excluded.no_policy) \(.excluded.deleted)"' "$M")"
expect_eq "no version in force: every other reason 0" 0 \
  "$(jq '[.counts.excluded | del(.no_policy, .deleted)[]] | add' "$M")"
expect_eq "no version in force: 0 documents" "0 0" \
  "$(jq '[.documents[].count] | add // 0' "$M") $(for f in "$T"/nopol/documents/part-*; do [ -e "$f" ] && zstd -dc "$f"; done | wc -l)"
expect_eq "no version in force: the digest of nothing" \
  e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 "$(jq -r .digest "$M")"
expect_eq "no version in force: registered like any other" "at-20240601T000000Z 0" \
  "$(lic --store "$S4" --json snapshots | jq -r '.snapshots[] | "\(.name) \(.counts.included)"')"

# ---------------------------------------------------------------- killed builds (SPEC section 7)
# A snapshot killed at any moment leaves DIR absent or complete; the same
# command run again ends with it complete, registered once, byte-identical
# to an uninterrupted build, and no work files left beside DIR.  Kills at
# every named point of a build (LICIT_TEST_CRASH_AT, snapshot.c), then with
# SIGKILL from outside after increasing delays.
scale=${LICIT_TEST_SCALE:-}
if [ -z "$scale" ]; then
  scale=1
  if ldd "$LICIT" 2>/dev/null | grep -q libasan; then scale=0.3; fi
fi
NP=$(python3 -c "import sys; print(max(2000, int(8000 * float(sys.argv[1]))))" "$scale")
echo "# killed builds: $NP posts of ~300 words (LICIT_TEST_SCALE=$scale)"
python3 - "$NP" >"$T/long.jsonl" <<'PYEOF'
import random, sys
n = int(sys.argv[1])
r = random.Random(20250601)
words = [w + str(i) for i, w in enumerate("lake river stone cloud ember quartz violet maple harbor canyon".split() * 60)]
w = sys.stdout.write
for u in range(n // 50 + 1):
    w('{"id":"a%d","type":"account","ts":"2019-01-01T00:00:00Z","user":"u%d","region":"US"}\n' % (u, u))
for i in range(n):
    w('{"id":"p%d","type":"post","ts":"2020-01-01T00:%02d:%02dZ","post":"q%07d","user":"u%d","visibility":"public","text":"%s"}\n'
      % (i, i // 60 % 60, i % 60, i, i // 50, " ".join(r.choices(words, k=300))))
PYEOF
BASE=$T/base-store
lic --store "$BASE" policy set "$META" >/dev/null
lic --store "$BASE" ingest --no-progress "$T/long.jsonl" >/dev/null
lic --store "$BASE" key >/dev/null # the signing key exists before the copies are made
events0=$(lic --store "$BASE" --json stats | jq .events)
K=$T/killed
kcmd() { printf '%s\n' snapshot --at "$(at 2025-06-01)" --out "$1" --name killed --part-docs 200; }
mapfile -t KCMD < <(kcmd "$K")
mapfile -t REFCMD < <(kcmd "$T/ref")
cp -a "$BASE" "$T/ref-store"
expect_exit 0 lic --store "$T/ref-store" "${REFCMD[@]}"
ref_sums=$(tree_sums "$T/ref")
expect_eq "reference build: every post included" "$NP" "$(jq .counts.included "$T/ref/manifest.json")"
# A rerun over the registered directory: "existed" only while the directory
# still holds the snapshot (it said "nothing to do" over a missing part).
expect_exit 0 lic --store "$T/ref-store" --json "${REFCMD[@]}"
expect_eq "rerun over an intact registered snapshot: existed" existed "$(jq -r .outcome "$OUT")"
cp -a "$T/ref" "$T/ref-keep"
rm -f "$T/ref/manifest.json.sig"
expect_exit 1 lic --store "$T/ref-store" "${REFCMD[@]}"
expect_contains "rerun with the signature removed: exit 1, naming it" "manifest.json.sig is missing" "$ERR"
rm -rf "$T/ref" && cp -a "$T/ref-keep" "$T/ref"
part=$(find "$T/ref/documents" -name 'part-*' | sort | tail -1)
chmod u+w "$part" && printf 'X' | dd of="$part" bs=1 seek=20 conv=notrunc status=none
expect_exit 1 lic --store "$T/ref-store" --json "${REFCMD[@]}"
expect_contains "rerun with a part changed: exit 1, naming the part" "$(basename "$part") is not the bytes registered" "$OUT"
rm -rf "$T/ref" && mv "$T/ref-keep" "$T/ref"
expect_exit 0 lic --store "$T/ref-store" --json "${REFCMD[@]}"
expect_eq "restored: existed again" existed "$(jq -r .outcome "$OUT")"

# After a kill: DIR absent or complete, registered only if complete; then
# the same command again, and what it must end with.
after_kill() {
  local label=$1 st=$2 want_outcome=${3:-}
  local present=absent
  [ -e "$K" ] && present=present
  if [ "$present" = present ]; then
    expect_eq "$label: DIR is complete (the files of the uninterrupted build)" "$ref_sums" "$(tree_sums "$K")"
  fi
  if [ "$(snap_names "$st" | grep -cx killed)" != 0 ]; then
    expect_eq "$label: registered only with DIR complete" "present" "$present"
  fi
  expect_eq "$label: the store opens with every event" "$events0" "$(lic --store "$st" --json stats | jq .events)"
  expect_exit 0 lic --store "$st" --json "${KCMD[@]}"
  if [ -n "$want_outcome" ]; then
    expect_eq "$label: the rerun says what it did" "$want_outcome" "$(jq -r .outcome "$OUT")"
  fi
  expect_eq "$label, then rerun: registered once" "killed" "$(snap_names "$st")"
  expect_eq "$label, then rerun: byte-identical to the uninterrupted build" "$ref_sums" "$(tree_sums "$K")"
  expect_eq "$label, then rerun: no work files beside DIR" "" "$(compgen -G "$K.licit-tmp-*")"
  expect_exit 0 lic --json verify "$K"
}

for point in work-dir part manifest signature synced registered renamed committed; do
  st=$T/st-$point
  rm -rf "$K" "$K".licit-tmp-*
  cp -a "$BASE" "$st"
  LICIT_TEST_CRASH_AT=$point "$LICIT" --store "$st" "${KCMD[@]}" >/dev/null 2>&1
  rc=$?
  expect_eq "killed at $point: the process died of SIGKILL" 137 "$rc"
  case $point in
    work-dir | part | manifest | signature | synced | registered)
      expect_eq "killed at $point: DIR absent, not registered" "absent " \
        "$([ -e "$K" ] && echo present || echo absent) $(snap_names "$st")"
      expect_eq "killed at $point: its work directory is left (for the next build to remove)" 1 \
        "$(compgen -G "$K.licit-tmp-*" | wc -l)"
      after_kill "killed at $point" "$st" built ;;
    renamed)
      expect_eq "killed after the rename: DIR complete but not registered" "present " \
        "$([ -e "$K" ] && echo present || echo absent) $(snap_names "$st")"
      after_kill "killed at $point" "$st" recovered ;;
    committed)
      expect_eq "killed after the commit: registered" "killed" "$(snap_names "$st")"
      after_kill "killed at $point" "$st" existed ;;
  esac
  rm -rf "$st"
done

# SIGKILL from outside, after increasing delays across the whole build.
mapfile -t TCMD < <(kcmd "$T/timing")
cp -a "$BASE" "$T/timing-store"
t0=$(date +%s%N)
lic --store "$T/timing-store" "${TCMD[@]}" >/dev/null
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# an uninterrupted build takes ${ms} ms"
kills=0
for i in 1 2 3 4 5 6 7 8 9 10; do
  delay_ms=$((ms * i / 10))
  st=$T/st-delay-$i
  rm -rf "$K" "$K".licit-tmp-*
  cp -a "$BASE" "$st"
  "$LICIT" --store "$st" "${KCMD[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid" 2>/dev/null
  after_kill "killed after ${delay_ms} ms" "$st"
  rm -rf "$st"
done
echo "# $kills of 10 builds were killed before they finished"
expect_eq "most builds were killed mid-way (else make the store bigger: LICIT_TEST_SCALE)" yes \
  "$([ "$kills" -ge 3 ] && echo yes || echo no)"

# Work directories beside DIR: a live build's (it holds the lock) is kept by
# another build, and so is one just made by a live process (no documents/
# yet: not locked yet); a dead build's is removed, also when its PID now
# belongs to another live process (after a reboot: it used to be kept).
sleep 60 &
HOLDER=$!
mkdir -p "$T/live.licit-tmp-$HOLDER/documents" "$T/live.licit-tmp-999999999/documents" \
  "$T/live.licit-tmp-$$/documents" "$T/live.licit-tmp-1"
: >"$T/live.licit-tmp-999999999/documents/part-00000.jsonl.zst"
: >"$T/live.licit-tmp-$$/documents/part-00000.jsonl.zst"
flock "$T/live.licit-tmp-$HOLDER" sleep 60 &
LOCKER=$!
for i in $(seq 1 50); do flock -n "$T/live.licit-tmp-$HOLDER" true 2>/dev/null || break; sleep 0.05; done
expect_exit 0 lic --store "$S4" snapshot --at "$(at 2024-06-01)" --out "$T/live" --name live
expect_eq "work directories: the locked one and the unlocked one of a live PID kept, the others removed" \
  "$T/live.licit-tmp-1 $T/live.licit-tmp-$HOLDER" "$(compgen -G "$T/live.licit-tmp-*" | sort | tr '\n' ' ' | sed 's/ $//')"
kill "$LOCKER" "$HOLDER" 2>/dev/null
wait "$LOCKER" "$HOLDER" 2>/dev/null
rm -rf "$T"/live.licit-tmp-*

# ---------------------------------------------------------------- a full disk
# A 1 MiB file system mounted by the test (root needed; skipped, saying why,
# otherwise): the error names the path and the reason, and leaves nothing
# registered and no work files.
SMALL=$T/small
mkdir -p "$SMALL"
if mount -t tmpfs -o size=1m tmpfs "$SMALL" 2>"$T/mount.err"; then
  trap 'umount "$SMALL" 2>/dev/null; rm -rf "$T"' EXIT
  st=$T/st-full
  cp -a "$BASE" "$st"
  mapfile -t FCMD < <(kcmd "$SMALL/out")
  expect_exit 1 lic --store "$st" "${FCMD[@]}"
  expect_contains "full disk: the reason" "no space left on device" "$ERR"
  expect_contains "full disk: the path" "$SMALL/out" "$ERR"
  expect_exit 1 lic --store "$st" --json "${FCMD[@]}"
  expect_eq "full disk, --json: the error is no_space, naming the path and the reason" "no_space true" \
    "$(jq -r '"\(.error.code) \(.error.message | test("'"$SMALL"'/out.*no space left on device"))"' "$OUT")"
  expect_eq "full disk: nothing registered" "" "$(snap_names "$st")"
  expect_eq "full disk: no file left on the small file system" "" "$(ls -A "$SMALL")"
  expect_eq "full disk: the store opens with every event" "$events0" "$(lic --store "$st" --json stats | jq .events)"
  umount "$SMALL"
  trap 'rm -rf "$T"' EXIT
else
  echo "# SKIP full-disk test: cannot mount a tmpfs ($(head -c 200 "$T/mount.err"))"
fi

# --out DIR/ is DIR (shell completion adds the slash): new, and an existing
# empty directory; the work directory was made inside it and the build failed.
SL=$(newstore)
lic --store "$SL" policy set "$META" >/dev/null
lic --store "$SL" ingest "$EX/events.jsonl" >/dev/null
mkdir -p "$T/slash" "$T/slash/empty"
expect_exit 0 lic --store "$SL" snapshot --at "$(at 2025-06-01)" --out "$T/slash/new/" --name slash-new
expect_exit 0 lic --store "$SL" snapshot --at "$(at 2025-06-01)" --out "$T/slash/empty//" --name slash-empty
expect_exit 0 lic verify "$T/slash/new"
expect_eq "--out DIR/: both built, nothing else left beside them" "empty new" "$(ls "$T/slash" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--out DIR/: the same documents as without the slash" \
  "$(jq -r .digest "$T/slash/new/manifest.json")" "$(jq -r .digest "$T/slash/empty/manifest.json")"

# A name or directory that looks like a build's work directory (NAME.licit-tmp-PID)
# would be removed as a killed build's leftovers by the next build beside it:
# refused (review 7).
expect_exit 2 lic --store "$S" snapshot --at 2025-01-01T00:00:00Z --name "x.licit-tmp-1" --out "$T/wt1"
expect_contains "a name with .licit-tmp-: refused" 'does not contain ".licit-tmp-"' "$ERR"
expect_exit 2 lic --store "$S" snapshot --at 2025-01-01T00:00:00Z --out "$T/y.licit-tmp-7/"
expect_contains "a directory named like a work directory: refused" 'does not contain ".licit-tmp-"' "$ERR"
check "nothing was made for either" test ! -e "$T/wt1" -a ! -e "$T/y.licit-tmp-7"

# The snapshots table stays aligned with a time that has a fraction and a
# long name (review 6): "log pos" starts at the same column on every line.
SA=$(newstore)
lic --store "$SA" policy set "$EX/policies/meta-genai.json" >/dev/null
lic --store "$SA" ingest "$EX/events.jsonl" >/dev/null
lic --store "$SA" snapshot --at 2025-06-01T02:00:00.5+02:00 --out "$T/al1" >/dev/null
lic --store "$SA" snapshot --at 2025-06-01T00:00:00Z --name a-snapshot-name-longer-than-28-bytes --out "$T/al2" >/dev/null
expect_exit 0 lic --store "$SA" snapshots
expect_eq "snapshots text: the columns line up (fraction, long name)" 1 \
  "$(awk 'NR > 1 { print index($0, " 53 ") }' "$OUT" | sort -u | wc -l | tr -d ' ')"

finish
