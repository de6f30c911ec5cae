/*
 * rules.h — the ingest's rules stage: SPEC section 2's acceptance rules that
 * depend on what was accepted before (existing post, unknown post or
 * account, deletions, a second account_delete, ...).
 *
 * The rules that need only the line itself are the parser's
 * (event/event.h); storing is the store's (store/store.h).  This stage
 * reads the records an event names through the store's typed look-ups,
 * judges, and then has the store write, handing over what it loaded.
 *
 * Every check runs before the first write, so a rejected event changes
 * nothing (its claimed id is given back).  A new event always gets the
 * greatest seq, so "(ts, seq) after the deletion at (dts, dseq)" is
 * simply ts >= dts.
 */
#ifndef LICIT_RULES_H
#define LICIT_RULES_H

#include "store/store.h"

/* Judges and, when accepted, stores one event in write transaction t.
 * Returns 0 when accepted (*seq_out set); LICIT_EDUPLICATE when its id was
 * accepted before; LICIT_EREJECT with a message naming the rule (nothing
 * changed); LICIT_ENOTFOUND when the rule is "unknown post" or "unknown
 * user" (adapters may count those as skipped); or a fatal store error
 * (LICIT_ESTORE, LICIT_EFULL, LICIT_ENOMEM, LICIT_EIO) after which the
 * transaction must be aborted. */
int licit_rules_apply(licit_txn *t, const licit_event *ev, uint64_t *seq_out, licit_err *err);

/* Seconds spent in each step of applying events, for measuring
 * (LICIT_PIPELINE_TIMES; docs/store.md, round 14): the checkpoints (posts
 * held back put), claiming event ids, judging (the store's look-ups) and
 * writing. */
typedef struct licit_rules_times {
  double checkpoint, claim, judge, write;
} licit_rules_times;

/* licit_rules_apply, adding each step's seconds to *tm unless tm is NULL. */
int licit_rules_apply_timed(licit_txn *t, const licit_event *ev, uint64_t *seq_out, licit_err *err,
                            licit_rules_times *tm);

#endif
