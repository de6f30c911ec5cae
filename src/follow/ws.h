/*
 * ws.h — the follower's WebSocket client: one connection at a time, whole
 * text or binary messages pulled one by one.  The only module that includes
 * libwebsockets.h (docs/dependencies.md), so the library can be swapped by
 * rewriting ws.c alone.
 *
 * Threading: a licit_ws and its connection belong to one thread.  Several
 * licit_ws may live in one process (each has its own libwebsockets context).
 * Memory: a message is held whole, but never more than LICIT_WS_MSG_MAX
 * bytes of it (the rest is counted and dropped: such a message is
 * over-long and gets rejected anyway).
 */
#ifndef LICIT_WS_H
#define LICIT_WS_H

#include <stdbool.h>
#include <stddef.h>

#include "licit.h"

#define LICIT_WS_MSG_MAX ((size_t)(2u << 20) + 1) /* one byte over the 2 MiB line limit */

/* A parsed ws:// or wss:// URL. */
typedef struct licit_ws_url {
  bool tls;       /* wss:// */
  char host[256]; /* without brackets for an IPv6 literal */
  int port;       /* 80 / 443 when the URL has none */
  bool default_port;
  const char *path; /* into the URL: "/..." with the query, or "" for "/" */
} licit_ws_url;

/* 0, or LICIT_EINVAL with err saying what is wrong with the URL. */
int licit_ws_url_parse(const char *url, licit_ws_url *out, licit_err *err);

typedef struct licit_ws licit_ws;

/* ca_file: PEM bundle of trusted CAs for wss:// (NULL: $SSL_CERT_FILE, else
 * /etc/ssl/certs/ca-certificates.crt).  LICIT_ENOMEM, LICIT_EIO. */
int licit_ws_create(const char *ca_file, licit_ws **out, licit_err *err);
void licit_ws_destroy(licit_ws *ws);

/* Starts connecting to `url` (closing any earlier connection).  0, or
 * LICIT_EINVAL for a bad URL, or LICIT_EIO when the attempt could not even
 * start (then licit_ws_next says closed). */
int licit_ws_connect(licit_ws *ws, const char *url, licit_err *err);

/* What licit_ws_next returns (>= 0), or a negative LICIT_E code. */
enum {
  LICIT_WS_TIMEOUT = 0, /* nothing within the time: connecting or connected */
  LICIT_WS_MESSAGE = 1, /* *msg, *len: a whole message, valid until the next call */
  LICIT_WS_CLOSED = 2,  /* the connection failed or ended (err says how) */
  LICIT_WS_TLS_REFUSED = 3, /* the server's certificate was refused (err says why) */
};
/* Waits at most timeout_ms for the next message.  *full_len is the
 * message's size (more than *len only past LICIT_WS_MSG_MAX). */
int licit_ws_next(licit_ws *ws, int timeout_ms, const char **msg, size_t *len, size_t *full_len, licit_err *err);
/* True once the WebSocket handshake is done, until the connection ends. */
bool licit_ws_is_open(const licit_ws *ws);
/* Drops the connection now (no close handshake): what a stalled feed gets. */
void licit_ws_drop(licit_ws *ws);

#endif
