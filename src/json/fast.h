/*
 * fast.h — licit's own strict JSON reader for one flat object per line, the
 * hot path of native ingest.
 *
 * It validates the whole text exactly as strictly as the library path
 * (json.h): RFC 8259 grammar, UTF-8 (no overlongs, no surrogates), escapes
 * with paired surrogates, no NaN/Infinity, no repeated key within any
 * object at any depth, nesting at most LICIT_FAST_MAX_DEPTH; numbers of any
 * size are valid.  Keys containing U+0000 are refused, as the library does.
 * Unlike the library it builds no tree: it hands back only the top-level
 * members the caller names, with strings decoded, and for arrays their
 * elements' types and decoded strings.  tests/fuzz/fuzz_fastjson.c holds it
 * to the library's verdict on every input.
 *
 * Threads: the reader keeps no process-wide state.  A licit_fast belongs to
 * one thread at a time; readers made with licit_fast_create may parse on
 * different threads at once (tests/unit/test_threads.c holds them to a
 * single-threaded run, also under ThreadSanitizer).
 */
#ifndef LICIT_JSON_FAST_H
#define LICIT_JSON_FAST_H

#include "json/json.h"

#define LICIT_FAST_MAX_DEPTH 2048
#define LICIT_FAST_MAX_KEYS 32

typedef struct licit_fval {
  licit_json_type type; /* LICIT_JSON_INT is never used: numbers are REAL */
  const char *s;        /* decoded string (may hold NUL) */
  size_t n;
  bool b;
  size_t n_items;                /* arrays: element count */
  const struct licit_fval *items; /* arrays: elements (type, and s/n for strings);
                                     NULL when n_items is 0 */
} licit_fval;

typedef struct licit_fast licit_fast;

int licit_fast_create(licit_fast **out);
void licit_fast_destroy(licit_fast *f);

/* Parses buf[0..len) as one JSON text that must be an object.  For each of
 * the nkeys top-level keys asked for, present[i] says whether it occurs and
 * vals[i] holds its value.  Strings and items stay valid until the next call
 * on f.  LICIT_EINVAL with a message ("invalid JSON at column N: ...", or
 * "expected a JSON object, got array") on failure; LICIT_ENOMEM. */
int licit_fast_object(licit_fast *f, const char *buf, size_t len, const char *const *keys, int nkeys,
                      licit_fval *vals, bool *present, licit_err *err);

#endif
