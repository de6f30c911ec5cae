/* cmd_eval.c — `licit eval`, `licit snapshot` and `licit snapshots` (`snapshot diff`: cmd_proof.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "json/json.h"
#include "snapshot/snapshot.h"

int cli_load_policy(cli *c, licit_txn *t, const char *file, licit_policy **out) {
  licit_err err;
  if (file) {
    licit_buf text = LICIT_BUF_INIT;
    int rc = cli_read_file(file, &text, 16u << 20, &err);
    if (rc) {
      licit_buf_free(&text);
      return cli_fail_code(rc, "%s", err.msg);
    }
    rc = licit_policy_parse(text.data ? text.data : "", text.len, file, out, &err);
    licit_buf_free(&text);
    return rc ? cli_fail_code(LICIT_EPOLICY, "%s", err.msg) : 0;
  }
  licit_strv js;
  int rc = licit_store_policy_get(t, &js);
  if (rc == LICIT_ENOPOLICY) {
    *out = NULL; /* every post is then no_policy */
    return 0;
  }
  if (rc || licit_policy_parse(js.p, js.n, "(installed)", out, &err))
    return cli_fail_code(LICIT_ESTORE, "the installed policy cannot be read: the store is damaged");
  (void)c;
  return 0;
}

static void print_counts_text(const licit_counts *n) {
  char b[32];
  printf("  considered        %12s\n", cli_num(n->considered, b));
  printf("  included          %12s\n", cli_num(n->included, b));
  printf("  excluded          %12s\n", cli_num(n->considered - n->included, b));
  for (int r = 1; r < LICIT_R_COUNT; r++)
    if (n->excluded[r]) printf("    %-16s%12s\n", licit_reason_name(r), cli_num(n->excluded[r], b));
}

static void policy_json(licit_buf *o, const licit_policy *p, const char *version) {
  licit_buf_adds(o, "{\"name\":");
  if (p) licit_jw_strz(o, p->name);
  else licit_buf_adds(o, "null");
  licit_buf_adds(o, ",\"version\":");
  if (version) licit_jw_strz(o, version);
  else licit_buf_adds(o, "null");
  licit_buf_addc(o, '}');
}

int cli_begin_read(cli *c, const char *policy_file, licit_txn **t, licit_policy **p, int64_t *T) {
  int code = cli_at(c, T);
  if (code || (code = cli_open_store(c, CLI_STORE_READ))) return code;
  licit_err err;
  if (licit_txn_begin(c->store, false, t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  if ((code = cli_load_policy(c, *t, policy_file, p))) {
    licit_txn_abort(*t);
    *t = NULL;
  }
  return code;
}

/* eval --list: one line per considered post, in post id order. */
typedef struct list_ctx {
  licit_txn *t;
  bool json;
  int only; /* a decision, or -1 for all */
  licit_buf line, scratch;
  licit_err *err;
} list_ctx;

static bool list_want(void *ctx, uint32_t ord, licit_reason r) {
  (void)ord;
  const list_ctx *l = ctx;
  return l->only < 0 || (int)r == l->only;
}

static int list_cb(void *ctx, licit_strv id, const licit_post_rec *p, licit_reason r, const licit_text_hist *text) {
  (void)text;
  list_ctx *l = ctx;
  if (l->only >= 0 && (int)r != l->only) return 0;
  licit_user_rec u;
  int rc = licit_user_get(l->t, p->user, &u, &l->scratch);
  if (rc) return licit_err_set(l->err, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading the store: the author of a post: %s",
                               licit_strerror(rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc));
  licit_buf *b = &l->line;
  licit_buf_reset(b);
  if (l->json) {
    rc = licit_buf_adds(b, "{\"post\":");
    if (!rc) rc = licit_jw_str(b, id.p, id.n);
    if (!rc) rc = licit_buf_adds(b, ",\"user\":");
    if (!rc) rc = licit_jw_str(b, u.id, u.id_len);
    if (!rc) rc = licit_buf_printf(b, ",\"reason\":\"%s\"}\n", licit_reason_name(r));
  } else {
    rc = licit_buf_add(b, id.p, id.n);
    if (!rc) rc = licit_buf_addc(b, '\t');
    if (!rc) rc = licit_buf_add(b, u.id, u.id_len);
    if (!rc) rc = licit_buf_printf(b, "\t%s\n", licit_reason_name(r));
  }
  if (rc) return licit_err_set(l->err, LICIT_ENOMEM, "out of memory");
  if (fwrite(b->data, 1, b->len, stdout) != b->len) return licit_err_set(l->err, LICIT_EIO, "cannot write the output");
  return 0;
}

int cmd_eval(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "eval: takes no positional arguments (licit eval --at T)");
  const char *reason = cli_opt_val(c, "reason");
  bool list = cli_opt_val(c, "list") != NULL;
  int only = -1;
  if (reason) {
    if (!list) return cli_fail(EXIT_USAGE, "eval: --reason R goes with --list");
    only = licit_reason_parse(reason, strlen(reason));
    if (only < 0) {
      char all[400] = "";
      for (int r = 0; r < LICIT_R_COUNT; r++) {
        size_t l = strlen(all);
        snprintf(all + l, sizeof all - l, "%s%s", r ? ", " : "", licit_reason_name(r));
      }
      return cli_fail(EXIT_USAGE, "eval: --reason \"%s\": expected one of %s", reason, all);
    }
  }
  int threads = 0;
  const char *th = cli_opt_val(c, "threads");
  if (th) {
    char *end;
    errno = 0;
    long v = strtol(th, &end, 10);
    if (errno || end == th || *end || v < 1 || v > 64)
      return cli_fail(EXIT_USAGE, "eval: --threads \"%s\": expected a number from 1 to 64", th);
    if (list) return cli_fail(EXIT_USAGE, "eval: --threads does not go with --list (a list is written in order)");
    threads = (int)v;
  }
  int64_t T;
  licit_txn *t;
  licit_policy *p = NULL;
  licit_err err = {0};
  int code = cli_begin_read(c, cli_opt_val(c, "policy"), &t, &p, &T);
  if (code) return code;
  licit_eval *e = NULL;
  licit_counts n;
  char digest[65];
  uint64_t logpos = licit_txn_log_len(t);
  /* A list is written in order from one thread; a count may use several. */
  int rc = licit_eval_open_threads(t, p, T, logpos, list ? 1 : threads, &e, &err);
  if (list) {
    list_ctx l = {t, c->json, only, LICIT_BUF_INIT, LICIT_BUF_INIT, &err};
    if (!rc) rc = licit_eval_run_want(e, list_want, list_cb, &l, &n, digest, &err);
    licit_buf_free(&l.line);
    licit_buf_free(&l.scratch);
    if (rc) code = cli_fail_code(rc, "eval: %s", err.msg);
    licit_eval_close(e);
    licit_policy_free(p);
    licit_txn_abort(t);
    return code;
  }
  if (!rc) rc = licit_eval_run(e, NULL, NULL, &n, digest, &err);
  const licit_policy_version *v = e ? licit_eval_version(e) : NULL;
  if (rc) {
    code = cli_fail_code(rc, "eval: %s", err.msg);
  } else if (c->json) {
    licit_buf o = LICIT_BUF_INIT;
    licit_buf_adds(&o, "{\"at\":");
    licit_jw_time(&o, T);
    licit_buf_printf(&o, ",\"log_position\":%llu,\"policy\":", (unsigned long long)logpos);
    policy_json(&o, p, v ? v->id : NULL);
    licit_buf_adds(&o, ",\"counts\":");
    licit_counts_json(&o, &n);
    licit_buf_printf(&o, ",\"digest\":\"%s\"}", digest);
    cli_print(&o);
    licit_buf_free(&o);
  } else {
    char tb[LICIT_TIME_BUFSZ];
    licit_time_format(T, tb);
    printf("eval at %s over %llu events (nothing written)\n", tb, (unsigned long long)logpos);
    if (!p) printf("  policy: none installed: every post is no_policy\n");
    else if (!v) printf("  policy: %s has no version in force at this time\n", p->name);
    else printf("  policy: %s, version %s\n", p->name, v->id);
    print_counts_text(&n);
    printf("  digest  %s\n", digest);
  }
  licit_eval_close(e);
  licit_policy_free(p);
  licit_txn_abort(t);
  return code;
}

int cmd_snapshot(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "snapshot: takes no positional arguments (licit snapshot --at T --out DIR)");
  const char *out = cli_opt_val(c, "out");
  if (!out) return cli_fail(EXIT_USAGE, "snapshot: --out DIR is required");
  int64_t T;
  int code = cli_at(c, &T);
  if (code) return code;
  if ((code = cli_open_store(c, CLI_STORE_WRITE))) return code;
  licit_txn *t;
  licit_err err = {0};
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  licit_policy *p = NULL;
  code = cli_load_policy(c, t, NULL, &p);
  uint64_t install = p ? licit_txn_policy_installs(t) : 0; /* the install `p` was read from */
  licit_txn_abort(t);
  if (code) return code;
  licit_snapshot_opts o = {0};
  o.policy_install = install;
  o.out_dir = out;
  o.name = cli_opt_val(c, "name");
  o.at = T;
  o.progress = isatty(STDERR_FILENO);
  const char *pd = cli_opt_val(c, "part-docs");
  if (pd) {
    char *end;
    long v = strtol(pd, &end, 10);
    if (*end || v < 1 || v > LICIT_PART_DOCS) {
      licit_policy_free(p);
      return cli_fail(EXIT_USAGE, "snapshot: --part-docs expects 1 to %d", LICIT_PART_DOCS);
    }
    o.part_docs = (size_t)v;
  }
  licit_snapshot_info info;
  licit_snapshot_timing tm;
  int rc = licit_snapshot_build(c->store, p, &o, &info, &tm, &err);
  if (rc) {
    licit_policy_free(p);
    return cli_fail_code(rc, "snapshot: %s", err.msg);
  }
  licit_counts n;
  licit_counts_from_flat(info.counts, &n);
  if (c->json) {
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_adds(&b, "{\"snapshot\":");
    licit_jw_strz(&b, info.name);
    licit_buf_adds(&b, ",\"at\":");
    licit_jw_time(&b, info.at);
    licit_buf_printf(&b, ",\"log_position\":%llu,\"policy\":", (unsigned long long)info.log_position);
    policy_json(&b, p, info.policy_version);
    licit_buf_adds(&b, ",\"counts\":");
    licit_counts_json(&b, &n);
    licit_buf_printf(&b, ",\"digest\":\"%s\",\"merkle_root\":\"%s\",\"out\":", info.digest, info.merkle_root);
    licit_jw_strz(&b, out);
    licit_buf_printf(&b, ",\"outcome\":\"%s\"",
                     tm.outcome == LICIT_SNAPSHOT_RECOVERED ? "recovered"
                     : tm.outcome == LICIT_SNAPSHOT_EXISTED ? "existed"
                                                             : "built");
    licit_buf_printf(&b,
                     ",\"timing\":{\"total_s\":%.6f,\"compress_s\":%.6f,\"write_s\":%.6f,\"merkle_s\":%.6f,\"publish_s\":%.6f,"
                     "\"bytes_raw\":%llu,\"bytes_compressed\":%llu}}",
                     tm.total_s, tm.compress_s, tm.write_s, tm.merkle_s, tm.publish_s, (unsigned long long)tm.bytes_raw,
                     (unsigned long long)tm.bytes_compressed);
    cli_print(&b);
    licit_buf_free(&b);
  } else {
    char tb[LICIT_TIME_BUFSZ];
    licit_time_format(info.at, tb);
    if (tm.outcome == LICIT_SNAPSHOT_EXISTED)
      printf("snapshot %s is already built in %s and registered: nothing to do\n", info.name, out);
    else if (tm.outcome == LICIT_SNAPSHOT_RECOVERED)
      printf("snapshot %s at %s, log position %llu: registered the complete directory %s that an interrupted "
             "build left\n", info.name, tb, (unsigned long long)info.log_position, out);
    else
      printf("snapshot %s at %s, log position %llu, written to %s\n", info.name, tb,
             (unsigned long long)info.log_position, out);
    if (info.policy_version) printf("  policy: %s, version %s\n", info.policy_name, info.policy_version);
    else printf("  policy: %s\n", p ? "no version in force at this time" : "none installed");
    print_counts_text(&n);
    printf("  digest       %s\n", info.digest);
    if (info.merkle_root[0]) printf("  merkle root  %s\n", info.merkle_root);
  }
  licit_snapshot_info_free(&info);
  licit_policy_free(p);
  return EXIT_OK;
}

int cmd_snapshots(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "snapshots: takes no arguments");
  int code = cli_open_store(c, CLI_STORE_READ);
  if (code) return code;
  licit_txn *t;
  licit_err err;
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  licit_snapshot_info *a = NULL;
  size_t n = 0;
  int rc = licit_snapshot_list(t, &a, &n);
  licit_txn_abort(t);
  if (rc) return cli_fail_code(rc, "snapshots: %s", licit_strerror(rc));
  licit_buf b = LICIT_BUF_INIT;
  if (c->json) {
    licit_buf_adds(&b, "{\"snapshots\":[");
    for (size_t i = 0; i < n; i++) {
      licit_counts k;
      licit_counts_from_flat(a[i].counts, &k);
      licit_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
      licit_jw_strz(&b, a[i].name);
      licit_buf_adds(&b, ",\"at\":");
      licit_jw_time(&b, a[i].at);
      licit_buf_printf(&b, ",\"log_position\":%llu,\"policy\":{\"name\":", (unsigned long long)a[i].log_position);
      if (a[i].policy_name) licit_jw_strz(&b, a[i].policy_name);
      else licit_buf_adds(&b, "null");
      licit_buf_adds(&b, ",\"version\":");
      if (a[i].policy_version) licit_jw_strz(&b, a[i].policy_version);
      else licit_buf_adds(&b, "null");
      licit_buf_adds(&b, "},\"counts\":");
      licit_counts_json(&b, &k);
      licit_buf_printf(&b, ",\"digest\":\"%s\",\"merkle_root\":", a[i].digest);
      if (a[i].merkle_root[0]) licit_buf_printf(&b, "\"%s\"", a[i].merkle_root);
      else licit_buf_adds(&b, "null");
      licit_buf_adds(&b, ",\"out\":");
      licit_jw_strz(&b, a[i].out_dir ? a[i].out_dir : "");
      licit_buf_addc(&b, '}');
    }
    licit_buf_adds(&b, "]}");
    cli_print(&b);
  } else if (!n) {
    printf("no snapshots registered (licit snapshot --at T --out DIR)\n");
  } else {
    /* Columns as wide as their widest entry (a name over 28 bytes, a time
     * with a fraction), so that the columns after them stay aligned. */
    int wn = 28, wa = 22;
    for (size_t i = 0; i < n; i++) {
      char tb[LICIT_TIME_BUFSZ];
      licit_time_format(a[i].at, tb);
      if ((int)strlen(a[i].name) > wn) wn = (int)strlen(a[i].name);
      if ((int)strlen(tb) > wa) wa = (int)strlen(tb);
    }
    printf("%-*s %-*s %10s %10s %10s  %s\n", wn, "name", wa, "at", "log pos", "considered", "included", "policy");
    for (size_t i = 0; i < n; i++) {
      char tb[LICIT_TIME_BUFSZ];
      licit_time_format(a[i].at, tb);
      printf("%-*s %-*s %10llu %10llu %10llu  %s@%s\n", wn, a[i].name, wa, tb, (unsigned long long)a[i].log_position,
             (unsigned long long)a[i].counts[0], (unsigned long long)a[i].counts[1],
             a[i].policy_name ? a[i].policy_name : "-", a[i].policy_version ? a[i].policy_version : "-");
    }
  }
  licit_buf_free(&b);
  licit_snapshot_list_free(a, n);
  return EXIT_OK;
}
