/*
 * json.h — licit's one door to a JSON library (reading) and its own writer.
 *
 * Reading: a strict RFC 8259 parser behind a small value API.  Strict means
 * what SPEC section 2 needs: invalid UTF-8, unpaired surrogate escapes,
 * NaN/Infinity and a key repeated within one object are errors; "\u0000" is
 * kept (strings carry a length).  Only json.c includes the library (jansson,
 * chosen by measurement: docs/json-parser.md).
 *
 * Writing: licit_jw appends JSON text to a licit_buf with exact, stable
 * escaping, so snapshot documents are byte-reproducible whatever the library.
 */
#ifndef LICIT_JSON_H
#define LICIT_JSON_H

#include "core/buf.h"
#include "licit.h"

typedef struct licit_json licit_json; /* a parsed value; opaque */

typedef enum licit_json_type {
  LICIT_JSON_NULL,
  LICIT_JSON_BOOL,
  LICIT_JSON_INT,
  LICIT_JSON_REAL,
  LICIT_JSON_STRING,
  LICIT_JSON_ARRAY,
  LICIT_JSON_OBJECT,
} licit_json_type;

/* Parses buf[0..len) as one JSON text (any value at the top).  On success
 * *out owns the tree: free it with licit_json_free.  On failure returns
 * LICIT_EINVAL and, when err is given, a message; *line and *col (1-based,
 * either may be NULL) say where. */
int licit_json_parse(const char *buf, size_t len, licit_json **out, int *line, int *col,
                     licit_err *err);
/* licit_json_parse_opts flags (or'ed; 0 is licit_json_parse's strictness). */
#define LICIT_JSON_NUMBERS_REAL 1u  /* every number is read as a real */
#define LICIT_JSON_NUMBERS_CLAMP 2u /* a number out of range does not fail the
                                       parse: an integer beyond 64 bits is read
                                       as a real, a number beyond a double's
                                       range as the largest double of its sign */
#define LICIT_JSON_KEYS_REPEAT 4u   /* a key repeated within an object is
                                       allowed; the last value wins */
/* As licit_json_parse (without the position out-parameters), as the flags
 * say.  The other strictness (UTF-8, surrogates, NaN/Infinity, the grammar)
 * stays.  NUMBERS_CLAMP is for inputs whose unknown fields may hold any
 * number (a source event must not be rejected for a field licit does not
 * read); a caller that reads a number and gets a real where it wants an
 * integer says what is wrong with it. */
int licit_json_parse_opts(const char *buf, size_t len, unsigned flags, licit_json **out, licit_err *err);
/* licit_json_parse_opts with NUMBERS_REAL | NUMBERS_CLAMP: for records with
 * no numeric field at all (ActivityPub activities). */
int licit_json_parse_lenient_numbers(const char *buf, size_t len, licit_json **out, licit_err *err);
/* licit_json_parse_opts with NUMBERS_REAL | NUMBERS_CLAMP | KEYS_REPEAT: for
 * what real exporters write with such oddities (the activities of a Mastodon
 * archive's outbox.json, its actor.json); event lines are always parsed with
 * repeated keys rejected. */
int licit_json_parse_lenient(const char *buf, size_t len, licit_json **out, licit_err *err);
void licit_json_free(licit_json *v);

licit_json_type licit_json_typeof(const licit_json *v);
/* A human name for a type: "string", "object", ... */
const char *licit_json_type_name(licit_json_type t);

/* Object member by key, or NULL.  The member is owned by its object. */
licit_json *licit_json_get(const licit_json *obj, const char *key);
size_t licit_json_object_size(const licit_json *obj);
/* Iteration over an object in document order: start with it = NULL; returns
 * the next iterator (NULL at the end) and sets key and val. */
void *licit_json_object_next(const licit_json *obj, void *it, const char **key, licit_json **val);

/* String bytes (may contain NUL) and length; valid while the tree lives. */
const char *licit_json_str(const licit_json *v, size_t *len);
bool licit_json_bool(const licit_json *v);
int64_t licit_json_int(const licit_json *v);
/* The value of a number (an integer or a real) as a double. */
double licit_json_real(const licit_json *v);
size_t licit_json_array_size(const licit_json *v);
licit_json *licit_json_array_get(const licit_json *v, size_t i);

/* Appends v as compact JSON (keys in document order) to b. */
int licit_json_dump(const licit_json *v, licit_buf *b);

/* ----------------------------------------------------------- writer -- */

/* Appends a JSON string literal for s[0..n) with exact escaping: " \\ and
 * control characters are escaped (\n \r \t \b \f, others \u00XX), everything
 * else is copied.  Invalid UTF-8 bytes become U+FFFD so the output is always
 * valid JSON (inputs licit accepted are valid UTF-8 already). */
int licit_jw_str(licit_buf *b, const char *s, size_t n);
int licit_jw_strz(licit_buf *b, const char *s);
/* Appends a key and colon:  "key": */
int licit_jw_key(licit_buf *b, const char *key);
int licit_jw_time(licit_buf *b, int64_t us); /* an RFC 3339 UTC string */

#endif
