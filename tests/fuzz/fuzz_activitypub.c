/*
 * fuzz_activitypub.c — libFuzzer target for the ActivityPub adapter
 * (src/adapters/activitypub.c): one input is one activity line, which
 * reaches the addressing rules and, through a Note's content, libxml2's
 * HTML parser and the HTML-to-text walk.  It must never crash, read out of
 * bounds (ASan) or hit undefined behaviour (UBSan), and every event it emits
 * must satisfy the native event rules (see fuzz_adapter.h).
 *
 *   scripts/fuzz.sh activitypub 120
 * and, as a plain replay of tests/fuzz/corpus/activitypub, in
 * `meson test --suite fuzz`.
 */
#define FUZZ_ADAPTER licit_adapter_activitypub
#define FUZZ_REGION NULL
#include "fuzz_adapter.h"
