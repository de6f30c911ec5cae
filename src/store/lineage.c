/*
 * lineage.c — registered snapshots: which snapshot used which post.
 *
 * A snapshot record (table "snapshots", keyed by name) holds the snapshot's
 * time, log position, policy, counts and digest.  Its included posts are a
 * bitmap over post ordinals in table "snapbits", cut in chunks of
 * CHUNK_BYTES so each chunk fills LMDB overflow pages almost exactly; chunks
 * with no included post are not stored.  Cost: at most one bit per post per
 * snapshot.
 *
 * Later additions, kept so that records written before them still read:
 *  - the record ends with a tail (tag 'M', the Merkle root in hex or 64
 *    zero bytes, the policy install number); older records have no tail;
 *  - table "manifests": name -> u32 length, manifest.json, manifest.json.sig;
 *  - table "merkle": key (snapshot ordinal u32 BE, kind u8, chunk u32 BE).
 *    Kind KIND_LEAVES holds the post ordinal of every leaf in leaf order,
 *    LEAVES_PER_CHUNK per chunk; kind j < 64 holds the hashes of the
 *    complete subtrees of 2^j leaves (j >= LICIT_MERKLE_MIN_LEVEL),
 *    HASHES_PER_CHUNK per chunk.  Cost per snapshot of n included posts:
 *    4n bytes of leaves plus 2 * 32 * n / 2^MIN_LEVEL bytes of hashes
 *    (6 MiB for 1M posts); a proof then reads O(log n) entries and
 *    recomputes at most 2 * 2^MIN_LEVEL leaf hashes.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define CHUNK_BYTES (4 * 4096 - 64)
#define CHUNK_BITS ((uint32_t)CHUNK_BYTES * 8)
#define REC_FIXED (4 + 4 + 8 + 8 + 8 * LICIT_SNAP_COUNTS + 64)
#define NOSTR 0xFFFFu
#define TAIL_LEN (1 + 64 + 8)
#define KIND_LEAVES 0xFF
#define LEAVES_PER_CHUNK ((uint64_t)CHUNK_BYTES / 4)
#define HASHES_PER_CHUNK ((uint64_t)CHUNK_BYTES / 32)

void licit_snapshot_info_free(licit_snapshot_info *s) {
  if (!s) return;
  free(s->name);
  free(s->policy_name);
  free(s->policy_version);
  free(s->out_dir);
  s->name = s->policy_name = s->policy_version = s->out_dir = NULL;
}

void licit_snapshot_list_free(licit_snapshot_info *arr, size_t n) {
  for (size_t i = 0; i < n; i++) licit_snapshot_info_free(&arr[i]);
  free(arr);
}

static int put_s(licit_buf *b, const char *s) {
  uint16_t n = s ? (uint16_t)strlen(s) : NOSTR;
  int rc = licit_buf_add(b, &n, 2);
  return rc || !s ? rc : licit_buf_add(b, s, n);
}

static int encode(const licit_snapshot_info *s, licit_buf *b) {
  licit_buf_reset(b);
  int rc = licit_buf_add(b, &s->ord, 4);
  if (!rc) rc = licit_buf_add(b, &s->nbits, 4);
  if (!rc) rc = licit_buf_add(b, &s->at, 8);
  if (!rc) rc = licit_buf_add(b, &s->log_position, 8);
  if (!rc) rc = licit_buf_add(b, s->counts, sizeof s->counts);
  if (!rc) rc = licit_buf_add(b, s->digest, 64);
  if (!rc) rc = put_s(b, s->name);
  if (!rc) rc = put_s(b, s->policy_name);
  if (!rc) rc = put_s(b, s->policy_version);
  if (!rc) rc = put_s(b, s->out_dir);
  char root[64] = {0};
  if (s->merkle_root[0]) memcpy(root, s->merkle_root, 64);
  if (!rc) rc = licit_buf_addc(b, 'M');
  if (!rc) rc = licit_buf_add(b, root, 64);
  if (!rc) rc = licit_buf_add(b, &s->policy_install, 8);
  return rc;
}

static int get_s(const char **p, const char *end, char **out) {
  uint16_t n;
  if (end - *p < 2) return LICIT_ESTORE;
  memcpy(&n, *p, 2);
  *p += 2;
  if (n == NOSTR) {
    *out = NULL;
    return 0;
  }
  if (end - *p < n) return LICIT_ESTORE;
  *out = malloc((size_t)n + 1);
  if (!*out) return LICIT_ENOMEM;
  memcpy(*out, *p, n);
  (*out)[n] = 0;
  *p += n;
  return 0;
}

static int decode(const MDB_val *v, licit_snapshot_info *s) {
  memset(s, 0, sizeof *s);
  const char *p = v->mv_data, *end = p + v->mv_size;
  if (v->mv_size < REC_FIXED) return LICIT_ESTORE;
  memcpy(&s->ord, p, 4);
  memcpy(&s->nbits, p + 4, 4);
  memcpy(&s->at, p + 8, 8);
  memcpy(&s->log_position, p + 16, 8);
  memcpy(s->counts, p + 24, sizeof s->counts);
  memcpy(s->digest, p + 24 + sizeof s->counts, 64);
  s->digest[64] = 0;
  p += REC_FIXED;
  int rc = get_s(&p, end, &s->name);
  if (!rc) rc = get_s(&p, end, &s->policy_name);
  if (!rc) rc = get_s(&p, end, &s->policy_version);
  if (!rc) rc = get_s(&p, end, &s->out_dir);
  if (!rc && !s->name) rc = LICIT_ESTORE;
  /* Records written before Merkle roots end here; newer ones carry the
   * whole tail.  Anything else is damage, not an older record: read as one,
   * a cut record would lose its root and be refused as "built before". */
  if (!rc && p != end && (end - p != TAIL_LEN || *p != 'M')) rc = LICIT_ESTORE;
  if (!rc && p != end) {
    if (p[1]) {
      memcpy(s->merkle_root, p + 1, 64);
      s->merkle_root[64] = 0;
    }
    memcpy(&s->policy_install, p + 65, 8);
  }
  if (rc) licit_snapshot_info_free(s);
  return rc;
}

static void chunk_key(uint32_t snap, uint32_t chunk, unsigned char k[8]) {
  for (int i = 0; i < 4; i++) {
    k[i] = (unsigned char)(snap >> (24 - 8 * i));
    k[4 + i] = (unsigned char)(chunk >> (24 - 8 * i));
  }
}

static void merkle_key(uint32_t snap, unsigned kind, uint32_t chunk, unsigned char k[9]) {
  for (int i = 0; i < 4; i++) {
    k[i] = (unsigned char)(snap >> (24 - 8 * i));
    k[5 + i] = (unsigned char)(chunk >> (24 - 8 * i));
  }
  k[4] = (unsigned char)kind;
}

/* Writes `n` items of `size` bytes in chunks of `per` items under kind. */
static int put_chunks(licit_txn *t, uint32_t snap, unsigned kind, const void *items, uint64_t n, size_t size,
                      uint64_t per, licit_err *err) {
  const unsigned char *p = items;
  for (uint64_t off = 0; off < n; off += per) {
    uint64_t cnt = n - off < per ? n - off : per;
    unsigned char kb[9];
    merkle_key(snap, kind, (uint32_t)(off / per), kb);
    MDB_val k = {9, kb}, v = {(size_t)cnt * size, (void *)(p + off * size)};
    int rc = mdb_put(t->txn, t->s->dbi[DBI_MERKLE], &k, &v, 0);
    if (rc) return licit__mdb_err(rc, err, "merkle");
  }
  return 0;
}

static int register_extra(licit_txn *t, const licit_snapshot_info *info, const licit_snapshot_extra *x,
                          licit_err *err) {
  int rc = put_chunks(t, info->ord, KIND_LEAVES, x->leaf_ords, x->n_leaves, 4, LEAVES_PER_CHUNK, err);
  for (unsigned j = 0; j < x->n_levels && !rc; j++)
    rc = put_chunks(t, info->ord, x->min_level + j, x->level[j], x->level_n[j], 32, HASHES_PER_CHUNK, err);
  if (rc || !x->manifest) return rc;
  licit_buf *b = &t->enc;
  licit_buf_reset(b);
  uint32_t ml = (uint32_t)x->manifest_len;
  if (licit_buf_add(b, &ml, 4) || licit_buf_add(b, x->manifest, x->manifest_len) ||
      licit_buf_add(b, x->sig, x->sig_len))
    return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  MDB_val k = {strlen(info->name), info->name}, v = {b->len, b->data};
  if ((rc = mdb_put(t->txn, t->s->dbi[DBI_MANIFESTS], &k, &v, MDB_NOOVERWRITE)))
    return licit__mdb_err(rc, err, "manifests");
  return 0;
}

int licit_snapshot_register(licit_txn *t, licit_snapshot_info *info, const uint64_t *bits,
                            const licit_snapshot_extra *x, licit_err *err) {
  size_t nl = strlen(info->name);
  if (nl == 0 || nl > 256) return licit_err_set(err, LICIT_EINVAL, "a snapshot name has 1-256 bytes");
  MDB_val k = {nl, info->name}, v;
  int rc = licit__get(t, DBI_SNAPSHOTS, &k, &v);
  if (rc == 0) return licit_err_set(err, LICIT_EEXISTS, "a snapshot named \"%s\" is already registered", info->name);
  if (rc != MDB_NOTFOUND) return licit__mdb_err(rc, err, "snapshots");
  info->ord = (uint32_t)t->ctr[CTR_SNAPSHOTS]++;
  if ((rc = encode(info, &t->enc))) return licit_err_set(err, rc, "out of memory");
  v.mv_size = t->enc.len;
  v.mv_data = t->enc.data;
  if ((rc = mdb_put(t->txn, t->s->dbi[DBI_SNAPSHOTS], &k, &v, MDB_NOOVERWRITE)))
    return licit__mdb_err(rc, err, "snapshots");
  size_t nbytes = ((size_t)info->nbits + 7) / 8;
  const unsigned char *bytes = (const unsigned char *)bits;
  for (size_t off = 0; off < nbytes; off += CHUNK_BYTES) {
    size_t len = nbytes - off < CHUNK_BYTES ? nbytes - off : CHUNK_BYTES;
    bool any = false;
    for (size_t i = 0; i < len && !any; i++) any = bytes[off + i] != 0;
    if (!any) continue;
    unsigned char kb[8];
    chunk_key(info->ord, (uint32_t)(off / CHUNK_BYTES), kb);
    MDB_val ck = {8, kb}, cv = {len, (void *)(bytes + off)};
    if ((rc = mdb_put(t->txn, t->s->dbi[DBI_SNAPBITS], &ck, &cv, 0))) return licit__mdb_err(rc, err, "snapbits");
  }
  return x ? register_extra(t, info, x, err) : 0;
}

int licit_snapshot_get(licit_txn *t, const char *name, licit_snapshot_info *info) {
  size_t nl = strlen(name);
  if (nl == 0 || nl > 256) return LICIT_ENOTFOUND;
  MDB_val k = {nl, (void *)name}, v;
  int rc = licit__get(t, DBI_SNAPSHOTS, &k, &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  if (rc) return licit__mdb_err(rc, NULL, "snapshots");
  return decode(&v, info);
}

static int by_ord(const void *a, const void *b) {
  const licit_snapshot_info *x = a, *y = b;
  return x->ord < y->ord ? -1 : x->ord > y->ord;
}

int licit_snapshot_list(licit_txn *t, licit_snapshot_info **arr, size_t *n) {
  MDB_cursor *c;
  MDB_val k, v;
  size_t cnt = 0, cap = 0;
  licit_snapshot_info *a = NULL;
  int rc = licit__cursor_open(t, DBI_SNAPSHOTS, &c);
  if (rc == MDB_NOTFOUND) { /* an absent table: no snapshots */
    *arr = NULL;
    *n = 0;
    return 0;
  }
  if (rc) return licit__mdb_err(rc, NULL, "snapshots");
  while ((rc = mdb_cursor_get(c, &k, &v, cnt ? MDB_NEXT : MDB_FIRST)) == 0) {
    if (cnt == cap) {
      cap = cap ? cap * 2 : 8;
      licit_snapshot_info *na = realloc(a, cap * sizeof *na);
      if (!na) {
        rc = LICIT_ENOMEM;
        break;
      }
      a = na;
    }
    if ((rc = decode(&v, &a[cnt]))) break;
    cnt++;
  }
  mdb_cursor_close(c);
  if (rc != MDB_NOTFOUND) {
    licit_snapshot_list_free(a, cnt);
    return rc < -1000 || rc > 0 ? licit__mdb_err(rc, NULL, "snapshots") : rc;
  }
  if (cnt) qsort(a, cnt, sizeof *a, by_ord);
  *arr = a;
  *n = cnt;
  return 0;
}

/* Chunk `chunk` of the snapshot's bitmap: 1 with *v set, 0 when it is not
 * stored (all zero), < 0 on error. */
static int chunk_get(licit_txn *t, const licit_snapshot_info *s, uint32_t chunk, MDB_val *v) {
  unsigned char kb[8];
  chunk_key(s->ord, chunk, kb);
  MDB_val k = {8, kb};
  int rc = licit__get(t, DBI_SNAPBITS, &k, v);
  if (rc == MDB_NOTFOUND) return 0;
  return rc ? licit__mdb_err(rc, NULL, "snapbits") : 1;
}

/* Bit `bit` of a stored chunk of `len` bytes; LICIT_ESTORE when it is too short. */
static int chunk_bit(const unsigned char *p, size_t len, uint32_t bit) {
  if (bit / 8 >= len) return LICIT_ESTORE;
  return (p[bit / 8] >> (bit % 8)) & 1;
}

int licit_snapshot_has(licit_txn *t, const licit_snapshot_info *s, uint32_t post_ord) {
  if (post_ord >= s->nbits) return 0;
  MDB_val v;
  int rc = chunk_get(t, s, post_ord / CHUNK_BITS, &v);
  return rc <= 0 ? rc : chunk_bit(v.mv_data, v.mv_size, post_ord % CHUNK_BITS);
}

int licit_snap_reader_has(licit_txn *t, const licit_snapshot_info *s, licit_snap_reader *r, uint32_t post_ord) {
  if (post_ord >= s->nbits) return 0;
  if (t->write) return licit_snapshot_has(t, s, post_ord);
  uint32_t chunk = post_ord / CHUNK_BITS;
  if (!r->chunk) {
    size_t n = ((size_t)s->nbits + CHUNK_BITS - 1) / CHUNK_BITS;
    r->chunk = calloc(n, sizeof *r->chunk);
    r->len = calloc(n, sizeof *r->len);
    if (!r->chunk || !r->len) {
      licit_snap_reader_free(r);
      return LICIT_ENOMEM;
    }
    r->nchunks = n;
  }
  if (chunk >= r->nchunks) return LICIT_EINVAL; /* another snapshot than the first question's */
  if (!r->chunk[chunk] && r->len[chunk] != UINT32_MAX) {
    MDB_val v;
    int rc = chunk_get(t, s, chunk, &v);
    if (rc < 0) return rc;
    r->chunk[chunk] = rc ? v.mv_data : NULL;
    r->len[chunk] = rc ? (uint32_t)v.mv_size : UINT32_MAX; /* UINT32_MAX: not stored */
  }
  if (r->len[chunk] == UINT32_MAX) return 0;
  return chunk_bit(r->chunk[chunk], r->len[chunk], post_ord % CHUNK_BITS);
}

void licit_snap_reader_free(licit_snap_reader *r) {
  free(r->chunk);
  free(r->len);
  r->chunk = NULL;
  r->len = NULL;
  r->nchunks = 0;
}

void licit_snap_readers_free(licit_snap_reader *r, size_t n) {
  for (size_t i = 0; r && i < n; i++) licit_snap_reader_free(&r[i]);
  free(r);
}

int licit_snapshot_bits(licit_txn *t, const licit_snapshot_info *s, uint64_t **bits) {
  size_t words = ((size_t)s->nbits + 63) / 64;
  uint64_t *b = calloc(words ? words : 1, 8);
  if (!b) return LICIT_ENOMEM;
  MDB_cursor *c;
  int rc = licit__cursor_open(t, DBI_SNAPBITS, &c);
  if (rc == MDB_NOTFOUND) { /* an absent table: no bits set */
    *bits = b;
    return 0;
  }
  if (rc) {
    free(b);
    return licit__mdb_err(rc, NULL, "snapbits");
  }
  unsigned char kb[8];
  chunk_key(s->ord, 0, kb);
  MDB_val k = {8, kb}, v;
  size_t nbytes = words * 8;
  for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
    const unsigned char *kk = k.mv_data;
    if (k.mv_size != 8) break;
    uint32_t snap = (uint32_t)kk[0] << 24 | (uint32_t)kk[1] << 16 | (uint32_t)kk[2] << 8 | kk[3];
    uint32_t chunk = (uint32_t)kk[4] << 24 | (uint32_t)kk[5] << 16 | (uint32_t)kk[6] << 8 | kk[7];
    if (snap != s->ord) break;
    size_t off = (size_t)chunk * CHUNK_BYTES;
    if (off >= nbytes || v.mv_size > nbytes - off) {
      rc = LICIT_ESTORE;
      break;
    }
    memcpy((unsigned char *)b + off, v.mv_data, v.mv_size);
  }
  mdb_cursor_close(c);
  if (rc != 0 && rc != MDB_NOTFOUND) {
    free(b);
    return rc == LICIT_ESTORE ? rc : licit__mdb_err(rc, NULL, "snapbits");
  }
  *bits = b;
  return 0;
}

int licit_snapshot_manifest(licit_txn *t, const char *name, licit_strv *manifest, licit_strv *sig) {
  size_t nl = strlen(name);
  if (nl == 0 || nl > 256) return LICIT_ENOTFOUND;
  MDB_val k = {nl, (void *)name}, v;
  int rc = licit__get(t, DBI_MANIFESTS, &k, &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  if (rc) return licit__mdb_err(rc, NULL, "manifests");
  uint32_t ml;
  if (v.mv_size < 4) return LICIT_ESTORE;
  memcpy(&ml, v.mv_data, 4);
  if (ml > v.mv_size - 4) return LICIT_ESTORE;
  manifest->p = (const char *)v.mv_data + 4;
  manifest->n = ml;
  sig->p = manifest->p + ml;
  sig->n = v.mv_size - 4 - ml;
  return 0;
}

/* Item i of kind `kind` (items of `size` bytes, `per` per chunk). */
static int get_item(licit_txn *t, uint32_t snap, unsigned kind, uint64_t i, size_t size, uint64_t per,
                    void *out) {
  unsigned char kb[9];
  merkle_key(snap, kind, (uint32_t)(i / per), kb);
  MDB_val k = {9, kb}, v;
  int rc = licit__get(t, DBI_MERKLE, &k, &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  if (rc) return licit__mdb_err(rc, NULL, "merkle");
  size_t off = (size_t)(i % per) * size;
  if (off + size > v.mv_size) return LICIT_ENOTFOUND;
  memcpy(out, (const char *)v.mv_data + off, size);
  return 0;
}

int licit_snapshot_leaf_ord(licit_txn *t, const licit_snapshot_info *s, uint64_t i, uint32_t *ord) {
  if (!s->merkle_root[0] || i >= s->counts[1]) return LICIT_ENOTFOUND;
  return get_item(t, s->ord, KIND_LEAVES, i, 4, LEAVES_PER_CHUNK, ord);
}

int licit_snapshot_node(licit_txn *t, const licit_snapshot_info *s, unsigned level, uint64_t index,
                        uint8_t out[32]) {
  if (!s->merkle_root[0] || level < LICIT_MERKLE_MIN_LEVEL || level >= 64) return LICIT_ENOTFOUND;
  return get_item(t, s->ord, level, index, 32, HASHES_PER_CHUNK, out);
}

int licit_store_policy_install(licit_txn *t, uint64_t no, licit_strv *json) {
  size_t k0 = (size_t)no;
  MDB_val k = {sizeof k0, &k0}, v;
  int rc = licit__get(t, DBI_POLICIES, &k, &v);
  if (rc == MDB_NOTFOUND) return LICIT_ENOTFOUND;
  if (rc) return licit__mdb_err(rc, NULL, "policies");
  json->p = v.mv_data;
  json->n = v.mv_size;
  return 0;
}

uint64_t licit_txn_policy_installs(const licit_txn *t) { return t->ctr[CTR_POLICIES]; }
