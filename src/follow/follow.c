/*
 * follow.c — the live Jetstream follower (follow.h, SPEC section 10).
 *
 * One loop: connect (asking for the stored cursor minus 5 s), pull messages
 * from ws.h, hand each to the ingest session, commit with the cursor at
 * least once a second; on a drop or a stall, commit, wait (backoff) and
 * connect again.  The ingest session runs in "one transaction until asked"
 * mode (ingest.h, one_txn_bytes), so no commit happens behind the
 * follower's back: every commit carries the cursor of exactly the messages
 * it holds.
 *
 * Why a cursor 5 s back is gapless and exact: Jetstream sends messages in
 * time_us order (within a few seconds), the cursor is the greatest time_us
 * of the messages the commit holds, and everything sent after it is sent
 * again; what was already applied comes back as a duplicate by id (the
 * adapter's ids are stable across replays), and what was skipped or
 * rejected is skipped or rejected again.
 */
#include "follow/follow.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "follow/ws.h"
#include "ingest/ingest.h"
#include "json/json.h"

#define REPLAY_US 5000000LL        /* ask for the cursor minus this */
#define COMMIT_EVERY_S 1.0         /* commit at least this often */
#define TICK_MS 200                /* longest wait before looking at *stop */
#define BACKOFF_FIRST_S 0.5
#define BACKOFF_MAX_S 30.0
#define BACKOFF_RESET_S 30.0       /* connected this long: next backoff is the first */
#define STALL_DEFAULT_S 60.0
#define TXN_BYTES ((size_t)16 << 20) /* input bytes one commit may hold */

void licit_follow_stats_init(licit_follow_stats *st, const char *url) {
  memset(st, 0, sizeof *st);
  st->url = url;
}

double licit_follow_lag_s(const licit_follow_stats *st) {
  int64_t last = atomic_load(&st->last_time_us);
  if (last == 0) return -1;
  return (double)(licit_time_now() - last) / 1e6;
}

/* ------------------------------------------------------------- the URL -- */

/* Whether a query parameter (name[=value]) is named `cursor`. */
static bool is_cursor_param(const char *p, size_t n) {
  return n >= 6 && memcmp(p, "cursor", 6) == 0 && (n == 6 || p[6] == '=');
}

int licit_follow_feed_key(const char *url, licit_buf *key, int64_t *cursor, licit_err *err) {
  licit_ws_url u;
  int rc = licit_ws_url_parse(url, &u, err);
  if (rc) return rc;
  if (cursor) *cursor = -1;
  licit_buf_reset(key);
  const char *q = strchr(url, '?');
  if (!q) return licit_buf_adds(key, url) ? licit_err_set(err, LICIT_ENOMEM, "out of memory") : 0;
  rc = licit_buf_add(key, url, (size_t)(q - url));
  bool first = true;
  for (const char *p = q + 1; !rc && *p;) {
    const char *e = strchr(p, '&');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (is_cursor_param(p, n)) {
      if (cursor) {
        char *end;
        long long v = n > 7 ? strtoll(p + 7, &end, 10) : -1;
        if (n <= 7 || end != p + n || v < 0)
          return licit_err_set(err, LICIT_EINVAL, "%.200s: the cursor parameter is not a time in microseconds",
                               url);
        *cursor = v;
      }
    } else if (n > 0) {
      rc = licit_buf_addc(key, first ? '?' : '&');
      if (!rc) rc = licit_buf_add(key, p, n);
      first = false;
    }
    p += n + (e ? 1 : 0);
  }
  return rc ? licit_err_set(err, LICIT_ENOMEM, "out of memory") : 0;
}

/* ------------------------------------------------------------- the run -- */

typedef struct follower {
  licit_store *s;
  const licit_follow_opts *o;
  atomic_int *stop;
  licit_follow_stats *st, own_st;
  licit_buf key;          /* the feed key */
  licit_buf url;          /* the URL of the next connection */
  int64_t url_cursor;     /* the URL's own cursor parameter, -1 when none */
  bool have_cursor;       /* the store had (or now has) a cursor */
  int64_t committed;      /* the cursor in the store */
  int64_t cursor;         /* greatest time_us processed */
  licit_ingest_opts io;
  licit_ingest_counts counts;
  licit_ingest *in;
  uint64_t pending;       /* messages in the open transaction */
  double last_commit;
  licit_err *err;
  /* progress */
  double last_draw, rate_t0;
  uint64_t rate_n0;
  double rate;
  unsigned seed;
} follower;

static bool stopped(follower *f) { return f->stop && atomic_load(f->stop); }

/* Commits the messages processed since the last commit and their cursor. */
static int commit(follower *f) {
  if (f->pending == 0 && (!f->have_cursor || f->cursor <= f->committed)) return 0;
  if (f->cursor > f->committed || !f->have_cursor) {
    if (f->cursor > 0) {
      licit_txn *t = licit_ingest_txn(f->in, f->err);
      if (!t) return f->err->code ? f->err->code : LICIT_EIO;
      int rc = licit_cursor_put(t, f->key.data, f->key.len, f->cursor, f->err);
      if (rc) return rc;
    }
  }
  int rc = licit_ingest_commit(f->in, f->err);
  if (rc) return rc;
  if (f->cursor > 0) {
    f->committed = f->cursor;
    f->have_cursor = true;
  }
  f->pending = 0;
  f->last_commit = licit_time_mono();
  atomic_store(&f->st->committed_cursor, f->committed);
  atomic_fetch_add(&f->st->commits, 1);
  return 0;
}

/* The top-level time_us of a message, or -1 (not JSON, not an object, no
 * integer time_us).  Rejected messages count too: SPEC 10's cursor is over
 * every message processed. */
static int64_t message_time(const char *msg, size_t len) {
  licit_json *root;
  if (licit_json_parse_opts(msg, len, LICIT_JSON_NUMBERS_CLAMP, &root, NULL) != 0) return -1;
  int64_t t = -1;
  licit_json *v = licit_json_typeof(root) == LICIT_JSON_OBJECT ? licit_json_get(root, "time_us") : NULL;
  if (v && licit_json_typeof(v) == LICIT_JSON_INT && licit_json_int(v) > 0) t = licit_json_int(v);
  licit_json_free(root);
  return t;
}

static void publish_counts(follower *f) {
  atomic_store(&f->st->accepted, f->counts.accepted);
  atomic_store(&f->st->duplicates, f->counts.duplicates);
  atomic_store(&f->st->rejected, f->counts.rejected);
  atomic_store(&f->st->skipped, f->counts.skipped);
}

static int one_message(follower *f, const char *msg, size_t len, size_t full_len) {
  int rc;
  /* Commit before the transaction's reserved room runs out: 16 MiB of
   * input, or less where the disk has less room (one_txn_min). */
  if (f->pending && len > licit_ingest_room(f->in) && (rc = commit(f))) return rc;
  /* A message of the feed is one record: a frame with line breaks in it
   * is still one (invalid) record, as Jetstream sends one event a frame. */
  if ((rc = licit_ingest_record_cut(f->in, msg, len, full_len, f->err))) return rc;
  f->pending++;
  int64_t t = message_time(msg, len);
  if (t > f->cursor) {
    f->cursor = t;
    atomic_store(&f->st->cursor, t);
  }
  if (t > 0) atomic_store(&f->st->last_time_us, t);
  int64_t now = licit_time_now();
  if (atomic_fetch_add(&f->st->messages, 1) == 0) atomic_store(&f->st->first_arrival_us, now);
  atomic_store(&f->st->last_arrival_us, now);
  publish_counts(f);
  return 0;
}

static void draw(follower *f, const char *state, bool final) {
  if (!f->o->progress) return;
  double now = licit_time_mono();
  if (!final && now - f->last_draw < 1.0) return;
  uint64_t n = atomic_load(&f->st->messages);
  if (now - f->rate_t0 >= 1.0) {
    f->rate = (double)(n - f->rate_n0) / (now - f->rate_t0);
    f->rate_t0 = now;
    f->rate_n0 = n;
  }
  f->last_draw = now;
  double lag = licit_follow_lag_s(f->st);
  char lagbuf[32] = "-";
  if (lag >= 0) snprintf(lagbuf, sizeof lagbuf, "%.1f s", lag);
  fprintf(stderr, "\r\033[Kfollow: %s, %llu messages, %.0f/s, lag %s, accepted %llu", state, (unsigned long long)n,
          f->rate, lagbuf, (unsigned long long)f->counts.accepted);
  if (final) fputc('\n', stderr);
  fflush(stderr);
}

/* The URL of the next connection: the feed key with the cursor to ask for. */
static int next_url(follower *f) {
  int64_t c = -1;
  if (f->have_cursor) c = f->committed > REPLAY_US ? f->committed - REPLAY_US : 0;
  else if (f->url_cursor >= 0) c = f->url_cursor;
  licit_buf_reset(&f->url);
  int rc = licit_buf_add(&f->url, f->key.data, f->key.len);
  if (!rc && c >= 0)
    rc = licit_buf_printf(&f->url, "%ccursor=%lld", strchr(f->key.data, '?') ? '&' : '?', (long long)c);
  return rc ? licit_err_set(f->err, LICIT_ENOMEM, "out of memory") : 0;
}

/* Waits `s` seconds unless stopped; commits nothing (nothing is pending). */
static void pause_s(follower *f, double s) {
  double end = licit_time_mono() + s;
  for (;;) {
    double left = end - licit_time_mono();
    if (left <= 0 || stopped(f)) return;
    if (left > TICK_MS / 1000.0) left = TICK_MS / 1000.0;
    struct timespec ts = {(time_t)left, (long)((left - (time_t)left) * 1e9)};
    nanosleep(&ts, NULL);
    draw(f, "reconnecting", false);
  }
}

/* One connection, until it drops, stalls or the run is stopped.  Returns 0,
 * LICIT_WS_TLS_REFUSED (as a positive value) or a fatal error. */
static int connection(follower *f, licit_ws *ws, double stall_s, double *connected_for) {
  licit_err werr = {0};
  *connected_for = 0;
  int rc = next_url(f);
  if (rc) return rc;
  if (licit_ws_connect(ws, f->url.data, &werr)) return 0; /* retried */
  double opened = 0, last_msg = 0;
  for (;;) {
    if (stopped(f)) break;
    const char *msg;
    size_t len, full;
    int r = licit_ws_next(ws, TICK_MS, &msg, &len, &full, &werr);
    double now = licit_time_mono();
    if (r < 0) return licit_err_set(f->err, r, "%s", werr.msg);
    if (r == LICIT_WS_TLS_REFUSED) {
      licit_err_set(f->err, LICIT_EIO, "%s: %s", f->o->url, werr.msg);
      return LICIT_WS_TLS_REFUSED;
    }
    if (r == LICIT_WS_CLOSED) break;
    if (licit_ws_is_open(ws) && opened == 0) {
      opened = last_msg = now;
      atomic_store(&f->st->connected, 1);
    }
    if (r == LICIT_WS_MESSAGE) {
      last_msg = now;
      if ((rc = one_message(f, msg, len, full))) return rc;
    }
    if (now - f->last_commit >= COMMIT_EVERY_S && (rc = commit(f))) return rc;
    if (opened && now - last_msg >= stall_s) break; /* stalled: as if dropped */
    draw(f, opened ? "connected" : "connecting", false);
  }
  if (opened) *connected_for = licit_time_mono() - opened;
  atomic_store(&f->st->connected, 0);
  licit_ws_drop(ws);
  return commit(f);
}

int licit_follow_run(licit_store *s, const licit_follow_opts *opts, atomic_int *stop, licit_follow_stats *stats,
                     licit_err *err) {
  follower f;
  memset(&f, 0, sizeof f);
  licit_ws *ws = NULL;
  f.s = s;
  f.o = opts;
  f.stop = stop;
  f.err = err;
  f.st = stats ? stats : &f.own_st;
  if (!stats) licit_follow_stats_init(&f.own_st, opts->url);
  f.seed = (unsigned)getpid() ^ (unsigned)licit_time_now();
  int rc = licit_follow_feed_key(opts->url, &f.key, &f.url_cursor, err);
  if (rc) goto out;
  /* The cursor kept for this feed, if any. */
  licit_txn *t;
  if ((rc = licit_txn_begin(s, false, &t, err))) goto out;
  rc = licit_cursor_get(t, f.key.data, f.key.len, &f.committed);
  licit_txn_abort(t);
  if (rc == 0) {
    f.have_cursor = true;
    f.cursor = f.committed;
    atomic_store(&f.st->cursor, f.cursor);
    atomic_store(&f.st->committed_cursor, f.committed);
  } else if (rc != LICIT_ENOTFOUND) {
    rc = licit_err_set(err, rc, "%s: cannot read the feed's cursor: %s", licit_store_dir(s), licit_strerror(rc));
    goto out;
  }
  f.io.format = "jetstream";
  f.io.region = opts->region;
  f.io.rejects = opts->rejects;
  f.io.on_reject = opts->on_reject;
  f.io.reject_ctx = opts->reject_ctx;
  f.io.one_txn_bytes = TXN_BYTES;
  /* On a disk with less room than 16 MiB of input needs, smaller commits
   * (down to one largest message) rather than none. */
  f.io.one_txn_min = LICIT_WS_MSG_MAX + 4096;
  if ((rc = licit_ingest_open(s, &f.io, opts->url, &f.counts, &f.in, err))) goto out;
  if ((rc = licit_ws_create(opts->ca_file, &ws, err))) goto out;
  double stall_s = opts->stall_s > 0 ? opts->stall_s : STALL_DEFAULT_S;
  double backoff = BACKOFF_FIRST_S;
  f.last_commit = f.rate_t0 = licit_time_mono();
  for (bool first = true; !stopped(&f); first = false) {
    if (!first) atomic_fetch_add(&f.st->reconnects, 1);
    double up;
    rc = connection(&f, ws, stall_s, &up);
    if (rc == LICIT_WS_TLS_REFUSED) {
      rc = LICIT_EIO;
      goto out;
    }
    if (rc) goto out;
    if (stopped(&f)) break;
    if (up >= BACKOFF_RESET_S) backoff = BACKOFF_FIRST_S;
    double jitter = 0.8 + 0.4 * ((double)rand_r(&f.seed) / RAND_MAX);
    pause_s(&f, backoff * jitter);
    backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
  }
  rc = commit(&f);
out:
  if (f.in && rc == 0) draw(&f, "stopped", true);
  atomic_store(&f.st->connected, 0);
  licit_ws_destroy(ws);
  licit_ingest_close(f.in);
  licit_buf_free(&f.key);
  licit_buf_free(&f.url);
  return rc;
}
