/*
 * event.c — native event parsing, validation and binary encoding.
 *
 * The parser applies every rule of SPEC section 2 that can be judged from the
 * line alone; the rules that need the store (existing post, deletion, ...)
 * live in store/apply.c.  Messages name the field and what was expected.
 */
#include "event/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "json/fast.h"

struct licit_event_parser {
  licit_fast *json;
  licit_strv sig[LICIT_SIGNALS_MAX];
  licit_strv *men; /* LICIT_MENTIONS_MAX entries */
};

static const char *const type_names[] = {"",        "post",       "edit",           "visibility",
                                         "delete",  "account",    "preference",     "account_delete",
                                         "link",    "unlink"};
static const char *const vis_names[] = {"public", "unlisted", "followers", "private"};
static const char *const pref_names[] = {"unset", "allow", "deny"};

const char *licit_event_type_name(licit_event_type t) {
  return t >= LICIT_EV_POST && t <= LICIT_EV_TYPE_MAX ? type_names[t] : "?";
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
  p->men = malloc(LICIT_MENTIONS_MAX * sizeof *p->men);
  if (!p->men || licit_fast_create(&p->json)) {
    free(p->men);
    free(p);
    return LICIT_ENOMEM;
  }
  *out = p;
  return 0;
}

void licit_event_parser_destroy(licit_event_parser *p) {
  if (!p) return;
  licit_fast_destroy(p->json);
  free(p->men);
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
       F_BIRTH, F_AI, F_PARENT, F_MENTIONS, F_WITH, F_COUNT, K_TYPE = F_COUNT, K_ID, K_COUNT };
static const char *const field_names[K_COUNT] = {
    "ts",   "post", "user",   "visibility", "text",        "kind", "lang",
    "signals", "region", "private", "birth_date", "ai_training", "parent", "mentions", "with", "type", "id"};
/* Field presence by event type (SPEC section 2's table): R = required,
 * O = optional, - = ignored like any unknown field. */
static const char rules[LICIT_EV_TYPE_MAX + 1][F_COUNT + 1] = {
    /*                  ts po us vi te ki la si re pr bi ai pa me wi */
    [LICIT_EV_POST] =           "RRRROOOO----OO-",
    [LICIT_EV_EDIT] =           "RR--R--O-----O-",
    [LICIT_EV_VISIBILITY] =     "RR-R-----------",
    [LICIT_EV_DELETE] =         "RR-------------",
    [LICIT_EV_ACCOUNT] =        "R-R-----OOO----",
    [LICIT_EV_PREFERENCE] =     "R-R--------R---",
    [LICIT_EV_ACCOUNT_DELETE] = "R-R------------",
    [LICIT_EV_LINK] =           "R-R-----------R",
    [LICIT_EV_UNLINK] =         "R-R-----------R",
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

int licit_id_check(const char *what, const char *p, size_t n, licit_err *err) {
  int rc = check_id(what, (licit_strv){p, n}, err);
  if (rc) return rc;
  size_t bad = licit_utf8_invalid_at(p, n);
  if (bad < n) return licit_err_set(err, LICIT_EINVAL, "field \"%s\": byte %zu is not UTF-8", what, bad);
  return 0;
}

void licit_event_defaults(licit_event *ev) {
  if (ev->type != LICIT_EV_POST) return;
  if (!ev->text.p) ev->text = (licit_strv){"", 0};
  if (!ev->kind.p) ev->kind = (licit_strv){"post", 4};
}

int licit_event_check(const licit_event *ev, licit_err *err) {
  int rc;
  if (ev->id.p && (rc = check_id("id", ev->id, err))) return rc;
  if (ev->post.p && (rc = check_id("post", ev->post, err))) return rc;
  if (ev->user.p && (rc = check_id("user", ev->user, err))) return rc;
  if (ev->text.n > LICIT_TEXT_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"text\": %zu bytes is more than the limit of %d",
                         ev->text.n, LICIT_TEXT_MAX);
  if (ev->parent.p && (rc = check_id("parent", ev->parent, err))) return rc;
  if (ev->with.p && (rc = check_id("with", ev->with, err))) return rc;
  if (ev->n_signals > LICIT_SIGNALS_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"signals\": %zu tokens, more than the limit of %d",
                         ev->n_signals, LICIT_SIGNALS_MAX);
  for (size_t i = 0; i < ev->n_signals; i++)
    if (ev->signals[i].n < 1 || ev->signals[i].n > LICIT_SIGNAL_MAX)
      return licit_err_set(err, LICIT_EINVAL, "field \"signals[%zu]\": expected a string of 1-%d bytes, got %zu bytes",
                           i, LICIT_SIGNAL_MAX, ev->signals[i].n);
  if (ev->n_mentions > LICIT_MENTIONS_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"mentions\": %zu accounts, more than the limit of %d",
                         ev->n_mentions, LICIT_MENTIONS_MAX);
  for (size_t i = 0; ev->mentions && i < ev->n_mentions; i++) {
    char name[32];
    snprintf(name, sizeof name, "mentions[%zu]", i);
    if ((rc = check_id(name, ev->mentions[i], err))) return rc;
  }
  if (ev->type == LICIT_EV_POST && ev->parent.n && ev->post.n == ev->parent.n &&
      memcmp(ev->post.p, ev->parent.p, ev->post.n) == 0)
    return licit_err_set(err, LICIT_EINVAL, "field \"parent\": a post cannot be its own parent");
  if ((ev->type == LICIT_EV_LINK || ev->type == LICIT_EV_UNLINK) && ev->with.n == ev->user.n &&
      memcmp(ev->with.p, ev->user.p, ev->user.n) == 0)
    return licit_err_set(err, LICIT_EINVAL, "field \"with\": names the same account as \"user\"; %s needs two accounts",
                         ev->type == LICIT_EV_LINK ? "a link" : "an unlink");
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
void licit_excerpt(char *dst, size_t cap, licit_strv s) {
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
        licit_excerpt(ex, sizeof ex, s);
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
        licit_excerpt(ex, sizeof ex, s);
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
      if (n > LICIT_SIGNALS_MAX)
        return licit_err_set(err, LICIT_EINVAL, "field \"signals\": %zu tokens, more than the limit of %d", n,
                             LICIT_SIGNALS_MAX);
      /* At most 64 tokens, so the pairwise de-duplication below is bounded
       * (64 * 63 / 2 comparisons of at most 256 bytes). */
      size_t k = 0;
      for (size_t i = 0; i < n; i++) {
        const licit_fval *e = &v->items[i];
        if (e->type != LICIT_JSON_STRING)
          return licit_err_set(err, LICIT_EINVAL, "field \"signals[%zu]\": expected a string, got %s", i,
                               licit_json_type_name(e->type));
        if (e->n < 1 || e->n > LICIT_SIGNAL_MAX)
          return licit_err_set(err, LICIT_EINVAL, "field \"signals[%zu]\": expected a string of 1-%d bytes, got %zu bytes",
                               i, LICIT_SIGNAL_MAX, e->n);
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
    case F_PARENT: /* its value is checked with the other ids by licit_event_check */
      return get_string(v, "parent", &ev->parent, err);
    case F_MENTIONS: {
      if (v->type != LICIT_JSON_ARRAY) return wrong_type(err, "mentions", "an array of user ids", v);
      size_t n = v->n_items;
      if (n > LICIT_MENTIONS_MAX)
        return licit_err_set(err, LICIT_EINVAL, "field \"mentions\": %zu accounts, more than the limit of %d", n,
                             LICIT_MENTIONS_MAX);
      /* Each id's value is checked by licit_event_check, once, as for
       * the events adapters make. */
      for (size_t i = 0; i < n; i++) {
        const licit_fval *e = &v->items[i];
        if (e->type != LICIT_JSON_STRING) {
          char name[32];
          snprintf(name, sizeof name, "mentions[%zu]", i);
          return wrong_type(err, name, "a string (a user id)", e);
        }
        p->men[i] = (licit_strv){e->s, e->n};
      }
      ev->has_mentions = true;
      ev->n_mentions = n;
      ev->mentions = p->men;
      return 0;
    }
    case F_WITH: /* checked with the other ids by licit_event_check */
      return get_string(v, "with", &ev->with, err);
    case F_REGION:
      if ((rc = get_string(v, "region", &s, err))) return rc;
      if (!(s.n == 0 || (s.n == 2 && s.p[0] >= 'A' && s.p[0] <= 'Z' && s.p[1] >= 'A' && s.p[1] <= 'Z'))) {
        licit_excerpt(ex, sizeof ex, s);
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
        licit_excerpt(ex, sizeof ex, s);
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
        licit_excerpt(ex, sizeof ex, s);
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
  int t = word_index(type_names + 1, LICIT_EV_TYPE_MAX, tv->s, tv->n);
  if (t < 0) {
    char ex[64];
    licit_excerpt(ex, sizeof ex, (licit_strv){tv->s, tv->n});
    return licit_err_set(err, LICIT_EINVAL,
                         "field \"type\": expected post, edit, visibility, delete, account, preference, "
                         "account_delete, link or unlink, got \"%s\"",
                         ex);
  }
  ev->type = (licit_event_type)(t + 1);
  const char *rule = rules[ev->type];
  for (int f = 0; f < F_COUNT; f++) {
    if (rule[f] == '-') continue;
    if (!present[f]) {
      if (rule[f] == 'R')
        return licit_err_set(err, LICIT_EINVAL, "field \"%s\" is required for %s %s event", field_names[f],
                             strchr("aeiou", type_names[ev->type][0]) ? "an" : "a", type_names[ev->type]);
      continue;
    }
    if ((rc = parse_field(p, ev, f, &v[f], err))) return rc;
  }
  licit_event_defaults(ev);
  return licit_event_check(ev, err);
}

/* ------------------------------------------------------------ encoding -- */

/* Record layout: a fixed header, then length-prefixed strings.
 *   u8 type, u8 flags, u8 visibility, u8 ai_training, u8 private, char region[2],
 *   u8 flags2, i32 birth_date, i64 ts,
 *   then id, post, user, text, kind, lang as (u32 length, bytes),
 *   then u32 n_signals and each signal as (u32 length, bytes),
 *   then, only when flags2 says so: parent (string), with (string),
 *   u32 n_mentions and each mention (string).
 * Records written before flags2 existed have 0 there, so they decode as
 * events without the newer fields. */
enum { FL_LANG = 1, FL_SIGNALS = 2, FL_REGION = 4, FL_PRIVATE = 8, FL_BIRTH = 16, FL_ID = 32 };
enum { FL2_PARENT = 1, FL2_WITH = 2, FL2_MENTIONS = 4 };
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
  h[7] = (unsigned char)((ev->parent.n ? FL2_PARENT : 0) | (ev->with.n ? FL2_WITH : 0) |
                         (ev->has_mentions ? FL2_MENTIONS : 0));
  memcpy(h + 8, &ev->birth_date, 4);
  memcpy(h + 12, &ev->ts, 8);
  licit_buf_reset(out);
  int rc = licit_buf_add(out, h, HDR);
  const licit_strv *ss[] = {&ev->id, &ev->post, &ev->user, &ev->text, &ev->kind, &ev->lang};
  for (int i = 0; i < 6 && !rc; i++) rc = put_str(out, *ss[i]);
  uint32_t ns = (uint32_t)ev->n_signals;
  if (!rc) rc = licit_buf_add(out, &ns, 4);
  for (size_t i = 0; i < ev->n_signals && !rc; i++) rc = put_str(out, ev->signals[i]);
  if (!rc && ev->parent.n) rc = put_str(out, ev->parent);
  if (!rc && ev->with.n) rc = put_str(out, ev->with);
  if (!rc && ev->has_mentions) {
    uint32_t nm = (uint32_t)ev->n_mentions;
    rc = licit_buf_add(out, &nm, 4);
    for (size_t i = 0; i < ev->n_mentions && !rc; i++) rc = put_str(out, ev->mentions[i]);
  }
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
  if (ev->type < LICIT_EV_POST || ev->type > LICIT_EV_TYPE_MAX) return LICIT_ESTORE;
  unsigned fl = p[1], fl2 = p[7];
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
  if ((fl2 & FL2_PARENT) && get_str(&p, end, &ev->parent)) return LICIT_ESTORE;
  if ((fl2 & FL2_WITH) && get_str(&p, end, &ev->with)) return LICIT_ESTORE;
  if (fl2 & FL2_MENTIONS) {
    uint32_t nm;
    if (end - p < 4) return LICIT_ESTORE;
    memcpy(&nm, p, 4);
    ev->has_mentions = true;
    ev->n_mentions = nm;
    ev->mentions_enc = p + 4;
    p += 4;
    for (uint32_t i = 0; i < nm; i++) {
      licit_strv s;
      if (get_str(&p, end, &s)) return LICIT_ESTORE;
    }
  }
  if (p != end) return LICIT_ESTORE;
  if (!(fl & FL_ID)) ev->id = (licit_strv){NULL, 0};
  return 0;
}

int licit_event_mention(const licit_event *ev, size_t i, licit_strv *out) {
  if (ev->mentions) {
    if (i >= ev->n_mentions) return LICIT_EINVAL;
    *out = ev->mentions[i];
    return 0;
  }
  if (!ev->mentions_enc || i >= ev->n_mentions) return LICIT_EINVAL;
  /* Decoded records were bounds-checked by licit_event_decode. */
  const unsigned char *p = ev->mentions_enc;
  for (size_t k = 0;; k++) {
    uint32_t n;
    memcpy(&n, p, 4);
    if (k == i) {
      out->p = (const char *)p + 4;
      out->n = n;
      return 0;
    }
    p += 4 + n;
  }
}
