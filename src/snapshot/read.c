/* read.c — streaming reader of part files (see read.h). */
#include "snapshot/read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/hash.h"

struct licit_part_reader {
  FILE *f;
  char path[4400];
  ZSTD_DCtx *z;
  licit_sha256_ctx *sha;
  char *in;
  size_t in_cap;
  ZSTD_inBuffer zin;
  char *out;
  size_t out_cap, out_pos, out_len; /* decompressed bytes not yet handed out: out[out_pos..out_len) */
  licit_buf line;
  bool eof, failed;
  bool pending; /* the last call filled the output: the decoder may hold more */
  size_t frame_left; /* ZSTD_decompressStream's last hint: 0 at a frame end */
  uint64_t compressed, raw;
};

int licit_part_reader_open(const char *path, licit_part_reader **out, licit_err *err) {
  licit_part_reader *r = calloc(1, sizeof *r);
  if (!r) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  snprintf(r->path, sizeof r->path, "%s", path);
  r->f = fopen(path, "rb");
  if (!r->f) {
    int e = errno;
    free(r);
    return licit_err_set(err, LICIT_EIO, "cannot read %s: %s", path, strerror(e));
  }
  r->z = ZSTD_createDCtx();
  r->sha = licit_sha256_begin();
  r->in_cap = ZSTD_DStreamInSize() * 8;
  r->out_cap = ZSTD_DStreamOutSize() * 8;
  r->in = malloc(r->in_cap);
  r->out = malloc(r->out_cap);
  r->line.limit = LICIT_PART_LINE_MAX + 1;
  if (!r->z || !r->sha || !r->in || !r->out) {
    licit_part_reader_close(r);
    return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  }
  *out = r;
  return 0;
}

/* Refills the compressed input.  0, or LICIT_EIO. */
static int fill(licit_part_reader *r, licit_err *err) {
  size_t n = fread(r->in, 1, r->in_cap, r->f);
  if (n == 0 && ferror(r->f)) return licit_err_set(err, LICIT_EIO, "cannot read %s: %s", r->path, strerror(errno));
  if (n == 0) r->eof = true;
  if (n && licit_sha256_update(r->sha, r->in, n)) return licit_err_set(err, LICIT_EINTERNAL, "SHA-256 failed");
  r->compressed += n;
  r->zin.src = r->in;
  r->zin.size = n;
  r->zin.pos = 0;
  return 0;
}

/* Decompresses more output.  1 when some came, 0 at a clean end, < 0 on error. */
static int more(licit_part_reader *r, licit_err *err) {
  for (;;) {
    if (r->zin.pos == r->zin.size && !r->pending) {
      if (r->eof) {
        if (r->frame_left != 0 || r->compressed == 0)
          return licit_err_set(err, LICIT_EINVAL, "%s: the zstd stream is cut short", r->path);
        return 0;
      }
      int rc = fill(r, err);
      if (rc) return rc;
      continue;
    }
    ZSTD_outBuffer zo = {r->out, r->out_cap, 0};
    size_t hint = ZSTD_decompressStream(r->z, &zo, &r->zin);
    if (ZSTD_isError(hint))
      return licit_err_set(err, LICIT_EINVAL, "%s: not a valid zstd stream (%s)", r->path, ZSTD_getErrorName(hint));
    r->frame_left = hint;
    r->pending = zo.pos == zo.size;
    if (zo.pos) {
      r->out_pos = 0;
      r->out_len = zo.pos;
      r->raw += zo.pos;
      return 1;
    }
  }
}

int licit_part_reader_line(licit_part_reader *r, const char **line, size_t *n, licit_err *err) {
  if (r->failed) return licit_err_set(err, LICIT_EINVAL, "%s: already failed", r->path);
  licit_buf_reset(&r->line);
  for (;;) {
    if (r->out_pos == r->out_len) {
      int rc = more(r, err);
      if (rc < 0) {
        r->failed = true;
        return rc;
      }
      if (rc == 0) {
        if (r->line.len) {
          r->failed = true;
          return licit_err_set(err, LICIT_EINVAL, "%s: the last line does not end in a newline", r->path);
        }
        return 0;
      }
    }
    const char *p = r->out + r->out_pos;
    size_t avail = r->out_len - r->out_pos;
    const char *nl = memchr(p, '\n', avail);
    if (nl && r->line.len == 0) { /* the whole line is in the output buffer: no copy */
      *line = p;
      *n = (size_t)(nl - p);
      r->out_pos += *n + 1;
      return 1;
    }
    size_t take = nl ? (size_t)(nl - p) : avail;
    if (licit_buf_add(&r->line, p, take)) {
      r->failed = true;
      return licit_err_set(err, LICIT_EINVAL, "%s: a line longer than %zu bytes", r->path, LICIT_PART_LINE_MAX);
    }
    r->out_pos += take;
    if (nl) {
      r->out_pos++;
      *line = r->line.data;
      *n = r->line.len;
      return 1;
    }
  }
}

int licit_part_reader_finish(licit_part_reader *r, uint8_t sha[32], licit_err *err) {
  while (!r->eof) {
    int rc = fill(r, err);
    if (rc) return rc;
  }
  int rc = licit_sha256_end(r->sha, sha);
  r->sha = NULL;
  return rc ? licit_err_set(err, LICIT_EINTERNAL, "SHA-256 failed") : 0;
}

void licit_part_reader_bytes(const licit_part_reader *r, uint64_t *compressed, uint64_t *raw) {
  *compressed = r->compressed;
  *raw = r->raw;
}

void licit_part_reader_close(licit_part_reader *r) {
  if (!r) return;
  if (r->f) fclose(r->f);
  ZSTD_freeDCtx(r->z);
  if (r->sha) {
    uint8_t d[32];
    licit_sha256_end(r->sha, d);
  }
  free(r->in);
  free(r->out);
  licit_buf_free(&r->line);
  free(r);
}
