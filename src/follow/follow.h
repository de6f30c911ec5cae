/*
 * follow.h — following a live Bluesky Jetstream feed (SPEC section 10): the
 * library entry point behind `licit follow URL` and `licit serve --follow`.
 *
 * licit_follow_run connects to a Jetstream `/subscribe` WebSocket (ws:// or
 * wss://), hands every message to an ingest session of the `jetstream`
 * adapter (so accepted, duplicate, rejected and skipped count exactly as in
 * `ingest --format jetstream`), and commits at least once a second.  With
 * each commit it stores, in the same transaction, the feed's cursor: the
 * greatest time_us among the messages processed so far, kept per URL (the
 * URL without its `cursor` parameter; licit_cursor_get in store.h).  Every
 * (re)connect asks for that cursor minus 5 seconds; the replayed messages
 * are duplicates by id.  So a process killed at any moment resumes without a
 * gap and without a double.
 *
 * A dropped connection, a refused connection, or a feed silent for
 * opts->stall_s seconds is reconnected with exponential backoff: 0.5 s
 * doubling to 30 s, +-20 % jitter, back to 0.5 s once a connection has lasted
 * 30 s.  Frames that are not valid Jetstream JSON are rejected records (the
 * same messages as file ingest), never an error.
 *
 * Threading: the run belongs to the thread that calls it; it holds the
 * store's write transaction for at most about a second at a time (other
 * writers, such as the server's POST /v1/events, wait between commits).
 * `stop` and `stats` may be touched from any thread while it runs.  The
 * process should ignore SIGPIPE (as the CLI and a server do): a TLS write to
 * a connection the server closed raises it.  Several runs may share a
 * process (each has its own WebSocket context and ingest session), but the
 * store's one-writer rule makes them take turns at committing.
 */
#ifndef LICIT_FOLLOW_H
#define LICIT_FOLLOW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "licit.h"
#include "store/store.h"

typedef struct licit_follow_opts {
  const char *url;     /* ws:// or wss:// Jetstream URL (required) */
  const char *region;  /* --region CC: the region of accounts first seen, or NULL */
  double stall_s;      /* reconnect after this long without a message (0: 60) */
  const char *ca_file; /* PEM bundle of trusted CAs for wss:// (NULL:
                          $SSL_CERT_FILE, else the system's bundle) */
  bool progress;       /* draw messages/s and lag on stderr (a terminal) */
  FILE *rejects;       /* each rejected message as a JSON object, or NULL */
  /* Each rejected message is also passed here when set (n: the message's
   * number in this run, from 1).  Called on the run's thread. */
  void (*on_reject)(void *ctx, uint64_t n, const char *error);
  void *reject_ctx;
} licit_follow_opts;

/* Live figures of a run, for progress, /metrics and /healthz.  The caller
 * owns the struct, calls licit_follow_stats_init before the run starts and
 * may read the fields from any thread (atomic loads) while it runs and
 * after it returns.  Counts are of messages processed, committed or not. */
typedef struct licit_follow_stats {
  const char *url;                 /* opts->url (set by init) */
  _Atomic int64_t cursor;          /* greatest time_us processed; 0 before the first */
  _Atomic int64_t committed_cursor;/* the cursor as last committed to the store */
  _Atomic int64_t last_time_us;    /* time_us of the last message; 0 before the first */
  _Atomic int connected;           /* 1 while a WebSocket is open */
  _Atomic uint64_t messages;       /* frames received (garbage ones too) */
  _Atomic uint64_t accepted, duplicates, rejected, skipped; /* as ingest --json */
  _Atomic uint64_t reconnects;     /* connections opened after the first attempt */
  _Atomic uint64_t commits;
  _Atomic int64_t first_arrival_us, last_arrival_us; /* wall clock when the run's first
                                                         and last message arrived; 0 before */
} licit_follow_stats;

void licit_follow_stats_init(licit_follow_stats *st, const char *url);
/* Lag in seconds: now minus the last message's time_us; a negative value
 * when no message has arrived yet. */
double licit_follow_lag_s(const licit_follow_stats *st);

/* Follows opts->url until *stop becomes non-zero (set it from a signal
 * handler or another thread: the run notices within about 0.2 s, also while
 * it waits to reconnect), then commits what it processed and returns 0.
 * `stats` may be NULL.
 *
 * Errors (err says what and names the URL): LICIT_EINVAL for a URL that is
 * not ws:// or wss:// with a host; LICIT_EIO when the server's TLS
 * certificate is refused (not trusted, expired, another host's: retrying
 * would not help); store errors (LICIT_EIO, LICIT_ESTORE, LICIT_EFULL,
 * LICIT_ENOSPACE) from a commit, after which every earlier commit, cursor
 * included, is in the store; LICIT_ENOMEM.  Network failures are never
 * errors: they are retried. */
int licit_follow_run(licit_store *s, const licit_follow_opts *opts, atomic_int *stop, licit_follow_stats *stats,
                     licit_err *err);

/* The feed key of a URL, under which its cursor is stored: the URL with
 * every `cursor` query parameter removed.  *cursor (when not NULL) is the
 * value of the last `cursor` parameter, or -1 when there is none.  Returns 0,
 * or LICIT_EINVAL (with err) when the URL is not ws:// or wss:// with a host;
 * LICIT_ENOMEM.  The key goes into `key` (reset first). */
int licit_follow_feed_key(const char *url, licit_buf *key, int64_t *cursor, licit_err *err);

#endif
