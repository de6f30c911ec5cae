/*
 * fuzz_proof.c — libFuzzer target for what `licit verify` reads from
 * someone else besides the documents: a manifest.json and an inclusion or
 * non-inclusion proof (licit_verify_mem: the manifest's checks, then the
 * proof's against it, with no files).
 *
 * The first byte picks the input: even, the rest is a manifest, checked on
 * its own; odd, the rest is a proof, checked against MANIFEST below (a real
 * snapshot of examples/events.jsonl, so the corpus's real proofs reach the
 * audit-path and neighbour checks).  Checks: no crash, no undefined
 * behaviour, and a verdict that says what it is: a failure names its check
 * and has a message; a proof that holds names a post id of 1-256 bytes.
 *
 * libFuzzer: scripts/fuzz.sh proof SECONDS.  Plain replay (make test):
 * tests/fuzz/replay.c, corpus tests/fuzz/corpus/proof.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proof/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* licit snapshot --at 2025-06-01T00:00:00Z --name fz of examples/events.jsonl
 * under examples/policies/meta-genai.json. */
static const char MANIFEST[] =
    "{\n"
    "  \"snapshot\": \"fz\",\n"
    "  \"at\": \"2025-06-01T00:00:00Z\",\n"
    "  \"log_position\": 53,\n"
    "  \"policy\": {\"name\": \"meta-genai\", \"version\": \"2025-05-eu-objection\"},\n"
    "  \"counts\": {\"considered\":29,\"included\":12,\"excluded\":{\"deleted\":4,\"no_policy\":0,\"too_old\":0,\"minor\":2,\"region_excluded\":0,\"not_public\":6,\"signal\":0,\"objected\":5,\"no_consent\":0,\"mentioned\":0}},\n"
    "  \"digest\": \"198d119681149466291a33d974b886818f48f40a5d43bb5b6f054de5dc5157a3\",\n"
    "  \"merkle_root\": \"5005e00ecc47c0e8afeaf487c0c7f26f03c8fd2cf0535edf148c3d1664118fbb\",\n"
    "  \"documents\": [\n"
    "    {\"path\": \"documents/part-00000.jsonl.zst\", \"count\": 12, \"sha256\": \"41f610f3b87ee3ce0bf91de1647e5f5c0aa45321511bb61a99a62a6fa33e9fc2\"}\n"
    "  ],\n"
    "  \"licit_version\": \"0.1.0\"\n"
    "}\n"
;

#define CHECK(cond)       \
  do {                    \
    if (!(cond)) abort(); \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t n = size - 1;
  char *s = malloc(n ? n : 1); /* an exact-size copy: reads past it are caught */
  if (!s) return 0;
  memcpy(s, data + 1, n);
  licit_verify_result r = {0};
  licit_err err = {0};
  int rc = data[0] & 1 ? licit_verify_mem(MANIFEST, sizeof MANIFEST - 1, s, n, &r, &err)
                       : licit_verify_mem(s, n, NULL, 0, &r, &err);
  if (rc == 0) {
    if (r.valid) {
      CHECK(!r.failed);
      if (data[0] & 1) CHECK(r.proof_valid && r.proof_post && r.proof_post_len <= n);
    } else {
      CHECK(r.failed && r.message[0]);
    }
  } else {
    CHECK(rc == LICIT_ENOMEM && err.msg[0]);
  }
  licit_verify_result_free(&r);
  free(s);
  return 0;
}
