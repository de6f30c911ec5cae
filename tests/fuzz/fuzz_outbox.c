/*
 * fuzz_outbox.c — libFuzzer target for the streaming outbox reader
 * (src/adapters/archive.c): the first byte of an input chooses the read size
 * (1-64 bytes, so tokens straddle reads), the rest is the document.  Every
 * element is pulled and parsed as the ActivityPub adapter parses an item.
 * It must never crash, read out of bounds (ASan) or hit undefined behaviour
 * (UBSan); every element must be non-empty, at most its full size, within
 * the kept limit, indexed 0, 1, 2, ...; every error must carry a message
 * naming the document.
 *
 *   scripts/fuzz.sh outbox 120
 * and, as a plain replay of tests/fuzz/corpus/outbox, in
 * `meson test --suite fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/archive.h"
#include "event/event.h"
#include "json/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)       \
  do {                    \
    if (!(cond)) abort(); \
  } while (0)

typedef struct mem {
  const uint8_t *p;
  size_t n, at;
} mem;

static int mem_read(void *ctx, char *buf, size_t cap, size_t *got, licit_err *err) {
  (void)err;
  mem *m = ctx;
  size_t k = m->n - m->at < cap ? m->n - m->at : cap;
  if (k) memcpy(buf, m->p + m->at, k);
  m->at += k;
  *got = k;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = 1 + data[0] % 64;
  /* An exact-size heap copy so ASan sees any read past the end. */
  uint8_t *doc = malloc(size - 1 ? size - 1 : 1);
  if (!doc) return 0;
  memcpy(doc, data + 1, size - 1);
  mem m = {doc, size - 1, 0};
  licit__outbox *o;
  licit_err err = {0};
  int rc = licit__outbox_from(mem_read, &m, "fuzz.json", chunk, &o, &err);
  if (rc) {
    CHECK(rc == LICIT_EINVAL && strncmp(err.msg, "fuzz.json: ", 11) == 0);
    free(doc);
    return 0;
  }
  const char *item;
  size_t len, full;
  uint64_t index, want = 0;
  while ((rc = licit__outbox_next(o, &item, &len, &full, &index, &err)) == 1) {
    CHECK(index == want++);
    CHECK(len >= 1 && len <= full && len <= LICIT_LINE_MAX + 1 && full <= size);
    CHECK(item[0] != ' ' && item[0] != '\n' && item[len - 1] != ' ' && item[len - 1] != '\n');
    licit_json *v;
    if (licit_json_parse_lenient(item, len, &v, NULL) == 0) licit_json_free(v);
  }
  CHECK(rc == 0 || (rc == LICIT_EINVAL && strncmp(err.msg, "fuzz.json: ", 11) == 0));
  licit__outbox_close(o);
  free(doc);
  return 0;
}
