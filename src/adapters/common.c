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

void licit__region_tag_init(licit__region_tag *t, const char *region) {
  memset(t, 0, sizeof *t);
  if (region && region[0]) memcpy(t->region, region, 2);
}

void licit__region_tag_free(licit__region_tag *t) {
  for (size_t i = 0; i < t->cap; i++) free(t->slot[i].id);
  free(t->slot);
  t->slot = NULL;
  t->cap = t->n = 0;
}

static size_t tag_hash(licit_strv user) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < user.n; i++) h = (h ^ (unsigned char)user.p[i]) * 1099511628211ULL;
  return (size_t)(h ^ (h >> 29));
}

/* The slot of user, or the free slot where it goes (cap > n always). */
static licit__tagged *tag_slot(licit__region_tag *t, licit_strv user) {
  size_t i = tag_hash(user) & (t->cap - 1);
  while (t->slot[i].id && !(t->slot[i].n == user.n && memcmp(t->slot[i].id, user.p, user.n) == 0))
    i = (i + 1) & (t->cap - 1);
  return &t->slot[i];
}

static int tag_put(licit__region_tag *t, licit_strv user, int64_t ts) {
  if (t->n >= LICIT_REGION_TAGGED) return 0; /* remember no more (see common.h) */
  if (2 * (t->n + 1) > t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 1024;
    licit__region_tag grown = {{0}, calloc(cap, sizeof *grown.slot), cap, t->n};
    if (!grown.slot) return LICIT_ENOMEM;
    for (size_t i = 0; i < t->cap; i++)
      if (t->slot[i].id) *tag_slot(&grown, (licit_strv){t->slot[i].id, t->slot[i].n}) = t->slot[i];
    free(t->slot);
    t->slot = grown.slot;
    t->cap = cap;
  }
  licit__tagged *e = tag_slot(t, user);
  if (e->id) { /* tagged already (a sink that forgot it): keep the earliest */
    if (ts < e->ts) e->ts = ts;
    return 0;
  }
  if (!(e->id = malloc(user.n ? user.n : 1))) return LICIT_ENOMEM;
  memcpy(e->id, user.p, user.n);
  e->n = user.n;
  e->ts = ts;
  t->n++;
  return 0;
}

static int region_tag(licit__region_tag *t, licit_sink *sink, licit_strv user, int64_t ts) {
  if (!t || !t->region[0]) return 0;
  int known = sink->user_known(sink, user.p, user.n);
  if (known < 0) return known;
  licit__tagged *e = NULL;
  if (known) {
    /* Known: tagged by this input at a later ts, or not ours to tag. */
    if (!t->cap || !(e = tag_slot(t, user))->id || ts >= e->ts) return 0;
  }
  licit_event ev = {0};
  ev.type = LICIT_EV_ACCOUNT;
  ev.ts = ts;
  ev.user = user;
  ev.has_region = true;
  ev.region[0] = t->region[0];
  ev.region[1] = t->region[1];
  int rc = sink->emit(sink, &ev, 0);
  if (rc) return rc;
  if (e) {
    e->ts = ts;
    return 0;
  }
  return tag_put(t, user, ts);
}

bool licit__eq(licit_strv s, const char *z) { return s.n == strlen(z) && memcmp(s.p, z, s.n) == 0; }

int licit__emit(licit__region_tag *tag, licit_sink *sink, const licit_event *ev_in, bool creates_user, unsigned flags,
                licit_err *err) {
  licit_event copy = *ev_in;
  const licit_event *ev = &copy;
  licit_event_defaults(&copy); /* as the native reader does */
  int rc = licit_event_check(ev, err);
  if (rc) return rc;
  if (creates_user && (rc = region_tag(tag, sink, ev->user, ev->ts)))
    return rc == LICIT_ENOMEM ? licit_err_set(err, rc, "out of memory remembering the accounts --region tagged") : rc;
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
