/* cmd_policy.c — `licit policy set FILE` and `licit policy show`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "event/event.h"
#include "json/json.h"
#include "policy/policy.h"

#define POLICY_MAX (16u << 20)

int cli_read_file(const char *path, licit_buf *b, size_t max, licit_err *err) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) return licit_err_set(err, LICIT_EIO, "%s: cannot open: %s", path, strerror(errno));
  b->limit = max;
  char chunk[65536];
  size_t n;
  int rc = 0;
  errno = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if ((rc = licit_buf_add(b, chunk, n))) break;
  if (!rc && ferror(f)) rc = licit_err_set(err, LICIT_EIO, "%s: cannot read: %s", path, errno ? strerror(errno) : "read error");
  else if (rc == LICIT_ETOOBIG) licit_err_set(err, rc, "%s: larger than %zu bytes", path, max);
  else if (rc) licit_err_set(err, rc, "%s: %s", path, licit_strerror(rc));
  if (f != stdin) fclose(f);
  return rc;
}

int cmd_policy_set(cli *c) {
  if (c->npos != 1) return cli_fail(EXIT_USAGE, "policy set: expected one FILE (licit policy set FILE)");
  licit_buf text = LICIT_BUF_INIT;
  licit_err err;
  licit_policy *p = NULL;
  licit_txn *t = NULL;
  int code;
  if (cli_read_file(c->pos[0], &text, POLICY_MAX, &err)) {
    code = cli_fail_code(err.code, "policy set: %s", err.msg);
    goto out;
  }
  size_t k = 0;
  while (k < text.len && (text.data[k] == ' ' || text.data[k] == '\t' || text.data[k] == '\n' || text.data[k] == '\r')) k++;
  if (k == text.len) {
    code = cli_fail_code(LICIT_EPOLICY, "policy %s: the file is empty (expected a JSON object: SPEC 3, "
                                        "examples/policies/)", c->pos[0]);
    goto out;
  }
  if (licit_policy_parse(text.data ? text.data : "", text.len, c->pos[0], &p, &err)) {
    code = cli_fail_code(err.code, "%s", err.msg);
    goto out;
  }
  if ((code = cli_open_store(c, CLI_STORE_CREATE))) goto out;
  int rc = licit_store_reserve(c->store, text.len * 2 + ((size_t)1 << 20), &err);
  if (!rc) rc = licit_txn_begin(c->store, true, &t, &err);
  if (!rc && (rc = licit_store_policy_put(t, text.data, text.len)))
    licit_err_set(&err, rc, "%s", licit_strerror(rc));
  if (!rc) {
    rc = licit_txn_commit(t, &err); /* frees t, also on failure */
    t = NULL;
  }
  if (rc) {
    code = cli_fail_code(rc, "cannot install the policy: %s", err.msg);
    goto out;
  }
  if (c->json) {
    licit_buf o = LICIT_BUF_INIT;
    licit_buf_adds(&o, "{\"installed\":true,\"name\":");
    licit_jw_strz(&o, p->name);
    licit_buf_printf(&o, ",\"versions\":%zu}", p->n_versions);
    cli_print(&o);
    licit_buf_free(&o);
  } else {
    printf("installed policy \"%s\" with %zu version%s\n", p->name, p->n_versions, p->n_versions == 1 ? "" : "s");
  }
  code = EXIT_OK;
out:
  licit_txn_abort(t);
  licit_policy_free(p);
  licit_buf_free(&text);
  return code;
}

static void print_version(const licit_policy_version *v) {
  char tb[LICIT_TIME_BUFSZ];
  licit_time_format(v->effective, tb);
  printf("\n  version %s, in force from %s\n", v->id, tb);
  printf("    eligible visibility: ");
  bool first = true;
  for (int i = 0; i < 4; i++)
    if (v->vis_mask & (1u << i)) {
      printf("%s%s", first ? "" : ", ", licit_vis_name(i));
      first = false;
    }
  printf("%s\n", first ? "(none)" : "");
  if (v->content_since != LICIT_TIME_NONE) {
    licit_time_format(v->content_since, tb);
    printf("    content since:       %s\n", tb);
  }
  if (v->min_age >= 0) printf("    minimum age:         %d\n", v->min_age);
  if (v->n_honor) {
    printf("    honoured signals:    ");
    for (size_t i = 0; i < v->n_honor; i++) printf("%s%s", i ? ", " : "", v->honor[i]);
    printf("\n");
  }
  if (!v->inherit_audience) printf("    replies:             judged on their own visibility (inherit_audience false)\n");
  if (v->honor_mentions) printf("    mentions:            an objection covers others' posts that mention the account\n");
  printf("    regions:             ");
  if (!v->n_rules) printf("(none: no_choice everywhere)");
  for (size_t i = 0; i < v->n_rules; i++)
    printf("%s%s %s", i ? "; " : "", v->rule_key[i], licit_mode_name(v->rule_mode[i]));
  printf("\n");
}

int cmd_policy_show(cli *c) {
  if (c->npos != 0) return cli_fail(EXIT_USAGE, "policy show: takes no arguments");
  int code;
  if ((code = cli_open_store(c, CLI_STORE_READ))) return code;
  licit_txn *t;
  licit_err err;
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  licit_strv js;
  int rc = licit_store_policy_get(t, &js);
  if (rc == LICIT_ENOPOLICY) {
    licit_txn_abort(t);
    return cli_fail_code(LICIT_ENOPOLICY, "no policy is installed (licit policy set FILE)");
  }
  licit_policy *p = NULL;
  licit_json *doc = NULL;
  if (rc || licit_policy_parse(js.p, js.n, "(installed)", &p, &err) ||
      licit_json_parse(js.p, js.n, &doc, NULL, NULL, &err)) {
    licit_txn_abort(t);
    licit_policy_free(p);
    return cli_fail_code(LICIT_ESTORE, "the installed policy cannot be read: the store is damaged");
  }
  if (c->json) {
    licit_buf o = LICIT_BUF_INIT;
    licit_json_dump(doc, &o);
    cli_print(&o);
    licit_buf_free(&o);
  } else {
    printf("policy %s (documents' source: %s), %zu version%s\n", p->name, p->source, p->n_versions,
           p->n_versions == 1 ? "" : "s");
    for (size_t i = 2; i < p->n_groups; i++) {
      printf("  group %s:", p->groups[i].name);
      for (size_t j = 0; j < p->groups[i].n; j++) printf(" %.2s", p->groups[i].codes[j]);
      printf("\n");
    }
    for (size_t i = 0; i < p->n_versions; i++) print_version(&p->versions[i]);
  }
  licit_json_free(doc);
  licit_policy_free(p);
  licit_txn_abort(t);
  return EXIT_OK;
}
