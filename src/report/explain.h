/*
 * explain.h — transparency: why a post is (not) in a corpus, what an account
 * holder can do, and what built corpora hold that may no longer be used.
 *
 *   licit_explain_post  the evaluator's trace for one post at T (eval.h),
 *                       put into words: each check's outcome, what it saw,
 *                       the events behind it; the post's inclusion in every
 *                       snapshot.  The decision is the trace's decision, so
 *                       explain and eval cannot disagree.
 *   licit_report_user   the account's region, mode and preference and what
 *                       they mean, its person (linked accounts), its posts
 *                       by reason, the snapshots that hold them, opt-out
 *                       notices found, other people's posts that mention it,
 *                       actions open.
 *   licit_debt          for registered snapshots: their posts that would be
 *                       excluded at T, by reason.
 *
 * explain and report answer from indexes (the post, the author, the
 * author's post list, the mention index, snapshot bitmaps); they never scan
 * all posts.  debt scans the posts once for all snapshots.
 *
 * Every function returns 0 or a negative LICIT_E* code with err set; a
 * failed store read is an error, never an empty answer.  Results are owned
 * by the caller and released with the matching _free.  Not thread-safe per
 * object; the transaction belongs to the calling thread.
 */
#ifndef LICIT_EXPLAIN_H
#define LICIT_EXPLAIN_H

#include "core/buf.h"
#include "eval/eval.h"
#include "notice/notice.h"

/* An event cited by a check.  post / user are "" unless the event concerns
 * another post or account than the one explained (SPEC 4). */
typedef struct licit_ev_ref {
  uint64_t seq;
  int64_t ts;
  int type; /* licit_event_type */
  char post[LICIT_ID_MAX + 1];
  char user[LICIT_ID_MAX + 1];
} licit_ev_ref;

typedef struct licit_check {
  int check;  /* licit_reason 1..LICIT_CHECKS: the check named after the reason it gives */
  int passed; /* 1, 0, or LICIT_CHECK_NA */
  char detail[600];
  int n_events;
  licit_ev_ref events[LICIT_CITE_MAX];
} licit_check;

typedef struct licit_snap_hit {
  char *name;
  int64_t at;
  uint64_t posts; /* explain: 1 or 0 (included); report: the user's posts in it */
} licit_snap_hit;

typedef struct licit_explain {
  char post[LICIT_ID_MAX + 1];
  char user[LICIT_ID_MAX + 1];
  int64_t at;
  int64_t created;
  bool considered; /* false: created after T, no decision */
  int decision;    /* licit_reason; -1 when not considered */
  licit_check checks[LICIT_CHECKS];
  const char *policy_name, *version_id; /* NULL when none; borrowed from the policy */
  licit_user_facts facts;               /* the author's */
  size_t n_snaps;
  licit_snap_hit *snaps;
  bool optout_notice;
  licit_notice_result notice;
} licit_explain;

/* LICIT_ENOTFOUND when the store has no such post. */
int licit_explain_post(licit_txn *t, const licit_policy *p, const char *post, size_t n, int64_t T,
                       licit_explain *out, licit_err *err);
void licit_explain_free(licit_explain *x);
/* The explain --json object of SPEC 6 (appended to b). */
int licit_explain_json(licit_buf *b, const licit_explain *x);

typedef struct licit_report {
  char user[LICIT_ID_MAX + 1];
  uint32_t ord;
  int64_t at;
  const char *policy_name, *version_id;
  licit_user_facts facts;
  int64_t pref_since;     /* LICIT_TIME_NONE when never set */
  char pref_by[LICIT_ID_MAX + 1]; /* the account whose event set the person's preference ("" when none) */
  licit_counts posts;
  size_t n_person;
  char **person; /* account ids of its person, this one included, ascending by id */
  size_t n_snaps;
  licit_snap_hit *snaps; /* only snapshots holding at least one post */
  size_t n_notices;
  char **notices; /* post ids */
  uint64_t mentioned_considered, mentioned_excluded; /* others' posts that mention it */
  size_t n_actions;
  char **actions;
  bool minor_now; /* born and under min_age at T */
} licit_report;

/* LICIT_ENOTFOUND when the store has no such (known) account. */
int licit_report_user(licit_txn *t, const licit_policy *p, const char *user, size_t n, int64_t T,
                      licit_report *out, licit_err *err);
void licit_report_free(licit_report *r);
/* The report --json object of SPEC 6 (appended to b). */
int licit_report_json(licit_buf *b, const licit_report *r);
/* Whether the account's preference is in force at T: an objection honoured
 * as SPEC 4 says (known, not deleted, opt_out or opt_in, deny), or consent
 * given in an opt_in region by an account that is not deleted.  The JSON's
 * "honoured" and report's text both say this. */
bool licit_report_honoured(const licit_report *r);

typedef struct licit_debt_snap {
  licit_snapshot_info info;
  uint64_t included;
  size_t n[LICIT_R_COUNT];
  char **ids[LICIT_R_COUNT]; /* post ids by reason, in id order */
} licit_debt_snap;

/* For each registered snapshot (or only `name` when not NULL; then
 * LICIT_ENOTFOUND when unknown). */
int licit_debt(licit_txn *t, const licit_policy *p, int64_t T, const char *name, licit_debt_snap **out, size_t *n,
               licit_err *err);
void licit_debt_free(licit_debt_snap *d, size_t n);

/* The plain-words meaning of a mode for the account holder. */
const char *licit_mode_meaning(licit_mode m);

#endif
