/* server_int.h — what http.c (the libmicrohttpd glue) and api.c (routes
 * and endpoints) share; nothing outside src/server. */
#ifndef LICIT_SERVER_INT_H
#define LICIT_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/buf.h"
#include "follow/follow.h"
#include "policy/policy.h"
#include "server/server.h"
#include "server/token.h"

#define SRV_EVENTS_BODY_MAX (64u << 20) /* POST /v1/events */
#define SRV_BODY_MAX (64u << 10)        /* every other body */
#define SRV_HEADERS_MAX (32u << 10)     /* request line and headers */
#define SRV_BULK_NICE 10                /* srv_niceness */
#define SRV_TOK_SETS 512                /* the verified-token cache: 4,096 tokens */
#define SRV_TOK_WAYS 8

enum srv_route {
  R_PAGE, R_HEALTHZ, R_METRICS, R_EVENTS, R_EVAL, R_SNAPSHOTS, R_SNAPSHOT, R_DEBT, R_CHANGES,
  R_EXPLAIN, R_REPORT, R_TOKENS, R_ME, R_ME_POSTS, R_ME_EXPLAIN, R_ME_PROOF, R_ME_PREF, R_UNKNOWN, R_COUNT
};

/* Statuses the server answers with, for the metrics' fixed table. */
#define SRV_STATUSES(X) X(200) X(400) X(401) X(403) X(404) X(405) X(409) X(413) X(500) X(503)
enum {
#define SRV__ST(n) ST_##n,
  SRV_STATUSES(SRV__ST)
#undef SRV__ST
  ST_COUNT
};
#define SRV_LAT_BUCKETS 14 /* upper bounds in api.c; the +Inf bucket is count */

typedef struct srv_metrics {
  atomic_uint_fast64_t requests[R_COUNT][ST_COUNT];
  atomic_uint_fast64_t lat_bucket[R_COUNT][SRV_LAT_BUCKETS];
  atomic_uint_fast64_t lat_count[R_COUNT];
  atomic_uint_fast64_t lat_sum_us[R_COUNT];
  atomic_uint_fast64_t events_accepted, events_duplicates, events_rejected;
  atomic_uint_fast64_t disconnected_slow, refused_busy, refused_conns;
} srv_metrics;

typedef struct srv {
  licit_store *store;
  const licit_server_opts *opts;
  char *snapshots_dir;
  uint8_t token_pub[32], token_seed[32];
  int64_t started_us;
  srv_metrics m;
  /* The one writer slot and shutdown. */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool writer_busy;
  atomic_bool stopping;
  atomic_int active; /* requests begun and not completed */
  /* Request bodies held in memory at once (all connections). */
  atomic_size_t body_bytes;
  /* --follow: the follower's live figures (NULL without --follow), and its
   * fatal error once it has stopped with one. */
  licit_follow_stats *follow;
  atomic_bool follow_failed;
  char follow_error[1024];
  /* Parsed policies by their exact JSON (the installed one changes
   * rarely; parsing it per request was a third of a report's cost).  A
   * cached policy is shared read-only by every request and freed at exit. */
  pthread_mutex_t pol_mu;
  size_t n_pol;
  struct {
    char *json;
    size_t len;
    struct licit_policy *p;
  } pol[8];
  /* Person tokens whose signature was checked, by their exact bytes
   * (an Ed25519 verification per request was the next cost, about a fifth
   * of a GET /v1/me).  SRV_TOK_SETS sets of SRV_TOK_WAYS entries, the
   * least recently used of a set replaced: a direct-mapped table of 1,024
   * lost a third of 500 tokens to collisions.  Expiry and revocation are
   * still checked on every request. */
  pthread_mutex_t tok_mu;
  uint64_t tok_clock;
  struct srv_tok {
    char *tok;
    size_t len;
    uint64_t hash, used;
    licit_token_claims claims;
  } tok[SRV_TOK_SETS * SRV_TOK_WAYS];
} srv;

/* The cache's parsed policy for this JSON, or a new one (*owned true: the
 * caller frees it).  0 or LICIT_EPOLICY / LICIT_ENOMEM. */
int srv_policy(srv *sv, const char *json, size_t n, struct licit_policy **p, bool *owned);
void srv_caches_free(srv *sv);

#define SRV_BODIES_MAX ((size_t)256 << 20)

typedef enum srv_scope { SCOPE_NONE, SCOPE_OPERATOR, SCOPE_PERSON } srv_scope;

typedef struct srv_req {
  srv *sv;
  const char *method;
  const char *path; /* raw: percent escapes not yet decoded */
  const char *authorization;
  /* A query argument, raw (NULL when absent). */
  const char *(*arg)(void *ctx, const char *key);
  void *arg_ctx;
  const char *body;
  size_t body_len;
  /* Set by srv_route / srv_authorize. */
  int route;
  size_t nseg;
  const char *seg[8];
  size_t seg_len[8];
  srv_scope who;
  licit_token_claims claims;
  bool own_policy; /* read_begin's policy is this request's to free */
} srv_req;

typedef struct srv_resp {
  int status;
  const char *ctype; /* static */
  const char *allow; /* 405: the Allow header */
  licit_buf body;
  bool close; /* Connection: close */
} srv_resp;

/* The route of a request, then its method: 0, 404 or 405 (with resp set). */
int srv_route(srv_req *rq, srv_resp *resp);
/* The token and its scope: 0, 401 or 403 (with resp set). */
int srv_authorize(srv_req *rq, srv_resp *resp);
/* The body limit of the request's route. */
size_t srv_body_limit(const srv_req *rq);
/* Whether a request may take long (a scan of the store, a build, a write,
 * a wait for the writer): it then runs on a thread of its own instead of
 * the event loop's. */
bool srv_is_slow(const srv_req *rq);
/* The niceness of a slow request's thread: bulk work (an ingest, a scan of
 * every post, a snapshot build) yields the cores to the quick requests of
 * people; 0 for the rest. */
int srv_niceness(const srv_req *rq);
/* Serves a routed, authorized request whose body has arrived. */
void srv_handle(srv_req *rq, srv_resp *resp);
/* An error response {"error": {"code", "message"}}. */
void srv_error(srv_resp *resp, int status, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Counts a finished request in the metrics. */
void srv_observe(srv *sv, int route, int status, int64_t us);

/* The writer slot: 0 when taken, 503 (resp set) when the server is stopping. */
int srv_writer_acquire(srv *sv, srv_resp *resp);
void srv_writer_release(srv *sv);

/* The page (generated from src/server/page/ at build time). */
extern const char licit_page_html[];
extern const size_t licit_page_html_len;

#endif
