/*
 * eval.h — the evaluator: SPEC section 4's nine checks for every post as of
 * a time T, under the policy version in force at T, over the log prefix
 * seq <= N.
 *
 * Cost: user-level facts (deletion, region, mode, private, birth date,
 * preference) are worked out once per user per evaluation into an array
 * indexed by user ordinal; each post then costs one record decode and a few
 * integer comparisons.  Posts are visited in bytewise post-id order, the
 * order snapshot documents are written in.
 */
#ifndef LICIT_EVAL_H
#define LICIT_EVAL_H

#include "policy/policy.h"
#include "store/store.h"

/* Decisions: 0 is "included", the others are the reasons in check order. */
typedef enum licit_reason {
  LICIT_INCLUDED = 0,
  LICIT_R_DELETED,
  LICIT_R_NO_POLICY,
  LICIT_R_TOO_OLD,
  LICIT_R_MINOR,
  LICIT_R_REGION_EXCLUDED,
  LICIT_R_NOT_PUBLIC,
  LICIT_R_SIGNAL,
  LICIT_R_OBJECTED,
  LICIT_R_NO_CONSENT,
  LICIT_R_COUNT
} licit_reason;

/* "included", "deleted", "no_policy", ... */
const char *licit_reason_name(int r);

typedef struct licit_counts {
  uint64_t considered, included;
  uint64_t excluded[LICIT_R_COUNT]; /* index 0 unused */
} licit_counts;

/* What the evaluator knows of one user as of T. */
typedef struct licit_user_facts {
  bool known;     /* the user has an event within the log prefix */
  bool deleted;   /* an account_delete with ts <= T */
  bool private_;  /* account private as of T */
  bool has_birth; /* a birth date is known as of T */
  char region[2]; /* region[0] == 0: unknown */
  uint8_t pref;   /* licit_pref as of T */
  uint8_t mode;   /* licit_mode under the version in force */
  int16_t via;    /* which policy key gave the mode (LICIT_VIA_*) */
  int32_t birth;  /* days since epoch */
} licit_user_facts;

/* The entries that decided a user's facts (NULL when none), for explain. */
typedef struct licit_user_sources {
  const licit_hist *del, *private_, *birth, *region, *pref;
} licit_user_sources;

typedef struct licit_eval licit_eval;

/* Prepares an evaluation at T over events with seq <= maxseq (use
 * licit_txn_log_len for "everything").  `policy` may be NULL (then every
 * considered post is no_policy).  The evaluation borrows txn and policy. */
int licit_eval_open(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, licit_eval **out,
                    licit_err *err);
/* As licit_eval_open, but user facts are worked out on demand (one user's
 * record per lookup, the last one cached) instead of for every user up
 * front: for explain and report, which touch one user's posts. */
int licit_eval_open_lazy(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq,
                         licit_eval **out, licit_err *err);
void licit_eval_close(licit_eval *e);

const licit_policy_version *licit_eval_version(const licit_eval *e);
int64_t licit_eval_at(const licit_eval *e);
uint64_t licit_eval_maxseq(const licit_eval *e);

/* The facts of user `ord` (NULL when unknown).  Valid until the next call
 * on this evaluation in lazy mode, until close otherwise. */
const licit_user_facts *licit_eval_user(licit_eval *e, uint32_t ord);

/* Works out one user's facts from its record; `src` (may be NULL) gets the
 * deciding entries, pointing into `u`. */
void licit_eval_user_facts(const licit_eval *e, const licit_user_rec *u, licit_user_facts *f,
                           licit_user_sources *src);

/* Whether the post is considered at T (created at or before T, within the
 * log prefix). */
bool licit_eval_considered(const licit_eval *e, const licit_post_rec *p);

/* The decision for a considered post.  *text (may be NULL) gets the text
 * version in force at T. */
licit_reason licit_eval_post(licit_eval *e, const licit_post_rec *p, const licit_text_hist **text);

/* The entries as of T for a post (NULL when none). */
const licit_hist *licit_eval_vis(const licit_eval *e, const licit_post_rec *p);
const licit_hist *licit_eval_sig(const licit_eval *e, const licit_post_rec *p);
/* True when the signal entry holds a signal the version honours; *which
 * gets its index in the version's honor_signals. */
bool licit_eval_sig_honoured(const licit_eval *e, const licit_post_rec *p, const licit_hist *sig, size_t *which);

/* Age in full years at `ts` of someone born on day `birth`. */
int licit_age_at(int64_t ts, int32_t birth);

/* Visits every considered post in bytewise id order.  `cb` (may be NULL) is
 * called for each with its decision; returning non-zero stops the run with
 * that value.  Fills *counts and the digest of SPEC section 5 (hex, 65
 * bytes with NUL). */
typedef int (*licit_eval_cb)(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r,
                             const licit_text_hist *text);
int licit_eval_run(licit_eval *e, licit_eval_cb cb, void *ctx, licit_counts *counts, char digest_hex[65],
                   licit_err *err);

#endif
