/*
 * ws.c — ws.h on libwebsockets (lws 4.1, Debian's libwebsockets-dev).
 *
 * lws is event-driven: a context runs a poll loop (lws_service) and calls
 * back with connection events and received data.  This file turns that into
 * the pull interface of ws.h: licit_ws_next services the context until a
 * whole message is queued, the connection ends, or a timer (an lws "sul")
 * says the wait is over.  The context is serviced only while the queue is
 * empty, and one service reads at most one buffer from the socket, so the
 * queue holds at most the messages of one read: memory stays bounded
 * whatever the server sends, and TCP's own flow control slows a server that
 * sends faster than the store commits.
 *
 * TLS: lws verifies the server's certificate chain and host name with
 * OpenSSL (LCCSCF_USE_SSL without any ALLOW_* flag).  The verify callback
 * tells us when it refused one, so a refused certificate (which retrying
 * cannot fix) is told apart from a network failure (which it can).
 */
#include "follow/ws.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#define RX_BUFFER 65536 /* bytes lws reads and hands over at a time */

enum state { ST_IDLE, ST_CONNECTING, ST_OPEN, ST_CLOSED };

struct licit_ws {
  struct lws_context *ctx;
  struct lws *wsi;
  enum state state;
  bool tls_refused;
  char why[512];      /* how the connection ended */
  char *ca_file;
  /* the message being received, and the whole messages queued: each entry
   * is [size_t len][size_t full_len][len bytes] */
  licit_buf cur;
  size_t cur_full;
  licit_buf q;
  size_t q_off;
  bool oom;
  lws_sorted_usec_list_t timer;
  bool timed_out;
  /* the URL being connected to (lws keeps pointers into it until the
   * handshake is sent) */
  char *url_copy;
  char hostport[300];
};

/* lws logs to stderr by default; licit reports what matters itself.  The
 * log level is process-wide in lws: set once. */
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void quiet_logs(void) { lws_set_log_level(0, NULL); }

static void set_why(licit_ws *ws, const char *fmt, const char *detail, size_t n) {
  if (ws->why[0]) return; /* the first reason is the one that matters */
  char d[256];
  if (n >= sizeof d) n = sizeof d - 1;
  memcpy(d, detail ? detail : "", detail ? n : 0);
  d[detail ? n : 0] = 0;
  snprintf(ws->why, sizeof ws->why, fmt, d);
}

static void finish_message(licit_ws *ws) {
  size_t len = ws->cur.len;
  if (licit_buf_reserve(&ws->q, 2 * sizeof(size_t) + len) != 0) {
    ws->oom = true;
  } else {
    memcpy(ws->q.data + ws->q.len, &len, sizeof len);
    memcpy(ws->q.data + ws->q.len + sizeof len, &ws->cur_full, sizeof ws->cur_full);
    if (len) memcpy(ws->q.data + ws->q.len + 2 * sizeof len, ws->cur.data, len);
    ws->q.len += 2 * sizeof len + len;
  }
  licit_buf_reset(&ws->cur);
  ws->cur_full = 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  (void)user;
  licit_ws *ws = lws_context_user(lws_get_context(wsi));
  if (!ws || (ws->wsi && wsi != ws->wsi && reason != LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION))
    return 0; /* a connection we dropped, still being torn down */
  switch (reason) {
  case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
    /* len is OpenSSL's preverify_ok: 0 when the chain or the name failed. */
    if (len == 0) ws->tls_refused = true;
    return 0;
  case LWS_CALLBACK_CLIENT_ESTABLISHED:
    ws->state = ST_OPEN;
    break;
  case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    set_why(ws, "connection failed: %s", in ? (const char *)in : "unknown error", in ? strlen(in) : 13);
    ws->state = ST_CLOSED;
    ws->wsi = NULL;
    break;
  case LWS_CALLBACK_CLIENT_RECEIVE: {
    size_t keep = ws->cur.len < LICIT_WS_MSG_MAX ? LICIT_WS_MSG_MAX - ws->cur.len : 0;
    if (keep > len) keep = len;
    if (keep && licit_buf_add(&ws->cur, in, keep) != 0) ws->oom = true;
    ws->cur_full += len;
    if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) finish_message(ws);
    break;
  }
  case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    set_why(ws, "the server closed the connection%s", "", 0);
    break;
  case LWS_CALLBACK_CLIENT_CLOSED:
    set_why(ws, "the connection was closed%s", "", 0);
    ws->state = ST_CLOSED;
    ws->wsi = NULL;
    break;
  case LWS_CALLBACK_WSI_DESTROY:
    if (ws->state != ST_CLOSED) {
      set_why(ws, "the connection ended%s", "", 0);
      ws->state = ST_CLOSED;
    }
    ws->wsi = NULL;
    break;
  default:
    break;
  }
  return 0;
}

static const struct lws_protocols protocols[] = {
    {"licit-jetstream", callback, 0, RX_BUFFER, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int licit_ws_url_parse(const char *url, licit_ws_url *out, licit_err *err) {
  memset(out, 0, sizeof *out);
  const char *p;
  if (strncmp(url, "ws://", 5) == 0) {
    p = url + 5;
  } else if (strncmp(url, "wss://", 6) == 0) {
    out->tls = true;
    p = url + 6;
  } else {
    return licit_err_set(err, LICIT_EINVAL, "%.200s: not a WebSocket URL (expected ws://HOST/... or wss://HOST/...)",
                         url);
  }
  for (const char *c = url; *c; c++)
    if ((unsigned char)*c <= 0x20 || *c == 0x7f)
      return licit_err_set(err, LICIT_EINVAL, "%.200s: a URL holds no spaces or control characters", url);
  const char *host = p, *host_end;
  if (*p == '[') {
    host = p + 1;
    host_end = strchr(host, ']');
    if (!host_end) return licit_err_set(err, LICIT_EINVAL, "%.200s: an IPv6 address in [...] lacks its ']'", url);
    p = host_end + 1;
  } else {
    while (*p && *p != ':' && *p != '/' && *p != '?' && *p != '#') p++;
    host_end = p;
  }
  size_t hn = (size_t)(host_end - host);
  if (hn == 0) return licit_err_set(err, LICIT_EINVAL, "%.200s: the URL names no host", url);
  if (hn >= sizeof out->host) return licit_err_set(err, LICIT_EINVAL, "%.200s: the host name is too long", url);
  if (memchr(host, '@', hn)) return licit_err_set(err, LICIT_EINVAL, "%.200s: user names in URLs are not supported", url);
  memcpy(out->host, host, hn);
  out->port = out->tls ? 443 : 80;
  out->default_port = true;
  if (*p == ':') {
    long port = 0;
    const char *d = ++p;
    while (*p >= '0' && *p <= '9' && port <= 65535) port = port * 10 + (*p++ - '0');
    if (p == d || port < 1 || port > 65535 || (*p && *p != '/' && *p != '?' && *p != '#'))
      return licit_err_set(err, LICIT_EINVAL, "%.200s: the port is not a number from 1 to 65535", url);
    out->port = (int)port;
    out->default_port = false;
  } else if (*p && *p != '/' && *p != '?' && *p != '#') {
    return licit_err_set(err, LICIT_EINVAL, "%.200s: unexpected '%c' after the host", url, *p);
  }
  if (*p == '#') return licit_err_set(err, LICIT_EINVAL, "%.200s: a WebSocket URL has no fragment (#...)", url);
  if (strchr(p, '#')) return licit_err_set(err, LICIT_EINVAL, "%.200s: a WebSocket URL has no fragment (#...)", url);
  out->path = p;
  return 0;
}

int licit_ws_create(const char *ca_file, licit_ws **out, licit_err *err) {
  pthread_once(&log_once, quiet_logs);
  licit_ws *ws = calloc(1, sizeof *ws);
  if (!ws) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  if (!ca_file) ca_file = getenv("SSL_CERT_FILE");
  if (!ca_file || !*ca_file) ca_file = SYSTEM_CA_FILE;
  ws->ca_file = strdup(ca_file);
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.client_ssl_ca_filepath = ws->ca_file;
  info.user = ws;
  info.fd_limit_per_thread = 16; /* one connection: not a table the size of ulimit -n */
  info.pt_serv_buf_size = RX_BUFFER;
  info.connect_timeout_secs = 20;
  if (ws->ca_file) ws->ctx = lws_create_context(&info);
  if (!ws->ctx) {
    free(ws->ca_file);
    free(ws);
    return licit_err_set(err, LICIT_EIO, "cannot set up the WebSocket client (TLS with the CA bundle %s)", ca_file);
  }
  *out = ws;
  return 0;
}

void licit_ws_destroy(licit_ws *ws) {
  if (!ws) return;
  lws_sul_cancel(&ws->timer);
  lws_context_destroy(ws->ctx);
  licit_buf_free(&ws->cur);
  licit_buf_free(&ws->q);
  free(ws->url_copy);
  free(ws->ca_file);
  free(ws);
}

void licit_ws_drop(licit_ws *ws) {
  if (ws->wsi) {
    struct lws *w = ws->wsi;
    ws->wsi = NULL;
    lws_set_timeout(w, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
  }
  ws->state = ST_CLOSED;
  licit_buf_reset(&ws->cur);
  licit_buf_reset(&ws->q);
  ws->q_off = 0;
  ws->cur_full = 0;
}

int licit_ws_connect(licit_ws *ws, const char *url, licit_err *err) {
  licit_ws_url u;
  int rc = licit_ws_url_parse(url, &u, err);
  if (rc) return rc;
  licit_ws_drop(ws);
  free(ws->url_copy);
  ws->url_copy = strdup(u.path[0] ? u.path : "/");
  if (!ws->url_copy) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  if (u.default_port) snprintf(ws->hostport, sizeof ws->hostport, "%s", u.host);
  else if (strchr(u.host, ':')) snprintf(ws->hostport, sizeof ws->hostport, "[%s]:%d", u.host, u.port);
  else snprintf(ws->hostport, sizeof ws->hostport, "%s:%d", u.host, u.port);
  ws->why[0] = 0;
  ws->tls_refused = false;
  ws->oom = false;
  struct lws_client_connect_info ci;
  memset(&ci, 0, sizeof ci);
  ci.context = ws->ctx;
  ci.address = u.host;
  ci.port = u.port;
  ci.path = ws->url_copy;
  ci.host = ws->hostport;
  ci.origin = ws->hostport;
  ci.ssl_connection = u.tls ? LCCSCF_USE_SSL : 0;
  ci.protocol = NULL; /* Jetstream names no subprotocol */
  ci.local_protocol_name = protocols[0].name;
  ci.pwsi = &ws->wsi;
  ws->state = ST_CONNECTING;
  if (!lws_client_connect_via_info(&ci)) {
    /* lws may already have called back with CONNECTION_ERROR. */
    set_why(ws, "connection failed: %s", "could not start", 14);
    ws->state = ST_CLOSED;
    ws->wsi = NULL;
    return licit_err_set(err, LICIT_EIO, "%s", ws->why);
  }
  return 0;
}

bool licit_ws_is_open(const licit_ws *ws) { return ws->state == ST_OPEN; }

static void timer_cb(lws_sorted_usec_list_t *sul) {
  licit_ws *ws = lws_container_of(sul, licit_ws, timer);
  ws->timed_out = true;
  /* lws runs ripe timers before it computes its poll wait, and then waits
   * for the next timer or 30 s: wake the poll so lws_service returns. */
  lws_cancel_service(ws->ctx);
}

/* The next queued message, if any. */
static bool pop(licit_ws *ws, const char **msg, size_t *len, size_t *full_len) {
  if (ws->q_off >= ws->q.len) {
    licit_buf_reset(&ws->q);
    ws->q_off = 0;
    return false;
  }
  memcpy(len, ws->q.data + ws->q_off, sizeof *len);
  memcpy(full_len, ws->q.data + ws->q_off + sizeof *len, sizeof *full_len);
  *msg = ws->q.data + ws->q_off + 2 * sizeof *len;
  ws->q_off += 2 * sizeof *len + *len;
  return true;
}

int licit_ws_next(licit_ws *ws, int timeout_ms, const char **msg, size_t *len, size_t *full_len, licit_err *err) {
  if (pop(ws, msg, len, full_len)) return LICIT_WS_MESSAGE;
  if (ws->state == ST_IDLE) {
    licit_err_set(err, LICIT_EIO, "not connected");
    return LICIT_WS_CLOSED;
  }
  ws->timed_out = false;
  lws_sul_schedule(ws->ctx, 0, &ws->timer, timer_cb, (lws_usec_t)timeout_ms * 1000);
  int ret = LICIT_WS_TIMEOUT;
  for (;;) {
    if (ws->oom) {
      ret = licit_err_set(err, LICIT_ENOMEM, "out of memory receiving a message");
      break;
    }
    if (pop(ws, msg, len, full_len)) {
      ret = LICIT_WS_MESSAGE;
      break;
    }
    if (ws->state == ST_CLOSED) {
      if (ws->tls_refused) {
        licit_err_set(err, LICIT_EIO, "the server's TLS certificate was refused (%s)",
                      ws->why[0] ? ws->why : "not trusted");
        ret = LICIT_WS_TLS_REFUSED;
      } else {
        licit_err_set(err, LICIT_EIO, "%s", ws->why[0] ? ws->why : "the connection ended");
        ret = LICIT_WS_CLOSED;
      }
      ws->state = ST_IDLE;
      break;
    }
    if (ws->timed_out) break;
    if (lws_service(ws->ctx, 0) < 0) {
      ret = licit_err_set(err, LICIT_EIO, "the WebSocket client failed");
      break;
    }
  }
  lws_sul_cancel(&ws->timer);
  return ret;
}
