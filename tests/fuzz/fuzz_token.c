/*
 * fuzz_token.c — libFuzzer target for what the server reads from a client
 * before any store access: a person token (licit_token_verify: base64url,
 * the signature, the payload JSON), a compliance-feed cursor
 * (licit_feed_cursor_parse) and a token duration (licit_duration_parse).
 *
 * The first byte picks the parser; the rest is its input.  Checks: no
 * crash, no out-of-bounds read (the input is copied to an exact-size heap
 * block), no undefined behaviour; a token minted here verifies and gives
 * back its claims; base64url decoding is the inverse of encoding and every
 * byte string has one spelling.
 *
 * libFuzzer: scripts/fuzz.sh token SECONDS.  Plain replay (make test):
 * tests/fuzz/replay.c, corpus tests/fuzz/corpus/token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/feed.h"
#include "server/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t SEED[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

#include "core/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0] % 4;
  size_t n = size - 1;
  char *s = malloc(n + 1);
  if (!s) return 0;
  memcpy(s, data + 1, n);
  s[n] = 0;
  uint8_t pub[32];
  if (licit_ed25519_public(SEED, pub)) abort();
  if (mode == 0) {
    licit_token_claims c;
    const char *why = NULL;
    if (licit_token_verify(pub, s, n, &c, &why) == 0) {
      if (c.sub_len == 0 || c.sub_len > 256 || strlen(c.sub) != c.sub_len) abort();
    } else if (!why) {
      abort();
    }
  } else if (mode == 1) {
    uint64_t pos;
    int64_t tus;
    const char *why;
    if (licit_feed_cursor_parse(s, n, &pos, &tus, &why) == 0) {
      char buf[LICIT_FEED_CURSOR_BUFSZ];
      licit_feed_cursor_format(pos, tus, buf);
      uint64_t p2;
      int64_t t2;
      if (licit_feed_cursor_parse(buf, strlen(buf), &p2, &t2, &why) || p2 != pos || t2 != tus) abort();
    }
  } else if (mode == 2) {
    int64_t secs;
    if (licit_duration_parse(s, &secs) == 0 && (secs <= 0 || secs > 100LL * 366 * 86400)) abort();
  } else {
    /* base64url: decode, and when it decodes, encode back to the same text. */
    licit_buf out = LICIT_BUF_INIT, back = LICIT_BUF_INIT;
    if (licit_b64url_decode(s, n, &out) == 0) {
      licit_b64url_encode(&back, out.data ? out.data : "", out.len);
      if (back.len != n || (n && memcmp(back.data, s, n) != 0)) abort();
    }
    licit_buf_free(&out);
    licit_buf_free(&back);
    /* A token minted for these bytes as a user id verifies when it is one. */
    licit_buf tok = LICIT_BUF_INIT;
    if (licit_token_mint(SEED, s, n < 300 ? n : 300, 1, 2, &tok, NULL) == 0) {
      licit_token_claims c;
      if (licit_token_verify(pub, tok.data, tok.len, &c, NULL) != 0 || c.iat != 1 || c.exp != 2 ||
          memcmp(c.sub, s, c.sub_len) != 0)
        abort();
    }
    licit_buf_free(&tok);
  }
  free(s);
  return 0;
}
