/* cmd_follow.c — `licit follow URL [--region CC] [--stall SECONDS]`: a live
 * Jetstream feed into the store until SIGTERM or SIGINT (src/follow). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "follow/follow.h"

static atomic_int stop_flag;

static void on_signal(int sig) {
  (void)sig;
  atomic_store(&stop_flag, 1); /* lock-free: async-signal-safe */
}

int cmd_follow(cli *c) {
  if (c->npos != 1) return cli_fail(EXIT_USAGE, "follow: expected one URL (ws://... or wss://...)");
  licit_follow_opts o = {0};
  o.url = c->pos[0];
  o.region = cli_opt_val(c, "region");
  if (o.region && !(strlen(o.region) == 2 && o.region[0] >= 'A' && o.region[0] <= 'Z' && o.region[1] >= 'A' &&
                    o.region[1] <= 'Z'))
    return cli_fail(EXIT_USAGE, "follow: --region \"%s\": expected two upper-case letters (ISO 3166-1 alpha-2)",
                    o.region);
  const char *stall = cli_opt_val(c, "stall");
  if (stall) {
    char *end;
    errno = 0;
    double v = strtod(stall, &end);
    if (errno || end == stall || *end || !(v >= 0.1 && v <= 86400))
      return cli_fail(EXIT_USAGE, "follow: --stall expects seconds, from 0.1 to 86400");
    o.stall_s = v;
  }
  /* A bad URL ends the command before the store is touched (exit 1, SPEC 10). */
  licit_buf key = LICIT_BUF_INIT;
  licit_err err = {0};
  int64_t url_cursor;
  int rc = licit_follow_feed_key(o.url, &key, &url_cursor, &err);
  licit_buf_free(&key);
  if (rc) return cli_fail(EXIT_RUNTIME, "follow: %s", err.msg);
  o.progress = !cli_opt_val(c, "no-progress") && isatty(STDERR_FILENO);
  const char *rej = cli_opt_val(c, "rejects");
  if (rej && !(o.rejects = fopen(rej, "w")))
    return cli_fail_code(LICIT_EIO, "follow: cannot open rejects file %s: %s", rej, strerror(errno));
  c->store_feed = true; /* a few events at a time (licit_store_open_adding) */
  int code = cli_open_store(c, CLI_STORE_CREATE);
  if (code) goto out;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  licit_follow_stats st;
  licit_follow_stats_init(&st, o.url);
  rc = licit_follow_run(c->store, &o, &stop_flag, &st, &err);
  if (rc) code = cli_fail_code(rc, "follow: %s", err.msg[0] ? err.msg : licit_strerror(rc));
  if (rc) code = EXIT_RUNTIME; /* a bad URL, a refused certificate, the store: SPEC 10 says 1 */
  if (c->json) {
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_printf(&b,
                     "{\"accepted\":%llu,\"duplicates\":%llu,\"rejected\":%llu,\"skipped\":%llu,\"messages\":%llu,"
                     "\"reconnects\":%llu,\"cursor\":%lld",
                     (unsigned long long)atomic_load(&st.accepted), (unsigned long long)atomic_load(&st.duplicates),
                     (unsigned long long)atomic_load(&st.rejected), (unsigned long long)atomic_load(&st.skipped),
                     (unsigned long long)atomic_load(&st.messages), (unsigned long long)atomic_load(&st.reconnects),
                     (long long)atomic_load(&st.committed_cursor));
    /* How long the messages took to arrive and be processed: the rate the
     * follower sustained when the feed sent faster than it could take. */
    licit_buf_printf(&b, ",\"receiving_s\":%.3f",
                     (double)(atomic_load(&st.last_arrival_us) - atomic_load(&st.first_arrival_us)) / 1e6);
    cli_print_counts_json(&b, code);
  } else {
    char a[32], d[32], r[32], s[32], m[32], n[32];
    printf("accepted %s, duplicates %s, rejected %s, skipped %s (%s messages, %s reconnects)\n",
           cli_num(atomic_load(&st.accepted), a), cli_num(atomic_load(&st.duplicates), d),
           cli_num(atomic_load(&st.rejected), r), cli_num(atomic_load(&st.skipped), s),
           cli_num(atomic_load(&st.messages), m), cli_num(atomic_load(&st.reconnects), n));
  }
out:
  if (o.rejects && fclose(o.rejects) != 0 && !code)
    code = cli_fail_code(LICIT_EIO, "follow: cannot write the rejects file %s: %s", rej, strerror(errno));
  return code;
}
