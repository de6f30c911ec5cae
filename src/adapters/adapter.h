/*
 * adapter.h — the seam between input formats and the ingest: what a source
 * format implements (licit_adapter) and what it may ask of the ingest while
 * it works (licit_sink).  One module per format in src/adapters/, listed in
 * src/adapters/adapters.c; docs/adapters.md says how each maps its records.
 *
 * Threading: an adapter's state belongs to one input and one thread; the
 * adapter table and the functions in it are shared and hold no state.
 */
#ifndef LICIT_ADAPTER_H
#define LICIT_ADAPTER_H

#include "event/event.h"

/* Where an adapter sends the native events it makes, and what it may ask
 * of the store while it works. */
typedef struct licit_sink licit_sink;

/* emit flags */
#define LICIT_EMIT_SKIP_UNKNOWN 1u /* an event naming an unknown post or user
                                      is skipped (counted), not rejected */

struct licit_sink {
  /* Applies one event: 0 when accepted, duplicate, rejected or skipped (all
   * counted by the ingest); < 0 only for a fatal error, which the adapter
   * must return.  The event's strings need to live only for the call. */
  int (*emit)(licit_sink *s, const licit_event *ev, unsigned flags);
  /* Whether the store (including this input so far) knows a user: 1 or 0,
   * or a store error (< 0), which the adapter must return: an error is
   * never taken for "not known". */
  int (*user_known)(licit_sink *s, const char *id, size_t n);
  /* 1 (and counted as a duplicate) when an event with this id was accepted
   * before, 0 when not, or a store error (< 0): for records that fail
   * validation but carry an id. */
  int (*is_duplicate)(licit_sink *s, const char *id, size_t n);
  /* Who wrote a post the store (including this input so far) holds:
   * LICIT_SINK_AUTHOR when `user` did, LICIT_SINK_OTHER when another
   * account did, LICIT_SINK_UNKNOWN when there is no such post, or a store
   * error (< 0), which the adapter must return.  NULL: not asked (every
   * post counts as unknown). */
  int (*post_author)(licit_sink *s, const char *post, size_t pn, const char *user, size_t un);
};
enum { LICIT_SINK_OTHER = 0, LICIT_SINK_AUTHOR = 1, LICIT_SINK_UNKNOWN = 2 };

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
 * the input like an I/O error.  next_item returns 1 with *item (*len bytes,
 * valid until the next call), *full_len (the item's whole size: more than
 * *len only for an item longer than LICIT_LINE_MAX, of which the adapter
 * keeps the first bytes; ingest rejects it as it does an over-long line,
 * without calling `record`) and *index; 0 after the last item; or an error. */
typedef struct licit_adapter {
  const char *name;
  int (*create)(void **state, const char *region);
  int (*record)(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err);
  void (*destroy)(void *state);
  int (*open_file)(void *state, const char *path, licit_err *err); /* or NULL */
  int (*next_item)(void *state, const char **item, size_t *len, size_t *full_len, uint64_t *index,
                   licit_err *err); /* or NULL */
} licit_adapter;

/* The adapter for a --format name ("native" when NULL), or NULL. */
const licit_adapter *licit_adapter_find(const char *name);

/* The native format's second half (native.c): what a record whose parse
 * gave `parse_rc` (0, or the parser's error with its message in err) does
 * to the sink.  The ingest's pipeline parses on one thread and calls this
 * on the applying thread; the native adapter's record() is parse + this. */
int licit__native_finish(licit_sink *sink, int parse_rc, const licit_event *ev, licit_err *err);

#endif
