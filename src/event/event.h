/*
 * event.h — licit's native events: the validated, format-independent form of
 * one content event, its JSON Lines parser (SPEC section 2, the rules that do
 * not depend on the store) and its compact binary encoding for the log.
 *
 * Every input format ends here: adapters fill a licit_event and hand it to
 * the same ingest path as native lines.
 */
#ifndef LICIT_EVENT_H
#define LICIT_EVENT_H

#include <string.h>

#include "core/buf.h"
#include "licit.h"

typedef enum licit_event_type {
  LICIT_EV_NONE = 0,
  LICIT_EV_POST = 1,
  LICIT_EV_EDIT = 2,
  LICIT_EV_VISIBILITY = 3,
  LICIT_EV_DELETE = 4,
  LICIT_EV_ACCOUNT = 5,
  LICIT_EV_PREFERENCE = 6,
  LICIT_EV_ACCOUNT_DELETE = 7,
  LICIT_EV_LINK = 8,
  LICIT_EV_UNLINK = 9,
} licit_event_type;
#define LICIT_EV_TYPE_MAX LICIT_EV_UNLINK

typedef enum licit_vis {
  LICIT_VIS_PUBLIC = 0,
  LICIT_VIS_UNLISTED = 1,
  LICIT_VIS_FOLLOWERS = 2,
  LICIT_VIS_PRIVATE = 3,
} licit_vis;

typedef enum licit_pref {
  LICIT_PREF_UNSET = 0,
  LICIT_PREF_ALLOW = 1,
  LICIT_PREF_DENY = 2,
} licit_pref;

#define LICIT_ID_MAX 256              /* post, user and id strings, bytes */
#define LICIT_TEXT_MAX 1048576        /* text, bytes of UTF-8 */
#define LICIT_LINE_MAX (2u << 20)     /* one input line, bytes (2 MiB) */
#define LICIT_SIGNALS_MAX 64          /* signals of one event */
#define LICIT_SIGNAL_MAX 256          /* bytes of one signal token */
#define LICIT_MENTIONS_MAX 1000       /* mentions of one event */

typedef struct licit_strv {
  const char *p;
  size_t n;
} licit_strv;

/* The order of ids wherever they are sorted: bytewise, the shorter first
 * when one begins the other.  It is LMDB's default order of the store's id
 * keys, and the order digests and snapshot documents follow. */
static inline int licit_id_cmp(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  return c ? c : (an > bn) - (an < bn);
}

/* An id's first 8 bytes, big-endian and zero-padded: two ids whose
 * prefixes differ are in licit_id_cmp's order of their prefixes, so a sort
 * compares prefixes first and the ids only on a tie. */
static inline uint64_t licit_id_prefix(const char *p, size_t n) {
  uint64_t pre = 0;
  for (size_t j = 0; j < 8; j++) pre = pre << 8 | (j < n ? (unsigned char)p[j] : 0);
  return pre;
}

/* One event.  Strings point into memory owned by whoever filled the event
 * (the parser, a decoded log record, an adapter) and live as long as it. */
typedef struct licit_event {
  licit_event_type type;
  int64_t ts;
  licit_strv id; /* n == 0: no id */
  licit_strv post;
  licit_strv user;
  licit_strv text; /* post: default ""; edit: required */
  licit_strv kind; /* post: default "post" */
  licit_strv lang; /* n == 0 with has_lang false: unknown */
  bool has_lang, has_signals, has_region, has_private, has_birth_date;
  uint8_t visibility; /* licit_vis */
  uint8_t ai_training; /* licit_pref */
  bool private_;
  char region[2]; /* region[0] == 0: "" (unknown) */
  int32_t birth_date; /* days since 1970-01-01 */
  size_t n_signals;
  licit_strv *signals; /* distinct, in first-seen order */
  /* post: the post this one replies to (n == 0: none; never the post itself). */
  licit_strv parent;
  /* post, edit: the accounts mentioned, as given (repeats allowed); an edit
   * without has_mentions keeps the post's mentions, one with [] clears them. */
  bool has_mentions;
  size_t n_mentions;
  licit_strv *mentions;
  const void *mentions_enc; /* decoded records only: see licit_event_mention */
  /* link, unlink: the other account (never equal to user). */
  licit_strv with;
  /* Set by the ingest, not by any input: the text reads like a chain
   * opt-out notice (notice/notice.h).  Kept with the text version so that
   * report need not re-read every text. */
  bool optout_notice;
  /* Set by the ingest's parsing thread, not by any input: text_sha is the
   * SHA-256 of text, computed there so that the applying thread need not. */
  bool text_sha_set;
  unsigned char text_sha[32];
  /* Set by the ingest's parsing thread: the event's log record
   * (licit_event_encode of this very event), or NULL. */
  const void *log_enc;
  size_t log_enc_n;
} licit_event;

const char *licit_event_type_name(licit_event_type t);
const char *licit_vis_name(int v);
const char *licit_pref_name(int p);
/* Parses a visibility / preference word; -1 when unknown. */
int licit_vis_parse(const char *s, size_t n);
int licit_pref_parse(const char *s, size_t n);

/* The native JSON Lines parser.  Reuse one per input; not thread-safe. */
typedef struct licit_event_parser licit_event_parser;

int licit_event_parser_create(licit_event_parser **out);
void licit_event_parser_destroy(licit_event_parser *p);

/* Parses and validates one line (without its line terminator; a trailing
 * '\r' is allowed).  On success *ev is filled with strings that stay valid
 * until the next call on this parser.  On failure returns LICIT_EINVAL (or
 * LICIT_ETOOBIG for an over-long line) and err says which field and what was
 * expected; when the line was a JSON object with a valid "id", ev->id is
 * set even then (a known id makes the line a duplicate, whatever else it
 * holds).  Blank lines are the caller's business (licit_line_is_blank). */
int licit_event_parse(licit_event_parser *p, const char *line, size_t len, licit_event *ev,
                      licit_err *err);

/* True when the line holds only spaces, tabs and a carriage return. */
bool licit_line_is_blank(const char *line, size_t len);

/* Checks the field rules that do not depend on JSON (used by adapters too):
 * id/post/user strings 1-256 bytes without control characters, text size,
 * region format.  LICIT_EINVAL with a message naming the field. */
int licit_event_check(const licit_event *ev, licit_err *err);
/* SPEC 2's defaults of fields not given: a post's text "" and kind "post"
 * (every reader of events applies them: the native parser, the adapters). */
void licit_event_defaults(licit_event *ev);
/* Could `p` (n bytes) be an id (SPEC 2: 1-256 bytes of UTF-8, no control
 * character)?  0, or LICIT_EINVAL with a message naming `what`. */
int licit_id_check(const char *what, const char *p, size_t n, licit_err *err);
/* A value shown in a message: its first bytes (cap - 4 at most, then
 * "..."), control characters and quotes as '?'. */
void licit_excerpt(char *dst, size_t cap, licit_strv s);

/* Binary encoding for the log (native byte order: a store is not portable
 * across machines of different endianness).  Replaces out's contents. */
int licit_event_encode(const licit_event *ev, licit_buf *out);
/* Decodes a record; strings point into `rec`; `sigbuf` must have room for
 * `sigcap` signals (extra signals are counted in n_signals but not stored
 * when it is short; pass NULL/0 to skip them).  Mentions are not decoded
 * into an array (ev->mentions is NULL, n_mentions their number); use
 * licit_event_mention to read them.  LICIT_ESTORE when damaged. */
int licit_event_decode(const void *rec, size_t len, licit_event *ev, licit_strv *sigbuf,
                       size_t sigcap);
/* The i-th mention of a decoded record (i < ev->n_mentions); LICIT_ESTORE
 * when damaged.  The string points into the record. */
int licit_event_mention(const licit_event *ev, size_t i, licit_strv *out);

#endif
