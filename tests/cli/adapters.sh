# adapters.sh — `licit ingest --format jetstream|activitypub` on the real
# binary: every mapping rule and every skip of SPEC section 8, replays,
# malformed source events, --region, and whole-file ActivityPub inputs (a
# Mastodon archive .zip and a bare outbox.json).  The inputs are the files
# in tests/data/jetstream and tests/data/activitypub (written for these
# tests, field for field as the formats define them); the state they leave
# is checked through `eval --json` (counts by reason, and the digest, which
# pins the exact text of every included post) and `stats --json`.
# Run: bash tests/cli/adapters.sh /path/to/licit
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

DATA=${LICIT_TEST_DATA:-$ROOT/tests/data}
JS=$DATA/jetstream
AP=$DATA/activitypub
POLICY=$EX/policies/meta-genai.json
AT=2025-01-01T00:00:00Z # meta-genai version 2024-09-uk-objection: EEA excluded, GB opt_out

# "accepted duplicates rejected skipped" from `ingest --json` output in $OUT.
adrs() { jq -r '"\(.accepted) \(.duplicates) \(.rejected) \(.skipped)"' "$OUT" 2>/dev/null; }
# A fresh store with the policy installed.
store() {
  local s
  s=$(newstore)
  lic --store "$s" policy set "$POLICY" >/dev/null || echo "cannot install $POLICY" >&2
  echo "$s"
}
# "considered included" then every non-zero reason as reason=n, from eval.
evc() {
  lic --store "$1" eval --at "${2:-$AT}" --json ${3:+--policy "$3"} |
    jq -r '.counts | "\(.considered) \(.included)" + ([.excluded | to_entries[] | select(.value > 0) | " \(.key)=\(.value)"] | add // "")'
}
evdigest() { lic --store "$1" eval --at "${2:-$AT}" --json | jq -r .digest; }
stat_of() { lic --store "$1" --json stats | jq -r ".$2"; }
sha() { printf '%s' "$1" | sha256sum | cut -c1-64; }
# The digest SPEC section 5 defines, over ID TEXT pairs (sorted here by id).
digest_of() {
  local -A txt=()
  while [ $# -ge 2 ]; do
    txt[$1]=$2
    shift 2
  done
  local id
  for id in $(printf '%s\n' "${!txt[@]}" | LC_ALL=C sort); do
    printf '%s\n%s\n' "$id" "$(sha "${txt[$id]}")"
  done | sha256sum | cut -c1-64
}
js_did() { printf 'did:plc:%.24s' "${1}testuseraaaaaaaaaaaaaaaaaaaaaaaa"; }
js_post() { printf 'at://%s/app.bsky.feed.post/%s' "$(js_did "$1")" "$2"; }

# ================================================================ jetstream

# posts.jsonl: create -> post, update -> edit, delete -> delete; edits and
# deletes of unseen posts, likes, follows, reposts, a profile and identity
# are skipped; two replays are duplicates; an out-of-order create is
# accepted; an update stamped before its post's creation is rejected.
S=$(store)
expect_exit 3 lic --store "$S" ingest --format jetstream --json --rejects "$T/rej.jsonl" "$JS/posts.jsonl"
expect_eq "jetstream posts: accepted duplicates rejected skipped" "6 2 1 7" "$(adrs)"
expect_eq "jetstream posts: the rejected line" "15" "$(jq -r .line "$T/rej.jsonl")"
expect_contains "jetstream posts: line 15 is an edit before the creation" "before the post's creation" "$T/rej.jsonl"
expect_eq "jetstream rejects: exactly source, line, error, raw" "true" \
  "$(jq -s 'all(keys == ["error","line","raw","source"])' "$T/rej.jsonl")"
expect_eq "jetstream rejects: raw is the line" "$(sed -n 15p "$JS/posts.jsonl")" "$(jq -r .raw "$T/rej.jsonl")"
expect_eq "jetstream posts: log, posts, users" "6 4 3" \
  "$(stat_of "$S" events) $(stat_of "$S" posts) $(stat_of "$S" users)"
expect_eq "jetstream posts: eval (one deleted)" "4 3 deleted=1" "$(evc "$S")"
expect_eq "jetstream posts: text of the included posts (edit applied, reply/embed/facets ignored)" \
  "$(digest_of "$(js_post alice 3l3aaaaaaaa2a)" "Morning walk by the river (edited)." \
    "$(js_post bob 3l3bbbbbbbb2a)" "こんにちは @alice.bsky.test https://example.com/ja" \
    "$(js_post carol 3l3cccccccc2a)" "Out of order: older than the lines above.")" "$(evdigest "$S")"
expect_eq "jetstream: before the edit, the created text" \
  "$(digest_of "$(js_post alice 3l3aaaaaaaa2a)" "Morning walk by the river." \
    "$(js_post alice 3l3aaaaaaab2a)" "Second post, soon deleted." \
    "$(js_post carol 3l3cccccccc2a)" "Out of order: older than the lines above.")" \
  "$(evdigest "$S" 2024-09-01T00:00:30Z)"
expect_eq "jetstream: ts is time_us (nothing considered a microsecond before the first)" "0 0" \
  "$(evc "$S" 2024-08-31T23:49:59.999999Z)"
expect_eq "jetstream: the out-of-order post counts from its own time_us" "1 1" "$(evc "$S" 2024-08-31T23:50:00Z)"
expect_exit 3 lic --store "$S" ingest --format jetstream --json "$JS/posts.jsonl"
expect_eq "jetstream posts replayed: every accepted event is a duplicate" "0 8 1 7" "$(adrs)"
expect_eq "jetstream posts replayed: the log did not grow" 6 "$(stat_of "$S" events)"
expect_exit 3 lic --store "$S" ingest --format jetstream "$JS/posts.jsonl"
expect_eq "jetstream text output has skipped" "accepted 0, duplicates 8, rejected 1, skipped 7" "$(out)"

# --region with native events (which give regions themselves) is a usage
# error, not a silent success (review 6); nothing is created.
expect_exit 2 lic --store "$T/native-region" ingest --region DE "$EX/events.jsonl"
expect_contains "native input with --region: refused, saying what it is for" "applies to --format jetstream and activitypub" "$ERR"
check "native input with --region: no store created" test ! -e "$T/native-region"
# --region: one account event per account first seen, before its first event.
S=$(store)
expect_exit 3 lic --store "$S" ingest --format jetstream --region DE --json "$JS/posts.jsonl"
expect_eq "jetstream --region DE: three account events more" "9 2 1 7" "$(adrs)"
expect_eq "jetstream --region DE: every post region_excluded (EEA) or deleted" "4 0 deleted=1 region_excluded=3" "$(evc "$S")"
expect_eq "jetstream --region: carol's region starts at carol's first ts, not alice's" "1 0 region_excluded=1" \
  "$(evc "$S" 2024-08-31T23:55:00Z)"
expect_exit 3 lic --store "$S" ingest --format jetstream --region DE --json "$JS/posts.jsonl"
expect_eq "jetstream --region replayed: no new account events" "0 8 1 7" "$(adrs)"
# An account the store knew before this input gets no region.
S=$(store)
expect_exit 3 lic --store "$S" ingest --format jetstream --json "$JS/posts.jsonl"
printf '%s\n' "{\"did\":\"$(js_did alice)\",\"time_us\":1725200000000000,\"kind\":\"commit\",\"commit\":{\"rev\":\"3l3aaaaaaaz2b\",\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3l3aaaaaaaz2a\",\"record\":{\"\$type\":\"app.bsky.feed.post\",\"createdAt\":\"2024-09-01T14:13:20.000Z\",\"text\":\"later\"}}}" >"$T/later.jsonl"
expect_exit 0 lic --store "$S" ingest --format jetstream --region DE --json "$T/later.jsonl"
expect_eq "jetstream --region: a known account gets no account event" "1 0 0 0" "$(adrs)"
expect_eq "jetstream --region: a known account keeps no region" "5 4 deleted=1" "$(evc "$S")"
# SPEC 8: the region is at the account's first ts. An earlier post of the
# same account arriving later gets the region again at its own ts, so the
# account has it from its first ts on (until round 18 the region started at
# the first event *seen*, and the earlier post was judged without it).
S=$(store)
{
  printf '%s\n' "{\"did\":\"$(js_did dan)\",\"time_us\":1725149400000000,\"kind\":\"commit\",\"commit\":{\"rev\":\"3l3d00000001b\",\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3l3d00000001a\",\"record\":{\"text\":\"second\"}}}"
  printf '%s\n' "{\"did\":\"$(js_did dan)\",\"time_us\":1725148800000000,\"kind\":\"commit\",\"commit\":{\"rev\":\"3l3d00000000b\",\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3l3d00000000a\",\"record\":{\"text\":\"first\"}}}"
} >"$T/dan.jsonl"
expect_exit 0 lic --store "$S" ingest --format jetstream --region DE --json "$T/dan.jsonl"
expect_eq "jetstream --region: out-of-order account, the region given again at the earlier ts" "4 0 0 0" "$(adrs)"
expect_eq "jetstream --region: the earlier post has the region (region_excluded, DE)" "1 0 region_excluded=1" \
  "$(evc "$S" 2024-09-01T00:05:00Z)"
expect_eq "jetstream --region: and so has the later one" "2 0 region_excluded=2" "$(evc "$S" 2024-09-01T00:15:00Z)"
expect_exit 0 lic --store "$S" ingest --format jetstream --region DE --json "$T/dan.jsonl"
expect_eq "jetstream --region: the out-of-order input replayed adds nothing" "0 2 0 0" "$(adrs)"

# accounts.jsonl: takendown, suspended, deactivated, an unknown status and
# no status -> private; deleted -> account_delete; deleted unseen -> skipped;
# deactivated unseen -> a new private account; reactivation -> not private;
# a replay -> duplicate; anything after a deletion -> rejected; identity -> skipped.
S=$(store)
expect_exit 3 lic --store "$S" ingest --format jetstream --json --rejects "$T/rej.jsonl" "$JS/accounts.jsonl"
expect_eq "jetstream accounts: accepted duplicates rejected skipped" "16 1 1 2" "$(adrs)"
expect_eq "jetstream accounts: the rejected line (after the deletion)" "18" "$(jq -r .line "$T/rej.jsonl")"
expect_eq "jetstream accounts: users (ivy, deleted unseen, is not created)" 8 "$(stat_of "$S" users)"
expect_eq "jetstream accounts: kim included, hank deleted, five private" "7 1 deleted=1 not_public=5" "$(evc "$S")"
expect_eq "jetstream accounts: at the end kim (reactivated) is the one included" \
  "$(digest_of "$(js_post kim 3l3p00000052a)" "Post by kim.")" "$(evdigest "$S")"
expect_eq "jetstream accounts: while kim is deactivated, only lena (not yet inactive)" \
  "$(digest_of "$(js_post lena 3l3p00000062a)" "Post by lena.")" "$(evdigest "$S" 2024-09-01T00:17:30Z)"
expect_eq "jetstream accounts: before any account event, all public" "7 7" "$(evc "$S" 2024-09-01T00:07:00Z)"
expect_eq "jetstream accounts: takendown private from its time_us" "7 6 not_public=1" \
  "$(evc "$S" 2024-09-01T00:10:00Z)"

# intents.jsonl: allow false -> deny, true -> allow, {} and no
# syntheticContentGeneration -> unset, an update replaces, a delete of the
# declaration is skipped, a declaration of an unseen account creates it.
S=$(store)
expect_exit 0 lic --store "$S" ingest --format jetstream --json "$JS/intents.jsonl"
expect_eq "jetstream intents: accepted duplicates rejected skipped" "14 1 0 1" "$(adrs)"
expect_eq "jetstream intents, no region: no_choice, all included" "6 6" "$(evc "$S")"
S=$(store)
expect_exit 0 lic --store "$S" ingest --format jetstream --region GB --json "$JS/intents.jsonl"
expect_eq "jetstream intents --region GB: seven account events more" "21 1 0 1" "$(adrs)"
expect_eq "jetstream intents, GB opt_out: mia and rae objected" "6 4 objected=2" "$(evc "$S")"
cat >"$T/opt-in.json" <<'EOF'
{"name": "opt-in", "versions": [{"id": "v1", "effective": "2007-01-01T00:00:00Z", "regions": {"default": "opt_in"}}]}
EOF
expect_eq "jetstream intents, opt_in: only allow (ned, quin after the update) included" "6 2 no_consent=4" \
  "$(evc "$S" "$AT" "$T/opt-in.json")"
expect_eq "jetstream intents, opt_in: quin's deny before the update" "6 1 no_consent=5" \
  "$(evc "$S" 2024-09-01T00:01:30Z "$T/opt-in.json")"
expect_eq "jetstream intents: sam (declaration only) is an account" 7 "$(stat_of "$S" users)"

# malformed.jsonl: each malformed event is rejected with a message naming the field.
S=$(store)
expect_exit 3 lic --store "$S" ingest --format jetstream --json --rejects "$T/rej.jsonl" "$JS/malformed.jsonl"
expect_eq "jetstream malformed: all rejected" "0 0 37 0" "$(adrs)"
expect_eq "jetstream malformed: every line has a reject record" "$(seq 1 37 | tr '\n' ' ')" \
  "$(jq -r .line "$T/rej.jsonl" | tr '\n' ' ')"
i=0
for want in 'invalid JSON' 'not a JSON object' '"did" is required' '"did": expected a string' '"did": expected a DID' \
  '"time_us" is required' '"time_us": expected an integer' '"time_us": expected an integer' 'outside the years' \
  '"kind" is required' '"kind": expected a string' '"commit" is required' '"commit": expected an object' \
  '"commit.operation" is required' 'expected create, update or delete' '"commit.collection" is required' \
  '"commit.rkey" is required' '"commit.rkey": expected a string' '"commit.rev": expected a string' \
  '"commit.record" is required' '"commit.record.text" is required' '"commit.record.text": expected a string' \
  '"commit.record.langs": expected an array' '"commit.record.langs[0]": expected a string' '"account" is required' \
  '"account.active" is required' '"account.active": expected a boolean' '"account.status": expected a string' \
  'syntheticContentGeneration.allow": expected a boolean' '"commit.record.syntheticContentGeneration": expected an object' \
  'duplicate object key' '"commit.rkey" is empty' \
  '"time_us": about 1e+20, outside the years 0001-9999' '"time_us": about 1.8e+308, outside the years 0001-9999' \
  '"commit.record.reply": expected an object' '"commit.record.reply.parent.uri" is required' \
  '"commit.record.facets[0].features[0].did" is required'; do
  i=$((i + 1))
  got=$(jq -r --argjson n $i 'select(.line == $n) | .error' "$T/rej.jsonl")
  case $got in
    *"$want"*) pass "jetstream malformed line $i: $want" ;;
    *) fail "jetstream malformed line $i" "expected the error to contain: $want" "got: $got" ;;
  esac
done

# numbers.jsonl: numbers beyond 64 bits or beyond a double (99999999999999999999,
# 1e400) in fields licit does not read do not reject the event; an
# out-of-range time_us says so (malformed.jsonl lines 33-34, above).
S=$(store)
expect_exit 0 lic --store "$S" ingest --format jetstream --json --rejects "$T/rej.jsonl" "$JS/numbers.jsonl"
expect_eq "jetstream numbers: a create and an update with huge unknown numbers accepted" "2 0 0 0" "$(adrs)"
expect_eq "jetstream numbers: the update applied" "$(digest_of "$(js_post fay 3l4f00000001a)" "still big")" \
  "$(evdigest "$S")"

# replies.jsonl: replies (record.reply.parent.uri) with mention facets, a link
# and a tag facet, an update that changes the mentions, a mention of an
# account that never posted, a reply to a post never seen.  What the
# adapter emits (parent, mentions) is checked in tests/unit/test_adapters.c;
# here: all accepted, and a mention does not make an account known.
S=$(store)
expect_exit 0 lic --store "$S" ingest --format jetstream --json "$JS/replies.jsonl"
expect_eq "jetstream replies: accepted duplicates rejected skipped" "6 0 0 0" "$(adrs)"
expect_eq "jetstream replies: posts" 5 "$(stat_of "$S" posts)"
# --region: an account mentioned before its first post is not known, so its
# first post still gives it the region (dan is mentioned on line 5).
printf '%s\n' "{\"did\":\"$(js_did dan)\",\"time_us\":1725235600000000,\"kind\":\"commit\",\"commit\":{\"rev\":\"3l4d00000001b\",\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3l4d00000001a\",\"record\":{\"text\":\"dan speaks\"}}}" >"$T/dan-speaks.jsonl"
S=$(store)
expect_exit 0 lic --store "$S" ingest --format jetstream --region DE --json "$JS/replies.jsonl" "$T/dan-speaks.jsonl"
expect_eq "jetstream replies --region DE: four account events (alice, bob, carol, dan when he posts)" "11 0 0 0" "$(adrs)"
expect_eq "jetstream replies --region DE: every post region_excluded" "6 0 region_excluded=6" "$(evc "$S")"

# ============================================================= activitypub

A=https://social.example/users/alice/statuses
PUBLIC_TEXTS=(
  "$A/113000000000000001" $'Tea & toast at the café, with @bob #breakfast\n\nMenu: https://cafe.example/menu/autumn-2024'
  "$A/113000000000000006" $'東京は晴れです。\n\n駅前で <新しい> パン屋を見つけた。'
  "$A/113000000000000007" $'Привет, мир! Γειά σου κόσμε.\nمرحبا بالعالم'
  "$A/113000000000000009" 'Compact public addressing.'
)

# outbox.json: Create of a public, unlisted, followers-only and direct Note,
# an Announce and a poll (skipped), as:Public, a bad date (rejected), and a
# repeated top-level key (tolerated).
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --json --rejects "$T/rej.jsonl" "$AP/outbox.json"
expect_eq "outbox.json: accepted duplicates rejected skipped" "7 0 1 2" "$(adrs)"
expect_eq "outbox.json: the reject's line is the item's index in orderedItems" "9" "$(jq -r .line "$T/rej.jsonl")"
expect_eq "outbox.json: the reject's source is the path" "$AP/outbox.json" "$(jq -r .source "$T/rej.jsonl")"
expect_eq "outbox.json: the reject's raw is the item" "113000000000000010" \
  "$(jq -r '.raw | fromjson | .object.id | split("/") | last' "$T/rej.jsonl")"
expect_contains "outbox.json: the reject names object.published and shows its value" 'object.published\": expected an RFC 3339 date-time such as 2024-06-26T00:00:00Z, got \"2024-09-02 17:00\"' "$T/rej.jsonl"
expect_eq "outbox.json: public included, unlisted/followers/direct not public" "7 4 not_public=3" "$(evc "$S")"
expect_eq "outbox.json: HTML content as plain text" "$(digest_of "${PUBLIC_TEXTS[@]}")" "$(evdigest "$S")"
expect_eq "outbox.json: ts is the Note's published" "1 1" "$(evc "$S" 2024-09-02T08:00:00Z)"
POLICY_ALL=$T/all-vis.json
cat >"$POLICY_ALL" <<'EOF'
{"name": "all", "versions": [{"id": "v1", "effective": "2007-01-01T00:00:00Z", "visibility": ["unlisted"]}]}
EOF
expect_eq "outbox.json: exactly one unlisted (public in cc)" "7 1 not_public=6" "$(evc "$S" "$AT" "$POLICY_ALL")"
sed -i 's/"unlisted"/"followers"/' "$POLICY_ALL"
expect_eq "outbox.json: exactly one followers-only (followers in to)" "7 1 not_public=6" "$(evc "$S" "$AT" "$POLICY_ALL")"
sed -i 's/"followers"/"private"/' "$POLICY_ALL"
expect_eq "outbox.json: exactly one private (direct)" "7 1 not_public=6" "$(evc "$S" "$AT" "$POLICY_ALL")"

# The same outbox inside a Mastodon archive.
check "make-archive.sh builds the archive" bash "$AP/make-archive.sh" "$T/archive.zip"
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --json "$T/archive.zip"
expect_eq "archive.zip: accepted duplicates rejected skipped" "7 0 1 2" "$(adrs)"
expect_eq "archive.zip: same state as outbox.json" "$(digest_of "${PUBLIC_TEXTS[@]}")" "$(evdigest "$S")"
expect_exit 3 lic --store "$S" ingest --format activitypub --json "$T/archive.zip"
expect_eq "archive.zip again: duplicates" "0 7 1 2" "$(adrs)"
expect_exit 3 lic --store "$S" ingest --format activitypub --json "$AP/outbox.json"
expect_eq "outbox.json after the archive: duplicates" "0 7 1 2" "$(adrs)"
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --region FR --json "$T/archive.zip"
expect_eq "archive.zip --region FR: one account event" "8 0 1 2" "$(adrs)"
expect_eq "archive.zip --region FR: all region_excluded" "7 0 region_excluded=7" "$(evc "$S")"

# Whole files that are not what their name says end the input (exit 1).
S=$(store)
python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("likes.json","{}"); z.close()' "$T/empty.zip"
expect_exit 1 lic --store "$S" ingest --format activitypub "$T/empty.zip"
expect_contains "a zip without outbox.json: says so" "no outbox.json" "$ERR"
printf 'not a zip at all' >"$T/broken.zip"
expect_exit 1 lic --store "$S" ingest --format activitypub "$T/broken.zip"
expect_contains "a damaged zip: names the file" "broken.zip" "$ERR"
printf '{"type":"Note"}\n' >"$T/note.json"
expect_exit 1 lic --store "$S" ingest --format activitypub "$T/note.json"
expect_contains "a .json that is no collection: says what was expected" "orderedItems" "$ERR"
head -2 "$AP/inbox.jsonl" >"$T/lines.json"
expect_exit 1 lic --store "$S" ingest --format activitypub "$T/lines.json"
expect_contains "JSON Lines named .json: points to .jsonl" ".jsonl" "$ERR"
expect_exit 1 lic --store "$S" ingest --format activitypub "$T/missing.zip"
expect_eq "nothing was stored by the failed inputs" 0 "$(stat_of "$S" events)"

# inbox.jsonl: Create, Update (edit; unseen -> skipped; a Person -> skipped),
# Delete of a Tombstone (delete; unseen -> skipped), Delete of the actor
# (account_delete; unseen -> skipped), Like/Follow/Announce/Undo and a Create
# by reference (skipped), a replay, a followers collection from the embedded actor.
B=https://other.example/users/bob/statuses
S=$(store)
expect_exit 0 lic --store "$S" ingest --format activitypub --json "$AP/inbox.jsonl"
expect_eq "inbox.jsonl: accepted duplicates rejected skipped" "7 1 0 9" "$(adrs)"
expect_eq "inbox.jsonl: bob's post deleted, carol's account deleted, erin's followers-only" \
  "4 1 deleted=2 not_public=1" "$(evc "$S")"
expect_eq "inbox.jsonl: the Update's text" "$(digest_of "$B/42" "Bob's first public post, edited.")" "$(evdigest "$S")"
expect_eq "inbox.jsonl: before the Note's updated, the created text" \
  "$(digest_of "$B/42" "Bob's first public post.")" "$(evdigest "$S" 2024-09-03T08:59:59Z)"
expect_eq "inbox.jsonl: the Delete at the activity's published" "2 2" "$(evc "$S" 2024-09-03T10:59:59Z)"
expect_eq "inbox.jsonl: carol's account deleted at its Delete's published" "4 2 deleted=1 not_public=1" \
  "$(evc "$S" 2024-09-03T23:59:59Z)"
sed -i 's/"unlisted"/"followers"/;s/"private"/"followers"/' "$POLICY_ALL"
expect_eq "inbox.jsonl: erin's Note is followers-only" "4 1 deleted=2 not_public=1" "$(evc "$S" "$AT" "$POLICY_ALL")"
expect_exit 0 lic --store "$S" ingest --format activitypub --json - <"$AP/inbox.jsonl"
expect_eq "inbox.jsonl from standard input: all duplicates or skipped" "0 8 0 9" "$(adrs)"

# html.jsonl: entities, paragraphs, <br>, mentions, hashtags, links with
# invisible spans, non-Latin scripts, plain text, white space, script, lists.
H=https://html.example/users/h/statuses
S=$(store)
expect_exit 0 lic --store "$S" ingest --format activitypub --json "$AP/html.jsonl"
expect_eq "html.jsonl: accepted" "9 0 0 0" "$(adrs)"
expect_eq "html.jsonl: every Note's text" "$(digest_of \
  "$H/1" 'Hello & welcome <friends> "quoted" 😀 été' \
  "$H/2" $'First paragraph\n\nSecond line one\nline two\nline three' \
  "$H/3" '@bob look at #licit' \
  "$H/4" 'Read https://example.org/a/very/long/path now' \
  "$H/5" $'東京は晴れです。\n\nПривет, мир! Γειά σου κόσμε. مرحبا بالعالم' \
  "$H/6" 'Just plain text, no markup' \
  "$H/7" $'spaced out\n\nend' \
  "$H/8" $'quoted\n\none\ntwo' \
  "$H/9" $'a\u00a0b')" "$(evdigest "$S")"

# malformed.jsonl
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --json --rejects "$T/rej.jsonl" "$AP/malformed.jsonl"
expect_eq "activitypub malformed: all rejected" "0 0 22 0" "$(adrs)"
i=0
for want in 'invalid JSON' 'not a JSON object' '"type" is required' '"type": expected a string' '"actor" is required' \
  '"actor": expected a string or an object' '"actor.id" is required' '"object" is required' '"object.id" is required' \
  '"object.type" is required' '"object.published": expected' '"object.published" is required' \
  '"object.to": expected a string or an array' '"object.contentMap": expected an object' \
  '"object.content": expected a string' '"id": expected a string' '"published" is required' \
  '"object.updated" is required' 'duplicate object key' '"object.id": expected an id of 1-256 bytes' \
  '"object.inReplyTo": expected a string or an object' '"object.tag[0].href" is required'; do
  i=$((i + 1))
  got=$(jq -r --argjson n $i 'select(.line == $n) | .error' "$T/rej.jsonl")
  case $got in
    *"$want"*) pass "activitypub malformed line $i: $want" ;;
    *) fail "activitypub malformed line $i" "expected the error to contain: $want" "got: $got" ;;
  esac
done

# replies.jsonl: inReplyTo as a string and as an object, Mention tags among
# a Hashtag and an Emoji, an Update whose single tag object is a Mention, a
# mention of and a reply to an account never seen (parent and mentions as
# emitted: tests/unit/test_adapters.c).
S=$(store)
expect_exit 0 lic --store "$S" ingest --format activitypub --json "$AP/replies.jsonl"
expect_eq "activitypub replies: accepted duplicates rejected skipped" "5 0 0 0" "$(adrs)"
expect_eq "activitypub replies: posts" 4 "$(stat_of "$S" posts)"

# ------------------------------------------ whole documents, read as a stream

# outbox-stream.json: orderedItems before the other members, strings holding
# brackets, quotes and escapes, tabs and CRLF between tokens, a key repeated
# inside an activity (tolerated in a whole document), an "items" member
# after orderedItems (not read).
SA=https://stream.example/users/sam/statuses
STREAM_TEXTS=(
  "$SA/1" 'Brackets ] } [ { , a quote " and a backslash \ in text: fine.'
  "$SA/2" 'A reply, with an escaped été and a tab .'
  "$SA/3" 'Sensitive twice.'
)
S=$(store)
expect_exit 0 lic --store "$S" ingest --format activitypub --json "$AP/outbox-stream.json"
expect_eq "outbox-stream.json: accepted duplicates rejected skipped" "3 0 0 1" "$(adrs)"
expect_eq "outbox-stream.json: the texts" "$(digest_of "${STREAM_TEXTS[@]}")" "$(evdigest "$S")"
# The same document in a zip (inflated and read in chunks through libarchive),
# in a folder, after its actor.json.
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("export/actor.json", "{\"id\": \"https://stream.example/users/sam\", \"followers\": \"https://stream.example/f\"}")
    z.write(sys.argv[1], "export/outbox.json")' "$AP/outbox-stream.json" "$T/stream.zip"
S=$(store)
expect_exit 0 lic --store "$S" ingest --format activitypub --json "$T/stream.zip"
expect_eq "stream.zip: accepted duplicates rejected skipped" "3 0 0 1" "$(adrs)"
expect_eq "stream.zip: the texts" "$(digest_of "${STREAM_TEXTS[@]}")" "$(evdigest "$S")"

# Two outbox.json members: the first is read, wherever actor.json is (with
# actor.json between them, the second used to be read).
python3 - "$T/nocomma.unused" "$T" <<'PYEOF'
import json, sys, zipfile
def outbox(i):
    u = "https://a.example/users/alice"
    pub = ["https://www.w3.org/ns/activitystreams#Public"]
    return json.dumps({"type": "OrderedCollection", "orderedItems": [{"id": "%s/statuses/%d/activity" % (u, i),
        "type": "Create", "actor": u, "published": "2024-01-01T00:00:00Z", "to": pub,
        "object": {"id": "%s/statuses/%d" % (u, i), "type": "Note", "published": "2024-01-01T00:00:00Z",
                   "content": "<p>outbox %d</p>" % i, "to": pub}}]})
actor = json.dumps({"id": "https://a.example/users/alice", "type": "Person"})
for name, members in (("mid", [("a/outbox.json", outbox(1)), ("actor.json", actor), ("b/outbox.json", outbox(2))]),
                      ("end", [("a/outbox.json", outbox(1)), ("b/outbox.json", outbox(2)), ("actor.json", actor)])):
    with zipfile.ZipFile("%s/two-%s.zip" % (sys.argv[2], name), "w") as z:
        for m, data in members:
            z.writestr(m, data)
PYEOF
for where in mid end; do
  S=$(store)
  expect_exit 0 lic --store "$S" ingest --format activitypub "$T/two-$where.zip"
  expect_eq "two outbox.json members, actor.json at the $where: the first is read" \
    "https://a.example/users/alice/statuses/1" "$(lic --store "$S" --json eval --at "$AT" --list | jq -r .post)"
done

# A truncated document ends the input (exit 1) with the file and the byte
# offset where it ends: inside orderedItems, or after it.
size=$(stat -c %s "$AP/outbox-stream.json")
for n in 1 30 900 $((size - 40)); do
  head -c $n "$AP/outbox-stream.json" >"$T/cut.json"
  expect_exit 1 lic --store "$(store)" ingest --format activitypub "$T/cut.json"
  expect_contains "outbox cut at byte $n: names the file and the offset" \
    "$T/cut.json: truncated: the document ends at byte offset $n" "$ERR"
done
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("outbox.json", open(sys.argv[1], "rb").read()[:900])' "$AP/outbox-stream.json" "$T/cut.zip"
expect_exit 1 lic --store "$(store)" ingest --format activitypub "$T/cut.zip"
expect_contains "a zip of a truncated outbox: names the archive, the member and the offset" \
  "$T/cut.zip: outbox.json: truncated: the document ends at byte offset 900, inside orderedItems" "$ERR"
# What was read before the document ends stays, and the counts say so (it
# was counted as accepted and rolled back).
S=$(store)
expect_exit 1 lic --store "$S" --json ingest --format activitypub "$T/cut.json"
expect_eq "a truncated outbox: what was accepted before the end is in the store" \
  "$(jq -r .accepted "$OUT")" "$(lic --store "$S" --json stats | jq -r '.posts')"
check "a truncated outbox: some of it was accepted" test "$(jq -r .accepted "$OUT")" -gt 0
# A ',' missing between two activities ends the input too (the two used to
# be read as one rejected item, and the rest numbered one short).
python3 - "$T/nocomma.json" <<'PYEOF'
import json, sys
def act(i):
    u = "https://a.example/users/alice"
    pub = ["https://www.w3.org/ns/activitystreams#Public"]
    return json.dumps({"id": "%s/statuses/%d/activity" % (u, i), "type": "Create", "actor": u,
                       "published": "2024-01-01T00:00:0%dZ" % i, "to": pub,
                       "object": {"id": "%s/statuses/%d" % (u, i), "type": "Note", "published": "2024-01-01T00:00:0%dZ" % i,
                                  "content": "<p>post %d</p>" % i, "to": pub}})
open(sys.argv[1], "w").write('{"type":"OrderedCollection","orderedItems":[%s,\n%s\n%s,\n%s]}\n' % tuple(act(i) for i in (1, 2, 3, 4)))
PYEOF
S=$(store)
expect_exit 1 lic --store "$S" --json ingest --format activitypub "$T/nocomma.json"
expect_contains "a missing ',' between activities: named, with the offset" \
  "expected ',' or ']' after a value, got '{'" "$OUT"
expect_eq "a missing ',': the activity before it is kept" "1 1" \
  "$(jq -r .accepted "$OUT") $(lic --store "$S" --json stats | jq -r .posts)"

# A too deeply nested activity rejects that activity, not the file (and the
# message is jansson's depth limit, not a hint about JSON Lines).
LINE1=$(sed -n 1p "$AP/inbox.jsonl")
{
  printf '{"orderedItems":[{"type":"Create","x":'
  python3 -c 'print("[" * 3000 + "]" * 3000, end="")'
  printf '},\n%s]}\n' "$LINE1"
} >"$T/deep.json"
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --json --rejects "$T/rej.jsonl" "$T/deep.json"
expect_eq "deep.json: the deep activity rejected, the next accepted" "1 0 1 0" "$(adrs)"
expect_eq "deep.json: the reject is item 0" 0 "$(jq -r .line "$T/rej.jsonl")"
expect_contains "deep.json: the reject says why" "maximum parsing depth" "$T/rej.jsonl"
# An activity over the 2 MiB limit is rejected like an over-long line,
# without being held whole.
{
  printf '{"orderedItems":[{"type":"Create","content":"'
  head -c 3000000 /dev/zero | tr '\0' x
  printf '"},\n%s]}\n' "$LINE1"
} >"$T/long.json"
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --json --rejects "$T/rej.jsonl" "$T/long.json"
expect_eq "long.json: the long activity rejected, the next accepted" "1 0 1 0" "$(adrs)"
expect_eq "long.json: reject record (item, raw cut, full size)" "0 true 3000030" \
  "$(jq -r '"\(.line) \(.raw_truncated) \(.raw_bytes)"' "$T/rej.jsonl")"
expect_contains "long.json: the reject says why" "longer than the limit of 2 MiB" "$T/rej.jsonl"

# A number out of range in an activity: as a JSON line and inside an
# outbox.json alike, it rejects nothing (licit_json_parse_lenient used to
# refuse the whole document).
printf '%s\n' "$LINE1" | sed 's/"sensitive":false/"sensitive":false,"x-score":1e400,"x-n":-99999999999999999999/' >"$T/big.jsonl"
printf '{"orderedItems":[%s],"totalItems":1e400}\n' "$(cat "$T/big.jsonl")" >"$T/big.json"
expect_contains "big.jsonl holds 1e400" '"x-score":1e400' "$T/big.jsonl"
expect_exit 0 lic --store "$(store)" ingest --format activitypub --json "$T/big.jsonl"
expect_eq "1e400 in an activity line: accepted" "1 0 0 0" "$(adrs)"
expect_exit 0 lic --store "$(store)" ingest --format activitypub --json "$T/big.json"
expect_eq "1e400 in an outbox.json activity: accepted" "1 0 0 0" "$(adrs)"

# lang (first of record.langs; contentMap with one key) is only visible in
# snapshot documents: checked when this build has the snapshot command.
S=$(store)
lic --store "$S" ingest --format jetstream "$JS/posts.jsonl" >/dev/null 2>&1
lic --store "$S" ingest --format jetstream "$T/later.jsonl" >/dev/null 2>&1
sed 's/3l3aaaaaaaz2/3l3aaaaaaay2/g; s/"text":"later"/"text":"no lang","langs":[""]/' "$T/later.jsonl" >"$T/nolang.jsonl"
lic --store "$S" ingest --format jetstream "$T/nolang.jsonl" >/dev/null 2>&1
lic --store "$S" ingest --format activitypub "$AP/outbox.json" >/dev/null 2>&1
run lic --store "$S" snapshot --at "$AT" --out "$T/snap"
if [ "$RC" -eq 0 ] && ls "$T"/snap/documents/*.zst >/dev/null 2>&1; then
  zstd -dcq "$T"/snap/documents/*.zst | jq -r '"\(.id) \(.metadata.lang // "-")"' >"$T/langs.txt"
  expect_contains "lang: first of record.langs" "$(js_post bob 3l3bbbbbbbb2a) ja" "$T/langs.txt"
  expect_contains "lang: a single record.langs" "$(js_post carol 3l3cccccccc2a) de" "$T/langs.txt"
  expect_contains "lang: no record.langs gives none" "$(js_post alice 3l3aaaaaaaz2a) -" "$T/langs.txt"
  expect_contains "lang: record.langs [\"\"] gives none (it gave \"\")" "$(js_post alice 3l3aaaaaaay2a) -" "$T/langs.txt"
  expect_contains "lang: contentMap with one key" "$A/113000000000000006 ja" "$T/langs.txt"
  expect_contains "lang: contentMap with two keys gives none" "$A/113000000000000007 -" "$T/langs.txt"
  # SPEC 2: a post's kind is "post" unless given (the adapters gave "").
  expect_eq "kind: every adapter post is a \"post\"" "post" \
    "$(zstd -dcq "$T"/snap/documents/*.zst | jq -r .metadata.kind | sort -u | tr '\n' ' ' | sed 's/ $//')"
else
  echo "# skip - lang checks: no snapshot command in this build"
fi

# ---------------------------------------------------------------- forged activities
# SPEC 8: the user is the activity's actor.  An Update or Delete by another
# account of someone's post is rejected (it used to rewrite or delete it),
# and so is a Note attributed to someone other than its actor; the author's
# own Update and Delete apply.
PUB='"to":["https://www.w3.org/ns/activitystreams#Public"]'
ALICE=https://a.example/users/alice MALLORY=https://evil.example/users/mallory
{
  echo '{"id":"'$ALICE'/statuses/1/activity","type":"Create","actor":"'$ALICE'","published":"2024-01-01T00:00:00Z",'$PUB',"object":{"id":"'$ALICE'/statuses/1","type":"Note","attributedTo":"'$ALICE'","published":"2024-01-01T00:00:00Z","content":"<p>alice original</p>",'$PUB'}}'
  echo '{"id":"'$ALICE'/statuses/2/activity","type":"Create","actor":"'$ALICE'","published":"2024-01-01T01:00:00Z",'$PUB',"object":{"id":"'$ALICE'/statuses/2","type":"Note","published":"2024-01-01T01:00:00Z","content":"<p>alice second</p>",'$PUB'}}'
  echo '{"id":"'$MALLORY'#u1","type":"Update","actor":"'$MALLORY'","published":"2024-02-01T00:00:00Z","object":{"id":"'$ALICE'/statuses/1","type":"Note","updated":"2024-02-01T00:00:00Z","content":"<p>words put in her mouth</p>"}}'
  echo '{"id":"'$MALLORY'#d2","type":"Delete","actor":"'$MALLORY'","published":"2024-02-01T00:00:00Z","object":"'$ALICE'/statuses/2"}'
  echo '{"id":"'$MALLORY'/statuses/9/activity","type":"Create","actor":"'$MALLORY'","published":"2024-02-02T00:00:00Z",'$PUB',"object":{"id":"'$MALLORY'/statuses/9","type":"Note","attributedTo":"'$ALICE'","published":"2024-02-02T00:00:00Z","content":"<p>not alice</p>",'$PUB'}}'
} >"$T/forge.jsonl"
S=$(store)
expect_exit 3 lic --store "$S" ingest --format activitypub --json --rejects "$T/forge-rej.jsonl" "$T/forge.jsonl"
expect_eq "forged activities: 2 accepted, 3 rejected" "2 0 3 0" "$(adrs)"
expect_eq "forged activities: why each was rejected" \
  'field "actor": https://evil.example/users/mallory is not the author of https://a.example/users/alice/statuses/1, the object of this Update
field "actor": https://evil.example/users/mallory is not the author of https://a.example/users/alice/statuses/2, the object of this Delete
field "object.attributedTo": https://a.example/users/alice is not the actor https://evil.example/users/mallory' \
  "$(jq -r .error "$T/forge-rej.jsonl")"
expect_eq "forged activities: alice's posts unchanged and not deleted" "2 2" "$(evc "$S" 2025-06-01T00:00:00Z)"
{
  echo '{"id":"'$ALICE'#u1","type":"Update","actor":"'$ALICE'","published":"2024-03-01T00:00:00Z","object":{"id":"'$ALICE'/statuses/1","type":"Note","updated":"2024-03-01T00:00:00Z","content":"<p>alice edited</p>"}}'
  echo '{"id":"'$ALICE'#d2","type":"Delete","actor":"'$ALICE'","published":"2024-03-01T00:00:00Z","object":"'$ALICE'/statuses/2"}'
} >"$T/own.jsonl"
expect_exit 0 lic --store "$S" ingest --format activitypub --json "$T/own.jsonl"
expect_eq "the author's own Update and Delete apply" "2 1 deleted=1" "$(evc "$S" 2025-06-01T00:00:00Z)"

# Native lines read as another format: every record rejected, and the
# message asks whether --format is right.
expect_exit 3 lic --store "$(store)" ingest --format activitypub "$EX/events.jsonl"
expect_contains "all rejected: the hint names --format" "is --format activitypub the format of the input?" "$ERR"
expect_exit 3 lic --store "$(store)" ingest "$EX/events-bad.jsonl"
expect_eq "some accepted: no such hint" "" "$(grep -c 'is --format' "$ERR" | grep -v '^0$')"

finish
