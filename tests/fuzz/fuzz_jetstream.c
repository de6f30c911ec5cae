/*
 * fuzz_jetstream.c — libFuzzer target for the Jetstream adapter
 * (src/adapters/jetstream.c): one input is one Jetstream line.  It must
 * never crash, read out of bounds (ASan) or hit undefined behaviour (UBSan),
 * and every event it emits must satisfy the native event rules (see
 * fuzz_adapter.h).
 *
 *   scripts/fuzz.sh jetstream 120
 * and, as a plain replay of tests/fuzz/corpus/jetstream, in
 * `meson test --suite fuzz`.
 */
#define FUZZ_ADAPTER licit_adapter_jetstream
#define FUZZ_REGION "DE"
#include "fuzz_adapter.h"
