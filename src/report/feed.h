/*
 * feed.h — the compliance feed (SPEC section 9): how a snapshot's debt
 * changed between two states, for licensees who must stop using posts.
 *
 * A state (N, T) of snapshot S is the set of S's posts that are considered
 * and excluded at T over the log prefix seq <= N, each with its reason, under
 * the installed policy (so a state is what `debt` would have said then,
 * judged by today's policy file).  The earlier state is named by a cursor
 * "N-TUS" (TUS: microseconds since the epoch), or, without one, is the
 * snapshot itself (its own T and log position, where every post of S was
 * included: the first answer is the whole current debt).  The later state
 * is (the current log length M, T).
 *
 *   left      posts excluded in the later state and not in the earlier one
 *   returned  posts excluded in the earlier state and not in the later one
 *   next      the cursor of the later state, "M-TUS"
 *
 * Polling with after = the last next yields each change exactly once,
 * whether it came from new events or from time passing.  Both lists are in
 * bytewise post id order.  Cost: one evaluation scan per state.
 *
 * Used by `licit debt --feed` and GET /v1/snapshots/NAME/changes.  Results
 * are owned by the caller (licit_feed_free).  The transaction belongs to
 * the calling thread.
 */
#ifndef LICIT_FEED_H
#define LICIT_FEED_H

#include "core/buf.h"
#include "eval/eval.h"

typedef struct licit_feed_left {
  char *post;
  int reason; /* licit_reason, never LICIT_INCLUDED */
} licit_feed_left;

typedef struct licit_feed {
  char *snapshot;
  int64_t at;
  uint64_t log_position;
  size_t n_left, n_returned;
  licit_feed_left *left;
  char **returned;
} licit_feed;

/* Parses "N-TUS" (N an unsigned log position, TUS a signed count of
 * microseconds).  0, or LICIT_EINVAL with *why. */
int licit_feed_cursor_parse(const char *s, size_t n, uint64_t *pos, int64_t *tus, const char **why);
/* Writes "N-TUS" (NUL-terminated; 48 bytes are enough). */
#define LICIT_FEED_CURSOR_BUFSZ 48
void licit_feed_cursor_format(uint64_t pos, int64_t tus, char buf[LICIT_FEED_CURSOR_BUFSZ]);

/* The changes of snapshot `name` from the earlier state (`after`: a cursor
 * string, NULL for the snapshot itself) to (log length, T).  `policy` is
 * the installed policy (NULL: none).  Errors, with err: LICIT_ENOTFOUND (no
 * such snapshot), LICIT_EINVAL (a malformed cursor, or one beyond the log),
 * LICIT_ENOMEM, store errors. */
int licit_feed_changes(licit_txn *t, const licit_policy *policy, const char *name, const char *after, int64_t T,
                       licit_feed *out, licit_err *err);
void licit_feed_free(licit_feed *f);
/* The JSON object of SPEC 9: {"snapshot","at","log_position","left":
 * [{"post","reason"}],"returned":[ids],"next"}.  Appended to b. */
int licit_feed_json(licit_buf *b, const licit_feed *f);

#endif
