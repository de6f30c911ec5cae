/*
 * tokens.c — what the store keeps for the server's access tokens (see
 * store.h, "tokens"; SPEC section 9).
 *
 * Three kinds of entry in the meta table:
 *   "token_key"            the 32-byte Ed25519 seed that signs person tokens
 *                          (never the snapshot signing key)
 *   "operator_token"       the operator's opaque secret, as printed
 *   "token_revoked:USER"   int64 Unix seconds: tokens of USER with iat <= it
 *                          are invalid (at least the time of the latest
 *                          revocation; past it when tokens were minted
 *                          after a revocation in the same second)
 * The key and the operator secret are made by the first write transaction
 * that asks for them (the first `licit serve` or `licit token` on a store),
 * so a store made by an earlier licit gets them too.
 */
#include <string.h>

#include "core/hash.h"
#include "core/sign.h"
#include "store/store_int.h"

#define TOKEN_KEY "token_key"
#define OPERATOR_TOKEN "operator_token"
#define REVOKED_PREFIX "token_revoked:"

int licit_store_token_key(licit_txn *t, uint8_t seed[32], uint8_t pub[32], licit_err *err) {
  MDB_val v;
  int rc = licit__meta_get(t, TOKEN_KEY, &v);
  if (rc == 0) {
    if (v.mv_size != LICIT_ED25519_SEED_LEN)
      return licit_err_set(err, LICIT_ESTORE, "the store's token key is damaged (%zu bytes)", v.mv_size);
    memcpy(seed, v.mv_data, LICIT_ED25519_SEED_LEN);
    if (licit_ed25519_public(seed, pub))
      return licit_err_set(err, LICIT_EINTERNAL, "cannot derive the token key's public half");
    return 0;
  }
  if (rc != MDB_NOTFOUND) return licit__mdb_err(rc, err, "token key");
  if (!t->write) return licit_err_set(err, LICIT_ENOTFOUND, "the store has no token key yet");
  if (licit_ed25519_keygen(seed, pub)) return licit_err_set(err, LICIT_EIO, "cannot make a token key");
  if ((rc = licit__meta_put(t, TOKEN_KEY, seed, LICIT_ED25519_SEED_LEN))) return licit__mdb_err(rc, err, "token key");
  return 0;
}

/* "licit-op-" + 43 base64url characters of 32 random bytes. */
static int make_operator_token(char out[LICIT_OPERATOR_TOKEN_MAX]) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint8_t r[33];
  if (licit_random_bytes(r, sizeof r)) return LICIT_EIO;
  size_t n = 0;
  memcpy(out, "licit-op-", 9);
  n = 9;
  for (size_t i = 0; i < sizeof r; i += 3) {
    uint32_t w = (uint32_t)r[i] << 16 | (uint32_t)r[i + 1] << 8 | r[i + 2];
    for (int k = 3; k >= 0; k--) out[n++] = b64[(w >> (6 * k)) & 63];
  }
  out[n] = 0;
  return 0;
}

int licit_store_operator_token(licit_txn *t, bool rotate, char out[LICIT_OPERATOR_TOKEN_MAX], licit_err *err) {
  MDB_val v;
  int rc = licit__meta_get(t, OPERATOR_TOKEN, &v);
  if (rc == 0 && !rotate) {
    if (v.mv_size == 0 || v.mv_size >= LICIT_OPERATOR_TOKEN_MAX)
      return licit_err_set(err, LICIT_ESTORE, "the store's operator token is damaged");
    memcpy(out, v.mv_data, v.mv_size);
    out[v.mv_size] = 0;
    return 0;
  }
  if (rc && rc != MDB_NOTFOUND) return licit__mdb_err(rc, err, "operator token");
  if (!t->write) return licit_err_set(err, LICIT_ENOTFOUND, "the store has no operator token yet");
  if (make_operator_token(out)) return licit_err_set(err, LICIT_EIO, "cannot make an operator token");
  if ((rc = licit__meta_put(t, OPERATOR_TOKEN, out, strlen(out)))) return licit__mdb_err(rc, err, "operator token");
  return 0;
}

static int revoked_key(const char *user, size_t n, char key[LICIT_ID_MAX + 32]) {
  if (n == 0 || n > LICIT_ID_MAX || memchr(user, 0, n)) return LICIT_EINVAL;
  memcpy(key, REVOKED_PREFIX, sizeof REVOKED_PREFIX - 1);
  memcpy(key + sizeof REVOKED_PREFIX - 1, user, n);
  key[sizeof REVOKED_PREFIX - 1 + n] = 0;
  return 0;
}

int licit_store_token_revoke(licit_txn *t, const char *user, size_t n, int64_t at_s, licit_err *err) {
  char key[LICIT_ID_MAX + 32];
  if (revoked_key(user, n, key)) return licit_err_set(err, LICIT_EINVAL, "not a user id: 1 to 256 bytes, no NUL");
  if (!t->write) return licit_err_set(err, LICIT_EUSAGE, "revoking needs a write transaction");
  int64_t old;
  /* Never moves back; and a token minted since the last revocation in the
   * same second (or when the clock went back) is dated old + 1
   * (licit_token_issue), so the new mark must pass old to cover it. */
  if (licit_store_token_revoked(t, user, n, &old) == 0 && old >= at_s) at_s = old + 1;
  int rc = licit__meta_put(t, key, &at_s, sizeof at_s);
  return rc ? licit__mdb_err(rc, err, "token revocation") : 0;
}

int licit_store_token_revoked(licit_txn *t, const char *user, size_t n, int64_t *at_s) {
  char key[LICIT_ID_MAX + 32];
  if (revoked_key(user, n, key)) return LICIT_ENOTFOUND;
  MDB_val v;
  int rc = licit__meta_get(t, key, &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  if (rc) return licit__mdb(rc);
  if (v.mv_size != sizeof *at_s) return LICIT_ESTORE;
  memcpy(at_s, v.mv_data, sizeof *at_s);
  return 0;
}
