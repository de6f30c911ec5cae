/*
 * pending.c - the writer's posts held back, and its filter of post ids.
 *
 * A new post cost the ingest two descents of the random-keyed `posts`
 * B-tree: the look-up that finds nothing (is the id taken?) and the put.
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
 *  - The records a transaction writes to `posts` wait in its memory
 *    (id -> record, found by hash) and go into the tree sorted by key,
 *    through one cursor, at a checkpoint between events once enough wait
 *    (PENDING_MAX records or 32 MiB), before the commit, and before
 *    anything iterates `posts` in the transaction.  A sorted run finds each
 *    next place on or near the page it is on.  Reads in the transaction
 *    see the waiting record first.
 *
 * Records returned from here stay valid until the next checkpoint (the
 * start of the next event), longer than LMDB's own (until the next put).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "store/store_int.h"

#define PENDING_MAX 65536u               /* records before a checkpoint flushes */
#define PENDING_BYTES ((size_t)32 << 20) /* or bytes of records and keys */
#define CHUNK ((size_t)1 << 20)
#define FILTER_K 7

/* ---------------------------------------------------------------- filter -- */

typedef struct filter {
  uint64_t *bits; /* nblocks * 8 words */
  size_t nblocks;
} filter;

static uint64_t *filter_block(const filter *f, uint64_t h) {
  return f->bits + (size_t)(((h >> 32) * (uint64_t)f->nblocks) >> 32) * 8;
}

static void filter_add(filter *f, uint64_t h) {
  uint64_t *b = filter_block(f, h);
  uint32_t x = (uint32_t)h;
  for (int i = 0; i < FILTER_K; i++) {
    b[(x >> 6) & 7] |= (uint64_t)1 << (x & 63);
    x = x * 0x9e3779b1u + 0x7f4a7c15u;
    x ^= x >> 15;
  }
}

static bool filter_maybe(const filter *f, uint64_t h) {
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
  free(f->bits);
  free(f);
}

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
  /* 12 bits a key in 512-bit blocks; at most 32 MiB, so memory stays
   * bounded: beyond about 20M posts more look-ups go on to the table. */
  uint64_t nblocks = keys * 12 / 512 + 1;
  if (nblocks > ((uint64_t)32 << 20) / 64) nblocks = ((uint64_t)32 << 20) / 64;
  filter *f = calloc(1, sizeof *f);
  if (!f || !(f->bits = calloc((size_t)nblocks * 8, 8))) {
    filter_free(f);
    return LICIT_ENOMEM; /* the caller goes on without */
  }
  f->nblocks = (size_t)nblocks;
  int rc = licit__pending_flush(t);
  MDB_cursor *c = NULL;
  if (!rc) rc = mdb_cursor_open(t->txn, s->dbi[DBI_POSTIDS], &c);
  MDB_val k, v;
  int op = MDB_FIRST;
  while (!rc && (rc = mdb_cursor_get(c, &k, &v, op)) == 0) {
    filter_add(f, licit_hash64(k.mv_data, k.mv_size));
    op = MDB_NEXT;
  }
  if (c) mdb_cursor_close(c);
  if (rc != MDB_NOTFOUND) {
    filter_free(f);
    return licit__mdb(rc);
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

typedef struct pending {
  /* New posts' records, ordinals rbase .. rbase + rn - 1, appended to
   * postrec together at the flush, so that their pages are taken one after
   * another rather than between other tables' pages. */
  uint32_t rbase;
  size_t rn, rcap;
  char **rval;
  uint32_t *rlen;
  ent *ents;
  size_t n, cap;
  uint32_t *slots; /* entry index + 1; 0: empty; nslots a power of two */
  size_t nslots;
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

static ent *pending_find(pending *p, uint64_t h, const char *id, size_t n, size_t *slot) {
  if (!p->nslots) return NULL;
  size_t i = (size_t)h & (p->nslots - 1);
  for (;; i = (i + 1) & (p->nslots - 1)) {
    uint32_t e = p->slots[i];
    if (!e) break;
    ent *x = &p->ents[e - 1];
    if (x->h == h && x->kn == n && !memcmp(x->key, id, n)) return x;
  }
  if (slot) *slot = i;
  return NULL;
}

static int pending_grow(pending *p) {
  size_t cap = p->cap ? p->cap * 2 : 4096;
  ent *e = realloc(p->ents, cap * sizeof *e);
  if (!e) return LICIT_ENOMEM;
  p->ents = e;
  p->cap = cap;
  size_t nslots = cap * 2;
  uint32_t *sl = calloc(nslots, sizeof *sl);
  if (!sl) return LICIT_ENOMEM;
  free(p->slots);
  p->slots = sl;
  p->nslots = nslots;
  for (size_t i = 0; i < p->n; i++) {
    size_t j = (size_t)p->ents[i].h & (nslots - 1);
    while (sl[j]) j = (j + 1) & (nslots - 1);
    sl[j] = (uint32_t)(i + 1);
  }
  return 0;
}

int licit__pending_get(licit_txn *t, const char *id, size_t n, MDB_val *v) {
  if (!t->pf_ok) return 1;
  uint64_t h = licit_hash64(id, n);
  /* Held-back ids are in the filter too: one block says most new ids are
   * nowhere, before the held-back table is probed. */
  if (!filter_maybe(t->s->pf, h)) return MDB_NOTFOUND;
  pending *p = t->pending;
  const ent *e = p ? pending_find(p, h, id, n, NULL) : NULL;
  if (e) {
    v->mv_data = e->val;
    v->mv_size = e->vn;
    return 0;
  }
  return 1;
}

int licit__pending_put(licit_txn *t, const char *id, size_t n, const void *val, size_t vn) {
  if (!t->pf_ok) return 1;
  pending *p = pending_of(t);
  if (!p) return LICIT_ENOMEM;
  uint64_t h = licit_hash64(id, n);
  size_t slot = 0;
  ent *e = pending_find(p, h, id, n, &slot);
  char *vb = pending_alloc(p, vn ? vn : 1);
  if (!vb) return LICIT_ENOMEM;
  memcpy(vb, val, vn);
  if (e) {
    e->val = vb;
    e->vn = (uint32_t)vn;
    return 0;
  }
  if (p->n == p->cap) {
    int rc = pending_grow(p);
    if (rc) return rc;
    pending_find(p, h, id, n, &slot);
  }
  char *kb = pending_alloc(p, n);
  if (!kb) return LICIT_ENOMEM;
  memcpy(kb, id, n);
  p->ents[p->n] = (ent){h, kb, vb, (uint32_t)n, (uint32_t)vn};
  p->slots[slot] = (uint32_t)++p->n;
  filter_add(t->s->pf, h);
  return 0;
}

/* LMDB's order of keys: bytes, then length. */
typedef struct sortkey {
  uint64_t prefix; /* the first 8 bytes, big-endian, zero-padded */
  const ent *e;
} sortkey;

static int cmp_sortkey(const void *a, const void *b) {
  const sortkey *x = a, *y = b;
  if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
  size_t n = x->e->kn < y->e->kn ? x->e->kn : y->e->kn;
  int c = memcmp(x->e->key, y->e->key, n);
  if (c) return c;
  return x->e->kn < y->e->kn ? -1 : x->e->kn > y->e->kn;
}

static void pending_clear(pending *p) {
  p->n = 0;
  p->rn = 0;
  p->bytes = 0;
  if (p->slots) memset(p->slots, 0, p->nslots * sizeof *p->slots);
  chunk *c = p->chunks;
  while (c) {
    chunk *next = c->next;
    free(c);
    c = next;
  }
  p->chunks = NULL;
}

int licit__pending_rec_put(licit_txn *t, uint32_t ord, const void *val, size_t vn, bool is_new) {
  if (!t->pf_ok) return 1;
  pending *p = pending_of(t);
  if (!p) return LICIT_ENOMEM;
  bool held = p->rn && ord >= p->rbase && ord - p->rbase < p->rn;
  if (!held && !is_new) return 1;
  if (!held && p->rn && ord != p->rbase + p->rn) { /* not the next: the run goes in first */
    int rc = licit__pending_flush(t);
    if (rc) return licit__mdb(rc);
  }
  char *vb = pending_alloc(p, vn ? vn : 1);
  if (!vb) return LICIT_ENOMEM;
  memcpy(vb, val, vn);
  if (held) {
    p->rval[ord - p->rbase] = vb;
    p->rlen[ord - p->rbase] = (uint32_t)vn;
    return 0;
  }
  if (p->rn == p->rcap) {
    size_t cap = p->rcap ? p->rcap * 2 : 4096;
    char **nv = realloc(p->rval, cap * sizeof *nv);
    if (!nv) return LICIT_ENOMEM;
    p->rval = nv;
    uint32_t *nl = realloc(p->rlen, cap * sizeof *nl);
    if (!nl) return LICIT_ENOMEM;
    p->rlen = nl;
    p->rcap = cap;
  }
  if (!p->rn) p->rbase = ord;
  p->rval[p->rn] = vb;
  p->rlen[p->rn++] = (uint32_t)vn;
  return 0;
}

int licit__pending_rec_get(licit_txn *t, uint32_t ord, MDB_val *v) {
  const pending *p = t->pending;
  if (!p || !p->rn || ord < p->rbase || ord - p->rbase >= p->rn) return 1;
  v->mv_data = p->rval[ord - p->rbase];
  v->mv_size = p->rlen[ord - p->rbase];
  return 0;
}

int licit__pending_flush(licit_txn *t) {
  pending *p = t->pending;
  if (!p || (!p->n && !p->rn)) return 0;
  if (p->rn) {
    MDB_cursor *c = NULL;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DBI_POSTREC], &c);
    for (size_t i = 0; i < p->rn && !rc; i++) {
      unsigned int o = p->rbase + (uint32_t)i;
      MDB_val k = {sizeof o, &o}, v = {p->rlen[i], p->rval[i]};
      rc = mdb_cursor_put(c, &k, &v, MDB_APPEND);
    }
    if (c) mdb_cursor_close(c);
    p->rn = 0;
    if (rc) {
      pending_clear(p);
      return rc;
    }
    if (!p->n) {
      pending_clear(p);
      return 0;
    }
  }
  sortkey *sk = malloc(p->n * sizeof *sk);
  if (!sk) return ENOMEM;
  for (size_t i = 0; i < p->n; i++) {
    const ent *e = &p->ents[i];
    uint64_t pre = 0;
    for (size_t j = 0; j < 8; j++) pre = pre << 8 | (j < e->kn ? (unsigned char)e->key[j] : 0);
    sk[i] = (sortkey){pre, e};
  }
  qsort(sk, p->n, sizeof *sk, cmp_sortkey);
  MDB_cursor *c = NULL;
  int rc = mdb_cursor_open(t->txn, t->s->dbi[DBI_POSTIDS], &c);
  for (size_t i = 0; i < p->n && !rc; i++) {
    MDB_val k = {sk[i].e->kn, sk[i].e->key}, v = {sk[i].e->vn, sk[i].e->val};
    rc = mdb_cursor_put(c, &k, &v, 0);
  }
  if (c) mdb_cursor_close(c);
  free(sk);
  pending_clear(p);
  return rc;
}

int licit_txn_checkpoint(licit_txn *t) {
  const pending *p = t->pending;
  if (!p || (p->n < PENDING_MAX && p->rn < PENDING_MAX && p->bytes < PENDING_BYTES)) return 0;
  return licit__mdb(licit__pending_flush(t));
}

void licit__pending_free(licit_txn *t) {
  pending *p = t->pending;
  if (!p) return;
  pending_clear(p);
  free(p->rval);
  free(p->rlen);
  free(p->ents);
  free(p->slots);
  free(p);
  t->pending = NULL;
}
