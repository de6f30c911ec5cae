/* token.c — person tokens: base64url, Ed25519, the payload (see token.h). */
#include "server/token.h"

#include <stdlib.h>
#include <string.h>

#include "core/sign.h"
#include "event/event.h"
#include "json/json.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int licit_b64url_encode(licit_buf *out, const void *p, size_t n) {
  const uint8_t *b = p;
  int rc = licit_buf_reserve(out, (n + 2) / 3 * 4);
  if (rc) return rc;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t w = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
    char q[4] = {B64[w >> 18], B64[(w >> 12) & 63], B64[(w >> 6) & 63], B64[w & 63]};
    licit_buf_add(out, q, 4);
  }
  if (n - i == 1) {
    uint32_t w = (uint32_t)b[i] << 16;
    char q[2] = {B64[w >> 18], B64[(w >> 12) & 63]};
    licit_buf_add(out, q, 2);
  } else if (n - i == 2) {
    uint32_t w = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8;
    char q[3] = {B64[w >> 18], B64[(w >> 12) & 63], B64[(w >> 6) & 63]};
    licit_buf_add(out, q, 3);
  }
  return 0;
}

static int b64val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int licit_b64url_decode(const char *s, size_t n, licit_buf *out) {
  if (n % 4 == 1) return LICIT_EINVAL;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64val(s[i]);
    if (v < 0) return LICIT_EINVAL;
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (licit_buf_addc(out, (char)((acc >> bits) & 0xff))) return LICIT_ENOMEM;
    }
  }
  if (acc & ((1u << bits) - 1)) return LICIT_EINVAL; /* spare bits must be zero */
  return 0;
}

/* A user id as the store holds them: 1-256 bytes of valid UTF-8 without
 * control characters (a token for anything else could name no account, and
 * its payload would not spell the same id). */
static bool user_ok(const char *u, size_t n) { return licit_id_check("sub", u, n, NULL) == 0; }

int licit_token_mint(const uint8_t seed[32], const char *user, size_t n, int64_t iat_s, int64_t exp_s,
                     licit_buf *out, licit_err *err) {
  if (!user_ok(user, n)) return licit_err_set(err, LICIT_EINVAL, "not a user id: 1 to 256 bytes of UTF-8, no control characters");
  licit_buf payload = LICIT_BUF_INIT, signed_part = LICIT_BUF_INIT;
  int rc = licit_buf_adds(&payload, "{\"sub\":");
  if (!rc) rc = licit_jw_str(&payload, user, n);
  if (!rc) rc = licit_buf_printf(&payload, ",\"iat\":%lld,\"exp\":%lld}", (long long)iat_s, (long long)exp_s);
  if (!rc) rc = licit_buf_adds(&signed_part, "v1.");
  if (!rc) rc = licit_b64url_encode(&signed_part, payload.data, payload.len);
  uint8_t sig[LICIT_ED25519_SIG_LEN];
  if (!rc && licit_ed25519_sign(seed, signed_part.data, signed_part.len, sig)) {
    rc = licit_err_set(err, LICIT_EINTERNAL, "cannot sign the token");
    goto out;
  }
  if (!rc) rc = licit_buf_add(out, signed_part.data, signed_part.len);
  if (!rc) rc = licit_buf_addc(out, '.');
  if (!rc) rc = licit_b64url_encode(out, sig, sizeof sig);
  if (rc) rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
out:
  licit_buf_free(&payload);
  licit_buf_free(&signed_part);
  return rc;
}

int licit_token_issue(licit_txn *t, const uint8_t seed[32], const char *user, size_t n, int64_t now_s,
                      int64_t ttl_s, licit_buf *out, int64_t *exp, licit_err *err) {
  int64_t mark, iat = now_s;
  int rc = licit_store_token_revoked(t, user, n, &mark);
  if (rc == 0 && mark >= iat) iat = mark + 1;
  else if (rc && rc != LICIT_ENOTFOUND) return licit_err_set(err, rc, "reading revocations: %s", licit_strerror(rc));
  rc = licit_token_mint(seed, user, n, iat, now_s + ttl_s, out, err);
  if (!rc) *exp = now_s + ttl_s;
  return rc;
}

int licit_token_verify(const uint8_t pub[32], const char *tok, size_t n, licit_token_claims *c, const char **why) {
  const char *w = NULL;
  int rc = LICIT_EINVAL;
  licit_buf payload = LICIT_BUF_INIT, sig = LICIT_BUF_INIT;
  licit_json *js = NULL;
  if (n > LICIT_TOKEN_MAX) {
    w = "the token is too long";
    goto out;
  }
  if (n < 4 || memcmp(tok, "v1.", 3) != 0) {
    w = "not a licit person token (it starts with v1.)";
    goto out;
  }
  const char *dot = memchr(tok + 3, '.', n - 3);
  if (!dot) {
    w = "the token has no signature part";
    goto out;
  }
  size_t signed_len = (size_t)(dot - tok);
  if (licit_b64url_decode(tok + 3, signed_len - 3, &payload) ||
      licit_b64url_decode(dot + 1, n - signed_len - 1, &sig) || sig.len != LICIT_ED25519_SIG_LEN) {
    w = "the token is not valid base64url";
    goto out;
  }
  if (licit_ed25519_verify(pub, tok, signed_len, (const uint8_t *)sig.data) != 0) {
    w = "the token's signature is not valid (forged or altered)";
    goto out;
  }
  /* Signed by this store: the payload is ours, but read it strictly all the same. */
  w = "the token's payload is malformed";
  if (licit_json_parse(payload.data ? payload.data : "", payload.len, &js, NULL, NULL, NULL)) goto out;
  licit_json *sub = licit_json_get(js, "sub"), *iat = licit_json_get(js, "iat"), *exp = licit_json_get(js, "exp");
  if (!sub || !iat || !exp || licit_json_typeof(sub) != LICIT_JSON_STRING || licit_json_typeof(iat) != LICIT_JSON_INT ||
      licit_json_typeof(exp) != LICIT_JSON_INT)
    goto out;
  size_t sl;
  const char *s = licit_json_str(sub, &sl);
  if (!user_ok(s, sl)) goto out;
  memcpy(c->sub, s, sl);
  c->sub[sl] = 0;
  c->sub_len = sl;
  c->iat = licit_json_int(iat);
  c->exp = licit_json_int(exp);
  w = NULL;
  rc = 0;
out:
  licit_json_free(js);
  licit_buf_free(&payload);
  licit_buf_free(&sig);
  if (why) *why = w;
  return rc;
}

bool licit_token_valid(const licit_token_claims *c, int64_t now_s, bool has_revoked, int64_t revoked_s,
                       const char **why) {
  if (!(now_s < c->exp)) {
    if (why) *why = "the token has expired";
    return false;
  }
  if (has_revoked && c->iat <= revoked_s) {
    if (why) *why = "the token was revoked";
    return false;
  }
  return true;
}

int licit_duration_parse(const char *s, int64_t *seconds) {
  if (!s || !*s) return LICIT_EINVAL;
  int64_t v = 0;
  size_t i = 0;
  for (; s[i] >= '0' && s[i] <= '9'; i++) {
    if (v > 100000000000LL) return LICIT_EINVAL;
    v = v * 10 + (s[i] - '0');
  }
  if (i == 0 || !s[i] || s[i + 1]) return LICIT_EINVAL;
  int64_t mult = s[i] == 's' ? 1 : s[i] == 'm' ? 60 : s[i] == 'h' ? 3600 : s[i] == 'd' ? 86400 : 0;
  if (!mult) return LICIT_EINVAL;
  if (v > 100LL * 366 * 86400 / mult || v == 0) return LICIT_EINVAL;
  *seconds = v * mult;
  return 0;
}
