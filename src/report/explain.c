/*
 * explain.c — explain, report and debt (see explain.h).
 *
 * explain judges nothing itself: it asks the evaluator for its trace
 * (licit_eval_trace) and puts each recorded outcome into words.
 */
#include "report/explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"
#include "json/json.h"

static void tfmt(int64_t us, char *b) { licit_time_format(us, b); }

static void cset(licit_check *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void cset(licit_check *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->detail, sizeof c->detail, fmt, ap);
  va_end(ap);
}

/* Copies an id of at most LICIT_ID_MAX bytes into a NUL-terminated field;
 * a longer one (a damaged store) is an error, never an overflow. */
static int idcpy(char dst[LICIT_ID_MAX + 1], const char *s, size_t n) {
  if (n > LICIT_ID_MAX) return LICIT_ESTORE;
  memcpy(dst, s, n);
  dst[n] = 0;
  return 0;
}

/* Resolves the trace's citations: each event's ts and type from the log,
 * and the id of another post or account it concerns. */
static int resolve_cites(licit_txn *t, const licit_trace_check *tc, licit_check *c) {
  c->n_events = 0;
  licit_buf scratch = LICIT_BUF_INIT;
  int rc = 0;
  for (int i = 0; i < tc->n_cites && !rc; i++) {
    const licit_cite *k = &tc->cites[i];
    licit_ev_ref *r = &c->events[c->n_events];
    memset(r, 0, sizeof *r);
    licit_event ev;
    if ((rc = licit_log_get(t, k->seq, &ev, NULL, 0))) break;
    r->seq = k->seq;
    r->ts = ev.ts;
    r->type = ev.type;
    if (k->post != LICIT_NONE) {
      licit_strv id;
      if ((rc = licit_post_id(t, k->post, &id)) || (rc = idcpy(r->post, id.p, id.n))) break;
    }
    if (k->user != LICIT_NONE) {
      licit_user_rec u;
      if ((rc = licit_user_get(t, k->user, &u, &scratch)) || (rc = idcpy(r->user, u.id, u.id_len))) break;
    }
    c->n_events++;
  }
  licit_buf_free(&scratch);
  return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
}

const char *licit_mode_meaning(licit_mode m) {
  switch (m) {
    case LICIT_MODE_NO_CHOICE:
      return "in this region there is no choice: public posts are used; only making posts non-public (or the "
             "account private) or deleting them keeps them out, for every corpus built after that";
    case LICIT_MODE_OPT_OUT:
      return "you may object: an objection is honoured from the moment you file it, for every "
             "corpus built after that; corpora already built keep what they hold";
    case LICIT_MODE_OPT_IN:
      return "your posts are used only with your consent, from the moment you give it";
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

static const char *const thread_why_text[] = {
    [LICIT_THREAD_OK] = "",
    [LICIT_THREAD_DELETED] = "was deleted",
    [LICIT_THREAD_ACCOUNT_DELETED] = "is by an account that was deleted",
    [LICIT_THREAD_VISIBILITY] = "has a visibility the policy does not use",
    [LICIT_THREAD_PRIVATE] = "is by an account that is private",
};

/* ------------------------------------------------------------- explain -- */

/* Words for each check, from the trace's outcomes and values. */
#define CK(r) (x->checks[(r) - 1])
static int explain_checks(licit_txn *t, licit_eval *e, const licit_policy *pol, const licit_post_rec *p,
                          const licit_trace *tr, licit_explain *x) {
  char a[LICIT_TIME_BUFSZ], b[LICIT_TIME_BUFSZ];
  const licit_user_facts *f = &tr->author;
  const licit_policy_version *v = licit_eval_version(e);
  for (int i = 0; i < LICIT_CHECKS; i++) {
    licit_check *c = &x->checks[i];
    memset(c, 0, sizeof *c);
    c->check = i + 1;
    c->passed = tr->check[i + 1].passed;
    int rc = resolve_cites(t, &tr->check[i + 1], c);
    if (rc) return rc;
  }
  /* CK(r): the check named after reason r (checks[0] is reason 1). */
  if (!tr->considered) {
    tfmt(p->created_ts, a);
    for (int r = 1; r < LICIT_R_COUNT; r++) cset(&CK(r), "not evaluated: the post was created later, at %s", a);
    return 0;
  }
  /* 1. deleted */
  if (CK(LICIT_R_DELETED).passed == 0 && p->del_seq && tr->post_del.seq && tr->post_del.ts <= licit_eval_at(e)) {
    tfmt(tr->post_del.ts, a);
    cset(&CK(LICIT_R_DELETED), "the post was deleted at %s", a);
  } else if (CK(LICIT_R_DELETED).passed == 0) {
    tfmt(f->del.ts, a);
    cset(&CK(LICIT_R_DELETED), "the author's account was deleted at %s", a);
  } else if (tr->post_del.seq) {
    tfmt(tr->post_del.ts, a);
    cset(&CK(LICIT_R_DELETED), "not deleted at this time (the post is deleted later, at %s)", a);
  } else {
    cset(&CK(LICIT_R_DELETED), "neither the post nor the account was deleted at or before this time");
  }
  /* 2. no_policy */
  if (v) {
    tfmt(v->effective, a);
    cset(&CK(LICIT_R_NO_POLICY), "policy %s, version %s, in force since %s", pol->name, v->id, a);
  } else if (pol) {
    tfmt(pol->versions[0].effective, a);
    cset(&CK(LICIT_R_NO_POLICY), "no version of policy %s is in force at this time (the first starts %s)",
         pol->name, a);
  } else {
    cset(&CK(LICIT_R_NO_POLICY), "no policy is installed");
  }
  if (!v) {
    for (int r = LICIT_R_NO_POLICY + 1; r < LICIT_R_COUNT; r++)
      cset(&CK(r), "not evaluated: no policy version in force");
    return 0;
  }
  /* 3. too_old */
  tfmt(p->created_ts, a);
  if (v->content_since == LICIT_TIME_NONE) {
    cset(&CK(LICIT_R_TOO_OLD), "created %s; the policy sets no start date for content", a);
  } else {
    tfmt(v->content_since, b);
    cset(&CK(LICIT_R_TOO_OLD), "created %s, %s the policy's start date %s", a,
         CK(LICIT_R_TOO_OLD).passed ? "on or after" : "before", b);
  }
  /* 4. minor */
  if (v->min_age < 0) {
    cset(&CK(LICIT_R_MINOR), "the policy sets no minimum age");
  } else if (!f->has_birth) {
    cset(&CK(LICIT_R_MINOR), "the author's birth date is not known at this time, so age is not checked (minimum %d)",
         v->min_age);
  } else {
    char bd[16];
    licit_date_format(f->birth, bd);
    cset(&CK(LICIT_R_MINOR), "the author (born %s) was %d when the post was created; the minimum age is %d", bd,
         tr->age, v->min_age);
  }
  /* 5. region_excluded */
  char reg[8], vb[300];
  region_str(f, reg);
  cset(&CK(LICIT_R_REGION_EXCLUDED), "region %s maps to %s through %s", reg, licit_mode_name(f->mode),
       via_str(pol, f->via, vb, sizeof vb));
  /* 6. not_public */
  char elig[64] = "";
  for (int i = 0; i < 4; i++)
    if (v->vis_mask & (1u << i)) {
      if (elig[0]) strcat(elig, ", ");
      strcat(elig, licit_vis_name(i));
    }
  char thread[700] = "";
  if (p->parent && !v->inherit_audience) {
    snprintf(thread, sizeof thread, "; it is a reply, judged on its own visibility (the policy does not inherit audiences)");
  } else if (p->parent && tr->thread_post != LICIT_NONE) {
    const licit_ev_ref *ref = NULL;
    for (int i = 0; i < CK(LICIT_R_NOT_PUBLIC).n_events; i++)
      if (CK(LICIT_R_NOT_PUBLIC).events[i].seq == tr->thread_entry.seq) ref = &CK(LICIT_R_NOT_PUBLIC).events[i];
    licit_strv pid;
    int prc = licit_post_id(t, tr->thread_post, &pid);
    /* The walk found this post: not finding its id now is damage. */
    if (prc) return prc == LICIT_ENOTFOUND ? LICIT_ESTORE : prc;
    tfmt(tr->thread_entry.ts, a);
    snprintf(thread, sizeof thread, "; it is in the thread of post %.*s, which %s (since %s), so its audience is not public",
             (int)(pid.n > 200 ? 200 : pid.n), pid.p, thread_why_text[tr->thread_why], a);
    (void)ref;
  } else if (p->parent) {
    const char *end = tr->thread_end == LICIT_THREAD_LOOP    ? ", where the thread loops back"
                      : tr->thread_end == LICIT_THREAD_LIMIT  ? ", the most that are looked at"
                      : tr->thread_end == LICIT_THREAD_MISSING ? ", up to a post that is not in the store at this time"
                                                                : "";
    snprintf(thread, sizeof thread, "; its thread (%u post%s above it%s) is public", tr->thread_depth,
             tr->thread_depth == 1 ? "" : "s", end);
  }
  cset(&CK(LICIT_R_NOT_PUBLIC), "visibility %s (eligible: %s); the account is %s%s",
       tr->vis.seq ? licit_vis_name(tr->vis.val) : "?", elig[0] ? elig : "none",
       f->private_ ? "private" : "not private", thread);
  /* 7. signal */
  char toks[200] = "";
  if (tr->sig.seq) {
    const uint32_t *ords = p->sigords + tr->sig.val;
    licit_strv sb[LICIT_SIGNALS_MAX];
    licit_event ev;
    int rc = licit_log_get(t, (uint64_t)tr->sig.seq, &ev, sb, LICIT_SIGNALS_MAX);
    if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
    (void)ords;
    for (size_t i = 0; i < ev.n_signals && i < LICIT_SIGNALS_MAX; i++) {
      size_t l = strlen(toks);
      snprintf(toks + l, sizeof toks - l, "%s%.*s", l ? ", " : "", (int)(sb[i].n > 40 ? 40 : sb[i].n), sb[i].p);
    }
  }
  if (tr->sig_honoured)
    cset(&CK(LICIT_R_SIGNAL), "the post carries the signal \"%s\", which the policy honours", v->honor[tr->sig_which]);
  else if (v->n_honor)
    cset(&CK(LICIT_R_SIGNAL), "signals: %s; none is honoured by the policy", toks[0] ? toks : "none");
  else
    cset(&CK(LICIT_R_SIGNAL), "signals: %s; the policy honours no signals", toks[0] ? toks : "none");
  /* 8. objected, 9. no_consent */
  const char *pref = licit_pref_name(f->pref);
  char since[400] = "";
  if (f->pref_e.seq) {
    tfmt(f->pref_e.ts, a);
    if (f->pref_user != LICIT_NONE && f->pref_user != p->user) {
      licit_user_rec lu;
      licit_buf sc = LICIT_BUF_INIT;
      int rc = licit_user_get(t, f->pref_user, &lu, &sc);
      if (!rc)
        snprintf(since, sizeof since, " (set at %s on the linked account %.*s, which belongs to the same person)", a,
                 (int)(lu.id_len > 200 ? 200 : lu.id_len), lu.id);
      licit_buf_free(&sc);
      if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
    } else {
      snprintf(since, sizeof since, " (set at %s)", a);
    }
  }
  if (f->mode == LICIT_MODE_OPT_OUT)
    cset(&CK(LICIT_R_OBJECTED), "mode opt_out; the author's preference is %s%s%s", pref, since,
         f->pref == LICIT_PREF_DENY ? ": the objection is honoured" : "");
  else
    cset(&CK(LICIT_R_OBJECTED), "mode %s: an objection does not apply here (preference %s)", licit_mode_name(f->mode),
         pref);
  if (f->mode == LICIT_MODE_OPT_IN)
    cset(&CK(LICIT_R_NO_CONSENT), "mode opt_in; the author's preference is %s%s", pref, since);
  else
    cset(&CK(LICIT_R_NO_CONSENT), "mode %s: consent is not required", licit_mode_name(f->mode));
  /* 10. mentioned */
  if (!v->honor_mentions) {
    cset(&CK(LICIT_R_MENTIONED), "the policy does not apply objections to posts that mention someone (%u mentioned)",
         tr->n_mentions);
  } else if (!tr->n_mentions) {
    cset(&CK(LICIT_R_MENTIONED), "the post mentions nobody");
  } else if (!tr->n_honoured) {
    cset(&CK(LICIT_R_MENTIONED), "the post mentions %u account%s; none has an honoured objection (the author's own "
         "accounts are left out)", tr->n_mentions, tr->n_mentions == 1 ? "" : "s");
  } else {
    char who[300] = "";
    licit_buf sc = LICIT_BUF_INIT;
    for (uint32_t i = 0; i < tr->n_honoured && i < LICIT_TRACE_MENTIONS; i++) {
      licit_user_rec mu;
      int rc = licit_user_get(t, tr->honoured[i], &mu, &sc);
      if (rc) {
        licit_buf_free(&sc);
        return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
      }
      size_t l = strlen(who);
      snprintf(who + l, sizeof who - l, "%s%.*s", l ? ", " : "", (int)(mu.id_len > 60 ? 60 : mu.id_len), mu.id);
    }
    licit_buf_free(&sc);
    cset(&CK(LICIT_R_MENTIONED), "the post mentions %s, whose objection is honoured for posts that mention them", who);
  }
  return 0;
}
#undef CK

int licit_explain_post(licit_txn *t, const licit_policy *pol, const char *post, size_t n, int64_t T,
                       licit_explain *x, licit_err *err) {
  memset(x, 0, sizeof *x);
  x->decision = -1;
  licit_buf pscr = LICIT_BUF_INIT, uscr = LICIT_BUF_INIT;
  licit_eval *e = NULL;
  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  licit_post_rec p;
  licit_user_rec u;
  licit_trace *tr = malloc(sizeof *tr);
  if (!tr) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  int rc = n > LICIT_ID_MAX ? LICIT_ENOTFOUND : licit_post_get(t, post, n, &p, &pscr);
  if (rc == LICIT_ENOTFOUND) {
    rc = licit_err_set(err, rc, "no post \"%.*s\" in the store", (int)(n > 80 ? 80 : n), post);
    goto out;
  }
  if (rc || (rc = licit_user_get(t, p.user, &u, &uscr))) {
    rc = licit_err_set(err, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading the store: %s",
                       licit_strerror(rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc));
    goto out;
  }
  if ((rc = idcpy(x->post, post, n)) || (rc = idcpy(x->user, u.id, u.id_len))) {
    rc = licit_err_set(err, rc, "reading the store: an id longer than %d bytes", LICIT_ID_MAX);
    goto out;
  }
  if ((rc = licit_eval_open_lazy(t, pol, T, licit_txn_log_len(t), &e, err))) goto out;
  x->at = T;
  x->created = p.created_ts;
  const licit_policy_version *v = licit_eval_version(e);
  x->policy_name = pol ? pol->name : NULL;
  x->version_id = v ? v->id : NULL;
  if ((rc = licit_eval_trace(e, &p, tr))) {
    rc = licit_err_set(err, rc, "evaluating the post: reading the store: %s", licit_strerror(rc));
    goto out;
  }
  x->considered = tr->considered;
  x->decision = tr->considered ? (int)tr->decision : -1;
  if (tr->considered) {
    x->facts = tr->author;
  } else if ((rc = licit_eval_user(e, p.user, &x->facts))) {
    rc = licit_err_set(err, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading the store: %s", licit_strerror(rc));
    goto out;
  }
  if ((rc = explain_checks(t, e, pol, &p, tr, x))) {
    rc = licit_err_set(err, rc, "explaining the post: reading the store: %s", licit_strerror(rc));
    goto out;
  }
  if (!tr->considered) {
    /* The one event that matters: the post's creation, after T. */
    licit_trace_check only = {0};
    only.n_cites = 1;
    only.cites[0] = (licit_cite){p.created_seq, LICIT_NONE, LICIT_NONE};
    if ((rc = resolve_cites(t, &only, &x->checks[0]))) {
      rc = licit_err_set(err, rc, "reading the log: %s", licit_strerror(rc));
      goto out;
    }
  }
  const licit_text_hist *text = tr->text;
  if (!text)
    text = (const licit_text_hist *)licit_hist_at(&p.text[0].h, p.n_text, sizeof(licit_text_hist), T, UINT64_MAX);
  if (text) {
    licit_event tev;
    if ((rc = licit_log_get(t, text->h.seq, &tev, NULL, 0))) {
      rc = licit_err_set(err, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading the post's text from the log: %s",
                         licit_strerror(rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc));
      goto out;
    }
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
  free(tr);
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

static int jw_null_or(licit_buf *b, const char *s) { return s ? licit_jw_strz(b, s) : licit_buf_adds(b, "null"); }

int licit_explain_json(licit_buf *b, const licit_explain *x) {
  int rc = licit_buf_adds(b, "{\"post\":");
  if (!rc) rc = licit_jw_strz(b, x->post);
  if (!rc) rc = licit_buf_adds(b, ",\"user\":");
  if (!rc) rc = licit_jw_strz(b, x->user);
  if (!rc) rc = licit_buf_adds(b, ",\"at\":");
  if (!rc) rc = licit_jw_time(b, x->at);
  if (!rc) rc = licit_buf_adds(b, ",\"created\":");
  if (!rc) rc = licit_jw_time(b, x->created);
  if (!rc) rc = licit_buf_adds(b, ",\"decision\":");
  if (!rc) rc = licit_jw_strz(b, x->considered ? licit_reason_name(x->decision) : "not_considered");
  if (!rc) rc = licit_buf_adds(b, ",\"policy\":{\"name\":");
  if (!rc) rc = jw_null_or(b, x->policy_name);
  if (!rc) rc = licit_buf_adds(b, ",\"version\":");
  if (!rc) rc = jw_null_or(b, x->version_id);
  if (!rc) rc = licit_buf_adds(b, "},\"checks\":[");
  for (int i = 0; i < LICIT_CHECKS && !rc; i++) {
    const licit_check *k = &x->checks[i];
    rc = licit_buf_adds(b, i ? ",{\"check\":" : "{\"check\":");
    if (!rc) rc = licit_jw_strz(b, licit_reason_name(k->check));
    if (!rc)
      rc = licit_buf_printf(b, ",\"passed\":%s,\"detail\":",
                            k->passed == LICIT_CHECK_NA ? "null" : k->passed ? "true" : "false");
    if (!rc) rc = licit_jw_strz(b, k->detail);
    if (!rc) rc = licit_buf_adds(b, ",\"events\":[");
    for (int j = 0; j < k->n_events && !rc; j++) {
      rc = licit_buf_printf(b, "%s{\"seq\":%llu,\"ts\":", j ? "," : "", (unsigned long long)k->events[j].seq);
      if (!rc) rc = licit_jw_time(b, k->events[j].ts);
      if (!rc) rc = licit_buf_adds(b, ",\"type\":");
      if (!rc) rc = licit_jw_strz(b, licit_event_type_name(k->events[j].type));
      if (!rc && k->events[j].post[0]) {
        rc = licit_buf_adds(b, ",\"post\":");
        if (!rc) rc = licit_jw_strz(b, k->events[j].post);
      }
      if (!rc && k->events[j].user[0]) {
        rc = licit_buf_adds(b, ",\"user\":");
        if (!rc) rc = licit_jw_strz(b, k->events[j].user);
      }
      if (!rc) rc = licit_buf_addc(b, '}');
    }
    if (!rc) rc = licit_buf_adds(b, "]}");
  }
  if (!rc) rc = licit_buf_adds(b, "],\"snapshots\":[");
  for (size_t i = 0; i < x->n_snaps && !rc; i++) {
    rc = licit_buf_adds(b, i ? ",{\"name\":" : "{\"name\":");
    if (!rc) rc = licit_jw_strz(b, x->snaps[i].name);
    if (!rc) rc = licit_buf_adds(b, ",\"at\":");
    if (!rc) rc = licit_jw_time(b, x->snaps[i].at);
    if (!rc) rc = licit_buf_printf(b, ",\"included\":%s}", x->snaps[i].posts ? "true" : "false");
  }
  if (!rc) rc = licit_buf_printf(b, "],\"optout_notice\":%s", x->optout_notice ? "true" : "false");
  if (!rc && x->optout_notice) {
    rc = licit_buf_adds(b, ",\"notice\":{\"family\":");
    if (!rc) rc = jw_null_or(b, x->notice.family);
    if (!rc) rc = licit_buf_printf(b, ",\"score\":%d,\"threshold\":%d,\"phrases\":[", x->notice.score, x->notice.threshold);
    for (int i = 0; i < x->notice.n_matched && !rc; i++) {
      if (i) rc = licit_buf_addc(b, ',');
      if (!rc) rc = licit_jw_strz(b, x->notice.matched[i]);
    }
    if (!rc) rc = licit_buf_adds(b, "]}");
  }
  if (!rc) rc = licit_buf_addc(b, '}');
  return rc;
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
  if (f->deleted)
    return push(&r->actions, &r->n_actions,
                "The account is deleted: none of its posts enter corpora built after its deletion.");
  const char *linked = r->n_person > 1 ? " It covers every account linked to this one." : "";
  if (!v) {
    rc = push(&r->actions, &r->n_actions,
              "No policy version is in force at this time, so no post is used for AI training under it.");
  } else if (f->mode == LICIT_MODE_OPT_OUT && f->pref != LICIT_PREF_DENY) {
    rc = push(&r->actions, &r->n_actions,
              "Object to AI training (opt out) in your account settings: it is honoured from the moment you file "
              "it, for every corpus built after that.%s Corpora already built keep the posts they hold.",
              linked);
  } else if (f->mode == LICIT_MODE_OPT_OUT) {
    tfmt(r->pref_since, a);
    rc = push(&r->actions, &r->n_actions,
              "Your objection, filed %s, is honoured: none of your posts enter corpora built after that.%s You can "
              "withdraw it at any time.",
              a, linked);
  } else if (f->mode == LICIT_MODE_OPT_IN && f->pref != LICIT_PREF_ALLOW) {
    rc = push(&r->actions, &r->n_actions,
              "Nothing to do to keep your posts out: they are used only if you consent (opt in), which you have not.");
  } else if (f->mode == LICIT_MODE_OPT_IN) {
    rc = push(&r->actions, &r->n_actions,
              "You consented to AI training; withdrawing consent keeps your posts out of every corpus built after that.");
  } else if (f->mode == LICIT_MODE_EXCLUDED) {
    rc = push(&r->actions, &r->n_actions,
              "Your region is excluded under this policy version: none of your posts are used while that holds.");
  } else if (r->n_person > 1) {
    rc = push(&r->actions, &r->n_actions,
              "In your region an objection does not change what is used of this account's posts (no_choice), but "
              "one filed here also covers the accounts linked to it, where their region lets people object.");
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

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Other people's posts that mention the account: how many are considered
 * at T (mentioning it as of T), and how many leave because of its
 * objection (their decision is `mentioned` and the account objects).
 * members: the accounts of the account's person as of T, ascending (an
 * author among them is the person's own: the same test as comparing the
 * author's person with the account's, without working out the author's
 * facts).  The posts are evaluated only when the account objects: only
 * then can their decision count. */
static int mentioned_by_others(licit_txn *t, licit_eval *e, licit_report *r, const uint32_t *members,
                               size_t nmembers, licit_buf *pscr) {
  uint32_t *posts = NULL;
  size_t n = 0;
  int rc = licit_user_mentioned_in(t, r->ord, &posts, &n);
  licit_prefetch *pf = rc ? NULL : licit_prefetch_posts(t, posts, n, LICIT_PREFETCH_MIN);
  for (size_t i = 0; i < n && !rc; i++) {
    licit_prefetch_at(pf, i);
    licit_post_rec p;
    if ((rc = licit_post_get_ord(t, posts[i], &p, pscr))) break;
    if (!licit_eval_considered(e, &p)) continue;
    const licit_hist *men = p.n_men ? licit_hist_at(p.men, p.n_men, sizeof *p.men, r->at, licit_eval_maxseq(e)) : NULL;
    bool names = false;
    for (int32_t k = 0; men && k < men->aux && !names; k++) names = p.menords[men->val + k] == r->ord;
    if (!names) continue;
    if (bsearch(&p.user, members, nmembers, sizeof *members, cmp_u32)) continue; /* the person's own posts */
    r->mentioned_considered++;
    if (!r->facts.objects) continue;
    licit_reason d;
    if ((rc = licit_eval_post(e, &p, &d, NULL))) break;
    if (d == LICIT_R_MENTIONED) r->mentioned_excluded++;
  }
  licit_prefetch_end(pf);
  free(posts);
  return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
}

int licit_report_user(licit_txn *t, const licit_policy *pol, const char *user, size_t n, int64_t T,
                      licit_report *r, licit_err *err) {
  memset(r, 0, sizeof *r);
  r->pref_since = LICIT_TIME_NONE;
  licit_buf pscr = LICIT_BUF_INIT, uscr = LICIT_BUF_INIT;
  licit_eval *e = NULL;
  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  uint32_t *ords = NULL, *members = NULL;
  size_t nords = 0, nmembers = 0;
  uint64_t *hits = NULL;
  licit_snap_reader *lin = NULL; /* one per snapshot: each bitmap chunk read once */
  licit_prefetch *pf = NULL;
  uint32_t uo;
  licit_user_rec u;
  int rc = n > LICIT_ID_MAX ? LICIT_ENOTFOUND : licit_user_ord(t, user, n, &uo);
  if (!rc && (rc = licit_user_get(t, uo, &u, &uscr)) == LICIT_ENOTFOUND) rc = LICIT_ESTORE;
  if (!rc && u.unknown) rc = LICIT_ENOTFOUND; /* only mentioned: not a known account */
  if (rc == LICIT_ENOTFOUND) {
    rc = licit_err_set(err, rc, "no user \"%.*s\" in the store", (int)(n > 80 ? 80 : n), user);
    goto out;
  }
  if (rc) {
    rc = licit_err_set(err, rc, "reading the store: %s", licit_strerror(rc));
    goto out;
  }
  idcpy(r->user, user, n);
  r->ord = uo;
  r->at = T;
  if ((rc = licit_eval_open_lazy(t, pol, T, licit_txn_log_len(t), &e, err))) goto out;
  const licit_policy_version *v = licit_eval_version(e);
  r->policy_name = pol ? pol->name : NULL;
  r->version_id = v ? v->id : NULL;
  if ((rc = licit_eval_user(e, uo, &r->facts)) || (rc = licit_eval_person(e, uo, &members, &nmembers))) goto store;
  if (r->facts.pref_e.seq) r->pref_since = r->facts.pref_e.ts;
  if (v && v->min_age >= 0 && r->facts.has_birth) r->minor_now = licit_age_at(T, r->facts.birth) < v->min_age;
  if (!(r->person = calloc(nmembers, sizeof *r->person))) goto nomem;
  for (size_t i = 0; i < nmembers; i++) {
    licit_user_rec m;
    if ((rc = licit_user_get(t, members[i], &m, &uscr))) goto store;
    if (m.id_len > LICIT_ID_MAX) {
      rc = LICIT_ESTORE;
      goto store;
    }
    if (!(r->person[i] = strndup(m.id, m.id_len))) goto nomem;
    r->n_person = i + 1;
    if (members[i] == r->facts.pref_user) idcpy(r->pref_by, m.id, m.id_len);
  }
  qsort(r->person, r->n_person, sizeof *r->person, cmp_str);
  if ((rc = licit_user_posts(t, uo, &ords, &nords)) || (rc = licit_snapshot_list(t, &snaps, &nsnaps))) goto store;
  if (!(hits = calloc(nsnaps ? nsnaps : 1, sizeof *hits)) || !(lin = calloc(nsnaps ? nsnaps : 1, sizeof *lin)))
    goto nomem;
  pf = licit_prefetch_posts(t, ords, nords, LICIT_PREFETCH_MIN);
  for (size_t i = 0; i < nords; i++) {
    licit_prefetch_at(pf, i);
    licit_post_rec p;
    if ((rc = licit_post_get_ord(t, ords[i], &p, &pscr))) goto store;
    licit_strv id = {p.id, p.id_len};
    for (size_t s = 0; s < nsnaps; s++) {
      int has = licit_snap_reader_has(t, &snaps[s], &lin[s], p.ord);
      if (has < 0) {
        rc = has;
        goto store;
      }
      hits[s] += (uint64_t)has;
    }
    if (!licit_eval_considered(e, &p)) continue;
    r->posts.considered++;
    const licit_text_hist *text;
    licit_reason d;
    if ((rc = licit_eval_post(e, &p, &d, &text))) goto store;
    if (d == LICIT_INCLUDED) r->posts.included++;
    else r->posts.excluded[d]++;
    if (text && text->h.val) {
      if (id.n > LICIT_ID_MAX) {
        rc = LICIT_ESTORE;
        goto store;
      }
      if (push(&r->notices, &r->n_notices, "%.*s", (int)id.n, id.p)) goto nomem;
    }
  }
  licit_prefetch_end(pf);
  pf = NULL;
  if (!(r->snaps = calloc(nsnaps ? nsnaps : 1, sizeof *r->snaps))) goto nomem;
  for (size_t s = 0; s < nsnaps; s++) {
    if (!hits[s]) continue;
    licit_snap_hit *h = &r->snaps[r->n_snaps++];
    h->name = snaps[s].name;
    snaps[s].name = NULL;
    h->at = snaps[s].at;
    h->posts = hits[s];
  }
  if ((rc = mentioned_by_others(t, e, r, members, nmembers, &pscr))) goto store;
  if (add_actions(r, v)) goto nomem;
  goto out;
nomem:
  rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
  goto out;
store:
  if (rc == LICIT_ENOTFOUND) rc = LICIT_ESTORE;
  rc = licit_err_set(err, rc, "report: reading the store: %s", licit_strerror(rc));
out:
  licit_prefetch_end(pf);
  licit_snap_readers_free(lin, nsnaps);
  free(hits);
  free(ords);
  free(members);
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
  free_strs(r->person, r->n_person);
  r->snaps = NULL;
  r->notices = r->actions = r->person = NULL;
  r->n_snaps = r->n_notices = r->n_actions = r->n_person = 0;
}

bool licit_report_honoured(const licit_report *r) {
  if (r->facts.objects) return true;
  return r->version_id && r->facts.known && !r->facts.deleted && r->facts.mode == LICIT_MODE_OPT_IN &&
         r->facts.pref == LICIT_PREF_ALLOW;
}

int licit_report_json(licit_buf *b, const licit_report *r) {
  char reg[8] = "";
  if (r->facts.region[0]) snprintf(reg, sizeof reg, "%c%c", r->facts.region[0], r->facts.region[1]);
  int rc = licit_buf_adds(b, "{\"user\":");
  if (!rc) rc = licit_jw_strz(b, r->user);
  if (!rc) rc = licit_buf_adds(b, ",\"at\":");
  if (!rc) rc = licit_jw_time(b, r->at);
  if (!rc) rc = licit_buf_adds(b, ",\"region\":");
  if (!rc) rc = jw_null_or(b, reg[0] ? reg : NULL);
  if (!rc) rc = licit_buf_adds(b, ",\"mode\":");
  if (!rc) rc = jw_null_or(b, r->version_id ? licit_mode_name(r->facts.mode) : NULL);
  if (!rc) rc = licit_buf_adds(b, ",\"preference\":");
  if (!rc) rc = licit_jw_strz(b, licit_pref_name(r->facts.pref));
  if (!rc) rc = licit_buf_adds(b, ",\"preference_since\":");
  if (!rc) rc = r->pref_since == LICIT_TIME_NONE ? licit_buf_adds(b, "null") : licit_jw_time(b, r->pref_since);
  if (!rc) rc = licit_buf_adds(b, ",\"preference_set_by\":");
  if (!rc) rc = jw_null_or(b, r->pref_by[0] ? r->pref_by : NULL);
  if (!rc) rc = licit_buf_printf(b, ",\"honoured\":%s", licit_report_honoured(r) ? "true" : "false");
  if (!rc) rc = licit_buf_adds(b, ",\"policy\":{\"name\":");
  if (!rc) rc = jw_null_or(b, r->policy_name);
  if (!rc) rc = licit_buf_adds(b, ",\"version\":");
  if (!rc) rc = jw_null_or(b, r->version_id);
  if (!rc) rc = licit_buf_adds(b, "},\"meaning\":");
  if (!rc) rc = licit_jw_strz(b, r->version_id ? licit_mode_meaning(r->facts.mode) : "no policy version is in force");
  if (!rc)
    rc = licit_buf_printf(b, ",\"private\":%s,\"deleted\":%s,\"minor\":%s,\"posts\":", r->facts.private_ ? "true" : "false",
                          r->facts.deleted ? "true" : "false", r->minor_now ? "true" : "false");
  if (!rc) rc = licit_counts_json(b, &r->posts);
  if (!rc) rc = licit_buf_adds(b, ",\"snapshots\":[");
  for (size_t i = 0; i < r->n_snaps && !rc; i++) {
    rc = licit_buf_adds(b, i ? ",{\"name\":" : "{\"name\":");
    if (!rc) rc = licit_jw_strz(b, r->snaps[i].name);
    if (!rc) rc = licit_buf_adds(b, ",\"at\":");
    if (!rc) rc = licit_jw_time(b, r->snaps[i].at);
    if (!rc) rc = licit_buf_printf(b, ",\"posts\":%llu}", (unsigned long long)r->snaps[i].posts);
  }
  if (!rc) rc = licit_buf_adds(b, "],\"optout_notices\":[");
  for (size_t i = 0; i < r->n_notices && !rc; i++) {
    if (i) rc = licit_buf_addc(b, ',');
    if (!rc) rc = licit_jw_strz(b, r->notices[i]);
  }
  if (!rc) rc = licit_buf_adds(b, "],\"actions\":[");
  for (size_t i = 0; i < r->n_actions && !rc; i++) {
    if (i) rc = licit_buf_addc(b, ',');
    if (!rc) rc = licit_jw_strz(b, r->actions[i]);
  }
  if (!rc) rc = licit_buf_adds(b, "],\"person\":[");
  for (size_t i = 0; i < r->n_person && !rc; i++) {
    if (i) rc = licit_buf_addc(b, ',');
    if (!rc) rc = licit_jw_strz(b, r->person[i]);
  }
  if (!rc)
    rc = licit_buf_printf(b, "],\"mentioned_by_others\":{\"considered\":%llu,\"excluded\":%llu}}",
                          (unsigned long long)r->mentioned_considered, (unsigned long long)r->mentioned_excluded);
  return rc;
}

/* ---------------------------------------------------------------- debt -- */

typedef struct debt_run {
  licit_debt_snap *d;
  size_t n;
  uint64_t **bits;
} debt_run;

/* Only excluded posts that some snapshot holds matter. */
static bool debt_want(void *ctx, uint32_t ord, licit_reason r) {
  const debt_run *dr = ctx;
  if (r == LICIT_INCLUDED) return false;
  for (size_t s = 0; s < dr->n; s++)
    if (ord < dr->d[s].info.nbits && ((dr->bits[s][ord / 64] >> (ord % 64)) & 1)) return true;
  return false;
}

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
    if (err) err->code = 0;
    if ((rc = licit_eval_run_want(e, debt_want, debt_cb, &dr, &c, digest, err))) goto out;
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
