/* cli.c — helpers shared by the command implementations. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "json/json.h"

const char *cli_opt_val(const cli *c, const char *name) {
  for (int k = 0; c->opts && c->opts[k].name; k++)
    if (strcmp(c->opts[k].name, name) == 0) return c->val[k];
  return NULL;
}

/* The first error of the run, for --json (the CLI is one thread). */
static struct {
  bool json;
  bool set, taken;
  int code; /* LICIT_E... */
  char msg[2048];
} pending;

void cli_set_json(bool json) { pending.json = json; }

static void report(int licit_code, const char *fmt, va_list ap) {
  char msg[sizeof pending.msg];
  vsnprintf(msg, sizeof msg, fmt, ap);
  fprintf(stderr, "licit: %s\n", msg);
  if (!pending.set) {
    pending.set = true;
    pending.code = licit_code;
    memcpy(pending.msg, msg, sizeof msg);
  }
}

int cli_fail_code(int licit_code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(licit_code, fmt, ap);
  va_end(ap);
  return cli_exit_for(licit_code);
}

int cli_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(code == EXIT_USAGE ? LICIT_EUSAGE : LICIT_EIO, fmt, ap);
  va_end(ap);
  return code;
}

static void error_object(licit_buf *b) {
  licit_buf_adds(b, "{\"code\":");
  licit_jw_strz(b, licit_strerror_code(pending.code));
  licit_buf_adds(b, ",\"message\":");
  licit_jw_strz(b, pending.msg);
  licit_buf_addc(b, '}');
}

void cli_take_error_json(licit_buf *b) {
  if (!pending.set) {
    licit_buf_adds(b, "null");
    return;
  }
  error_object(b);
  pending.taken = true;
}

void cli_print_counts_json(licit_buf *b, int code) {
  if (code) {
    licit_buf_adds(b, ",\"error\":");
    cli_take_error_json(b);
  }
  licit_buf_addc(b, '}');
  cli_print(b);
  licit_buf_free(b);
}

void cli_flush_error_json(void) {
  if (!pending.json || !pending.set || pending.taken) return;
  licit_buf b = LICIT_BUF_INIT;
  licit_buf_adds(&b, "{\"error\":");
  error_object(&b);
  licit_buf_addc(&b, '}');
  cli_print(&b);
  licit_buf_free(&b);
  pending.taken = true;
}

int cli_exit_for(int rc) {
  switch (rc) {
    case 0: return EXIT_OK;
    case LICIT_EUSAGE:
    case LICIT_EPOLICY:
    case LICIT_EINVAL:
    case LICIT_ENOTFOUND:
    case LICIT_EEXISTS:
    case LICIT_ENOPOLICY:
    case LICIT_ETOOBIG: return EXIT_USAGE;
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

int cli_open_store(cli *c, enum cli_store_mode mode) {
  licit_err err = {0};
  unsigned flags = mode == CLI_STORE_READ ? LICIT_STORE_RDONLY : mode == CLI_STORE_WRITE ? LICIT_STORE_EXISTING : 0;
  if (c->store_feed && mode != CLI_STORE_READ) flags |= LICIT_STORE_FEED;
  int rc = licit_store_open_adding(c->store_dir, flags, c->store_adds, &c->store, &err);
  if (rc == LICIT_ENOSTORE)
    return cli_fail_code(rc, "%s; licit policy set FILE or licit ingest FILE creates a store", err.msg);
  if (rc) return cli_fail_code(rc, "cannot open the store: %s", err.msg);
  return 0;
}

void cli_print(licit_buf *b) {
  fwrite(b->data ? b->data : "", 1, b->len, stdout);
  fputc('\n', stdout);
}

const char *cli_num(uint64_t n, char *buf) {
  snprintf(buf, 32, "%llu", (unsigned long long)n);
  return buf;
}
