/* utf8.h — UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
#ifndef LICIT_UTF8_H
#define LICIT_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence starting at s[0] (1-4), or 0 when the
 * bytes there are not a valid sequence.  Reads at most n bytes. */
size_t licit_utf8_seq(const unsigned char *s, size_t n);

/* The offset of the first byte of s[0..n) that does not start a valid
 * sequence, or n when all of it is valid UTF-8. */
size_t licit_utf8_invalid_at(const char *s, size_t n);

#endif
