/* cmd_ingest.c — `licit ingest [--format F] [--rejects FILE] [FILE...|-]`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "json/json.h"

int cmd_ingest(cli *c) {
  licit_ingest_opts o = {0};
  o.format = cli_opt_val(c, "format");
  o.region = cli_opt_val(c, "region");
  if (!licit_adapter_find(o.format))
    return cli_fail(EXIT_USAGE, "ingest: unknown --format \"%s\" (expected native, jetstream or activitypub)",
                    o.format);
  if (o.region && !(strlen(o.region) == 2 && o.region[0] >= 'A' && o.region[0] <= 'Z' && o.region[1] >= 'A' &&
                    o.region[1] <= 'Z'))
    return cli_fail(EXIT_USAGE, "ingest: --region \"%s\": expected two upper-case letters (ISO 3166-1 alpha-2)",
                    o.region);
  const char *batch = cli_opt_val(c, "batch");
  if (batch) {
    char *end;
    long n = strtol(batch, &end, 10);
    if (*end || n < 1 || n > 10000000) return cli_fail(EXIT_USAGE, "ingest: --batch expects a number from 1 to 10000000");
    o.batch_events = (size_t)n;
  }
  o.progress = !cli_opt_val(c, "no-progress") && isatty(STDERR_FILENO);
  const char *rej = cli_opt_val(c, "rejects");
  if (rej) {
    o.rejects = fopen(rej, "w");
    if (!o.rejects) return cli_fail(EXIT_RUNTIME, "ingest: cannot open rejects file %s: %s", rej, strerror(errno));
  }
  int code = cli_open_store(c);
  licit_ingest_counts n = {0};
  licit_err err = {0};
  int rc = 0;
  const char *stdin_only[] = {"-"};
  const char *const *inputs = c->npos ? c->pos : stdin_only;
  int ninputs = c->npos ? c->npos : 1;
  for (int i = 0; !code && i < ninputs; i++) {
    rc = licit_ingest_path(c->store, inputs[i], &o, &n, &err);
    if (rc) code = cli_fail(EXIT_RUNTIME, "ingest: %s", err.msg[0] ? err.msg : licit_strerror(rc));
  }
  if (o.rejects && fclose(o.rejects) != 0 && !code) code = cli_fail(EXIT_RUNTIME, "ingest: cannot write %s", rej);
  if (c->store) {
    if (c->json) {
      licit_buf b = LICIT_BUF_INIT;
      licit_buf_printf(&b, "{\"accepted\":%llu,\"duplicates\":%llu,\"rejected\":%llu",
                       (unsigned long long)n.accepted, (unsigned long long)n.duplicates,
                       (unsigned long long)n.rejected);
      if (o.format && strcmp(o.format, "native") != 0)
        licit_buf_printf(&b, ",\"skipped\":%llu", (unsigned long long)n.skipped);
      licit_buf_printf(&b, ",\"lines\":%llu,\"bytes\":%llu", (unsigned long long)n.lines,
                       (unsigned long long)n.bytes);
      if (code) {
        licit_buf_adds(&b, ",\"error\":");
        licit_jw_strz(&b, err.msg);
      }
      licit_buf_addc(&b, '}');
      cli_print(&b);
      licit_buf_free(&b);
    } else {
      char a[32], d[32], r[32], s[32];
      printf("accepted %s, duplicates %s, rejected %s", cli_num(n.accepted, a), cli_num(n.duplicates, d),
             cli_num(n.rejected, r));
      if (o.format && strcmp(o.format, "native") != 0) printf(", skipped %s", cli_num(n.skipped, s));
      printf("\n");
      if (n.rejected && !rej) fprintf(stderr, "licit: %llu event(s) rejected; --rejects FILE lists them with reasons\n",
                                      (unsigned long long)n.rejected);
    }
  }
  if (code) return code;
  return n.rejected ? EXIT_REJECTED : EXIT_OK;
}
