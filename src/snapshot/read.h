/*
 * read.h — reading a snapshot's part files: the zstd stream decompressed
 * into lines, while the compressed bytes are hashed, in one pass and in
 * bounded memory (the whole corpus is never held).  With snapshot.c, the
 * only module that includes zstd.h.
 */
#ifndef LICIT_SNAPSHOT_READ_H
#define LICIT_SNAPSHOT_READ_H

#include <stdint.h>

#include "core/buf.h"
#include "licit.h"

#define LICIT_PART_LINE_MAX ((size_t)64 << 20) /* longer lines are an error */

typedef struct licit_part_reader licit_part_reader;

/* Opens a part file.  LICIT_EIO (with the path and the system's reason)
 * when it cannot be opened. */
int licit_part_reader_open(const char *path, licit_part_reader **out, licit_err *err);
/* The next line without its "\n" (valid until the next call): 1, 0 at the
 * end, LICIT_EIO when the file cannot be read, LICIT_EINVAL when the
 * stream is not valid zstd, is cut short, has a line over
 * LICIT_PART_LINE_MAX or does not end in "\n".  After an error, call
 * licit_part_reader_finish. */
int licit_part_reader_line(licit_part_reader *r, const char **line, size_t *n, licit_err *err);
/* Reads (and hashes) whatever is left of the file, then gives the SHA-256
 * of the whole compressed file.  0 or LICIT_EIO. */
int licit_part_reader_finish(licit_part_reader *r, uint8_t sha[32], licit_err *err);
/* Compressed and decompressed bytes so far. */
void licit_part_reader_bytes(const licit_part_reader *r, uint64_t *compressed, uint64_t *raw);
void licit_part_reader_close(licit_part_reader *r);

#endif
