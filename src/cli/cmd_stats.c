/* cmd_stats.c — `licit stats`: sizes of the log and the store. */
#include "cli/cli.h"

int cmd_stats(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "stats: takes no arguments");
  int code = cli_open_store(c, CLI_STORE_READ);
  if (code) return code;
  licit_txn *t;
  licit_err err;
  if (licit_txn_begin(c->store, false, &t, &err)) return cli_fail_code(err.code, "%s", err.msg);
  licit_store_stats st;
  int rc = licit_store_stats_get(t, &st);
  licit_strv pol;
  int prc = rc ? 0 : licit_store_policy_get(t, &pol);
  licit_txn_abort(t);
  if (rc || (prc && prc != LICIT_ENOPOLICY))
    return cli_fail_code(rc ? rc : prc, "stats: cannot read the store %s: %s", c->store_dir,
                         licit_strerror(rc ? rc : prc));
  bool has_policy = prc == 0;
  if (c->json) {
    printf("{\"events\":%llu,\"posts\":%llu,\"users\":%llu,\"snapshots\":%llu,\"signals\":%llu,"
           "\"policies_installed\":%llu,\"policy\":%s,\"store_bytes\":%llu,\"store_bytes_used\":%llu}\n",
           (unsigned long long)st.events, (unsigned long long)st.posts, (unsigned long long)st.users,
           (unsigned long long)st.snapshots, (unsigned long long)st.signals, (unsigned long long)st.policies,
           has_policy ? "true" : "false", (unsigned long long)st.bytes_on_disk,
           (unsigned long long)st.bytes_used);
    return EXIT_OK;
  }
  char b[6][32];
  printf("store      %s\n", licit_store_dir(c->store));
  printf("events     %s\n", cli_num(st.events, b[0]));
  printf("posts      %s\n", cli_num(st.posts, b[1]));
  printf("users      %s\n", cli_num(st.users, b[2]));
  printf("snapshots  %s\n", cli_num(st.snapshots, b[3]));
  printf("policy     %s\n", has_policy ? "installed" : "none (licit policy set FILE)");
  printf("size       %.1f MB on disk (%.1f MB in use)\n", st.bytes_on_disk / 1e6, st.bytes_used / 1e6);
  return EXIT_OK;
}
