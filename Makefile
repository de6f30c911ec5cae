# licit — the usual verbs.  `make demo` and `make test` each work as the
# first command on a fresh Debian 12 machine: both install what is missing.
.PHONY: all deps build test test-release test-asan test-clang test-tsan demo bench bench-serve fuzz clean

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_CLANG ?= build-clang
BUILD_TSAN ?= build-tsan

all: build

# Debian packages (scripts/deps.sh), then the page test's npm packages
# into tests/browser/node_modules (scripts/browser-deps.sh).
deps:
	@scripts/deps.sh
	@scripts/browser-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD_ASAN)/build.ninja:
	CC=gcc meson setup $(BUILD_ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# Every test twice: an optimised build, and gcc with AddressSanitizer and
# UndefinedBehaviorSanitizer (the fuzz corpora are replayed in both).  Then
# the fuzz corpora once more under clang's sanitizers, which libFuzzer uses
# (test-clang), and the threaded test under ThreadSanitizer (test-tsan).
test: deps
	@scripts/leftovers.sh start $(BUILD)/.tests-started
	$(MAKE) test-release
	$(MAKE) test-asan
	$(MAKE) test-clang
	$(MAKE) test-tsan
	@scripts/leftovers.sh check $(BUILD)/.tests-started

test-release: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

test-asan: $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  meson test -C $(BUILD_ASAN) --print-errorlogs --num-processes 2 --timeout-multiplier 4

# clang's UBSan checks what gcc's does not (a zero offset added to a null
# pointer, for one), and `make fuzz` runs under it: a corpus input it stops
# on would stop fuzzing.  Every corpus (tests/fuzz/corpus/NAME) and every
# target (tests/fuzz/fuzz_NAME.c) needs its replay program here; a missing
# one is an error ("unknown target"), not a skipped corpus.
FUZZ_NAMES = $(sort $(notdir $(wildcard tests/fuzz/corpus/*)) \
                    $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

$(BUILD_CLANG)/build.ninja:
	CC=clang meson setup $(BUILD_CLANG) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dc_args='-fno-sanitize-recover=all -fno-omit-frame-pointer'

test-clang: $(BUILD_CLANG)/build.ninja
	ninja -C $(BUILD_CLANG) $(patsubst %,tests/fuzz_%_replay,$(FUZZ_NAMES))
	$(SAN_ENV) meson test -C $(BUILD_CLANG) --no-rebuild --suite fuzz --print-errorlogs --num-processes 2

# ThreadSanitizer on tests/unit/test_threads.c: parsers on several threads,
# readers beside a committing writer; and on the server (a thread per
# connection): its API, shutdown and readers-beside-the-writer tests.
# tests/tsan.supp says why liblmdb's own accesses are ignored.
$(BUILD_TSAN)/build.ninja:
	CC=clang meson setup $(BUILD_TSAN) --buildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false

test-tsan: $(BUILD_TSAN)/build.ninja
	ninja -C $(BUILD_TSAN) tests/test_threads tests/store_damage licit licit-gen
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  meson test -C $(BUILD_TSAN) --no-rebuild --print-errorlogs --timeout-multiplier 3 \
	    unit-threads server-api server-shutdown server-concurrency cli-pipeline

demo: deps
	$(MAKE) build
	scripts/demo.sh $(BUILD)/licit

# The benchmark against DuckDB (bench/README.md).  BENCH_SIZE=10000000 for
# 10M events; the peer's Node package is installed by bench/run.sh.
bench: deps build
	@command -v node >/dev/null && command -v npm >/dev/null || LICIT_DEPS_EXTRA="nodejs npm" scripts/deps.sh
	bench/run.sh $(BUILD)

# The server under load (bench/serve.sh, not part of `make test`): /v1/me and
# explain with 64 concurrent clients on a 1M-event store, with and without
# an ingest at the same time.  BENCH_SERVE_EVENTS, BENCH_SERVE_SECONDS.
bench-serve: deps build
	bench/serve.sh $(BUILD)

# Coverage-guided fuzzing with libFuzzer (clang): FUZZ=event|policy, SECONDS=60.
fuzz: deps
	scripts/fuzz.sh $(or $(FUZZ),event) $(or $(SECONDS),60)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_CLANG) $(BUILD_TSAN) build-fuzz
