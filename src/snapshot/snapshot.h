/*
 * snapshot.h — building a snapshot: the corpus of posts included at T, as
 * Dolma JSON Lines compressed with zstd, a manifest, and its registration in
 * the store (SPEC section 5).
 *
 * Guarantees:
 *  - Reproducible: the same log prefix, T, policy and store give
 *    byte-identical files (single-threaded zstd at a fixed level; nothing is
 *    taken from the wall clock).
 *  - All or nothing: files are written under a temporary directory next to
 *    the target and renamed into place when complete; the snapshot is
 *    registered in the same step.  A build that fails or is killed leaves no
 *    registered snapshot and no directory under the target name (a leftover
 *    "<out>.licit-tmp-PID" directory has no manifest and can be deleted).
 * The only module that includes zstd.h.
 */
#ifndef LICIT_SNAPSHOT_H
#define LICIT_SNAPSHOT_H

#include "eval/eval.h"

#define LICIT_PART_DOCS 1000000 /* documents per part file */

typedef struct licit_snapshot_opts {
  const char *out_dir;
  const char *name; /* NULL: "at-" + T as YYYYMMDDTHHMMSSZ */
  int64_t at;
  bool progress;    /* draw progress on stderr */
  size_t part_docs; /* 0: LICIT_PART_DOCS (smaller values for tests) */
} licit_snapshot_opts;

typedef struct licit_snapshot_timing {
  double total_s, compress_s, write_s; /* wall time; compress and write included in total */
  uint64_t bytes_raw, bytes_compressed;
} licit_snapshot_timing;

/* Builds, writes and registers a snapshot.  `policy` is the installed
 * policy (NULL: none).  On success *info describes it (free with
 * licit_snapshot_info_free).  LICIT_EEXISTS when the name is taken or the
 * output directory exists and is not empty. */
int licit_snapshot_build(licit_store *s, const licit_policy *policy, const licit_snapshot_opts *opts,
                         licit_snapshot_info *info, licit_snapshot_timing *timing, licit_err *err);

/* Appends {"considered":..,"included":..,"excluded":{all nine reasons}}. */
int licit_counts_json(licit_buf *b, const licit_counts *c);
/* Converts between licit_counts and the store's flat array. */
void licit_counts_to_flat(const licit_counts *c, uint64_t flat[LICIT_SNAP_COUNTS]);
void licit_counts_from_flat(const uint64_t flat[LICIT_SNAP_COUNTS], licit_counts *c);

#endif
