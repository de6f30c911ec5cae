#!/usr/bin/env bash
# browser-deps.sh — installs the npm packages of the page test into
# tests/browser/node_modules (git-ignored), exactly as package-lock.json
# pins them.  Only playwright-core: it drives Debian's /usr/bin/chromium
# (scripts/deps.sh installs it); no browser is ever downloaded
# (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD, and never `npx playwright install`).
# Runs npm only when the installed packages do not match the lock file.
set -euo pipefail
DIR=$(cd "$(dirname "$0")/../tests/browser" && pwd)
LOCK=$DIR/package-lock.json
STAMP=$DIR/node_modules/.licit-lock
if [ -f "$STAMP" ] && cmp -s "$LOCK" "$STAMP"; then exit 0; fi
command -v npm >/dev/null || { echo "browser-deps: npm is missing (scripts/deps.sh installs it)" >&2; exit 1; }
echo "browser-deps: installing tests/browser/node_modules (npm ci)" >&2
cd "$DIR"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
cp "$LOCK" "$STAMP"
