/*
 * store.c — the LMDB environment, transactions, record codecs and lookups.
 * The only module that includes lmdb.h (with apply.c, its other half, which
 * works through store_int.h).
 */
#define _GNU_SOURCE /* fallocate(2): posix_fallocate may emulate it by writing */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>

#include "core/hash.h"
#include "core/sign.h"

/* The map is written in place (MDB_WRITEMAP): a write transaction's dirty
 * pages are the file's own pages, not copies in anonymous memory, so a
 * large batch costs no heap and commits without copying.  LMDB then keeps
 * the file as large as the map, so the map starts small and grows ahead of
 * each write transaction (licit_store_reserve), doubling, so that it is
 * remapped rarely (a remap must not race a reader of this process); the
 * file is sparse beyond what is used.
 *
 * A page of a shared file mapping that the file system cannot back (the
 * disk is full) is not an error LMDB sees: the process gets SIGBUS when it
 * writes the page.  So licit_store_reserve also allocates (fallocate) the
 * blocks of the region the next write transaction may use: the used pages,
 * half as much again for copy-on-write, and what the caller says it adds.
 * A full disk then shows as LICIT_ENOSPACE there, before anything is
 * written, with every commit kept.  `stats` reports the blocks allocated. */
#define MAP_INITIAL ((size_t)256 << 20)
#define MAP_STEP ((size_t)64 << 20)
#define MAP_ALIGN ((size_t)1 << 20)

int licit__mdb_err(int rc, licit_err *err, const char *what) {
  if (rc == MDB_MAP_FULL)
    return licit_err_set(err, LICIT_EFULL, "%s: the store is full (%s)", what, mdb_strerror(rc));
  if (rc == ENOMEM) return licit_err_set(err, LICIT_ENOMEM, "%s: out of memory", what);
  if (rc > 0) return licit_err_set(err, LICIT_EIO, "%s: %s", what, mdb_strerror(rc));
  return licit_err_set(err, LICIT_ESTORE, "%s: %s", what, mdb_strerror(rc));
}

static const char *const dbi_names[DBI_COUNT] = {
    [DBI_META] = "meta",       [DBI_LOG] = "log",           [DBI_IDS] = "eids",
    [DBI_POSTIDS] = "postids", [DBI_POSTREC] = "postrec", [DBI_USERS] = "users",
    [DBI_USTATE] = "ustate",   [DBI_UPOSTS] = "uposts",     [DBI_SIGNALS] = "signals",
    [DBI_SNAPSHOTS] = "snapshots", [DBI_SNAPBITS] = "snapbits", [DBI_POLICIES] = "policies",
    [DBI_ORPHANS] = "orphans",     [DBI_LINKS] = "links",       [DBI_ULINKS] = "ulinks",
    [DBI_UMENTIONS] = "umentions",
    [DBI_MANIFESTS] = "manifests", [DBI_MERKLE] = "merkle",
};
static const unsigned dbi_flags[DBI_COUNT] = {
    [DBI_LOG] = MDB_INTEGERKEY,
    [DBI_POSTREC] = MDB_INTEGERKEY,
    [DBI_USTATE] = MDB_INTEGERKEY,
    [DBI_UPOSTS] = MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP,
    [DBI_POLICIES] = MDB_INTEGERKEY,
    [DBI_ORPHANS] = MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP,
    [DBI_ULINKS] = MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP,
    [DBI_UMENTIONS] = MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP,
};

/* ----------------------------------------------------------------- meta -- */

int licit__meta_get(licit_txn *t, const char *key, MDB_val *val) {
  MDB_val k = {strlen(key), (void *)key};
  return licit__get(t, DBI_META, &k, val);
}

int licit__meta_put(licit_txn *t, const char *key, const void *p, size_t n) {
  MDB_val k = {strlen(key), (void *)key}, v = {n, (void *)p};
  return mdb_put(t->txn, t->s->dbi[DBI_META], &k, &v, 0);
}

static uint64_t meta_u64(licit_txn *t, const char *key) {
  MDB_val v;
  uint64_t x = 0;
  if (licit__meta_get(t, key, &v) == 0 && v.mv_size == 8) memcpy(&x, v.mv_data, 8);
  return x;
}

static const char *const counter_keys[CTR_COUNT] = {
    [CTR_LOG] = "log_len",     [CTR_POSTS] = "n_posts",         [CTR_USERS] = "n_users",
    [CTR_SIGNALS] = "n_signals", [CTR_SNAPSHOTS] = "n_snapshots", [CTR_POLICIES] = "n_policies",
    [CTR_REPLIES] = "n_replies", [CTR_LOG_FROM] = "log_from",   [CTR_LOG_END] = "log_end",
};

/* ------------------------------------------------------------ open/close -- */

/* "licit-store-N": N is the format version.  A store of an older version
 * that this licit can still read opens read-only as it is (tables a newer
 * version added read as empty) and is upgraded by the first write open
 * (the missing tables created, the mark rewritten). */
#define FORMAT_PREFIX "licit-store-"
/* 2: compact post records; 3: posts kept by ordinal (postrec, postids,
 * postord); 4: each record names its id, postord is gone; 5: log records
 * in the log file (DIR/log.dat) from meta log_from on, the log table
 * saying where.  A store of format 4 reads as it is (log_from is absent:
 * every record is in the table); the first write open marks it 5 and
 * its later records go to the file.  6: event ids in `eids` under
 * licit__id_key, where `ids` held them under their own bytes; a store of
 * format 5 or older reads its `ids` as it is, and the first write open
 * moves them (upgrade_ids). */
#define FORMAT_VERSION 6
#define FORMAT_OLDEST 2 /* the oldest version this licit opens (versions 2 and 3 only to upgrade them) */

/* Reads the version out of a format mark; 0 when it is not one. */
static int format_version(const MDB_val *v) {
  size_t pl = strlen(FORMAT_PREFIX);
  if (v->mv_size <= pl || v->mv_size > pl + 6 || memcmp(v->mv_data, FORMAT_PREFIX, pl) != 0) return 0;
  int n = 0;
  for (size_t i = pl; i < v->mv_size; i++) {
    char c = ((const char *)v->mv_data)[i];
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

static int path_in(char *buf, size_t cap, const char *dir, const char *file, licit_err *err) {
  if ((size_t)snprintf(buf, cap, "%s/%s", dir, file) >= cap)
    return licit_err_set(err, LICIT_EINVAL, "store %s: the path is too long", dir);
  return 0;
}

static int env_used(licit_store *s, uint64_t *used, size_t *mapsize);

/* -------------------------------------------------------- the log file -- */

/* Format 5 keeps the log records (the encoded events, most of a store's
 * bytes) out of LMDB, in DIR/log.dat, one after another in seq order; the
 * log table maps each seq to (offset, length) there.  In LMDB they were
 * pages of the same map as the random-keyed tables, copied on write and
 * msync'ed with them; appended to a file they are written once, in order,
 * and the map holds a third of what it did (docs/store.md, round 20).
 *
 * Crash safety is LMDB's: a write transaction writes its records to the
 * file (pwrite), syncs the file (fdatasync), and only then commits the
 * entries that point at them together with meta log_end, the file's
 * committed length.  A kill or a failed commit leaves bytes beyond
 * log_end that nothing points at; the next write transaction cuts them
 * off before it writes.  Readers read only through committed entries, so
 * they never see those bytes, and the file's committed part never
 * changes.  Readers map the file once, larger than it will grow (the map
 * never moves, so a record read stays valid for the whole process while
 * the writer appends); a record beyond the file's end (a damaged or
 * foreign log.dat) is a clear error, never a fault. */
#define LOG_FILE "log.dat"
#define LOG_FLUSH ((size_t)1 << 20)

/* Opens the log file: a writer creates it, a reader takes it when it is
 * there (a store without log records in the file has none). */
static int log_open(licit_store *s, bool write, licit_err *err) {
  char path[4200];
  int rc = path_in(path, sizeof path, s->dir, LOG_FILE, err);
  if (rc) return rc;
  int fd = open(path, write ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
  if (fd < 0 && (write || errno != ENOENT))
    return licit_err_set(err, LICIT_EIO, "store %s: cannot open its log file %s: %s", s->dir, path, strerror(errno));
  s->logfd = fd;
  return 0;
}

static void log_close(licit_store *s) {
  const char *m = atomic_load(&s->logmap);
  if (m) munmap((void *)m, s->logmap_size);
  if (s->logfd >= 0) close(s->logfd);
  atomic_store(&s->logmap, NULL);
  s->logfd = -1;
  pthread_mutex_destroy(&s->logmu);
  pthread_mutex_destroy(&s->logwmu);
}

/* Maps the log file for reading, once: as large as the address space
 * allows up to 1 TiB, beyond the file's end, so that it never moves. */
static int log_map(licit_store *s) {
  int rc = 0;
  pthread_mutex_lock(&s->logmu);
  if (!atomic_load_explicit(&s->logmap, memory_order_relaxed)) {
    if (s->logfd < 0) {
      char path[4200];
      if (path_in(path, sizeof path, s->dir, LOG_FILE, NULL) || (s->logfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        rc = LICIT_ESTORE;
    }
    for (size_t size = (size_t)1 << 40; !rc && size >= ((size_t)1 << 30); size /= 2) {
      void *m = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_NORESERVE, s->logfd, 0);
      if (m != MAP_FAILED) {
        s->logmap_size = size;
        atomic_store_explicit(&s->logmap, (const char *)m, memory_order_release);
        break;
      }
    }
    if (!rc && !atomic_load_explicit(&s->logmap, memory_order_relaxed)) rc = LICIT_ENOMEM;
  }
  pthread_mutex_unlock(&s->logmu);
  return rc;
}

/* The log record at [off, off + n) of the file, as t sees it. */
static int log_at(licit_txn *t, uint64_t off, uint32_t n, const void **p) {
  licit_store *s = t->s;
  if (off > UINT64_MAX - n) return LICIT_ESTORE;
  if (t->write && off >= t->log_base) { /* this transaction's, not yet written */
    if (off - t->log_base > t->logbuf.len || n > t->logbuf.len - (off - t->log_base)) return LICIT_ESTORE;
    *p = t->logbuf.data + (off - t->log_base);
    return 0;
  }
  const char *map = atomic_load_explicit(&s->logmap, memory_order_acquire);
  if (!map) {
    int rc = log_map(s);
    if (rc) return rc;
    map = atomic_load_explicit(&s->logmap, memory_order_acquire);
  }
  if (off + n > atomic_load_explicit(&s->log_size, memory_order_relaxed)) {
    struct stat st;
    if (fstat(s->logfd, &st)) return LICIT_EIO;
    atomic_store_explicit(&s->log_size, (uint64_t)st.st_size, memory_order_relaxed);
    if (off + n > (uint64_t)st.st_size) return LICIT_ESTORE;
  }
  if (off + n > s->logmap_size) { /* the address space allowed a smaller map (ulimit -v) */
    return LICIT_ENOMEM;
  }
  *p = map + off;
  return 0;
}

static int write_all(int fd, const void *p, size_t n, uint64_t off) {
  while (n) {
    ssize_t w = pwrite(fd, p, n, (off_t)off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return w < 0 ? errno : EIO;
    p = (const char *)p + w;
    n -= (size_t)w;
    off += (uint64_t)w;
  }
  return 0;
}

/* Writes what t holds back to the file. */
static int log_write(licit_txn *t) {
  if (!t->logbuf.len) return 0;
  /* Under the lock with which licit_store_log_warm grows the file, so that
   * it never makes the file shorter than what this writes. */
  pthread_mutex_lock(&t->s->logwmu);
  int e = write_all(t->s->logfd, t->logbuf.data, t->logbuf.len, t->log_base);
  if (!e) atomic_store_explicit(&t->s->log_written, t->log_base + t->logbuf.len, memory_order_release);
  pthread_mutex_unlock(&t->s->logwmu);
  if (e) return licit_errno_code(e);
  t->log_base += t->logbuf.len;
  t->log_wrote = true;
  licit_buf_reset(&t->logbuf);
  return 0;
}

/* Reads [from, to) of file fd into the page cache (readahead(2), in
 * steps: the kernel reads ahead at most its readahead window a call). */
static void readahead_range(int fd, uint64_t from, uint64_t to) {
  const uint64_t step = (uint64_t)128 << 10;
  for (uint64_t o = from & ~(uint64_t)4095; o < to; o += step)
    if (readahead(fd, (off_t)o, (size_t)(to - o < step ? to - o : step))) break;
}

bool licit_store_log_writeback(licit_store *s, uint64_t min_bytes) {
  uint64_t to = atomic_load_explicit(&s->log_written, memory_order_acquire);
  /* Behind where writeback started: the file was cut back (a failed
   * transaction's records): start again from there. */
  if (to < s->log_wb) s->log_wb = to;
  if (s->logfd < 0 || to == s->log_wb || to - s->log_wb < min_bytes) return false; /* a length of 0 is "to the end" */
#ifdef SYNC_FILE_RANGE_WRITE
  (void)sync_file_range(s->logfd, (off_t)s->log_wb, (off_t)(to - s->log_wb), SYNC_FILE_RANGE_WRITE);
#endif
  s->log_wb = to;
  return true;
}

bool licit_store_log_warm(licit_store *s, uint64_t ahead, uint64_t step) {
  if (s->readonly || s->logfd < 0) return false;
  pthread_mutex_lock(&s->logwmu);
  uint64_t w = atomic_load_explicit(&s->log_written, memory_order_acquire);
  /* w is 0 until this process has written: where the end is, is not known here. */
  bool go = s->log_warm_open && w;
  if (go && s->log_warmed < w) s->log_warmed = w;
  uint64_t from = s->log_warmed, to = w + ahead;
  if (go && (from >= to || to - from < step / 4)) go = false;
  if (go && to - from > step) to = from + step;
  struct stat st;
  if (go && fstat(s->logfd, &st) == 0 && (uint64_t)st.st_size < to) {
    if (ftruncate(s->logfd, (off_t)to)) go = false;
    else s->log_grown = true;
  }
  if (go) s->log_warmed = to;
  pthread_mutex_unlock(&s->logwmu);
  if (!go) return false;
  readahead_range(s->logfd, from, to);
  return true;
}

/* Closes the log file to licit_store_log_warm and, when `cut` and it grew
 * the file, cuts it back to what write transaction t has written.  0 or
 * the errno. */
static int log_warm_close(licit_txn *t, bool cut) {
  licit_store *s = t->s;
  int e = 0;
  pthread_mutex_lock(&s->logwmu);
  s->log_warm_open = false;
  if (cut && s->log_grown) {
    struct stat st;
    if (fstat(s->logfd, &st)) e = errno;
    else if ((uint64_t)st.st_size > t->log_base && ftruncate(s->logfd, (off_t)t->log_base)) e = errno;
    if (!e) s->log_grown = false;
  }
  pthread_mutex_unlock(&s->logwmu);
  return e;
}

/* Appends an encoded event to a write transaction's part of the log file;
 * *off is where it starts in the file. */
static int log_append(licit_txn *t, const void *p, size_t n, uint64_t *off) {
  if (t->s->logfd < 0) return LICIT_ESTORE;
  if (n > UINT32_MAX) return LICIT_EINVAL;
  *off = t->log_base + t->logbuf.len;
  if (licit_buf_add(&t->logbuf, p, n)) return LICIT_ENOMEM;
  return t->logbuf.len >= LOG_FLUSH ? log_write(t) : 0;
}

/* A log table entry of format 5: the record's offset in the log file (8
 * bytes) and its length (4). */
#define LOG_REF 12

/* Whether seq's record is in the log file (format 5) rather than in the
 * log table. */
static bool log_in_file(const licit_txn *t, uint64_t seq) {
  return t->ctr[CTR_LOG_FROM] && seq >= t->ctr[CTR_LOG_FROM];
}

int licit__log_put(licit_txn *t, uint64_t seq, const void *enc, size_t n) {
  size_t sk = (size_t)seq;
  MDB_val k = {sizeof sk, &sk}, v = {n, (void *)enc};
  unsigned char ref[LOG_REF];
  if (log_in_file(t, seq)) {
    /* The seq keys only grow, so the table's pages are appended and stay
     * few. */
    uint64_t off;
    int rc = log_append(t, enc, n, &off);
    if (rc) return rc;
    uint32_t n32 = (uint32_t)n;
    memcpy(ref, &off, 8);
    memcpy(ref + 8, &n32, 4);
    v = (MDB_val){sizeof ref, ref};
  }
  int rc = licit__kept_cursor(t, DBI_LOG, &t->logc);
  return licit__mdb(rc ? rc : mdb_cursor_put(t->logc, &k, &v, MDB_APPEND));
}

/* Before a write transaction's first record: the file must hold what the
 * store says it does; what lies beyond (a killed writer's records, never
 * committed) is cut off. */
static int log_begin(licit_txn *t, licit_err *err) {
  licit_store *s = t->s;
  uint64_t end = t->ctr[CTR_LOG_END];
  t->log_base = end;
  if (!t->ctr[CTR_LOG_FROM]) return 0;
  struct stat st;
  if (s->logfd < 0 || fstat(s->logfd, &st))
    return licit_err_set(err, LICIT_EIO, "store %s: cannot read its log file " LOG_FILE ": %s", s->dir,
                         s->logfd < 0 ? "not open" : strerror(errno));
  if ((uint64_t)st.st_size < end)
    return licit_err_set(err, LICIT_ESTORE,
                         "store %s: its log file " LOG_FILE " holds %llu bytes where the store's records reach %llu: "
                         "the file was cut short or is not this store's",
                         s->dir, (unsigned long long)st.st_size, (unsigned long long)end);
  if ((uint64_t)st.st_size > end && ftruncate(s->logfd, (off_t)end))
    return licit_err_set(err, LICIT_EIO, "store %s: cannot cut its log file back to %llu bytes: %s", s->dir,
                         (unsigned long long)end, strerror(errno));
  pthread_mutex_lock(&s->logwmu);
  s->log_warm_open = true;
  s->log_grown = false;
  s->log_warmed = 0;
  pthread_mutex_unlock(&s->logwmu);
  return 0;
}

/* At commit, before the entries that point into the file: every record
 * written and on disk.  0 or LICIT_E*. */
static int log_commit(licit_txn *t) {
  int rc = log_write(t);
  if (rc) return rc;
  int e = t->s->logfd >= 0 ? log_warm_close(t, true) : 0;
  if (e) return licit_errno_code(e);
  if (t->log_wrote && fdatasync(t->s->logfd)) return licit_errno_code(errno);
  t->ctr[CTR_LOG_END] = t->log_base;
  return 0;
}

/* One old record (formats 2 and 3: no id) written again with its id. */
static int upgrade_rec(const MDB_val *old, const char *id, size_t n, licit_post_rec *r, licit_buf *scratch,
                       licit_buf *enc, MDB_val *out) {
  if (n == 0 || n > LICIT_ID_MAX || licit__post_decode_v3(old, r, scratch)) return MDB_CORRUPTED;
  r->id = id;
  r->id_len = (uint32_t)n;
  if (licit__post_encode(r, enc)) return ENOMEM;
  *out = (MDB_val){enc->len, enc->data};
  return 0;
}

/* Format 2 kept each post's record under its id (`posts`); format 3 kept
 * it under its ordinal (`postrec`), with the id index (`postids`: id ->
 * ordinal) beside it and the ids by ordinal in `postord`; format 4's
 * records name their ids, so a post read by ordinal is one look-up and
 * `postord` is gone.  Rewrites a version 2 or 3 store's posts as version 4
 * keeps them, in the caller's write transaction (the upgrade commits whole
 * or not at all), and drops the old tables. */
static int upgrade_posts(MDB_txn *txn, licit_store *s, int version) {
  MDB_dbi old;
  int rc = mdb_dbi_open(txn, version == 2 ? "posts" : "postord", 0, &old);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc) return rc;
  MDB_cursor *c = NULL, *ids = NULL;
  licit_buf scratch = LICIT_BUF_INIT, enc = LICIT_BUF_INIT;
  licit_post_rec r;
  MDB_val k, v, nv;
  if (version == 2) { /* posts: id -> record */
    if ((rc = mdb_cursor_open(txn, old, &c)) || (rc = mdb_cursor_open(txn, s->dbi[DBI_POSTIDS], &ids))) goto out;
    for (int op = MDB_FIRST; (rc = mdb_cursor_get(c, &k, &v, op)) == 0; op = MDB_NEXT) {
      if ((rc = upgrade_rec(&v, k.mv_data, k.mv_size, &r, &scratch, &enc, &nv))) break;
      unsigned int o = r.ord;
      MDB_val ok = {sizeof o, &o};
      /* Ids come in key order: appended. */
      if ((rc = mdb_cursor_put(ids, &k, &ok, MDB_APPEND))) break;
      if ((rc = mdb_put(txn, s->dbi[DBI_POSTREC], &ok, &nv, MDB_NOOVERWRITE))) break;
    }
  } else { /* postrec: ordinal -> record, postord: ordinal -> id, the same keys */
    if ((rc = mdb_cursor_open(txn, s->dbi[DBI_POSTREC], &c)) || (rc = mdb_cursor_open(txn, old, &ids))) goto out;
    for (int op = MDB_FIRST; (rc = mdb_cursor_get(c, &k, &v, op)) == 0; op = MDB_NEXT) {
      MDB_val ik, iv;
      if ((rc = mdb_cursor_get(ids, &ik, &iv, op)) || ik.mv_size != k.mv_size ||
          memcmp(ik.mv_data, k.mv_data, k.mv_size) != 0) {
        rc = MDB_CORRUPTED; /* a record without its id, or the reverse */
        break;
      }
      if ((rc = upgrade_rec(&v, iv.mv_data, iv.mv_size, &r, &scratch, &enc, &nv))) break;
      if (k.mv_size != 4 || memcmp(k.mv_data, &r.ord, 4) != 0) {
        rc = MDB_CORRUPTED;
        break;
      }
      /* The same key, a longer value: LMDB deletes and inserts, and the
       * cursor stays on it.  The key is copied first: k points into the
       * page that the deletion moves. */
      unsigned int ko = r.ord;
      MDB_val kc = {sizeof ko, &ko};
      if ((rc = mdb_cursor_put(c, &kc, &nv, MDB_CURRENT))) break;
    }
    if (rc == MDB_NOTFOUND) { /* every record done: postord must end too */
      MDB_val ik, iv;
      rc = mdb_cursor_get(ids, &ik, &iv, MDB_NEXT);
      rc = rc == MDB_NOTFOUND ? MDB_NOTFOUND : rc ? rc : MDB_CORRUPTED;
    }
  }
  if (rc == MDB_NOTFOUND) rc = 0;
out:
  licit_buf_free(&scratch);
  licit_buf_free(&enc);
  if (c) mdb_cursor_close(c);
  if (ids) mdb_cursor_close(ids);
  if (!rc) rc = mdb_drop(txn, old, 1);
  return rc;
}

/* What rewriting table dbi may take in the file while the old pages are
 * still held: twice its pages (0 when its size cannot be read). */
static size_t rewrite_bytes(MDB_txn *txn, MDB_dbi dbi) {
  MDB_stat ms;
  if (mdb_stat(txn, dbi, &ms)) return 0;
  return 2 * (size_t)ms.ms_psize * (ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages);
}

/* Moves a store's event ids from `ids` (formats 2-5: keyed by the ids'
 * own bytes) to `eids` (licit__id_key), in the caller's write transaction,
 * and drops `ids`.  Taken in the old table's order, which for ids that
 * count up is not the new one: the new table's pages fill less than a
 * fresh store's, and later claims are as fast. */
static int upgrade_ids(MDB_txn *txn, licit_store *s) {
  MDB_dbi old;
  int rc = mdb_dbi_open(txn, "ids", 0, &old);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc) return rc;
  MDB_cursor *c = NULL;
  MDB_val k, v;
  char kb[LICIT_ID_MAX + 1];
  if ((rc = mdb_cursor_open(txn, old, &c))) return rc;
  for (int op = MDB_FIRST; (rc = mdb_cursor_get(c, &k, &v, op)) == 0; op = MDB_NEXT) {
    if (k.mv_size == 0 || k.mv_size > LICIT_ID_MAX || v.mv_size != 8) {
      rc = MDB_CORRUPTED;
      break;
    }
    MDB_val nk = {licit__id_key(k.mv_data, k.mv_size, kb), kb};
    if ((rc = mdb_put(txn, s->dbi[DBI_IDS], &nk, &v, MDB_NOOVERWRITE))) break;
  }
  mdb_cursor_close(c);
  if (rc == MDB_NOTFOUND) rc = 0;
  if (rc == MDB_KEYEXIST) rc = MDB_CORRUPTED; /* two ids with one key: not ids this licit accepted */
  if (!rc) rc = mdb_drop(txn, old, 1);
  return rc;
}

/* A writer that feeds a few events into an existing store (an incremental
 * ingest, a follower) first drops the page cache of the store's first
 * 2 GiB (clean pages no process maps; POSIX_FADV_DONTNEED) and reads it
 * back in 4 KiB folios; its map then reads pages one at a time
 * (random_tail, from the start): a first ingest warms its first GiB into
 * large folios (round 9), which a later 4 KiB write rewrites whole
 * (docs/store.md, round 10: a follower-like load after a 3M-event ingest
 * wrote 1.73 GB for 20,000 events; 290 MB once dropped and read back).
 * Harmless when it fails. */
static void small_writer(licit_store *s, uint64_t used) {
  int fd;
  if (getenv("LICIT_NO_RANDOM_MAP") || mdb_env_get_fd(s->env, &fd)) return;
  uint64_t n = used < ((uint64_t)2 << 30) ? used : (uint64_t)2 << 30;
  (void)posix_fadvise(fd, 0, (off_t)n, POSIX_FADV_DONTNEED);
  /* Read them back into 4 KiB folios (readahead(2) makes small ones),
   * sequentially, rather than a page at a time as the writer's faults
   * would. */
  if (!getenv("LICIT_NO_REREAD")) licit_store_warm(s, 0, n, false);
}

static uint64_t small_folios_from(void) {
  const char *e = getenv("LICIT_SMALL_FOLIOS_FROM_KB"); /* tests */
  return e && *e ? (((uint64_t)strtoull(e, NULL, 10) << 10) + 4095) & ~(uint64_t)4095 : LICIT_STORE_SMALL_FOLIOS_FROM;
}

int licit_store_open(const char *dir, unsigned flags, licit_store **out, licit_err *err) {
  return licit_store_open_adding(dir, flags, 0, out, err);
}

int licit_store_open_adding(const char *dir, unsigned flags, uint64_t adds, licit_store **out, licit_err *err) {
  int rc;
  MDB_txn *txn = NULL;
  bool readonly = flags & LICIT_STORE_RDONLY;
  bool create = !(flags & (LICIT_STORE_RDONLY | LICIT_STORE_EXISTING));
  licit_store *s = calloc(1, sizeof *s);
  if (!s) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  s->readonly = readonly;
  s->logfd = -1;
  atomic_init(&s->log_size, 0);
  pthread_mutex_init(&s->logmu, NULL);
  pthread_mutex_init(&s->logwmu, NULL);
  atomic_init(&s->prefetchers, 0);
  s->dir = strdup(dir);
  pthread_rwlockattr_t la;
  if (!s->dir || pthread_rwlockattr_init(&la)) {
    free(s->dir);
    free(s);
    return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  }
  pthread_rwlockattr_setkind_np(&la, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  rc = pthread_rwlock_init(&s->maplock, &la);
  pthread_rwlockattr_destroy(&la);
  if (rc) {
    free(s->dir);
    free(s);
    return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  }
  if (create && mkdir(dir, 0755) != 0 && errno != EEXIST) {
    rc = licit_err_set(err, LICIT_EIO, "cannot create store directory %s: %s", dir, strerror(errno));
    goto fail;
  }
  struct stat st;
  if (stat(dir, &st) != 0) {
    rc = errno == ENOENT ? licit_err_set(err, LICIT_ENOSTORE, "no store at %s (no such directory)", dir)
                         : licit_err_set(err, LICIT_EIO, "store %s: %s", dir, strerror(errno));
    goto fail;
  }
  if (!S_ISDIR(st.st_mode)) {
    rc = licit_err_set(err, LICIT_EIO, "store %s: not a directory", dir);
    goto fail;
  }
  char datafile[4200], lockfile[4200];
  if ((rc = path_in(datafile, sizeof datafile, dir, "data.mdb", err)) ||
      (rc = path_in(lockfile, sizeof lockfile, dir, "lock.mdb", err)))
    goto fail;
  bool fresh = stat(datafile, &st) != 0 || st.st_size == 0;
  if (fresh && !create) {
    rc = licit_err_set(err, LICIT_ENOSTORE, "no store at %s (the directory holds no data.mdb)", dir);
    goto fail;
  }
  if ((rc = mdb_env_create(&s->env))) goto mdb_fail;
  if ((rc = mdb_env_set_maxdbs(s->env, DBI_COUNT + 4))) goto mdb_fail;
  /* An existing store keeps the map size its last writer set (LMDB reads
   * it from the file); a new one starts at MAP_INITIAL. */
  if (fresh && (rc = mdb_env_set_mapsize(s->env, MAP_INITIAL))) goto mdb_fail;
  if ((rc = mdb_env_set_maxreaders(s->env, 126))) goto mdb_fail;
  unsigned envflags = readonly ? MDB_RDONLY : MDB_WRITEMAP;
  /* A reader registers in the lock file's table so that writers keep the
   * pages it reads.  Without write access to that file (a store on a
   * read-only mount, or a copy owned by someone else) it reads without the
   * table, which is safe only when no writer runs. */
  if (readonly && access(lockfile, W_OK) != 0 && (errno != ENOENT || access(dir, W_OK) != 0))
    envflags |= MDB_NOLOCK;
  if ((rc = mdb_env_open(s->env, dir, envflags, 0644))) goto mdb_fail;
  /* A writer that adds less than a large store holds keeps its map's
   * page faults to single pages (random_tail). */
  uint64_t used;
  if (!readonly && !fresh && env_used(s, &used, NULL) == 0 && adds < used) {
    bool feeds = flags & LICIT_STORE_FEED;
    uint64_t from = small_folios_from();
    s->random_tail = feeds || used >= from;
    s->random_from = feeds ? 0 : from;
    if (feeds) small_writer(s, used);
  }
  if (!(envflags & MDB_NOLOCK)) {
    int dead = 0;
    mdb_reader_check(s->env, &dead); /* clear slots of readers that were killed */
  }
  /* An existing store is opened with a read transaction, so opening never
   * waits for a running ingest (LMDB has one writer at a time); only a new
   * or older store takes the write lock, to create its tables. */
  if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn))) goto mdb_fail;
  for (int i = 0; i < DBI_COUNT; i++) {
    rc = mdb_dbi_open(txn, dbi_names[i], dbi_flags[i], &s->dbi[i]);
    if (rc == MDB_NOTFOUND) s->absent |= 1u << i;
    else if (rc) goto mdb_fail;
  }
  int version = 0;
  if (!(s->absent & (1u << DBI_META))) {
    MDB_val k = {6, "format"}, v;
    rc = mdb_get(txn, s->dbi[DBI_META], &k, &v);
    if (rc && rc != MDB_NOTFOUND) goto mdb_fail;
    if (rc == 0) {
      version = format_version(&v);
      if (version > FORMAT_VERSION) {
        rc = licit_err_set(err, LICIT_ESTORE,
                           "store %s has format %.*s, made by a newer licit (this one reads up to " FORMAT_PREFIX
                           "%d)",
                           dir, (int)(v.mv_size < 64 ? v.mv_size : 64), (const char *)v.mv_data, FORMAT_VERSION);
        goto fail;
      }
      if (version < FORMAT_OLDEST) {
        rc = licit_err_set(err, LICIT_ESTORE, "store %s: unknown format \"%.*s\" (this licit reads " FORMAT_PREFIX
                           "%d to %d)", dir, (int)(v.mv_size < 64 ? v.mv_size : 64), (const char *)v.mv_data,
                           FORMAT_OLDEST, FORMAT_VERSION);
        goto fail;
      }
    }
  }
  size_t upgrade_bytes = 0; /* formats 2 and 3: the post tables, written again */
  bool upgrade = version >= FORMAT_OLDEST && version < FORMAT_VERSION;
  bool upgrade_posts_too = upgrade && version < 4;
  const char *const old_tables[] = {"posts", "postrec", "postord"};
  for (int i = 0; upgrade_posts_too && i < 3; i++) {
    MDB_dbi old;
    if (mdb_dbi_open(txn, old_tables[i], 0, &old) == 0) upgrade_bytes += rewrite_bytes(txn, old);
  }
  if (upgrade && mdb_dbi_open(txn, "ids", 0, &s->ids5) == 0) { /* formats 2-5: moved to eids */
    s->ids5_used = readonly;
    upgrade_bytes += rewrite_bytes(txn, s->ids5);
  }
  if (upgrade_posts_too && readonly) {
    rc = licit_err_set(err, LICIT_ESTORE,
                       "store %s has format " FORMAT_PREFIX "%d, %s: the first command that writes to it (policy "
                       "set, ingest, follow, serve) upgrades it to " FORMAT_PREFIX "%d",
                       dir, version,
                       version == 2 ? "which keeps posts by id" : "whose post records do not name their ids",
                       FORMAT_VERSION);
    goto fail;
  }
  if (version == 0 && !create) {
    /* No format mark: not a licit store, or one killed while it was being
     * created (its first commit holds the tables and the mark together). */
    rc = licit_err_set(err, LICIT_ENOSTORE, "no store at %s (not a licit store, or not yet created)", dir);
    goto fail;
  }
  if (version == FORMAT_VERSION && !s->absent) {
    /* Committing (not aborting) makes the handles usable afterwards. */
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc) goto mdb_fail;
  } else if (readonly) {
    /* An older store read as it is: the handles of the tables it has. */
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc) goto mdb_fail;
  } else {
    mdb_txn_abort(txn);
    txn = NULL;
    if ((rc = licit_store_reserve(s, upgrade_bytes, err))) goto fail;
    if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn))) goto mdb_fail;
    for (int i = 0; i < DBI_COUNT; i++)
      if ((rc = mdb_dbi_open(txn, dbi_names[i], dbi_flags[i] | MDB_CREATE, &s->dbi[i]))) goto mdb_fail;
    s->absent = 0;
    /* A new store gets its format mark and its pseudonym key in the same
     * commit as its tables, so a store either has both or is empty; an
     * older one gets its missing tables and the current mark. */
    MDB_val k = {6, "format"}, v;
    char mark[32];
    MDB_val fv = {(size_t)snprintf(mark, sizeof mark, FORMAT_PREFIX "%d", FORMAT_VERSION), mark};
    rc = mdb_get(txn, s->dbi[DBI_META], &k, &v);
    if (rc == MDB_NOTFOUND) {
      uint8_t key[32];
      if (licit_random_bytes(key, sizeof key)) {
        rc = licit_err_set(err, LICIT_EIO, "cannot generate the store's pseudonym key");
        goto fail;
      }
      MDB_val kk = {3, "key"}, kv = {32, key};
      if ((rc = mdb_put(txn, s->dbi[DBI_META], &kk, &kv, 0))) goto mdb_fail;
    } else if (rc) {
      goto mdb_fail;
    }
    /* The snapshot signing key is made with the store (SPEC 5); an older
     * store gets it here, from the first command that opens it to write. */
    MDB_val sk = {8, "sign_key"}, sv;
    rc = mdb_get(txn, s->dbi[DBI_META], &sk, &sv);
    if (rc == MDB_NOTFOUND) {
      uint8_t seed[LICIT_ED25519_SEED_LEN], pub[32];
      if (licit_ed25519_keygen(seed, pub)) {
        rc = licit_err_set(err, LICIT_EIO, "cannot make the store's signing key");
        goto fail;
      }
      sv = (MDB_val){sizeof seed, seed};
      rc = mdb_put(txn, s->dbi[DBI_META], &sk, &sv, 0);
    }
    if (rc) goto mdb_fail;
    if (upgrade_posts_too && (rc = upgrade_posts(txn, s, version))) goto mdb_fail;
    if (upgrade && (rc = upgrade_ids(txn, s))) goto mdb_fail;
    /* From now on log records go to the log file: from the first event of
     * a new store, after the last one of an older store. */
    MDB_val lk = {strlen(counter_keys[CTR_LOG_FROM]), (void *)counter_keys[CTR_LOG_FROM]}, lv;
    rc = mdb_get(txn, s->dbi[DBI_META], &lk, &lv);
    if (rc == MDB_NOTFOUND) {
      MDB_val nk = {strlen(counter_keys[CTR_LOG]), (void *)counter_keys[CTR_LOG]}, nv;
      uint64_t from = 1;
      rc = mdb_get(txn, s->dbi[DBI_META], &nk, &nv);
      if (rc == 0 && nv.mv_size == 8) memcpy(&from, nv.mv_data, 8), from++;
      else if (rc != MDB_NOTFOUND && rc) goto mdb_fail;
      lv = (MDB_val){8, &from};
      rc = mdb_put(txn, s->dbi[DBI_META], &lk, &lv, 0);
    }
    if (rc) goto mdb_fail;
    if ((rc = mdb_put(txn, s->dbi[DBI_META], &k, &fv, 0))) goto mdb_fail;
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc) goto mdb_fail;
  }
  if ((rc = log_open(s, !readonly, err))) goto fail;
  *out = s;
  return 0;
mdb_fail:
  rc = licit__mdb_err(rc, err, dir);
fail:
  if (txn) mdb_txn_abort(txn);
  if (s->env) mdb_env_close(s->env);
  log_close(s);
  pthread_rwlock_destroy(&s->maplock);
  free(s->dir);
  free(s);
  return rc;
}

void licit_store_close(licit_store *s) {
  if (!s) return;
  licit_txn_abort(atomic_exchange(&s->writer, NULL)); /* a caller's bug, made harmless */
  licit__filter_drop(s);
  licit__ucache_drop(s);
  mdb_env_close(s->env);
  log_close(s);
  pthread_rwlock_destroy(&s->maplock);
  free(s->dir);
  free(s);
}

/* Changes the map's size (0: adopt the size another process set) with no
 * transaction of this process open: see maplock.  The caller holds none. */
static int set_mapsize(licit_store *s, size_t size) {
  pthread_rwlock_wrlock(&s->maplock);
  int rc = mdb_env_set_mapsize(s->env, size);
  pthread_rwlock_unlock(&s->maplock);
  return rc;
}

const char *licit_store_dir(const licit_store *s) { return s->dir; }

/* ---------------------------------------------------------- transactions -- */

/* Where a write transaction takes its next new page from the end of the
 * data file, for warming those pages on another thread (licit_txn_write_end).
 * LMDB has no call for it: its MDB_txn (0.9, 64-bit) starts with two
 * pointers, then mt_next_pgno and mt_txnid.  The field is used only when
 * both read as the public calls say at the transaction's start (the next
 * page = the last commit's last page + 1, the id = mdb_txn_id), so another
 * layout leaves warming to its estimate, never a wrong read. */
static void write_end_find(licit_txn *t) {
  MDB_envinfo info;
  MDB_stat ms;
  if (mdb_env_info(t->s->env, &info) || mdb_env_stat(t->s->env, &ms)) return;
  const size_t *f = (const size_t *)(const void *)((const char *)t->txn + 2 * sizeof(void *));
  if (f[0] == (size_t)info.me_last_pgno + 1 && f[1] == mdb_txn_id(t->txn)) {
    t->next_pgno = f;
    t->psize = ms.ms_psize;
  }
}

uint64_t licit_txn_write_end(const licit_txn *t) {
  return t->next_pgno ? (uint64_t)*t->next_pgno * t->psize : 0;
}

static bool find_map(const struct stat *st, unsigned long *lo, unsigned long *hi);

/* The map of a writer that adds less than a large store holds (an
 * incremental ingest, follow, serve, snapshot; licit_store_open_adding)
 * is advised MADV_RANDOM beyond LICIT_STORE_SMALL_FOLIOS_FROM (from the
 * start for a writer that feeds events, small_writer): a page
 * fault there then reads that page alone, into a 4 KiB page-cache folio,
 * where the kernel would otherwise read around it into folios of up to
 * 2 MiB, and a 4 KiB write into such a folio dirties it whole, so that the
 * whole folio is written (docs/store.md, round 10).  Not for a writer that
 * builds most of the store (a first ingest): without read-around each
 * fault maps one page, which made a 4M-event ingest 18 % slower for 3.5 %
 * fewer bytes written.  Done again when the map has moved; harmless when
 * it fails.  Only write transactions call it, one at a time. */
static void random_tail(licit_store *s) {
  MDB_envinfo info;
  uint64_t from = s->random_from;
  if (!s->random_tail || getenv("LICIT_NO_RANDOM_MAP") || mdb_env_info(s->env, &info) ||
      info.me_mapsize == s->random_map || info.me_mapsize <= from)
    return;
  int fd;
  struct stat st;
  unsigned long lo, hi;
  if (mdb_env_get_fd(s->env, &fd) || fstat(fd, &st) || !find_map(&st, &lo, &hi) || hi - lo != info.me_mapsize)
    return;
  s->random_map = info.me_mapsize;
  (void)madvise((char *)lo + from, hi - lo - from, MADV_RANDOM);
}

int licit_txn_begin(licit_store *s, bool write, licit_txn **out, licit_err *err) {
  licit_txn *t = calloc(1, sizeof *t);
  if (!t) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  t->s = s;
  t->write = write;
  pthread_rwlock_rdlock(&s->maplock);
  int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
  if (rc == MDB_MAP_RESIZED) {
    /* Another process grew the map: adopt its size and try again. */
    pthread_rwlock_unlock(&s->maplock);
    rc = set_mapsize(s, 0);
    pthread_rwlock_rdlock(&s->maplock);
    if (!rc) rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
  }
  if (rc) {
    pthread_rwlock_unlock(&s->maplock);
    free(t);
    return licit__mdb_err(rc, err, "begin transaction");
  }
  for (int i = 0; i < CTR_COUNT; i++) t->ctr[i] = meta_u64(t, counter_keys[i]);
  if (write && (rc = log_begin(t, err))) {
    mdb_txn_abort(t->txn);
    pthread_rwlock_unlock(&s->maplock);
    free(t);
    return rc;
  }
  if (write) {
    random_tail(s);
    write_end_find(t);
    /* Another writer (or a failed commit of ours) came in between: what
     * the writer kept may lack its changes (store_int.h). */
    if (mdb_txn_id(t->txn) != s->own_txnid + 1) {
      licit__filter_drop(s);
      licit__ucache_drop(s);
    }
    t->pf_ok = s->pf != NULL;
    atomic_store(&s->writer, t);
  }
  *out = t;
  return 0;
}

/* A second read transaction on the same commit as t, for another thread
 * of the same reader (a parallel scan).  It takes no maplock: t holds it
 * shared for longer (the sibling must end before t), and taking it again
 * could wait behind a pending growth that waits for t.  Begin and end it
 * on the thread that uses it.  1 (no transaction) when t writes or a commit
 * came in between: the caller then reads through t. */
int licit_txn_begin_sibling(licit_txn *parent, licit_txn **out) {
  if (parent->write) return 1;
  licit_txn *t = calloc(1, sizeof *t);
  if (!t) return LICIT_ENOMEM;
  t->s = parent->s;
  t->sibling = true;
  int rc = mdb_txn_begin(t->s->env, NULL, MDB_RDONLY, &t->txn);
  if (rc) {
    free(t);
    return rc == MDB_MAP_RESIZED || rc == MDB_READERS_FULL ? 1 : licit__mdb_err(rc, NULL, "");
  }
  if (mdb_txn_id(t->txn) != mdb_txn_id(parent->txn)) {
    mdb_txn_abort(t->txn);
    free(t);
    return 1;
  }
  memcpy(t->ctr, parent->ctr, sizeof t->ctr);
  *out = t;
  return 0;
}

static void txn_free(licit_txn *t) {
  if (t->write) {
    (void)log_warm_close(t, false); /* after an abort the next transaction cuts the file back (log_begin) */
    licit_txn *self = t;
    atomic_compare_exchange_strong(&t->s->writer, &self, NULL);
  }
  if (!t->sibling) pthread_rwlock_unlock(&t->s->maplock);
  licit_buf_free(&t->enc);
  licit_buf_free(&t->tmp);
  licit_buf_free(&t->logbuf);
  for (int i = 0; i < LICIT_TXN_BUFS; i++) licit_buf_free(&t->bufs[i]);
  licit__apply_free(t->work);
  licit__pending_free(t);
  free(t);
}

int licit_txn_commit(licit_txn *t, licit_err *err) {
  int rc = 0;
  if (t->write) {
    rc = licit__pending_flush(t);
    if (!rc) rc = licit__apply_flush(t);
    int lrc = rc ? 0 : log_commit(t);
    for (int i = 0; i < CTR_COUNT && !rc && !lrc; i++) rc = licit__meta_put(t, counter_keys[i], &t->ctr[i], 8);
    if (rc || lrc) {
      licit__ucache_drop(t->s); /* it holds this transaction's puts; before the writer lock goes */
      mdb_txn_abort(t->txn);
      const char *dir = t->s->dir;
      txn_free(t);
      if (lrc)
        return licit_err_set(err, lrc, "commit: store %s: writing its log file " LOG_FILE ": %s", dir,
                             lrc == LICIT_ENOSPACE ? "no space left on its file system" : licit_strerror(lrc));
      return licit__mdb_err(rc, err, "commit");
    }
    /* While this transaction holds the writer lock.  Should the commit
     * fail, the next transaction has this same id and drops what was kept. */
    t->s->own_txnid = mdb_txn_id(t->txn);
  }
  rc = mdb_txn_commit(t->txn);
  txn_free(t);
  return rc ? licit__mdb_err(rc, err, "commit") : 0;
}

void licit_txn_abort(licit_txn *t) {
  if (!t) return;
  if (t->write) licit__ucache_drop(t->s); /* it holds this transaction's puts; before the writer lock goes */
  mdb_txn_abort(t->txn);
  txn_free(t);
}

uint64_t licit_txn_log_len(const licit_txn *t) { return t->ctr[CTR_LOG]; }
licit_store *licit_txn_store(licit_txn *t) { return t->s; }
uint64_t licit_txn_n_posts(const licit_txn *t) { return t->ctr[CTR_POSTS]; }
uint64_t licit_txn_n_users(const licit_txn *t) { return t->ctr[CTR_USERS]; }

int licit_txn_pseudonym_key(licit_txn *t, const uint8_t **key) {
  MDB_val v;
  if (licit__meta_get(t, "key", &v) || v.mv_size != 32) return LICIT_ESTORE;
  *key = v.mv_data;
  return 0;
}

/* --------------------------------------------------------------- history -- */

const licit_hist *licit_hist_at(const licit_hist *h, uint32_t n, size_t stride, int64_t T,
                                uint64_t maxseq) {
  const char *base = (const char *)h;
  for (uint32_t i = n; i-- > 0;) {
    const licit_hist *e = (const licit_hist *)(base + (size_t)i * stride);
    if (e->ts <= T && e->seq <= maxseq) return e;
  }
  return NULL;
}

/* ---------------------------------------------------------------- codecs -- */

/* The post record on disk is compact, because evaluation reads every one:
 * unsigned LEB128 varints, and every time and seq stored as the distance
 * from the post's creation (no event of a post precedes it), so a post
 * that never changed takes about 60 bytes and its id, most of them its
 * text's hash.
 *
 *   ord, id length, id bytes, user, created_ts (zigzag), created_seq,
 *   flags (1: deleted, 2: parent known, 4: mentions),
 *   [del dts, del dseq], [parent ord + 1], n_vis, n_text, n_sig, n_sigords,
 *   vis:  (dts, dseq, visibility)            per entry
 *   text: (dts, dseq, notice flag, sha[32])  per entry
 *   sig:  (dts, dseq, offset, count)         per entry
 *   sigords: varints
 *   [n_men, n_menords, men entries as sig, menords: varints]
 * Records written before flags 2 and 4 existed decode unchanged; records
 * of formats 2 and 3 have no id (licit__post_decode_v3, for the upgrade).
 * Decoding expands it into aligned arrays in the caller's scratch buffer. */

static inline int put_varint(licit_buf *b, uint64_t v) {
  if (b->cap - b->len > 10 && !b->limit) { /* room for the longest: write in place */
    unsigned char *p = (unsigned char *)b->data + b->len;
    for (; v >= 0x80; v >>= 7) *p++ = (unsigned char)(v | 0x80);
    *p++ = (unsigned char)v;
    b->len = (size_t)(p - (unsigned char *)b->data);
    b->data[b->len] = 0;
    return 0;
  }
  unsigned char tmp[10];
  int n = 0;
  do {
    unsigned char c = v & 0x7F;
    v >>= 7;
    tmp[n++] = (unsigned char)(c | (v ? 0x80 : 0));
  } while (v);
  return licit_buf_add(b, tmp, (size_t)n);
}

static bool get_varint(const unsigned char **p, const unsigned char *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    unsigned char c = *(*p)++;
    v |= (uint64_t)(c & 0x7F) << shift;
    if (!(c & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

static uint64_t zz(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzz(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

#define GET(dst)                                             \
  do {                                                       \
    if (!get_varint(pp, end, &(dst))) return LICIT_ESTORE;   \
  } while (0)

/* The id of a record (format 4): its length and bytes after the ordinal. */
static int decode_id(const unsigned char **pp, const unsigned char *end, licit_strv *id) {
  uint64_t n;
  GET(n);
  if (n == 0 || n > LICIT_ID_MAX || n > (uint64_t)(end - *pp)) return LICIT_ESTORE;
  *id = (licit_strv){(const char *)*pp, (size_t)n};
  *pp += n;
  return 0;
}

/* The fields every post record starts with: ord, id (unless `id` is NULL:
 * formats 2 and 3), user, creation, flags, deletion, parent.  *flags gets
 * the flags byte. */
static int decode_head(const unsigned char **pp, const unsigned char *end, licit_post_head *h, unsigned *flags,
                       licit_strv *id) {
  uint64_t x[4];
  GET(x[0]);
  if (id && decode_id(pp, end, id)) return LICIT_ESTORE;
  GET(x[1]);
  GET(x[2]);
  GET(x[3]);
  if (x[0] > UINT32_MAX || x[1] > UINT32_MAX || *pp >= end) return LICIT_ESTORE;
  h->ord = (uint32_t)x[0];
  h->user = (uint32_t)x[1];
  h->created_ts = unzz(x[2]);
  h->created_seq = x[3];
  *flags = *(*pp)++;
  if (*flags & ~7u) return LICIT_ESTORE;
  h->del_ts = LICIT_TIME_NONE;
  h->del_seq = 0;
  h->parent = 0;
  if (*flags & 1) {
    GET(x[0]);
    GET(x[1]);
    h->del_ts = h->created_ts + (int64_t)x[0];
    h->del_seq = h->created_seq + x[1];
  }
  if (*flags & 2) {
    GET(x[0]);
    if (x[0] == 0 || x[0] > UINT32_MAX) return LICIT_ESTORE;
    h->parent = (uint32_t)x[0];
  }
  return 0;
}

/* n visibility entries (dts, dseq, visibility). */
static int decode_vis(const unsigned char **pp, const unsigned char *end, const licit_post_head *h, uint32_t n,
                      licit_hist *vis) {
  uint64_t dts, dseq;
  for (uint32_t i = 0; i < n; i++) {
    GET(dts);
    GET(dseq);
    if (*pp >= end) return LICIT_ESTORE;
    vis[i] = (licit_hist){h->created_ts + (int64_t)dts, h->created_seq + dseq, *(*pp)++, 0};
  }
  return 0;
}

/* n list entries (dts, dseq, offset, count) into nords ordinals, then the
 * ordinals: the signal and the mention histories. */
static int decode_lists(const unsigned char **pp, const unsigned char *end, const licit_post_head *h, uint64_t n,
                        uint64_t nords, licit_hist *e, uint32_t *ords) {
  uint64_t dts, dseq, a, b;
  for (uint64_t i = 0; i < n; i++) {
    GET(dts);
    GET(dseq);
    GET(a);
    GET(b);
    if (a > nords || b > nords - a) return LICIT_ESTORE;
    e[i] = (licit_hist){h->created_ts + (int64_t)dts, h->created_seq + dseq, (int32_t)a, (int32_t)b};
  }
  for (uint64_t i = 0; i < nords; i++) {
    GET(a);
    if (a > UINT32_MAX) return LICIT_ESTORE;
    ords[i] = (uint32_t)a;
  }
  return 0;
}

static int post_decode(const MDB_val *v, licit_post_rec *r, licit_buf *scratch, bool has_id) {
  const unsigned char *p = v->mv_data, *end = p + v->mv_size, **pp = &p;
  licit_post_head h;
  licit_strv id = {NULL, 0};
  unsigned flags;
  int rc = decode_head(pp, end, &h, &flags, has_id ? &id : NULL);
  if (rc) return rc;
  r->ord = h.ord;
  r->user = h.user;
  r->created_ts = h.created_ts;
  r->created_seq = h.created_seq;
  r->del_ts = h.del_ts;
  r->del_seq = h.del_seq;
  r->parent = h.parent;
  r->n_men = r->n_menords = 0;
  r->men = NULL;
  r->menords = NULL;
  uint64_t x[4];
  GET(x[0]);
  GET(x[1]);
  GET(x[2]);
  GET(x[3]);
  /* Each entry takes at least 3 bytes (text: 35) and each ord 1, so the
   * counts are bounded by the record's size before any allocation. */
  size_t left = (size_t)(end - p);
  if (x[0] == 0 || x[1] == 0 || x[0] > left / 3 || x[1] > left / 35 || x[2] > left / 3 || x[3] > left)
    return LICIT_ESTORE;
  r->n_vis = (uint32_t)x[0];
  r->n_text = (uint32_t)x[1];
  r->n_sig = (uint32_t)x[2];
  r->n_sigords = (uint32_t)x[3];
  size_t need = (size_t)r->n_vis * sizeof(licit_hist) + (size_t)r->n_text * sizeof(licit_text_hist) +
                (size_t)r->n_sig * sizeof(licit_hist) + (size_t)r->n_sigords * 4;
  /* Mentions come last and are bounded by what is left, as above. */
  size_t men_reserve = (flags & 4) ? left * (sizeof(licit_hist) + 4) : 0;
  need += men_reserve + 8 + id.n;
  licit_buf_reset(scratch);
  if (licit_buf_reserve(scratch, need)) return LICIT_ENOMEM;
  char *o = scratch->data;
  licit_hist *vis = (licit_hist *)o;
  licit_text_hist *text = (licit_text_hist *)(o + (size_t)r->n_vis * sizeof(licit_hist));
  licit_hist *sig = (licit_hist *)((char *)text + (size_t)r->n_text * sizeof(licit_text_hist));
  uint32_t *ords = (uint32_t *)((char *)sig + (size_t)r->n_sig * sizeof(licit_hist));
  if ((rc = decode_vis(pp, end, &h, r->n_vis, vis))) return rc;
  uint64_t dts, dseq;
  for (uint32_t i = 0; i < r->n_text; i++) {
    GET(dts);
    GET(dseq);
    if (end - p < 33) return LICIT_ESTORE;
    text[i].h = (licit_hist){h.created_ts + (int64_t)dts, h.created_seq + dseq, *p++, 0};
    memcpy(text[i].sha, p, 32);
    p += 32;
  }
  if ((rc = decode_lists(pp, end, &h, r->n_sig, r->n_sigords, sig, ords))) return rc;
  if (flags & 4) {
    uint64_t nm, nmo;
    GET(nm);
    GET(nmo);
    size_t rest = (size_t)(end - p);
    if (nm == 0 || nm > rest / 3 || nmo > rest) return LICIT_ESTORE;
    /* 8-byte aligned after the uint32 ords. */
    size_t off = (size_t)((char *)(ords + r->n_sigords) - o);
    off = (off + 7) & ~(size_t)7;
    licit_hist *men = (licit_hist *)(o + off);
    uint32_t *menords = (uint32_t *)(men + nm);
    if ((rc = decode_lists(pp, end, &h, nm, nmo, men, menords))) return rc;
    r->n_men = (uint32_t)nm;
    r->n_menords = (uint32_t)nmo;
    r->men = men;
    r->menords = menords;
  }
  if (p != end) return LICIT_ESTORE;
  r->vis = vis;
  r->text = text;
  r->sig = sig;
  r->sigords = ords;
  /* The id last, after everything aligned: a copy, so that the record
   * outlives a write that moves the value it was read from. */
  char *ido = o + need - id.n;
  if (id.n) memcpy(ido, id.p, id.n);
  r->id = ido;
  r->id_len = (uint32_t)id.n;
  return 0;
}

int licit__post_decode(const MDB_val *v, licit_post_rec *r, licit_buf *scratch) {
  return post_decode(v, r, scratch, true);
}

int licit__post_decode_v3(const MDB_val *v, licit_post_rec *r, licit_buf *scratch) {
  return post_decode(v, r, scratch, false);
}

#undef GET

int licit__post_encode(const licit_post_rec *r, licit_buf *out) {
  if (r->id_len == 0 || r->id_len > LICIT_ID_MAX) return LICIT_EINTERNAL;
  licit_buf_reset(out);
  int rc = put_varint(out, r->ord);
  if (!rc) rc = put_varint(out, r->id_len);
  if (!rc) rc = licit_buf_add(out, r->id, r->id_len);
  if (!rc) rc = put_varint(out, r->user);
  if (!rc) rc = put_varint(out, zz(r->created_ts));
  if (!rc) rc = put_varint(out, r->created_seq);
  if (!rc) rc = licit_buf_addc(out, (char)((r->del_seq ? 1 : 0) | (r->parent ? 2 : 0) | (r->n_men ? 4 : 0)));
  if (!rc && r->del_seq) rc = put_varint(out, (uint64_t)(r->del_ts - r->created_ts));
  if (!rc && r->del_seq) rc = put_varint(out, r->del_seq - r->created_seq);
  if (!rc && r->parent) rc = put_varint(out, r->parent);
  if (!rc) rc = put_varint(out, r->n_vis);
  if (!rc) rc = put_varint(out, r->n_text);
  if (!rc) rc = put_varint(out, r->n_sig);
  if (!rc) rc = put_varint(out, r->n_sigords);
  for (uint32_t i = 0; i < r->n_vis && !rc; i++) {
    rc = put_varint(out, (uint64_t)(r->vis[i].ts - r->created_ts));
    if (!rc) rc = put_varint(out, r->vis[i].seq - r->created_seq);
    if (!rc) rc = licit_buf_addc(out, (char)r->vis[i].val);
  }
  for (uint32_t i = 0; i < r->n_text && !rc; i++) {
    rc = put_varint(out, (uint64_t)(r->text[i].h.ts - r->created_ts));
    if (!rc) rc = put_varint(out, r->text[i].h.seq - r->created_seq);
    if (!rc) rc = licit_buf_addc(out, (char)r->text[i].h.val);
    if (!rc) rc = licit_buf_add(out, r->text[i].sha, 32);
  }
  for (uint32_t i = 0; i < r->n_sig && !rc; i++) {
    rc = put_varint(out, (uint64_t)(r->sig[i].ts - r->created_ts));
    if (!rc) rc = put_varint(out, r->sig[i].seq - r->created_seq);
    if (!rc) rc = put_varint(out, (uint32_t)r->sig[i].val);
    if (!rc) rc = put_varint(out, (uint32_t)r->sig[i].aux);
  }
  for (uint32_t i = 0; i < r->n_sigords && !rc; i++) rc = put_varint(out, r->sigords[i]);
  if (!rc && r->n_men) {
    rc = put_varint(out, r->n_men);
    if (!rc) rc = put_varint(out, r->n_menords);
    for (uint32_t i = 0; i < r->n_men && !rc; i++) {
      rc = put_varint(out, (uint64_t)(r->men[i].ts - r->created_ts));
      if (!rc) rc = put_varint(out, r->men[i].seq - r->created_seq);
      if (!rc) rc = put_varint(out, (uint32_t)r->men[i].val);
      if (!rc) rc = put_varint(out, (uint32_t)r->men[i].aux);
    }
    for (uint32_t i = 0; i < r->n_menords && !rc; i++) rc = put_varint(out, r->menords[i]);
  }
  return rc;
}

int licit__user_decode(const MDB_val *v, licit_user_rec *r, licit_buf *scratch) {
  if (v->mv_size < USER_HDR) return LICIT_ESTORE;
  licit_buf_reset(scratch);
  if (licit_buf_add(scratch, v->mv_data, v->mv_size)) return LICIT_ENOMEM;
  const char *p = scratch->data;
  uint32_t idlen;
  memcpy(&r->ord, p, 4);
  memcpy(&r->n_region, p + 4, 4);
  memcpy(&r->n_private, p + 8, 4);
  memcpy(&r->n_birth, p + 12, 4);
  memcpy(&r->n_pref, p + 16, 4);
  memcpy(&r->n_del, p + 20, 4);
  memcpy(&idlen, p + 24, 4);
  uint32_t flags;
  memcpy(&flags, p + 28, 4);
  if (flags & ~(UF_UNKNOWN | UF_FIRST_SEQ)) return LICIT_ESTORE;
  /* Counts are checked against the record's size before any use, in 64
   * bits, so a damaged header cannot overflow the sum. */
  uint64_t ne = (uint64_t)r->n_region + r->n_private + r->n_birth + r->n_pref + r->n_del;
  uint64_t want = USER_HDR + ne * sizeof(licit_hist) + idlen + ((flags & UF_FIRST_SEQ) ? 8 : 0);
  if (want != v->mv_size || idlen == 0 || idlen > LICIT_ID_MAX) return LICIT_ESTORE;
  r->unknown = flags & UF_UNKNOWN;
  r->first_seq = 0;
  if (flags & UF_FIRST_SEQ) memcpy(&r->first_seq, p + v->mv_size - 8, 8);
  const licit_hist *e = (const licit_hist *)(p + USER_HDR);
  r->region = e;
  e += r->n_region;
  r->private_ = e;
  e += r->n_private;
  r->birth = e;
  e += r->n_birth;
  r->pref = e;
  e += r->n_pref;
  r->del = e;
  e += r->n_del;
  r->id = (const char *)e;
  r->id_len = idlen;
  return 0;
}

int licit__user_encode(const licit_user_rec *r, licit_buf *out) {
  char h[USER_HDR] = {0};
  uint32_t idlen = (uint32_t)r->id_len;
  memcpy(h, &r->ord, 4);
  memcpy(h + 4, &r->n_region, 4);
  memcpy(h + 8, &r->n_private, 4);
  memcpy(h + 12, &r->n_birth, 4);
  memcpy(h + 16, &r->n_pref, 4);
  memcpy(h + 20, &r->n_del, 4);
  memcpy(h + 24, &idlen, 4);
  uint32_t flags = (r->unknown ? UF_UNKNOWN : 0) | (r->first_seq ? UF_FIRST_SEQ : 0);
  memcpy(h + 28, &flags, 4);
  licit_buf_reset(out);
  int rc = licit_buf_add(out, h, USER_HDR);
  const licit_hist *lists[5] = {r->region, r->private_, r->birth, r->pref, r->del};
  uint32_t counts[5] = {r->n_region, r->n_private, r->n_birth, r->n_pref, r->n_del};
  for (int i = 0; i < 5 && !rc; i++) rc = licit_buf_add(out, lists[i], counts[i] * sizeof(licit_hist));
  if (!rc) rc = licit_buf_add(out, r->id, r->id_len);
  if (!rc && r->first_seq) rc = licit_buf_add(out, &r->first_seq, 8);
  return rc;
}

/* --------------------------------------------------------------- lookups -- */

static int not_found_or(int rc) {
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  return rc ? licit__mdb_err(rc, NULL, "") : 0;
}

/* The ordinal of a post id: `postids`, or what the writer holds back. */
static int post_ord(licit_txn *t, const char *id, size_t n, uint32_t *ord) {
  if (n == 0 || n > LICIT_ID_MAX) return MDB_NOTFOUND;
  MDB_val k = {n, (void *)id}, v;
  int rc = t->write ? licit__pending_get(t, id, n, &v) : 1;
  if (rc == 1) rc = licit__get(t, DBI_POSTIDS, &k, &v);
  if (rc) return rc;
  if (v.mv_size != 4) return MDB_CORRUPTED;
  memcpy(ord, v.mv_data, 4);
  return 0;
}

/* The stored record of ordinal `ord`: postrec, or what the writer holds back. */
static int post_raw(licit_txn *t, uint32_t ord, MDB_val *v) {
  unsigned int o = ord;
  MDB_val k = {sizeof o, &o};
  int rc = t->write ? licit__pending_rec_get(t, ord, v) : 1;
  if (rc == 1) rc = licit__get(t, DBI_POSTREC, &k, v);
  return not_found_or(rc);
}

/* The record of ordinal `ord`, which must name itself. */
static int post_rec(licit_txn *t, uint32_t ord, licit_post_rec *rec, licit_buf *scratch) {
  MDB_val v;
  int rc = post_raw(t, ord, &v);
  if (rc) return rc;
  if ((rc = licit__post_decode(&v, rec, scratch))) return rc;
  return rec->ord == ord ? 0 : LICIT_ESTORE;
}

int licit_post_get(licit_txn *t, const char *id, size_t n, licit_post_rec *rec, licit_buf *scratch) {
  uint32_t ord;
  int rc = post_ord(t, id, n, &ord);
  if (rc) return not_found_or(rc);
  rc = post_rec(t, ord, rec, scratch);
  if (rc == LICIT_ENOTFOUND) return LICIT_ESTORE; /* an id without its record */
  /* postids led to another post's record: damage. */
  if (!rc && !licit_post_names(rec, id, n)) return LICIT_ESTORE;
  return rc;
}

/* The id in stored record v of ordinal `ord`, pointing into v, without
 * decoding the rest. */
static int stored_id(const MDB_val *v, uint32_t ord, licit_strv *id) {
  const unsigned char *p = v->mv_data, *end = p + v->mv_size;
  uint64_t o;
  if (!get_varint(&p, end, &o) || o != ord || decode_id(&p, end, id)) return LICIT_ESTORE;
  return 0;
}

int licit_post_id(licit_txn *t, uint32_t ord, licit_strv *id) {
  MDB_val v;
  int rc = post_raw(t, ord, &v);
  return rc ? rc : stored_id(&v, ord, id);
}

int licit_post_get_ord(licit_txn *t, uint32_t ord, licit_post_rec *rec, licit_buf *scratch) {
  return post_rec(t, ord, rec, scratch);
}

/* ----------------------------------------------------------------- links -- */

static int link_decode(const MDB_val *k, const MDB_val *v, licit_link_rec *rec, licit_buf *scratch) {
  if (k->mv_size != 8 || v->mv_size == 0 || v->mv_size % sizeof(licit_hist)) return LICIT_ESTORE;
  memcpy(&rec->a, k->mv_data, 4);
  memcpy(&rec->b, (const char *)k->mv_data + 4, 4);
  licit_buf_reset(scratch);
  if (licit_buf_add(scratch, v->mv_data, v->mv_size)) return LICIT_ENOMEM;
  rec->n = (uint32_t)(v->mv_size / sizeof(licit_hist));
  rec->hist = (const licit_hist *)scratch->data;
  return 0;
}

int licit_link_get(licit_txn *t, uint32_t a, uint32_t b, licit_link_rec *rec, licit_buf *scratch) {
  uint32_t key[2] = {a < b ? a : b, a < b ? b : a};
  MDB_val k = {8, key}, v;
  int rc = licit__get(t, DBI_LINKS, &k, &v);
  if (rc) return not_found_or(rc);
  return link_decode(&k, &v, rec, scratch);
}

/* The values of one key of a DUPFIXED table of u32, ascending. */
static int dup_u32s(licit_txn *t, int dbi, MDB_val *k, uint32_t **out, size_t *n) {
  MDB_cursor *c;
  MDB_val v;
  size_t cnt = 0, cap = 0;
  uint32_t *arr = NULL;
  int rc = licit__cursor_open(t, dbi, &c);
  if (rc == MDB_NOTFOUND) { /* an absent table: no entries */
    *out = NULL;
    *n = 0;
    return 0;
  }
  if ((rc = licit__mdb(rc))) return rc;
  rc = licit__mdb(mdb_cursor_get(c, k, &v, MDB_SET_KEY));
  if (rc == 0) rc = licit__mdb(mdb_cursor_get(c, k, &v, MDB_GET_MULTIPLE));
  while (rc == 0) {
    if (v.mv_size % 4) {
      rc = LICIT_ESTORE;
      break;
    }
    size_t m = v.mv_size / 4;
    if (cnt + m > cap) {
      cap = (cnt + m) * 2;
      uint32_t *na = realloc(arr, cap * 4);
      if (!na) {
        rc = LICIT_ENOMEM;
        break;
      }
      arr = na;
    }
    memcpy(arr + cnt, v.mv_data, m * 4);
    cnt += m;
    rc = licit__mdb(mdb_cursor_get(c, k, &v, MDB_NEXT_MULTIPLE));
  }
  mdb_cursor_close(c);
  if (rc != LICIT_ENOTFOUND) {
    free(arr);
    return rc;
  }
  *out = arr;
  *n = cnt;
  return 0;
}

/* How many values key k holds in the DUPFIXED table dbi (0: none), without
 * reading them: one descent. */
static int dup_count(licit_txn *t, int dbi, MDB_val *k, size_t *n) {
  MDB_cursor *c;
  MDB_val v;
  *n = 0;
  int rc = licit__cursor_open(t, dbi, &c);
  if (rc == MDB_NOTFOUND) return 0; /* an absent table */
  if ((rc = licit__mdb(rc))) return rc;
  rc = mdb_cursor_get(c, k, &v, MDB_SET_KEY);
  if (rc == 0) {
    size_t cnt = 0;
    rc = mdb_cursor_count(c, &cnt);
    if (rc == 0) *n = cnt;
  } else if (rc == MDB_NOTFOUND) {
    rc = 0;
  }
  mdb_cursor_close(c);
  return licit__mdb(rc);
}

int licit_user_weight(licit_txn *t, uint32_t user, size_t *n) {
  unsigned int u = user;
  MDB_val k = {sizeof u, &u};
  size_t a = 0, b = 0;
  int rc = dup_count(t, DBI_UPOSTS, &k, &a);
  if (!rc) rc = dup_count(t, DBI_UMENTIONS, &k, &b);
  *n = a + b;
  return rc;
}

int licit_user_links(licit_txn *t, uint32_t user, uint32_t **others, size_t *n) {
  unsigned int u = user;
  MDB_val k = {sizeof u, &u};
  return dup_u32s(t, DBI_ULINKS, &k, others, n);
}

int licit_user_mentioned_in(licit_txn *t, uint32_t user, uint32_t **posts, size_t *n) {
  int rc = t->write ? licit__apply_flush(t) : 0;
  if (rc) return licit__mdb(rc);
  unsigned int u = user;
  MDB_val k = {sizeof u, &u};
  return dup_u32s(t, DBI_UMENTIONS, &k, posts, n);
}

int licit__orphans(licit_txn *t, const char *parent, size_t n, uint32_t **children, size_t *count) {
  MDB_val k = {n, (void *)parent}, v;
  /* Nearly every new post has no replies waiting: one look-up without
   * opening a cursor says so. */
  int rc = licit__get(t, DBI_ORPHANS, &k, &v);
  if (rc == MDB_NOTFOUND) {
    *children = NULL;
    *count = 0;
    return 0;
  }
  if (rc) return licit__mdb(rc);
  return dup_u32s(t, DBI_ORPHANS, &k, children, count);
}

int licit_user_ord(licit_txn *t, const char *id, size_t n, uint32_t *ord) {
  if (n == 0 || n > LICIT_ID_MAX) return LICIT_ENOTFOUND;
  MDB_val k = {n, (void *)id}, v;
  int rc = licit__get(t, DBI_USERS, &k, &v);
  if (rc) return not_found_or(rc);
  if (v.mv_size != 4) return LICIT_ESTORE;
  memcpy(ord, v.mv_data, 4);
  return 0;
}

int licit_log_get(licit_txn *t, uint64_t seq, licit_event *ev, licit_strv *sigbuf, size_t sigcap) {
  size_t s = (size_t)seq;
  MDB_val k = {sizeof s, &s}, v;
  int rc = licit__get(t, DBI_LOG, &k, &v);
  if (rc) return not_found_or(rc);
  if (log_in_file(t, seq)) {
    uint64_t off;
    uint32_t n;
    if (v.mv_size != LOG_REF) return LICIT_ESTORE;
    memcpy(&off, v.mv_data, 8);
    memcpy(&n, (const char *)v.mv_data + 8, 4);
    const void *p;
    if ((rc = log_at(t, off, n, &p))) return rc;
    return licit_event_decode(p, n, ev, sigbuf, sigcap);
  }
  return licit_event_decode(v.mv_data, v.mv_size, ev, sigbuf, sigcap);
}

/* An event id's key in `eids` (store_int.h says how it sorts). */
size_t licit__id_key(const char *id, size_t n, char key[LICIT_ID_MAX + 1]) {
  size_t d = 0;
  while (d < n && d < 20 && id[n - 1 - d] >= '0' && id[n - 1 - d] <= '9') d++;
  if (!d) {
    memcpy(key, id, n);
    return n;
  }
  memcpy(key, id, n - d);
  key[n - d] = (char)d;
  memcpy(key + n - d + 1, id + n - d, d);
  return n + 1;
}

int licit_store_event_id(licit_txn *t, const char *id, size_t n, uint64_t *seq) {
  if (n == 0 || n > LICIT_ID_MAX) return LICIT_ENOTFOUND;
  char kb[LICIT_ID_MAX + 1];
  MDB_val k = {licit__id_key(id, n, kb), kb}, v;
  int rc;
  if (t->s->ids5_used) { /* an older store, read as it is */
    k = (MDB_val){n, (void *)id};
    rc = mdb_get(t->txn, t->s->ids5, &k, &v);
  } else {
    rc = licit__get(t, DBI_IDS, &k, &v);
  }
  if (rc) return not_found_or(rc);
  if (v.mv_size != 8) return LICIT_ESTORE;
  memcpy(seq, v.mv_data, 8);
  return 0;
}

/* The signals table's key for a token: 'T' + the token when it has 1-500
 * bytes, 'E' for the empty token, 'H' + its SHA-256 when longer (LMDB keys
 * are 1-511 bytes).  The first byte keeps the three kinds apart. */
void licit__signal_key(const char *tok, size_t n, char key[520], MDB_val *k) {
  if (n == 0) {
    key[0] = 'E';
    k->mv_size = 1;
  } else if (n <= 500) {
    key[0] = 'T';
    memcpy(key + 1, tok, n);
    k->mv_size = n + 1;
  } else {
    key[0] = 'H';
    licit_sha256(tok, n, (uint8_t *)key + 1);
    k->mv_size = 33;
  }
  k->mv_data = key;
}

int licit_signal_ord(licit_txn *t, const char *tok, size_t n, uint32_t *ord) {
  char kb[520];
  MDB_val k, v;
  licit__signal_key(tok, n, kb, &k);
  int rc = licit__get(t, DBI_SIGNALS, &k, &v);
  if (rc) return not_found_or(rc);
  if (v.mv_size != 4) return LICIT_ESTORE;
  memcpy(ord, v.mv_data, 4);
  return 0;
}

/* Both public iterators (licit_post_iter, licit_user_iter: incomplete
 * types for callers) are a table_iter, a cursor over one table from its
 * first entry; they differ only in how a value is decoded. */
typedef struct table_iter {
  MDB_cursor *cur;
  bool started;
  /* A range [from, to) of keys; empty: from the first / to the last. */
  licit_buf from, to;
  /* Scans of the posts table: the leaf page last entered (see
   * prefetch_leaf) and the page size; 0: no prefetching. */
  uintptr_t leaf;
  size_t psize;
} table_iter;

/* A scan spends most of its time waiting for memory: LMDB places a leaf
 * page's nodes in insertion order, not key order, and the pages of a table
 * lie anywhere in the file, so each record read is a cache miss the
 * hardware cannot predict.  On entering a leaf page, ask for all its nodes
 * at once.  This reads LMDB's page header (mp_flags at byte 10, mp_lower
 * at 12, the node offsets from 16: the data file format of LMDB 0.9) only
 * to issue prefetches, which never fault; offsets are checked against the
 * page size, so a different layout costs nothing but the prefetches. */
static void prefetch_leaf(table_iter *it, const void *data) {
  uintptr_t page = (uintptr_t)data & ~(uintptr_t)(it->psize - 1);
  if (page == it->leaf) return;
  it->leaf = page;
  const unsigned char *p = (const unsigned char *)page;
  uint16_t flags, lower, off;
  memcpy(&flags, p + 10, 2);
  memcpy(&lower, p + 12, 2);
  if (!(flags & 0x02) || lower < 16 || lower > it->psize) return; /* P_LEAF */
  for (unsigned i = 16; i + 2 <= lower; i += 2) {
    memcpy(&off, p + i, 2);
    if (off < it->psize) {
      __builtin_prefetch(p + off);
    }
  }
}

static int table_iter_open(licit_txn *t, int dbi, table_iter **out) {
  /* A write transaction's held-back post ids and records go into their tables first. */
  int rc = t->write && (dbi == DBI_POSTIDS || dbi == DBI_POSTREC) ? licit__pending_flush(t) : 0;
  if (rc) return licit__mdb_err(rc, NULL, "");
  table_iter *it = calloc(1, sizeof *it);
  if (!it) return LICIT_ENOMEM;
  rc = licit__cursor_open(t, dbi, &it->cur);
  if (rc == MDB_NOTFOUND) rc = 0; /* an absent table: no entries (it->cur NULL) */
  if (rc) {
    free(it);
    return licit__mdb_err(rc, NULL, "");
  }
  *out = it;
  return 0;
}

/* 1 with k/v set, 0 at the end, or a negative error. */
static int table_iter_next(table_iter *it, MDB_val *k, MDB_val *v) {
  if (!it->cur) return 0;
  MDB_cursor_op op = it->started ? MDB_NEXT : it->from.len ? MDB_SET_RANGE : MDB_FIRST;
  if (op == MDB_SET_RANGE) *k = (MDB_val){it->from.len, it->from.data};
  int rc = mdb_cursor_get(it->cur, k, v, op);
  it->started = true;
  if (rc == MDB_NOTFOUND) return 0;
  if (rc) return licit__mdb_err(rc, NULL, "");
  if (it->psize) prefetch_leaf(it, k->mv_data);
  if (it->to.len) {
    MDB_val to = {it->to.len, it->to.data};
    if (mdb_cmp(mdb_cursor_txn(it->cur), mdb_cursor_dbi(it->cur), k, &to) >= 0) return 0;
  }
  return 1;
}

static void table_iter_close(table_iter *it) {
  if (!it) return;
  if (it->cur) mdb_cursor_close(it->cur);
  licit_buf_free(&it->from);
  licit_buf_free(&it->to);
  free(it);
}

/* A table_iter over the keys in [from, to); an empty bound: none. */
static int table_iter_open_range(licit_txn *t, int dbi, licit_strv from, licit_strv to, table_iter **out) {
  table_iter *it = NULL;
  int rc = table_iter_open(t, dbi, &it);
  if (rc) return rc;
  if ((from.n && licit_buf_add(&it->from, from.p, from.n)) || (to.n && licit_buf_add(&it->to, to.p, to.n))) {
    table_iter_close(it);
    return LICIT_ENOMEM;
  }
  *out = it;
  return 0;
}

static void post_iter_prefetch(licit_txn *t, table_iter *it, int dbi) {
  MDB_stat ms;
  if (it->cur && !mdb_stat(t->txn, t->s->dbi[dbi], &ms) && ms.ms_psize >= 512 && !(ms.ms_psize & (ms.ms_psize - 1)))
    it->psize = ms.ms_psize;
}

/* In id order: a cursor over `postids`, each record read by its ordinal.
 * In ordinal order: a cursor over `postrec`; each record names its id. */
struct licit_post_iter {
  licit_txn *t;
  table_iter *ti;
  bool by_ord;
  bool cur_ok; /* a current post, whose id is cur_id */
  licit_strv cur_id;
};

static int post_iter_make(licit_txn *t, table_iter *ti, bool by_ord, licit_post_iter **out) {
  licit_post_iter *it = calloc(1, sizeof *it);
  if (!it) {
    table_iter_close(ti);
    return LICIT_ENOMEM;
  }
  *it = (licit_post_iter){.t = t, .ti = ti, .by_ord = by_ord};
  post_iter_prefetch(t, ti, by_ord ? DBI_POSTREC : DBI_POSTIDS);
  *out = it;
  return 0;
}

int licit_post_iter_open(licit_txn *t, licit_post_iter **out) {
  table_iter *ti = NULL;
  int rc = table_iter_open(t, DBI_POSTIDS, &ti);
  return rc ? rc : post_iter_make(t, ti, false, out);
}

int licit_post_iter_open_ords(licit_txn *t, uint32_t from, uint32_t to, licit_post_iter **out) {
  table_iter *ti = NULL;
  unsigned int f = from, e = to;
  licit_strv fv = {(const char *)&f, from ? sizeof f : 0}, tv = {(const char *)&e, to ? sizeof e : 0};
  int rc = table_iter_open_range(t, DBI_POSTREC, fv, tv, &ti);
  return rc ? rc : post_iter_make(t, ti, true, out);
}

int licit_post_iter_id(licit_post_iter *it, licit_strv *id) {
  if (!it->cur_ok) return LICIT_EUSAGE;
  *id = it->cur_id;
  return 0;
}

int licit_post_iter_next_ord(licit_post_iter *it, licit_strv *id, uint32_t *ord) {
  if (it->by_ord) return LICIT_EUSAGE;
  MDB_val k, v;
  int rc = table_iter_next(it->ti, &k, &v);
  if (rc != 1) return rc;
  if (v.mv_size != 4) return LICIT_ESTORE;
  memcpy(ord, v.mv_data, 4);
  *id = (licit_strv){k.mv_data, k.mv_size};
  return 1;
}

int licit_post_iter_next(licit_post_iter *it, licit_strv *id, licit_post_rec *rec, licit_buf *scratch) {
  MDB_val k, v;
  int rc;
  unsigned int o;
  licit_strv kid = {NULL, 0};
  it->cur_ok = false;
  if (!it->by_ord) { /* postids, then the record of the ordinal */
    if ((rc = licit_post_iter_next_ord(it, &kid, &o)) != 1) return rc;
    k = (MDB_val){sizeof o, &o};
    rc = licit__get(it->t, DBI_POSTREC, &k, &v);
    if (rc) return rc == MDB_NOTFOUND ? LICIT_ESTORE : licit__mdb_err(rc, NULL, "");
  } else {
    if ((rc = table_iter_next(it->ti, &k, &v)) != 1) return rc;
    if (k.mv_size != 4) return LICIT_ESTORE;
    memcpy(&o, k.mv_data, 4);
  }
  if ((rc = licit__post_decode(&v, rec, scratch))) return rc;
  /* The record must be the one its key names. */
  if (rec->ord != o || (kid.p && !licit_post_names(rec, kid.p, kid.n))) return LICIT_ESTORE;
  /* The id as stored (valid for the transaction, as the key in id order). */
  if (!kid.p && (rc = stored_id(&v, o, &kid))) return rc;
  it->cur_id = kid;
  it->cur_ok = true;
  if (id) *id = it->cur_id;
  return 1;
}

void licit_post_iter_close(licit_post_iter *it) {
  if (!it) return;
  table_iter_close(it->ti);
  free(it);
}

uint64_t licit_txn_n_replies(const licit_txn *t) { return t->ctr[CTR_REPLIES]; }

int licit_user_posts(licit_txn *t, uint32_t user, uint32_t **ords, size_t *n) {
  int rc = t->write ? licit__apply_flush(t) : 0;
  if (rc) return licit__mdb(rc);
  unsigned int u = user;
  MDB_val k = {sizeof u, &u};
  return dup_u32s(t, DBI_UPOSTS, &k, ords, n);
}

/* -------------------------------------------------------------- policies -- */

int licit_store_policy_put(licit_txn *t, const char *json, size_t n) {
  size_t no = (size_t)++t->ctr[CTR_POLICIES];
  MDB_val k = {sizeof no, &no}, v = {n, (void *)json};
  int rc = mdb_put(t->txn, t->s->dbi[DBI_POLICIES], &k, &v, MDB_APPEND);
  if (!rc) rc = licit__meta_put(t, "policy", json, n);
  return rc ? licit__mdb_err(rc, NULL, "policy") : 0;
}

int licit_store_policy_get(licit_txn *t, licit_strv *json) {
  MDB_val v;
  int rc = licit__meta_get(t, "policy", &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOPOLICY;
  if (rc) return licit__mdb_err(rc, NULL, "policy");
  json->p = v.mv_data;
  json->n = v.mv_size;
  return 0;
}


/* The bytes of the data file in use (up to the last page LMDB has
 * written) and the map's size: 0, or LMDB's code. */
static int env_used(licit_store *s, uint64_t *used, size_t *mapsize) {
  MDB_envinfo info;
  MDB_stat ms;
  int rc;
  if ((rc = mdb_env_info(s->env, &info)) || (rc = mdb_env_stat(s->env, &ms))) return rc;
  *used = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
  if (mapsize) *mapsize = info.me_mapsize;
  return 0;
}

int licit_store_stats_get(licit_txn *t, licit_store_stats *st) {
  memset(st, 0, sizeof *st);
  st->events = t->ctr[CTR_LOG];
  st->posts = t->ctr[CTR_POSTS];
  st->users = t->ctr[CTR_USERS];
  st->signals = t->ctr[CTR_SIGNALS];
  st->snapshots = t->ctr[CTR_SNAPSHOTS];
  st->policies = t->ctr[CTR_POLICIES];
  int rc = env_used(t->s, &st->bytes_used, NULL);
  if (rc) return licit__mdb_err(rc, NULL, "stats");
  /* The data file's and the log file's blocks on disk, and the log
   * file's committed part. */
  st->bytes_used += t->ctr[CTR_LOG_END];
  const char *const files[] = {"data.mdb", LOG_FILE};
  for (int i = 0; i < 2; i++) {
    char path[4200];
    struct stat sb;
    if (!path_in(path, sizeof path, t->s->dir, files[i], NULL) && stat(path, &sb) == 0)
      st->bytes_on_disk += (uint64_t)sb.st_blocks * 512;
  }
  return 0;
}

/* ----------------------------------------------------------------- users -- */

int licit_user_iter_open(licit_txn *t, licit_user_iter **out) {
  return table_iter_open(t, DBI_USTATE, (table_iter **)out);
}

int licit_user_iter_open_range(licit_txn *t, uint32_t from, uint32_t to, licit_user_iter **out) {
  /* ustate is keyed by the ordinal as a native uint32_t (MDB_INTEGERKEY). */
  licit_strv f = {from ? (const char *)&from : NULL, from ? sizeof from : 0};
  licit_strv e = {to ? (const char *)&to : NULL, to ? sizeof to : 0};
  return table_iter_open_range(t, DBI_USTATE, f, e, (table_iter **)out);
}

int licit_user_iter_next(licit_user_iter *it, licit_user_rec *rec, licit_buf *scratch) {
  MDB_val k, v;
  int rc = table_iter_next((table_iter *)it, &k, &v);
  if (rc != 1) return rc;
  rc = licit__user_decode(&v, rec, scratch);
  return rc ? rc : 1;
}

void licit_user_iter_close(licit_user_iter *it) { table_iter_close((table_iter *)it); }

int licit_link_iter_open(licit_txn *t, licit_link_iter **out) {
  return table_iter_open(t, DBI_LINKS, (table_iter **)out);
}

int licit_link_iter_next(licit_link_iter *it, licit_link_rec *rec, licit_buf *scratch) {
  MDB_val k, v;
  int rc = table_iter_next((table_iter *)it, &k, &v);
  if (rc != 1) return rc;
  rc = link_decode(&k, &v, rec, scratch);
  return rc ? rc : 1;
}

void licit_link_iter_close(licit_link_iter *it) { table_iter_close((table_iter *)it); }

#if !defined(MADV_POPULATE_READ) && defined(__linux__)
#define MADV_POPULATE_READ 22 /* Linux 5.14; glibc names it only under _GNU_SOURCE */
#endif

/* Where this process maps the file `st` describes: LMDB does not say
 * (me_mapaddr is only set for MDB_FIXEDMAP), so find it in
 * /proc/self/maps.  false when not found. */
static bool find_map(const struct stat *st, unsigned long *lo, unsigned long *hi) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return false;
  char line[4600];
  bool found = false;
  while (!found && fgets(line, sizeof line, f)) {
    unsigned long ino;
    unsigned maj, min;
    if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", lo, hi, &maj, &min, &ino) != 5) continue;
    found = ino == (unsigned long)st->st_ino && makedev(maj, min) == st->st_dev;
  }
  fclose(f);
  return found;
}

void licit_store_prefault(licit_store *s) {
#ifdef MADV_POPULATE_READ
  uint64_t used;
  int fd;
  struct stat st;
  unsigned long lo, hi;
  if (env_used(s, &used, NULL) || mdb_env_get_fd(s->env, &fd) || fstat(fd, &st) || !find_map(&st, &lo, &hi))
    return;
  /* One system call maps every page of the store instead of one page
   * fault per page touched; harmless when it fails (older kernels). */
  madvise((void *)lo, hi - lo < used ? hi - lo : used, MADV_POPULATE_READ);
#else
  (void)s;
#endif
}

uint64_t licit_store_used_bytes(licit_store *s) {
  uint64_t used;
  return env_used(s, &used, NULL) ? 0 : used;
}

#if !defined(MADV_POPULATE_WRITE) && defined(__linux__)
#define MADV_POPULATE_WRITE 23 /* Linux 5.14, like MADV_POPULATE_READ */
#endif

/* Where the data file is mapped (find_map), remembered while the map
 * keeps its size; NULL if not found.  Only the ingest's parsing thread
 * calls it, under maplock. */
static char *map_base(licit_store *s, const struct stat *st) {
  MDB_envinfo info;
  if (mdb_env_info(s->env, &info)) return NULL;
  if (info.me_mapsize == s->map_size) return s->map_base;
  unsigned long lo, hi;
  s->map_size = info.me_mapsize;
  s->map_base = find_map(st, &lo, &hi) && hi - lo == info.me_mapsize ? (char *)lo : NULL;
  return s->map_base;
}

/* madvise(advice) on the data file's bytes [from, to) of this process's
 * map (st: the data file's fstat), from the page holding `from`.  Whether
 * it was done: false when the map is not found, the range is not in it,
 * or the kernel declined.  Only the ingest's parsing thread calls it. */
static bool advise_map(licit_store *s, const struct stat *st, uint64_t from, uint64_t to, int advice) {
  /* The map cannot move while this is held (licit_store_reserve). */
  pthread_rwlock_rdlock(&s->maplock);
  char *base = map_base(s, st);
  from &= ~(uint64_t)4095;
  bool done = base && from < to && to <= s->map_size && madvise(base + from, to - from, advice) == 0;
  pthread_rwlock_unlock(&s->maplock);
  return done;
}

void licit_store_warm_write(licit_store *s, uint64_t from, uint64_t to) {
#ifdef MADV_POPULATE_WRITE
  int fd;
  struct stat st;
  if (s->readonly || mdb_env_get_fd(s->env, &fd) || fstat(fd, &st)) return;
  if (to > (uint64_t)st.st_size) to = (uint64_t)st.st_size;
  (void)advise_map(s, &st, from, to, MADV_POPULATE_WRITE); /* harmless when it fails */
#else
  (void)s, (void)from, (void)to;
#endif
}

void licit_store_warm(licit_store *s, uint64_t from, uint64_t to, bool through_map) {
  int fd;
  struct stat st;
  if (s->readonly || mdb_env_get_fd(s->env, &fd) || fstat(fd, &st)) return;
  if (to > (uint64_t)st.st_size) to = (uint64_t)st.st_size;
#ifdef MADV_POPULATE_READ
  /* When it cannot (an older kernel, the map not found): readahead below. */
  if (through_map && advise_map(s, &st, from, to, MADV_POPULATE_READ)) return;
#else
  (void)through_map;
#endif
  readahead_range(fd, from, to);
}

/* Allocates the data file's blocks for its first `size` bytes (those
 * already allocated cost nothing).  0, or the errno. */
static int allocate(licit_store *s, size_t size) {
  int fd;
  if (mdb_env_get_fd(s->env, &fd)) return EBADF;
  return fallocate(fd, 0, 0, (off_t)size) == 0 ? 0 : errno;
}

static size_t align_up(size_t n) { return (n + MAP_ALIGN - 1) / MAP_ALIGN * MAP_ALIGN; }

int licit_store_reserve(licit_store *s, size_t bytes, licit_err *err) {
  if (s->readonly) return licit_err_set(err, LICIT_EUSAGE, "store %s is open read-only", s->dir);
  uint64_t used64;
  size_t map;
  int rc = env_used(s, &used64, &map);
  if (rc) return licit__mdb_err(rc, err, s->dir);
  size_t used = (size_t)used64;
  /* The log records go to the log file: about a quarter of what the
   * caller adds (an encoded event is a little smaller than its line, and
   * ingest reserves four times its input); the rest is the map's. */
  size_t lneed = s->logfd >= 0 ? bytes / 4 : 0;
  bytes -= lneed;
  /* A transaction copies every page it touches before freeing the old
   * one at commit, so beside the new bytes it may need room for a copy of
   * much of the store: keep half the store's size spare as well. */
  size_t need = align_up(used + used / 2 + bytes);
  if (need > map) {
    size_t want = map * 2;
    if (want < need) want = need;
    want = (want + MAP_STEP - 1) / MAP_STEP * MAP_STEP;
    rc = set_mapsize(s, want);
    if (rc && rc != EINVAL) return licit__mdb_err(rc, err, "growing the store's map");
    /* EINVAL: a transaction of this process is open, so the map stays as
     * it is (a write that outgrows it fails with LICIT_EFULL). */
    if (!rc) map = want;
  }
  /* What the files hold and the file system has free, read before
   * allocating: a failed allocation may keep part of what it took, so
   * nothing is allocated unless both fit.  The log file's blocks are
   * allocated beyond its end without moving it (this runs without the
   * writer lock, so it may not cut the file back); a write that still
   * finds no space (another process took it) fails cleanly at its commit
   * (log_write). */
  int fd;
  struct stat st, lst;
  struct statvfs vfs;
  size_t have = 0, lhave = 0;
  if (mdb_env_get_fd(s->env, &fd) == 0 && fstat(fd, &st) == 0) have = (size_t)st.st_blocks * 512;
  bool log_ok = lneed && fstat(s->logfd, &lst) == 0;
  if (log_ok && (uint64_t)lst.st_blocks * 512 > (uint64_t)lst.st_size)
    lhave = (size_t)((uint64_t)lst.st_blocks * 512 - (uint64_t)lst.st_size);
  double free_b = statvfs(s->dir, &vfs) == 0 ? (double)vfs.f_bavail * vfs.f_frsize : -1;
  size_t map_need = need < map ? need : map;
  size_t more = (map_need > have ? map_need - have : 0) + (log_ok && lneed > lhave ? lneed - lhave : 0);
  size_t held = used + (log_ok ? (size_t)lst.st_size : 0);
  /* Allocate the region this write may use (blocks already allocated cost
   * nothing); the rest of the map stays sparse. */
  int e = free_b >= 0 && (double)more > free_b ? ENOSPC : allocate(s, map_need);
  if (!e && log_ok && lneed > lhave)
    e = fallocate(s->logfd, FALLOC_FL_KEEP_SIZE, lst.st_size, (off_t)lneed) == 0 ? 0 : errno;
  if (e == EOPNOTSUPP || e == ENOSYS) return 0; /* a file system that cannot allocate ahead */
  if (licit_errno_code(e) == LICIT_ENOSPACE) {
    return licit_err_set(err, LICIT_ENOSPACE,
                         "store %s: no space left on its file system: the next write needs %.1f MB more "
                         "there (%.1f MB free; the store holds %.1f MB)",
                         s->dir, (more ? more : MAP_ALIGN) / 1e6, free_b > 0 ? free_b / 1e6 : 0, held / 1e6);
  }
  if (e) return licit_err_set(err, LICIT_EIO, "store %s: cannot allocate its files: %s", s->dir, strerror(e));
  return 0;
}
