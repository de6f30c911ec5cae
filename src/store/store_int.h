/* store_int.h — what store.c and apply.c share; nothing outside src/store. */
#ifndef LICIT_STORE_INT_H
#define LICIT_STORE_INT_H

#include <lmdb.h>

#include "store/store.h"

enum {
  DBI_META, DBI_LOG, DBI_IDS, DBI_POSTS, DBI_POSTORD, DBI_USERS, DBI_USTATE,
  DBI_UPOSTS, DBI_SIGNALS, DBI_SNAPSHOTS, DBI_SNAPBITS, DBI_POLICIES,
  DBI_MANIFESTS, DBI_MERKLE, /* lineage.c: manifests as written; Merkle leaves and subtrees */
  DBI_COUNT
};

enum { CTR_LOG, CTR_POSTS, CTR_USERS, CTR_SIGNALS, CTR_SNAPSHOTS, CTR_POLICIES, CTR_COUNT };

struct licit_store {
  MDB_env *env;
  MDB_dbi dbi[DBI_COUNT];
  char *dir;
};

struct licit_txn {
  licit_store *s;
  MDB_txn *txn;
  bool write;
  uint64_t ctr[CTR_COUNT]; /* counters; written back to meta at commit */
  licit_buf enc, tmp;      /* encoding scratch for the writer */
  void *work;              /* apply.c's working memory */
};

#define USER_HDR 32

int licit__mdb_err(int rc, licit_err *err, const char *what);
int licit__meta_get(licit_txn *t, const char *key, MDB_val *val);
int licit__meta_put(licit_txn *t, const char *key, const void *p, size_t n);
int licit__post_decode(const MDB_val *v, licit_post_rec *r, licit_buf *scratch);
int licit__post_encode(const licit_post_rec *r, licit_buf *out);
int licit__user_decode(const MDB_val *v, licit_user_rec *r, licit_buf *scratch);
int licit__user_encode(const licit_user_rec *r, licit_buf *out);
void licit__apply_free(void *w);
void licit__signal_key(const char *tok, size_t n, char key[520], MDB_val *k);

#endif
