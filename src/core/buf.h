/*
 * buf.h — a growable byte buffer.
 *
 * Append-only with an optional hard cap: a buffer that holds untrusted input
 * is created with a cap so that no input can make it grow without bound.
 * After any failed append the buffer keeps its earlier contents.
 */
#ifndef LICIT_BUF_H
#define LICIT_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct licit_buf {
  char *data; /* NUL-terminated when len > 0 or after licit_buf_cstr */
  size_t len;
  size_t cap;
  size_t limit; /* 0 = unlimited */
} licit_buf;

#define LICIT_BUF_INIT {NULL, 0, 0, 0}

/* Ensures room for `extra` more bytes plus a NUL.  LICIT_ENOMEM or
 * LICIT_ETOOBIG (beyond limit). */
int licit_buf_reserve(licit_buf *b, size_t extra);
/* licit_buf_add when the buffer must grow (or refuse). */
int licit_buf_add_slow(licit_buf *b, const void *p, size_t n);
/* Appends n bytes.  Inline: the store's encoders append a few bytes at a
 * time (a varint), about two thousand instructions an event through a
 * call; with room, an append is a copy. */
static inline int licit_buf_add(licit_buf *b, const void *p, size_t n) {
  if (n < b->cap - b->len && (!b->limit || (n <= b->limit && b->len <= b->limit - n))) {
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
  }
  return licit_buf_add_slow(b, p, n);
}
static inline int licit_buf_addc(licit_buf *b, char c) { return licit_buf_add(b, &c, 1); }
int licit_buf_adds(licit_buf *b, const char *z);
int licit_buf_printf(licit_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Returns data as a C string ("" when empty; never NULL unless out of memory). */
const char *licit_buf_cstr(licit_buf *b);
void licit_buf_reset(licit_buf *b); /* len = 0, memory kept */
void licit_buf_free(licit_buf *b);

#endif
