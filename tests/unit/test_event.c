/*
 * test_event.c — the native event parser (SPEC section 2, every rule that can
 * be judged from one line), blank-line detection and the binary log encoding.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"

static licit_event_parser *P;
static licit_event ev;
static licit_err err;

static void setup(void) { cr_assert_eq(licit_event_parser_create(&P), 0); }
static void teardown(void) { licit_event_parser_destroy(P); }

TestSuite(event, .init = setup, .fini = teardown);
TestSuite(event_codec, .init = setup, .fini = teardown);

static int parsen(const char *line, size_t n) {
  memset(&err, 0, sizeof err);
  return licit_event_parse(P, line, n, &ev, &err);
}
static int parse(const char *line) { return parsen(line, strlen(line)); }

#define ACCEPT(line)                                                                  \
  do {                                                                                \
    int rc_ = parse(line);                                                            \
    cr_assert_eq(rc_, 0, "expected accepted: %s\n  got %d: %s", line, rc_, err.msg); \
  } while (0)

/* Rejected with LICIT_EINVAL and a message that mentions `needle`. */
#define REJECT(line, needle)                                                                  \
  do {                                                                                        \
    int rc_ = parse(line);                                                                    \
    cr_assert_eq(rc_, LICIT_EINVAL, "expected rejected: %s\n  got %d", line, rc_);            \
    cr_assert_eq(err.code, LICIT_EINVAL);                                                     \
    cr_assert(strstr(err.msg, needle) != NULL, "message \"%s\" should mention %s", err.msg, \
              needle);                                                                        \
  } while (0)

static bool strv_is(licit_strv s, const char *z) {
  return s.p && s.n == strlen(z) && memcmp(s.p, z, s.n) == 0;
}

static int64_t T(const char *s) {
  int64_t us;
  cr_assert_eq(licit_time_parse(s, strlen(s), &us, NULL), 0);
  return us;
}

/* ------------------------------------------------------- valid events -- */

Test(event, post_full) {
  ACCEPT("{\"type\":\"post\",\"id\":\"e1\",\"ts\":\"2024-06-26T10:00:00+02:00\",\"post\":\"p1\","
         "\"user\":\"u1\",\"visibility\":\"followers\",\"text\":\"hello\",\"kind\":\"comment\","
         "\"lang\":\"en\",\"signals\":[\"noai\",\"noimageai\"]}");
  cr_assert_eq(ev.type, LICIT_EV_POST);
  cr_assert_eq(ev.ts, T("2024-06-26T08:00:00Z"));
  cr_assert(strv_is(ev.id, "e1"));
  cr_assert(strv_is(ev.post, "p1"));
  cr_assert(strv_is(ev.user, "u1"));
  cr_assert_eq(ev.visibility, LICIT_VIS_FOLLOWERS);
  cr_assert(strv_is(ev.text, "hello"));
  cr_assert(strv_is(ev.kind, "comment"));
  cr_assert(ev.has_lang);
  cr_assert(strv_is(ev.lang, "en"));
  cr_assert(ev.has_signals);
  cr_assert_eq(ev.n_signals, 2);
  cr_assert(strv_is(ev.signals[0], "noai"));
  cr_assert(strv_is(ev.signals[1], "noimageai"));
}

Test(event, post_defaults) {
  ACCEPT("{\"type\":\"post\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"user\":\"u1\","
         "\"visibility\":\"public\"}");
  cr_assert(strv_is(ev.text, ""), "text defaults to \"\"");
  cr_assert(strv_is(ev.kind, "post"), "kind defaults to \"post\"");
  cr_assert_not(ev.has_lang);
  cr_assert_not(ev.has_signals);
  cr_assert_eq(ev.n_signals, 0);
  cr_assert_eq(ev.id.n, 0, "no id");
  cr_assert_eq(ev.visibility, LICIT_VIS_PUBLIC);
}

Test(event, every_visibility) {
  const char *w[] = {"public", "unlisted", "followers", "private"};
  for (int i = 0; i < 4; i++) {
    char line[200];
    snprintf(line, sizeof line, "{\"type\":\"visibility\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p\","
             "\"visibility\":\"%s\"}", w[i]);
    ACCEPT(line);
    cr_assert_eq(ev.type, LICIT_EV_VISIBILITY);
    cr_assert_eq(ev.visibility, i);
    cr_assert_str_eq(licit_vis_name(i), w[i]);
  }
  REJECT("{\"type\":\"visibility\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p\",\"visibility\":\"friends\"}",
         "\"visibility\"");
  REJECT("{\"type\":\"visibility\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p\",\"visibility\":\"Public\"}",
         "\"visibility\"");
  REJECT("{\"type\":\"visibility\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p\",\"visibility\":\"\"}",
         "\"visibility\"");
  REJECT("{\"type\":\"visibility\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p\",\"visibility\":\"public \"}",
         "\"visibility\"");
}

Test(event, edit_with_and_without_signals) {
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"new\"}");
  cr_assert_eq(ev.type, LICIT_EV_EDIT);
  cr_assert(strv_is(ev.text, "new"));
  cr_assert_not(ev.has_signals, "an edit without signals keeps the post's signals");
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"\",\"signals\":[]}");
  cr_assert(ev.has_signals, "an edit with signals [] replaces them with none");
  cr_assert_eq(ev.n_signals, 0);
  cr_assert(strv_is(ev.text, ""));
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"x\",\"signals\":[\"noai\"]}");
  cr_assert(ev.has_signals);
  cr_assert_eq(ev.n_signals, 1);
  cr_assert(strv_is(ev.signals[0], "noai"));
}

Test(event, delete_event) {
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\"}");
  cr_assert_eq(ev.type, LICIT_EV_DELETE);
  cr_assert(strv_is(ev.post, "p1"));
}

Test(event, account_fields) {
  ACCEPT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\"}");
  cr_assert_eq(ev.type, LICIT_EV_ACCOUNT);
  cr_assert_not(ev.has_region);
  cr_assert_not(ev.has_private);
  cr_assert_not(ev.has_birth_date);
  ACCEPT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"region\":\"DE\","
         "\"private\":true,\"birth_date\":\"2000-02-29\"}");
  cr_assert(ev.has_region && ev.region[0] == 'D' && ev.region[1] == 'E');
  cr_assert(ev.has_private && ev.private_);
  cr_assert(ev.has_birth_date);
  cr_assert_eq(ev.birth_date, 11016);
  ACCEPT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"private\":false}");
  cr_assert(ev.has_private && !ev.private_);
}

Test(event, region_empty_and_invalid) {
  ACCEPT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"region\":\"\"}");
  cr_assert(ev.has_region, "region \"\" is set (to unknown), not absent");
  cr_assert_eq(ev.region[0], 0);
  const char *bad[] = {"es", "Es", "eS", "ESP", "E", "E1", "  ", "\\u00c9S"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char line[200];
    snprintf(line, sizeof line, "{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\","
             "\"region\":\"%s\"}", bad[i]);
    REJECT(line, "\"region\"");
  }
}

Test(event, birth_date_invalid) {
  REJECT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"birth_date\":\"2023-02-29\"}",
         "\"birth_date\"");
  REJECT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"birth_date\":\"2023-1-01\"}",
         "\"birth_date\"");
  REJECT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\","
         "\"birth_date\":\"2000-01-01T00:00:00Z\"}",
         "\"birth_date\"");
  REJECT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"birth_date\":\"0000-01-01\"}",
         "\"birth_date\"");
  REJECT("{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"birth_date\":20000101}",
         "\"birth_date\"");
}

Test(event, ai_training_values) {
  const char *w[] = {"unset", "allow", "deny"};
  for (int i = 0; i < 3; i++) {
    char line[200];
    snprintf(line, sizeof line,
             "{\"type\":\"preference\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"ai_training\":\"%s\"}",
             w[i]);
    ACCEPT(line);
    cr_assert_eq(ev.type, LICIT_EV_PREFERENCE);
    cr_assert_eq(ev.ai_training, i);
    cr_assert_str_eq(licit_pref_name(i), w[i]);
  }
  const char *bad[] = {"no", "Deny", "", "opt_out", "yes"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char line[200];
    snprintf(line, sizeof line,
             "{\"type\":\"preference\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"ai_training\":\"%s\"}",
             bad[i]);
    REJECT(line, "\"ai_training\"");
  }
  REJECT("{\"type\":\"preference\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"ai_training\":false}",
         "\"ai_training\"");
}

Test(event, account_delete_event) {
  ACCEPT("{\"type\":\"account_delete\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\"}");
  cr_assert_eq(ev.type, LICIT_EV_ACCOUNT_DELETE);
  cr_assert(strv_is(ev.user, "u1"));
}

/* --------------------------------------------------- required fields -- */

typedef struct req_case {
  const char *type;
  const char *fields[5]; /* "key":value pairs, all required */
} req_case;

Test(event, required_fields_per_type) {
  static const req_case cases[] = {
      {"post", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"post\":\"p\"", "\"user\":\"u\"", "\"visibility\":\"public\""}},
      {"edit", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"post\":\"p\"", "\"text\":\"t\""}},
      {"visibility", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"post\":\"p\"", "\"visibility\":\"private\""}},
      {"delete", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"post\":\"p\""}},
      {"account", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"user\":\"u\""}},
      {"preference", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"user\":\"u\"", "\"ai_training\":\"deny\""}},
      {"account_delete", {"\"ts\":\"2024-01-01T00:00:00Z\"", "\"user\":\"u\""}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    const req_case *rc = &cases[c];
    size_t nf = 0;
    while (nf < 5 && rc->fields[nf]) nf++;
    /* All present: accepted. */
    char line[512];
    int o = snprintf(line, sizeof line, "{\"type\":\"%s\"", rc->type);
    for (size_t i = 0; i < nf; i++) o += snprintf(line + o, sizeof line - o, ",%s", rc->fields[i]);
    snprintf(line + o, sizeof line - o, "}");
    ACCEPT(line);
    cr_assert_eq(ev.type, (licit_event_type)(c + 1));
    cr_assert_str_eq(licit_event_type_name(ev.type), rc->type);
    /* Each one missing: rejected naming that field. */
    for (size_t skip = 0; skip < nf; skip++) {
      o = snprintf(line, sizeof line, "{\"type\":\"%s\"", rc->type);
      for (size_t i = 0; i < nf; i++)
        if (i != skip) o += snprintf(line + o, sizeof line - o, ",%s", rc->fields[i]);
      snprintf(line + o, sizeof line - o, "}");
      char key[40];
      const char *colon = strchr(rc->fields[skip], ':');
      snprintf(key, sizeof key, "%.*s", (int)(colon - rc->fields[skip]), rc->fields[skip]);
      REJECT(line, key);
      cr_assert(strstr(err.msg, "required") != NULL, "%s", err.msg);
    }
  }
}

/* --------------------------------------------------------- JSON types -- */

Test(event, wrong_json_types) {
  static const struct {
    const char *line, *field;
  } cases[] = {
      {"{\"type\":\"post\",\"ts\":1719396000,\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\"}", "\"ts\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":7,\"user\":\"u\",\"visibility\":\"public\"}",
       "\"post\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":null,\"visibility\":\"public\"}",
       "\"user\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":true}",
       "\"visibility\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\","
       "\"text\":5}",
       "\"text\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\","
       "\"kind\":[]}",
       "\"kind\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\","
       "\"lang\":{}}",
       "\"lang\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\","
       "\"signals\":\"noai\"}",
       "\"signals\""},
      {"{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\",\"visibility\":\"public\","
       "\"signals\":[\"noai\",1]}",
       "\"signals[1]\""},
      {"{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":null}", "\"text\""},
      {"{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"t\",\"signals\":[null]}",
       "\"signals[0]\""},
      {"{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"region\":49}", "\"region\""},
      {"{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"private\":\"true\"}", "\"private\""},
      {"{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"private\":1}", "\"private\""},
      {"{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"private\":null}", "\"private\""},
      {"{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"id\":5}", "\"id\""},
      {"{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"id\":null}", "\"id\""},
      {"{\"type\":5,\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\""},
      {"{\"type\":null,\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) REJECT(cases[i].line, cases[i].field);
}

Test(event, invalid_ts) {
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:60Z\",\"post\":\"p\"}", "\"ts\"");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00\",\"post\":\"p\"}", "\"ts\"");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01\",\"post\":\"p\"}", "\"ts\"");
  REJECT("{\"type\":\"delete\",\"ts\":\"\",\"post\":\"p\"}", "\"ts\"");
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01t00:00:00.123456789z\",\"post\":\"p\"}");
  cr_assert_eq(ev.ts, T("2024-01-01T00:00:00.123456Z"));
}

/* ---------------------------------------------------- id/post/user -- */

static void id_line(char *line, size_t cap, const char *field, const char *val) {
  /* A delete carries id and post; an account carries id and user. */
  if (strcmp(field, "user") == 0)
    snprintf(line, cap, "{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"%s\"}", val);
  else if (strcmp(field, "post") == 0)
    snprintf(line, cap, "{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"%s\"}", val);
  else
    snprintf(line, cap, "{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"id\":\"%s\"}", val);
}

Test(event, id_post_user_lengths) {
  const char *fields[] = {"id", "post", "user"};
  char v256[257], v257[258], line[1024], needle[16];
  memset(v256, 'a', 256);
  v256[256] = 0;
  memset(v257, 'a', 257);
  v257[257] = 0;
  for (int f = 0; f < 3; f++) {
    snprintf(needle, sizeof needle, "\"%s\"", fields[f]);
    id_line(line, sizeof line, fields[f], "x");
    ACCEPT(line);
    id_line(line, sizeof line, fields[f], v256);
    ACCEPT(line);
    licit_strv got = f == 0 ? ev.id : f == 1 ? ev.post : ev.user;
    cr_assert_eq(got.n, 256);
    id_line(line, sizeof line, fields[f], v257);
    REJECT(line, needle);
    id_line(line, sizeof line, fields[f], "");
    REJECT(line, needle);
    /* 256 bytes of multi-byte characters: the limit is in bytes. */
    char mb[300] = "";
    for (int i = 0; i < 128; i++) strcat(mb, "\xc3\xa9");
    id_line(line, sizeof line, fields[f], mb);
    ACCEPT(line);
    strcat(mb, "a");
    id_line(line, sizeof line, fields[f], mb);
    REJECT(line, needle);
  }
}

Test(event, id_post_user_control_characters) {
  const char *fields[] = {"id", "post", "user"};
  const char *ctl[] = {"a\\u0001b", "\\u0000", "a\\tb", "a\\nb", "x\\u001f", "\\r"};
  char line[512], needle[16];
  for (int f = 0; f < 3; f++) {
    snprintf(needle, sizeof needle, "\"%s\"", fields[f]);
    for (size_t i = 0; i < sizeof ctl / sizeof *ctl; i++) {
      id_line(line, sizeof line, fields[f], ctl[i]);
      REJECT(line, needle);
      cr_assert(strstr(err.msg, "control") != NULL, "%s", err.msg);
    }
    /* Space and DEL are not control characters below 0x20. */
    id_line(line, sizeof line, fields[f], "a b\x7f");
    ACCEPT(line);
  }
}

/* ------------------------------------------------------------ signals -- */

Test(event, signals_dedup_keeps_first_seen_order) {
  ACCEPT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\","
         "\"visibility\":\"public\",\"signals\":[\"noai\",\"b\",\"noai\",\"NOAI\",\"b\"]}");
  cr_assert_eq(ev.n_signals, 3);
  cr_assert(strv_is(ev.signals[0], "noai"));
  cr_assert(strv_is(ev.signals[1], "b"));
  cr_assert(strv_is(ev.signals[2], "NOAI"), "signals compare exactly (case matters)");
}

Test(event, signals_capped_at_64_tokens_of_1_to_256_bytes) {
  char line[80000];
  int o = snprintf(line, sizeof line,
                   "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[");
  for (int i = 0; i < 65; i++) o += snprintf(line + o, sizeof line - o, "%s\"s%d\"", i ? "," : "", i);
  snprintf(line + o, sizeof line - o, "]}");
  REJECT(line, "more than the limit of 64");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[\"a\",\"\"]}",
         "signals[1]\": expected a string of 1-256 bytes");
  char tok[300];
  memset(tok, 'k', 257);
  tok[257] = 0;
  snprintf(line, sizeof line,
           "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[\"%s\"]}", tok);
  REJECT(line, "got 257 bytes");
  tok[256] = 0;
  snprintf(line, sizeof line,
           "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[\"%s\"]}", tok);
  ACCEPT(line);
}

Test(event, many_signals_parse_fast) {
  /* 68k signals once took 17 s (pairwise de-duplication before any cap):
   * the cap is checked before the tokens are compared. */
  size_t cap = 68000 * 8 + 200;
  char *line = malloc(cap);
  int o = snprintf(line, cap, "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[");
  for (int i = 0; i < 68000; i++) o += snprintf(line + o, cap - o, "%s\"%05d\"", i ? "," : "", i);
  snprintf(line + o, cap - o, "]}");
  REJECT(line, "more than the limit of 64");
  free(line);
}

Test(event, signals_grow_between_lines) {
  /* The parser reuses its signal array: a longer list after a shorter one. */
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[\"a\"]}");
  char line[4096];
  int o = snprintf(line, sizeof line,
                   "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"signals\":[");
  for (int i = 0; i < 64; i++) o += snprintf(line + o, sizeof line - o, "%s\"s%d\"", i ? "," : "", i);
  snprintf(line + o, sizeof line - o, "]}");
  ACCEPT(line);
  cr_assert_eq(ev.n_signals, 64);
  cr_assert(strv_is(ev.signals[63], "s63"));
}

/* --------------------------------------------------------------- text -- */

Test(event, text_with_nul_kept) {
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"a\\u0000b\\u0000\"}");
  cr_assert_eq(ev.text.n, 4);
  cr_assert_eq(memcmp(ev.text.p, "a\0b\0", 4), 0);
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\\ud83d\\ude00\\n\"}");
  cr_assert_eq(ev.text.n, 5);
  cr_assert_eq(memcmp(ev.text.p, "\xf0\x9f\x98\x80\n", 5), 0);
}

static char *text_line(size_t nbytes, const char *unit, size_t unit_len, size_t *len) {
  const char *pre = "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"";
  size_t pl = strlen(pre);
  char *line = malloc(pl + nbytes + 16);
  cr_assert_not_null(line);
  memcpy(line, pre, pl);
  size_t o = pl;
  for (size_t i = 0; i < nbytes / unit_len; i++, o += unit_len) memcpy(line + o, unit, unit_len);
  for (size_t i = 0; i < nbytes % unit_len; i++) line[o++] = 'x';
  memcpy(line + o, "\"}", 2);
  o += 2;
  *len = o;
  return line;
}

Test(event, text_size_limit) {
  size_t len;
  char *line = text_line(LICIT_TEXT_MAX, "x", 1, &len);
  int rc = parsen(line, len);
  cr_assert_eq(rc, 0, "%s", err.msg);
  cr_assert_eq(ev.text.n, 1048576);
  free(line);
  line = text_line(LICIT_TEXT_MAX + 1, "x", 1, &len);
  cr_assert_eq(parsen(line, len), LICIT_EINVAL);
  cr_assert(strstr(err.msg, "\"text\"") != NULL, "%s", err.msg);
  free(line);
  /* Bytes, not characters: 524288 two-byte characters are exactly at the limit. */
  line = text_line(LICIT_TEXT_MAX, "\xc3\xa9", 2, &len);
  cr_assert_eq(parsen(line, len), 0, "%s", err.msg);
  free(line);
  line = text_line(LICIT_TEXT_MAX + 1, "\xc3\xa9", 2, &len);
  cr_assert_eq(parsen(line, len), LICIT_EINVAL);
  free(line);
  /* The limit applies to the decoded text: 1,048,576 escapes of 6 bytes each
   * would exceed the line limit, but 300,000 "\n" escapes (2 bytes each)
   * decode to 300,000 bytes and are fine. */
  line = text_line(600000, "\\n", 2, &len);
  cr_assert_eq(parsen(line, len), 0, "%s", err.msg);
  cr_assert_eq(ev.text.n, 300000);
  free(line);
}

Test(event, post_text_limit_too) {
  char *big = malloc(LICIT_TEXT_MAX + 200);
  int o = sprintf(big, "{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\","
                  "\"visibility\":\"public\",\"text\":\"");
  memset(big + o, 'y', LICIT_TEXT_MAX + 1);
  o += LICIT_TEXT_MAX + 1;
  memcpy(big + o, "\"}", 2);
  cr_assert_eq(parsen(big, (size_t)o + 2), LICIT_EINVAL);
  cr_assert(strstr(err.msg, "\"text\"") != NULL, "%s", err.msg);
  free(big);
}

Test(event, line_too_big) {
  /* Valid JSON padded by an unknown field to exactly 2 MiB: accepted; one
   * byte more: LICIT_ETOOBIG. */
  size_t n = LICIT_LINE_MAX + 1;
  char *line = malloc(n);
  const char *pre = "{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"pad\":\"";
  size_t pl = strlen(pre);
  memcpy(line, pre, pl);
  memset(line + pl, 'z', LICIT_LINE_MAX - pl - 2);
  memcpy(line + LICIT_LINE_MAX - 2, "\"}", 2);
  cr_assert_eq(parsen(line, LICIT_LINE_MAX), 0, "%s", err.msg);
  memset(line + pl, 'z', LICIT_LINE_MAX - pl - 1);
  memcpy(line + LICIT_LINE_MAX - 1, "\"}", 2);
  cr_assert_eq(parsen(line, n), LICIT_ETOOBIG);
  cr_assert_eq(err.code, LICIT_ETOOBIG);
  cr_assert(strstr(err.msg, "2 MiB") != NULL, "%s", err.msg);
  free(line);
}

/* ---------------------------------------------------------- JSON layer -- */

Test(event, unknown_fields_ignored) {
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"client\":\"web\","
         "\"nested\":{\"a\":[1,2.5,{\"b\":null}]},\"flag\":true,\"n\":-3e10}");
  cr_assert_eq(ev.type, LICIT_EV_DELETE);
}

Test(event, huge_integer_in_unknown_field) {
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\","
         "\"big\":123456789012345678901234567890123456789012345678901234567890}");
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":-9223372036854775809}");
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":18446744073709551616}");
  /* Beyond the range of a double too: 400 digits, and 1e400. */
  char line[1024];
  int o = snprintf(line, sizeof line, "{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":[-");
  memset(line + o, '9', 400);
  snprintf(line + o + 400, sizeof line - o - 400, ",{\"x\":1e400}, \"1e400\"]}");
  ACCEPT(line);
  cr_assert(strv_is(ev.post, "p"));
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"big\":-1E+400,\"post\":\"p\"}");
  /* Still strict about everything else on that path. */
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":1e400,\"x\":1.5.3}", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":1e400,\"x\":01}", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":1e400,\"x\":NaN}", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":1e400,\"big\":1}", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"big\":1e400,\"x\":-}", "JSON");
  /* A known field with such a number has the wrong type, as any number would. */
  REJECT("{\"type\":\"delete\",\"ts\":1e400,\"post\":\"p\"}", "\"ts\"");
}

Test(event, unknown_and_missing_type) {
  REJECT("{\"type\":\"like\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\"");
  REJECT("{\"type\":\"Post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\"");
  REJECT("{\"type\":\"\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\"");
  REJECT("{\"type\":\"post\\u0000\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\"");
  REJECT("{\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"type\" is missing");
  REJECT("{}", "\"type\"");
}

Test(event, not_an_object) {
  REJECT("[{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}]", "object");
  REJECT("\"delete\"", "object");
  REJECT("42", "object");
  REJECT("null", "object");
  REJECT("true", "object");
}

Test(event, not_json) {
  REJECT("", "JSON");
  REJECT("{", "JSON");
  REJECT("{\"type\":\"delete\",}", "JSON");
  REJECT("{'type':'delete'}", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"} x", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}{}", "JSON");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}\n{}", "JSON");
  /* A column is named for a JSON error. */
  REJECT("{\"type\":\"delete\",,}", "column");
}

Test(event, invalid_utf8) {
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"a\xff\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\xc0\xaf\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\xed\xa0\x80\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\xe2\x82\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\xf4\x90\x80\x80\"}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"x\":\"\x80\"}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"\xfe\":1}", "");
}

Test(event, surrogates) {
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\\ud800\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\\udc00\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\\ud800x\"}", "");
  REJECT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\\ud800\\u0041\"}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"u\":\"\\udfff\"}", "");
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\\uD834\\uDD1E\"}");
  cr_assert_eq(ev.text.n, 4);
}

Test(event, nan_and_infinity) {
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"x\":NaN}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"x\":Infinity}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"x\":-Infinity}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"x\":[nan]}", "");
}

Test(event, repeated_key) {
  REJECT("{\"type\":\"delete\",\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "");
  REJECT("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"region\":\"ES\",\"region\":\"FR\"}",
         "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"x\":1,\"x\":1}", "");
  REJECT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"o\":{\"k\":1,\"k\":2}}", "");
  /* The same key in two different objects is fine. */
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"o\":{\"post\":1},\"q\":{\"post\":2}}");
}

Test(event, carriage_return_and_whitespace) {
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}\r");
  cr_assert(strv_is(ev.post, "p"));
  ACCEPT("  \t{ \"type\" : \"delete\" ,\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\" } \t\r");
}

Test(event, strings_point_into_parser_until_next_call) {
  ACCEPT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"first\",\"user\":\"u\","
         "\"visibility\":\"public\",\"text\":\"one\"}");
  cr_assert(strv_is(ev.post, "first"));
  /* A rejected line leaves the event cleared (no stale pointers to use). */
  REJECT("[1]", "object");
  cr_assert_eq(ev.type, LICIT_EV_NONE);
  ACCEPT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"second\",\"user\":\"u\","
         "\"visibility\":\"public\"}");
  cr_assert(strv_is(ev.post, "second"));
  cr_assert(strv_is(ev.text, ""));
}

Test(event, id_is_reported_for_rejected_lines) {
  /* event.h: a JSON object with a valid id has ev->id set even when the line
   * is rejected, so the caller can count it as a duplicate. */
  REJECT("{\"id\":\"e7\",\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"user\":\"u\"}", "\"visibility\"");
  cr_assert(strv_is(ev.id, "e7"));
  REJECT("{\"type\":\"like\",\"id\":\"e8\"}", "\"type\"");
  cr_assert(strv_is(ev.id, "e8"));
  REJECT("{\"id\":\"bad\\u0001\",\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\"}", "\"id\"");
  cr_assert_eq(ev.id.n, 0, "an invalid id is not reported");
  REJECT("[\"id\"]", "object");
  cr_assert_eq(ev.id.n, 0);
}

Test(event, event_check_for_adapters) {
  licit_event e = {0};
  e.type = LICIT_EV_ACCOUNT;
  e.user = (licit_strv){"u", 1};
  cr_assert_eq(licit_event_check(&e, &err), 0);
  e.has_region = true;
  e.region[0] = 'd';
  e.region[1] = 'e';
  cr_assert_eq(licit_event_check(&e, &err), LICIT_EINVAL);
  cr_assert(strstr(err.msg, "\"region\"") != NULL);
  e.region[0] = 'D';
  e.region[1] = 'E';
  cr_assert_eq(licit_event_check(&e, &err), 0);
  e.user = (licit_strv){"a\x01", 2};
  cr_assert_eq(licit_event_check(&e, &err), LICIT_EINVAL);
  e.user = (licit_strv){"u", 1};
  e.text = (licit_strv){"", LICIT_TEXT_MAX + 1};
  cr_assert_eq(licit_event_check(&e, &err), LICIT_EINVAL);
  cr_assert(strstr(err.msg, "\"text\"") != NULL);
}

Test(event, word_parsers) {
  cr_assert_eq(licit_vis_parse("private", 7), LICIT_VIS_PRIVATE);
  cr_assert_eq(licit_vis_parse("privat", 6), -1);
  cr_assert_eq(licit_vis_parse("privatee", 8), -1);
  cr_assert_eq(licit_pref_parse("deny", 4), LICIT_PREF_DENY);
  cr_assert_eq(licit_pref_parse("den", 3), -1);
  cr_assert_str_eq(licit_event_type_name(LICIT_EV_ACCOUNT_DELETE), "account_delete");
  cr_assert_str_eq(licit_event_type_name(LICIT_EV_NONE), "?");
  cr_assert_str_eq(licit_vis_name(4), "?");
}

/* -------------------------------------------------------- blank lines -- */

Test(blank, detection) {
  cr_assert(licit_line_is_blank("", 0));
  cr_assert(licit_line_is_blank(" ", 1));
  cr_assert(licit_line_is_blank("\t", 1));
  cr_assert(licit_line_is_blank("\r", 1));
  cr_assert(licit_line_is_blank(" \t \r", 4));
  cr_assert(licit_line_is_blank("   x", 3), "only the first n bytes count");
  cr_assert_not(licit_line_is_blank("   x", 4));
  cr_assert_not(licit_line_is_blank("{}", 2));
  cr_assert_not(licit_line_is_blank("\v", 1));
  cr_assert_not(licit_line_is_blank("\f", 1));
  cr_assert_not(licit_line_is_blank("\0", 1));
  cr_assert_not(licit_line_is_blank("\xc2\xa0", 2), "a no-break space is not blank");
}

/* ------------------------------------------------------ encode/decode -- */

static void assert_same_strv(licit_strv a, licit_strv b, const char *what) {
  cr_assert_eq(a.n, b.n, "%s length %zu vs %zu", what, a.n, b.n);
  if (a.n) cr_assert_eq(memcmp(a.p, b.p, a.n), 0, "%s bytes", what);
}

static void assert_round_trip(const licit_event *a) {
  licit_buf b = LICIT_BUF_INIT;
  cr_assert_eq(licit_event_encode(a, &b), 0);
  licit_event d;
  licit_strv sig[64];
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, sig, 64), 0);
  cr_assert_eq(d.type, a->type);
  cr_assert_eq(d.ts, a->ts);
  assert_same_strv(d.id, a->id, "id");
  cr_assert_eq(d.id.p == NULL, a->id.n == 0, "no id decodes as NULL");
  assert_same_strv(d.post, a->post, "post");
  assert_same_strv(d.user, a->user, "user");
  assert_same_strv(d.text, a->text, "text");
  assert_same_strv(d.kind, a->kind, "kind");
  assert_same_strv(d.lang, a->lang, "lang");
  cr_assert_eq(d.has_lang, a->has_lang);
  cr_assert_eq(d.has_signals, a->has_signals);
  cr_assert_eq(d.has_region, a->has_region);
  cr_assert_eq(d.has_private, a->has_private);
  cr_assert_eq(d.has_birth_date, a->has_birth_date);
  cr_assert_eq(d.visibility, a->visibility);
  cr_assert_eq(d.ai_training, a->ai_training);
  cr_assert_eq(d.private_, a->private_);
  cr_assert_eq(d.region[0], a->region[0]);
  cr_assert_eq(d.region[1], a->region[1]);
  cr_assert_eq(d.birth_date, a->birth_date);
  cr_assert_eq(d.n_signals, a->n_signals);
  for (size_t i = 0; i < a->n_signals; i++) assert_same_strv(d.signals[i], a->signals[i], "signal");
  assert_same_strv(d.parent, a->parent, "parent");
  assert_same_strv(d.with, a->with, "with");
  cr_assert_eq(d.has_mentions, a->has_mentions);
  cr_assert_eq(d.n_mentions, a->n_mentions);
  for (size_t i = 0; i < a->n_mentions; i++) {
    licit_strv m;
    cr_assert_eq(licit_event_mention(&d, i, &m), 0);
    assert_same_strv(m, a->mentions[i], "mention");
  }
  /* Every truncation of the record is detected as damage. */
  for (size_t cut = 0; cut < b.len; cut++)
    cr_assert_eq(licit_event_decode(b.data, cut, &d, sig, 64), LICIT_ESTORE, "cut at %zu of %zu", cut, b.len);
  licit_buf_free(&b);
}

Test(event_codec, round_trip_every_type) {
  const char *lines[] = {
      "{\"type\":\"post\",\"id\":\"e1\",\"ts\":\"2024-06-26T10:00:00.123456+02:00\",\"post\":\"p1\",\"user\":\"u1\","
      "\"visibility\":\"unlisted\",\"text\":\"h\\u0000i \\ud83d\\ude00\",\"kind\":\"photo\",\"lang\":\"\","
      "\"signals\":[\"noai\",\"x\"],\"parent\":\"p0\",\"mentions\":[\"u2\",\"u3\",\"u2\"]}",
      "{\"type\":\"edit\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"x\",\"mentions\":[]}",
      "{\"type\":\"link\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"with\":\"u2\"}",
      "{\"type\":\"unlink\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"with\":\"u2\",\"id\":\"l\"}",
      "{\"type\":\"post\",\"ts\":\"1969-12-31T23:59:59Z\",\"post\":\"p2\",\"user\":\"u1\",\"visibility\":\"public\"}",
      "{\"type\":\"edit\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"new\"}",
      "{\"type\":\"edit\",\"id\":\"e2\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"\",\"signals\":[]}",
      "{\"type\":\"visibility\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"visibility\":\"private\"}",
      "{\"type\":\"delete\",\"ts\":\"9999-12-31T23:59:59Z\",\"post\":\"p1\",\"id\":\"d\"}",
      "{\"type\":\"account\",\"ts\":\"0001-01-01T00:00:00Z\",\"user\":\"u1\"}",
      "{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"region\":\"NO\",\"private\":true,"
      "\"birth_date\":\"1960-03-01\"}",
      "{\"type\":\"account\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"region\":\"\",\"private\":false}",
      "{\"type\":\"preference\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"ai_training\":\"deny\"}",
      "{\"type\":\"preference\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"ai_training\":\"allow\"}",
      "{\"type\":\"account_delete\",\"ts\":\"2024-06-26T10:00:00Z\",\"user\":\"u1\",\"id\":\"z\"}",
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
    ACCEPT(lines[i]);
    assert_round_trip(&ev);
  }
}

Test(event_codec, decode_rejects_damage) {
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\"}");
  licit_buf b = LICIT_BUF_INIT;
  cr_assert_eq(licit_event_encode(&ev, &b), 0);
  licit_event d;
  b.data[0] = 0; /* type NONE */
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, NULL, 0), LICIT_ESTORE);
  b.data[0] = LICIT_EV_TYPE_MAX + 1; /* beyond the last type */
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, NULL, 0), LICIT_ESTORE);
  b.data[0] = LICIT_EV_DELETE;
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, NULL, 0), 0);
  /* A string length pointing past the end. */
  uint32_t huge = 0xFFFFFFF0u;
  memcpy(b.data + 20, &huge, 4);
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, NULL, 0), LICIT_ESTORE);
  licit_buf_free(&b);
}

Test(event_codec, decode_with_short_signal_buffer) {
  ACCEPT("{\"type\":\"edit\",\"ts\":\"2024-06-26T10:00:00Z\",\"post\":\"p1\",\"text\":\"t\","
         "\"signals\":[\"a\",\"b\",\"c\"]}");
  licit_buf b = LICIT_BUF_INIT;
  cr_assert_eq(licit_event_encode(&ev, &b), 0);
  licit_event d;
  licit_strv sig[2] = {{NULL, 0}, {NULL, 0}};
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, sig, 1), 0);
  cr_assert_eq(d.n_signals, 3, "all signals are counted");
  cr_assert(strv_is(sig[0], "a"));
  cr_assert_null(sig[1].p, "nothing is written beyond sigcap");
  cr_assert_eq(licit_event_decode(b.data, b.len, &d, NULL, 0), 0);
  cr_assert_eq(d.n_signals, 3);
  licit_buf_free(&b);
}

/* ------------------------------------- threads, persons and mentions -- */

Test(event, parent_mentions_link_fields) {
  ACCEPT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"user\":\"u\",\"visibility\":\"public\","
         "\"parent\":\"p\",\"mentions\":[\"a\",\"b\",\"a\"]}");
  cr_assert(strv_is(ev.parent, "p"));
  cr_assert(ev.has_mentions);
  cr_assert_eq(ev.n_mentions, 3, "repeats are kept as given");
  REJECT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"user\":\"u\",\"visibility\":\"public\","
         "\"parent\":\"c\"}",
         "cannot be its own parent");
  REJECT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"user\":\"u\",\"visibility\":\"public\","
         "\"parent\":\"\"}",
         "field \"parent\": expected a string of 1-256 bytes");
  REJECT("{\"type\":\"link\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"a\",\"with\":\"\"}",
         "field \"with\": expected a string of 1-256 bytes");
  REJECT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"user\":\"u\",\"visibility\":\"public\","
         "\"parent\":null}",
         "field \"parent\": expected a string, got null");
  REJECT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"user\":\"u\",\"visibility\":\"public\","
         "\"mentions\":[\"a\",\"\"]}",
         "mentions[1]");
  REJECT("{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"user\":\"u\",\"visibility\":\"public\","
         "\"mentions\":\"a\"}",
         "expected an array of user ids");
  ACCEPT("{\"type\":\"link\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"a\",\"with\":\"b\"}");
  cr_assert(strv_is(ev.with, "b"));
  REJECT("{\"type\":\"link\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"a\",\"with\":\"a\"}", "same account");
  REJECT("{\"type\":\"unlink\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"a\"}", "\"with\" is required");
  /* mentions are ignored (like any unknown field) where the type has none */
  ACCEPT("{\"type\":\"delete\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"c\",\"mentions\":7}");
}

Test(event, mentions_capped_at_1000) {
  size_t cap = 1001 * 8 + 200;
  char *line = malloc(cap);
  int o = snprintf(line, cap, "{\"type\":\"edit\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p\",\"text\":\"\",\"mentions\":[");
  for (int i = 0; i < 1001; i++) o += snprintf(line + o, cap - o, "%s\"u%d\"", i ? "," : "", i);
  snprintf(line + o, cap - o, "]}");
  REJECT(line, "more than the limit of 1000");
  free(line);
}

Test(event, a_duplicate_key_is_named) {
  /* Few keys (compared pairwise) and many (sorted): the message names the
   * key, quotes and control characters shown as '?'. */
  REJECT("{\"type\":\"account\",\"ts\":\"2024-01-01T00:00:00Z\",\"user\":\"u\",\"user\":\"v\"}",
         "duplicate object key \"user\"");
  REJECT("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"x\\\"\\n\":1,\"x\\\"\\n\":2}",
         "duplicate object key \"x??\"");
}
