/* cmd_proof.c — `licit key`, `licit prove`, `licit verify` and
 * `licit snapshot diff` (SPEC sections 5, 6 and 11). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/hash.h"
#include "json/json.h"
#include "proof/prove.h"
#include "proof/verify.h"
#include "snapshot/snapshot.h"

enum { EXIT_INVALID = 4 }; /* verify: the snapshot, signature or proof is invalid */

int cmd_key(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "key: takes no arguments");
  int code = cli_open_store(c, CLI_STORE_READ);
  if (code) return code;
  licit_txn *t;
  licit_err err;
  uint8_t seed[32], pub[32];
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  int rc = licit_store_sign_key(t, seed, pub, &err);
  licit_txn_abort(t);
  if (rc == LICIT_ENOTFOUND) {
    /* A store made before signing keys: it gets one now, which writes. */
    licit_store_close(c->store);
    c->store = NULL;
    if ((code = cli_open_store(c, CLI_STORE_WRITE))) return code;
    if ((rc = licit_store_reserve(c->store, 1 << 20, &err)) == 0 && (rc = licit_txn_begin(c->store, true, &t, &err)) == 0) {
      rc = licit_store_sign_key(t, seed, pub, &err);
      if (rc) licit_txn_abort(t);
      else rc = licit_txn_commit(t, &err);
    }
  }
  memset(seed, 0, sizeof seed);
  if (rc) return cli_fail_code(rc, "key: %s", err.msg);
  char hx[65];
  licit_hex(pub, 32, hx);
  if (c->json) printf("{\"key\":\"%s\"}\n", hx);
  else printf("%s\n", hx);
  return EXIT_OK;
}

int cmd_prove(cli *c) {
  if (c->npos != 1) return cli_fail(EXIT_USAGE, "prove: expects one post id (licit prove POST --snapshot NAME)");
  const char *snap = cli_opt_val(c, "snapshot");
  if (!snap) return cli_fail(EXIT_USAGE, "prove: --snapshot NAME is required");
  int code = cli_open_store(c, CLI_STORE_READ);
  if (code) return code;
  licit_txn *t;
  licit_err err;
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  licit_buf b = LICIT_BUF_INIT;
  int rc = licit_proof_build(t, snap, c->pos[0], strlen(c->pos[0]), &b, &err);
  licit_txn_abort(t);
  if (rc) {
    licit_buf_free(&b);
    return cli_fail_code(rc, "prove: %s", err.msg); /* no such snapshot, or one without a root: exit 2 */
  }
  cli_print(&b); /* the proof is JSON, with or without --json */
  licit_buf_free(&b);
  return EXIT_OK;
}

int cmd_verify(cli *c) {
  if (c->npos != 1) return cli_fail(EXIT_USAGE, "verify: expects one snapshot directory (licit verify DIR)");
  licit_verify_result r = {0};
  licit_err err;
  int rc = licit_verify_dir(c->pos[0], cli_opt_val(c, "key"), cli_opt_val(c, "proof"), &r, &err);
  if (rc) {
    licit_verify_result_free(&r);
    return cli_fail_code(rc, "verify: %s", err.msg); /* LICIT_EIO: exit 1; LICIT_EUSAGE: exit 2 */
  }
  if (c->json) {
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_printf(&b, "{\"valid\":%s,\"checked\":[", r.valid ? "true" : "false");
    for (size_t i = 0; i < r.n_checked; i++) {
      if (i) licit_buf_addc(&b, ',');
      licit_jw_strz(&b, r.checked[i]);
    }
    licit_buf_adds(&b, "],\"failure\":");
    if (r.valid) {
      licit_buf_adds(&b, "null");
    } else {
      licit_buf_adds(&b, "{\"check\":");
      licit_jw_strz(&b, r.failed);
      licit_buf_adds(&b, ",\"message\":");
      licit_jw_strz(&b, r.message);
      licit_buf_addc(&b, '}');
    }
    licit_buf_printf(&b, ",\"origin_checked\":%s,\"documents\":%llu,\"bytes_compressed\":%llu,\"bytes_raw\":%llu",
                     r.origin_checked ? "true" : "false", (unsigned long long)r.documents,
                     (unsigned long long)r.bytes_compressed, (unsigned long long)r.bytes_raw);
    /* What a proof that holds is about, so that a script can check it is
     * the post it asked for. */
    if (r.proof_valid) {
      licit_buf_adds(&b, ",\"proof\":{\"post\":");
      licit_jw_str(&b, r.proof_post, r.proof_post_len);
      licit_buf_printf(&b, ",\"included\":%s", r.proof_included ? "true" : "false");
      if (r.proof_included) licit_buf_printf(&b, ",\"leaf_index\":%llu", (unsigned long long)r.proof_leaf);
      licit_buf_addc(&b, '}');
    }
    licit_buf_addc(&b, '}');
    cli_print(&b);
    licit_buf_free(&b);
  } else {
    for (size_t i = 0; i < r.n_checked; i++) printf("ok    %-12s %s\n", r.checked[i], r.detail[i]);
    if (r.valid) {
      printf("valid: %s\n", r.origin_checked ? "the snapshot is intact and signed by the expected key"
                                             : "the snapshot is intact (integrity, not origin: no --key given)");
    } else {
      printf("FAIL  %-12s %s\n", r.failed, r.message);
      printf("invalid: %s\n", r.message);
    }
  }
  licit_verify_result_free(&r);
  return r.valid ? EXIT_OK : EXIT_INVALID;
}

typedef struct diff_out {
  cli *c;
  uint64_t entered, left;
  licit_buf b;
} diff_out;

static int print_change(void *ctx, const licit_snapshot_change *ch) {
  diff_out *d = ctx;
  licit_buf *b = &d->b;
  licit_buf_reset(b);
  if (ch->entered) d->entered++;
  else d->left++;
  if (d->c->json) {
    licit_buf_adds(b, "{\"post\":");
    licit_jw_str(b, ch->post.p, ch->post.n);
    licit_buf_printf(b, ",\"change\":\"%s\",\"reason\":", ch->entered ? "entered" : "left");
    if (ch->reason) licit_jw_strz(b, ch->reason);
    else licit_buf_adds(b, "null");
    licit_buf_addc(b, '}');
  } else {
    licit_buf_printf(b, "%s  ", ch->entered ? "entered" : "left   ");
    licit_buf_add(b, ch->post.p, ch->post.n);
    if (ch->reason) licit_buf_printf(b, "  %s", ch->reason);
  }
  cli_print(b);
  return 0;
}

int cmd_snapshot_diff(cli *c) {
  if (c->npos != 2) return cli_fail(EXIT_USAGE, "snapshot diff: expects two snapshot names (licit snapshot diff A B)");
  int code = cli_open_store(c, CLI_STORE_READ);
  if (code) return code;
  licit_txn *t;
  licit_err err;
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  diff_out d = {c, 0, 0, LICIT_BUF_INIT};
  int rc = licit_snapshot_diff(t, c->pos[0], c->pos[1], print_change, &d, &err);
  licit_txn_abort(t);
  licit_buf_free(&d.b);
  if (rc) return cli_fail_code(rc, "snapshot diff: %s", err.msg);
  if (!c->json)
    printf("%llu entered, %llu left between %s and %s\n", (unsigned long long)d.entered, (unsigned long long)d.left,
           c->pos[0], c->pos[1]);
  return EXIT_OK;
}
