/*
 * cli.h — the licit command-line program: shared option parsing, store
 * opening and output helpers for the cmd_*.c files.
 */
#ifndef LICIT_CLI_H
#define LICIT_CLI_H

#include "core/buf.h"
#include "licit.h"
#include "store/store.h"

/* Exit statuses of SPEC section 6. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_REJECTED = 3 };

/* One option of a command.  `arg` names the value ("FILE"); NULL for a flag. */
typedef struct cli_opt {
  const char *name; /* without the leading "--" */
  const char *arg;
  const char *help;
} cli_opt;

#define CLI_MAX_POS 64
#define CLI_MAX_OPTS 16

typedef struct cli {
  const char *prog;
  const char *store_dir;
  uint64_t store_adds; /* bytes a writer expects to add (licit_store_open_adding) */
  bool store_feed;     /* the writer feeds events in: LICIT_STORE_FEED */
  bool json;
  bool help;
  const char *cmd;
  /* parsed command arguments */
  int npos;
  const char *pos[CLI_MAX_POS];
  const char *val[CLI_MAX_OPTS]; /* value of option i, or "1" for a flag; NULL when absent */
  const cli_opt *opts;
  licit_store *store;
} cli;

typedef struct cli_cmd {
  const char *name;
  const char *sub; /* "set" for "policy set", else NULL */
  int (*run)(cli *c);
  const char *usage; /* after "licit [--store DIR] " */
  const char *summary;
  const char *details;
  const cli_opt *opts; /* terminated by {NULL} */
} cli_cmd;

/* The value of option `name` (NULL when not given). */
const char *cli_opt_val(const cli *c, const char *name);
/* Parses --at (default: now).  Prints the error and returns EXIT_USAGE. */
int cli_at(cli *c, int64_t *T);
/* How a command uses the store (SPEC section 6): only the commands that
 * append events or install a policy create a missing store; every other
 * one fails on it (exit 1, naming the path), and commands that only read
 * open it read-only. */
enum cli_store_mode {
  CLI_STORE_READ,   /* read-only: works on a store the user cannot write */
  CLI_STORE_WRITE,  /* read-write, the store must exist (snapshot) */
  CLI_STORE_CREATE, /* read-write, created when missing (policy set, ingest) */
};
/* Opens the store named by --store / $LICIT_STORE / ./licit-data.  On
 * failure prints the error and returns the exit status. */
int cli_open_store(cli *c, enum cli_store_mode mode);

/* Errors.  Each prints "licit: MESSAGE" on stderr and returns an exit
 * status.  Under --json the first error of the run is also printed, when
 * the command ends, as {"error": {"code", "message"}} on stdout, `code`
 * being the stable name of a library error code (licit_strerror_code).
 *
 * cli_fail_code takes a library code (LICIT_E...) and returns the exit
 * status for it (cli_exit_for); cli_fail takes an exit status, and its
 * JSON code is "usage" for EXIT_USAGE, else "io". */
int cli_fail_code(int licit_code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int cli_fail(int exit_code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Sets whether errors are also printed as JSON (main, once). */
void cli_set_json(bool json);
/* Hands the pending error to a command that prints it inside its own JSON
 * object (ingest: counts and error together): appends
 * {"code": …, "message": …} to `b`, or null when there was none; main then
 * prints nothing more. */
void cli_take_error_json(licit_buf *b);
/* Ends a counts object that commands print even when they stop on an error
 * (ingest, follow): adds "error" (the pending error) when code is not 0,
 * closes the object, prints it and frees b. */
void cli_print_counts_json(licit_buf *b, int code);
/* Prints the pending error as {"error": {...}} when --json is on and no
 * command took it (main, at the end). */
void cli_flush_error_json(void);
/* Exit status for a library error code. */
int cli_exit_for(int rc);
/* Writes the buffer and a newline to stdout. */
void cli_print(licit_buf *b);
/* Formats n for text output.  One rule everywhere: plain digits, no
 * thousands separators (text output is read by people and by scripts alike,
 * and a separator is locale-dependent); JSON never has them either. */
const char *cli_num(uint64_t n, char *buf);

/* Reads a whole file ("-": standard input) of at most `max` bytes. */
int cli_read_file(const char *path, licit_buf *b, size_t max, licit_err *err);
/* The policy from --policy FILE when `file` is given, else the installed
 * one (NULL when none).  Prints the error and returns an exit status. */
typedef struct licit_policy licit_policy;
int cli_load_policy(cli *c, licit_txn *t, const char *file, licit_policy **out);

/* The common start of a reading command: --at (default now), the store, a
 * read transaction and the policy (`policy_file` or the installed one).
 * On failure prints and returns the exit status, with nothing left open. */
int cli_begin_read(cli *c, const char *policy_file, licit_txn **t, licit_policy **p, int64_t *T);

int cmd_policy_set(cli *c);
int cmd_eval(cli *c);
int cmd_snapshot(cli *c);
int cmd_snapshots(cli *c);
int cmd_explain(cli *c);
int cmd_report(cli *c);
int cmd_debt(cli *c);
int cmd_policy_show(cli *c);
int cmd_ingest(cli *c);
int cmd_stats(cli *c);
int cmd_key(cli *c);
int cmd_prove(cli *c);
int cmd_verify(cli *c);
int cmd_snapshot_diff(cli *c);
int cmd_token(cli *c);
int cmd_serve(cli *c);
int cmd_follow(cli *c);

#endif
