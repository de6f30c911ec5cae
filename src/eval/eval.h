/*
 * eval.h — the evaluator: SPEC section 4's checks for every post as of a time
 * T, under the policy version in force at T, over the log prefix seq <= N.
 *
 * One implementation decides.  licit_eval_post gives the decision;
 * licit_eval_trace runs the very same checks and records, for each one,
 * whether it passed, the values it saw and the events that decided it.
 * explain prints that trace, so an explanation cannot disagree with the
 * decision (tests/unit/test_eval.c and the conformance suite check it).
 *
 * Cost: account-level facts (deletion, region, mode, private, birth date,
 * the person's preference, whether its objection is honoured) are worked
 * out once per account per evaluation into an array indexed by account
 * ordinal — persons (linked accounts) by one pass over the links table —
 * so each post costs one record decode and a few integer comparisons; a
 * reply also walks its thread through post ordinals, each ancestor's own
 * state decoded at most once per evaluation.  Posts are visited in bytewise
 * post-id order, the order snapshot documents are written in.
 *
 * Threading: an evaluation belongs to the thread that opened it, like the
 * transaction it borrows; evaluations on other threads (with their own
 * read transactions) are independent.
 */
#ifndef LICIT_EVAL_H
#define LICIT_EVAL_H

#include "eval/reason.h"
#include "policy/policy.h"
#include "store/store.h"

#define LICIT_NONE UINT32_MAX /* "no ordinal" */

typedef struct licit_counts {
  uint64_t considered, included;
  uint64_t excluded[LICIT_R_COUNT]; /* index 0 unused */
} licit_counts;

/* Appends {"considered":..,"included":..,"excluded":{every reason}}: the
 * counts object of eval, report, manifests and the server.  LICIT_ENOMEM. */
int licit_counts_json(licit_buf *b, const licit_counts *c);

/* A history entry copied out of a record (seq == 0: none). */
typedef struct licit_entry {
  int64_t ts;
  uint64_t seq;
  int32_t val;
} licit_entry;

/* What the evaluator knows of one account as of T. */
typedef struct licit_user_facts {
  bool known;     /* the account has an accepted event within the log prefix */
  bool deleted;   /* an account_delete with ts <= T */
  bool private_;  /* account private as of T */
  bool has_birth; /* a birth date is known as of T */
  bool objects;   /* its objection is honoured (SPEC 4): for mentions */
  char region[2]; /* region[0] == 0: unknown */
  uint8_t pref;   /* the person's preference as of T (licit_pref) */
  uint8_t mode;   /* licit_mode of its own region under the version in force */
  int16_t via;    /* which policy key gave the mode (LICIT_VIA_*) */
  int32_t birth;  /* days since epoch */
  uint32_t person;     /* the smallest account ordinal of its person */
  uint32_t pref_user;  /* the account whose preference event decided, or LICIT_NONE */
  /* The entries that decided the facts above. */
  licit_entry del, private_e, birth_e, region_e, pref_e;
} licit_user_facts;

typedef struct licit_eval licit_eval;

/* Prepares an evaluation at T over events with seq <= maxseq (use
 * licit_txn_log_len for "everything").  `policy` may be NULL (then every
 * considered post is no_policy).  The evaluation borrows txn and policy,
 * which must outlive it.  Errors: LICIT_ENOMEM, store errors (with err). */
int licit_eval_open(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, licit_eval **out,
                    licit_err *err);
/* As licit_eval_open followed by licit_eval_set_threads(e, threads): the
 * account facts are read with the same threads (same results). */
int licit_eval_open_threads(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq, int threads,
                            licit_eval **out, licit_err *err);
/* As licit_eval_open, but account facts are worked out on demand (an
 * account's record, and its person's, per lookup, a few cached) instead of
 * for every account up front: for explain and report, which touch few. */
int licit_eval_open_lazy(licit_txn *txn, const licit_policy *policy, int64_t T, uint64_t maxseq,
                         licit_eval **out, licit_err *err);
void licit_eval_close(licit_eval *e);

const licit_policy_version *licit_eval_version(const licit_eval *e);
int64_t licit_eval_at(const licit_eval *e);
uint64_t licit_eval_maxseq(const licit_eval *e);

/* The facts of account `ord`.  0 with *out set; LICIT_ENOTFOUND when the
 * store has no such account; a store error otherwise (never an "unknown"
 * account in place of an error).  *out is a copy. */
int licit_eval_user(licit_eval *e, uint32_t ord, licit_user_facts *out);

/* The ordinals of the accounts of `ord`'s person as of T, ascending, this
 * one included (free() *members). */
int licit_eval_person(licit_eval *e, uint32_t ord, uint32_t **members, size_t *n);

/* Whether the post is considered at T (created at or before T, within the
 * log prefix). */
bool licit_eval_considered(const licit_eval *e, const licit_post_rec *p);

/* The decision for a considered post: 0 with *reason set, or a store error
 * (a failed read is never taken for "no such account").  *text (may be
 * NULL) gets the text version in force at T. */
int licit_eval_post(licit_eval *e, const licit_post_rec *p, licit_reason *reason, const licit_text_hist **text);

/* ------------------------------------------------------------- trace -- */

#define LICIT_CHECK_NA (-1) /* not evaluated */
#define LICIT_CITE_MAX 8

/* An event that decided a check.  `post` / `user` name another post or
 * account the event concerns (LICIT_NONE: the post itself / its author). */
typedef struct licit_cite {
  uint64_t seq;
  uint32_t post, user;
} licit_cite;

typedef struct licit_trace_check {
  int passed; /* 1, 0, or LICIT_CHECK_NA */
  int n_cites;
  licit_cite cites[LICIT_CITE_MAX];
} licit_trace_check;

/* Why a thread makes a reply not public. */
typedef enum licit_thread_why {
  LICIT_THREAD_OK = 0,
  LICIT_THREAD_DELETED,         /* the ancestor post was deleted */
  LICIT_THREAD_ACCOUNT_DELETED, /* its author's account was deleted */
  LICIT_THREAD_VISIBILITY,      /* its visibility is not eligible */
  LICIT_THREAD_PRIVATE,         /* its author's account is private */
} licit_thread_why;

/* How the thread walk ended. */
typedef enum licit_thread_end {
  LICIT_THREAD_ROOT = 0, /* a post without a parent */
  LICIT_THREAD_MISSING,  /* a parent not in the store (yet) at this prefix and time */
  LICIT_THREAD_LOOP,     /* a parent already visited */
  LICIT_THREAD_LIMIT,    /* 100 ancestors looked at */
} licit_thread_end;

#define LICIT_THREAD_MAX 100
#define LICIT_TRACE_MENTIONS 16

typedef struct licit_trace {
  bool considered;
  licit_reason decision;
  licit_trace_check check[LICIT_R_COUNT]; /* [r]: the check named after reason r; [0] unused */
  /* What the checks saw. */
  licit_user_facts author;
  licit_entry post_del;  /* the post's deletion within the prefix (maybe after T) */
  int age;               /* full years at creation, when the birth date is known */
  licit_entry vis;       /* visibility as of T */
  licit_entry sig;       /* signals entry as of T (val: offset, see licit_post_rec) */
  bool sig_honoured;
  size_t sig_which; /* index in the version's honor_signals */
  const licit_text_hist *text;
  /* The thread (check 6 under inherit_audience). */
  uint32_t thread_depth;   /* ancestors looked at */
  licit_thread_end thread_end;
  uint32_t thread_post;    /* the nearest failing ancestor, or LICIT_NONE */
  uint32_t thread_user;    /* its author */
  licit_thread_why thread_why;
  licit_entry thread_entry; /* the entry that made it fail */
  /* Mentions (check 10). */
  licit_entry mentions_e; /* the post/edit that set the mentions as of T */
  uint32_t n_mentions;    /* distinct accounts mentioned as of T */
  uint32_t n_honoured;    /* of them, outside the author's person, whose objection is honoured */
  uint32_t honoured[LICIT_TRACE_MENTIONS];
} licit_trace;

/* Runs every check for a considered post, recording each one's outcome
 * and citations (all checks, not only up to the first that fails), and
 * sets tr->decision to exactly what licit_eval_post decides.  For a post
 * that is not considered, tr->considered is false and no check runs.
 * Pointers in the trace point into `p` (valid while it is). */
int licit_eval_trace(licit_eval *e, const licit_post_rec *p, licit_trace *tr);

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
/* As licit_eval_run, with the callback called only for the considered
 * posts `want` (may be NULL: all) accepts, asked in id order with each
 * post's ordinal and decision.  A full evaluation decides every post in
 * one scan of the records in the order they are stored, and reads again
 * only the records of the posts wanted: a callback that needs few of them
 * (a snapshot: the included ones) costs little more than counting. */
typedef bool (*licit_eval_want)(void *ctx, uint32_t ord, licit_reason r);
int licit_eval_run_want(licit_eval *e, licit_eval_want want, licit_eval_cb cb, void *ctx, licit_counts *counts,
                        char digest_hex[65], licit_err *err);
/* Threads licit_eval_run may use when it has no callback (a full
 * evaluation scans the posts in that many key ranges at once, each with a
 * read transaction of its own on the same commit; the results are the
 * same).  1 (the default) scans on the caller's thread; 0: one per CPU (at
 * most 8) when the store has 65,536 posts or more. */
void licit_eval_set_threads(licit_eval *e, int n);

#endif
