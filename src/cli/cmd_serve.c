/* cmd_serve.c — `licit serve`: the HTTP API and the person's page
 * (SPEC section 9; src/server). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"

static int uint_opt(const char *name, const char *v, unsigned lo, unsigned hi, unsigned *out) {
  char *end;
  long x = strtol(v, &end, 10);
  if (!*v || *end || x < (long)lo || x > (long)hi)
    return cli_fail(EXIT_USAGE, "serve: --%s \"%s\": expected a whole number from %u to %u", name, v, lo, hi);
  *out = (unsigned)x;
  return 0;
}

int cmd_serve(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "serve: takes no positional arguments (licit serve [--listen ADDR:PORT])");
  licit_server_opts o = {0};
  o.listen = cli_opt_val(c, "listen");
  o.snapshots_dir = cli_opt_val(c, "snapshots");
  o.log = stderr;
  o.follow_url = cli_opt_val(c, "follow");
  const char *v;
  int code;
  if ((v = cli_opt_val(c, "max-connections")) &&
      (code = uint_opt("max-connections", v, 1, LICIT_SERVER_MAX_CONNECTIONS, &o.max_connections)))
    return code;
  if ((v = cli_opt_val(c, "request-timeout")) && (code = uint_opt("request-timeout", v, 1, 3600, &o.request_timeout_s)))
    return code;
  c->store_feed = o.follow_url != NULL; /* with a follower (licit_store_open_adding) */
  if ((code = cli_open_store(c, CLI_STORE_CREATE))) return code;
  licit_err err = {0};
  int rc = licit_server_run(c->store, &o, &err);
  /* A bad --follow URL is exit 1, as for licit follow (SPEC 10). */
  if (rc == LICIT_EINVAL && o.follow_url) return cli_fail(EXIT_RUNTIME, "serve: --follow: %s", err.msg);
  if (rc) return cli_fail_code(rc, "serve: %s", err.msg);
  return EXIT_OK;
}
