/*
 * prove.h — inclusion and non-inclusion proofs for a registered snapshot
 * (SPEC section 11), built from the store alone: the snapshot's record,
 * its Merkle leaves (post ordinals in leaf order) and stored subtree hashes,
 * and the post records (the text's SHA-256 as of the snapshot's T is in the
 * post's text history).  The documents are never re-read.
 *
 * Cost: a binary search over the leaves by id (O(log n) look-ups), then per
 * audit path O(log n) stored subtree hashes plus at most
 * 2 * 2^LICIT_MERKLE_MIN_LEVEL leaf hashes recomputed from post records.
 */
#ifndef LICIT_PROVE_H
#define LICIT_PROVE_H

#include "core/buf.h"
#include "store/store.h"

/* Appends the proof of `post` (any string) in `snapshot` as one JSON
 * object (SPEC section 11, keys in its order) to out.  LICIT_ENOTFOUND when
 * no snapshot has that name, LICIT_EINVAL when the snapshot was built
 * before Merkle roots, LICIT_ESTORE when the store's data does not lead to
 * the snapshot's root; each with a message. */
int licit_proof_build(licit_txn *t, const char *snapshot, const char *post, size_t post_n, licit_buf *out,
                      licit_err *err);

#endif
