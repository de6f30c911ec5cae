/*
 * latency.c — licit-bench-latency: in-process latency of the per-post and
 * per-user questions (`explain`, `report`), for bench/run.sh.
 *
 *   licit-bench-latency --store DIR --at T [--posts N] [--users N] [--seed S]
 *
 * Opens the store read-only and one read transaction, loads the installed
 * policy, prepares one evaluation at T (licit_eval_open_threads, as eval
 * opens it: the per-user facts of every user; timed separately as
 * "eval_open"), lists every post and user
 * id (not timed), then times, with CLOCK_MONOTONIC around each call, many
 * lookups of randomly chosen posts and users.  Process start, store opening
 * and the id listing are excluded.  Prints one JSON object:
 *   {"posts": {"n", "median_us", "p99_us", "max_us"}, "users": {...},
 *    "eval_open_ms", "explain": {...}|null, "report": {...}|null}
 *
 * What is timed today (until `licit explain` / `licit report` exist in the
 * library):
 *   post: licit_post_get + licit_user_get of its author + the author's facts
 *         (licit_eval_user_facts) + licit_eval_post + the post's membership
 *         in every registered snapshot (licit_snapshot_has): the look-ups
 *         explain needs;
 *   user: licit_user_ord + licit_user_get + facts + licit_user_posts + for
 *         each post licit_post_get_ord + licit_eval_post: the look-ups
 *         report needs (a post by ordinal is one look-up, as report makes
 *         it).
 * The EXPLAIN/REPORT HOOK below is where the real functions go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval/eval.h"
#include "policy/policy.h"
#include "store/store.h"

/* ===================== EXPLAIN / REPORT HOOK ==========================
 * When the library has licit_explain_post / licit_report_user, define
 * LICIT_BENCH_HAVE_EXPLAIN (meson.build: add
 * c_args : '-DLICIT_BENCH_HAVE_EXPLAIN' to licit-bench-latency), include
 * their header here and fill in the two functions: each must do the whole
 * work of one `licit explain POST --at T --json` / `licit report USER --at T
 * --json` short of printing (building the JSON into a buffer is part of
 * it).  Return 0 on success.  The measured figures then appear as
 * "explain" and "report" in the output and in bench/RESULTS.md.
 * ==================================================================== */
#ifdef LICIT_BENCH_HAVE_EXPLAIN
#include "report/explain.h"
/* The whole of `licit explain` / `licit report` short of formatting and
 * printing: every check with its cited events (log look-ups), snapshot
 * membership, the notice detector on the text; for report, every post of
 * the user through the per-user index. */
static int explain_one(licit_store *s, licit_txn *t, const licit_policy *p, const char *post, size_t n, int64_t T) {
  (void)s;
  licit_explain x;
  licit_err err;
  int rc = licit_explain_post(t, p, post, n, T, &x, &err);
  if (rc) fprintf(stderr, "explain %.*s: %d %s\n", (int)n, post, rc, err.msg);
  if (!rc) licit_explain_free(&x);
  return rc;
}
static int report_one(licit_store *s, licit_txn *t, const licit_policy *p, const char *user, size_t n, int64_t T) {
  (void)s;
  licit_report r;
  licit_err err;
  int rc = licit_report_user(t, p, user, n, T, &r, &err);
  if (rc) fprintf(stderr, "report %.*s: %d %s\n", (int)n, user, rc, err.msg);
  if (!rc) licit_report_free(&r);
  return rc;
}
#endif

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void print_stats(const char *name, double *v, size_t n, const char *sep) {
  if (!n) {
    printf("\"%s\":null%s", name, sep);
    return;
  }
  qsort(v, n, sizeof *v, cmp_d);
  size_t p99 = (size_t)((double)n * 0.99);
  if (p99 >= n) p99 = n - 1;
  printf("\"%s\":{\"n\":%zu,\"median_us\":%.2f,\"p99_us\":%.2f,\"max_us\":%.2f}%s", name, n, v[n / 2], v[p99],
         v[n - 1], sep);
}

typedef struct strlist {
  char **s;
  size_t *n;
  size_t len, cap;
} strlist;

static int strlist_add(strlist *l, const char *p, size_t n) {
  if (l->len == l->cap) {
    size_t c = l->cap ? l->cap * 2 : 4096;
    char **s = realloc(l->s, c * sizeof *s);
    size_t *nn = s ? realloc(l->n, c * sizeof *nn) : NULL;
    if (!s || !nn) return -1;
    l->s = s, l->n = nn, l->cap = c;
  }
  char *c = malloc(n ? n : 1);
  if (!c) return -1;
  memcpy(c, p, n);
  l->s[l->len] = c;
  l->n[l->len++] = n;
  return 0;
}

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void) { /* xorshift64 */
  rs ^= rs << 13;
  rs ^= rs >> 7;
  rs ^= rs << 17;
  return rs;
}

static int fail(const char *what, int rc) {
  fprintf(stderr, "licit-bench-latency: %s: %s\n", what, licit_strerror(rc));
  return 1;
}

int main(int argc, char **argv) {
  const char *dir = NULL, *at = NULL;
  size_t nposts = 20000, nusers = 5000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--store")) dir = argv[i + 1];
    else if (!strcmp(argv[i], "--at")) at = argv[i + 1];
    else if (!strcmp(argv[i], "--posts")) nposts = strtoul(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--users")) nusers = strtoul(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--seed")) rs = strtoull(argv[i + 1], NULL, 10) * 2654435761u + 1;
  }
  if (!dir || !at) {
    fprintf(stderr, "usage: licit-bench-latency --store DIR --at T [--posts N] [--users N] [--seed S]\n");
    return 2;
  }
  int64_t T;
  if (licit_time_parse(at, strlen(at), &T, NULL)) {
    fprintf(stderr, "licit-bench-latency: bad --at\n");
    return 2;
  }
  licit_err err = {0};
  licit_store *s;
  licit_txn *t;
  if (licit_store_open(dir, true, &s, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
  if (licit_txn_begin(s, false, &t, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
  licit_strv js;
  licit_policy *pol = NULL;
  int rc = licit_store_policy_get(t, &js);
  if (rc == 0 && licit_policy_parse(js.p, js.n, "(installed)", &pol, &err)) return fprintf(stderr, "%s\n", err.msg), 1;

  double t0 = now_us();
  licit_eval *e;
  if (licit_eval_open_threads(t, pol, T, licit_txn_log_len(t), 0, &e, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
  double eval_open_ms = (now_us() - t0) / 1000.0;

  /* The ids to ask about (not timed). */
  strlist posts = {0}, users = {0};
  licit_buf scratch = LICIT_BUF_INIT, scratch2 = LICIT_BUF_INIT;
  licit_post_iter *pit;
  if ((rc = licit_post_iter_open(t, &pit))) return fail("posts", rc);
  licit_strv id;
  licit_post_rec p;
  while ((rc = licit_post_iter_next(pit, &id, &p, &scratch)) == 1)
    if (strlist_add(&posts, id.p, id.n)) return fail("posts", LICIT_ENOMEM);
  licit_post_iter_close(pit);
  if (rc < 0) return fail("posts", rc);
  licit_user_iter *uit;
  if ((rc = licit_user_iter_open(t, &uit))) return fail("users", rc);
  licit_user_rec u;
  while ((rc = licit_user_iter_next(uit, &u, &scratch)) == 1) /* known accounts (not those only mentioned) */
    if (!u.unknown && strlist_add(&users, u.id, u.id_len)) return fail("users", LICIT_ENOMEM);
  licit_user_iter_close(uit);
  if (rc < 0) return fail("users", rc);
  if (!posts.len || !users.len) return fail("empty store", LICIT_ENOTFOUND);

  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  if ((rc = licit_snapshot_list(t, &snaps, &nsnaps))) return fail("snapshots", rc);

  double *pv = malloc(nposts * sizeof *pv), *uv = malloc(nusers * sizeof *uv);
  if (!pv || !uv) return fail("memory", LICIT_ENOMEM);
  uint64_t sink = 0, max_user_posts = 0;

  for (size_t i = 0; i < nposts; i++) {
    size_t k = rnd() % posts.len;
    double a = now_us();
    if ((rc = licit_post_get(t, posts.s[k], posts.n[k], &p, &scratch))) return fail("post_get", rc);
    if ((rc = licit_user_get(t, p.user, &u, &scratch2))) return fail("user_get", rc);
    licit_user_facts f;
    if ((rc = licit_eval_user(e, p.user, &f))) return fail("eval_user", rc);
    const licit_text_hist *tx;
    licit_reason r = LICIT_R_COUNT;
    if (licit_eval_considered(e, &p) && (rc = licit_eval_post(e, &p, &r, &tx))) return fail("eval_post", rc);
    for (size_t j = 0; j < nsnaps; j++) sink += (uint64_t)licit_snapshot_has(t, &snaps[j], p.ord);
    pv[i] = now_us() - a;
    sink += (uint64_t)r + f.pref;
  }
  for (size_t i = 0; i < nusers; i++) {
    size_t k = rnd() % users.len;
    double a = now_us();
    uint32_t ord;
    if ((rc = licit_user_ord(t, users.s[k], users.n[k], &ord))) return fail("user_ord", rc);
    if ((rc = licit_user_get(t, ord, &u, &scratch2))) return fail("user_get", rc);
    licit_user_facts f;
    if ((rc = licit_eval_user(e, ord, &f))) return fail("eval_user", rc);
    uint32_t *ords;
    size_t n;
    if ((rc = licit_user_posts(t, ord, &ords, &n))) return fail("user_posts", rc);
    uint64_t by[LICIT_R_COUNT + 1] = {0};
    for (size_t j = 0; j < n; j++) {
      if ((rc = licit_post_get_ord(t, ords[j], &p, &scratch))) return fail("post_get_ord", rc);
      licit_reason r = LICIT_R_COUNT;
      if (licit_eval_considered(e, &p) && (rc = licit_eval_post(e, &p, &r, NULL))) return fail("eval_post", rc);
      by[r]++;
    }
    free(ords);
    uv[i] = now_us() - a;
    if (n > max_user_posts) max_user_posts = n;
    sink += by[0];
  }

  printf("{");
  print_stats("posts", pv, nposts, ",");
  print_stats("users", uv, nusers, ",");
#ifdef LICIT_BENCH_HAVE_EXPLAIN
  for (size_t i = 0; i < nposts; i++) {
    size_t k = rnd() % posts.len;
    double a = now_us();
    if (explain_one(s, t, pol, posts.s[k], posts.n[k], T)) return fail("explain", LICIT_EINTERNAL);
    pv[i] = now_us() - a;
  }
  for (size_t i = 0; i < nusers; i++) {
    size_t k = rnd() % users.len;
    double a = now_us();
    if (report_one(s, t, pol, users.s[k], users.n[k], T)) return fail("report", LICIT_EINTERNAL);
    uv[i] = now_us() - a;
  }
  print_stats("explain", pv, nposts, ",");
  print_stats("report", uv, nusers, ",");
#else
  printf("\"explain\":null,\"report\":null,");
#endif
  printf("\"eval_open_ms\":%.3f,\"n_posts\":%zu,\"n_users\":%zu,\"n_snapshots\":%zu,\"max_user_posts\":%llu,"
         "\"sink\":%llu}\n",
         eval_open_ms, posts.len, users.len, nsnaps, (unsigned long long)max_user_posts,
         (unsigned long long)(sink & 1));

  licit_snapshot_list_free(snaps, nsnaps);
  for (size_t i = 0; i < posts.len; i++) free(posts.s[i]);
  for (size_t i = 0; i < users.len; i++) free(users.s[i]);
  free(posts.s), free(posts.n), free(users.s), free(users.n), free(pv), free(uv);
  licit_buf_free(&scratch);
  licit_buf_free(&scratch2);
  licit_eval_close(e);
  licit_policy_free(pol);
  licit_txn_abort(t);
  licit_store_close(s);
  return 0;
}
