/*
 * snapshot.c — the snapshot writer (see snapshot.h).
 *
 * A build is four steps, each a function below:
 *   validate  the name, the output path, the name not yet registered, the
 *             output absent or empty (or a complete snapshot a killed run
 *             left: then the build registers that instead);
 *   write parts   evaluate at T and stream the included posts into zstd
 *             part files in a work directory, computing the bitmap, the
 *             Merkle leaves and subtrees as they pass;
 *   write manifest  manifest.json and manifest.json.sig, synced;
 *   publish   under the store's write lock: register, rename the work
 *             directory to the output, sync the parent, commit.
 * LICIT_TEST_CRASH_AT=POINT makes the process kill itself with SIGKILL at
 * a named point (work-dir, part, manifest, signature, synced, registered,
 * renamed, committed), for the durability tests.
 */
#include "snapshot/snapshot.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "core/hash.h"
#include "core/sign.h"
#include "json/json.h"
#include "proof/merkle.h"

#define ZSTD_LEVEL 3
#define WORK_SUFFIX ".licit-tmp-"
#define MANIFEST_MAX ((size_t)64 << 20)
#define CB_FAILED 1 /* a callback's failure, its message kept in build.cb_err */

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

static void crash_point(const char *name) {
  const char *want = getenv("LICIT_TEST_CRASH_AT");
  if (want && strcmp(want, name) == 0) raise(SIGKILL);
}

/* The system's reason for errno e, in lower case ("no space left on
 * device"), into buf. */
static const char *why(int e, char buf[160]) {
  snprintf(buf, 160, "%s", strerror(e));
  if (buf[0] && buf[1] && !isupper((unsigned char)buf[1])) buf[0] = (char)tolower((unsigned char)buf[0]);
  return buf;
}

/* An I/O error naming the path and the system's reason; a full file system
 * (or quota, or file size limit) is LICIT_ENOSPACE. */
static int io_err(licit_err *err, const char *what, const char *path, int e) {
  char b[160];
  return licit_err_set(err, licit_errno_code(e), "%s %s: %s", what, path, why(e, b));
}

typedef struct build {
  licit_txn *txn;
  licit_eval *ev;
  const licit_policy *policy;
  const licit_snapshot_opts *opts;
  const char *name;
  char tmp_dir[4200];
  char out_abs[4400];
  licit_snapshot_timing *tm;
  licit_err *err;
  licit_err cb_err;
  bool write_docs; /* false when re-evaluating a directory a killed run left */
  int64_t at;
  uint64_t logpos;
  char at_str[LICIT_TIME_BUFSZ];
  /* pseudonyms, computed once per user */
  const uint8_t *key;
  uint8_t (*pseudo)[16];
  uint8_t *pseudo_done;
  uint64_t nusers;
  /* included posts: bitmap over ordinals, and the Merkle leaves in order */
  uint64_t *bits;
  uint64_t nbits;
  uint32_t *leaf_ords;
  uint64_t n_leaves, cap_leaves;
  licit_merkle_builder mk;
  uint8_t *level[LICIT_MERKLE_MAX_DEPTH];
  uint64_t level_n[LICIT_MERKLE_MAX_DEPTH], level_cap[LICIT_MERKLE_MAX_DEPTH];
  unsigned n_levels;
  /* the part being written */
  ZSTD_CCtx *z;
  FILE *f;
  char path[4400];
  licit_sha256_ctx *sha;
  licit_snapshot_part *parts;
  size_t nparts, part_docs;
  void *zout;
  size_t zout_cap;
  licit_buf line, ubuf;
  char policy_tag[600]; /* NAME@VERSION */
  /* results */
  const licit_policy_version *version;
  licit_counts counts;
  char digest[65], root[65];
  uint8_t seed[32], pub[32];
  licit_buf manifest, sig;
  uint64_t done, total;
  double last_draw, t0;
  int lock_fd;
} build;

/* ------------------------------------------------------------ validate -- */

int licit_snapshot_name_check(const char *name, licit_err *err) {
  size_t n = strlen(name);
  if (n == 0 || n > LICIT_SNAPSHOT_NAME_MAX)
    return licit_err_set(err, LICIT_EINVAL, "a snapshot name has 1-%d characters (got %zu)", LICIT_SNAPSHOT_NAME_MAX,
                         n);
  if (name[0] == '.') return licit_err_set(err, LICIT_EINVAL, "a snapshot name does not start with \".\"");
  /* A directory named so is taken for a killed build's leftovers and
   * removed by the next build beside it (review 7). */
  if (strstr(name, WORK_SUFFIX))
    return licit_err_set(err, LICIT_EINVAL, "a snapshot name does not contain \"" WORK_SUFFIX "\" (licit's work "
                         "directories are named so)");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (!isalnum(c) && c != '.' && c != '_' && c != '-')
      return licit_err_set(err, LICIT_EINVAL,
                           "a snapshot name is made of A-Z a-z 0-9 . _ - (character %zu of \"%s\" is not)", i + 1,
                           name);
  }
  return 0;
}

/* The parent directory and last component of a path ("." for none). */
static void split_path(const char *path, char parent[4200], char base[4200]) {
  char p[4200];
  snprintf(p, sizeof p, "%s", path);
  size_t pl = strlen(p);
  while (pl > 1 && p[pl - 1] == '/') p[--pl] = 0;
  char *slash = strrchr(p, '/');
  if (!slash) {
    snprintf(parent, 4200, ".");
    snprintf(base, 4200, "%s", p);
  } else {
    snprintf(base, 4200, "%s", slash + 1);
    *slash = 0;
    snprintf(parent, 4200, "%s", p[0] ? p : "/");
  }
}

int licit_snapshot_out_check(const char *dir, licit_err *err) {
  char parent[4200], base[4200];
  split_path(dir, parent, base); /* "DIR/" names DIR */
  if (strstr(base, WORK_SUFFIX))
    return licit_err_set(err, LICIT_EINVAL, "%s: a snapshot directory's name does not contain \"" WORK_SUFFIX
                         "\" (licit's work directories are named so, and removed as leftovers)", dir);
  struct stat st;
  if (stat(dir, &st) != 0) return errno == ENOENT ? 0 : io_err(err, "cannot look at", dir, errno);
  if (!S_ISDIR(st.st_mode))
    return licit_err_set(err, LICIT_EEXISTS, "%s exists and is not a directory; a snapshot never overwrites", dir);
  DIR *d = opendir(dir);
  if (!d) return io_err(err, "cannot read", dir, errno);
  bool empty = true;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) empty = false;
  closedir(d);
  if (!empty)
    return licit_err_set(err, LICIT_EEXISTS, "%s exists and is not an empty directory; a snapshot never overwrites",
                         dir);
  return 0;
}

/* The output path made absolute (parent resolved now, last component as
 * given), so `snapshots` means something from any directory. */
static int abs_out(const char *out, char abs[4400]) {
  char parent[4200], base[4200];
  split_path(out, parent, base);
  char *rp = realpath(parent, NULL);
  if (!rp) return -1;
  snprintf(abs, 4400, "%s/%s", strcmp(rp, "/") ? rp : "", base);
  free(rp);
  return 0;
}

/* Removes the files a build writes, then the directories; leaves anything
 * else (and so the directory) alone. */
static void remove_work(const char *dir) {
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
  snprintf(path, sizeof path, "%s/manifest.json.sig", dir);
  unlink(path);
  rmdir(dir);
}

int licit_snapshot_clean_work(const char *out_dir) {
  char parent[4200], base[4200], prefix[4300];
  split_path(out_dir, parent, base);
  snprintf(prefix, sizeof prefix, "%s" WORK_SUFFIX, base);
  size_t pl = strlen(prefix);
  DIR *d = opendir(parent);
  if (!d) return 0;
  int removed = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strncmp(de->d_name, prefix, pl) != 0) continue;
    char *end;
    long pid = strtol(de->d_name + pl, &end, 10);
    if (*end || pid <= 0) continue;
    /* A live build holds a lock on its work directory from before it makes
     * documents/ in it; between its mkdir and its lock, its process is
     * alive.  So a directory with documents/ is judged by its lock alone
     * (its PID may be another process's by now: after a reboot), one
     * without by its PID, then its lock. */
    char path[8600], docs[8700];
    snprintf(path, sizeof path, "%s/%s", parent, de->d_name);
    snprintf(docs, sizeof docs, "%s/documents", path);
    struct stat st;
    bool locked_before = stat(docs, &st) == 0;
    if (!locked_before && pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) continue;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      remove_work(path);
      removed++;
    }
    close(fd);
  }
  closedir(d);
  return removed;
}

/* --------------------------------------------------------- write parts -- */

static int write_out(build *b, const void *p, size_t n) {
  double t = licit_time_mono();
  size_t w = fwrite(p, 1, n, b->f);
  b->tm->write_s += licit_time_mono() - t;
  if (w != n) return io_err(b->err, "writing", b->path, errno);
  if (licit_sha256_update(b->sha, p, n)) return licit_err_set(b->err, LICIT_EINTERNAL, "SHA-256 failed");
  b->tm->bytes_compressed += n;
  return 0;
}

static int zwrite(build *b, const void *src, size_t n, ZSTD_EndDirective mode) {
  ZSTD_inBuffer in = {src, n, 0};
  for (;;) {
    ZSTD_outBuffer out = {b->zout, b->zout_cap, 0};
    double t = licit_time_mono();
    size_t left = ZSTD_compressStream2(b->z, &out, &in, mode);
    b->tm->compress_s += licit_time_mono() - t;
    if (ZSTD_isError(left))
      return licit_err_set(b->err, LICIT_EINTERNAL, "compressing %s: %s", b->path, ZSTD_getErrorName(left));
    if (out.pos) {
      int rc = write_out(b, b->zout, out.pos);
      if (rc) return rc;
    }
    if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return 0;
  }
}

/* Sets the compression parameters that decide the output bytes; each is
 * checked, since a silently ignored one would change them. */
static int zstd_setup(build *b) {
  static const struct {
    ZSTD_cParameter p;
    int v;
    const char *name;
  } params[] = {{ZSTD_c_compressionLevel, ZSTD_LEVEL, "compression level"},
                {ZSTD_c_checksumFlag, 1, "checksum flag"},
                {ZSTD_c_nbWorkers, 0, "number of workers"}};
  for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
    size_t r = ZSTD_CCtx_setParameter(b->z, params[i].p, params[i].v);
    if (ZSTD_isError(r))
      return licit_err_set(b->err, LICIT_EINTERNAL, "zstd refused the %s %d: %s", params[i].name, params[i].v,
                           ZSTD_getErrorName(r));
  }
  return 0;
}

static FILE *create_ro(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "wb");
  if (!f) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return f;
}

static int part_open(build *b) {
  licit_snapshot_part *np = realloc(b->parts, (b->nparts + 1) * sizeof *np);
  if (!np) return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
  b->parts = np;
  licit_snapshot_part *p = &b->parts[b->nparts];
  memset(p, 0, sizeof *p);
  snprintf(p->rel, sizeof p->rel, "documents/part-%05zu.jsonl.zst", b->nparts);
  snprintf(b->path, sizeof b->path, "%s/%s", b->tmp_dir, p->rel);
  b->f = create_ro(b->path);
  if (!b->f) return io_err(b->err, "cannot create", b->path, errno);
  b->sha = licit_sha256_begin();
  if (!b->sha) return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
  size_t r = ZSTD_CCtx_reset(b->z, ZSTD_reset_session_only);
  if (ZSTD_isError(r)) return licit_err_set(b->err, LICIT_EINTERNAL, "zstd: %s", ZSTD_getErrorName(r));
  b->nparts++;
  return 0;
}

static int part_close(build *b) {
  licit_snapshot_part *p = &b->parts[b->nparts - 1];
  int rc = zwrite(b, "", 0, ZSTD_e_end);
  uint8_t d[32];
  if (licit_sha256_end(b->sha, d) && !rc) rc = licit_err_set(b->err, LICIT_EINTERNAL, "SHA-256 failed");
  b->sha = NULL;
  licit_hex(d, 32, p->sha);
  if (!rc && (fflush(b->f) != 0 || fsync(fileno(b->f)) != 0)) rc = io_err(b->err, "writing", b->path, errno);
  if (fclose(b->f) != 0 && !rc) rc = io_err(b->err, "writing", b->path, errno);
  b->f = NULL;
  if (!rc) crash_point("part");
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
  double t = licit_time_mono();
  if (!final && t - b->last_draw < 0.25) return;
  b->last_draw = t;
  double el = t - b->t0;
  fprintf(stderr, "\r\033[Ksnapshot %s: %llu / %llu posts (%.0f%%), %.0f posts/s", b->name,
          (unsigned long long)b->done, (unsigned long long)b->total, b->total ? 100.0 * b->done / b->total : 100.0,
          el > 0 ? b->done / el : 0);
  if (final) fputc('\n', stderr);
  fflush(stderr);
}

/* Keeps each complete subtree of 2^level leaves, level >= MIN_LEVEL. */
static int keep_node(void *ctx, unsigned level, uint64_t index, const uint8_t h[32]) {
  build *b = ctx;
  unsigned j = level - LICIT_MERKLE_MIN_LEVEL;
  if (j >= LICIT_MERKLE_MAX_DEPTH || index != b->level_n[j]) return LICIT_EINTERNAL;
  if (b->level_n[j] == b->level_cap[j]) {
    uint64_t cap = b->level_cap[j] ? b->level_cap[j] * 2 : 64;
    uint8_t *nl = realloc(b->level[j], (size_t)cap * 32);
    if (!nl) return LICIT_ENOMEM;
    b->level[j] = nl;
    b->level_cap[j] = cap;
  }
  memcpy(b->level[j] + (size_t)b->level_n[j]++ * 32, h, 32);
  if (j + 1 > b->n_levels) b->n_levels = j + 1;
  return 0;
}

static int add_leaf(build *b, licit_strv id, const licit_post_rec *p, const licit_text_hist *text) {
  if (p->ord < b->nbits) b->bits[p->ord / 64] |= (uint64_t)1 << (p->ord % 64);
  if (b->n_leaves == b->cap_leaves) {
    uint64_t cap = b->cap_leaves ? b->cap_leaves * 2 : 4096;
    uint32_t *nl = realloc(b->leaf_ords, (size_t)cap * 4);
    if (!nl) return licit_err_set(&b->cb_err, LICIT_ENOMEM, "out of memory");
    b->leaf_ords = nl;
    b->cap_leaves = cap;
  }
  b->leaf_ords[b->n_leaves++] = p->ord;
  double t = licit_time_mono();
  uint8_t h[32];
  licit_merkle_post_leaf(id.p, id.n, text->sha, h);
  int rc = licit_merkle_add(&b->mk, h);
  b->tm->merkle_s += licit_time_mono() - t;
  return rc ? licit_err_set(&b->cb_err, rc, "building the Merkle tree: %s", licit_strerror(rc)) : 0;
}

static int write_doc(build *b, licit_strv id, const licit_post_rec *p, const licit_text_hist *text) {
  int rc;
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
  if (!rc && pev.has_lang && pev.lang.n) { /* SPEC 5: omitted when unknown, as "" says */
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

/* eval_run's callback.  Failures are returned as CB_FAILED with the
 * message in b->cb_err, so that the evaluation hands them back unchanged. */
/* Every considered post, in id order: only the included are read again. */
static bool want_post(void *ctx, uint32_t ord, licit_reason r) {
  (void)ord;
  build *b = ctx;
  b->done++;
  if (b->opts->progress && (b->done & 4095) == 0) draw(b, false);
  return r == LICIT_INCLUDED;
}

static int on_post(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r, const licit_text_hist *text) {
  build *b = ctx;
  if (r != LICIT_INCLUDED) return 0;
  if (add_leaf(b, id, p, text)) return CB_FAILED;
  if (!b->write_docs) return 0;
  licit_err *saved = b->err;
  b->err = &b->cb_err;
  int rc = write_doc(b, id, p, text);
  b->err = saved;
  if (rc && b->cb_err.code == 0) licit_err_set(&b->cb_err, rc, "reading the store: %s", licit_strerror(rc));
  return rc ? CB_FAILED : 0;
}

/* Evaluates at (T, logpos) and, when write_docs, writes the parts into the
 * work directory.  Fills counts, digest, Merkle root, bitmap and leaves. */
static int write_parts(build *b) {
  int rc;
  b->nusers = licit_txn_n_users(b->txn);
  b->nbits = licit_txn_n_posts(b->txn);
  b->total = b->nbits;
  b->bits = calloc((b->nbits + 63) / 64 + 1, 8);
  if (!b->bits) return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
  licit_merkle_init(&b->mk, LICIT_MERKLE_MIN_LEVEL, keep_node, b);
  if ((rc = licit_eval_open(b->txn, b->policy, b->at, b->logpos, &b->ev, b->err))) return rc;
  b->version = licit_eval_version(b->ev);
  if (b->version) snprintf(b->policy_tag, sizeof b->policy_tag, "%s@%s", b->policy->name, b->version->id);
  if (b->write_docs) {
    if ((rc = licit_txn_pseudonym_key(b->txn, &b->key))) return licit_err_set(b->err, rc, "the store has no pseudonym key");
    b->pseudo = malloc((b->nusers ? b->nusers : 1) * sizeof *b->pseudo);
    b->pseudo_done = calloc(b->nusers ? b->nusers : 1, 1);
    b->z = ZSTD_createCCtx();
    b->zout_cap = ZSTD_CStreamOutSize();
    b->zout = malloc(b->zout_cap);
    if (!b->pseudo || !b->pseudo_done || !b->z || !b->zout) return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
    if ((rc = zstd_setup(b))) return rc;
  }
  memset(&b->cb_err, 0, sizeof b->cb_err);
  rc = licit_eval_run_want(b->ev, want_post, on_post, b, &b->counts, b->digest, b->err);
  if (rc == CB_FAILED) {
    *b->err = b->cb_err;
    return b->cb_err.code ? b->cb_err.code : LICIT_EINTERNAL;
  }
  if (rc) return rc;
  if (b->nparts && (rc = part_close(b))) return rc;
  uint8_t root[32];
  double t = licit_time_mono();
  licit_merkle_root(&b->mk, root);
  b->tm->merkle_s += licit_time_mono() - t;
  licit_hex(root, 32, b->root);
  return 0;
}

/* ------------------------------------------------------ write manifest -- */

int licit_snapshot_manifest_text(licit_buf *m, const char *name, const char *at_str, uint64_t log_position,
                                 const char *policy_name, const char *policy_version, const licit_counts *c,
                                 const char *digest, const char *merkle_root, const licit_snapshot_part *parts,
                                 size_t nparts) {
  int rc = licit_buf_adds(m, "{\n  \"snapshot\": ");
  if (!rc) rc = licit_jw_strz(m, name);
  if (!rc) rc = licit_buf_printf(m, ",\n  \"at\": \"%s\",\n  \"log_position\": %llu,\n  \"policy\": {\"name\": ",
                                 at_str, (unsigned long long)log_position);
  if (!rc) rc = policy_name ? licit_jw_strz(m, policy_name) : licit_buf_adds(m, "null");
  if (!rc) rc = licit_buf_adds(m, ", \"version\": ");
  if (!rc) rc = policy_version ? licit_jw_strz(m, policy_version) : licit_buf_adds(m, "null");
  if (!rc) rc = licit_buf_adds(m, "},\n  \"counts\": ");
  if (!rc) rc = licit_counts_json(m, c);
  if (!rc)
    rc = licit_buf_printf(m, ",\n  \"digest\": \"%s\",\n  \"merkle_root\": \"%s\",\n  \"documents\": [", digest,
                          merkle_root);
  for (size_t i = 0; i < nparts && !rc; i++)
    rc = licit_buf_printf(m, "%s\n    {\"path\": \"%s\", \"count\": %llu, \"sha256\": \"%s\"}", i ? "," : "",
                          parts[i].rel, (unsigned long long)parts[i].count, parts[i].sha);
  if (!rc) rc = licit_buf_printf(m, "%s],\n  \"licit_version\": \"%s\"\n}\n", nparts ? "\n  " : "", LICIT_VERSION);
  return rc;
}

int licit_snapshot_sig_text(licit_buf *out, const uint8_t seed[32], const uint8_t pub[32], const char *manifest,
                            size_t n) {
  uint8_t sig[LICIT_ED25519_SIG_LEN];
  int rc = licit_ed25519_sign(seed, manifest, n, sig);
  if (rc) return rc;
  char kh[65], sh[129];
  licit_hex(pub, 32, kh);
  licit_hex(sig, 64, sh);
  return licit_buf_printf(out, "{\"alg\": \"ed25519\", \"key\": \"%s\", \"sig\": \"%s\"}\n", kh, sh);
}

/* Writes a whole read-only file and syncs it; errors name the path. */
static int write_file(const char *path, const char *p, size_t n, licit_err *err) {
  FILE *f = create_ro(path);
  if (!f) return io_err(err, "cannot create", path, errno);
  int rc = 0;
  if (fwrite(p, 1, n, f) != n || fflush(f) != 0 || fsync(fileno(f)) != 0) rc = io_err(err, "writing", path, errno);
  if (fclose(f) != 0 && !rc) rc = io_err(err, "writing", path, errno);
  return rc;
}

static int fsync_dir(const char *path, licit_err *err) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_err(err, "cannot open", path, errno);
  int rc = fsync(fd) != 0 ? io_err(err, "syncing", path, errno) : 0;
  close(fd);
  return rc;
}

static int write_manifest(build *b) {
  int rc = licit_snapshot_manifest_text(&b->manifest, b->name, b->at_str, b->logpos, b->policy ? b->policy->name : NULL,
                                        b->version ? b->version->id : NULL, &b->counts, b->digest, b->root, b->parts,
                                        b->nparts);
  if (!rc) rc = licit_snapshot_sig_text(&b->sig, b->seed, b->pub, b->manifest.data, b->manifest.len);
  if (rc) return licit_err_set(b->err, rc, "making the manifest: %s", licit_strerror(rc));
  char path[4400];
  snprintf(path, sizeof path, "%s/manifest.json", b->tmp_dir);
  if ((rc = write_file(path, b->manifest.data, b->manifest.len, b->err))) return rc;
  crash_point("manifest");
  snprintf(path, sizeof path, "%s/manifest.json.sig", b->tmp_dir);
  if ((rc = write_file(path, b->sig.data, b->sig.len, b->err))) return rc;
  crash_point("signature");
  snprintf(path, sizeof path, "%s/documents", b->tmp_dir);
  if ((rc = fsync_dir(path, b->err)) || (rc = fsync_dir(b->tmp_dir, b->err))) return rc;
  crash_point("synced");
  return 0;
}

/* ------------------------------------------------------------- publish -- */

static int fill_info(build *b, licit_snapshot_info *info) {
  memset(info, 0, sizeof *info);
  info->nbits = (uint32_t)b->nbits;
  info->at = b->at;
  info->log_position = b->logpos;
  licit_counts_to_flat(&b->counts, info->counts);
  memcpy(info->digest, b->digest, 65);
  memcpy(info->merkle_root, b->root, 65);
  info->policy_install = b->policy ? b->opts->policy_install : 0;
  info->name = strdup(b->name);
  info->out_dir = strdup(b->out_abs);
  bool ok = info->name && info->out_dir;
  if (b->policy && !(info->policy_name = strdup(b->policy->name))) ok = false;
  if (b->version && !(info->policy_version = strdup(b->version->id))) ok = false;
  if (!ok) {
    licit_snapshot_info_free(info);
    return licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
  }
  return 0;
}

/* Registers the snapshot and, unless `in_place` (a directory a killed run
 * left), renames the work directory to the output; the registration
 * commits only after the rename is on disk. */
static int publish(build *b, licit_store *s, bool in_place, licit_snapshot_info *info) {
  int rc = fill_info(b, info);
  if (rc) return rc;
  licit_snapshot_extra x = {0};
  x.n_leaves = b->n_leaves;
  x.leaf_ords = b->leaf_ords;
  x.min_level = LICIT_MERKLE_MIN_LEVEL;
  x.n_levels = b->n_levels;
  x.level = (const uint8_t *const *)b->level;
  x.level_n = b->level_n;
  x.manifest = b->manifest.data;
  x.manifest_len = b->manifest.len;
  x.sig = b->sig.data;
  x.sig_len = b->sig.len;
  size_t need = (b->nbits / 8) * 2 + (size_t)b->n_leaves * 6 + b->manifest.len + ((size_t)16 << 20);
  licit_txn *w = NULL;
  double t0 = licit_time_mono();
  if ((rc = licit_store_reserve(s, need, b->err)) || (rc = licit_txn_begin(s, true, &w, b->err))) goto fail;
  if ((rc = licit_snapshot_register(w, info, b->bits, &x, b->err))) goto fail;
  crash_point("registered");
  if (!in_place) {
    if ((rc = licit_snapshot_out_check(b->opts->out_dir, b->err))) goto fail;
    /* An empty output directory is replaced by the work directory. */
    if (rmdir(b->opts->out_dir) != 0 && errno != ENOENT) {
      rc = io_err(b->err, "cannot replace the empty directory", b->opts->out_dir, errno);
      goto fail;
    }
    if (rename(b->tmp_dir, b->opts->out_dir) != 0) {
      char why_b[160];
      rc = licit_err_set(b->err, LICIT_EIO, "cannot rename %s to %s: %s", b->tmp_dir, b->opts->out_dir,
                         why(errno, why_b));
      goto fail;
    }
    b->tmp_dir[0] = 0; /* nothing left to remove */
    char parent[4200], base[4200];
    split_path(b->opts->out_dir, parent, base);
    /* If this fails the snapshot is in place but not registered: the
     * next run of the same command registers it. */
    if ((rc = fsync_dir(parent, b->err))) goto fail;
    crash_point("renamed");
  }
  rc = licit_txn_commit(w, b->err);
  w = NULL;
  if (rc) goto fail;
  crash_point("committed");
  b->tm->publish_s = licit_time_mono() - t0;
  return 0;
fail:
  licit_txn_abort(w);
  licit_snapshot_info_free(info);
  return rc;
}

/* ------------------------------------------------------------ recovery -- */

static int read_small(const char *path, licit_buf *b, licit_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return errno == ENOENT || errno == ENOTDIR ? LICIT_ENOTFOUND : io_err(err, "cannot read", path, errno);
  char tmp[65536];
  size_t n;
  int rc = 0;
  while (!rc && (n = fread(tmp, 1, sizeof tmp, f)) > 0)
    if (b->len + n > MANIFEST_MAX || licit_buf_add(b, tmp, n)) rc = licit_err_set(err, LICIT_ETOOBIG, "%s is too large", path);
  if (!rc && ferror(f)) rc = io_err(err, "cannot read", path, errno);
  fclose(f);
  return rc;
}

static int file_sha(const char *path, char hex[65]);

/* Whether the part DIR/rel holds the bytes of `want` (64 hex digits):
 * NULL when it does, else what is wrong with it. */
static const char *part_differs(const char *dir, const char *rel, size_t rn, const char *want, size_t wn,
                                char fp[4500]) {
  char got[65];
  snprintf(fp, 4500, "%s/%.*s", dir, (int)(rn < 256 ? rn : 256), rel);
  if (file_sha(fp, got)) return "missing or unreadable";
  if (wn != 64 || memcmp(got, want, 64) != 0) return "not the bytes registered (its sha256 differs)";
  return NULL;
}

static int file_sha(const char *path, char hex[65]) {
  FILE *f = fopen(path, "rb");
  if (!f) return LICIT_EIO;
  licit_sha256_ctx *c = licit_sha256_begin();
  char *buf = malloc(1 << 20);
  int rc = c && buf ? 0 : LICIT_ENOMEM;
  size_t n;
  while (!rc && (n = fread(buf, 1, 1 << 20, f)) > 0) rc = licit_sha256_update(c, buf, n);
  if (!rc && ferror(f)) rc = LICIT_EIO;
  uint8_t d[32];
  if (c && licit_sha256_end(c, d) && !rc) rc = LICIT_EINTERNAL;
  if (!rc) licit_hex(d, 32, hex);
  free(buf);
  fclose(f);
  return rc;
}

/* The output directory exists and is not empty.  When it holds a complete
 * snapshot of this name and T, signed by this store, whose documents match
 * its manifest and whose manifest is exactly what this store writes for it
 * at its log position, it is what a killed run left: *ok = true, with
 * b->manifest/sig/parts/logpos set from it.  Otherwise *ok = false. */
static int recognise(build *b, bool *ok) {
  *ok = false;
  char path[4400];
  licit_json *m = NULL, *sj = NULL;
  snprintf(path, sizeof path, "%s/manifest.json", b->opts->out_dir);
  int rc = read_small(path, &b->manifest, b->err);
  if (rc == LICIT_ENOTFOUND) return 0;
  if (rc) return rc;
  snprintf(path, sizeof path, "%s/manifest.json.sig", b->opts->out_dir);
  if ((rc = read_small(path, &b->sig, b->err))) return rc == LICIT_ENOTFOUND ? 0 : rc;
  if (licit_json_parse(b->manifest.data, b->manifest.len, &m, NULL, NULL, NULL) ||
      licit_json_parse(b->sig.data, b->sig.len, &sj, NULL, NULL, NULL))
    goto out;
  const licit_json *nm = licit_json_get(m, "snapshot"), *at = licit_json_get(m, "at"),
                   *lp = licit_json_get(m, "log_position"), *docs = licit_json_get(m, "documents"),
                   *key = licit_json_get(sj, "key");
  size_t n;
  const char *s;
  if (!nm || licit_json_typeof(nm) != LICIT_JSON_STRING || !at || licit_json_typeof(at) != LICIT_JSON_STRING || !lp ||
      licit_json_typeof(lp) != LICIT_JSON_INT || !docs || licit_json_typeof(docs) != LICIT_JSON_ARRAY || !key ||
      licit_json_typeof(key) != LICIT_JSON_STRING)
    goto out;
  s = licit_json_str(nm, &n);
  if (n != strlen(b->name) || memcmp(s, b->name, n)) goto out;
  s = licit_json_str(at, &n);
  if (n != strlen(b->at_str) || memcmp(s, b->at_str, n)) goto out;
  char kh[65];
  licit_hex(b->pub, 32, kh);
  s = licit_json_str(key, &n);
  if (n != 64 || memcmp(s, kh, 64)) goto out; /* not signed by this store */
  int64_t logpos = licit_json_int(lp);
  if (logpos < 0 || (uint64_t)logpos > licit_txn_log_len(b->txn)) goto out;
  b->logpos = (uint64_t)logpos;
  size_t np = licit_json_array_size(docs);
  b->parts = calloc(np ? np : 1, sizeof *b->parts);
  if (!b->parts) {
    rc = licit_err_set(b->err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < np; i++) {
    const licit_json *d = licit_json_array_get(docs, i);
    const licit_json *pp = licit_json_get(d, "path"), *pc = licit_json_get(d, "count"), *ps = licit_json_get(d, "sha256");
    if (!pp || !pc || !ps || licit_json_typeof(pp) != LICIT_JSON_STRING || licit_json_typeof(pc) != LICIT_JSON_INT ||
        licit_json_typeof(ps) != LICIT_JSON_STRING)
      goto out;
    s = licit_json_str(pp, &n);
    if (n >= sizeof b->parts[i].rel || memchr(s, 0, n) || strstr(s, "..")) goto out;
    memcpy(b->parts[i].rel, s, n);
    b->parts[i].count = (uint64_t)licit_json_int(pc);
    s = licit_json_str(ps, &n);
    if (n != 64) goto out;
    memcpy(b->parts[i].sha, s, 64);
    b->parts[i].sha[64] = 0;
    char fp[4500];
    if (part_differs(b->opts->out_dir, b->parts[i].rel, strlen(b->parts[i].rel), b->parts[i].sha, 64, fp)) goto out;
  }
  b->nparts = np;
  *ok = true;
out:
  licit_json_free(m);
  licit_json_free(sj);
  return rc;
}

/* Re-evaluates at the recognised directory's log position and checks that
 * this store would write exactly its manifest and signature. */
static int recover(build *b) {
  licit_buf want = LICIT_BUF_INIT, wsig = LICIT_BUF_INIT;
  size_t np = b->nparts;
  licit_snapshot_part *parts = b->parts;
  b->parts = NULL;
  b->nparts = 0;
  b->write_docs = false;
  int rc = write_parts(b);
  if (!rc) rc = licit_snapshot_manifest_text(&want, b->name, b->at_str, b->logpos, b->policy ? b->policy->name : NULL,
                                             b->version ? b->version->id : NULL, &b->counts, b->digest, b->root, parts, np);
  if (!rc) rc = licit_snapshot_sig_text(&wsig, b->seed, b->pub, want.data, want.len);
  if (!rc && (want.len != b->manifest.len || memcmp(want.data, b->manifest.data, want.len) || wsig.len != b->sig.len ||
              memcmp(wsig.data, b->sig.data, wsig.len)))
    rc = licit_err_set(b->err, LICIT_EEXISTS,
                       "%s holds snapshot \"%s\" unregistered, but this store (its log, policy or licit version) "
                       "would now write it differently; remove it or choose another --out",
                       b->opts->out_dir, b->name);
  b->parts = parts;
  b->nparts = np;
  licit_buf_free(&want);
  licit_buf_free(&wsig);
  return rc;
}

/* ---------------------------------------------------------------- build -- */

/* The store's signing key; a store made before signatures gets it now, in
 * its own write transaction. */
static int sign_key(build *b, licit_store *s) {
  licit_txn *t;
  licit_err e2;
  int rc = licit_txn_begin(s, false, &t, b->err);
  if (rc) return rc;
  rc = licit_store_sign_key(t, b->seed, b->pub, &e2);
  licit_txn_abort(t);
  if (rc != LICIT_ENOTFOUND) {
    if (rc) *b->err = e2;
    return rc;
  }
  if ((rc = licit_store_reserve(s, 1 << 20, b->err)) || (rc = licit_txn_begin(s, true, &t, b->err))) return rc;
  if ((rc = licit_store_sign_key(t, b->seed, b->pub, b->err))) {
    licit_txn_abort(t);
    return rc;
  }
  return licit_txn_commit(t, b->err);
}

/* What of the registered snapshot's directory is not as registered: NULL
 * when its signature file and every part listed in manifest m are (the
 * manifest itself was compared already); else a message in why. */
static const char *damage(build *b, licit_strv m, licit_strv sg, char why[4600]) {
  licit_buf disk = LICIT_BUF_INIT;
  char path[4400];
  snprintf(path, sizeof path, "%s/manifest.json.sig", b->opts->out_dir);
  licit_err ignore;
  int rc = read_small(path, &disk, &ignore);
  bool sig_ok = rc == 0 && disk.len == sg.n && memcmp(disk.data, sg.p, sg.n) == 0;
  licit_buf_free(&disk);
  if (!sig_ok) {
    snprintf(why, 4600, "%s is %s", path, rc == LICIT_ENOTFOUND ? "missing" : "not the signature registered");
    return why;
  }
  licit_json *js = NULL;
  if (licit_json_parse(m.p, m.n, &js, NULL, NULL, NULL)) {
    snprintf(why, 4600, "its registered manifest cannot be read");
    return why;
  }
  const licit_json *docs = licit_json_get(js, "documents");
  const char *bad = NULL;
  size_t np = docs && licit_json_typeof(docs) == LICIT_JSON_ARRAY ? licit_json_array_size(docs) : 0;
  for (size_t i = 0; i < np && !bad; i++) {
    const licit_json *d = licit_json_array_get(docs, i);
    const licit_json *pp = licit_json_get(d, "path"), *ps = licit_json_get(d, "sha256");
    if (!pp || !ps || licit_json_typeof(pp) != LICIT_JSON_STRING || licit_json_typeof(ps) != LICIT_JSON_STRING) continue;
    size_t pn, sn;
    const char *rel = licit_json_str(pp, &pn), *want = licit_json_str(ps, &sn);
    char fp[4500];
    if ((bad = part_differs(b->opts->out_dir, rel, pn, want, sn, fp))) snprintf(why, 4600, "%s is %s", fp, bad);
  }
  licit_json_free(js);
  return bad ? why : NULL;
}

/* The name is registered: done when it is this snapshot, in this
 * directory, unchanged (a rerun after a kill past the commit). */
static int already(build *b, licit_snapshot_info *old, bool *same) {
  *same = false;
  if (old->at != b->at || strcmp(old->out_dir ? old->out_dir : "", b->out_abs) != 0) return 0;
  licit_strv m, sg;
  licit_buf disk = LICIT_BUF_INIT;
  char path[4400];
  snprintf(path, sizeof path, "%s/manifest.json", b->opts->out_dir);
  int rc = read_small(path, &disk, b->err);
  if (rc == 0 && licit_snapshot_manifest(b->txn, b->name, &m, &sg) == 0) {
    *same = disk.len == m.n && memcmp(disk.data, m.p, m.n) == 0;
    /* "Already built" only when the directory still holds it: a rerun that
     * finds a part or the signature gone or changed says so (exit 1)
     * rather than "nothing to do" over a snapshot that verify refuses. */
    char why[4600];
    if (*same && damage(b, m, sg, why))
      rc = licit_err_set(b->err, LICIT_EIO,
                         "snapshot \"%s\" is registered with %s, but the directory no longer holds it: %s "
                         "(licit verify %s says more)",
                         b->name, b->opts->out_dir, why, b->opts->out_dir);
  }
  licit_buf_free(&disk);
  return rc == LICIT_ENOTFOUND ? 0 : rc;
}

/* Checks the name and the output path; sets the name, T as text and the
 * absolute output path. */
static int validate(build *b) {
  int rc = licit_snapshot_name_check(b->name, b->err);
  if (rc) return rc;
  if (strlen(b->opts->out_dir) > 4000) return licit_err_set(b->err, LICIT_EINVAL, "output path too long");
  if (abs_out(b->opts->out_dir, b->out_abs) != 0)
    return io_err(b->err, "cannot resolve the parent directory of", b->opts->out_dir, errno);
  licit_time_format(b->at, b->at_str);
  return 0;
}

enum { PLAN_BUILD, PLAN_RECOVER, PLAN_DONE };

/* What this run must do, given the store and the output directory: build,
 * register a complete directory a killed run left (*plan = PLAN_RECOVER,
 * with the directory's manifest read), or nothing (PLAN_DONE, *info set:
 * the snapshot is registered with this directory already). */
static int plan(build *b, licit_snapshot_info *info, int *plan) {
  licit_snapshot_info old;
  *plan = PLAN_BUILD;
  if (licit_snapshot_get(b->txn, b->name, &old) == 0) {
    bool same = false;
    int rc = already(b, &old, &same);
    if (!rc && same) {
      *info = old;
      *plan = PLAN_DONE;
      return 0;
    }
    licit_snapshot_info_free(&old);
    return rc ? rc
              : licit_err_set(b->err, LICIT_EEXISTS, "a snapshot named \"%s\" is already registered (names are unique)",
                              b->name);
  }
  int rc = licit_snapshot_out_check(b->opts->out_dir, b->err);
  if (rc != LICIT_EEXISTS) return rc;
  licit_err first = *b->err;
  bool left = false;
  if ((rc = recognise(b, &left))) return rc;
  if (!left) {
    *b->err = first;
    return LICIT_EEXISTS;
  }
  *plan = PLAN_RECOVER;
  return 0;
}

/* Makes and locks the work directory "<out>.licit-tmp-PID". */
static int make_work(build *b) {
  snprintf(b->tmp_dir, sizeof b->tmp_dir, "%s" WORK_SUFFIX "%ld", b->opts->out_dir, (long)getpid());
  if (mkdir(b->tmp_dir, 0755) != 0) {
    int rc = io_err(b->err, "cannot create", b->tmp_dir, errno);
    b->tmp_dir[0] = 0;
    return rc;
  }
  b->lock_fd = open(b->tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b->lock_fd < 0 || flock(b->lock_fd, LOCK_EX) != 0) return io_err(b->err, "cannot lock", b->tmp_dir, errno);
  char docs[4300];
  snprintf(docs, sizeof docs, "%s/documents", b->tmp_dir);
  if (mkdir(docs, 0755) != 0) return io_err(b->err, "cannot create", docs, errno);
  crash_point("work-dir");
  return 0;
}

static void build_free(build *b) {
  if (b->f) fclose(b->f);
  if (b->sha) {
    uint8_t d[32];
    licit_sha256_end(b->sha, d);
  }
  if (b->tmp_dir[0]) remove_work(b->tmp_dir);
  if (b->lock_fd >= 0) close(b->lock_fd);
  if (b->txn) licit_txn_abort(b->txn);
  licit_eval_close(b->ev);
  ZSTD_freeCCtx(b->z);
  free(b->zout);
  free(b->pseudo);
  free(b->pseudo_done);
  free(b->bits);
  free(b->leaf_ords);
  for (unsigned j = 0; j < LICIT_MERKLE_MAX_DEPTH; j++) free(b->level[j]);
  free(b->parts);
  licit_buf_free(&b->line);
  licit_buf_free(&b->ubuf);
  licit_buf_free(&b->manifest);
  licit_buf_free(&b->sig);
}

int licit_snapshot_build(licit_store *s, const licit_policy *policy, const licit_snapshot_opts *opts,
                         licit_snapshot_info *info, licit_snapshot_timing *timing, licit_err *err) {
  build b;
  memset(&b, 0, sizeof b);
  licit_snapshot_timing tm_local;
  b.tm = timing ? timing : &tm_local;
  memset(b.tm, 0, sizeof *b.tm);
  /* DIR/ is DIR (a shell's completion adds the slash): the work directory
   * is named after DIR, beside it, not inside it. */
  licit_snapshot_opts o = *opts;
  char out[4200];
  if (opts->out_dir) {
    snprintf(out, sizeof out, "%s", opts->out_dir);
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/') out[--n] = 0;
    o.out_dir = out;
  }
  opts = &o;
  b.opts = opts;
  b.err = err;
  b.policy = policy;
  b.at = opts->at;
  b.lock_fd = -1;
  b.write_docs = true;
  b.part_docs = opts->part_docs ? opts->part_docs : LICIT_PART_DOCS;
  b.t0 = licit_time_mono();
  char defname[64];
  if (opts->name) {
    b.name = opts->name;
  } else {
    char c[LICIT_TIME_BUFSZ];
    licit_time_format_compact(opts->at, c);
    snprintf(defname, sizeof defname, "at-%s", c);
    b.name = defname;
  }
  int rc = validate(&b), what = PLAN_BUILD;
  if (rc) return rc;
  licit_snapshot_clean_work(opts->out_dir);
  if ((rc = sign_key(&b, s)) || (rc = licit_txn_begin(s, false, &b.txn, err))) goto out;
  b.logpos = licit_txn_log_len(b.txn);
  if ((rc = plan(&b, info, &what))) goto out;
  if (what == PLAN_DONE) {
    b.tm->outcome = LICIT_SNAPSHOT_EXISTED;
    goto out;
  }
  if (what == PLAN_RECOVER) rc = recover(&b);
  else if (!(rc = make_work(&b)) && !(rc = write_parts(&b))) rc = write_manifest(&b);
  if (rc) goto out;
  if (opts->progress) draw(&b, true);
  /* The read transaction ends before the write one (one per thread). */
  licit_txn_abort(b.txn);
  b.txn = NULL;
  licit_eval_close(b.ev);
  b.ev = NULL;
  if ((rc = publish(&b, s, what == PLAN_RECOVER, info))) goto out;
  b.tm->outcome = what == PLAN_RECOVER ? LICIT_SNAPSHOT_RECOVERED : LICIT_SNAPSHOT_BUILT;
  b.tm->total_s = licit_time_mono() - b.t0;
out:
  build_free(&b);
  return rc;
}
