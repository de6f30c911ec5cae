/*
 * common.h — helpers shared by the platform adapters (jetstream.c,
 * activitypub.c): reading JSON fields with messages that name the field's
 * path, stable event ids, and the --region rule.  Internal to src/adapters.
 */
#ifndef LICIT_ADAPTERS_COMMON_H
#define LICIT_ADAPTERS_COMMON_H

#include "ingest/ingest.h"
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

#endif
