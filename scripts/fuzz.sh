#!/usr/bin/env bash
# fuzz.sh NAME SECONDS — build the libFuzzer target tests/fuzz/fuzz_NAME.c
# with ASan and UBSan and run it for SECONDS on a copy of its seed corpus.
#
#   scripts/fuzz.sh event 180
#   scripts/fuzz.sh policy 180
#   FUZZ_ARGS="-max_len=65536 -jobs=4" scripts/fuzz.sh event 600
#
# Everything goes to build-fuzz/: the objects, the target fuzz_NAME, the
# working corpus corpus-NAME/ (the seeds plus what the run found) and the
# crash artifacts artifacts-NAME/.  The committed corpus
# (tests/fuzz/corpus/NAME) is only read; copy small interesting inputs back
# by hand.  Needs clang with its runtime (libclang-rt-*-dev).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 NAME SECONDS   (NAME: $(ls tests/fuzz/fuzz_*.c 2>/dev/null | sed 's|.*/fuzz_||; s|\.c$||' | tr '\n' ' '))" >&2
  exit 2
fi
name=$1
secs=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
src=tests/fuzz/fuzz_$name.c
seeds=tests/fuzz/corpus/$name
[ -f "$src" ] || { echo "fuzz.sh: no target $src" >&2; exit 2; }
[ -d "$seeds" ] || { echo "fuzz.sh: no seed corpus $seeds" >&2; exit 2; }

CC=${CC:-clang}
out=build-fuzz
mkdir -p "$out/obj" "$out/corpus-$name" "$out/artifacts-$name"

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
# The library's sources and dependencies, as meson.build lists them
# (lib_src and its dependency() lines), so this script follows the build.
sources=$(sed -n '/^lib_src = files(/,/^)/p' meson.build | grep -o "'src/[^']*\.c'" | tr -d "'")
# meson's dependency('threads') is no pkg-config package: it is -pthread.
deps=$(grep -o "^[a-z0-9_]* *= *dependency('[^']*')" meson.build | sed "s/.*dependency('\([^']*\)')/\1/" | grep -vx threads | tr '\n' ' ')
[ -n "$sources" ] || { echo "fuzz.sh: cannot read lib_src from meson.build" >&2; exit 2; }
# shellcheck disable=SC2086
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc
        $(pkg-config --cflags $deps)"
# shellcheck disable=SC2086
libs="$(pkg-config --libs $deps) -pthread"

# The library (everything but the command line), instrumented for coverage
# but without libFuzzer's main().  An object is rebuilt when its source, this
# script or any header is newer: a header that changed a struct under
# objects built before it gave a target "crashes" in code that was sound.
newest_h=all
if [ -f "$out/obj/.stamp" ]; then newest_h=$(find include src -name '*.h' -newer "$out/obj/.stamp" | head -1); fi
objs=()
while IFS= read -r f; do
  o="$out/obj/$(echo "${f#src/}" | tr / _).o"
  if [ -n "$newest_h" ] || [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$0" -nt "$o" ]; then
    # shellcheck disable=SC2086
    $CC $cflags $san -fsanitize=fuzzer-no-link -c "$f" -o "$o"
  fi
  objs+=("$o")
done <<< "$sources"
touch "$out/obj/.stamp"

# The server's target also needs the server's endpoints (not its
# libmicrohttpd glue), the page they serve and the bundled examples, from
# which it builds its store (tests/meson.build does the same).
extra=()
if [ "$name" = server ]; then
  /usr/bin/python3 src/server/page/embed.py src/server/page/page.html src/server/page/page.css \
    src/server/page/page.js "$out/page.c"
  # shellcheck disable=SC2086
  $CC $cflags $san -fsanitize=fuzzer-no-link -c src/server/api.c -o "$out/obj/server_api.o"
  # shellcheck disable=SC2086
  $CC $cflags -c "$out/page.c" -o "$out/obj/server_page.o"
  extra=("$out/obj/server_api.o" "$out/obj/server_page.o" "-DLICIT_FUZZ_EXAMPLES=\"$root/examples\"")
fi

# shellcheck disable=SC2086
$CC $cflags $san -fsanitize=fuzzer "$src" "${objs[@]}" "${extra[@]}" $libs -lm -o "$out/fuzz_$name"

cp -n "$seeds"/* "$out/corpus-$name"/ 2>/dev/null || true
echo "fuzz.sh: running fuzz_$name for ${secs}s on $out/corpus-$name" >&2
# shellcheck disable=SC2086
exec "$out/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 \
  -artifact_prefix="$out/artifacts-$name/" ${FUZZ_ARGS:-} "$out/corpus-$name"
