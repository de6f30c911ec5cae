/*
 * hash.h — SHA-256, the keyed pseudonym hash and random bytes.
 *
 * With sign.c (Ed25519), the one module that includes the crypto library (OpenSSL's libcrypto:
 * its SHA-256 uses the CPU's SHA extensions where present, which matters
 * because every included post's text is hashed for the snapshot digest).
 */
#ifndef LICIT_HASH_H
#define LICIT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LICIT_SHA256_LEN 32

void licit_sha256(const void *data, size_t n, uint8_t out[LICIT_SHA256_LEN]);

/* Incremental SHA-256. */
typedef struct licit_sha256_ctx licit_sha256_ctx;
licit_sha256_ctx *licit_sha256_begin(void); /* NULL when out of memory */
/* 0, or LICIT_EINTERNAL when the library failed; a failure sticks, so
 * checking licit_sha256_end's result is enough. */
int licit_sha256_update(licit_sha256_ctx *c, const void *data, size_t n);
/* Writes the digest and frees the context (always).  0, or LICIT_EINTERNAL
 * when any update or the final step failed: then `out` is not the digest. */
int licit_sha256_end(licit_sha256_ctx *c, uint8_t out[LICIT_SHA256_LEN]);

/* A fast 64-bit hash of bytes, for the in-memory caches and filters:
 * eight bytes a step (the ids it hashes are 10-60 bytes; FNV-1a's byte a
 * step took a fifth of a microsecond on the long ones), then a 64-bit
 * finaliser so that every bit depends on every byte.  Not a digest, and
 * never stored: its users confirm a hit against the bytes themselves or
 * only lose time on a collision. */
static inline uint64_t licit_hash64(const void *data, size_t n) {
  const unsigned char *p = data;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0xff51afd7ed558ccdull);
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h ^= w * 0x87c37b91114253d5ull;
    h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937full;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, p, n);
    h ^= w * 0x87c37b91114253d5ull;
    h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937full;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

/* HMAC-SHA-256 of data under key. */
void licit_hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t n,
                       uint8_t out[LICIT_SHA256_LEN]);

/* Fills buf with cryptographically random bytes; 0 or LICIT_EIO. */
int licit_random_bytes(void *buf, size_t n);

/* Lower-case hex of n bytes into out (2n+1 bytes with the NUL). */
void licit_hex(const uint8_t *in, size_t n, char *out);

#endif
