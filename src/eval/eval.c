/*
 * eval.c — SPEC section 4, the nine checks (see eval.h).
 */
#include "eval/eval.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "event/event.h"

static const char *const reason_names[LICIT_R_COUNT] = {
    "included", "deleted",    "no_policy", "too_old",  "minor",
    "region_excluded", "not_public", "signal", "objected", "no_consent"};

const char *licit_reason_name(int r) { return r >= 0 && r < LICIT_R_COUNT ? reason_names[r] : "?"; }

struct licit_eval {
  licit_txn *txn;
  const licit_policy *policy;
  const licit_policy_version *ver;
  int64_t T;
  uint64_t maxseq;
  uint32_t nusers;
  licit_user_facts *users;
  /* honoured signal ordinals: a sorted list, and for each the index of the
   * policy token it came from */
  size_t n_honor;
  uint32_t *honor_ords;
  size_t *honor_idx;
  licit_buf scratch;
  bool lazy;
  uint32_t cached_ord; /* lazy mode: the user in `cached`, or UINT32_MAX */
  licit_user_facts cached;
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

void licit_eval_user_facts(const licit_eval *e, const licit_user_rec *u, licit_user_facts *f,
                           licit_user_sources *src) {
  memset(f, 0, sizeof *f);
  licit_user_sources s = {0};
  f->known = true;
  /* Deleted when any deletion is at or before T (the earliest one decides). */
  for (uint32_t i = 0; i < u->n_del; i++) {
    const licit_hist *d = &u->del[i];
    if (d->ts <= e->T && d->seq <= e->maxseq && (!s.del || d->ts < s.del->ts)) s.del = d;
  }
  f->deleted = s.del != NULL;
  if ((s.private_ = at(e, u->private_, u->n_private))) f->private_ = s.private_->val != 0;
  if ((s.birth = at(e, u->birth, u->n_birth))) {
    f->has_birth = true;
    f->birth = s.birth->val;
  }
  if ((s.region = at(e, u->region, u->n_region)) && s.region->val) {
    f->region[0] = (char)(s.region->val >> 8);
    f->region[1] = (char)(s.region->val & 0xFF);
  }
  if ((s.pref = at(e, u->pref, u->n_pref))) f->pref = (uint8_t)s.pref->val;
  if (e->ver) {
    int via;
    f->mode = (uint8_t)licit_policy_mode(e->ver, f->region, &via);
    f->via = (int16_t)via;
  }
  if (src) *src = s;
}

static int eval_open(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, bool lazy,
                     licit_eval **out, licit_err *err) {
  licit_eval *e = calloc(1, sizeof *e);
  if (!e) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  e->txn = txn;
  e->policy = policy;
  e->ver = policy ? licit_policy_at(policy, T) : NULL;
  e->T = T;
  e->maxseq = maxseq;
  int rc = 0;
  uint64_t nu = licit_txn_n_users(txn);
  e->nusers = (uint32_t)nu;
  e->lazy = lazy;
  e->cached_ord = UINT32_MAX;
  if (lazy) goto signals;
  licit_store_prefault(licit_txn_store(txn)); /* a full scan follows */
  e->users = calloc(nu ? nu : 1, sizeof *e->users);
  if (!e->users) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto fail;
  }
  licit_user_iter *it;
  if ((rc = licit_user_iter_open(txn, &it))) goto store_fail;
  licit_user_rec u;
  while ((rc = licit_user_iter_next(it, &u, &e->scratch)) == 1) {
    if (u.ord >= e->nusers) {
      rc = LICIT_ESTORE;
      break;
    }
    licit_eval_user_facts(e, &u, &e->users[u.ord], NULL);
  }
  licit_user_iter_close(it);
  if (rc) goto store_fail;
  /* Users whose first event is beyond the log prefix are still "known" in
   * the array; no post of theirs within the prefix can be considered
   * without an event of theirs within it, so this is harmless. */
signals:
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
  return eval_open(txn, policy, T, maxseq, false, out, err);
}

int licit_eval_open_lazy(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq,
                         licit_eval **out, licit_err *err) {
  return eval_open(txn, policy, T, maxseq, true, out, err);
}

void licit_eval_close(licit_eval *e) {
  if (!e) return;
  free(e->users);
  free(e->honor_ords);
  free(e->honor_idx);
  licit_buf_free(&e->scratch);
  free(e);
}

const licit_policy_version *licit_eval_version(const licit_eval *e) { return e->ver; }
int64_t licit_eval_at(const licit_eval *e) { return e->T; }
uint64_t licit_eval_maxseq(const licit_eval *e) { return e->maxseq; }

const licit_user_facts *licit_eval_user(licit_eval *e, uint32_t ord) {
  if (ord >= e->nusers) return NULL;
  if (!e->lazy) return &e->users[ord];
  if (e->cached_ord != ord) {
    licit_user_rec u;
    if (licit_user_get(e->txn, ord, &u, &e->scratch)) return NULL;
    licit_eval_user_facts(e, &u, &e->cached, NULL);
    e->cached_ord = ord;
  }
  return &e->cached;
}

bool licit_eval_considered(const licit_eval *e, const licit_post_rec *p) {
  return p->created_ts <= e->T && p->created_seq <= e->maxseq;
}

const licit_hist *licit_eval_vis(const licit_eval *e, const licit_post_rec *p) {
  return at(e, p->vis, p->n_vis);
}

const licit_hist *licit_eval_sig(const licit_eval *e, const licit_post_rec *p) {
  return at(e, p->sig, p->n_sig);
}

bool licit_eval_sig_honoured(const licit_eval *e, const licit_post_rec *p, const licit_hist *sig, size_t *which) {
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

licit_reason licit_eval_post(licit_eval *e, const licit_post_rec *p, const licit_text_hist **text) {
  if (text)
    *text = (const licit_text_hist *)licit_hist_at(&p->text[0].h, p->n_text, sizeof(licit_text_hist), e->T,
                                                   e->maxseq);
  const licit_user_facts *u = licit_eval_user(e, p->user);
  static const licit_user_facts nobody = {0};
  if (!u) u = &nobody;
  /* 1. deleted */
  if ((p->del_seq && p->del_seq <= e->maxseq && p->del_ts <= e->T) || u->deleted) return LICIT_R_DELETED;
  /* 2. no_policy */
  const licit_policy_version *v = e->ver;
  if (!v) return LICIT_R_NO_POLICY;
  /* 3. too_old */
  if (v->content_since != LICIT_TIME_NONE && p->created_ts < v->content_since) return LICIT_R_TOO_OLD;
  /* 4. minor */
  if (v->min_age >= 0 && u->has_birth && licit_age_at(p->created_ts, u->birth) < v->min_age) return LICIT_R_MINOR;
  /* 5. region_excluded */
  if (u->mode == LICIT_MODE_EXCLUDED) return LICIT_R_REGION_EXCLUDED;
  /* 6. not_public */
  const licit_hist *vis = at(e, p->vis, p->n_vis);
  if (!vis || !(v->vis_mask & (1u << vis->val)) || u->private_) return LICIT_R_NOT_PUBLIC;
  /* 7. signal */
  if (p->n_sig && e->n_honor && licit_eval_sig_honoured(e, p, at(e, p->sig, p->n_sig), NULL)) return LICIT_R_SIGNAL;
  /* 8. objected */
  if (u->mode == LICIT_MODE_OPT_OUT && u->pref == LICIT_PREF_DENY) return LICIT_R_OBJECTED;
  /* 9. no_consent */
  if (u->mode == LICIT_MODE_OPT_IN && u->pref != LICIT_PREF_ALLOW) return LICIT_R_NO_CONSENT;
  return LICIT_INCLUDED;
}

int licit_eval_run(licit_eval *e, licit_eval_cb cb, void *ctx, licit_counts *counts, char digest_hex[65],
                   licit_err *err) {
  memset(counts, 0, sizeof *counts);
  licit_sha256_ctx *h = licit_sha256_begin();
  if (!h) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
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
  /* Digest input per post: id, "\n", 64 hex digits, "\n". */
  char line[LICIT_ID_MAX + 67];
  while ((rc = licit_post_iter_next(it, &id, &p, &scratch)) == 1) {
    if (!licit_eval_considered(e, &p)) continue;
    counts->considered++;
    const licit_text_hist *text;
    licit_reason r = licit_eval_post(e, &p, &text);
    if (r == LICIT_INCLUDED) {
      counts->included++;
      if (!text) {
        rc = LICIT_ESTORE;
        break;
      }
      memcpy(line, id.p, id.n);
      line[id.n] = '\n';
      licit_hex(text->sha, 32, line + id.n + 1);
      line[id.n + 65] = '\n';
      licit_sha256_update(h, line, id.n + 66);
    } else {
      counts->excluded[r]++;
    }
    if (cb && (rc = cb(ctx, id, &p, r, text)) != 0) break;
  }
  licit_post_iter_close(it);
  licit_buf_free(&scratch);
  uint8_t d[32];
  licit_sha256_end(h, d);
  if (rc < 0) return licit_err_set(err, rc, "evaluation: %s", licit_strerror(rc));
  if (rc > 0) return rc;
  licit_hex(d, 32, digest_hex);
  return 0;
}
