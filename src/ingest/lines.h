/*
 * lines.h — reading an input as lines in bounded memory.
 *
 * A line is at most LICIT_LINE_MAX bytes (SPEC 2).  A longer one is not
 * held: its first LICIT_LINE_EXCERPT bytes are kept (for the rejects file)
 * and the rest is dropped as it streams, so memory stays at about
 * LICIT_LINE_MAX + 2 MiB whatever the input.  Not thread-safe per reader.
 */
#ifndef LICIT_LINES_H
#define LICIT_LINES_H

#include <stdint.h>
#include <stdio.h>

#include "licit.h"

#define LICIT_LINE_EXCERPT 4096 /* bytes of an over-long line that are kept */

typedef struct licit_lines licit_lines;

/* A reader over `in` (not closed by the reader).  LICIT_ENOMEM. */
int licit_lines_open(FILE *in, licit_lines **out);
/* The next line: 1 with *line (len bytes, without the '\n'; a '\r' before
 * it is kept; valid until the next call) and *full_len, the line's real
 * length.  The limit does not count a '\r' ending (SPEC 2): a line longer
 * than LICIT_LINE_MAX without it is over-long, *line holds only its first
 * bytes (len <= LICIT_LINE_EXCERPT, len != full_len) and *full_len is its
 * length without the '\r'.  A last line without '\n' counts.
 * 0 at the end of the input; LICIT_EIO on a read error (errno says why). */
int licit_lines_next(licit_lines *r, const char **line, size_t *len, size_t *full_len);
/* Bytes of input consumed by the lines returned so far (terminators too). */
uint64_t licit_lines_bytes(const licit_lines *r);
void licit_lines_close(licit_lines *r);

#endif
