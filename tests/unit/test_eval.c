/*
 * test_eval.c — the evaluator (SPEC section 4), through the library:
 * every check with its boundaries, the order of the checks, the text as of
 * T, what is "considered" (creation time and log prefix), the counts and
 * digest of a run, and lazy against full evaluation.
 *
 * Each test gets a fresh store in its own mkdtemp directory; events are JSON
 * lines written with single quotes (turned into double quotes before
 * parsing) and applied with licit_event_parse + licit_rules_apply.  Every
 * single-post decision is taken by a full and by a lazy evaluation, which
 * must agree.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>

#include "core/bigmem.h"
#include "core/hash.h"
#include "eval/eval.h"
#include "ingest/rules.h"
#include "event/event.h"
#include "policy/policy.h"
#include "store/store.h"

static char dir[64];
static licit_store *S;
static licit_txn *W; /* the open write transaction */
static licit_event_parser *EP;
static licit_err err;
static licit_buf scratch = LICIT_BUF_INIT;
static licit_policy *POL;

static void begin(void) { cr_assert_eq(licit_txn_begin(S, true, &W, &err), 0, "%s", err.msg); }

static void setup(void) {
  strcpy(dir, "/tmp/licit-test-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  cr_assert_eq(licit_store_open(dir, false, &S, &err), 0, "open %s: %s", dir, err.msg);
  cr_assert_eq(licit_event_parser_create(&EP), 0);
  begin();
}

static void teardown(void) {
  licit_txn_abort(W);
  W = NULL;
  licit_store_close(S);
  S = NULL;
  licit_event_parser_destroy(EP);
  licit_buf_free(&scratch);
  licit_policy_free(POL);
  POL = NULL;
  char cmd[160]; /* the whole directory: the store holds log.dat too */
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
}

TestSuite(eval, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ helpers -- */

static void q2dq(char *s) {
  for (; *s; s++)
    if (*s == '\'') *s = '"';
}

/* Parses one line (single quotes for double quotes), applies it, asserts it
 * is accepted; returns its seq. */
static uint64_t acc(const char *fmt, ...) {
  char line[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  q2dq(line);
  licit_event ev;
  int rc = licit_event_parse(EP, line, strlen(line), &ev, &err);
  cr_assert_eq(rc, 0, "test line must parse: %s\n%s", err.msg, line);
  uint64_t seq = 0;
  rc = licit_rules_apply(W, &ev, &seq, &err);
  cr_assert_eq(rc, 0, "test event must be accepted (%d): %s\n%s", rc, err.msg, line);
  return seq;
}

/* A post; `extra` is more fields (",'text':'x'") or "". */
static uint64_t post(const char *ts, const char *id, const char *user, const char *vis, const char *extra) {
  return acc("{'type':'post','ts':'%s','post':'%s','user':'%s','visibility':'%s'%s}", ts, id, user, vis, extra);
}
static uint64_t account(const char *ts, const char *user, const char *fields) {
  return acc("{'type':'account','ts':'%s','user':'%s',%s}", ts, user, fields);
}
static uint64_t pref(const char *ts, const char *user, const char *v) {
  return acc("{'type':'preference','ts':'%s','user':'%s','ai_training':'%s'}", ts, user, v);
}
static uint64_t vis(const char *ts, const char *id, const char *v) {
  return acc("{'type':'visibility','ts':'%s','post':'%s','visibility':'%s'}", ts, id, v);
}
static uint64_t edit(const char *ts, const char *id, const char *text, const char *extra) {
  return acc("{'type':'edit','ts':'%s','post':'%s','text':'%s'%s}", ts, id, text, extra);
}
static uint64_t del(const char *ts, const char *id) {
  return acc("{'type':'delete','ts':'%s','post':'%s'}", ts, id);
}
static uint64_t adel(const char *ts, const char *user) {
  return acc("{'type':'account_delete','ts':'%s','user':'%s'}", ts, user);
}

/* The decision for a considered post; the trace must decide the same. */
static int decide(licit_eval *e, const licit_post_rec *p, const licit_text_hist **text) {
  licit_reason r;
  cr_assert_eq(licit_eval_post(e, p, &r, text), 0, "licit_eval_post failed");
  licit_trace tr;
  cr_assert_eq(licit_eval_trace(e, p, &tr), 0, "licit_eval_trace failed");
  cr_assert(tr.considered);
  cr_assert_eq(tr.decision, r, "the trace decides %s, the evaluator %s", licit_reason_name(tr.decision),
               licit_reason_name(r));
  /* The decision is the first check that failed in the trace. */
  int first = LICIT_INCLUDED;
  for (int c = 1; c < LICIT_R_COUNT && first == LICIT_INCLUDED; c++)
    if (tr.check[c].passed == 0) first = c;
  cr_assert_eq(first, (int)r, "first failing check %s, decision %s", licit_reason_name(first), licit_reason_name(r));
  return (int)r;
}

static licit_user_facts facts_buf;
static const licit_user_facts *facts(licit_eval *e, uint32_t ord) {
  cr_assert_eq(licit_eval_user(e, ord, &facts_buf), 0);
  return &facts_buf;
}

static int64_t T(const char *s) {
  int64_t us;
  cr_assert_eq(licit_time_parse(s, strlen(s), &us, NULL), 0, "time %s", s);
  return us;
}

static int32_t D(const char *s) {
  int32_t d;
  cr_assert_eq(licit_date_parse(s, strlen(s), &d, NULL), 0, "date %s", s);
  return d;
}

static void use_policy(const char *json) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", json);
  q2dq(buf);
  licit_policy_free(POL);
  POL = NULL;
  int rc = licit_policy_parse(buf, strlen(buf), "test", &POL, &err);
  cr_assert_eq(rc, 0, "test policy must parse: %s\n%s", err.msg, buf);
}

/* A broad policy: every check can fire. */
#define BASE_POLICY                                                                                   \
  "{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z','visibility':['public'],"    \
  "'content_since':'2010-01-01T00:00:00Z','min_age':18,'honor_signals':['noai','noml'],"              \
  "'honor_mentions':true,"                                                                          \
  "'regions':{'default':'no_choice','EEA':'opt_out','GB':'opt_out','CN':'excluded','BR':'opt_in'}}]}"

#define NOT_CONSIDERED (-1)

/* The decision for one post at `at` over events seq <= maxseq (0: the whole
 * log): full and lazy must agree, also on "considered". */
static int decide_n(const char *id, int64_t at, uint64_t maxseq) {
  if (!maxseq) maxseq = licit_txn_log_len(W);
  licit_post_rec p;
  int rc = licit_post_get(W, id, strlen(id), &p, &scratch);
  cr_assert_eq(rc, 0, "post %s: %d", id, rc);
  licit_eval *full, *lazy;
  cr_assert_eq(licit_eval_open(W, POL, at, maxseq, &full, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_eval_open_lazy(W, POL, at, maxseq, &lazy, &err), 0, "%s", err.msg);
  bool c1 = licit_eval_considered(full, &p), c2 = licit_eval_considered(lazy, &p);
  cr_assert_eq(c1, c2, "post %s: considered full %d lazy %d", id, c1, c2);
  int r = NOT_CONSIDERED;
  if (c1) {
    const licit_text_hist *t1 = NULL, *t2 = NULL;
    int r1 = decide(full, &p, &t1), r2 = decide(lazy, &p, &t2);
    cr_assert_eq(r1, r2, "post %s: full says %s, lazy says %s", id, licit_reason_name(r1), licit_reason_name(r2));
    cr_assert_eq(t1, t2);
    r = r1;
  }
  licit_eval_close(full);
  licit_eval_close(lazy);
  return r;
}

static const char *rname(int r) { return r == NOT_CONSIDERED ? "(not considered)" : licit_reason_name(r); }

#define EXPECT_N(id, at, maxseq, want)                                                                \
  do {                                                                                               \
    int got_ = decide_n(id, T(at), maxseq);                                                          \
    cr_assert_eq(got_, (int)(want), "post %s at %s (maxseq %llu): got %s, want %s", id, at,          \
                 (unsigned long long)(maxseq), rname(got_), rname(want));                            \
  } while (0)
#define EXPECT(id, at, want) EXPECT_N(id, at, 0, want)

/* --------------------------------------------------------- licit_age_at -- */

Test(eval, age_at) {
  int32_t b = D("2000-06-15");
  cr_assert_eq(licit_age_at(T("2018-06-15T00:00:00Z"), b), 18);
  cr_assert_eq(licit_age_at(T("2018-06-14T23:59:59.999999Z"), b), 17);
  cr_assert_eq(licit_age_at(T("2018-12-31T23:59:59Z"), b), 18);
  cr_assert_eq(licit_age_at(T("2019-01-01T00:00:00Z"), b), 18);
  cr_assert_eq(licit_age_at(T("2019-06-14T00:00:00Z"), b), 18);
  cr_assert_eq(licit_age_at(T("2019-06-15T00:00:00Z"), b), 19);
  cr_assert_eq(licit_age_at(T("2000-06-15T00:00:00Z"), b), 0);
  /* In UTC: 01:00+02:00 on the birthday is still the day before. */
  cr_assert_eq(licit_age_at(T("2018-06-15T01:00:00+02:00"), b), 17);
  cr_assert_eq(licit_age_at(T("2018-06-14T23:00:00-02:00"), b), 18);
  /* Born on Feb 29: in a non-leap year the birthday counts from Mar 1. */
  int32_t leap = D("2000-02-29");
  cr_assert_eq(licit_age_at(T("2018-02-28T23:59:59Z"), leap), 17);
  cr_assert_eq(licit_age_at(T("2018-03-01T00:00:00Z"), leap), 18);
  cr_assert_eq(licit_age_at(T("2016-02-28T23:59:59Z"), leap), 15);
  cr_assert_eq(licit_age_at(T("2016-02-29T00:00:00Z"), leap), 16);
  /* Dates on both sides of the epoch. */
  int32_t old = D("1950-03-01");
  cr_assert_eq(licit_age_at(T("1968-02-29T23:59:59Z"), old), 17);
  cr_assert_eq(licit_age_at(T("1968-03-01T00:00:00Z"), old), 18);
  cr_assert_eq(licit_age_at(T("2024-03-01T00:00:00Z"), old), 74);
  cr_assert_eq(licit_age_at(T("1969-12-31T23:59:59.999999Z"), D("1951-12-31")), 18);
  cr_assert_eq(licit_age_at(T("1969-12-31T23:59:59.999999Z"), D("1952-01-01")), 17);
  cr_assert_eq(licit_age_at(T("1970-01-01T00:00:00Z"), D("1952-01-01")), 18);
  /* Year-end birthdays. */
  cr_assert_eq(licit_age_at(T("2018-12-30T12:00:00Z"), D("2000-12-31")), 17);
  cr_assert_eq(licit_age_at(T("2018-12-31T00:00:00Z"), D("2000-12-31")), 18);
  cr_assert_eq(licit_age_at(T("2018-01-01T00:00:00Z"), D("2000-01-01")), 18);
  cr_assert_eq(licit_age_at(T("2017-12-31T23:59:59Z"), D("2000-01-01")), 17);
}

/* ------------------------------------------------------------ deleted -- */

Test(eval, deleted_by_post_delete) {
  use_policy(BASE_POLICY);
  post("2024-01-01T00:00:00Z", "p", "u", "public", "");
  del("2024-02-01T00:00:00Z", "p");
  EXPECT("p", "2024-01-31T23:59:59.999999Z", LICIT_INCLUDED);
  EXPECT("p", "2024-02-01T00:00:00Z", LICIT_R_DELETED);
  EXPECT("p", "2024-02-01T01:00:00+01:00", LICIT_R_DELETED);
  EXPECT("p", "2030-01-01T00:00:00Z", LICIT_R_DELETED);
  /* A deletion that arrived before other events but is dated later. */
  post("2024-01-01T00:00:00Z", "q", "u", "public", "");
  del("2024-06-01T00:00:00Z", "q");
  edit("2024-03-01T00:00:00Z", "q", "before the deletion", "");
  EXPECT("q", "2024-05-31T00:00:00Z", LICIT_INCLUDED);
  EXPECT("q", "2024-06-01T00:00:00Z", LICIT_R_DELETED);
}

Test(eval, deleted_by_account_delete) {
  use_policy(BASE_POLICY);
  post("2024-01-01T00:00:00Z", "p", "u", "public", "");
  post("2024-01-01T00:00:00Z", "other", "v", "public", "");
  adel("2024-02-01T00:00:00Z", "u");
  EXPECT("p", "2024-01-31T23:59:59.999999Z", LICIT_INCLUDED);
  EXPECT("p", "2024-02-01T00:00:00Z", LICIT_R_DELETED);
  EXPECT("p", "2025-01-01T00:00:00Z", LICIT_R_DELETED);
  EXPECT("other", "2025-01-01T00:00:00Z", LICIT_INCLUDED);
}

Test(eval, deleted_account_delete_once) {
  /* A second account_delete is rejected whatever its ts (SPEC 2), so the
   * deletion never moves earlier once decided. */
  use_policy(BASE_POLICY);
  post("2024-01-01T00:00:00Z", "p", "u", "public", "");
  uint64_t first = adel("2024-03-01T00:00:00Z", "u");
  EXPECT("p", "2024-02-15T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p", "2024-03-01T00:00:00Z", LICIT_R_DELETED);
  EXPECT_N("p", "2024-02-29T00:00:00Z", first, LICIT_INCLUDED);
  EXPECT_N("p", "2024-03-01T00:00:00Z", first, LICIT_R_DELETED);
}

/* ---------------------------------------------------------- no_policy -- */

Test(eval, no_policy) {
  use_policy("{'name':'t','versions':["
             "{'id':'v1','effective':'2020-01-01T00:00:00Z'},"
             "{'id':'v2','effective':'2022-01-01T00:00:00Z','visibility':['public','unlisted']}]}");
  post("2019-01-01T00:00:00Z", "p", "u", "public", "");
  post("2019-01-01T00:00:00Z", "unl", "u", "unlisted", "");
  EXPECT("p", "2019-12-31T23:59:59.999999Z", LICIT_R_NO_POLICY);
  EXPECT("p", "2020-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p", "2020-01-01T01:00:00+01:00", LICIT_INCLUDED);
  /* The version in force: v1 until v2's effective, v2 from it on. */
  EXPECT("unl", "2021-12-31T23:59:59.999999Z", LICIT_R_NOT_PUBLIC);
  EXPECT("unl", "2022-01-01T00:00:00Z", LICIT_INCLUDED);
  licit_eval *e;
  cr_assert_eq(licit_eval_open(W, POL, T("2022-01-01T00:00:00Z"), licit_txn_log_len(W), &e, &err), 0);
  cr_assert_str_eq(licit_eval_version(e)->id, "v2");
  licit_eval_close(e);
  cr_assert_eq(licit_eval_open(W, POL, T("2019-06-01T00:00:00Z"), licit_txn_log_len(W), &e, &err), 0);
  cr_assert_null(licit_eval_version(e));
  licit_eval_close(e);
  /* No policy at all. */
  licit_policy_free(POL);
  POL = NULL;
  EXPECT("p", "2030-01-01T00:00:00Z", LICIT_R_NO_POLICY);
}

/* ------------------------------------------------------------ too_old -- */

Test(eval, too_old) {
  use_policy(BASE_POLICY);
  post("2009-12-31T23:59:59.999999Z", "before", "u", "public", "");
  post("2010-01-01T00:00:00Z", "exactly", "u", "public", "");
  post("2010-01-01T00:30:00+01:00", "tz-before", "u", "public", ""); /* 2009-12-31T23:30Z */
  post("2009-12-31T23:30:00-01:00", "tz-after", "u", "public", "");  /* 2010-01-01T00:30Z */
  EXPECT("before", "2024-01-01T00:00:00Z", LICIT_R_TOO_OLD);
  EXPECT("exactly", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("tz-before", "2024-01-01T00:00:00Z", LICIT_R_TOO_OLD);
  EXPECT("tz-after", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  /* No content_since: nothing is too old. */
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2000-01-01T00:00:00Z'}]}");
  EXPECT("before", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
}

/* -------------------------------------------------------------- minor -- */

Test(eval, minor_birthday_boundaries) {
  use_policy(BASE_POLICY);
  account("2015-01-01T00:00:00Z", "kid", "'birth_date':'2000-06-15'");
  post("2018-06-15T00:00:00Z", "birthday", "kid", "public", "");
  post("2018-06-14T23:59:59.999999Z", "day-before", "kid", "public", "");
  post("2018-06-15T01:00:00+02:00", "utc-day-before", "kid", "public", "");
  post("2017-01-01T00:00:00Z", "much-younger", "kid", "public", "");
  EXPECT("birthday", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("day-before", "2024-01-01T00:00:00Z", LICIT_R_MINOR);
  EXPECT("utc-day-before", "2024-01-01T00:00:00Z", LICIT_R_MINOR);
  EXPECT("much-younger", "2024-01-01T00:00:00Z", LICIT_R_MINOR);
  /* Age at creation, not at T: an old minor post stays minor. */
  EXPECT("day-before", "2040-01-01T00:00:00Z", LICIT_R_MINOR);
}

Test(eval, minor_feb29_birth) {
  use_policy(BASE_POLICY);
  account("2015-01-01T00:00:00Z", "leap", "'birth_date':'2000-02-29'");
  post("2018-02-28T23:59:59Z", "feb28", "leap", "public", "");
  post("2018-03-01T00:00:00Z", "mar1", "leap", "public", "");
  EXPECT("feb28", "2024-01-01T00:00:00Z", LICIT_R_MINOR);
  EXPECT("mar1", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
}

Test(eval, minor_birth_date_as_of_T) {
  use_policy(BASE_POLICY);
  post("2020-05-01T00:00:00Z", "p", "u", "public", "");
  /* The birth date arrives after the post, before T. */
  account("2021-01-01T00:00:00Z", "u", "'birth_date':'2005-01-01'");
  EXPECT("p", "2020-12-31T23:59:59Z", LICIT_INCLUDED); /* unknown as of T */
  EXPECT("p", "2021-01-01T00:00:00Z", LICIT_R_MINOR);
  /* A correction dated later wins from its ts on; one dated earlier but
   * arriving later does not override the later-dated one. */
  account("2022-01-01T00:00:00Z", "u", "'birth_date':'1990-01-01'");
  account("2021-06-01T00:00:00Z", "u", "'birth_date':'1980-01-01'");
  EXPECT("p", "2021-05-31T00:00:00Z", LICIT_R_MINOR);
  EXPECT("p", "2021-06-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p", "2023-01-01T00:00:00Z", LICIT_INCLUDED);
  account("2023-06-01T00:00:00Z", "u", "'birth_date':'2010-01-01'");
  EXPECT("p", "2023-06-01T00:00:00Z", LICIT_R_MINOR);
  /* An account event without birth_date keeps it. */
  account("2024-01-01T00:00:00Z", "u", "'region':'US'");
  EXPECT("p", "2024-06-01T00:00:00Z", LICIT_R_MINOR);
}

Test(eval, minor_unknown_or_no_min_age) {
  use_policy(BASE_POLICY);
  account("2015-01-01T00:00:00Z", "anon", "'region':'US'");
  post("2016-01-01T00:00:00Z", "p", "anon", "public", "");
  post("2016-01-01T00:00:00Z", "q", "nobody", "public", "");
  EXPECT("p", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("q", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  account("2015-01-01T00:00:00Z", "kid", "'birth_date':'2010-01-01'");
  post("2016-01-01T00:00:00Z", "k", "kid", "public", "");
  EXPECT("k", "2024-01-01T00:00:00Z", LICIT_R_MINOR);
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2000-01-01T00:00:00Z'}]}");
  EXPECT("k", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
}

/* ---------------------------------------------------- region_excluded -- */

#define REGION_POLICY                                                                            \
  "{'name':'r','region_groups':{'NORDIC':['DK','FI','IS','NO','SE']},'versions':[{'id':'v1',"     \
  "'effective':'2020-01-01T00:00:00Z','regions':{'default':'opt_out','NORDIC':'excluded',"       \
  "'SE':'no_choice','CN':'excluded'}}]}"

Test(eval, region_excluded_by_key) {
  use_policy(REGION_POLICY);
  const char *who[][2] = {{"cn", "CN"}, {"dk", "DK"}, {"se", "SE"}, {"fr", "FR"}, {"none", ""}};
  for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
    char f[64], pid[32];
    snprintf(f, sizeof f, "'region':'%s'", who[i][1]);
    account("2021-01-01T00:00:00Z", who[i][0], f);
    snprintf(pid, sizeof pid, "p-%s", who[i][0]);
    post("2021-02-01T00:00:00Z", pid, who[i][0], "public", "");
    pref("2021-01-01T00:00:00Z", who[i][0], "deny");
  }
  post("2021-02-01T00:00:00Z", "p-nobody", "nobody", "public", "");
  EXPECT("p-cn", "2024-01-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);    /* country key */
  EXPECT("p-dk", "2024-01-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);    /* group key */
  EXPECT("p-se", "2024-01-01T00:00:00Z", LICIT_INCLUDED);             /* country beats group */
  EXPECT("p-fr", "2024-01-01T00:00:00Z", LICIT_R_OBJECTED);           /* default: opt_out */
  EXPECT("p-none", "2024-01-01T00:00:00Z", LICIT_R_OBJECTED);         /* "" -> default */
  EXPECT("p-nobody", "2024-01-01T00:00:00Z", LICIT_INCLUDED);         /* no pref */

  licit_eval *e;
  cr_assert_eq(licit_eval_open(W, POL, T("2024-01-01T00:00:00Z"), licit_txn_log_len(W), &e, &err), 0);
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, "se", 2, &ord), 0);
  const licit_user_facts *f = facts(e, ord);
  cr_assert_eq(f->mode, LICIT_MODE_NO_CHOICE);
  cr_assert_eq(f->via, LICIT_VIA_COUNTRY);
  cr_assert_eq(licit_user_ord(W, "none", 4, &ord), 0);
  f = facts(e, ord);
  cr_assert_eq(f->region[0], 0);
  cr_assert_eq(f->mode, LICIT_MODE_OPT_OUT);
  cr_assert_eq(f->via, LICIT_VIA_DEFAULT);
  licit_eval_close(e);
}

Test(eval, region_excluded_default_and_none) {
  use_policy("{'name':'r','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z',"
             "'regions':{'default':'excluded','US':'no_choice'}}]}");
  account("2021-01-01T00:00:00Z", "us", "'region':'US'");
  account("2021-01-01T00:00:00Z", "fr", "'region':'FR'");
  account("2021-01-01T00:00:00Z", "unk", "'region':''");
  post("2021-02-01T00:00:00Z", "p-us", "us", "public", "");
  post("2021-02-01T00:00:00Z", "p-fr", "fr", "public", "");
  post("2021-02-01T00:00:00Z", "p-unk", "unk", "public", "");
  post("2021-02-01T00:00:00Z", "p-new", "new", "public", ""); /* never had an account event */
  EXPECT("p-us", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p-fr", "2024-01-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);
  EXPECT("p-unk", "2024-01-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);
  EXPECT("p-new", "2024-01-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);
  /* Region as of T: moving to US before T, back to "" later. */
  account("2023-01-01T00:00:00Z", "fr", "'region':'US'");
  EXPECT("p-fr", "2022-12-31T23:59:59Z", LICIT_R_REGION_EXCLUDED);
  EXPECT("p-fr", "2023-01-01T00:00:00Z", LICIT_INCLUDED);
  account("2023-06-01T00:00:00Z", "fr", "'region':''");
  EXPECT("p-fr", "2023-06-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);
  /* An account event without region keeps it. */
  account("2023-03-01T00:00:00Z", "us", "'private':false");
  EXPECT("p-us", "2024-01-01T00:00:00Z", LICIT_INCLUDED);

  /* No default key: no_choice, a deny is ignored. */
  use_policy("{'name':'r','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z',"
             "'regions':{'CN':'excluded'}}]}");
  pref("2021-01-01T00:00:00Z", "unk", "deny");
  EXPECT("p-unk", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p-fr", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  licit_eval *e;
  cr_assert_eq(licit_eval_open(W, POL, T("2024-01-01T00:00:00Z"), licit_txn_log_len(W), &e, &err), 0);
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, "unk", 3, &ord), 0);
  cr_assert_eq(facts(e, ord)->mode, LICIT_MODE_NO_CHOICE);
  cr_assert_eq(facts(e, ord)->via, LICIT_VIA_NONE);
  licit_eval_close(e);
}

/* --------------------------------------------------------- not_public -- */

Test(eval, not_public_visibilities) {
  use_policy(BASE_POLICY);
  const char *v[] = {"public", "unlisted", "followers", "private"};
  for (int i = 0; i < 4; i++) post("2021-01-01T00:00:00Z", v[i], "u", v[i], "");
  EXPECT("public", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("unlisted", "2024-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("followers", "2024-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("private", "2024-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z',"
             "'visibility':['unlisted','followers']}]}");
  EXPECT("public", "2024-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("unlisted", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("followers", "2024-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("private", "2024-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z',"
             "'visibility':['public','unlisted','followers','private']}]}");
  for (int i = 0; i < 4; i++) EXPECT(v[i], "2024-01-01T00:00:00Z", LICIT_INCLUDED);
}

Test(eval, not_public_account_private) {
  use_policy(BASE_POLICY);
  post("2021-01-01T00:00:00Z", "p", "u", "public", "");
  account("2022-01-01T00:00:00Z", "u", "'private':true");
  EXPECT("p", "2021-12-31T23:59:59.999999Z", LICIT_INCLUDED);
  EXPECT("p", "2022-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  /* An account event without `private` keeps it. */
  account("2022-06-01T00:00:00Z", "u", "'region':'US'");
  EXPECT("p", "2022-07-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  account("2023-01-01T00:00:00Z", "u", "'private':false");
  EXPECT("p", "2022-12-31T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("p", "2023-01-01T00:00:00Z", LICIT_INCLUDED);
  /* Private before the post existed still counts as of T. */
  account("2020-01-01T00:00:00Z", "w", "'private':true");
  post("2021-01-01T00:00:00Z", "q", "w", "public", "");
  EXPECT("q", "2021-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
}

Test(eval, not_public_out_of_order) {
  use_policy(BASE_POLICY);
  post("2021-01-01T00:00:00Z", "p", "u", "public", "");
  vis("2021-03-01T00:00:00Z", "p", "private"); /* arrives first, dated later */
  vis("2021-02-01T00:00:00Z", "p", "public");  /* arrives later, dated earlier */
  vis("2021-01-15T00:00:00Z", "p", "followers");
  EXPECT("p", "2021-01-14T23:59:59Z", LICIT_INCLUDED);
  EXPECT("p", "2021-01-15T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("p", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p", "2021-02-28T23:59:59.999999Z", LICIT_INCLUDED);
  EXPECT("p", "2021-03-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("p", "2025-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  /* Equal ts: the later seq wins. */
  post("2021-01-01T00:00:00Z", "a", "u", "public", "");
  vis("2021-05-01T00:00:00Z", "a", "followers");
  vis("2021-05-01T00:00:00Z", "a", "public");
  post("2021-01-01T00:00:00Z", "b", "u", "public", "");
  vis("2021-05-01T00:00:00Z", "b", "public");
  vis("2021-05-01T02:00:00+02:00", "b", "followers"); /* the same instant */
  EXPECT("a", "2021-05-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("b", "2021-05-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  /* A visibility event at the creation ts, arriving later, beats the post's own. */
  post("2021-01-01T00:00:00Z", "c", "u", "public", "");
  vis("2021-01-01T00:00:00Z", "c", "private");
  EXPECT("c", "2021-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  /* Account private and out of order too. */
  account("2021-08-01T00:00:00Z", "u", "'private':false");
  account("2021-07-01T00:00:00Z", "u", "'private':true");
  post("2021-01-01T00:00:00Z", "d", "u", "public", "");
  EXPECT("d", "2021-07-15T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("d", "2021-08-01T00:00:00Z", LICIT_INCLUDED);
  account("2021-09-01T00:00:00Z", "u", "'private':true");
  account("2021-09-01T00:00:00Z", "u", "'private':false");
  EXPECT("d", "2021-09-01T00:00:00Z", LICIT_INCLUDED);
}

/* ------------------------------------------------------------- signal -- */

Test(eval, signal_history) {
  use_policy(BASE_POLICY);
  post("2021-01-01T00:00:00Z", "p", "u", "public", ",'signals':['x','noai']");
  post("2021-01-01T00:00:00Z", "other", "u", "public", ",'signals':['NOAI','noai ','x']");
  post("2021-01-01T00:00:00Z", "second", "u", "public", ",'signals':['noml']");
  EXPECT("p", "2021-01-01T00:00:00Z", LICIT_R_SIGNAL);
  EXPECT("other", "2021-01-01T00:00:00Z", LICIT_INCLUDED); /* compared exactly */
  EXPECT("second", "2021-01-01T00:00:00Z", LICIT_R_SIGNAL);
  /* An edit without signals keeps them. */
  edit("2021-02-01T00:00:00Z", "p", "edited", "");
  EXPECT("p", "2021-02-01T00:00:00Z", LICIT_R_SIGNAL);
  /* An edit with signals replaces them. */
  edit("2021-03-01T00:00:00Z", "p", "edited", ",'signals':['y']");
  EXPECT("p", "2021-02-28T00:00:00Z", LICIT_R_SIGNAL);
  EXPECT("p", "2021-03-01T00:00:00Z", LICIT_INCLUDED);
  edit("2021-04-01T00:00:00Z", "p", "edited", ",'signals':['noml','z']");
  EXPECT("p", "2021-04-01T00:00:00Z", LICIT_R_SIGNAL);
  /* An edit with [] clears them. */
  edit("2021-05-01T00:00:00Z", "p", "edited", ",'signals':[]");
  EXPECT("p", "2021-04-30T00:00:00Z", LICIT_R_SIGNAL);
  EXPECT("p", "2021-05-01T00:00:00Z", LICIT_INCLUDED);
  /* An edit without signals dated after the clearing keeps "none". */
  edit("2021-06-01T00:00:00Z", "p", "edited", "");
  EXPECT("p", "2021-06-01T00:00:00Z", LICIT_INCLUDED);
  /* Adding a signal later, by edit. */
  edit("2021-07-01T00:00:00Z", "other", "edited", ",'signals':['noai']");
  EXPECT("other", "2021-06-30T00:00:00Z", LICIT_INCLUDED);
  EXPECT("other", "2021-07-01T00:00:00Z", LICIT_R_SIGNAL);
  /* A policy that honours nothing, or other tokens. */
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z'}]}");
  EXPECT("second", "2021-01-01T00:00:00Z", LICIT_INCLUDED);
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z',"
             "'honor_signals':['never-seen','x']}]}");
  EXPECT("second", "2021-01-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("other", "2021-01-01T00:00:00Z", LICIT_R_SIGNAL);
}

/* ------------------------------------------------ objected / consent -- */

Test(eval, objected) {
  use_policy(BASE_POLICY);
  account("2021-01-01T00:00:00Z", "de", "'region':'DE'");
  post("2021-02-01T00:00:00Z", "p", "de", "public", "");
  EXPECT("p", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  pref("2021-03-01T00:00:00Z", "de", "deny");
  EXPECT("p", "2021-02-28T23:59:59.999999Z", LICIT_INCLUDED);
  EXPECT("p", "2021-03-01T00:00:00Z", LICIT_R_OBJECTED);
  pref("2021-04-01T00:00:00Z", "de", "unset");
  EXPECT("p", "2021-03-31T00:00:00Z", LICIT_R_OBJECTED);
  EXPECT("p", "2021-04-01T00:00:00Z", LICIT_INCLUDED);
  pref("2021-05-01T00:00:00Z", "de", "allow");
  EXPECT("p", "2021-05-01T00:00:00Z", LICIT_INCLUDED);
  /* Out of order: a deny dated before the allow, arriving after it. */
  pref("2021-04-15T00:00:00Z", "de", "deny");
  EXPECT("p", "2021-04-20T00:00:00Z", LICIT_R_OBJECTED);
  EXPECT("p", "2021-05-01T00:00:00Z", LICIT_INCLUDED);
  /* Under no_choice a deny changes nothing; moving region changes the mode. */
  account("2021-01-01T00:00:00Z", "us", "'region':'US'");
  post("2021-02-01T00:00:00Z", "q", "us", "public", "");
  pref("2021-03-01T00:00:00Z", "us", "deny");
  EXPECT("q", "2021-06-01T00:00:00Z", LICIT_INCLUDED);
  account("2021-07-01T00:00:00Z", "us", "'region':'GB'");
  EXPECT("q", "2021-07-01T00:00:00Z", LICIT_R_OBJECTED);
}

Test(eval, no_consent) {
  use_policy(BASE_POLICY);
  account("2021-01-01T00:00:00Z", "br", "'region':'BR'");
  post("2021-02-01T00:00:00Z", "p", "br", "public", "");
  EXPECT("p", "2021-02-01T00:00:00Z", LICIT_R_NO_CONSENT);
  pref("2021-03-01T00:00:00Z", "br", "allow");
  EXPECT("p", "2021-02-28T23:59:59Z", LICIT_R_NO_CONSENT);
  EXPECT("p", "2021-03-01T00:00:00Z", LICIT_INCLUDED);
  pref("2021-04-01T00:00:00Z", "br", "deny");
  EXPECT("p", "2021-04-01T00:00:00Z", LICIT_R_NO_CONSENT);
  pref("2021-05-01T00:00:00Z", "br", "unset");
  EXPECT("p", "2021-05-01T00:00:00Z", LICIT_R_NO_CONSENT);
  /* Preferences are ignored under no_choice: allow, deny, unset alike. */
  account("2021-01-01T00:00:00Z", "us", "'region':'US'");
  post("2021-02-01T00:00:00Z", "q", "us", "public", "");
  EXPECT("q", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  pref("2021-03-01T00:00:00Z", "us", "deny");
  EXPECT("q", "2021-03-01T00:00:00Z", LICIT_INCLUDED);
  pref("2021-04-01T00:00:00Z", "us", "allow");
  EXPECT("q", "2021-04-01T00:00:00Z", LICIT_INCLUDED);
}

/* ------------------------------------------------------ order of checks -- */

Test(eval, check_order) {
  use_policy(BASE_POLICY);
  account("2000-01-01T00:00:00Z", "kid-cn", "'region':'CN','birth_date':'2010-01-01'");
  account("2000-01-01T00:00:00Z", "cn", "'region':'CN'");
  account("2000-01-01T00:00:00Z", "de", "'region':'DE'");
  pref("2000-01-01T00:00:00Z", "de", "deny");
  /* deleted AND minor AND not_public -> deleted */
  post("2015-01-01T00:00:00Z", "a", "kid-cn", "private", "");
  del("2021-01-01T00:00:00Z", "a");
  EXPECT("a", "2024-01-01T00:00:00Z", LICIT_R_DELETED);
  EXPECT("a", "2020-06-01T00:00:00Z", LICIT_R_MINOR);
  /* deleted AND no_policy -> deleted */
  post("2015-01-01T00:00:00Z", "b", "de", "public", "");
  del("2016-01-01T00:00:00Z", "b");
  EXPECT("b", "2017-01-01T00:00:00Z", LICIT_R_DELETED);
  EXPECT("b", "2015-06-01T00:00:00Z", LICIT_R_NO_POLICY);
  /* no_policy AND too_old -> no_policy; too_old AND minor -> too_old */
  account("1990-01-01T00:00:00Z", "baby", "'birth_date':'2005-01-01'");
  post("2008-01-01T00:00:00Z", "c", "baby", "public", "");
  EXPECT("c", "2019-01-01T00:00:00Z", LICIT_R_NO_POLICY);
  EXPECT("c", "2024-01-01T00:00:00Z", LICIT_R_TOO_OLD);
  /* minor AND region_excluded -> minor */
  post("2015-01-01T00:00:00Z", "d", "kid-cn", "public", "");
  EXPECT("d", "2024-01-01T00:00:00Z", LICIT_R_MINOR);
  /* region_excluded AND not_public -> region_excluded */
  post("2015-01-01T00:00:00Z", "e", "cn", "followers", "");
  EXPECT("e", "2024-01-01T00:00:00Z", LICIT_R_REGION_EXCLUDED);
  /* not_public AND signal (AND objected) -> not_public */
  post("2015-01-01T00:00:00Z", "f", "de", "unlisted", ",'signals':['noai']");
  EXPECT("f", "2024-01-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  /* signal AND objected -> signal */
  post("2015-01-01T00:00:00Z", "g", "de", "public", ",'signals':['noai']");
  EXPECT("g", "2024-01-01T00:00:00Z", LICIT_R_SIGNAL);
  /* signal AND no_consent -> signal */
  account("2000-01-01T00:00:00Z", "br", "'region':'BR'");
  post("2015-01-01T00:00:00Z", "h", "br", "public", ",'signals':['noml']");
  EXPECT("h", "2024-01-01T00:00:00Z", LICIT_R_SIGNAL);
  /* account deleted AND everything else -> deleted */
  account("2000-01-01T00:00:00Z", "gone", "'region':'CN','birth_date':'2010-01-01','private':true");
  post("2015-01-01T00:00:00Z", "i", "gone", "private", ",'signals':['noai']");
  adel("2021-01-01T00:00:00Z", "gone");
  EXPECT("i", "2024-01-01T00:00:00Z", LICIT_R_DELETED);
}

/* -------------------------------------------------------- text as of T -- */

static void sha_of(const char *s, size_t n, uint8_t out[32]) { licit_sha256(s, n, out); }

static void expect_text(const char *id, const char *at, const char *want, uint64_t want_seq) {
  licit_post_rec p;
  cr_assert_eq(licit_post_get(W, id, strlen(id), &p, &scratch), 0);
  for (int lazy = 0; lazy < 2; lazy++) {
    licit_eval *e;
    int rc = lazy ? licit_eval_open_lazy(W, POL, T(at), licit_txn_log_len(W), &e, &err)
                  : licit_eval_open(W, POL, T(at), licit_txn_log_len(W), &e, &err);
    cr_assert_eq(rc, 0);
    const licit_text_hist *t = NULL;
    decide(e, &p, &t);
    cr_assert_not_null(t, "%s at %s: no text", id, at);
    uint8_t h[32];
    sha_of(want, strlen(want), h);
    cr_assert_eq(memcmp(t->sha, h, 32), 0, "%s at %s: text should be \"%s\" (got the text of seq %llu)", id, at,
                 want, (unsigned long long)t->h.seq);
    cr_assert_eq(t->h.seq, want_seq, "%s at %s", id, at);
    licit_eval_close(e);
  }
}

Test(eval, text_as_of_T) {
  use_policy(BASE_POLICY);
  uint64_t s0 = post("2021-01-01T00:00:00Z", "p", "u", "public", ",'text':'v0'");
  uint64_t s3 = edit("2021-03-01T00:00:00Z", "p", "v3", "");  /* arrives first, dated last */
  uint64_t s1 = edit("2021-02-01T00:00:00Z", "p", "v1", "");
  uint64_t s2 = edit("2021-02-01T00:00:00Z", "p", "v2", ""); /* same ts, later seq */
  uint64_t s0b = edit("2021-01-01T00:00:00Z", "p", "v0b", ""); /* same ts as creation */
  (void)s1;
  expect_text("p", "2021-01-01T00:00:00Z", "v0b", s0b);
  expect_text("p", "2021-01-31T23:59:59.999999Z", "v0b", s0b);
  expect_text("p", "2021-02-01T00:00:00Z", "v2", s2);
  expect_text("p", "2021-02-28T00:00:00Z", "v2", s2);
  expect_text("p", "2021-03-01T00:00:00Z", "v3", s3);
  /* Within a log prefix: before s2 and s0b were appended. */
  licit_post_rec p;
  cr_assert_eq(licit_post_get(W, "p", 1, &p, &scratch), 0);
  licit_eval *e;
  cr_assert_eq(licit_eval_open(W, POL, T("2021-02-15T00:00:00Z"), s1, &e, &err), 0);
  const licit_text_hist *t;
  decide(e, &p, &t);
  cr_assert_eq(t->h.seq, s1);
  licit_eval_close(e);
  cr_assert_eq(licit_eval_open(W, POL, T("2021-01-15T00:00:00Z"), s1, &e, &err), 0);
  decide(e, &p, &t);
  cr_assert_eq(t->h.seq, s0);
  licit_eval_close(e);
  /* The default text is "". */
  uint64_t se = post("2021-01-01T00:00:00Z", "empty", "u", "public", "");
  expect_text("empty", "2021-06-01T00:00:00Z", "", se);
}

/* --------------------------------------------------------- considered -- */

Test(eval, considered_by_creation_time) {
  use_policy(BASE_POLICY);
  post("2021-01-01T00:00:00Z", "p", "u", "public", "");
  post("2021-06-01T00:00:00Z", "later", "u", "public", "");
  EXPECT("later", "2021-05-31T23:59:59.999999Z", NOT_CONSIDERED);
  EXPECT("later", "2021-06-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p", "2020-12-31T23:59:59Z", NOT_CONSIDERED);
}

Test(eval, maxseq_prefix) {
  use_policy(BASE_POLICY);
  account("2021-01-01T00:00:00Z", "de", "'region':'DE'");
  post("2021-01-01T00:00:00Z", "p", "de", "public", ",'text':'one'");
  post("2021-01-01T00:00:00Z", "q", "de", "public", ",'text':'two'");
  post("2021-01-01T00:00:00Z", "r", "de", "public", ",'text':'three'");
  account("2021-01-01T00:00:00Z", "us", "'region':'US'");
  post("2021-01-01T00:00:00Z", "s", "us", "public", "");
  uint64_t N = licit_txn_log_len(W);
  /* All dated before the evaluation time, all appended after N. */
  del("2021-02-01T00:00:00Z", "p");
  pref("2021-02-01T00:00:00Z", "de", "deny");
  vis("2021-02-01T00:00:00Z", "r", "private");
  account("2021-02-01T00:00:00Z", "us", "'private':true");
  adel("2021-02-01T00:00:00Z", "us");
  post("2021-01-01T00:00:00Z", "z-late", "de", "public", "");
  edit("2021-02-01T00:00:00Z", "q", "changed", "");
  const char *at = "2024-01-01T00:00:00Z";
  EXPECT_N("p", at, N, LICIT_INCLUDED);
  EXPECT_N("q", at, N, LICIT_INCLUDED);
  EXPECT_N("r", at, N, LICIT_INCLUDED);
  EXPECT_N("s", at, N, LICIT_INCLUDED);
  EXPECT_N("z-late", at, N, NOT_CONSIDERED);
  EXPECT("p", at, LICIT_R_DELETED);
  EXPECT("q", at, LICIT_R_OBJECTED);
  EXPECT("r", at, LICIT_R_NOT_PUBLIC);
  EXPECT("s", at, LICIT_R_DELETED);
  EXPECT("z-late", at, LICIT_R_OBJECTED);
  /* Step by step: each prefix adds one effect. */
  EXPECT_N("p", at, N + 1, LICIT_R_DELETED);
  EXPECT_N("q", at, N + 1, LICIT_INCLUDED);
  EXPECT_N("q", at, N + 2, LICIT_R_OBJECTED);
  EXPECT_N("r", at, N + 2, LICIT_R_OBJECTED);
  EXPECT_N("s", at, N + 3, LICIT_INCLUDED);
  EXPECT_N("s", at, N + 4, LICIT_R_NOT_PUBLIC);
  EXPECT_N("s", at, N + 5, LICIT_R_DELETED);
  EXPECT_N("z-late", at, N + 5, NOT_CONSIDERED);
  EXPECT_N("z-late", at, N + 6, LICIT_R_OBJECTED);
  /* The run over the prefix: counts and the text of q as of the prefix. */
  licit_eval *e;
  cr_assert_eq(licit_eval_open(W, POL, T(at), N, &e, &err), 0);
  licit_counts c;
  char dg[65];
  cr_assert_eq(licit_eval_run(e, NULL, NULL, &c, dg, &err), 0, "%s", err.msg);
  licit_eval_close(e);
  cr_assert_eq(c.considered, 4);
  cr_assert_eq(c.included, 4);
  /* Its digest: p one, q two, r three, s "" (bytewise id order). */
  const char *ids[] = {"p", "q", "r", "s"}, *texts[] = {"one", "two", "three", ""};
  char buf[1024];
  size_t n = 0;
  for (int i = 0; i < 4; i++) {
    uint8_t h[32];
    licit_sha256(texts[i], strlen(texts[i]), h);
    n += (size_t)sprintf(buf + n, "%s\n", ids[i]);
    licit_hex(h, 32, buf + n);
    n += 64;
    buf[n++] = '\n';
  }
  uint8_t d[32];
  char want[65];
  licit_sha256(buf, n, d);
  licit_hex(d, 32, want);
  cr_assert_str_eq(dg, want);
}

/* ---------------------------------------------------------------- run -- */

typedef struct seen {
  size_t n;
  char ids[64][64];
  int reasons[64];
} seen;

static int collect(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r, const licit_text_hist *text) {
  (void)p;
  seen *s = ctx;
  cr_assert_lt(s->n, 64);
  cr_assert_lt(id.n, 64);
  memcpy(s->ids[s->n], id.p, id.n);
  s->ids[s->n][id.n] = 0;
  s->reasons[s->n] = r;
  if (r == LICIT_INCLUDED) cr_assert_not_null(text);
  s->n++;
  return 0;
}

static int stop_at_third(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r,
                         const licit_text_hist *text) {
  (void)id, (void)p, (void)r, (void)text;
  int *n = ctx;
  return ++*n == 3 ? 42 : 0;
}

typedef struct want_doc {
  const char *id;
  const char *text;
  size_t len;
} want_doc;

static int cmp_doc(const void *a, const void *b) {
  const want_doc *x = a, *y = b;
  size_t n = strlen(x->id) < strlen(y->id) ? strlen(x->id) : strlen(y->id);
  int c = memcmp(x->id, y->id, n);
  return c ? c : (strlen(x->id) > strlen(y->id)) - (strlen(x->id) < strlen(y->id));
}

/* One post per outcome, ids chosen so that bytewise order differs from
 * case-insensitive and locale order; texts with NUL, multi-byte UTF-8 and
 * an edit. */
static void run_dataset(void) {
  use_policy(BASE_POLICY);
  account("2000-01-01T00:00:00Z", "kid", "'birth_date':'2010-01-01'");
  account("2000-01-01T00:00:00Z", "cn", "'region':'CN'");
  account("2000-01-01T00:00:00Z", "de", "'region':'DE'");
  account("2000-01-01T00:00:00Z", "br", "'region':'BR'");
  account("2000-01-01T00:00:00Z", "us", "'region':'US'");
  pref("2000-01-01T00:00:00Z", "de", "deny");
  post("2021-01-01T00:00:00Z", "b-deleted", "us", "public", "");
  del("2021-02-01T00:00:00Z", "b-deleted");
  post("2009-01-01T00:00:00Z", "c-old", "us", "public", "");
  post("2015-01-01T00:00:00Z", "d-minor", "kid", "public", "");
  post("2021-01-01T00:00:00Z", "e-cn", "cn", "public", "");
  post("2021-01-01T00:00:00Z", "f-priv", "us", "followers", "");
  post("2021-01-01T00:00:00Z", "g-sig", "us", "public", ",'signals':['noai']");
  post("2021-01-01T00:00:00Z", "h-obj", "de", "public", "");
  post("2021-01-01T00:00:00Z", "i-cons", "br", "public", "");
  post("2021-01-01T00:00:00Z", "j-men", "us", "public", ",'mentions':['de','nobody']");
  post("2021-01-01T00:00:00Z", "A", "us", "public", ",'text':'upper case'");
  post("2021-01-01T00:00:00Z", "a", "us", "public", ",'text':'nul\\u0000inside'");
  post("2021-01-01T00:00:00Z", "a\\u00e9", "us", "public", ",'text':'caf\\u00e9 \\ud83d\\ude00'");
  post("2021-01-01T00:00:00Z", "ab", "us", "public", ",'text':'first'");
  edit("2021-03-01T00:00:00Z", "ab", "second", "");
  post("2021-01-01T00:00:00Z", "Z", "us", "public", "");
  post("2030-01-01T00:00:00Z", "future", "us", "public", "");
}

Test(eval, run_counts_and_digest) {
  run_dataset();
  /* Evaluate in a read transaction, as the commands do. */
  cr_assert_eq(licit_txn_commit(W, &err), 0, "%s", err.msg);
  W = NULL;
  licit_txn *R;
  cr_assert_eq(licit_txn_begin(S, false, &R, &err), 0);
  licit_eval *e;
  cr_assert_eq(licit_eval_open(R, POL, T("2024-01-01T00:00:00Z"), licit_txn_log_len(R), &e, &err), 0);
  seen s = {0};
  licit_counts c;
  char dg[65];
  cr_assert_eq(licit_eval_run(e, collect, &s, &c, dg, &err), 0, "%s", err.msg);
  cr_assert_eq(c.considered, 14, "the future post is not considered");
  cr_assert_eq(s.n, 14);
  uint64_t sum = c.included;
  for (int r = 1; r < LICIT_R_COUNT; r++) {
    sum += c.excluded[r];
    uint64_t want_n = r == LICIT_R_NO_POLICY ? 0 : 1;
    cr_assert_eq(c.excluded[r], want_n, "%llu posts excluded as %s, got %llu", (unsigned long long)want_n,
                 licit_reason_name(r), (unsigned long long)c.excluded[r]);
  }
  cr_assert_eq(sum, c.considered);
  cr_assert_eq(c.included, 5);
  cr_assert_eq(c.excluded[0], 0);

  /* Bytewise id order, and each decision equals licit_eval_post's. */
  for (size_t i = 1; i < s.n; i++)
    cr_assert_lt(strcmp(s.ids[i - 1], s.ids[i]), 0, "%s before %s", s.ids[i - 1], s.ids[i]);
  cr_assert_str_eq(s.ids[0], "A");
  cr_assert_str_eq(s.ids[1], "Z");
  cr_assert_str_eq(s.ids[2], "a");
  cr_assert_str_eq(s.ids[3], "ab");
  cr_assert_str_eq(s.ids[4], "a\xc3\xa9");
  licit_eval *lz;
  cr_assert_eq(licit_eval_open_lazy(R, POL, T("2024-01-01T00:00:00Z"), licit_txn_log_len(R), &lz, &err), 0);
  for (size_t i = 0; i < s.n; i++) {
    licit_post_rec p;
    cr_assert_eq(licit_post_get(R, s.ids[i], strlen(s.ids[i]), &p, &scratch), 0);
    cr_assert_eq(decide(lz, &p, NULL), s.reasons[i], "%s", s.ids[i]);
  }
  licit_eval_close(lz);

  /* The digest, computed here from the expected included posts. */
  want_doc docs[] = {
      {"ab", "second", 6},
      {"a", "nul\0inside", 10},
      {"A", "upper case", 10},
      {"Z", "", 0},
      {"a\xc3\xa9", "caf\xc3\xa9 \xf0\x9f\x98\x80", 10},
  };
  size_t nd = sizeof docs / sizeof docs[0];
  qsort(docs, nd, sizeof docs[0], cmp_doc);
  char buf[2048];
  size_t n = 0;
  for (size_t i = 0; i < nd; i++) {
    uint8_t h[32];
    licit_sha256(docs[i].text, docs[i].len, h);
    size_t l = strlen(docs[i].id);
    memcpy(buf + n, docs[i].id, l);
    n += l;
    buf[n++] = '\n';
    licit_hex(h, 32, buf + n);
    n += 64;
    buf[n++] = '\n';
  }
  uint8_t d[32];
  char want[65];
  licit_sha256(buf, n, d);
  licit_hex(d, 32, want);
  cr_assert_str_eq(dg, want);
  cr_assert_eq(strlen(dg), 64);

  /* A callback's non-zero return stops the run with that value. */
  int calls = 0;
  cr_assert_eq(licit_eval_run(e, stop_at_third, &calls, &c, dg, &err), 42);
  cr_assert_eq(calls, 3);
  licit_eval_close(e);

  /* Before any post: nothing considered, the digest of nothing. */
  cr_assert_eq(licit_eval_open(R, POL, T("2000-01-01T00:00:00Z"), licit_txn_log_len(R), &e, &err), 0);
  cr_assert_eq(licit_eval_run(e, NULL, NULL, &c, dg, &err), 0);
  cr_assert_eq(c.considered, 0);
  cr_assert_eq(c.included, 0);
  licit_sha256("", 0, d);
  licit_hex(d, 32, want);
  cr_assert_str_eq(dg, want);
  licit_eval_close(e);

  /* No policy: everything not deleted is no_policy. */
  cr_assert_eq(licit_eval_open(R, NULL, T("2024-01-01T00:00:00Z"), licit_txn_log_len(R), &e, &err), 0);
  cr_assert_eq(licit_eval_run(e, NULL, NULL, &c, dg, &err), 0);
  cr_assert_eq(c.considered, 14);
  cr_assert_eq(c.excluded[LICIT_R_DELETED], 1);
  cr_assert_eq(c.excluded[LICIT_R_NO_POLICY], 13);
  cr_assert_eq(c.included, 0);
  cr_assert_str_eq(dg, want);
  licit_eval_close(e);
  licit_txn_abort(R);
  begin();
}

/* ------------------------------------------------------- lazy vs full -- */

Test(eval, lazy_equals_full) {
  run_dataset();
  /* More history, interleaving users so the lazy cache switches. */
  account("2022-01-01T00:00:00Z", "us", "'private':true");
  account("2022-02-01T00:00:00Z", "us", "'private':false");
  account("2022-03-01T00:00:00Z", "cn", "'region':'GB'");
  pref("2022-04-01T00:00:00Z", "cn", "deny");
  vis("2022-05-01T00:00:00Z", "f-priv", "public");
  account("2022-06-01T00:00:00Z", "br", "'region':'FR'");
  edit("2022-07-01T00:00:00Z", "g-sig", "x", ",'signals':[]");
  adel("2022-08-01T00:00:00Z", "de");
  pref("2021-06-01T00:00:00Z", "de", "unset");
  const char *ats[] = {"2019-06-01T00:00:00Z", "2021-01-01T00:00:00Z", "2021-06-15T00:00:00Z",
                       "2022-01-15T00:00:00Z", "2022-02-15T00:00:00Z", "2022-03-15T00:00:00Z",
                       "2022-04-15T00:00:00Z", "2022-05-15T00:00:00Z", "2022-06-15T00:00:00Z",
                       "2022-07-15T00:00:00Z", "2022-08-15T00:00:00Z", "2031-01-01T00:00:00Z"};
  uint64_t len = licit_txn_log_len(W);
  size_t compared = 0;
  for (size_t a = 0; a < sizeof ats / sizeof ats[0]; a++) {
    for (uint64_t ms = 1; ms <= len; ms++) {
      licit_eval *full, *lazy;
      cr_assert_eq(licit_eval_open(W, POL, T(ats[a]), ms, &full, &err), 0);
      cr_assert_eq(licit_eval_open_lazy(W, POL, T(ats[a]), ms, &lazy, &err), 0);
      seen s = {0};
      licit_counts c1, c2;
      char d1[65], d2[65];
      cr_assert_eq(licit_eval_run(full, collect, &s, &c1, d1, &err), 0);
      cr_assert_eq(licit_eval_run(lazy, NULL, NULL, &c2, d2, &err), 0);
      cr_assert_eq(memcmp(&c1, &c2, sizeof c1), 0, "counts at %s maxseq %llu", ats[a], (unsigned long long)ms);
      cr_assert_str_eq(d1, d2);
      /* Per post, in an order that alternates users (reverse id order). */
      for (size_t i = s.n; i-- > 0;) {
        licit_post_rec p;
        cr_assert_eq(licit_post_get(W, s.ids[i], strlen(s.ids[i]), &p, &scratch), 0);
        int r = decide(lazy, &p, NULL);
        cr_assert_eq(r, s.reasons[i], "%s at %s maxseq %llu: lazy %s, full %s", s.ids[i], ats[a],
                     (unsigned long long)ms, licit_reason_name(r), licit_reason_name(s.reasons[i]));
        compared++;
      }
      licit_eval_close(full);
      licit_eval_close(lazy);
    }
  }
  cr_assert_gt(compared, 100);
}

/* ------------------------------------------------------------ threads -- */

static uint64_t link_(const char *type, const char *ts, const char *a, const char *b) {
  return acc("{'type':'%s','ts':'%s','user':'%s','with':'%s'}", type, ts, a, b);
}

Test(eval, thread_inherits_audience) {
  use_policy(BASE_POLICY);
  post("2021-01-01T00:00:00Z", "root", "a", "public", "");
  post("2021-01-02T00:00:00Z", "c1", "b", "public", ",'parent':'root'");
  post("2021-01-03T00:00:00Z", "c2", "c", "public", ",'parent':'c1'");
  EXPECT("c2", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  vis("2021-03-01T00:00:00Z", "root", "followers");
  EXPECT("c2", "2021-02-28T00:00:00Z", LICIT_INCLUDED);
  EXPECT("c1", "2021-03-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("c2", "2021-03-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  vis("2021-04-01T00:00:00Z", "root", "public");
  EXPECT("c2", "2021-04-01T00:00:00Z", LICIT_INCLUDED);
  /* The parent's author made the account private. */
  account("2021-05-01T00:00:00Z", "b", "'private':true");
  EXPECT("c2", "2021-05-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  account("2021-06-01T00:00:00Z", "b", "'private':false");
  /* The thread's root is deleted: the comments go with it. */
  del("2021-07-01T00:00:00Z", "root");
  EXPECT("c2", "2021-07-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT("root", "2021-07-01T00:00:00Z", LICIT_R_DELETED);
  /* inherit_audience false: each post on its own. */
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z','inherit_audience':false}]}");
  EXPECT("c2", "2021-07-01T00:00:00Z", LICIT_INCLUDED);
}

Test(eval, thread_parent_arrives_later_and_prefixes) {
  use_policy(BASE_POLICY);
  uint64_t s1 = post("2021-01-02T00:00:00Z", "reply", "b", "public", ",'parent':'later'");
  EXPECT("reply", "2021-02-01T00:00:00Z", LICIT_INCLUDED); /* the parent is not there: the walk stops */
  post("2021-01-01T00:00:00Z", "later", "a", "followers", "");
  EXPECT("reply", "2021-02-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  EXPECT_N("reply", "2021-02-01T00:00:00Z", s1, LICIT_INCLUDED); /* a prefix before the parent arrived */
  /* A parent created after T does not count. */
  post("2021-03-01T00:00:00Z", "p2", "a", "followers", "");
  post("2021-01-05T00:00:00Z", "r2", "b", "public", ",'parent':'p2'");
  EXPECT("r2", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("r2", "2021-03-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
}

Test(eval, thread_loops_and_limit) {
  use_policy(BASE_POLICY);
  /* x -> y -> x: parents that arrive later can form a loop. */
  post("2021-01-01T00:00:00Z", "x", "a", "public", ",'parent':'y'");
  post("2021-01-01T00:00:00Z", "y", "a", "public", ",'parent':'x'");
  EXPECT("x", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  EXPECT("y", "2021-02-01T00:00:00Z", LICIT_INCLUDED);
  vis("2021-03-01T00:00:00Z", "y", "private");
  EXPECT("x", "2021-03-01T00:00:00Z", LICIT_R_NOT_PUBLIC);
  /* A chain of 102 posts: the root is the 101st ancestor of the last one, so
   * only 100 are looked at and the root's visibility does not count. */
  post("2021-01-01T00:00:00Z", "n0", "a", "followers", "");
  char id[16], parent[16], extra[64];
  for (int i = 1; i <= 101; i++) {
    snprintf(id, sizeof id, "n%d", i);
    snprintf(parent, sizeof parent, "n%d", i - 1);
    snprintf(extra, sizeof extra, ",'parent':'%s'", parent);
    post("2021-01-02T00:00:00Z", id, "b", "public", extra);
  }
  EXPECT("n100", "2021-02-01T00:00:00Z", LICIT_R_NOT_PUBLIC); /* n0 is its 100th ancestor */
  EXPECT("n101", "2021-02-01T00:00:00Z", LICIT_INCLUDED);     /* n0 would be the 101st */
  licit_post_rec p;
  cr_assert_eq(licit_post_get(W, "n101", 4, &p, &scratch), 0);
  licit_eval *e;
  cr_assert_eq(licit_eval_open_lazy(W, POL, T("2021-02-01T00:00:00Z"), licit_txn_log_len(W), &e, &err), 0);
  licit_trace tr;
  cr_assert_eq(licit_eval_trace(e, &p, &tr), 0);
  cr_assert_eq(tr.thread_depth, 100);
  cr_assert_eq(tr.thread_end, LICIT_THREAD_LIMIT);
  licit_eval_close(e);
}

/* ------------------------------------------------------------ persons -- */

Test(eval, person_shares_preference) {
  use_policy(BASE_POLICY);
  account("2021-01-01T00:00:00Z", "fb", "'region':'DE'");
  account("2021-01-01T00:00:00Z", "ig", "'region':'DE'");
  account("2021-01-01T00:00:00Z", "us", "'region':'US'");
  post("2021-01-02T00:00:00Z", "p-ig", "ig", "public", "");
  post("2021-01-02T00:00:00Z", "p-us", "us", "public", "");
  link_("link", "2021-02-01T00:00:00Z", "fb", "ig");
  link_("link", "2021-02-01T00:00:00Z", "ig", "us");
  uint64_t s = pref("2021-03-01T00:00:00Z", "fb", "deny");
  EXPECT("p-ig", "2021-02-28T00:00:00Z", LICIT_INCLUDED);
  EXPECT("p-ig", "2021-03-01T00:00:00Z", LICIT_R_OBJECTED); /* one objection covers the person */
  EXPECT("p-us", "2021-03-01T00:00:00Z", LICIT_INCLUDED);   /* the mode is the author's own region's */
  EXPECT_N("p-ig", "2021-03-01T00:00:00Z", s - 1, LICIT_INCLUDED);
  /* A later allow on any account replaces it. */
  pref("2021-04-01T00:00:00Z", "ig", "allow");
  EXPECT("p-ig", "2021-04-01T00:00:00Z", LICIT_INCLUDED);
  pref("2021-05-01T00:00:00Z", "us", "deny");
  EXPECT("p-ig", "2021-05-01T00:00:00Z", LICIT_R_OBJECTED); /* through ig-us, transitively */
  /* Unlinked at the same ts as a link: the later seq wins. */
  link_("unlink", "2021-06-01T00:00:00Z", "ig", "us");
  link_("link", "2021-06-01T00:00:00Z", "us", "ig");
  EXPECT("p-ig", "2021-06-01T00:00:00Z", LICIT_R_OBJECTED);
  link_("unlink", "2021-06-01T00:00:00Z", "ig", "us");
  EXPECT("p-ig", "2021-06-01T00:00:00Z", LICIT_INCLUDED); /* back to ig's own allow... */
  pref("2021-07-01T00:00:00Z", "fb", "deny");
  EXPECT("p-ig", "2021-07-01T00:00:00Z", LICIT_R_OBJECTED); /* ...until fb objects again */
  /* A deleted linked account's preference still counts. */
  adel("2021-08-01T00:00:00Z", "fb");
  EXPECT("p-ig", "2021-08-01T00:00:00Z", LICIT_R_OBJECTED);
}

/* ----------------------------------------------------------- mentions -- */

Test(eval, mentions_of_objectors) {
  use_policy(BASE_POLICY);
  account("2021-01-01T00:00:00Z", "obj", "'region':'DE'");
  account("2021-01-01T00:00:00Z", "us", "'region':'US'");
  account("2021-01-01T00:00:00Z", "alt", "'region':'US'");
  pref("2021-01-01T00:00:00Z", "obj", "deny");
  post("2021-02-01T00:00:00Z", "beach", "us", "public", ",'mentions':['ghost','obj','obj']");
  post("2021-02-01T00:00:00Z", "own", "alt", "public", ",'mentions':['obj']");
  link_("link", "2021-01-15T00:00:00Z", "alt", "obj");
  EXPECT("beach", "2021-03-01T00:00:00Z", LICIT_R_MENTIONED);
  EXPECT("own", "2021-03-01T00:00:00Z", LICIT_INCLUDED); /* the author's own person is left out */
  /* An edit that replaces the mentions, then one that clears them. */
  edit("2021-04-01T00:00:00Z", "beach", "x", ",'mentions':['us']");
  EXPECT("beach", "2021-03-31T00:00:00Z", LICIT_R_MENTIONED);
  EXPECT("beach", "2021-04-01T00:00:00Z", LICIT_INCLUDED);
  edit("2021-05-01T00:00:00Z", "beach", "y", ",'mentions':['obj']");
  edit("2021-06-01T00:00:00Z", "beach", "z", "");
  EXPECT("beach", "2021-06-01T00:00:00Z", LICIT_R_MENTIONED); /* an edit without mentions keeps them */
  edit("2021-07-01T00:00:00Z", "beach", "w", ",'mentions':[]");
  EXPECT("beach", "2021-07-01T00:00:00Z", LICIT_INCLUDED);
  /* A mentioned account that is unknown, or deleted, objects to nothing. */
  post("2021-02-01T00:00:00Z", "m2", "us", "public", ",'mentions':['ghost']");
  EXPECT("m2", "2021-03-01T00:00:00Z", LICIT_INCLUDED);
  account("2021-01-01T00:00:00Z", "gone", "'region':'FR'");
  pref("2021-01-01T00:00:00Z", "gone", "deny");
  post("2021-02-01T00:00:00Z", "m3", "us", "public", ",'mentions':['gone']");
  EXPECT("m3", "2021-03-01T00:00:00Z", LICIT_R_MENTIONED);
  adel("2021-04-01T00:00:00Z", "gone");
  EXPECT("m3", "2021-04-01T00:00:00Z", LICIT_INCLUDED);
  /* honor_mentions false (the default) ignores mentions. */
  use_policy("{'name':'t','versions':[{'id':'v1','effective':'2020-01-01T00:00:00Z','regions':{'EEA':'opt_out'}}]}");
  EXPECT("m3", "2021-03-01T00:00:00Z", LICIT_INCLUDED);
}

Test(eval, mentioned_account_is_not_known) {
  use_policy(BASE_POLICY);
  post("2021-02-01T00:00:00Z", "p", "us", "public", ",'mentions':['ghost']");
  /* Being mentioned does not make an account known: an account_delete of it
   * is "unknown user". */
  licit_event ev;
  const char *line = "{\"type\":\"account_delete\",\"ts\":\"2021-03-01T00:00:00Z\",\"user\":\"ghost\"}";
  cr_assert_eq(licit_event_parse(EP, line, strlen(line), &ev, &err), 0);
  uint64_t seq;
  cr_assert_eq(licit_rules_apply(W, &ev, &seq, &err), LICIT_ENOTFOUND);
  /* Once it acts, it is known from then on. */
  uint64_t s = account("2021-03-01T00:00:00Z", "ghost", "'region':'DE'");
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, "ghost", 5, &ord), 0);
  licit_eval *e;
  cr_assert_eq(licit_eval_open(W, POL, T("2021-04-01T00:00:00Z"), s - 1, &e, &err), 0);
  cr_assert(!facts(e, ord)->known);
  licit_eval_close(e);
  cr_assert_eq(licit_eval_open(W, POL, T("2021-04-01T00:00:00Z"), s, &e, &err), 0);
  cr_assert(facts(e, ord)->known);
  licit_eval_close(e);
}

/* The evaluation's large arrays (core/bigmem.h): zeroed below and above the
 * size where they become their own huge-page mapping, writable to the last
 * byte, and an overflowing size is refused, not wrapped. */
Test(eval, big_arrays) {
  size_t sizes[] = {1, 1000, ((size_t)2 << 20) - 64, (size_t)2 << 20, ((size_t)5 << 20) + 3};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    unsigned char *p = licit_big_calloc(sizes[i], 1);
    cr_assert_not_null(p, "%zu bytes", sizes[i]);
    cr_assert_eq((uintptr_t)p % 64, 0, "64-byte aligned");
    for (size_t k = 0; k < sizes[i]; k += 4093) cr_assert_eq(p[k], 0, "zeroed at %zu of %zu", k, sizes[i]);
    cr_assert_eq(p[sizes[i] - 1], 0);
    memset(p, 0xA5, sizes[i]);
    licit_big_free(p);
  }
  cr_assert_null(licit_big_calloc(SIZE_MAX / 2, 4));
  cr_assert_null(licit_big_calloc(SIZE_MAX / 8, 8));
  licit_big_free(NULL);
}
