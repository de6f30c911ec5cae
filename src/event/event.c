/*
 * event.c — native event parsing, validation and binary encoding.
 *
 * The parser applies every rule of SPEC section 2 that can be judged from the
 * line alone; the rules that need the store (existing post, deletion, ...)
 * live in store/apply.c.  Messages name the field and what was expected.
 */
#include "event/event.h"

#include <stdlib.h>
#include <string.h>

#include "json/fast.h"

struct licit_event_parser {
  licit_fast *json;
  licit_strv *sig;
  size_t sigcap;
};

static const char *const type_names[] = {"",        "post",       "edit",           "visibility",
                                         "delete",  "account",    "preference",     "account_delete"};
static const char *const vis_names[] = {"public", "unlisted", "followers", "private"};
static const char *const pref_names[] = {"unset", "allow", "deny"};

const char *licit_event_type_name(licit_event_type t) {
  return t >= LICIT_EV_POST && t <= LICIT_EV_ACCOUNT_DELETE ? type_names[t] : "?";
}
const char *licit_vis_name(int v) { return v >= 0 && v <= 3 ? vis_names[v] : "?"; }
const char *licit_pref_name(int p) { return p >= 0 && p <= 2 ? pref_names[p] : "?"; }

static int word_index(const char *const *words, int nwords, const char *s, size_t n) {
  for (int i = 0; i < nwords; i++)
    if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) return i;
  return -1;
}
int licit_vis_parse(const char *s, size_t n) { return word_index(vis_names, 4, s, n); }
int licit_pref_parse(const char *s, size_t n) { return word_index(pref_names, 3, s, n); }

int licit_event_parser_create(licit_event_parser **out) {
  licit_event_parser *p = calloc(1, sizeof *p);
  if (!p) return LICIT_ENOMEM;
  if (licit_fast_create(&p->json)) {
    free(p);
    return LICIT_ENOMEM;
  }
  *out = p;
  return 0;
}

void licit_event_parser_destroy(licit_event_parser *p) {
  if (!p) return;
  licit_fast_destroy(p->json);
  free(p->sig);
  free(p);
}

bool licit_line_is_blank(const char *line, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return false;
  return true;
}

/* The top-level keys the parser captures: the fields whose presence
 * depends on the type (F_*), then type and id (K_*). */
enum { F_TS, F_POST, F_USER, F_VIS, F_TEXT, F_KIND, F_LANG, F_SIGNALS, F_REGION, F_PRIVATE,
       F_BIRTH, F_AI, F_COUNT, K_TYPE = F_COUNT, K_ID, K_COUNT };
static const char *const field_names[K_COUNT] = {
    "ts",   "post", "user",   "visibility", "text",        "kind", "lang",
    "signals", "region", "private", "birth_date", "ai_training", "type", "id"};
/* Field presence by event type: R = required, O = optional, - = ignored. */
static const char rules[8][F_COUNT + 1] = {
    /*                  ts po us vi te ki la si re pr bi ai */
    [LICIT_EV_POST] = "RRRROOOO----",
    [LICIT_EV_EDIT] = "RR--R--O----",
    [LICIT_EV_VISIBILITY] = "RR-R--------",
    [LICIT_EV_DELETE] = "RR----------",
    [LICIT_EV_ACCOUNT] = "R-R-----OOO-",
    [LICIT_EV_PREFERENCE] = "R-R--------R",
    [LICIT_EV_ACCOUNT_DELETE] = "R-R---------",
};

static int check_id(const char *field, licit_strv s, licit_err *err) {
  if (s.n < 1 || s.n > LICIT_ID_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"%s\": expected a string of 1-%d bytes, got %zu bytes",
                         field, LICIT_ID_MAX, s.n);
  for (size_t i = 0; i < s.n; i++)
    if ((unsigned char)s.p[i] < 0x20)
      return licit_err_set(err, LICIT_EINVAL,
                           "field \"%s\": control character U+%04X at byte %zu is not allowed", field,
                           (unsigned char)s.p[i], i);
  return 0;
}

int licit_event_check(const licit_event *ev, licit_err *err) {
  int rc;
  if (ev->id.p && (rc = check_id("id", ev->id, err))) return rc;
  if (ev->post.p && (rc = check_id("post", ev->post, err))) return rc;
  if (ev->user.p && (rc = check_id("user", ev->user, err))) return rc;
  if (ev->text.n > LICIT_TEXT_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"text\": %zu bytes is more than the limit of %d",
                         ev->text.n, LICIT_TEXT_MAX);
  if (ev->has_region && ev->region[0] &&
      !(ev->region[0] >= 'A' && ev->region[0] <= 'Z' && ev->region[1] >= 'A' && ev->region[1] <= 'Z'))
    return licit_err_set(err, LICIT_EINVAL,
                         "field \"region\": expected two upper-case letters (ISO 3166-1 alpha-2) or \"\"");
  return 0;
}

static int wrong_type(licit_err *err, const char *field, const char *want, const licit_fval *v) {
  return licit_err_set(err, LICIT_EINVAL, "field \"%s\": expected %s, got %s", field, want,
                       licit_json_type_name(v->type));
}

static int get_string(const licit_fval *v, const char *field, licit_strv *out, licit_err *err) {
  if (v->type != LICIT_JSON_STRING) return wrong_type(err, field, "a string", v);
  out->p = v->s;
  out->n = v->n;
  return 0;
}

/* Echoes a short, printable excerpt of a bad value into a message. */
static void excerpt(char *dst, size_t cap, licit_strv s) {
  size_t j = 0;
  for (size_t i = 0; i < s.n && j + 4 < cap; i++) {
    unsigned char c = (unsigned char)s.p[i];
    dst[j++] = (c < 0x20 || c == '"') ? '?' : (char)c;
  }
  if (s.n && j + 4 >= cap) memcpy(dst + j - 3, "...", 3);
  dst[j] = 0;
}

static int parse_field(licit_event_parser *p, licit_event *ev, int f, const licit_fval *v,
                       licit_err *err) {
  licit_strv s;
  char ex[64];
  const char *why = NULL;
  int rc;
  switch (f) {
    case F_TS:
      if ((rc = get_string(v, "ts", &s, err))) return rc;
      if (licit_time_parse(s.p, s.n, &ev->ts, &why)) {
        excerpt(ex, sizeof ex, s);
        return licit_err_set(err, LICIT_EINVAL,
                             "field \"ts\": expected an RFC 3339 date-time such as "
                             "2024-06-26T00:00:00Z, got \"%s\" (%s)",
                             ex, why);
      }
      return 0;
    case F_POST: return get_string(v, "post", &ev->post, err);
    case F_USER: return get_string(v, "user", &ev->user, err);
    case F_VIS: {
      if ((rc = get_string(v, "visibility", &s, err))) return rc;
      int vis = licit_vis_parse(s.p, s.n);
      if (vis < 0) {
        excerpt(ex, sizeof ex, s);
        return licit_err_set(err, LICIT_EINVAL,
                             "field \"visibility\": expected public, unlisted, followers or private, got \"%s\"",
                             ex);
      }
      ev->visibility = (uint8_t)vis;
      return 0;
    }
    case F_TEXT: return get_string(v, "text", &ev->text, err);
    case F_KIND: return get_string(v, "kind", &ev->kind, err);
    case F_LANG:
      ev->has_lang = true;
      return get_string(v, "lang", &ev->lang, err);
    case F_SIGNALS: {
      if (v->type != LICIT_JSON_ARRAY) return wrong_type(err, "signals", "an array of strings", v);
      size_t n = v->n_items;
      if (n > p->sigcap) {
        licit_strv *ns = realloc(p->sig, n * sizeof *ns);
        if (!ns) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
        p->sig = ns;
        p->sigcap = n;
      }
      size_t k = 0;
      for (size_t i = 0; i < n; i++) {
        const licit_fval *e = &v->items[i];
        if (e->type != LICIT_JSON_STRING)
          return licit_err_set(err, LICIT_EINVAL, "field \"signals\"[%zu]: expected a string, got %s", i,
                               licit_json_type_name(e->type));
        licit_strv t = {e->s, e->n};
        bool dup = false;
        for (size_t j = 0; j < k && !dup; j++) dup = p->sig[j].n == t.n && memcmp(p->sig[j].p, t.p, t.n) == 0;
        if (!dup) p->sig[k++] = t;
      }
      ev->has_signals = true;
      ev->n_signals = k;
      ev->signals = p->sig;
      return 0;
    }
    case F_REGION:
      if ((rc = get_string(v, "region", &s, err))) return rc;
      if (!(s.n == 0 || (s.n == 2 && s.p[0] >= 'A' && s.p[0] <= 'Z' && s.p[1] >= 'A' && s.p[1] <= 'Z'))) {
        excerpt(ex, sizeof ex, s);
        return licit_err_set(err, LICIT_EINVAL,
                             "field \"region\": expected an ISO 3166-1 alpha-2 code (two upper-case "
                             "letters) or \"\", got \"%s\"",
                             ex);
      }
      ev->has_region = true;
      ev->region[0] = s.n ? s.p[0] : 0;
      ev->region[1] = s.n ? s.p[1] : 0;
      return 0;
    case F_PRIVATE:
      if (v->type != LICIT_JSON_BOOL) return wrong_type(err, "private", "true or false", v);
      ev->has_private = true;
      ev->private_ = v->b;
      return 0;
    case F_BIRTH:
      if ((rc = get_string(v, "birth_date", &s, err))) return rc;
      if (licit_date_parse(s.p, s.n, &ev->birth_date, &why)) {
        excerpt(ex, sizeof ex, s);
        return licit_err_set(err, LICIT_EINVAL,
                             "field \"birth_date\": expected a calendar date YYYY-MM-DD, got \"%s\" (%s)",
                             ex, why);
      }
      ev->has_birth_date = true;
      return 0;
    case F_AI: {
      if ((rc = get_string(v, "ai_training", &s, err))) return rc;
      int pr = licit_pref_parse(s.p, s.n);
      if (pr < 0) {
        excerpt(ex, sizeof ex, s);
        return licit_err_set(err, LICIT_EINVAL,
                             "field \"ai_training\": expected allow, deny or unset, got \"%s\"", ex);
      }
      ev->ai_training = (uint8_t)pr;
      return 0;
    }
  }
  return LICIT_EINTERNAL;
}

int licit_event_parse(licit_event_parser *p, const char *line, size_t len, licit_event *ev,
                      licit_err *err) {
  int rc;
  memset(ev, 0, sizeof *ev);
  if (len > LICIT_LINE_MAX)
    return licit_err_set(err, LICIT_ETOOBIG, "line is %zu bytes, longer than the limit of 2 MiB", len);
  licit_fval v[K_COUNT];
  bool present[K_COUNT];
  if ((rc = licit_fast_object(p->json, line, len, field_names, K_COUNT, v, present, err))) return rc;
  /* The id first: an object whose id was accepted before is a duplicate
   * whatever else it holds, so callers need the id even when a field is
   * invalid (ev->id is set when this returns an error after this point). */
  if (present[K_ID] && (rc = get_string(&v[K_ID], "id", &ev->id, err))) return rc;
  if (ev->id.p && (rc = check_id("id", ev->id, err))) {
    ev->id = (licit_strv){NULL, 0};
    return rc;
  }
  if (!present[K_TYPE]) return licit_err_set(err, LICIT_EINVAL, "field \"type\" is missing");
  const licit_fval *tv = &v[K_TYPE];
  if (tv->type != LICIT_JSON_STRING) return wrong_type(err, "type", "a string", tv);
  int t = word_index(type_names + 1, 7, tv->s, tv->n);
  if (t < 0) {
    char ex[64];
    excerpt(ex, sizeof ex, (licit_strv){tv->s, tv->n});
    return licit_err_set(err, LICIT_EINVAL,
                         "field \"type\": expected post, edit, visibility, delete, account, preference "
                         "or account_delete, got \"%s\"",
                         ex);
  }
  ev->type = (licit_event_type)(t + 1);
  const char *rule = rules[ev->type];
  for (int f = 0; f < F_COUNT; f++) {
    if (rule[f] == '-') continue;
    if (!present[f]) {
      if (rule[f] == 'R')
        return licit_err_set(err, LICIT_EINVAL, "field \"%s\" is required for a %s event", field_names[f],
                             type_names[ev->type]);
      continue;
    }
    if ((rc = parse_field(p, ev, f, &v[f], err))) return rc;
  }
  if (ev->type == LICIT_EV_POST) {
    if (!ev->text.p) ev->text = (licit_strv){"", 0};
    if (!ev->kind.p) ev->kind = (licit_strv){"post", 4};
  }
  return licit_event_check(ev, err);
}

/* ------------------------------------------------------------ encoding -- */

/* Record layout: a fixed header, then length-prefixed strings.
 *   u8 type, u8 flags, u8 visibility, u8 ai_training, u8 private, char region[2],
 *   u8 pad, i32 birth_date, i64 ts,
 *   then id, post, user, text, kind, lang as (u32 length, bytes),
 *   then u32 n_signals and each signal as (u32 length, bytes). */
enum { FL_LANG = 1, FL_SIGNALS = 2, FL_REGION = 4, FL_PRIVATE = 8, FL_BIRTH = 16, FL_ID = 32 };
#define HDR 20

static int put_str(licit_buf *b, licit_strv s) {
  uint32_t n = (uint32_t)s.n;
  int rc = licit_buf_add(b, &n, 4);
  return rc ? rc : licit_buf_add(b, s.p, s.n);
}

int licit_event_encode(const licit_event *ev, licit_buf *out) {
  unsigned char h[HDR] = {0};
  h[0] = (unsigned char)ev->type;
  h[1] = (unsigned char)((ev->has_lang ? FL_LANG : 0) | (ev->has_signals ? FL_SIGNALS : 0) |
                         (ev->has_region ? FL_REGION : 0) | (ev->has_private ? FL_PRIVATE : 0) |
                         (ev->has_birth_date ? FL_BIRTH : 0) | (ev->id.n ? FL_ID : 0));
  h[2] = ev->visibility;
  h[3] = ev->ai_training;
  h[4] = ev->private_;
  h[5] = (unsigned char)ev->region[0];
  h[6] = (unsigned char)ev->region[1];
  memcpy(h + 8, &ev->birth_date, 4);
  memcpy(h + 12, &ev->ts, 8);
  licit_buf_reset(out);
  int rc = licit_buf_add(out, h, HDR);
  const licit_strv *ss[] = {&ev->id, &ev->post, &ev->user, &ev->text, &ev->kind, &ev->lang};
  for (int i = 0; i < 6 && !rc; i++) rc = put_str(out, *ss[i]);
  uint32_t ns = (uint32_t)ev->n_signals;
  if (!rc) rc = licit_buf_add(out, &ns, 4);
  for (size_t i = 0; i < ev->n_signals && !rc; i++) rc = put_str(out, ev->signals[i]);
  return rc;
}

static int get_str(const unsigned char **pp, const unsigned char *end, licit_strv *s) {
  uint32_t n;
  if (end - *pp < 4) return LICIT_ESTORE;
  memcpy(&n, *pp, 4);
  *pp += 4;
  if ((size_t)(end - *pp) < n) return LICIT_ESTORE;
  s->p = (const char *)*pp;
  s->n = n;
  *pp += n;
  return 0;
}

int licit_event_decode(const void *rec, size_t len, licit_event *ev, licit_strv *sigbuf,
                       size_t sigcap) {
  const unsigned char *p = rec, *end = p + len;
  if (len < HDR + 28) return LICIT_ESTORE;
  memset(ev, 0, sizeof *ev);
  ev->type = (licit_event_type)p[0];
  if (ev->type < LICIT_EV_POST || ev->type > LICIT_EV_ACCOUNT_DELETE) return LICIT_ESTORE;
  unsigned fl = p[1];
  ev->has_lang = fl & FL_LANG;
  ev->has_signals = fl & FL_SIGNALS;
  ev->has_region = fl & FL_REGION;
  ev->has_private = fl & FL_PRIVATE;
  ev->has_birth_date = fl & FL_BIRTH;
  ev->visibility = p[2];
  ev->ai_training = p[3];
  ev->private_ = p[4];
  ev->region[0] = (char)p[5];
  ev->region[1] = (char)p[6];
  memcpy(&ev->birth_date, p + 8, 4);
  memcpy(&ev->ts, p + 12, 8);
  p += HDR;
  licit_strv *ss[] = {&ev->id, &ev->post, &ev->user, &ev->text, &ev->kind, &ev->lang};
  for (int i = 0; i < 6; i++)
    if (get_str(&p, end, ss[i])) return LICIT_ESTORE;
  uint32_t ns;
  if (end - p < 4) return LICIT_ESTORE;
  memcpy(&ns, p, 4);
  p += 4;
  ev->n_signals = ns;
  ev->signals = sigbuf;
  for (uint32_t i = 0; i < ns; i++) {
    licit_strv s;
    if (get_str(&p, end, &s)) return LICIT_ESTORE;
    if (sigbuf && i < sigcap) sigbuf[i] = s;
  }
  if (!(fl & FL_ID)) ev->id = (licit_strv){NULL, 0};
  return 0;
}
