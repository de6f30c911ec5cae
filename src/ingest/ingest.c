/*
 * ingest.c — the streaming ingest loop (see ingest.h).
 *
 * Memory is bounded by the read buffer (a little over two maximal lines) and
 * one batch's dirty pages in LMDB (a batch also ends after 64 MiB of input).
 */
#include "ingest/ingest.h"
#include "ingest/rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "notice/notice.h"

#define READ_CHUNK (1u << 20)
#define BUF_SIZE (LICIT_LINE_MAX + 2 * READ_CHUNK)
#define BATCH_BYTES ((uint64_t)64 << 20)
#define BATCH_EVENTS 100000
/* Room a batch may need in the store: its input several times over (log
 * records, indexes, state), with licit_store_reserve's spare for copies. */
#define BATCH_RESERVE ((size_t)BATCH_BYTES * 4)
#define RAW_EXCERPT 4096 /* bytes of an over-long line kept in the rejects file */

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
  int64_t t0, last_draw;
  uint64_t total_bytes; /* 0 when unknown (a pipe) */
  uint64_t batch_records, batch_bytes;
} run;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_reject(run *r, const char *msg) {
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
  if (fwrite(b->data, 1, b->len, f) != b->len) return LICIT_EIO;
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
    if (write_reject(r, err.msg)) return licit_err_set(r->fatal, LICIT_EIO, "cannot write the rejects file");
    return 0;
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

static bool user_known(licit_sink *sink, const char *id, size_t n) {
  uint32_t ord;
  return licit_user_ord(((run *)sink)->txn, id, n, &ord) == 0;
}

static bool is_duplicate(licit_sink *sink, const char *id, size_t n) {
  run *r = (run *)sink;
  uint64_t seq;
  if (licit_store_event_id(r->txn, id, n, &seq) != 0) return false;
  r->c->duplicates++;
  return true;
}

static void draw_progress(run *r, bool final) {
  double t = now_s();
  if (!final && t * 1000 - r->last_draw < 250) return;
  r->last_draw = (int64_t)(t * 1000);
  double el = t - r->t0 / 1e6;
  uint64_t ev = r->c->accepted + r->c->duplicates + r->c->rejected;
  double eps = el > 0 ? ev / el : 0;
  double mb = r->c->bytes / 1e6;
  if (r->total_bytes) {
    double frac = (double)r->c->bytes / r->total_bytes;
    double eta = frac > 0 ? el * (1 - frac) / frac : 0;
    fprintf(stderr, "\r\033[Kingest %s: %.1f / %.1f MB (%.0f%%), %.0f events/s, ETA %d:%02d", r->source, mb,
            r->total_bytes / 1e6, 100 * frac, eps, (int)eta / 60, (int)eta % 60);
  } else {
    fprintf(stderr, "\r\033[Kingest %s: %.1f MB, %.0f events/s", r->source, mb, eps);
  }
  if (final) fputc('\n', stderr);
  fflush(stderr);
}

static int commit_batch(run *r, bool reopen) {
  int rc = licit_txn_commit(r->txn, r->fatal);
  r->txn = NULL;
  r->batch_records = r->batch_bytes = 0;
  if (rc) return rc;
  if (reopen && (rc = licit_store_reserve(r->s, BATCH_RESERVE, r->fatal))) return rc;
  if (reopen) return licit_txn_begin(r->s, true, &r->txn, r->fatal);
  return 0;
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
  size_t lim = r->opts->batch_events ? r->opts->batch_events : BATCH_EVENTS;
  if (r->batch_records >= lim || r->batch_bytes >= BATCH_BYTES) {
    if ((rc = commit_batch(r, true))) return rc;
  }
  return 0;
}

/* A whole-file input taken by the adapter (see licit_adapter.open_file):
 * each item goes through one_line like a line, its index as the line. */
static int read_items(run *r, const licit_adapter *a, void *state) {
  for (;;) {
    const char *item;
    size_t len;
    uint64_t index;
    int rc = a->next_item(state, &item, &len, &index, r->fatal);
    if (rc <= 0) return rc;
    r->line_no = index;
    if ((rc = one_line(r, a, state, item, len, len))) return rc;
    r->c->bytes += len;
    if (r->opts->progress) draw_progress(r, false);
  }
}

int licit_ingest_path(licit_store *s, const char *path, const licit_ingest_opts *opts, licit_ingest_counts *counts,
                      licit_err *err) {
  const licit_adapter *a = licit_adapter_find(opts->format);
  if (!a) return licit_err_set(err, LICIT_EUSAGE, "unknown format \"%s\"", opts->format);
  run r = {0};
  r.sink.emit = emit;
  r.sink.post_known = post_known;
  r.sink.user_known = user_known;
  r.sink.is_duplicate = is_duplicate;
  r.s = s;
  r.opts = opts;
  r.c = counts;
  r.source = path;
  r.fatal = err;
  if (err) err->code = 0;
  licit_err dummy;
  if (!r.fatal) r.fatal = &dummy;
  r.fatal->code = 0;
  r.fatal->msg[0] = 0;
  FILE *in = NULL;
  bool is_stdin = strcmp(path, "-") == 0;
  char *buf = NULL;
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
    if ((rc = licit_store_reserve(s, BATCH_RESERVE, r.fatal)) || (rc = licit_txn_begin(s, true, &r.txn, r.fatal)))
    goto out;
    r.t0 = licit_time_now();
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
  if (!(buf = malloc(BUF_SIZE))) {
    rc = licit_err_set(r.fatal, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  if ((rc = licit_store_reserve(s, BATCH_RESERVE, r.fatal)) || (rc = licit_txn_begin(s, true, &r.txn, r.fatal)))
    goto out;
  r.t0 = licit_time_now();
  size_t start = 0, end = 0;
  bool eof = false, overflow = false;
  size_t over_len = 0; /* bytes of the current over-long line seen so far */
  for (;;) {
    /* Lines wholly in the buffer. */
    char *nl;
    while ((nl = memchr(buf + start, '\n', end - start)) != NULL) {
      size_t len = (size_t)(nl - (buf + start));
      if (overflow) {
        over_len += len;
        r.line_no++;
        rc = one_line(&r, a, state, buf, RAW_EXCERPT, over_len);
        overflow = false;
      } else {
        r.line_no++;
        rc = one_line(&r, a, state, buf + start, len, len);
      }
      if (rc) goto out;
      start += len + 1;
      r.c->bytes += len + 1;
    }
    if (eof) break;
    size_t pending = end - start;
    if (overflow || pending > LICIT_LINE_MAX + 1) {
      /* An over-long line: keep its first bytes for the rejects file (they
       * stay at the front of the buffer) and drop the rest as it streams. */
      if (!overflow) {
        memmove(buf, buf + start, RAW_EXCERPT);
        overflow = true;
        over_len = pending;
      } else {
        over_len += pending;
      }
      r.c->bytes += pending;
      start = end = RAW_EXCERPT;
    } else if (start > 0) {
      memmove(buf, buf + start, pending);
      start = 0;
      end = pending;
    }
    size_t got = fread(buf + end, 1, READ_CHUNK, in);
    if (got == 0) {
      if (ferror(in)) {
        rc = licit_err_set(r.fatal, LICIT_EIO, "%s: read error: %s", path, strerror(errno));
        goto out;
      }
      eof = true;
      /* A last line without a newline. */
      if (overflow) {
        r.line_no++;
        rc = one_line(&r, a, state, buf, RAW_EXCERPT, over_len);
        overflow = false;
      } else if (end > start) {
        r.line_no++;
        rc = one_line(&r, a, state, buf + start, end - start, end - start);
        r.c->bytes += end - start;
      }
      if (rc) goto out;
      start = end = 0;
    }
    end += got;
    if (opts->progress) draw_progress(&r, false);
  }
  rc = commit_batch(&r, false);
out:
  if (r.txn) licit_txn_abort(r.txn); /* only on failure: the uncommitted batch */
  if (opts->progress) draw_progress(&r, true);
  if (state) a->destroy(state);
  free(buf);
  licit_buf_free(&r.out);
  if (in && !is_stdin) fclose(in);
  return rc;
}
