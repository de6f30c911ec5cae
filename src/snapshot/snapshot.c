/*
 * snapshot.c — the snapshot writer (see snapshot.h).
 */
#include "snapshot/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "core/hash.h"
#include "json/json.h"

#define ZSTD_LEVEL 3

int licit_counts_json(licit_buf *b, const licit_counts *c) {
  int rc = licit_buf_printf(b, "{\"considered\":%llu,\"included\":%llu,\"excluded\":{",
                            (unsigned long long)c->considered, (unsigned long long)c->included);
  for (int r = 1; r < LICIT_R_COUNT && !rc; r++)
    rc = licit_buf_printf(b, "%s\"%s\":%llu", r > 1 ? "," : "", licit_reason_name(r),
                          (unsigned long long)c->excluded[r]);
  return rc ? rc : licit_buf_adds(b, "}}");
}

void licit_counts_to_flat(const licit_counts *c, uint64_t flat[LICIT_SNAP_COUNTS]) {
  memset(flat, 0, sizeof(uint64_t) * LICIT_SNAP_COUNTS);
  flat[0] = c->considered;
  flat[1] = c->included;
  for (int r = 1; r < LICIT_R_COUNT; r++) flat[1 + r] = c->excluded[r];
}

void licit_counts_from_flat(const uint64_t flat[LICIT_SNAP_COUNTS], licit_counts *c) {
  memset(c, 0, sizeof *c);
  c->considered = flat[0];
  c->included = flat[1];
  for (int r = 1; r < LICIT_R_COUNT; r++) c->excluded[r] = flat[1 + r];
}

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct part {
  char rel[64]; /* documents/part-NNNNN.jsonl.zst */
  uint64_t count;
  char sha[65];
} part;

typedef struct build {
  licit_txn *txn;
  licit_eval *ev;
  const licit_policy *policy;
  const licit_snapshot_opts *opts;
  const char *name;
  const char *tmp_dir;
  licit_snapshot_timing *tm;
  licit_err *err;
  /* pseudonyms, computed once per user */
  const uint8_t *key;
  uint8_t (*pseudo)[16];
  uint8_t *pseudo_done;
  uint64_t nusers;
  /* included posts */
  uint64_t *bits;
  uint64_t nbits;
  /* the part being written */
  ZSTD_CCtx *z;
  FILE *f;
  licit_sha256_ctx *sha;
  part *parts;
  size_t nparts, part_docs;
  void *zout;
  size_t zout_cap;
  licit_buf line, scratch, ubuf;
  char policy_tag[600]; /* NAME@VERSION */
  char at_str[LICIT_TIME_BUFSZ];
  uint64_t done, total;
  double last_draw, t0;
} build;

static int write_out(build *b, const void *p, size_t n) {
  double t = mono();
  size_t w = fwrite(p, 1, n, b->f);
  b->tm->write_s += mono() - t;
  if (w != n) return licit_err_set(b->err, LICIT_EIO, "writing the snapshot: %s", strerror(errno));
  licit_sha256_update(b->sha, p, n);
  b->tm->bytes_compressed += n;
  return 0;
}

static int zwrite(build *b, const void *src, size_t n, ZSTD_EndDirective mode) {
  ZSTD_inBuffer in = {src, n, 0};
  for (;;) {
    ZSTD_outBuffer out = {b->zout, b->zout_cap, 0};
    double t = mono();
    size_t left = ZSTD_compressStream2(b->z, &out, &in, mode);
    b->tm->compress_s += mono() - t;
    if (ZSTD_isError(left))
      return licit_err_set(b->err, LICIT_EIO, "compressing the snapshot: %s", ZSTD_getErrorName(left));
    if (out.pos) {
      int rc = write_out(b, b->zout, out.pos);
      if (rc) return rc;
    }
    if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return 0;
  }
}

static int part_open(build *b) {
  part *np = realloc(b->parts, (b->nparts + 1) * sizeof *np);
  if (!np) return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
  b->parts = np;
  part *p = &b->parts[b->nparts];
  memset(p, 0, sizeof *p);
  snprintf(p->rel, sizeof p->rel, "documents/part-%05zu.jsonl.zst", b->nparts);
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", b->tmp_dir, p->rel);
  b->f = fopen(path, "wb");
  if (!b->f) return licit_err_set(b->err, LICIT_EIO, "%s: %s", path, strerror(errno));
  b->sha = licit_sha256_begin();
  if (!b->sha) return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
  ZSTD_CCtx_reset(b->z, ZSTD_reset_session_only);
  b->nparts++;
  return 0;
}

static int part_close(build *b) {
  part *p = &b->parts[b->nparts - 1];
  int rc = zwrite(b, "", 0, ZSTD_e_end);
  uint8_t d[32];
  licit_sha256_end(b->sha, d);
  b->sha = NULL;
  licit_hex(d, 32, p->sha);
  if (!rc && (fflush(b->f) != 0 || fsync(fileno(b->f)) != 0))
    rc = licit_err_set(b->err, LICIT_EIO, "writing the snapshot: %s", strerror(errno));
  if (fclose(b->f) != 0 && !rc) rc = licit_err_set(b->err, LICIT_EIO, "writing the snapshot: %s", strerror(errno));
  b->f = NULL;
  return rc;
}

static int pseudonym(build *b, uint32_t user, char hex[33]) {
  if (user >= b->nusers) return LICIT_ESTORE;
  if (!b->pseudo_done[user]) {
    licit_user_rec u;
    int rc = licit_user_get(b->txn, user, &u, &b->ubuf);
    if (rc) return rc;
    uint8_t h[32];
    licit_hmac_sha256(b->key, 32, u.id, u.id_len, h);
    memcpy(b->pseudo[user], h, 16);
    b->pseudo_done[user] = 1;
  }
  licit_hex(b->pseudo[user], 16, hex);
  return 0;
}

static void draw(build *b, bool final) {
  double t = mono();
  if (!final && t - b->last_draw < 0.25) return;
  b->last_draw = t;
  double el = t - b->t0;
  fprintf(stderr, "\r\033[Ksnapshot %s: %llu / %llu posts (%.0f%%), %.0f posts/s", b->name,
          (unsigned long long)b->done, (unsigned long long)b->total, b->total ? 100.0 * b->done / b->total : 100.0,
          el > 0 ? b->done / el : 0);
  if (final) fputc('\n', stderr);
  fflush(stderr);
}

static int on_post(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r, const licit_text_hist *text) {
  build *b = ctx;
  b->done++;
  if (b->opts->progress && (b->done & 4095) == 0) draw(b, false);
  if (r != LICIT_INCLUDED) return 0;
  int rc;
  if (p->ord < b->nbits) b->bits[p->ord / 64] |= (uint64_t)1 << (p->ord % 64);
  /* The text as of T, and the post event's kind and lang. */
  licit_event tev, pev;
  if ((rc = licit_log_get(b->txn, text->h.seq, &tev, NULL, 0))) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  licit_strv txt = tev.text;
  if (text->h.seq == p->created_seq) {
    pev = tev;
  } else if ((rc = licit_log_get(b->txn, p->created_seq, &pev, NULL, 0))) {
    return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  }
  char author[33];
  if ((rc = pseudonym(b, p->user, author))) return rc;
  if (b->nparts == 0 || b->parts[b->nparts - 1].count >= b->part_docs) {
    if (b->nparts && (rc = part_close(b))) return rc;
    if ((rc = part_open(b))) return rc;
  }
  licit_buf *l = &b->line;
  licit_buf_reset(l);
  rc = licit_buf_adds(l, "{\"id\":");
  if (!rc) rc = licit_jw_str(l, id.p, id.n);
  if (!rc) rc = licit_buf_adds(l, ",\"text\":");
  if (!rc) rc = licit_jw_str(l, txt.p, txt.n);
  if (!rc) rc = licit_buf_adds(l, ",\"source\":");
  if (!rc) rc = licit_jw_strz(l, b->policy->source);
  if (!rc) rc = licit_buf_printf(l, ",\"added\":\"%s\",\"created\":", b->at_str);
  if (!rc) rc = licit_jw_time(l, p->created_ts);
  if (!rc) rc = licit_buf_adds(l, ",\"metadata\":{\"kind\":");
  if (!rc) rc = licit_jw_str(l, pev.kind.p, pev.kind.n);
  if (!rc && pev.has_lang) {
    rc = licit_buf_adds(l, ",\"lang\":");
    if (!rc) rc = licit_jw_str(l, pev.lang.p, pev.lang.n);
  }
  if (!rc) rc = licit_buf_printf(l, ",\"author\":\"%s\",\"policy\":", author);
  if (!rc) rc = licit_jw_strz(l, b->policy_tag);
  if (!rc) rc = licit_buf_adds(l, ",\"snapshot\":");
  if (!rc) rc = licit_jw_strz(l, b->name);
  if (!rc) rc = licit_buf_adds(l, "}}\n");
  if (rc) return licit_err_set(b->err, rc, "out of memory");
  b->tm->bytes_raw += l->len;
  b->parts[b->nparts - 1].count++;
  return zwrite(b, l->data, l->len, ZSTD_e_continue);
}

static int fsync_path(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

/* Removes the files a build writes, then the directories. */
static void remove_tmp(const char *dir) {
  char path[4400];
  snprintf(path, sizeof path, "%s/documents", dir);
  DIR *d = opendir(path);
  if (d) {
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (strncmp(de->d_name, "part-", 5) != 0) continue;
      char f[4800];
      snprintf(f, sizeof f, "%s/%s", path, de->d_name);
      unlink(f);
    }
    closedir(d);
  }
  rmdir(path);
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  unlink(path);
  rmdir(dir);
}

static int write_manifest(build *b, const licit_counts *c, const char *digest, uint64_t logpos) {
  const licit_policy_version *v = licit_eval_version(b->ev);
  licit_buf m = LICIT_BUF_INIT;
  int rc = licit_buf_adds(&m, "{\n  \"snapshot\": ");
  if (!rc) rc = licit_jw_strz(&m, b->name);
  if (!rc) rc = licit_buf_printf(&m, ",\n  \"at\": \"%s\",\n  \"log_position\": %llu,\n  \"policy\": {\"name\": ",
                                 b->at_str, (unsigned long long)logpos);
  if (!rc) rc = b->policy ? licit_jw_strz(&m, b->policy->name) : licit_buf_adds(&m, "null");
  if (!rc) rc = licit_buf_adds(&m, ", \"version\": ");
  if (!rc) rc = v ? licit_jw_strz(&m, v->id) : licit_buf_adds(&m, "null");
  if (!rc) rc = licit_buf_adds(&m, "},\n  \"counts\": ");
  if (!rc) rc = licit_counts_json(&m, c);
  if (!rc) rc = licit_buf_printf(&m, ",\n  \"digest\": \"%s\",\n  \"documents\": [", digest);
  for (size_t i = 0; i < b->nparts && !rc; i++)
    rc = licit_buf_printf(&m, "%s\n    {\"path\": \"%s\", \"count\": %llu, \"sha256\": \"%s\"}", i ? "," : "",
                          b->parts[i].rel, (unsigned long long)b->parts[i].count, b->parts[i].sha);
  if (!rc) rc = licit_buf_printf(&m, "%s],\n  \"licit_version\": \"%s\"\n}\n", b->nparts ? "\n  " : "", LICIT_VERSION);
  if (rc) {
    licit_buf_free(&m);
    return licit_err_set(b->err, rc, "out of memory");
  }
  char path[4400];
  snprintf(path, sizeof path, "%s/manifest.json", b->tmp_dir);
  FILE *f = fopen(path, "wb");
  if (!f) rc = licit_err_set(b->err, LICIT_EIO, "%s: %s", path, strerror(errno));
  else {
    if (fwrite(m.data, 1, m.len, f) != m.len || fflush(f) != 0 || fsync(fileno(f)) != 0)
      rc = licit_err_set(b->err, LICIT_EIO, "%s: %s", path, strerror(errno));
    if (fclose(f) != 0 && !rc) rc = licit_err_set(b->err, LICIT_EIO, "%s: %s", path, strerror(errno));
  }
  licit_buf_free(&m);
  return rc;
}

/* 0 when `dir` does not exist or is an empty directory (then removed). */
static int check_out_dir(const char *dir, licit_err *err) {
  struct stat st;
  if (stat(dir, &st) != 0) return errno == ENOENT ? 0 : licit_err_set(err, LICIT_EIO, "%s: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return licit_err_set(err, LICIT_EEXISTS, "%s exists and is not a directory; a snapshot never overwrites", dir);
  if (rmdir(dir) != 0)
    return licit_err_set(err, LICIT_EEXISTS, "%s exists and is not empty; a snapshot never overwrites files", dir);
  return 0;
}

int licit_snapshot_build(licit_store *s, const licit_policy *policy, const licit_snapshot_opts *opts,
                         licit_snapshot_info *info, licit_snapshot_timing *timing, licit_err *err) {
  build b;
  memset(&b, 0, sizeof b);
  licit_snapshot_timing tm_local;
  b.tm = timing ? timing : &tm_local;
  memset(b.tm, 0, sizeof *b.tm);
  b.opts = opts;
  b.err = err;
  b.policy = policy;
  b.part_docs = opts->part_docs ? opts->part_docs : LICIT_PART_DOCS;
  b.t0 = mono();
  char defname[64], tmp_dir[4200];
  if (opts->name) {
    b.name = opts->name;
  } else {
    char c[LICIT_TIME_BUFSZ];
    licit_time_format_compact(opts->at, c);
    snprintf(defname, sizeof defname, "at-%s", c);
    b.name = defname;
  }
  size_t nl = strlen(b.name);
  if (nl == 0 || nl > 256) return licit_err_set(err, LICIT_EINVAL, "a snapshot name has 1-256 bytes");
  for (size_t i = 0; i < nl; i++)
    if ((unsigned char)b.name[i] < 0x20)
      return licit_err_set(err, LICIT_EINVAL, "a snapshot name has no control characters");
  if (strlen(opts->out_dir) > 4000) return licit_err_set(err, LICIT_EINVAL, "output path too long");
  licit_time_format(opts->at, b.at_str);
  snprintf(tmp_dir, sizeof tmp_dir, "%s.licit-tmp-%ld", opts->out_dir, (long)getpid());
  b.tmp_dir = tmp_dir;
  licit_counts counts;
  char digest[65];
  uint64_t logpos = 0;
  bool made_tmp = false;
  int rc = licit_txn_begin(s, false, &b.txn, err);
  if (rc) return rc;
  licit_snapshot_info old;
  if (licit_snapshot_get(b.txn, b.name, &old) == 0) {
    licit_snapshot_info_free(&old);
    rc = licit_err_set(err, LICIT_EEXISTS, "a snapshot named \"%s\" is already registered (names are unique)", b.name);
    goto out;
  }
  struct stat st;
  if (stat(opts->out_dir, &st) == 0) {
    DIR *d = opendir(opts->out_dir);
    bool empty = d != NULL;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
      if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) empty = false;
    if (d) closedir(d);
    if (!empty) {
      rc = licit_err_set(err, LICIT_EEXISTS, "%s exists and is not an empty directory; a snapshot never overwrites",
                         opts->out_dir);
      goto out;
    }
  }
  char docs[4300];
  snprintf(docs, sizeof docs, "%s/documents", tmp_dir);
  if (mkdir(tmp_dir, 0755) != 0 || mkdir(docs, 0755) != 0) {
    rc = licit_err_set(err, LICIT_EIO, "cannot create %s: %s", docs, strerror(errno));
    if (errno != EEXIST) rmdir(tmp_dir);
    goto out;
  }
  made_tmp = true;
  logpos = licit_txn_log_len(b.txn);
  if ((rc = licit_eval_open(b.txn, policy, opts->at, logpos, &b.ev, err))) goto out;
  const licit_policy_version *v = licit_eval_version(b.ev);
  if (v) snprintf(b.policy_tag, sizeof b.policy_tag, "%s@%s", policy->name, v->id);
  if ((rc = licit_txn_pseudonym_key(b.txn, &b.key))) {
    licit_err_set(err, rc, "the store has no pseudonym key");
    goto out;
  }
  b.nusers = licit_txn_n_users(b.txn);
  b.nbits = licit_txn_n_posts(b.txn);
  b.total = b.nbits;
  b.pseudo = malloc((b.nusers ? b.nusers : 1) * sizeof *b.pseudo);
  b.pseudo_done = calloc(b.nusers ? b.nusers : 1, 1);
  b.bits = calloc((b.nbits + 63) / 64 + 1, 8);
  b.z = ZSTD_createCCtx();
  b.zout_cap = ZSTD_CStreamOutSize();
  b.zout = malloc(b.zout_cap);
  if (!b.pseudo || !b.pseudo_done || !b.bits || !b.z || !b.zout) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  ZSTD_CCtx_setParameter(b.z, ZSTD_c_compressionLevel, ZSTD_LEVEL);
  ZSTD_CCtx_setParameter(b.z, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(b.z, ZSTD_c_nbWorkers, 0);
  if ((rc = licit_eval_run(b.ev, on_post, &b, &counts, digest, err))) {
    if (err && err->code == 0) licit_err_set(err, rc, "%s", licit_strerror(rc));
    goto out;
  }
  if (b.nparts && (rc = part_close(&b))) goto out;
  if ((rc = write_manifest(&b, &counts, digest, logpos))) goto out;
  if (fsync_path(docs) != 0 || fsync_path(tmp_dir) != 0) {
    rc = licit_err_set(err, LICIT_EIO, "syncing %s: %s", tmp_dir, strerror(errno));
    goto out;
  }
  if (opts->progress) draw(&b, true);
  /* Publish: register and rename under the write lock.  The read
   * transaction must end first (one transaction per thread). */
  licit_txn_abort(b.txn);
  b.txn = NULL;
  memset(info, 0, sizeof *info);
  info->nbits = (uint32_t)b.nbits;
  info->at = opts->at;
  info->log_position = logpos;
  licit_counts_to_flat(&counts, info->counts);
  memcpy(info->digest, digest, 65);
  info->name = strdup(b.name);
  info->policy_name = policy ? strdup(policy->name) : NULL;
  info->policy_version = v ? strdup(v->id) : NULL;
  /* Registered as an absolute path, so `snapshots` means something from
   * any directory: the parent resolved now, the last component as given. */
  {
    char parent[4200], *abs = NULL;
    snprintf(parent, sizeof parent, "%s", opts->out_dir);
    size_t pl = strlen(parent);
    while (pl > 1 && parent[pl - 1] == '/') parent[--pl] = 0;
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : parent;
    if (slash) *slash = 0;
    char *rp = realpath(slash ? (parent[0] ? parent : "/") : ".", NULL);
    if (rp) {
      size_t need = strlen(rp) + strlen(base) + 2;
      abs = malloc(need);
      if (abs) snprintf(abs, need, "%s/%s", strcmp(rp, "/") ? rp : "", base);
      free(rp);
    }
    info->out_dir = abs ? abs : strdup(opts->out_dir);
  }
  if (!info->name || !info->out_dir) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out_info;
  }
  licit_eval_close(b.ev);
  b.ev = NULL;
  licit_txn *w;
  if ((rc = licit_store_reserve(s, (b.nbits / 8) * 2 + ((size_t)16 << 20), err)) ||
      (rc = licit_txn_begin(s, true, &w, err)))
    goto out_info;
  if ((rc = licit_snapshot_register(w, info, b.bits, err))) {
    licit_txn_abort(w);
    goto out_info;
  }
  if ((rc = check_out_dir(opts->out_dir, err)) != 0) {
    licit_txn_abort(w);
    goto out_info;
  }
  if (rename(tmp_dir, opts->out_dir) != 0) {
    rc = licit_err_set(err, LICIT_EIO, "cannot rename %s to %s: %s", tmp_dir, opts->out_dir, strerror(errno));
    licit_txn_abort(w);
    goto out_info;
  }
  made_tmp = false;
  /* If the process dies here, the output is complete but unregistered. */
  if ((rc = licit_txn_commit(w, err))) goto out_info;
  char parent[4200];
  snprintf(parent, sizeof parent, "%s", opts->out_dir);
  char *slash = strrchr(parent, '/');
  if (slash) *slash = 0;
  fsync_path(slash ? (parent[0] ? parent : "/") : ".");
  b.tm->total_s = mono() - b.t0;
  goto out;
out_info:
  licit_snapshot_info_free(info);
out:
  if (b.f) fclose(b.f);
  if (b.sha) {
    uint8_t d[32];
    licit_sha256_end(b.sha, d);
  }
  if (made_tmp) remove_tmp(tmp_dir);
  if (b.txn) licit_txn_abort(b.txn);
  licit_eval_close(b.ev);
  ZSTD_freeCCtx(b.z);
  free(b.zout);
  free(b.pseudo);
  free(b.pseudo_done);
  free(b.bits);
  free(b.parts);
  licit_buf_free(&b.line);
  licit_buf_free(&b.scratch);
  licit_buf_free(&b.ubuf);
  return rc;
}
