/* cmd_ingest.c — `licit ingest [--format F] [--rejects FILE] [FILE...|-]`. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "json/json.h"

/* Whether `path` would be a file in directory `dir` (the same directory,
 * whatever the spelling: symbolic links, "..", a relative path). */
static bool in_dir(const char *path, const char *dir) {
  char *copy = strdup(path);
  if (!copy) return false;
  char *slash = strrchr(copy, '/');
  const char *parent = slash ? (slash == copy ? "/" : (*slash = 0, copy)) : ".";
  struct stat ps, ds;
  bool same = stat(parent, &ps) == 0 && stat(dir, &ds) == 0 && ps.st_dev == ds.st_dev && ps.st_ino == ds.st_ino;
  free(copy);
  return same;
}

/* Refuses a rejects file that is one of the inputs (opening it for writing
 * would empty the input before it is read) or a file in the store's
 * directory (it would replace data.mdb or lock.mdb: the whole store), and
 * says so when an existing file is replaced. */
static int check_rejects(const char *rej, const char *const *inputs, int ninputs, const char *store_dir) {
  if (in_dir(rej, store_dir))
    return cli_fail(EXIT_USAGE, "ingest: the rejects file %s is in the store's directory %s; writing it there could "
                    "destroy the store (give a path outside it)", rej, store_dir);
  struct stat rs;
  if (stat(rej, &rs) != 0) return 0; /* a new file */
  for (int i = 0; i < ninputs; i++) {
    struct stat is;
    bool is_stdin = strcmp(inputs[i], "-") == 0;
    if ((is_stdin ? fstat(STDIN_FILENO, &is) : stat(inputs[i], &is)) != 0) continue;
    if (is.st_dev == rs.st_dev && is.st_ino == rs.st_ino)
      return cli_fail(EXIT_USAGE, "ingest: the rejects file %s is also an input (%s); writing it would empty it",
                      rej, is_stdin ? "standard input" : inputs[i]);
  }
  if (S_ISREG(rs.st_mode)) fprintf(stderr, "licit: ingest: replacing the existing rejects file %s\n", rej);
  return 0;
}

/* Every named input can be opened and is not a directory, before the store
 * is opened or created: a mistyped file name must not leave a new, empty
 * store behind.  The ingest opens each again when its turn comes. */
static int check_inputs(const char *const *inputs, int ninputs) {
  for (int i = 0; i < ninputs; i++) {
    if (strcmp(inputs[i], "-") == 0) continue;
    FILE *f = fopen(inputs[i], "r");
    if (!f) return cli_fail_code(LICIT_EIO, "ingest: %s: cannot open: %s", inputs[i], strerror(errno));
    struct stat st;
    bool dir = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
    fclose(f);
    if (dir) return cli_fail_code(LICIT_EIO, "ingest: %s: is a directory, not a file of events", inputs[i]);
  }
  return 0;
}

int cmd_ingest(cli *c) {
  licit_ingest_opts o = {0};
  o.format = cli_opt_val(c, "format");
  o.region = cli_opt_val(c, "region");
  if (!(o.adapter = licit_adapter_find(o.format)))
    return cli_fail(EXIT_USAGE, "ingest: unknown --format \"%s\" (expected native, jetstream or activitypub)",
                    o.format);
  /* SPEC 8: --region is for the adapters' inputs, which carry no region.
   * Native events give each account's region themselves; accepting the
   * option and doing nothing would be a silent success (review 6). */
  if (o.region && (!o.format || strcmp(o.format, "native") == 0))
    return cli_fail(EXIT_USAGE, "ingest: --region applies to --format jetstream and activitypub, whose records carry "
                                "no region; native account events give each account's region themselves");
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
  o.no_pipeline = cli_opt_val(c, "one-thread") != NULL;
  const char *stdin_only[] = {"-"};
  const char *const *inputs = c->npos ? c->pos : stdin_only;
  int ninputs = c->npos ? c->npos : 1;
  const char *rej = cli_opt_val(c, "rejects");
  int code = check_inputs(inputs, ninputs);
  if (code) return code;
  if (rej) {
    if ((code = check_rejects(rej, inputs, ninputs, c->store_dir))) return code;
    o.rejects = fopen(rej, "w");
    if (!o.rejects) return cli_fail_code(LICIT_EIO, "ingest: cannot open rejects file %s: %s", rej, strerror(errno));
  }
  /* What the input adds to the store: about three times its size
   * (licit_store_open_adding; standard input counts as nothing). */
  for (int i = 0; i < ninputs; i++) {
    struct stat is;
    if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &is) == 0 && S_ISREG(is.st_mode))
      c->store_adds += 3 * (uint64_t)is.st_size;
  }
  c->store_feed = true;
  code = cli_open_store(c, CLI_STORE_CREATE);
  licit_ingest_counts n = {0};
  licit_err err = {0};
  for (int i = 0; !code && i < ninputs; i++) {
    int rc = licit_ingest_path(c->store, inputs[i], &o, &n, &err);
    if (rc) {
      /* The input or the store failed: a runtime failure (exit 1), whatever
       * the library code that names it. */
      cli_fail_code(rc, "ingest: %s", err.msg[0] ? err.msg : licit_strerror(rc));
      code = EXIT_RUNTIME;
    }
  }
  if (o.rejects && fclose(o.rejects) != 0 && !code)
    code = cli_fail_code(LICIT_EIO, "ingest: cannot write the rejects file %s: %s", rej, strerror(errno));
  if (!c->store) return code;
  if (c->json) {
    /* One object: the counts, and the error when the ingest stopped. */
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_printf(&b, "{\"accepted\":%llu,\"duplicates\":%llu,\"rejected\":%llu", (unsigned long long)n.accepted,
                     (unsigned long long)n.duplicates, (unsigned long long)n.rejected);
    if (o.format && strcmp(o.format, "native") != 0)
      licit_buf_printf(&b, ",\"skipped\":%llu", (unsigned long long)n.skipped);
    licit_buf_printf(&b, ",\"lines\":%llu,\"bytes\":%llu", (unsigned long long)n.lines, (unsigned long long)n.bytes);
    cli_print_counts_json(&b, code);
  } else {
    char a[32], d[32], r[32], s[32];
    printf("accepted %s, duplicates %s, rejected %s", cli_num(n.accepted, a), cli_num(n.duplicates, d),
           cli_num(n.rejected, r));
    if (o.format && strcmp(o.format, "native") != 0) printf(", skipped %s", cli_num(n.skipped, s));
    printf("\n");
    if (n.rejected && !rej)
      fprintf(stderr, "licit: %llu event(s) rejected; --rejects FILE lists them with reasons\n",
              (unsigned long long)n.rejected);
  }
  /* Nothing taken at all from several records: most often the wrong
   * --format (native lines read as ActivityPub say "actor is required"). */
  if (!code && licit_ingest_nothing_taken(&n))
    fprintf(stderr, "licit: not one of %llu records was accepted: is --format %s the format of the input?\n",
            (unsigned long long)n.rejected, o.format ? o.format : "native");
  if (code) return code;
  return n.rejected ? EXIT_REJECTED : EXIT_OK;
}
