/*
 * policy.h — effective-dated policies (SPEC section 3): strict parsing and
 * validation, the version in force at T, and the region -> mode lookup.
 *
 * Parsing resolves every region rule up front: each version holds a table of
 * all 676 two-letter codes -> mode, so the evaluator's lookup is one index.
 * A policy error names the key path ("versions[1].regions.NORDIC") and the
 * reason.
 */
#ifndef LICIT_POLICY_H
#define LICIT_POLICY_H

#include "licit.h"

typedef enum licit_mode {
  LICIT_MODE_NO_CHOICE = 0,
  LICIT_MODE_OPT_OUT = 1,
  LICIT_MODE_OPT_IN = 2,
  LICIT_MODE_EXCLUDED = 3,
} licit_mode;

const char *licit_mode_name(licit_mode m);

#define LICIT_CC_COUNT 676 /* AA..ZZ */
/* Index of a two-letter code, or -1 when region[0] is 0 (unknown). */
static inline int licit_cc_index(const char region[2]) {
  if (!region[0]) return -1;
  return (region[0] - 'A') * 26 + (region[1] - 'A');
}

/* Where a region's mode came from. */
#define LICIT_VIA_DEFAULT (-1)  /* the "default" key */
#define LICIT_VIA_NONE (-2)     /* no key matched and no default: no_choice */
#define LICIT_VIA_COUNTRY (-3)  /* the country's own key */
/* >= 0: index into licit_policy.groups */

typedef struct licit_policy_group {
  char *name;
  bool builtin;
  size_t n;
  char (*codes)[2];
} licit_policy_group;

typedef struct licit_policy_version {
  char *id;
  int64_t effective;
  unsigned vis_mask; /* bit (1 << licit_vis) set when eligible */
  int64_t content_since; /* LICIT_TIME_NONE: none */
  int min_age;           /* -1: none */
  size_t n_honor;
  char **honor; /* NUL-terminated tokens (a token with NUL is refused) */
  size_t *honor_len;
  bool inherit_audience; /* a reply is eligible only when its thread is (default true) */
  bool honor_mentions;   /* an objection covers others' posts that mention the account (default false) */
  size_t n_rules; /* the "regions" keys as written, for display */
  char **rule_key;
  licit_mode *rule_mode;
  licit_mode default_mode;
  int default_via; /* LICIT_VIA_DEFAULT or LICIT_VIA_NONE */
  uint8_t mode[LICIT_CC_COUNT];
  int16_t via[LICIT_CC_COUNT];
} licit_policy_version;

typedef struct licit_policy {
  char *name;
  char *source;
  size_t n_groups;
  licit_policy_group *groups; /* built-ins EU, EEA first */
  size_t n_versions;
  licit_policy_version *versions; /* strictly increasing effective */
} licit_policy;

/* Parses and validates policy JSON.  `origin` names the file in messages.
 * LICIT_EPOLICY with a message naming the key path and the reason. */
int licit_policy_parse(const char *text, size_t n, const char *origin, licit_policy **out,
                       licit_err *err);
void licit_policy_free(licit_policy *p);

/* The version in force at T (greatest effective <= T), or NULL. */
const licit_policy_version *licit_policy_at(const licit_policy *p, int64_t T);

/* The mode of a region under a version; *via (may be NULL) says which key
 * decided (see LICIT_VIA_*). */
licit_mode licit_policy_mode(const licit_policy_version *v, const char region[2], int *via);

#endif
