/* cmd_token.c — `licit token`: person tokens, revocation, the operator token
 * (SPEC sections 6 and 9). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "json/json.h"
#include "server/token.h"

static int mint(licit_txn *t, const char *user, int64_t ttl_s, licit_buf *tok, int64_t *exp, licit_err *err) {
  uint8_t seed[32], pub[32];
  int rc = licit_store_token_key(t, seed, pub, err);
  if (!rc) rc = licit_token_issue(t, seed, user, strlen(user), licit_time_now() / 1000000, ttl_s, tok, exp, err);
  memset(seed, 0, sizeof seed);
  return rc;
}

int cmd_token(cli *c) {
  bool op = cli_opt_val(c, "operator") != NULL, rotate = cli_opt_val(c, "rotate") != NULL;
  const char *revoke = cli_opt_val(c, "revoke"), *ttl = cli_opt_val(c, "ttl");
  const char *user = c->npos == 1 ? c->pos[0] : NULL;
  if (c->npos > 1) return cli_fail(EXIT_USAGE, "token: expected one USER id");
  if ((op ? 1 : 0) + (revoke ? 1 : 0) + (user ? 1 : 0) != 1)
    return cli_fail(EXIT_USAGE, "token: expected one of USER, --revoke USER or --operator "
                                "(licit token USER [--ttl 30d] | --revoke USER | --operator [--rotate])");
  if (rotate && !op) return cli_fail(EXIT_USAGE, "token: --rotate goes with --operator");
  if (ttl && !user) return cli_fail(EXIT_USAGE, "token: --ttl goes with a USER");
  int64_t ttl_s = 30 * 86400;
  if (ttl && licit_duration_parse(ttl, &ttl_s))
    return cli_fail(EXIT_USAGE, "token: --ttl \"%s\": expected a positive integer followed by s, m, h or d (30d)", ttl);
  int code = cli_open_store(c, CLI_STORE_WRITE);
  if (code) return code;
  licit_err err = {0};
  licit_txn *t = NULL;
  int rc = licit_store_reserve(c->store, 0, &err);
  if (!rc) rc = licit_txn_begin(c->store, true, &t, &err);
  if (rc) return cli_fail_code(rc, "token: %s", err.msg);
  licit_buf b = LICIT_BUF_INIT, tok = LICIT_BUF_INIT;
  if (op) {
    char secret[LICIT_OPERATOR_TOKEN_MAX];
    rc = licit_store_operator_token(t, rotate, secret, &err);
    if (!rc) {
      rc = licit_txn_commit(t, &err); /* frees t, also on failure */
      t = NULL;
    } /* else out: aborts it (never exit holding the writer lock) */
    if (rc) {
      code = cli_fail_code(rc, "token: %s", err.msg);
      goto out;
    }
    if (c->json) {
      licit_buf_adds(&b, "{\"token\":");
      licit_jw_strz(&b, secret);
      licit_buf_adds(&b, ",\"exp\":null}");
      cli_print(&b);
    } else {
      printf("%s\n", secret);
    }
  } else if (revoke) {
    int64_t now = licit_time_now() / 1000000;
    rc = licit_store_token_revoke(t, revoke, strlen(revoke), now, &err);
    if (!rc) {
      rc = licit_txn_commit(t, &err); /* frees t, also on failure */
      t = NULL;
    } /* else out: aborts it (never exit holding the writer lock) */
    if (rc) {
      code = cli_fail_code(rc, "token: --revoke \"%s\": %s", revoke, err.msg);
      goto out;
    }
    if (c->json) {
      licit_buf_adds(&b, "{\"revoked\":");
      licit_jw_strz(&b, revoke);
      licit_buf_printf(&b, ",\"iat_until\":%lld}", (long long)now);
      cli_print(&b);
    } else {
      printf("every token of %s issued until now is revoked\n", revoke);
    }
  } else {
    int64_t exp;
    rc = mint(t, user, ttl_s, &tok, &exp, &err);
    if (!rc) {
      rc = licit_txn_commit(t, &err); /* keeps a token key made just now; frees t */
      t = NULL;
    } /* else out: aborts it (never exit holding the writer lock) */
    if (rc) {
      code = cli_fail_code(rc, "token: %s", err.msg);
      goto out;
    }
    if (c->json) {
      licit_buf_adds(&b, "{\"token\":");
      licit_jw_str(&b, tok.data, tok.len);
      licit_buf_printf(&b, ",\"exp\":%lld}", (long long)exp);
      cli_print(&b);
    } else {
      printf("%.*s\n", (int)tok.len, tok.data);
    }
  }
out:
  licit_txn_abort(t);
  licit_buf_free(&b);
  licit_buf_free(&tok);
  return code;
}
