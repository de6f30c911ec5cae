# licit — the usual verbs.  `make demo` and `make test` each work as the
# first command on a fresh Debian 12 machine: both install what is missing.
.PHONY: all deps build test test-release test-asan demo bench fuzz clean

BUILD      ?= build
BUILD_ASAN ?= build-asan

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD_ASAN)/build.ninja:
	CC=gcc meson setup $(BUILD_ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# Every test twice: an optimised build, and gcc with AddressSanitizer and
# UndefinedBehaviorSanitizer (the fuzz corpora are replayed in both).
test: deps
	$(MAKE) test-release
	$(MAKE) test-asan

test-release: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

test-asan: $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  meson test -C $(BUILD_ASAN) --print-errorlogs --num-processes 2 --timeout-multiplier 4

demo: deps
	$(MAKE) build
	scripts/demo.sh $(BUILD)/licit

# The benchmark against DuckDB (bench/README.md).  BENCH_SIZE=10000000 for
# 10M events; the peer's Node package is installed by bench/run.sh.
bench: deps build
	@command -v node >/dev/null && command -v npm >/dev/null || LICIT_DEPS_EXTRA="nodejs npm" scripts/deps.sh
	bench/run.sh $(BUILD)

# Coverage-guided fuzzing with libFuzzer (clang): FUZZ=event|policy, SECONDS=60.
fuzz: deps
	LICIT_DEPS_EXTRA="clang libclang-rt-14-dev" scripts/deps.sh
	scripts/fuzz.sh $(or $(FUZZ),event) $(or $(SECONDS),60)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz
