/* common.c — helpers shared by the platform adapters (see common.h). */
#include "adapters/common.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

int licit__field_type_err(licit_err *err, const char *path, const char *want, const licit_json *v) {
  return licit_err_set(err, LICIT_EINVAL, "field \"%s\": expected %s, got %s", path, want,
                       licit_json_type_name(licit_json_typeof(v)));
}

static int field(const licit_json *obj, const char *key, const char *path, bool required, licit_json_type want,
                 const char *want_name, licit_json **out, licit_err *err) {
  licit_json *v = licit_json_get(obj, key);
  if (!v || licit_json_typeof(v) == LICIT_JSON_NULL) {
    if (required) return licit_err_set(err, LICIT_EINVAL, "field \"%s\" is required", path);
    return 1;
  }
  if (licit_json_typeof(v) != want) return licit__field_type_err(err, path, want_name, v);
  *out = v;
  return 0;
}

int licit__field_str(const licit_json *obj, const char *key, const char *path, bool required, licit_strv *out,
                     licit_err *err) {
  licit_json *v = NULL;
  int rc = field(obj, key, path, required, LICIT_JSON_STRING, "a string", &v, err);
  if (rc == 0) out->p = licit_json_str(v, &out->n);
  return rc;
}

int licit__field_obj(const licit_json *obj, const char *key, const char *path, bool required, licit_json **out,
                     licit_err *err) {
  return field(obj, key, path, required, LICIT_JSON_OBJECT, "an object", out, err);
}

int licit__field_arr(const licit_json *obj, const char *key, const char *path, bool required, licit_json **out,
                     licit_err *err) {
  return field(obj, key, path, required, LICIT_JSON_ARRAY, "an array", out, err);
}

int licit__id_fit(licit_buf *b, const char *prefix) {
  if (b->len <= LICIT_ID_MAX) return 0;
  uint8_t h[LICIT_SHA256_LEN];
  char hex[2 * LICIT_SHA256_LEN + 1];
  licit_sha256(b->data, b->len, h);
  licit_hex(h, sizeof h, hex);
  licit_buf_reset(b);
  return licit_buf_printf(b, "%ssha256:%s", prefix, hex);
}

int licit__region_first_seen(const char *region, licit_sink *sink, licit_strv user, int64_t ts) {
  if (!region) return 0;
  int known = sink->user_known(sink, user.p, user.n);
  if (known) return known < 0 ? known : 0;
  licit_event ev = {0};
  ev.type = LICIT_EV_ACCOUNT;
  ev.ts = ts;
  ev.user = user;
  ev.has_region = true;
  ev.region[0] = region[0];
  ev.region[1] = region[1];
  return sink->emit(sink, &ev, 0);
}

bool licit__eq(licit_strv s, const char *z) { return s.n == strlen(z) && memcmp(s.p, z, s.n) == 0; }

int licit__emit(const char *region, licit_sink *sink, const licit_event *ev_in, bool creates_user, unsigned flags,
                licit_err *err) {
  licit_event copy = *ev_in;
  const licit_event *ev = &copy;
  licit_event_defaults(&copy); /* as the native reader does */
  int rc = licit_event_check(ev, err);
  if (rc) return rc;
  if (region && !region[0]) region = NULL;
  if (creates_user && (rc = licit__region_first_seen(region, sink, ev->user, ev->ts))) return rc;
  return sink->emit(sink, ev, flags);
}

int licit__strvs_push(licit__strvs *l, licit_strv s) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    licit_strv *v = realloc(l->v, cap * sizeof *v);
    if (!v) return LICIT_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = s;
  return 0;
}

void licit__strvs_free(licit__strvs *l) {
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}
