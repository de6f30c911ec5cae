/*
 * api.c — the routes and endpoints of SPEC section 9, independent of the
 * HTTP library (http.c hands over a srv_req and sends the srv_resp).
 *
 * Checks run in the order the spec gives: unknown path 404, wrong method
 * 405 (srv_route), token 401, scope 403 (srv_authorize), then the resource
 * (404, 409) in each endpoint.  A path segment that is an id or a name is
 * percent-decoded once; query values are percent-decoded ("+" is a plus).
 * Every endpoint reads through its own read transaction, begun and ended
 * in the request's thread; writers take the server's writer slot.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/hash.h"
#include "ingest/ingest.h"
#include "json/json.h"
#include "proof/prove.h"
#include "report/explain.h"
#include "report/feed.h"
#include "server/server_int.h"
#include "snapshot/snapshot.h"

/* ------------------------------------------------------------- routes -- */

static const struct route_def {
  const char *label;   /* the metrics' endpoint label */
  const char *methods; /* the Allow header */
  srv_scope scope;
} routes[R_COUNT] = {
    [R_PAGE] = {"/", "GET", SCOPE_NONE},
    [R_HEALTHZ] = {"/healthz", "GET", SCOPE_NONE},
    [R_METRICS] = {"/metrics", "GET", SCOPE_OPERATOR},
    [R_EVENTS] = {"/v1/events", "POST", SCOPE_OPERATOR},
    [R_EVAL] = {"/v1/eval", "GET", SCOPE_OPERATOR},
    [R_SNAPSHOTS] = {"/v1/snapshots", "GET, POST", SCOPE_OPERATOR},
    [R_SNAPSHOT] = {"/v1/snapshots/{name}", "GET", SCOPE_OPERATOR},
    [R_DEBT] = {"/v1/snapshots/{name}/debt", "GET", SCOPE_OPERATOR},
    [R_CHANGES] = {"/v1/snapshots/{name}/changes", "GET", SCOPE_OPERATOR},
    [R_EXPLAIN] = {"/v1/posts/{post}/explain", "GET", SCOPE_OPERATOR},
    [R_REPORT] = {"/v1/users/{user}/report", "GET", SCOPE_OPERATOR},
    [R_TOKENS] = {"/v1/tokens", "POST", SCOPE_OPERATOR},
    [R_ME] = {"/v1/me", "GET", SCOPE_PERSON},
    [R_ME_POSTS] = {"/v1/me/posts", "GET", SCOPE_PERSON},
    [R_ME_EXPLAIN] = {"/v1/me/posts/{post}/explain", "GET", SCOPE_PERSON},
    [R_ME_PROOF] = {"/v1/me/posts/{post}/proof", "GET", SCOPE_PERSON},
    [R_ME_PREF] = {"/v1/me/preference", "PUT", SCOPE_PERSON},
    [R_UNKNOWN] = {"other", "", SCOPE_NONE},
};

static bool seg_is(const srv_req *rq, size_t i, const char *lit) {
  return rq->seg_len[i] == strlen(lit) && memcmp(rq->seg[i], lit, rq->seg_len[i]) == 0;
}

static int match(srv_req *rq) {
  size_t n = rq->nseg;
  if (n == 0) return R_PAGE;
  if (n == 1 && seg_is(rq, 0, "healthz")) return R_HEALTHZ;
  if (n == 1 && seg_is(rq, 0, "metrics")) return R_METRICS;
  if (!seg_is(rq, 0, "v1") || n < 2) return R_UNKNOWN;
  if (n == 2 && seg_is(rq, 1, "events")) return R_EVENTS;
  if (n == 2 && seg_is(rq, 1, "eval")) return R_EVAL;
  if (n == 2 && seg_is(rq, 1, "tokens")) return R_TOKENS;
  if (seg_is(rq, 1, "snapshots")) {
    if (n == 2) return R_SNAPSHOTS;
    if (n == 3) return R_SNAPSHOT;
    if (n == 4 && seg_is(rq, 3, "debt")) return R_DEBT;
    if (n == 4 && seg_is(rq, 3, "changes")) return R_CHANGES;
    return R_UNKNOWN;
  }
  if (n == 4 && seg_is(rq, 1, "posts") && seg_is(rq, 3, "explain")) return R_EXPLAIN;
  if (n == 4 && seg_is(rq, 1, "users") && seg_is(rq, 3, "report")) return R_REPORT;
  if (seg_is(rq, 1, "me")) {
    if (n == 2) return R_ME;
    if (n == 3 && seg_is(rq, 2, "posts")) return R_ME_POSTS;
    if (n == 3 && seg_is(rq, 2, "preference")) return R_ME_PREF;
    if (n == 5 && seg_is(rq, 2, "posts") && seg_is(rq, 4, "explain")) return R_ME_EXPLAIN;
    if (n == 5 && seg_is(rq, 2, "posts") && seg_is(rq, 4, "proof")) return R_ME_PROOF;
  }
  return R_UNKNOWN;
}

void srv_error(srv_resp *resp, int status, const char *code, const char *fmt, ...) {
  char msg[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  resp->status = status;
  resp->ctype = "application/json";
  licit_buf_reset(&resp->body);
  licit_buf_adds(&resp->body, "{\"error\":{\"code\":");
  licit_jw_strz(&resp->body, code);
  licit_buf_adds(&resp->body, ",\"message\":");
  licit_jw_strz(&resp->body, msg);
  licit_buf_adds(&resp->body, "}}");
}

/* An error from a library code: its stable name is the JSON code (as in the
 * CLI's --json errors), the status says what kind of failure it is. */
static void lib_error(srv_resp *resp, int rc, const char *msg) {
  int st = 500;
  switch (rc) {
    case LICIT_EUSAGE:
    case LICIT_EINVAL:
    case LICIT_EPOLICY:
    case LICIT_EREJECT: st = 400; break;
    case LICIT_ENOTFOUND: st = 404; break;
    case LICIT_EEXISTS: st = 409; break;
    case LICIT_ETOOBIG: st = 413; break;
    default: st = 500;
  }
  srv_error(resp, st, licit_strerror_code(rc), "%s", msg && *msg ? msg : licit_strerror(rc));
}

/* A read transaction: 0, or the error's status (resp set). */
static int read_txn(srv_req *rq, licit_txn **t, srv_resp *resp) {
  licit_err err = {0};
  int rc = licit_txn_begin(rq->sv->store, false, t, &err);
  if (rc) lib_error(resp, rc, err.msg);
  return rc ? resp->status : 0;
}

int srv_route(srv_req *rq, srv_resp *resp) {
  const char *p = rq->path;
  rq->nseg = 0;
  if (p[0] != '/') goto unknown;
  p++;
  while (*p) {
    const char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 0 || rq->nseg == 8) goto unknown; /* "//", a trailing "/", too deep */
    rq->seg[rq->nseg] = p;
    rq->seg_len[rq->nseg++] = len;
    p += len;
    if (*p == '/') p++;
    if (e && !*p) goto unknown;
  }
  rq->route = match(rq);
  if (rq->route == R_UNKNOWN) goto unknown;
  /* Every method this route takes is a word of its Allow list. HEAD is
   * GET without the body (RFC 9110 9.3.2), which libmicrohttpd leaves out. */
  const char *allow = routes[rq->route].methods;
  if (strcmp(rq->method, "HEAD") == 0) rq->method = "GET";
  size_t ml = strlen(rq->method);
  for (const char *a = allow; (a = strstr(a, rq->method)); a += ml)
    if ((a == allow || a[-1] == ' ') && (a[ml] == 0 || a[ml] == ',')) return 0;
  resp->allow = allow;
  srv_error(resp, 405, "method_not_allowed", "%s %s: this path takes %s", rq->method, routes[rq->route].label, allow);
  return 405;
unknown:
  rq->route = R_UNKNOWN;
  srv_error(resp, 404, "not_found", "no such path (the API is described in docs/server.md)");
  return 404;
}

static bool me_is_heavy(const srv_req *rq);

bool srv_is_slow(const srv_req *rq) {
  switch (rq->route) {
    case R_EVENTS: case R_EVAL: case R_SNAPSHOTS: case R_DEBT: case R_CHANGES: case R_ME_PREF: case R_ME_POSTS:
    case R_TOKENS: case R_ME_PROOF:
      return true;
    case R_ME:
      return me_is_heavy(rq);
    default:
      return false;
  }
}

int srv_niceness(const srv_req *rq) {
  switch (rq->route) {
    case R_EVENTS: case R_EVAL: case R_SNAPSHOTS: case R_DEBT: case R_CHANGES:
      return SRV_BULK_NICE;
    default:
      return 0;
  }
}

size_t srv_body_limit(const srv_req *rq) { return rq->route == R_EVENTS ? SRV_EVENTS_BODY_MAX : SRV_BODY_MAX; }

static bool ct_equal(const char *a, size_t an, const char *b, size_t bn) {
  unsigned char d = an != bn;
  size_t n = an < bn ? an : bn;
  for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
  return d == 0;
}

/* A person token's form and signature, through the cache of tokens already
 * verified (the token's exact bytes: any other bytes are verified anew). */
static bool verified(srv *sv, const char *tok, size_t tn, licit_token_claims *c, const char **why) {
  uint64_t hsh = licit_hash64(tok, tn);
  struct srv_tok *set = &sv->tok[(hsh >> 32) % SRV_TOK_SETS * SRV_TOK_WAYS];
  bool hit = false;
  pthread_mutex_lock(&sv->tok_mu);
  for (int w = 0; w < SRV_TOK_WAYS && !hit; w++)
    if (set[w].tok && set[w].hash == hsh && set[w].len == tn && memcmp(set[w].tok, tok, tn) == 0) {
      hit = true;
      set[w].used = ++sv->tok_clock;
      *c = set[w].claims;
    }
  pthread_mutex_unlock(&sv->tok_mu);
  if (hit) return true;
  if (licit_token_verify(sv->token_pub, tok, tn, c, why) != 0) return false;
  char *copy = malloc(tn);
  if (!copy) return true;
  memcpy(copy, tok, tn);
  pthread_mutex_lock(&sv->tok_mu);
  int victim = 0;
  for (int w = 0; w < SRV_TOK_WAYS; w++) {
    if (set[w].tok && set[w].hash == hsh && set[w].len == tn && memcmp(set[w].tok, tok, tn) == 0) {
      victim = -1; /* another thread cached it meanwhile */
      break;
    }
    if (set[w].used < set[victim].used) victim = w; /* an empty entry has used 0 */
  }
  if (victim >= 0) {
    free(set[victim].tok);
    set[victim].tok = copy;
    set[victim].len = tn;
    set[victim].hash = hsh;
    set[victim].used = ++sv->tok_clock;
    set[victim].claims = *c;
    copy = NULL;
  }
  pthread_mutex_unlock(&sv->tok_mu);
  free(copy);
  return true;
}

int srv_policy(srv *sv, const char *json, size_t n, licit_policy **p, bool *owned) {
  *owned = false;
  pthread_mutex_lock(&sv->pol_mu);
  for (size_t i = 0; i < sv->n_pol; i++)
    if (sv->pol[i].len == n && memcmp(sv->pol[i].json, json, n) == 0) {
      *p = sv->pol[i].p;
      pthread_mutex_unlock(&sv->pol_mu);
      return 0;
    }
  int rc = licit_policy_parse(json, n, "(installed)", p, NULL);
  if (rc) {
    pthread_mutex_unlock(&sv->pol_mu);
    return rc;
  }
  char *copy = sv->n_pol < sizeof sv->pol / sizeof sv->pol[0] ? malloc(n ? n : 1) : NULL;
  if (copy) {
    memcpy(copy, json, n);
    sv->pol[sv->n_pol].json = copy;
    sv->pol[sv->n_pol].len = n;
    sv->pol[sv->n_pol++].p = *p;
  } else {
    *owned = true; /* the cache is full: this request's own copy */
  }
  pthread_mutex_unlock(&sv->pol_mu);
  return 0;
}

void srv_caches_free(srv *sv) {
  for (size_t i = 0; i < sv->n_pol; i++) {
    free(sv->pol[i].json);
    licit_policy_free(sv->pol[i].p);
  }
  sv->n_pol = 0;
  for (size_t i = 0; i < sizeof sv->tok / sizeof sv->tok[0]; i++) {
    free(sv->tok[i].tok);
    sv->tok[i].tok = NULL;
  }
}

int srv_authorize(srv_req *rq, srv_resp *resp) {
  srv_scope need = routes[rq->route].scope;
  if (need == SCOPE_NONE) return 0;
  const char *h = rq->authorization;
  if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
    srv_error(resp, 401, "unauthorized", "this path needs Authorization: Bearer TOKEN");
    return 401;
  }
  const char *tok = h + 7;
  while (*tok == ' ') tok++;
  size_t tn = strlen(tok);
  while (tn && tok[tn - 1] == ' ') tn--;
  licit_txn *t = NULL;
  if (read_txn(rq, &t, resp)) return resp->status;
  char secret[LICIT_OPERATOR_TOKEN_MAX];
  const char *why = "the token is not valid";
  int r1 = licit_store_operator_token(t, false, secret, NULL);
  if (r1 && r1 != LICIT_ENOTFOUND) { /* a store error is not a wrong token */
    licit_txn_abort(t);
    lib_error(resp, r1, "reading the operator token");
    return resp->status;
  }
  if (r1 == 0 && ct_equal(tok, tn, secret, strlen(secret))) {
    rq->who = SCOPE_OPERATOR;
  } else if (tn > 3 && memcmp(tok, "v1.", 3) == 0 && verified(rq->sv, tok, tn, &rq->claims, &why)) {
    int64_t mark = 0;
    int r2 = licit_store_token_revoked(t, rq->claims.sub, rq->claims.sub_len, &mark);
    if (r2 && r2 != LICIT_ENOTFOUND) {
      licit_txn_abort(t);
      lib_error(resp, r2, "reading token revocations");
      return resp->status;
    }
    if (licit_token_valid(&rq->claims, licit_time_now() / 1000000, r2 == 0, mark, &why)) rq->who = SCOPE_PERSON;
  }
  memset(secret, 0, sizeof secret);
  licit_txn_abort(t);
  if (rq->who == SCOPE_NONE) {
    srv_error(resp, 401, "unauthorized", "%s", why ? why : "the token is not valid");
    return 401;
  }
  if (rq->who != need) {
    if (need == SCOPE_PERSON)
      srv_error(resp, 403, "forbidden", "the operator has no account: /v1/me needs a person token");
    else
      srv_error(resp, 403, "forbidden", "a person token opens only the /v1/me endpoints");
    return 403;
  }
  return 0;
}

/* ------------------------------------------------------------ helpers -- */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes s[0..n) once into out (NUL-terminated); -1 on a broken
 * escape, with out freed (callers return at once on an error, and a
 * half-decoded segment was their leak: tests/fuzz/fuzz_server.c). */
static int pct_decode(const char *s, size_t n, licit_buf *out) {
  licit_buf_reset(out);
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '%') {
      int h1 = i + 1 < n ? hexval(s[i + 1]) : -1, h2 = i + 2 < n ? hexval(s[i + 2]) : -1;
      if (h1 < 0 || h2 < 0) {
        licit_buf_free(out);
        return -1;
      }
      c = (char)(h1 * 16 + h2);
      i += 2;
    }
    if (licit_buf_addc(out, c)) {
      licit_buf_free(out);
      return -1;
    }
  }
  licit_buf_cstr(out);
  return 0;
}

/* GET /v1/me reads the account's posts and every post that mentions it,
 * and anyone can post mentions: an account with many of either would hold
 * an event-loop thread, and the quick requests queued behind it, for as
 * long as its report takes (review 7: 300k posts and 300k mentions took
 * another person's /v1/me from 0.7 ms to 212 ms).  Such a report runs on a
 * thread of its own, as the scans do; the usual account (tens of posts)
 * stays on the event loop, where a thread per request would cost more than
 * its report. */
#define SRV_ME_INLINE_MAX 2000

static bool me_is_heavy(const srv_req *rq) {
  licit_buf id = LICIT_BUF_INIT;
  const char *raw = rq->arg(rq->arg_ctx, "user");
  const char *u = rq->claims.sub;
  size_t un = rq->claims.sub_len;
  if (raw) {
    if (pct_decode(raw, strlen(raw), &id)) return false; /* a 400 either way */
    u = id.data;
    un = id.len;
  }
  bool heavy = false;
  licit_txn *t = NULL;
  licit_err err;
  if (u && un && licit_txn_begin(rq->sv->store, false, &t, &err) == 0) {
    uint32_t ord;
    size_t n = 0;
    if (licit_user_ord(t, u, un, &ord) == 0 && licit_user_weight(t, ord, &n) == 0) heavy = n > SRV_ME_INLINE_MAX;
    licit_txn_abort(t);
  }
  licit_buf_free(&id);
  return heavy;
}

/* An id or a name as the store could hold it: 1-256 bytes, no control
 * characters (so no NUL: the C string is the whole id). */
static bool id_ok(const licit_buf *b) {
  if (b->len == 0 || b->len > LICIT_ID_MAX) return false;
  for (size_t i = 0; i < b->len; i++)
    if ((unsigned char)b->data[i] < 0x20) return false;
  return true;
}

/* Decodes path segment i: 0, or 400 (resp set). */
static int seg_decode(srv_req *rq, size_t i, licit_buf *out, srv_resp *resp) {
  if (pct_decode(rq->seg[i], rq->seg_len[i], out)) {
    srv_error(resp, 400, "invalid", "path segment %zu: a %% must be followed by two hex digits", i + 1);
    return 400;
  }
  return 0;
}

/* A query value, decoded: 0 (absent: *present false), or 400. */
static int qarg(srv_req *rq, const char *key, licit_buf *out, bool *present, srv_resp *resp) {
  const char *raw = rq->arg(rq->arg_ctx, key);
  *present = raw != NULL;
  if (!raw) return 0;
  if (pct_decode(raw, strlen(raw), out)) {
    srv_error(resp, 400, "invalid", "query parameter %s: a %% must be followed by two hex digits", key);
    return 400;
  }
  /* Values are read as C strings: a NUL would cut "limit=1%00junk" to a
   * valid "1" instead of refusing it. */
  if (out->len && memchr(out->data, 0, out->len)) {
    srv_error(resp, 400, "invalid", "query parameter %s: must not contain %%00", key);
    return 400;
  }
  return 0;
}

static int q_at(srv_req *rq, int64_t *T, srv_resp *resp) {
  licit_buf v = LICIT_BUF_INIT;
  bool present;
  int st = qarg(rq, "at", &v, &present, resp);
  if (!st && !present) *T = licit_time_now();
  else if (!st) {
    const char *why = NULL;
    if (licit_time_parse(v.data ? v.data : "", v.len, T, &why)) {
      srv_error(resp, 400, "invalid", "at \"%.64s\": expected an RFC 3339 date-time such as 2025-06-01T00:00:00Z (%s)",
                v.data ? v.data : "", why ? why : "invalid");
      st = 400;
    }
  }
  licit_buf_free(&v);
  return st;
}

/* A read transaction and the installed policy (NULL when none), borrowed
 * from the server's cache unless the cache is full (then rq->own_policy). */
static int read_begin(srv_req *rq, licit_txn **t, licit_policy **p, srv_resp *resp) {
  *p = NULL;
  rq->own_policy = false;
  if (read_txn(rq, t, resp)) return resp->status;
  licit_strv js;
  int rc = licit_store_policy_get(*t, &js);
  if (rc == LICIT_ENOPOLICY) return 0;
  if (rc || srv_policy(rq->sv, js.p, js.n, p, &rq->own_policy)) {
    licit_txn_abort(*t);
    *t = NULL;
    srv_error(resp, 500, "store", "the installed policy cannot be read: the store is damaged");
    return 500;
  }
  return 0;
}

static void read_end_rq(srv_req *rq, licit_txn *t, licit_policy *p) {
  if (rq->own_policy) licit_policy_free(p);
  rq->own_policy = false;
  licit_txn_abort(t);
}
#define read_end(t, p) read_end_rq(rq, (t), (p))

static void ok_json(srv_resp *resp) {
  resp->status = 200;
  resp->ctype = "application/json";
}

static void policy_json(licit_buf *o, const char *name, const char *version) {
  licit_buf_adds(o, "{\"name\":");
  if (name) licit_jw_strz(o, name);
  else licit_buf_adds(o, "null");
  licit_buf_adds(o, ",\"version\":");
  if (version) licit_jw_strz(o, version);
  else licit_buf_adds(o, "null");
  licit_buf_addc(o, '}');
}

static void snapshot_json(licit_buf *b, const licit_snapshot_info *a) {
  licit_counts k;
  licit_counts_from_flat(a->counts, &k);
  licit_buf_adds(b, "{\"name\":");
  licit_jw_strz(b, a->name);
  licit_buf_adds(b, ",\"at\":");
  licit_jw_time(b, a->at);
  licit_buf_printf(b, ",\"log_position\":%llu,\"policy\":", (unsigned long long)a->log_position);
  policy_json(b, a->policy_name, a->policy_version);
  licit_buf_adds(b, ",\"counts\":");
  licit_counts_json(b, &k);
  licit_buf_printf(b, ",\"digest\":\"%s\",\"merkle_root\":", a->digest);
  if (a->merkle_root[0]) licit_buf_printf(b, "\"%s\"}", a->merkle_root);
  else licit_buf_adds(b, "null}");
}

/* The body as a JSON object: 0, or 400. */
static int body_object(srv_req *rq, licit_json **js, srv_resp *resp) {
  licit_err err = {0};
  if (licit_json_parse(rq->body, rq->body_len, js, NULL, NULL, &err) || licit_json_typeof(*js) != LICIT_JSON_OBJECT) {
    if (*js) licit_json_free(*js);
    *js = NULL;
    srv_error(resp, 400, "invalid", "the body must be one JSON object%s%s", err.msg[0] ? ": " : "", err.msg);
    return 400;
  }
  return 0;
}

/* ---------------------------------------------------------- endpoints -- */

static void ep_healthz(srv_req *rq, srv_resp *resp) {
  licit_txn *t;
  if (read_txn(rq, &t, resp)) return;
  uint64_t pos = licit_txn_log_len(t);
  licit_txn_abort(t);
  ok_json(resp);
  licit_buf_printf(&resp->body, "{\"status\":\"ok\",\"log_position\":%llu", (unsigned long long)pos);
  const licit_follow_stats *f = rq->sv->follow;
  if (f) {
    licit_buf_adds(&resp->body, ",\"follow\":{\"url\":");
    licit_jw_strz(&resp->body, f->url);
    int64_t cur = atomic_load(&f->committed_cursor);
    double lag = licit_follow_lag_s(f);
    licit_buf_adds(&resp->body, ",\"cursor\":");
    if (cur > 0) licit_buf_printf(&resp->body, "%lld", (long long)cur);
    else licit_buf_adds(&resp->body, "null");
    licit_buf_adds(&resp->body, ",\"lag_s\":");
    if (lag >= 0) licit_buf_printf(&resp->body, "%.3f", lag);
    else licit_buf_adds(&resp->body, "null");
    licit_buf_printf(&resp->body, ",\"connected\":%s", atomic_load(&f->connected) ? "true" : "false");
    if (atomic_load(&rq->sv->follow_failed)) {
      licit_buf_adds(&resp->body, ",\"error\":");
      licit_jw_strz(&resp->body, rq->sv->follow_error);
    }
    licit_buf_addc(&resp->body, '}');
  }
  licit_buf_addc(&resp->body, '}');
}

static const double lat_bounds[SRV_LAT_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,    1,     2.5,   5,     10};

static int status_index(int st) {
  switch (st) {
#define SRV__IDX(n) \
  case n: return ST_##n;
    SRV_STATUSES(SRV__IDX)
#undef SRV__IDX
    default: return ST_500;
  }
}
static const int status_values[ST_COUNT] = {
#define SRV__VAL(n) n,
    SRV_STATUSES(SRV__VAL)
#undef SRV__VAL
};

void srv_observe(srv *sv, int route, int status, int64_t us) {
  if (route < 0 || route >= R_COUNT) route = R_UNKNOWN;
  atomic_fetch_add(&sv->m.requests[route][status_index(status)], 1);
  double s = (double)us / 1e6;
  for (int b = 0; b < SRV_LAT_BUCKETS; b++)
    if (s <= lat_bounds[b]) atomic_fetch_add(&sv->m.lat_bucket[route][b], 1);
  atomic_fetch_add(&sv->m.lat_count[route], 1);
  atomic_fetch_add(&sv->m.lat_sum_us[route], (uint64_t)(us < 0 ? 0 : us));
}

static void ep_metrics(srv_req *rq, srv_resp *resp) {
  srv *sv = rq->sv;
  licit_txn *t;
  licit_err err = {0};
  int rc = licit_txn_begin(sv->store, false, &t, &err);
  if (rc) return lib_error(resp, rc, err.msg);
  uint64_t pos = licit_txn_log_len(t), posts = licit_txn_n_posts(t), users = licit_txn_n_users(t);
  licit_txn_abort(t);
  resp->status = 200;
  resp->ctype = "text/plain; version=0.0.4; charset=utf-8";
  licit_buf *b = &resp->body;
  licit_buf_adds(b, "# HELP licit_http_requests_total HTTP requests answered, by endpoint and status.\n"
                    "# TYPE licit_http_requests_total counter\n");
  for (int r = 0; r < R_COUNT; r++)
    for (int s = 0; s < ST_COUNT; s++) {
      uint64_t n = atomic_load(&sv->m.requests[r][s]);
      if (n)
        licit_buf_printf(b, "licit_http_requests_total{endpoint=\"%s\",status=\"%d\"} %llu\n", routes[r].label,
                         status_values[s], (unsigned long long)n);
    }
  licit_buf_adds(b, "# HELP licit_http_request_duration_seconds Time from a request's headers to its answer.\n"
                    "# TYPE licit_http_request_duration_seconds histogram\n");
  for (int r = 0; r < R_COUNT; r++) {
    uint64_t cnt = atomic_load(&sv->m.lat_count[r]);
    if (!cnt) continue;
    for (int k = 0; k < SRV_LAT_BUCKETS; k++)
      licit_buf_printf(b, "licit_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
                       routes[r].label, lat_bounds[k], (unsigned long long)atomic_load(&sv->m.lat_bucket[r][k]));
    licit_buf_printf(b, "licit_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
                     routes[r].label, (unsigned long long)cnt);
    licit_buf_printf(b, "licit_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", routes[r].label,
                     (double)atomic_load(&sv->m.lat_sum_us[r]) / 1e6);
    licit_buf_printf(b, "licit_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n", routes[r].label,
                     (unsigned long long)cnt);
  }
  licit_buf_printf(b,
                   "# HELP licit_events_ingested_total Events handed to the server (POST /v1/events, PUT "
                   "/v1/me/preference), by outcome.\n"
                   "# TYPE licit_events_ingested_total counter\n"
                   "licit_events_ingested_total{outcome=\"accepted\"} %llu\n"
                   "licit_events_ingested_total{outcome=\"duplicate\"} %llu\n"
                   "licit_events_ingested_total{outcome=\"rejected\"} %llu\n"
                   "# HELP licit_log_position The store's log length (the seq of the last accepted event).\n"
                   "# TYPE licit_log_position gauge\nlicit_log_position %llu\n"
                   "# HELP licit_store_posts Posts in the store.\n# TYPE licit_store_posts gauge\nlicit_store_posts %llu\n"
                   "# HELP licit_store_users Accounts in the store.\n# TYPE licit_store_users gauge\nlicit_store_users %llu\n"
                   "# HELP licit_http_disconnected_total Connections closed because a request did not arrive in time.\n"
                   "# TYPE licit_http_disconnected_total counter\nlicit_http_disconnected_total %llu\n"
                   "# HELP licit_http_refused_total Connections refused over --max-connections, requests refused "
                   "because too many bodies were held (503).\n"
                   "# TYPE licit_http_refused_total counter\nlicit_http_refused_total{why=\"connections\"} %llu\n"
                   "licit_http_refused_total{why=\"bodies\"} %llu\n"
                   "# HELP licit_http_requests_in_flight Requests begun and not yet answered.\n"
                   "# TYPE licit_http_requests_in_flight gauge\nlicit_http_requests_in_flight %d\n",
                   (unsigned long long)atomic_load(&sv->m.events_accepted),
                   (unsigned long long)atomic_load(&sv->m.events_duplicates),
                   (unsigned long long)atomic_load(&sv->m.events_rejected), (unsigned long long)pos,
                   (unsigned long long)posts, (unsigned long long)users,
                   (unsigned long long)atomic_load(&sv->m.disconnected_slow),
                   (unsigned long long)atomic_load(&sv->m.refused_conns), (unsigned long long)atomic_load(&sv->m.refused_busy),
                   atomic_load(&sv->active));
  const licit_follow_stats *f = sv->follow;
  if (f) {
    double lag = licit_follow_lag_s(f);
    licit_buf_printf(b,
                     "# HELP licit_follow_messages_total Jetstream messages received by --follow, by outcome.\n"
                     "# TYPE licit_follow_messages_total counter\n"
                     "licit_follow_messages_total{outcome=\"received\"} %llu\n"
                     "licit_follow_messages_total{outcome=\"accepted\"} %llu\n"
                     "licit_follow_messages_total{outcome=\"duplicate\"} %llu\n"
                     "licit_follow_messages_total{outcome=\"rejected\"} %llu\n"
                     "licit_follow_messages_total{outcome=\"skipped\"} %llu\n"
                     "# HELP licit_follow_reconnects_total Connections the follower opened after its first.\n"
                     "# TYPE licit_follow_reconnects_total counter\nlicit_follow_reconnects_total %llu\n"
                     "# HELP licit_follow_commits_total Commits of the follower.\n"
                     "# TYPE licit_follow_commits_total counter\nlicit_follow_commits_total %llu\n"
                     "# HELP licit_follow_connected 1 while the follower's WebSocket is open.\n"
                     "# TYPE licit_follow_connected gauge\nlicit_follow_connected %d\n"
                     "# HELP licit_follow_cursor_microseconds The feed cursor last committed (time_us).\n"
                     "# TYPE licit_follow_cursor_microseconds gauge\nlicit_follow_cursor_microseconds %lld\n",
                     (unsigned long long)atomic_load(&f->messages), (unsigned long long)atomic_load(&f->accepted),
                     (unsigned long long)atomic_load(&f->duplicates), (unsigned long long)atomic_load(&f->rejected),
                     (unsigned long long)atomic_load(&f->skipped), (unsigned long long)atomic_load(&f->reconnects),
                     (unsigned long long)atomic_load(&f->commits), atomic_load(&f->connected) ? 1 : 0,
                     (long long)atomic_load(&f->committed_cursor));
    if (lag >= 0)
      licit_buf_printf(b,
                       "# HELP licit_follow_lag_seconds Now minus the time_us of the last message.\n"
                       "# TYPE licit_follow_lag_seconds gauge\nlicit_follow_lag_seconds %.3f\n",
                       lag);
  }
}

int srv_writer_acquire(srv *sv, srv_resp *resp) {
  pthread_mutex_lock(&sv->mu);
  while (sv->writer_busy && !atomic_load(&sv->stopping)) pthread_cond_wait(&sv->cv, &sv->mu);
  if (atomic_load(&sv->stopping)) {
    pthread_mutex_unlock(&sv->mu);
    srv_error(resp, 503, "shutting_down", "the server is shutting down; nothing of this request was applied");
    resp->close = true;
    return 503;
  }
  sv->writer_busy = true;
  pthread_mutex_unlock(&sv->mu);
  return 0;
}

void srv_writer_release(srv *sv) {
  pthread_mutex_lock(&sv->mu);
  sv->writer_busy = false;
  pthread_cond_broadcast(&sv->cv);
  pthread_mutex_unlock(&sv->mu);
}

typedef struct reject_sink {
  licit_buf *b;
  uint64_t n;
} reject_sink;

static void on_reject(void *ctx, uint64_t line, const char *error) {
  reject_sink *rs = ctx;
  if (rs->n >= 100000) return; /* the count says how many there were */
  licit_buf_printf(rs->b, "%s{\"line\":%llu,\"error\":", rs->n ? "," : "", (unsigned long long)line);
  licit_jw_strz(rs->b, error);
  licit_buf_addc(rs->b, '}');
  rs->n++;
}

/* Ingests `body` (JSON Lines) in one transaction: 0 with counts and the
 * rejects array's items, or an error status (resp set; nothing applied). */
static int ingest_body(srv *sv, const char *format, const char *body, size_t len, licit_ingest_counts *n,
                       licit_buf *rejects, srv_resp *resp) {
  licit_ingest_opts o = {0};
  o.format = format;
  o.one_txn_bytes = len + 4096;
  reject_sink rs = {rejects, 0};
  o.on_reject = on_reject;
  o.reject_ctx = &rs;
  memset(n, 0, sizeof *n);
  licit_err err = {0};
  licit_ingest *in = NULL;
  int rc = licit_ingest_open(sv->store, &o, "request body", n, &in, &err);
  if (rc) {
    srv_error(resp, 400, licit_strerror_code(rc), "format \"%s\": %s", format, err.msg);
    return 400;
  }
  const char *p = body, *end = body + len;
  while (p < end && !rc) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
    rc = licit_ingest_record(in, p, l, &err);
    p += l + (nl ? 1 : 0);
  }
  if (!rc) rc = licit_ingest_commit(in, &err);
  licit_ingest_close(in);
  if (rc) {
    lib_error(resp, rc, err.msg);
    return resp->status;
  }
  atomic_fetch_add(&sv->m.events_accepted, n->accepted);
  atomic_fetch_add(&sv->m.events_duplicates, n->duplicates);
  atomic_fetch_add(&sv->m.events_rejected, n->rejected);
  return 0;
}

static void ep_events(srv_req *rq, srv_resp *resp) {
  licit_buf fmt = LICIT_BUF_INIT, rejects = LICIT_BUF_INIT;
  bool present;
  if (qarg(rq, "format", &fmt, &present, resp)) goto out;
  const char *format = present ? licit_buf_cstr(&fmt) : "native";
  if (strcmp(format, "native") && strcmp(format, "jetstream") && strcmp(format, "activitypub")) {
    srv_error(resp, 400, "usage", "format \"%.64s\": expected native, jetstream or activitypub", format);
    goto out;
  }
  if (srv_writer_acquire(rq->sv, resp)) goto out;
  licit_ingest_counts n;
  int st = ingest_body(rq->sv, format, rq->body, rq->body_len, &n, &rejects, resp);
  srv_writer_release(rq->sv);
  if (st) goto out;
  ok_json(resp);
  licit_buf_printf(&resp->body, "{\"accepted\":%llu,\"duplicates\":%llu,\"rejected\":%llu",
                   (unsigned long long)n.accepted, (unsigned long long)n.duplicates, (unsigned long long)n.rejected);
  if (strcmp(format, "native") != 0) licit_buf_printf(&resp->body, ",\"skipped\":%llu", (unsigned long long)n.skipped);
  licit_buf_adds(&resp->body, ",\"rejects\":[");
  licit_buf_add(&resp->body, rejects.data, rejects.len);
  licit_buf_adds(&resp->body, "]");
  /* Nothing taken from several records: as `licit ingest` says, most often
   * the wrong format, or (review 6) a whole outbox.json sent as the body,
   * which SPEC 9 reads as JSON Lines. */
  if (licit_ingest_nothing_taken(&n)) {
    licit_buf_printf(&resp->body,
                     ",\"hint\":\"not one of %llu records was accepted: is format=%s the format of the body? The "
                     "body is JSON Lines, one event%s per line",
                     (unsigned long long)n.rejected, format, strcmp(format, "native") ? " or record" : "");
    if (strcmp(format, "activitypub") == 0)
      licit_buf_adds(&resp->body, "; a whole outbox.json or an archive is read by licit ingest --format activitypub "
                                  "FILE, or send its orderedItems one per line");
    licit_buf_adds(&resp->body, "\"");
  }
  licit_buf_adds(&resp->body, "}");
out:
  licit_buf_free(&fmt);
  licit_buf_free(&rejects);
}

static void ep_eval(srv_req *rq, srv_resp *resp) {
  int64_t T;
  if (q_at(rq, &T, resp)) return;
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) return;
  licit_eval *e = NULL;
  licit_err err = {0};
  licit_counts n;
  char digest[65];
  uint64_t pos = licit_txn_log_len(t);
  int rc = licit_eval_open(t, p, T, pos, &e, &err);
  if (!rc) rc = licit_eval_run(e, NULL, NULL, &n, digest, &err);
  if (rc) {
    lib_error(resp, rc, err.msg);
  } else {
    const licit_policy_version *v = licit_eval_version(e);
    ok_json(resp);
    licit_buf *o = &resp->body;
    licit_buf_adds(o, "{\"at\":");
    licit_jw_time(o, T);
    licit_buf_printf(o, ",\"log_position\":%llu,\"policy\":", (unsigned long long)pos);
    policy_json(o, p ? p->name : NULL, v ? v->id : NULL);
    licit_buf_adds(o, ",\"counts\":");
    licit_counts_json(o, &n);
    licit_buf_printf(o, ",\"digest\":\"%s\"}", digest);
  }
  licit_eval_close(e);
  read_end(t, p);
}

static void ep_snapshots(srv_req *rq, srv_resp *resp) {
  licit_txn *t;
  if (read_txn(rq, &t, resp)) return;
  licit_snapshot_info *a = NULL;
  size_t n = 0;
  int rc = licit_snapshot_list(t, &a, &n);
  licit_txn_abort(t);
  if (rc) return lib_error(resp, rc, "reading the snapshots");
  ok_json(resp);
  licit_buf_adds(&resp->body, "{\"snapshots\":[");
  for (size_t i = 0; i < n; i++) {
    if (i) licit_buf_addc(&resp->body, ',');
    snapshot_json(&resp->body, &a[i]);
  }
  licit_buf_adds(&resp->body, "]}");
  licit_snapshot_list_free(a, n);
}

/* The manifest a snapshot wrote, as the store keeps it; else as its
 * directory holds it; else its registered record. */
static void manifest_of(licit_txn *t, const licit_snapshot_info *info, srv_resp *resp) {
  ok_json(resp);
  licit_strv m, sig;
  if (t && licit_snapshot_manifest(t, info->name, &m, &sig) == 0 && m.n) {
    licit_buf_add(&resp->body, m.p, m.n);
    while (resp->body.len && resp->body.data[resp->body.len - 1] == '\n') resp->body.len--;
    return;
  }
  if (info->out_dir) {
    licit_buf path = LICIT_BUF_INIT;
    licit_buf_printf(&path, "%s/manifest.json", info->out_dir);
    FILE *f = fopen(path.data, "rb");
    licit_buf_free(&path);
    if (f) {
      char chunk[65536];
      size_t k;
      while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) licit_buf_add(&resp->body, chunk, k);
      bool bad = ferror(f);
      fclose(f);
      if (!bad && resp->body.len) {
        while (resp->body.len && (resp->body.data[resp->body.len - 1] == '\n')) resp->body.len--;
        return;
      }
      licit_buf_reset(&resp->body);
    }
  }
  snapshot_json(&resp->body, info);
}

/* A registered snapshot: 0 with *info; 404 when there is none of that
 * name; a store error is that error (500), never "not registered". */
static int snapshot_named(licit_txn *t, const licit_buf *name, licit_snapshot_info *info, srv_resp *resp) {
  int rc = id_ok(name) ? licit_snapshot_get(t, name->data, info) : LICIT_ENOTFOUND;
  if (rc == LICIT_ENOTFOUND) {
    /* The name as asked, its control bytes (a decoded %00) written \xHH:
     * "S1%00x" must not read as "S1", a snapshot that exists. */
    char shown[4 * 200 + 1];
    size_t k = 0;
    for (size_t i = 0; i < name->len && i < 200; i++) {
      unsigned char c = (unsigned char)name->data[i];
      if (c < 0x20 || c == 0x7f) k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02x", c);
      else shown[k++] = (char)c;
    }
    shown[k] = 0;
    srv_error(resp, 404, "not_found", "no snapshot named \"%s\" is registered", shown);
    return 404;
  }
  if (rc) {
    lib_error(resp, rc, "reading the registered snapshots");
    return resp->status;
  }
  return 0;
}

/* The snapshot NAME of segment 2: 0 with *info, or the status (resp set). */
static int snapshot_seg(srv_req *rq, licit_txn *t, licit_snapshot_info *info, licit_buf *name, srv_resp *resp) {
  if (seg_decode(rq, 2, name, resp)) return 400;
  return snapshot_named(t, name, info, resp);
}

/* A post by id: 0 with *rec; 404 ("no such post", among yours when own)
 * when there is none; a store error is that error (500). */
static int post_named(licit_txn *t, const licit_buf *post, bool own, licit_post_rec *rec, licit_buf *scratch,
                      srv_resp *resp) {
  int rc = id_ok(post) ? licit_post_get(t, post->data, post->len, rec, scratch) : LICIT_ENOTFOUND;
  if (rc == LICIT_ENOTFOUND) {
    srv_error(resp, 404, "not_found", "no such post%s", own ? " among yours" : "");
    return 404;
  }
  if (rc) {
    lib_error(resp, rc, "reading the post");
    return resp->status;
  }
  return 0;
}

static void ep_snapshot(srv_req *rq, srv_resp *resp) {
  licit_txn *t;
  if (read_txn(rq, &t, resp)) return;
  licit_buf name = LICIT_BUF_INIT;
  licit_snapshot_info info;
  memset(&info, 0, sizeof info);
  if (!snapshot_seg(rq, t, &info, &name, resp)) {
    manifest_of(t, &info, resp);
    licit_snapshot_info_free(&info);
  }
  licit_txn_abort(t);
  licit_buf_free(&name);
}

static bool name_ok(const char *s, size_t n) {
  if (n < 1 || n > 128 || s[0] == '.') return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

static void ep_snapshot_create(srv_req *rq, srv_resp *resp) {
  licit_json *js = NULL;
  /* Both keys are optional: no body at all is {}. */
  if (rq->body_len == 0 ? licit_json_parse("{}", 2, &js, NULL, NULL, NULL) != 0 : body_object(rq, &js, resp) != 0) {
    if (!resp->status) srv_error(resp, 500, "out_of_memory", "out of memory");
    return;
  }
  int64_t T = licit_time_now();
  char namebuf[160];
  licit_buf out = LICIT_BUF_INIT;
  licit_policy *p = NULL;
  bool writer = false;
  void *it = NULL;
  const char *k;
  licit_json *v;
  while ((it = licit_json_object_next(js, it, &k, &v))) {
    if (strcmp(k, "at") && strcmp(k, "name")) {
      srv_error(resp, 400, "invalid", "unknown key \"%.64s\" (expected at, name)", k);
      goto out;
    }
  }
  licit_json *at = licit_json_get(js, "at"), *name = licit_json_get(js, "name");
  if (at) {
    size_t n;
    const char *s = licit_json_typeof(at) == LICIT_JSON_STRING ? licit_json_str(at, &n) : NULL;
    const char *why = "expected a string";
    if (!s || licit_time_parse(s, n, &T, &why)) {
      srv_error(resp, 400, "invalid", "at: expected an RFC 3339 date-time (%s)", why);
      goto out;
    }
  }
  if (name) {
    size_t n;
    const char *s = licit_json_typeof(name) == LICIT_JSON_STRING ? licit_json_str(name, &n) : NULL;
    if (!s || !name_ok(s, n)) {
      srv_error(resp, 400, "invalid", "name: 1 to 128 characters of A-Z a-z 0-9 . _ -, not starting with .");
      goto out;
    }
    memcpy(namebuf, s, n);
    namebuf[n] = 0;
  } else {
    char c[LICIT_TIME_BUFSZ];
    licit_time_format_compact(T, c);
    snprintf(namebuf, sizeof namebuf, "at-%s", c);
  }
  if (srv_writer_acquire(rq->sv, resp)) goto out;
  writer = true;
  licit_txn *t;
  if (read_begin(rq, &t, &p, resp)) goto out;
  licit_snapshot_info info;
  memset(&info, 0, sizeof info);
  int got = licit_snapshot_get(t, namebuf, &info);
  licit_snapshot_info_free(&info);
  licit_txn_abort(t);
  if (got && got != LICIT_ENOTFOUND) { /* an error is not "no such snapshot" */
    lib_error(resp, got, "reading the registered snapshots");
    goto out;
  }
  if (!got) {
    srv_error(resp, 409, "exists", "a snapshot named \"%s\" is already registered", namebuf);
    goto out;
  }
  mkdir(rq->sv->snapshots_dir, 0755);
  licit_buf_printf(&out, "%s/%s", rq->sv->snapshots_dir, namebuf);
  licit_snapshot_opts o = {0};
  o.out_dir = out.data;
  o.name = namebuf;
  o.at = T;
  licit_snapshot_timing tm;
  licit_err err = {0};
  memset(&info, 0, sizeof info);
  int rc = licit_snapshot_build(rq->sv->store, p, &o, &info, &tm, &err);
  if (rc) {
    lib_error(resp, rc, err.msg);
    goto out;
  }
  manifest_of(NULL, &info, resp);
  licit_snapshot_info_free(&info);
out:
  if (writer) srv_writer_release(rq->sv);
  if (rq->own_policy) licit_policy_free(p);
  licit_buf_free(&out);
  licit_json_free(js);
}

static void ep_debt(srv_req *rq, srv_resp *resp) {
  int64_t T;
  if (q_at(rq, &T, resp)) return;
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) return;
  licit_buf name = LICIT_BUF_INIT;
  licit_snapshot_info info;
  memset(&info, 0, sizeof info);
  if (snapshot_seg(rq, t, &info, &name, resp)) goto out;
  licit_snapshot_info_free(&info);
  licit_debt_snap *d = NULL;
  size_t n = 0;
  licit_err err = {0};
  int rc = licit_debt(t, p, T, name.data, &d, &n, &err);
  if (rc) {
    lib_error(resp, rc, err.msg);
    goto out;
  }
  ok_json(resp);
  licit_buf *b = &resp->body;
  for (size_t i = 0; i < n && i < 1; i++) {
    licit_buf_adds(b, "{\"name\":");
    licit_jw_strz(b, d[i].info.name);
    licit_buf_adds(b, ",\"at\":");
    licit_jw_time(b, d[i].info.at);
    licit_buf_printf(b, ",\"included\":%llu,\"debt\":{", (unsigned long long)d[i].included);
    for (int r = 1; r < LICIT_R_COUNT; r++) {
      licit_buf_printf(b, "%s\"%s\":[", r > 1 ? "," : "", licit_reason_name(r));
      for (size_t k = 0; k < d[i].n[r]; k++) {
        if (k) licit_buf_addc(b, ',');
        licit_jw_strz(b, d[i].ids[r][k]);
      }
      licit_buf_addc(b, ']');
    }
    licit_buf_adds(b, "}}");
  }
  licit_debt_free(d, n);
out:
  licit_buf_free(&name);
  read_end(t, p);
}

static void ep_changes(srv_req *rq, srv_resp *resp) {
  int64_t T;
  if (q_at(rq, &T, resp)) return;
  licit_buf after = LICIT_BUF_INIT, name = LICIT_BUF_INIT;
  bool has_after;
  if (qarg(rq, "after", &after, &has_after, resp)) goto done;
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) goto done;
  licit_snapshot_info info;
  memset(&info, 0, sizeof info);
  if (snapshot_seg(rq, t, &info, &name, resp)) goto out;
  licit_snapshot_info_free(&info);
  licit_feed f;
  licit_err err = {0};
  int rc = licit_feed_changes(t, p, name.data, has_after ? licit_buf_cstr(&after) : NULL, T, &f, &err);
  if (rc) {
    lib_error(resp, rc, err.msg);
    goto out;
  }
  ok_json(resp);
  licit_feed_json(&resp->body, &f);
  licit_feed_free(&f);
out:
  read_end(t, p);
done:
  licit_buf_free(&after);
  licit_buf_free(&name);
}

/* ------------------------------------------------------------ persons -- */

/* The accounts of the token's person as of now (ascending ordinals); none
 * when the account is not known.  0, or an error status. */
static int person_of(srv_req *rq, licit_txn *t, const licit_policy *p, uint32_t **ords, size_t *n, srv_resp *resp) {
  *ords = NULL;
  *n = 0;
  uint32_t ord;
  int rc = licit_user_ord(t, rq->claims.sub, rq->claims.sub_len, &ord);
  if (rc == LICIT_ENOTFOUND) return 0;
  if (rc) {
    lib_error(resp, rc, "reading the account");
    return resp->status;
  }
  licit_eval *e = NULL;
  licit_err err = {0};
  rc = licit_eval_open_lazy(t, p, licit_time_now(), licit_txn_log_len(t), &e, &err);
  if (!rc) rc = licit_eval_person(e, ord, ords, n);
  licit_eval_close(e);
  if (rc == LICIT_ENOTFOUND) return 0;
  if (rc) {
    lib_error(resp, rc, err.msg[0] ? err.msg : "reading the account's person");
    return resp->status;
  }
  return 0;
}

static bool person_has(const uint32_t *ords, size_t n, uint32_t user) {
  for (size_t i = 0; i < n; i++)
    if (ords[i] == user) return true;
  return false;
}

static void ep_report(srv_req *rq, srv_resp *resp, const char *user, size_t un) {
  int64_t T;
  if (q_at(rq, &T, resp)) return;
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) return;
  licit_report r;
  licit_err err = {0};
  int rc = licit_report_user(t, p, user, un, T, &r, &err);
  if (rc) {
    lib_error(resp, rc, err.msg);
  } else {
    ok_json(resp);
    licit_report_json(&resp->body, &r);
    licit_report_free(&r);
  }
  read_end(t, p);
}

/* GET /v1/me[?user=ACCOUNT]: the report of the token's account, or of
 * another account of its person as of now (the accounts a person token
 * covers, SPEC 9), so that the page can show the whole person. Any other
 * account is 404, whether or not it exists. */
static void ep_me(srv_req *rq, srv_resp *resp) {
  licit_buf user = LICIT_BUF_INIT;
  bool present;
  if (qarg(rq, "user", &user, &present, resp)) goto done;
  if (!present || (user.len == rq->claims.sub_len && memcmp(user.data, rq->claims.sub, user.len) == 0)) {
    ep_report(rq, resp, rq->claims.sub, rq->claims.sub_len);
    goto done;
  }
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) goto done;
  uint32_t *ords = NULL, ord;
  size_t n = 0;
  int rc = id_ok(&user) ? licit_user_ord(t, user.data, user.len, &ord) : LICIT_ENOTFOUND;
  bool mine = false;
  if (rc && rc != LICIT_ENOTFOUND) {
    lib_error(resp, rc, "reading the account");
  } else if (!person_of(rq, t, p, &ords, &n, resp)) {
    mine = rc == 0 && person_has(ords, n, ord);
    if (!mine) srv_error(resp, 404, "not_found", "no such account among yours");
  }
  free(ords);
  read_end(t, p);
  if (mine) ep_report(rq, resp, user.data, user.len);
done:
  licit_buf_free(&user);
}

static void ep_explain(srv_req *rq, srv_resp *resp, size_t seg, bool own) {
  int64_t T;
  if (q_at(rq, &T, resp)) return;
  licit_buf post = LICIT_BUF_INIT;
  if (seg_decode(rq, seg, &post, resp)) return;
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) goto done;
  uint32_t *ords = NULL;
  size_t n = 0;
  licit_post_rec rec;
  licit_buf scratch = LICIT_BUF_INIT;
  if (post_named(t, &post, own, &rec, &scratch, resp)) goto out;
  if (own) {
    if (person_of(rq, t, p, &ords, &n, resp)) goto out;
    if (!person_has(ords, n, rec.user)) {
      /* The same answer as for a post that does not exist. */
      srv_error(resp, 404, "not_found", "no such post among yours");
      goto out;
    }
  }
  licit_explain x;
  licit_err err = {0};
  int rc = licit_explain_post(t, p, post.data, post.len, T, &x, &err);
  if (rc) {
    lib_error(resp, rc, err.msg);
    goto out;
  }
  ok_json(resp);
  licit_explain_json(&resp->body, &x);
  licit_explain_free(&x);
out:
  free(ords);
  licit_buf_free(&scratch);
  read_end(t, p);
done:
  licit_buf_free(&post);
}

static void ep_me_proof(srv_req *rq, srv_resp *resp) {
  licit_buf post = LICIT_BUF_INIT, snap = LICIT_BUF_INIT;
  bool present;
  if (seg_decode(rq, 3, &post, resp) || qarg(rq, "snapshot", &snap, &present, resp)) goto done;
  if (!present) {
    srv_error(resp, 400, "usage", "snapshot=NAME is required");
    goto done;
  }
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) goto done;
  uint32_t *ords = NULL;
  size_t n = 0;
  licit_post_rec rec;
  licit_buf scratch = LICIT_BUF_INIT;
  if (post_named(t, &post, true, &rec, &scratch, resp) || person_of(rq, t, p, &ords, &n, resp)) goto out;
  if (!person_has(ords, n, rec.user)) {
    srv_error(resp, 404, "not_found", "no such post among yours"); /* as for a post that does not exist */
    goto out;
  }
  licit_snapshot_info info;
  memset(&info, 0, sizeof info);
  if (snapshot_named(t, &snap, &info, resp)) goto out;
  licit_snapshot_info_free(&info);
  licit_err err = {0};
  licit_buf_reset(&resp->body);
  int rc = licit_proof_build(t, snap.data, post.data, post.len, &resp->body, &err);
  if (rc == LICIT_EINVAL) {
    srv_error(resp, 409, "conflict", "%s", err.msg); /* built before Merkle roots: no proof can be made */
  } else if (rc) {
    lib_error(resp, rc, err.msg);
  } else {
    ok_json(resp);
  }
out:
  free(ords);
  licit_buf_free(&scratch);
  read_end(t, p);
done:
  licit_buf_free(&post);
  licit_buf_free(&snap);
}

typedef struct mypost {
  const char *id; /* points into ids */
  size_t n;
  uint32_t ord, user;
} mypost;

static int cmp_mypost(const void *a, const void *b) {
  const mypost *x = a, *y = b;
  return licit_id_cmp(x->id, x->n, y->id, y->n);
}

static void ep_me_posts(srv_req *rq, srv_resp *resp) {
  int64_t T;
  if (q_at(rq, &T, resp)) return;
  licit_buf v = LICIT_BUF_INIT, after = LICIT_BUF_INIT, snap = LICIT_BUF_INIT;
  bool present, has_after, has_snap;
  int only = -1;
  long limit = 1000;
  /* snapshot=NAME judges the posts as NAME did: its T, its log prefix and
   * the policy it was built under (SPEC 1), which `at` (the whole log as
   * of T, under the installed policy) does not give for posts back-dated
   * or deleted in events ingested after NAME was built. */
  if (qarg(rq, "snapshot", &snap, &has_snap, resp) || qarg(rq, "at", &v, &present, resp)) goto done;
  if (has_snap && present) {
    srv_error(resp, 400, "usage", "at and snapshot cannot be used together: a snapshot has its own T");
    goto done;
  }
  if (qarg(rq, "reason", &v, &present, resp)) goto done;
  if (present) {
    only = licit_reason_parse(v.data ? v.data : "", v.len);
    if (only < 0) {
      srv_error(resp, 400, "invalid", "reason \"%.64s\": expected included or a reason of SPEC section 4",
                licit_buf_cstr(&v));
      goto done;
    }
  }
  if (qarg(rq, "limit", &v, &present, resp)) goto done;
  if (present) {
    char *end;
    const char *s = licit_buf_cstr(&v);
    limit = strtol(s, &end, 10);
    if (!*s || *end || limit < 1 || limit > 10000) {
      srv_error(resp, 400, "invalid", "limit \"%.32s\": expected 1 to 10000", s);
      goto done;
    }
  }
  if (qarg(rq, "after", &after, &has_after, resp)) goto done;
  licit_txn *t;
  licit_policy *p;
  if (read_begin(rq, &t, &p, resp)) goto done;
  uint32_t *ords = NULL;
  size_t n = 0, np = 0, cap = 0;
  mypost *posts = NULL;
  licit_eval *e = NULL;
  licit_snapshot_info *snaps = NULL;
  size_t nsnaps = 0;
  licit_snap_reader *lin = NULL; /* one per snapshot: each bitmap chunk read once */
  licit_buf scratch = LICIT_BUF_INIT;
  licit_err err = {0};
  licit_snapshot_info judge;
  licit_policy *judge_pol = NULL; /* NAME's policy with snapshot=NAME */
  uint64_t upto = licit_txn_log_len(t);
  int rc;
  memset(&judge, 0, sizeof judge);
  if (has_snap) {
    if (snapshot_named(t, &snap, &judge, resp)) goto out;
    if ((rc = licit_snapshot_policy(t, &judge, &judge_pol, &err))) {
      lib_error(resp, rc, err.msg);
      goto out;
    }
    T = judge.at;
    upto = judge.log_position;
  }
  if (person_of(rq, t, p, &ords, &n, resp)) goto out;
  for (size_t i = 0; i < n; i++) {
    uint32_t *po = NULL;
    size_t pn = 0;
    if ((rc = licit_user_posts(t, ords[i], &po, &pn))) {
      lib_error(resp, rc, "reading the account's posts");
      goto out;
    }
    for (size_t k = 0; k < pn; k++) {
      licit_strv id;
      if ((rc = licit_post_id(t, po[k], &id))) {
        /* uposts names a post postrec does not have: damage, not "no post". */
        free(po);
        lib_error(resp, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading the account's posts");
        goto out;
      }
      if (has_after && cmp_mypost(&(mypost){id.p, id.n, 0, 0}, &(mypost){after.data ? after.data : "", after.len, 0, 0}) <= 0)
        continue;
      if (np == cap) {
        cap = cap ? cap * 2 : 256;
        mypost *na = realloc(posts, cap * sizeof *na);
        if (!na) {
          free(po);
          srv_error(resp, 500, "out_of_memory", "out of memory");
          goto out;
        }
        posts = na;
      }
      posts[np++] = (mypost){id.p, id.n, po[k], ords[i]};
    }
    free(po);
  }
  if (np) qsort(posts, np, sizeof *posts, cmp_mypost);
  if ((rc = licit_eval_open_lazy(t, has_snap ? judge_pol : p, T, upto, &e, &err)) ||
      (rc = licit_snapshot_list(t, &snaps, &nsnaps))) {
    lib_error(resp, rc, err.msg);
    goto out;
  }
  if (!(lin = calloc(nsnaps ? nsnaps : 1, sizeof *lin))) {
    srv_error(resp, 500, "out_of_memory", "out of memory");
    goto out;
  }
  ok_json(resp);
  licit_buf *b = &resp->body;
  licit_buf_adds(b, "{\"posts\":[");
  long shown = 0;
  const mypost *last = NULL;
  bool more = false;
  for (size_t i = 0; i < np; i++) {
    licit_post_rec rec;
    if ((rc = licit_post_get_ord(t, posts[i].ord, &rec, &scratch))) {
      licit_buf_reset(b);
      lib_error(resp, rc, "reading a post");
      goto out;
    }
    if (!licit_eval_considered(e, &rec)) continue;
    licit_reason r;
    const licit_text_hist *th = NULL;
    if ((rc = licit_eval_post(e, &rec, &r, &th))) {
      licit_buf_reset(b);
      lib_error(resp, rc, "evaluating a post");
      goto out;
    }
    if (only >= 0 && (int)r != only) continue;
    if (shown == limit) {
      more = true;
      break;
    }
    licit_user_rec u;
    licit_buf us = LICIT_BUF_INIT;
    licit_event ev;
    licit_strv sigs[LICIT_SIGNALS_MAX];
    if ((rc = licit_user_get(t, rec.user, &u, &us)) ||
        (th && (rc = licit_log_get(t, th->h.seq, &ev, sigs, LICIT_SIGNALS_MAX)))) {
      /* The post's author or its text's event missing: damage. */
      licit_buf_free(&us);
      licit_buf_reset(b);
      lib_error(resp, rc == LICIT_ENOTFOUND ? LICIT_ESTORE : rc, "reading a post's author or text");
      goto out;
    }
    if (shown) licit_buf_addc(b, ',');
    licit_buf_adds(b, "{\"post\":");
    licit_jw_str(b, posts[i].id, posts[i].n);
    licit_buf_adds(b, ",\"user\":");
    licit_jw_str(b, u.id, u.id_len);
    licit_buf_free(&us);
    licit_buf_adds(b, ",\"created\":");
    licit_jw_time(b, rec.created_ts);
    licit_buf_adds(b, ",\"excerpt\":");
    if (th) {
      /* The first 200 Unicode characters: cut before the 201st lead byte. */
      size_t chars = 0, k = 0;
      for (; k < ev.text.n; k++)
        if (((unsigned char)ev.text.p[k] & 0xC0) != 0x80 && ++chars > 200) break;
      licit_jw_str(b, ev.text.p, k);
    } else {
      licit_buf_adds(b, "\"\"");
    }
    licit_buf_printf(b, ",\"reason\":\"%s\",\"snapshots\":[", licit_reason_name(r));
    int ns = 0;
    for (size_t s = 0; s < nsnaps; s++) {
      int has = licit_snap_reader_has(t, &snaps[s], &lin[s], rec.ord);
      if (has < 0) { /* an error is not "in no snapshot" */
        licit_buf_reset(b);
        lib_error(resp, has, "reading a snapshot's lineage");
        goto out;
      }
      if (has) {
        if (ns++) licit_buf_addc(b, ',');
        licit_jw_strz(b, snaps[s].name);
      }
    }
    licit_buf_adds(b, "]}");
    shown++;
    last = &posts[i];
  }
  licit_buf_adds(b, "],\"next\":");
  if (more && last) licit_jw_str(b, last->id, last->n);
  else licit_buf_adds(b, "null");
  licit_buf_addc(b, '}');
out:
  licit_snap_readers_free(lin, nsnaps);
  licit_snapshot_list_free(snaps, nsnaps);
  licit_eval_close(e);
  licit_policy_free(judge_pol);
  licit_snapshot_info_free(&judge);
  licit_buf_free(&scratch);
  free(posts);
  free(ords);
  read_end(t, p);
done:
  licit_buf_free(&v);
  licit_buf_free(&after);
  licit_buf_free(&snap);
}

static void ep_me_pref(srv_req *rq, srv_resp *resp) {
  licit_json *js = NULL;
  if (body_object(rq, &js, resp)) return;
  licit_json *v = licit_json_get(js, "ai_training");
  size_t vn = 0;
  const char *vs = v && licit_json_typeof(v) == LICIT_JSON_STRING ? licit_json_str(v, &vn) : NULL;
  int pref = vs ? licit_pref_parse(vs, vn) : -1;
  if (pref < 0 || licit_json_object_size(js) != 1) {
    srv_error(resp, 400, "invalid", "expected {\"ai_training\": \"deny\" | \"allow\" | \"unset\"}");
    licit_json_free(js);
    return;
  }
  licit_json_free(js);
  srv *sv = rq->sv;
  if (srv_writer_acquire(sv, resp)) return;
  licit_buf line = LICIT_BUF_INIT, rejects = LICIT_BUF_INIT;
  licit_txn *t = NULL;
  licit_policy *p = NULL;
  int64_t now = licit_time_now();
  /* A deleted account cannot change anything any more: 409. */
  if (read_begin(rq, &t, &p, resp)) goto out;
  licit_user_rec u;
  licit_buf us = LICIT_BUF_INIT;
  bool found = false;
  int rc = licit_store_user_lookup(t, (licit_strv){rq->claims.sub, rq->claims.sub_len}, &found, &u, &us);
  bool deleted = !rc && found && u.n_del > 0;
  licit_buf_free(&us);
  /* The person's preference as of now is already this one (set on this
   * account or a linked one): nothing to append.  Another event would
   * change no decision, only move "since" to now, and would let a token
   * grow the account's record without end by repeating it (review 7). */
  bool unchanged = false;
  int64_t effective = now;
  if (!rc && found && !deleted && !u.unknown) {
    licit_eval *e0 = NULL;
    licit_user_facts f0;
    uint32_t ord0;
    licit_err err0 = {0};
    rc = licit_user_ord(t, rq->claims.sub, rq->claims.sub_len, &ord0);
    if (!rc) rc = licit_eval_open_lazy(t, p, now, licit_txn_log_len(t), &e0, &err0);
    if (!rc) rc = licit_eval_user(e0, ord0, &f0);
    licit_eval_close(e0);
    if (!rc && f0.pref_e.seq && f0.pref == pref) {
      unchanged = true;
      effective = f0.pref_e.ts;
    }
  }
  read_end(t, p);
  t = NULL;
  p = NULL;
  if (rc) {
    lib_error(resp, rc, "reading the account");
    goto out;
  }
  if (deleted) {
    srv_error(resp, 409, "conflict", "the account %s is deleted: its preference can no longer change", rq->claims.sub);
    goto out;
  }
  if (!unchanged) {
    char ts[LICIT_TIME_BUFSZ];
    licit_time_format(now, ts);
    licit_buf_printf(&line, "{\"type\":\"preference\",\"ts\":\"%s\",\"user\":", ts);
    licit_jw_str(&line, rq->claims.sub, rq->claims.sub_len);
    licit_buf_printf(&line, ",\"ai_training\":\"%s\"}", licit_pref_name(pref));
    licit_ingest_counts n;
    if (ingest_body(sv, "native", line.data, line.len, &n, &rejects, resp)) goto out;
    if (n.accepted != 1) {
      srv_error(resp, 409, "conflict", "the preference was not accepted: %.*s", (int)rejects.len,
                rejects.data ? rejects.data : "");
      goto out;
    }
  }
  /* What the new preference does, as of now. */
  if (read_begin(rq, &t, &p, resp)) goto out;
  licit_eval *e = NULL;
  licit_user_facts f;
  memset(&f, 0, sizeof f);
  uint32_t ord;
  licit_err err = {0};
  rc = licit_user_ord(t, rq->claims.sub, rq->claims.sub_len, &ord);
  if (!rc) rc = licit_eval_open_lazy(t, p, licit_time_now(), licit_txn_log_len(t), &e, &err);
  if (!rc) rc = licit_eval_user(e, ord, &f);
  /* One preference covers the whole person (SPEC 4): accounts linked now. */
  uint32_t *members = NULL;
  size_t n_members = 0;
  if (!rc && (rc = licit_eval_person(e, ord, &members, &n_members)) == LICIT_ENOTFOUND) rc = 0;
  free(members);
  bool in_force = e && licit_eval_version(e) != NULL;
  licit_eval_close(e);
  if (rc) {
    lib_error(resp, rc, err.msg);
    goto out;
  }
  bool honoured = in_force && (f.mode == LICIT_MODE_OPT_OUT || f.mode == LICIT_MODE_OPT_IN);
  const char *linked = n_members > 1 ? " It also covers the accounts linked to yours, and counts for their posts "
                                       "where their region lets people choose."
                                     : "";
  char region[3] = {f.region[0], f.region[1], 0};
  char why[600];
  if (!in_force)
    snprintf(why, sizeof why, "No policy version is in force now, so no post is used for AI training at all.");
  else if (f.mode == LICIT_MODE_OPT_OUT)
    snprintf(why, sizeof why,
             "In your region (%s) people may object. %s", region[0] ? region : "unknown",
             pref == LICIT_PREF_DENY ? "Your objection keeps your posts out of corpora built from now on."
                                     : "Without an objection your public posts may be used.");
  else if (f.mode == LICIT_MODE_OPT_IN)
    snprintf(why, sizeof why, "In your region (%s) posts are used only with consent. %s",
             region[0] ? region : "unknown",
             pref == LICIT_PREF_ALLOW ? "You consented: your public posts may be used from now on."
                                      : "Without your consent your posts are not used.");
  else if (f.mode == LICIT_MODE_EXCLUDED)
    snprintf(why, sizeof why, "Posts from your region (%s) are never used, whatever you choose; your choice is kept.%s",
             region[0] ? region : "unknown", linked);
  else if (*linked)
    snprintf(why, sizeof why,
             "In your region (%s) the policy gives no choice: your choice does not change what is used of this "
             "account's posts.%s",
             region[0] ? region : "unknown", linked);
  else
    snprintf(why, sizeof why,
             "In your region (%s) the policy gives no choice: your choice is kept but does not change what is used.",
             region[0] ? region : "unknown");
  ok_json(resp);
  licit_buf_printf(&resp->body, "{\"preference\":\"%s\",\"honoured\":%s,\"reason\":", licit_pref_name(pref),
                   honoured ? "true" : "false");
  licit_jw_strz(&resp->body, why);
  licit_buf_adds(&resp->body, ",\"effective\":");
  licit_jw_time(&resp->body, effective);
  licit_buf_addc(&resp->body, '}');
out:
  srv_writer_release(sv);
  if (t) read_end(t, p);
  licit_buf_free(&line);
  licit_buf_free(&rejects);
}

static void ep_tokens(srv_req *rq, srv_resp *resp) {
  licit_json *js = NULL;
  if (body_object(rq, &js, resp)) return;
  licit_json *u = licit_json_get(js, "user"), *ttl = licit_json_get(js, "ttl_s");
  size_t un = 0;
  const char *us = u && licit_json_typeof(u) == LICIT_JSON_STRING ? licit_json_str(u, &un) : NULL;
  int64_t ttl_s = 30 * 86400;
  if (ttl) {
    ttl_s = licit_json_typeof(ttl) == LICIT_JSON_INT ? licit_json_int(ttl) : -1;
    if (ttl_s < 1 || ttl_s > 100LL * 366 * 86400) {
      srv_error(resp, 400, "invalid", "ttl_s: expected a whole number of seconds, 1 to 100 years");
      goto out;
    }
  }
  /* Another key is 400, as for POST /v1/snapshots and PUT /v1/me/preference:
   * {"user", "ttl": 60} (a typo) must not mint a 30-day token. */
  if (!us || licit_json_object_size(js) != 1u + (ttl != NULL)) {
    srv_error(resp, 400, "invalid", "expected {\"user\": USER, \"ttl_s\": seconds (optional, default 30 days)}");
    goto out;
  }
  licit_txn *t;
  if (read_txn(rq, &t, resp)) goto out;
  licit_buf tok = LICIT_BUF_INIT;
  int64_t exp;
  licit_err err = {0};
  int rc = licit_token_issue(t, rq->sv->token_seed, us, un, licit_time_now() / 1000000, ttl_s, &tok, &exp, &err);
  licit_txn_abort(t);
  if (rc) {
    lib_error(resp, rc, err.msg);
  } else {
    ok_json(resp);
    licit_buf_adds(&resp->body, "{\"token\":");
    licit_jw_str(&resp->body, tok.data, tok.len);
    licit_buf_printf(&resp->body, ",\"exp\":%lld}", (long long)exp);
  }
  licit_buf_free(&tok);
out:
  licit_json_free(js);
}

static void ep_page(srv_resp *resp) {
  resp->status = 200;
  resp->ctype = "text/html; charset=utf-8";
  licit_buf_add(&resp->body, licit_page_html, licit_page_html_len);
}

void srv_handle(srv_req *rq, srv_resp *resp) {
  licit_buf seg = LICIT_BUF_INIT;
  switch (rq->route) {
    case R_PAGE: ep_page(resp); break;
    case R_HEALTHZ: ep_healthz(rq, resp); break;
    case R_METRICS: ep_metrics(rq, resp); break;
    case R_EVENTS: ep_events(rq, resp); break;
    case R_EVAL: ep_eval(rq, resp); break;
    case R_SNAPSHOTS:
      if (strcmp(rq->method, "POST") == 0) ep_snapshot_create(rq, resp);
      else ep_snapshots(rq, resp);
      break;
    case R_SNAPSHOT: ep_snapshot(rq, resp); break;
    case R_DEBT: ep_debt(rq, resp); break;
    case R_CHANGES: ep_changes(rq, resp); break;
    case R_EXPLAIN: ep_explain(rq, resp, 2, false); break;
    case R_REPORT:
      if (seg_decode(rq, 2, &seg, resp)) break;
      if (!id_ok(&seg)) {
        srv_error(resp, 404, "not_found", "no such account");
        break;
      }
      ep_report(rq, resp, seg.data, seg.len);
      break;
    case R_TOKENS: ep_tokens(rq, resp); break;
    case R_ME: ep_me(rq, resp); break;
    case R_ME_POSTS: ep_me_posts(rq, resp); break;
    case R_ME_EXPLAIN: ep_explain(rq, resp, 3, true); break;
    case R_ME_PROOF: ep_me_proof(rq, resp); break;
    case R_ME_PREF: ep_me_pref(rq, resp); break;
    default: srv_error(resp, 404, "not_found", "no such path"); break;
  }
  licit_buf_free(&seg);
}
