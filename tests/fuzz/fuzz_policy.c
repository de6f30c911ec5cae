/*
 * fuzz_policy.c — libFuzzer target for the policy parser.
 *
 * licit_policy_parse must never crash, leak (LeakSanitizer) or hit undefined
 * behaviour on any bytes.  When it accepts a policy, the result must keep the
 * promises of policy.h: versions strictly increasing, licit_policy_at picks
 * the greatest effective <= T, and every region resolves to a valid mode with
 * a valid `via`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)  \
  do {               \
    if (!(cond)) abort(); \
  } while (0)

static void check_version(const licit_policy *p, const licit_policy_version *v) {
  int via;
  licit_mode m = licit_policy_mode(v, "\0\0", &via);
  CHECK(m == v->default_mode && via == v->default_via);
  CHECK(via == LICIT_VIA_DEFAULT || via == LICIT_VIA_NONE);
  CHECK(m <= LICIT_MODE_EXCLUDED);
  for (char a = 'A'; a <= 'Z'; a++)
    for (char b = 'A'; b <= 'Z'; b++) {
      char r[2] = {a, b};
      m = licit_policy_mode(v, r, &via);
      CHECK(m <= LICIT_MODE_EXCLUDED);
      CHECK(via == LICIT_VIA_DEFAULT || via == LICIT_VIA_NONE || via == LICIT_VIA_COUNTRY ||
            (via >= 0 && (size_t)via < p->n_groups));
      if (via == LICIT_VIA_DEFAULT || via == LICIT_VIA_NONE) CHECK(m == v->default_mode);
      CHECK(licit_policy_mode(v, r, NULL) == m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size ? size : 1);
  if (!text) return 0;
  if (size) memcpy(text, data, size);
  licit_policy *p = NULL;
  licit_err err;
  err.msg[0] = 0;
  int rc = licit_policy_parse(text, size, "fuzz", &p, &err);
  if (rc) {
    CHECK(rc == LICIT_EPOLICY || rc == LICIT_ENOMEM);
    CHECK(err.code == rc && err.msg[0] != 0);
    free(text);
    return 0;
  }
  CHECK(p->name && p->source && p->n_versions >= 1 && p->n_groups >= 2);
  CHECK(strcmp(p->groups[0].name, "EU") == 0 && p->groups[0].n == 27);
  CHECK(strcmp(p->groups[1].name, "EEA") == 0 && p->groups[1].n == 30);
  CHECK(licit_policy_at(p, INT64_MIN) == NULL);
  for (size_t i = 0; i < p->n_versions; i++) {
    const licit_policy_version *v = &p->versions[i];
    if (i) CHECK(v->effective > p->versions[i - 1].effective);
    CHECK(licit_policy_at(p, v->effective) == v);
    CHECK(licit_policy_at(p, v->effective - 1) == (i ? &p->versions[i - 1] : NULL));
    CHECK(v->min_age >= -1 && v->min_age <= 150);
    CHECK((v->vis_mask & ~0xFu) == 0);
    check_version(p, v);
  }
  CHECK(licit_policy_at(p, INT64_MAX) == &p->versions[p->n_versions - 1]);
  licit_policy_free(p);
  free(text);
  return 0;
}
