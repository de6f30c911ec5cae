/* sign.c — Ed25519 through libcrypto's EVP_PKEY_ED25519 (see sign.h). */
#include "core/sign.h"

#include <openssl/evp.h>

#include "core/hash.h"
#include "licit.h"

int licit_ed25519_keygen(uint8_t seed[LICIT_ED25519_SEED_LEN], uint8_t pub[LICIT_ED25519_PUB_LEN]) {
  if (licit_random_bytes(seed, LICIT_ED25519_SEED_LEN)) return LICIT_EIO;
  return licit_ed25519_public(seed, pub) ? LICIT_EIO : 0;
}

int licit_ed25519_public(const uint8_t seed[LICIT_ED25519_SEED_LEN], uint8_t pub[LICIT_ED25519_PUB_LEN]) {
  EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, LICIT_ED25519_SEED_LEN);
  if (!k) return LICIT_EINTERNAL;
  size_t len = LICIT_ED25519_PUB_LEN;
  int ok = EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == LICIT_ED25519_PUB_LEN;
  EVP_PKEY_free(k);
  return ok ? 0 : LICIT_EINTERNAL;
}

int licit_ed25519_sign(const uint8_t seed[LICIT_ED25519_SEED_LEN], const void *msg, size_t n,
                       uint8_t sig[LICIT_ED25519_SIG_LEN]) {
  EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, LICIT_ED25519_SEED_LEN);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  size_t len = LICIT_ED25519_SIG_LEN;
  int ok = k && md && EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
           EVP_DigestSign(md, sig, &len, msg, n) == 1 && len == LICIT_ED25519_SIG_LEN;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  return ok ? 0 : LICIT_EINTERNAL;
}

int licit_ed25519_verify(const uint8_t pub[LICIT_ED25519_PUB_LEN], const void *msg, size_t n,
                         const uint8_t sig[LICIT_ED25519_SIG_LEN]) {
  EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, LICIT_ED25519_PUB_LEN);
  if (!k) return LICIT_EINVAL; /* not a valid public key */
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int rc = LICIT_EINTERNAL;
  if (md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1)
    rc = EVP_DigestVerify(md, sig, LICIT_ED25519_SIG_LEN, msg, n) == 1 ? 0 : LICIT_EINVAL;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  return rc;
}
