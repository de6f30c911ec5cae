/* store_int.h — what store.c and apply.c share; nothing outside src/store. */
#ifndef LICIT_STORE_INT_H
#define LICIT_STORE_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "store/store.h"

enum {
  DBI_META, DBI_LOG, DBI_IDS, DBI_POSTIDS, DBI_POSTREC, DBI_USERS, DBI_USTATE,
  DBI_UPOSTS, DBI_SIGNALS, DBI_SNAPSHOTS, DBI_SNAPBITS, DBI_POLICIES,
  DBI_ORPHANS, DBI_LINKS, DBI_ULINKS, DBI_UMENTIONS,
  DBI_MANIFESTS, DBI_MERKLE, /* lineage.c: manifests as written; Merkle leaves and subtrees */
  DBI_COUNT
};

/* CTR_LOG_FROM: the first seq whose log record is in the log file (format
 * 5; 0: none, every record is in the log table, as formats 2-4 kept them);
 * CTR_LOG_END: the log file's committed length. */
enum {
  CTR_LOG, CTR_POSTS, CTR_USERS, CTR_SIGNALS, CTR_SNAPSHOTS, CTR_POLICIES, CTR_REPLIES,
  CTR_LOG_FROM, CTR_LOG_END, CTR_COUNT
};

struct licit_store {
  MDB_env *env;
  atomic_int prefetchers; /* read-ahead threads running (prefetch.c) */
  MDB_dbi dbi[DBI_COUNT];
  unsigned absent; /* bit i: table i is not in the file (a read-only open
                      of an older store); it reads as empty */
  bool readonly;
  /* A read-only open of a store of format 5 or older: its event ids are in
   * the table "ids" (ids5) under their own bytes, not in DBI_IDS under
   * licit__id_key (the first write open moves them: upgrade_ids). */
  bool ids5_used;
  MDB_dbi ids5;
  bool random_tail;  /* advise the map MADV_RANDOM from random_from (random_tail) */
  uint64_t random_from;
  size_t random_map; /* the map size whose tail was last advised MADV_RANDOM */
  char *dir;
  /* LMDB may remap the file only while no transaction of this process is
   * open (mdb_env_set_mapsize).  Every transaction holds this lock shared
   * from begin to end; growing or adopting the map takes it exclusively, so
   * threads reading while the ingest grows the map never see it move.
   * Writer-preferring, so a stream of readers cannot starve a growth. */
  pthread_rwlock_t maplock;
  /* What the writer keeps from one write transaction to the next: the
   * filter of post ids (pending.c) and the cache of accounts (apply.c), or
   * NULL.  Both are trusted only by a write transaction that follows
   * own_txnid, the last commit of this process (set while that commit
   * held LMDB's writer lock); licit_txn_begin drops them otherwise. */
  void *pf;
  void *uc;
  size_t own_txnid;
  /* licit_store_warm_write's memory of where the map is. */
  char *map_base;
  size_t map_size;
  /* The write transaction open now, or NULL: licit_store_close aborts one
   * left open, so that a process never ends holding LMDB's writer lock in a
   * lock file it has unmapped (the lock would stay taken for every other
   * process that has the store open). */
  _Atomic(struct licit_txn *) writer;
  /* The log file (DIR/log.dat, store.c "the log file"): its descriptor
   * (-1 until it exists), a read-only map of it that never moves, and the
   * length known to be in the file (refreshed by fstat when a record
   * reaches beyond it).  logmu guards opening and mapping it. */
  pthread_mutex_t logmu;
  int logfd;
  _Atomic(const char *) logmap; /* set once, released after logmap_size */
  size_t logmap_size;
  _Atomic uint64_t log_size;
  /* How far the writer has written the log file (log_write), and how far
   * licit_store_log_writeback has started writing it back (its caller's
   * own). */
  _Atomic uint64_t log_written;
  uint64_t log_wb;
  /* licit_store_log_warm's, under logwmu, which also holds the writer's
   * appends to the file: whether a write transaction is open for it
   * (log_begin to log_commit or the transaction's end), how far it has
   * brought the log file's page cache, whether it grew the file. */
  pthread_mutex_t logwmu;
  bool log_warm_open, log_grown;
  uint64_t log_warmed;
};

struct licit_txn {
  licit_store *s;
  MDB_txn *txn;
  bool write;
  bool sibling;            /* licit_txn_begin_sibling: holds no maplock */
  uint64_t ctr[CTR_COUNT]; /* counters; written back to meta at commit */
  licit_buf enc, tmp;      /* encoding scratch for the writer */
  licit_buf bufs[LICIT_TXN_BUFS]; /* licit_txn_buf */
  void *work;              /* apply.c's working memory */
  const size_t *next_pgno; /* a write transaction's next new page, when
                            * LMDB's layout was recognised (write_end) */
  unsigned psize;
  bool pf_ok;    /* the store's filter holds every post this transaction sees */
  void *pending; /* posts held back (pending.c) */
  /* A write transaction's log records not yet written to the log file;
   * they belong at file offset log_base (store.c "the log file"). */
  licit_buf logbuf;
  uint64_t log_base;
  bool log_wrote; /* this transaction wrote to the log file: sync it */
  /* The cursor licit__log_put appends to the log table through (LMDB
   * closes it with the transaction): it stays at the table's last entry,
   * where an append through mdb_put would first descend from the root. */
  MDB_cursor *logc;
  /* The cursor licit_store_claim_id puts through (closed by LMDB with the
   * transaction): when the next id lands on the leaf it stands on, as ids
   * that count up or carry a time do, LMDB inserts there without a
   * descent from the root. */
  MDB_cursor *idsc;
};

#define USER_HDR 32
/* User record flags (the header's last word; 0 in records written before
 * flags existed). */
#define UF_UNKNOWN 1u   /* only mentioned so far: no event of the account */
#define UF_FIRST_SEQ 2u /* an 8-byte first_seq follows the id */

int licit__mdb_err(int rc, licit_err *err, const char *what);
/* *kept, a cursor on write table `i` kept for the rest of write
 * transaction t (LMDB closes it with the transaction), opened on first use:
 * puts through it start from the leaf it stands on.  0 or LMDB's code. */
static inline int licit__kept_cursor(licit_txn *t, int i, MDB_cursor **kept) {
  if (*kept) return 0;
  int rc = mdb_cursor_open(t->txn, t->s->dbi[i], kept);
  if (rc) *kept = NULL;
  return rc;
}
/* Stores the encoded event of seq `seq` (the next one) in the log: in the
 * log file with the table saying where (format 5), or in the table (a
 * store whose log_from is not set).  0 or LICIT_E*. */
int licit__log_put(licit_txn *t, uint64_t seq, const void *enc, size_t n);

/* mdb_get / mdb_cursor_open on table `i`.  A table that a newer licit added
 * is missing from an older store opened read-only: it reads as empty, so
 * licit__get returns MDB_NOTFOUND and licit__cursor_open returns
 * MDB_NOTFOUND with no cursor (the caller treats that as "no entries").
 * Reads go through these two; writes may use t->s->dbi directly (a write
 * open creates every table). */
static inline int licit__get(licit_txn *t, int i, MDB_val *k, MDB_val *v) {
  if (t->s->absent & (1u << i)) return MDB_NOTFOUND;
  return mdb_get(t->txn, t->s->dbi[i], k, v);
}
static inline int licit__cursor_open(licit_txn *t, int i, MDB_cursor **c) {
  *c = NULL;
  if (t->s->absent & (1u << i)) return MDB_NOTFOUND;
  return mdb_cursor_open(t->txn, t->s->dbi[i], c);
}
/* An LMDB (or errno) code as a LICIT_E* code. */
int licit__mdb(int rc);
int licit__meta_get(licit_txn *t, const char *key, MDB_val *val);
int licit__meta_put(licit_txn *t, const char *key, const void *p, size_t n);
int licit__post_decode(const MDB_val *v, licit_post_rec *r, licit_buf *scratch);
/* A record as formats 2 and 3 wrote it (without the id), for the upgrade;
 * r->id is left empty. */
int licit__post_decode_v3(const MDB_val *v, licit_post_rec *r, licit_buf *scratch);
int licit__post_encode(const licit_post_rec *r, licit_buf *out);
int licit__user_decode(const MDB_val *v, licit_user_rec *r, licit_buf *scratch);
int licit__user_encode(const licit_user_rec *r, licit_buf *out);
void licit__apply_free(void *w);
/* Puts the index entries the write transaction holds back (apply.c);
 * before its commit and before it reads those indexes.  0 or LMDB's code. */
int licit__apply_flush(licit_txn *t);

/* pending.c: the posts a write transaction holds back, and the filter.
 * licit__pending_get: 0 (v is the record), MDB_NOTFOUND (certainly not in
 * the store), or 1 (ask the table).  licit__pending_put: 0, LICIT_E*, or 1
 * (not held back: put it in the table).  licit__pending_flush: 0 or LMDB's
 * code. */
int licit__pending_get(licit_txn *t, const char *id, size_t n, MDB_val *v);
/* licit_txn_hint's share: the filters' blocks and the held-back ids' slot
 * of post id hash h (pending.c), and the account cache's set of account id
 * hash h (apply.c). */
void licit__pending_hint(licit_txn *t, uint64_t h, bool new_post);
void licit__ucache_hint(licit_txn *t, uint64_t h);
int licit__pending_put(licit_txn *t, const char *id, size_t n, const void *val, size_t vn);
int licit__pending_flush(licit_txn *t);
/* Whether the orphans table may hold replies to `parent` (false: certainly
 * none; always true without the filter), and the note of one put there. */
bool licit__orphans_maybe(licit_txn *t, const char *parent, size_t n);
void licit__orphans_added(licit_txn *t, const char *parent, size_t n);
/* Post records held back by ordinal (put into postrec sorted at the
 * flush): 0, LICIT_E*, or 1 (put it in the table).
 * licit__pending_rec_get: 0 (v is the record) or 1 (ask the table). */
int licit__pending_rec_put(licit_txn *t, uint32_t ord, const void *val, size_t vn);
int licit__pending_rec_get(licit_txn *t, uint32_t ord, MDB_val *v);
void licit__pending_free(licit_txn *t);
void licit__filter_drop(licit_store *s);
void licit__ucache_drop(licit_store *s);
/* The replies waiting for a parent post id (free() *children). */
int licit__orphans(licit_txn *t, const char *parent, size_t n, uint32_t **children, size_t *count);
void licit__signal_key(const char *tok, size_t n, char key[520], MDB_val *k);
/* The key of an event id in DBI_IDS (format 6): the id with its trailing
 * decimal number (at most 20 digits) put after a byte that holds its
 * digit count, so that ids that count up ("e-9", "e-10", "e-11") sort in
 * the order they come and each claim lands at the table's end or beside
 * the last one; an id without trailing digits is its own key.  Ids hold no
 * byte below 0x20 (licit_event_check), so the count byte marks where the
 * number starts and two ids never share a key.  Returns the key's length
 * (at most n + 1). */
size_t licit__id_key(const char *id, size_t n, char key[LICIT_ID_MAX + 1]);

/* Sorts n elements of `size` bytes that each begin with a uint64_t key by
 * that key, a byte at a time from the least significant (a byte that is
 * the same in every key is skipped), stable; tmp has room for n elements.
 * Inline so that each caller's constant size makes the copies plain
 * moves: the held-back account lists (8-byte keys) and a checkpoint's
 * post ids (a prefix and a pointer). */
static inline void licit__radix_sort_u64(void *v, void *tmp, size_t n, size_t size) {
  unsigned char *src = v, *dst = tmp;
  for (unsigned shift = 0; shift < 64 && n; shift += 8) {
    size_t count[256] = {0};
    uint64_t k;
    for (size_t i = 0; i < n; i++) {
      memcpy(&k, src + i * size, sizeof k);
      count[k >> shift & 0xff]++;
    }
    memcpy(&k, src, sizeof k);
    if (count[k >> shift & 0xff] == n) continue; /* one digit: in order */
    size_t sum = 0;
    for (size_t d = 0; d < 256; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) {
      memcpy(&k, src + i * size, sizeof k);
      memcpy(dst + count[k >> shift & 0xff]++ * size, src + i * size, size);
    }
    unsigned char *x = src;
    src = dst;
    dst = x;
  }
  if (src != (unsigned char *)v) memcpy(v, src, n * size);
}

#endif
