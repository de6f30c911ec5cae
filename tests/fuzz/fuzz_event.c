/*
 * fuzz_event.c — libFuzzer target for the native event parser.
 *
 * The input bytes are one line.  licit_event_parse must never crash, read out
 * of bounds (ASan) or hit undefined behaviour (UBSan).  When it accepts the
 * line, the event must satisfy the parser's own guarantees (field rules of
 * SPEC section 2) and survive licit_event_encode + licit_event_decode with
 * every field intact.
 *
 * Each input is parsed twice: by a parser made for it (the state of a new
 * connection, where buffers that only grow are still NULL) and by one kept
 * across inputs (buffers left by earlier inputs); both must give the same
 * answer, so that what the replay finds does not depend on the order it
 * reads the corpus in.
 *
 * Built as a libFuzzer target by scripts/fuzz.sh event SECONDS, and with
 * tests/fuzz/replay.c as a plain program that replays the corpus in
 * `meson test --suite fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)  \
  do {               \
    if (!(cond)) abort(); \
  } while (0)

static bool same(licit_strv a, licit_strv b) {
  return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static void check_id(licit_strv s) {
  CHECK(s.p && s.n >= 1 && s.n <= LICIT_ID_MAX);
  for (size_t i = 0; i < s.n; i++) CHECK((unsigned char)s.p[i] >= 0x20);
}

/* Same fields, strings and signals. */
static bool same_event(const licit_event *d, const licit_event *ev) {
  if (!(d->type == ev->type && d->ts == ev->ts && same(d->id, ev->id) && same(d->post, ev->post) &&
        same(d->user, ev->user) && same(d->text, ev->text) && same(d->kind, ev->kind) && same(d->lang, ev->lang) &&
        d->has_lang == ev->has_lang && d->has_signals == ev->has_signals && d->has_region == ev->has_region &&
        d->has_private == ev->has_private && d->has_birth_date == ev->has_birth_date &&
        d->visibility == ev->visibility && d->ai_training == ev->ai_training && d->private_ == ev->private_ &&
        d->region[0] == ev->region[0] && d->region[1] == ev->region[1] && d->birth_date == ev->birth_date &&
        d->n_signals == ev->n_signals))
    return false;
  for (size_t i = 0; i < ev->n_signals; i++)
    if (!same(d->signals[i], ev->signals[i])) return false;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static licit_event_parser *p; /* kept across inputs */
  licit_event_parser *fresh;
  if (!p && licit_event_parser_create(&p)) return 0;
  if (licit_event_parser_create(&fresh)) return 0;
  /* An exact-size heap copy so ASan sees any read past the end. */
  char *line = malloc(size ? size : 1);
  if (!line) {
    licit_event_parser_destroy(fresh);
    return 0;
  }
  if (size) memcpy(line, data, size);

  licit_event ev, ev2;
  licit_err err, err2;
  err.msg[0] = err2.msg[0] = 0;
  int rc = licit_event_parse(fresh, line, size, &ev, &err);
  int rc2 = licit_event_parse(p, line, size, &ev2, &err2);
  CHECK(rc == rc2);
  if (rc) {
    CHECK(rc == LICIT_EINVAL || rc == LICIT_ETOOBIG || rc == LICIT_ENOMEM);
    CHECK(err.code == rc && err.msg[0] != 0);
    CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
    CHECK(strcmp(err.msg, err2.msg) == 0);
    licit_event_parser_destroy(fresh);
    free(line);
    return 0;
  }
  CHECK(same_event(&ev, &ev2));

  /* The parser's guarantees. */
  CHECK(ev.type >= LICIT_EV_POST && ev.type <= LICIT_EV_ACCOUNT_DELETE);
  CHECK(ev.ts != LICIT_TIME_NONE);
  if (ev.id.n) check_id(ev.id);
  switch (ev.type) {
    case LICIT_EV_POST:
      check_id(ev.post);
      check_id(ev.user);
      CHECK(ev.text.p != NULL && ev.kind.p != NULL);
      CHECK(ev.visibility <= LICIT_VIS_PRIVATE);
      break;
    case LICIT_EV_EDIT:
      check_id(ev.post);
      CHECK(ev.text.p != NULL);
      break;
    case LICIT_EV_VISIBILITY:
      check_id(ev.post);
      CHECK(ev.visibility <= LICIT_VIS_PRIVATE);
      break;
    case LICIT_EV_DELETE: check_id(ev.post); break;
    case LICIT_EV_ACCOUNT:
    case LICIT_EV_ACCOUNT_DELETE: check_id(ev.user); break;
    case LICIT_EV_PREFERENCE:
      check_id(ev.user);
      CHECK(ev.ai_training <= LICIT_PREF_DENY);
      break;
    default: CHECK(0);
  }
  CHECK(ev.text.n <= LICIT_TEXT_MAX);
  if (ev.has_region && ev.region[0])
    CHECK(ev.region[0] >= 'A' && ev.region[0] <= 'Z' && ev.region[1] >= 'A' && ev.region[1] <= 'Z');
  for (size_t i = 0; i < ev.n_signals; i++)
    for (size_t j = 0; j < i; j++) CHECK(!same(ev.signals[i], ev.signals[j])); /* distinct */
  /* A formatted ts parses back to itself.  (An offset can carry a written
   * year 0001 or 9999 just outside that range in UTC; those format as
   * years 0000 / 10000, which the parser rightly refuses.) */
  char tb[LICIT_TIME_BUFSZ];
  size_t tn = licit_time_format(ev.ts, tb);
  int64_t back;
  if (ev.ts >= -62135596800LL * 1000000 && ev.ts <= 253402300799LL * 1000000 + 999999)
    CHECK(licit_time_parse(tb, tn, &back, NULL) == 0 && back == ev.ts);

  /* Encode + decode round trip. */
  licit_buf b = LICIT_BUF_INIT;
  CHECK(licit_event_encode(&ev, &b) == 0);
  licit_event d;
  licit_strv *sig = calloc(ev.n_signals ? ev.n_signals : 1, sizeof *sig);
  CHECK(sig != NULL);
  CHECK(licit_event_decode(b.data, b.len, &d, sig, ev.n_signals) == 0);
  CHECK(same_event(&d, &ev));
  /* Any truncation is detected. */
  CHECK(licit_event_decode(b.data, b.len - 1, &d, NULL, 0) == LICIT_ESTORE);
  free(sig);
  licit_buf_free(&b);
  licit_event_parser_destroy(fresh);
  free(line);
  return 0;
}
