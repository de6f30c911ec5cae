/*
 * token.h — the server's person tokens (SPEC section 9): mint and check.
 *
 * A person token is "v1." + base64url(payload) + "." + base64url(signature),
 * base64url without padding, the payload the JSON object
 * {"sub": user, "iat": seconds, "exp": seconds} and the signature Ed25519
 * (core/sign.h) by the store's token key (store.h, licit_store_token_key)
 * over the ASCII bytes "v1." + base64url(payload).
 *
 * These functions hold no state and touch no store: expiry is the caller's
 * `now`, revocation the caller's look-up (licit_store_token_revoked).  Safe
 * from any number of threads.
 */
#ifndef LICIT_TOKEN_H
#define LICIT_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "event/event.h"
#include "licit.h"
#include "store/store.h"

#define LICIT_TOKEN_MAX 2048 /* bytes of a token; longer ones are refused unread */

typedef struct licit_token_claims {
  char sub[LICIT_ID_MAX + 1]; /* NUL-terminated; user ids hold no NUL */
  size_t sub_len;
  int64_t iat, exp; /* Unix seconds */
} licit_token_claims;

/* Appends a token for `user` (1-256 bytes of valid UTF-8, no control
 * characters) to out.
 * LICIT_EINVAL for a string that is no user id, LICIT_EINTERNAL when
 * signing failed, LICIT_ENOMEM; with err. */
int licit_token_mint(const uint8_t seed[32], const char *user, size_t n, int64_t iat_s, int64_t exp_s,
                     licit_buf *out, licit_err *err);

/* Mints a token for `user` valid from now_s for ttl_s seconds (*exp =
 * now_s + ttl_s), reading the account's revocation mark in t: a token
 * minted in the very second of a revocation would be revoked at once
 * (iat <= the mark), so it is dated one second after the mark instead.
 * Errors as licit_token_mint, and store errors. */
int licit_token_issue(licit_txn *t, const uint8_t seed[32], const char *user, size_t n, int64_t now_s,
                      int64_t ttl_s, licit_buf *out, int64_t *exp, licit_err *err);

/* Checks a token's form and signature and reads its claims into *c.  0, or
 * LICIT_EINVAL with *why (a static phrase) when the token is malformed,
 * altered or signed by another key.  Expiry and revocation are not
 * checked here (licit_token_valid does). */
int licit_token_verify(const uint8_t pub[32], const char *tok, size_t n, licit_token_claims *c, const char **why);

/* The token's claims allow access at `now_s`: now_s < exp and, when the
 * account's tokens were revoked at `revoked_s` (has_revoked), iat > revoked_s. */
bool licit_token_valid(const licit_token_claims *c, int64_t now_s, bool has_revoked, int64_t revoked_s,
                       const char **why);

/* Parses a DURATION of SPEC section 6: an integer followed by s, m, h or d
 * ("30d"), at most 100 years.  0 with *seconds, or LICIT_EINVAL. */
int licit_duration_parse(const char *s, int64_t *seconds);

/* base64url without padding (RFC 4648 section 5).  encode appends;
 * decode refuses padding, other characters and non-zero spare bits
 * (so each byte string has exactly one spelling): 0 or LICIT_EINVAL. */
int licit_b64url_encode(licit_buf *out, const void *p, size_t n);
int licit_b64url_decode(const char *s, size_t n, licit_buf *out);

#endif
