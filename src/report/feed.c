/* feed.c — the compliance feed (see feed.h). */
#include "report/feed.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"

int licit_feed_cursor_parse(const char *s, size_t n, uint64_t *pos, int64_t *tus, const char **why) {
  size_t i = 0;
  uint64_t p = 0;
  *why = "expected a cursor N-TUS (a log position, '-', microseconds since the epoch), as returned in \"next\"";
  if (n == 0 || n > 40) return LICIT_EINVAL;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    if (p > (UINT64_MAX - 9) / 10) return LICIT_EINVAL;
    p = p * 10 + (uint64_t)(s[i] - '0');
  }
  if (i == 0 || i >= n || s[i] != '-') return LICIT_EINVAL;
  i++;
  bool neg = false;
  if (i < n && s[i] == '-') {
    neg = true;
    i++;
  }
  size_t start = i;
  int64_t t = 0;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    if (t > (INT64_MAX - 9) / 10) return LICIT_EINVAL;
    t = t * 10 + (s[i] - '0');
  }
  if (i == start || i != n) return LICIT_EINVAL;
  *pos = p;
  *tus = neg ? -t : t;
  *why = NULL;
  return 0;
}

void licit_feed_cursor_format(uint64_t pos, int64_t tus, char buf[LICIT_FEED_CURSOR_BUFSZ]) {
  snprintf(buf, LICIT_FEED_CURSOR_BUFSZ, "%llu-%lld", (unsigned long long)pos, (long long)tus);
}

typedef struct feed_run {
  const uint64_t *bits;
  uint32_t nbits;
  uint8_t *prev;    /* reason in the earlier state (0: not excluded), by ordinal */
  uint8_t *visited; /* considered in the later state */
  bool later;
  licit_feed *f;
  size_t cap_left, cap_ret;
} feed_run;

static bool in_snap(const feed_run *fr, uint32_t ord) {
  return ord < fr->nbits && ((fr->bits[ord / 64] >> (ord % 64)) & 1);
}

/* Post ids hold no NUL (SPEC 2), so strndup copies them whole. */
static int add_returned(feed_run *fr, const char *p, size_t n) {
  licit_feed *f = fr->f;
  if (f->n_returned == fr->cap_ret) {
    size_t nc = fr->cap_ret ? fr->cap_ret * 2 : 64;
    char **na = realloc(f->returned, nc * sizeof *na);
    if (!na) return LICIT_ENOMEM;
    f->returned = na;
    fr->cap_ret = nc;
  }
  if (!(f->returned[f->n_returned] = strndup(p, n))) return LICIT_ENOMEM;
  f->n_returned++;
  return 0;
}

/* Only the posts of the snapshot matter. */
static bool feed_want(void *ctx, uint32_t ord, licit_reason r) {
  (void)r;
  return in_snap(ctx, ord);
}

static int feed_cb(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r, const licit_text_hist *text) {
  (void)text;
  feed_run *fr = ctx;
  if (!in_snap(fr, p->ord)) return 0;
  uint8_t now = r == LICIT_INCLUDED ? 0 : (uint8_t)r;
  if (!fr->later) {
    fr->prev[p->ord] = now;
    return 0;
  }
  fr->visited[p->ord] = 1;
  if (now && !fr->prev[p->ord]) {
    licit_feed *f = fr->f;
    if (f->n_left == fr->cap_left) {
      size_t nc = fr->cap_left ? fr->cap_left * 2 : 64;
      licit_feed_left *na = realloc(f->left, nc * sizeof *na);
      if (!na) return LICIT_ENOMEM;
      f->left = na;
      fr->cap_left = nc;
    }
    if (!(f->left[f->n_left].post = strndup(id.p, id.n))) return LICIT_ENOMEM;
    f->left[f->n_left++].reason = now;
  } else if (!now && fr->prev[p->ord]) {
    return add_returned(fr, id.p, id.n);
  }
  return 0;
}

static int cmp_ids(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  return strcmp(x, y); /* ids hold no NUL, so this is bytewise order */
}

int licit_feed_changes(licit_txn *t, const licit_policy *policy, const char *name, const char *after, int64_t T,
                       licit_feed *out, licit_err *err) {
  memset(out, 0, sizeof *out);
  licit_snapshot_info info;
  memset(&info, 0, sizeof info);
  int rc = licit_snapshot_get(t, name, &info);
  if (rc == LICIT_ENOTFOUND) return licit_err_set(err, rc, "no snapshot named \"%s\" is registered", name);
  if (rc) return licit_err_set(err, rc, "reading snapshot \"%s\": %s", name, licit_strerror(rc));
  uint64_t M = licit_txn_log_len(t);
  uint64_t pos = 0;
  int64_t tus = 0;
  if (after) {
    const char *why;
    if (licit_feed_cursor_parse(after, strlen(after), &pos, &tus, &why)) {
      rc = licit_err_set(err, LICIT_EINVAL, "after \"%.64s\": %s", after, why);
      goto fail_info;
    }
    if (pos > M) {
      rc = licit_err_set(err, LICIT_EINVAL, "after \"%.64s\": log position %llu is beyond the log (%llu events)",
                         after, (unsigned long long)pos, (unsigned long long)M);
      goto fail_info;
    }
  }
  feed_run fr = {0};
  fr.f = out;
  fr.nbits = info.nbits;
  uint64_t *bits = NULL;
  licit_eval *e = NULL;
  licit_counts c;
  char digest[65];
  if ((rc = licit_snapshot_bits(t, &info, &bits))) {
    rc = licit_err_set(err, rc, "reading snapshot \"%s\": %s", name, licit_strerror(rc));
    goto out;
  }
  fr.bits = bits;
  fr.prev = calloc(info.nbits ? info.nbits : 1, 1);
  fr.visited = calloc(info.nbits ? info.nbits : 1, 1);
  if (!fr.prev || !fr.visited) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  if (after) { /* the earlier state; without a cursor it is the snapshot: nothing excluded */
    if ((rc = licit_eval_open(t, policy, tus, pos, &e, err))) goto out;
    if ((rc = licit_eval_run_want(e, feed_want, feed_cb, &fr, &c, digest, err))) goto out;
    licit_eval_close(e);
    e = NULL;
  }
  fr.later = true;
  if ((rc = licit_eval_open(t, policy, T, M, &e, err))) goto out;
  if ((rc = licit_eval_run_want(e, feed_want, feed_cb, &fr, &c, digest, err))) goto out;
  /* Excluded before and not considered now (T moved back): returned. */
  licit_buf scratch = LICIT_BUF_INIT;
  size_t had = out->n_returned;
  for (uint32_t o = 0; o < info.nbits && !rc; o++) {
    if (!fr.prev[o] || fr.visited[o]) continue;
    licit_strv id;
    if ((rc = licit_post_id(t, o, &id))) rc = licit_err_set(err, rc, "reading a post id: %s", licit_strerror(rc));
    else rc = add_returned(&fr, id.p, id.n);
  }
  licit_buf_free(&scratch);
  if (rc) goto out;
  if (out->n_returned > had) qsort(out->returned, out->n_returned, sizeof *out->returned, cmp_ids);
  out->snapshot = info.name;
  info.name = NULL;
  out->at = T;
  out->log_position = M;
out:
  licit_eval_close(e);
  free(bits);
  free(fr.prev);
  free(fr.visited);
  if (rc) licit_feed_free(out);
fail_info:
  licit_snapshot_info_free(&info);
  return rc;
}

void licit_feed_free(licit_feed *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n_left; i++) free(f->left[i].post);
  for (size_t i = 0; i < f->n_returned; i++) free(f->returned[i]);
  free(f->left);
  free(f->returned);
  free(f->snapshot);
  memset(f, 0, sizeof *f);
}

int licit_feed_json(licit_buf *b, const licit_feed *f) {
  int rc = licit_buf_adds(b, "{\"snapshot\":");
  if (!rc) rc = licit_jw_strz(b, f->snapshot);
  if (!rc) rc = licit_buf_adds(b, ",\"at\":");
  if (!rc) rc = licit_jw_time(b, f->at);
  if (!rc) rc = licit_buf_printf(b, ",\"log_position\":%llu,\"left\":[", (unsigned long long)f->log_position);
  for (size_t i = 0; i < f->n_left && !rc; i++) {
    rc = licit_buf_adds(b, i ? ",{\"post\":" : "{\"post\":");
    if (!rc) rc = licit_jw_strz(b, f->left[i].post);
    if (!rc) rc = licit_buf_printf(b, ",\"reason\":\"%s\"}", licit_reason_name(f->left[i].reason));
  }
  if (!rc) rc = licit_buf_adds(b, "],\"returned\":[");
  for (size_t i = 0; i < f->n_returned && !rc; i++) {
    if (i) rc = licit_buf_addc(b, ',');
    if (!rc) rc = licit_jw_strz(b, f->returned[i]);
  }
  char cur[LICIT_FEED_CURSOR_BUFSZ];
  licit_feed_cursor_format(f->log_position, f->at, cur);
  if (!rc) rc = licit_buf_printf(b, "],\"next\":\"%s\"}", cur);
  return rc;
}
