/*
 * ingest.c — the streaming ingest loop (see ingest.h).
 *
 * Memory is bounded by the read buffer (a little over two maximal lines) and
 * one batch's dirty pages in LMDB (a batch also ends after 64 MiB of input).
 */
#include "ingest/ingest.h"
#include "ingest/lines.h"
#include "ingest/rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "notice/notice.h"

#define BATCH_BYTES ((uint64_t)64 << 20)
#define BATCH_EVENTS 100000
/* A batch may take at most `cap` bytes of input, and the store's room for
 * it is reserved (allocated on disk, licit_store_reserve) before it starts:
 * RESERVE_PER_BYTE times its input (log records, indexes and state take
 * about 1.5 times the input) plus RESERVE_EXTRA, beside the reserve's own
 * spare for copies.  When the file system cannot hold that much, the cap
 * halves down to BATCH_MIN (one line of the maximal length fits), and below
 * that the ingest stops with LICIT_ENOSPACE, every earlier batch committed.
 * Standard input starts at BATCH_FIRST_STDIN and doubles per batch, so a
 * small input never reserves room for 64 MiB. */
#define RESERVE_PER_BYTE 4
#define RESERVE_EXTRA ((size_t)1 << 20)
#define BATCH_MIN ((uint64_t)LICIT_LINE_MAX + (64u << 10))
#define BATCH_FIRST_STDIN ((uint64_t)4 << 20)
#define RAW_EXCERPT LICIT_LINE_EXCERPT /* bytes of an over-long line kept in the rejects file */

typedef struct run {
  licit_sink sink; /* first: adapters get &run.sink */
  licit_store *s;
  licit_txn *txn;
  const licit_ingest_opts *opts;
  licit_ingest_counts *c;
  const char *source; /* for rejects: the path or "-" */
  uint64_t line_no;
  const char *line;
  size_t line_len;
  size_t line_full_len; /* > line_len when the line was cut (too long) */
  licit_err *fatal;
  licit_buf out; /* a rejects record */
  double t0;            /* monotonic seconds at the start of this input */
  int64_t last_draw;    /* monotonic milliseconds of the last progress line */
  uint64_t bytes0, ev0; /* c->bytes and events counted when this input began
                           (counts add up over inputs) */
  uint64_t total_bytes; /* 0 when unknown (a pipe) */
  uint64_t batch_records, batch_bytes;
  uint64_t batch_cap;   /* input bytes this batch may take (reserved for) */
  uint64_t next_cap;    /* for standard input: the next batch's cap */
  bool one_txn;         /* a session that is one transaction (opts->one_txn_bytes) */
} run;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_reject(run *r, const char *msg) {
  if (r->opts->on_reject) r->opts->on_reject(r->opts->reject_ctx, r->line_no, msg);
  FILE *f = r->opts->rejects;
  if (!f) return 0;
  licit_buf *b = &r->out;
  licit_buf_reset(b);
  int rc = licit_buf_addc(b, '{');
  if (!rc) rc = licit_jw_key(b, "source");
  if (!rc) rc = licit_jw_strz(b, r->source);
  if (!rc) rc = licit_buf_printf(b, ",\"line\":%llu,", (unsigned long long)r->line_no);
  if (!rc) rc = licit_jw_key(b, "error");
  if (!rc) rc = licit_jw_strz(b, msg);
  if (!rc) rc = licit_buf_addc(b, ',');
  if (!rc) rc = licit_jw_key(b, "raw");
  if (!rc) rc = licit_jw_str(b, r->line, r->line_len);
  if (!rc && r->line_full_len > LICIT_LINE_MAX)
    rc = licit_buf_printf(b, ",\"raw_truncated\":true,\"raw_bytes\":%zu", r->line_full_len);
  if (!rc) rc = licit_buf_adds(b, "}\n");
  if (rc) return rc;
  if (fwrite(b->data, 1, b->len, f) != b->len)
    return licit_err_set(r->fatal, LICIT_EIO, "cannot write the rejects file: %s", strerror(errno));
  return 0;
}

static int emit(licit_sink *sink, const licit_event *in, unsigned flags) {
  run *r = (run *)sink;
  licit_err err;
  uint64_t seq;
  licit_event ev_copy;
  const licit_event *ev = in;
  if (in->type == LICIT_EV_POST || in->type == LICIT_EV_EDIT) {
    ev_copy = *in;
    ev_copy.optout_notice = licit_notice_detect(in->text.p, in->text.n, NULL) == 1;
    ev = &ev_copy;
  }
  int rc = licit_rules_apply(r->txn, ev, &seq, &err);
  if (rc == LICIT_ENOTFOUND && (flags & LICIT_EMIT_SKIP_UNKNOWN)) {
    r->c->skipped++;
    return 0;
  }
  if (rc == LICIT_ENOTFOUND) rc = LICIT_EREJECT; /* unknown post or user */
  if (rc == 0) {
    r->c->accepted++;
    return 0;
  }
  if (rc == LICIT_EDUPLICATE) {
    r->c->duplicates++;
    return 0;
  }
  if (rc == LICIT_EREJECT) {
    r->c->rejected++;
    return write_reject(r, err.msg);
  }
  *r->fatal = err;
  return rc;
}

static bool post_known(licit_sink *sink, const char *id, size_t n) {
  run *r = (run *)sink;
  licit_post_rec rec;
  licit_buf scratch = LICIT_BUF_INIT;
  bool known = licit_post_get(r->txn, id, n, &rec, &scratch) == 0;
  licit_buf_free(&scratch);
  return known;
}

/* Known: an account with an accepted event of its own; one that was only
 * mentioned has a record but is not known (SPEC section 2). */
static bool user_known(licit_sink *sink, const char *id, size_t n) {
  licit_user_rec rec;
  licit_buf scratch = LICIT_BUF_INIT;
  bool found = false;
  int rc = licit_store_user_lookup(((run *)sink)->txn, (licit_strv){id, n}, &found, &rec, &scratch);
  licit_buf_free(&scratch);
  return rc == 0 && found && !rec.unknown;
}

static bool is_duplicate(licit_sink *sink, const char *id, size_t n) {
  run *r = (run *)sink;
  uint64_t seq;
  if (licit_store_event_id(r->txn, id, n, &seq) != 0) return false;
  r->c->duplicates++;
  return true;
}

/* One progress line for this input: bytes read, events per second since it
 * began, and for a file the time left at that rate.  Every time here is
 * from the monotonic clock. */
static void draw_progress(run *r, bool final) {
  double t = now_s();
  if (!final && t * 1000 - r->last_draw < 250) return;
  r->last_draw = (int64_t)(t * 1000);
  double el = t - r->t0;
  uint64_t ev = r->c->accepted + r->c->duplicates + r->c->rejected + r->c->skipped - r->ev0;
  double eps = el > 0 ? ev / el : 0;
  uint64_t done = r->c->bytes - r->bytes0;
  double mb = done / 1e6;
  if (r->total_bytes) {
    double frac = (double)done / r->total_bytes;
    if (frac > 1) frac = 1;
    double eta = frac > 0 && el > 0 ? el * (1 - frac) / frac : 0;
    if (eta > 359999) eta = 359999; /* 99:59:59 at most; a rate near zero says nothing */
    int left = (int)eta;
    fprintf(stderr, "\r\033[Kingest %s: %.1f / %.1f MB (%.0f%%), %.0f events/s, ETA %d:%02d:%02d", r->source, mb,
            r->total_bytes / 1e6, 100 * frac, eps, left / 3600, left / 60 % 60, left % 60);
  } else {
    fprintf(stderr, "\r\033[Kingest %s: %.1f MB, %.0f events/s", r->source, mb, eps);
  }
  if (final) fputc('\n', stderr);
  fflush(stderr);
}

/* Reserves the store's room for the next batch and begins its write
 * transaction; sets r->batch_cap. */
/* Batches grow with the input this run has already applied: half of it, at
 * least BATCH_BYTES / BATCH_EVENTS.  A commit writes every page its batch
 * touched, and the random keys of the ids and posts tables spread a batch
 * over about min(records, pages) leaf pages of tables that grow with the
 * store; with fixed batches the pages written per event grew with the
 * store (17 kB an event at 4M events against 2 kB at 1M), with batches a
 * fixed fraction of what is stored they stay flat (docs/store.md). */
static uint64_t grown(uint64_t fixed, uint64_t done) { return done / 2 > fixed ? done / 2 : fixed; }

static int begin_batch(run *r) {
  uint64_t cap = grown(BATCH_BYTES, r->c->bytes - r->bytes0), floor = BATCH_MIN;
  if (r->one_txn) {
    cap = floor = r->opts->one_txn_bytes;
  } else if (r->total_bytes) {
    /* A file: no batch needs more than what is left of it (no line is
     * longer than that), so a small file reserves little. */
    uint64_t done = r->c->bytes - r->bytes0;
    uint64_t left = r->total_bytes > done ? r->total_bytes - done : 0;
    if (cap > left + 4096) cap = left + 4096;
    if (floor > cap) floor = cap;
  } else {
    uint64_t most = cap;
    if (!r->next_cap) r->next_cap = BATCH_FIRST_STDIN;
    if (cap > r->next_cap) cap = r->next_cap;
    r->next_cap = r->next_cap * 2 > most ? most : r->next_cap * 2;
  }
  int rc;
  for (;;) {
    rc = licit_store_reserve(r->s, (size_t)cap * RESERVE_PER_BYTE + RESERVE_EXTRA, r->fatal);
    if (rc != LICIT_ENOSPACE || cap <= floor) break;
    cap = cap / 2 < floor ? floor : cap / 2;
  }
  if (rc) return rc;
  r->batch_cap = cap;
  return licit_txn_begin(r->s, true, &r->txn, r->fatal);
}

static int commit_batch(run *r, bool reopen) {
  int rc = licit_txn_commit(r->txn, r->fatal);
  r->txn = NULL;
  r->batch_records = r->batch_bytes = 0;
  if (rc) return rc;
  return reopen ? begin_batch(r) : 0;
}

/* One record: a line (r->line_no already set) or a whole-file input's item. */
static int one_line(run *r, const licit_adapter *a, void *state, const char *p, size_t len, size_t full_len) {
  r->c->lines++;
  /* Strip the CR of a CRLF ending. */
  if (len == full_len && len > 0 && p[len - 1] == '\r') {
    len--;
    full_len--;
  }
  r->line = p;
  r->line_len = len;
  r->line_full_len = full_len;
  if (full_len == len && licit_line_is_blank(p, len)) return 0;
  int rc;
  /* A batch ends before the line that would take it past its reserved cap
   * (a one-transaction session cannot end: the record is refused). */
  if (r->one_txn && r->batch_bytes + full_len > r->batch_cap)
    return licit_err_set(r->fatal, LICIT_ETOOBIG, "%s: the input is larger than the %llu bytes reserved for it",
                         r->source, (unsigned long long)r->batch_cap);
  if (r->batch_records && r->batch_bytes + full_len > r->batch_cap && (rc = commit_batch(r, true))) return rc;
  if (full_len > LICIT_LINE_MAX) {
    char msg[128];
    /* However the line was read, the rejects file keeps the same excerpt. */
    r->line_len = len < RAW_EXCERPT ? len : RAW_EXCERPT;
    if (r->line_full_len == len) r->line_full_len = full_len;
    snprintf(msg, sizeof msg, "line is %zu bytes, longer than the limit of 2 MiB (2097152 bytes)", full_len);
    r->c->rejected++;
    rc = write_reject(r, msg);
  } else {
    licit_err err;
    rc = a->record(state, p, len, &r->sink, &err);
    if (rc == 1) {
      r->c->skipped++;
      rc = 0;
    } else if (rc == LICIT_EINVAL || rc == LICIT_ETOOBIG) {
      r->c->rejected++;
      rc = write_reject(r, err.msg);
    } else if (rc == LICIT_ENOMEM) {
      rc = licit_err_set(r->fatal, rc, "out of memory");
    }
  }
  if (rc) {
    if (r->fatal->code == 0) licit_err_set(r->fatal, rc, "%s", licit_strerror(rc));
    return rc;
  }
  r->batch_records++;
  r->batch_bytes += full_len;
  uint64_t lim = r->opts->batch_events
                     ? r->opts->batch_events
                     : grown(BATCH_EVENTS, r->c->accepted + r->c->duplicates + r->c->rejected + r->c->skipped - r->ev0);
  if (!r->one_txn && (r->batch_records >= lim || r->batch_bytes >= r->batch_cap)) {
    if ((rc = commit_batch(r, true))) return rc;
  }
  return 0;
}

/* A whole-file input taken by the adapter (see licit_adapter.open_file):
 * each item goes through one_line like a line, its index as the line. */
static int read_items(run *r, const licit_adapter *a, void *state) {
  for (;;) {
    const char *item;
    size_t len, full_len;
    uint64_t index;
    int rc = a->next_item(state, &item, &len, &full_len, &index, r->fatal);
    if (rc <= 0) return rc;
    r->line_no = index;
    if ((rc = one_line(r, a, state, item, len, full_len))) return rc;
    r->c->bytes += full_len;
    if (r->opts->progress) draw_progress(r, false);
  }
}

/* ------------------------------------------------------------ sessions -- */

struct licit_ingest {
  run r;
  const licit_adapter *a;
  void *state;
  licit_err err; /* the run's fatal error, copied out to callers */
};

static void run_init(run *r, licit_store *s, const licit_ingest_opts *opts, const char *source,
                     licit_ingest_counts *counts) {
  memset(r, 0, sizeof *r);
  r->sink.emit = emit;
  r->sink.post_known = post_known;
  r->sink.user_known = user_known;
  r->sink.is_duplicate = is_duplicate;
  r->s = s;
  r->opts = opts;
  r->c = counts;
  r->source = source;
  r->t0 = now_s();
  r->bytes0 = counts->bytes;
  r->ev0 = counts->accepted + counts->duplicates + counts->rejected + counts->skipped;
}

int licit_ingest_open(licit_store *s, const licit_ingest_opts *opts, const char *source, licit_ingest_counts *counts,
                      licit_ingest **out, licit_err *err) {
  const licit_adapter *a = licit_adapter_find(opts->format);
  if (!a) return licit_err_set(err, LICIT_EUSAGE, "unknown format \"%s\"", opts->format);
  licit_ingest *in = calloc(1, sizeof *in);
  if (!in) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  run_init(&in->r, s, opts, source, counts);
  in->r.fatal = &in->err;
  in->r.one_txn = opts->one_txn_bytes > 0;
  in->a = a;
  int rc = a->create(&in->state, opts->region);
  if (rc) {
    free(in);
    return licit_err_set(err, rc, "%s", licit_strerror(rc));
  }
  *out = in;
  return 0;
}

static int fail_out(licit_ingest *in, int rc, licit_err *err) {
  if (err) {
    if (in->err.code) *err = in->err;
    else licit_err_set(err, rc, "%s", licit_strerror(rc));
  }
  return rc;
}

licit_txn *licit_ingest_txn(licit_ingest *in, licit_err *err) {
  if (!in->r.txn) {
    in->err.code = 0;
    int rc = begin_batch(&in->r);
    if (rc) {
      fail_out(in, rc, err);
      return NULL;
    }
  }
  return in->r.txn;
}

int licit_ingest_record(licit_ingest *in, const char *rec, size_t len, licit_err *err) {
  in->err.code = 0;
  in->err.msg[0] = 0;
  if (!in->r.txn && !licit_ingest_txn(in, err)) return err ? err->code : LICIT_EIO;
  in->r.line_no++;
  int rc = one_line(&in->r, in->a, in->state, rec, len, len);
  in->r.c->bytes += len;
  return rc ? fail_out(in, rc, err) : 0;
}

int licit_ingest_commit(licit_ingest *in, licit_err *err) {
  if (!in->r.txn) return 0;
  in->err.code = 0;
  int rc = commit_batch(&in->r, false);
  return rc ? fail_out(in, rc, err) : 0;
}

void licit_ingest_close(licit_ingest *in) {
  if (!in) return;
  if (in->r.txn) licit_txn_abort(in->r.txn);
  if (in->state) in->a->destroy(in->state);
  licit_buf_free(&in->r.out);
  free(in);
}

/* --------------------------------------------------------------- files -- */

int licit_ingest_path(licit_store *s, const char *path, const licit_ingest_opts *opts, licit_ingest_counts *counts,
                      licit_err *err) {
  const licit_adapter *a = licit_adapter_find(opts->format);
  if (!a) return licit_err_set(err, LICIT_EUSAGE, "unknown format \"%s\"", opts->format);
  run r;
  run_init(&r, s, opts, path, counts);
  r.fatal = err;
  if (err) err->code = 0;
  licit_err dummy;
  if (!r.fatal) r.fatal = &dummy;
  r.fatal->code = 0;
  r.fatal->msg[0] = 0;
  FILE *in = NULL;
  bool is_stdin = strcmp(path, "-") == 0;
  licit_lines *lines = NULL;
  void *state = NULL;
  int rc = a->create(&state, opts->region);
  if (rc) {
    licit_err_set(r.fatal, rc, "%s", licit_strerror(rc));
    goto out;
  }
  bool whole_file = false;
  if (!is_stdin && a->open_file) {
    if ((rc = a->open_file(state, path, r.fatal)) < 0) goto out;
    whole_file = rc == 1;
  }
  if (whole_file) {
    if ((rc = begin_batch(&r))) goto out;
    if ((rc = read_items(&r, a, state))) goto out;
    rc = commit_batch(&r, false);
    goto out;
  }
  in = stdin;
  if (!is_stdin) {
    in = fopen(path, "rb");
    if (!in) {
      rc = licit_err_set(r.fatal, LICIT_EIO, "%s: cannot open: %s", path, strerror(errno));
      goto out;
    }
    struct stat st;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) r.total_bytes = (uint64_t)st.st_size;
  }
  if ((rc = licit_lines_open(in, &lines))) {
    rc = licit_err_set(r.fatal, rc, "out of memory");
    goto out;
  }
  if ((rc = begin_batch(&r))) goto out;
  for (;;) {
    const char *line;
    size_t len, full_len;
    uint64_t before = licit_lines_bytes(lines);
    rc = licit_lines_next(lines, &line, &len, &full_len);
    if (rc == 0) break;
    if (rc < 0) {
      rc = licit_err_set(r.fatal, LICIT_EIO, "%s: read error: %s", path, strerror(errno));
      goto out;
    }
    r.line_no++;
    rc = one_line(&r, a, state, line, len, full_len);
    /* Bytes count once their line is applied (a batch's cap is worked out
     * from what is left of the input before the line). */
    r.c->bytes += licit_lines_bytes(lines) - before;
    if (rc) goto out;
    if (opts->progress) draw_progress(&r, false);
  }
  rc = commit_batch(&r, false);
out:
  if (r.txn) licit_txn_abort(r.txn); /* only on failure: the uncommitted batch */
  if (opts->progress) draw_progress(&r, true);
  if (state) a->destroy(state);
  licit_lines_close(lines);
  licit_buf_free(&r.out);
  if (in && !is_stdin) fclose(in);
  return rc;
}
