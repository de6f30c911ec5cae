/*
 * pending.c - what the writer holds back, and its filter of post ids.
 *
 * A new post cost the ingest a descent of the random-keyed id index for
 * the look-up that finds nothing (is the id taken?) and one for the put.
 * At 10M events the look-ups alone were 28 % of the applying thread, and
 * each is a cold walk through pages that outgrow every cache.  So, for an
 * ingest that asks for it (licit_store_filter_posts):
 *
 *  - A Bloom filter of every post id in the store (blocked: one 64-byte
 *    block a key, 7 bits in it, about 12 bits a key, at most 32 MiB) answers "certainly not
 *    there" without touching the B-tree.  It only ever errs towards
 *    "maybe": a maybe goes to the tree as before, so answers stay exact.
 *    It lives with the store (one ingest, many batches) and is trusted only
 *    while this process is the only writer: a write transaction that does
 *    not follow this process's last commit drops it (another process wrote
 *    posts it does not hold; licit_txn_begin, store_int.h).  An aborted
 *    transaction's posts stay in it, which only adds "maybe"s.
 *  - New posts' ids (-> ordinal, for `postids`) and every post record the
 *    transaction writes (ordinal -> record, for `postrec`) wait in its
 *    memory (found by hash) and go into their tables sorted by key,
 *    through one cursor each, at a checkpoint between events once enough
 *    wait (PENDING_MAX entries or 32 MiB), before the commit, and before
 *    anything iterates those tables in the transaction.  A sorted run finds
 *    each next place on or near the page it is on, and takes its new pages
 *    one after another, so a later scan in ordinal order reads neighbouring
 *    pages.  Reads in the transaction see what waits first.
 *
 * Records returned from here stay valid until the next checkpoint (the
 * start of the next event), longer than LMDB's own (until the next put).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "store/store_int.h"

#define PENDING_MAX 65536u               /* records before a checkpoint flushes */
#define PENDING_BYTES ((size_t)32 << 20) /* or bytes of records and keys */
#define CHUNK ((size_t)1 << 20)
#define FILTER_K 7

/* ---------------------------------------------------------------- filter -- */

typedef struct bloom {
  uint64_t *bits; /* nblocks * 8 words */
  size_t nblocks;
} bloom;

/* The store's post ids, and the parent ids the orphans table holds
 * replies for (a new post looks there for replies that came before it:
 * nearly always none, and the filter says so without a descent). */
typedef struct filter {
  bloom posts, orphans;
} filter;

static uint64_t *filter_block(const bloom *f, uint64_t h) {
  return f->bits + (size_t)(((h >> 32) * (uint64_t)f->nblocks) >> 32) * 8;
}

static void filter_add(bloom *f, uint64_t h) {
  uint64_t *b = filter_block(f, h);
  uint32_t x = (uint32_t)h;
  for (int i = 0; i < FILTER_K; i++) {
    b[(x >> 6) & 7] |= (uint64_t)1 << (x & 63);
    x = x * 0x9e3779b1u + 0x7f4a7c15u;
    x ^= x >> 15;
  }
}

static bool filter_maybe(const bloom *f, uint64_t h) {
  const uint64_t *b = filter_block(f, h);
  uint32_t x = (uint32_t)h;
  for (int i = 0; i < FILTER_K; i++) {
    if (!(b[(x >> 6) & 7] >> (x & 63) & 1)) return false;
    x = x * 0x9e3779b1u + 0x7f4a7c15u;
    x ^= x >> 15;
  }
  return true;
}

static void filter_free(filter *f) {
  if (!f) return;
  free(f->posts.bits);
  free(f->orphans.bits);
  free(f);
}

/* 12 bits a key in 512-bit blocks, at most `max` bytes. */
static int bloom_init(bloom *b, uint64_t keys, uint64_t max) {
  uint64_t nblocks = keys * 12 / 512 + 1;
  if (nblocks > max / 64) nblocks = max / 64;
  b->nblocks = (size_t)nblocks;
  b->bits = calloc((size_t)nblocks * 8, 8);
  return b->bits ? 0 : LICIT_ENOMEM;
}

/* Adds every key of table dbi to b (once per key: MDB_NEXT_NODUP steps over
 * a key's duplicates and is MDB_NEXT in a table without them). */
static int bloom_fill(licit_txn *t, int dbi, bloom *b) {
  MDB_cursor *c = NULL;
  int rc = mdb_cursor_open(t->txn, t->s->dbi[dbi], &c);
  MDB_val k, v;
  int op = MDB_FIRST;
  while (!rc && (rc = mdb_cursor_get(c, &k, &v, op)) == 0) {
    filter_add(b, licit_hash64(k.mv_data, k.mv_size));
    op = MDB_NEXT_NODUP;
  }
  if (c) mdb_cursor_close(c);
  return rc == MDB_NOTFOUND ? 0 : licit__mdb(rc);
}

/* The store's filter, which a write transaction with pf_ok may use. */
static filter *filter_of(const licit_txn *t) { return t->s->pf; }

void licit__filter_drop(licit_store *s) {
  filter_free(s->pf);
  s->pf = NULL;
}

int licit_store_filter_posts(licit_txn *t, uint64_t expect_new) {
  licit_store *s = t->s;
  if (!t->write) return LICIT_EUSAGE;
  licit__filter_drop(s);
  t->pf_ok = false;
  uint64_t keys = t->ctr[CTR_POSTS] + expect_new;
  /* At most 32 MiB, so memory stays bounded: beyond about 20M posts more
   * look-ups go on to the table.  Orphans are replies that came before
   * their parent, a few in a thousand posts; room for one in 16. */
  MDB_stat os;
  int rc = mdb_stat(t->txn, s->dbi[DBI_ORPHANS], &os);
  if (rc) return licit__mdb(rc);
  filter *f = calloc(1, sizeof *f);
  if (!f || bloom_init(&f->posts, keys, (uint64_t)32 << 20) ||
      bloom_init(&f->orphans, os.ms_entries + keys / 16 + 4096, (uint64_t)4 << 20)) {
    filter_free(f);
    return LICIT_ENOMEM; /* the caller goes on without */
  }
  rc = licit__mdb(licit__pending_flush(t));
  if (!rc) rc = bloom_fill(t, DBI_POSTIDS, &f->posts);
  if (!rc) rc = bloom_fill(t, DBI_ORPHANS, &f->orphans);
  if (rc) {
    filter_free(f);
    return rc;
  }
  s->pf = f;
  t->pf_ok = true;
  return 0;
}

/* --------------------------------------------------------------- pending -- */

typedef struct ent {
  uint64_t h;
  char *key, *val;
  uint32_t kn, vn;
} ent;

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  char data[];
} chunk;

/* Entries found by hash; a later put of a key replaces its value. */
typedef struct pmap {
  ent *ents;
  size_t n, cap;
  uint32_t *slots; /* entry index + 1; 0: empty; nslots a power of two */
  size_t nslots;
} pmap;

/* What a write transaction holds back: new posts' ids (-> ordinal, for
 * postids) and the records of posts it wrote (ordinal, big-endian so that
 * keys sort as numbers -> record, for postrec).  Both go into their tables
 * sorted at the flush, so that a run of puts finds each next place on or
 * near the page it is on, and the pages a checkpoint writes are taken one
 * after another in key order, which keeps a later scan in key order on
 * neighbouring pages. */
typedef struct pending {
  pmap ids, recs;
  chunk *chunks;
  size_t bytes;
} pending;

static pending *pending_of(licit_txn *t) {
  if (!t->pending) t->pending = calloc(1, sizeof(pending));
  return t->pending;
}

static char *pending_alloc(pending *p, size_t n) {
  chunk *c = p->chunks;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > CHUNK / 4 ? n : CHUNK;
    chunk *nc = malloc(sizeof *nc + cap);
    if (!nc) return NULL;
    nc->used = 0;
    nc->cap = cap;
    if (c && n > CHUNK / 4) { /* a large record: behind the current chunk */
      nc->next = c->next;
      c->next = nc;
    } else {
      nc->next = c;
      p->chunks = nc;
    }
    c = nc;
  }
  char *r = c->data + c->used;
  c->used += (n + 7) & ~(size_t)7;
  if (c->used > c->cap) c->used = c->cap;
  p->bytes += n;
  return r;
}

static ent *pmap_find(pmap *m, uint64_t h, const char *key, size_t n, size_t *slot) {
  if (!m->nslots) return NULL;
  size_t i = (size_t)h & (m->nslots - 1);
  for (;; i = (i + 1) & (m->nslots - 1)) {
    uint32_t e = m->slots[i];
    if (!e) break;
    ent *x = &m->ents[e - 1];
    if (x->h == h && x->kn == n && !memcmp(x->key, key, n)) return x;
  }
  if (slot) *slot = i;
  return NULL;
}

static int pmap_grow(pmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 4096;
  ent *e = realloc(m->ents, cap * sizeof *e);
  if (!e) return LICIT_ENOMEM;
  m->ents = e;
  m->cap = cap;
  size_t nslots = cap * 2;
  uint32_t *sl = calloc(nslots, sizeof *sl);
  if (!sl) return LICIT_ENOMEM;
  free(m->slots);
  m->slots = sl;
  m->nslots = nslots;
  for (size_t i = 0; i < m->n; i++) {
    size_t j = (size_t)m->ents[i].h & (nslots - 1);
    while (sl[j]) j = (j + 1) & (nslots - 1);
    sl[j] = (uint32_t)(i + 1);
  }
  return 0;
}

/* Holds back key -> val (replacing what the key held): 0 or LICIT_E*. */
static int pmap_put(pending *p, pmap *m, uint64_t h, const char *key, size_t n, const void *val, size_t vn) {
  size_t slot = 0;
  ent *e = pmap_find(m, h, key, n, &slot);
  char *vb = pending_alloc(p, vn ? vn : 1);
  if (!vb) return LICIT_ENOMEM;
  memcpy(vb, val, vn);
  if (e) {
    e->val = vb;
    e->vn = (uint32_t)vn;
    return 0;
  }
  if (m->n == m->cap) {
    int rc = pmap_grow(m);
    if (rc) return rc;
    pmap_find(m, h, key, n, &slot);
  }
  char *kb = pending_alloc(p, n);
  if (!kb) return LICIT_ENOMEM;
  memcpy(kb, key, n);
  m->ents[m->n] = (ent){h, kb, vb, (uint32_t)n, (uint32_t)vn};
  m->slots[slot] = (uint32_t)++m->n;
  return 0;
}

int licit__pending_get(licit_txn *t, const char *id, size_t n, MDB_val *v) {
  if (!t->pf_ok) return 1;
  uint64_t h = licit_hash64(id, n);
  /* Held-back ids are in the filter too: one block says most new ids are
   * nowhere, before the held-back table is probed. */
  if (!filter_maybe(&filter_of(t)->posts, h)) return MDB_NOTFOUND;
  pending *p = t->pending;
  const ent *e = p ? pmap_find(&p->ids, h, id, n, NULL) : NULL;
  if (e) {
    v->mv_data = e->val;
    v->mv_size = e->vn;
    return 0;
  }
  return 1;
}

void licit__pending_hint(licit_txn *t, uint64_t h, bool new_post) {
  if (!t->pf_ok) return;
  const filter *f = filter_of(t);
  __builtin_prefetch(filter_block(&f->posts, h));
  /* A new post also asks whether replies wait for it. */
  if (new_post) __builtin_prefetch(filter_block(&f->orphans, h));
  const pending *p = t->pending;
  if (p && p->ids.nslots) __builtin_prefetch(&p->ids.slots[(size_t)h & (p->ids.nslots - 1)]);
}

int licit__pending_put(licit_txn *t, const char *id, size_t n, const void *val, size_t vn) {
  if (!t->pf_ok) return 1;
  pending *p = pending_of(t);
  if (!p) return LICIT_ENOMEM;
  uint64_t h = licit_hash64(id, n);
  int rc = pmap_put(p, &p->ids, h, id, n, val, vn);
  if (!rc) filter_add(&filter_of(t)->posts, h);
  return rc;
}

bool licit__orphans_maybe(licit_txn *t, const char *parent, size_t n) {
  return !t->pf_ok || filter_maybe(&filter_of(t)->orphans, licit_hash64(parent, n));
}

void licit__orphans_added(licit_txn *t, const char *parent, size_t n) {
  if (t->pf_ok) filter_add(&filter_of(t)->orphans, licit_hash64(parent, n));
}

static void ord_key(uint32_t ord, char k[4]) {
  k[0] = (char)(ord >> 24);
  k[1] = (char)(ord >> 16);
  k[2] = (char)(ord >> 8);
  k[3] = (char)ord;
}

static uint64_t ord_hash(uint32_t ord) { return (uint64_t)ord * 0x9e3779b97f4a7c15ull; }

int licit__pending_rec_put(licit_txn *t, uint32_t ord, const void *val, size_t vn) {
  if (!t->pf_ok) return 1;
  pending *p = pending_of(t);
  if (!p) return LICIT_ENOMEM;
  char k[4];
  ord_key(ord, k);
  return pmap_put(p, &p->recs, ord_hash(ord), k, 4, val, vn);
}

int licit__pending_rec_get(licit_txn *t, uint32_t ord, MDB_val *v) {
  pending *p = t->pending;
  if (!p || !p->recs.n) return 1;
  char k[4];
  ord_key(ord, k);
  const ent *e = pmap_find(&p->recs, ord_hash(ord), k, 4, NULL);
  if (!e) return 1;
  v->mv_data = e->val;
  v->mv_size = e->vn;
  return 0;
}

/* LMDB's order of keys (licit_id_cmp), prefixes first. */
typedef struct sortkey {
  uint64_t prefix; /* licit_id_prefix */
  const ent *e;
} sortkey;
_Static_assert(offsetof(sortkey, prefix) == 0, "licit__radix_sort_u64 sorts by the first 8 bytes");

static int cmp_sortkey(const void *a, const void *b) {
  const sortkey *x = a, *y = b;
  if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
  return licit_id_cmp(x->e->key, x->e->kn, y->e->key, y->e->kn);
}

/* Sorts sk[0..n) into cmp_sortkey's order: by prefix, a byte at a time
 * from the least significant (bytes that are the same in every key are
 * skipped: an ordinal's key has four), then each run of equal prefixes by
 * the whole id.  A comparison sort of a checkpoint's 64k ids was 3 % of
 * the applying thread at 1M events.  0 or ENOMEM. */
static int sort_sortkeys(sortkey *sk, size_t n) {
  sortkey *tmp = malloc(n * sizeof *tmp);
  if (!tmp) return ENOMEM;
  licit__radix_sort_u64(sk, tmp, n, sizeof *sk);
  free(tmp);
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && sk[j].prefix == sk[i].prefix; j++) {}
    if (j - i > 1) qsort(sk + i, j - i, sizeof *sk, cmp_sortkey);
  }
  return 0;
}

static void pmap_clear(pmap *m) {
  m->n = 0;
  if (m->slots) memset(m->slots, 0, m->nslots * sizeof *m->slots);
}

static void pending_clear(pending *p) {
  pmap_clear(&p->ids);
  pmap_clear(&p->recs);
  p->bytes = 0;
  chunk *c = p->chunks;
  while (c) {
    chunk *next = c->next;
    free(c);
    c = next;
  }
  p->chunks = NULL;
}

/* Puts a map's entries into table `dbi` in key order; `ords`: the keys are
 * big-endian ordinals, put as the table's native unsigned ints. */
static int pmap_flush(licit_txn *t, const pmap *m, int dbi, bool ords) {
  if (!m->n) return 0;
  sortkey *sk = malloc(m->n * sizeof *sk);
  if (!sk) return ENOMEM;
  for (size_t i = 0; i < m->n; i++) {
    const ent *e = &m->ents[i];
    sk[i] = (sortkey){licit_id_prefix(e->key, e->kn), e};
  }
  int rc = sort_sortkeys(sk, m->n);
  if (rc) {
    free(sk);
    return rc;
  }
  MDB_cursor *c = NULL;
  rc = mdb_cursor_open(t->txn, t->s->dbi[dbi], &c);
  for (size_t i = 0; i < m->n && !rc; i++) {
    const ent *e = sk[i].e;
    unsigned int o = 0;
    MDB_val k = {e->kn, e->key}, v = {e->vn, e->val};
    if (ords) {
      const unsigned char *b = (const unsigned char *)e->key;
      o = (unsigned int)b[0] << 24 | (unsigned int)b[1] << 16 | (unsigned int)b[2] << 8 | b[3];
      k = (MDB_val){sizeof o, &o};
    }
    rc = mdb_cursor_put(c, &k, &v, 0);
  }
  if (c) mdb_cursor_close(c);
  free(sk);
  return rc;
}

int licit__pending_flush(licit_txn *t) {
  pending *p = t->pending;
  if (!p || (!p->ids.n && !p->recs.n)) return 0;
  /* Records first: their pages are the ones a scan reads in order. */
  int rc = pmap_flush(t, &p->recs, DBI_POSTREC, true);
  if (!rc) rc = pmap_flush(t, &p->ids, DBI_POSTIDS, false);
  pending_clear(p);
  return rc;
}

int licit_txn_checkpoint(licit_txn *t) {
  const pending *p = t->pending;
  if (!p || (p->ids.n < PENDING_MAX && p->recs.n < PENDING_MAX && p->bytes < PENDING_BYTES)) return 0;
  return licit__mdb(licit__pending_flush(t));
}

void licit__pending_free(licit_txn *t) {
  pending *p = t->pending;
  if (!p) return;
  pending_clear(p);
  free(p->ids.ents);
  free(p->ids.slots);
  free(p->recs.ents);
  free(p->recs.slots);
  free(p);
  t->pending = NULL;
}
