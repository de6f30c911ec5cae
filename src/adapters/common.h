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

/* --region CC (SPEC section 8): before an event that may create `user`, the
 * adapter calls this; when `region` is set and the store (including this
 * input so far) does not know the user, it emits an `account` event giving
 * the user that region at `ts`, the ts of the user's first event in this
 * input.  Returns 0 or the sink's fatal error. */
int licit__region_first_seen(const char *region, licit_sink *sink, licit_strv user, int64_t ts);

/* Whether s holds exactly the C string z. */
bool licit__eq(licit_strv s, const char *z);

/* Checks ev (licit_event_check: LICIT_EINVAL naming the field), then, when
 * the event may create its user (creates_user), gives a new account the
 * --region (region: "CC", or NULL or "" for none) and emits the event with
 * `flags`.  Returns 0, LICIT_EINVAL, or the sink's fatal error. */
int licit__emit(const char *region, licit_sink *sink, const licit_event *ev, bool creates_user, unsigned flags,
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
