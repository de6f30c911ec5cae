/*
 * ingest.c — the streaming ingest loop (see ingest.h).
 *
 * Memory is bounded by the read buffer (a little over two maximal lines) and
 * one batch's dirty pages in LMDB (a batch also ends after 64 MiB of input).
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "ingest/ingest.h"
#include "ingest/lines.h"
#include "ingest/rules.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/hash.h"
#include "json/json.h"
#include "notice/notice.h"

extern const licit_adapter licit_adapter_native;

#define BATCH_BYTES ((uint64_t)64 << 20)
#define BATCH_EVENTS 100000
/* The least a batch of a file's input takes (unless the file is smaller;
 * a pipe keeps the floors above, so that a live feed read from standard
 * input commits as often as before): every commit writes again each leaf
 * of the random-keyed tables its batch touched, so fewer commits write
 * less.  With the floors above a 1M-event file made six commits and wrote
 * 773 bytes an event; with these it makes three and writes 637, and the
 * room reserved before a batch (RESERVE_PER_BYTE below) is at most about
 * four times the input, as before (docs/store.md, round 27). */
#define FILE_BATCH_BYTES ((uint64_t)256 << 20)
#define FILE_BATCH_EVENTS 400000
/* The kernel writes a dirty page back once it has been dirty for
 * vm.dirty_expire_centisecs (30 s by default), commit or not, and a batch
 * of an ingest dirties the same leaf pages of the random-keyed tables over
 * and over: a batch that lasts longer than that has them written, dirtied
 * again and written again.  At 10M events the batches that grow with the
 * input lasted a minute and more, and the bytes written per event were six
 * times those at 1M.  So a batch also ends after this many seconds. */
#define BATCH_SECONDS 20.0
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
  double t_commit, t_begin; /* seconds in commits and in beginning batches (LICIT_PIPELINE_TIMES) */
  licit_rules_times *times; /* the steps of applying events, when measuring (LICIT_PIPELINE_TIMES) */
  licit_rules_times times_;
  uint64_t commits;
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
  bool notices_done;    /* the pipeline's parser already flagged opt-out notices */
  double batch_t0;      /* monotonic seconds when the batch began */
  bool filter_tried;    /* licit_store_filter_posts was considered */
  bool input_failed;    /* the input could not be read on (damaged, a read error): what was applied stands */
} run;

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
  if (!r->notices_done && (in->type == LICIT_EV_POST || in->type == LICIT_EV_EDIT)) {
    ev_copy = *in;
    ev_copy.optout_notice = licit_notice_detect(in->text.p, in->text.n, NULL) == 1;
    ev = &ev_copy;
  }
  int rc = licit_rules_apply_timed(r->txn, ev, &seq, &err, r->times);
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

/* Known: an account with an accepted event of its own; one that was only
 * mentioned has a record but is not known (SPEC section 2). */
static int user_known(licit_sink *sink, const char *id, size_t n) {
  licit_user_rec rec;
  licit_buf scratch = LICIT_BUF_INIT;
  bool found = false;
  int rc = licit_store_user_lookup(((run *)sink)->txn, (licit_strv){id, n}, &found, &rec, &scratch);
  licit_buf_free(&scratch);
  if (rc) return rc < 0 ? rc : LICIT_ESTORE;
  return found && !rec.unknown;
}

static int post_author(licit_sink *sink, const char *post, size_t pn, const char *user, size_t un) {
  run *r = (run *)sink;
  licit_post_rec rec;
  licit_buf scratch = LICIT_BUF_INIT;
  int rc = licit_post_get(r->txn, post, pn, &rec, &scratch);
  licit_buf_free(&scratch);
  if (rc == LICIT_ENOTFOUND) return LICIT_SINK_UNKNOWN;
  if (rc) return rc < 0 ? rc : LICIT_ESTORE;
  uint32_t ord;
  rc = licit_user_ord(r->txn, user, un, &ord);
  if (rc == LICIT_ENOTFOUND) return LICIT_SINK_OTHER;
  if (rc) return rc < 0 ? rc : LICIT_ESTORE;
  return ord == rec.user ? LICIT_SINK_AUTHOR : LICIT_SINK_OTHER;
}

static int is_duplicate(licit_sink *sink, const char *id, size_t n) {
  run *r = (run *)sink;
  uint64_t seq;
  int rc = licit_store_event_id(r->txn, id, n, &seq);
  if (rc == LICIT_ENOTFOUND) return 0;
  if (rc) return rc;
  r->c->duplicates++;
  return 1;
}

/* One progress line for this input: bytes read, events per second since it
 * began, and for a file the time left at that rate.  Every time here is
 * from the monotonic clock. */
static void draw_progress(run *r, bool final) {
  double t = licit_time_mono();
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
 * least BATCH_BYTES / BATCH_EVENTS (a file's: FILE_BATCH_*).  A commit
 * writes every page its batch touched, and the random keys of the ids and posts tables spread a batch
 * over about min(records, pages) leaf pages of tables that grow with the
 * store; with fixed batches the pages written per event grew with the
 * store (17 kB an event at 4M events against 2 kB at 1M), with batches a
 * fixed fraction of what is stored they stay flat (docs/store.md). */
static uint64_t grown(uint64_t fixed, uint64_t done) { return done / 2 > fixed ? done / 2 : fixed; }

/* The records a batch may hold before it commits (--batch N fixes it). */
static uint64_t batch_limit(const run *r) {
  if (r->opts->batch_events) return r->opts->batch_events;
  return grown(r->total_bytes ? FILE_BATCH_EVENTS : BATCH_EVENTS,
               r->c->accepted + r->c->duplicates + r->c->rejected + r->c->skipped - r->ev0);
}

static int begin_batch(run *r) {
  uint64_t cap = grown(r->total_bytes ? FILE_BATCH_BYTES : BATCH_BYTES, r->c->bytes - r->bytes0), floor = BATCH_MIN;
  if (r->one_txn) {
    /* All of it, or (one_txn_min) as much as the disk has room for. */
    cap = floor = r->opts->one_txn_bytes;
    if (r->opts->one_txn_min && r->opts->one_txn_min < cap) floor = r->opts->one_txn_min;
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
  r->batch_t0 = licit_time_mono();
  rc = licit_txn_begin(r->s, true, &r->txn, r->fatal);
  if (!rc && !r->filter_tried && r->total_bytes) {
    /* A file that will add posts in numbers (a line of a post event is
     * rarely under 300 bytes) next to those already stored: look them up
     * through a filter of the store's post ids (src/store/pending.c).  A
     * small file into a large store skips it: the filter scans every id. */
    r->filter_tried = true;
    uint64_t expect = r->total_bytes / 300;
    if (expect * 4 >= licit_txn_n_posts(r->txn) && !getenv("LICIT_NO_POSTS_FILTER"))
      (void)licit_store_filter_posts(r->txn, expect); /* without it, look-ups go to the table */
  }
  return rc;
}

static int commit_batch(run *r, bool reopen) {
  double t0 = licit_time_mono();
  int rc = licit_txn_commit(r->txn, r->fatal);
  double t1 = licit_time_mono();
  r->t_commit += t1 - t0;
  r->commits++;
  r->txn = NULL;
  r->batch_records = r->batch_bytes = 0;
  if (rc) return rc;
  rc = reopen ? begin_batch(r) : 0;
  r->t_begin += licit_time_mono() - t1;
  return rc;
}

/* A record parsed ahead by the pipeline (below): its parse result, its
 * event, and the parser's message when it failed. */
typedef struct prepared {
  int rc;
  const licit_event *ev; /* the pipeline's, not copied */
  const char *msg;
} prepared;

/* One record: a line (r->line_no already set) or a whole-file input's item,
 * through the adapter, or (pre) as the pipeline parsed it. */
static int one_record(run *r, const licit_adapter *a, void *state, const prepared *pre, const char *p, size_t len,
                      size_t full_len);

static int one_line(run *r, const licit_adapter *a, void *state, const char *p, size_t len, size_t full_len) {
  return one_record(r, a, state, NULL, p, len, full_len);
}

static int one_record(run *r, const licit_adapter *a, void *state, const prepared *pre, const char *p, size_t len,
                      size_t full_len) {
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
  /* What the record may add to the store: an over-long line adds nothing
   * but its reject, whatever its length. */
  size_t held = full_len > LICIT_LINE_MAX ? len : full_len;
  /* A batch ends before the line that would take it past its reserved cap
   * (a one-transaction session cannot end: the record is refused). */
  if (r->one_txn && r->batch_bytes + held > r->batch_cap)
    return licit_err_set(r->fatal, LICIT_ETOOBIG, "%s: the input is larger than the %llu bytes reserved for it",
                         r->source, (unsigned long long)r->batch_cap);
  if (r->batch_records && r->batch_bytes + held > r->batch_cap && (rc = commit_batch(r, true))) return rc;
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
    if (pre) {
      /* Only a parse error carries a message (copied once, not per record). */
      err.code = pre->rc;
      if (pre->rc) snprintf(err.msg, sizeof err.msg, "%s", pre->msg ? pre->msg : "");
      rc = licit__native_finish(&r->sink, pre->rc, pre->ev, &err);
    } else {
      rc = a->record(state, p, len, &r->sink, &err);
    }
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
  r->batch_bytes += held;
  uint64_t lim = batch_limit(r);
  /* A batch also ends after BATCH_SECONDS (checked every 4096 records) once
   * it holds BATCH_EVENTS records, unless --batch fixed its size. */
  bool old = !r->opts->batch_events && r->batch_records >= BATCH_EVENTS && r->batch_records % 4096 == 0 &&
             licit_time_mono() - r->batch_t0 >= BATCH_SECONDS;
  if (!r->one_txn && (r->batch_records >= lim || r->batch_bytes >= r->batch_cap || old)) {
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
    if (rc < 0 && rc != LICIT_ENOMEM) r->input_failed = true;
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
  r->sink.user_known = user_known;
  r->sink.post_author = post_author;
  r->sink.is_duplicate = is_duplicate;
  r->s = s;
  r->opts = opts;
  r->c = counts;
  r->source = source;
  r->t0 = licit_time_mono();
  r->bytes0 = counts->bytes;
  r->ev0 = counts->accepted + counts->duplicates + counts->rejected + counts->skipped;
  if (getenv("LICIT_PIPELINE_TIMES")) r->times = &r->times_;
}

int licit_ingest_open(licit_store *s, const licit_ingest_opts *opts, const char *source, licit_ingest_counts *counts,
                      licit_ingest **out, licit_err *err) {
  const licit_adapter *a = opts->adapter ? opts->adapter : licit_adapter_find(opts->format);
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
  return licit_ingest_record_cut(in, rec, len, len, err);
}

int licit_ingest_record_cut(licit_ingest *in, const char *rec, size_t len, size_t full_len, licit_err *err) {
  in->err.code = 0;
  in->err.msg[0] = 0;
  if (full_len < len) full_len = len;
  if (!in->r.txn && !licit_ingest_txn(in, err)) return err ? err->code : LICIT_EIO;
  in->r.line_no++;
  int rc = one_line(&in->r, in->a, in->state, rec, len, full_len);
  in->r.c->bytes += full_len;
  return rc ? fail_out(in, rc, err) : 0;
}

size_t licit_ingest_room(const licit_ingest *in) {
  if (!in->r.txn) return in->r.opts->one_txn_bytes;
  return in->r.batch_cap > in->r.batch_bytes ? (size_t)(in->r.batch_cap - in->r.batch_bytes) : 0;
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


/* ------------------------------------------------------------ pipeline -- */

/* A native input on two cores: a producer thread reads lines, parses and
 * validates them and flags opt-out notices (licit_event_parse,
 * licit_notice_detect: pure work that needs no store), while this thread
 * applies them in order, exactly as the single-threaded loop would (rules,
 * store, batches, commits, rejects, progress).  Records travel in a ring of
 * PIPE_CHUNKS chunks, each holding the lines' bytes and their parsed
 * events in one arena, so memory is bounded (about PIPE_CHUNKS times
 * PIPE_BYTES plus one maximal line each) whatever the input; when the ring
 * is full the producer waits.  Only this thread writes, and a batch commits
 * only here, so a kill at any moment still leaves a prefix.  With both
 * threads about equally busy, three chunks left each waiting for the other
 * at every hiccup; eight made a 1M ingest 10 % and a 4M one 12 % faster
 * for about 11 MiB more. */

#define PIPE_CHUNKS 8
#define PIPE_ITEMS 2048
#define PIPE_BYTES ((size_t)2 << 20)
/* How many events ahead the applying thread asks for the cache lines an
 * event's look-ups will read (licit_txn_hint): a few microseconds each, so
 * a line asked for this far ahead has arrived. */
#define HINT_AHEAD 4

typedef struct pitem {
  uint64_t line_no, bytes; /* bytes: input the reader consumed for this line */
  size_t raw, len, full_len;
  size_t msg;              /* the parse error message (rc != 0) */
  int rc;
  licit_event ev;          /* strings hold arena offsets + 1 until the chunk is sealed */
  /* licit_hash64 of the post, parent and account ids (0: none), for the
   * applying thread's hints a few events ahead (licit_txn_hint). */
  uint64_t h_post, h_parent, h_user;
} pitem;

typedef struct chunk {
  pitem items[PIPE_ITEMS];
  size_t n;
  licit_buf arena;
  bool last;  /* the input ends with this chunk */
  int err;    /* 0, or LICIT_EIO / LICIT_ENOMEM from the producer */
  int err_no; /* errno of a read error */
} chunk;

typedef struct pipeline {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  chunk *chunks; /* PIPE_CHUNKS */
  size_t tail, count; /* filled chunks: tail, tail+1, ... (mod PIPE_CHUNKS) */
  bool stop;          /* the consumer has given up */
  bool all_read;      /* the producer has published its last chunk */
  licit_lines *lines;
  licit_event_parser *parser;
  /* Warming the store's new pages (licit_store_warm): the applying thread
   * says how far into the data file its batch has probably written
   * (warm_to, under mu); the producer brings the pages up to there into
   * the page cache before it parses the next chunk, so the kernel's
   * zero-filling of fresh pages runs on its core. */
  licit_buf enc;    /* the producer's: encoding a log record */
  licit_store *s;
  uint64_t warm_to; /* under mu */
  uint64_t warmed;  /* the producer's own */
  double cpu[3];    /* the producer's user and system seconds and page faults, at its end */
  double waited;    /* the producer's seconds waiting for a free chunk */
  double t_warm;    /* the producer's seconds warming the store */
  /* Pages to map writable ahead of the writer: [ww_from, ww_to) and the
   * count of commits (epoch), under mu; the producer's progress in that
   * range (ww_done) in the epoch it was made (ww_epoch). */
  uint64_t ww_from, ww_to, epoch;
  uint64_t ww_done, ww_epoch;
  /* Whether the warming reads ahead into small page-cache folios (set by
   * the applying thread once the store has reached WARM_FROM, under mu;
   * the producer's copy, small_seen). */
  bool small, small_seen;
} pipeline;

/* This thread's user and system CPU seconds and its page faults (minor). */
static void thread_cpu(double cpu[3]) {
  struct rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru)) return;
  cpu[0] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
  cpu[1] = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  cpu[2] = (double)ru.ru_minflt;
}

/* How far ahead of the estimated end of the batch's writes pages are
 * warmed: a few chunks' worth (a chunk of at most PIPE_BYTES of input
 * adds about three times that to the store). */
#define WARM_AHEAD ((uint64_t)64 << 20)
/* The store's size from which the warming reads ahead with readahead(2),
 * into 4 KiB page-cache folios, instead of through the map
 * (MADV_POPULATE_READ), where the kernel's fault path makes folios of up
 * to 2 MiB.  Large folios are faster to fault in and to map (1M events:
 * 7.9–8.5 s warmed with readahead, 4.6–5.6 s through the map), but a 4 KiB
 * write through the shared map dirties the whole folio, so a large store
 * written at random places writes much more (10M events warmed through
 * the map: 3.6 kB an event; with readahead from 1 GiB on: 1.2–1.4 kB).
 * docs/store.md, round 9.  LICIT_WARM_FROM_MB overrides it (tests,
 * measurements; 0 reads ahead with readahead from the start). */
#define WARM_FROM LICIT_STORE_SMALL_FOLIOS_FROM
/* The most the producer warms at a time, so that it sees soon when the
 * ring has room again. */
#define WARM_STEP ((uint64_t)16 << 20)
/* Pages mapped writable ahead of the writer (licit_store_warm_write): at
 * most this far ahead of where the transaction takes new pages, a step
 * at a time, and only in the first WW_BATCH_PERCENT of a batch. */
#define WW_AHEAD ((uint64_t)4 << 20)
#define WW_STEP ((uint64_t)1 << 20)
#define WW_BATCH_PERCENT 80u

/* The applying thread's estimate of where its transaction writes new
 * pages: the end of the last commit plus the input applied since then
 * times the store's growth per input byte in the batches before (3 until
 * one was committed).  Only an estimate: pages warmed too early are used
 * by a later batch, pages missed are zero-filled by the writer as before. */
typedef struct warm_est {
  uint64_t end;   /* licit_store_used_bytes at the last commit seen */
  uint64_t bytes; /* input bytes applied when it was seen */
  double ratio;
} warm_est;

static uint64_t warm_target(warm_est *w, licit_store *s, licit_txn *txn, uint64_t bytes) {
  /* Where the transaction takes new pages now, when the store can say:
   * it reuses freed pages first, so its end stands still for a while and
   * then moves fast, which no estimate from the input follows. */
  uint64_t at = txn ? licit_txn_write_end(txn) : 0;
  if (at) return at + WARM_AHEAD;
  uint64_t end = licit_store_used_bytes(s);
  if (end != w->end) {
    if (w->end && end > w->end && bytes > w->bytes) w->ratio = (double)(end - w->end) / (double)(bytes - w->bytes);
    w->end = end;
    w->bytes = bytes;
  }
  if (w->ratio <= 0) w->ratio = 3;
  return end + (uint64_t)((double)(bytes - w->bytes) * w->ratio) + WARM_AHEAD;
}

static int arena_str(licit_buf *a, licit_strv *s) {
  if (!s->p) return 0;
  size_t off = a->len;
  if (licit_buf_add(a, s->p, s->n)) return LICIT_ENOMEM;
  s->p = (const char *)(uintptr_t)(off + 1);
  return 0;
}

static int arena_strs(licit_buf *a, licit_strv **arr, size_t n) {
  if (!*arr) return 0;
  while (a->len % 8)
    if (licit_buf_addc(a, 0)) return LICIT_ENOMEM;
  size_t off = a->len;
  if (licit_buf_add(a, *arr, n * sizeof **arr)) return LICIT_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    licit_strv s = ((licit_strv *)(a->data + off))[i]; /* re-read: arena_str may move the arena */
    int rc = arena_str(a, &s);
    if (rc) return rc;
    ((licit_strv *)(a->data + off))[i] = s; /* the arena may have moved */
  }
  *arr = (licit_strv *)(uintptr_t)(off + 1);
  return 0;
}

/* The parsed event's strings into the chunk's arena (as offsets). */
static int arena_event(licit_buf *a, licit_event *ev) {
  licit_strv *ss[] = {&ev->id, &ev->post, &ev->user, &ev->text, &ev->kind, &ev->lang, &ev->parent, &ev->with};
  int rc = 0;
  for (size_t i = 0; i < sizeof ss / sizeof *ss && !rc; i++) rc = arena_str(a, ss[i]);
  if (!rc) rc = arena_strs(a, &ev->signals, ev->n_signals);
  if (!rc) rc = arena_strs(a, &ev->mentions, ev->n_mentions);
  ev->mentions_enc = NULL;
  return rc;
}

static const char *fix(const char *base, const char *p) { return p ? base + ((uintptr_t)p - 1) : NULL; }

/* Offsets to pointers, once the arena no longer grows. */
static void seal(chunk *c) {
  const char *base = c->arena.data ? c->arena.data : "";
  for (size_t i = 0; i < c->n; i++) {
    licit_event *ev = &c->items[i].ev;
    licit_strv *ss[] = {&ev->id, &ev->post, &ev->user, &ev->text, &ev->kind, &ev->lang, &ev->parent, &ev->with};
    for (size_t k = 0; k < sizeof ss / sizeof *ss; k++) ss[k]->p = fix(base, ss[k]->p);
    licit_strv **arrs[] = {&ev->signals, &ev->mentions};
    size_t ns[] = {ev->n_signals, ev->n_mentions};
    for (int k = 0; k < 2; k++) {
      *arrs[k] = (licit_strv *)fix(base, (const char *)*arrs[k]);
      for (size_t j = 0; *arrs[k] && j < ns[k]; j++) (*arrs[k])[j].p = fix(base, (*arrs[k])[j].p);
    }
    ev->log_enc = fix(base, ev->log_enc);
  }
}

/* Fills chunk c from the input. */
static void produce_chunk(pipeline *pl, chunk *c, uint64_t *line_no) {
  c->n = 0;
  c->last = false;
  c->err = 0;
  licit_buf_reset(&c->arena);
  while (c->n < PIPE_ITEMS && c->arena.len < PIPE_BYTES) {
    const char *line;
    size_t len, full_len;
    uint64_t before = licit_lines_bytes(pl->lines);
    int rc = licit_lines_next(pl->lines, &line, &len, &full_len);
    if (rc <= 0) {
      c->last = true;
      if (rc < 0) {
        c->err = LICIT_EIO;
        c->err_no = errno;
      }
      return;
    }
    pitem *it = &c->items[c->n];
    memset(it, 0, sizeof *it);
    it->line_no = ++*line_no;
    it->bytes = licit_lines_bytes(pl->lines) - before;
    it->raw = c->arena.len;
    it->len = len;
    it->full_len = full_len;
    if (licit_buf_add(&c->arena, line, len)) goto nomem;
    /* What one_record will judge: the line without the CR of a CRLF. */
    size_t plen = len == full_len && len > 0 && line[len - 1] == '\r' ? len - 1 : len;
    if (full_len - (len - plen) <= LICIT_LINE_MAX && !licit_line_is_blank(line, plen)) {
      licit_err err;
      it->rc = licit_event_parse(pl->parser, line, plen, &it->ev, &err);
      if (it->rc == 0) {
        if (it->ev.post.n) it->h_post = licit_hash64(it->ev.post.p, it->ev.post.n);
        if (it->ev.parent.n) it->h_parent = licit_hash64(it->ev.parent.p, it->ev.parent.n);
        if (it->ev.user.n) it->h_user = licit_hash64(it->ev.user.p, it->ev.user.n);
      }
      if (it->rc == 0 && (it->ev.type == LICIT_EV_POST || it->ev.type == LICIT_EV_EDIT)) {
        it->ev.optout_notice = licit_notice_detect(it->ev.text.p, it->ev.text.n, NULL) == 1;
        licit_sha256(it->ev.text.p, it->ev.text.n, it->ev.text_sha);
        it->ev.text_sha_set = true;
      }
      /* The log record too, while the strings still point into the line
       * (mentions_enc is cleared below in any case). */
      bool enc = false;
      if (it->rc == 0) {
        it->ev.mentions_enc = NULL;
        licit_buf_reset(&pl->enc);
        enc = licit_event_encode(&it->ev, &pl->enc) == 0;
      }
      if (it->rc) {
        /* Only the id matters after a parse error (a known id makes it a
         * duplicate); the message goes along. */
        licit_strv id = it->ev.id;
        memset(&it->ev, 0, sizeof it->ev);
        it->ev.id = id;
        it->msg = c->arena.len;
        if (licit_buf_add(&c->arena, err.msg, strlen(err.msg) + 1)) goto nomem;
      }
      if (arena_event(&c->arena, &it->ev)) goto nomem;
      if (enc) {
        size_t off = c->arena.len;
        if (licit_buf_add(&c->arena, pl->enc.data, pl->enc.len)) goto nomem;
        it->ev.log_enc = (const void *)(uintptr_t)(off + 1);
        it->ev.log_enc_n = pl->enc.len;
      }
    }
    c->n++;
  }
  return;
nomem:
  c->err = LICIT_ENOMEM;
  c->last = true;
}

static void *producer_loop(pipeline *pl);

static void *producer(void *arg) {
  pipeline *pl = arg;
  void *ret = producer_loop(pl);
  thread_cpu(pl->cpu);
  return ret;
}

/* The least of the log file's new records the warming starts writing
 * back at a time (licit_store_log_writeback). */
#define LOG_WB_MIN ((uint64_t)4 << 20)
/* How far beyond the writer's end the log file's pages are brought into
 * the page cache, and at most how much a step (licit_store_log_warm). */
#define LOG_WARM_AHEAD ((uint64_t)32 << 20)
#define LOG_WARM_STEP ((uint64_t)8 << 20)

/* One step of warming the store (at most WARM_STEP), if any is wanted:
 * first the log file's new records written back (LOG_WB_MIN at least),
 * then the log file's pages the writer appends to next (LOG_WARM_AHEAD),
 * then the pages the writer takes next, mapped writable
 * (licit_store_warm_write), then those further ahead, read into the page
 * cache (licit_store_warm).  Called without pl->mu held; `ww_from`,
 * `ww_to`, `warm_to` and `epoch` were read under it.  Returns whether it
 * did anything. */
static bool warm_step(pipeline *pl, uint64_t ww_from, uint64_t ww_to, uint64_t warm_to, uint64_t epoch) {
  if (!pl->s) return false;
  double t0 = licit_time_mono();
  if (epoch != pl->ww_epoch) { /* a commit since: start again from the writer's end */
    pl->ww_epoch = epoch;
    pl->ww_done = 0;
  }
  if (pl->ww_done < ww_from) pl->ww_done = ww_from;
  if (licit_store_log_writeback(pl->s, LOG_WB_MIN)) {
    /* first the log file's new records: what the commit's fdatasync would
     * otherwise write while the writer waits */
  } else if (licit_store_log_warm(pl->s, LOG_WARM_AHEAD, LOG_WARM_STEP)) {
    /* then the log file's next pages, so that the writer's appends find them */
  } else if (ww_to > pl->ww_done) {
    uint64_t to = ww_to - pl->ww_done > WW_STEP ? pl->ww_done + WW_STEP : ww_to;
    licit_store_warm_write(pl->s, pl->ww_done, to);
    pl->ww_done = to;
  } else if (warm_to > pl->warmed) {
    uint64_t to = warm_to - pl->warmed > WARM_STEP ? pl->warmed + WARM_STEP : warm_to;
    licit_store_warm(pl->s, pl->warmed, to, !pl->small_seen);
    pl->warmed = to;
  } else {
    return false;
  }
  pl->t_warm += licit_time_mono() - t0;
  return true;
}

static void *producer_loop(pipeline *pl) {
  uint64_t line_no = 0;
  size_t head = 0;
  for (;;) {
    /* While the ring is full the applying thread is the slower one: the
     * time left over warms the store's pages it will write next, so that
     * it finds them ready.  When the parsing thread is the slower one it
     * does not warm at all, and the writer faults its pages in itself. */
    pthread_mutex_lock(&pl->mu);
    if (pl->count == PIPE_CHUNKS && !pl->stop) {
      double t0 = licit_time_mono();
      while (pl->count == PIPE_CHUNKS && !pl->stop) {
        uint64_t ww_from = pl->ww_from, ww_to = pl->ww_to, warm_to = pl->warm_to, epoch = pl->epoch;
        pl->small_seen = pl->small;
        pthread_mutex_unlock(&pl->mu);
        bool did = warm_step(pl, ww_from, ww_to, warm_to, epoch);
        pthread_mutex_lock(&pl->mu);
        if (!did && pl->count == PIPE_CHUNKS && !pl->stop && pl->ww_to == ww_to && pl->warm_to == warm_to &&
            pl->epoch == epoch)
          pthread_cond_wait(&pl->cv, &pl->mu);
      }
      pl->waited += licit_time_mono() - t0;
    }
    bool stop = pl->stop;
    pthread_mutex_unlock(&pl->mu);
    if (stop) return NULL;
    chunk *c = &pl->chunks[head];
    produce_chunk(pl, c, &line_no);
    seal(c);
    pthread_mutex_lock(&pl->mu);
    pl->count++;
    pl->all_read = c->last;
    pthread_cond_broadcast(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    if (c->last) return NULL;
    head = (head + 1) % PIPE_CHUNKS;
  }
}

/* Applies a native input read through the pipeline (r's batch is open). */
static int run_pipeline(run *r, licit_lines *lines, const char *path) {
  pipeline pl;
  memset(&pl, 0, sizeof pl);
  pl.lines = lines;
  warm_est we = {0, 0, 0};
  const char *wm = getenv("LICIT_WARM_FROM_MB");
  uint64_t small_from = wm && *wm ? (uint64_t)strtoull(wm, NULL, 10) << 20 : WARM_FROM;
  bool small = small_from == 0;
  pl.small = small;
  if (getenv("LICIT_NO_WARM") == NULL) {
    pl.s = r->s;
    pl.warm_to = warm_target(&we, r->s, r->txn, r->c->bytes);
    pl.warmed = we.end;
  }
  int rc = licit_event_parser_create(&pl.parser);
  if (!rc && !(pl.chunks = calloc(PIPE_CHUNKS, sizeof *pl.chunks))) rc = LICIT_ENOMEM;
  if (rc) {
    licit_event_parser_destroy(pl.parser);
    return licit_err_set(r->fatal, LICIT_ENOMEM, "out of memory");
  }
  pthread_mutex_init(&pl.mu, NULL);
  pthread_cond_init(&pl.cv, NULL);
  pthread_t th;
  if (pthread_create(&th, NULL, producer, &pl)) {
    rc = licit_err_set(r->fatal, LICIT_ENOMEM, "cannot start the parsing thread");
    goto out;
  }
  r->notices_done = true;
  /* A test hook (tests/cli/durability.sh): apply only while the ring is
   * full, so that a kill lands at the pipeline's busiest moment. */
  const char *hook = getenv("LICIT_TEST_PIPELINE_FULL");
  bool wait_full = hook && *hook == '1';
  bool done = false;
  double waited = 0, t_start = licit_time_mono();
  while (!done && !rc) {
    pthread_mutex_lock(&pl.mu);
    if (pl.count == 0 || (wait_full && pl.count < PIPE_CHUNKS && !pl.all_read)) {
      double t0 = licit_time_mono();
      while (pl.count == 0 || (wait_full && pl.count < PIPE_CHUNKS && !pl.all_read)) pthread_cond_wait(&pl.cv, &pl.mu);
      waited += licit_time_mono() - t0;
    }
    pthread_mutex_unlock(&pl.mu);
    chunk *c = &pl.chunks[pl.tail];
    const char *base = c->arena.data ? c->arena.data : "";
    for (size_t i = 0; i < c->n && !rc; i++) {
      const pitem *it = &c->items[i];
      if (i + HINT_AHEAD < c->n && r->txn) {
        const pitem *ah = &c->items[i + HINT_AHEAD];
        licit_txn_hint(r->txn, ah->h_post, ah->ev.type == LICIT_EV_POST, ah->h_parent, ah->h_user);
      }
      prepared pre = {it->rc, &it->ev, it->rc ? base + it->msg : NULL};
      r->line_no = it->line_no;
      rc = one_record(r, NULL, NULL, &pre, base + it->raw, it->len, it->full_len);
      r->c->bytes += it->bytes;
      if (!rc && r->opts->progress) draw_progress(r, false);
    }
    if (!rc && c->err == LICIT_EIO) {
      errno = c->err_no;
      r->input_failed = true;
      rc = licit_err_set(r->fatal, LICIT_EIO, "%s: read error: %s", path, strerror(c->err_no));
    } else if (!rc && c->err) {
      rc = licit_err_set(r->fatal, c->err, "out of memory");
    }
    done = c->last;
    uint64_t warm_to = pl.s && !rc ? warm_target(&we, r->s, r->txn, r->c->bytes) : 0;
    if (warm_to && !small && licit_store_used_bytes(r->s) >= small_from) small = true;
    /* Pages to map writable: a few MiB from where the transaction takes
     * new pages, while the batch is young.  Near its commit they would
     * be written out still empty, and once more when used. */
    uint64_t ww_from = 0, ww_to = 0;
    if (pl.s && !rc && r->txn && !r->opts->batch_events) {
      uint64_t lim = batch_limit(r);
      uint64_t at = licit_txn_write_end(r->txn);
      if (at && r->batch_records * 100 < lim * WW_BATCH_PERCENT) {
        ww_from = at;
        ww_to = at + WW_AHEAD;
      }
    }
    pthread_mutex_lock(&pl.mu);
    if (warm_to > pl.warm_to) pl.warm_to = warm_to;
    pl.small = small;
    pl.epoch = r->commits;
    pl.ww_from = ww_from;
    pl.ww_to = ww_to;
    pl.count--;
    pl.tail = (pl.tail + 1) % PIPE_CHUNKS;
    if (rc) pl.stop = true;
    pthread_cond_broadcast(&pl.cv);
    pthread_mutex_unlock(&pl.mu);
  }
  pthread_join(th, NULL);
  if (r->times) {
    /* For measuring (LICIT_PIPELINE_TIMES, docs/store.md): which thread is the bottleneck. */
    double me[3] = {0, 0, 0};
    thread_cpu(me);
    fprintf(stderr,
            "pipeline: applying thread %.2f s user %.2f s sys %.0f page faults, parsing thread %.2f s user %.2f s sys "
            "%.0f page faults\n",
            me[0], me[1], me[2], pl.cpu[0], pl.cpu[1], pl.cpu[2]);
    fprintf(stderr, "pipeline: %.2f s wall; applying thread waited %.2f s for input, %.2f s in commits, %.2f s "
            "beginning batches; parsing thread waited %.2f s for room, warmed the store for %.2f s\n",
            licit_time_mono() - t_start, waited, r->t_commit, r->t_begin, pl.waited, pl.t_warm);
    fprintf(stderr, "pipeline: applying events: %.2f s in checkpoints, %.2f s claiming ids, %.2f s judging, %.2f s "
            "writing\n", r->times->checkpoint, r->times->claim, r->times->judge, r->times->write);
  }
out:
  pthread_cond_destroy(&pl.cv);
  pthread_mutex_destroy(&pl.mu);
  for (int i = 0; i < PIPE_CHUNKS; i++) licit_buf_free(&pl.chunks[i].arena);
  free(pl.chunks);
  licit_buf_free(&pl.enc);
  licit_event_parser_destroy(pl.parser);
  r->notices_done = false;
  return rc;
}

/* --------------------------------------------------------------- files -- */

int licit_ingest_path(licit_store *s, const char *path, const licit_ingest_opts *opts, licit_ingest_counts *counts,
                      licit_err *err) {
  const licit_adapter *a = opts->adapter ? opts->adapter : licit_adapter_find(opts->format);
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
  if (a == &licit_adapter_native && !opts->no_pipeline) {
    if ((rc = run_pipeline(&r, lines, path))) goto out;
    rc = commit_batch(&r, false);
    goto out;
  }
  for (;;) {
    const char *line;
    size_t len, full_len;
    uint64_t before = licit_lines_bytes(lines);
    rc = licit_lines_next(lines, &line, &len, &full_len);
    if (rc == 0) break;
    if (rc < 0) {
      r.input_failed = true;
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
  if (rc && r.input_failed && r.txn) {
    /* The input stopped (a damaged document, a read error): the records
     * applied before it were whole and valid, and are counted as
     * accepted, so they are kept; the input's error is still the answer. */
    licit_err input_err = *r.fatal;
    if (commit_batch(&r, false) == 0) *r.fatal = input_err;
  }
  if (r.txn) licit_txn_abort(r.txn); /* only on failure: the uncommitted batch */
  if (opts->progress) draw_progress(&r, true);
  if (state) a->destroy(state);
  licit_lines_close(lines);
  licit_buf_free(&r.out);
  if (in && !is_stdin) fclose(in);
  return rc;
}

bool licit_ingest_nothing_taken(const licit_ingest_counts *n) {
  return n->rejected >= 2 && !n->accepted && !n->duplicates && !n->skipped;
}
