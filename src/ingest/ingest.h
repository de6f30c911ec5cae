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

#include "event/event.h"
#include "store/store.h"

typedef struct licit_ingest_counts {
  uint64_t accepted, duplicates, rejected, skipped;
  uint64_t lines, bytes;
} licit_ingest_counts;

/* Where an adapter sends the native events it makes, and what it may ask
 * of the store while it works. */
typedef struct licit_sink licit_sink;

/* emit flags */
#define LICIT_EMIT_SKIP_UNKNOWN 1u /* an event naming an unknown post or user
                                      is skipped (counted), not rejected */

struct licit_sink {
  /* Applies one event: 0 when accepted, duplicate, rejected or skipped (all
   * counted by the ingest); < 0 only for a fatal error, which the adapter
   * must return. */
  int (*emit)(licit_sink *s, const licit_event *ev, unsigned flags);
  /* Whether the store (including this input so far) knows a post / user. */
  bool (*post_known)(licit_sink *s, const char *id, size_t n);
  bool (*user_known)(licit_sink *s, const char *id, size_t n);
  /* True (and counted as a duplicate) when an event with this id was
   * accepted before: for records that fail validation but carry an id. */
  bool (*is_duplicate)(licit_sink *s, const char *id, size_t n);
};

/* A source format: one module per format behind this small interface.
 * `create` makes the state for one input (region: the --region CC, or NULL).
 * `record` is called once per input line; it emits every native event the
 * line means (zero or more) and returns 0, LICIT_EINVAL with a message when
 * the record is malformed (the whole record is rejected), 1 when the record
 * carries nothing licit uses (counted as skipped), or a fatal error.
 *
 * Whole-file inputs (an archive, one big JSON document) are optional: a
 * format that has them sets `open_file` and `next_item`.  For every input
 * other than "-", ingest first calls open_file(state, path): 0 means "an
 * ordinary JSON Lines file", read line by line as usual; 1 means the adapter
 * has taken the file, and ingest then pulls its items with next_item and
 * hands each one to `record` exactly as if it were a line (same counts,
 * batches and rejects; the rejects file's "line" is the item's index);
 * an error (LICIT_EINVAL, LICIT_EIO, with err set naming the file) ends
 * the input like an I/O error.  next_item returns 1 with *item (len bytes,
 * valid until the next call) and *index, 0 after the last item, or an error. */
typedef struct licit_adapter {
  const char *name;
  int (*create)(void **state, const char *region);
  int (*record)(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err);
  void (*destroy)(void *state);
  int (*open_file)(void *state, const char *path, licit_err *err);                          /* or NULL */
  int (*next_item)(void *state, const char **item, size_t *len, uint64_t *index, licit_err *err); /* or NULL */
} licit_adapter;

/* The adapter for a --format name, or NULL. */
const licit_adapter *licit_adapter_find(const char *name);

typedef struct licit_ingest_opts {
  const char *format; /* "native" when NULL */
  const char *region; /* --region CC for adapters, or NULL */
  FILE *rejects;      /* each rejected line as a JSON object, or NULL */
  bool progress;      /* draw progress on stderr */
  size_t batch_events; /* commit after this many records (0: default 100000) */
} licit_ingest_opts;

/* Ingests one input: a path, or "-" for standard input.  Counts are added
 * to *counts.  Returns 0 when the input was read to its end (rejections are
 * counted, not errors), or an error (I/O, store) after which the events of
 * every committed batch stay in the store. */
int licit_ingest_path(licit_store *s, const char *path, const licit_ingest_opts *opts,
                      licit_ingest_counts *counts, licit_err *err);

#endif
