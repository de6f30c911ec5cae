/*
 * snapshot.h — building a snapshot: the corpus of posts included at T, as
 * Dolma JSON Lines compressed with zstd, a manifest with its digest and
 * Merkle root, the manifest's Ed25519 signature, and its registration in
 * the store (SPEC sections 5 and 7).
 *
 * Guarantees:
 *  - Reproducible: the same log prefix, T, policy, name and store give
 *    byte-identical files, signature included (single-threaded zstd at a
 *    fixed level, Ed25519 is deterministic; nothing is taken from the wall
 *    clock).
 *  - Safe to kill at any moment: files are written under a work directory
 *    "<out>.licit-tmp-PID" next to the target, synced, and renamed into
 *    place; the registration commits only after the rename is durable.  So
 *    <out> is either absent or a complete snapshot, and `snapshots` never
 *    lists an incomplete one.  Running the same build again finishes the
 *    job: it registers a complete, unregistered <out> that a killed run left
 *    (after checking its signature and parts, and re-evaluating at its log
 *    position to rebuild the lineage), or reports a registered one as done,
 *    or builds anew.  Work directories that no live build holds (each build
 *    holds a lock on its own) are removed by the next build into the same
 *    parent directory with the same target name.
 *  - Every file is written read-only (0444); a snapshot is never changed.
 *  - Every write error names the path and the system's reason; a failed
 *    build registers nothing and leaves no work files.
 * The only module that includes zstd.h (with read.c, its reader).
 */
#ifndef LICIT_SNAPSHOT_H
#define LICIT_SNAPSHOT_H

#include "eval/eval.h"

#define LICIT_PART_DOCS 1000000 /* documents per part file */
#define LICIT_SNAPSHOT_NAME_MAX 128

typedef struct licit_snapshot_opts {
  const char *out_dir;
  const char *name; /* NULL: "at-" + T as YYYYMMDDTHHMMSSZ */
  int64_t at;
  bool progress;    /* draw progress on stderr */
  size_t part_docs; /* 0: LICIT_PART_DOCS (smaller values for tests) */
  uint64_t policy_install; /* the install number of `policy` (licit_txn_policy_installs), 0: none */
} licit_snapshot_opts;

/* What a build did. */
enum {
  LICIT_SNAPSHOT_BUILT = 0,     /* wrote and registered it */
  LICIT_SNAPSHOT_RECOVERED = 1, /* registered a complete directory a killed build left */
  LICIT_SNAPSHOT_EXISTED = 2,   /* it was already registered with this directory: nothing done */
};

typedef struct licit_snapshot_timing {
  double total_s, compress_s, write_s, merkle_s, publish_s; /* wall time; the others are included in total */
  uint64_t bytes_raw, bytes_compressed;
  int outcome; /* LICIT_SNAPSHOT_BUILT, _RECOVERED or _EXISTED */
} licit_snapshot_timing;

/* Builds, writes and registers a snapshot.  `policy` is the installed
 * policy (NULL: none).  On success *info describes it (free with
 * licit_snapshot_info_free).  LICIT_EINVAL for a bad name or path,
 * LICIT_EEXISTS when the name is taken or the output directory exists and
 * is neither empty nor this snapshot, LICIT_EIO (LICIT_ENOSPACE for a full
 * file system) with the path and the system's reason when a file cannot be
 * written. */
int licit_snapshot_build(licit_store *s, const licit_policy *policy, const licit_snapshot_opts *opts,
                         licit_snapshot_info *info, licit_snapshot_timing *timing, licit_err *err);

/* The steps of a build, each usable (and tested) on its own. */

/* Checks a snapshot name (SPEC section 5: 1-128 of A-Z a-z 0-9 . _ -, not
 * starting with '.').  0 or LICIT_EINVAL with the reason. */
int licit_snapshot_name_check(const char *name, licit_err *err);
/* 0 when `dir` does not exist or is an empty directory; LICIT_EEXISTS when
 * it is anything else; LICIT_EIO when it cannot be looked at. */
int licit_snapshot_out_check(const char *dir, licit_err *err);
/* Removes the work directories "<out>.licit-tmp-*" that no live build
 * holds.  Returns how many it removed. */
int licit_snapshot_clean_work(const char *out_dir);
/* Appends the manifest text (SPEC section 5, keys in its order). */
typedef struct licit_snapshot_part {
  char rel[64]; /* documents/part-NNNNN.jsonl.zst */
  uint64_t count;
  char sha[65];
} licit_snapshot_part;
int licit_snapshot_manifest_text(licit_buf *m, const char *name, const char *at_str, uint64_t log_position,
                                 const char *policy_name, const char *policy_version, const licit_counts *c,
                                 const char *digest, const char *merkle_root, const licit_snapshot_part *parts,
                                 size_t nparts);
/* Appends the signature file's text for `manifest` signed with `seed`. */
int licit_snapshot_sig_text(licit_buf *out, const uint8_t seed[32], const uint8_t pub[32], const char *manifest,
                            size_t n);

/* Converts between licit_counts and the store's flat array. */
void licit_counts_to_flat(const licit_counts *c, uint64_t flat[LICIT_SNAP_COUNTS]);
void licit_counts_from_flat(const uint64_t flat[LICIT_SNAP_COUNTS], licit_counts *c);

/* ------------------------------------------------------------ diff -- */

/* The policy snapshot S was built under, parsed (*out NULL when it had
 * none): the install number in S's record, or for a snapshot registered
 * before records kept it, the newest install with S's policy name and
 * version.  With S's T and log position it is S's own evaluation (diff's
 * reasons, the server's /v1/me/posts?snapshot=NAME).  LICIT_ESTORE (with a
 * message) when that policy is no longer in the store. */
int licit_snapshot_policy(licit_txn *t, const licit_snapshot_info *s, licit_policy **out, licit_err *err);

/* One post that entered or left between snapshots A and B. */
typedef struct licit_snapshot_change {
  licit_strv post;
  bool entered;        /* in B, not in A; else left (in A, not in B) */
  const char *reason;  /* a leaver's reason in B's own evaluation, or "not_considered"; NULL for entered */
} licit_snapshot_change;
typedef int (*licit_snapshot_diff_cb)(void *ctx, const licit_snapshot_change *c);
/* Calls cb for every post in exactly one of A and B, in post id order.
 * Membership comes from the lineage bitmaps; a leaver's reason from B's T,
 * log position and the policy install B was built under.  LICIT_ENOTFOUND
 * (with a message) for an unknown name. */
int licit_snapshot_diff(licit_txn *t, const char *a, const char *b, licit_snapshot_diff_cb cb, void *ctx,
                        licit_err *err);

#endif
