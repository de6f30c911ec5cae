/*
 * http.c — the server's HTTP layer on libmicrohttpd: the one file that
 * includes microhttpd.h (docs/dependencies.md says why this library).
 *
 * Threads: libmicrohttpd's event loop (poll(2), not epoll: below) on a pool of about one thread
 * per CPU serves the quick requests inline (a report, an explanation, a
 * token): no thread wakes per request, and requests are answered in the
 * order they are ready, which keeps the slowest answers close to the
 * typical ones.  Requests that scan the store, build or write (srv_is_slow)
 * are handed to a thread of their own with MHD_suspend_connection, so
 * that they never hold up the quick ones, and the connection is resumed
 * when their answer is ready.  The threads of bulk work (an ingest, a scan
 * of every post, a snapshot build: srv_niceness) run at a lower priority,
 * so that on a busy machine they take the cores the quick requests leave
 * idle instead of a share of them (readers never wait for the writer's
 * locks, only for the CPU).
 *
 * What it adds to the library:
 *  - the raw path: an identity unescape callback, so that api.c decodes
 *    each path segment and query value exactly once (and "+" stays a plus);
 *  - a watchdog thread that shuts down the socket of a connection whose
 *    request has not arrived within the request timeout (plus 1 s per MiB of
 *    declared body): libmicrohttpd's own timeout is one of inactivity, which
 *    a client sending a byte a second never reaches;
 *  - request bodies collected up to the route's limit (413 beyond it; a
 *    declared Content-Length over the limit is refused before the body is
 *    read), and at most SRV_BODIES_MAX bytes of bodies held at once (503);
 *  - shutdown on SIGTERM/SIGINT: the listening socket is closed at once,
 *    requests that begin afterwards get 503, requests in flight finish.
 *
 * Why poll: with MHD_USE_EPOLL, libmicrohttpd 0.9.75 misses the close of a
 * client that sent part of a request and went away; its socket sat in
 * CLOSE_WAIT holding one of max_connections until the watchdog's request
 * timeout, so 100 such aborts (no token needed) shut everyone else out for
 * 10 s.  With poll each is closed at once (tests/server/test_shutdown.py,
 * aborted_requests_free_their_places).  Each thread polls at most
 * max_connections sockets, which poll handles as well as epoll.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/server_int.h"

/* ------------------------------------------------------- connections -- */

enum { PH_RECV, PH_BODY, PH_PROC };

typedef struct conn_state {
  struct conn_state *prev, *next;
  bool counted; /* holds one of http.nconn */
  int fd;
  int phase;
  int64_t t0;        /* when the current request began to arrive (us) */
  uint64_t declared; /* Content-Length of the request, when given */
  bool killed;
} conn_state;

typedef struct http {
  srv *sv;
  /* --follow */
  pthread_t follower;
  bool follower_started;
  atomic_int follow_stop;
  licit_follow_stats follow_stats;
  struct MHD_Daemon *d;
  pthread_mutex_t mu; /* the list below */
  conn_state *conns;
  pthread_t watchdog;
  atomic_bool quit;
  /* Connections open or being accepted: the cap is enforced here, exactly,
   * because libmicrohttpd splits its own limit among the pool's threads. */
  atomic_uint nconn;
} http;

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Before a connection is accepted: it takes one of the max_connections
 * places, or is refused (closed unanswered). */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len) {
  (void)addr;
  (void)len;
  http *h = cls;
  /* Stopping: a new connection is closed at once, unanswered. */
  if (atomic_load(&h->sv->stopping)) return MHD_NO;
  if (atomic_fetch_add(&h->nconn, 1) >= h->sv->opts->max_connections) {
    atomic_fetch_sub(&h->nconn, 1);
    atomic_fetch_add(&h->sv->m.refused_conns, 1);
    return MHD_NO;
  }
  return MHD_YES;
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **sock_ctx, enum MHD_ConnectionNotificationCode code) {
  http *h = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    conn_state *cs = calloc(1, sizeof *cs);
    if (!cs) return; /* its place stays taken: only when out of memory */
    cs->counted = true;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    cs->fd = ci ? ci->connect_fd : -1;
    cs->t0 = now_us();
    pthread_mutex_lock(&h->mu);
    cs->next = h->conns;
    if (h->conns) h->conns->prev = cs;
    h->conns = cs;
    pthread_mutex_unlock(&h->mu);
    *sock_ctx = cs;
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    conn_state *cs = *sock_ctx;
    if (!cs) return;
    pthread_mutex_lock(&h->mu);
    if (cs->prev) cs->prev->next = cs->next;
    else h->conns = cs->next;
    if (cs->next) cs->next->prev = cs->prev;
    pthread_mutex_unlock(&h->mu);
    if (cs->counted) atomic_fetch_sub(&h->nconn, 1);
    free(cs);
    *sock_ctx = NULL;
  }
}

static conn_state *conn_of(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? (conn_state *)ci->socket_context : NULL;
}

static void set_phase(http *h, struct MHD_Connection *c, int phase, uint64_t declared) {
  conn_state *cs = conn_of(c);
  if (!cs) return;
  pthread_mutex_lock(&h->mu);
  cs->phase = phase;
  if (phase == PH_RECV) cs->t0 = now_us();
  if (phase == PH_BODY) cs->declared = declared;
  pthread_mutex_unlock(&h->mu);
}

static void *watchdog(void *arg) {
  http *h = arg;
  int64_t limit = (int64_t)h->sv->opts->request_timeout_s * 1000000;
  while (!atomic_load(&h->quit)) {
    usleep(200000);
    int64_t now = now_us();
    pthread_mutex_lock(&h->mu);
    for (conn_state *cs = h->conns; cs; cs = cs->next) {
      if (cs->phase == PH_PROC || cs->killed || cs->fd < 0) continue;
      int64_t allowed = limit + (int64_t)(cs->declared >> 20) * 1000000;
      if (now - cs->t0 > allowed) {
        /* The connection's thread sees end of input and closes it; the fd
         * stays open until then, so it cannot be another connection's. */
        shutdown(cs->fd, SHUT_RDWR);
        cs->killed = true;
        atomic_fetch_add(&h->sv->m.disconnected_slow, 1);
      }
    }
    pthread_mutex_unlock(&h->mu);
  }
  return NULL;
}

/* ----------------------------------------------------------- requests -- */

typedef struct req_ctx {
  srv_req rq;
  srv_resp resp;
  struct MHD_Connection *c;
  int64_t t0;
  bool begun, answered_early, too_big, counted;
  atomic_int work; /* 0: not handed over; 1: a worker thread runs it; 2: its answer is ready */
  size_t limit;
  licit_buf body;
  /* The query string as the client sent it, split in place: libmicrohttpd
   * would turn "+" into a space, which SPEC 9 says it is not. */
  char *query;
  int nargs;
  const char *argk[32], *argv[32];
} req_ctx;

/* Called with the request line's URI, raw, before anything else of the
 * request: its return value becomes the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)cls;
  (void)c;
  req_ctx *rc = calloc(1, sizeof *rc);
  if (!rc) return NULL;
  const char *q = strchr(uri, '?');
  if (q && (rc->query = strdup(q + 1))) {
    char *save = NULL;
    for (char *kv = strtok_r(rc->query, "&", &save); kv && rc->nargs < 32; kv = strtok_r(NULL, "&", &save)) {
      char *eq = strchr(kv, '=');
      if (eq) *eq = 0;
      rc->argk[rc->nargs] = kv;
      rc->argv[rc->nargs++] = eq ? eq + 1 : "";
    }
  }
  return rc;
}

/* A query value, raw (api.c decodes it): the first with that key. */
static const char *get_arg(void *ctx, const char *key) {
  req_ctx *rc = ctx;
  for (int i = 0; i < rc->nargs; i++)
    if (strcmp(rc->argk[i], key) == 0) return rc->argv[i];
  return NULL;
}

static size_t unescape_identity(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

static enum MHD_Result send_resp(req_ctx *rc) {
  srv_resp *r = &rc->resp;
  struct MHD_Response *m =
      MHD_create_response_from_buffer(r->body.len, r->body.data ? r->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
  if (!m) return MHD_NO;
  MHD_add_response_header(m, "Content-Type", r->ctype ? r->ctype : "application/json");
  MHD_add_response_header(m, "Cache-Control", "no-store");
  MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
  if (r->allow) MHD_add_response_header(m, "Allow", r->allow);
  if (r->ctype && strncmp(r->ctype, "text/html", 9) == 0) {
    MHD_add_response_header(m, "Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                            "frame-ancestors 'none'");
    MHD_add_response_header(m, "X-Frame-Options", "DENY");
  }
  if (r->close || atomic_load(&rc->rq.sv->stopping)) MHD_add_response_header(m, "Connection", "close");
  enum MHD_Result ok = MHD_queue_response(rc->c, (unsigned)r->status, m);
  MHD_destroy_response(m);
  return ok;
}

/* A slow request's own thread: it answers, then gives the connection back
 * to the event loop, which calls on_request again to send the answer. */
static void *worker(void *arg) {
  req_ctx *rc = arg;
  int nice = srv_niceness(&rc->rq);
  /* Linux: a thread id names the one thread; raising niceness needs no privilege. */
  if (nice) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
  srv_handle(&rc->rq, &rc->resp);
  atomic_store(&rc->work, 2);
  MHD_resume_connection(rc->c);
  return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version;
  http *h = cls;
  srv *sv = h->sv;
  req_ctx *rc = *con_cls;
  if (!rc) return MHD_NO; /* out of memory in on_uri */
  if (!rc->begun) {
    rc->begun = true;
    rc->c = c;
    rc->t0 = now_us();
    rc->rq.sv = sv;
    rc->rq.method = method;
    rc->rq.path = url;
    rc->rq.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    rc->rq.arg = get_arg;
    rc->rq.arg_ctx = rc;
    rc->rq.route = R_UNKNOWN;
    rc->resp.status = 200;
    atomic_fetch_add(&sv->active, 1);
    rc->counted = true;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t declared = cl ? strtoull(cl, NULL, 10) : 0;
    set_phase(h, c, PH_BODY, declared);
    if (atomic_load(&sv->stopping)) {
      srv_error(&rc->resp, 503, "shutting_down", "the server is shutting down");
    } else if (srv_route(&rc->rq, &rc->resp) == 0 && srv_authorize(&rc->rq, &rc->resp) == 0) {
      rc->limit = srv_body_limit(&rc->rq);
      if (declared > rc->limit)
        srv_error(&rc->resp, 413, "too_large", "the request body is %llu bytes; at most %zu are accepted here",
                  (unsigned long long)declared, rc->limit);
      else
        return MHD_YES; /* read the body */
    }
    rc->answered_early = true;
    rc->resp.close = true;
    set_phase(h, c, PH_PROC, 0);
    return send_resp(rc);
  }
  if (rc->answered_early) {
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (rc->too_big) return MHD_YES;
    if (rc->body.len + n > rc->limit) {
      rc->too_big = true;
      atomic_fetch_sub(&sv->body_bytes, rc->body.len);
      licit_buf_free(&rc->body);
      return MHD_YES;
    }
    size_t held = atomic_fetch_add(&sv->body_bytes, n) + n;
    if (held > SRV_BODIES_MAX) {
      atomic_fetch_sub(&sv->body_bytes, n);
      atomic_fetch_add(&sv->m.refused_busy, 1);
      srv_error(&rc->resp, 503, "busy", "too many large requests at once; try again");
      rc->resp.close = true;
      rc->too_big = true; /* answered at the end, as 503 */
      return MHD_YES;
    }
    if (licit_buf_add(&rc->body, upload, n)) return MHD_NO;
    return MHD_YES;
  }
  /* The whole request has arrived. */
  set_phase(h, c, PH_PROC, 0);
  if (rc->too_big) {
    if (rc->resp.status != 503)
      srv_error(&rc->resp, 413, "too_large", "the request body is larger than the %zu bytes accepted here", rc->limit);
    rc->resp.close = true;
    return send_resp(rc);
  }
  int w = atomic_load(&rc->work);
  if (w == 2) return send_resp(rc); /* resumed: the worker's answer */
  if (w == 1) return MHD_YES;        /* not expected: still working */
  rc->rq.body = rc->body.data ? rc->body.data : "";
  rc->rq.body_len = rc->body.len;
  if (srv_is_slow(&rc->rq)) {
    pthread_t th;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    atomic_store(&rc->work, 1);
    MHD_suspend_connection(c);
    if (pthread_create(&th, &at, worker, rc) != 0) { /* no thread: answer inline */
      atomic_store(&rc->work, 0);
      MHD_resume_connection(c);
      srv_handle(&rc->rq, &rc->resp);
      pthread_attr_destroy(&at);
      return send_resp(rc);
    }
    pthread_attr_destroy(&at);
    return MHD_YES;
  }
  srv_handle(&rc->rq, &rc->resp);
  return send_resp(rc);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)toe;
  http *h = cls;
  req_ctx *rc = *con_cls;
  if (!rc) return;
  srv *sv = h->sv;
  if (rc->begun) srv_observe(sv, rc->rq.route, rc->resp.status, now_us() - rc->t0);
  atomic_fetch_sub(&sv->body_bytes, rc->body.len);
  licit_buf_free(&rc->body);
  licit_buf_free(&rc->resp.body);
  free(rc->query);
  if (rc->counted) atomic_fetch_sub(&sv->active, 1);
  free(rc);
  *con_cls = NULL;
  set_phase(h, c, PH_RECV, 0);
}

static void log_mhd(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  (void)fmt;
  (void)ap; /* libmicrohttpd's own messages (a client that went away) are noise here */
}

/* ----------------------------------------------------------- follower -- */

static void *follower(void *arg) {
  http *h = arg;
  srv *sv = h->sv;
  licit_follow_opts fo = {0};
  fo.url = sv->opts->follow_url;
  licit_err err = {0};
  int rc = licit_follow_run(sv->store, &fo, &h->follow_stop, &h->follow_stats, &err);
  if (rc) {
    snprintf(sv->follow_error, sizeof sv->follow_error, "%s", err.msg[0] ? err.msg : licit_strerror(rc));
    atomic_store(&sv->follow_failed, true);
    if (sv->opts->log) {
      fprintf(sv->opts->log, "licit serve: --follow stopped: %s (the API keeps serving)\n", sv->follow_error);
      fflush(sv->opts->log);
    }
  }
  return NULL;
}

/* ------------------------------------------------------------- listen -- */

static int parse_listen(const char *s, struct sockaddr_storage *ss, licit_err *err) {
  memset(ss, 0, sizeof *ss);
  char host[128];
  const char *colon;
  const char *port_s;
  if (s[0] == '[') {
    const char *close = strchr(s, ']');
    if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host) goto bad;
    memcpy(host, s + 1, (size_t)(close - s - 1));
    host[close - s - 1] = 0;
    port_s = close + 2;
  } else {
    colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host) goto bad;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    port_s = colon + 1;
  }
  char *end;
  long port = strtol(port_s, &end, 10);
  if (!*port_s || *end || port < 0 || port > 65535) goto bad;
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return 0;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    return 0;
  }
bad:
  return licit_err_set(err, LICIT_EUSAGE,
                       "--listen \"%s\": expected ADDR:PORT with a numeric address, such as 127.0.0.1:8080 or [::1]:8080",
                       s);
}

/* The directory POST /v1/snapshots builds into: made (one level, as the
 * request would) and checked writable at the start, so a mistyped
 * --snapshots fails now rather than at the first request. */
static int snapshots_dir_ok(const char *dir, licit_err *err) {
  struct stat st;
  if (mkdir(dir, 0755) != 0 && errno != EEXIST)
    return licit_err_set(err, LICIT_EIO, "--snapshots %s: cannot create the directory: %s", dir, strerror(errno));
  if (stat(dir, &st) != 0)
    return licit_err_set(err, LICIT_EIO, "--snapshots %s: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode)) return licit_err_set(err, LICIT_EIO, "--snapshots %s: not a directory", dir);
  if (access(dir, W_OK | X_OK) != 0)
    return licit_err_set(err, LICIT_EIO, "--snapshots %s: cannot write there: %s", dir, strerror(errno));
  return 0;
}

int licit_server_run(licit_store *s, const licit_server_opts *o, licit_err *err) {
  licit_server_opts opts = *o;
  if (!opts.listen) opts.listen = "127.0.0.1:8080";
  if (!opts.max_connections) opts.max_connections = 100;
  if (opts.max_connections > LICIT_SERVER_MAX_CONNECTIONS)
    return licit_err_set(err, LICIT_EUSAGE, "--max-connections: at most %d (the store's reader slots)",
                         LICIT_SERVER_MAX_CONNECTIONS);
  if (!opts.request_timeout_s) opts.request_timeout_s = 10;
  struct sockaddr_storage ss;
  int rc = parse_listen(opts.listen, &ss, err);
  if (rc) return rc;
  if (opts.follow_url) { /* a bad URL ends it before anything starts (SPEC 10) */
    licit_buf key = LICIT_BUF_INIT;
    int64_t c;
    rc = licit_follow_feed_key(opts.follow_url, &key, &c, err);
    licit_buf_free(&key);
    if (rc) return rc;
  }

  srv *sv = calloc(1, sizeof *sv);
  http *h = calloc(1, sizeof *h);
  if (!sv || !h) {
    free(sv);
    free(h);
    return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  }
  sv->store = s;
  sv->opts = &opts;
  sv->started_us = licit_time_now();
  pthread_mutex_init(&sv->mu, NULL);
  pthread_cond_init(&sv->cv, NULL);
  pthread_mutex_init(&sv->pol_mu, NULL);
  pthread_mutex_init(&sv->tok_mu, NULL);
  pthread_mutex_init(&h->mu, NULL);
  h->sv = sv;
  licit_buf dir = LICIT_BUF_INIT;
  if (opts.snapshots_dir) licit_buf_adds(&dir, opts.snapshots_dir);
  else licit_buf_printf(&dir, "%s/snapshots", licit_store_dir(s));
  sv->snapshots_dir = dir.data;

  /* The token key and the operator secret exist before the first request. */
  licit_txn *t = NULL;
  char secret[LICIT_OPERATOR_TOKEN_MAX];
  rc = snapshots_dir_ok(sv->snapshots_dir, err);
  if (!rc) rc = licit_store_reserve(s, 0, err);
  if (!rc) rc = licit_txn_begin(s, true, &t, err);
  if (!rc) rc = licit_store_token_key(t, sv->token_seed, sv->token_pub, err);
  if (!rc) rc = licit_store_operator_token(t, false, secret, err);
  if (!rc) rc = licit_txn_commit(t, err);
  else licit_txn_abort(t);
  memset(secret, 0, sizeof secret);
  if (rc) goto out;

  /* Signals go to the main thread alone (sigwait below): every thread
   * started from here on inherits the mask. */
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  signal(SIGPIPE, SIG_IGN);

  /* The follower's figures exist before any request thread can read them
   * (/healthz, /metrics): set here, not after the daemon starts. */
  if (opts.follow_url) {
    licit_follow_stats_init(&h->follow_stats, opts.follow_url);
    sv->follow = &h->follow_stats;
  }
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  /* Event-loop threads: each holds an LMDB reader slot, as does each slow
   * request's thread (at most max_connections): 8 + 110 < 126. */
  unsigned pool = (unsigned)(ncpu < 2 ? 2 : ncpu > 8 ? 8 : ncpu);
  h->d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
          (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | MHD_USE_ERROR_LOG,
      0, on_accept, h, on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)(opts.max_connections * pool + 64), /* on_accept enforces max_connections */ MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(opts.request_timeout_s * 3),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_HEADERS_MAX, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, h, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, h, MHD_OPTION_UNESCAPE_CALLBACK,
      unescape_identity, NULL, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_LISTEN_BACKLOG_SIZE,
      (unsigned)128, MHD_OPTION_END);
  if (!h->d) {
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    rc = licit_err_set(err, LICIT_EIO, "cannot listen on %s (%s)", opts.listen,
                       errno ? strerror(errno) : "address in use or not available");
    goto out;
  }
  pthread_create(&h->watchdog, NULL, watchdog, h);
  if (opts.follow_url) h->follower_started = pthread_create(&h->follower, NULL, follower, h) == 0;
  if (opts.log) {
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(opts.log, "licit serve: listening on %s (port %u), store %s\n", opts.listen,
            di ? (unsigned)di->port : 0u, licit_store_dir(s));
    fflush(opts.log);
  }
  int sig = 0;
  sigwait(&set, &sig);
  /* Stop: no new connections, 503 for what begins or waits from now on. */
  atomic_store(&sv->stopping, true);
  pthread_mutex_lock(&sv->mu);
  pthread_cond_broadcast(&sv->cv);
  pthread_mutex_unlock(&sv->mu);
  /* New connections are closed unanswered from now on (on_accept), and
   * the listening socket goes with the daemon.  Not MHD_quiesce_daemon:
   * with a thread pool on epoll (as the server was built until round 15),
   * libmicrohttpd 0.9.75 takes the listening
   * socket out of each worker's epoll set from this thread while a worker
   * may be doing the same, and aborts the process when it loses that race
   * ("Failed to remove listen FD from epoll set", seen in
   * tests/server/test_api.py's damaged stores). */
  if (opts.log) {
    fprintf(opts.log, "licit serve: %s: finishing %d request(s) in flight\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
            atomic_load(&sv->active));
    fflush(opts.log);
  }
  while (atomic_load(&sv->active) > 0) usleep(20000);
  if (h->follower_started) { /* it commits what it processed, then returns */
    atomic_store(&h->follow_stop, 1);
    pthread_join(h->follower, NULL);
  }
  MHD_stop_daemon(h->d);
  atomic_store(&h->quit, true);
  pthread_join(h->watchdog, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (opts.log) {
    fprintf(opts.log, "licit serve: stopped\n");
    fflush(opts.log);
  }
  rc = 0;
out:
  memset(sv->token_seed, 0, sizeof sv->token_seed);
  srv_caches_free(sv);
  pthread_mutex_destroy(&sv->pol_mu);
  pthread_mutex_destroy(&sv->tok_mu);
  licit_buf_free(&dir);
  pthread_mutex_destroy(&h->mu);
  pthread_mutex_destroy(&sv->mu);
  pthread_cond_destroy(&sv->cv);
  free(h);
  free(sv);
  return rc;
}
