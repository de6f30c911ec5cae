/*
 * explain.c — explain, report and debt (see explain.h).
 */
#include "report/explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"

static void tfmt(int64_t us, char *b) { licit_time_format(us, b); }

static void cset(licit_check *c, int passed, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void cset(licit_check *c, int passed, const char *fmt, ...) {
  va_list ap;
  c->passed = passed;
  va_start(ap, fmt);
  vsnprintf(c->detail, sizeof c->detail, fmt, ap);
  va_end(ap);
}

/* Cites the event at `seq` (its ts and type come from the log). */
static void cite(licit_txn *t, licit_check *c, uint64_t seq) {
  if (!seq || c->n_events >= 3) return;
  licit_event ev;
  licit_ev_ref *r = &c->events[c->n_events];
  r->seq = seq;
  r->ts = 0;
  r->type = 0;
  if (licit_log_get(t, seq, &ev, NULL, 0) == 0) {
    r->ts = ev.ts;
    r->type = ev.type;
  }
  c->n_events++;
}

const char *licit_mode_meaning(licit_mode m) {
  switch (m) {
    case LICIT_MODE_NO_CHOICE:
      return "in this region there is no choice: public posts are used; only making posts non-public (or the "
             "account private) or deleting them keeps them out, for every corpus built after that";
    case LICIT_MODE_OPT_OUT:
      return "you can object (opt out): your objection is honoured from the moment you file it, for every "
             "corpus built after that; corpora already built keep what they hold";
    case LICIT_MODE_OPT_IN:
      return "your posts are used only with your consent (opt in), from the moment you give it";
    case LICIT_MODE_EXCLUDED: return "your region is excluded: no post of yours is used while this holds";
  }
  return "";
}

static void region_str(const licit_user_facts *f, char out[8]) {
  if (f->region[0]) snprintf(out, 8, "%c%c", f->region[0], f->region[1]);
  else snprintf(out, 8, "unknown");
}

static const char *via_str(const licit_policy *p, int via, char *buf, size_t cap) {
  if (via == LICIT_VIA_COUNTRY) return "its own key";
  if (via == LICIT_VIA_DEFAULT) return "the \"default\" key";
  if (via == LICIT_VIA_NONE) return "no matching key and no default (no_choice)";
  if (p && via >= 0 && (size_t)via < p->n_groups) {
    snprintf(buf, cap, "the group %s", p->groups[via].name);
    return buf;
  }
  return "?";
}

/* ------------------------------------------------------------- explain -- */

static void explain_checks(licit_txn *t, licit_eval *e, const licit_policy *pol, const licit_post_rec *p,
                           const licit_user_rec *u, licit_explain *x) {
  char a[LICIT_TIME_BUFSZ], b[LICIT_TIME_BUFSZ];
  const int64_t T = licit_eval_at(e);
  const uint64_t N = licit_eval_maxseq(e);
  licit_user_facts f;
  licit_user_sources src;
  licit_eval_user_facts(e, u, &f, &src);
  x->facts = f;
  const licit_policy_version *v = licit_eval_version(e);
  for (int i = 0; i < 9; i++) {
    memset(&x->checks[i], 0, sizeof x->checks[i]);
    x->checks[i].check = i + 1;
  }
  licit_check *c = x->checks;
  /* 1. deleted */
  bool pdel = p->del_seq && p->del_seq <= N && p->del_ts <= T;
  if (pdel) {
    tfmt(p->del_ts, a);
    cset(&c[0], 0, "the post was deleted at %s", a);
    cite(t, &c[0], p->del_seq);
  } else if (f.deleted) {
    tfmt(src.del->ts, a);
    cset(&c[0], 0, "the author's account was deleted at %s", a);
    cite(t, &c[0], src.del->seq);
  } else if (p->del_seq && p->del_seq <= N) {
    tfmt(p->del_ts, a);
    cset(&c[0], 1, "not deleted at this time (the post is deleted later, at %s)", a);
    cite(t, &c[0], p->del_seq);
  } else {
    cset(&c[0], 1, "neither the post nor the account was deleted at or before this time");
  }
  /* 2. no_policy */
  if (v) {
    tfmt(v->effective, a);
    cset(&c[1], 1, "policy %s, version %s, in force since %s", pol->name, v->id, a);
  } else if (pol) {
    tfmt(pol->versions[0].effective, a);
    cset(&c[1], 0, "no version of policy %s is in force at this time (the first starts %s)", pol->name, a);
  } else {
    cset(&c[1], 0, "no policy is installed");
  }
  if (!v) {
    for (int i = 2; i < 9; i++) cset(&c[i], LICIT_CHECK_NA, "not evaluated: no policy version in force");
    return;
  }
  /* 3. too_old */
  tfmt(p->created_ts, a);
  if (v->content_since == LICIT_TIME_NONE) {
    cset(&c[2], 1, "created %s; the policy sets no start date for content", a);
  } else {
    tfmt(v->content_since, b);
    cset(&c[2], p->created_ts >= v->content_since, "created %s, %s the policy's start date %s", a,
         p->created_ts >= v->content_since ? "on or after" : "before", b);
  }
  cite(t, &c[2], p->created_seq);
  /* 4. minor */
  if (v->min_age < 0) {
    cset(&c[3], 1, "the policy sets no minimum age");
  } else if (!f.has_birth) {
    cset(&c[3], 1, "the author's birth date is not known at this time, so age is not checked (minimum %d)",
         v->min_age);
  } else {
    char bd[16];
    licit_date_format(f.birth, bd);
    int age = licit_age_at(p->created_ts, f.birth);
    cset(&c[3], age >= v->min_age, "the author (born %s) was %d when the post was created; the minimum age is %d",
         bd, age, v->min_age);
    cite(t, &c[3], src.birth->seq);
  }
  /* 5. region_excluded */
  char reg[8], vb[300];
  region_str(&f, reg);
  cset(&c[4], f.mode != LICIT_MODE_EXCLUDED, "region %s maps to %s through %s", reg, licit_mode_name(f.mode),
       via_str(pol, f.via, vb, sizeof vb));
  if (src.region) cite(t, &c[4], src.region->seq);
  /* 6. not_public */
  const licit_hist *vis = licit_eval_vis(e, p);
  bool vis_ok = vis && (v->vis_mask & (1u << vis->val));
  char elig[64] = "";
  for (int i = 0; i < 4; i++)
    if (v->vis_mask & (1u << i)) {
      if (elig[0]) strcat(elig, ", ");
      strcat(elig, licit_vis_name(i));
    }
  cset(&c[5], vis_ok && !f.private_, "visibility %s (eligible: %s); the account is %s", vis ? licit_vis_name(vis->val) : "?",
       elig[0] ? elig : "none", f.private_ ? "private" : "not private");
  if (vis) cite(t, &c[5], vis->seq);
  if (src.private_) cite(t, &c[5], src.private_->seq);
  /* 7. signal */
  const licit_hist *sig = licit_eval_sig(e, p);
  size_t which = 0;
  bool honoured = licit_eval_sig_honoured(e, p, sig, &which);
  char toks[200] = "";
  if (sig) {
    licit_strv sb[16];
    licit_event ev;
    if (licit_log_get(t, sig->seq, &ev, sb, 16) == 0)
      for (size_t i = 0; i < ev.n_signals && i < 16; i++) {
        size_t l = strlen(toks);
        snprintf(toks + l, sizeof toks - l, "%s%.*s", l ? ", " : "", (int)(sb[i].n > 40 ? 40 : sb[i].n), sb[i].p);
      }
    cite(t, &c[6], sig->seq);
  }
  if (honoured)
    cset(&c[6], 0, "the post carries the signal \"%s\", which the policy honours", v->honor[which]);
  else if (v->n_honor)
    cset(&c[6], 1, "signals: %s; none is honoured by the policy", toks[0] ? toks : "none");
  else
    cset(&c[6], 1, "signals: %s; the policy honours no signals", toks[0] ? toks : "none");
  /* 8. objected, 9. no_consent */
  const char *pref = licit_pref_name(f.pref);
  char since[80] = "";
  if (src.pref) {
    tfmt(src.pref->ts, a);
    snprintf(since, sizeof since, " (set at %s)", a);
  }
  if (f.mode == LICIT_MODE_OPT_OUT)
    cset(&c[7], f.pref != LICIT_PREF_DENY, "mode opt_out; the author's preference is %s%s%s", pref, since,
         f.pref == LICIT_PREF_DENY ? ": the objection is honoured" : "");
  else
    cset(&c[7], 1, "mode %s: an objection does not apply here (preference %s)", licit_mode_name(f.mode), pref);
  if (f.mode == LICIT_MODE_OPT_IN)
    cset(&c[8], f.pref == LICIT_PREF_ALLOW, "mode opt_in; the author's preference is %s%s", pref, since);
  else
    cset(&c[8], 1, "mode %s: consent is not required", licit_mode_name(f.mode));
  if (src.pref) {
    cite(t, &c[7], src.pref->seq);
    cite(t, &c[8], src.pref->seq);
  }
}

int licit_explain_post(licit_txn *t, const licit_policy *pol, const char *post, size_t n, int64_t T,
                       licit_explain *x, licit_err *err) {
  memset(x, 0, sizeof *x);
  licit_buf pscr = LICIT_BUF_INIT, uscr = LICIT_BUF_INIT;
  licit_eval *e = NULL;
  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  licit_post_rec p;
  licit_user_rec u;
  int rc = licit_post_get(t, post, n, &p, &pscr);
  if (rc == LICIT_ENOTFOUND) {
    rc = licit_err_set(err, rc, "no post \"%.*s\" in the store", (int)(n > 80 ? 80 : n), post);
    goto out;
  }
  if (rc || (rc = licit_user_get(t, p.user, &u, &uscr))) {
    rc = licit_err_set(err, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading the store: %s", licit_strerror(rc));
    goto out;
  }
  if ((rc = licit_eval_open_lazy(t, pol, T, licit_txn_log_len(t), &e, err))) goto out;
  memcpy(x->post, post, n);
  memcpy(x->user, u.id, u.id_len);
  x->at = T;
  x->created = p.created_ts;
  x->considered = licit_eval_considered(e, &p);
  const licit_policy_version *v = licit_eval_version(e);
  x->policy_name = pol ? pol->name : NULL;
  x->version_id = v ? v->id : NULL;
  const licit_text_hist *text = NULL;
  x->decision = x->considered ? (int)licit_eval_post(e, &p, &text) : -1;
  explain_checks(t, e, pol, &p, &u, x);
  if (!x->considered) {
    /* Nothing is decided about a post that does not exist yet. */
    char cr[LICIT_TIME_BUFSZ];
    tfmt(p.created_ts, cr);
    for (int i = 0; i < 9; i++) {
      cset(&x->checks[i], LICIT_CHECK_NA, "not evaluated: the post was created later, at %s", cr);
      x->checks[i].n_events = 0;
    }
    cite(t, &x->checks[0], p.created_seq);
  }
  if (!text)
    text = (const licit_text_hist *)licit_hist_at(&p.text[0].h, p.n_text, sizeof(licit_text_hist), T, UINT64_MAX);
  if (text) {
    licit_event tev;
    if (licit_log_get(t, text->h.seq, &tev, NULL, 0) == 0)
      x->optout_notice = licit_notice_detect(tev.text.p, tev.text.n, &x->notice) == 1;
  }
  if ((rc = licit_snapshot_list(t, &snaps, &nsnaps))) {
    rc = licit_err_set(err, rc, "reading snapshots: %s", licit_strerror(rc));
    goto out;
  }
  x->snaps = calloc(nsnaps ? nsnaps : 1, sizeof *x->snaps);
  if (!x->snaps) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < nsnaps; i++) {
    int has = licit_snapshot_has(t, &snaps[i], p.ord);
    if (has < 0) {
      rc = licit_err_set(err, has, "reading snapshots: %s", licit_strerror(has));
      goto out;
    }
    x->snaps[i].name = snaps[i].name;
    snaps[i].name = NULL;
    x->snaps[i].at = snaps[i].at;
    x->snaps[i].posts = (uint64_t)has;
    x->n_snaps = i + 1;
  }
out:
  licit_snapshot_list_free(snaps, nsnaps);
  licit_eval_close(e);
  licit_buf_free(&pscr);
  licit_buf_free(&uscr);
  if (rc) licit_explain_free(x);
  return rc;
}

static void free_hits(licit_snap_hit *h, size_t n) {
  for (size_t i = 0; i < n; i++) free(h[i].name);
  free(h);
}

void licit_explain_free(licit_explain *x) {
  free_hits(x->snaps, x->n_snaps);
  x->snaps = NULL;
  x->n_snaps = 0;
}

/* -------------------------------------------------------------- report -- */

static int push(char ***arr, size_t *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int push(char ***arr, size_t *n, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **na = realloc(*arr, (*n + 1) * sizeof *na);
  if (!na) return LICIT_ENOMEM;
  *arr = na;
  if (!(na[*n] = strdup(buf))) return LICIT_ENOMEM;
  (*n)++;
  return 0;
}

static int add_actions(licit_report *r, const licit_policy_version *v) {
  char a[LICIT_TIME_BUFSZ];
  int rc = 0;
  const licit_user_facts *f = &r->facts;
  if (f->deleted) return push(&r->actions, &r->n_actions, "The account is deleted: none of its posts enter corpora built after its deletion.");
  if (!v) {
    rc = push(&r->actions, &r->n_actions,
              "No policy version is in force at this time, so no post is used for AI training under it.");
  } else if (f->mode == LICIT_MODE_OPT_OUT && f->pref != LICIT_PREF_DENY) {
    rc = push(&r->actions, &r->n_actions,
              "Object to AI training (opt out) in your account settings: it is honoured from the moment you file "
              "it, for every corpus built after that. Corpora already built keep the posts they hold.");
  } else if (f->mode == LICIT_MODE_OPT_OUT) {
    tfmt(r->pref_since, a);
    rc = push(&r->actions, &r->n_actions,
              "Your objection, filed %s, is honoured: none of your posts enter corpora built after that. You can "
              "withdraw it at any time.",
              a);
  } else if (f->mode == LICIT_MODE_OPT_IN && f->pref != LICIT_PREF_ALLOW) {
    rc = push(&r->actions, &r->n_actions,
              "Nothing to do to keep your posts out: they are used only if you consent (opt in), which you have not.");
  } else if (f->mode == LICIT_MODE_OPT_IN) {
    rc = push(&r->actions, &r->n_actions,
              "You consented to AI training; withdrawing consent keeps your posts out of every corpus built after that.");
  } else if (f->mode == LICIT_MODE_EXCLUDED) {
    rc = push(&r->actions, &r->n_actions,
              "Your region is excluded under this policy version: none of your posts are used while that holds.");
  } else {
    rc = push(&r->actions, &r->n_actions,
              "In your region there is no way to object: the policy ignores preferences here (no_choice).");
  }
  if (!rc && (!v || f->mode != LICIT_MODE_EXCLUDED))
    rc = push(&r->actions, &r->n_actions,
              "Deleting a post, making it non-public, or making your account private keeps it out of every corpus "
              "built after that moment.");
  if (!rc && r->n_snaps)
    rc = push(&r->actions, &r->n_actions,
              "%zu corpus snapshot(s) already built hold your posts; they keep them (historical data remains). "
              "Their licensees learn of later deletions and objections from `licit debt`.",
              r->n_snaps);
  if (!rc && r->n_notices)
    rc = push(&r->actions, &r->n_actions,
              "Posting an \"I do not give Meta permission\" or \"Goodbye Meta AI\" notice has no effect: %zu such "
              "post(s) of yours are treated like any other post. Use the mechanisms above instead.",
              r->n_notices);
  return rc;
}

int licit_report_user(licit_txn *t, const licit_policy *pol, const char *user, size_t n, int64_t T,
                      licit_report *r, licit_err *err) {
  memset(r, 0, sizeof *r);
  r->pref_since = LICIT_TIME_NONE;
  licit_buf pscr = LICIT_BUF_INIT, uscr = LICIT_BUF_INIT;
  licit_eval *e = NULL;
  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  uint32_t *ords = NULL;
  size_t nords = 0;
  uint32_t uo;
  licit_user_rec u;
  int rc = licit_user_ord(t, user, n, &uo);
  if (rc == LICIT_ENOTFOUND) {
    rc = licit_err_set(err, rc, "no user \"%.*s\" in the store", (int)(n > 80 ? 80 : n), user);
    goto out;
  }
  if (rc || (rc = licit_user_get(t, uo, &u, &uscr))) {
    rc = licit_err_set(err, LICIT_ESTORE, "reading the store: %s", licit_strerror(rc));
    goto out;
  }
  memcpy(r->user, user, n);
  r->at = T;
  if ((rc = licit_eval_open_lazy(t, pol, T, licit_txn_log_len(t), &e, err))) goto out;
  const licit_policy_version *v = licit_eval_version(e);
  r->policy_name = pol ? pol->name : NULL;
  r->version_id = v ? v->id : NULL;
  licit_user_sources src;
  licit_eval_user_facts(e, &u, &r->facts, &src);
  if (src.pref) r->pref_since = src.pref->ts;
  if (v && v->min_age >= 0 && r->facts.has_birth) r->minor_now = licit_age_at(T, r->facts.birth) < v->min_age;
  if ((rc = licit_user_posts(t, uo, &ords, &nords)) || (rc = licit_snapshot_list(t, &snaps, &nsnaps))) {
    rc = licit_err_set(err, rc, "reading the store: %s", licit_strerror(rc));
    goto out;
  }
  uint64_t *hits = calloc(nsnaps ? nsnaps : 1, sizeof *hits);
  if (!hits) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < nords && !rc; i++) {
    licit_strv id;
    licit_post_rec p;
    if ((rc = licit_post_id(t, ords[i], &id)) || (rc = licit_post_get(t, id.p, id.n, &p, &pscr))) break;
    for (size_t s = 0; s < nsnaps; s++) {
      int has = licit_snapshot_has(t, &snaps[s], p.ord);
      if (has < 0) {
        rc = has;
        break;
      }
      hits[s] += (uint64_t)has;
    }
    if (!licit_eval_considered(e, &p)) continue;
    r->posts.considered++;
    const licit_text_hist *text;
    licit_reason d = licit_eval_post(e, &p, &text);
    if (d == LICIT_INCLUDED) r->posts.included++;
    else r->posts.excluded[d]++;
    if (text && text->h.val) {
      char idz[LICIT_ID_MAX + 1];
      memcpy(idz, id.p, id.n);
      idz[id.n] = 0;
      if (push(&r->notices, &r->n_notices, "%s", idz)) rc = LICIT_ENOMEM;
    }
  }
  if (!rc) {
    r->snaps = calloc(nsnaps ? nsnaps : 1, sizeof *r->snaps);
    if (!r->snaps) rc = LICIT_ENOMEM;
    for (size_t s = 0; s < nsnaps && !rc; s++) {
      if (!hits[s]) continue;
      licit_snap_hit *h = &r->snaps[r->n_snaps++];
      h->name = snaps[s].name;
      snaps[s].name = NULL;
      h->at = snaps[s].at;
      h->posts = hits[s];
    }
  }
  free(hits);
  if (!rc) rc = add_actions(r, v);
  if (rc) rc = licit_err_set(err, rc, "report: %s", licit_strerror(rc));
out:
  free(ords);
  licit_snapshot_list_free(snaps, nsnaps);
  licit_eval_close(e);
  licit_buf_free(&pscr);
  licit_buf_free(&uscr);
  if (rc) licit_report_free(r);
  return rc;
}

static void free_strs(char **a, size_t n) {
  for (size_t i = 0; i < n; i++) free(a[i]);
  free(a);
}

void licit_report_free(licit_report *r) {
  free_hits(r->snaps, r->n_snaps);
  free_strs(r->notices, r->n_notices);
  free_strs(r->actions, r->n_actions);
  r->snaps = NULL;
  r->notices = r->actions = NULL;
  r->n_snaps = r->n_notices = r->n_actions = 0;
}

/* ---------------------------------------------------------------- debt -- */

typedef struct debt_run {
  licit_debt_snap *d;
  size_t n;
  uint64_t **bits;
} debt_run;

static int debt_cb(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r, const licit_text_hist *text) {
  (void)text;
  debt_run *dr = ctx;
  if (r == LICIT_INCLUDED) return 0;
  for (size_t s = 0; s < dr->n; s++) {
    licit_debt_snap *d = &dr->d[s];
    if (p->ord >= d->info.nbits || !((dr->bits[s][p->ord / 64] >> (p->ord % 64)) & 1)) continue;
    char **na = realloc(d->ids[r], (d->n[r] + 1) * sizeof *na);
    if (!na) return LICIT_ENOMEM;
    d->ids[r] = na;
    if (!(na[d->n[r]] = malloc(id.n + 1))) return LICIT_ENOMEM;
    memcpy(na[d->n[r]], id.p, id.n);
    na[d->n[r]][id.n] = 0;
    d->n[r]++;
  }
  return 0;
}

int licit_debt(licit_txn *t, const licit_policy *pol, int64_t T, const char *name, licit_debt_snap **out, size_t *nout,
               licit_err *err) {
  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  int rc = licit_snapshot_list(t, &snaps, &nsnaps);
  if (rc) return licit_err_set(err, rc, "reading snapshots: %s", licit_strerror(rc));
  debt_run dr = {0};
  dr.d = calloc(nsnaps ? nsnaps : 1, sizeof *dr.d);
  dr.bits = calloc(nsnaps ? nsnaps : 1, sizeof *dr.bits);
  licit_eval *e = NULL;
  if (!dr.d || !dr.bits) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < nsnaps; i++) {
    if (name && strcmp(snaps[i].name, name) != 0) continue;
    licit_debt_snap *d = &dr.d[dr.n];
    d->info = snaps[i];
    memset(&snaps[i], 0, sizeof snaps[i]); /* ownership moves */
    d->included = d->info.counts[1];
    if ((rc = licit_snapshot_bits(t, &d->info, &dr.bits[dr.n]))) {
      dr.n++;
      rc = licit_err_set(err, rc, "reading snapshot bitmaps: %s", licit_strerror(rc));
      goto out;
    }
    dr.n++;
  }
  if (name && dr.n == 0) {
    rc = licit_err_set(err, LICIT_ENOTFOUND, "no snapshot named \"%s\" is registered", name);
    goto out;
  }
  if (dr.n) {
    licit_counts c;
    char digest[65];
    if ((rc = licit_eval_open(t, pol, T, licit_txn_log_len(t), &e, err))) goto out;
    if ((rc = licit_eval_run(e, debt_cb, &dr, &c, digest, err))) {
      if (err && !err->msg[0]) licit_err_set(err, rc, "debt: %s", licit_strerror(rc));
      goto out;
    }
  }
  *out = dr.d;
  *nout = dr.n;
  dr.d = NULL;
out:
  licit_eval_close(e);
  for (size_t i = 0; i < dr.n; i++) free(dr.bits[i]);
  free(dr.bits);
  if (dr.d) licit_debt_free(dr.d, dr.n);
  licit_snapshot_list_free(snaps, nsnaps);
  return rc;
}

void licit_debt_free(licit_debt_snap *d, size_t n) {
  if (!d) return;
  for (size_t i = 0; i < n; i++) {
    licit_snapshot_info_free(&d[i].info);
    for (int r = 0; r < LICIT_R_COUNT; r++) free_strs(d[i].ids[r], d[i].n[r]);
  }
  free(d);
}
