/*
 * test_adapters.c — the platform adapters seen through a capturing sink
 * (the native events each source record becomes, parent and mentions
 * included, which the store does not expose yet), the streaming outbox
 * reader (src/adapters/archive.c) fed in chunks of every small size, and
 * the lenient JSON reading the adapters rely on.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/adapter.h"
#include "adapters/archive.h"
#include "adapters/html.h"
#include "json/json.h"

extern const licit_adapter licit_adapter_jetstream;
extern const licit_adapter licit_adapter_native;
extern const licit_adapter licit_adapter_activitypub;

/* ------------------------------------------------------ capturing sink -- */

#define MAXEV 8
#define MAXM 8

/* One emitted event, its strings copied (they live only for the call). */
typedef struct cap_ev {
  licit_event_type type;
  char post[300], user[300], parent[300], text[300];
  bool has_parent, has_mentions;
  size_t n_mentions;
  char mentions[MAXM][300];
  unsigned flags;
} cap_ev;

static cap_ev got[MAXEV];
static size_t n_got;

static void copy(char *dst, licit_strv s) {
  cr_assert(s.n < 300);
  if (s.n) memcpy(dst, s.p, s.n);
  dst[s.n] = 0;
}

static int cap_emit(licit_sink *s, const licit_event *ev, unsigned flags) {
  (void)s;
  cr_assert(n_got < MAXEV);
  cap_ev *c = &got[n_got++];
  memset(c, 0, sizeof *c);
  c->type = ev->type;
  c->flags = flags;
  copy(c->post, ev->post);
  copy(c->user, ev->user);
  copy(c->text, ev->text);
  c->has_parent = ev->parent.n > 0;
  cr_assert(ev->parent.n > 0 || ev->parent.p == NULL || ev->parent.n == 0);
  copy(c->parent, ev->parent);
  c->has_mentions = ev->has_mentions;
  c->n_mentions = ev->n_mentions;
  cr_assert(ev->n_mentions <= MAXM);
  for (size_t i = 0; i < ev->n_mentions; i++) copy(c->mentions[i], ev->mentions[i]);
  return 0;
}

static int known(licit_sink *s, const char *id, size_t n) {
  (void)s;
  (void)id;
  (void)n;
  return 1;
}

/* A store that fails every look-up. */
static int broken(licit_sink *s, const char *id, size_t n) {
  (void)s;
  (void)id;
  (void)n;
  return LICIT_EIO;
}

static licit_err err;

/* Feeds one record to a fresh adapter state; returns record()'s result. */
static int feed(const licit_adapter *a, const char *line) {
  void *state;
  cr_assert_eq(a->create(&state, NULL), 0);
  licit_sink sink = {cap_emit, known, known};
  n_got = 0;
  memset(&err, 0, sizeof err);
  int rc = a->record(state, line, strlen(line), &sink, &err);
  a->destroy(state);
  return rc;
}

#define JS_POST(op, record)                                                                                  \
  "{\"did\":\"did:plc:alice\",\"time_us\":1725148800000000,\"kind\":\"commit\",\"commit\":{\"rev\":\"r1\"," \
  "\"operation\":\"" op "\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"k1\",\"record\":" record "}}"

#define MENTION(did) "{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"" did "\"}"
#define FACET(features) "{\"index\":{\"byteStart\":0,\"byteEnd\":4},\"features\":[" features "]}"

/* ----------------------------------------------------------- jetstream -- */

Test(jetstream, reply_parent_and_mentions) {
  int rc = feed(&licit_adapter_jetstream,
                JS_POST("create", "{\"text\":\"@bob @carol hi\",\"reply\":{\"root\":{\"uri\":\"at://did:plc:r/"
                                  "app.bsky.feed.post/root\",\"cid\":\"c\"},\"parent\":{\"uri\":\"at://did:plc:bob/"
                                  "app.bsky.feed.post/p1\",\"cid\":\"c\"}},\"facets\":[" FACET(
                                      MENTION("did:plc:bob")) "," FACET("{\"$type\":\"app.bsky.richtext.facet#link\","
                                                                        "\"uri\":\"https://x.example\"}"
                                                                        "," MENTION("did:plc:carol")) "]}"));
  cr_assert_eq(rc, 0, "%s", err.msg);
  cr_assert_eq(n_got, 1);
  cr_assert_eq(got[0].type, LICIT_EV_POST);
  cr_assert_str_eq(got[0].post, "at://did:plc:alice/app.bsky.feed.post/k1");
  cr_assert_str_eq(got[0].parent, "at://did:plc:bob/app.bsky.feed.post/p1", "the parent, not the root");
  cr_assert(got[0].has_mentions);
  cr_assert_eq(got[0].n_mentions, 2, "mentions only, links passed over");
  cr_assert_str_eq(got[0].mentions[0], "did:plc:bob");
  cr_assert_str_eq(got[0].mentions[1], "did:plc:carol");
}

/* --region adds the account's region on its first event, when the store
 * does not know the account: a store error there is the record's error,
 * never "not known" (which would set the region of a known account). */
Test(jetstream, store_error_is_not_unknown) {
  void *state;
  cr_assert_eq(licit_adapter_jetstream.create(&state, "DE"), 0);
  licit_sink sink = {cap_emit, broken, broken};
  n_got = 0;
  const char *line = JS_POST("create", "{\"text\":\"plain\"}");
  int rc = licit_adapter_jetstream.record(state, line, strlen(line), &sink, &err);
  licit_adapter_jetstream.destroy(state);
  cr_assert_eq(rc, LICIT_EIO, "record gave %d", rc);
  cr_assert_eq(n_got, 0, "an event was emitted despite the store error");
}

/* A record that fails validation but carries an id is a duplicate when
 * the id was accepted before; a store error there is the record's error,
 * not "invalid". */
Test(native, store_error_is_not_invalid) {
  void *state;
  cr_assert_eq(licit_adapter_native.create(&state, NULL), 0);
  licit_sink sink = {cap_emit, broken, broken};
  const char *line = "{\"id\":\"e1\",\"type\":\"post\",\"ts\":\"not a time\"}";
  int rc = licit_adapter_native.record(state, line, strlen(line), &sink, &err);
  licit_adapter_native.destroy(state);
  cr_assert_eq(rc, LICIT_EIO, "record gave %d", rc);
}

Test(jetstream, no_reply_no_parent) {
  cr_assert_eq(feed(&licit_adapter_jetstream, JS_POST("create", "{\"text\":\"plain\"}")), 0, "%s", err.msg);
  cr_assert_eq(n_got, 1);
  cr_assert_not(got[0].has_parent, "no parent at all, never an empty one");
  cr_assert_eq(got[0].n_mentions, 0);
  cr_assert_eq(feed(&licit_adapter_jetstream, JS_POST("create", "{\"text\":\"plain\",\"reply\":null,\"facets\":[]}")),
               0, "%s", err.msg);
  cr_assert_not(got[0].has_parent);
}

Test(jetstream, update_carries_mentions) {
  cr_assert_eq(feed(&licit_adapter_jetstream,
                    JS_POST("update", "{\"text\":\"hi @dan\",\"facets\":[" FACET(MENTION("did:plc:dan")) "]}")),
               0, "%s", err.msg);
  cr_assert_eq(n_got, 1);
  cr_assert_eq(got[0].type, LICIT_EV_EDIT);
  cr_assert(got[0].has_mentions);
  cr_assert_eq(got[0].n_mentions, 1);
  cr_assert_str_eq(got[0].mentions[0], "did:plc:dan");
  /* The record is whole: an update without facets clears the mentions. */
  cr_assert_eq(feed(&licit_adapter_jetstream, JS_POST("update", "{\"text\":\"no one\"}")), 0, "%s", err.msg);
  cr_assert(got[0].has_mentions);
  cr_assert_eq(got[0].n_mentions, 0);
}

Test(jetstream, malformed_reply_and_facets) {
  static const char *const bad[][2] = {
      {JS_POST("create", "{\"text\":\"x\",\"reply\":\"at://x\"}"), "\"commit.record.reply\": expected an object"},
      {JS_POST("create", "{\"text\":\"x\",\"reply\":{\"root\":{}}}"), "\"commit.record.reply.parent\" is required"},
      {JS_POST("create", "{\"text\":\"x\",\"reply\":{\"parent\":{\"uri\":7}}}"),
       "\"commit.record.reply.parent.uri\": expected a string"},
      {JS_POST("create", "{\"text\":\"x\",\"reply\":{\"parent\":{\"uri\":\"\"}}}"),
       "\"commit.record.reply.parent.uri\" is empty"},
      {JS_POST("create", "{\"text\":\"x\",\"reply\":{\"parent\":{\"uri\":\"at://did:plc:alice/app.bsky.feed.post/"
                         "k1\"}}}"),
       "own parent"},
      {JS_POST("create", "{\"text\":\"x\",\"facets\":{}}"), "\"commit.record.facets\": expected an array"},
      {JS_POST("create", "{\"text\":\"x\",\"facets\":[1]}"), "\"commit.record.facets[0]\": expected an object"},
      {JS_POST("create", "{\"text\":\"x\",\"facets\":[{\"features\":[{\"$type\":\"app.bsky.richtext.facet#"
                         "mention\"}]}]}"),
       "\"commit.record.facets[0].features[0].did\" is required"},
      {JS_POST("update", "{\"text\":\"x\",\"facets\":[" FACET(MENTION("")) "]}"), "mentions[0]"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = feed(&licit_adapter_jetstream, bad[i][0]);
    cr_assert_eq(rc, LICIT_EINVAL, "line %zu: expected rejected, got %d", i, rc);
    cr_assert(strstr(err.msg, bad[i][1]), "line %zu: \"%s\" should mention %s", i, err.msg, bad[i][1]);
    cr_assert_eq(n_got, 0);
  }
}

Test(jetstream, huge_numbers) {
  /* An unknown field with a number beyond 64 bits or beyond a double. */
  cr_assert_eq(feed(&licit_adapter_jetstream,
                    "{\"did\":\"did:plc:a\",\"time_us\":1725148800000000,\"kind\":\"commit\",\"x\":99999999999999999999,"
                    "\"commit\":{\"rev\":\"r\",\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":"
                    "\"k\",\"record\":{\"text\":\"t\",\"n\":1e400,\"m\":-1e400}}}"),
               0, "%s", err.msg);
  cr_assert_eq(n_got, 1);
  /* time_us out of range says so. */
  static const char *const t[] = {"99999999999999999999", "-99999999999999999999", "1e400", "9300000000000000000"};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char line[512];
    snprintf(line, sizeof line, "{\"did\":\"did:plc:a\",\"time_us\":%s,\"kind\":\"identity\"}", t[i]);
    cr_assert_eq(feed(&licit_adapter_jetstream, line), LICIT_EINVAL, "%s", t[i]);
    cr_assert(strstr(err.msg, "\"time_us\"") && strstr(err.msg, "outside the years 0001-9999"), "%s: %s", t[i],
              err.msg);
  }
}

/* --------------------------------------------------------- activitypub -- */

#define AP_NOTE(type, extra)                                                                              \
  "{\"id\":\"https://s.example/a/1/activity\",\"type\":\"" type "\",\"actor\":\"https://s.example/users/a\"," \
  "\"object\":{\"id\":\"https://s.example/a/1\",\"type\":\"Note\",\"published\":\"2024-09-02T08:00:00Z\","   \
  "\"updated\":\"2024-09-02T09:00:00Z\",\"to\":[\"as:Public\"],\"content\":\"<p>hi</p>\"" extra "}}"

#define AP_MENTION(href) "{\"type\":\"Mention\",\"href\":\"" href "\",\"name\":\"@x\"}"

Test(activitypub, reply_parent_and_mentions) {
  cr_assert_eq(feed(&licit_adapter_activitypub,
                    AP_NOTE("Create", ",\"inReplyTo\":\"https://o.example/b/9\",\"tag\":[" AP_MENTION(
                                          "https://o.example/users/b") ",{\"type\":\"Hashtag\",\"href\":\"https://"
                                                                       "s.example/tags/t\",\"name\":\"#t\"},"
                                                                       "\"https://link.example\"," AP_MENTION(
                                                                           "https://p.example/users/c") "]")),
               0, "%s", err.msg);
  cr_assert_eq(n_got, 1);
  cr_assert_eq(got[0].type, LICIT_EV_POST);
  cr_assert_str_eq(got[0].parent, "https://o.example/b/9");
  cr_assert(got[0].has_mentions);
  cr_assert_eq(got[0].n_mentions, 2, "Mention tags only");
  cr_assert_str_eq(got[0].mentions[0], "https://o.example/users/b");
  cr_assert_str_eq(got[0].mentions[1], "https://p.example/users/c");
}

Test(activitypub, parent_forms) {
  /* inReplyTo as an object: its id. */
  cr_assert_eq(feed(&licit_adapter_activitypub,
                    AP_NOTE("Create", ",\"inReplyTo\":{\"id\":\"https://o.example/b/9\",\"type\":\"Note\"}")),
               0, "%s", err.msg);
  cr_assert_str_eq(got[0].parent, "https://o.example/b/9");
  /* null or absent: no parent; a single tag object. */
  cr_assert_eq(feed(&licit_adapter_activitypub,
                    AP_NOTE("Create", ",\"inReplyTo\":null,\"tag\":" AP_MENTION("https://o.example/users/b"))),
               0, "%s", err.msg);
  cr_assert_not(got[0].has_parent);
  cr_assert_eq(got[0].n_mentions, 1);
  cr_assert_eq(feed(&licit_adapter_activitypub, AP_NOTE("Create", "")), 0, "%s", err.msg);
  cr_assert_not(got[0].has_parent);
  cr_assert_eq(got[0].n_mentions, 0);
}

Test(activitypub, update_carries_mentions) {
  cr_assert_eq(feed(&licit_adapter_activitypub,
                    AP_NOTE("Update", ",\"inReplyTo\":\"https://o.example/b/9\",\"tag\":[" AP_MENTION(
                                          "https://o.example/users/b") "]")),
               0, "%s", err.msg);
  cr_assert_eq(n_got, 1);
  cr_assert_eq(got[0].type, LICIT_EV_EDIT);
  cr_assert(got[0].has_mentions);
  cr_assert_eq(got[0].n_mentions, 1);
  cr_assert_str_eq(got[0].mentions[0], "https://o.example/users/b");
  cr_assert_not(got[0].has_parent, "an edit has no parent");
  cr_assert_eq(feed(&licit_adapter_activitypub, AP_NOTE("Update", ",\"tag\":[]")), 0, "%s", err.msg);
  cr_assert(got[0].has_mentions, "the Note is whole: no Mention tags clears the mentions");
  cr_assert_eq(got[0].n_mentions, 0);
}

Test(activitypub, malformed_reply_and_tags) {
  static const char *const bad[][2] = {
      {AP_NOTE("Create", ",\"inReplyTo\":7"), "\"object.inReplyTo\": expected a string or an object"},
      {AP_NOTE("Create", ",\"inReplyTo\":\"\""), "\"object.inReplyTo\": expected an id of 1-256 bytes"},
      {AP_NOTE("Create", ",\"inReplyTo\":{\"type\":\"Note\"}"), "\"object.inReplyTo.id\" is required"},
      {AP_NOTE("Create", ",\"inReplyTo\":\"https://s.example/a/1\""), "own parent"},
      {AP_NOTE("Create", ",\"tag\":[{\"type\":\"Mention\",\"name\":\"@b\"}]"), "\"object.tag[0].href\" is required"},
      {AP_NOTE("Update", ",\"tag\":{\"type\":\"Mention\",\"href\":5}"), "\"object.tag.href\": expected a string"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = feed(&licit_adapter_activitypub, bad[i][0]);
    cr_assert_eq(rc, LICIT_EINVAL, "case %zu: expected rejected, got %d", i, rc);
    cr_assert(strstr(err.msg, bad[i][1]), "case %zu: \"%s\" should mention %s", i, err.msg, bad[i][1]);
    cr_assert_eq(n_got, 0);
  }
}

/* ----------------------------------------------------------------- json -- */

Test(json, lenient_clamps_numbers) {
  /* licit_json_parse_lenient promised what lenient_numbers does, and did
   * not: a 1e400 anywhere refused the whole document. */
  static const char *const docs[] = {"{\"a\":1e400}", "{\"a\":[-1e400,99999999999999999999]}",
                                     "{\"a\":1,\"a\":1e999}"};
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    licit_json *v;
    cr_assert_eq(licit_json_parse_lenient(docs[i], strlen(docs[i]), &v, &err), 0, "%s: %s", docs[i], err.msg);
    licit_json_free(v);
    cr_assert_eq(licit_json_parse_lenient_numbers(docs[i], strlen(docs[i]), &v, &err), i == 2 ? LICIT_EINVAL : 0,
                 "%s", docs[i]);
    if (i != 2) licit_json_free(v);
  }
  /* Clamping changes only the numbers out of range; the others keep their
   * value and, without NUMBERS_REAL, their integer type. */
  const char *d = "{\"t\":1725148800000000,\"big\":99999999999999999999,\"inf\":-1e400,\"s\":\"1e400\"}";
  licit_json *v;
  cr_assert_eq(licit_json_parse_opts(d, strlen(d), LICIT_JSON_NUMBERS_CLAMP, &v, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_json_typeof(licit_json_get(v, "t")), LICIT_JSON_INT);
  cr_assert_eq(licit_json_int(licit_json_get(v, "t")), 1725148800000000LL);
  cr_assert_eq(licit_json_typeof(licit_json_get(v, "big")), LICIT_JSON_REAL);
  cr_assert_float_eq(licit_json_real(licit_json_get(v, "big")), 1e20, 1e5);
  cr_assert(licit_json_real(licit_json_get(v, "inf")) < -1e308);
  size_t n;
  cr_assert_str_eq(licit_json_str(licit_json_get(v, "s"), &n), "1e400");
  licit_json_free(v);
  /* Without CLAMP it stays an error, and invalid JSON stays invalid. */
  cr_assert_eq(licit_json_parse_opts(d, strlen(d), 0, &v, &err), LICIT_EINVAL);
  cr_assert_eq(licit_json_parse_lenient("{\"a\":1e400,}", 12, &v, &err), LICIT_EINVAL);
}

/* ------------------------------------------------------- outbox reader -- */

typedef struct mem {
  const char *p;
  size_t n, at;
} mem;

static int mem_read(void *ctx, char *buf, size_t cap, size_t *got_n, licit_err *e) {
  (void)e;
  mem *m = ctx;
  size_t k = m->n - m->at < cap ? m->n - m->at : cap;
  memcpy(buf, m->p + m->at, k);
  m->at += k;
  *got_n = k;
  return 0;
}

/* Reads doc in chunks of `chunk` bytes; the items, joined by '\n', go to
 * out; returns the first error (0 when the document ended well). */
static int read_all(const char *doc, size_t len, size_t chunk, char *out, size_t cap) {
  mem m = {doc, len, 0};
  licit__outbox *o;
  out[0] = 0;
  memset(&err, 0, sizeof err);
  int rc = licit__outbox_from(mem_read, &m, "doc.json", chunk, &o, &err);
  if (rc) return rc;
  const char *item;
  size_t n, full;
  uint64_t index, want = 0;
  while ((rc = licit__outbox_next(o, &item, &n, &full, &index, &err)) == 1) {
    cr_assert_eq(index, want++);
    cr_assert_eq(n, full);
    cr_assert(strlen(out) + n + 2 < cap);
    if (out[0]) strcat(out, "\n");
    strncat(out, item, n);
  }
  licit__outbox_close(o);
  return rc;
}

/* Every chunk size from 1 to 17, and one larger than the document. */
static void expect_items(const char *doc, const char *want) {
  char out[4096];
  for (size_t chunk = 1; chunk <= 18; chunk++) {
    size_t c = chunk == 18 ? 65536 : chunk;
    int rc = read_all(doc, strlen(doc), c, out, sizeof out);
    cr_assert_eq(rc, 0, "chunk %zu: %s\n  %s", c, err.msg, doc);
    cr_assert_str_eq(out, want, "chunk %zu: %s\n  got: %s", c, doc, out);
  }
}

static void expect_error(const char *doc, const char *needle) {
  char out[4096];
  for (size_t chunk = 1; chunk <= 18; chunk++) {
    size_t c = chunk == 18 ? 65536 : chunk;
    int rc = read_all(doc, strlen(doc), c, out, sizeof out);
    cr_assert_eq(rc, LICIT_EINVAL, "chunk %zu: expected an error for %s", c, doc);
    cr_assert(strstr(err.msg, "doc.json: "), "the message names the file: %s", err.msg);
    cr_assert(strstr(err.msg, needle), "chunk %zu: \"%s\" should mention \"%s\"", c, err.msg, needle);
  }
}

Test(outbox, items_first_and_last) {
  expect_items("{\"orderedItems\":[{\"a\":\"]\"},[1,2],\"x\\\"]\",3],\"id\":\"o\"}", "{\"a\":\"]\"}\n[1,2]\n\"x\\\"]\"\n3");
  expect_items("{\"id\":\"x]}\\\"{[\",\"n\":{\"orderedItems\":[9]},\"s\":\"\\\\\",\"orderedItems\":[ {\"b\":1} ,\n\t"
               "{\"c\":[]}\r\n ],\"z\":[[]]}",
               "{\"b\":1}\n{\"c\":[]}");
}

Test(outbox, forms) {
  expect_items("\xEF\xBB\xBF \n{ \"orderedItems\" : [ ] } \n", "");
  expect_items("{\"items\":[1]}", "1");
  expect_items("{\"ordered\\u0049tems\":[{\"k\":\"v\"}]}", "{\"k\":\"v\"}");
  expect_items("{\"orderedItems\":null,\"orderedItems\":[2],\"items\":[3]}", "2");
  expect_items("{\"orderedItems\":[{\"a\":1]]}", "{\"a\":1]"); /* counted, not matched: the item is rejected later */
  expect_items("{\"orderedItems\":[{\"a\":\"\\u005d\\\\\"}, {\"b\" : [ \"}\" ] } ]}",
               "{\"a\":\"\\u005d\\\\\"}\n{\"b\" : [ \"}\" ] }");
}

Test(outbox, damaged) {
  expect_error("{\"orderedItems\":[1,2", "truncated: the document ends at byte offset 20, inside orderedItems");
  expect_error("{\"orderedItems\":[{\"a\":\"]}", "truncated: the document ends at byte offset 25, inside orderedItems, "
                                                 "at item 0");
  expect_error("{\"id\":\"x", "truncated: the document ends at byte offset 8, before orderedItems");
  expect_error("{\"orderedItems\":[1]", "truncated: the document ends at byte offset 19, after orderedItems");
  expect_error("{\"orderedItems\":[1,]}", "byte offset 19");
  expect_error("{\"orderedItems\":[1,,2]}", "expected a value");
  expect_error("{\"orderedItems\":[1 2]}", "expected ',' or ']' after a value"); /* two values, no ',': damage */
  expect_error("{\"orderedItems\":[1]  x}", "byte offset 21");
  expect_error("{\"a\":1}", "expected an object with an \"orderedItems\" array");
  expect_error("[{\"orderedItems\":[]}]", "not an ActivityStreams OrderedCollection");
  expect_error("", "empty");
  expect_error("{\"type\":\"Create\"}\n{\"type\":\"Create\"}\n", ".jsonl");
  expect_error("{\"orderedItems\":[]}}", "another starts at byte offset 19");
  expect_error("{\"a\" 1, \"orderedItems\":[]}", "expected ':'");
  expect_error("{\"a\":1,}", "expected a member name");
}

Test(outbox, long_item_is_cut) {
  size_t big = LICIT_LINE_MAX + 1000;
  char *doc = malloc(big + 64);
  cr_assert(doc);
  strcpy(doc, "{\"orderedItems\":[\"");
  size_t k = strlen(doc);
  memset(doc + k, 'x', big);
  strcpy(doc + k + big, "\", 7]}");
  mem m = {doc, strlen(doc), 0};
  licit__outbox *o;
  cr_assert_eq(licit__outbox_from(mem_read, &m, "doc.json", 4096, &o, &err), 0);
  const char *item;
  size_t n, full;
  uint64_t index;
  cr_assert_eq(licit__outbox_next(o, &item, &n, &full, &index, &err), 1);
  cr_assert_eq(full, big + 2);
  cr_assert(n < full && n >= 4096, "the first bytes are kept, not the whole item");
  cr_assert_eq(licit__outbox_next(o, &item, &n, &full, &index, &err), 1);
  cr_assert_eq(index, 1);
  cr_assert_eq(n, 1);
  cr_assert_eq(item[0], '7');
  cr_assert_eq(licit__outbox_next(o, &item, &n, &full, &index, &err), 0);
  licit__outbox_close(o);
  free(doc);
}

static char *html_text(const char *html, size_t n) {
  licit_buf b = LICIT_BUF_INIT;
  cr_assert_eq(licit__html_to_text(html, n, &b), 0);
  cr_assert_eq(licit_buf_addc(&b, 0), 0);
  return b.data; /* the caller frees */
}

Test(html, deep_nesting_nul_and_breaks) {
  /* Deeper than libxml2's default 256 levels: the text after it stays (it
   * was dropped without a word). */
  licit_buf in = LICIT_BUF_INIT;
  licit_buf_adds(&in, "<p>before</p>");
  for (int i = 0; i < 300; i++) licit_buf_adds(&in, "<span>");
  licit_buf_adds(&in, "deep");
  for (int i = 0; i < 300; i++) licit_buf_adds(&in, "</span>");
  licit_buf_adds(&in, "<p>after</p>");
  char *t = html_text(in.data, in.len);
  cr_assert_str_eq(t, "before\n\ndeep\n\nafter");
  free(t);
  licit_buf_free(&in);
  /* A NUL is read as U+FFFD, as HTML5 parsers do (libxml2 ended there). */
  const char nul[] = "<p>x</p>\0<p>hidden after nul</p>";
  t = html_text(nul, sizeof nul - 1);
  cr_assert_str_eq(t, "x\n\n\xEF\xBF\xBD\n\nhidden after nul");
  free(t);
  /* A <br> after a paragraph keeps the paragraph's break; none leads. */
  t = html_text("<br><p>a</p><br>b", 17);
  cr_assert_str_eq(t, "a\n\n\nb");
  free(t);
  t = html_text("<p>one<br>two</p>", 17);
  cr_assert_str_eq(t, "one\ntwo");
  free(t);
}
