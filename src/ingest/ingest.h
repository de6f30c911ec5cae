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
