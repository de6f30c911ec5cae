/*
 * fuzz_fastjson.c — differential fuzz target: licit's own strict reader
 * (src/json/fast.c) must reach the library's verdict (src/json/json.c,
 * jansson with the same strictness) on every input, and capture the same
 * top-level string values.  Each input goes to a reader made for it
 * (buffers still NULL) and to one kept across inputs, so that a replay finds
 * the same things in whatever order it reads the corpus.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/fast.h"
#include "json/json.h"

static const char *const keys[] = {"id", "type", "text", "signals", "private", "ts"};
#define NK 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(licit_fast *f, const uint8_t *data, size_t size, licit_json *doc, bool lib_ok) {
  licit_err e2;
  licit_fval v[NK];
  bool present[NK];
  int rc = licit_fast_object(f, (const char *)data, size, keys, NK, v, present, &e2);
  if ((rc == 0) != lib_ok) {
    /* One known difference, where licit is right: jansson skips raw NUL
     * bytes between tokens ({"a":1<NUL>} parses), which RFC 8259 does not
     * allow; licit's reader rejects them.  Every other verdict must agree. */
    if (!(rc != 0 && lib_ok && memchr(data, 0, size))) abort();
    lib_ok = false; /* nothing more to compare */
  }
  if (lib_ok) {
    for (int i = 0; i < NK; i++) {
      licit_json *jv = licit_json_get(doc, keys[i]);
      if ((jv != NULL) != present[i]) abort();
      if (!jv) continue;
      if (licit_json_typeof(jv) != (v[i].type == LICIT_JSON_REAL && licit_json_typeof(jv) == LICIT_JSON_INT
                                        ? LICIT_JSON_INT
                                        : v[i].type))
        abort();
      if (v[i].type == LICIT_JSON_STRING) {
        size_t n;
        const char *s = licit_json_str(jv, &n);
        if (n != v[i].n || memcmp(s, v[i].s, n) != 0) abort();
      } else if (v[i].type == LICIT_JSON_BOOL) {
        if (licit_json_bool(jv) != v[i].b) abort();
      } else if (v[i].type == LICIT_JSON_ARRAY) {
        if (licit_json_array_size(jv) != v[i].n_items) abort();
        for (size_t j = 0; j < v[i].n_items; j++) {
          licit_json *ej = licit_json_array_get(jv, j);
          if (v[i].items[j].type == LICIT_JSON_STRING) {
            size_t n;
            const char *s = licit_json_str(ej, &n);
            if (licit_json_typeof(ej) != LICIT_JSON_STRING || n != v[i].items[j].n ||
                memcmp(s, v[i].items[j].s, n) != 0)
              abort();
          }
        }
      }
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static licit_fast *kept;
  licit_fast *fresh;
  if (!kept && licit_fast_create(&kept)) abort();
  if (licit_fast_create(&fresh)) abort();
  licit_json *doc = NULL;
  licit_err e1;
  int lib = licit_json_parse_lenient_numbers((const char *)data, size, &doc, &e1);
  bool lib_ok = lib == 0 && licit_json_typeof(doc) == LICIT_JSON_OBJECT;
  check(fresh, data, size, doc, lib_ok);
  check(kept, data, size, doc, lib_ok);
  licit_fast_destroy(fresh);
  if (doc) licit_json_free(doc);
  return 0;
}
