#!/usr/bin/env bash
# Tests must leave nothing behind in /tmp: every test makes its stores and
# files under /tmp/licit-* (mkdtemp) and removes them, also on failure.
#   scripts/leftovers.sh start STAMP   -- before the tests: marks the time
#   scripts/leftovers.sh check STAMP   -- after: fails naming what is left
# Only entries made after the mark count; another licit test run at the same
# time on this machine would be counted too.
set -euo pipefail
what=${1:-}; stamp=${2:-}
[ -n "$what" ] && [ -n "$stamp" ] || { echo "usage: $0 start|check STAMP" >&2; exit 2; }
case "$what" in
  start) mkdir -p "$(dirname "$stamp")"; : > "$stamp" ;;
  check)
    [ -e "$stamp" ] || { echo "leftovers: no mark $stamp (run 'start' first)" >&2; exit 2; }
    left=$(find /tmp -maxdepth 1 -name 'licit-*' -newer "$stamp" 2>/dev/null | sort)
    if [ -n "$left" ]; then
      echo "leftovers: the tests left these behind in /tmp:" >&2
      echo "$left" | head -20 >&2
      n=$(echo "$left" | wc -l)
      [ "$n" -le 20 ] || echo "... and $((n - 20)) more" >&2
      exit 1
    fi
    echo "leftovers: the tests left nothing in /tmp" ;;
  *) echo "usage: $0 start|check STAMP" >&2; exit 2 ;;
esac
