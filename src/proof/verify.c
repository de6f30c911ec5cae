/* verify.c — checking a snapshot directory without a store (see verify.h). */
#include "proof/verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/sign.h"
#include "json/fast.h"
#include "json/json.h"
#include "proof/merkle.h"
#include "snapshot/read.h"

#define FILE_MAX ((size_t)64 << 20) /* manifest, signature and proof files */

typedef struct part {
  char path[64];
  uint64_t count, seen;
  char sha[65], got[65];
} part;

typedef struct verifier {
  const char *dir;
  licit_verify_result *r;
  licit_err *err;
  licit_json *m;
  const char *snapshot, *digest, *root;
  size_t snapshot_n;
  uint64_t included;
  part *parts;
  size_t nparts;
  /* the pass over the documents */
  licit_fast *fast;
  licit_buf prev;
  bool have_prev;
  char doc_problem[1000]; /* the first problem with the documents, "" when none */
  licit_sha256_ctx *dig;
  licit_merkle_builder mk;
  uint64_t docs;
} verifier;

static int read_file(const char *path, licit_buf *b, licit_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return errno == ENOENT ? LICIT_ENOTFOUND : licit_err_set(err, LICIT_EIO, "cannot read %s: %s", path, strerror(errno));
  char tmp[65536];
  size_t n;
  int rc = 0;
  while (!rc && (n = fread(tmp, 1, sizeof tmp, f)) > 0)
    if (b->len + n > FILE_MAX || licit_buf_add(b, tmp, n))
      rc = licit_err_set(err, LICIT_EIO, "%s is larger than %zu bytes", path, FILE_MAX);
  if (!rc && ferror(f)) rc = licit_err_set(err, LICIT_EIO, "cannot read %s: %s", path, strerror(errno));
  fclose(f);
  return rc;
}

static int unhex(const char *s, size_t n, uint8_t *out, size_t len) {
  if (n != 2 * len) return -1;
  for (size_t i = 0; i < len; i++) {
    int v = 0;
    for (int k = 0; k < 2; k++) {
      char c = s[2 * i + k];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    out[i] = (uint8_t)v;
  }
  return 0;
}

static void pass(verifier *v, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void pass(verifier *v, const char *name, const char *fmt, ...) {
  licit_verify_result *r = v->r;
  if (r->n_checked >= LICIT_VERIFY_MAX_CHECKS) return;
  r->checked[r->n_checked] = name;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->detail[r->n_checked], sizeof r->detail[0], fmt, ap);
  va_end(ap);
  r->n_checked++;
}

/* Records the failure; returns 1 (the verdict is reached). */
static int fail(verifier *v, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail(verifier *v, const char *name, const char *fmt, ...) {
  v->r->failed = name;
  v->r->valid = false;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->r->message, sizeof v->r->message, fmt, ap);
  va_end(ap);
  return 1;
}

/* A string from the proof or manifest as people and scripts should see it:
 * a JSON string literal (a NUL, a control character, a quote or a byte
 * that is not UTF-8 cannot hide or rewrite what is printed), its first
 * `max` bytes cut at a character, followed by "…" when cut.  Valid until
 * the next call with the same buffer. */
static const char *lit(licit_buf *b, const char *s, size_t n, size_t max) {
  size_t k = n;
  if (k > max) {
    k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  }
  licit_buf_reset(b);
  if (licit_jw_str(b, s ? s : "", s ? k : 0) || (k < n && licit_buf_adds(b, "\u2026")) || licit_buf_addc(b, 0))
    return "\"?\"";
  return b->data;
}

static const char *str_of(const licit_json *o, const char *key, size_t *n) {
  const licit_json *x = o ? licit_json_get(o, key) : NULL;
  if (!x || licit_json_typeof(x) != LICIT_JSON_STRING) return NULL;
  return licit_json_str(x, n);
}

static bool int_of(const licit_json *o, const char *key, uint64_t *out) {
  const licit_json *x = o ? licit_json_get(o, key) : NULL;
  if (!x || licit_json_typeof(x) != LICIT_JSON_INT || licit_json_int(x) < 0) return false;
  *out = (uint64_t)licit_json_int(x);
  return true;
}

static bool is_hex64(const char *s, size_t n) {
  uint8_t tmp[32];
  return s && unhex(s, n, tmp, 32) == 0;
}

/* ---------------------------------------------------------- manifest -- */

static int check_manifest(verifier *v, licit_buf *mb) {
  licit_err e;
  int line, col;
  if (licit_json_parse(mb->data ? mb->data : "", mb->len, &v->m, &line, &col, &e))
    return fail(v, "manifest", "manifest.json is not valid JSON: %s", e.msg);
  if (licit_json_typeof(v->m) != LICIT_JSON_OBJECT) return fail(v, "manifest", "manifest.json is not a JSON object");
  size_t n;
  v->snapshot = str_of(v->m, "snapshot", &v->snapshot_n);
  if (!v->snapshot) return fail(v, "manifest", "manifest.json has no \"snapshot\" name");
  v->digest = str_of(v->m, "digest", &n);
  if (!is_hex64(v->digest, n)) return fail(v, "manifest", "manifest.json's \"digest\" is not 64 lower-case hex digits");
  v->root = str_of(v->m, "merkle_root", &n);
  if (v->root && !is_hex64(v->root, n))
    return fail(v, "manifest", "manifest.json's \"merkle_root\" is not 64 lower-case hex digits");
  if (!int_of(licit_json_get(v->m, "counts"), "included", &v->included))
    return fail(v, "manifest", "manifest.json has no \"counts\".\"included\"");
  const licit_json *docs = licit_json_get(v->m, "documents");
  if (!docs || licit_json_typeof(docs) != LICIT_JSON_ARRAY)
    return fail(v, "manifest", "manifest.json has no \"documents\" list");
  v->nparts = licit_json_array_size(docs);
  v->parts = calloc(v->nparts ? v->nparts : 1, sizeof *v->parts);
  if (!v->parts) return licit_err_set(v->err, LICIT_ENOMEM, "out of memory");
  for (size_t i = 0; i < v->nparts; i++) {
    const licit_json *d = licit_json_array_get(docs, i);
    part *p = &v->parts[i];
    size_t pn, sn;
    const char *path = str_of(d, "path", &pn), *sha = str_of(d, "sha256", &sn);
    /* Only the names licit writes, numbered from 00000 in order (SPEC 5):
     * nothing outside documents/, no repeats, no other order. */
    char want[sizeof p->path];
    snprintf(want, sizeof want, "documents/part-%05zu.jsonl.zst", i);
    if (!path || pn != strlen(want) || memcmp(path, want, pn) != 0) {
      licit_buf b = LICIT_BUF_INIT;
      fail(v, "manifest", "documents[%zu]: the path is %s, not \"%s\" (parts are numbered from 00000, in order)", i,
           path ? lit(&b, path, pn, 80) : "missing", want);
      licit_buf_free(&b);
      return 1;
    }
    memcpy(p->path, want, pn + 1);
    if (!is_hex64(sha, sn)) return fail(v, "manifest", "documents[%zu] (%s): \"sha256\" is not 64 hex digits", i, p->path);
    memcpy(p->sha, sha, 64);
    if (!int_of(d, "count", &p->count)) return fail(v, "manifest", "documents[%zu] (%s) has no \"count\"", i, p->path);
  }
  pass(v, "manifest", "manifest.json of snapshot \"%.*s\": %zu part%s, %llu documents", (int)v->snapshot_n, v->snapshot,
       v->nparts, v->nparts == 1 ? "" : "s", (unsigned long long)v->included);
  return 0;
}

/* --------------------------------------------------------- documents -- */

static const char *const doc_keys[] = {"id", "text"};

static void doc_problem(verifier *v, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void doc_problem(verifier *v, const char *fmt, ...) {
  if (v->doc_problem[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->doc_problem, sizeof v->doc_problem, fmt, ap);
  va_end(ap);
}

/* One document line: its id and text feed the order check, the digest and
 * the Merkle tree. */
static void one_doc(verifier *v, part *p, const char *line, size_t n) {
  licit_fval vals[2];
  bool present[2];
  licit_err e;
  uint64_t lineno = p->seen + 1;
  if (licit_fast_object(v->fast, line, n, doc_keys, 2, vals, present, &e)) {
    doc_problem(v, "%s line %llu is not a JSON document: %s", p->path, (unsigned long long)lineno, e.msg);
    return;
  }
  if (!present[0] || vals[0].type != LICIT_JSON_STRING || !present[1] || vals[1].type != LICIT_JSON_STRING) {
    doc_problem(v, "%s line %llu has no string \"id\" and \"text\"", p->path, (unsigned long long)lineno);
    return;
  }
  const char *id = vals[0].s;
  size_t idn = vals[0].n;
  if (v->have_prev) {
    size_t k = idn < v->prev.len ? idn : v->prev.len;
    int c = memcmp(v->prev.data, id, k);
    if (c > 0 || (c == 0 && v->prev.len >= idn)) {
      doc_problem(v, "ids do not ascend strictly: \"%.*s\" (%s line %llu) comes after \"%.*s\"", (int)(idn > 200 ? 200 : idn),
                  id, p->path, (unsigned long long)lineno, (int)(v->prev.len > 200 ? 200 : v->prev.len), v->prev.data);
      return;
    }
  }
  licit_buf_reset(&v->prev);
  if (licit_buf_add(&v->prev, id, idn)) {
    doc_problem(v, "out of memory");
    return;
  }
  v->have_prev = true;
  uint8_t tsha[32], leaf[32];
  licit_sha256(vals[1].s, vals[1].n, tsha);
  char hx[65];
  licit_hex(tsha, 32, hx);
  if (licit_sha256_update(v->dig, id, idn) || licit_sha256_update(v->dig, "\n", 1) ||
      licit_sha256_update(v->dig, hx, 64) || licit_sha256_update(v->dig, "\n", 1))
    doc_problem(v, "SHA-256 failed");
  licit_merkle_post_leaf(id, idn, tsha, leaf);
  licit_merkle_add(&v->mk, leaf);
  v->docs++;
}

/* Reads every listed part once: its sha256, and each document. */
static int read_parts(verifier *v) {
  char path[4400];
  for (size_t i = 0; i < v->nparts; i++) {
    part *p = &v->parts[i];
    snprintf(path, sizeof path, "%s/%s", v->dir, p->path);
    licit_part_reader *rd;
    int rc = licit_part_reader_open(path, &rd, v->err);
    if (rc) return rc;
    const char *line;
    size_t n;
    licit_err e;
    while (!v->doc_problem[0] && (rc = licit_part_reader_line(rd, &line, &n, &e)) == 1) {
      one_doc(v, p, line, n);
      p->seen++;
    }
    if (rc < 0 && !v->doc_problem[0]) {
      if (rc == LICIT_EIO) {
        *v->err = e;
        licit_part_reader_close(rd);
        return rc;
      }
      doc_problem(v, "%s", e.msg);
    }
    uint8_t sha[32];
    rc = licit_part_reader_finish(rd, sha, v->err);
    uint64_t c, raw;
    licit_part_reader_bytes(rd, &c, &raw);
    v->r->bytes_compressed += c;
    v->r->bytes_raw += raw;
    licit_part_reader_close(rd);
    if (rc) return rc;
    licit_hex(sha, 32, p->got);
  }
  return 0;
}

static int check_docs(verifier *v) {
  for (size_t i = 0; i < v->nparts; i++)
    if (strcmp(v->parts[i].sha, v->parts[i].got) != 0)
      return fail(v, "sha256", "%s: its sha256 is %s, the manifest says %s", v->parts[i].path, v->parts[i].got,
                  v->parts[i].sha);
  pass(v, "sha256", "%zu part%s match%s the sha256 in the manifest", v->nparts, v->nparts == 1 ? "" : "s",
       v->nparts == 1 ? "es" : "");
  if (v->doc_problem[0]) return fail(v, "documents", "%s", v->doc_problem);
  uint64_t total = 0;
  for (size_t i = 0; i < v->nparts; i++) {
    if (v->parts[i].seen != v->parts[i].count)
      return fail(v, "documents", "%s holds %llu documents, the manifest says %llu", v->parts[i].path,
                  (unsigned long long)v->parts[i].seen, (unsigned long long)v->parts[i].count);
    total += v->parts[i].seen;
  }
  if (total != v->included)
    return fail(v, "documents", "the parts hold %llu documents, counts.included says %llu", (unsigned long long)total,
                (unsigned long long)v->included);
  /* A part file the manifest does not list. */
  char path[4400];
  snprintf(path, sizeof path, "%s/documents", v->dir);
  DIR *d = opendir(path);
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue; /* a hidden file is a file */
    bool listed = false;
    for (size_t i = 0; i < v->nparts && !listed; i++) listed = strcmp(v->parts[i].path + 10, de->d_name) == 0;
    if (!listed) {
      int r = fail(v, "documents", "documents/%s is not listed in the manifest", de->d_name);
      closedir(d);
      return r;
    }
  }
  if (d) closedir(d);
  v->r->documents = total;
  pass(v, "documents", "%llu documents, as counted in the manifest, ids strictly ascending", (unsigned long long)total);
  return 0;
}

static int check_hashes(verifier *v) {
  uint8_t d[32];
  char hx[65];
  licit_sha256_ctx *dig = v->dig;
  v->dig = NULL;
  if (licit_sha256_end(dig, d)) return licit_err_set(v->err, LICIT_EINTERNAL, "SHA-256 failed");
  licit_hex(d, 32, hx);
  if (memcmp(hx, v->digest, 64) != 0)
    return fail(v, "digest", "the documents' digest is %s, the manifest says %.64s", hx, v->digest);
  pass(v, "digest", "%s", hx);
  if (!v->root)
    return fail(v, "merkle_root", "the manifest has no merkle_root (a snapshot built before licit kept Merkle roots)");
  licit_merkle_root(&v->mk, d);
  licit_hex(d, 32, hx);
  if (memcmp(hx, v->root, 64) != 0)
    return fail(v, "merkle_root", "the documents' Merkle root is %s, the manifest says %.64s", hx, v->root);
  pass(v, "merkle_root", "%s over %llu leaves", hx, (unsigned long long)v->docs);
  return 0;
}

/* --------------------------------------------------------- signature -- */

static int check_sig(verifier *v, const licit_buf *mb, const char *key_hex) {
  char path[4400];
  snprintf(path, sizeof path, "%s/manifest.json.sig", v->dir);
  licit_buf sb = LICIT_BUF_INIT;
  licit_json *sj = NULL;
  int rc = read_file(path, &sb, v->err);
  if (rc == LICIT_ENOTFOUND) {
    rc = fail(v, "signature", "manifest.json.sig is missing");
    goto out;
  }
  if (rc) goto out;
  licit_err e;
  if (licit_json_parse(sb.data ? sb.data : "", sb.len, &sj, NULL, NULL, &e)) {
    rc = fail(v, "signature", "manifest.json.sig is not valid JSON: %s", e.msg);
    goto out;
  }
  size_t an, kn, sn;
  const char *alg = str_of(sj, "alg", &an), *key = str_of(sj, "key", &kn), *sig = str_of(sj, "sig", &sn);
  uint8_t pub[32], sg[64];
  if (!alg || an != 7 || memcmp(alg, "ed25519", 7)) {
    rc = fail(v, "signature", "manifest.json.sig: \"alg\" is not \"ed25519\"");
    goto out;
  }
  if (!key || unhex(key, kn, pub, 32)) {
    rc = fail(v, "signature", "manifest.json.sig: \"key\" is not 64 lower-case hex digits");
    goto out;
  }
  if (!sig || unhex(sig, sn, sg, 64)) {
    rc = fail(v, "signature", "manifest.json.sig: \"sig\" is not 128 lower-case hex digits");
    goto out;
  }
  if (key_hex && memcmp(key_hex, key, 64) != 0) {
    rc = fail(v, "signature", "manifest.json.sig is signed by key %.64s, not by the expected key %.64s", key, key_hex);
    goto out;
  }
  int vr = licit_ed25519_verify(pub, mb->data, mb->len, sg);
  if (vr == LICIT_EINTERNAL) {
    rc = licit_err_set(v->err, vr, "the crypto library failed to check the signature");
    goto out;
  }
  if (vr) {
    uint8_t mh[32];
    char mhx[65];
    licit_sha256(mb->data, mb->len, mh);
    licit_hex(mh, 32, mhx);
    rc = fail(v, "signature",
              "the Ed25519 signature %.16s… in manifest.json.sig does not match manifest.json (sha256 %.16s…) "
              "under key %.64s",
              sig, mhx, key);
    goto out;
  }
  v->r->origin_checked = key_hex != NULL;
  if (key_hex)
    pass(v, "signature", "signed by the expected key %.64s", key);
  else
    pass(v, "signature",
         "signed by key %.64s; this proves integrity, not origin: pass the publisher's key with --key to check "
         "who signed it",
         key);
  rc = 0;
out:
  licit_json_free(sj);
  licit_buf_free(&sb);
  return rc;
}

/* ------------------------------------------------------------- proof -- */

/* A leaf of a proof: index, text hash and audit path, leading to the
 * manifest's root.  `id` is the post (inclusion) or the neighbour's id. */
static int check_leaf(verifier *v, const char *what, const licit_json *o, const char *id, size_t idn, uint64_t n,
                      uint64_t *index) {
  if (!int_of(o, "leaf_index", index)) return fail(v, "proof", "%s: \"leaf_index\" is missing or not an integer", what);
  if (*index >= n)
    return fail(v, "proof", "%s: leaf_index %llu is outside the tree of %llu leaves", what, (unsigned long long)*index,
                (unsigned long long)n);
  size_t sn;
  const char *ts = str_of(o, "text_sha256", &sn);
  uint8_t tsha[32], leaf[32], root[32], mroot[32];
  if (!ts || unhex(ts, sn, tsha, 32)) return fail(v, "proof", "%s: \"text_sha256\" is not 64 hex digits", what);
  const licit_json *path = licit_json_get(o, "path");
  if (!path || licit_json_typeof(path) != LICIT_JSON_ARRAY) return fail(v, "proof", "%s: \"path\" is not a list", what);
  size_t len = licit_json_array_size(path);
  size_t want = licit_merkle_path_len(*index, n);
  if (len != want)
    return fail(v, "proof", "%s: the audit path has %zu hashes; leaf %llu of %llu needs %zu", what, len,
                (unsigned long long)*index, (unsigned long long)n, want);
  uint8_t hashes[LICIT_MERKLE_MAX_DEPTH][32];
  for (size_t i = 0; i < len; i++) {
    const licit_json *h = licit_json_array_get(path, i);
    size_t hn;
    const char *hs = licit_json_typeof(h) == LICIT_JSON_STRING ? licit_json_str(h, &hn) : NULL;
    if (!hs || unhex(hs, hn, hashes[i], 32)) return fail(v, "proof", "%s: path[%zu] is not 64 hex digits", what, i);
  }
  licit_merkle_post_leaf(id, idn, tsha, leaf);
  unhex(v->root, 64, mroot, 32);
  char got[65];
  if (licit_merkle_path_root(*index, n, leaf, hashes, len, root) != 0) {
    return fail(v, "proof", "%s: the audit path does not fit leaf %llu of %llu", what, (unsigned long long)*index,
                (unsigned long long)n);
  }
  if (memcmp(root, mroot, 32) != 0) {
    licit_hex(root, 32, got);
    licit_buf b = LICIT_BUF_INIT;
    fail(v, "proof",
         "%s: leaf %llu (id %s, text_sha256 %.16s…) with its audit path leads to root %s, not the manifest's "
         "merkle_root",
         what, (unsigned long long)*index, lit(&b, id, idn, 200), ts, got);
    licit_buf_free(&b);
    return 1;
  }
  return 0;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
  size_t k = an < bn ? an : bn;
  int c = memcmp(a, b, k);
  return c ? c : (an > bn) - (an < bn);
}

/* What a proof that holds showed, for --json (the post as given). */
static int proven(verifier *v, const char *post, size_t pn, bool included, uint64_t leaf) {
  licit_verify_result *r = v->r;
  free(r->proof_post);
  r->proof_post = malloc(pn + 1);
  if (!r->proof_post) return licit_err_set(v->err, LICIT_ENOMEM, "out of memory");
  memcpy(r->proof_post, post, pn);
  r->proof_post[pn] = 0;
  r->proof_post_len = pn;
  r->proof_valid = true;
  r->proof_included = included;
  r->proof_leaf = leaf;
  return 0;
}

void licit_verify_result_free(licit_verify_result *r) {
  free(r->proof_post);
  r->proof_post = NULL;
  r->proof_post_len = 0;
}

/* The proof in `pb` (read from proof_path, which names it in messages). */
static int check_proof_json(verifier *v, const licit_buf *pb, const char *proof_path) {
  licit_buf b1 = LICIT_BUF_INIT, b2 = LICIT_BUF_INIT, b3 = LICIT_BUF_INIT;
  licit_json *p = NULL;
  int rc = 0;
  licit_err e;
  if (licit_json_parse(pb->data ? pb->data : "", pb->len, &p, NULL, NULL, &e)) {
    rc = fail(v, "proof", "%s is not valid JSON: %s", proof_path, e.msg);
    goto out;
  }
  if (licit_json_typeof(p) != LICIT_JSON_OBJECT) {
    rc = fail(v, "proof", "%s is not a JSON object", proof_path);
    goto out;
  }
  size_t sn, rn, pn;
  const char *snap = str_of(p, "snapshot", &sn), *root = str_of(p, "merkle_root", &rn), *post = str_of(p, "post", &pn);
  uint64_t n;
  if (!snap || sn != v->snapshot_n || memcmp(snap, v->snapshot, sn)) {
    rc = fail(v, "proof", "the proof is for snapshot %s, not %s", snap ? lit(&b1, snap, sn, 200) : "(none)",
              lit(&b2, v->snapshot, v->snapshot_n, 200));
    goto out;
  }
  if (!root || rn != 64 || memcmp(root, v->root, 64)) {
    rc = fail(v, "proof", "the proof's merkle_root %s is not the manifest's %.64s", root ? lit(&b1, root, rn, 80) : "(none)",
              v->root);
    goto out;
  }
  if (!int_of(p, "tree_size", &n) || n != v->included) {
    rc = fail(v, "proof", "the proof's tree_size is not the manifest's %llu documents", (unsigned long long)v->included);
    goto out;
  }
  if (!post) { /* any string has a proof (SPEC 11); printed as a JSON string */
    rc = fail(v, "proof", "the proof has no \"post\" string");
    goto out;
  }
  const licit_json *inc = licit_json_get(p, "included");
  if (!inc || licit_json_typeof(inc) != LICIT_JSON_BOOL) {
    rc = fail(v, "proof", "the proof's \"included\" is not true or false");
    goto out;
  }
  uint64_t li, ri;
  if (licit_json_bool(inc)) {
    if ((rc = check_leaf(v, "inclusion", p, post, pn, n, &li))) goto out;
    pass(v, "proof", "post %s is document %llu of %llu: its audit path leads to the Merkle root",
         lit(&b1, post, pn, 200), (unsigned long long)li, (unsigned long long)n);
    rc = proven(v, post, pn, true, li);
    goto out;
  }
  const licit_json *L = licit_json_get(p, "left"), *R = licit_json_get(p, "right");
  bool lnull = L && licit_json_typeof(L) == LICIT_JSON_NULL, rnull = R && licit_json_typeof(R) == LICIT_JSON_NULL;
  if (!L || !R || (!lnull && licit_json_typeof(L) != LICIT_JSON_OBJECT) ||
      (!rnull && licit_json_typeof(R) != LICIT_JSON_OBJECT)) {
    rc = fail(v, "proof", "a non-inclusion proof has \"left\" and \"right\", each null or a neighbour");
    goto out;
  }
  size_t ln = 0, rln = 0;
  const char *lid = lnull ? NULL : str_of(L, "id", &ln), *rid = rnull ? NULL : str_of(R, "id", &rln);
  if ((!lnull && !lid) || (!rnull && !rid)) {
    rc = fail(v, "proof", "a neighbour has no \"id\"");
    goto out;
  }
  if (lnull && rnull) {
    if (n != 0) rc = fail(v, "proof", "both neighbours are null, but the snapshot holds %llu documents", (unsigned long long)n);
    else {
      pass(v, "proof", "post %s is not in the snapshot, which is empty", lit(&b1, post, pn, 200));
      rc = proven(v, post, pn, false, 0);
    }
    goto out;
  }
  if (!lnull && (rc = check_leaf(v, "left neighbour", L, lid, ln, n, &li))) goto out;
  if (!rnull && (rc = check_leaf(v, "right neighbour", R, rid, rln, n, &ri))) goto out;
  if (!lnull && cmp_bytes(lid, ln, post, pn) >= 0) {
    rc = fail(v, "proof", "the left neighbour %s does not sort before the post %s", lit(&b1, lid, ln, 200),
              lit(&b2, post, pn, 200));
    goto out;
  }
  if (!rnull && cmp_bytes(post, pn, rid, rln) >= 0) {
    rc = fail(v, "proof", "the right neighbour %s does not sort after the post %s", lit(&b1, rid, rln, 200),
              lit(&b2, post, pn, 200));
    goto out;
  }
  if (lnull && ri != 0) {
    rc = fail(v, "proof", "the left neighbour is null, but the right one is leaf %llu, not the first", (unsigned long long)ri);
    goto out;
  }
  if (rnull && li != n - 1) {
    rc = fail(v, "proof", "the right neighbour is null, but the left one is leaf %llu, not the last (%llu)",
              (unsigned long long)li, (unsigned long long)(n - 1));
    goto out;
  }
  if (!lnull && !rnull && ri != li + 1) {
    rc = fail(v, "proof", "the neighbours are leaves %llu and %llu, not adjacent", (unsigned long long)li,
              (unsigned long long)ri);
    goto out;
  }
  pass(v, "proof", "post %s is not in the snapshot: its neighbours %s and %s are adjacent leaves",
       lit(&b1, post, pn, 200), lnull ? "(none)" : lit(&b2, lid, ln, 100), rnull ? "(none)" : lit(&b3, rid, rln, 100));
  rc = proven(v, post, pn, false, 0);
out:
  licit_json_free(p);
  licit_buf_free(&b1);
  licit_buf_free(&b2);
  licit_buf_free(&b3);
  return rc;
}

static int check_proof(verifier *v, const char *proof_path) {
  licit_buf pb = LICIT_BUF_INIT;
  int rc = read_file(proof_path, &pb, v->err);
  if (rc == LICIT_ENOTFOUND) rc = licit_err_set(v->err, LICIT_EIO, "cannot read %s: no such file", proof_path);
  if (!rc) rc = check_proof_json(v, &pb, proof_path);
  licit_buf_free(&pb);
  return rc;
}

/* What a verifier holds, freed (its parts may never have been made). */
static void verifier_free(verifier *v) {
  if (v->dig) {
    uint8_t d[32];
    licit_sha256_end(v->dig, d);
  }
  licit_fast_destroy(v->fast);
  licit_buf_free(&v->prev);
  licit_json_free(v->m);
  free(v->parts);
}

int licit_verify_dir(const char *dir, const char *key_hex, const char *proof_path, licit_verify_result *r,
                     licit_err *err) {
  memset(r, 0, sizeof *r);
  if (key_hex) {
    uint8_t k[32];
    if (unhex(key_hex, strlen(key_hex), k, 32))
      return licit_err_set(err, LICIT_EUSAGE, "--key expects the 64 lower-case hex digits of an Ed25519 public key");
  }
  verifier v;
  memset(&v, 0, sizeof v);
  v.dir = dir;
  v.r = r;
  v.err = err;
  licit_buf mb = LICIT_BUF_INIT;
  char path[4400];
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  int rc = read_file(path, &mb, err);
  if (rc == LICIT_ENOTFOUND) rc = licit_err_set(err, LICIT_EIO, "cannot read %s: no such file (is %s a snapshot?)", path, dir);
  if (rc) goto out;
  if ((rc = check_manifest(&v, &mb))) goto out;
  v.dig = licit_sha256_begin();
  if (!v.dig || licit_fast_create(&v.fast)) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
    goto out;
  }
  licit_merkle_init(&v.mk, 64, NULL, NULL);
  if ((rc = read_parts(&v)) || (rc = check_docs(&v)) || (rc = check_hashes(&v)) || (rc = check_sig(&v, &mb, key_hex)))
    goto out;
  if (proof_path && (rc = check_proof(&v, proof_path))) goto out;
  r->valid = true;
out:
  verifier_free(&v);
  licit_buf_free(&mb);
  return rc == 1 ? 0 : rc; /* 1: a verdict, r->failed says which check */
}

int licit_verify_mem(const char *manifest, size_t mn, const char *proof, size_t pn, licit_verify_result *r,
                     licit_err *err) {
  memset(r, 0, sizeof *r);
  verifier v;
  memset(&v, 0, sizeof v);
  v.dir = "(memory)";
  v.r = r;
  v.err = err;
  licit_buf mb = LICIT_BUF_INIT, pb = LICIT_BUF_INIT;
  int rc = licit_buf_add(&mb, manifest, mn) || (proof && licit_buf_add(&pb, proof, pn))
               ? licit_err_set(err, LICIT_ENOMEM, "out of memory")
               : 0;
  if (!rc) rc = check_manifest(&v, &mb);
  if (!rc && proof) rc = check_proof_json(&v, &pb, "(memory)");
  if (!rc) r->valid = true;
  verifier_free(&v);
  licit_buf_free(&mb);
  licit_buf_free(&pb);
  return rc == 1 ? 0 : rc;
}
