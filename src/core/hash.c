/* hash.c — SHA-256, HMAC and randomness through libcrypto (see hash.h). */
#include "core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "licit.h"

struct licit_sha256_ctx {
  EVP_MD_CTX *md;
};

void licit_sha256(const void *data, size_t n, uint8_t out[LICIT_SHA256_LEN]) {
  SHA256(data, n, out);
}

licit_sha256_ctx *licit_sha256_begin(void) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md) return NULL;
  if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(md);
    return NULL;
  }
  return (licit_sha256_ctx *)md;
}

void licit_sha256_update(licit_sha256_ctx *c, const void *data, size_t n) {
  EVP_DigestUpdate((EVP_MD_CTX *)c, data, n);
}

void licit_sha256_end(licit_sha256_ctx *c, uint8_t out[LICIT_SHA256_LEN]) {
  unsigned int len = 0;
  EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, &len);
  EVP_MD_CTX_free((EVP_MD_CTX *)c);
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
