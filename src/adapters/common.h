/*
 * common.h — helpers shared by the platform adapters (jetstream.c,
 * activitypub.c): reading JSON fields with messages that name the field's
 * path, stable event ids, the --region rule, checking and emitting an
 * event, and a growable list of strings (mentions).  Internal to
 * src/adapters.
 */
#ifndef LICIT_ADAPTERS_COMMON_H
#define LICIT_ADAPTERS_COMMON_H

#include "adapters/adapter.h"
#include "json/json.h"

/* Member `key` of obj as a string.  `path` names the field in messages
 * ("commit.rkey").  Returns 0 with *out set, 1 when the member is absent or
 * null and not required, or LICIT_EINVAL ("field \"commit.rkey\": expected a
 * string, got integer" / "field \"commit.rkey\" is required"). */
int licit__field_str(const licit_json *obj, const char *key, const char *path, bool required, licit_strv *out,
                     licit_err *err);
/* The same for an object member (*out is the member, owned by obj). */
int licit__field_obj(const licit_json *obj, const char *key, const char *path, bool required, licit_json **out,
                     licit_err *err);
/* The same for an array member. */
int licit__field_arr(const licit_json *obj, const char *key, const char *path, bool required, licit_json **out,
                     licit_err *err);
/* "field \"PATH\": expected WANT, got TYPE"; returns LICIT_EINVAL. */
int licit__field_type_err(licit_err *err, const char *path, const char *want, const licit_json *v);

/* Makes an event id fit SPEC section 2 (1-256 bytes): an id in `b` that is
 * longer than LICIT_ID_MAX is replaced by `prefix` + "sha256:" + the hex
 * SHA-256 of it, so it stays stable and distinct.  Control characters are
 * left for licit_event_check to reject. */
int licit__id_fit(licit_buf *b, const char *prefix);

/* --region CC (SPEC section 8): "every account first seen in that input
 * [gets] the region CC, as an account event at the account's first ts".
 * Inputs are streamed and not in ts order (Jetstream's time_us, an outbox's
 * published), so the first ts is known only as the input goes on: the tag
 * remembers each account it gave the region to, with the ts of the earliest
 * such event, and gives it again at an earlier ts when an earlier-stamped
 * event of that account comes (one more `account` event with the same
 * region; as of any T the account then has the region from its first ts
 * on).  Accounts the store knew before the input are never tagged.  At most
 * LICIT_REGION_TAGGED accounts are remembered; past that, new accounts get
 * the region at the ts they are first seen, as before round 18. */
#define LICIT_REGION_TAGGED (1u << 20)
typedef struct licit__tagged {
  char *id; /* NULL: a free slot */
  size_t n;
  int64_t ts;
} licit__tagged;
typedef struct licit__region_tag {
  char region[3]; /* "" when --region is not given */
  licit__tagged *slot;
  size_t cap, n;
} licit__region_tag;
void licit__region_tag_init(licit__region_tag *t, const char *region);
void licit__region_tag_free(licit__region_tag *t);

/* Whether s holds exactly the C string z. */
bool licit__eq(licit_strv s, const char *z);

/* Checks ev (licit_event_check: LICIT_EINVAL naming the field), then, when
 * the event may create its user (creates_user), gives the account the
 * --region of `tag` as above (tag NULL or without a region: none) and
 * emits the event with `flags`.  Returns 0, LICIT_EINVAL, LICIT_ENOMEM or
 * the sink's fatal error. */
int licit__emit(licit__region_tag *tag, licit_sink *sink, const licit_event *ev, bool creates_user, unsigned flags,
                licit_err *err);

/* A growable list of strings that point into someone else's memory (a
 * parsed record's).  Start with {0}; reset with n = 0; free once. */
typedef struct licit__strvs {
  licit_strv *v;
  size_t n, cap;
} licit__strvs;

int licit__strvs_push(licit__strvs *l, licit_strv s); /* 0 or LICIT_ENOMEM */
void licit__strvs_free(licit__strvs *l);

#endif
