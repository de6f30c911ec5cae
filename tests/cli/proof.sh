# proof.sh — verifiable snapshots on the real binary (SPEC sections 5, 6 and 11):
# the Merkle root recomputed by an independent Python formulation of RFC 9162,
# the manifest signature checked by the openssl command line, `licit key`,
# `prove` for every post of generated stores (included or not) checked by
# `licit verify` and by an independent Python checker, every kind of
# tampering failing with its own message and exit 4, `verify` never making a
# store, and `snapshot diff`.
# Run: bash tests/cli/proof.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

META=$EX/policies/meta-genai.json
LINKEDIN=$EX/policies/linkedin-genai.json
at() { printf '%sT00:00:00Z' "$1"; }

# An independent RFC 9162 formulation (section 2.1.1 MTH, 2.1.3.2 checks).
cat >"$T/rfc9162.py" <<'PYEOF'
import glob, hashlib, json, os, subprocess, sys

def sha(b): return hashlib.sha256(b).digest()

def leaf_hash(pid, text_sha_hex):
    return sha(b"\x00" + pid.encode("utf-8", "surrogatepass") + b"\n" + text_sha_hex.encode() + b"\n")

def mth(hs):
    if not hs: return sha(b"")
    if len(hs) == 1: return hs[0]
    k = 1
    while k * 2 < len(hs): k *= 2
    return sha(b"\x01" + mth(hs[:k]) + mth(hs[k:]))

def docs(d):
    m = json.load(open(os.path.join(d, "manifest.json")))
    out = []
    for p in m["documents"]:
        raw = subprocess.run(["zstd", "-dc", os.path.join(d, p["path"])], capture_output=True, check=True).stdout
        for line in raw.splitlines():
            doc = json.loads(line)
            out.append((doc["id"], hashlib.sha256(doc["text"].encode("utf-8", "surrogatepass")).hexdigest()))
    return m, out

def root_from_path(m, n, h, path):
    if m >= n: return None
    fn, sn, r = m, n - 1, h
    for p in path:
        p = bytes.fromhex(p)
        if sn == 0: return None
        if fn & 1 or fn == sn:
            r = sha(b"\x01" + p + r)
            while not fn & 1 and fn != 0:
                fn >>= 1; sn >>= 1
        else:
            r = sha(b"\x01" + r + p)
        fn >>= 1; sn >>= 1
    return r.hex() if sn == 0 else None

def check_proof(m, ids, proof):
    """'ok' or what is wrong, against the manifest and the documents' ids."""
    n, root = m["counts"]["included"], m["merkle_root"]
    if proof["tree_size"] != n or proof["merkle_root"] != root: return "root or size"
    def leaf_ok(pid, o):
        i = o["leaf_index"]
        return 0 <= i < n and ids[i] == pid and root_from_path(i, n, leaf_hash(pid, o["text_sha256"]), o["path"]) == root
    post = proof["post"]
    if proof["included"]:
        return "ok" if leaf_ok(post, proof) else "inclusion"
    L, R = proof["left"], proof["right"]
    if L is None and R is None: return "ok" if n == 0 else "both null"
    if L is not None and not (leaf_ok(L["id"], L) and L["id"].encode() < post.encode()): return "left"
    if R is not None and not (leaf_ok(R["id"], R) and post.encode() < R["id"].encode()): return "right"
    if L is None and R["leaf_index"] != 0: return "right not first"
    if R is None and L["leaf_index"] != n - 1: return "left not last"
    if L is not None and R is not None and R["leaf_index"] != L["leaf_index"] + 1: return "not adjacent"
    if post in ids: return "a non-inclusion proof of an included post"
    return "ok"

if __name__ == "__main__":
    if sys.argv[1] == "root":
        m, ds = docs(sys.argv[2])
        print(mth([leaf_hash(i, s) for i, s in ds]).hex())
    elif sys.argv[1] == "proofs":  # DIR then proof files: one verdict per line
        m, ds = docs(sys.argv[2])
        ids = [i for i, _ in ds]
        for f in sys.argv[3:]:
            print(check_proof(m, ids, json.load(open(f))))
PYEOF

# ---------------------------------------------------------------- key and signature
S=$(newstore)
lic --store "$S" policy set "$META" >/dev/null
lic --store "$S" ingest "$EX/events.jsonl" >/dev/null
expect_exit 0 lic --store "$S" key
KEY=$(out)
expect_eq "key: 64 hex digits" 1 "$(grep -cE '^[0-9a-f]{64}$' "$OUT")"
expect_exit 0 lic --store "$S" --json key
expect_eq "key --json: {\"key\"}, the same key" "{\"key\":\"$KEY\"}" "$(jq -c . "$OUT")"
expect_eq "key: the same every time" "$KEY" "$(lic --store "$S" key)"
S_OTHER=$(newstore)
lic --store "$S_OTHER" policy set "$META" >/dev/null
expect_eq "key: another store has another key" "false" "$([ "$(lic --store "$S_OTHER" key)" = "$KEY" ] && echo true || echo false)"
expect_exit 1 lic --store "$T/no-such-store" key

D1=$T/d1
expect_exit 0 lic --store "$S" snapshot --at "$(at 2024-06-01)" --out "$D1" --name s1
expect_exit 0 lic --store "$S" snapshot --at "$(at 2025-06-01)" --out "$T/d2" --name s2 --part-docs 5
expect_eq "manifest: merkle_root right after digest" '["digest","merkle_root","documents"]' \
  "$(jq -c '[keys_unsorted[]] | .[5:8]' "$D1/manifest.json")"
for d in "$D1" "$T/d2"; do
  expect_eq "merkle_root of $(basename "$d") recomputed in Python from the documents (RFC 9162)" \
    "$(jq -r .merkle_root "$d/manifest.json")" "$(python3 "$T/rfc9162.py" root "$d")"
done
expect_eq "snapshots --json: merkle_root as in the manifests" \
  "$(jq -r .merkle_root "$D1/manifest.json") $(jq -r .merkle_root "$T/d2/manifest.json")" \
  "$(lic --store "$S" --json snapshots | jq -r '[.snapshots[].merkle_root] | join(" ")')"
expect_eq "signature file: alg, key, sig" "ed25519 $KEY 128" \
  "$(jq -r '"\(.alg) \(.key) \(.sig | length)"' "$D1/manifest.json.sig")"

# The signature checked by the openssl command line: standard Ed25519.
pem_of() {
  { echo "-----BEGIN PUBLIC KEY-----"
    printf '302a300506032b6570032100%s' "$1" | xxd -r -p | base64
    echo "-----END PUBLIC KEY-----"; } >"$2"
}
pem_of "$KEY" "$T/pub.pem"
jq -r .sig "$D1/manifest.json.sig" | xxd -r -p >"$T/sig.bin"
expect_exit 0 openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -rawin -in "$D1/manifest.json" -sigfile "$T/sig.bin"
expect_contains "openssl: Signature Verified Successfully" "Verified Successfully" "$OUT"
sed 's/"licit_version"/"licit_versioN"/' "$D1/manifest.json" >"$T/altered.json"
expect_exit 1 openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -rawin -in "$T/altered.json" -sigfile "$T/sig.bin"
pem_of "$(lic --store "$S_OTHER" key)" "$T/other.pem"
expect_exit 1 openssl pkeyutl -verify -pubin -inkey "$T/other.pem" -rawin -in "$D1/manifest.json" -sigfile "$T/sig.bin"

# ---------------------------------------------------------------- verify
expect_exit 0 lic verify "$D1"
expect_contains "verify text: says integrity, not origin, without --key" "integrity, not origin" "$OUT"
expect_exit 0 lic --json verify "$D1" --key "$KEY"
expect_eq "verify --json: every check, in SPEC order" \
  '{"valid":true,"checked":["manifest","sha256","documents","digest","merkle_root","signature"],"failure":null}' \
  "$(jq -c '{valid, checked, failure}' "$OUT")"
expect_exit 0 lic --json verify "$T/d2" --key "$KEY"
expect_eq "verify of 3 parts: 12 documents" "true 12" "$(jq -r '"\(.valid) \(.documents)"' "$OUT")"

# verify needs no store and never makes one.
mkdir "$T/nostore" && cd "$T/nostore" || exit 1
LICIT_STORE=$T/nostore/env-store expect_exit 0 lic verify "$D1"
expect_exit 0 lic --store "$T/nostore/flag-store" verify "$D1"
expect_eq "verify made no store (not ./licit-data, \$LICIT_STORE or --store)" "" "$(ls -A "$T/nostore")"
cd "$T" || exit 1
expect_exit 1 lic verify "$T/does-not-exist"
expect_exit 2 lic verify
expect_exit 2 lic verify "$D1" --key abc
expect_exit 1 lic verify "$D1" --proof "$T/no-such-proof.json"

# ---------------------------------------------------------------- tampering
# Each copy is altered in one way (with the manifest adjusted so that the
# earlier checks pass where that is possible); each fails at its own check,
# with its own message, and exit 4.
: >"$T/messages"
tamper() { # NAME CHECK DIR [verify options...]
  local name=$1 check=$2 dir=$3
  shift 3
  expect_exit 4 lic --json verify "$dir" "$@"
  expect_eq "tampered ($name): fails at $check" "false $check" "$(jq -r '"\(.valid) \(.failure.check)"' "$OUT")"
  jq -r .failure.message "$OUT" >>"$T/messages"
  expect_exit 4 lic verify "$dir" "$@"
  expect_contains "tampered ($name): the text output names the failed check" "FAIL  $check" "$OUT"
}
copy() { rm -rf "$T/tp" && cp -r "$1" "$T/tp" && chmod -R u+w "$T/tp"; }
set_sha() { # PART-INDEX: the manifest's sha256 of that part set to the file's
  local p f
  p=$(jq -r ".documents[$1].path" "$T/tp/manifest.json")
  f=$(sha256sum <"$T/tp/$p" | cut -d' ' -f1)
  jq --indent 2 ".documents[$1].sha256 = \"$f\"" "$T/tp/manifest.json" >"$T/m.tmp" && mv "$T/m.tmp" "$T/tp/manifest.json"
}
edit_part() { # PART-INDEX JQ-FILTER (applied to the part's documents, as a stream)
  local p
  p=$(jq -r ".documents[$1].path" "$T/tp/manifest.json")
  zstd -dc "$T/tp/$p" | jq -c "$2" | zstd -q -c >"$T/part.tmp" && mv "$T/part.tmp" "$T/tp/$p"
}
edit_manifest() { jq --indent 2 "$1" "$T/tp/manifest.json" >"$T/m.tmp" && mv "$T/m.tmp" "$T/tp/manifest.json"; }

copy "$D1"; edit_part 0 'if .id == "p-lucia-03" then .text = "changed" else . end'
tamper "a document's text changed" sha256 "$T/tp"
set_sha 0
tamper "a document's text changed, the part's sha256 updated" digest "$T/tp"
copy "$D1"; edit_part 0 'select(.id != "p-lucia-03")'; set_sha 0
tamper "a line removed, the part's sha256 updated" documents "$T/tp"
copy "$D1"; edit_part 0 'select(.id != "p-lucia-03")'; set_sha 0
edit_manifest '.documents[0].count -= 1 | .counts.included -= 1'
tamper "a line removed, sha256 and counts updated" digest "$T/tp"
copy "$T/d2"; mv "$T/tp/documents/part-00000.jsonl.zst" "$T/tp/x"; mv "$T/tp/documents/part-00001.jsonl.zst" "$T/tp/documents/part-00000.jsonl.zst"; mv "$T/tp/x" "$T/tp/documents/part-00001.jsonl.zst"
tamper "two parts swapped" sha256 "$T/tp"
set_sha 0; set_sha 1
edit_manifest '.documents[0].count as $a | .documents[1].count as $b | .documents[0].count = $b | .documents[1].count = $a'
tamper "two parts swapped, the manifest's sha256 and counts updated" documents "$T/tp"
# Part names as licit writes them, numbered from 00000 in order (SPEC 5):
# a renamed part (its manifest path updated) fails at the manifest, before
# anything is read; so do a repeated and an out-of-order one.
copy "$T/d2"; mv "$T/tp/documents/part-00001.jsonl.zst" "$T/tp/documents/part--0001.jsonl.zst"
edit_manifest '.documents[1].path = "documents/part--0001.jsonl.zst"'
tamper "a part renamed part--0001, the manifest updated" manifest "$T/tp"
copy "$T/d2"; mv "$T/tp/documents/part-00002.jsonl.zst" "$T/tp/documents/part-00007.jsonl.zst"
edit_manifest '.documents[2].path = "documents/part-00007.jsonl.zst"'
tamper "the last part renamed part-00007, the manifest updated" manifest "$T/tp"
copy "$T/d2"; edit_manifest '.documents[1].path = .documents[0].path'
tamper "a part listed twice" manifest "$T/tp"
copy "$T/d2"; edit_manifest '.documents |= [.[1], .[0], .[2]]'
tamper "parts listed out of order" manifest "$T/tp"
copy "$D1"; edit_manifest '.counts.included += 1'
tamper "counts.included changed" documents "$T/tp"
copy "$D1"; edit_manifest '.documents[0].count -= 1'
tamper "a part's count changed" documents "$T/tp"
copy "$D1"; edit_manifest '.digest = "'"$(printf '0%.0s' {1..64})"'"'
tamper "digest changed" digest "$T/tp"
copy "$D1"; edit_manifest '.merkle_root = "'"$(printf 'a%.0s' {1..64})"'"'
tamper "merkle_root changed" merkle_root "$T/tp"
copy "$D1"; edit_manifest '.log_position += 1'
tamper "the manifest changed after signing (log_position)" signature "$T/tp"
copy "$D1"; rm "$T/tp/manifest.json.sig"
tamper "signature file removed" signature "$T/tp"
copy "$D1"
tamper "a wrong --key" signature "$T/tp" --key "$(lic --store "$S_OTHER" key)"
copy "$D1"; jq -c '.sig = (.sig[0:10] + (if .sig[10:11] == "0" then "1" else "0" end) + .sig[11:])' "$D1/manifest.json.sig" >"$T/tp/manifest.json.sig"
tamper "one hex digit of the signature changed" signature "$T/tp"
copy "$D1"; printf 'junk\n' >"$T/tp/documents/part-00001.jsonl.zst"
tamper "a part file the manifest does not list" documents "$T/tp"
copy "$D1"; printf 'junk\n' >"$T/tp/documents/.part-00001.jsonl.zst"
tamper "a hidden part file the manifest does not list" documents "$T/tp"

# Proofs with each field altered.
lic --store "$S" prove p-lucia-03 --snapshot s1 >"$T/inc.json"
lic --store "$S" prove p-lucia-025 --snapshot s1 >"$T/non.json"
expect_exit 0 lic verify "$D1" --proof "$T/inc.json" --key "$KEY"
expect_exit 0 lic verify "$D1" --proof "$T/non.json" --key "$KEY"
expect_eq "inclusion proof: keys in SPEC order" \
  '["snapshot","merkle_root","tree_size","post","included","leaf_index","text_sha256","path"]' "$(jq -c keys_unsorted "$T/inc.json")"
expect_eq "non-inclusion proof: keys in SPEC order" \
  '["snapshot","merkle_root","tree_size","post","included","left","right"] ["leaf_index","id","text_sha256","path"]' \
  "$(jq -c keys_unsorted "$T/non.json") $(jq -c '.left | keys_unsorted' "$T/non.json")"
expect_eq "non-inclusion proof: the neighbours of p-lucia-025" "p-lucia-02 p-lucia-03 1" \
  "$(jq -r '"\(.left.id) \(.right.id) \(.right.leaf_index - .left.leaf_index)"' "$T/non.json")"
# What a proof that holds is about, for scripts.  Any string has a proof
# (SPEC 11): "p-lucia-02" and a NUL is not in the snapshot, and verify says
# so with the string as JSON ("p-lucia-02\u0000"), never as the post
# p-lucia-02 (which is in it); ids from a proof are printed as JSON
# strings, so no control character reaches the output.
expect_exit 0 lic --json verify "$D1" --proof "$T/inc.json" --key "$KEY"
expect_eq "verify --json names the proven post, inclusion and leaf" \
  "p-lucia-03 true $(jq -r .leaf_index "$T/inc.json")" "$(jq -r '"\(.proof.post) \(.proof.included) \(.proof.leaf_index)"' "$OUT")"
expect_exit 0 lic --json verify "$D1" --proof "$T/non.json" --key "$KEY"
expect_eq "verify --json: a non-inclusion proof" "p-lucia-025 false null" \
  "$(jq -r '"\(.proof.post) \(.proof.included) \(.proof.leaf_index)"' "$OUT")"
expect_exit 0 lic verify "$D1" --proof "$T/non.json" --key "$KEY"
expect_contains "the proven id printed as a JSON string" 'post "p-lucia-025" is not in the snapshot' "$OUT"
jq -c '.post = "p-lucia-02\u0000"' "$T/non.json" >"$T/nul.json"
expect_exit 0 lic verify "$D1" --proof "$T/nul.json" --key "$KEY"
expect_contains "a string with a NUL: printed as JSON" 'post "p-lucia-02\u0000" is not in the snapshot' "$OUT"
jq -c '.post = "p-lucia-02\u001b[2K\r"' "$T/non.json" >"$T/esc.json"
expect_exit 0 lic verify "$D1" --proof "$T/esc.json" --key "$KEY"
check "no raw ESC or CR from a proof reaches the output" sh -c "! LC_ALL=C grep -q \"\$(printf '[\\033\\r]')\" '$OUT'"
jq -c '.right.id = "p-lucia-03\u001b[2K"' "$T/non.json" >"$T/esc2.json"
expect_exit 4 lic verify "$D1" --proof "$T/esc2.json" --key "$KEY"
check "a neighbour's id with ESC is printed escaped" sh -c "! LC_ALL=C grep -q \"\$(printf '\\033')\" '$OUT'"
# Any string has a proof (SPEC 11), a post id or not: "", a tab, 600
# bytes (verify held a proof's post in 256 bytes and crashed on a longer
# one); each verifies as not included.  Only bytes that are not UTF-8 are
# refused (exit 2): the JSON would hold another string (U+FFFD for them).
i=0
for odd in "" "$(printf 'p\tq')" "$(printf 'x%.0s' {1..600})"; do
  i=$((i + 1))
  expect_exit 0 lic --store "$S" prove --snapshot s1 -- "$odd"
  cp "$OUT" "$T/odd-$i.json"
  expect_exit 0 lic --json verify "$D1" --proof "$T/odd-$i.json" --key "$KEY"
  expect_eq "a proof of a string that is no post id (${#odd} bytes): not included" "false ${#odd}" \
    "$(jq -r '"\(.proof.included) \(.proof.post | utf8bytelength)"' "$OUT")"
done
expect_exit 2 lic --store "$S" prove --snapshot s1 -- "$(printf 'p-\303')"
expect_contains "prove names why" "not a string: byte 3 is not UTF-8" "$ERR"
flip='def flip: .[0:5] + (if .[5:6] == "0" then "1" else "0" end) + .[6:];'
n=0
while IFS='|' read -r file filter; do
  n=$((n + 1))
  jq -c "$flip $filter" "$T/$file" >"$T/bad-$n.json"
  tamper "proof $file: $filter" proof "$D1" --proof "$T/bad-$n.json"
done <<'EOF'
inc.json|.snapshot = "s2"
inc.json|.merkle_root |= flip
inc.json|.tree_size += 1
inc.json|.post = "p-lucia-02"
inc.json|.included = false
inc.json|.leaf_index += 1
inc.json|.leaf_index = 18
inc.json|.text_sha256 |= flip
inc.json|.path[0] |= flip
inc.json|.path[2] |= flip
inc.json|.path |= .[1:]
inc.json|.path += [.path[0]]
non.json|.post = "p-lucia-01x"
non.json|.left.id = "p-lucia-01"
non.json|.left.leaf_index -= 1
non.json|.left.text_sha256 |= flip
non.json|.left.path[1] |= flip
non.json|.right.id = "p-lucia-04"
non.json|.right.path[0] |= flip
non.json|.right = null
non.json|.left = null
non.json|.left = null | .right = null
non.json|.included = true
non.json|.right = .left
EOF
sort "$T/messages" | uniq -d >"$T/dups"
expect_eq "every tampering fails with its own message" "" "$(cat "$T/dups")"
printf 'not json' >"$T/garbage.json"
tamper "proof file not JSON" proof "$D1" --proof "$T/garbage.json"

# ---------------------------------------------------------------- proofs of every post
# Generated stores (the conformance generator's edge cases), a snapshot at
# several times each; every post of the store and a few strings that are not
# posts get a proof, which `licit verify` and the Python checker accept.
nproofs=0
bad=0
# The bulk store: 260 posts, most of them public, created over 2020-2023,
# with ids in several scripts, so that trees of over 100 leaves use the
# store's subtree hashes (levels 5 and up).
mkdir -p "$T/gen-bulk"
cp "$META" "$T/gen-bulk/policy.json"
python3 - >"$T/gen-bulk/events.jsonl" <<'PYEOF'
import json, random
r = random.Random(7)
for u in range(20):
    print(json.dumps({"type": "account", "ts": "2019-01-01T00:00:00Z", "user": "u%d" % u, "region": r.choice(["US", "DE", "BR"])}))
for i in range(260):
    pid = r.choice(["q", "Q", "é", "📷", "post/", "z"]) + str(r.randrange(10**6))
    print(json.dumps({"type": "post", "ts": "20%02d-%02d-01T00:00:00Z" % (20 + i % 4, 1 + i % 12), "post": pid,
                      "user": "u%d" % (i % 20), "text": "text %d %s" % (i, "é" * (i % 3)),
                      "visibility": r.choice(["public"] * 5 + ["private"])}))
PYEOF
for seed in 11 12 bulk; do
  G=$T/gen-$seed
  mkdir -p "$G"
  [ "$seed" = bulk ] || python3 "$ROOT/tests/conformance/gen.py" --seed "$seed" --events 600 --policy-out "$G/policy.json" >"$G/events.jsonl"
  GS=$G/store
  lic --store "$GS" policy set "$G/policy.json" >/dev/null
  lic --store "$GS" ingest "$G/events.jsonl" >/dev/null
  jq -r 'select(.type == "post") | .post' "$G/events.jsonl" 2>/dev/null | LC_ALL=C sort -u >"$G/posts"
  # proof files are named by line number; ids may hold any character
  printf '%s\n' " " "0" "zzzzzz" "p" "~~~" >>"$G/posts"
  k=0
  times="2015-01-01 2030-01-01"
  [ "$seed" = bulk ] && times="2022-01-01 2030-01-01"
  for when in $times; do
    k=$((k + 1))
    out=$G/snap-$k
    expect_exit 0 lic --store "$GS" snapshot --at "$(at "$when")" --out "$out" --name "g$k" --part-docs 40
    expect_eq "generated $seed/$when: merkle_root recomputed in Python" \
      "$(jq -r .merkle_root "$out/manifest.json")" "$(python3 "$T/rfc9162.py" root "$out")"
    files=()
    i=0
    gkey=$(lic --store "$GS" key)
    while IFS= read -r post; do
      i=$((i + 1))
      if ! lic --store "$GS" prove --snapshot "g$k" -- "$post" >"$G/p-$k-$i.json" 2>"$G/p.err"; then
        bad=$((bad + 1))
        echo "# prove failed: seed $seed g$k post '$post': $(cat "$G/p.err")"
        continue
      fi
      files+=("$G/p-$k-$i.json")
      if ! lic verify "$out" --proof "$G/p-$k-$i.json" --key "$gkey" >"$G/v.out" 2>&1; then
        bad=$((bad + 1))
        echo "# verify refused the proof of '$post' in g$k (seed $seed): $(tail -1 "$G/v.out")"
      fi
      nproofs=$((nproofs + 1))
    done <"$G/posts"
    verdicts=$(python3 "$T/rfc9162.py" proofs "$out" "${files[@]}" | sort | uniq -c | sed 's/^ *//')
    expect_eq "generated $seed/$when ($(jq .counts.included "$out/manifest.json") documents): the Python checker accepts all ${#files[@]} proofs" \
      "${#files[@]} ok" "$verdicts"
  done
done
echo "# $nproofs proofs checked"
expect_eq "every proof of every post (included or not) in generated stores verifies" 0 "$bad"

# An empty snapshot: both neighbours null.
S4=$(newstore)
lic --store "$S4" policy set "$LINKEDIN" >/dev/null
lic --store "$S4" ingest "$EX/events.jsonl" >/dev/null
lic --store "$S4" snapshot --at "$(at 2024-06-01)" --out "$T/empty" --name empty >/dev/null
expect_exit 0 lic --store "$S4" prove p-lucia-03 --snapshot empty
cp "$OUT" "$T/empty-proof.json"
expect_eq "empty snapshot: tree_size 0, both neighbours null" "0 false null null" \
  "$(jq -r '"\(.tree_size) \(.included) \(.left) \(.right)"' "$T/empty-proof.json")"
expect_exit 0 lic verify "$T/empty" --proof "$T/empty-proof.json"
expect_exit 2 lic --store "$S4" prove p-lucia-03 --snapshot no-such
expect_exit 2 lic --store "$S4" prove p-lucia-03
expect_exit 2 lic --store "$S4" prove --snapshot empty

# ---------------------------------------------------------------- snapshot diff
expect_exit 0 lic --store "$S" --json snapshot diff s1 s2
cp "$OUT" "$T/diff.jsonl"
expect_eq "diff --json: JSON Lines in post id order" "$(jq -r .post "$T/diff.jsonl" | LC_ALL=C sort)" "$(jq -r .post "$T/diff.jsonl")"
zstd -dc "$D1"/documents/*.zst | jq -r .id | LC_ALL=C sort >"$T/ids1"
for f in "$T"/d2/documents/*.zst; do zstd -dc "$f"; done | jq -r .id | LC_ALL=C sort >"$T/ids2"
expect_eq "diff: entered = in s2, not in s1 (from the documents)" "$(comm -13 "$T/ids1" "$T/ids2")" \
  "$(jq -r 'select(.change == "entered") | .post' "$T/diff.jsonl")"
expect_eq "diff: left = in s1, not in s2" "$(comm -23 "$T/ids1" "$T/ids2")" \
  "$(jq -r 'select(.change == "left") | .post' "$T/diff.jsonl")"
lic --store "$S" --json eval --list --at "$(at 2025-06-01)" 2>/dev/null >"$T/list.jsonl" || true
if [ -s "$T/list.jsonl" ]; then
  expect_eq "diff: each leaver's reason is its reason in s2's evaluation" \
    "$(jq -r 'select(.change == "left") | "\(.post) \(.reason)"' "$T/diff.jsonl")" \
    "$(comm -23 "$T/ids1" "$T/ids2" | while read -r p; do jq -r --arg p "$p" 'select(.post == $p) | "\(.post) \(.reason)"' "$T/list.jsonl"; done)"
fi
expect_eq "diff: reasons of the leavers (examples/README.md)" \
  "p-amelia-01 objected,p-amelia-02 objected,p-dana-01 deleted,p-dana-02 deleted,p-mike-01 deleted,p-mike-02 not_public,p-mike-03 not_public,p-yuki-01 not_public,p-yuki-02 not_public" \
  "$(jq -r 'select(.change == "left") | "\(.post) \(.reason)"' "$T/diff.jsonl" | paste -sd,)"
expect_eq "diff: entered carry reason null" "null" "$(jq -r 'select(.change == "entered") | .reason' "$T/diff.jsonl" | sort -u)"
expect_exit 0 lic --store "$S" --json snapshot diff s2 s1
expect_eq "diff the other way: posts created after s1's T are not_considered there" "p-kai-03 p-marta-02 p-mike-04" \
  "$(jq -r 'select(.reason == "not_considered") | .post' "$OUT" | paste -sd' ')"
# B's policy as installed when B was built, not the one installed now.
lic --store "$S" policy set "$LINKEDIN" >/dev/null
expect_exit 0 lic --store "$S" --json snapshot diff s1 s2
expect_eq "diff after another policy was installed: the same answer" "$(cat "$T/diff.jsonl")" "$(cat "$OUT")"
expect_exit 0 lic --store "$S" snapshot diff s1 s2
expect_contains "diff text: one line per change" "left     p-mike-02  not_public" "$OUT"
expect_contains "diff text: a summary" "3 entered, 9 left between s1 and s2" "$OUT"
expect_exit 0 lic --store "$S" snapshot diff s1 s1
expect_contains "diff of a snapshot with itself: nothing" "0 entered, 0 left" "$OUT"
expect_exit 2 lic --store "$S" snapshot diff s1 nope
expect_exit 2 lic --store "$S" snapshot diff s1

finish
