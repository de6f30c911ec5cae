/*
 * test_merkle.c — RFC 9162 Merkle hashing (src/proof/merkle.c) against
 * vectors derived independently from the RFC's definitions
 * (tests/data/proof/merkle_vectors.py, committed output in
 * merkle_vectors.txt): the empty tree, 1 leaf, sizes 2..17, and the audit
 * path of every leaf; every path checks, and a path altered in any hash,
 * shortened, lengthened or used for another leaf does not.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "proof/merkle.h"

#define MAXN 17

static uint8_t leaves[MAXN][32];

static void make_leaves(void) {
  for (int i = 0; i < MAXN; i++) {
    char id[8], text[16];
    snprintf(id, sizeof id, "p%02d", i);
    snprintf(text, sizeof text, "text %d", i);
    uint8_t tsha[32];
    licit_sha256(text, strlen(text), tsha);
    licit_merkle_post_leaf(id, strlen(id), tsha, leaves[i]);
  }
}

static void unhex(const char *h, uint8_t out[32]) {
  for (int i = 0; i < 32; i++) {
    unsigned v;
    cr_assert_eq(sscanf(h + 2 * i, "%2x", &v), 1);
    out[i] = (uint8_t)v;
  }
}

static FILE *vectors(void) {
  const char *dir = getenv("LICIT_TEST_DATA");
  char path[4096];
  snprintf(path, sizeof path, "%s/proof/merkle_vectors.txt", dir ? dir : "tests/data");
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  return f;
}

/* Sources for licit_merkle_path: leaves only, or leaves plus complete
 * subtrees computed by a builder (as the store keeps them). */
static int leaf_src(void *ctx, uint64_t i, uint8_t out[32]) {
  (void)ctx;
  memcpy(out, leaves[i], 32);
  return 0;
}

static uint8_t nodes[8][MAXN][32];
static int node_cb(void *ctx, unsigned level, uint64_t index, const uint8_t h[32]) {
  (void)ctx;
  memcpy(nodes[level][index], h, 32);
  return 0;
}
static int node_src(void *ctx, unsigned level, uint64_t index, uint8_t out[32]) {
  (void)ctx;
  memcpy(out, nodes[level][index], 32);
  return 0;
}

Test(merkle, roots_match_rfc_vectors) {
  make_leaves();
  FILE *f = vectors();
  char line[8192];
  int seen = 0;
  while (fgets(line, sizeof line, f)) {
    int n;
    char hex[65];
    if (sscanf(line, "root %d %64s", &n, hex) != 2) continue;
    uint8_t want[32], got[32];
    unhex(hex, want);
    licit_merkle_builder b;
    licit_merkle_init(&b, 1, node_cb, NULL);
    for (int i = 0; i < n; i++) cr_assert_eq(licit_merkle_add(&b, leaves[i]), 0);
    licit_merkle_root(&b, got);
    cr_assert(memcmp(want, got, 32) == 0, "root of %d leaves", n);
    /* The same root from stored subtrees, for every min_level. */
    for (unsigned ml = 1; ml < 6 && n > 0; ml++) {
      licit_merkle_source s = {leaf_src, node_src, ml, NULL};
      cr_assert_eq(licit_merkle_subtree(&s, 0, (uint64_t)n, got), 0);
      cr_assert(memcmp(want, got, 32) == 0, "root of %d leaves from subtrees at level >= %u", n, ml);
    }
    seen++;
  }
  fclose(f);
  cr_assert_eq(seen, 18, "roots for 0..17 leaves");
}

Test(merkle, paths_match_rfc_vectors_and_check) {
  make_leaves();
  FILE *f = vectors();
  char line[8192];
  int seen = 0;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "path ", 5) != 0) continue;
    char *p = line + 5, *end;
    uint64_t n = strtoull(p, &end, 10);
    uint64_t m = strtoull(end, &end, 10);
    uint8_t want[LICIT_MERKLE_MAX_DEPTH][32];
    size_t wl = 0;
    while (*end == ' ') {
      unhex(end + 1, want[wl++]);
      end += 65;
    }
    /* Build the stored levels for this size. */
    licit_merkle_builder b;
    licit_merkle_init(&b, 1, node_cb, NULL);
    for (uint64_t i = 0; i < n; i++) licit_merkle_add(&b, leaves[i]);
    uint8_t root[32];
    licit_merkle_root(&b, root);
    for (unsigned ml = 1; ml < 6; ml++) {
      licit_merkle_source s = {leaf_src, ml == 5 ? NULL : node_src, ml, NULL};
      uint8_t got[LICIT_MERKLE_MAX_DEPTH][32];
      size_t gl = 0;
      cr_assert_eq(licit_merkle_path(&s, m, n, got, &gl), 0);
      cr_assert_eq(gl, wl, "path length of leaf %llu of %llu", (unsigned long long)m, (unsigned long long)n);
      cr_assert_eq(licit_merkle_path_len(m, n), wl);
      for (size_t i = 0; i < wl; i++)
        cr_assert(memcmp(got[i], want[i], 32) == 0, "hash %zu of the path of leaf %llu of %llu", i,
                  (unsigned long long)m, (unsigned long long)n);
    }
    /* It checks ... */
    uint8_t r[32];
    cr_assert_eq(licit_merkle_path_root(m, n, leaves[m], want, wl, r), 0);
    cr_assert(memcmp(r, root, 32) == 0, "leaf %llu of %llu leads to the root", (unsigned long long)m,
              (unsigned long long)n);
    /* ... and nothing altered does. */
    for (size_t i = 0; i < wl; i++) {
      want[i][7] ^= 0x10;
      cr_assert(licit_merkle_path_root(m, n, leaves[m], want, wl, r) != 0 || memcmp(r, root, 32) != 0);
      want[i][7] ^= 0x10;
    }
    if (wl) cr_assert(licit_merkle_path_root(m, n, leaves[m], want, wl - 1, r) != 0 || memcmp(r, root, 32) != 0);
    memcpy(want[wl], root, 32);
    cr_assert(licit_merkle_path_root(m, n, leaves[m], want, wl + 1, r) != 0 || memcmp(r, root, 32) != 0);
    for (uint64_t o = 0; o < n; o++)
      if (o != m)
        cr_assert(licit_merkle_path_root(o, n, leaves[m], want, wl, r) != 0 || memcmp(r, root, 32) != 0,
                  "leaf %llu's path does not prove leaf %llu", (unsigned long long)m, (unsigned long long)o);
    cr_assert(licit_merkle_path_root(n, n, leaves[m], want, wl, r) != 0, "index == size is refused");
    seen++;
  }
  fclose(f);
  cr_assert_eq(seen, 17 * 18 / 2, "a path for every leaf of every size 1..17");
}

Test(merkle, leaf_string) {
  uint8_t sha[32];
  licit_sha256("hi", 2, sha);
  char buf[80];
  size_t n = licit_merkle_leaf_string("p-1", 3, sha, buf);
  cr_assert_eq(n, 3 + 66);
  cr_assert(memcmp(buf, "p-1\n8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4\n", n) == 0);
}
