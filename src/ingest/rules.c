/*
 * rules.c — SPEC section 2's acceptance rules that depend on the store (see
 * rules.h).  Each judge_* function reads, decides and fills the licit_loaded
 * that the store's writer then uses; none writes.
 */
#include "ingest/rules.h"

#include <string.h>

#define ID(s) (int)((s).n > 80 ? 80 : (s).n), (s).p
#define UID(u) (int)((u)->id_len > 80 ? 80 : (u)->id_len), (u)->id

/* Scratch slots of the transaction (licit_txn_buf). */
enum { BUF_POST, BUF_USER, BUF_WITH, BUF_PARENT };

static void fmt_time(int64_t us, char *buf) { licit_time_format(us, buf); }

/* The account's deletion (the earliest, for stores written before a second
 * account_delete was rejected), or NULL. */
static const licit_hist *deletion(const licit_user_rec *u) {
  const licit_hist *best = NULL;
  for (uint32_t i = 0; i < u->n_del; i++)
    if (!best || u->del[i].ts < best->ts) best = &u->del[i];
  return best;
}

/* An event naming account u at ts when u was deleted at or before it. */
static int after_deletion(const licit_user_rec *u, int64_t ts, licit_err *err) {
  char tb[LICIT_TIME_BUFSZ];
  const licit_hist *d = deletion(u);
  if (!d || ts < d->ts) return 0;
  fmt_time(d->ts, tb);
  return licit_err_set(err, LICIT_EREJECT,
                       "account \"%.*s\" was deleted at %s (seq %llu in the log); nothing can follow its deletion", UID(u), tb,
                       (unsigned long long)d->seq);
}

static int judge_post(licit_txn *t, const licit_event *ev, licit_loaded *ld, licit_err *err) {
  char tb[LICIT_TIME_BUFSZ];
  bool found;
  licit_post_rec old;
  int rc = licit_store_post_lookup(t, ev->post, &found, &old, licit_txn_buf(t, BUF_POST));
  if (rc) return rc;
  if (found)
    return licit_err_set(err, LICIT_EREJECT, "post \"%.*s\" already exists (created at seq %llu in the log)", ID(ev->post),
                         (unsigned long long)old.created_seq);
  if ((rc = licit_store_user_lookup(t, ev->user, &ld->user_found, &ld->user, licit_txn_buf(t, BUF_USER)))) return rc;
  if (ld->user_found) {
    const licit_hist *d = deletion(&ld->user);
    if (d && d->ts <= ev->ts) {
      fmt_time(d->ts, tb);
      return licit_err_set(err, LICIT_EREJECT,
                           "account \"%.*s\" was deleted at %s (seq %llu in the log), at or before this post's ts", ID(ev->user),
                           tb, (unsigned long long)d->seq);
    }
  }
  /* The parent need not be in the store (it may arrive later). */
  if (ev->parent.n) {
    licit_post_rec pr;
    if ((rc = licit_store_post_lookup(t, ev->parent, &found, &pr, licit_txn_buf(t, BUF_PARENT)))) return rc;
    if (found) ld->parent = pr.ord + 1;
  }
  return 0;
}

static int judge_post_change(licit_txn *t, const licit_event *ev, licit_loaded *ld, licit_err *err) {
  char tb[LICIT_TIME_BUFSZ], tb2[LICIT_TIME_BUFSZ];
  bool found;
  int rc = licit_store_post_lookup(t, ev->post, &found, &ld->post, licit_txn_buf(t, BUF_POST));
  if (rc) return rc;
  if (!found)
    return licit_err_set(err, LICIT_ENOTFOUND, "unknown post \"%.*s\": no post event for it was accepted",
                         ID(ev->post));
  const licit_post_rec *r = &ld->post;
  if (ev->ts < r->created_ts) {
    fmt_time(ev->ts, tb);
    fmt_time(r->created_ts, tb2);
    return licit_err_set(err, LICIT_EREJECT, "ts %s is before the post's creation at %s", tb, tb2);
  }
  if (r->del_seq) {
    fmt_time(r->del_ts, tb);
    if (ev->type == LICIT_EV_DELETE)
      return licit_err_set(err, LICIT_EREJECT, "post \"%.*s\" is already deleted (seq %llu in the log, at %s)", ID(ev->post),
                           (unsigned long long)r->del_seq, tb);
    if (ev->ts >= r->del_ts)
      return licit_err_set(err, LICIT_EREJECT,
                           "post \"%.*s\" was deleted at %s (seq %llu in the log); nothing can follow its deletion",
                           ID(ev->post), tb, (unsigned long long)r->del_seq);
  }
  licit_user_rec *u = &ld->user;
  if ((rc = licit_user_get(t, r->user, u, licit_txn_buf(t, BUF_USER)))) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  ld->user_found = true;
  const licit_hist *d = deletion(u);
  if (d && ev->ts >= d->ts) {
    fmt_time(d->ts, tb);
    return licit_err_set(err, LICIT_EREJECT,
                         "the author's account \"%.*s\" was deleted at %s (seq %llu in the log); nothing can follow its "
                         "deletion",
                         UID(u), tb, (unsigned long long)d->seq);
  }
  return 0;
}

static int judge_account(licit_txn *t, const licit_event *ev, licit_loaded *ld, licit_err *err) {
  int rc = licit_store_user_lookup(t, ev->user, &ld->user_found, &ld->user, licit_txn_buf(t, BUF_USER));
  if (rc) return rc;
  bool known = ld->user_found && !ld->user.unknown;
  if (ev->type == LICIT_EV_ACCOUNT_DELETE) {
    if (!known)
      return licit_err_set(err, LICIT_ENOTFOUND, "unknown user \"%.*s\": no event of this account was accepted",
                           ID(ev->user));
    if (ld->user.n_del) {
      char tb[LICIT_TIME_BUFSZ];
      fmt_time(ld->user.del[0].ts, tb);
      return licit_err_set(err, LICIT_EREJECT,
                           "account \"%.*s\" is already deleted (seq %llu in the log, at %s); a second account_delete is "
                           "rejected whatever its ts",
                           ID(ev->user), (unsigned long long)ld->user.del[0].seq, tb);
    }
  }
  return known ? after_deletion(&ld->user, ev->ts, err) : 0;
}

static int judge_link(licit_txn *t, const licit_event *ev, licit_loaded *ld, licit_err *err) {
  int rc = licit_store_user_lookup(t, ev->user, &ld->user_found, &ld->user, licit_txn_buf(t, BUF_USER));
  if (rc || (ld->user_found && (rc = after_deletion(&ld->user, ev->ts, err)))) return rc;
  if ((rc = licit_store_user_lookup(t, ev->with, &ld->with_found, &ld->with, licit_txn_buf(t, BUF_WITH)))) return rc;
  return ld->with_found ? after_deletion(&ld->with, ev->ts, err) : 0;
}

/* Adds the seconds since *at to *acc and moves *at on (measuring). */
static void lap(double *acc, double *at) {
  double now = licit_time_mono();
  *acc += now - *at;
  *at = now;
}

int licit_rules_apply(licit_txn *t, const licit_event *ev, uint64_t *seq_out, licit_err *err) {
  return licit_rules_apply_timed(t, ev, seq_out, err, NULL);
}

int licit_rules_apply_timed(licit_txn *t, const licit_event *ev, uint64_t *seq_out, licit_err *err,
                            licit_rules_times *tm) {
  double at = tm ? licit_time_mono() : 0;
  /* Between events: what the transaction held back may go in now. */
  int rc = licit_txn_checkpoint(t);
  if (tm) lap(&tm->checkpoint, &at);
  if (rc) return licit_err_set(err, rc, "writing held-back posts: %s", licit_strerror(rc));
  uint64_t seq = licit_txn_next_seq(t);
  if (ev->id.n) {
    uint64_t dup_of;
    rc = licit_store_claim_id(t, ev->id, seq, &dup_of);
    if (rc == LICIT_EDUPLICATE)
      return licit_err_set(err, LICIT_EDUPLICATE, "duplicate of the event at seq %llu in the log", (unsigned long long)dup_of);
    if (rc) return licit_err_set(err, rc, "claiming the event id: %s", licit_strerror(rc));
  }
  if (tm) lap(&tm->claim, &at);
  licit_loaded ld;
  memset(&ld, 0, sizeof ld);
  switch (ev->type) {
    case LICIT_EV_POST: rc = judge_post(t, ev, &ld, err); break;
    case LICIT_EV_EDIT:
    case LICIT_EV_VISIBILITY:
    case LICIT_EV_DELETE: rc = judge_post_change(t, ev, &ld, err); break;
    case LICIT_EV_ACCOUNT:
    case LICIT_EV_PREFERENCE:
    case LICIT_EV_ACCOUNT_DELETE: rc = judge_account(t, ev, &ld, err); break;
    case LICIT_EV_LINK:
    case LICIT_EV_UNLINK: rc = judge_link(t, ev, &ld, err); break;
    default: rc = licit_err_set(err, LICIT_EREJECT, "unknown event type"); break;
  }
  if (rc == LICIT_EREJECT || rc == LICIT_ENOTFOUND) {
    int drc = ev->id.n ? licit_store_release_id(t, ev->id) : 0;
    return drc ? licit_err_set(err, drc, "giving back the event id: %s", licit_strerror(drc)) : rc;
  }
  if (rc) return licit_err_set(err, rc, "reading the store: %s", licit_strerror(rc));
  if (tm) lap(&tm->judge, &at);
  rc = licit_store_write(t, ev, &ld, seq, err);
  if (tm) lap(&tm->write, &at);
  if (rc) return rc;
  *seq_out = seq;
  return 0;
}
