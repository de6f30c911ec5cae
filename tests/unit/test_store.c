/*
 * test_store.c — the store: applying events (every state-dependent rule of
 * SPEC section 2), the log, duplicate ids, as-of lookups, indexes, counters,
 * the pseudonym key, and what commit, abort and reopening keep.
 *
 * Each test gets a fresh store in its own mkdtemp directory.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/hash.h"
#include "event/event.h"
#include "store/store.h"
#include "ingest/rules.h"

static char dir[64];
static licit_store *S;
static licit_txn *W; /* the open write transaction */
static licit_event_parser *EP;
static licit_err err;
static licit_buf scratch = LICIT_BUF_INIT;
static uint64_t last_seq;

static void open_store(void) {
  int rc = licit_store_open(dir, false, &S, &err);
  cr_assert_eq(rc, 0, "open %s: %s", dir, err.msg);
}

static void begin(void) { cr_assert_eq(licit_txn_begin(S, true, &W, &err), 0, "%s", err.msg); }

static void commit(void) {
  cr_assert_eq(licit_txn_commit(W, &err), 0, "%s", err.msg);
  W = NULL;
}

static void reopen(void) {
  if (W) commit();
  licit_store_close(S);
  open_store();
  begin();
}

static void setup(void) {
  strcpy(dir, "/tmp/licit-test-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  open_store();
  cr_assert_eq(licit_event_parser_create(&EP), 0);
  begin();
}

static void rm_store(const char *d) {
  char cmd[160]; /* the whole directory: the store holds log.dat too */
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void teardown(void) {
  licit_txn_abort(W);
  W = NULL;
  licit_store_close(S);
  S = NULL;
  licit_event_parser_destroy(EP);
  licit_buf_free(&scratch);
  rm_store(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

/* Parses one JSON line (which must be valid) and applies it in W. */
static int apply(const char *fmt, ...) {
  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  licit_event ev;
  int rc = licit_event_parse(EP, line, strlen(line), &ev, &err);
  cr_assert_eq(rc, 0, "test line must parse: %s\n%s", err.msg, line);
  memset(&err, 0, sizeof err);
  uint64_t seq = 0;
  rc = licit_rules_apply(W, &ev, &seq, &err);
  if (rc == 0) last_seq = seq;
  return rc;
}

#define ACC(...)                                                                   \
  do {                                                                             \
    uint64_t before_ = licit_txn_log_len(W);                                       \
    int rc_ = apply(__VA_ARGS__);                                                  \
    cr_assert_eq(rc_, 0, "expected accepted, got %d: %s", rc_, err.msg);           \
    cr_assert_eq(last_seq, before_ + 1);                                           \
    cr_assert_eq(licit_txn_log_len(W), before_ + 1);                               \
  } while (0)

/* Rejected with `code`: LICIT_EREJECT, or LICIT_ENOTFOUND for the rules
 * "unknown post" and "unknown user" (store.h: adapters may skip those). */
#define REJ_CODE(code, needle, ...)                                                \
  do {                                                                             \
    uint64_t before_ = licit_txn_log_len(W);                                       \
    uint64_t posts_ = licit_txn_n_posts(W), users_ = licit_txn_n_users(W);         \
    int rc_ = apply(__VA_ARGS__);                                                  \
    cr_assert_eq(rc_, code, "expected rejected (%d), got %d: %s", code, rc_, err.msg); \
    cr_assert(strstr(err.msg, needle) != NULL, "message \"%s\" should say \"%s\"", err.msg, needle); \
    cr_assert_eq(licit_txn_log_len(W), before_, "a rejected event is not logged"); \
    cr_assert_eq(licit_txn_n_posts(W), posts_);                                    \
    cr_assert_eq(licit_txn_n_users(W), users_);                                    \
  } while (0)
#define REJ(needle, ...) REJ_CODE(LICIT_EREJECT, needle, __VA_ARGS__)
#define UNKNOWN(needle, ...) REJ_CODE(LICIT_ENOTFOUND, needle, __VA_ARGS__)

#define POST(ts, post, user) \
  "{\"type\":\"post\",\"ts\":\"" ts "\",\"post\":\"" post "\",\"user\":\"" user "\",\"visibility\":\"public\"}"

static int64_t T(const char *s) {
  int64_t us;
  cr_assert_eq(licit_time_parse(s, strlen(s), &us, NULL), 0);
  return us;
}

static licit_post_rec get_post(const char *id) {
  licit_post_rec r;
  int rc = licit_post_get(W, id, strlen(id), &r, &scratch);
  cr_assert_eq(rc, 0, "post %s: %d", id, rc);
  return r;
}

static licit_user_rec get_user(const char *id, licit_buf *buf) {
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, id, strlen(id), &ord), 0, "user %s", id);
  licit_user_rec u;
  cr_assert_eq(licit_user_get(W, ord, &u, buf), 0);
  cr_assert_eq(u.ord, ord);
  cr_assert_eq(u.id_len, strlen(id));
  cr_assert_eq(memcmp(u.id, id, u.id_len), 0);
  return u;
}

/* --------------------------------------------------------------- log -- */

Test(store, seq_assignment_and_log) {
  cr_assert_eq(licit_txn_log_len(W), 0);
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  cr_assert_eq(last_seq, 1);
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u1\",\"region\":\"DE\"}");
  cr_assert_eq(last_seq, 2);
  UNKNOWN("unknown post", "{\"type\":\"delete\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"nope\"}");
  ACC("{\"type\":\"delete\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p1\",\"id\":\"d1\"}");
  cr_assert_eq(last_seq, 3, "a rejected event does not use up a seq");
  licit_event ev;
  cr_assert_eq(licit_log_get(W, 1, &ev, NULL, 0), 0);
  cr_assert_eq(ev.type, LICIT_EV_POST);
  cr_assert(ev.post.n == 2 && memcmp(ev.post.p, "p1", 2) == 0);
  cr_assert_eq(ev.ts, T("2024-01-02T00:00:00Z"));
  cr_assert_eq(licit_log_get(W, 3, &ev, NULL, 0), 0);
  cr_assert_eq(ev.type, LICIT_EV_DELETE);
  cr_assert(ev.id.n == 2 && memcmp(ev.id.p, "d1", 2) == 0);
  cr_assert_eq(licit_log_get(W, 4, &ev, NULL, 0), LICIT_ENOTFOUND);
  cr_assert_eq(licit_log_get(W, 0, &ev, NULL, 0), LICIT_ENOTFOUND);
}

Test(store, apply_needs_a_write_transaction) {
  commit();
  licit_txn *r;
  cr_assert_eq(licit_txn_begin(S, false, &r, &err), 0);
  licit_event ev;
  const char *line = POST("2024-01-02T00:00:00Z", "p1", "u1");
  cr_assert_eq(licit_event_parse(EP, line, strlen(line), &ev, &err), 0);
  uint64_t seq = 99;
  cr_assert_eq(licit_rules_apply(r, &ev, &seq, &err), LICIT_EUSAGE);
  cr_assert_eq(seq, 99);
  licit_txn_abort(r);
  begin();
}

/* -------------------------------------------------------- duplicates -- */

/* With `filter`, the ingest's filter of post ids is on and posts are held
 * back (src/store/pending.c): the answers must not change. */
static void duplicate_ids_body(bool filter) {
  if (filter) cr_assert_eq(licit_store_filter_posts(W, 1000), 0);
  ACC("{\"type\":\"post\",\"id\":\"e1\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\","
      "\"visibility\":\"public\"}");
  uint64_t n = licit_txn_log_len(W);
  /* Same id, different content that would otherwise be accepted. */
  int rc = apply("{\"type\":\"post\",\"id\":\"e1\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p2\",\"user\":\"u2\","
                 "\"visibility\":\"public\"}");
  cr_assert_eq(rc, LICIT_EDUPLICATE);
  cr_assert(strstr(err.msg, "1") != NULL, "names the original event: %s", err.msg);
  cr_assert_eq(licit_txn_log_len(W), n);
  licit_post_rec r;
  cr_assert_eq(licit_post_get(W, "p2", 2, &r, &scratch), LICIT_ENOTFOUND, "a duplicate is not applied");
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, "u2", 2, &ord), LICIT_ENOTFOUND);
  /* Same id on an event that would be rejected: still a duplicate. */
  rc = apply("{\"type\":\"delete\",\"id\":\"e1\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"nope\"}");
  cr_assert_eq(rc, LICIT_EDUPLICATE);
  /* The id of a rejected event is not remembered. */
  UNKNOWN("unknown post", "{\"type\":\"delete\",\"id\":\"r1\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"nope\"}");
  ACC("{\"type\":\"delete\",\"id\":\"r1\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p1\"}");
  /* Ids survive a commit (the filter stays: the next transaction follows
   * this one) and a reopen. */
  commit();
  begin();
  rc = apply("{\"type\":\"account\",\"id\":\"e1\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"u9\"}");
  cr_assert_eq(rc, LICIT_EDUPLICATE);
  REJ("already exists", "{\"type\":\"post\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p1\",\"user\":\"u3\",\"visibility\":\"public\"}");
  reopen();
  if (filter) cr_assert_eq(licit_store_filter_posts(W, 1000), 0);
  rc = apply("{\"type\":\"account\",\"id\":\"r1\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"u9\"}");
  cr_assert_eq(rc, LICIT_EDUPLICATE);
  rc = apply("{\"type\":\"account\",\"id\":\"e1\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"u9\"}");
  cr_assert_eq(rc, LICIT_EDUPLICATE);
  /* Events without id are never duplicates. */
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"u9\"}");
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"u9\"}");
}

Test(store, duplicate_ids) { duplicate_ids_body(false); }
Test(store, duplicate_ids_with_posts_filter) { duplicate_ids_body(true); }

/* Event ids are keyed by their trailing number (format 6, licit__id_key):
 * ids that differ only in leading zeros, in where the number starts or in
 * a number longer than the key keeps whole are still different ids, and
 * each is a duplicate only of itself, before and after a commit. */
Test(store, event_ids_with_numbers_stay_apart) {
  static const char *const ids[] = {
      "e-1", "e-01", "e-001", "e-10", "e1", "e-1-1", "1", "01", "10", "x", "e-9", "e-09",
      "e-123456789012345678901234", "e-023456789012345678901234", "e-12345678901234567890", "e-2345678901234567890",
  };
  enum { N = sizeof ids / sizeof ids[0] };
  uint64_t seq[N];
  char line[256];
  for (int i = 0; i < N; i++) {
    snprintf(line, sizeof line, "{\"type\":\"account\",\"id\":\"%s\",\"ts\":\"2024-01-02T00:00:00Z\",\"user\":\"u1\"}",
             ids[i]);
    cr_assert_eq(apply(line), 0, "%s: %s", ids[i], err.msg);
    seq[i] = last_seq;
  }
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < N; i++) {
      uint64_t got = 0;
      cr_assert_eq(licit_store_event_id(W, ids[i], strlen(ids[i]), &got), 0, "%s", ids[i]);
      cr_assert_eq(got, seq[i], "%s: seq %llu, expected %llu", ids[i], (unsigned long long)got,
                   (unsigned long long)seq[i]);
      snprintf(line, sizeof line, "{\"type\":\"account\",\"id\":\"%s\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"u2\"}",
               ids[i]);
      cr_assert_eq(apply(line), LICIT_EDUPLICATE, "%s", ids[i]);
    }
    uint64_t got;
    cr_assert_eq(licit_store_event_id(W, "e-0001", 6, &got), LICIT_ENOTFOUND);
    cr_assert_eq(licit_store_event_id(W, "e-2", 3, &got), LICIT_ENOTFOUND);
    commit();
    reopen();
  }
}

/* A reply that arrives before its parent waits in the orphans table and
 * gets the parent's ordinal when the parent arrives.  With the ingest's
 * filter on, a new post asks the table only when the filter of orphan
 * parents says "maybe" (src/store/pending.c): replies waiting from before
 * the filter was built, from the same transaction, and from an earlier
 * batch must all still find their parent. */
#define REPLY(ts, post, user, parent)                                                        \
  "{\"type\":\"post\",\"ts\":\"" ts "\",\"post\":\"" post "\",\"user\":\"" user \
  "\",\"visibility\":\"public\",\"parent\":\"" parent "\"}"
Test(store, replies_before_parent_with_posts_filter) {
  ACC(REPLY("2024-01-02T00:00:00Z", "r1", "u1", "p1"));
  commit();
  begin();
  cr_assert_eq(licit_store_filter_posts(W, 1000), 0);
  ACC(REPLY("2024-01-02T00:00:00Z", "r2", "u1", "p2"));
  ACC(REPLY("2024-01-02T00:00:00Z", "r3", "u1", "p3"));
  cr_assert_eq(get_post("r1").parent, 0);
  ACC(POST("2024-01-01T00:00:00Z", "p1", "u2"));
  cr_assert_eq(get_post("r1").parent, get_post("p1").ord + 1, "waiting from before the filter");
  ACC(POST("2024-01-01T00:00:00Z", "p2", "u2"));
  cr_assert_eq(get_post("r2").parent, get_post("p2").ord + 1, "waiting from this transaction");
  commit();
  begin(); /* follows this process's commit: the filter is kept */
  ACC(POST("2024-01-01T00:00:00Z", "p3", "u2"));
  cr_assert_eq(get_post("r3").parent, get_post("p3").ord + 1, "waiting from the batch before");
  /* A post nobody replied to adopts nothing. */
  ACC(POST("2024-01-01T00:00:00Z", "p4", "u2"));
  commit();
  begin();
  cr_assert_eq(get_post("r1").parent, get_post("p1").ord + 1, "committed");
}

/* ---------------------------------------------------- post rejections -- */

Test(store, post_names_existing_post) {
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  licit_post_rec before = get_post("p1");
  REJ("already exists", POST("2024-01-05T00:00:00Z", "p1", "u1"));
  REJ("already exists", POST("2024-01-01T00:00:00Z", "p1", "u-new"));
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, "u-new", 5, &ord), LICIT_ENOTFOUND, "a rejected post creates no user");
  licit_post_rec after = get_post("p1");
  cr_assert_eq(after.created_ts, before.created_ts);
  cr_assert_eq(after.created_seq, before.created_seq);
  cr_assert_eq(after.n_vis, 1);
  /* Still rejected after the post's deletion: ids of posts are not reused. */
  ACC("{\"type\":\"delete\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p1\"}");
  REJ("already exists", POST("2024-01-09T00:00:00Z", "p1", "u1"));
}

Test(store, change_of_unknown_post) {
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  UNKNOWN("unknown post", "{\"type\":\"edit\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p2\",\"text\":\"x\"}");
  UNKNOWN("unknown post", "{\"type\":\"visibility\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"p2\",\"visibility\":\"private\"}");
  UNKNOWN("unknown post", "{\"type\":\"delete\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"P1\"}");
}

Test(store, change_before_creation) {
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  REJ("before the post's creation", "{\"type\":\"edit\",\"ts\":\"2024-01-01T23:59:59.999999Z\",\"post\":\"p1\",\"text\":\"x\"}");
  REJ("before the post's creation",
      "{\"type\":\"visibility\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p1\",\"visibility\":\"private\"}");
  REJ("before the post's creation", "{\"type\":\"delete\",\"ts\":\"2023-01-01T00:00:00Z\",\"post\":\"p1\"}");
  /* Exactly at creation is not before it. */
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"p1\",\"text\":\"x\"}");
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-01-02T01:00:00+01:00\",\"post\":\"p1\",\"visibility\":\"private\"}");
  licit_post_rec r = get_post("p1");
  cr_assert_eq(r.n_text, 2);
  cr_assert_eq(r.n_vis, 2);
}

Test(store, events_after_post_deletion) {
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  ACC("{\"type\":\"delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\"}");
  uint64_t del_seq = last_seq;
  REJ("deleted", "{\"type\":\"visibility\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\",\"visibility\":\"private\"}");
  REJ("deleted", "{\"type\":\"edit\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\",\"text\":\"x\"}");
  REJ("deleted", "{\"type\":\"edit\",\"ts\":\"2024-03-01T00:00:00Z\",\"post\":\"p1\",\"text\":\"x\"}");
  /* Before the deletion, arriving after it: accepted. */
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-01-31T23:59:59.999999Z\",\"post\":\"p1\",\"visibility\":\"private\"}");
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-15T00:00:00Z\",\"post\":\"p1\",\"text\":\"late\"}");
  licit_post_rec r = get_post("p1");
  cr_assert_eq(r.del_ts, T("2024-02-01T00:00:00Z"));
  cr_assert_eq(r.del_seq, del_seq);
  cr_assert_eq(r.n_vis, 2);
  cr_assert_eq(r.n_text, 2);
}

Test(store, second_delete_rejected) {
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  ACC("{\"type\":\"delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\"}");
  REJ("already deleted", "{\"type\":\"delete\",\"ts\":\"2024-01-15T00:00:00Z\",\"post\":\"p1\"}");
  REJ("already deleted", "{\"type\":\"delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\"}");
  REJ("already deleted", "{\"type\":\"delete\",\"ts\":\"2024-03-01T00:00:00Z\",\"post\":\"p1\"}");
  licit_post_rec r = get_post("p1");
  cr_assert_eq(r.del_ts, T("2024-02-01T00:00:00Z"), "the first deletion stands");
  cr_assert_eq(r.del_seq, 2);
}

/* ------------------------------------------------- account rejections -- */

Test(store, post_by_deleted_account) {
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u1\"}");
  ACC("{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"u1\"}");
  REJ("deleted", POST("2024-02-01T00:00:00Z", "p1", "u1"));
  REJ("deleted", POST("2024-02-01T00:00:00.000001Z", "p2", "u1"));
  REJ("deleted", POST("2025-01-01T00:00:00Z", "p3", "u1"));
  /* A post with ts before the deletion, arriving later: accepted. */
  ACC(POST("2024-01-31T23:59:59Z", "p4", "u1"));
  licit_post_rec r;
  cr_assert_eq(licit_post_get(W, "p1", 2, &r, &scratch), LICIT_ENOTFOUND);
  get_post("p4");
}

Test(store, account_events_after_deletion) {
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u1\",\"region\":\"FR\"}");
  ACC("{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"u1\"}");
  REJ("deleted", "{\"type\":\"preference\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"u1\",\"ai_training\":\"deny\"}");
  REJ("deleted", "{\"type\":\"preference\",\"ts\":\"2024-05-01T00:00:00Z\",\"user\":\"u1\",\"ai_training\":\"deny\"}");
  REJ("deleted", "{\"type\":\"account\",\"ts\":\"2024-02-02T00:00:00Z\",\"user\":\"u1\",\"region\":\"DE\"}");
  REJ("deleted", "{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"u1\"}");
  REJ("deleted", "{\"type\":\"account_delete\",\"ts\":\"2024-03-01T00:00:00Z\",\"user\":\"u1\"}");
  /* An account event with ts before the deletion, arriving after it, is
   * not "after that account's deletion". */
  ACC("{\"type\":\"preference\",\"ts\":\"2024-01-20T00:00:00Z\",\"user\":\"u1\",\"ai_training\":\"deny\"}");
  licit_buf b = LICIT_BUF_INIT;
  licit_user_rec u = get_user("u1", &b);
  cr_assert_eq(u.n_region, 1);
  cr_assert_eq(u.n_pref, 1);
  cr_assert_eq(u.n_del, 1);
  cr_assert_eq(u.del[0].ts, T("2024-02-01T00:00:00Z"));
  licit_buf_free(&b);
}

Test(store, account_delete_of_unknown_user) {
  UNKNOWN("unknown user", "{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"ghost\"}");
  uint32_t ord;
  cr_assert_eq(licit_user_ord(W, "ghost", 5, &ord), LICIT_ENOTFOUND);
  /* A user becomes known by any accepted event: a post or a preference. */
  ACC(POST("2024-01-02T00:00:00Z", "p1", "by-post"));
  ACC("{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"by-post\"}");
  ACC("{\"type\":\"preference\",\"ts\":\"2024-01-02T00:00:00Z\",\"user\":\"by-pref\",\"ai_training\":\"allow\"}");
  ACC("{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"by-pref\"}");
  cr_assert_eq(licit_txn_n_users(W), 2);
}

Test(store, post_change_after_author_deletion) {
  ACC(POST("2024-01-02T00:00:00Z", "p1", "u1"));
  ACC("{\"type\":\"account_delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"u1\"}");
  REJ("author's account", "{\"type\":\"edit\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\",\"text\":\"x\"}");
  REJ("author's account", "{\"type\":\"edit\",\"ts\":\"2024-03-01T00:00:00Z\",\"post\":\"p1\",\"text\":\"x\"}");
  REJ("author's account",
      "{\"type\":\"visibility\",\"ts\":\"2024-02-05T00:00:00Z\",\"post\":\"p1\",\"visibility\":\"private\"}");
  REJ("author's account", "{\"type\":\"delete\",\"ts\":\"2024-02-05T00:00:00Z\",\"post\":\"p1\"}");
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-20T00:00:00Z\",\"post\":\"p1\",\"text\":\"before\"}");
  ACC("{\"type\":\"delete\",\"ts\":\"2024-01-25T00:00:00Z\",\"post\":\"p1\"}");
  licit_post_rec r = get_post("p1");
  cr_assert_eq(r.n_text, 2);
  cr_assert_eq(r.del_ts, T("2024-01-25T00:00:00Z"));
}

Test(store, rejected_event_changes_nothing) {
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\",\"visibility\":\"public\","
      "\"signals\":[\"noai\"]}");
  ACC("{\"type\":\"delete\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p1\"}");
  (void)get_post("p1");
  size_t len = scratch.len;
  char *copy = malloc(len);
  memcpy(copy, scratch.data, len);
  licit_store_stats st0;
  licit_store_stats_get(W, &st0);
  REJ("deleted", "{\"type\":\"edit\",\"ts\":\"2024-02-02T00:00:00Z\",\"post\":\"p1\",\"text\":\"x\","
                 "\"signals\":[\"brand-new-signal\"]}");
  REJ("already deleted", "{\"type\":\"delete\",\"ts\":\"2024-01-10T00:00:00Z\",\"post\":\"p1\"}");
  REJ("already exists", "{\"type\":\"post\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"p1\",\"user\":\"u2\","
                        "\"visibility\":\"public\",\"signals\":[\"other-new-signal\"]}");
  (void)get_post("p1");
  cr_assert_eq(scratch.len, len);
  cr_assert_eq(memcmp(scratch.data, copy, len), 0, "the post record is unchanged byte for byte");
  licit_store_stats st1;
  licit_store_stats_get(W, &st1);
  cr_assert_eq(st1.events, st0.events);
  cr_assert_eq(st1.posts, st0.posts);
  cr_assert_eq(st1.users, st0.users);
  cr_assert_eq(st1.signals, st0.signals, "a rejected event interns no signal");
  uint32_t o;
  cr_assert_eq(licit_signal_ord(W, "brand-new-signal", 16, &o), LICIT_ENOTFOUND);
  cr_assert_eq(licit_signal_ord(W, "other-new-signal", 16, &o), LICIT_ENOTFOUND);
  free(copy);
}

/* ------------------------------------------------------------- as-of -- */

Test(store, hist_at_out_of_order_and_equal_ts) {
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\"}"); /* 1 */
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-03-01T00:00:00Z\",\"post\":\"p\",\"visibility\":\"private\"}");         /* 2 */
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p\",\"visibility\":\"unlisted\"}");        /* 3 */
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-03-01T00:00:00Z\",\"post\":\"p\",\"visibility\":\"followers\"}");       /* 4 */
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"visibility\":\"private\"}");         /* 5 */
  licit_post_rec r = get_post("p");
  cr_assert_eq(r.n_vis, 5);
  /* Sorted by (ts, seq). */
  uint64_t want_seq[] = {1, 5, 3, 2, 4};
  for (int i = 0; i < 5; i++) cr_assert_eq(r.vis[i].seq, want_seq[i], "vis[%d]", i);
  const size_t st = sizeof(licit_hist);
  const licit_hist *h;
  cr_assert_null(licit_hist_at(r.vis, r.n_vis, st, T("2023-12-31T23:59:59.999999Z"), UINT64_MAX));
  h = licit_hist_at(r.vis, r.n_vis, st, T("2024-01-01T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(h->seq, 5, "equal ts: the greatest seq wins");
  cr_assert_eq(h->val, LICIT_VIS_PRIVATE);
  h = licit_hist_at(r.vis, r.n_vis, st, T("2024-01-01T00:00:00Z"), 4);
  cr_assert_eq(h->seq, 1, "maxseq hides later arrivals");
  cr_assert_eq(h->val, LICIT_VIS_PUBLIC);
  h = licit_hist_at(r.vis, r.n_vis, st, T("2024-02-01T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(h->val, LICIT_VIS_UNLISTED, "an event exactly at T counts");
  h = licit_hist_at(r.vis, r.n_vis, st, T("2024-02-29T00:00:00Z"), 2);
  cr_assert_eq(h->val, LICIT_VIS_PUBLIC);
  h = licit_hist_at(r.vis, r.n_vis, st, T("2024-03-01T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(h->seq, 4);
  cr_assert_eq(h->val, LICIT_VIS_FOLLOWERS);
  h = licit_hist_at(r.vis, r.n_vis, st, T("2024-03-01T00:00:00Z"), 3);
  cr_assert_eq(h->seq, 2);
  h = licit_hist_at(r.vis, r.n_vis, st, INT64_MAX, 3);
  cr_assert_eq(h->seq, 2);
  cr_assert_null(licit_hist_at(r.vis, r.n_vis, st, INT64_MAX, 0));
  cr_assert_null(licit_hist_at(r.vis, 0, st, INT64_MAX, UINT64_MAX));
}

Test(store, text_and_signal_history) {
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\","
      "\"text\":\"v1\",\"signals\":[\"a\"]}"); /* 1 */
  ACC("{\"type\":\"edit\",\"ts\":\"2024-03-01T00:00:00Z\",\"post\":\"p\",\"text\":\"v3\",\"signals\":[\"b\",\"c\"]}"); /* 2 */
  ACC("{\"type\":\"edit\",\"ts\":\"2024-02-01T00:00:00Z\",\"post\":\"p\",\"text\":\"v2\"}"); /* 3: keeps signals */
  ACC("{\"type\":\"edit\",\"ts\":\"2024-04-01T00:00:00Z\",\"post\":\"p\",\"text\":\"v4\",\"signals\":[]}"); /* 4 */
  licit_post_rec r = get_post("p");
  cr_assert_eq(r.n_text, 4);
  cr_assert_eq(r.n_sig, 3, "only edits with signals add a signal entry");
  const licit_text_hist *t =
      (const licit_text_hist *)licit_hist_at(&r.text[0].h, r.n_text, sizeof(licit_text_hist),
                                             T("2024-02-15T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(t->h.seq, 3);
  uint8_t sha[32];
  licit_sha256("v2", 2, sha);
  cr_assert_eq(memcmp(t->sha, sha, 32), 0, "the text entry holds the SHA-256 of the text");
  licit_event ev;
  cr_assert_eq(licit_log_get(W, t->h.seq, &ev, NULL, 0), 0);
  cr_assert(ev.text.n == 2 && memcmp(ev.text.p, "v2", 2) == 0);
  /* Signals in force on 2024-02-15: still the post's ["a"]. */
  const licit_hist *s = licit_hist_at(r.sig, r.n_sig, sizeof(licit_hist), T("2024-02-15T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(s->seq, 1);
  cr_assert_eq(s->aux, 1);
  uint32_t a, b, c;
  cr_assert_eq(licit_signal_ord(W, "a", 1, &a), 0);
  cr_assert_eq(licit_signal_ord(W, "b", 1, &b), 0);
  cr_assert_eq(licit_signal_ord(W, "c", 1, &c), 0);
  cr_assert_eq(r.sigords[s->val], a);
  s = licit_hist_at(r.sig, r.n_sig, sizeof(licit_hist), T("2024-03-15T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(s->seq, 2);
  cr_assert_eq(s->aux, 2);
  cr_assert_eq(r.sigords[s->val], b);
  cr_assert_eq(r.sigords[s->val + 1], c);
  s = licit_hist_at(r.sig, r.n_sig, sizeof(licit_hist), T("2024-04-01T00:00:00Z"), UINT64_MAX);
  cr_assert_eq(s->seq, 4);
  cr_assert_eq(s->aux, 0, "signals [] clears them");
}

Test(store, account_attributes_history) {
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"region\":\"DE\",\"private\":false,"
      "\"birth_date\":\"2000-02-29\"}");
  ACC("{\"type\":\"account\",\"ts\":\"2024-03-01T00:00:00Z\",\"user\":\"u\",\"region\":\"\"}");
  ACC("{\"type\":\"account\",\"ts\":\"2024-02-01T00:00:00Z\",\"user\":\"u\",\"private\":true}");
  ACC("{\"type\":\"preference\",\"ts\":\"2024-05-01T00:00:00Z\",\"user\":\"u\",\"ai_training\":\"deny\"}");
  ACC("{\"type\":\"preference\",\"ts\":\"2024-04-01T00:00:00Z\",\"user\":\"u\",\"ai_training\":\"allow\"}");
  licit_buf b = LICIT_BUF_INIT;
  licit_user_rec u = get_user("u", &b);
  cr_assert_eq(u.n_region, 2, "an absent field leaves the attribute as it was");
  cr_assert_eq(u.n_private, 2);
  cr_assert_eq(u.n_birth, 1);
  cr_assert_eq(u.n_pref, 2);
  cr_assert_eq(u.n_del, 0);
  const size_t st = sizeof(licit_hist);
  cr_assert_eq(licit_hist_at(u.region, u.n_region, st, T("2024-02-01T00:00:00Z"), UINT64_MAX)->val, ('D' << 8) | 'E');
  cr_assert_eq(licit_hist_at(u.region, u.n_region, st, T("2024-03-01T00:00:00Z"), UINT64_MAX)->val, 0);
  cr_assert_eq(licit_hist_at(u.private_, u.n_private, st, T("2024-01-31T00:00:00Z"), UINT64_MAX)->val, 0);
  cr_assert_eq(licit_hist_at(u.private_, u.n_private, st, T("2024-02-01T00:00:00Z"), UINT64_MAX)->val, 1);
  cr_assert_eq(licit_hist_at(u.birth, u.n_birth, st, INT64_MAX, UINT64_MAX)->val, 11016);
  cr_assert_eq(licit_hist_at(u.pref, u.n_pref, st, T("2024-04-15T00:00:00Z"), UINT64_MAX)->val, LICIT_PREF_ALLOW);
  cr_assert_eq(licit_hist_at(u.pref, u.n_pref, st, T("2024-05-01T00:00:00Z"), UINT64_MAX)->val, LICIT_PREF_DENY);
  cr_assert_eq(licit_hist_at(u.pref, u.n_pref, st, T("2024-05-01T00:00:00Z"), 4)->val, LICIT_PREF_DENY);
  cr_assert_null(licit_hist_at(u.pref, u.n_pref, st, T("2024-03-31T00:00:00Z"), UINT64_MAX));
  licit_buf_free(&b);
}

/* ----------------------------------------------------------- indexes -- */

Test(store, user_posts_index) {
  ACC(POST("2024-01-01T00:00:00Z", "a1", "alice"));
  ACC(POST("2024-01-01T00:00:00Z", "b1", "bob"));
  ACC(POST("2024-01-01T00:00:00Z", "a2", "alice"));
  ACC(POST("2024-01-01T00:00:00Z", "a3", "alice"));
  REJ("already exists", POST("2024-01-01T00:00:00Z", "b1", "alice"));
  licit_buf b = LICIT_BUF_INIT;
  licit_user_rec alice = get_user("alice", &b);
  uint32_t *ords = NULL;
  size_t n = 0;
  cr_assert_eq(licit_user_posts(W, alice.ord, &ords, &n), 0);
  cr_assert_eq(n, 3);
  const char *want[] = {"a1", "a2", "a3"};
  for (size_t i = 0; i < n; i++) {
    if (i) cr_assert_lt(ords[i - 1], ords[i], "ascending");
    licit_strv id;
    cr_assert_eq(licit_post_id(W, ords[i], &id), 0);
    cr_assert(id.n == 2 && memcmp(id.p, want[i], 2) == 0);
    licit_post_rec r = get_post(want[i]);
    cr_assert_eq(r.ord, ords[i]);
    cr_assert_eq(r.user, alice.ord);
  }
  free(ords);
  licit_user_rec bob = get_user("bob", &b);
  cr_assert_eq(licit_user_posts(W, bob.ord, &ords, &n), 0);
  cr_assert_eq(n, 1);
  free(ords);
  /* A user without posts has an empty list. */
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"carol\"}");
  licit_user_rec carol = get_user("carol", &b);
  ords = NULL;
  cr_assert_eq(licit_user_posts(W, carol.ord, &ords, &n), 0);
  cr_assert_eq(n, 0);
  free(ords);
  licit_buf_free(&b);
}

/* The account -> posts indexes are put in sorted runs at the commit (or
 * before the write transaction reads them): the same lists as put one by
 * one, also for a mention an edit adds to an older post (not the greatest
 * ordinal), a mention repeated, and lists that span commits. */
static void want_ords(licit_txn *t, bool mentions, const char *user, const char *const *posts, size_t n) {
  licit_buf b = LICIT_BUF_INIT;
  uint32_t ord;
  cr_assert_eq(licit_user_ord(t, user, strlen(user), &ord), 0, "%s", user);
  uint32_t *ords = NULL;
  size_t got = 0;
  cr_assert_eq(mentions ? licit_user_mentioned_in(t, ord, &ords, &got) : licit_user_posts(t, ord, &ords, &got), 0);
  cr_assert_eq(got, n, "%s: %zu entries, want %zu", user, got, n);
  for (size_t i = 0; i < n; i++) {
    licit_post_rec r;
    cr_assert_eq(licit_post_get(t, posts[i], strlen(posts[i]), &r, &b), 0);
    cr_assert_eq(ords[i], r.ord, "%s: entry %zu is not %s", user, i, posts[i]);
  }
  free(ords);
  licit_buf_free(&b);
}

Test(store, user_indexes_across_commits_and_edits) {
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"a1\",\"user\":\"alice\","
      "\"visibility\":\"public\",\"mentions\":[\"bob\",\"bob\"]}");
  ACC(POST("2024-01-01T00:00:00Z", "c1", "carol"));
  commit();
  begin();
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"c2\",\"user\":\"carol\","
      "\"visibility\":\"public\",\"mentions\":[\"bob\"]}");
  ACC(POST("2024-01-02T00:00:00Z", "a2", "alice"));
  /* An edit of the older post names bob again and dave for the first time. */
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"a1\",\"text\":\"hi\","
      "\"mentions\":[\"dave\",\"bob\"]}");
  const char *bob[] = {"a1", "c2"}, *dave[] = {"a1"}, *alice[] = {"a1", "a2"}, *carol[] = {"c1", "c2"};
  /* Read inside the write transaction. */
  want_ords(W, true, "bob", bob, 2);
  want_ords(W, true, "dave", dave, 1);
  want_ords(W, false, "alice", alice, 2);
  ACC(POST("2024-01-04T00:00:00Z", "a3", "alice"));
  commit();
  licit_txn *r;
  cr_assert_eq(licit_txn_begin(S, false, &r, &err), 0);
  const char *alice3[] = {"a1", "a2", "a3"};
  want_ords(r, true, "bob", bob, 2);
  want_ords(r, true, "dave", dave, 1);
  want_ords(r, false, "alice", alice3, 3);
  want_ords(r, false, "carol", carol, 2);
  /* What a report reads, counted without reading it (licit_user_weight,
   * which decides whether GET /v1/me runs on a thread of its own): own
   * posts plus the posts that ever mentioned the account. */
  const char *who[] = {"alice", "bob", "carol", "dave"};
  const size_t weight[] = {3 + 0, 0 + 2, 2 + 0, 0 + 1};
  for (int i = 0; i < 4; i++) {
    uint32_t o;
    size_t n = 99;
    cr_assert_eq(licit_user_ord(r, who[i], strlen(who[i]), &o), 0);
    cr_assert_eq(licit_user_weight(r, o, &n), 0);
    cr_assert_eq(n, weight[i], "%s: weight %zu, want %zu", who[i], n, weight[i]);
  }
  licit_txn_abort(r);
  /* An aborted batch leaves nothing behind. */
  begin();
  ACC(POST("2024-01-05T00:00:00Z", "a4", "alice"));
  licit_txn_abort(W);
  begin();
  want_ords(W, false, "alice", alice3, 3);
}

Test(store, post_iteration_is_bytewise) {
  const char *arrival[] = {"\xc3\xa9", "ab", "B", "aa", "a", "a b", "~"};
  for (int i = 0; i < 7; i++)
    ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"%s\",\"user\":\"u\",\"visibility\":\"public\"}",
        arrival[i]);
  reopen();
  const char *want[] = {"B", "a", "a b", "aa", "ab", "~", "\xc3\xa9"};
  licit_post_iter *it;
  cr_assert_eq(licit_post_iter_open(W, &it), 0);
  licit_strv id;
  licit_post_rec r;
  int i = 0, rc;
  while ((rc = licit_post_iter_next(it, &id, &r, &scratch)) == 1) {
    cr_assert_lt(i, 7);
    cr_assert(id.n == strlen(want[i]) && memcmp(id.p, want[i], id.n) == 0, "position %d: got %.*s", i,
              (int)id.n, id.p);
    licit_strv back;
    cr_assert_eq(licit_post_id(W, r.ord, &back), 0);
    cr_assert(back.n == id.n && memcmp(back.p, id.p, id.n) == 0);
    i++;
  }
  cr_assert_eq(rc, 0);
  cr_assert_eq(i, 7);
  cr_assert_eq(licit_post_iter_next(it, &id, &r, &scratch), 0, "stays at the end");
  licit_post_iter_close(it);
}

Test(store, empty_iteration) {
  licit_post_iter *it;
  cr_assert_eq(licit_post_iter_open(W, &it), 0);
  licit_strv id;
  licit_post_rec r;
  cr_assert_eq(licit_post_iter_next(it, &id, &r, &scratch), 0);
  licit_post_iter_close(it);
  licit_post_iter_close(NULL);
}

/* ---------------------------------------------------- counters, keys -- */

Test(store, stats_counters) {
  licit_store_stats st;
  cr_assert_eq(licit_store_stats_get(W, &st), 0);
  cr_assert_eq(st.events + st.posts + st.users + st.signals + st.snapshots + st.policies, 0);
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\",\"visibility\":\"public\","
      "\"signals\":[\"noai\",\"x\"]}");
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p2\",\"user\":\"u2\",\"visibility\":\"public\","
      "\"signals\":[\"noai\"]}");
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"p2\",\"text\":\"t\",\"signals\":[\"y\",\"x\"]}");
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u3\"}");
  ACC("{\"type\":\"preference\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u1\",\"ai_training\":\"deny\"}");
  UNKNOWN("unknown post", "{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"zz\"}");
  cr_assert_eq(licit_store_stats_get(W, &st), 0);
  cr_assert_eq(st.events, 5);
  cr_assert_eq(st.posts, 2);
  cr_assert_eq(st.users, 3);
  cr_assert_eq(st.signals, 3);
  cr_assert_eq(st.policies, 0);
  cr_assert_eq(licit_txn_n_posts(W), 2);
  cr_assert_eq(licit_txn_n_users(W), 3);
  reopen();
  cr_assert_eq(licit_store_stats_get(W, &st), 0);
  cr_assert_eq(st.events, 5, "counters persist");
  cr_assert_eq(st.posts, 2);
  cr_assert_eq(st.users, 3);
  cr_assert_eq(st.signals, 3);
  cr_assert_gt(st.bytes_on_disk, 0);
  cr_assert_gt(st.bytes_used, 0);
}

Test(store, long_and_empty_signal_tokens) {
  char tok[300];
  memset(tok, 'k', 256);
  tok[256] = 0;
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\",\"visibility\":\"public\","
      "\"signals\":[\"%s\",\"x\"]}",
      tok);
  tok[0] = 'j'; /* a different long token gets a different ordinal */
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p2\",\"user\":\"u1\",\"visibility\":\"public\","
      "\"signals\":[\"%s\",\"x\"]}",
      tok);
  licit_post_rec r1 = get_post("p1");
  uint32_t a0 = r1.sigords[0], a1 = r1.sigords[1];
  licit_post_rec r2 = get_post("p2");
  cr_assert_neq(r2.sigords[0], a0);
  cr_assert_eq(r2.sigords[1], a1, "a token has one ordinal");
  cr_assert_neq(a0, a1);
  licit_store_stats st;
  licit_store_stats_get(W, &st);
  cr_assert_eq(st.signals, 3);
}

Test(store, pseudonym_key_stable) {
  const uint8_t *k;
  cr_assert_eq(licit_txn_pseudonym_key(W, &k), 0);
  uint8_t first[32];
  memcpy(first, k, 32);
  int nonzero = 0;
  for (int i = 0; i < 32; i++) nonzero |= first[i];
  cr_assert(nonzero, "the key is random, not zeros");
  reopen();
  cr_assert_eq(licit_txn_pseudonym_key(W, &k), 0);
  cr_assert_eq(memcmp(first, k, 32), 0, "the key survives reopening");
  /* A read-only open sees the same key. */
  commit();
  licit_store_close(S);
  cr_assert_eq(licit_store_open(dir, true, &S, &err), 0, "%s", err.msg);
  licit_txn *r;
  cr_assert_eq(licit_txn_begin(S, false, &r, &err), 0);
  cr_assert_eq(licit_txn_pseudonym_key(r, &k), 0);
  cr_assert_eq(memcmp(first, k, 32), 0);
  licit_txn_abort(r);
  /* Another store has another key. */
  char dir2[64] = "/tmp/licit-test-XXXXXX";
  cr_assert_not_null(mkdtemp(dir2));
  licit_store *s2;
  cr_assert_eq(licit_store_open(dir2, false, &s2, &err), 0);
  cr_assert_eq(licit_txn_begin(s2, false, &r, &err), 0);
  cr_assert_eq(licit_txn_pseudonym_key(r, &k), 0);
  cr_assert_neq(memcmp(first, k, 32), 0);
  licit_txn_abort(r);
  licit_store_close(s2);
  rm_store(dir2);
}

/* ------------------------------------------------ commit, abort, open -- */

Test(store, aborted_txn_leaves_nothing) {
  ACC(POST("2024-01-01T00:00:00Z", "keep", "u0"));
  commit();
  begin();
  ACC("{\"type\":\"post\",\"id\":\"x1\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\","
      "\"visibility\":\"public\",\"signals\":[\"s\"]}");
  ACC("{\"type\":\"visibility\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"keep\",\"visibility\":\"private\"}");
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u2\"}");
  licit_txn_abort(W);
  W = NULL;
  begin();
  cr_assert_eq(licit_txn_log_len(W), 1);
  cr_assert_eq(licit_txn_n_posts(W), 1);
  cr_assert_eq(licit_txn_n_users(W), 1);
  licit_post_rec r;
  cr_assert_eq(licit_post_get(W, "p1", 2, &r, &scratch), LICIT_ENOTFOUND);
  r = get_post("keep");
  cr_assert_eq(r.n_vis, 1);
  uint32_t o;
  cr_assert_eq(licit_user_ord(W, "u1", 2, &o), LICIT_ENOTFOUND);
  cr_assert_eq(licit_signal_ord(W, "s", 1, &o), LICIT_ENOTFOUND);
  licit_event ev;
  cr_assert_eq(licit_log_get(W, 2, &ev, NULL, 0), LICIT_ENOTFOUND);
  /* The aborted id is free again, and seq 2 is reused. */
  ACC("{\"type\":\"account\",\"id\":\"x1\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u2\"}");
  cr_assert_eq(last_seq, 2);
}

Test(store, reopen_keeps_everything) {
  ACC("{\"type\":\"post\",\"id\":\"e1\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\","
      "\"visibility\":\"followers\",\"text\":\"a\\u0000b\",\"signals\":[\"noai\"]}");
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u1\",\"region\":\"SE\"}");
  reopen();
  cr_assert_eq(licit_txn_log_len(W), 2);
  licit_post_rec r = get_post("p1");
  cr_assert_eq(r.vis[0].val, LICIT_VIS_FOLLOWERS);
  cr_assert_eq(r.created_seq, 1);
  cr_assert_eq(r.del_ts, LICIT_TIME_NONE);
  cr_assert_eq(r.del_seq, 0);
  licit_event ev;
  licit_strv sig[4];
  cr_assert_eq(licit_log_get(W, 1, &ev, sig, 4), 0);
  cr_assert_eq(ev.text.n, 3);
  cr_assert_eq(memcmp(ev.text.p, "a\0b", 3), 0);
  cr_assert_eq(ev.n_signals, 1);
  cr_assert(sig[0].n == 4 && memcmp(sig[0].p, "noai", 4) == 0);
  /* Rules keep working across the reopen. */
  REJ("already exists", POST("2024-01-05T00:00:00Z", "p1", "u1"));
  ACC(POST("2024-01-05T00:00:00Z", "p2", "u1"));
  cr_assert_eq(last_seq, 3);
}

Test(store, open_errors) {
  licit_store *s2;
  cr_assert_neq(licit_store_open("/tmp/licit-test-does-not-exist-xyz", true, &s2, &err), 0,
                "read-only opening never creates");
  char path[128];
  snprintf(path, sizeof path, "%s/file", dir);
  FILE *f = fopen(path, "w");
  fputs("x", f);
  fclose(f);
  cr_assert_eq(licit_store_open(path, false, &s2, &err), LICIT_EIO);
  unlink(path);
  cr_assert_str_eq(licit_store_dir(S), dir);
}

Test(store, policy_put_get) {
  licit_strv j;
  cr_assert_eq(licit_store_policy_get(W, &j), LICIT_ENOPOLICY);
  cr_assert_eq(licit_store_policy_put(W, "{\"name\":\"a\"}", 12), 0);
  cr_assert_eq(licit_store_policy_put(W, "{\"name\":\"bb\"}", 13), 0);
  reopen();
  cr_assert_eq(licit_store_policy_get(W, &j), 0);
  cr_assert(j.n == 13 && memcmp(j.p, "{\"name\":\"bb\"}", 13) == 0, "the last one installed is current");
  licit_store_stats st;
  licit_store_stats_get(W, &st);
  cr_assert_eq(st.policies, 2);
}

Test(store, readers_see_last_commit) {
  ACC(POST("2024-01-01T00:00:00Z", "p1", "u1"));
  commit();
  begin();
  ACC(POST("2024-01-01T00:00:00Z", "p2", "u1"));
  /* A reader started now sees the committed state only. */
  licit_txn *r;
  cr_assert_eq(licit_txn_begin(S, false, &r, &err), 0);
  cr_assert_eq(licit_txn_log_len(r), 1);
  licit_post_rec rec;
  cr_assert_eq(licit_post_get(r, "p2", 2, &rec, &scratch), LICIT_ENOTFOUND);
  cr_assert_eq(licit_post_get(r, "p1", 2, &rec, &scratch), 0);
  licit_txn_abort(r);
}

Test(store, hist_at_synthetic_strides) {
  licit_text_hist th[4] = {
      {{10, 1, 0, 0}, {1}}, {{20, 3, 0, 0}, {2}}, {{20, 7, 0, 0}, {3}}, {{30, 2, 0, 0}, {4}}};
  const size_t st = sizeof(licit_text_hist);
  cr_assert_null(licit_hist_at(&th[0].h, 4, st, 9, UINT64_MAX));
  cr_assert_eq(((const licit_text_hist *)licit_hist_at(&th[0].h, 4, st, 20, UINT64_MAX))->sha[0], 3);
  cr_assert_eq(((const licit_text_hist *)licit_hist_at(&th[0].h, 4, st, 20, 6))->sha[0], 2);
  cr_assert_eq(((const licit_text_hist *)licit_hist_at(&th[0].h, 4, st, 29, 2))->sha[0], 1);
  cr_assert_eq(((const licit_text_hist *)licit_hist_at(&th[0].h, 4, st, 30, UINT64_MAX))->sha[0], 4);
  cr_assert_eq(((const licit_text_hist *)licit_hist_at(&th[0].h, 4, st, 30, 1))->sha[0], 1);
}

/* The ingest warms the pages a batch will write next (licit_store_warm) from
 * where the write transaction takes new pages.  LMDB has no call for that
 * place; the store reads it from LMDB's transaction after checking it
 * against the public calls.  On the LMDB this project builds with, it must
 * be found (0 would silently turn the warming back into an estimate), start
 * at the last commit's end, and move as the transaction grows the file. */
Test(store, write_end_follows_the_transaction) {
  commit();
  begin();
  uint64_t used = licit_store_used_bytes(S);
  uint64_t at = licit_txn_write_end(W);
  cr_assert_neq(at, 0, "LMDB's transaction layout was not recognised");
  cr_assert_eq(at, used, "a new transaction starts at the last commit's end");
  char id[64], user[32];
  for (int i = 0; i < 3000; i++) {
    snprintf(id, sizeof id, "post-%d-with-a-longer-id-%d", i * 7919 % 3001, i);
    snprintf(user, sizeof user, "u%d", i % 50);
    ACC("{\"id\":\"e%d\",\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"%s\",\"user\":\"%s\","
        "\"visibility\":\"public\",\"text\":\"some text for the page %d\"}",
        i, id, user, i);
  }
  uint64_t grown = licit_txn_write_end(W);
  cr_assert_gt(grown, at, "3000 posts take new pages");
  commit();
  /* The commit may take a few more pages (the free list). */
  cr_assert_geq(licit_store_used_bytes(S), grown, "the commit ends where the transaction wrote or beyond");
  begin();
}

/* The ingest's filter of post ids and the posts a transaction holds back
 * (src/store/pending.c).  Held-back posts are seen by look-ups and by an
 * iteration inside the transaction, survive checkpoints and the commit;
 * a post id stays unique; and a commit by another process in between makes
 * the filter go, so that its posts are still found. */
static size_t count_posts(licit_txn *t) {
  licit_post_iter *it;
  cr_assert_eq(licit_post_iter_open(t, &it), 0);
  licit_strv id;
  licit_post_rec r;
  size_t n = 0;
  int rc;
  while ((rc = licit_post_iter_next(it, &id, &r, &scratch)) == 1) n++;
  cr_assert_eq(rc, 0);
  licit_post_iter_close(it);
  return n;
}

/* Another process opens the store and commits one event (`line`): a
 * second writer between two of this process's transactions. */
static void other_writer(const char *line) {
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    licit_store *s2;
    licit_txn *t2;
    licit_err e2;
    if (licit_store_open(dir, false, &s2, &e2) || licit_txn_begin(s2, true, &t2, &e2)) _exit(2);
    licit_event ev;
    uint64_t seq;
    if (licit_event_parse(EP, line, strlen(line), &ev, &e2) || licit_rules_apply(t2, &ev, &seq, &e2) ||
        licit_txn_commit(t2, &e2))
      _exit(3);
    _exit(0);
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the other writer failed (%d)", st);
}

/* Warming the pages ahead of the writer, both ways (through the map into
 * large folios, with readahead into small ones), including pages the
 * writer then takes, changes nothing in what the store holds. */
Test(store, warming_changes_nothing) {
  commit();
  begin();
  uint64_t used = licit_store_used_bytes(S);
  cr_assert_gt(used, 0);
  licit_store_warm(S, 0, used + ((uint64_t)8 << 20), true);
  licit_store_warm(S, used / 2, used + ((uint64_t)16 << 20), false);
  char id[32];
  for (int i = 0; i < 3000; i++) {
    snprintf(id, sizeof id, "w%d", (i * 7919) % 3000);
    ACC("{\"type\":\"post\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"%s\",\"user\":\"u%d\",\"visibility\":\"public\"}", id, i % 31);
    if (i == 1500) licit_store_warm(S, licit_txn_write_end(W), licit_txn_write_end(W) + ((uint64_t)4 << 20), true);
  }
  commit();
  begin();
  cr_assert_eq(count_posts(W), 3000);
  cr_assert_eq(get_post("w2999").n_vis, 1, "each post as written");
}

Test(store, posts_filter_and_held_back_posts) {
  ACC(POST("2024-01-01T00:00:00Z", "old1", "alice"));
  commit();
  begin();
  cr_assert_eq(licit_store_filter_posts(W, 100000), 0);
  char id[32];
  for (int i = 0; i < 70000; i++) { /* more than one checkpoint's worth */
    snprintf(id, sizeof id, "n%d", (i * 7919) % 70000);
    ACC("{\"type\":\"post\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"%s\",\"user\":\"u%d\",\"visibility\":\"public\"}", id, i % 97);
  }
  REJ("already exists", POST("2024-01-03T00:00:00Z", "n5", "bob"));
  REJ("already exists", POST("2024-01-03T00:00:00Z", "old1", "bob"));
  /* An edit of a held-back post and of a stored one, then both read back. */
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-04T00:00:00Z\",\"post\":\"n69999\",\"text\":\"v2\"}");
  ACC("{\"type\":\"edit\",\"ts\":\"2024-01-04T00:00:00Z\",\"post\":\"old1\",\"text\":\"v2\"}");
  cr_assert_eq(get_post("n69999").n_text, 2);
  cr_assert_eq(get_post("old1").n_text, 2);
  cr_assert_eq(count_posts(W), 70001, "an iteration in the transaction sees every post");
  ACC(POST("2024-01-05T00:00:00Z", "after-iter", "carol"));
  commit();
  begin();
  cr_assert_eq(get_post("after-iter").user, get_post("after-iter").user);
  cr_assert_eq(get_post("n69999").n_text, 2);
  REJ("already exists", POST("2024-01-06T00:00:00Z", "after-iter", "bob"));
  licit_txn_abort(W);
  W = NULL;
  /* Another process commits a post in between. */
  other_writer("{\"type\":\"post\",\"ts\":\"2024-01-07T00:00:00Z\",\"post\":\"other\",\"user\":\"dave\",\"visibility\":\"public\"}");
  begin();
  REJ("already exists", POST("2024-01-08T00:00:00Z", "other", "bob"));
}

static uint32_t n_regions(const char *user) {
  bool found = false;
  licit_user_rec u;
  int rc = licit_store_user_lookup(W, (licit_strv){user, strlen(user)}, &found, &u, &scratch);
  cr_assert_eq(rc, 0, "user %s: %d", user, rc);
  cr_assert(found, "user %s not found", user);
  return u.n_region;
}

/* The writer's account cache lives from one write transaction to the next
 * (apply.c), so it must never serve what the store no longer holds: what
 * an aborted transaction put, or an account another writer changed in
 * between. */
Test(store, account_cache_across_transactions) {
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"erin\",\"region\":\"DE\"}");
  ACC(POST("2024-01-02T00:00:00Z", "e1", "erin"));
  commit();
  begin();
  cr_assert_eq(n_regions("erin"), 1, "kept across a commit");
  /* A change the transaction puts, then gives up. */
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-03T00:00:00Z\",\"user\":\"erin\",\"region\":\"FR\"}");
  cr_assert_eq(n_regions("erin"), 2);
  licit_txn_abort(W);
  W = NULL;
  begin();
  cr_assert_eq(n_regions("erin"), 1, "an aborted transaction's put is not served");
  ACC(POST("2024-01-04T00:00:00Z", "e2", "erin"));
  commit();
  /* Another process changes the account in between. */
  other_writer("{\"type\":\"account\",\"ts\":\"2024-01-05T00:00:00Z\",\"user\":\"erin\",\"region\":\"ES\"}");
  begin();
  cr_assert_eq(n_regions("erin"), 2, "the other writer's change is seen");
  ACC("{\"type\":\"account\",\"ts\":\"2024-01-06T00:00:00Z\",\"user\":\"erin\",\"region\":\"IT\"}");
  cr_assert_eq(n_regions("erin"), 3, "and not overwritten from a stale copy");
  commit();
}

/* A lineage reader (each bitmap chunk looked up once, report's way) gives
 * exactly licit_snapshot_has's answers: set and unset bits, an all-zero
 * chunk (not stored), the last partial chunk, ordinals beyond the bitmap,
 * questions in any order, and in a write transaction too. */
Test(store, snap_reader_answers_as_snapshot_has) {
  const uint32_t chunk_bits = (4 * 4096 - 64) * 8; /* lineage.c's CHUNK_BITS */
  const uint32_t nbits = 3 * chunk_bits + 100;
  size_t words = (nbits + 63) / 64;
  uint64_t *bits = calloc(words, 8);
  cr_assert_not_null(bits);
  uint64_t x = 88172645463325252ULL;
  for (size_t w = 0; w < words; w++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    bool zero_chunk = w * 64 >= chunk_bits && w * 64 + 64 <= 2 * (uint64_t)chunk_bits;
    bits[w] = zero_chunk ? 0 : x;
  }
  bits[words - 1] &= (1ULL << (nbits % 64)) - 1;
  licit_snapshot_info info = {0};
  info.name = "lin";
  info.nbits = nbits;
  cr_assert_eq(licit_snapshot_register(W, &info, bits, NULL, &err), 0, "%s", err.msg);
  commit();
  for (int pass = 0; pass < 2; pass++) {
    licit_txn *t;
    cr_assert_eq(licit_txn_begin(S, pass == 1, &t, &err), 0, "%s", err.msg);
    licit_snapshot_info s;
    cr_assert_eq(licit_snapshot_get(t, "lin", &s), 0);
    licit_snap_reader r = {0};
    uint64_t y = 7;
    for (int k = 0; k < 200000; k++) {
      y ^= y << 13, y ^= y >> 7, y ^= y << 17;
      uint32_t o = k < 1000 ? nbits - 500 + (uint32_t)k : (uint32_t)(y % (nbits + 64));
      int want = licit_snapshot_has(t, &s, o), got = licit_snap_reader_has(t, &s, &r, o);
      cr_assert_eq(got, want, "ordinal %u: reader %d, snapshot_has %d (%s)", o, got, want, pass ? "write" : "read");
      if (o < nbits) cr_assert_eq(want, (int)((bits[o / 64] >> (o % 64)) & 1), "ordinal %u", o);
    }
    licit_snap_reader_free(&r);
    licit_snapshot_info_free(&s);
    licit_txn_abort(t);
  }
  free(bits);
}

/* Whether this process maps DIR/data.mdb with some part advised
 * MADV_RANDOM ("rr" in its VmFlags). */
static bool map_reads_single_pages(void) {
  FILE *f = fopen("/proc/self/smaps", "r");
  cr_assert_not_null(f);
  char line[4096], path[128];
  snprintf(path, sizeof path, "%s/data.mdb", dir);
  bool in = false, rr = false;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) in = strstr(line, path) != NULL; /* a mapping's first line */
    if (in && !strncmp(line, "VmFlags:", 8) && strstr(line, " rr")) rr = true;
  }
  fclose(f);
  return rr;
}

/* A writer that adds less than a large store holds (an incremental
 * ingest, follow, serve) has its map's page faults read single pages, so
 * that the page cache it fills stays in 4 KiB folios (store.c,
 * random_tail); a writer that builds the store does not.  Neither changes
 * what the store holds.  The size from which a store counts as large is
 * lowered to 4 KiB here. */
Test(store, small_writers_read_single_pages) {
  char id[32];
  for (int i = 0; i < 2000; i++) {
    snprintf(id, sizeof id, "r%d", i);
    ACC("{\"type\":\"post\",\"ts\":\"2024-01-02T00:00:00Z\",\"post\":\"%s\",\"user\":\"u%d\",\"visibility\":\"public\"}", id, i % 17);
  }
  commit();
  cr_assert_not(map_reads_single_pages(), "a new store is not large");
  licit_store_close(S);
  setenv("LICIT_SMALL_FOLIOS_FROM_KB", "4", 1);
  cr_assert_eq(licit_store_open_adding(dir, 0, 0, &S, &err), 0, "%s", err.msg);
  begin();
  cr_assert(map_reads_single_pages(), "a writer adding little reads single pages");
  for (int i = 2000; i < 2500; i++) {
    snprintf(id, sizeof id, "r%d", i);
    ACC("{\"type\":\"post\",\"ts\":\"2024-01-03T00:00:00Z\",\"post\":\"%s\",\"user\":\"u%d\",\"visibility\":\"public\"}", id, i % 17);
  }
  commit();
  licit_store_close(S);
  cr_assert_eq(licit_store_open_adding(dir, 0, (uint64_t)1 << 40, &S, &err), 0, "%s", err.msg);
  unsetenv("LICIT_SMALL_FOLIOS_FROM_KB");
  begin();
  cr_assert_not(map_reads_single_pages(), "a writer that builds the store reads around");
  cr_assert_eq(count_posts(W), 2500);
  commit();
  licit_store_close(S);
  /* A writer that feeds a few events in (an incremental ingest, a
   * follower) reads single pages in a store of any size, after dropping
   * and reading back the store's cache; what it reads is unchanged. */
  cr_assert_eq(licit_store_open_adding(dir, LICIT_STORE_FEED, 0, &S, &err), 0, "%s", err.msg);
  begin();
  cr_assert(map_reads_single_pages(), "a feeding writer reads single pages");
  cr_assert_eq(count_posts(W), 2500);
  cr_assert_eq(get_post("r2499").n_vis, 1);
  ACC("{\"type\":\"post\",\"ts\":\"2024-01-04T00:00:00Z\",\"post\":\"r2500\",\"user\":\"u1\",\"visibility\":\"public\"}");
  commit();
  licit_store_close(S);
  cr_assert_eq(licit_store_open_adding(dir, LICIT_STORE_FEED, (uint64_t)1 << 40, &S, &err), 0, "%s", err.msg);
  begin();
  cr_assert_not(map_reads_single_pages(), "a feeding writer that builds the store reads around");
  cr_assert_eq(count_posts(W), 2501);
}
