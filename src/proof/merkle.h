/*
 * merkle.h — the Merkle tree of RFC 9162 section 2.1 over a snapshot's
 * leaves, as SPEC section 5 defines them.
 *
 * A snapshot's leaves are its documents in output order; leaf i is the
 * string  post id + "\n" + hex SHA-256 of the text + "\n"  (the same string
 * the manifest's digest hashes).  The tree hash (MTH) of n leaves:
 *   n = 0: SHA-256("")
 *   n = 1: SHA-256(0x00 || leaf)
 *   n > 1: SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power
 *          of two smaller than n.
 * A node "at level j, index i" is the complete subtree over leaves
 * [i * 2^j, (i + 1) * 2^j); every other node of the tree is an edge node
 * D[a:n] that ends at the last leaf.
 *
 * Nothing here touches the store or files: building a root while leaves
 * stream past, computing an audit path from a source of subtree hashes,
 * and checking one.  Thread-safe (no shared state).
 */
#ifndef LICIT_MERKLE_H
#define LICIT_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LICIT_MERKLE_HASH_LEN 32
#define LICIT_MERKLE_MAX_DEPTH 64 /* a path has at most 64 hashes (n < 2^64) */

/* The leaf string of a post into out (n + 66 bytes); returns its length. */
size_t licit_merkle_leaf_string(const char *id, size_t n, const uint8_t text_sha[32], char *out);
/* SHA-256(0x00 || leaf). */
void licit_merkle_leaf_hash(const void *leaf, size_t n, uint8_t out[32]);
/* The leaf hash of a post, from its id and its text's SHA-256. */
void licit_merkle_post_leaf(const char *id, size_t n, const uint8_t text_sha[32], uint8_t out[32]);
/* SHA-256(0x01 || left || right). */
void licit_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);
/* The tree hash of no leaves: SHA-256(""). */
void licit_merkle_empty(uint8_t out[32]);

/* ---------------------------------------------------------- building -- */

/* Called by the builder each time a complete subtree of 2^level leaves
 * (level >= the builder's min_level) is finished, in leaf order; a non-zero
 * return is handed back by licit_merkle_add. */
typedef int (*licit_merkle_node_cb)(void *ctx, unsigned level, uint64_t index, const uint8_t hash[32]);

/* Builds the tree hash while leaves arrive in order, keeping only one hash
 * per level (O(log n) memory).  Plain struct: no resources to free. */
typedef struct licit_merkle_builder {
  uint64_t n;                                        /* leaves added */
  unsigned top;                                      /* entries in stack */
  uint8_t stack[LICIT_MERKLE_MAX_DEPTH + 1][32];      /* complete subtrees, largest first */
  unsigned min_level;
  licit_merkle_node_cb cb; /* may be NULL */
  void *ctx;
} licit_merkle_builder;

void licit_merkle_init(licit_merkle_builder *b, unsigned min_level, licit_merkle_node_cb cb, void *ctx);
/* Adds the next leaf's hash.  0, or what the callback returned. */
int licit_merkle_add(licit_merkle_builder *b, const uint8_t leaf_hash[32]);
/* The tree hash of the leaves added so far (the builder stays usable). */
void licit_merkle_root(const licit_merkle_builder *b, uint8_t out[32]);

/* ------------------------------------------------------------ proofs -- */

/* Where subtree hashes come from when a proof is built: `leaf` gives leaf
 * i's hash; `node` (used for levels >= min_level only; may be NULL) gives the
 * complete subtree at (level, index).  Each returns 0 or a negative error. */
typedef struct licit_merkle_source {
  int (*leaf)(void *ctx, uint64_t i, uint8_t out[32]);
  int (*node)(void *ctx, unsigned level, uint64_t index, uint8_t out[32]);
  unsigned min_level;
  void *ctx;
} licit_merkle_source;

/* MTH(D[a:b]) for a node of the tree of n leaves (a < b; either b - a is a
 * power of two and a a multiple of it, or b == n).  Cost: one `node` call per
 * level at or above min_level plus at most 2^min_level `leaf` calls per
 * ragged edge. */
int licit_merkle_subtree(const licit_merkle_source *s, uint64_t a, uint64_t b, uint8_t out[32]);

/* The audit path of leaf m in a tree of n leaves (RFC 9162 section
 * 2.1.3.1), nearest sibling first, into path (at most
 * LICIT_MERKLE_MAX_DEPTH entries); *len gets the count.  LICIT_EINVAL when
 * m >= n, else 0 or the source's error. */
int licit_merkle_path(const licit_merkle_source *s, uint64_t m, uint64_t n, uint8_t path[][32], size_t *len);

/* Checks an audit path (RFC 9162 section 2.1.3.2): the root that leaf m
 * with hash `leaf` and `path` lead to in a tree of n leaves goes to `root`.
 * LICIT_EINVAL when m >= n or the path has the wrong number of hashes for
 * (m, n); otherwise 0 (compare `root` yourself). */
int licit_merkle_path_root(uint64_t m, uint64_t n, const uint8_t leaf[32], const uint8_t path[][32], size_t len,
                           uint8_t root[32]);

/* The number of hashes in the audit path of leaf m among n (m < n). */
size_t licit_merkle_path_len(uint64_t m, uint64_t n);

#endif
