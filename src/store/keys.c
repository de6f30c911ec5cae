/*
 * keys.c — the store's snapshot signing key (see store.h).
 *
 * Kept in the meta table under "sign_key" as the 32-byte Ed25519 seed.  It
 * is made the first time a write transaction asks for it: with the store's
 * first snapshot, or `licit key` on a store made by an earlier version.
 * Server tokens use a separate key (SPEC section 9), never this one.
 */
#include <string.h>

#include "core/sign.h"
#include "store/store_int.h"

#define SIGN_KEY "sign_key"

int licit_store_sign_key(licit_txn *t, uint8_t seed[32], uint8_t pub[32], licit_err *err) {
  MDB_val v;
  int rc = licit__meta_get(t, SIGN_KEY, &v);
  if (rc == 0) {
    if (v.mv_size != LICIT_ED25519_SEED_LEN)
      return licit_err_set(err, LICIT_ESTORE, "the store's signing key is damaged (%zu bytes)", v.mv_size);
    memcpy(seed, v.mv_data, LICIT_ED25519_SEED_LEN);
    if (licit_ed25519_public(seed, pub))
      return licit_err_set(err, LICIT_EINTERNAL, "cannot derive the signing key's public half");
    return 0;
  }
  if (rc != MDB_NOTFOUND) return licit__mdb_err(rc, err, "signing key");
  if (!t->write) return licit_err_set(err, LICIT_ENOTFOUND, "the store has no signing key yet");
  if (licit_ed25519_keygen(seed, pub)) return licit_err_set(err, LICIT_EIO, "cannot make a signing key");
  if ((rc = licit__meta_put(t, SIGN_KEY, seed, LICIT_ED25519_SEED_LEN))) return licit__mdb_err(rc, err, "signing key");
  return 0;
}
