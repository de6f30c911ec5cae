/*
 * test_threads.c — what licit promises to threads, checked with threads.
 *
 *   parsers  Several threads, each with its own JSON reader (json/fast.h)
 *            and event parser (event/event.h), parse the same lines in
 *            different orders at the same time; every verdict, error
 *            message and decoded value must equal a single-threaded run.
 *            The lines are built to reach every path of the reader that
 *            could share state: objects with more than 8 keys (duplicate
 *            keys found by sorting), nested ones, duplicates, arrays.
 *   notices  Several threads make the process's first calls to
 *            licit_notice_detect at once (its phrase index is built on
 *            first use, notice.h promises "thread-safe"); every answer must
 *            equal a single-threaded run's.
 *   store    One writer thread ingests a JSON Lines file in small batches
 *            (licit_ingest_path, a commit per batch) while reader threads
 *            run read transactions: lookups and a whole evaluation
 *            (licit_eval_run).  Every reader must see a committed batch
 *            boundary, find exactly the posts of that prefix, and get the
 *            counts and digest that the finished store gives for the same
 *            log prefix.  A reader must also finish while a write
 *            transaction is held open (readers never block on the writer).
 *
 * A plain program rather than a Criterion suite: it is also built with
 * ThreadSanitizer (`make test-tsan`), and Criterion's forking runner is
 * neither instrumented nor fork-safe under TSan.  Exit status 0 when every
 * check holds; the first failure of each kind is printed.
 *
 *   test_threads [notices|parsers|store]...   (default: all, in this order;
 *                                               notices must come first)
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eval/eval.h"
#include "ingest/rules.h"
#include "event/event.h"
#include "ingest/ingest.h"
#include "json/fast.h"
#include "notice/notice.h"
#include "policy/policy.h"
#include "report/explain.h"
#include "store/store.h"

/* ------------------------------------------------------------ harness -- */

static atomic_int failures;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static void failf(const char *file, int line, const char *fmt, ...) {
  pthread_mutex_lock(&report_lock);
  if (atomic_fetch_add(&failures, 1) < 20) {
    fprintf(stderr, "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
  }
  pthread_mutex_unlock(&report_lock);
}

#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) failf(__FILE__, __LINE__, __VA_ARGS__); \
  } while (0)
/* For setup steps a test cannot go on without. */
#define REQUIRE(cond, ...)                                \
  do {                                                    \
    if (!(cond)) {                                        \
      failf(__FILE__, __LINE__, __VA_ARGS__);             \
      exit(1);                                            \
    }                                                     \
  } while (0)

static void start_threads(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t argsize) {
  for (int i = 0; i < n; i++)
    REQUIRE(pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * argsize) == 0, "pthread_create");
}

static void join_threads(pthread_t *t, int n) {
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
}

/* FNV-1a, to keep one fingerprint per parse instead of its whole output. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
  return h;
}
#define FNV0 0xcbf29ce484222325ULL
static uint64_t fnv_u64(uint64_t h, uint64_t v) { return fnv(h, &v, sizeof v); }

/* ------------------------------------------------------------ notices -- */

#define N_NOTICE_THREADS 4
#define N_TEXTS 64

static char *texts[N_TEXTS];
static pthread_barrier_t notice_start;

/* Everything licit_notice_detect says about text i, as one number. */
static uint64_t notice_print(int i) {
  licit_notice_result r;
  int flagged = licit_notice_detect(texts[i], strlen(texts[i]), &r);
  uint64_t h = fnv_u64(fnv_u64(fnv_u64(FNV0, (uint64_t)flagged), (uint64_t)r.score), (uint64_t)r.n_matched);
  if (r.family) h = fnv(h, r.family, strlen(r.family));
  for (int k = 0; k < r.n_matched; k++) h = fnv(h, r.matched[k], strlen(r.matched[k]));
  return h;
}

typedef struct notice_arg {
  int id;
  uint64_t got[N_TEXTS];
} notice_arg;

static void *notice_thread(void *arg) {
  notice_arg *a = arg;
  pthread_barrier_wait(&notice_start); /* all make their first call together */
  for (int k = 0; k < N_TEXTS; k++) {
    int i = (k + a->id * 17) % N_TEXTS;
    a->got[i] = notice_print(i);
  }
  return NULL;
}

static void test_notices(void) {
  /* Texts made of the detector's own phrases, so that some are flagged. */
  size_t n = licit__notice_table_size();
  REQUIRE(n > 0, "the notice table is empty");
  for (int i = 0; i < N_TEXTS; i++) {
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_adds(&b, "Hello. ");
    for (int k = 0; k < 1 + i % 4; k++) {
      int w;
      const char *ph = licit__notice_table_phrase(((size_t)i * 7 + (size_t)k * 13) % n, &w);
      licit_buf_printf(&b, "%s %s. ", ph ? ph : "", i % 3 ? "and" : "");
    }
    REQUIRE(b.data != NULL, "out of memory");
    texts[i] = b.data;
  }
  pthread_t t[N_NOTICE_THREADS];
  notice_arg *a = calloc(N_NOTICE_THREADS, sizeof *a);
  REQUIRE(a != NULL && pthread_barrier_init(&notice_start, NULL, N_NOTICE_THREADS) == 0, "setup");
  for (int i = 0; i < N_NOTICE_THREADS; i++) a[i].id = i;
  start_threads(t, N_NOTICE_THREADS, notice_thread, a, sizeof a[0]);
  join_threads(t, N_NOTICE_THREADS);
  pthread_barrier_destroy(&notice_start);
  int flagged = 0, wrong = 0;
  for (int i = 0; i < N_TEXTS; i++) {
    uint64_t want = notice_print(i);
    flagged += licit_notice_detect(texts[i], strlen(texts[i]), NULL);
    for (int k = 0; k < N_NOTICE_THREADS; k++)
      if (a[k].got[i] != want) {
        wrong++;
        CHECK(0, "thread %d: licit_notice_detect's answer for text %d differs from the single-threaded run", k, i);
      }
  }
  CHECK(flagged > 0 && flagged < N_TEXTS, "texts: %d of %d flagged; want some of each", flagged, N_TEXTS);
  printf("notices: %d texts on %d threads from the first call, %d differ (%d flagged)\n", N_TEXTS,
         N_NOTICE_THREADS, wrong, flagged);
  free(a);
  for (int i = 0; i < N_TEXTS; i++) free(texts[i]);
}

/* ------------------------------------------------------------ parsers -- */

#define N_LINES 1500
#define N_PARSERS 4
#define PARSE_ROUNDS 3

static char *lines[N_LINES];
static size_t line_len[N_LINES];

/* A small deterministic generator, so every run parses the same lines. */
static uint32_t rnd(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

/* `n` extra members named after the line (different lengths and bytes per
 * line, so that two lines' keys never sit at the same arena offsets), one
 * of them repeated when `dup`. */
static void add_members(licit_buf *b, uint32_t *s, int n, bool dup, int depth) {
  int dup_at = dup ? (int)(rnd(s) % (unsigned)n) : -1;
  for (int k = 0; k < n; k++) {
    int len = 1 + (int)(rnd(s) % 12);
    char key[32];
    for (int c = 0; c < len; c++) key[c] = (char)('a' + rnd(s) % 26);
    snprintf(key + len, sizeof key - (size_t)len, "%d", k);
    licit_buf_printf(b, ",\"%s\":", key);
    switch (rnd(s) % 5) {
      case 0: licit_buf_printf(b, "\"v\\u00e9%u\\n\"", rnd(s) % 1000); break;
      case 1: licit_buf_printf(b, "%u.%ue%d", rnd(s) % 100, rnd(s) % 100, (int)(rnd(s) % 5)); break;
      case 2: licit_buf_adds(b, "[1,\"x\",{\"q\":null,\"r\":true}]"); break;
      case 3:
        if (depth < 2) {
          licit_buf_adds(b, "{\"first\":0");
          add_members(b, s, 6 + (int)(rnd(s) % 10), rnd(s) % 32 == 0, depth + 1);
          licit_buf_adds(b, "}");
          break;
        }
        /* fall through */
      default: licit_buf_adds(b, rnd(s) % 2 ? "false" : "null"); break;
    }
    if (k == dup_at) licit_buf_printf(b, ",\"%s\":1", key);
  }
}

static void make_lines(void) {
  for (int i = 0; i < N_LINES; i++) {
    uint32_t s = (uint32_t)i * 2654435761u + 1;
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_printf(&b,
                     "{\"type\":\"post\",\"ts\":\"2024-0%d-1%dT10:00:0%dZ\",\"post\":\"p%d\",\"user\":\"u%d\","
                     "\"visibility\":\"%s\",\"text\":\"t\\u00fcxt %d \\ud83d\\ude00\",\"signals\":[\"noai\",\"s%d\"]",
                     1 + i % 9, i % 10, i % 10, i, i % 37, i % 3 ? "public" : "followers", i, i % 7);
    switch (i % 4) {
      case 0: break;                                       /* 8 keys: the short path */
      case 1: add_members(&b, &s, 3 + i % 80, false, 0); break; /* sorted keys, valid */
      case 2: add_members(&b, &s, 3 + i % 80, true, 0); break;  /* a duplicate somewhere */
      case 3: add_members(&b, &s, 1 + i % 30, rnd(&s) % 5 == 0, 0); break;
    }
    licit_buf_adds(&b, "}");
    REQUIRE(b.data != NULL, "out of memory");
    lines[i] = b.data;
    line_len[i] = b.len;
  }
}

static const char *const fast_keys[] = {"type", "ts", "post", "text", "signals", "visibility", "nothere"};
#define N_FAST_KEYS 7

/* Everything licit_fast_object says about line i, as one number. */
static uint64_t fast_print(licit_fast *f, int i) {
  licit_fval v[N_FAST_KEYS];
  bool present[N_FAST_KEYS];
  licit_err err = {0};
  int rc = licit_fast_object(f, lines[i], line_len[i], fast_keys, N_FAST_KEYS, v, present, &err);
  uint64_t h = fnv_u64(FNV0, (uint64_t)(int64_t)rc);
  if (rc) return fnv(h, err.msg, strlen(err.msg));
  for (int k = 0; k < N_FAST_KEYS; k++) {
    h = fnv_u64(h, present[k]);
    if (!present[k]) continue;
    h = fnv_u64(h, v[k].type);
    h = fnv_u64(h, v[k].b);
    if (v[k].type == LICIT_JSON_STRING) h = fnv(fnv_u64(h, v[k].n), v[k].s, v[k].n);
    h = fnv_u64(h, v[k].n_items);
    for (size_t j = 0; j < v[k].n_items; j++) {
      h = fnv_u64(h, v[k].items[j].type);
      if (v[k].items[j].type == LICIT_JSON_STRING)
        h = fnv(fnv_u64(h, v[k].items[j].n), v[k].items[j].s, v[k].items[j].n);
    }
  }
  return h;
}

static uint64_t strv_print(uint64_t h, licit_strv s) { return fnv(fnv_u64(h, s.n), s.p, s.n); }

/* Everything licit_event_parse says about line i, as one number. */
static uint64_t event_print(licit_event_parser *p, int i) {
  licit_event ev;
  licit_err err = {0};
  int rc = licit_event_parse(p, lines[i], line_len[i], &ev, &err);
  uint64_t h = fnv_u64(FNV0, (uint64_t)(int64_t)rc);
  if (rc) return fnv(h, err.msg, strlen(err.msg));
  h = fnv_u64(fnv_u64(h, ev.type), (uint64_t)ev.ts);
  h = strv_print(strv_print(strv_print(h, ev.post), ev.user), ev.text);
  h = fnv_u64(fnv_u64(h, ev.visibility), ev.n_signals);
  for (size_t j = 0; j < ev.n_signals; j++) h = strv_print(h, ev.signals[j]);
  return h;
}

static uint64_t want_fast[N_LINES], want_event[N_LINES];

typedef struct parse_arg {
  int id;
  long parses, wrong;
} parse_arg;

static void *parse_thread(void *arg) {
  parse_arg *a = arg;
  licit_fast *f;
  licit_event_parser *p;
  REQUIRE(licit_fast_create(&f) == 0 && licit_event_parser_create(&p) == 0, "create");
  for (int r = 0; r < PARSE_ROUNDS; r++) {
    /* Each thread starts elsewhere and walks its own way round, so
     * different lines are parsed at the same moment. */
    int start = (a->id * N_LINES) / N_PARSERS + r * 97;
    for (int k = 0; k < N_LINES; k++) {
      int i = (a->id % 2 ? start + k : start + N_LINES - k) % N_LINES;
      uint64_t got_f = fast_print(f, i), got_e = event_print(p, i);
      a->parses += 2;
      if (got_f != want_fast[i]) {
        a->wrong++;
        CHECK(0, "thread %d: the JSON reader's answer for line %d differs from the single-threaded run", a->id, i);
      }
      if (got_e != want_event[i]) {
        a->wrong++;
        CHECK(0, "thread %d: the event parser's answer for line %d differs from the single-threaded run", a->id, i);
      }
    }
  }
  licit_fast_destroy(f);
  licit_event_parser_destroy(p);
  return NULL;
}

static void test_parsers(void) {
  make_lines();
  licit_fast *f;
  licit_event_parser *p;
  REQUIRE(licit_fast_create(&f) == 0 && licit_event_parser_create(&p) == 0, "create");
  int n_dup = 0, n_ok = 0;
  for (int i = 0; i < N_LINES; i++) {
    want_fast[i] = fast_print(f, i);
    want_event[i] = event_print(p, i);
    licit_err err = {0};
    licit_fval v[1];
    bool present[1];
    int rc = licit_fast_object(f, lines[i], line_len[i], fast_keys, 1, v, present, &err);
    if (rc == 0) n_ok++;
    if (rc && strstr(err.msg, "duplicate object key")) n_dup++;
  }
  licit_fast_destroy(f);
  licit_event_parser_destroy(p);
  /* The lines must exercise both verdicts, or the comparison proves little. */
  CHECK(n_dup > N_LINES / 8 && n_ok > N_LINES / 2, "lines: %d valid, %d with duplicate keys", n_ok, n_dup);

  pthread_t t[N_PARSERS];
  parse_arg a[N_PARSERS];
  memset(a, 0, sizeof a);
  for (int i = 0; i < N_PARSERS; i++) a[i].id = i;
  start_threads(t, N_PARSERS, parse_thread, a, sizeof a[0]);
  join_threads(t, N_PARSERS);
  long parses = 0, wrong = 0;
  for (int i = 0; i < N_PARSERS; i++) parses += a[i].parses, wrong += a[i].wrong;
  CHECK(wrong == 0, "parsers: %ld of %ld parses on %d threads differ from the single-threaded run", wrong, parses,
        N_PARSERS);
  printf("parsers: %ld parses on %d threads, %ld differ\n", parses, N_PARSERS, wrong);
  for (int i = 0; i < N_LINES; i++) free(lines[i]);
}

/* -------------------------------------------------------------- store -- */

#define N_USERS 40
#define N_POSTS 1200
#define BATCH 40      /* records per commit of the concurrent ingest */
#define N_READERS 3
#define MAX_SEEN 4096 /* evaluations recorded per reader */

static const char POLICY[] =
    "{\"name\":\"t\",\"versions\":[{\"id\":\"v1\",\"effective\":\"2020-01-01T00:00:00Z\","
    "\"visibility\":[\"public\"],\"min_age\":18,\"honor_signals\":[\"noai\"],"
    "\"regions\":{\"default\":\"no_choice\",\"EEA\":\"opt_out\",\"BR\":\"opt_in\",\"CN\":\"excluded\"}}]}";

static char store_dir[64];
static uint64_t warm_len;            /* events of the first ingest (which grows the map) */
#define WARM_BATCH 1000
static char warm_file[256];
static uint64_t total_len;           /* events when the writer is done */
static uint64_t post_seq[N_POSTS];   /* the seq of post pI's creation */
static atomic_int writer_done;

/* The events: accounts, then posts with edits (some adding the honoured
 * signal), visibility changes, preferences and deletions mixed in; every
 * one is accepted, so seq = line number.  The first `warm` lines go to a
 * first file, the rest to a second. */
static void write_events(const char *warm_path, const char *rest_path, uint64_t warm) {
  static const char *const regions[] = {"DE", "BR", "US", "CN", "FR", ""};
  FILE *out = fopen(warm_path, "w");
  REQUIRE(out != NULL, "cannot write %s", warm_path);
  uint64_t seq = 0;
  char line[512];
#define EMIT(...)                                                          \
  do {                                                                     \
    snprintf(line, sizeof line, __VA_ARGS__);                              \
    fprintf(out, "%s\n", line);                                            \
    if (++seq == warm) {                                                   \
      fclose(out);                                                         \
      out = fopen(rest_path, "w");                                         \
      REQUIRE(out != NULL, "cannot write %s", rest_path);                  \
    }                                                                      \
  } while (0)
  for (int u = 0; u < N_USERS; u++)
    EMIT("{\"type\":\"account\",\"ts\":\"2021-01-01T00:00:%02dZ\",\"user\":\"u%d\",\"region\":\"%s\","
         "\"birth_date\":\"%d-05-05\"}",
         u % 60, u, regions[u % 6], u % 5 ? 1980 + u : 2015);
  for (int i = 0; i < N_POSTS; i++) {
    int d = 1 + i / 200, h = (i / 60) % 24, m = i % 60;
    EMIT("{\"type\":\"post\",\"id\":\"e%d\",\"ts\":\"2022-01-%02dT%02d:%02d:00Z\",\"post\":\"p%d\",\"user\":\"u%d\","
         "\"visibility\":\"%s\",\"text\":\"post %d\"}",
         i, d, h, m, i, i % N_USERS, i % 9 ? "public" : "unlisted", i);
    post_seq[i] = seq;
    if (i >= 3 && i % 7 == 0)
      EMIT("{\"type\":\"edit\",\"ts\":\"2022-01-%02dT%02d:%02d:30Z\",\"post\":\"p%d\",\"text\":\"edited\"%s}", d, h, m,
           i - 3, i % 2 ? ",\"signals\":[\"noai\"]" : "");
    if (i >= 5 && i % 11 == 0)
      EMIT("{\"type\":\"visibility\",\"ts\":\"2022-01-%02dT%02d:%02d:31Z\",\"post\":\"p%d\","
           "\"visibility\":\"followers\"}",
           d, h, m, i - 5);
    if (i % 13 == 0)
      EMIT("{\"type\":\"preference\",\"ts\":\"2022-01-%02dT%02d:%02d:32Z\",\"user\":\"u%d\",\"ai_training\":\"%s\"}",
           d, h, m, (i / 13) % N_USERS, i % 3 ? "deny" : "allow");
    if (i >= 10 && i % 17 == 0)
      EMIT("{\"type\":\"delete\",\"ts\":\"2022-01-%02dT%02d:%02d:33Z\",\"post\":\"p%d\"}", d, h, m, i - 10);
  }
#undef EMIT
  fclose(out);
  total_len = seq;
}

static void ingest(licit_store *s, const char *path, size_t batch) {
  licit_ingest_opts o = {.batch_events = batch};
  licit_ingest_counts c = {0};
  licit_err err = {0};
  REQUIRE(licit_ingest_path(s, path, &o, &c, &err) == 0, "ingest %s: %s", path, err.msg);
  REQUIRE(c.rejected == 0 && c.duplicates == 0 && c.skipped == 0,
          "ingest %s: every test event must be accepted (%llu rejected)", path, (unsigned long long)c.rejected);
}

typedef struct seen {
  uint64_t len;
  licit_counts counts;
  char digest[65];
} seen;

typedef struct read_arg {
  int id;
  licit_store *s;
  seen *seen;
  int n_seen;
  long txns;
} read_arg;

static const int64_t FAR = 4102444800LL * 1000000; /* 2100-01-01 */

/* One read transaction: what it sees must be one committed prefix. */
static void read_once(read_arg *a, uint32_t *r) {
  licit_txn *t;
  licit_err err = {0};
  if (licit_txn_begin(a->s, false, &t, &err)) {
    CHECK(0, "reader %d: begin: %s", a->id, err.msg);
    return;
  }
  uint64_t len = licit_txn_log_len(t);
  CHECK((len <= warm_len && (len % WARM_BATCH == 0 || len == warm_len)) ||
            (len >= warm_len && len <= total_len && ((len - warm_len) % BATCH == 0 || len == total_len)),
        "reader %d: log length %llu is not a committed batch boundary", a->id, (unsigned long long)len);
  licit_buf scratch = LICIT_BUF_INIT;
  for (int k = 0; k < 20; k++) {
    int i = (int)(rnd(r) % N_POSTS);
    char id[16];
    int n = snprintf(id, sizeof id, "p%d", i);
    licit_post_rec p;
    int rc = licit_post_get(t, id, (size_t)n, &p, &scratch);
    if (post_seq[i] <= len) {
      CHECK(rc == 0 && p.created_seq == post_seq[i], "reader %d: post %s (seq %llu) not found at length %llu",
            a->id, id, (unsigned long long)post_seq[i], (unsigned long long)len);
    } else {
      CHECK(rc == LICIT_ENOTFOUND, "reader %d: post %s (seq %llu) seen at length %llu (rc %d)", a->id, id,
            (unsigned long long)post_seq[i], (unsigned long long)len, rc);
    }
    uint32_t ord;
    n = snprintf(id, sizeof id, "u%d", i % N_USERS);
    /* The accounts are the first N_USERS events. */
    if (len >= N_USERS) CHECK(licit_user_ord(t, id, (size_t)n, &ord) == 0, "reader %d: user %s not found", a->id, id);
  }

  /* A walk over an account's posts with the prefetching thread beside it
   * (a sibling read transaction while the writer commits): the walk reads
   * every post itself, and the report (which starts the thread for large
   * lists) answers for every considered post. */
  uint32_t uo, *ords = NULL;
  size_t nords = 0;
  char uid[16];
  int un = snprintf(uid, sizeof uid, "u%u", rnd(r) % N_USERS);
  if (len >= N_USERS && licit_user_ord(t, uid, (size_t)un, &uo) == 0 && licit_user_posts(t, uo, &ords, &nords) == 0) {
    licit_prefetch *pf = licit_prefetch_posts(t, ords, nords, 1);
    for (size_t i = 0; i < nords; i++) {
      licit_prefetch_at(pf, i);
      licit_post_rec p;
      CHECK(licit_post_get_ord(t, ords[i], &p, &scratch) == 0 && p.user == uo, "reader %d: post %u of %s unreadable",
            a->id, ords[i], uid);
    }
    licit_prefetch_end(pf);
  }
  free(ords);
  licit_buf_free(&scratch);

  licit_strv text;
  licit_policy *pol = NULL;
  licit_eval *e = NULL;
  seen *sn = a->n_seen < MAX_SEEN ? &a->seen[a->n_seen] : NULL;
  seen tmp;
  if (!sn) sn = &tmp;
  if (licit_store_policy_get(t, &text) || licit_policy_parse(text.p, text.n, "store", &pol, &err) ||
      /* Readers 1 and 2 read the accounts in two halves and scan the
       * posts in 2 and 3 key ranges at once (sibling transactions while
       * the writer commits and grows the map); the check below evaluates
       * again on one thread. */
      licit_eval_open_threads(t, pol, FAR, len, 1 + a->id % 3, &e, &err) ||
      licit_eval_run(e, NULL, NULL, &sn->counts, sn->digest, &err)) {
    CHECK(0, "reader %d: evaluation at length %llu: %s", a->id, (unsigned long long)len, err.msg);
  } else {
    sn->len = len;
    if (sn != &tmp) a->n_seen++;
  }
  licit_report rep;
  if (len >= N_USERS) {
    int rc = licit_report_user(t, pol, uid, (size_t)un, FAR, &rep, &err);
    CHECK(rc == 0, "reader %d: report %s: %s", a->id, uid, err.msg);
    if (rc == 0) {
      uint64_t sum = rep.posts.included;
      for (int k = 0; k < LICIT_R_COUNT; k++) sum += rep.posts.excluded[k];
      CHECK(rep.posts.considered == sum, "reader %d: report %s: %llu considered, %llu decided", a->id, uid,
            (unsigned long long)rep.posts.considered, (unsigned long long)sum);
      licit_report_free(&rep);
    }
  }
  licit_eval_close(e);
  licit_policy_free(pol);
  licit_txn_abort(t);
  a->txns++;
}

static void *read_thread(void *arg) {
  read_arg *a = arg;
  uint32_t r = (uint32_t)a->id + 7;
  /* At least a few transactions, then as many as the writer leaves time for. */
  for (int k = 0; k < 3 || !atomic_load(&writer_done); k++) read_once(a, &r);
  return NULL;
}

typedef struct write_arg {
  licit_store *s;
  const char *path;
} write_arg;

static void *write_thread(void *arg) {
  write_arg *w = arg;
  /* The first ingest grows the store's map (licit_store_reserve) while the
   * readers run: the map may only move with no transaction open in the
   * process, which the store's map lock guarantees (store_int.h). */
  ingest(w->s, warm_file, WARM_BATCH);
  ingest(w->s, w->path, BATCH);
  atomic_store(&writer_done, 1);
  return NULL;
}

/* A reader while a write transaction stays open: it must finish. */
static atomic_int blocked_reader_done;
static void *reader_beside_writer(void *arg) {
  read_arg *a = arg;
  uint32_t r = 99;
  read_once(a, &r);
  atomic_store(&blocked_reader_done, 1);
  return NULL;
}

static void rm_store(void) {
  char cmd[160]; /* the whole directory: the store holds log.dat too */
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", store_dir);
  if (system(cmd) != 0) fprintf(stderr, "test_threads: %s failed\n", cmd);
}

static void test_store(void) {
  strcpy(store_dir, "/tmp/licit-threads-XXXXXX");
  REQUIRE(mkdtemp(store_dir) != NULL, "mkdtemp");
  char warm_path[128], rest_path[128];
  snprintf(warm_path, sizeof warm_path, "%s/warm.jsonl", store_dir);
  snprintf(rest_path, sizeof rest_path, "%s/rest.jsonl", store_dir);
  warm_len = N_USERS + 100;
  write_events(warm_path, rest_path, warm_len);

  licit_store *s;
  licit_err err = {0};
  REQUIRE(licit_store_open(store_dir, false, &s, &err) == 0, "open: %s", err.msg);
  licit_txn *w;
  REQUIRE(licit_txn_begin(s, true, &w, &err) == 0 && licit_store_policy_put(w, POLICY, strlen(POLICY)) == 0 &&
              licit_txn_commit(w, &err) == 0,
          "installing the policy: %s", err.msg);
  snprintf(warm_file, sizeof warm_file, "%s", warm_path);

  /* One writer, several readers, at the same time. */
  pthread_t wt, rt[N_READERS];
  write_arg wa = {s, rest_path};
  read_arg ra[N_READERS];
  memset(ra, 0, sizeof ra);
  for (int i = 0; i < N_READERS; i++) {
    ra[i].id = i;
    ra[i].s = s;
    ra[i].seen = calloc(MAX_SEEN, sizeof(seen));
    REQUIRE(ra[i].seen != NULL, "out of memory");
  }
  start_threads(rt, N_READERS, read_thread, ra, sizeof ra[0]);
  start_threads(&wt, 1, write_thread, &wa, sizeof wa);
  join_threads(&wt, 1);
  join_threads(rt, N_READERS);

  /* Every evaluation a reader made must equal the one the finished store
   * gives for the same log prefix. */
  licit_txn *t;
  REQUIRE(licit_txn_begin(s, false, &t, &err) == 0, "begin: %s", err.msg);
  REQUIRE(licit_txn_log_len(t) == total_len, "the log holds %llu events, want %llu",
          (unsigned long long)licit_txn_log_len(t), (unsigned long long)total_len);
  licit_policy *pol;
  licit_strv text;
  REQUIRE(licit_store_policy_get(t, &text) == 0 && licit_policy_parse(text.p, text.n, "store", &pol, &err) == 0,
          "policy: %s", err.msg);
  long txns = 0, checked = 0;
  uint64_t lens_seen = 0, last = UINT64_MAX;
  for (int i = 0; i < N_READERS; i++) {
    txns += ra[i].txns;
    for (int k = 0; k < ra[i].n_seen; k++) {
      const seen *sn = &ra[i].seen[k];
      if (sn->len != last) lens_seen++, last = sn->len;
      licit_eval *e;
      seen want;
      REQUIRE(licit_eval_open(t, pol, FAR, sn->len, &e, &err) == 0 &&
                  licit_eval_run(e, NULL, NULL, &want.counts, want.digest, &err) == 0,
              "evaluation: %s", err.msg);
      licit_eval_close(e);
      CHECK(memcmp(&want.counts, &sn->counts, sizeof want.counts) == 0 && strcmp(want.digest, sn->digest) == 0,
            "reader %d: the evaluation at log length %llu differs from the finished store's", i,
            (unsigned long long)sn->len);
      checked++;
    }
    free(ra[i].seen);
  }
  licit_txn_abort(t);

  /* Readers never block on the writer: one runs to its end while a write
   * transaction that has applied an event stays open, and does not see it. */
  REQUIRE(licit_txn_begin(s, true, &w, &err) == 0, "begin write: %s", err.msg);
  licit_event_parser *ep;
  licit_event ev;
  const char *extra = "{\"type\":\"post\",\"ts\":\"2023-01-01T00:00:00Z\",\"post\":\"late\",\"user\":\"u1\","
                      "\"visibility\":\"public\"}";
  uint64_t seq;
  REQUIRE(licit_event_parser_create(&ep) == 0 && licit_event_parse(ep, extra, strlen(extra), &ev, &err) == 0 &&
              licit_rules_apply(w, &ev, &seq, &err) == 0,
          "apply: %s", err.msg);
  read_arg lone = {.id = N_READERS, .s = s, .seen = calloc(1, sizeof(seen))};
  REQUIRE(lone.seen != NULL, "out of memory");
  pthread_t lt;
  start_threads(&lt, 1, reader_beside_writer, &lone, sizeof lone);
  for (int ms = 0; ms < 20000 && !atomic_load(&blocked_reader_done); ms += 10) nanosleep(&(struct timespec){0, 10000000}, NULL);
  CHECK(atomic_load(&blocked_reader_done), "a reader did not finish within 20 s while a write transaction was open");
  if (atomic_load(&blocked_reader_done)) {
    join_threads(&lt, 1);
    CHECK(lone.n_seen == 1 && lone.seen[0].len == total_len, "the reader saw an uncommitted event");
  }
  REQUIRE(licit_txn_commit(w, &err) == 0, "commit: %s", err.msg);
  if (!atomic_load(&blocked_reader_done)) join_threads(&lt, 1);
  free(lone.seen);

  /* An evaluation on several threads whose read transaction is older than
   * the last commit: the other threads cannot read the same commit, so it
   * scans through the caller's transaction, and sees exactly what a
   * one-thread evaluation of that transaction sees (not the newer post). */
  licit_txn *old;
  REQUIRE(licit_txn_begin(s, false, &old, &err) == 0, "begin read: %s", err.msg);
  const char *later = "{\"type\":\"post\",\"ts\":\"2023-01-02T00:00:00Z\",\"post\":\"later\",\"user\":\"u1\","
                      "\"visibility\":\"public\"}";
  REQUIRE(licit_txn_begin(s, true, &w, &err) == 0 && licit_event_parse(ep, later, strlen(later), &ev, &err) == 0 &&
              licit_rules_apply(w, &ev, &seq, &err) == 0 && licit_txn_commit(w, &err) == 0,
          "apply: %s", err.msg);
  seen one, three;
  for (int th = 1; th <= 3; th += 2) {
    licit_eval *e;
    seen *sn = th == 1 ? &one : &three;
    REQUIRE(licit_eval_open(old, pol, FAR, UINT64_MAX, &e, &err) == 0, "eval: %s", err.msg);
    licit_eval_set_threads(e, th);
    REQUIRE(licit_eval_run(e, NULL, NULL, &sn->counts, sn->digest, &err) == 0, "eval: %s", err.msg);
    licit_eval_close(e);
  }
  CHECK(one.counts.considered == (uint64_t)N_POSTS + 1, "the old transaction sees %llu posts, not %d",
        (unsigned long long)one.counts.considered, N_POSTS + 1);
  CHECK(memcmp(&one.counts, &three.counts, sizeof one.counts) == 0 && strcmp(one.digest, three.digest) == 0,
        "three threads on an older transaction differ from one");
  licit_txn_abort(old);

  /* Read-ahead threads hold reader slots, which a server counts: at most
   * two run for a store at once, the third walk reads alone. */
  licit_txn *rt2;
  REQUIRE(licit_txn_begin(s, false, &rt2, &err) == 0, "begin read: %s", err.msg);
  uint32_t uo, *ords = NULL;
  size_t nords = 0;
  REQUIRE(licit_user_ord(rt2, "u1", 2, &uo) == 0 && licit_user_posts(rt2, uo, &ords, &nords) == 0 && nords >= 2,
          "u1's posts");
  licit_prefetch *pf1 = licit_prefetch_posts(rt2, ords, nords, 1), *pf2 = licit_prefetch_posts(rt2, ords, nords, 1),
                 *pf3 = licit_prefetch_posts(rt2, ords, nords, 1);
  CHECK(pf1 && pf2 && !pf3, "read-ahead threads: want 2 started and the 3rd refused (%d %d %d)", !!pf1, !!pf2, !!pf3);
  licit_prefetch_end(pf1);
  licit_prefetch *pf4 = licit_prefetch_posts(rt2, ords, nords, 1);
  CHECK(pf4 != NULL, "a read-ahead thread once one has ended");
  licit_prefetch_end(pf2);
  licit_prefetch_end(pf3);
  licit_prefetch_end(pf4);
  free(ords);
  licit_txn_abort(rt2);
  licit_event_parser_destroy(ep);
  licit_policy_free(pol);
  licit_store_close(s);
  rm_store();
  printf("store: %llu events in batches of %d beside %d readers: %ld read transactions at %llu log lengths, "
         "%ld evaluations checked\n",
         (unsigned long long)(total_len - warm_len), BATCH, N_READERS, txns, (unsigned long long)lens_seen, checked);
}

int main(int argc, char **argv) {
  static const char *const all[] = {"notices", "parsers", "store"};
  const char *const *which = all;
  int n = 3;
  if (argc > 1) which = (const char *const *)argv + 1, n = argc - 1;
  for (int i = 0; i < n; i++) {
    if (!strcmp(which[i], "notices")) test_notices();
    else if (!strcmp(which[i], "parsers")) test_parsers();
    else if (!strcmp(which[i], "store")) test_store();
    else {
      fprintf(stderr, "usage: %s [notices|parsers|store]...\n", argv[0]);
      return 2;
    }
    fflush(stdout);
  }
  int bad = atomic_load(&failures);
  if (bad) fprintf(stderr, "test_threads: %d check(s) failed\n", bad);
  return bad ? 1 : 0;
}
