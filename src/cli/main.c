/*
 * main.c — licit's command line: the command table, option parsing, help.
 *
 * Usage: licit [--store DIR] [--json] COMMAND [ARGS...]
 * Options of a command may come before or after its positional arguments;
 * the global ones (--store, --json, --help) may appear anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const cli_opt ingest_opts[] = {
    {"format", "FORMAT", "input format: native (default), jetstream or activitypub"},
    {"rejects", "FILE", "write each rejected line to FILE as {\"source\",\"line\",\"error\",\"raw\"}"},
    {"region", "CC", "give every account first seen in this input the region CC (adapters)"},
    {"batch", "N", "commit after every N input lines (default 100000, or 64 MiB)"},
    {"no-progress", NULL, "never draw progress, even on a terminal"},
    {"one-thread", NULL, "parse and apply on one thread (native files are otherwise parsed on a second one)"},
    {NULL, NULL, NULL}};

static const cli_opt follow_opts[] = {
    {"region", "CC", "give every account first seen in the feed the region CC"},
    {"stall", "SECONDS", "reconnect after this long without a message (default 60)"},
    {"rejects", "FILE", "write each rejected message to FILE as {\"source\",\"line\",\"error\",\"raw\"}"},
    {"no-progress", NULL, "never draw progress, even on a terminal"},
    {NULL, NULL, NULL}};

static const cli_opt eval_opts[] = {
    {"at", "T", "the time to evaluate at, RFC 3339 (default: now)"},
    {"policy", "FILE", "evaluate under this policy file instead of the installed one (what-if)"},
    {"list", NULL, "one line per considered post (post, user, reason) in post id order"},
    {"reason", "R", "with --list: only posts with this decision (a reason, or included)"},
    {"threads", "N", "scan with N threads (default: one per CPU, at most 8, for 65,536 posts or more)"},
    {NULL, NULL, NULL}};
static const cli_opt snapshot_opts[] = {
    {"at", "T", "the snapshot's time, RFC 3339 (default: now)"},
    {"out", "DIR", "where to write it; must not exist, or be an empty directory"},
    {"name", "NAME", "the name to register (default: at-YYYYMMDDTHHMMSSZ)"},
    {"part-docs", "N", "documents per part file (default and maximum 1000000)"},
    {NULL, NULL, NULL}};

static const cli_opt prove_opts[] = {{"snapshot", "NAME", "the registered snapshot to prove against"},
                                     {NULL, NULL, NULL}};
static const cli_opt verify_opts[] = {
    {"key", "HEX", "the publisher's public key (licit key): also check who signed it"},
    {"proof", "FILE", "a proof made by licit prove, checked against the snapshot"},
    {NULL, NULL, NULL}};

static const cli_opt at_opts[] = {{"at", "T", "the time to answer for, RFC 3339 (default: now)"}, {NULL, NULL, NULL}};
static const cli_opt debt_opts[] = {
    {"at", "T", "the time to judge the snapshots' posts at, RFC 3339 (default: now)"},
    {"snapshot", "NAME", "only this snapshot"},
    {"list", NULL, "print one line per post: snapshot, reason, post id (for licensees)"},
    {"feed", NULL, "with --snapshot: the compliance feed, what changed since --after (SPEC section 9)"},
    {"after", "CURSOR", "with --feed: the state to compare with, the \"next\" of the last answer"},
    {NULL, NULL, NULL}};
static const cli_opt token_opts[] = {
    {"ttl", "DURATION", "how long the person token is valid: an integer with s, m, h or d (default 30d)"},
    {"revoke", "USER", "make every token of USER issued until now invalid"},
    {"operator", NULL, "print the operator token (made with the first use)"},
    {"rotate", NULL, "with --operator: replace the operator token"},
    {NULL, NULL, NULL}};
static const cli_opt serve_opts[] = {
    {"listen", "ADDR:PORT", "where to listen (default 127.0.0.1:8080; [::1]:8080 for IPv6)"},
    {"snapshots", "DIR", "where POST /v1/snapshots writes (default STORE/snapshots)"},
    {"follow", "URL", "also follow this Jetstream feed (ws:// or wss://) as licit follow does"},
    {"max-connections", "N", "connections served at once, at most 110; more are refused (default 100)"},
    {"request-timeout", "SECONDS", "a request must arrive whole within this time (default 10, plus 1 s per MiB)"},
    {NULL, NULL, NULL}};

static const cli_cmd commands[] = {
    {"policy", "set", cmd_policy_set, "policy set FILE", "validate and install a policy",
     "Validates the policy file (SPEC section 3) and installs it as the store's policy.\n"
     "Every error names the key path and the reason; exit status 2 when invalid.\n"
     "Example: licit policy set examples/policies/meta-genai.json",
     no_opts},
    {"policy", "show", cmd_policy_show, "policy show", "print the installed policy",
     "Prints the installed policy: its versions, dates and region modes (text), or the\n"
     "policy JSON as installed (--json).\nExample: licit policy show",
     no_opts},
    {"ingest", NULL, cmd_ingest, "ingest [--format F] [--rejects FILE] [FILE...|-]",
     "append events to the store",
     "Reads events (JSON Lines; '-' or no FILE reads standard input), applies the\n"
     "acceptance rules of SPEC section 2 and appends the accepted ones to the log.\n"
     "Events whose id was accepted before are duplicates: skipped and counted.\n"
     "Prints accepted, duplicates and rejected.  Exit status 3 when any event was\n"
     "rejected, 1 on an I/O or store failure (committed batches stay).\n"
     "Example: licit ingest --rejects rejects.jsonl examples/events.jsonl",
     ingest_opts},
    {"eval", NULL, cmd_eval, "eval --at T [--policy FILE] [--list [--reason R] | --threads N]", "counts and digest at T, writing nothing",
     "Evaluates every post as of T under the policy version in force at T (SPEC section 4)\n"
     "and prints the counts by reason and the digest a snapshot would have.  Nothing is\n"
     "written or registered.  --policy FILE asks what-if under another policy.\n"
     "--list prints one line per considered post instead (JSON Lines with --json):\n"
     "which posts are excluded and why, not only how many.\n"
     "Example: licit eval --at 2025-06-01T00:00:00Z --policy examples/policies/linkedin-genai.json",
     eval_opts},
    {"snapshot", "diff", cmd_snapshot_diff, "snapshot diff A B", "posts that entered and left between two snapshots",
     "Lists, in post id order, the posts in B but not in A (entered) and in A but not in B\n"
     "(left), from the store's lineage.  Each post that left carries its reason in B's own\n"
     "evaluation (B's T, log position and policy as installed when B was built), or\n"
     "not_considered.  --json prints JSON Lines {\"post\",\"change\",\"reason\"}.\n"
     "Example: licit snapshot diff at-20240601T000000Z at-20250601T000000Z",
     no_opts},
    {"snapshot", NULL, cmd_snapshot, "snapshot --at T --out DIR [--name NAME]", "build and register a snapshot",
     "Writes the corpus of posts included at T as Dolma JSON Lines (zstd) under DIR/documents,\n"
     "with DIR/manifest.json, and registers it in the store under NAME.  Rebuilding from the\n"
     "same log, T and policy gives byte-identical files.  A snapshot is never changed.\n"
     "Example: licit snapshot --at 2025-06-01T00:00:00Z --out corpus-2025-06",
     snapshot_opts},
    {"snapshots", NULL, cmd_snapshots, "snapshots", "list registered snapshots",
     "Lists the registered snapshots in the order they were built.\nExample: licit snapshots --json", no_opts},
    {"explain", NULL, cmd_explain, "explain POST [--at T]", "why a post is or is not in the corpus",
     "Shows each of the ten checks for the post at T with the value it saw and the events\n"
     "behind it, the decision, the post's inclusion in every registered snapshot, and\n"
     "whether the post is an opt-out chain notice (which changes nothing).\n"
     "Example: licit explain p-lucia-03 --at 2025-06-01T00:00:00Z",
     at_opts},
    {"report", NULL, cmd_report, "report USER [--at T]", "what the policy means for one account",
     "The account's region, mode and preference and what they mean, its posts by reason,\n"
     "the snapshots holding its content, the opt-out notices it posted, and what it can do.\n"
     "Example: licit report u-lucia --at 2025-06-01T00:00:00Z",
     at_opts},
    {"debt", NULL, cmd_debt, "debt [--snapshot NAME] [--at T] [--list] [--feed [--after CURSOR]]",
     "what built corpora may no longer use",
     "For each registered snapshot, its posts that would be excluded at T, by reason: what a\n"
     "model trained on it holds but may no longer use, and what licensees must be told.\n"
     "--snapshot NAME --feed prints the compliance feed instead: the posts that left and\n"
     "returned since the state --after CURSOR names (since the snapshot without it), and\n"
     "the cursor for the next poll.  Each change is listed once.\n"
     "Example: licit debt --at 2025-06-01T00:00:00Z --list",
     debt_opts},
    {"prove", NULL, cmd_prove, "prove POST --snapshot NAME", "a Merkle proof that a post is or is not in a snapshot",
     "Prints, as JSON, an inclusion proof (the post's leaf and RFC 9162 audit path) or a\n"
     "non-inclusion proof (the two neighbouring documents in id order, each with its audit\n"
     "path) against the snapshot's Merkle root.  Anyone can check it with licit verify.\n"
     "Example: licit prove p-lucia-03 --snapshot at-20240601T000000Z > proof.json",
     prove_opts},
    {"verify", NULL, cmd_verify, "verify DIR [--key HEX] [--proof FILE]", "check a snapshot directory, no store needed",
     "Checks, in order: each part's sha256, the documents' number and order, the digest, the\n"
     "Merkle root, manifest.json.sig, and a proof.  Never opens or creates a store.\n"
     "Exit status 0 valid, 4 invalid (naming the first failed check), 1 unreadable.\n"
     "Example: licit verify corpus-2025-06 --key $(licit key) --proof proof.json",
     verify_opts},
    {"key", NULL, cmd_key, "key", "the store's public snapshot signing key",
     "Prints the Ed25519 public key (hex) that signs this store's snapshot manifests, for\n"
     "operators to publish; licensees pass it to licit verify --key.\nExample: licit key --json",
     no_opts},
    {"follow", NULL, cmd_follow, "follow URL [--region CC] [--stall SECONDS]", "ingest a live Jetstream feed",
     "Connects to a Bluesky Jetstream WebSocket (ws:// or wss://, the /subscribe path with\n"
     "its query), maps messages as ingest --format jetstream does and commits at least\n"
     "once a second, with the feed's cursor in the same commit.  Reconnects after a drop\n"
     "or a stall with backoff (0.5 s doubling to 30 s), resuming 5 s before the cursor.\n"
     "SIGTERM or SIGINT: commit, then exit 0.  Exit 1 for an invalid URL or a refused\n"
     "TLS certificate.\n"
     "Example: licit follow 'wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post'",
     follow_opts},
    {"token", NULL, cmd_token, "token USER [--ttl 30d] | --revoke USER | --operator [--rotate]",
     "access tokens for licit serve",
     "Mints a person token for USER (the /v1/me endpoints and the page, for USER and its\n"
     "linked accounts), revokes every earlier token of USER, or prints the operator token\n"
     "(every other endpoint).  --json prints {\"token\", \"exp\"}.\n"
     "Example: licit token u-lucia --ttl 7d",
     token_opts},
    {"serve", NULL, cmd_serve, "serve [--listen ADDR:PORT] [--snapshots DIR] [--follow URL]", "the HTTP API and the person's page",
     "Serves the JSON API of SPEC section 9 and the page where people see and change what\n"
     "happens to their posts (open /#token=TOKEN).  Listens on 127.0.0.1:8080 by default.\n"
     "SIGTERM or SIGINT: stop accepting, answer waiting requests with 503, finish the\n"
     "requests in flight, exit 0.  --follow URL runs the live Jetstream follower\n"
     "inside it (its figures in /healthz and /metrics).  docs/server.md describes the\n"
     "limits it enforces.\n"
     "Example: licit serve --listen 127.0.0.1:8080",
     serve_opts},
    {"stats", NULL, cmd_stats, "stats", "sizes of the log and the store",
     "Prints the number of events, posts, users, snapshots and the store's size.\n"
     "Example: licit stats --json",
     no_opts},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage_all(FILE *f) {
  fprintf(f,
          "licit %s — which posts may go into an AI-training corpus, and proof of it\n\n"
          "Usage: licit [--store DIR] [--json] COMMAND [ARGS...]\n\n"
          "Commands:\n",
          LICIT_VERSION);
  for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-52s %s\n", commands[i].usage, commands[i].summary);
  fprintf(f,
          "\nGlobal options:\n"
          "  --store DIR   the store (default: $LICIT_STORE, else ./licit-data); policy set,\n"
          "                ingest, follow and serve create it, other commands need it to exist\n"
          "  --json        print one JSON object instead of text\n"
          "  --help        help for licit or for a command (licit COMMAND --help)\n"
          "  --version     print the version\n\n"
          "Exit status: 0 success, 1 runtime failure, 2 bad usage or invalid policy,\n"
          "3 ingest finished but rejected at least one event, 4 verify found the snapshot invalid.\n");
}

static void usage_cmd(FILE *f, const cli_cmd *cmd) {
  fprintf(f, "Usage: licit [--store DIR] [--json] %s\n\n%s\n", cmd->usage, cmd->details);
  if (cmd->opts[0].name) {
    fprintf(f, "\nOptions:\n");
    for (const cli_opt *o = cmd->opts; o->name; o++) {
      char left[64];
      snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
      fprintf(f, "  %-20s %s\n", left, o->help);
    }
  }
  fprintf(f, "  %-20s %s\n  %-20s %s\n  %-20s %s\n", "--store DIR", "the store directory", "--json",
          "print one JSON object", "--help", "this help");
}

/* Help for every subcommand of a group ("policy"). */
static void usage_group(FILE *f, const char *name) {
  bool first = true;
  for (size_t i = 0; i < NCOMMANDS; i++) {
    if (strcmp(commands[i].name, name) != 0) continue;
    if (!first) fputc('\n', f);
    usage_cmd(f, &commands[i]);
    first = false;
  }
}

static const cli_cmd *find_cmd(const char *name, const char *sub, bool *need_sub) {
  *need_sub = false;
  for (size_t i = 0; i < NCOMMANDS; i++) {
    if (strcmp(commands[i].name, name) != 0) continue;
    if (!commands[i].sub) return &commands[i];
    *need_sub = true;
    if (sub && strcmp(commands[i].sub, sub) == 0) return &commands[i];
  }
  return NULL;
}

static int run(int argc, char **argv, cli *cp);

int main(int argc, char **argv) {
  cli c;
  memset(&c, 0, sizeof c);
  /* --json is known before anything can fail, so every error can be JSON. */
  for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "--json") == 0) c.json = true;
  cli_set_json(c.json);
  int code = run(argc, argv, &c);
  if (c.store) licit_store_close(c.store);
  if (fflush(stdout) != 0 && code == EXIT_OK) code = cli_fail_code(LICIT_EIO, "cannot write the output");
  if (code != EXIT_OK && code != EXIT_REJECTED) cli_flush_error_json();
  fflush(stdout);
  return code;
}

static int run(int argc, char **argv, cli *cp) {
  cli c = *cp;
  int code = 0;
  c.prog = "licit";
  c.store_dir = getenv("LICIT_STORE");
  if (!c.store_dir || !*c.store_dir) c.store_dir = "./licit-data";
  /* First pass: the globals anywhere, and the words that are not options. */
  const char *rest[256];
  int pos_only = 1 << 30; /* words from this index on came after "--" */
  int nrest = 0;
  bool dashdash = false, version = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!dashdash && strcmp(a, "--") == 0) {
      dashdash = true;
      continue;
    }
    if (!dashdash && (strcmp(a, "--store") == 0 || strncmp(a, "--store=", 8) == 0)) {
      if (a[7] == '=') {
        c.store_dir = a + 8;
      } else if (i + 1 < argc) {
        c.store_dir = argv[++i];
      } else {
        code = cli_fail(EXIT_USAGE, "--store needs a directory");
        goto out;
      }
      continue;
    }
    if (!dashdash && strcmp(a, "--json") == 0) {
      c.json = true;
      continue;
    }
    if (!dashdash && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
      c.help = true;
      continue;
    }
    if (!dashdash && strcmp(a, "--version") == 0) {
      version = true;
      continue;
    }
    if (nrest >= 256) {
      code = cli_fail(EXIT_USAGE, "too many arguments");
      goto out;
    }
    if (dashdash && pos_only > nrest) pos_only = nrest;
    rest[nrest++] = a;
  }
  if (version) {
    if (c.json) printf("{\"version\":\"%s\"}\n", LICIT_VERSION);
    else printf("licit %s\n", LICIT_VERSION);
    goto out;
  }
  if (nrest == 0) {
    usage_all(c.help ? stdout : stderr);
    code = c.help ? EXIT_OK : cli_fail(EXIT_USAGE, "no command given");
    goto out;
  }
  if (pos_only > 0 && rest[0][0] == '-' && rest[0][1]) {
    /* An option before the command that is not a global one. */
    code = cli_fail(EXIT_USAGE, "unknown option \"%s\" before the command (global options: --store DIR, --json, "
                                "--help, --version; a command's own options go after its name)",
                    rest[0]);
    goto out;
  }
  if (strcmp(rest[0], "help") == 0) {
    bool ns = false;
    const cli_cmd *cmd = nrest > 1 ? find_cmd(rest[1], nrest > 2 ? rest[2] : NULL, &ns) : NULL;
    if (cmd) usage_cmd(stdout, cmd);
    else if (ns) usage_group(stdout, rest[1]);
    else if (nrest > 1) code = cli_fail(EXIT_USAGE, "help: unknown command \"%s\" (licit help lists them)", rest[1]);
    else usage_all(stdout);
    goto out;
  }
  bool need_sub;
  const cli_cmd *cmd = find_cmd(rest[0], nrest > 1 ? rest[1] : NULL, &need_sub);
  if (!cmd && need_sub && c.help) {
    usage_group(stdout, rest[0]);
    goto out;
  }
  if (!cmd) {
    if (need_sub) {
      char subs[256] = "";
      for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, rest[0]) == 0 && strlen(subs) + strlen(commands[i].sub) + 2 < sizeof subs) {
          strcat(subs, " ");
          strcat(subs, commands[i].sub);
        }
      if (nrest > 1)
        code = cli_fail(EXIT_USAGE, "%s: unknown subcommand \"%s\" (expected one of:%s)", rest[0], rest[1], subs);
      else
        code = cli_fail(EXIT_USAGE, "%s needs a subcommand:%s", rest[0], subs);
      goto out;
    }
    code = cli_fail(EXIT_USAGE, "unknown command \"%s\" (licit --help lists them)", rest[0]);
    fputc('\n', stderr);
    usage_all(stderr);
    goto out;
  }
  c.cmd = cmd->name;
  c.opts = cmd->opts;
  if (c.help) {
    usage_cmd(stdout, cmd);
    goto out;
  }
  int first = cmd->sub ? 2 : 1;
  /* Second pass over the command's words: its options and positionals. */
  for (int i = first; i < nrest; i++) {
    const char *a = rest[i];
    if (i < pos_only && a[0] == '-' && a[1] == '-' && a[2]) {
      const char *name = a + 2;
      const char *eq = strchr(name, '=');
      size_t nl = eq ? (size_t)(eq - name) : strlen(name);
      int found = -1;
      for (int k = 0; cmd->opts[k].name; k++)
        if (strlen(cmd->opts[k].name) == nl && strncmp(cmd->opts[k].name, name, nl) == 0) found = k;
      if (found < 0) {
        code = cli_fail(EXIT_USAGE, "%s: unknown option --%.*s", cmd->name, (int)nl, name);
        fputc('\n', stderr);
        usage_cmd(stderr, cmd);
        goto out;
      }
      if (cmd->opts[found].arg) {
        if (eq) {
          c.val[found] = eq + 1;
        } else if (i + 1 < nrest) {
          c.val[found] = rest[++i];
        } else {
          code = cli_fail(EXIT_USAGE, "%s: --%s needs a value (%s)", cmd->name, cmd->opts[found].name,
                          cmd->opts[found].arg);
          goto out;
        }
      } else {
        if (eq) {
          code = cli_fail(EXIT_USAGE, "%s: --%s takes no value", cmd->name, cmd->opts[found].name);
          goto out;
        }
        c.val[found] = "1";
      }
      continue;
    }
    if (c.npos >= CLI_MAX_POS) {
      code = cli_fail(EXIT_USAGE, "too many arguments");
      goto out;
    }
    c.pos[c.npos++] = a;
  }
  code = cmd->run(&c);
out:
  *cp = c;
  return code;
}
