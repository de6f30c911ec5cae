# upgrade.sh — a store of an older format (2: posts kept by id; 3: post
# records without their ids, beside a postord table; 4: below) is refused by the read
# commands with a message that says how to upgrade it, and upgraded by the
# first command that writes; afterwards every answer equals a store built
# from the same events by this licit, and the snapshot registered before
# the upgrade keeps its lineage and its proofs.
# Format 4 (log records in the log table) reads as it is; the first write
# puts later records in DIR/log.dat.  Format 5 (event ids in `ids` under
# their own bytes) reads as it is; the first write moves them to `eids`.
# Every upgrade ends at format 6, and afterwards the store still knows
# every event id it had (a re-ingest is all duplicates).
# The fixtures (tests/data/stores/formatN.mdb.zst, and format5.log.dat.zst)
# were made by licit at ed7380b (format 2), 259d093 (format 3), bceecde
# (format 4) and 9d5d4ea (format 5): policy set meta-genai, ingest
# examples/events.jsonl, snapshot --at 2024-06-01 --name before-upgrade,
# ingest examples/events-people.jsonl, then mdb_copy -c.
# Run: bash tests/cli/upgrade.sh /path/to/licit
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

upgrade_from() { # VERSION
local V=$1
  local cmd post user at got
  OLD=$T/old$V
  mkdir -p "$OLD"
  zstd -dcq "$ROOT/tests/data/stores/format$V.mdb.zst" >"$OLD/data.mdb"
  if [ "$V" -ge 5 ]; then zstd -dcq "$ROOT/tests/data/stores/format$V.log.dat.zst" >"$OLD/log.dat"; fi
  ORIG=$(sha256sum <"$OLD/data.mdb")

  if [ "$V" -lt 4 ]; then
    # The read commands refuse it and say what to do, without writing.
    for cmd in "stats" "eval --at 2025-06-01T00:00:00Z" "explain p-jonas-01" "snapshots"; do
      # shellcheck disable=SC2086
      expect_exit 1 lic --store "$OLD" $cmd
      expect_contains "from $V: $cmd: names the old format" "format licit-store-$V" "$ERR"
      expect_contains "from $V: $cmd: says how to upgrade" "upgrades it to licit-store-6" "$ERR"
    done
    expect_eq "from $V: the refused reads wrote nothing" "$ORIG" "$(sha256sum <"$OLD/data.mdb")"
  else
    # Formats 4 (every log record in the log table) and 5 read as they are.
    for cmd in "stats" "eval --at 2025-06-01T00:00:00Z" "explain p-jonas-01" "snapshots"; do
      # shellcheck disable=SC2086
      expect_exit 0 lic --store "$OLD" $cmd
    done
    expect_exit 0 lic --store "$OLD" --json explain p-jonas-01 --at 2025-06-01T00:00:00Z
    expect_eq "from $V: explain cites the post's creation, read from the log" '"post"' \
      "$(jq -c '[.checks[].events[] | select(.seq == 6)][0].type' "$OUT")"
    expect_eq "from $V: the reads wrote nothing" "$ORIG" "$(sha256sum <"$OLD/data.mdb")"
    if [ "$V" -eq 4 ]; then check "from $V: the reads made no log file" test ! -e "$OLD/log.dat"; fi
  fi

  # The same store built by this licit.
  NEW=$T/new$V
  lic --store "$NEW" policy set "$EX/policies/meta-genai.json" >/dev/null
  lic --store "$NEW" ingest "$EX/events.jsonl" >/dev/null
  lic --store "$NEW" snapshot --at 2024-06-01T00:00:00Z --out "$T/snap-new$V" --name before-upgrade >/dev/null
  lic --store "$NEW" ingest "$EX/events-people.jsonl" >/dev/null

  # An ingest of nothing upgrades it.
  : >"$T/empty.jsonl"
  expect_exit 0 lic --store "$OLD" --json ingest "$T/empty.jsonl"
  expect_eq "from $V: the upgrading ingest accepted nothing" 0 "$(jq .accepted "$OUT")"
  expect_exit 0 lic --store "$OLD" --json stats
  expect_eq "from $V: stats after the upgrade" "$(lic --store "$NEW" --json stats | jq -c '{events, posts, users, snapshots}')" \
    "$(jq -c '{events, posts, users, snapshots}' "$OUT")"

  check "from $V: the upgrade marks format 6" grep -aq 'licit-store-6' "$OLD/data.mdb"
  # Every event id it had is still known: a re-ingest is all duplicates.
  got=$(lic --store "$OLD" --json ingest "$EX/events.jsonl" "$EX/events-people.jsonl")
  expect_eq "from $V: a re-ingest after the upgrade accepts nothing" 0 "$(jq .accepted <<<"$got")"
  expect_eq "from $V: a re-ingest after the upgrade is all duplicates" \
    "$(cat "$EX/events.jsonl" "$EX/events-people.jsonl" | grep -c '"id"')" "$(jq .duplicates <<<"$got")"

  # Every answer as on the new store.
  same() { # NAME ARGS...: the --json output of ARGS is the same on both stores
    local name=$1
    shift
    expect_eq "from $V: $name" "$(lic --store "$NEW" --json "$@" 2>&1)" "$(lic --store "$OLD" --json "$@" 2>&1)"
  }
  for at in 2023-01-01T00:00:00Z 2024-06-01T00:00:00Z 2025-06-01T00:00:00Z 2026-01-01T00:00:00Z; do
    same "eval at $at" eval --at "$at"
    same "eval --list at $at" eval --at "$at" --list
  done
  for post in $(jq -r 'select(.type == "post") | .post' "$EX/events.jsonl" "$EX/events-people.jsonl" | sort -u); do
    same "explain $post" explain "$post" --at 2025-06-01T00:00:00Z
  done
  for user in u-lucia u-jonas u-dana; do
    same "report $user" report "$user" --at 2025-06-01T00:00:00Z
  done
  same "debt" debt --at 2025-06-01T00:00:00Z --list

  # The snapshot registered before the upgrade: the same lineage and proofs.
  strip() { jq -c 'del(.snapshots[].out)'; }
  expect_eq "from $V: snapshots" "$(lic --store "$NEW" --json snapshots | strip)" "$(lic --store "$OLD" --json snapshots | strip)"
  for post in p-jonas-01 p-dana-02 p-lucia-01; do
    same "prove $post" prove "$post" --snapshot before-upgrade
  done

  # It takes new events as a store of this format does.
  lic --store "$NEW" ingest "$T/empty.jsonl" >/dev/null
  printf '%s\n' '{"id":"up-1","type":"post","ts":"2025-07-01T00:00:00Z","post":"p-after-upgrade","user":"u-lucia","visibility":"public","text":"after the upgrade"}' \
    '{"id":"up-2","type":"edit","ts":"2025-07-02T00:00:00Z","post":"p-jonas-01","text":"edited after the upgrade"}' >"$T/more.jsonl"
  got=$(lic --store "$OLD" --json ingest "$T/more.jsonl")
  expect_eq "from $V: both new events accepted after the upgrade" 2 "$(jq .accepted <<<"$got")"
  expect_eq "from $V: new events after the upgrade" "$(lic --store "$NEW" --json ingest "$T/more.jsonl")" "$got"
  check "from $V: the new events' records are in the log file" test -s "$OLD/log.dat"
  same "eval after new events" eval --at 2026-01-01T00:00:00Z
  same "explain an edited post" explain p-jonas-01 --at 2026-01-01T00:00:00Z
  same "explain a new post" explain p-after-upgrade --at 2026-01-01T00:00:00Z
  expect_exit 0 lic --store "$OLD" --json snapshot --at 2026-01-01T00:00:00Z --out "$T/snap-old2-$V" --name after
  expect_eq "from $V: a snapshot after the upgrade" \
    "$(lic --store "$NEW" --json snapshot --at 2026-01-01T00:00:00Z --out "$T/snap-new2-$V" --name after | jq -c '{counts, digest, merkle_root}')" \
    "$(jq -c '{counts, digest, merkle_root}' "$OUT")"
}

upgrade_from 2
upgrade_from 3
upgrade_from 4
upgrade_from 5

finish
