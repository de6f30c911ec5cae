/*
 * test_follow.c — the follower's pieces that need no network: the feed
 * cursor in the store (src/store/cursor.c: kept by commit, lost by abort,
 * per feed, long keys), the feed key of a URL (cursor parameters removed)
 * and the URL rules of ws.h.  The follower itself is tested against a
 * local stand-in in tests/cli/follow.sh.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follow/follow.h"
#include "follow/ws.h"
#include "store/store.h"

static char dir[64];
static licit_store *S;
static licit_err err;

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/licit-follow-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  cr_assert_eq(licit_store_open(dir, 0, &S, &err), 0, "%s", err.msg);
}

static void teardown(void) {
  licit_store_close(S);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  (void)system(cmd);
}

static int put(const char *feed, size_t n, int64_t c, bool keep) {
  licit_txn *t;
  cr_assert_eq(licit_store_reserve(S, 0, &err), 0);
  cr_assert_eq(licit_txn_begin(S, true, &t, &err), 0, "%s", err.msg);
  int rc = licit_cursor_put(t, feed, n, c, &err);
  if (keep) cr_assert_eq(licit_txn_commit(t, &err), 0, "%s", err.msg);
  else licit_txn_abort(t);
  return rc;
}

static int get(const char *feed, size_t n, int64_t *c) {
  licit_txn *t;
  cr_assert_eq(licit_txn_begin(S, false, &t, &err), 0, "%s", err.msg);
  int rc = licit_cursor_get(t, feed, n, c);
  licit_txn_abort(t);
  return rc;
}

TestSuite(cursor, .init = setup, .fini = teardown);

Test(cursor, kept_by_commit_lost_by_abort_per_feed) {
  const char *a = "ws://127.0.0.1:1/subscribe?wantedCollections=app.bsky.feed.post";
  const char *b = "ws://127.0.0.1:1/subscribe";
  int64_t c = 0;
  cr_assert_eq(get(a, strlen(a), &c), LICIT_ENOTFOUND);
  cr_assert_eq(put(a, strlen(a), 1748736000000000, true), 0);
  cr_assert_eq(put(b, strlen(b), 5, false), 0); /* aborted */
  cr_assert_eq(get(a, strlen(a), &c), 0);
  cr_assert_eq(c, 1748736000000000);
  cr_assert_eq(get(b, strlen(b), &c), LICIT_ENOTFOUND, "an aborted cursor is not kept");
  cr_assert_eq(put(a, strlen(a), 1748736000000001, true), 0);
  cr_assert_eq(get(a, strlen(a), &c), 0);
  cr_assert_eq(c, 1748736000000001, "a later put replaces the cursor");
  /* survives a reopen */
  licit_store_close(S);
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &S, &err), 0, "%s", err.msg);
  cr_assert_eq(get(a, strlen(a), &c), 0);
  cr_assert_eq(c, 1748736000000001);
}

Test(cursor, long_keys_and_empty_keys) {
  char longkey[3000];
  memset(longkey, 'q', sizeof longkey);
  memcpy(longkey, "ws://h/subscribe?x=", 19);
  int64_t c = 0;
  cr_assert_eq(put(longkey, sizeof longkey, 42, true), 0, "a key longer than LMDB's is stored by its hash");
  cr_assert_eq(get(longkey, sizeof longkey, &c), 0);
  cr_assert_eq(c, 42);
  cr_assert_eq(get(longkey, sizeof longkey - 1, &c), LICIT_ENOTFOUND, "another key is another feed");
  cr_assert_eq(put("", 0, 1, false), LICIT_EINVAL);
  cr_assert_eq(get("", 0, &c), LICIT_ENOTFOUND);
}

static const char *key_of(const char *url, int64_t *cursor) {
  static licit_buf b = LICIT_BUF_INIT;
  int rc = licit_follow_feed_key(url, &b, cursor, &err);
  return rc ? NULL : licit_buf_cstr(&b);
}

Test(feed_key, cursor_parameters_removed) {
  int64_t c;
  cr_assert_str_eq(key_of("wss://j.test/subscribe?wantedCollections=a&cursor=17&wantedCollections=b", &c),
                   "wss://j.test/subscribe?wantedCollections=a&wantedCollections=b");
  cr_assert_eq(c, 17);
  cr_assert_str_eq(key_of("wss://j.test/subscribe?cursor=5", &c), "wss://j.test/subscribe");
  cr_assert_eq(c, 5);
  cr_assert_str_eq(key_of("ws://j.test:6008/subscribe?a=1&cursor=1&cursor=2", &c), "ws://j.test:6008/subscribe?a=1");
  cr_assert_eq(c, 2, "the last cursor parameter counts");
  cr_assert_str_eq(key_of("ws://j.test/subscribe?cursors=1&xcursor=2", &c), "ws://j.test/subscribe?cursors=1&xcursor=2");
  cr_assert_eq(c, -1, "only a parameter named exactly cursor");
  cr_assert_str_eq(key_of("ws://j.test", &c), "ws://j.test");
  cr_assert_null(key_of("ws://j.test/subscribe?cursor=", &c));
  cr_assert_null(key_of("ws://j.test/subscribe?cursor=-5", &c));
  cr_assert_null(key_of("ws://j.test/subscribe?cursor=12ab", &c));
}

Test(ws_url, rules) {
  licit_ws_url u;
  cr_assert_eq(licit_ws_url_parse("wss://jetstream2.us-east.bsky.network/subscribe?x=1", &u, &err), 0);
  cr_assert(u.tls);
  cr_assert_str_eq(u.host, "jetstream2.us-east.bsky.network");
  cr_assert_eq(u.port, 443);
  cr_assert_str_eq(u.path, "/subscribe?x=1");
  cr_assert_eq(licit_ws_url_parse("ws://127.0.0.1:6008", &u, &err), 0);
  cr_assert(!u.tls);
  cr_assert_eq(u.port, 6008);
  cr_assert_str_eq(u.path, "");
  cr_assert_eq(licit_ws_url_parse("ws://[::1]:80/s", &u, &err), 0);
  cr_assert_str_eq(u.host, "::1");
  const char *bad[] = {"http://h/", "wss://", "ws:///x", "ws://h:0/", "ws://h:65536/", "ws://h:8a/",
                       "ws://u@h/", "ws://h/#frag", "ws://h /x", "ws://[::1/x", "WS://h/", "ws://h\x01/"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_assert_eq(licit_ws_url_parse(bad[i], &u, &err), LICIT_EINVAL, "%s should be refused", bad[i]);
}
