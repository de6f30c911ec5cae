/*
 * apply.c — storing one accepted event: the log append and the state
 * update, in the caller's write transaction.
 *
 * Nothing here judges an event: the rules of SPEC section 2 live in the
 * ingest's rules stage (src/ingest/rules.c), which looks up what it needs
 * through the typed reads below, decides, and hands what it loaded to
 * licit_store_write.  LMDB's codes are converted to LICIT_E* codes where
 * they arise (mdb() below), so no caller ever sees one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "store/store_int.h"

int licit__mdb(int rc) {
  switch (rc) {
    case 0: return 0;
    case MDB_NOTFOUND: return LICIT_ENOTFOUND;
    case MDB_KEYEXIST: return LICIT_EEXISTS;
    case MDB_MAP_FULL: return LICIT_EFULL;
    case ENOMEM: return LICIT_ENOMEM;
  }
  return rc > 0 ? LICIT_EIO : LICIT_ESTORE;
}

/* The writer's cache of accounts.  It lives with the store from one write
 * transaction to the next (it was one transaction's: at 10M events a
 * dozen commits each started it empty), and is dropped when it cannot be
 * trusted: on an abort or a failed commit (it holds that transaction's
 * puts), and when a write transaction does not follow this process's last
 * commit (another writer came in between: licit_txn_begin, the same rule
 * as for the posts filter).  Only write transactions use it, one at a
 * time.  An ingest looks an account up for nearly every event (the
 * author, the mentioned, the linked), and about a fifth of the writing thread went to
 * descending the users and ustate tables for them.  Two set-associative
 * tables of fixed size (UC_WAYS ways a set, the least recently used one
 * replaced), so memory is bounded whatever the input: id -> ordinal (by
 * a hash of the id, 524,288 accounts), and ordinal -> the encoded user
 * record as stored (131,072 records of up to UC_REC_MAX bytes, each in a
 * block rounded up to 32 bytes; they average about 100 bytes).  Accounts
 * are used very unevenly (a few post thousands of times more than most):
 * a direct-mapped table let a rare account push out a busy one.  With
 * 32,768 records the cache found 54 % of records at 10M events (350k
 * accounts) and the misses cost a tenth of the writing thread; with
 * 131,072 it finds 82 % (93 % at 1M); kept across commits, the
 * applying thread took 2 s less at 10M (41.2 -> 39.1 s user).  The
 * tables are calloc'd, so only the sets used take memory: about 30 MiB
 * when every set is used (at most 72 MiB were every record 512 bytes).
 * save_user writes through both, and it is the only writer of those
 * tables. */
#define UC_WAYS 8u
#define UC_ID_SETS 65536u /* x UC_WAYS entries of 16 bytes: 8 MiB */
#define UC_SETS 16384u    /* x UC_WAYS records */
#define UC_REC_MAX 512

/* An id is kept as a 64-bit hash: four times as many accounts in the same
 * memory as the ids themselves.  A hit is only a guess, confirmed against
 * the id in the account's record (licit_store_user_lookup). */
typedef struct uc_id {
  uint64_t h;
  uint32_t ord;
  uint32_t used; /* the cache's clock when last used; 0: empty */
} uc_id;

typedef struct uc_rec {
  uint32_t ord1; /* ordinal + 1; 0: empty */
  uint32_t used;
  uint32_t len, cap;
  char *data;
} uc_rec;

/* Entries of the two account -> posts indexes (uposts, umentions) are not
 * put one by one: each put descended to a random account's list, and at
 * 10M events the uposts put alone took a tenth of the writing thread.
 * They wait in the transaction's memory as (account << 32 | post) and go
 * in sorted, through one cursor, before the commit (licit__apply_flush),
 * or when DQ_MAX of them wait, so memory stays flat.  A sorted run of
 * puts finds each next position on the page it is on.  Nothing inside the
 * write transaction reads these indexes without flushing first. */
enum { DQ_UPOSTS, DQ_UMENTIONS, DQ_COUNT };
#define DQ_MAX (1u << 17) /* entries a table: 2 MiB with the sort's scratch */

typedef struct deferred {
  uint64_t *v;
  size_t n, cap;
} deferred;

typedef struct work {
  licit_buf lists[5], sigords, menords, newords, child, link, user;
  deferred dq[DQ_COUNT];
} work;

static work *get_work(licit_txn *t) {
  if (!t->work) {
    work *w = calloc(1, sizeof(work));
    if (!w) return NULL;
    t->work = w;
  }
  return t->work;
}

/* The cache lives with the store, from one write transaction to the next
 * (licit_txn_begin drops it when it cannot be trusted). */
typedef struct ucache {
  uc_id *ids;   /* UC_ID_SETS * UC_WAYS (uc_work makes both or none) */
  uc_rec *recs; /* UC_SETS * UC_WAYS */
  uint32_t clock;
} ucache;

static void uc_free(ucache *w) {
  if (!w) return;
  if (w->recs)
    for (uint32_t i = 0; i < UC_SETS * UC_WAYS; i++) free(w->recs[i].data);
  free(w->recs);
  free(w->ids);
  free(w);
}

/* The write transaction's cache (made on first use), or NULL: a read
 * transaction, or no memory for it (look-ups then go to the tables). */
static ucache *uc_work(licit_txn *t) {
  if (!t->write) return NULL;
  licit_store *s = t->s;
  if (!s->uc) {
    ucache *w = calloc(1, sizeof *w);
    if (w) {
      w->ids = calloc((size_t)UC_ID_SETS * UC_WAYS, sizeof *w->ids);
      w->recs = calloc((size_t)UC_SETS * UC_WAYS, sizeof *w->recs);
    }
    if (!w || !w->ids || !w->recs) {
      uc_free(w);
      return NULL;
    }
    s->uc = w;
  }
  return s->uc;
}

void licit__ucache_drop(licit_store *s) {
  uc_free(s->uc);
  s->uc = NULL;
}

static uc_id *uc_id_set(const ucache *w, uint64_t h) {
  return &w->ids[(size_t)((uint32_t)(h >> 32) % UC_ID_SETS) * UC_WAYS];
}

/* The ordinal the cache guesses for the id. */
static bool uc_id_get(ucache *w, const char *id, size_t n, uint32_t *ord) {
  if (!w) return false;
  uint64_t h = licit_hash64(id, n);
  uc_id *set = uc_id_set(w, h);
  for (unsigned i = 0; i < UC_WAYS; i++) {
    uc_id *e = &set[i];
    if (e->h == h && e->used) {
      e->used = ++w->clock;
      *ord = e->ord;
      return true;
    }
  }
  return false;
}

static void uc_id_put(ucache *w, const char *id, size_t n, uint32_t ord) {
  if (!w) return;
  uint64_t h = licit_hash64(id, n);
  uc_id *set = uc_id_set(w, h), *e = &set[0];
  for (unsigned i = 0; i < UC_WAYS; i++) {
    if (set[i].h == h && set[i].used) {
      e = &set[i];
      break;
    }
    if (set[i].used < e->used) e = &set[i]; /* empty ways have used 0 */
  }
  e->h = h;
  e->ord = ord;
  e->used = ++w->clock;
}

void licit__ucache_hint(licit_txn *t, uint64_t h) {
  const ucache *w = t->write ? t->s->uc : NULL;
  if (!w) return;
  const char *set = (const char *)uc_id_set(w, h);
  __builtin_prefetch(set);
  __builtin_prefetch(set + 64); /* UC_WAYS entries of 16 bytes: two lines */
}

void licit_txn_hint(licit_txn *t, uint64_t post, bool new_post, uint64_t parent, uint64_t user) {
  if (post) licit__pending_hint(t, post, new_post);
  if (parent) licit__pending_hint(t, parent, false);
  if (user) licit__ucache_hint(t, user);
}

static uc_rec *uc_rec_set(ucache *w, uint32_t ord) {
  return &w->recs[(size_t)((ord * 2654435761u) >> 16 & (UC_SETS - 1)) * UC_WAYS];
}

static const uc_rec *uc_rec_get(ucache *w, uint32_t ord) {
  if (!w) return NULL;
  uc_rec *set = uc_rec_set(w, ord);
  for (unsigned i = 0; i < UC_WAYS; i++)
    if (set[i].ord1 == ord + 1) {
      set[i].used = ++w->clock;
      return &set[i];
    }
  return NULL;
}

/* Caches the record of `ord` (or forgets it when this one is too large to
 * keep). */
static void uc_rec_put(ucache *w, uint32_t ord, const void *p, size_t n) {
  if (!w) return;
  uc_rec *set = uc_rec_set(w, ord), *e = NULL;
  for (unsigned i = 0; i < UC_WAYS && !e; i++)
    if (set[i].ord1 == ord + 1) e = &set[i];
  if (!e) {
    if (n > UC_REC_MAX) return;
    e = &set[0];
    for (unsigned i = 1; i < UC_WAYS; i++)
      if (set[i].used < e->used) e = &set[i];
  }
  e->ord1 = 0;
  if (n > UC_REC_MAX) return;
  if (n > e->cap) {
    size_t cap = (n + 31) & ~(size_t)31;
    char *d = realloc(e->data, cap);
    if (!d) return;
    e->data = d;
    e->cap = (uint32_t)cap;
  }
  memcpy(e->data, p, n);
  e->len = (uint32_t)n;
  e->ord1 = ord + 1;
  e->used = ++w->clock;
}

static void uc_rec_forget(ucache *w, uint32_t ord) {
  if (!w) return;
  uc_rec *set = uc_rec_set(w, ord);
  for (unsigned i = 0; i < UC_WAYS; i++)
    if (set[i].ord1 == ord + 1) set[i].ord1 = 0;
}

/* Copies `n` entries of `stride` bytes into dst with `e` inserted after every
 * entry whose ts <= e's ts (e has the greatest seq), keeping (ts, seq) order. */
static int insert_sorted(licit_buf *dst, const void *arr, uint32_t n, size_t stride, const void *e) {
  int64_t ts;
  memcpy(&ts, e, 8);
  uint32_t pos = n;
  while (pos > 0) {
    int64_t pts;
    memcpy(&pts, (const char *)arr + (size_t)(pos - 1) * stride, 8);
    if (pts <= ts) break;
    pos--;
  }
  licit_buf_reset(dst);
  int rc = pos ? licit_buf_add(dst, arr, (size_t)pos * stride) : 0;
  if (!rc) rc = licit_buf_add(dst, e, stride);
  /* arr is NULL when n is 0: no arithmetic on it then (C11 6.5.6). */
  if (!rc && pos < n) rc = licit_buf_add(dst, (const char *)arr + (size_t)pos * stride, (size_t)(n - pos) * stride);
  return rc;
}

static int put(licit_txn *t, int dbi, const void *k, size_t kn, const void *v, size_t vn, unsigned fl) {
  MDB_val kk = {kn, (void *)k}, vv = {vn, (void *)v};
  return licit__mdb(mdb_put(t->txn, t->s->dbi[dbi], &kk, &vv, fl));
}

/* A post's record goes to `postrec` under its ordinal: a new post is an
 * append (ordinals are given in order), a change rewrites the record in
 * place.  A new post's id goes to `postids`, held back when the
 * transaction can (pending.c; the rules have already looked the id up),
 * else put at once. */
static int put_post(licit_txn *t, uint32_t ord, const void *v, size_t vn, unsigned fl) {
  unsigned int o = ord;
  int rc = licit__pending_rec_put(t, ord, v, vn);
  return rc == 1 ? put(t, DBI_POSTREC, &o, sizeof o, v, vn, fl) : rc;
}

static int put_new_post(licit_txn *t, const char *id, size_t n, uint32_t ord, const void *v, size_t vn) {
  unsigned int o = ord;
  int rc = put_post(t, ord, v, vn, MDB_APPEND);
  if (rc) return rc == LICIT_EEXISTS ? LICIT_ESTORE : rc;
  rc = licit__pending_put(t, id, n, &o, sizeof o);
  return rc == 1 ? put(t, DBI_POSTIDS, id, n, &o, sizeof o, MDB_NOOVERWRITE) : rc;
}

/* ------------------------------------------------------- typed reads -- */

uint64_t licit_txn_next_seq(const licit_txn *t) { return t->ctr[CTR_LOG] + 1; }

licit_buf *licit_txn_buf(licit_txn *t, int slot) {
  return slot >= 0 && slot < LICIT_TXN_BUFS ? &t->bufs[slot] : NULL;
}

/* Through the write transaction's cache of accounts; a read transaction
 * reads the table. */
int licit_user_get(licit_txn *t, uint32_t ord, licit_user_rec *u, licit_buf *scratch) {
  ucache *w = uc_work(t);
  const uc_rec *e = uc_rec_get(w, ord);
  if (e) {
    MDB_val v = {e->len, e->data};
    return licit__user_decode(&v, u, scratch);
  }
  unsigned int o = ord;
  MDB_val k = {sizeof o, &o}, v;
  int rc = licit__get(t, DBI_USTATE, &k, &v);
  if (rc) return licit__mdb(rc);
  if ((rc = licit__user_decode(&v, u, scratch))) return rc;
  uc_rec_put(w, ord, v.mv_data, v.mv_size);
  return 0;
}

int licit_store_user_lookup(licit_txn *t, licit_strv id, bool *found, licit_user_rec *u, licit_buf *scratch) {
  *found = false;
  uint32_t ord;
  ucache *w = uc_work(t);
  int rc = 0;
  if (uc_id_get(w, id.p, id.n, &ord)) {
    /* The cache's guess holds when the record names the same id. */
    rc = licit_user_get(t, ord, u, scratch);
    if (rc && rc != LICIT_ENOTFOUND) return rc;
    if (!rc && u->id_len == id.n && !memcmp(u->id, id.p, id.n)) {
      *found = true;
      return 0;
    }
  }
  rc = licit_user_ord(t, id.p, id.n, &ord);
  if (rc == LICIT_ENOTFOUND) return 0;
  if (rc) return rc;
  uc_id_put(w, id.p, id.n, ord);
  rc = licit_user_get(t, ord, u, scratch);
  if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  *found = true;
  return 0;
}

int licit_store_post_lookup(licit_txn *t, licit_strv id, bool *found, licit_post_rec *p, licit_buf *scratch) {
  *found = false;
  int rc = licit_post_get(t, id.p, id.n, p, scratch);
  if (rc == LICIT_ENOTFOUND) return 0;
  if (!rc) *found = true;
  return rc;
}

int licit_store_claim_id(licit_txn *t, licit_strv id, uint64_t seq, uint64_t *dup_of) {
  if (!t->write) return LICIT_EUSAGE;
  /* One descent both finds a duplicate and claims the id for this event. */
  char kb[LICIT_ID_MAX + 1];
  if (id.n == 0 || id.n > LICIT_ID_MAX) return LICIT_EINVAL;
  MDB_val k = {licit__id_key(id.p, id.n, kb), kb}, v = {8, &seq};
  int rc = licit__kept_cursor(t, DBI_IDS, &t->idsc);
  if (rc) return licit__mdb(rc);
  rc = mdb_cursor_put(t->idsc, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) {
    *dup_of = 0;
    if (v.mv_size == 8) memcpy(dup_of, v.mv_data, 8);
    return LICIT_EDUPLICATE;
  }
  return licit__mdb(rc);
}

int licit_store_release_id(licit_txn *t, licit_strv id) {
  char kb[LICIT_ID_MAX + 1];
  if (id.n == 0 || id.n > LICIT_ID_MAX) return 0;
  MDB_val k = {licit__id_key(id.p, id.n, kb), kb};
  int rc = licit__mdb(mdb_del(t->txn, t->s->dbi[DBI_IDS], &k, NULL));
  return rc == LICIT_ENOTFOUND ? 0 : rc;
}

/* ------------------------------------------------- deferred index puts -- */

static const int dq_dbi[DQ_COUNT] = {DBI_UPOSTS, DBI_UMENTIONS};

/* Puts table q's waiting entries in key order.  0 or LMDB's code. */
static int dq_flush(licit_txn *t, work *w, int q) {
  deferred *d = &w->dq[q];
  if (!d->n) return 0;
  /* The second half of the buffer is the sort's scratch (defer_put keeps it). */
  licit__radix_sort_u64(d->v, d->v + d->cap / 2, d->n, sizeof *d->v);
  MDB_cursor *c;
  int rc = mdb_cursor_open(t->txn, t->s->dbi[dq_dbi[q]], &c);
  if (rc) return rc;
  /* uposts holds only new posts, whose ordinals are greater than any the
   * account has: each is appended.  A mention may name an old post (an
   * edit), and the same pair twice is one entry. */
  unsigned fl = q == DQ_UPOSTS ? MDB_APPENDDUP : 0;
  for (size_t i = 0; i < d->n && !rc; i++) {
    if (i && d->v[i] == d->v[i - 1]) continue;
    unsigned int k32 = (unsigned int)(d->v[i] >> 32), v32 = (unsigned int)d->v[i];
    MDB_val k = {sizeof k32, &k32}, v = {sizeof v32, &v32};
    rc = mdb_cursor_put(c, &k, &v, fl);
    if (rc == MDB_KEYEXIST && q == DQ_UMENTIONS) rc = 0;
  }
  mdb_cursor_close(c);
  d->n = 0;
  return rc;
}

static int defer_put(licit_txn *t, int q, uint32_t key, uint32_t val) {
  work *w = get_work(t);
  if (!w) return LICIT_ENOMEM;
  deferred *d = &w->dq[q];
  if (d->n == d->cap / 2) {
    if (d->cap / 2 >= DQ_MAX) {
      int rc = dq_flush(t, w, q);
      if (rc) return licit__mdb(rc);
    } else {
      size_t cap = d->cap ? d->cap * 2 : 8192;
      uint64_t *v = realloc(d->v, cap * sizeof *v);
      if (!v) return LICIT_ENOMEM;
      d->v = v;
      d->cap = cap;
    }
  }
  d->v[d->n++] = (uint64_t)key << 32 | val;
  return 0;
}

int licit__apply_flush(licit_txn *t) {
  work *w = t->work;
  int rc = 0;
  for (int q = 0; q < DQ_COUNT && !rc && w; q++) rc = dq_flush(t, w, q);
  return rc;
}

/* --------------------------------------------------------------- users -- */

static int save_user(licit_txn *t, const licit_user_rec *u, bool is_new) {
  int rc = licit__user_encode(u, &t->enc);
  if (rc) return rc;
  unsigned int o = u->ord;
  ucache *w = uc_work(t);
  if (is_new) {
    rc = put(t, DBI_USERS, u->id, u->id_len, &o, 4, MDB_NOOVERWRITE);
    if (!rc) rc = put(t, DBI_USTATE, &o, sizeof o, t->enc.data, t->enc.len, MDB_APPEND);
    if (!rc) uc_id_put(w, u->id, u->id_len, u->ord);
  } else {
    rc = put(t, DBI_USTATE, &o, sizeof o, t->enc.data, t->enc.len, 0);
  }
  /* Write through (a failed put forgets the slot: the caller gives up the
   * transaction anyway). */
  if (!rc) uc_rec_put(w, u->ord, t->enc.data, t->enc.len);
  else uc_rec_forget(w, u->ord);
  return rc == LICIT_EEXISTS && is_new ? LICIT_ESTORE : rc;
}

/* A record for an account the store has none of: known from `seq` when it
 * acts, or not known when it is only mentioned.  Saved at once, so its new
 * ordinal always maps to a record. */
static int create_user(licit_txn *t, licit_strv id, bool known, uint64_t seq, licit_user_rec *u) {
  memset(u, 0, sizeof *u);
  u->ord = (uint32_t)t->ctr[CTR_USERS]++;
  u->id = id.p;
  u->id_len = id.n;
  u->unknown = !known;
  u->first_seq = known ? seq : 0;
  return save_user(t, u, true);
}

/* The account an accepted event names: a new record when the store had
 * none, made known as of `seq` when it was only mentioned.  *u is the
 * record to update (saved by the caller, or here when `save`). */
static int acting_user(licit_txn *t, licit_strv id, bool found, const licit_user_rec *loaded, uint64_t seq, bool save,
                       licit_user_rec *u) {
  if (found) {
    *u = *loaded;
    if (!u->unknown) return 0;
    u->unknown = false;
    u->first_seq = seq;
    return save ? save_user(t, u, false) : 0;
  }
  return create_user(t, id, true, seq, u);
}

/* The user ordinals an event's mentions name, distinct, in first-seen
 * order; an account never seen gets a record that is not known (being
 * mentioned does not make an account known). */
static int intern_mentions(licit_txn *t, const licit_event *ev, licit_buf *ords, licit_buf *scratch) {
  licit_buf_reset(ords);
  for (size_t i = 0; i < ev->n_mentions; i++) {
    licit_strv m;
    int rc = licit_event_mention(ev, i, &m);
    if (rc) return rc;
    bool found;
    licit_user_rec u;
    if ((rc = licit_store_user_lookup(t, m, &found, &u, scratch))) return rc;
    if (!found && (rc = create_user(t, m, false, 0, &u))) return rc;
    const uint32_t *have = (const uint32_t *)ords->data;
    bool dup = false;
    for (size_t j = 0; j < ords->len / 4 && !dup; j++) dup = have[j] == u.ord;
    if (!dup && licit_buf_add(ords, &u.ord, 4)) return LICIT_ENOMEM;
  }
  return 0;
}

/* The reverse index of mentions: each account -> the posts that mention it. */
static int index_mentions(licit_txn *t, const licit_buf *ords, uint32_t post) {
  const uint32_t *m = (const uint32_t *)ords->data;
  for (size_t i = 0; i < ords->len / 4; i++) {
    int rc = defer_put(t, DQ_UMENTIONS, m[i], post);
    if (rc) return rc;
  }
  return 0;
}

static int intern_signals(licit_txn *t, const licit_event *ev, licit_buf *ords) {
  licit_buf_reset(ords);
  for (size_t i = 0; i < ev->n_signals; i++) {
    licit_strv s = ev->signals[i];
    uint32_t o;
    int rc = licit_signal_ord(t, s.p, s.n, &o);
    if (rc == LICIT_ENOTFOUND) {
      char kb[520];
      MDB_val k;
      licit__signal_key(s.p, s.n, kb, &k);
      o = (uint32_t)t->ctr[CTR_SIGNALS]++;
      if ((rc = put(t, DBI_SIGNALS, k.mv_data, k.mv_size, &o, 4, 0))) return rc;
    } else if (rc) {
      return rc;
    }
    if (licit_buf_add(ords, &o, 4)) return LICIT_ENOMEM;
  }
  return 0;
}

/* --------------------------------------------------------------- posts -- */

/* The SHA-256 of the event's text (computed ahead by the ingest's parsing
 * thread when it could). */
static void text_sha(const licit_event *ev, uint8_t sha[32]) {
  if (ev->text_sha_set) memcpy(sha, ev->text_sha, 32);
  else licit_sha256(ev->text.p, ev->text.n, sha);
}

/* Replies that arrived before this post get its ordinal as their parent. */
static int adopt_orphans(licit_txn *t, licit_strv post, uint32_t ord, work *w) {
  if (!licit__orphans_maybe(t, post.p, post.n)) return 0;
  uint32_t *kids = NULL;
  size_t n = 0;
  int rc = licit__orphans(t, post.p, post.n, &kids, &n);
  if (rc || !n) {
    free(kids);
    return rc;
  }
  for (size_t i = 0; i < n && !rc; i++) {
    licit_post_rec c;
    /* licit_post_get_ord checks that the record names kids[i]. */
    if ((rc = licit_post_get_ord(t, kids[i], &c, &w->child))) break;
    c.parent = ord + 1;
    if ((rc = licit__post_encode(&c, &t->enc))) break;
    rc = put_post(t, kids[i], t->enc.data, t->enc.len, 0);
  }
  free(kids);
  if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  MDB_val k = {post.n, (void *)post.p};
  rc = licit__mdb(mdb_del(t->txn, t->s->dbi[DBI_ORPHANS], &k, NULL));
  return rc == LICIT_ENOTFOUND ? 0 : rc;
}

static int write_post(licit_txn *t, const licit_event *ev, const licit_loaded *ld, uint64_t seq, work *w) {
  licit_user_rec u;
  int rc = acting_user(t, ev->user, ld->user_found, &ld->user, seq, true, &u);
  if (rc) return rc;
  if (ev->has_mentions && (rc = intern_mentions(t, ev, &w->menords, &w->user))) return rc;
  uint32_t nmen = ev->has_mentions ? (uint32_t)(w->menords.len / 4) : 0;
  licit_hist men = {ev->ts, seq, 0, (int32_t)nmen};
  licit_hist vis = {ev->ts, seq, ev->visibility, 0};
  licit_text_hist text = {{ev->ts, seq, ev->optout_notice, 0}, {0}};
  text_sha(ev, text.sha);
  if ((rc = intern_signals(t, ev, &w->sigords))) return rc;
  uint32_t nsig = (uint32_t)(w->sigords.len / 4);
  licit_hist sig = {ev->ts, seq, 0, (int32_t)nsig};
  licit_post_rec r = {
      .ord = (uint32_t)t->ctr[CTR_POSTS]++,
      .id = ev->post.p,
      .id_len = (uint32_t)ev->post.n,
      .user = u.ord,
      .created_ts = ev->ts,
      .created_seq = seq,
      .del_ts = LICIT_TIME_NONE,
      .del_seq = 0,
      .n_vis = 1,
      .n_text = 1,
      .n_sig = nsig ? 1 : 0,
      .n_sigords = nsig,
      .vis = &vis,
      .text = &text,
      .sig = &sig,
      .sigords = (const uint32_t *)w->sigords.data,
      .parent = ld->parent,
      /* "mentions": [] is recorded as an empty entry; no field, no entry. */
      .n_men = ev->has_mentions ? 1 : 0,
      .n_menords = nmen,
      .men = &men,
      .menords = (const uint32_t *)w->menords.data,
  };
  if ((rc = licit__post_encode(&r, &t->enc))) return rc;
  if ((rc = put_new_post(t, ev->post.p, ev->post.n, r.ord, t->enc.data, t->enc.len)))
    return rc == LICIT_EEXISTS ? LICIT_ESTORE : rc;
  unsigned int po = r.ord, uo = u.ord;
  if ((rc = defer_put(t, DQ_UPOSTS, uo, po))) return rc;
  if (ev->has_mentions && (rc = index_mentions(t, &w->menords, po))) return rc;
  if (ev->parent.n) t->ctr[CTR_REPLIES]++;
  if (ev->parent.n && !ld->parent) {
    if ((rc = put(t, DBI_ORPHANS, ev->parent.p, ev->parent.n, &po, sizeof po, 0))) return rc;
    licit__orphans_added(t, ev->parent.p, ev->parent.n);
  }
  return adopt_orphans(t, ev->post, r.ord, w);
}

static int write_post_change(licit_txn *t, const licit_event *ev, const licit_loaded *ld, uint64_t seq, work *w) {
  licit_post_rec r = ld->post;
  int rc;
  switch (ev->type) {
    case LICIT_EV_VISIBILITY: {
      licit_hist e = {ev->ts, seq, ev->visibility, 0};
      if ((rc = insert_sorted(&w->lists[0], r.vis, r.n_vis, sizeof e, &e))) return rc;
      r.vis = (const licit_hist *)w->lists[0].data;
      r.n_vis++;
      break;
    }
    case LICIT_EV_EDIT: {
      licit_text_hist e = {{ev->ts, seq, ev->optout_notice, 0}, {0}};
      text_sha(ev, e.sha);
      if ((rc = insert_sorted(&w->lists[0], r.text, r.n_text, sizeof e, &e))) return rc;
      r.text = (const licit_text_hist *)w->lists[0].data;
      r.n_text++;
      if (ev->has_signals) {
        if ((rc = intern_signals(t, ev, &w->newords))) return rc;
        /* New ords go after the existing ones. */
        licit_buf *so = &w->sigords;
        licit_buf_reset(so);
        if ((rc = licit_buf_add(so, r.sigords, (size_t)r.n_sigords * 4))) return rc;
        uint32_t nnew = (uint32_t)(w->newords.len / 4);
        if ((rc = licit_buf_add(so, w->newords.data, w->newords.len))) return rc;
        licit_hist se = {ev->ts, seq, (int32_t)r.n_sigords, (int32_t)nnew};
        if ((rc = insert_sorted(&w->lists[1], r.sig, r.n_sig, sizeof se, &se))) return rc;
        r.sig = (const licit_hist *)w->lists[1].data;
        r.n_sig++;
        r.sigords = (const uint32_t *)so->data;
        r.n_sigords += nnew;
      }
      if (ev->has_mentions) {
        if ((rc = intern_mentions(t, ev, &w->newords, &w->user))) return rc;
        licit_buf *mo = &w->menords;
        licit_buf_reset(mo);
        if ((rc = licit_buf_add(mo, r.menords, (size_t)r.n_menords * 4))) return rc;
        uint32_t nnew = (uint32_t)(w->newords.len / 4);
        if ((rc = licit_buf_add(mo, w->newords.data, w->newords.len))) return rc;
        licit_hist me = {ev->ts, seq, (int32_t)r.n_menords, (int32_t)nnew};
        if ((rc = insert_sorted(&w->lists[2], r.men, r.n_men, sizeof me, &me))) return rc;
        r.men = (const licit_hist *)w->lists[2].data;
        r.n_men++;
        r.menords = (const uint32_t *)mo->data;
        r.n_menords += nnew;
        if ((rc = index_mentions(t, &w->newords, r.ord))) return rc;
      }
      break;
    }
    case LICIT_EV_DELETE:
      r.del_ts = ev->ts;
      r.del_seq = seq;
      break;
    default: return LICIT_EINTERNAL;
  }
  if ((rc = licit__post_encode(&r, &t->enc))) return rc;
  return put_post(t, r.ord, t->enc.data, t->enc.len, 0);
}

/* ------------------------------------------------------------ accounts -- */

static int write_account(licit_txn *t, const licit_event *ev, const licit_loaded *ld, uint64_t seq, work *w) {
  licit_user_rec u;
  int rc = acting_user(t, ev->user, ld->user_found, &ld->user, seq, false, &u);
  if (rc) return rc;
  licit_hist e = {ev->ts, seq, 0, 0};
  switch (ev->type) {
    case LICIT_EV_ACCOUNT:
      if (ev->has_region) {
        e.val = ev->region[0] ? ((unsigned char)ev->region[0] << 8 | (unsigned char)ev->region[1]) : 0;
        if ((rc = insert_sorted(&w->lists[0], u.region, u.n_region, sizeof e, &e))) return rc;
        u.region = (const licit_hist *)w->lists[0].data;
        u.n_region++;
      }
      if (ev->has_private) {
        e.val = ev->private_;
        if ((rc = insert_sorted(&w->lists[1], u.private_, u.n_private, sizeof e, &e))) return rc;
        u.private_ = (const licit_hist *)w->lists[1].data;
        u.n_private++;
      }
      if (ev->has_birth_date) {
        e.val = ev->birth_date;
        if ((rc = insert_sorted(&w->lists[2], u.birth, u.n_birth, sizeof e, &e))) return rc;
        u.birth = (const licit_hist *)w->lists[2].data;
        u.n_birth++;
      }
      break;
    case LICIT_EV_PREFERENCE:
      e.val = ev->ai_training;
      if ((rc = insert_sorted(&w->lists[3], u.pref, u.n_pref, sizeof e, &e))) return rc;
      u.pref = (const licit_hist *)w->lists[3].data;
      u.n_pref++;
      break;
    case LICIT_EV_ACCOUNT_DELETE:
      if ((rc = insert_sorted(&w->lists[4], u.del, u.n_del, sizeof e, &e))) return rc;
      u.del = (const licit_hist *)w->lists[4].data;
      u.n_del++;
      break;
    default: return LICIT_EINTERNAL;
  }
  return save_user(t, &u, false);
}

/* link / unlink: both accounts become known; the pair's history and each
 * account's list of linked accounts are updated. */
static int write_link(licit_txn *t, const licit_event *ev, const licit_loaded *ld, uint64_t seq, work *w) {
  licit_user_rec a, b;
  int rc = acting_user(t, ev->user, ld->user_found, &ld->user, seq, true, &a);
  if (!rc) rc = acting_user(t, ev->with, ld->with_found, &ld->with, seq, true, &b);
  if (rc) return rc;
  uint32_t key[2] = {a.ord < b.ord ? a.ord : b.ord, a.ord < b.ord ? b.ord : a.ord};
  MDB_val k = {8, key}, v;
  rc = licit__mdb(mdb_get(t->txn, t->s->dbi[DBI_LINKS], &k, &v));
  const licit_hist *old = NULL;
  uint32_t n = 0;
  if (rc == 0) {
    if (v.mv_size % sizeof(licit_hist)) return LICIT_ESTORE;
    licit_buf_reset(&w->link);
    if (licit_buf_add(&w->link, v.mv_data, v.mv_size)) return LICIT_ENOMEM;
    old = (const licit_hist *)w->link.data;
    n = (uint32_t)(v.mv_size / sizeof(licit_hist));
  } else if (rc != LICIT_ENOTFOUND) {
    return rc;
  }
  licit_hist e = {ev->ts, seq, ev->type == LICIT_EV_LINK ? 1 : 0, 0};
  if ((rc = insert_sorted(&w->lists[0], old, n, sizeof e, &e))) return rc;
  if ((rc = put(t, DBI_LINKS, key, 8, w->lists[0].data, w->lists[0].len, 0))) return rc;
  if (n == 0) {
    unsigned int ao = a.ord, bo = b.ord;
    if ((rc = put(t, DBI_ULINKS, &ao, sizeof ao, &bo, sizeof bo, 0))) return rc;
    if ((rc = put(t, DBI_ULINKS, &bo, sizeof bo, &ao, sizeof ao, 0))) return rc;
  }
  return 0;
}

int licit_store_write(licit_txn *t, const licit_event *ev, const licit_loaded *ld, uint64_t seq, licit_err *err) {
  if (!t->write || seq != t->ctr[CTR_LOG] + 1)
    return licit_err_set(err, LICIT_EUSAGE, "storing an event: not the next log position of a write transaction");
  work *w = get_work(t);
  if (!w) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  int rc;
  switch (ev->type) {
    case LICIT_EV_POST: rc = write_post(t, ev, ld, seq, w); break;
    case LICIT_EV_EDIT:
    case LICIT_EV_VISIBILITY:
    case LICIT_EV_DELETE: rc = write_post_change(t, ev, ld, seq, w); break;
    case LICIT_EV_ACCOUNT:
    case LICIT_EV_PREFERENCE:
    case LICIT_EV_ACCOUNT_DELETE: rc = write_account(t, ev, ld, seq, w); break;
    case LICIT_EV_LINK:
    case LICIT_EV_UNLINK: rc = write_link(t, ev, ld, seq, w); break;
    default: rc = LICIT_EINTERNAL; break;
  }
  /* The log record is the last write: an event is in the log exactly when
   * its state changes are. */
  const void *enc = ev->log_enc; /* encoded ahead */
  size_t encn = ev->log_enc_n;
  if (!rc && !enc) {
    rc = licit_event_encode(ev, &t->enc);
    enc = t->enc.data;
    encn = t->enc.len;
  }
  if (!rc) rc = licit__log_put(t, seq, enc, encn);
  if (rc) return licit_err_set(err, rc, "storing event %llu: %s", (unsigned long long)seq, licit_strerror(rc));
  t->ctr[CTR_LOG] = seq;
  return 0;
}

void licit__apply_free(void *p) {
  work *w = p;
  if (!w) return;
  for (int i = 0; i < 5; i++) licit_buf_free(&w->lists[i]);
  licit_buf_free(&w->sigords);
  licit_buf_free(&w->menords);
  licit_buf_free(&w->newords);
  licit_buf_free(&w->child);
  licit_buf_free(&w->link);
  licit_buf_free(&w->user);
  for (int i = 0; i < DQ_COUNT; i++) free(w->dq[i].v);
  free(w);
}
