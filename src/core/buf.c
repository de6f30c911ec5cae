/* buf.c — growable byte buffer (see buf.h). */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "licit.h"

int licit_buf_reserve(licit_buf *b, size_t extra) {
  if (b->limit && (extra > b->limit || b->len > b->limit - extra)) return LICIT_ETOOBIG;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  size_t ncap = b->cap ? b->cap : 64;
  while (ncap < need) ncap *= 2;
  char *p = realloc(b->data, ncap);
  if (!p) return LICIT_ENOMEM;
  b->data = p;
  b->cap = ncap;
  return 0;
}

int licit_buf_add_slow(licit_buf *b, const void *p, size_t n) {
  int rc = licit_buf_reserve(b, n);
  if (rc) return rc;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
  return 0;
}

int licit_buf_adds(licit_buf *b, const char *z) { return licit_buf_add(b, z, strlen(z)); }

int licit_buf_printf(licit_buf *b, const char *fmt, ...) {
  va_list ap;
  char small[256];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return LICIT_EINVAL;
  if ((size_t)n < sizeof small) return licit_buf_add(b, small, (size_t)n);
  int rc = licit_buf_reserve(b, (size_t)n);
  if (rc) return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

const char *licit_buf_cstr(licit_buf *b) {
  if (!b->data && licit_buf_reserve(b, 0)) return NULL;
  b->data[b->len] = 0;
  return b->data;
}

void licit_buf_reset(licit_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}

void licit_buf_free(licit_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
