/*
 * test_token.c — person tokens (src/server/token.c), what the store keeps
 * for them (src/store/tokens.c) and the compliance feed's cursor
 * (src/report/feed.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sign.h"
#include "report/feed.h"
#include "server/token.h"
#include "store/store.h"

static const uint8_t SEED[32] = {7};
static uint8_t PUB[32];

static void keys(void) { cr_assert_eq(licit_ed25519_public(SEED, PUB), 0); }

TestSuite(token, .init = keys);

static void mint(const char *user, int64_t iat, int64_t exp, licit_buf *out) {
  licit_err err;
  licit_buf_reset(out);
  cr_assert_eq(licit_token_mint(SEED, user, strlen(user), iat, exp, out, &err), 0, "%s", err.msg);
  licit_buf_cstr(out);
}

Test(token, round_trip_and_form) {
  licit_buf t = LICIT_BUF_INIT;
  mint("u-lucia", 100, 200, &t);
  cr_assert(strncmp(t.data, "v1.", 3) == 0);
  cr_assert_null(strchr(t.data, '='), "base64url without padding");
  licit_token_claims c;
  const char *why = NULL;
  cr_assert_eq(licit_token_verify(PUB, t.data, t.len, &c, &why), 0, "%s", why);
  cr_assert_str_eq(c.sub, "u-lucia");
  cr_assert_eq(c.iat, 100);
  cr_assert_eq(c.exp, 200);
  /* The payload is exactly {"sub","iat","exp"}. */
  const char *dot = strchr(t.data + 3, '.');
  licit_buf p = LICIT_BUF_INIT;
  cr_assert_eq(licit_b64url_decode(t.data + 3, (size_t)(dot - t.data - 3), &p), 0);
  cr_assert_eq(p.len, strlen("{\"sub\":\"u-lucia\",\"iat\":100,\"exp\":200}"));
  cr_assert(memcmp(p.data, "{\"sub\":\"u-lucia\",\"iat\":100,\"exp\":200}", p.len) == 0);
  licit_buf_free(&p);
  licit_buf_free(&t);
}

Test(token, altered_forged_malformed) {
  licit_buf t = LICIT_BUF_INIT, o = LICIT_BUF_INIT;
  mint("u-lucia", 100, 200, &t);
  licit_token_claims c;
  const char *why;
  for (size_t i = 3; i < t.len; i++) { /* every single-character change fails */
    if (t.data[i] == '.') continue;
    char save = t.data[i];
    t.data[i] = save == 'A' ? 'B' : 'A';
    cr_assert_neq(licit_token_verify(PUB, t.data, t.len, &c, &why), 0, "changed at %zu", i);
    cr_assert_not_null(why);
    t.data[i] = save;
  }
  uint8_t other_seed[32] = {8}, other_pub[32];
  cr_assert_eq(licit_ed25519_public(other_seed, other_pub), 0);
  cr_assert_neq(licit_token_verify(other_pub, t.data, t.len, &c, &why), 0, "another key");
  const char *bad[] = {"", "v1.", "v1..", "v2.e30.AA", "v1.e30", "v1.e30=.AAAA", "Bearer v1.x.y"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_assert_neq(licit_token_verify(PUB, bad[i], strlen(bad[i]), &c, &why), 0, "%s", bad[i]);
  licit_err err;
  cr_assert_eq(licit_token_mint(SEED, "a\nb", 3, 1, 2, &o, &err), LICIT_EINVAL);
  cr_assert_eq(licit_token_mint(SEED, "\xc6", 1, 1, 2, &o, &err), LICIT_EINVAL, "invalid UTF-8");
  cr_assert_eq(licit_token_mint(SEED, "", 0, 1, 2, &o, &err), LICIT_EINVAL);
  licit_buf_free(&t);
  licit_buf_free(&o);
}

Test(token, validity) {
  licit_token_claims c = {.iat = 100, .exp = 200};
  cr_assert(licit_token_valid(&c, 199, false, 0, NULL));
  cr_assert_not(licit_token_valid(&c, 200, false, 0, NULL), "valid while now < exp");
  cr_assert_not(licit_token_valid(&c, 150, true, 100, NULL), "iat <= revocation mark");
  cr_assert(licit_token_valid(&c, 150, true, 99, NULL));
}

Test(token, base64url_one_spelling) {
  licit_buf b = LICIT_BUF_INIT;
  cr_assert_eq(licit_b64url_decode("dTE", 3, &b), 0);
  cr_assert_eq(b.len, 2);
  licit_buf_reset(&b);
  cr_assert_neq(licit_b64url_decode("dTF", 3, &b), 0, "non-zero spare bits");
  licit_buf_reset(&b);
  cr_assert_neq(licit_b64url_decode("d", 1, &b), 0);
  licit_buf_reset(&b);
  cr_assert_neq(licit_b64url_decode("dT+", 3, &b), 0, "base64, not base64url");
  licit_buf_free(&b);
}

Test(token, durations) {
  int64_t s;
  cr_assert_eq(licit_duration_parse("30d", &s), 0);
  cr_assert_eq(s, 30 * 86400);
  cr_assert_eq(licit_duration_parse("90m", &s), 0);
  cr_assert_eq(s, 5400);
  const char *bad[] = {"", "d", "30", "30x", "-1d", "0s", "1.5h", "30dd", "99999999999999d"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) cr_assert_neq(licit_duration_parse(bad[i], &s), 0, "%s", bad[i]);
}

Test(token, feed_cursor) {
  uint64_t p;
  int64_t t;
  const char *why;
  cr_assert_eq(licit_feed_cursor_parse("53-1748736000000000", 19, &p, &t, &why), 0);
  cr_assert_eq(p, 53);
  cr_assert_eq(t, 1748736000000000);
  cr_assert_eq(licit_feed_cursor_parse("0--5", 4, &p, &t, &why), 0, "times before 1970 are negative");
  cr_assert_eq(t, -5);
  const char *bad[] = {"", "-", "5", "5-", "-5", "a-1", "1-1x", "18446744073709551616-1", "1-99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_assert_neq(licit_feed_cursor_parse(bad[i], strlen(bad[i]), &p, &t, &why), 0, "%s", bad[i]);
  char buf[LICIT_FEED_CURSOR_BUFSZ];
  licit_feed_cursor_format(53, 1748736000000000, buf);
  cr_assert_str_eq(buf, "53-1748736000000000");
}

/* ------------------------------------------------------------- store -- */

static char dir[64];

static void mkstore(void) {
  snprintf(dir, sizeof dir, "/tmp/licit-token-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  keys();
}
static void rmstore(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(tokens_store, .init = mkstore, .fini = rmstore);

Test(tokens_store, key_secret_revocation) {
  licit_store *s;
  licit_err err;
  licit_txn *t;
  cr_assert_eq(licit_store_open(dir, 0, &s, &err), 0, "%s", err.msg);
  uint8_t seed[32], pub[32], seed2[32], pub2[32], sseed[32], spub[32];
  char op[LICIT_OPERATOR_TOKEN_MAX], op2[LICIT_OPERATOR_TOKEN_MAX], op3[LICIT_OPERATOR_TOKEN_MAX];
  cr_assert_eq(licit_txn_begin(s, false, &t, &err), 0);
  int rc = licit_store_token_key(t, seed, pub, &err);
  cr_assert(rc == 0 || rc == LICIT_ENOTFOUND, "a read transaction never makes a key");
  licit_txn_abort(t);
  cr_assert_eq(licit_txn_begin(s, true, &t, &err), 0);
  cr_assert_eq(licit_store_token_key(t, seed, pub, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_store_operator_token(t, false, op, &err), 0, "%s", err.msg);
  cr_assert_eq(strncmp(op, "licit-op-", 9), 0);
  cr_assert_eq(licit_store_sign_key(t, sseed, spub, &err), 0, "%s", err.msg);
  cr_assert_neq(memcmp(spub, pub, 32), 0, "the token key is not the snapshot signing key");
  cr_assert_eq(licit_txn_commit(t, &err), 0);
  cr_assert_eq(licit_txn_begin(s, false, &t, &err), 0);
  cr_assert_eq(licit_store_token_key(t, seed2, pub2, &err), 0);
  cr_assert_eq(memcmp(pub, pub2, 32), 0, "the key is kept");
  cr_assert_eq(licit_store_operator_token(t, false, op2, &err), 0);
  cr_assert_str_eq(op, op2);
  int64_t mark;
  cr_assert_eq(licit_store_token_revoked(t, "u-a", 3, &mark), LICIT_ENOTFOUND);
  licit_txn_abort(t);
  cr_assert_eq(licit_txn_begin(s, true, &t, &err), 0);
  cr_assert_eq(licit_store_operator_token(t, true, op3, &err), 0);
  cr_assert_str_neq(op, op3, "--rotate replaces it");
  cr_assert_eq(licit_store_token_revoke(t, "u-a", 3, 1000, &err), 0);
  cr_assert_eq(licit_store_token_revoked(t, "u-a", 3, &mark), 0);
  cr_assert_eq(mark, 1000);
  {
    /* Minted after a revocation in its second, the token is dated 1001; a
     * second revocation in the same second must still cover it (it did
     * not: the mark stayed 1000 and the token lived its 30 days). */
    licit_buf t1 = LICIT_BUF_INIT;
    int64_t e1, m1;
    licit_token_claims c1;
    cr_assert_eq(licit_token_issue(t, seed, "u-a", 3, 1000, 60, &t1, &e1, &err), 0, "%s", err.msg);
    cr_assert_eq(licit_token_verify(pub, t1.data, t1.len, &c1, NULL), 0);
    cr_assert_eq(c1.iat, 1001);
    cr_assert_eq(licit_store_token_revoke(t, "u-a", 3, 1000, &err), 0);
    cr_assert_eq(licit_store_token_revoked(t, "u-a", 3, &m1), 0);
    cr_assert_not(licit_token_valid(&c1, 1000, true, m1, NULL), "revoked in the second it was minted: mark %lld",
                  (long long)m1);
    licit_buf_free(&t1);
  }
  cr_assert_eq(licit_store_token_revoke(t, "u-a", 3, 900, &err), 0);
  cr_assert_eq(licit_store_token_revoked(t, "u-a", 3, &mark), 0);
  cr_assert_eq(mark, 1002, "the mark never moves back (a clock gone back moves it on by one)");
  cr_assert_eq(licit_store_token_revoked(t, "u-b", 3, &mark), LICIT_ENOTFOUND);
  /* A token minted in the second of the revocation is dated after it. */
  licit_buf tok = LICIT_BUF_INIT;
  int64_t exp;
  cr_assert_eq(licit_token_issue(t, seed, "u-a", 3, 1000, 60, &tok, &exp, &err), 0, "%s", err.msg);
  licit_token_claims c;
  cr_assert_eq(licit_token_verify(pub, tok.data, tok.len, &c, NULL), 0);
  cr_assert_eq(c.iat, 1003);
  cr_assert_eq(exp, 1060);
  cr_assert(licit_token_valid(&c, 1003, true, mark, NULL));
  licit_buf_free(&tok);
  cr_assert_eq(licit_txn_commit(t, &err), 0);
  licit_store_close(s);
}
