/*
 * test_ingest.c — ingest sessions (records from memory): one transaction
 * for a whole request body, rejects passed to a callback, nothing stored
 * until commit, refusal beyond the reserved size, batches otherwise.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ingest.h"

static char dir[64];
static licit_store *S;
static licit_err err;

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/licit-test-ingest-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  cr_assert_eq(licit_store_open(dir, 0, &S, &err), 0, "%s", err.msg);
}

static void teardown(void) {
  licit_store_close(S);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(ingest, .init = setup, .fini = teardown);

typedef struct rejects {
  int n;
  uint64_t lines[8];
  char first[256];
} rejects;

static void on_reject(void *ctx, uint64_t line, const char *error) {
  rejects *r = ctx;
  if (r->n < 8) r->lines[r->n] = line;
  if (!r->n) snprintf(r->first, sizeof r->first, "%s", error);
  r->n++;
}

static uint64_t log_len(void) {
  licit_txn *t;
  cr_assert_eq(licit_txn_begin(S, false, &t, &err), 0);
  uint64_t n = licit_txn_log_len(t);
  licit_txn_abort(t);
  return n;
}

#define REC(s) s, strlen(s)

Test(ingest, session_one_transaction_commit_and_rejects) {
  rejects rj = {0};
  licit_ingest_opts o = {0};
  o.on_reject = on_reject;
  o.reject_ctx = &rj;
  o.one_txn_bytes = 1 << 20;
  licit_ingest_counts c = {0};
  licit_ingest *in;
  cr_assert_eq(licit_ingest_open(S, &o, "request", &c, &in, &err), 0);
  cr_assert_eq(licit_ingest_record(in, REC("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\"}"), &err), 0);
  cr_assert_eq(licit_ingest_record(in, REC("{\"type\":\"frob\"}"), &err), 0);
  cr_assert_eq(licit_ingest_record(in, REC("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"nope\"}"), &err), 0);
  cr_assert_eq(c.accepted, 1);
  cr_assert_eq(c.rejected, 2);
  cr_assert_eq(rj.n, 2);
  cr_assert_eq(rj.lines[0], 2);
  cr_assert_eq(rj.lines[1], 3);
  cr_assert(strstr(rj.first, "type") != NULL, "%s", rj.first);
  cr_assert_eq(log_len(), 0, "nothing is visible before the commit");
  cr_assert_eq(licit_ingest_commit(in, &err), 0, "%s", err.msg);
  cr_assert_eq(log_len(), 1);
  licit_ingest_close(in);
}

Test(ingest, session_close_without_commit_stores_nothing) {
  licit_ingest_opts o = {0};
  o.one_txn_bytes = 1 << 20;
  licit_ingest_counts c = {0};
  licit_ingest *in;
  cr_assert_eq(licit_ingest_open(S, &o, "request", &c, &in, &err), 0);
  cr_assert_eq(licit_ingest_record(in, REC("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\"}"), &err), 0);
  licit_ingest_close(in);
  cr_assert_eq(log_len(), 0);
}

Test(ingest, session_refuses_beyond_reserved) {
  licit_ingest_opts o = {0};
  o.one_txn_bytes = 100;
  licit_ingest_counts c = {0};
  licit_ingest *in;
  cr_assert_eq(licit_ingest_open(S, &o, "request", &c, &in, &err), 0);
  const char *a = "{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\"}";
  cr_assert_eq(licit_ingest_record(in, REC(a), &err), 0);
  cr_assert_eq(licit_ingest_record(in, REC(a), &err), LICIT_ETOOBIG);
  cr_assert(strstr(err.msg, "reserved") != NULL, "%s", err.msg);
  licit_ingest_close(in);
  cr_assert_eq(log_len(), 0);
}

Test(ingest, session_batches_and_extra_state_in_the_same_commit) {
  licit_ingest_opts o = {0};
  o.batch_events = 2; /* a batch commits after two records */
  o.format = "native";
  licit_ingest_counts c = {0};
  licit_ingest *in;
  cr_assert_eq(licit_ingest_open(S, &o, "feed", &c, &in, &err), 0);
  char line[200];
  for (int i = 0; i < 5; i++) {
    snprintf(line, sizeof line, "{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:0%dZ\",\"user\":\"u%d\"}", i, i);
    cr_assert_eq(licit_ingest_record(in, REC(line), &err), 0);
  }
  cr_assert_eq(log_len(), 4, "two batches of two committed");
  cr_assert_not_null(licit_ingest_txn(in, &err));
  cr_assert_eq(licit_ingest_commit(in, &err), 0);
  cr_assert_eq(log_len(), 5);
  cr_assert_eq(licit_ingest_commit(in, &err), 0, "committing nothing is fine");
  licit_ingest_close(in);
}

Test(ingest, session_unknown_format) {
  licit_ingest_opts o = {0};
  o.format = "frob";
  licit_ingest_counts c = {0};
  licit_ingest *in;
  cr_assert_eq(licit_ingest_open(S, &o, "x", &c, &in, &err), LICIT_EUSAGE);
}

/* ------------------------------------------------------- line reader -- */

#include "event/event.h"
#include "ingest/lines.h"

static FILE *mem(const char *data, size_t n) {
  FILE *f = fmemopen((void *)data, n, "r");
  cr_assert_not_null(f);
  return f;
}

Test(lines, terminators_blank_and_last_line) {
  const char *in = "a\r\n\nbc\nlast";
  FILE *f = mem(in, strlen(in));
  licit_lines *r;
  cr_assert_eq(licit_lines_open(f, &r), 0);
  const char *l;
  size_t n, full;
  const char *want[] = {"a\r", "", "bc", "last"};
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
    cr_assert_eq(n, strlen(want[i]));
    cr_assert_eq(full, n);
    cr_assert_eq(memcmp(l, want[i], n), 0, "line %d", i);
  }
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 0);
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 0, "stays at the end");
  cr_assert_eq(licit_lines_bytes(r), strlen(in));
  licit_lines_close(r);
  fclose(f);
}

/* n bytes of c, then the terminator `end` ("" for none), at in + *o. */
static void put_line(char *in, size_t *o, char c, size_t n, const char *end) {
  memset(in + *o, c, n);
  *o += n;
  memcpy(in + *o, end, strlen(end));
  *o += strlen(end);
}

Test(lines, the_limit_does_not_count_a_crlf_ending) {
  /* A line of exactly the limit before CRLF is whole (its reader strips the
   * CR); a byte more is over-long, and its length is given without the CR,
   * also when it streamed past the buffer and the CR came in a later read. */
  size_t big = (size_t)LICIT_LINE_MAX * 3;
  size_t total = (LICIT_LINE_MAX + 2) + (LICIT_LINE_MAX + 3) + (big + 2) + (big + 1);
  char *in = malloc(total);
  size_t o = 0;
  put_line(in, &o, 'a', LICIT_LINE_MAX, "\r\n");
  put_line(in, &o, 'b', LICIT_LINE_MAX + 1, "\r\n");
  put_line(in, &o, 'c', big, "\r\n");
  put_line(in, &o, 'd', big, "\r"); /* the last line, without '\n' */
  cr_assert_eq(o, total);
  FILE *f = mem(in, total);
  licit_lines *r;
  cr_assert_eq(licit_lines_open(f, &r), 0);
  const char *l;
  size_t n, full;
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(n, LICIT_LINE_MAX + 1, "the limit and its CR, whole");
  cr_assert_eq(full, n);
  cr_assert_eq(l[n - 1], '\r');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(n, LICIT_LINE_EXCERPT);
  cr_assert_eq(full, LICIT_LINE_MAX + 1, "over-long, counted without its CR: %zu", full);
  cr_assert_eq(l[0], 'b');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(n, LICIT_LINE_EXCERPT);
  cr_assert_eq(full, big, "streamed, counted without its CR: %zu", full);
  cr_assert_eq(l[0], 'c');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(full, big, "the last line, streamed, without its CR: %zu", full);
  cr_assert_eq(l[0], 'd');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 0);
  cr_assert_eq(licit_lines_bytes(r), total);
  licit_lines_close(r);
  fclose(f);
  free(in);
}

Test(lines, over_long_lines_are_cut_not_held) {
  /* A maximal line, one a byte longer, one much longer without a final
   * newline: the first whole, the others as excerpts with their length. */
  size_t big = (size_t)LICIT_LINE_MAX * 3;
  size_t total = LICIT_LINE_MAX + 1 + (LICIT_LINE_MAX + 1) + 1 + 2 + big;
  char *in = malloc(total);
  size_t o = 0;
  put_line(in, &o, 'a', LICIT_LINE_MAX, "\n");
  put_line(in, &o, 'b', LICIT_LINE_MAX + 1, "\n");
  put_line(in, &o, 'x', 1, "\n");
  put_line(in, &o, 'c', big, "");
  cr_assert_eq(o, total);
  FILE *f = mem(in, total);
  licit_lines *r;
  cr_assert_eq(licit_lines_open(f, &r), 0);
  const char *l;
  size_t n, full;
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(n, LICIT_LINE_MAX, "a line of exactly the limit is whole");
  cr_assert_eq(full, LICIT_LINE_MAX);
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(full, LICIT_LINE_MAX + 1);
  cr_assert_eq(n, LICIT_LINE_EXCERPT);
  cr_assert_eq(l[0], 'b');
  cr_assert_eq(l[n - 1], 'b');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(n, 1);
  cr_assert_eq(l[0], 'x');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 1);
  cr_assert_eq(full, big, "the last over-long line without a newline: %zu", full);
  cr_assert_eq(n, LICIT_LINE_EXCERPT);
  cr_assert_eq(l[0], 'c');
  cr_assert_eq(licit_lines_next(r, &l, &n, &full), 0);
  cr_assert_eq(licit_lines_bytes(r), total);
  licit_lines_close(r);
  fclose(f);
  free(in);
}
