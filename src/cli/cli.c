/* cli.c — helpers shared by the command implementations. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const char *cli_opt_val(const cli *c, const char *name) {
  for (int k = 0; c->opts && c->opts[k].name; k++)
    if (strcmp(c->opts[k].name, name) == 0) return c->val[k];
  return NULL;
}

int cli_fail(int code, const char *fmt, ...) {
  va_list ap;
  fputs("licit: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return code;
}

int cli_exit_for(int rc) {
  switch (rc) {
    case 0: return EXIT_OK;
    case LICIT_EUSAGE:
    case LICIT_EPOLICY:
    case LICIT_EINVAL:
    case LICIT_ENOTFOUND:
    case LICIT_EEXISTS:
    case LICIT_ENOPOLICY: return EXIT_USAGE;
    default: return EXIT_RUNTIME;
  }
}

int cli_at(cli *c, int64_t *T) {
  const char *at = cli_opt_val(c, "at");
  if (!at) {
    *T = licit_time_now();
    return 0;
  }
  const char *why = NULL;
  if (licit_time_parse(at, strlen(at), T, &why))
    return cli_fail(EXIT_USAGE, "--at \"%s\": expected an RFC 3339 date-time such as 2025-06-01T00:00:00Z (%s)",
                    at, why);
  return 0;
}

int cli_open_store(cli *c) {
  licit_err err;
  if (licit_store_open(c->store_dir, false, &c->store, &err))
    return cli_fail(EXIT_RUNTIME, "cannot open the store: %s", err.msg);
  return 0;
}

void cli_print(licit_buf *b) {
  fwrite(b->data ? b->data : "", 1, b->len, stdout);
  fputc('\n', stdout);
}

const char *cli_num(uint64_t n, char *buf) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
  int o = 0;
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = 0;
  return buf;
}
