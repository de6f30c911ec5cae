#!/bin/sh
# Build and run the JSON parser bench (see jsonbench.c and docs/json-parser.md).
# Usage: bench/json-parsers/run.sh [cases|speed|all] [lines]
# Needs: libjansson-dev libjson-c-dev libcjson-dev libyajl-dev libjsmn-dev
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${BUILD_DIR:-"$here/build"}
mkdir -p "$out"
CFLAGS="-std=c11 -O2 -Wall -Wextra"

build() { # name define pkg-config-packages
    name=$1 def=$2; shift 2
    # shellcheck disable=SC2046
    gcc $CFLAGS -D"$def" "$here/jsonbench.c" -o "$out/jsonbench-$name" \
        $( [ $# -gt 0 ] && pkg-config --cflags --libs "$@" )
}
build jansson   BE_JANSSON   jansson
build json-c    BE_JSONC     json-c
build cjson     BE_CJSON     libcjson
build yajl-tree BE_YAJL_TREE yajl
build yajl-cb   BE_YAJL_CB   yajl
build jsmn      BE_JSMN      # header-only

echo "# $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(gcc --version | head -1)"
for b in jansson json-c cjson yajl-tree yajl-cb jsmn; do
    "$out/jsonbench-$b" "$@"
    echo
done
