/* merkle.c — RFC 9162 Merkle tree hashing and audit paths (see merkle.h). */
#include "proof/merkle.h"

#include <string.h>

#include "core/hash.h"
#include "licit.h"

#define ID_FAST 256 /* ids up to this length are hashed from one stack buffer */

size_t licit_merkle_leaf_string(const char *id, size_t n, const uint8_t text_sha[32], char *out) {
  memcpy(out, id, n);
  out[n] = '\n';
  licit_hex(text_sha, 32, out + n + 1); /* writes a NUL at n + 65, replaced next */
  out[n + 65] = '\n';
  return n + 66;
}

void licit_merkle_leaf_hash(const void *leaf, size_t n, uint8_t out[32]) {
  /* One buffer for the common case (ids of at most 256 bytes); longer
   * leaves go through the incremental interface. */
  uint8_t buf[512];
  if (n < sizeof buf) {
    buf[0] = 0;
    memcpy(buf + 1, leaf, n);
    licit_sha256(buf, n + 1, out);
    return;
  }
  licit_sha256_ctx *c = licit_sha256_begin();
  if (!c || licit_sha256_update(c, "\0", 1) || licit_sha256_update(c, leaf, n) || licit_sha256_end(c, out)) {
    memset(out, 0, 32); /* cannot happen short of memory exhaustion; never a valid hash */
  }
}

void licit_merkle_post_leaf(const char *id, size_t n, const uint8_t text_sha[32], uint8_t out[32]) {
  uint8_t buf[1 + ID_FAST + 66];
  if (n <= ID_FAST) {
    buf[0] = 0;
    size_t len = licit_merkle_leaf_string(id, n, text_sha, (char *)buf + 1);
    licit_sha256(buf, len + 1, out);
    return;
  }
  char hx[65];
  licit_hex(text_sha, 32, hx);
  licit_sha256_ctx *c = licit_sha256_begin();
  if (!c || licit_sha256_update(c, "\0", 1) || licit_sha256_update(c, id, n) || licit_sha256_update(c, "\n", 1) ||
      licit_sha256_update(c, hx, 64) || licit_sha256_update(c, "\n", 1) || licit_sha256_end(c, out))
    memset(out, 0, 32);
}

void licit_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]) {
  uint8_t buf[65];
  buf[0] = 1;
  memcpy(buf + 1, left, 32);
  memcpy(buf + 33, right, 32);
  licit_sha256(buf, sizeof buf, out);
}

void licit_merkle_empty(uint8_t out[32]) { licit_sha256("", 0, out); }

void licit_merkle_init(licit_merkle_builder *b, unsigned min_level, licit_merkle_node_cb cb, void *ctx) {
  memset(b, 0, sizeof *b);
  b->min_level = min_level;
  b->cb = cb;
  b->ctx = ctx;
}

/* The stack holds one complete subtree per set bit of n, largest first;
 * adding leaf n merges it with one subtree per trailing one bit of n. */
int licit_merkle_add(licit_merkle_builder *b, const uint8_t leaf_hash[32]) {
  uint64_t idx = b->n;
  uint8_t h[32];
  memcpy(h, leaf_hash, 32);
  unsigned level = 0;
  int rc;
  if (b->cb && b->min_level == 0 && (rc = b->cb(b->ctx, 0, idx, h))) return rc;
  while (idx & 1) {
    licit_merkle_node_hash(b->stack[--b->top], h, h);
    level++;
    idx >>= 1;
    if (b->cb && level >= b->min_level && (rc = b->cb(b->ctx, level, idx, h))) {
      memcpy(b->stack[b->top++], h, 32); /* leave the builder consistent */
      b->n++;
      return rc;
    }
  }
  memcpy(b->stack[b->top++], h, 32);
  b->n++;
  return 0;
}

void licit_merkle_root(const licit_merkle_builder *b, uint8_t out[32]) {
  if (b->top == 0) {
    licit_merkle_empty(out);
    return;
  }
  uint8_t r[32];
  memcpy(r, b->stack[b->top - 1], 32);
  for (unsigned i = b->top - 1; i-- > 0;) licit_merkle_node_hash(b->stack[i], r, r);
  memcpy(out, r, 32);
}

/* The largest power of two smaller than n (n >= 2). */
static uint64_t split(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

int licit_merkle_subtree(const licit_merkle_source *s, uint64_t a, uint64_t b, uint8_t out[32]) {
  uint64_t n = b - a;
  if (n == 1) return s->leaf(s->ctx, a, out);
  if ((n & (n - 1)) == 0 && a % n == 0 && s->node) {
    unsigned level = 0;
    while (((uint64_t)1 << level) < n) level++;
    if (level >= s->min_level) return s->node(s->ctx, level, a / n, out);
  }
  uint64_t k = split(n);
  uint8_t l[32], r[32];
  int rc = licit_merkle_subtree(s, a, a + k, l);
  if (!rc) rc = licit_merkle_subtree(s, a + k, b, r);
  if (!rc) licit_merkle_node_hash(l, r, out);
  return rc;
}

int licit_merkle_path(const licit_merkle_source *s, uint64_t m, uint64_t n, uint8_t path[][32], size_t *len) {
  if (m >= n) return LICIT_EINVAL;
  /* Walk down from the root; siblings come out farthest first. */
  uint8_t tmp[LICIT_MERKLE_MAX_DEPTH][32];
  size_t cnt = 0;
  uint64_t a = 0, b = n;
  while (b - a > 1) {
    uint64_t k = split(b - a);
    int rc;
    if (m < a + k) {
      rc = licit_merkle_subtree(s, a + k, b, tmp[cnt]);
      b = a + k;
    } else {
      rc = licit_merkle_subtree(s, a, a + k, tmp[cnt]);
      a = a + k;
    }
    if (rc) return rc;
    cnt++;
  }
  for (size_t i = 0; i < cnt; i++) memcpy(path[i], tmp[cnt - 1 - i], 32);
  *len = cnt;
  return 0;
}

size_t licit_merkle_path_len(uint64_t m, uint64_t n) {
  size_t cnt = 0;
  uint64_t a = 0, b = n;
  while (b - a > 1) {
    uint64_t k = split(b - a);
    if (m < a + k) b = a + k;
    else a = a + k;
    cnt++;
  }
  return cnt;
}

int licit_merkle_path_root(uint64_t m, uint64_t n, const uint8_t leaf[32], const uint8_t path[][32], size_t len,
                           uint8_t root[32]) {
  /* RFC 9162 section 2.1.3.2, step by step. */
  if (m >= n) return LICIT_EINVAL;
  uint64_t fn = m, sn = n - 1;
  uint8_t r[32];
  memcpy(r, leaf, 32);
  for (size_t i = 0; i < len; i++) {
    if (sn == 0) return LICIT_EINVAL;
    if ((fn & 1) || fn == sn) {
      licit_merkle_node_hash(path[i], r, r);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      licit_merkle_node_hash(r, path[i], r);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return LICIT_EINVAL;
  memcpy(root, r, 32);
  return 0;
}
