/*
 * apply.c — applying one event to the store: the rules of SPEC section 2 that
 * depend on what was accepted before, then the log append and the state
 * update, all in the caller's write transaction.
 *
 * Every check runs before the first write, so a rejected event changes
 * nothing.  A new event always gets the greatest seq, so "(ts, seq) after the
 * deletion at (dts, dseq)" is simply ts >= dts.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "store/store_int.h"

typedef struct work {
  licit_buf post, user, user2, lists[5], sigords, menords, child, link;
} work;

static work *get_work(licit_txn *t) {
  if (!t->work) t->work = calloc(1, sizeof(work));
  return t->work;
}

void licit__apply_free(void *w);

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
  int rc = licit_buf_add(dst, arr, (size_t)pos * stride);
  if (!rc) rc = licit_buf_add(dst, e, stride);
  if (!rc) rc = licit_buf_add(dst, (const char *)arr + (size_t)pos * stride, (size_t)(n - pos) * stride);
  return rc;
}

static void fmt_time(int64_t us, char *buf) { licit_time_format(us, buf); }

#define ID(s) (int)((s).n > 80 ? 80 : (s).n), (s).p

/* The earliest deletion of a user (LICIT_TIME_NONE when none). */
static const licit_hist *user_deletion(const licit_user_rec *u) {
  const licit_hist *best = NULL;
  for (uint32_t i = 0; i < u->n_del; i++)
    if (!best || u->del[i].ts < best->ts) best = &u->del[i];
  return best;
}

static int put(licit_txn *t, int dbi, const void *k, size_t kn, const void *v, size_t vn, unsigned fl) {
  MDB_val kk = {kn, (void *)k}, vv = {vn, (void *)v};
  return mdb_put(t->txn, t->s->dbi[dbi], &kk, &vv, fl);
}

static int adopt_orphans(licit_txn *t, licit_strv post, uint32_t ord, work *w);

/* The reverse index of mentions: each account -> the posts that mention it. */
static int index_mentions(licit_txn *t, const licit_buf *ords, uint32_t post) {
  const uint32_t *m = (const uint32_t *)ords->data;
  unsigned int po = post;
  for (size_t i = 0; i < ords->len / 4; i++) {
    unsigned int mo = m[i];
    int rc = put(t, DBI_UMENTIONS, &mo, sizeof mo, &po, sizeof po, 0);
    if (rc && rc != MDB_KEYEXIST) return rc;
  }
  return 0;
}

/* Looks up a user's record.  *found is false when the store has none;
 * a record of an account that was only mentioned is found but has
 * u->unknown set (it is not a known account: SPEC section 1). */
static int load_user(licit_txn *t, licit_strv id, bool *found, licit_user_rec *u, licit_buf *scratch) {
  MDB_val k = {id.n, (void *)id.p}, v;
  int rc = mdb_get(t->txn, t->s->dbi[DBI_USERS], &k, &v);
  if (rc == MDB_NOTFOUND) {
    *found = false;
    return 0;
  }
  if (rc) return rc;
  if (v.mv_size != 4) return LICIT_ESTORE;
  uint32_t ord;
  memcpy(&ord, v.mv_data, 4);
  *found = true;
  rc = licit_user_get(t, ord, u, scratch);
  return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
}

static int save_user(licit_txn *t, const licit_user_rec *u, bool is_new) {
  int rc = licit__user_encode(u, &t->enc);
  if (rc) return rc;
  unsigned int o = u->ord;
  if (is_new) {
    rc = put(t, DBI_USERS, u->id, u->id_len, &o, 4, MDB_NOOVERWRITE);
    if (!rc) rc = put(t, DBI_USTATE, &o, sizeof o, t->enc.data, t->enc.len, MDB_APPEND);
  } else {
    rc = put(t, DBI_USTATE, &o, sizeof o, t->enc.data, t->enc.len, 0);
  }
  return rc;
}

/* A fresh record for an account the store has no record of. */
static void new_user(licit_txn *t, licit_strv id, bool known, uint64_t seq, licit_user_rec *u) {
  memset(u, 0, sizeof *u);
  u->ord = (uint32_t)t->ctr[CTR_USERS]++;
  u->id = id.p;
  u->id_len = id.n;
  u->unknown = !known;
  u->first_seq = known ? seq : 0;
}

/* Loads the account an event names, creating its record when the store has
 * none (*is_new) and making it known as of `seq` when it was only
 * mentioned (*became_known).  The caller saves it when the event is
 * accepted. */
static int load_or_new_user(licit_txn *t, licit_strv id, uint64_t seq, licit_user_rec *u, licit_buf *scratch,
                            bool *is_new, bool *became_known) {
  bool found;
  int rc = load_user(t, id, &found, u, scratch);
  if (rc) return rc;
  *is_new = !found;
  *became_known = false;
  if (!found) {
    new_user(t, id, true, seq, u);
  } else if (u->unknown) {
    u->unknown = false;
    u->first_seq = seq;
    *became_known = true;
  }
  return 0;
}

/* The user ordinals an event's mentions name, distinct, in first-seen
 * order; an account never seen gets a record that is not known. */
static int intern_mentions(licit_txn *t, const licit_event *ev, licit_buf *ords, licit_buf *scratch) {
  licit_buf_reset(ords);
  for (size_t i = 0; i < ev->n_mentions; i++) {
    licit_strv m;
    int rc = licit_event_mention(ev, i, &m);
    if (rc) return rc;
    bool found;
    licit_user_rec u;
    if ((rc = load_user(t, m, &found, &u, scratch))) return rc;
    if (!found) {
      new_user(t, m, false, 0, &u);
      if ((rc = save_user(t, &u, true))) return rc;
    }
    const uint32_t *have = (const uint32_t *)ords->data;
    bool dup = false;
    for (size_t j = 0; j < ords->len / 4 && !dup; j++) dup = have[j] == u.ord;
    if (!dup && licit_buf_add(ords, &u.ord, 4)) return LICIT_ENOMEM;
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

static int apply_post(licit_txn *t, const licit_event *ev, uint64_t seq, work *w, licit_err *err) {
  char tb[LICIT_TIME_BUFSZ];
  MDB_val k = {ev->post.n, (void *)ev->post.p}, v;
  int rc = mdb_get(t->txn, t->s->dbi[DBI_POSTS], &k, &v);
  if (rc == 0) {
    licit_post_rec old;
    if ((rc = licit__post_decode(&v, &old, &w->post))) return rc;
    return licit_err_set(err, LICIT_EREJECT, "post \"%.*s\" already exists (created by event %llu)",
                         ID(ev->post), (unsigned long long)old.created_seq);
  }
  if (rc != MDB_NOTFOUND) return rc;
  bool is_new, became_known;
  licit_user_rec u;
  if ((rc = load_or_new_user(t, ev->user, seq, &u, &w->user, &is_new, &became_known))) return rc;
  const licit_hist *d = user_deletion(&u);
  if (d && d->ts <= ev->ts) {
    fmt_time(d->ts, tb);
    return licit_err_set(err, LICIT_EREJECT,
                         "account \"%.*s\" was deleted at %s (event %llu), at or before this post's ts",
                         ID(ev->user), tb, (unsigned long long)d->seq);
  }
  if ((is_new || became_known) && (rc = save_user(t, &u, is_new))) return rc;
  /* The parent: its ordinal when it is in the store, else this reply waits
   * for it in `orphans` and gets it when the parent arrives. */
  uint32_t parent = 0;
  if (ev->parent.n) {
    MDB_val pk = {ev->parent.n, (void *)ev->parent.p}, pv;
    rc = mdb_get(t->txn, t->s->dbi[DBI_POSTS], &pk, &pv);
    if (rc == 0) {
      licit_post_rec pr;
      if ((rc = licit__post_decode(&pv, &pr, &w->post))) return rc;
      parent = pr.ord + 1;
    } else if (rc != MDB_NOTFOUND) {
      return rc;
    }
  }
  if (ev->has_mentions && (rc = intern_mentions(t, ev, &w->menords, &w->user2))) return rc;
  uint32_t nmen = ev->has_mentions ? (uint32_t)(w->menords.len / 4) : 0;
  licit_hist men = {ev->ts, seq, 0, (int32_t)nmen};
  licit_hist vis = {ev->ts, seq, ev->visibility, 0};
  licit_text_hist text = {{ev->ts, seq, ev->optout_notice, 0}, {0}};
  licit_sha256(ev->text.p, ev->text.n, text.sha);
  if ((rc = intern_signals(t, ev, &w->sigords))) return rc;
  uint32_t nsig = (uint32_t)(w->sigords.len / 4);
  licit_hist sig = {ev->ts, seq, 0, (int32_t)nsig};
  licit_post_rec r = {
      .ord = (uint32_t)t->ctr[CTR_POSTS]++,
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
      .parent = parent,
      /* A post with "mentions": [] records the empty list, so that an
       * edit's earlier state is distinguishable; none at all records none. */
      .n_men = ev->has_mentions ? 1 : 0,
      .n_menords = nmen,
      .men = &men,
      .menords = (const uint32_t *)w->menords.data,
  };
  if ((rc = licit__post_encode(&r, &t->enc))) return rc;
  if ((rc = put(t, DBI_POSTS, ev->post.p, ev->post.n, t->enc.data, t->enc.len, MDB_NOOVERWRITE))) return rc;
  unsigned int po = r.ord, uo = u.ord;
  if ((rc = put(t, DBI_POSTORD, &po, sizeof po, ev->post.p, ev->post.n, MDB_APPEND))) return rc;
  if ((rc = put(t, DBI_UPOSTS, &uo, sizeof uo, &po, sizeof po, 0))) return rc;
  if (ev->has_mentions && (rc = index_mentions(t, &w->menords, po))) return rc;
  if (ev->parent.n && !parent &&
      (rc = put(t, DBI_ORPHANS, ev->parent.p, ev->parent.n, &po, sizeof po, 0)))
    return rc;
  return adopt_orphans(t, ev->post, r.ord, w);
}

/* Replies that arrived before this post get its ordinal as their parent. */
static int adopt_orphans(licit_txn *t, licit_strv post, uint32_t ord, work *w) {
  uint32_t *kids = NULL;
  size_t n = 0;
  int rc = licit__orphans(t, post.p, post.n, &kids, &n);
  if (rc || !n) {
    free(kids);
    return rc;
  }
  for (size_t i = 0; i < n && !rc; i++) {
    licit_post_rec c;
    licit_strv cid;
    if ((rc = licit_post_id(t, kids[i], &cid))) break;
    /* cid points into the map; copy it before the put below moves pages. */
    char idb[LICIT_ID_MAX];
    if (cid.n > LICIT_ID_MAX) {
      rc = LICIT_ESTORE;
      break;
    }
    memcpy(idb, cid.p, cid.n);
    size_t idn = cid.n;
    if ((rc = licit_post_get(t, idb, idn, &c, &w->child))) {
      if (rc == LICIT_ENOTFOUND) rc = LICIT_ESTORE;
      break;
    }
    c.parent = ord + 1;
    if ((rc = licit__post_encode(&c, &t->enc))) break;
    rc = put(t, DBI_POSTS, idb, idn, t->enc.data, t->enc.len, 0);
  }
  free(kids);
  if (rc) return rc;
  MDB_val k = {post.n, (void *)post.p};
  rc = mdb_del(t->txn, t->s->dbi[DBI_ORPHANS], &k, NULL);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int apply_post_change(licit_txn *t, const licit_event *ev, uint64_t seq, work *w, licit_err *err) {
  char tb[LICIT_TIME_BUFSZ], tb2[LICIT_TIME_BUFSZ];
  MDB_val k = {ev->post.n, (void *)ev->post.p}, v;
  licit_post_rec r;
  int rc = mdb_get(t->txn, t->s->dbi[DBI_POSTS], &k, &v);
  if (rc == MDB_NOTFOUND)
    return licit_err_set(err, LICIT_ENOTFOUND, "unknown post \"%.*s\": no post event for it was accepted",
                         ID(ev->post));
  if (rc) return rc;
  if ((rc = licit__post_decode(&v, &r, &w->post))) return rc;
  if (ev->ts < r.created_ts) {
    fmt_time(ev->ts, tb);
    fmt_time(r.created_ts, tb2);
    return licit_err_set(err, LICIT_EREJECT, "ts %s is before the post's creation at %s", tb, tb2);
  }
  if (r.del_seq) {
    fmt_time(r.del_ts, tb);
    if (ev->type == LICIT_EV_DELETE)
      return licit_err_set(err, LICIT_EREJECT, "post \"%.*s\" is already deleted (event %llu at %s)",
                           ID(ev->post), (unsigned long long)r.del_seq, tb);
    if (ev->ts >= r.del_ts)
      return licit_err_set(err, LICIT_EREJECT,
                           "post \"%.*s\" was deleted at %s (event %llu); nothing can follow its deletion",
                           ID(ev->post), tb, (unsigned long long)r.del_seq);
  }
  licit_user_rec u;
  if ((rc = licit_user_get(t, r.user, &u, &w->user))) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  const licit_hist *d = user_deletion(&u);
  if (d && ev->ts >= d->ts) {
    fmt_time(d->ts, tb);
    return licit_err_set(err, LICIT_EREJECT,
                         "the author's account \"%.*s\" was deleted at %s (event %llu); nothing can "
                         "follow its deletion",
                         (int)(u.id_len > 80 ? 80 : u.id_len), u.id, tb, (unsigned long long)d->seq);
  }
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
      licit_sha256(ev->text.p, ev->text.n, e.sha);
      if ((rc = insert_sorted(&w->lists[0], r.text, r.n_text, sizeof e, &e))) return rc;
      r.text = (const licit_text_hist *)w->lists[0].data;
      r.n_text++;
      if (ev->has_signals) {
        if ((rc = intern_signals(t, ev, &w->lists[2]))) return rc;
        /* New ords go after the existing ones. */
        licit_buf *so = &w->sigords;
        licit_buf_reset(so);
        if ((rc = licit_buf_add(so, r.sigords, (size_t)r.n_sigords * 4))) return rc;
        uint32_t nnew = (uint32_t)(w->lists[2].len / 4);
        if ((rc = licit_buf_add(so, w->lists[2].data, w->lists[2].len))) return rc;
        licit_hist se = {ev->ts, seq, (int32_t)r.n_sigords, (int32_t)nnew};
        if ((rc = insert_sorted(&w->lists[1], r.sig, r.n_sig, sizeof se, &se))) return rc;
        r.sig = (const licit_hist *)w->lists[1].data;
        r.n_sig++;
        r.sigords = (const uint32_t *)so->data;
        r.n_sigords += nnew;
      }
      if (ev->has_mentions) {
        if ((rc = intern_mentions(t, ev, &w->lists[3], &w->user2))) return rc;
        licit_buf *mo = &w->menords;
        licit_buf_reset(mo);
        if ((rc = licit_buf_add(mo, r.menords, (size_t)r.n_menords * 4))) return rc;
        uint32_t nnew = (uint32_t)(w->lists[3].len / 4);
        if ((rc = licit_buf_add(mo, w->lists[3].data, w->lists[3].len))) return rc;
        licit_hist me = {ev->ts, seq, (int32_t)r.n_menords, (int32_t)nnew};
        if ((rc = insert_sorted(&w->lists[4], r.men, r.n_men, sizeof me, &me))) return rc;
        r.men = (const licit_hist *)w->lists[4].data;
        r.n_men++;
        r.menords = (const uint32_t *)mo->data;
        r.n_menords += nnew;
        if ((rc = index_mentions(t, &w->lists[3], r.ord))) return rc;
      }
      break;
    }
    case LICIT_EV_DELETE:
      r.del_ts = ev->ts;
      r.del_seq = seq;
      break;
    default:
      return LICIT_EINTERNAL;
  }
  if ((rc = licit__post_encode(&r, &t->enc))) return rc;
  return put(t, DBI_POSTS, ev->post.p, ev->post.n, t->enc.data, t->enc.len, 0);
}

/* Rejects an event naming account `u` at ts when the account was deleted
 * at or before it (a new event always has the greatest seq). */
static int after_deletion(const licit_user_rec *u, int64_t ts, licit_err *err) {
  char tb[LICIT_TIME_BUFSZ];
  const licit_hist *d = user_deletion(u);
  if (!d || ts < d->ts) return 0;
  fmt_time(d->ts, tb);
  return licit_err_set(err, LICIT_EREJECT,
                       "account \"%.*s\" was deleted at %s (event %llu); nothing can follow its deletion",
                       (int)(u->id_len > 80 ? 80 : u->id_len), u->id, tb, (unsigned long long)d->seq);
}

/* link / unlink: both accounts become known; the pair's history and each
 * account's list of linked accounts are updated. */
static int apply_link(licit_txn *t, const licit_event *ev, uint64_t seq, work *w, licit_err *err) {
  licit_user_rec a, b;
  bool a_found, b_found;
  /* Every check before the first write (and before a new ordinal is
   * taken), so a rejected event changes nothing. */
  int rc = load_user(t, ev->user, &a_found, &a, &w->user);
  if (rc || (a_found && (rc = after_deletion(&a, ev->ts, err)))) return rc;
  if ((rc = load_user(t, ev->with, &b_found, &b, &w->user2))) return rc;
  if (b_found && (rc = after_deletion(&b, ev->ts, err))) return rc;
  licit_user_rec *both[2] = {&a, &b};
  bool found[2] = {a_found, b_found};
  licit_strv ids[2] = {ev->user, ev->with};
  for (int i = 0; i < 2; i++) {
    if (!found[i]) {
      new_user(t, ids[i], true, seq, both[i]);
    } else if (both[i]->unknown) {
      both[i]->unknown = false;
      both[i]->first_seq = seq;
    } else {
      continue;
    }
    if ((rc = save_user(t, both[i], !found[i]))) return rc;
  }
  uint32_t key[2] = {a.ord < b.ord ? a.ord : b.ord, a.ord < b.ord ? b.ord : a.ord};
  MDB_val k = {8, key}, v;
  rc = mdb_get(t->txn, t->s->dbi[DBI_LINKS], &k, &v);
  const licit_hist *old = NULL;
  uint32_t n = 0;
  if (rc == 0) {
    if (v.mv_size % sizeof(licit_hist)) return LICIT_ESTORE;
    licit_buf_reset(&w->link);
    if (licit_buf_add(&w->link, v.mv_data, v.mv_size)) return LICIT_ENOMEM;
    old = (const licit_hist *)w->link.data;
    n = (uint32_t)(v.mv_size / sizeof(licit_hist));
  } else if (rc != MDB_NOTFOUND) {
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

static int apply_account(licit_txn *t, const licit_event *ev, uint64_t seq, work *w, licit_err *err) {
  bool found;
  licit_user_rec u;
  int rc = load_user(t, ev->user, &found, &u, &w->user);
  if (rc) return rc;
  bool is_new = !found;
  if (!found || u.unknown) {
    if (ev->type == LICIT_EV_ACCOUNT_DELETE)
      return licit_err_set(err, LICIT_ENOTFOUND, "unknown user \"%.*s\": no event of this account was accepted",
                           ID(ev->user));
    if (!found) {
      new_user(t, ev->user, true, seq, &u);
    } else {
      u.unknown = false;
      u.first_seq = seq;
    }
  }
  if (ev->type == LICIT_EV_ACCOUNT_DELETE && u.n_del) {
    char tb[LICIT_TIME_BUFSZ];
    fmt_time(u.del[0].ts, tb);
    return licit_err_set(err, LICIT_EREJECT,
                         "account \"%.*s\" is already deleted (event %llu at %s); a second account_delete is "
                         "rejected whatever its ts",
                         ID(ev->user), (unsigned long long)u.del[0].seq, tb);
  }
  if ((rc = after_deletion(&u, ev->ts, err))) return rc;
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
    default:
      return LICIT_EINTERNAL;
  }
  return save_user(t, &u, is_new);
}

int licit_store_apply(licit_txn *t, const licit_event *ev, uint64_t *seq_out, licit_err *err) {
  if (!t->write) return LICIT_EUSAGE;
  work *w = get_work(t);
  if (!w) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  int rc;
  uint64_t seq = t->ctr[CTR_LOG] + 1;
  if (ev->id.n) {
    /* Claim the id for this event in the same descent that finds a
     * duplicate; a rejection below gives it back. */
    MDB_val k = {ev->id.n, (void *)ev->id.p}, v = {8, &seq};
    rc = mdb_put(t->txn, t->s->dbi[DBI_IDS], &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
      uint64_t s = 0;
      if (v.mv_size == 8) memcpy(&s, v.mv_data, 8);
      return licit_err_set(err, LICIT_EDUPLICATE, "duplicate of event %llu", (unsigned long long)s);
    }
    if (rc) return licit__mdb_err(rc, err, "ids");
  }
  switch (ev->type) {
    case LICIT_EV_POST: rc = apply_post(t, ev, seq, w, err); break;
    case LICIT_EV_EDIT:
    case LICIT_EV_VISIBILITY:
    case LICIT_EV_DELETE: rc = apply_post_change(t, ev, seq, w, err); break;
    case LICIT_EV_ACCOUNT:
    case LICIT_EV_PREFERENCE:
    case LICIT_EV_ACCOUNT_DELETE: rc = apply_account(t, ev, seq, w, err); break;
    case LICIT_EV_LINK:
    case LICIT_EV_UNLINK: rc = apply_link(t, ev, seq, w, err); break;
    default: rc = licit_err_set(err, LICIT_EREJECT, "unknown event type"); break;
  }
  if (rc == LICIT_EREJECT || rc == LICIT_ENOTFOUND) {
    if (ev->id.n) {
      MDB_val k = {ev->id.n, (void *)ev->id.p};
      int drc = mdb_del(t->txn, t->s->dbi[DBI_IDS], &k, NULL);
      if (drc) return licit__mdb_err(drc, err, "ids");
    }
    return rc;
  }
  if (rc) goto fatal;
  /* The log record is the last write: an event is in the log exactly when
   * its state changes are (and its id, claimed above, stays). */
  if ((rc = licit_event_encode(ev, &t->enc))) goto fatal;
  size_t sk = (size_t)seq;
  if ((rc = put(t, DBI_LOG, &sk, sizeof sk, t->enc.data, t->enc.len, MDB_APPEND))) goto fatal;
  t->ctr[CTR_LOG] = seq;
  *seq_out = seq;
  return 0;
fatal:
  if (rc > 0 || rc < -1000) return licit__mdb_err(rc, err, "apply"); /* an LMDB or errno code */
  return licit_err_set(err, rc, "apply: %s", licit_strerror(rc));
}

void licit__apply_free(void *p) {
  work *w = p;
  if (!w) return;
  licit_buf_free(&w->post);
  licit_buf_free(&w->user);
  licit_buf_free(&w->user2);
  licit_buf_free(&w->menords);
  licit_buf_free(&w->child);
  licit_buf_free(&w->link);
  for (int i = 0; i < 5; i++) licit_buf_free(&w->lists[i]);
  licit_buf_free(&w->sigords);
  free(w);
}
