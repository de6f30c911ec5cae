/*
 * fuzz_adapter.h — the shared body of the adapter fuzz targets
 * (fuzz_jetstream.c, fuzz_activitypub.c): one input is one record, fed to
 * the adapter's record() with a stub sink that checks every event the
 * adapter emits and answers user_known/is_duplicate from the id's bytes, so
 * both the "known" and the "never seen" paths run.
 *
 * Include after defining FUZZ_ADAPTER (the adapter's variable) and
 * FUZZ_REGION (NULL or a country code).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/adapter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const licit_adapter FUZZ_ADAPTER;

#define CHECK(cond)       \
  do {                    \
    if (!(cond)) abort(); \
  } while (0)

static volatile unsigned char sink_hole;

static void touch(licit_strv s) {
  CHECK(s.n == 0 || s.p);
  for (size_t i = 0; i < s.n; i++) sink_hole ^= (unsigned char)s.p[i];
}

static void check_id(licit_strv s) {
  CHECK(s.p && s.n >= 1 && s.n <= LICIT_ID_MAX);
  for (size_t i = 0; i < s.n; i++) CHECK((unsigned char)s.p[i] >= 0x20);
}

static int stub_emit(licit_sink *s, const licit_event *ev, unsigned flags) {
  (void)s;
  (void)flags;
  CHECK(ev->type >= LICIT_EV_POST && ev->type <= LICIT_EV_ACCOUNT_DELETE);
  CHECK(ev->ts >= -62135596800000000LL && ev->ts <= 253402300799999999LL);
  check_id(ev->user); /* every event of these formats names its account */
  if (ev->id.n) check_id(ev->id);
  switch (ev->type) {
    case LICIT_EV_POST:
    case LICIT_EV_EDIT:
    case LICIT_EV_DELETE: check_id(ev->post); break;
    default: CHECK(ev->post.n == 0); break;
  }
  CHECK(ev->text.n <= LICIT_TEXT_MAX);
  /* Parent: absent (never empty) or an id, only on posts; mentions: ids,
   * only on posts and edits. */
  if (ev->parent.n) check_id(ev->parent);
  CHECK(ev->parent.n == 0 || ev->type == LICIT_EV_POST);
  CHECK(ev->n_mentions <= LICIT_MENTIONS_MAX && (ev->n_mentions == 0 || ev->has_mentions));
  CHECK(!ev->has_mentions || ev->type == LICIT_EV_POST || ev->type == LICIT_EV_EDIT);
  for (size_t i = 0; i < ev->n_mentions; i++) {
    check_id(ev->mentions[i]);
    touch(ev->mentions[i]);
  }
  touch(ev->parent);
  CHECK(ev->visibility <= LICIT_VIS_PRIVATE && ev->ai_training <= LICIT_PREF_DENY);
  touch(ev->id);
  touch(ev->post);
  touch(ev->user);
  touch(ev->text);
  touch(ev->lang);
  return 0;
}

static int stub_known(licit_sink *s, const char *id, size_t n) {
  (void)s;
  CHECK(n == 0 || id);
  return n > 0 && (id[n - 1] & 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static void *state;
  if (!state && FUZZ_ADAPTER.create(&state, FUZZ_REGION)) return 0;
  licit_sink sink = {0};
  sink.emit = stub_emit;
  sink.user_known = stub_known;
  sink.is_duplicate = stub_known;
  /* An exact-size heap copy so ASan sees any read past the end. */
  char *line = malloc(size ? size : 1);
  if (!line) return 0;
  if (size) memcpy(line, data, size);
  licit_err err = {0};
  int rc = FUZZ_ADAPTER.record(state, line, size, &sink, &err);
  CHECK(rc == 0 || rc == 1 || rc == LICIT_EINVAL || rc == LICIT_ENOMEM);
  if (rc == LICIT_EINVAL) CHECK(err.msg[0] != 0);
  free(line);
  return 0;
}
