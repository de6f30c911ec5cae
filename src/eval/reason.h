/*
 * reason.h — the decisions of SPEC section 4 in one table.
 *
 * Every list of reasons in licit (the enum, the names in JSON and manifests,
 * the titles and sentences that explain and report print, the counts of a
 * snapshot) comes from LICIT_REASON_MAP.  Adding a reason is one row here
 * plus its rule in eval.c; nothing else keeps a list.
 *
 * Columns: the enum suffix, the stable name (JSON, manifests, --reason), the
 * check's title as a statement that holds when the check passes ("Public"),
 * and the sentence a person reads when it is the reason.  Rows after
 * INCLUDED are in check order: the first check that fails decides.
 */
#ifndef LICIT_REASON_H
#define LICIT_REASON_H

#include <stddef.h>

#define LICIT_REASON_MAP(X)                                                                                  \
  X(INCLUDED, "included", "Included", "Every check passed: the post may be used for AI training.")            \
  X(DELETED, "deleted", "Not deleted",                                                                       \
    "The post, or its author's account, was deleted at or before this time.")                                \
  X(NO_POLICY, "no_policy", "A policy version in force",                                                     \
    "No version of the policy is in force at this time, so no post is used.")                               \
  X(TOO_OLD, "too_old", "Created on or after the policy's start date",                                       \
    "The post was created before the date from which the policy uses content.")                              \
  X(MINOR, "minor", "Author old enough",                                                                     \
    "The author was younger than the policy's minimum age when the post was created.")                       \
  X(REGION_EXCLUDED, "region_excluded", "Region not excluded",                                               \
    "The author's region is excluded by the policy: none of its posts are used.")                            \
  X(NOT_PUBLIC, "not_public", "Public",                                                                      \
    "The post, the thread it belongs to, or the author's account is not public.")                            \
  X(SIGNAL, "signal", "No honoured opt-out signal",                                                          \
    "The post carries an opt-out signal that the policy honours.")                                           \
  X(OBJECTED, "objected", "No honoured objection",                                                           \
    "The author objected (on this account or a linked one), and the author's region honours objections.")   \
  X(NO_CONSENT, "no_consent", "Consent where it is needed",                                                  \
    "The author's region uses posts only with consent, and the author has not given it.")                    \
  X(MENTIONED, "mentioned", "No mentioned person who objected",                                              \
    "The post mentions someone whose objection the policy honours for other people's posts too.")

typedef enum licit_reason {
#define LICIT__REASON_ENUM(e, name, title, sentence) LICIT_R_##e,
  LICIT_REASON_MAP(LICIT__REASON_ENUM)
#undef LICIT__REASON_ENUM
  LICIT_R_COUNT /* the number of decisions, "included" among them */
} licit_reason;

#define LICIT_INCLUDED LICIT_R_INCLUDED
#define LICIT_CHECKS (LICIT_R_COUNT - 1) /* checks 1..LICIT_CHECKS, each named after its reason */

/* "included", "deleted", ...; "?" out of range.  Static strings. */
const char *licit_reason_name(int r);
const char *licit_reason_title(int r);
const char *licit_reason_sentence(int r);
/* The decision of a name ("included" or a reason); -1 when unknown. */
int licit_reason_parse(const char *s, size_t n);

#endif
