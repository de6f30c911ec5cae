/*
 * licit.h — the public contract of the licit library.
 *
 * licit decides which posts of a platform may enter an AI-training corpus,
 * builds each corpus as an immutable snapshot, remembers which snapshot used
 * which post and explains every decision.  The data flows:
 *
 *   input formats -> events -> store (log + state) -> evaluation
 *                                                  -> snapshot / explain / report
 *
 * Which headers are the API (docs/architecture.md): this one (errors, time)
 * and the module headers under src/ that the command line and the server
 * use: store/store.h, ingest/ingest.h, ingest/rules.h, eval/eval.h,
 * eval/reason.h, policy/policy.h, event/event.h, report/explain.h,
 * snapshot/snapshot.h, notice/notice.h.  Headers ending in _int.h and the
 * functions named licit__* are internal to their folder.
 *
 * Conventions (every function follows them unless its comment says otherwise):
 *  - Fallible functions return int: 0 on success or a negative LICIT_E* code.
 *    Results go in out-parameters.  On failure a scalar or pointer
 *    out-parameter is left untouched; a result structure that has a _free
 *    function is left empty (already freed: calling _free again is safe).
 *  - Where a caller needs a sentence for a person, the function takes a
 *    `licit_err *`; it may be NULL.  The message names the file, line, field and
 *    what was expected, as far as the function knows them.
 *  - Strings are (pointer, length) pairs unless the name ends in _z; they are
 *    NOT NUL-terminated and may hold NUL bytes (post text may).
 *  - Times are int64 microseconds since 1970-01-01T00:00:00Z (UTC), proleptic
 *    Gregorian, so years 0001..9999 of the spec fit with room to spare.
 *  - Threading: a licit_store may be shared by threads.  A transaction, and
 *    everything read through it, belongs to the thread that began it, which
 *    holds at most one at a time; write transactions are serialised (LMDB
 *    allows one writer; a second waits).  Growing the store's map waits for
 *    the transactions open in the process (store_int.h, the map lock), so
 *    call licit_store_reserve with no transaction open in the calling
 *    thread.  Other objects (parsers, evaluations, ingest sessions) are used
 *    by one thread at a time; nothing keeps process-wide mutable state
 *    (tests/unit/test_threads.c runs under ThreadSanitizer).
 */
#ifndef LICIT_H
#define LICIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LICIT_VERSION "0.1.0"

/* ---------------------------------------------------------------- errors -- */

/* One table: the code's value never changes once released; its stable
 * lower-case name (the "code" of a JSON error object, in the CLI and the
 * server alike) and its message come from the same row. */
#define LICIT_ERRNO_MAP(X)                                                      \
  X(OK, 0, "ok", "success")                                                     \
  X(NOMEM, -1, "out_of_memory", "out of memory")                                \
  X(IO, -2, "io", "input/output error")                                         \
  X(STORE, -3, "store", "the store is damaged or cannot be used")               \
  X(USAGE, -4, "usage", "bad usage")                                            \
  X(POLICY, -5, "invalid_policy", "invalid policy")                             \
  X(INVAL, -6, "invalid", "invalid value")                                      \
  X(REJECT, -7, "rejected", "event rejected")                                   \
  X(NOTFOUND, -8, "not_found", "not found")                                     \
  X(EXISTS, -9, "exists", "already exists")                                     \
  X(NOPOLICY, -10, "no_policy", "no policy is installed")                       \
  X(TOOBIG, -11, "too_large", "too large")                                      \
  X(DUPLICATE, -12, "duplicate", "duplicate event id")                          \
  X(FULL, -13, "store_full", "the store is full")                               \
  X(INTERNAL, -14, "internal", "internal error")                                \
  X(NOSPACE, -15, "no_space", "no space left on the store's file system")       \
  X(NOSTORE, -16, "no_store", "no store at this path")

enum {
#define LICIT__ERR_ENUM(name, value, code, msg) LICIT_E##name = (value),
  LICIT_ERRNO_MAP(LICIT__ERR_ENUM)
#undef LICIT__ERR_ENUM
};

/* The symbolic name ("LICIT_EIO"), the stable lower-case code ("io") and
 * the message of a code; static strings ("LICIT_E?", "internal" and
 * "unknown error" for a value not in the table). */
const char *licit_strerror_name(int code);
const char *licit_strerror_code(int code);
const char *licit_strerror(int code);
/* The code for the errno of a failed write or allocation: a full file
 * system, a quota or a file size limit is LICIT_ENOSPACE, anything else
 * LICIT_EIO. */
int licit_errno_code(int e);

/* A message for a person.  `msg` is always NUL-terminated. */
typedef struct licit_err {
  int code;
  char msg[1024];
} licit_err;

/* Sets err (when not NULL) and returns `code`.  printf-style. */
int licit_err_set(licit_err *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ----------------------------------------------------------------- time -- */

#define LICIT_TIME_NONE INT64_MIN /* "no time": never set */

/* Parses an RFC 3339 date-time as SPEC section 2 says: YYYY-MM-DDTHH:MM:SS,
 * an optional fraction of 1-9 digits (truncated to microseconds), then Z or
 * +HH:MM / -HH:MM; T and Z may be lower case; second 60 and years outside
 * 0001-9999 are rejected.  On failure returns LICIT_EINVAL and, when `why` is
 * not NULL, sets it to a static phrase naming the problem. */
int licit_time_parse(const char *s, size_t n, int64_t *us_out, const char **why);

/* Writes `us` as RFC 3339 in UTC with Z and a 6-digit fraction only when it is
 * not zero ("2024-06-26T00:00:00Z").  `buf` needs LICIT_TIME_BUFSZ bytes;
 * returns the length written (NUL-terminated). */
#define LICIT_TIME_BUFSZ 40
size_t licit_time_format(int64_t us, char *buf);

/* The compact form used in default snapshot names: YYYYMMDDTHHMMSSZ (the
 * fraction is dropped). */
size_t licit_time_format_compact(int64_t us, char *buf);

/* Current wall-clock time, microseconds. */
int64_t licit_time_now(void);

/* Seconds on the monotonic clock, for intervals (progress, timers,
 * timeouts); never wall-clock time. */
double licit_time_mono(void);

/* Parses YYYY-MM-DD (a valid calendar date, years 0001-9999) into days since
 * 1970-01-01.  LICIT_EINVAL with `why` on failure. */
int licit_date_parse(const char *s, size_t n, int32_t *days_out, const char **why);
/* Writes a day number as YYYY-MM-DD (11 bytes with NUL). */
size_t licit_date_format(int32_t days, char *buf);

/* Breaks `us` (UTC) into civil fields. */
void licit_time_civil(int64_t us, int *year, int *month, int *day);
/* Civil date of a day number. */
void licit_date_civil(int32_t days, int *year, int *month, int *day);
/* The first instant (00:00 UTC) at which someone born on day `birth` is
 * `years` old (0 <= years <= 1000), the way licit counts age: born on
 * Feb 29, a common year's birthday is Mar 1.  Younger than `years` at
 * `us` exactly when us < licit_birthday_us(birth, years). */
int64_t licit_birthday_us(int32_t birth, int years);

#ifdef __cplusplus
}
#endif
#endif /* LICIT_H */
