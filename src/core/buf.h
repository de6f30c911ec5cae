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
int licit_buf_add(licit_buf *b, const void *p, size_t n);
int licit_buf_addc(licit_buf *b, char c);
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
