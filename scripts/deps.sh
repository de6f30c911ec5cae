#!/usr/bin/env bash
# deps.sh — installs the Debian packages licit needs that are missing.
# Runs apt-get only when something is missing, so it is fast and quiet on a
# machine that has everything.  Needs root (or sudo) only in that case.
set -euo pipefail

PKGS=(
  # build
  gcc make meson ninja-build pkg-config
  # libraries, each behind one module (docs/dependencies.md)
  liblmdb-dev       # the store (src/store)
  libjansson-dev    # strict JSON reading (src/json)
  libssl-dev        # SHA-256, HMAC, randomness (src/core/hash.c)
  libzstd-dev       # snapshot documents (src/snapshot)
  libarchive-dev    # Mastodon archives (src/adapters/archive.c)
  libxml2-dev       # Note HTML to plain text (src/adapters/html.c)
  libmicrohttpd-dev # the HTTP server of licit serve (src/server/http.c)
  libwebsockets-dev # the live Jetstream follower's WebSocket client (src/follow/ws.c)
  # tests
  libcriterion-dev  # unit tests
  python3           # the conformance suite's independent formulation
  zstd jq           # reading snapshots in tests and docs
  python3-websockets openssl  # the follower test's Jetstream stand-in (tests/follow/), its TLS certificate
  clang libclang-rt-14-dev  # clang's ASan/UBSan/TSan builds in `make test`, and `make fuzz`
  chromium          # the person's page test (tests/browser), driven by playwright-core
  curl              # the server's part of `make demo`
  e2fsprogs         # mkfs.ext4: the full-disk test's loop-mounted file system (tests/cli/fulldisk.sh)
)
# Node.js and npm run the page test (tests/browser; its npm packages are
# installed by scripts/browser-deps.sh).  A machine may have them from
# elsewhere (NodeSource's nodejs bundles npm), so they are asked for only
# when the commands are missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PKGS+=(nodejs npm); fi
[ "${LICIT_DEPS_EXTRA:-}" ] && read -r -a extra <<<"$LICIT_DEPS_EXTRA" && PKGS+=("${extra[@]}")

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
