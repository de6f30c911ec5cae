/*
 * ingest.h — appending a stream of source records to the store.
 *
 * The ingest reads its input as lines in bounded memory (one line is at most
 * 2 MiB; a longer one is rejected without being held), turns each line into
 * native events through an adapter (native JSON Lines, or a platform format),
 * applies them with licit_rules_apply (rules.h) and commits in batches.  A batch is
 * one LMDB transaction: a process killed at any moment leaves the store at
 * the end of the last committed batch, a prefix of the accepted events.
 */
#ifndef LICIT_INGEST_H
#define LICIT_INGEST_H

#include "adapters/adapter.h"
#include "event/event.h"
#include "store/store.h"

typedef struct licit_ingest_counts {
  uint64_t accepted, duplicates, rejected, skipped;
  uint64_t lines, bytes;
} licit_ingest_counts;

/* Whether several records came and not one was taken (accepted, a
 * duplicate or skipped): most often the wrong format for the input, which
 * `licit ingest` and POST /v1/events then say. */
bool licit_ingest_nothing_taken(const licit_ingest_counts *n);

typedef struct licit_ingest_opts {
  const licit_adapter *adapter; /* the input format; NULL: the one named by `format` */
  const char *format;           /* a --format name, used when adapter is NULL ("native" when NULL too) */
  const char *region; /* --region CC for adapters, or NULL */
  FILE *rejects;      /* each rejected line as a JSON object, or NULL */
  bool progress;      /* draw progress on stderr */
  size_t batch_events; /* commit after this many records (0: default 100000) */
  /* Sessions (below): each rejected record is also passed here (line: the
   * record's number in the session, from 1), when set. */
  void (*on_reject)(void *ctx, uint64_t line, const char *error);
  void *reject_ctx;
  /* Sessions: 0 commits in batches as a file ingest does (and whenever the
   * caller asks); otherwise the whole session is one transaction, committed
   * only by licit_ingest_commit, with room reserved for this many bytes of
   * input (a record that would go beyond it fails with LICIT_ETOOBIG). */
  size_t one_txn_bytes;
  /* With one_txn_bytes: when the disk has no room for that many, the room
   * reserved halves down to this many (0: never less than one_txn_bytes);
   * licit_ingest_room says how much input the transaction still takes, and
   * the caller commits before it runs out (the live follower). */
  size_t one_txn_min;
  /* Files in the native format are parsed on a second thread while this one
   * applies (ingest.c, the pipeline); true keeps everything on one thread
   * (the same result: for comparisons and tests). */
  bool no_pipeline;
} licit_ingest_opts;

/* Ingests one input: a path, or "-" for standard input.  Counts are added
 * to *counts.  Returns 0 when the input was read to its end (rejections are
 * counted, not errors), or an error (I/O, store) after which the events of
 * every committed batch stay in the store. */
int licit_ingest_path(licit_store *s, const char *path, const licit_ingest_opts *opts,
                      licit_ingest_counts *counts, licit_err *err);

/* A session: records handed over one at a time from memory, for inputs that
 * are not files (the server's POST /v1/events, the live follower).  Records
 * go through the same adapter, rules and batches as licit_ingest_path;
 * `source` names the input in rejects.  opts and counts must outlive the
 * session.  One thread uses a session; the store's one-writer rule holds
 * (a second session's transaction waits for the first's commit).
 *
 * licit_ingest_open: LICIT_EUSAGE for an unknown format, LICIT_ENOMEM.
 * licit_ingest_record: one record (a line without its terminator); 0 when it
 *   was counted (accepted, duplicate, rejected or skipped), else a fatal
 *   error (I/O, store, full disk; with err) after which only close is valid.
 * licit_ingest_txn: the open write transaction (begun when none is), for
 *   state that must commit with the records (a follower's cursor); NULL and
 *   err set on failure.
 * licit_ingest_commit: commits what was applied (a no-op when nothing was);
 *   the events are durable when it returns 0.
 * licit_ingest_close: aborts what was not committed, frees the session. */
typedef struct licit_ingest licit_ingest;
int licit_ingest_open(licit_store *s, const licit_ingest_opts *opts, const char *source, licit_ingest_counts *counts,
                      licit_ingest **out, licit_err *err);
int licit_ingest_record(licit_ingest *in, const char *rec, size_t len, licit_err *err);
/* The same for a record of which only the first len of full_len bytes were
 * kept (one longer than the 2 MiB limit: rejected with its real length). */
int licit_ingest_record_cut(licit_ingest *in, const char *rec, size_t len, size_t full_len, licit_err *err);
/* Bytes of input the open one-transaction session still has room for
 * (one_txn_bytes when no transaction is open). */
size_t licit_ingest_room(const licit_ingest *in);
licit_txn *licit_ingest_txn(licit_ingest *in, licit_err *err);
int licit_ingest_commit(licit_ingest *in, licit_err *err);
void licit_ingest_close(licit_ingest *in);

#endif
