/* hash.c — SHA-256, HMAC and randomness through libcrypto (see hash.h). */
/* licit_sha256 uses the low-level SHA256_* functions, deprecated (not
 * removed) in OpenSSL 3: there the one-shot SHA256() looks the algorithm up
 * by name on every call, which costs 344 ns for an 80-byte input against
 * 105 ns for SHA256_Init/Update/Final (OpenSSL 3.0, SHA-NI; a Merkle tree
 * hashes two such inputs per document).  Should they go, a reused
 * EVP_MD_CTX with a fetched EVP_MD costs 133 ns. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>

#include "licit.h"

struct licit_sha256_ctx {
  EVP_MD_CTX *md;
  int failed; /* an update failed: the digest would be wrong */
};

void licit_sha256(const void *data, size_t n, uint8_t out[LICIT_SHA256_LEN]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, data, n);
  SHA256_Final(out, &c);
}

licit_sha256_ctx *licit_sha256_begin(void) {
  licit_sha256_ctx *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->md = EVP_MD_CTX_new();
  if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(c->md);
    free(c);
    return NULL;
  }
  return c;
}

int licit_sha256_update(licit_sha256_ctx *c, const void *data, size_t n) {
  if (!c->failed && EVP_DigestUpdate(c->md, data, n) != 1) c->failed = 1;
  return c->failed ? LICIT_EINTERNAL : 0;
}

int licit_sha256_end(licit_sha256_ctx *c, uint8_t out[LICIT_SHA256_LEN]) {
  unsigned int len = 0;
  int ok = !c->failed && EVP_DigestFinal_ex(c->md, out, &len) == 1 && len == LICIT_SHA256_LEN;
  EVP_MD_CTX_free(c->md);
  free(c);
  return ok ? 0 : LICIT_EINTERNAL;
}

void licit_hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t n,
                       uint8_t out[LICIT_SHA256_LEN]) {
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, (int)keylen, data, n, out, &len);
}

int licit_random_bytes(void *buf, size_t n) {
  return RAND_bytes(buf, (int)n) == 1 ? 0 : LICIT_EIO;
}

void licit_hex(const uint8_t *in, size_t n, char *out) {
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hx[in[i] >> 4];
    out[2 * i + 1] = hx[in[i] & 15];
  }
  out[2 * n] = 0;
}
