/*
 * eval.c — SPEC section 4: the checks, persons, threads and mentions (see
 * eval.h).  judge() is the one place where a decision is made; the trace
 * is what judge() records while it decides.
 */
#include "eval/eval.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bigmem.h"
#include "core/hash.h"
#include "event/event.h"

_Static_assert(LICIT_SNAP_COUNTS == LICIT_R_COUNT + 1, "a snapshot stores considered, included and each reason");

/* ------------------------------------------------------------ reasons -- */

static const char *const reason_names[LICIT_R_COUNT] = {
#define X(e, name, title, sentence) name,
    LICIT_REASON_MAP(X)
#undef X
};
static const char *const reason_titles[LICIT_R_COUNT] = {
#define X(e, name, title, sentence) title,
    LICIT_REASON_MAP(X)
#undef X
};
static const char *const reason_sentences[LICIT_R_COUNT] = {
#define X(e, name, title, sentence) sentence,
    LICIT_REASON_MAP(X)
#undef X
};

const char *licit_reason_name(int r) { return r >= 0 && r < LICIT_R_COUNT ? reason_names[r] : "?"; }
const char *licit_reason_title(int r) { return r >= 0 && r < LICIT_R_COUNT ? reason_titles[r] : "?"; }
const char *licit_reason_sentence(int r) { return r >= 0 && r < LICIT_R_COUNT ? reason_sentences[r] : "?"; }

int licit_counts_json(licit_buf *b, const licit_counts *c) {
  int rc = licit_buf_printf(b, "{\"considered\":%llu,\"included\":%llu,\"excluded\":{",
                            (unsigned long long)c->considered, (unsigned long long)c->included);
  for (int r = 1; r < LICIT_R_COUNT && !rc; r++)
    rc = licit_buf_printf(b, "%s\"%s\":%llu", r > 1 ? "," : "", licit_reason_name(r),
                          (unsigned long long)c->excluded[r]);
  return rc ? rc : licit_buf_adds(b, "}}");
}

int licit_reason_parse(const char *s, size_t n) {
  for (int r = 0; r < LICIT_R_COUNT; r++)
    if (strlen(reason_names[r]) == n && memcmp(reason_names[r], s, n) == 0) return r;
  return -1;
}

/* ------------------------------------------------------------- state -- */

#define LAZY_CACHE 32

/* Thread memo per post ordinal (full evaluations): the ancestor's own
 * state as of T, so each is decoded at most once. */
enum { ANC_UNKNOWN = 0, ANC_OK, ANC_MISSING, ANC_FAIL /* + licit_thread_why - 1 */ };

/* What judge() needs of an account, compact so that a full evaluation's
 * array of them stays in cache (the full facts, with the entries that
 * explain cites, are 4x larger). */
typedef struct account {
  bool known, deleted, private_, has_birth, objects;
  uint8_t pref, mode;
  uint32_t person;
  int64_t adult; /* has_birth: when the account reaches the version's min_age */
} account;

static void acct_of_facts(const licit_user_facts *f, const licit_policy_version *v, account *a) {
  *a = (account){f->known, f->deleted, f->private_, f->has_birth, f->objects, f->pref, f->mode, f->person, 0};
  if (f->has_birth && v && v->min_age >= 0) a->adult = licit_birthday_us(f->birth, v->min_age);
}

struct licit_eval {
  licit_txn *txn;
  const licit_policy *policy;
  const licit_policy_version *ver;
  int64_t T;
  uint64_t maxseq;
  uint32_t nusers, nposts;
  bool lazy;
  int threads; /* for licit_eval_run without a callback; 0: as many as useful */
  bool nofetch; /* a part's walk: 1 instead of reading an unknown ancestor */
  uint8_t *dec;  /* licit_eval_run with a callback: each post's decision by
                    ordinal (DEC_NONE: not considered), from the scan */
  licit_user_facts *users; /* full mode: every account */
  account *accts;             /* full mode: the same, compact, for judge() */
  /* lazy mode: a few accounts, replaced round-robin */
  uint32_t cache_ord[LAZY_CACHE];
  licit_user_facts cache[LAZY_CACHE];
  int cache_n, cache_next;
  /* honoured signal ordinals, and for each the index of its policy token */
  size_t n_honor;
  uint32_t *honor_ords;
  size_t *honor_idx;
  /* thread memo, allocated at the first reply (full mode) */
  uint8_t *anc_state;
  uint32_t *anc_parent;
  licit_buf uscratch, pscratch, lscratch;
};

int licit_age_at(int64_t ts, int32_t birth) {
  int cy, cm, cd, by, bm, bd;
  licit_time_civil(ts, &cy, &cm, &cd);
  licit_date_civil(birth, &by, &bm, &bd);
  int age = cy - by;
  if (cm < bm || (cm == bm && cd < bd)) age--;
  return age;
}

static const licit_hist *at(const licit_eval *e, const licit_hist *h, uint32_t n) {
  return licit_hist_at(h, n, sizeof *h, e->T, e->maxseq);
}

static licit_entry entry_of(const licit_hist *h) {
  licit_entry x = {0, 0, 0};
  if (h) x = (licit_entry){h->ts, h->seq, h->val};
  return x;
}

/* (ts, seq) order of two entries that are set. */
static bool later(const licit_entry *a, const licit_entry *b) {
  return a->ts > b->ts || (a->ts == b->ts && a->seq > b->seq);
}

/* An account's own facts from its record: everything but the person's
 * preference, which finish_facts and the person pass settle. */
static void own_facts(const licit_eval *e, const licit_user_rec *u, licit_user_facts *f) {
  memset(f, 0, sizeof *f);
  f->person = u->ord;
  f->pref_user = LICIT_NONE;
  f->known = !u->unknown && u->first_seq <= e->maxseq;
  /* Deleted when a deletion is at or before T (stores written before a
   * second account_delete was rejected may hold several: the earliest
   * decides). */
  const licit_hist *d = NULL;
  for (uint32_t i = 0; i < u->n_del; i++) {
    const licit_hist *x = &u->del[i];
    if (x->ts <= e->T && x->seq <= e->maxseq && (!d || x->ts < d->ts)) d = x;
  }
  f->deleted = d != NULL;
  f->del = entry_of(d);
  const licit_hist *h;
  if ((h = at(e, u->private_, u->n_private))) f->private_ = h->val != 0;
  f->private_e = entry_of(h);
  if ((h = at(e, u->birth, u->n_birth))) {
    f->has_birth = true;
    f->birth = h->val;
  }
  f->birth_e = entry_of(h);
  if ((h = at(e, u->region, u->n_region)) && h->val) {
    f->region[0] = (char)(h->val >> 8);
    f->region[1] = (char)(h->val & 0xFF);
  }
  f->region_e = entry_of(h);
  if ((h = at(e, u->pref, u->n_pref))) {
    f->pref = (uint8_t)h->val;
    f->pref_user = u->ord;
  }
  f->pref_e = entry_of(h);
  if (e->ver) {
    int via;
    f->mode = (uint8_t)licit_policy_mode(e->ver, f->region, &via);
    f->via = (int16_t)via;
  }
}

static void finish_facts(licit_user_facts *f) {
  f->objects = f->known && !f->deleted && (f->mode == LICIT_MODE_OPT_OUT || f->mode == LICIT_MODE_OPT_IN) &&
               f->pref == LICIT_PREF_DENY;
}

/* Whether two accounts are linked as of T (their pair's latest entry). */
static int linked(licit_eval *e, uint32_t a, uint32_t b, bool *yes) {
  licit_link_rec lr;
  int rc = licit_link_get(e->txn, a, b, &lr, &e->lscratch);
  *yes = false;
  if (rc == LICIT_ENOTFOUND) return 0;
  if (rc) return rc;
  const licit_hist *h = at(e, lr.hist, lr.n);
  *yes = h && h->val == 1;
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* The accounts of ord's person, by following links in force at T. */
static int person_walk(licit_eval *e, uint32_t ord, uint32_t **members, size_t *n) {
  size_t cnt = 1, cap = 8;
  uint32_t *m = malloc(cap * sizeof *m);
  if (!m) return LICIT_ENOMEM;
  m[0] = ord;
  int rc = 0;
  for (size_t i = 0; i < cnt && !rc; i++) {
    uint32_t *others = NULL;
    size_t no = 0;
    if ((rc = licit_user_links(e->txn, m[i], &others, &no))) break;
    for (size_t j = 0; j < no && !rc; j++) {
      bool seen = false;
      for (size_t k = 0; k < cnt && !seen; k++) seen = m[k] == others[j];
      if (seen) continue;
      bool yes;
      if ((rc = linked(e, m[i], others[j], &yes)) || !yes) continue;
      if (cnt == cap) {
        uint32_t *nm = realloc(m, (cap *= 2) * sizeof *m);
        if (!nm) {
          rc = LICIT_ENOMEM;
          break;
        }
        m = nm;
      }
      m[cnt++] = others[j];
    }
    free(others);
  }
  if (rc) {
    free(m);
    return rc;
  }
  qsort(m, cnt, sizeof *m, cmp_u32);
  *members = m;
  *n = cnt;
  return 0;
}

/* Lazy mode: one account's facts, person included. */
static int lazy_facts(licit_eval *e, uint32_t ord, licit_user_facts *f) {
  licit_user_rec u;
  int rc = licit_user_get(e->txn, ord, &u, &e->uscratch);
  if (rc) return rc;
  own_facts(e, &u, f);
  uint32_t *members = NULL;
  size_t n = 0;
  if ((rc = person_walk(e, ord, &members, &n))) return rc;
  f->person = members[0];
  for (size_t i = 0; i < n && !rc; i++) {
    if (members[i] == ord) continue;
    licit_user_rec o;
    if ((rc = licit_user_get(e->txn, members[i], &o, &e->uscratch))) break;
    licit_entry pe = entry_of(at(e, o.pref, o.n_pref));
    if (pe.seq && (!f->pref_e.seq || later(&pe, &f->pref_e))) {
      f->pref_e = pe;
      f->pref = (uint8_t)pe.val;
      f->pref_user = members[i];
    }
  }
  free(members);
  if (rc == LICIT_ENOTFOUND) rc = LICIT_ESTORE; /* a linked account without a record */
  if (!rc) finish_facts(f);
  return rc;
}

int licit_eval_user(licit_eval *e, uint32_t ord, licit_user_facts *out) {
  if (ord >= e->nusers) return LICIT_ENOTFOUND;
  if (!e->lazy) {
    *out = e->users[ord];
    return 0;
  }
  for (int i = 0; i < e->cache_n; i++)
    if (e->cache_ord[i] == ord) {
      *out = e->cache[i];
      return 0;
    }
  int rc = lazy_facts(e, ord, out);
  if (rc) return rc;
  int slot = e->cache_n < LAZY_CACHE ? e->cache_n++ : e->cache_next++ % LAZY_CACHE;
  e->cache_ord[slot] = ord;
  e->cache[slot] = *out;
  return 0;
}

int licit_eval_person(licit_eval *e, uint32_t ord, uint32_t **members, size_t *n) {
  if (ord >= e->nusers) return LICIT_ENOTFOUND;
  if (e->lazy) return person_walk(e, ord, members, n);
  uint32_t p = e->users[ord].person;
  size_t cnt = 0;
  for (uint32_t i = 0; i < e->nusers; i++) cnt += e->users[i].person == p;
  uint32_t *m = malloc((cnt ? cnt : 1) * sizeof *m);
  if (!m) return LICIT_ENOMEM;
  cnt = 0;
  for (uint32_t i = 0; i < e->nusers; i++)
    if (e->users[i].person == p) m[cnt++] = i;
  *members = m;
  *n = cnt;
  return 0;
}

/* Union-find over account ordinals; a root is always its set's smallest
 * ordinal, so it names the person the same way person_walk does. */
static uint32_t uf_find(uint32_t *up, uint32_t x) {
  while (up[x] != x) {
    up[x] = up[up[x]];
    x = up[x];
  }
  return x;
}

/* Full mode: persons from every link in force at T, then each account's
 * preference becomes its person's. */
static int persons_full(licit_eval *e) {
  licit_link_iter *it;
  int rc = licit_link_iter_open(e->txn, &it);
  if (rc) return rc;
  uint32_t *up = NULL;
  licit_link_rec lr;
  while ((rc = licit_link_iter_next(it, &lr, &e->lscratch)) == 1) {
    const licit_hist *h = at(e, lr.hist, lr.n);
    if (!h || h->val != 1) continue;
    if (lr.a >= e->nusers || lr.b >= e->nusers) {
      rc = LICIT_ESTORE;
      break;
    }
    if (!up) {
      if (!(up = licit_big_calloc(e->nusers, sizeof *up))) {
        rc = LICIT_ENOMEM;
        break;
      }
      for (uint32_t i = 0; i < e->nusers; i++) up[i] = i;
    }
    uint32_t ra = uf_find(up, lr.a), rb = uf_find(up, lr.b);
    if (ra < rb) up[rb] = ra;
    else if (rb < ra) up[ra] = rb;
  }
  licit_link_iter_close(it);
  if (rc < 0 || !up) {
    licit_big_free(up);
    return rc < 0 ? rc : 0;
  }
  /* best[root]: the member whose own preference entry is the latest. */
  uint32_t *best = licit_big_calloc(e->nusers, sizeof *best);
  if (!best) {
    licit_big_free(up);
    return LICIT_ENOMEM;
  }
  for (uint32_t i = 0; i < e->nusers; i++) best[i] = LICIT_NONE;
  for (uint32_t i = 0; i < e->nusers; i++) {
    uint32_t r = uf_find(up, i);
    licit_user_facts *f = &e->users[i];
    if (f->pref_e.seq && (best[r] == LICIT_NONE || later(&f->pref_e, &e->users[best[r]].pref_e))) best[r] = i;
  }
  /* Overwriting in place is safe: the best member's own entry is the
   * person's entry, so it is unchanged when its turn comes. */
  for (uint32_t i = 0; i < e->nusers; i++) {
    uint32_t r = uf_find(up, i);
    licit_user_facts *f = &e->users[i];
    f->person = r;
    if (best[r] != LICIT_NONE) {
      const licit_user_facts *b = &e->users[best[r]];
      f->pref_e = b->pref_e;
      f->pref = (uint8_t)b->pref_e.val;
      f->pref_user = best[r];
    }
  }
  licit_big_free(best);
  licit_big_free(up);
  return 0;
}

/* Every account's own facts at T from the accounts in [from, to) (to 0:
 * to the last), read through txn; each lands in e->users[ordinal], so
 * disjoint ranges can be read at once. */
static int users_range(licit_eval *e, licit_txn *txn, uint32_t from, uint32_t to, licit_buf *scratch) {
  licit_user_iter *it;
  int rc = licit_user_iter_open_range(txn, from, to, &it);
  if (rc) return rc;
  licit_user_rec u;
  uint32_t seen = from, end = to ? to : e->nusers;
  while ((rc = licit_user_iter_next(it, &u, scratch)) == 1) {
    if (u.ord >= end || u.ord != seen++) {
      rc = LICIT_ESTORE;
      break;
    }
    own_facts(e, &u, &e->users[u.ord]);
  }
  licit_user_iter_close(it);
  if (rc < 0) return rc;
  return seen == end ? 0 : LICIT_ESTORE;
}

typedef struct users_half {
  licit_eval *e;
  uint32_t from;
  bool done; /* false: no transaction of its own, the half is still to read */
  int rc;
} users_half;

/* LMDB ties a read transaction to the thread that began it, so the helper
 * begins its own and ends it. */
static void *users_half_main(void *arg) {
  users_half *h = arg;
  licit_txn *own;
  if (licit_txn_begin_sibling(h->e->txn, &own)) return NULL;
  licit_buf scratch = LICIT_BUF_INIT;
  h->rc = users_range(h->e, own, h->from, 0, &scratch);
  h->done = true;
  licit_buf_free(&scratch);
  licit_txn_abort(own);
  return NULL;
}

/* The accounts' own facts (full mode).  With threads (licit_eval_set_threads;
 * 0: when the machine has several CPUs and there are USERS_PARALLEL_MIN
 * accounts or more), a second thread reads the upper half of the ordinals
 * through a read transaction of its own on the same commit; when it cannot
 * have one (a write transaction, or a commit came in between), this thread
 * reads that half too. */
#define USERS_PARALLEL_MIN 32768

static int users_pass(licit_eval *e) {
  int k = e->threads;
  if (k == 0) k = e->nusers >= USERS_PARALLEL_MIN && sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
  if (k < 2 || e->nusers < 2) return users_range(e, e->txn, 0, 0, &e->uscratch);
  users_half h = {e, e->nusers / 2, false, 0};
  pthread_t th;
  bool started = pthread_create(&th, NULL, users_half_main, &h) == 0;
  int rc = users_range(e, e->txn, 0, started ? h.from : 0, &e->uscratch);
  if (started) {
    pthread_join(th, NULL);
    if (!h.done && !rc) rc = users_range(e, e->txn, h.from, 0, &e->uscratch);
    else if (!rc) rc = h.rc;
  }
  return rc;
}

static int eval_open(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, bool lazy, int threads,
                     licit_eval **out, licit_err *err) {
  licit_eval *e = calloc(1, sizeof *e);
  if (!e) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  e->txn = txn;
  e->policy = policy;
  e->ver = policy ? licit_policy_at(policy, T) : NULL;
  e->T = T;
  e->maxseq = maxseq;
  e->threads = 1;
  int rc = 0;
  uint64_t nu = licit_txn_n_users(txn), np = licit_txn_n_posts(txn);
  if (nu > UINT32_MAX || np > UINT32_MAX) {
    rc = LICIT_ESTORE;
    goto store_fail;
  }
  e->nusers = (uint32_t)nu;
  e->nposts = (uint32_t)np;
  e->lazy = lazy;
  if (!lazy) {
    e->users = licit_big_calloc(nu ? nu : 1, sizeof *e->users);
    if (!e->users) {
      rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
      goto fail;
    }
    e->threads = threads;
    if ((rc = users_pass(e))) goto store_fail;
    if ((rc = persons_full(e))) goto store_fail;
    if (!(e->accts = licit_big_calloc(nu ? nu : 1, sizeof *e->accts))) {
      rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
      goto fail;
    }
    for (uint32_t i = 0; i < e->nusers; i++) {
      finish_facts(&e->users[i]);
      acct_of_facts(&e->users[i], e->ver, &e->accts[i]);
    }
  }
  if (e->ver && e->ver->n_honor) {
    e->honor_ords = calloc(e->ver->n_honor, sizeof *e->honor_ords);
    e->honor_idx = calloc(e->ver->n_honor, sizeof *e->honor_idx);
    if (!e->honor_ords || !e->honor_idx) {
      rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
      goto fail;
    }
    for (size_t i = 0; i < e->ver->n_honor; i++) {
      uint32_t o;
      int r = licit_signal_ord(txn, e->ver->honor[i], e->ver->honor_len[i], &o);
      if (r == LICIT_ENOTFOUND) continue; /* no post ever carried it */
      if (r) {
        rc = r;
        goto store_fail;
      }
      e->honor_ords[e->n_honor] = o;
      e->honor_idx[e->n_honor] = i;
      e->n_honor++;
    }
  }
  *out = e;
  return 0;
store_fail:
  licit_err_set(err, rc, "reading the store: %s", licit_strerror(rc));
fail:
  licit_eval_close(e);
  return rc;
}

int licit_eval_open(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, licit_eval **out,
                    licit_err *err) {
  return eval_open(txn, policy, T, maxseq, false, 1, out, err);
}

int licit_eval_open_threads(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, int threads,
                            licit_eval **out, licit_err *err) {
  return eval_open(txn, policy, T, maxseq, false, threads < 0 ? 1 : threads, out, err);
}

int licit_eval_open_lazy(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq,
                         licit_eval **out, licit_err *err) {
  return eval_open(txn, policy, T, maxseq, true, 1, out, err);
}

void licit_eval_close(licit_eval *e) {
  if (!e) return;
  licit_big_free(e->dec);
  licit_big_free(e->users);
  licit_big_free(e->accts);
  free(e->honor_ords);
  free(e->honor_idx);
  licit_big_free(e->anc_state);
  licit_big_free(e->anc_parent);
  licit_buf_free(&e->uscratch);
  licit_buf_free(&e->pscratch);
  licit_buf_free(&e->lscratch);
  free(e);
}

const licit_policy_version *licit_eval_version(const licit_eval *e) { return e->ver; }

void licit_eval_set_threads(licit_eval *e, int n) { e->threads = n < 0 ? 1 : n; }
int64_t licit_eval_at(const licit_eval *e) { return e->T; }
uint64_t licit_eval_maxseq(const licit_eval *e) { return e->maxseq; }

bool licit_eval_considered(const licit_eval *e, const licit_post_rec *p) {
  return p->created_ts <= e->T && p->created_seq <= e->maxseq;
}

static bool post_deleted(const licit_eval *e, const licit_post_rec *p) {
  return p->del_seq && p->del_seq <= e->maxseq && p->del_ts <= e->T;
}

/* Whether the signal entry holds a signal the version honours. */
static bool sig_honoured(const licit_eval *e, const licit_post_rec *p, const licit_hist *sig, size_t *which) {
  if (!sig || !e->n_honor) return false;
  const uint32_t *ords = p->sigords + sig->val;
  for (int32_t i = 0; i < sig->aux; i++)
    for (size_t j = 0; j < e->n_honor; j++)
      if (ords[i] == e->honor_ords[j]) {
        if (which) *which = e->honor_idx[j];
        return true;
      }
  return false;
}

/* An account for judge(): the array entry in full mode, else worked out
 * into *tmp.  Store errors are returned, never taken for "unknown". */
static int acct_get(licit_eval *e, uint32_t ord, account *tmp, const account **out) {
  if (ord >= e->nusers) return LICIT_ESTORE;
  if (!e->lazy) {
    *out = &e->accts[ord];
    return 0;
  }
  licit_user_facts f;
  int rc = licit_eval_user(e, ord, &f);
  if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  acct_of_facts(&f, e->ver, tmp);
  *out = tmp;
  return 0;
}

/* ------------------------------------------------------------ threads -- */

/* One ancestor's own state as of T: whether it is there (in the prefix and
 * created at or before T), why it fails (LICIT_THREAD_OK when not), the
 * entry that makes it fail, its author and its parent field. */
typedef struct anc {
  bool there;
  licit_thread_why why;
  licit_entry entry;
  uint32_t user, parent;
} anc;

/* The parts of a decoded record that the thread rules read. */
static licit_post_head head_of(const licit_post_rec *r) {
  return (licit_post_head){r->ord, r->user, r->parent, r->n_vis, r->created_ts, r->del_ts, r->created_seq, r->del_seq, r->vis};
}

/* A post's own audience as of T, from the parts of its record the walk
 * needs: one rule for the scans (anc_note) and for single look-ups. */
static licit_thread_why own_audience(const licit_eval *e, const licit_post_head *h, const account *u, bool *there,
                                     const licit_hist **vis_at) {
  *there = h->created_ts <= e->T && h->created_seq <= e->maxseq;
  *vis_at = NULL;
  if (!*there) return LICIT_THREAD_OK;
  const licit_hist *vis = *vis_at = at(e, h->vis, h->n_vis);
  if (h->del_seq && h->del_seq <= e->maxseq && h->del_ts <= e->T) return LICIT_THREAD_DELETED;
  if (u->deleted) return LICIT_THREAD_ACCOUNT_DELETED;
  if (!vis || !(e->ver->vis_mask & (1u << vis->val))) return LICIT_THREAD_VISIBILITY;
  if (u->private_) return LICIT_THREAD_PRIVATE;
  return LICIT_THREAD_OK;
}

static uint8_t anc_code(bool there, licit_thread_why why) {
  return !there ? ANC_MISSING : why ? (uint8_t)(ANC_FAIL + why - 1) : ANC_OK;
}

static int ancestor(licit_eval *e, uint32_t ord, bool want_entry, anc *a) {
  memset(a, 0, sizeof *a);
  licit_post_rec r;
  int rc = licit_post_get_ord(e->txn, ord, &r, &e->pscratch);
  if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  licit_post_head h = head_of(&r);
  a->parent = r.parent;
  a->user = r.user;
  account tmp;
  const account *uf;
  if ((rc = acct_get(e, r.user, &tmp, &uf))) return rc;
  const licit_hist *vis;
  a->why = own_audience(e, &h, uf, &a->there, &vis);
  if (a->why == LICIT_THREAD_DELETED) a->entry = (licit_entry){r.del_ts, r.del_seq, 0};
  if (a->why == LICIT_THREAD_VISIBILITY) a->entry = entry_of(vis);
  if (want_entry && (a->why == LICIT_THREAD_ACCOUNT_DELETED || a->why == LICIT_THREAD_PRIVATE)) {
    licit_user_facts full;
    if ((rc = licit_eval_user(e, r.user, &full))) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
    a->entry = a->why == LICIT_THREAD_PRIVATE ? full.private_e : full.del;
  }
  return 0;
}

/* Full evaluations: records post h's own audience and parent in the memo
 * (h.ord and h.user checked by the caller). */
static void anc_note(licit_eval *e, const licit_post_head *h) {
  bool there;
  const licit_hist *vis;
  licit_thread_why why = own_audience(e, h, &e->accts[h->user], &there, &vis);
  e->anc_state[h->ord] = anc_code(there, why);
  e->anc_parent[h->ord] = h->parent;
}

static int anc_alloc(licit_eval *e) {
  if (e->anc_state) return 0;
  e->anc_state = licit_big_calloc(e->nposts ? e->nposts : 1, 1);
  e->anc_parent = licit_big_calloc(e->nposts ? e->nposts : 1, sizeof *e->anc_parent);
  return e->anc_state && e->anc_parent ? 0 : LICIT_ENOMEM;
}

/* Walks p's thread (SPEC 4): *why is LICIT_THREAD_OK or what makes the
 * nearest failing ancestor fail; tr (may be NULL) gets the details. */
static int thread_walk(licit_eval *e, uint32_t ord, uint32_t parent, licit_thread_why *why, licit_trace *tr) {
  uint32_t visited[LICIT_THREAD_MAX + 1];
  uint32_t nvis = 0, depth = 0, next = parent;
  licit_thread_end end = LICIT_THREAD_ROOT;
  visited[nvis++] = ord;
  *why = LICIT_THREAD_OK;
  bool memo = !e->lazy && !tr;
  int arc;
  if (memo && next && (arc = anc_alloc(e))) return arc;
  while (next) {
    uint32_t a = next - 1;
    if (depth == LICIT_THREAD_MAX) {
      end = LICIT_THREAD_LIMIT;
      break;
    }
    bool loop = false;
    for (uint32_t i = 0; i < nvis && !loop; i++) loop = visited[i] == a;
    if (loop) {
      end = LICIT_THREAD_LOOP;
      break;
    }
    if (a >= e->nposts) return LICIT_ESTORE;
    anc x;
    if (memo && e->anc_state[a] != ANC_UNKNOWN) {
      uint8_t st = e->anc_state[a];
      x.there = st != ANC_MISSING;
      x.why = st >= ANC_FAIL ? (licit_thread_why)(st - ANC_FAIL + 1) : LICIT_THREAD_OK;
      x.parent = e->anc_parent[a];
    } else {
      if (e->nofetch) return 1;
      int rc = ancestor(e, a, tr != NULL, &x);
      if (rc) return rc;
      if (memo) {
        e->anc_state[a] = anc_code(x.there, x.why);
        e->anc_parent[a] = x.parent;
      }
    }
    if (!x.there) {
      end = LICIT_THREAD_MISSING;
      break;
    }
    depth++;
    visited[nvis++] = a;
    if (x.why) {
      *why = x.why;
      if (tr) {
        tr->thread_post = a;
        tr->thread_user = x.user;
        tr->thread_why = x.why;
        tr->thread_entry = x.entry;
      }
      break;
    }
    next = x.parent;
  }
  if (tr) {
    tr->thread_depth = depth;
    tr->thread_end = end;
  }
  return 0;
}

/* ----------------------------------------------------------- deciding -- */

static void cite(licit_trace *tr, int check, uint64_t seq, uint32_t post, uint32_t user) {
  if (!tr || !seq) return;
  licit_trace_check *c = &tr->check[check];
  for (int i = 0; i < c->n_cites; i++)
    if (c->cites[i].seq == seq) return;
  if (c->n_cites < LICIT_CITE_MAX) c->cites[c->n_cites++] = (licit_cite){seq, post, user};
}

/* The one place a decision is made.  Without a trace it stops at the first
 * check that fails; with one it runs every check and records each, and the
 * decision is still the first that failed. */
static int judge(licit_eval *e, const licit_post_rec *p, licit_reason *out, const licit_text_hist **text,
                 licit_trace *tr, bool *defer) {
  licit_reason dec = LICIT_INCLUDED;
  int rc;
#define OUTCOME(r, ok)                                 \
  do {                                                 \
    bool ok_ = (ok);                                   \
    if (tr) tr->check[r].passed = ok_;                 \
    if (!ok_ && dec == LICIT_INCLUDED) {               \
      dec = (r);                                       \
      if (!tr) goto done;                              \
    }                                                  \
  } while (0)
  const licit_text_hist *tv =
      (const licit_text_hist *)licit_hist_at(&p->text[0].h, p->n_text, sizeof(licit_text_hist), e->T, e->maxseq);
  if (text) *text = tv;
  account ut;
  const account *ua;
  if ((rc = acct_get(e, p->user, &ut, &ua))) return rc;
  const account u = *ua; /* lazy lookups below may replace the cached entry */
  /* Only a trace needs the entries that decided the account's facts. */
  licit_user_facts uf;
  if (tr) {
    if ((rc = licit_eval_user(e, p->user, &uf))) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
    tr->author = uf;
    tr->text = tv;
    if (p->del_seq && p->del_seq <= e->maxseq) tr->post_del = (licit_entry){p->del_ts, p->del_seq, 0};
  }
  /* 1. deleted */
  bool pdel = post_deleted(e, p);
  if (pdel) cite(tr, LICIT_R_DELETED, p->del_seq, LICIT_NONE, LICIT_NONE);
  else if (u.deleted && tr) cite(tr, LICIT_R_DELETED, uf.del.seq, LICIT_NONE, LICIT_NONE);
  else if (tr && tr->post_del.seq) cite(tr, LICIT_R_DELETED, p->del_seq, LICIT_NONE, LICIT_NONE);
  OUTCOME(LICIT_R_DELETED, !pdel && !u.deleted);
  /* 2. no_policy */
  const licit_policy_version *v = e->ver;
  OUTCOME(LICIT_R_NO_POLICY, v != NULL);
  if (!v) {
    for (int r = LICIT_R_NO_POLICY + 1; tr && r < LICIT_R_COUNT; r++) tr->check[r].passed = LICIT_CHECK_NA;
    goto done;
  }
  /* 3. too_old */
  cite(tr, LICIT_R_TOO_OLD, p->created_seq, LICIT_NONE, LICIT_NONE);
  OUTCOME(LICIT_R_TOO_OLD, v->content_since == LICIT_TIME_NONE || p->created_ts >= v->content_since);
  /* 4. minor */
  bool minor = false;
  if (v->min_age >= 0 && u.has_birth) {
    minor = p->created_ts < u.adult; /* = licit_age_at(created, birth) < min_age */
    if (tr) {
      tr->age = licit_age_at(p->created_ts, uf.birth);
      cite(tr, LICIT_R_MINOR, uf.birth_e.seq, LICIT_NONE, LICIT_NONE);
    }
  }
  OUTCOME(LICIT_R_MINOR, !minor);
  /* 5. region_excluded */
  if (tr) cite(tr, LICIT_R_REGION_EXCLUDED, uf.region_e.seq, LICIT_NONE, LICIT_NONE);
  OUTCOME(LICIT_R_REGION_EXCLUDED, u.mode != LICIT_MODE_EXCLUDED);
  /* 6. not_public: the post, the account, then (inherit_audience) the thread */
  const licit_hist *vis = at(e, p->vis, p->n_vis);
  bool pub = vis && (v->vis_mask & (1u << vis->val)) && !u.private_;
  if (tr) {
    tr->vis = entry_of(vis);
    if (vis) cite(tr, LICIT_R_NOT_PUBLIC, vis->seq, LICIT_NONE, LICIT_NONE);
    cite(tr, LICIT_R_NOT_PUBLIC, uf.private_e.seq, LICIT_NONE, LICIT_NONE);
    tr->thread_post = tr->thread_user = LICIT_NONE;
  }
  if (defer && pub && v->inherit_audience && p->parent) {
    /* The caller walks the thread once every post's own audience is
     * known; the checks below decide the post if the thread is public. */
    *defer = true;
  } else if ((pub || tr) && v->inherit_audience && p->parent) {
    licit_thread_why why;
    if ((rc = thread_walk(e, p->ord, p->parent, &why, tr))) return rc;
    if (why) {
      pub = false;
      if (tr) {
        bool by_acct = why == LICIT_THREAD_ACCOUNT_DELETED || why == LICIT_THREAD_PRIVATE;
        cite(tr, LICIT_R_NOT_PUBLIC, tr->thread_entry.seq, by_acct ? LICIT_NONE : tr->thread_post,
             by_acct ? tr->thread_user : LICIT_NONE);
      }
    }
  }
  OUTCOME(LICIT_R_NOT_PUBLIC, pub);
  /* 7. signal */
  const licit_hist *sig = p->n_sig ? at(e, p->sig, p->n_sig) : NULL;
  size_t which = 0;
  bool honoured = e->n_honor && sig_honoured(e, p, sig, &which);
  if (tr) {
    tr->sig = entry_of(sig);
    tr->sig_honoured = honoured;
    tr->sig_which = which;
    if (sig) cite(tr, LICIT_R_SIGNAL, sig->seq, LICIT_NONE, LICIT_NONE);
  }
  OUTCOME(LICIT_R_SIGNAL, !honoured);
  /* 8. objected, 9. no_consent: the author's region, the person's preference */
  if (tr && (u.mode == LICIT_MODE_OPT_OUT || u.mode == LICIT_MODE_OPT_IN)) {
    uint32_t by = uf.pref_user != p->user ? uf.pref_user : LICIT_NONE;
    cite(tr, u.mode == LICIT_MODE_OPT_OUT ? LICIT_R_OBJECTED : LICIT_R_NO_CONSENT, uf.pref_e.seq, LICIT_NONE, by);
  }
  OUTCOME(LICIT_R_OBJECTED, !(u.mode == LICIT_MODE_OPT_OUT && u.pref == LICIT_PREF_DENY));
  OUTCOME(LICIT_R_NO_CONSENT, !(u.mode == LICIT_MODE_OPT_IN && u.pref != LICIT_PREF_ALLOW));
  /* 10. mentioned */
  bool clear = true;
  const licit_hist *men = p->n_men ? at(e, p->men, p->n_men) : NULL;
  if (tr) {
    tr->mentions_e = entry_of(men);
    if (men) tr->n_mentions = (uint32_t)men->aux;
  }
  if (v->honor_mentions && men) {
    const uint32_t *ords = p->menords + men->val;
    for (int32_t i = 0; i < men->aux; i++) {
      account mt;
      const account *m;
      if ((rc = acct_get(e, ords[i], &mt, &m))) return rc;
      if (!m->objects || m->person == u.person) continue;
      clear = false;
      if (!tr) break;
      licit_user_facts mf;
      if ((rc = licit_eval_user(e, ords[i], &mf))) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
      if (tr->n_honoured < LICIT_TRACE_MENTIONS) tr->honoured[tr->n_honoured] = ords[i];
      tr->n_honoured++;
      cite(tr, LICIT_R_MENTIONED, mf.pref_e.seq, LICIT_NONE, mf.pref_user);
    }
  }
  OUTCOME(LICIT_R_MENTIONED, clear);
#undef OUTCOME
done:
  *out = dec;
  if (tr) tr->decision = dec;
  return 0;
}

/* Adds an included post to the digest: its id, "\n", its text's SHA-256
 * in hex, "\n" (n <= LICIT_ID_MAX). */
static void digest_line(licit_sha256_ctx *h, const char *id, size_t n, const uint8_t sha[32]) {
  char line[LICIT_ID_MAX + 66];
  memcpy(line, id, n);
  line[n] = '\n';
  licit_hex(sha, 32, line + n + 1);
  line[n + 65] = '\n';
  licit_sha256_update(h, line, n + 66);
}

int licit_eval_post(licit_eval *e, const licit_post_rec *p, licit_reason *reason, const licit_text_hist **text) {
  return judge(e, p, reason, text, NULL, NULL);
}

int licit_eval_trace(licit_eval *e, const licit_post_rec *p, licit_trace *tr) {
  memset(tr, 0, sizeof *tr);
  tr->thread_post = tr->thread_user = LICIT_NONE;
  tr->considered = licit_eval_considered(e, p);
  if (!tr->considered) {
    for (int r = 1; r < LICIT_R_COUNT; r++) tr->check[r].passed = LICIT_CHECK_NA;
    return 0;
  }
  licit_reason r;
  return judge(e, p, &r, NULL, tr, NULL);
}

/* ---------------------------------------------- counting, in key ranges -- */

/* Without a callback licit_eval_run needs only the counts and the digest.
 * Then the posts are scanned in ranges of ordinals ("parts"), the order
 * they are stored in, which the threads (see pool) take as they come, each
 * thread through a read transaction on the same commit, and threads of
 * posts are walked afterwards: a part notes the digest line of each post
 * it included and each post whose decision waits for its thread (judge()'s
 * defer), and records every post's own audience; once every part is
 * scanned the waiting threads are walked through those arrays, each part
 * sorts its included lines by id, and the main thread merges the parts'
 * lines and hashes them in id order.  One pass over the store. */

enum { REC_LINE = 1, REC_WAIT, REC_THREAD_OK, REC_THREAD_FAILS };
#define PARTS_PER_THREAD 8

typedef struct part {
  licit_eval w;         /* the evaluation as this part's thread sees it */
  uint32_t from, to;    /* the range of post ordinals; to 0: unbounded */
  bool fill;            /* record each post's own audience */
  bool waits;           /* records still waiting after the walks (finish_parts) */
  int rc;
  struct line *lines;   /* the included posts' digest lines, sorted by id */
  size_t nlines;
  licit_counts counts;  /* considered, and exclusions that did not wait */
  licit_buf out;        /* REC_LINE: u32 ord, u16 n, id, sha[32]; REC_WAIT: u8 reason,
                           u32 ord, u32 parent, then the line if included;
                           walked, REC_WAIT becomes REC_THREAD_OK or _FAILS */
} part;

/* Where the parts' threads wait, once scanned, for the walks to begin. */
typedef struct gate {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int scanned; /* helper threads done scanning */
  bool go;     /* every part is scanned: walk */
  int rc;      /* a helper's error beginning its transaction */
} gate;

/* One record of a part's output, as read back. */
typedef struct rec {
  unsigned char *kind;  /* REC_*; a walk rewrites REC_WAIT in place */
  licit_reason reason;  /* REC_LINE: included; else the decision if the thread is public */
  uint32_t ord, parent; /* parent: not REC_LINE */
  const char *id;       /* the digest line's parts, when reason is included */
  uint16_t n;
  const uint8_t *sha;
} rec;

/* Reads the record at *q and moves *q past it. */
static void rec_next(unsigned char **q, rec *r) {
  *r = (rec){.kind = (*q)++, .reason = LICIT_INCLUDED};
  if (*r->kind != REC_LINE) r->reason = (licit_reason) * (*q)++;
  memcpy(&r->ord, *q, 4);
  *q += 4;
  if (*r->kind != REC_LINE) {
    memcpy(&r->parent, *q, 4);
    *q += 4;
  }
  if (r->reason == LICIT_INCLUDED) {
    memcpy(&r->n, *q, 2);
    r->id = (const char *)*q + 2;
    r->sha = *q + 2 + r->n;
    *q += 2 + (size_t)r->n + 32;
  }
}

/* Walks the waiting threads of a part, where every ancestor's own audience
 * is recorded, marking each record with the outcome; the rest (an
 * ancestor without a record: a damaged store) stay for finish_parts. */
static int walk_part(part *pt) {
  licit_eval *e = &pt->w;
  unsigned char *q = (unsigned char *)pt->out.data, *end = q ? q + pt->out.len : q; /* NULL when empty */
  e->nofetch = true;
  int rc = 0;
  while (q < end && rc >= 0) {
    rec r;
    rec_next(&q, &r);
    if (*r.kind != REC_WAIT) continue;
    licit_thread_why why;
    rc = thread_walk(e, r.ord, r.parent, &why, NULL);
    if (rc == 0) *r.kind = why ? REC_THREAD_FAILS : REC_THREAD_OK;
  }
  e->nofetch = false;
  return rc < 0 ? rc : 0;
}

static int scan_part(part *pt) {
  licit_eval *e = &pt->w;
  licit_post_iter *it;
  int rc = licit_post_iter_open_ords(e->txn, pt->from, pt->to, &it);
  if (rc) return rc;
  licit_strv id = {NULL, 0};
  licit_post_rec p;
  licit_buf scratch = LICIT_BUF_INIT;
  while ((rc = licit_post_iter_next(it, NULL, &p, &scratch)) == 1) {
    if (p.ord >= e->nposts || p.user >= e->nusers) {
      rc = LICIT_ESTORE;
      break;
    }
    if (pt->fill) {
      licit_post_head h = head_of(&p);
      anc_note(e, &h);
    }
    if (!licit_eval_considered(e, &p)) continue;
    pt->counts.considered++;
    const licit_text_hist *text;
    licit_reason r;
    bool wait = false;
    if ((rc = judge(e, &p, &r, &text, NULL, &wait))) break;
    if (!wait && r != LICIT_INCLUDED) {
      pt->counts.excluded[r]++;
      if (e->dec) e->dec[p.ord] = (uint8_t)r;
      continue;
    }
    if (r == LICIT_INCLUDED && !text) {
      rc = LICIT_ESTORE;
      break;
    }
    if (r == LICIT_INCLUDED && (rc = licit_post_iter_id(it, &id)) == 0 && (id.n == 0 || id.n > LICIT_ID_MAX))
      rc = LICIT_ESTORE;
    if (rc) break;
    unsigned char hdr[10];
    size_t nh = 0;
    hdr[nh++] = wait ? REC_WAIT : REC_LINE;
    if (wait) hdr[nh++] = (unsigned char)r;
    memcpy(hdr + nh, &p.ord, 4);
    nh += 4;
    if (wait) {
      memcpy(hdr + nh, &p.parent, 4);
      nh += 4;
    }
    uint16_t n = (uint16_t)id.n;
    if (licit_buf_add(&pt->out, hdr, nh) ||
        (r == LICIT_INCLUDED && (licit_buf_add(&pt->out, &n, 2) || licit_buf_add(&pt->out, id.p, id.n) ||
                                 licit_buf_add(&pt->out, text->sha, 32)))) {
      rc = LICIT_ENOMEM;
      break;
    }
  }
  licit_post_iter_close(it);
  licit_buf_free(&scratch);
  return rc < 0 ? rc : 0;
}

/* The parts of one evaluation and the threads that take them: each thread
 * takes the next part not yet taken, scans it, and once every part is
 * scanned (the gate) takes parts to walk the same way, so that a slow
 * range does not keep the other threads idle. */
typedef struct pool {
  licit_eval *e;
  part *pts;
  int n;
  atomic_int next_scan, next_walk;
  gate g;
} pool;

static void scan_parts(pool *pl, licit_txn *txn) {
  for (int i; (i = atomic_fetch_add(&pl->next_scan, 1)) < pl->n;) {
    part *pt = &pl->pts[i];
    pt->w.txn = txn;
    pt->rc = scan_part(pt);
    pt->w.txn = pl->e->txn;
  }
}

static int part_lines(licit_eval *e, part *pt, bool walk);

/* Walks a part's threads (when it has replies to walk), then sorts its
 * lines. */
static void walk_parts(pool *pl) {
  for (int i; (i = atomic_fetch_add(&pl->next_walk, 1)) < pl->n;) {
    part *pt = &pl->pts[i];
    if (!pt->rc && pt->fill) pt->rc = walk_part(pt);
    if (!pt->rc) pt->rc = part_lines(&pt->w, pt, false);
  }
}

/* A helper thread: scan with a transaction of its own on the same commit
 * (none to be had: leave the parts to the others), report, wait, walk. */
static void *pool_thread(void *arg) {
  pool *pl = arg;
  licit_txn *own;
  int rc = licit_txn_begin_sibling(pl->e->txn, &own);
  if (rc == 0) {
    scan_parts(pl, own);
    licit_txn_abort(own);
  }
  gate *g = &pl->g;
  pthread_mutex_lock(&g->mu);
  if (rc < 0 && !g->rc) g->rc = rc;
  g->scanned++;
  pthread_cond_broadcast(&g->cv);
  while (!g->go) pthread_cond_wait(&g->cv, &g->mu);
  pthread_mutex_unlock(&g->mu);
  walk_parts(pl);
  return NULL;
}

/* A digest line, with the first 8 bytes of its id big-endian (zero-padded)
 * for quick comparisons. */
typedef struct line {
  uint64_t pre;
  const char *id;
  const uint8_t *sha;
  size_t n;
} line;

/* The order of ids in postids (licit_id_cmp). */
static int line_cmp(const line *x, const line *y) {
  if (x->pre != y->pre) return x->pre < y->pre ? -1 : 1;
  return licit_id_cmp(x->id, x->n, y->id, y->n);
}

static int cmp_lines(const void *a, const void *b) { return line_cmp(a, b); }

/* Counts a part's outcomes and sorts its included posts' lines.  A record
 * still waiting for its thread (store damage left it) is walked when
 * `walk` (on the main thread, through e); otherwise the part is left for
 * finish_parts (pt->waits). */
static int part_lines(licit_eval *e, part *pt, bool walk) {
  unsigned char *q = (unsigned char *)pt->out.data, *end = q ? q + pt->out.len : q; /* NULL when empty */
  licit_counts c = pt->counts;
  size_t n = 0, cap = 0;
  line *ls = NULL;
  while (q < end) {
    rec r;
    rec_next(&q, &r);
    licit_thread_why why = *r.kind == REC_THREAD_FAILS;
    if (*r.kind == REC_WAIT) {
      if (!walk) {
        free(ls);
        pt->waits = true;
        return 0;
      }
      int rc = thread_walk(e, r.ord, r.parent, &why, NULL);
      if (rc) {
        free(ls);
        return rc;
      }
    }
    licit_reason d = why ? LICIT_R_NOT_PUBLIC : r.reason;
    if (e->dec) e->dec[r.ord] = (uint8_t)d;
    if (d != LICIT_INCLUDED) {
      c.excluded[d]++;
      continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 1024;
      line *nl = realloc(ls, cap * sizeof *nl);
      if (!nl) {
        free(ls);
        return LICIT_ENOMEM;
      }
      ls = nl;
    }
    ls[n++] = (line){licit_id_prefix(r.id, r.n), r.id, r.sha, r.n};
    c.included++;
  }
  if (n > 1) qsort(ls, n, sizeof *ls, cmp_lines);
  pt->counts = c;
  pt->lines = ls;
  pt->nlines = n;
  pt->waits = false;
  return 0;
}

/* Hashes the parts' lines in id order: a k-way merge through a binary heap
 * of the parts' next lines. */
static int merge_lines(part *pts, int n, licit_sha256_ctx *h) {
  int *heap = malloc((size_t)(n ? n : 1) * sizeof *heap), hn = 0;
  size_t *at = calloc((size_t)(n ? n : 1), sizeof *at);
  if (!heap || !at) {
    free(heap);
    free(at);
    return LICIT_ENOMEM;
  }
#define HEAD(i) (&pts[i].lines[at[i]])
  for (int i = 0; i < n; i++) {
    if (!pts[i].nlines) continue;
    int j = hn++;
    while (j > 0 && line_cmp(HEAD(i), HEAD(heap[(j - 1) / 2])) < 0) {
      heap[j] = heap[(j - 1) / 2];
      j = (j - 1) / 2;
    }
    heap[j] = i;
  }
  while (hn > 0) {
    int top = heap[0];
    const line *l = HEAD(top);
    digest_line(h, l->id, l->n, l->sha);
    if (++at[top] == pts[top].nlines) top = heap[--hn];
    /* Sift `top` down from the root. */
    int j = 0;
    for (;;) {
      int c = 2 * j + 1;
      if (c >= hn) break;
      if (c + 1 < hn && line_cmp(HEAD(heap[c + 1]), HEAD(heap[c])) < 0) c++;
      if (line_cmp(HEAD(heap[c]), HEAD(top)) >= 0) break;
      heap[j] = heap[c];
      j = c;
    }
    if (hn > 0) heap[j] = top;
  }
#undef HEAD
  free(heap);
  free(at);
  return 0;
}

/* Sums the parts' counts, finishes the parts that still wait (store
 * damage), and hashes every line in id order. */
static int finish_parts(licit_eval *e, part *pts, int n, licit_sha256_ctx *h, licit_counts *c) {
  for (int i = 0; i < n; i++) {
    if (pts[i].waits) {
      int rc = part_lines(e, &pts[i], true);
      if (rc) return rc;
    }
    c->considered += pts[i].counts.considered;
    c->included += pts[i].counts.included;
    for (int r = 0; r < LICIT_R_COUNT; r++) c->excluded[r] += pts[i].counts.excluded[r];
  }
  return merge_lines(pts, n, h);
}

static int threads_for(const licit_eval *e) {
  int k = e->threads;
  if (k == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    k = e->nposts < 65536 || n < 2 ? 1 : n > 8 ? 8 : (int)n;
  }
  if (k > 64) k = 64;
  if ((uint32_t)k > e->nposts) k = e->nposts ? (int)e->nposts : 1;
  return k;
}

static int run_parts(licit_eval *e, licit_counts *counts, licit_sha256_ctx *h) {
  int k = threads_for(e), rc = 0;
  /* Several parts a thread (when there are threads), taken as they come. */
  int n = k > 1 ? k * PARTS_PER_THREAD : 1;
  if ((uint32_t)n > e->nposts) n = e->nposts ? (int)e->nposts : 1;
  bool fill = e->ver && e->ver->inherit_audience && licit_txn_n_replies(e->txn);
  if (fill && (rc = anc_alloc(e))) return rc;
  part *pts = calloc((size_t)n, sizeof *pts);
  pthread_t *tid = calloc((size_t)k, sizeof *tid);
  bool *started = calloc((size_t)k, sizeof *started);
  if (!pts || !tid || !started) {
    rc = LICIT_ENOMEM;
    goto out;
  }
  for (int i = 0; i < n; i++) {
    pts[i].w = *e;
    pts[i].w.uscratch = pts[i].w.pscratch = pts[i].w.lscratch = (licit_buf)LICIT_BUF_INIT;
    /* Ordinals are dense: equal ranges are parts of about equal size. */
    pts[i].from = (uint32_t)((uint64_t)i * e->nposts / (uint64_t)n);
    pts[i].to = i + 1 < n ? (uint32_t)((uint64_t)(i + 1) * e->nposts / (uint64_t)n) : 0;
    pts[i].fill = fill;
  }
  pool pl = {e, pts, n, 0, 0, {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, 0}};
  int nstarted = 0;
  for (int i = 1; i < k && n > 1; i++) {
    started[i] = pthread_create(&tid[i], NULL, pool_thread, &pl) == 0;
    nstarted += started[i];
  }
  /* This thread scans through the caller's transaction, and so also every
   * part the helpers leave (none started, or none with a transaction). */
  scan_parts(&pl, e->txn);
  pthread_mutex_lock(&pl.g.mu);
  while (pl.g.scanned < nstarted) pthread_cond_wait(&pl.g.cv, &pl.g.mu);
  pl.g.go = true;
  pthread_cond_broadcast(&pl.g.cv);
  pthread_mutex_unlock(&pl.g.mu);
  walk_parts(&pl);
  for (int i = 1; i < k; i++)
    if (started[i]) pthread_join(tid[i], NULL);
  pthread_mutex_destroy(&pl.g.mu);
  pthread_cond_destroy(&pl.g.cv);
  rc = pl.g.rc;
  for (int i = 0; i < n && !rc; i++) rc = pts[i].rc;
  if (!rc) rc = finish_parts(e, pts, n, h, counts);
out:
  for (int i = 0; pts && i < n; i++) {
    licit_buf_free(&pts[i].out);
    free(pts[i].lines);
    licit_buf_free(&pts[i].w.uscratch);
    licit_buf_free(&pts[i].w.pscratch);
    licit_buf_free(&pts[i].w.lscratch);
  }
  free(pts);
  free(tid);
  free(started);
  return rc;
}

#define DEC_NONE 0xff

/* A full evaluation with a callback: the scan of run_parts decides every
 * post (in ordinal order, the counts and the digest with it), then the
 * posts are visited in id order through postids, and only those the
 * caller wants are read again, judged again (the same decision: checked)
 * and handed to the callback. */
static int run_visit(licit_eval *e, licit_eval_want want, licit_eval_cb cb, void *ctx, licit_counts *counts,
                     licit_sha256_ctx *h) {
  if (!e->dec && !(e->dec = licit_big_calloc(e->nposts ? e->nposts : 1, 1))) return LICIT_ENOMEM;
  memset(e->dec, DEC_NONE, e->nposts ? e->nposts : 1);
  int rc = run_parts(e, counts, h);
  if (rc) return rc;
  licit_post_iter *it;
  if ((rc = licit_post_iter_open(e->txn, &it))) return rc;
  licit_strv id;
  uint32_t ord;
  licit_post_rec p;
  licit_buf scratch = LICIT_BUF_INIT;
  while ((rc = licit_post_iter_next_ord(it, &id, &ord)) == 1) {
    if (ord >= e->nposts || id.n > LICIT_ID_MAX) {
      rc = LICIT_ESTORE;
      break;
    }
    uint8_t d = e->dec[ord];
    if (d == DEC_NONE || (want && !want(ctx, ord, (licit_reason)d))) continue;
    if ((rc = licit_post_get_ord(e->txn, ord, &p, &scratch))) {
      if (rc == LICIT_ENOTFOUND) rc = LICIT_ESTORE;
      break;
    }
    /* postids led to a record that names another post: damage. */
    if (!licit_post_names(&p, id.p, id.n)) {
      rc = LICIT_ESTORE;
      break;
    }
    const licit_text_hist *text;
    licit_reason r;
    if ((rc = judge(e, &p, &r, &text, NULL, NULL))) break;
    if (r != (licit_reason)d || (r == LICIT_INCLUDED && !text)) {
      rc = LICIT_EINTERNAL;
      break;
    }
    if ((rc = cb(ctx, id, &p, r, text)) != 0) break;
  }
  licit_post_iter_close(it);
  licit_buf_free(&scratch);
  return rc == 1 ? 0 : rc;
}

int licit_eval_run(licit_eval *e, licit_eval_cb cb, void *ctx, licit_counts *counts, char digest_hex[65],
                   licit_err *err) {
  return licit_eval_run_want(e, NULL, cb, ctx, counts, digest_hex, err);
}

int licit_eval_run_want(licit_eval *e, licit_eval_want want, licit_eval_cb cb, void *ctx, licit_counts *counts,
                        char digest_hex[65], licit_err *err) {
  memset(counts, 0, sizeof *counts);
  licit_sha256_ctx *h = licit_sha256_begin();
  if (!h) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  /* A full scan follows: on one thread, map the store in one system call
   * rather than a page fault at a time (several threads fault in parallel,
   * which measured as fast as mapping it first). */
  if (!e->lazy && threads_for(e) == 1) licit_store_prefault(licit_txn_store(e->txn));
  if (!e->lazy) {
    int rc = cb ? run_visit(e, want, cb, ctx, counts, h) : run_parts(e, counts, h);
    uint8_t d[32];
    licit_sha256_end(h, d);
    if (rc < 0) {
      if (err && err->code == rc && err->msg[0]) return rc; /* a callback's own message */
      if (rc == LICIT_EINTERNAL)
        return licit_err_set(err, rc, "evaluation: a post judged twice was decided differently (a bug)");
      return licit_err_set(err, rc, "evaluation: reading the store: %s", licit_strerror(rc));
    }
    if (rc > 0) return rc;
    licit_hex(d, 32, digest_hex);
    return 0;
  }
  licit_post_iter *it;
  int rc = licit_post_iter_open(e->txn, &it);
  if (rc) {
    uint8_t d[32];
    licit_sha256_end(h, d);
    return licit_err_set(err, rc, "reading the store: %s", licit_strerror(rc));
  }
  licit_strv id;
  licit_post_rec p;
  licit_buf scratch = LICIT_BUF_INIT;
  while ((rc = licit_post_iter_next(it, &id, &p, &scratch)) == 1) {
    if (!licit_eval_considered(e, &p)) continue;
    if (id.n > LICIT_ID_MAX) {
      rc = LICIT_ESTORE;
      break;
    }
    counts->considered++;
    const licit_text_hist *text;
    licit_reason r;
    if ((rc = judge(e, &p, &r, &text, NULL, NULL))) break;
    if (r == LICIT_INCLUDED) {
      counts->included++;
      if (!text) {
        rc = LICIT_ESTORE;
        break;
      }
      digest_line(h, id.p, id.n, text->sha);
    } else {
      counts->excluded[r]++;
    }
    if (cb && (rc = cb(ctx, id, &p, r, text)) != 0) break;
  }
  licit_post_iter_close(it);
  licit_buf_free(&scratch);
  uint8_t d[32];
  licit_sha256_end(h, d);
  if (rc < 0) {
    if (err && err->code == rc && err->msg[0]) return rc; /* a callback's own message */
    return licit_err_set(err, rc, "evaluation: reading the store: %s", licit_strerror(rc));
  }
  if (rc > 0) return rc;
  licit_hex(d, 32, digest_hex);
  return 0;
}
