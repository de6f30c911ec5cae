#!/usr/bin/env bash
# demo.sh — licit's main job on the bundled example data, told as a story.
# Usage: scripts/demo.sh path/to/licit
set -euo pipefail
LICIT=${1:-build/licit}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/licit-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STORE="$WORK/store"
L() { "$LICIT" --store "$STORE" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. Install Meta's generative-AI training policy (examples/policies/meta-genai.json)"
L policy set "$ROOT/examples/policies/meta-genai.json"
L policy show | sed -n "1,20p"  # sed reads all: no SIGPIPE under pipefail

say "2. Ingest the example events (examples/events.jsonl): users in ES, DE, US, GB, BR, AU"
L ingest "$ROOT/examples/events.jsonl"
L stats

say "3. Build a corpus snapshot at three dates of the Meta timeline"
for d in 2024-06-01 2024-10-01 2025-06-01; do
  L snapshot --at "${d}T00:00:00Z" --out "$WORK/corpus-$d" --json >/dev/null
done
L snapshots

say "   Counts by reason per snapshot (EU pause, UK and EU objections, deletions over time)"
printf '%-12s %-24s %10s %8s' date version considered included
for r in deleted minor region_excluded not_public objected; do printf ' %15s' "$r"; done; echo
for d in 2024-06-01 2024-10-01 2025-06-01; do
  m="$WORK/corpus-$d/manifest.json"
  printf '%-12s %-24s %10s %8s' "$d" "$(jq -r .policy.version "$m")" "$(jq .counts.considered "$m")" "$(jq .counts.included "$m")"
  for r in deleted minor region_excluded not_public objected; do printf ' %15s' "$(jq ".counts.excluded.$r" "$m")"; done; echo
done

say "   One document of the 2025 corpus (Dolma JSON Lines, zstd)"
zstd -dc "$WORK/corpus-2025-06-01/documents/part-00000.jsonl.zst" >"$WORK/docs-2025.jsonl"
sed -n 1p "$WORK/docs-2025.jsonl" | jq .

say "4. Lucia (Spain) posted \"Goodbye Meta AI\" and did nothing else"
L explain p-lucia-03 --at 2025-06-01T00:00:00Z
echo
L report u-lucia --at 2025-06-01T00:00:00Z

say "5. Jonas (Germany) objected on 2024-05-24: excluded once the EU objection applies"
L explain p-jonas-01 --at 2025-06-01T00:00:00Z | sed -n '1,4p;/Objection/,/event/p'

say "6. Mike (US) posted the same notice, then made posts private: no objection exists for him"
L report u-mike --at 2025-06-01T00:00:00Z

say "7. Kai (Australia) was a minor when he posted"
L explain p-kai-01 --at 2025-06-01T00:00:00Z | sed -n '1,4p;/Author old enough/,/event/p'

say "8. Unlearning debt: what the 2024-06-01 corpus holds that may no longer be used in 2025"
L debt --snapshot at-20240601T000000Z --at 2025-06-01T00:00:00Z

say "9. What-if: the same store under LinkedIn's policy"
L eval --at 2025-06-01T00:00:00Z --policy "$ROOT/examples/policies/linkedin-genai.json"

say "10. Threads, linked accounts, mentions (examples/events-people.jsonl)"
echo "The same Meta timeline, plus one version licit adds to show what Meta's forms could do:"
echo "from 2025-07-01 an objection also covers other people's posts that mention the objector"
echo "(examples/policies/meta-genai-mentions.json, honor_mentions)."
L policy set "$ROOT/examples/policies/meta-genai-mentions.json"
L ingest "$ROOT/examples/events-people.jsonl"
for d in 2025-06-30 2025-07-31; do
  L snapshot --at "${d}T00:00:00Z" --out "$WORK/corpus-$d" --json >/dev/null
done
echo
echo "Decisions before and after (eval --list):"
for d in 2025-06-30 2025-07-31; do
  echo "  at $d:"
  L eval --at "${d}T00:00:00Z" --list | grep -E 'p-(sofia-10|liam-c1|elena|tom-beach)' | sed 's/^/    /'
done

say "    a. Sofia (ES) makes her birthday photo friends-only; Liam's comment under it goes with it"
L explain p-liam-c1 --at 2025-07-31T00:00:00Z | sed -n '1,5p;/ 6\. Public/,/ 7\./p' | sed '$d'

say "    b. Elena objects once, on her Facebook account: her linked Instagram account is covered"
L report u-elena-ig --at 2025-07-31T00:00:00Z | sed -n '1,20p'

say "    c. Tom (US) posted a beach photo that mentions Elena: it leaves the next corpus"
L explain p-tom-beach --at 2025-07-31T00:00:00Z | sed -n '1,5p;/10\. /,$p'


say "11. licit serve: the API and the page where people see and change what happens to their posts"
# The server runs for a few seconds on the demo store and is always stopped
# before the demo ends (the trap), with SIGTERM: its graceful stop.
"$LICIT" --store "$STORE" serve --listen 127.0.0.1:0 2>"$WORK/serve.log" &
SERVE_PID=$!
trap 'kill -TERM "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$WORK/serve.log" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$WORK/serve.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
OP=$(L token --operator)
TOKEN=$(L token u-lucia --ttl 1h)
echo "GET /healthz:"
curl -s "$BASE/healthz"; echo
echo "GET /v1/me with Lucia's token (a person token: her account and her linked ones only):"
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/me" | jq -c '{user, region, mode, preference, posts: .posts.included, optout_notices}'
echo "GET /v1/snapshots/at-20240601T000000Z/changes with the operator token (the compliance feed):"
curl -s -H "Authorization: Bearer $OP" "$BASE/v1/snapshots/at-20240601T000000Z/changes" |
  jq -c '{left: [.left[] | "\(.post) \(.reason)"], returned, next}'
echo
printf '\033[1mLucia'"'"'s page, while this demo runs: %s/#token=%s\033[0m\n' "$BASE" "$TOKEN"
sleep "${LICIT_DEMO_SERVE_SECONDS:-5}"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || true
echo
echo "The server has stopped (SIGTERM: it finishes requests in flight, then exits 0). To run it yourself:"
echo "  licit --store DIR serve                 # http://127.0.0.1:8080"
echo "  licit --store DIR token u-lucia         # then open http://127.0.0.1:8080/#token=TOKEN"

say "12. Proof: Elena's post is not in the newest corpus, and anyone can check it"
echo "licit prove builds a non-inclusion proof from the store (the two neighbouring documents"
echo "and their Merkle audit paths); licit verify checks it with nothing but the corpus"
echo "directory and the store's published key, without a store:"
L prove p-elena-ig-01 --snapshot at-20250731T000000Z >"$WORK/proof.json"
jq -c '{snapshot, post, included, tree_size, left: .left.id, right: .right.id}' "$WORK/proof.json"
KEY=$(L key)
"$LICIT" verify "$WORK/corpus-2025-07-31" --key "$KEY" --proof "$WORK/proof.json"
