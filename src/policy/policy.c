/*
 * policy.c — policy parsing and validation (SPEC section 3).
 *
 * Strict by design: a typo in a policy must not pass silently, so every
 * unknown key, wrong type and impossible value is an error that names its
 * key path.  The first error found is reported.
 */
#include "policy/policy.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"
#include "json/json.h"

static const char *const mode_names[] = {"no_choice", "opt_out", "opt_in", "excluded"};
const char *licit_mode_name(licit_mode m) { return (unsigned)m < 4 ? mode_names[m] : "?"; }

static const char EU_CODES[] = "ATBEBGCYCZDEDKEEESFIFRGRHRHUIEITLTLULVMTNLPLPTROSESISK";
static const char EEA_EXTRA[] = "ISLINO";

typedef struct ctx {
  const char *origin;
  licit_err *err;
  char path[256];
} ctx;

static int perr(ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int perr(ctx *c, const char *fmt, ...) {
  char msg[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return licit_err_set(c->err, LICIT_EPOLICY, "policy %s: %s: %s", c->origin, c->path[0] ? c->path : "(top)",
                       msg);
}

static void path_set(ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void path_set(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->path, sizeof c->path, fmt, ap);
  va_end(ap);
}

static char *dupn(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = 0;
  }
  return d;
}

static bool is_cc(const char *s, size_t n) {
  return n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static bool is_group_name(const char *s, size_t n) {
  if (n < 3) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < 'A' || s[i] > 'Z') return false;
  return true;
}

static const char *type_of(const licit_json *v) { return licit_json_type_name(licit_json_typeof(v)); }

static int want_type(ctx *c, const licit_json *v, licit_json_type t, const char *what) {
  if (licit_json_typeof(v) == t) return 0;
  return perr(c, "expected %s, got %s", what, type_of(v));
}

/* Checks that every key of obj is in the NULL-terminated list `allowed`. */
static int check_keys(ctx *c, const licit_json *obj, const char *const *allowed, const char *list,
                      const char *base) {
  const char *key;
  licit_json *val;
  for (void *it = licit_json_object_next(obj, NULL, &key, &val); it;
       it = licit_json_object_next(obj, it, &key, &val)) {
    bool ok = false;
    for (int i = 0; allowed[i] && !ok; i++) ok = strcmp(allowed[i], key) == 0;
    if (!ok) {
      path_set(c, "%s%s%s", base, base[0] ? "." : "", key);
      return perr(c, "unknown key (expected %s)", list);
    }
  }
  return 0;
}

static int add_group(licit_policy *p, const char *name, size_t nlen, bool builtin, const char *codes,
                     size_t ncodes) {
  licit_policy_group *g = realloc(p->groups, (p->n_groups + 1) * sizeof *g);
  if (!g) return LICIT_ENOMEM;
  p->groups = g;
  g = &p->groups[p->n_groups];
  memset(g, 0, sizeof *g);
  g->name = dupn(name, nlen);
  g->builtin = builtin;
  g->codes = calloc(ncodes ? ncodes : 1, 2);
  if (!g->name || !g->codes) {
    free(g->name);
    free(g->codes);
    return LICIT_ENOMEM;
  }
  if (codes) memcpy(g->codes, codes, ncodes * 2);
  g->n = ncodes;
  p->n_groups++;
  return 0;
}

static int find_group(const licit_policy *p, const char *name) {
  for (size_t i = 0; i < p->n_groups; i++)
    if (strcmp(p->groups[i].name, name) == 0) return (int)i;
  return -1;
}

static int parse_groups(ctx *c, licit_policy *p, const licit_json *obj) {
  int rc;
  path_set(c, "region_groups");
  if ((rc = want_type(c, obj, LICIT_JSON_OBJECT, "an object of group name -> list of country codes"))) return rc;
  const char *key;
  licit_json *val;
  for (void *it = licit_json_object_next(obj, NULL, &key, &val); it;
       it = licit_json_object_next(obj, it, &key, &val)) {
    path_set(c, "region_groups.%s", key);
    /* The built-in groups first: "EU" is one, and is no valid new name
     * either, but "upper case, 3 letters" would not say why (review 6). */
    if (find_group(p, key) >= 0)
      return perr(c, "\"%s\" is a built-in group and cannot be redefined", key);
    if (!is_group_name(key, strlen(key)))
      return perr(c, "a group name must be upper case, 3 letters or more (A-Z)");
    if ((rc = want_type(c, val, LICIT_JSON_ARRAY, "an array of country codes"))) return rc;
    size_t n = licit_json_array_size(val);
    char *codes = malloc(n ? n * 2 : 1);
    if (!codes) return LICIT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
      const licit_json *e = licit_json_array_get(val, i);
      size_t len = 0;
      const char *s = NULL;
      path_set(c, "region_groups.%s[%zu]", key, i);
      /* s and len are set before is_cc reads them: argument order is unspecified. */
      if (licit_json_typeof(e) == LICIT_JSON_STRING) s = licit_json_str(e, &len);
      if (!s || !is_cc(s, len)) {
        free(codes);
        return perr(c, "expected an ISO 3166-1 alpha-2 country code (two upper-case letters)");
      }
      bool dup = false;
      for (size_t j = 0; j < k && !dup; j++) dup = codes[2 * j] == s[0] && codes[2 * j + 1] == s[1];
      if (!dup) {
        codes[2 * k] = s[0];
        codes[2 * k + 1] = s[1];
        k++;
      }
    }
    rc = add_group(p, key, strlen(key), false, codes, k);
    free(codes);
    if (rc) return rc;
  }
  return 0;
}

static int parse_mode(ctx *c, const licit_json *v, licit_mode *m) {
  size_t n;
  if (licit_json_typeof(v) != LICIT_JSON_STRING)
    return perr(c, "expected a mode (no_choice, opt_out, opt_in or excluded), got %s", type_of(v));
  const char *s = licit_json_str(v, &n);
  for (int i = 0; i < 4; i++)
    if (strlen(mode_names[i]) == n && memcmp(mode_names[i], s, n) == 0) {
      *m = (licit_mode)i;
      return 0;
    }
  return perr(c, "unknown mode \"%.*s\" (expected no_choice, opt_out, opt_in or excluded)", (int)(n > 40 ? 40 : n),
              s);
}

static bool group_has(const licit_policy_group *g, int cc) {
  for (size_t i = 0; i < g->n; i++)
    if ((g->codes[i][0] - 'A') * 26 + (g->codes[i][1] - 'A') == cc) return true;
  return false;
}

static int parse_regions(ctx *c, const licit_policy *p, licit_policy_version *v, const licit_json *obj,
                         size_t vi) {
  int rc;
  path_set(c, "versions[%zu].regions", vi);
  if ((rc = want_type(c, obj, LICIT_JSON_OBJECT, "an object of region -> mode"))) return rc;
  int8_t country[LICIT_CC_COUNT];
  memset(country, -1, sizeof country);
  int8_t *gmode = calloc(p->n_groups ? p->n_groups : 1, 1);
  if (!gmode) return LICIT_ENOMEM;
  memset(gmode, -1, p->n_groups);
  v->default_mode = LICIT_MODE_NO_CHOICE;
  v->default_via = LICIT_VIA_NONE;
  const char *key;
  licit_json *val;
  for (void *it = licit_json_object_next(obj, NULL, &key, &val); it;
       it = licit_json_object_next(obj, it, &key, &val)) {
    licit_mode m = LICIT_MODE_NO_CHOICE;
    size_t kl = strlen(key);
    path_set(c, "versions[%zu].regions.%s", vi, key);
    if ((rc = parse_mode(c, val, &m))) goto out;
    char **nk = realloc(v->rule_key, (v->n_rules + 1) * sizeof *nk);
    if (nk) v->rule_key = nk;
    licit_mode *nm = realloc(v->rule_mode, (v->n_rules + 1) * sizeof *nm);
    if (nm) v->rule_mode = nm;
    if (!nk || !nm || !(v->rule_key[v->n_rules] = strdup(key))) {
      rc = LICIT_ENOMEM;
      goto out;
    }
    v->rule_mode[v->n_rules++] = m;
    if (strcmp(key, "default") == 0) {
      v->default_mode = m;
      v->default_via = LICIT_VIA_DEFAULT;
    } else if (is_cc(key, kl) && find_group(p, key) < 0) { /* "EU" is the built-in group */
      country[(key[0] - 'A') * 26 + (key[1] - 'A')] = (int8_t)m;
    } else {
      int g = find_group(p, key); /* group names were checked when the groups were made */
      if (g < 0) {
        char known[300] = "";
        for (size_t i = 0; i < p->n_groups; i++) {
          if (i) strncat(known, ", ", sizeof known - strlen(known) - 1);
          strncat(known, p->groups[i].name, sizeof known - strlen(known) - 1);
        }
        rc = perr(c,
                  "unknown region key (expected \"default\", a country code of two upper-case letters, "
                  "or a group: %s)",
                  known);
        goto out;
      }
      gmode[g] = (int8_t)m;
    }
  }
  for (int cc = 0; cc < LICIT_CC_COUNT; cc++) {
    if (country[cc] >= 0) {
      v->mode[cc] = (uint8_t)country[cc];
      v->via[cc] = LICIT_VIA_COUNTRY;
      continue;
    }
    int found = -1;
    for (size_t g = 0; g < p->n_groups; g++) {
      if (gmode[g] < 0 || !group_has(&p->groups[g], cc)) continue;
      if (found < 0) {
        found = (int)g;
      } else if (gmode[g] != gmode[found]) {
        path_set(c, "versions[%zu].regions", vi);
        rc = perr(c,
                  "ambiguous group membership: %c%c is in \"%s\" (%s) and \"%s\" (%s) and has no key of its "
                  "own; add \"%c%c\" with the mode it should have",
                  'A' + cc / 26, 'A' + cc % 26, p->groups[found].name, mode_names[gmode[found]],
                  p->groups[g].name, mode_names[gmode[g]], 'A' + cc / 26, 'A' + cc % 26);
        goto out;
      }
    }
    if (found >= 0) {
      v->mode[cc] = (uint8_t)gmode[found];
      v->via[cc] = (int16_t)found;
    } else {
      v->mode[cc] = (uint8_t)v->default_mode;
      v->via[cc] = (int16_t)v->default_via;
    }
  }
  rc = 0;
out:
  free(gmode);
  return rc;
}

static int parse_time_field(ctx *c, const licit_json *val, int64_t *out) {
  size_t n;
  const char *why = NULL;
  if (licit_json_typeof(val) != LICIT_JSON_STRING)
    return perr(c, "expected an RFC 3339 date-time string, got %s", type_of(val));
  const char *s = licit_json_str(val, &n);
  if (licit_time_parse(s, n, out, &why))
    return perr(c, "expected an RFC 3339 date-time such as 2024-06-26T00:00:00Z (%s)", why);
  return 0;
}

static const char *const version_keys[] = {"id",           "effective",        "visibility",     "content_since",
                                           "min_age",      "honor_signals",    "inherit_audience", "honor_mentions",
                                           "regions",      NULL};
#define VERSION_KEYS_TEXT \
  "id, effective, visibility, content_since, min_age, honor_signals, inherit_audience, honor_mentions or regions"

/* An optional boolean key of a version. */
static int parse_bool_key(ctx *c, const licit_json *obj, const char *key, size_t vi, bool dflt, bool *out) {
  *out = dflt;
  const licit_json *x = licit_json_get(obj, key);
  if (!x) return 0;
  path_set(c, "versions[%zu].%s", vi, key);
  int rc = want_type(c, x, LICIT_JSON_BOOL, "true or false");
  if (!rc) *out = licit_json_bool(x);
  return rc;
}

static int parse_version(ctx *c, licit_policy *p, licit_policy_version *v, const licit_json *obj, size_t vi) {
  int rc;
  path_set(c, "versions[%zu]", vi);
  if ((rc = want_type(c, obj, LICIT_JSON_OBJECT, "an object"))) return rc;
  char base[32];
  snprintf(base, sizeof base, "versions[%zu]", vi);
  if ((rc = check_keys(c, obj, version_keys, VERSION_KEYS_TEXT, base))) return rc;
  const licit_json *x;
  size_t n;
  /* id */
  path_set(c, "versions[%zu].id", vi);
  if (!(x = licit_json_get(obj, "id"))) return perr(c, "required key is missing");
  if ((rc = want_type(c, x, LICIT_JSON_STRING, "a string"))) return rc;
  const char *s = licit_json_str(x, &n);
  if (n < 1 || n > 128 || memchr(s, 0, n)) return perr(c, "expected a string of 1-128 bytes");
  for (size_t i = 0; i < vi; i++)
    if (strlen(p->versions[i].id) == n && memcmp(p->versions[i].id, s, n) == 0)
      return perr(c, "\"%s\" is used by versions[%zu] too; version ids must be unique", p->versions[i].id, i);
  if (!(v->id = dupn(s, n))) return LICIT_ENOMEM;
  /* effective */
  path_set(c, "versions[%zu].effective", vi);
  if (!(x = licit_json_get(obj, "effective"))) return perr(c, "required key is missing");
  if ((rc = parse_time_field(c, x, &v->effective))) return rc;
  if (vi > 0 && v->effective <= p->versions[vi - 1].effective) {
    char a[LICIT_TIME_BUFSZ];
    licit_time_format(p->versions[vi - 1].effective, a);
    return perr(c, "must be later than versions[%zu].effective (%s): effective dates strictly increase", vi - 1,
                a);
  }
  /* visibility */
  v->vis_mask = 1u << LICIT_VIS_PUBLIC;
  if ((x = licit_json_get(obj, "visibility"))) {
    path_set(c, "versions[%zu].visibility", vi);
    if ((rc = want_type(c, x, LICIT_JSON_ARRAY, "an array of visibilities"))) return rc;
    v->vis_mask = 0;
    for (size_t i = 0; i < licit_json_array_size(x); i++) {
      const licit_json *e = licit_json_array_get(x, i);
      path_set(c, "versions[%zu].visibility[%zu]", vi, i);
      int vis = -1;
      if (licit_json_typeof(e) == LICIT_JSON_STRING) {
        s = licit_json_str(e, &n);
        vis = licit_vis_parse(s, n);
      }
      if (vis < 0) return perr(c, "expected public, unlisted, followers or private");
      v->vis_mask |= 1u << vis;
    }
  }
  /* content_since */
  v->content_since = LICIT_TIME_NONE;
  if ((x = licit_json_get(obj, "content_since"))) {
    path_set(c, "versions[%zu].content_since", vi);
    if ((rc = parse_time_field(c, x, &v->content_since))) return rc;
  }
  /* min_age */
  v->min_age = -1;
  if ((x = licit_json_get(obj, "min_age"))) {
    path_set(c, "versions[%zu].min_age", vi);
    if ((rc = want_type(c, x, LICIT_JSON_INT, "a whole number of years"))) return rc;
    int64_t a = licit_json_int(x);
    if (a < 0 || a > 150) return perr(c, "expected a whole number of years from 0 to 150, got %lld", (long long)a);
    v->min_age = (int)a;
  }
  /* honor_signals */
  if ((x = licit_json_get(obj, "honor_signals"))) {
    path_set(c, "versions[%zu].honor_signals", vi);
    if ((rc = want_type(c, x, LICIT_JSON_ARRAY, "an array of strings"))) return rc;
    size_t k = licit_json_array_size(x);
    v->honor = calloc(k ? k : 1, sizeof *v->honor);
    v->honor_len = calloc(k ? k : 1, sizeof *v->honor_len);
    if (!v->honor || !v->honor_len) return LICIT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
      const licit_json *e = licit_json_array_get(x, i);
      path_set(c, "versions[%zu].honor_signals[%zu]", vi, i);
      if ((rc = want_type(c, e, LICIT_JSON_STRING, "a string"))) return rc;
      s = licit_json_str(e, &n);
      if (memchr(s, 0, n)) return perr(c, "must not contain U+0000"); /* policy.h: tokens are C strings */
      /* A signal is 1-256 bytes (SPEC 2): another string could never match. */
      if (n < 1 || n > LICIT_SIGNAL_MAX) return perr(c, "a signal is 1 to %d bytes, got %zu", LICIT_SIGNAL_MAX, n);
      if (!(v->honor[i] = dupn(s, n))) return LICIT_ENOMEM;
      v->honor_len[i] = n;
      v->n_honor = i + 1;
    }
  }
  /* threads and mentions (SPEC 3) */
  if ((rc = parse_bool_key(c, obj, "inherit_audience", vi, true, &v->inherit_audience))) return rc;
  if ((rc = parse_bool_key(c, obj, "honor_mentions", vi, false, &v->honor_mentions))) return rc;
  /* regions */
  if ((x = licit_json_get(obj, "regions"))) return parse_regions(c, p, v, x, vi);
  v->default_mode = LICIT_MODE_NO_CHOICE;
  v->default_via = LICIT_VIA_NONE;
  for (int cc = 0; cc < LICIT_CC_COUNT; cc++) {
    v->mode[cc] = LICIT_MODE_NO_CHOICE;
    v->via[cc] = LICIT_VIA_NONE;
  }
  return 0;
}

static const char *const top_keys[] = {"name", "source", "region_groups", "versions", NULL};

int licit_policy_parse(const char *text, size_t n, const char *origin, licit_policy **out, licit_err *err) {
  ctx c = {origin ? origin : "(policy)", err, ""};
  licit_json *doc = NULL;
  licit_policy *p = calloc(1, sizeof *p);
  int rc;
  if (!p) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  licit_err jerr;
  if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) { /* what jerr would quote cannot be seen */
    rc = licit_err_set(err, LICIT_EPOLICY,
                       "policy %s: line 1, column 1: a UTF-8 byte order mark (EF BB BF), which a policy file must not "
                       "start with: save the file as UTF-8 without it", c.origin);
    goto fail;
  }
  if (licit_json_parse(text, n, &doc, NULL, NULL, &jerr)) { /* jerr.msg names the line and column */
    rc = licit_err_set(err, LICIT_EPOLICY, "policy %s: %s", c.origin, jerr.msg);
    goto fail;
  }
  if ((rc = want_type(&c, doc, LICIT_JSON_OBJECT, "a JSON object"))) goto fail;
  if ((rc = check_keys(&c, doc, top_keys, "name, source, region_groups or versions", ""))) goto fail;
  const licit_json *x;
  size_t len;
  const char *s;
  path_set(&c, "name");
  if (!(x = licit_json_get(doc, "name"))) {
    rc = perr(&c, "required key is missing");
    goto fail;
  }
  if ((rc = want_type(&c, x, LICIT_JSON_STRING, "a string"))) goto fail;
  s = licit_json_str(x, &len);
  if (len < 1 || len > 256 || memchr(s, 0, len)) {
    rc = perr(&c, "expected a string of 1-256 bytes");
    goto fail;
  }
  p->name = dupn(s, len);
  path_set(&c, "source");
  if ((x = licit_json_get(doc, "source"))) {
    if ((rc = want_type(&c, x, LICIT_JSON_STRING, "a string"))) goto fail;
    s = licit_json_str(x, &len);
    if (memchr(s, 0, len)) {
      rc = perr(&c, "must not contain U+0000");
      goto fail;
    }
    p->source = dupn(s, len);
  } else {
    p->source = p->name ? strdup(p->name) : NULL;
  }
  if (!p->name || !p->source) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto fail;
  }
  /* Built-in groups first, then the policy's own. */
  char eea[sizeof EU_CODES + sizeof EEA_EXTRA];
  snprintf(eea, sizeof eea, "%s%s", EU_CODES, EEA_EXTRA);
  if ((rc = add_group(p, "EU", 2, true, EU_CODES, strlen(EU_CODES) / 2)) ||
      (rc = add_group(p, "EEA", 3, true, eea, strlen(eea) / 2)))
    goto nomem;
  if ((x = licit_json_get(doc, "region_groups")) && (rc = parse_groups(&c, p, x))) goto fail;
  path_set(&c, "versions");
  if (!(x = licit_json_get(doc, "versions"))) {
    rc = perr(&c, "required key is missing");
    goto fail;
  }
  if ((rc = want_type(&c, x, LICIT_JSON_ARRAY, "an array of versions"))) goto fail;
  size_t nv = licit_json_array_size(x);
  if (nv == 0) {
    rc = perr(&c, "must hold at least one version");
    goto fail;
  }
  p->versions = calloc(nv, sizeof *p->versions);
  if (!p->versions) goto nomem;
  for (size_t i = 0; i < nv; i++) {
    p->n_versions = i + 1;
    if ((rc = parse_version(&c, p, &p->versions[i], licit_json_array_get(x, i), i))) goto fail;
  }
  licit_json_free(doc);
  *out = p;
  return 0;
nomem:
  rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
fail:
  if (rc == LICIT_ENOMEM && err && err->code != LICIT_ENOMEM) licit_err_set(err, LICIT_ENOMEM, "out of memory");
  if (doc) licit_json_free(doc);
  licit_policy_free(p);
  return rc;
}

void licit_policy_free(licit_policy *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n_groups; i++) {
    free(p->groups[i].name);
    free(p->groups[i].codes);
  }
  free(p->groups);
  for (size_t i = 0; i < p->n_versions; i++) {
    licit_policy_version *v = &p->versions[i];
    free(v->id);
    for (size_t j = 0; j < v->n_honor; j++) free(v->honor[j]);
    free(v->honor);
    free(v->honor_len);
    for (size_t j = 0; j < v->n_rules; j++) free(v->rule_key[j]);
    free(v->rule_key);
    free(v->rule_mode);
  }
  free(p->versions);
  free(p->name);
  free(p->source);
  free(p);
}

const licit_policy_version *licit_policy_at(const licit_policy *p, int64_t T) {
  const licit_policy_version *best = NULL;
  for (size_t i = 0; i < p->n_versions; i++)
    if (p->versions[i].effective <= T) best = &p->versions[i];
  return best;
}

licit_mode licit_policy_mode(const licit_policy_version *v, const char region[2], int *via) {
  int cc = licit_cc_index(region);
  if (cc < 0 || cc >= LICIT_CC_COUNT) {
    if (via) *via = v->default_via;
    return v->default_mode;
  }
  if (via) *via = v->via[cc];
  return (licit_mode)v->mode[cc];
}
