/* prove.c — building proofs from the store (see prove.h). */
#include "proof/prove.h"
#include "core/utf8.h"

#include <stdio.h>
#include <string.h>

#include "core/hash.h"
#include "event/event.h"
#include "json/json.h"
#include "proof/merkle.h"

typedef struct prover {
  licit_txn *t;
  licit_snapshot_info s;
  licit_buf scratch;
} prover;

/* Leaf i's post id (valid for the transaction). */
static int leaf_id(prover *p, uint64_t i, licit_strv *id) {
  uint32_t ord;
  int rc = licit_snapshot_leaf_ord(p->t, &p->s, i, &ord);
  if (!rc) rc = licit_post_id(p->t, ord, id);
  return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
}

/* The SHA-256 of the post's text as of the snapshot's T and log position. */
static int text_sha(prover *p, licit_strv id, uint8_t sha[32]) {
  licit_post_rec r;
  int rc = licit_post_get(p->t, id.p, id.n, &r, &p->scratch);
  if (rc) return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
  const licit_text_hist *h = (const licit_text_hist *)licit_hist_at(&r.text[0].h, r.n_text, sizeof(licit_text_hist),
                                                                    p->s.at, p->s.log_position);
  if (!h) return LICIT_ESTORE;
  memcpy(sha, h->sha, 32);
  return 0;
}

static int src_leaf(void *ctx, uint64_t i, uint8_t out[32]) {
  prover *p = ctx;
  licit_strv id;
  uint8_t sha[32];
  int rc = leaf_id(p, i, &id);
  if (!rc) rc = text_sha(p, id, sha);
  if (!rc) licit_merkle_post_leaf(id.p, id.n, sha, out);
  return rc;
}

static int src_node(void *ctx, unsigned level, uint64_t index, uint8_t out[32]) {
  prover *p = ctx;
  int rc = licit_snapshot_node(p->t, &p->s, level, index, out);
  return rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc;
}

static int cmp_id(licit_strv a, const char *b, size_t bn) {
  size_t n = a.n < bn ? a.n : bn;
  int c = memcmp(a.p, b, n);
  return c ? c : (a.n > bn) - (a.n < bn);
}

/* Appends "text_sha256": .., "path": [..] for leaf i, checking that the
 * path leads to the snapshot's root. */
static int leaf_json(prover *p, uint64_t i, licit_buf *o, bool with_id, licit_err *err) {
  licit_merkle_source src = {src_leaf, src_node, LICIT_MERKLE_MIN_LEVEL, p};
  uint64_t n = p->s.counts[1];
  uint8_t path[LICIT_MERKLE_MAX_DEPTH][32], sha[32], leaf[32], root[32];
  size_t len;
  licit_strv id;
  int rc = leaf_id(p, i, &id);
  if (!rc) rc = text_sha(p, id, sha);
  if (!rc) rc = licit_merkle_path(&src, i, n, path, &len);
  if (rc) return licit_err_set(err, rc, "reading the snapshot's Merkle data: %s", licit_strerror(rc));
  licit_merkle_post_leaf(id.p, id.n, sha, leaf);
  char hx[65];
  if (licit_merkle_path_root(i, n, leaf, path, len, root) == 0) licit_hex(root, 32, hx);
  else hx[0] = 0;
  if (strcmp(hx, p->s.merkle_root) != 0)
    return licit_err_set(err, LICIT_ESTORE, "the store's Merkle data for snapshot \"%s\" does not lead to its root",
                         p->s.name);
  rc = licit_buf_printf(o, "\"leaf_index\":%llu", (unsigned long long)i);
  if (!rc && with_id) {
    rc = licit_buf_adds(o, ",\"id\":");
    if (!rc) rc = licit_jw_str(o, id.p, id.n);
  }
  licit_hex(sha, 32, hx);
  if (!rc) rc = licit_buf_printf(o, ",\"text_sha256\":\"%s\",\"path\":[", hx);
  for (size_t k = 0; k < len && !rc; k++) {
    licit_hex(path[k], 32, hx);
    rc = licit_buf_printf(o, "%s\"%s\"", k ? "," : "", hx);
  }
  if (!rc) rc = licit_buf_addc(o, ']');
  return rc ? licit_err_set(err, rc, "out of memory") : 0;
}

int licit_proof_build(licit_txn *t, const char *snapshot, const char *post, size_t post_n, licit_buf *out,
                      licit_err *err) {
  prover p = {t, {0}, LICIT_BUF_INIT};
  /* Any string has a proof (SPEC 11), ids or not ("", a tab, 300 bytes:
   * none of them is in the snapshot); only bytes that are not UTF-8 are
   * refused, since the JSON would hold another string (U+FFFD for them). */
  size_t bad = licit_utf8_invalid_at(post, post_n);
  if (bad < post_n) return licit_err_set(err, LICIT_EUSAGE, "not a string: byte %zu is not UTF-8", bad + 1);
  int rc = licit_snapshot_get(t, snapshot, &p.s);
  if (rc == LICIT_ENOTFOUND) return licit_err_set(err, rc, "no snapshot named \"%s\" is registered", snapshot);
  if (rc) return licit_err_set(err, rc, "reading snapshot \"%s\": %s", snapshot, licit_strerror(rc));
  if (!p.s.merkle_root[0]) {
    rc = licit_err_set(err, LICIT_EINVAL,
                       "snapshot \"%s\" was built before licit kept Merkle roots, so it has none to prove against",
                       snapshot);
    goto out;
  }
  uint64_t n = p.s.counts[1];
  /* The first leaf whose id is >= post. */
  uint64_t lo = 0, hi = n;
  bool found = false;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    licit_strv id;
    if ((rc = leaf_id(&p, mid, &id))) {
      rc = licit_err_set(err, rc, "reading the snapshot's leaves: %s", licit_strerror(rc));
      goto out;
    }
    int c = cmp_id(id, post, post_n);
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
      if (c == 0) found = true;
    }
  }
  rc = licit_buf_adds(out, "{\"snapshot\":");
  if (!rc) rc = licit_jw_strz(out, p.s.name);
  if (!rc) rc = licit_buf_printf(out, ",\"merkle_root\":\"%s\",\"tree_size\":%llu,\"post\":", p.s.merkle_root,
                                 (unsigned long long)n);
  if (!rc) rc = licit_jw_str(out, post, post_n);
  if (rc) {
    rc = licit_err_set(err, rc, "out of memory");
    goto out;
  }
  if (found) {
    if ((rc = licit_buf_adds(out, ",\"included\":true,")) || (rc = leaf_json(&p, lo, out, false, err))) goto out;
  } else {
    rc = licit_buf_adds(out, ",\"included\":false,\"left\":");
    if (!rc && lo == 0) rc = licit_buf_adds(out, "null");
    else if (!rc && !(rc = licit_buf_addc(out, '{')) && !(rc = leaf_json(&p, lo - 1, out, true, err)))
      rc = licit_buf_addc(out, '}');
    if (!rc) rc = licit_buf_adds(out, ",\"right\":");
    if (!rc && lo == n) rc = licit_buf_adds(out, "null");
    else if (!rc && !(rc = licit_buf_addc(out, '{')) && !(rc = leaf_json(&p, lo, out, true, err)))
      rc = licit_buf_addc(out, '}');
    if (rc) goto out;
  }
  if ((rc = licit_buf_addc(out, '}'))) rc = licit_err_set(err, rc, "out of memory");
out:
  licit_snapshot_info_free(&p.s);
  licit_buf_free(&p.scratch);
  return rc;
}
