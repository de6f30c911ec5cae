/*
 * archive.h — whole-file ActivityPub inputs, read as a stream: a Mastodon
 * archive (.zip, through libarchive) or a bare outbox.json.  Internal to
 * src/adapters (activitypub.c is the caller).
 *
 * An outbox is one JSON document, an OrderedCollection whose `orderedItems`
 * array holds every activity.  The reader never holds the document: a small
 * tokenizer walks the top-level object in fixed-size chunks, skips every
 * other member, and yields each element of `orderedItems` as its raw bytes,
 * so memory is bounded by the largest activity (and that by LICIT_LINE_MAX:
 * of a longer element only the first bytes are kept), whatever the size of
 * the archive.  The tokenizer only finds boundaries (strings, escapes,
 * bracket depth); each element is then parsed on its own by the caller, so a
 * malformed or too deeply nested activity is that activity's problem, not
 * the file's.  Which member is streamed: the first top-level `orderedItems`
 * or `items` whose value is an array.
 *
 * Errors name the file (for an archive: "ARCHIVE.zip: outbox.json") and,
 * for a damaged document, the byte offset (from 0) where the reader stopped.
 * Threading: one reader per thread.
 */
#ifndef LICIT_ADAPTERS_ARCHIVE_H
#define LICIT_ADAPTERS_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "licit.h"

typedef struct licit__outbox licit__outbox;

/* A byte source: reads up to cap bytes into buf, sets *got (0 at the end)
 * and returns 0, or returns an error with err set. */
typedef int (*licit__read_fn)(void *ctx, char *buf, size_t cap, size_t *got, licit_err *err);

/* Opens path as an archive (zip true: its actor.json is read first, then
 * its outbox.json is streamed; the first member of each name at any depth)
 * or as a bare outbox.json, and reads the document up to the first element
 * of its items.  *out is the reader (licit__outbox_close it).  Errors:
 * LICIT_EIO (cannot open or read; a damaged zip), LICIT_EINVAL (no
 * outbox.json in the archive; a document that is not an object with an
 * `orderedItems` array, with a hint when it looks like JSON Lines),
 * LICIT_ENOMEM. */
int licit__outbox_open(const char *path, bool zip, licit__outbox **out, licit_err *err);

/* The same over any byte source, with `chunk` bytes per read (tests and the
 * fuzz target; `name` is used in messages).  The reader does not own ctx. */
int licit__outbox_from(licit__read_fn read, void *ctx, const char *name, size_t chunk, licit__outbox **out,
                       licit_err *err);

/* The archive's own account from its actor.json: its id and its followers
 * collection; NULL when there is no (readable) actor.json.  Valid until
 * close. */
const char *licit__outbox_actor(const licit__outbox *o);
const char *licit__outbox_followers(const licit__outbox *o);

/* The next element: returns 1 with *item (*len bytes, without surrounding
 * white space; valid until the next call), *full_len (its whole size: more
 * than *len when it was longer than LICIT_LINE_MAX and only its first bytes
 * were kept) and *index (from 0); 0 after the last element, once the rest
 * of the document was read and found well-formed; or LICIT_EINVAL (the
 * document is truncated or damaged: the message names the byte offset) /
 * LICIT_EIO. */
int licit__outbox_next(licit__outbox *o, const char **item, size_t *len, size_t *full_len, uint64_t *index,
                       licit_err *err);

void licit__outbox_close(licit__outbox *o);

#endif
