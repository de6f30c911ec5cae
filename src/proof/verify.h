/*
 * verify.h — checking a snapshot directory with no store (SPEC section 11):
 * anyone holding the files can run it.
 *
 * In this order: the manifest can be read; each part's sha256; the
 * documents (each line a document, counts per part and in total equal to
 * the manifest's, ids strictly ascending across parts, no unlisted part
 * file); the digest; the Merkle root; manifest.json.sig (present, its key
 * the expected one when given, the Ed25519 signature valid); and, when a
 * proof is given, the proof against the manifest.  The first failure ends
 * the verdict.
 *
 * One streaming pass: parts are decompressed and hashed as they are read,
 * a document at a time, so memory does not grow with the corpus and the
 * speed is that of zstd decompression plus SHA-256.
 */
#ifndef LICIT_VERIFY_H
#define LICIT_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "event/event.h" /* LICIT_ID_MAX */
#include "licit.h"

#define LICIT_VERIFY_MAX_CHECKS 8

typedef struct licit_verify_result {
  bool valid;
  size_t n_checked;                              /* the checks that passed, in order */
  const char *checked[LICIT_VERIFY_MAX_CHECKS];  /* static names: "manifest", "sha256", ... */
  char detail[LICIT_VERIFY_MAX_CHECKS][600];     /* what each passed check saw, for people */
  const char *failed;                            /* the first failed check, NULL when valid */
  char message[1200];                            /* why it failed */
  bool origin_checked;                           /* the signature's key was compared with --key */
  bool proof_valid;                              /* a proof was given and holds: */
  bool proof_included;                           /* of inclusion (else of non-inclusion) */
  uint64_t proof_leaf;                           /* the post's leaf index, when included */
  char *proof_post;                              /* the string it is about, as the proof gives it (any */
  size_t proof_post_len;                         /* length, any byte; malloc'd: licit_verify_result_free) */
  uint64_t bytes_compressed, bytes_raw, documents;
} licit_verify_result;

/* Frees what a verdict holds (proof_post); r stays usable, zeroed there. */
void licit_verify_result_free(licit_verify_result *r);

/* Verifies directory `dir`.  key_hex (64 hex digits) and proof_path may be
 * NULL.  Returns 0 when it reached a verdict (in *r), LICIT_EIO with a
 * message when the directory, a listed file or the proof file cannot be
 * read, LICIT_EUSAGE when key_hex is not 64 hex digits. */
int licit_verify_dir(const char *dir, const char *key_hex, const char *proof_path, licit_verify_result *r,
                     licit_err *err);

/* The manifest's own checks on `manifest` (mn bytes, the contents of a
 * manifest.json) and, when proof is not NULL, the proof's checks against
 * it, with no files read: nothing of the documents or the signature is
 * checked.  For the fuzz target (tests/fuzz/fuzz_proof.c); returns as
 * licit_verify_dir. */
int licit_verify_mem(const char *manifest, size_t mn, const char *proof, size_t pn, licit_verify_result *r,
                     licit_err *err);

#endif
