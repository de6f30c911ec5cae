/*
 * diff.c — `snapshot diff A B`: the posts that entered and left between two
 * registered snapshots (see snapshot.h).
 *
 * Membership is read from the lineage bitmaps (no document is re-read); the
 * changed ordinals are turned into ids and sorted bytewise.  A leaver's
 * reason comes from B's own evaluation: B's T and log position, and the
 * policy as installed when B was built (the install number in B's record;
 * for a snapshot registered before records kept it, the newest install with
 * B's policy name and version).
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot/snapshot.h"

typedef struct change {
  licit_strv id;
  uint32_t ord;
  bool entered;
} change;

static int by_id(const void *x, const void *y) {
  const change *a = x, *b = y;
  return licit_id_cmp(a->id.p, a->id.n, b->id.p, b->id.n);
}

int licit_snapshot_policy(licit_txn *t, const licit_snapshot_info *s, licit_policy **out, licit_err *err) {
  *out = NULL;
  if (!s->policy_name) return 0;
  licit_strv js;
  if (s->policy_install) {
    if (licit_store_policy_install(t, s->policy_install, &js))
      return licit_err_set(err, LICIT_ESTORE, "policy install %llu of snapshot \"%s\" is missing from the store",
                           (unsigned long long)s->policy_install, s->name);
    return licit_policy_parse(js.p, js.n, "(installed)", out, err) ? LICIT_ESTORE : 0;
  }
  for (uint64_t no = licit_txn_policy_installs(t); no >= 1; no--) {
    licit_policy *p;
    if (licit_store_policy_install(t, no, &js) || licit_policy_parse(js.p, js.n, "(installed)", &p, NULL)) continue;
    bool match = strcmp(p->name, s->policy_name) == 0;
    if (match && s->policy_version) {
      match = false;
      for (size_t i = 0; i < p->n_versions; i++)
        if (strcmp(p->versions[i].id, s->policy_version) == 0) match = true;
    }
    if (match) {
      *out = p;
      return 0;
    }
    licit_policy_free(p);
  }
  return licit_err_set(err, LICIT_ESTORE, "the policy snapshot \"%s\" was built under (%s) is no longer in the store",
                       s->name, s->policy_name);
}

int licit_snapshot_diff(licit_txn *t, const char *a, const char *b, licit_snapshot_diff_cb cb, void *ctx,
                        licit_err *err) {
  licit_snapshot_info A = {0}, B = {0};
  uint64_t *ba = NULL, *bb = NULL;
  change *ch = NULL;
  licit_policy *pol = NULL;
  licit_eval *ev = NULL;
  licit_buf scratch = LICIT_BUF_INIT;
  int rc;
  if ((rc = licit_snapshot_get(t, a, &A))) {
    rc = rc == LICIT_ENOTFOUND ? licit_err_set(err, rc, "no snapshot named \"%s\" is registered", a)
                               : licit_err_set(err, rc, "reading snapshot \"%s\": %s", a, licit_strerror(rc));
    goto out;
  }
  if ((rc = licit_snapshot_get(t, b, &B))) {
    rc = rc == LICIT_ENOTFOUND ? licit_err_set(err, rc, "no snapshot named \"%s\" is registered", b)
                               : licit_err_set(err, rc, "reading snapshot \"%s\": %s", b, licit_strerror(rc));
    goto out;
  }
  if ((rc = licit_snapshot_bits(t, &A, &ba)) || (rc = licit_snapshot_bits(t, &B, &bb))) {
    rc = licit_err_set(err, rc, "reading the lineage: %s", licit_strerror(rc));
    goto out;
  }
  uint32_t nmax = A.nbits > B.nbits ? A.nbits : B.nbits;
  size_t words = ((size_t)nmax + 63) / 64, n = 0, cap = 0, nleft = 0;
  size_t wa = ((size_t)A.nbits + 63) / 64, wb = ((size_t)B.nbits + 63) / 64;
  for (size_t w = 0; w < words; w++) {
    uint64_t x = w < wa ? ba[w] : 0, y = w < wb ? bb[w] : 0, d = x ^ y;
    while (d) {
      int bit = __builtin_ctzll(d);
      d &= d - 1;
      if (n == cap) {
        cap = cap ? cap * 2 : 1024;
        change *nc = realloc(ch, cap * sizeof *nc);
        if (!nc) {
          rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
          goto out;
        }
        ch = nc;
      }
      ch[n].ord = (uint32_t)(w * 64 + (size_t)bit);
      ch[n].entered = (y >> bit) & 1;
      if ((rc = licit_post_id(t, ch[n].ord, &ch[n].id))) {
        rc = licit_err_set(err, LICIT_ESTORE, "post ordinal %u of the lineage is not in the store", ch[n].ord);
        goto out;
      }
      nleft += !ch[n].entered;
      n++;
    }
  }
  if (n) qsort(ch, n, sizeof *ch, by_id);
  if (nleft) {
    if ((rc = licit_snapshot_policy(t, &B, &pol, err))) goto out;
    /* Few leavers: work out only their authors' facts. */
    rc = nleft < 4096 ? licit_eval_open_lazy(t, pol, B.at, B.log_position, &ev, err)
                      : licit_eval_open(t, pol, B.at, B.log_position, &ev, err);
    if (rc) goto out;
  }
  for (size_t i = 0; i < n; i++) {
    licit_snapshot_change c = {ch[i].id, ch[i].entered, NULL};
    if (!ch[i].entered) {
      licit_post_rec p;
      if ((rc = licit_post_get(t, ch[i].id.p, ch[i].id.n, &p, &scratch))) {
        rc = licit_err_set(err, LICIT_ESTORE, "post \"%.*s\" of the lineage is not in the store", (int)ch[i].id.n,
                           ch[i].id.p);
        goto out;
      }
      c.reason = "not_considered";
      if (licit_eval_considered(ev, &p)) {
        licit_reason r;
        if ((rc = licit_eval_post(ev, &p, &r, NULL))) {
          rc = licit_err_set(err, rc, "evaluating post \"%.*s\": %s", (int)ch[i].id.n, ch[i].id.p, licit_strerror(rc));
          goto out;
        }
        c.reason = licit_reason_name(r);
      }
    }
    if ((rc = cb(ctx, &c))) goto out;
  }
out:
  licit_eval_close(ev);
  licit_policy_free(pol);
  licit_buf_free(&scratch);
  free(ch);
  free(ba);
  free(bb);
  licit_snapshot_info_free(&A);
  licit_snapshot_info_free(&B);
  return rc;
}
