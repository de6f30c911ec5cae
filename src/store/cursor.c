/*
 * cursor.c — followed feeds' cursors (store.h, "cursors"): one meta entry
 * per feed, "cursor:" + the feed key -> the time_us (8 bytes, native order).
 * A key too long for an LMDB key (511 bytes) is stored as "cursor#" + the
 * hex SHA-256 of the feed key instead.
 */
#include "store/store_int.h"

#include <string.h>

#include "core/hash.h"

#define KEY_DIRECT_MAX 400 /* feed keys up to this long are kept as they are */

/* The meta key of a feed into buf (NUL-terminated). */
static void cursor_key(const char *feed, size_t n, char buf[KEY_DIRECT_MAX + 8]) {
  if (n <= KEY_DIRECT_MAX) {
    memcpy(buf, "cursor:", 7);
    memcpy(buf + 7, feed, n);
    buf[7 + n] = 0;
    /* A NUL inside the key would cut it short: hash such keys too. */
    if (memchr(feed, 0, n) == NULL) return;
  }
  uint8_t sha[LICIT_SHA256_LEN];
  licit_sha256(feed, n, sha);
  memcpy(buf, "cursor#", 7);
  licit_hex(sha, sizeof sha, buf + 7);
}

int licit_cursor_get(licit_txn *t, const char *feed, size_t n, int64_t *cursor) {
  if (n == 0) return LICIT_ENOTFOUND;
  char key[KEY_DIRECT_MAX + 8];
  cursor_key(feed, n, key);
  MDB_val v;
  int rc = licit__meta_get(t, key, &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  if (rc) return licit__mdb(rc);
  if (v.mv_size != sizeof *cursor) return LICIT_ESTORE;
  memcpy(cursor, v.mv_data, sizeof *cursor);
  return 0;
}

int licit_cursor_put(licit_txn *t, const char *feed, size_t n, int64_t cursor, licit_err *err) {
  if (n == 0) return licit_err_set(err, LICIT_EINVAL, "a feed's cursor needs a feed key");
  if (!t->write) return licit_err_set(err, LICIT_EUSAGE, "writing a feed's cursor needs a write transaction");
  char key[KEY_DIRECT_MAX + 8];
  cursor_key(feed, n, key);
  int rc = licit__meta_put(t, key, &cursor, sizeof cursor);
  return rc ? licit__mdb_err(rc, err, "saving the feed's cursor") : 0;
}
