/*
 * lines.c — reading an input as lines in bounded memory (see lines.h).
 *
 * One buffer of LICIT_LINE_MAX + 2 reads: whole lines are handed out from
 * it; when more than a maximal line is pending without a '\n', the line is
 * over-long, its first bytes move to the buffer's front and the rest is
 * counted and dropped until its '\n' arrives.
 */
#include "ingest/lines.h"

#include <stdlib.h>
#include <string.h>

#include "event/event.h"

#define READ_CHUNK ((size_t)1 << 20)
#define BUF_SIZE (LICIT_LINE_MAX + 2 * READ_CHUNK)

struct licit_lines {
  FILE *in;
  char *buf;
  size_t start, end; /* pending bytes: buf[start, end) */
  bool eof;
  bool overflow;     /* inside an over-long line: its excerpt is buf[0, LICIT_LINE_EXCERPT) */
  size_t over_len;   /* bytes of that line seen so far */
  bool over_cr;      /* the last of them was a '\r' */
  uint64_t consumed; /* bytes of the lines handed out, terminators included */
};

int licit_lines_open(FILE *in, licit_lines **out) {
  licit_lines *r = calloc(1, sizeof *r);
  if (!r || !(r->buf = malloc(BUF_SIZE))) {
    free(r);
    return LICIT_ENOMEM;
  }
  r->in = in;
  *out = r;
  return 0;
}

void licit_lines_close(licit_lines *r) {
  if (!r) return;
  free(r->buf);
  free(r);
}

uint64_t licit_lines_bytes(const licit_lines *r) { return r->consumed; }

/* Over the limit?  A '\r' before the '\n' is the line's ending, not its
 * content (SPEC 2: a line may end in CRLF), so a line of exactly the limit
 * ending in CRLF is whole: its reader strips the '\r'. */
static bool over_limit(const char *line, size_t n) {
  return n - (n > 0 && line[n - 1] == '\r') > LICIT_LINE_MAX;
}

/* An over-long line's length is given without a '\r' ending too. */
static void cut(licit_lines *r, const char **line, size_t *len, size_t *full_len, size_t n) {
  if (r->overflow) {
    bool cr = n > 0 ? (*line)[n - 1] == '\r' : r->over_cr;
    r->overflow = false;
    *line = r->buf;
    *full_len = r->over_len + n - cr;
  } else {
    *full_len = n - (n > 0 && (*line)[n - 1] == '\r');
  }
  *len = LICIT_LINE_EXCERPT;
}

int licit_lines_next(licit_lines *r, const char **line, size_t *len, size_t *full_len) {
  for (;;) {
    char *nl = r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
    if (nl) {
      size_t n = (size_t)(nl - (r->buf + r->start));
      r->consumed += n + 1;
      *line = r->buf + r->start;
      *len = *full_len = n;
      /* Over-long: streamed, or it fitted in the buffer but is over-long all the same. */
      if (r->overflow || over_limit(*line, n)) cut(r, line, len, full_len, n);
      r->start += n + 1;
      return 1;
    }
    if (r->eof) {
      /* A last line without a newline. */
      size_t n = r->end - r->start;
      r->start = r->end;
      r->consumed += n;
      if (!n && !r->overflow) return 0;
      *line = r->buf + r->end - n;
      *len = *full_len = n;
      if (r->overflow || over_limit(*line, n)) cut(r, line, len, full_len, n);
      return 1;
    }
    size_t pending = r->end - r->start;
    if (r->overflow || pending > LICIT_LINE_MAX + 1) {
      /* An over-long line: keep its first bytes (at the front of the
       * buffer) and drop the rest as it streams. */
      if (pending) r->over_cr = r->buf[r->end - 1] == '\r';
      if (!r->overflow) {
        memmove(r->buf, r->buf + r->start, LICIT_LINE_EXCERPT);
        r->overflow = true;
        r->over_len = pending;
      } else {
        r->over_len += pending;
      }
      r->consumed += pending;
      r->start = r->end = LICIT_LINE_EXCERPT;
    } else if (r->start > 0) {
      memmove(r->buf, r->buf + r->start, pending);
      r->start = 0;
      r->end = pending;
    }
    size_t got = fread(r->buf + r->end, 1, READ_CHUNK, r->in);
    if (got == 0) {
      if (ferror(r->in)) return LICIT_EIO;
      r->eof = true;
    }
    r->end += got;
  }
}
