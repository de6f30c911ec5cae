/*
 * server.h — `licit serve`: the HTTP API of SPEC section 9 and the person's
 * page, over one store.
 *
 * Threading: libmicrohttpd's event loop on a pool of about one thread per
 * CPU answers quick requests inline; requests that scan, build or write run
 * on a thread of their own (the connection suspended meanwhile).  Each
 * request reads through its own read transaction, so readers never wait
 * for the writer.  Requests that write (POST /v1/events, POST
 * /v1/snapshots, PUT /v1/me/preference) take the server's one writer slot
 * in turn.
 *
 * Limits (docs/server.md): request bodies (64 MiB for events, 64 KiB
 * otherwise: 413), request headers (32 KiB in all), connections at once
 * (max_connections; more are closed unanswered), the time a request may
 * take to arrive (request_timeout_s plus 1 s per MiB of declared body; a
 * slower client is disconnected), idle keep-alive connections.
 *
 * licit_server_run blocks until SIGTERM or SIGINT; then it stops accepting,
 * answers requests that arrive or wait for the writer with 503, finishes
 * the requests in flight (an ingest commits before it answers) and returns
 * 0.  Errors before serving (the address, the store, a --follow URL that
 * is not ws:// or wss://): LICIT_EUSAGE, LICIT_EINVAL, LICIT_EIO, store
 * errors, with err.  A follower that fails later (a refused TLS
 * certificate, a store error) is reported on the log, in /healthz and
 * /metrics; the API keeps serving.
 */
#ifndef LICIT_SERVER_H
#define LICIT_SERVER_H

#include <stdio.h>

#include "licit.h"
#include "store/store.h"

typedef struct licit_server_opts {
  const char *listen;         /* "ADDR:PORT", "[V6ADDR]:PORT"; NULL: 127.0.0.1:8080 */
  const char *snapshots_dir;  /* NULL: STORE/snapshots */
  unsigned max_connections;   /* 0: 100; each may run a slow request on a thread
                                 with an LMDB reader slot (126 in all: at most 110
                                 of them, the event loop's threads at most 8, and
                                 reports' read-ahead threads at most 2) */
  unsigned request_timeout_s; /* 0: 10 */
  FILE *log;                  /* one line at start and stop; NULL: none */
  const char *follow_url;     /* --follow: a Jetstream feed followed on a thread of
                                 its own (src/follow), stopped and committed at
                                 shutdown after the requests in flight; NULL: none */
} licit_server_opts;

#define LICIT_SERVER_MAX_CONNECTIONS 110

int licit_server_run(licit_store *s, const licit_server_opts *opts, licit_err *err);

#endif
