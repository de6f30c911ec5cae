/*
 * fuzz_server.c — libFuzzer target for what `licit serve` does with a
 * request once libmicrohttpd has read it: the route, the token and its
 * scope, the query arguments, the body, and every endpoint of SPEC 9 over a
 * real store (src/server/api.c: srv_route, srv_authorize, srv_body_limit,
 * srv_handle), as src/server/http.c calls them.
 *
 * Once per process: a store in a fresh temporary directory (removed at
 * exit) with the meta-genai-mentions policy and examples/events.jsonl
 * ingested through POST /v1/events itself, the operator secret and person
 * tokens for four accounts (three known, one never seen).
 *
 * An input:
 *   byte 0   the credentials: bits 0-1 none / the operator / a person /
 *            taken from the input; bits 2-3 which person;
 *   then     METHOD '\n' TARGET '\n' [AUTHORIZATION '\n'] BODY
 * TARGET is split at its first '?' into the path and the query, and the
 * query into arguments at '&' and '=', as http.c does (the first of a
 * repeated key wins).  Writes (events, preferences, tokens, snapshots)
 * change the store for the inputs after them, as on a live server.
 *
 * Checks, beyond no crash, no leak and no undefined behaviour: the status
 * is one the server declares (SRV_STATUSES), never 500 (the store is
 * sound, so a 500 is a defect); a JSON answer parses, and an error answer
 * (status >= 400) is {"error": {"code", "message"}}; 405 names its Allow
 * list; a path the route table does not know is 404.
 *
 * libFuzzer: scripts/fuzz.sh server SECONDS.  Plain replay (make test):
 * tests/fuzz/replay.c, corpus tests/fuzz/corpus/server.
 */
#define _XOPEN_SOURCE 700 /* nftw and its flags */
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "server/server_int.h"
#include "server/token.h"
#include "store/store.h"

#ifndef LICIT_FUZZ_EXAMPLES
#define LICIT_FUZZ_EXAMPLES "examples"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_dir[64];
static pid_t g_dir_owner; /* the process that made g_dir */
static licit_store *g_store;
static srv g_sv;
static licit_server_opts g_opts;
static char g_operator[LICIT_OPERATOR_TOKEN_MAX + 16];
static char *g_person[4];
static const char *const PEOPLE[4] = {"u-lucia", "u-elena-fb", "u-dana", "u-not-yet-known"};

static void die(const char *what, const char *msg) {
  fprintf(stderr, "fuzz_server: %s: %s\n", what, msg ? msg : "");
  abort();
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)st;
  (void)flag;
  (void)f;
  return remove(p);
}

static void cleanup(void) {
  if (g_store) licit_store_close(g_store);
  g_store = NULL;
  for (int i = 0; i < 4; i++) {
    free(g_person[i]);
    g_person[i] = NULL;
  }
  free(g_sv.snapshots_dir);
  g_sv.snapshots_dir = NULL;
  srv_caches_free(&g_sv);
  if (g_dir[0]) nftw(g_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_dir[0] = 0;
}

/* Called by replay.c's child before _exit (see there): removes the store
 * the child made, never one a parent made before the fork. */
void fuzz_replay_child_cleanup(void);
void fuzz_replay_child_cleanup(void) {
  if (g_dir_owner == getpid()) cleanup();
}

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open", path);
  licit_buf b = LICIT_BUF_INIT;
  char tmp[4096];
  size_t k;
  while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
    if (licit_buf_add(&b, tmp, k)) die("out of memory", path);
  fclose(f);
  *n = b.len;
  return b.data;
}

typedef struct args {
  int n;
  const char *k[32], *v[32];
} args;

static const char *get_arg(void *ctx, const char *key) {
  args *a = ctx;
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->k[i], key) == 0) return a->v[i];
  return NULL;
}

/* One request as http.c's on_request makes it: route, token, body limit,
 * then the endpoint.  The answer is left in *resp. */
static void serve(const char *method, const char *target, const char *auth, const char *body, size_t body_len,
                  srv_resp *resp, char **query_copy, args *a) {
  srv_req rq;
  memset(&rq, 0, sizeof rq);
  memset(resp, 0, sizeof *resp);
  char *path = strdup(target);
  if (!path) die("out of memory", "path");
  char *q = strchr(path, '?');
  a->n = 0;
  *query_copy = NULL;
  if (q) {
    *q = 0;
    *query_copy = strdup(q + 1);
    char *save = NULL;
    for (char *kv = *query_copy ? strtok_r(*query_copy, "&", &save) : NULL; kv && a->n < 32;
         kv = strtok_r(NULL, "&", &save)) {
      char *eq = strchr(kv, '=');
      if (eq) *eq = 0;
      a->k[a->n] = kv;
      a->v[a->n++] = eq ? eq + 1 : "";
    }
  }
  rq.sv = &g_sv;
  rq.method = method;
  rq.path = path;
  rq.authorization = auth;
  rq.arg = get_arg;
  rq.arg_ctx = a;
  rq.route = R_UNKNOWN;
  resp->status = 200;
  if (srv_route(&rq, resp) == 0 && srv_authorize(&rq, resp) == 0) {
    size_t limit = srv_body_limit(&rq);
    if (body_len > limit) {
      srv_error(resp, 413, "too_large", "the request body is %zu bytes; at most %zu are accepted here", body_len,
                limit);
    } else {
      rq.body = body;
      rq.body_len = body_len;
      (void)srv_is_slow(&rq);
      (void)srv_niceness(&rq);
      srv_handle(&rq, resp);
    }
  }
  srv_observe(&g_sv, rq.route, resp->status, 1);
  free(path);
}

static void setup(void) {
  static bool done;
  if (done) return;
  done = true;
  snprintf(g_dir, sizeof g_dir, "/tmp/licit-fuzz-server-XXXXXX");
  if (!mkdtemp(g_dir)) die("mkdtemp", g_dir);
  g_dir_owner = getpid();
  atexit(cleanup);
  licit_err err = {0};
  char store_dir[128];
  snprintf(store_dir, sizeof store_dir, "%s/store", g_dir);
  if (licit_store_open(store_dir, 0, &g_store, &err)) die("store", err.msg);

  size_t pn;
  char *policy = slurp(LICIT_FUZZ_EXAMPLES "/policies/meta-genai-mentions.json", &pn);
  licit_txn *t = NULL;
  if (licit_store_reserve(g_store, 1u << 20, &err) || licit_txn_begin(g_store, true, &t, &err)) die("begin", err.msg);
  if (licit_store_policy_put(t, policy, pn)) die("policy", "cannot install");
  if (licit_store_token_key(t, g_sv.token_seed, g_sv.token_pub, &err)) die("token key", err.msg);
  char secret[LICIT_OPERATOR_TOKEN_MAX];
  if (licit_store_operator_token(t, false, secret, &err)) die("operator token", err.msg);
  snprintf(g_operator, sizeof g_operator, "Bearer %s", secret);
  int64_t now = (int64_t)time(NULL);
  for (int i = 0; i < 4; i++) {
    licit_buf tok = LICIT_BUF_INIT;
    int64_t exp;
    if (licit_token_issue(t, g_sv.token_seed, PEOPLE[i], strlen(PEOPLE[i]), now, 86400, &tok, &exp, &err))
      die("person token", err.msg);
    licit_buf bearer = LICIT_BUF_INIT;
    licit_buf_printf(&bearer, "Bearer %s", tok.data);
    licit_buf_free(&tok);
    g_person[i] = bearer.data;
  }
  if (licit_txn_commit(t, &err)) die("commit", err.msg);
  free(policy);

  g_sv.store = g_store;
  g_sv.opts = &g_opts;
  g_sv.started_us = 1;
  pthread_mutex_init(&g_sv.mu, NULL);
  pthread_cond_init(&g_sv.cv, NULL);
  pthread_mutex_init(&g_sv.pol_mu, NULL);
  pthread_mutex_init(&g_sv.tok_mu, NULL);
  licit_buf sd = LICIT_BUF_INIT;
  licit_buf_printf(&sd, "%s/snapshots", g_dir);
  g_sv.snapshots_dir = sd.data;

  size_t en;
  char *events = slurp(LICIT_FUZZ_EXAMPLES "/events.jsonl", &en);
  srv_resp resp;
  char *qc;
  args a;
  serve("POST", "/v1/events", g_operator, events, en, &resp, &qc, &a);
  if (resp.status != 200) die("ingest of the examples", resp.body.data);
  licit_buf_free(&resp.body);
  free(qc);
  free(events);
}

static void check(int status, const srv_resp *resp, const char *method, const char *target) {
  bool declared = false;
#define FZ__ST(n) declared |= status == n;
  SRV_STATUSES(FZ__ST)
#undef FZ__ST
  if (!declared || status == 500) {
    fprintf(stderr, "fuzz_server: %s %s: status %d: %.*s\n", method, target, status, (int)resp->body.len,
            resp->body.data ? resp->body.data : "");
    abort();
  }
  if (status == 405 && (!resp->allow || !*resp->allow)) die("405 without Allow", target);
  bool json_body = !resp->ctype || strcmp(resp->ctype, "application/json") == 0;
  if (!json_body) {
    if (status >= 400) die("an error that is not JSON", target);
    return;
  }
  json_error_t je;
  json_t *j = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, &je);
  if (!j) {
    fprintf(stderr, "fuzz_server: %s %s: %d: the answer is not JSON (%s): %.*s\n", method, target, status, je.text,
            (int)resp->body.len, resp->body.data ? resp->body.data : "");
    abort();
  }
  if (status >= 400) {
    json_t *e = json_object_get(j, "error");
    if (!json_is_object(e) || !json_is_string(json_object_get(e, "code")) ||
        !json_is_string(json_object_get(e, "message")))
      die("an error without {error: {code, message}}", target);
  }
  json_decref(j);
}

/* The next line of the input (up to '\n' or the end), as a new string. */
static char *line(const uint8_t **p, const uint8_t *end) {
  const uint8_t *s = *p, *e = s;
  while (e < end && *e != '\n') e++;
  char *out = malloc((size_t)(e - s) + 1);
  if (!out) die("out of memory", "line");
  memcpy(out, s, (size_t)(e - s));
  out[e - s] = 0;
  *p = e < end ? e + 1 : e;
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  setup();
  const uint8_t *p = data + 1, *end = data + size;
  char *method = line(&p, end);
  char *target = line(&p, end);
  char *auth = NULL;
  int cred = data[0] & 3;
  if (cred == 3) auth = line(&p, end);
  /* libmicrohttpd hands over a method that is a non-empty token and a
   * target without NUL bytes; a NUL in either ends the string here. */
  if (!method[0] || !target[0]) goto out;
  const char *authorization = cred == 1 ? g_operator : cred == 2 ? g_person[(data[0] >> 2) & 3] : auth;
  size_t body_len = (size_t)(end - p);
  char *body = malloc(body_len + 1);
  if (!body) die("out of memory", "body");
  memcpy(body, p, body_len);
  body[body_len] = 0;
  srv_resp resp;
  char *qc;
  args a;
  serve(method, target, authorization, body, body_len, &resp, &qc, &a);
  check(resp.status, &resp, method, target);
  if (getenv("LICIT_FUZZ_VERBOSE")) /* what each input reached, for whoever writes seeds */
    fprintf(stderr, "%s %s -> %d %.160s\n", method, target, resp.status, resp.body.data ? resp.body.data : "");
  licit_buf_free(&resp.body);
  free(qc);
  free(body);
out:
  free(method);
  free(target);
  free(auth);
  return 0;
}
