/*
 * archive.c — streaming whole-file ActivityPub inputs (see archive.h).
 *
 * The only module that includes libarchive.
 *
 * The tokenizer knows just enough JSON to find boundaries: white space,
 * strings (a backslash escapes the next byte), and the depth of brackets.
 * Outside the items array it checks the top-level object's grammar (member
 * names, ':' and ',', one document and nothing after it); inside, an element
 * runs from its first byte to the ',' or ']' that ends it at depth 0, and
 * its bytes are the caller's to parse.  Brackets are counted, not matched:
 * an element such as {"a":1] is handed over as it is and rejected by the
 * parser, and the walk goes on.  A member named with escapes
 * ("ordered\u0049tems") is decoded before it is compared.
 */
#include "adapters/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "event/event.h"
#include "json/json.h"

#define CHUNK (1u << 16)         /* bytes per read */
#define ACTOR_MAX (16u << 20)    /* bytes of actor.json kept; a larger one is ignored */
#define KEY_MAX 64               /* bytes of a member name kept (longer ones match nothing) */
#define ITEM_KEEP (LICIT_LINE_MAX + 1) /* bytes of one element kept */

enum { ST_BEFORE, ST_ITEMS_FIRST, ST_ITEMS_NEXT, ST_AFTER, ST_DONE };

struct licit__outbox {
  licit__read_fn read;
  void *ctx;
  FILE *f;            /* owned sources: a bare outbox.json */
  struct archive *ar; /* or the archive positioned at its outbox.json */
  char *name;         /* for messages */
  char *actor, *followers;
  char *chunk;
  size_t cap, pos, end;
  uint64_t base; /* offset of chunk[0] in the document */
  bool eof;
  int state;
  bool after_value, need_member, streamed;
  uint64_t index;
  licit_buf item;
  char key[KEY_MAX];
  size_t key_len; /* > KEY_MAX: longer than kept */
  bool key_esc;   /* the name has escapes */
};

static uint64_t offset(const licit__outbox *o) { return o->base + o->pos; }

/* Makes o->pos < o->end, unless the document has ended (o->eof). */
static int more(licit__outbox *o, licit_err *err) {
  if (o->pos < o->end || o->eof) return 0;
  o->base += o->end;
  o->pos = o->end = 0;
  size_t got = 0;
  int rc = o->read(o->ctx, o->chunk, o->cap, &got, err);
  if (rc) return rc;
  if (got == 0) o->eof = true;
  o->end = got;
  return 0;
}

static bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Skips white space; *c is the next byte (not consumed), or -1 at the end. */
static int skip_ws(licit__outbox *o, int *c, licit_err *err) {
  for (;;) {
    int rc = more(o, err);
    if (rc) return rc;
    if (o->pos == o->end) {
      *c = -1;
      return 0;
    }
    unsigned char b = (unsigned char)o->chunk[o->pos];
    if (!is_ws(b)) {
      *c = b;
      return 0;
    }
    o->pos++;
  }
}

/* Where the reader is, for messages. */
static const char *where(const licit__outbox *o, char *buf, size_t n) {
  if (o->state == ST_ITEMS_FIRST || o->state == ST_ITEMS_NEXT)
    snprintf(buf, n, "inside orderedItems, at item %llu", (unsigned long long)o->index);
  else
    snprintf(buf, n, "%s orderedItems", o->state == ST_BEFORE ? "before" : "after");
  return buf;
}

static int truncated(licit__outbox *o, licit_err *err) {
  char w[64];
  return licit_err_set(err, LICIT_EINVAL, "%s: truncated: the document ends at byte offset %llu, %s", o->name,
                       (unsigned long long)offset(o), where(o, w, sizeof w));
}

static int damaged(licit__outbox *o, int c, const char *expected, licit_err *err) {
  if (c < 0) return truncated(o, err);
  char got[16], w[64];
  if (c >= 0x20 && c < 0x7f) snprintf(got, sizeof got, "'%c'", c);
  else snprintf(got, sizeof got, "byte 0x%02x", (unsigned)c);
  return licit_err_set(err, LICIT_EINVAL, "%s: not valid JSON at byte offset %llu (%s): expected %s, got %s", o->name,
                       (unsigned long long)offset(o), where(o, w, sizeof w), expected, got);
}

static int not_collection(licit__outbox *o, licit_err *err) {
  return licit_err_set(err, LICIT_EINVAL,
                       "%s: not an ActivityStreams OrderedCollection: expected an object with an \"orderedItems\" "
                       "array",
                       o->name);
}

/* Reads one value from its first byte (the current one, not white space)
 * to, not including, the ',', ']' or '}' that ends it at depth 0.  With
 * `keep`, its bytes are appended (up to ITEM_KEEP of them) without trailing
 * white space; *full is its size. */
static int scan_value(licit__outbox *o, licit_buf *keep, uint64_t *full, licit_err *err) {
  uint64_t depth = 0, n = 0, trail = 0;
  bool in_str = false, esc = false;
  bool any = false, ended = false; /* a value has begun; it has ended (only ',' ']' '}' may follow) */
  for (;;) {
    int rc = more(o, err);
    if (rc) return rc;
    if (o->pos == o->end) return truncated(o, err);
    size_t i = o->pos;
    bool done = false;
    for (; i < o->end; i++) {
      unsigned char c = (unsigned char)o->chunk[i];
      if (in_str) {
        trail = 0;
        if (esc) esc = false;
        else if (c == '\\') esc = true;
        else if (c == '"') in_str = false, ended = depth == 0;
        continue;
      }
      if (is_ws(c)) {
        trail++;
        if (depth == 0 && any) ended = true;
        continue;
      }
      if (depth == 0 && c != '}' && c != ']' && c != ',') {
        /* Two values with no ',' between them: the document is damaged
         * (it used to read them as one, misnumbering the rest). */
        if (ended) {
          o->pos = i;
          return damaged(o, c, "',' or ']' after a value", err);
        }
        any = true;
      }
      if (c == '"') {
        in_str = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']' || c == ',') {
        if (depth == 0) {
          done = true;
          break;
        }
        if (c != ',' && --depth == 0) ended = true;
      }
      trail = 0;
    }
    size_t span = i - o->pos;
    if (keep && keep->len < ITEM_KEEP) {
      size_t take = span < ITEM_KEEP - keep->len ? span : ITEM_KEEP - keep->len;
      if ((rc = licit_buf_add(keep, o->chunk + o->pos, take))) return rc;
    }
    n += span;
    o->pos = i;
    if (done) break;
  }
  if (n == trail) return damaged(o, (unsigned char)o->chunk[o->pos], "a value", err);
  n -= trail;
  if (keep && keep->len > n) keep->len = n; /* drop the trailing white space */
  if (keep && keep->data) keep->data[keep->len] = 0;
  *full = n;
  return 0;
}

/* Reads a member name (the current byte is its opening quote) into o->key. */
static int read_key(licit__outbox *o, licit_err *err) {
  o->pos++;
  o->key_len = 0;
  o->key_esc = false;
  bool esc = false;
  for (;;) {
    int rc = more(o, err);
    if (rc) return rc;
    if (o->pos == o->end) return truncated(o, err);
    char c = o->chunk[o->pos++];
    if (!esc && c == '"') return 0;
    if (esc) esc = false;
    else if (c == '\\') esc = o->key_esc = true;
    if (o->key_len < KEY_MAX) o->key[o->key_len] = c;
    if (o->key_len <= KEY_MAX) o->key_len++;
  }
}

static bool key_is(const licit__outbox *o, const char *name) {
  size_t n = strlen(name);
  if (o->key_len > KEY_MAX) return false;
  if (!o->key_esc) return o->key_len == n && memcmp(o->key, name, n) == 0;
  char q[KEY_MAX + 2];
  q[0] = '"';
  memcpy(q + 1, o->key, o->key_len);
  q[o->key_len + 1] = '"';
  licit_json *v;
  if (licit_json_parse(q, o->key_len + 2, &v, NULL, NULL, NULL)) return false;
  size_t k;
  const char *s = licit_json_str(v, &k);
  bool same = s && k == n && memcmp(s, name, n) == 0;
  licit_json_free(v);
  return same;
}

/* After the top-level object's '}': nothing but white space may follow. */
static int end_doc(licit__outbox *o, licit_err *err) {
  int c, rc = skip_ws(o, &c, err);
  if (rc) return rc;
  if (c >= 0)
    return licit_err_set(err, LICIT_EINVAL,
                         "%s: more than one JSON document (another starts at byte offset %llu); JSON Lines input "
                         "needs another extension, such as .jsonl",
                         o->name, (unsigned long long)offset(o));
  o->state = ST_DONE;
  return o->streamed ? 0 : not_collection(o, err);
}

/* Walks the top-level object's members from where the reader is.  Returns
 * 1 when the items array starts (its '[' consumed), 0 at the end of a
 * well-formed document, or an error. */
static int walk(licit__outbox *o, licit_err *err) {
  for (;;) {
    int c, rc = skip_ws(o, &c, err);
    if (rc) return rc;
    if (o->after_value) {
      if (c == ',') {
        o->pos++;
        o->after_value = false;
        o->need_member = true;
        continue;
      }
      if (c != '}') return damaged(o, c, "',' or '}' after a member of the top-level object", err);
      o->pos++;
      return end_doc(o, err);
    }
    if (c == '}' && !o->need_member) {
      o->pos++;
      return end_doc(o, err);
    }
    if (c != '"') return damaged(o, c, "a member name (a string)", err);
    if ((rc = read_key(o, err)) || (rc = skip_ws(o, &c, err))) return rc;
    if (c != ':') return damaged(o, c, "':' after a member name", err);
    o->pos++;
    if ((rc = skip_ws(o, &c, err))) return rc;
    o->after_value = true;
    if (!o->streamed && c == '[' && (key_is(o, "orderedItems") || key_is(o, "items"))) {
      o->pos++;
      o->streamed = true;
      o->state = ST_ITEMS_FIRST;
      return 1;
    }
    if (c < 0) return truncated(o, err);
    uint64_t n;
    if ((rc = scan_value(o, NULL, &n, err))) return rc;
  }
}

/* The start of the document: an optional UTF-8 byte order mark, then '{'. */
static int start(licit__outbox *o, licit_err *err) {
  int c, rc;
  for (int i = 0; i < 3; i++) { /* the byte order mark, possibly across reads */
    if ((rc = more(o, err))) return rc;
    if (o->pos == o->end || (unsigned char)o->chunk[o->pos] != (unsigned char)"\xEF\xBB\xBF"[i]) {
      if (i > 0) return damaged(o, o->pos == o->end ? -1 : (unsigned char)o->chunk[o->pos], "a byte order mark", err);
      break;
    }
    o->pos++;
  }
  if ((rc = skip_ws(o, &c, err))) return rc;
  if (c != '{') {
    if (c < 0) return licit_err_set(err, LICIT_EINVAL, "%s: empty: expected an ActivityStreams OrderedCollection",
                                    o->name);
    return not_collection(o, err);
  }
  o->pos++;
  rc = walk(o, err);
  return rc == 1 ? 0 : rc < 0 ? rc : not_collection(o, err);
}

int licit__outbox_next(licit__outbox *o, const char **item, size_t *len, size_t *full_len, uint64_t *index,
                       licit_err *err) {
  int c, rc;
  if (o->state == ST_DONE) return 0;
  if ((rc = skip_ws(o, &c, err))) return rc;
  if (o->state == ST_ITEMS_NEXT) {
    if (c == ',') {
      o->pos++;
      if ((rc = skip_ws(o, &c, err))) return rc;
      if (c == ']') return damaged(o, c, "an activity after ','", err);
    } else if (c != ']') {
      return damaged(o, c, "',' or ']' after an activity", err);
    }
  }
  if (c == ']') { /* the end of orderedItems: the rest must be well-formed */
    o->pos++;
    o->state = ST_AFTER;
    rc = walk(o, err);
    o->state = ST_DONE;
    return rc;
  }
  if (c < 0) return truncated(o, err);
  licit_buf_reset(&o->item);
  uint64_t n;
  if ((rc = scan_value(o, &o->item, &n, err))) return rc;
  o->state = ST_ITEMS_NEXT;
  *item = o->item.data;
  *len = o->item.len;
  *full_len = (size_t)n;
  *index = o->index++;
  return 1;
}

/* ------------------------------------------------------------ sources -- */

static int read_file(void *ctx, char *buf, size_t cap, size_t *got, licit_err *err) {
  licit__outbox *o = ctx;
  *got = fread(buf, 1, cap, o->f);
  if (*got == 0 && ferror(o->f)) return licit_err_set(err, LICIT_EIO, "%s: read error: %s", o->name, strerror(errno));
  return 0;
}

static int read_archive(void *ctx, char *buf, size_t cap, size_t *got, licit_err *err) {
  licit__outbox *o = ctx;
  la_ssize_t n = archive_read_data(o->ar, buf, cap);
  if (n < 0)
    return licit_err_set(err, LICIT_EIO, "%s: cannot read it from the archive: %s", o->name,
                         archive_error_string(o->ar));
  *got = (size_t)n;
  return 0;
}

static bool base_is(const char *path, const char *name) {
  const char *b = strrchr(path, '/');
  return strcmp(b ? b + 1 : path, name) == 0;
}

/* actor.json, the current entry: remember the account's id and followers
 * collection.  One that is too large or not what it should be is ignored
 * (the addressing rules then use the actor's default followers path). */
static int read_actor(licit__outbox *o, struct archive *ar) {
  licit_buf b = LICIT_BUF_INIT;
  b.limit = ACTOR_MAX;
  char buf[1 << 14];
  int rc = 0;
  for (;;) {
    la_ssize_t got = archive_read_data(ar, buf, sizeof buf);
    if (got <= 0) {
      if (got < 0) licit_buf_reset(&b);
      break;
    }
    if ((rc = licit_buf_add(&b, buf, (size_t)got))) {
      licit_buf_reset(&b);
      rc = rc == LICIT_ETOOBIG ? 0 : rc;
      break;
    }
  }
  licit_json *doc;
  if (!rc && b.len && licit_json_parse_lenient(b.data, b.len, &doc, NULL) == 0) {
    licit_json *id = licit_json_typeof(doc) == LICIT_JSON_OBJECT ? licit_json_get(doc, "id") : NULL;
    licit_json *fol = licit_json_typeof(doc) == LICIT_JSON_OBJECT ? licit_json_get(doc, "followers") : NULL;
    size_t ni, nf;
    if (id && fol && licit_json_typeof(id) == LICIT_JSON_STRING && licit_json_typeof(fol) == LICIT_JSON_STRING) {
      const char *si = licit_json_str(id, &ni), *sf = licit_json_str(fol, &nf);
      if (!memchr(si, 0, ni) && !memchr(sf, 0, nf)) {
        o->actor = strndup(si, ni);
        o->followers = strndup(sf, nf);
        if (!o->actor || !o->followers) rc = LICIT_ENOMEM;
      }
    }
    licit_json_free(doc);
  }
  licit_buf_free(&b);
  return rc;
}

static int open_zip(const char *path, struct archive **out, licit_err *err) {
  struct archive *ar = archive_read_new();
  if (!ar) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  archive_read_support_format_zip(ar);
  if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
    int rc = licit_err_set(err, LICIT_EIO, "%s: cannot open as a zip archive: %s", path, archive_error_string(ar));
    archive_read_free(ar);
    return rc;
  }
  *out = ar;
  return 0;
}

/* Positions o->ar at the archive's outbox.json, having read its actor.json
 * on the way.  One pass when actor.json comes first; otherwise a second
 * pass finds outbox.json again (a zip is cheap to walk: skipping a member
 * does not inflate it). */
static int find_outbox(licit__outbox *o, const char *path, licit_err *err) {
  bool seen_outbox = false, actor_read = false;
  for (int pass = 0; pass < 2; pass++) {
    struct archive *ar = NULL;
    int rc = open_zip(path, &ar, err);
    if (rc) return rc;
    struct archive_entry *ent;
    int r;
    while ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      const char *name = archive_entry_pathname(ent);
      /* The first outbox.json of the archive, wherever actor.json is: in
       * the first pass only when no other came before it. */
      if (name && base_is(name, "outbox.json") && (pass == 1 || (actor_read && !seen_outbox))) {
        size_t n = strlen(path) + strlen(name) + 3;
        if (!(o->name = malloc(n))) {
          archive_read_free(ar);
          return licit_err_set(err, LICIT_ENOMEM, "out of memory");
        }
        snprintf(o->name, n, "%s: %s", path, name);
        o->ar = ar;
        return 0;
      }
      if (name && base_is(name, "outbox.json")) {
        seen_outbox = true;
      } else if (name && pass == 0 && !actor_read && base_is(name, "actor.json")) {
        actor_read = true;
        if ((rc = read_actor(o, ar))) {
          archive_read_free(ar);
          return licit_err_set(err, rc, "out of memory");
        }
        continue;
      }
      if (archive_read_data_skip(ar) != ARCHIVE_OK) break;
    }
    if (r != ARCHIVE_EOF) {
      rc = licit_err_set(err, LICIT_EIO, "%s: damaged zip archive: %s", path, archive_error_string(ar));
      archive_read_free(ar);
      return rc;
    }
    archive_read_free(ar);
    if (!seen_outbox) break;
  }
  return licit_err_set(err, LICIT_EINVAL, "%s: no outbox.json in the archive (is it a Mastodon archive?)", path);
}

static int create(licit__read_fn read, void *ctx, size_t chunk, licit__outbox **out) {
  licit__outbox *o = calloc(1, sizeof *o);
  if (!o) return LICIT_ENOMEM;
  o->cap = chunk ? chunk : CHUNK;
  if (!(o->chunk = malloc(o->cap))) {
    free(o);
    return LICIT_ENOMEM;
  }
  o->read = read;
  o->ctx = ctx ? ctx : o;
  o->state = ST_BEFORE;
  *out = o;
  return 0;
}

/* After the source is set up (rc: how that went): reads up to the first
 * element; *out is the reader, or it is closed on any error. */
static int begin(licit__outbox *o, int rc, licit__outbox **out, licit_err *err) {
  if (!rc) rc = start(o, err);
  if (rc) {
    licit__outbox_close(o);
    return rc;
  }
  *out = o;
  return 0;
}

int licit__outbox_from(licit__read_fn read, void *ctx, const char *name, size_t chunk, licit__outbox **out,
                       licit_err *err) {
  licit__outbox *o;
  int rc = create(read, ctx, chunk, &o);
  if (rc) return licit_err_set(err, rc, "out of memory");
  if (!(o->name = strdup(name))) rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
  return begin(o, rc, out, err);
}

int licit__outbox_open(const char *path, bool zip, licit__outbox **out, licit_err *err) {
  licit__outbox *o;
  int rc = create(zip ? read_archive : read_file, NULL, CHUNK, &o);
  if (rc) return licit_err_set(err, rc, "out of memory");
  if (zip) {
    rc = find_outbox(o, path, err);
  } else if (!(o->name = strdup(path))) {
    rc = licit_err_set(err, LICIT_ENOMEM, "out of memory");
  } else if (!(o->f = fopen(path, "rb"))) {
    rc = licit_err_set(err, LICIT_EIO, "%s: cannot open: %s", path, strerror(errno));
  }
  return begin(o, rc, out, err);
}

const char *licit__outbox_actor(const licit__outbox *o) { return o->actor; }
const char *licit__outbox_followers(const licit__outbox *o) { return o->followers; }

void licit__outbox_close(licit__outbox *o) {
  if (!o) return;
  if (o->f) fclose(o->f);
  if (o->ar) archive_read_free(o->ar);
  free(o->name);
  free(o->actor);
  free(o->followers);
  free(o->chunk);
  licit_buf_free(&o->item);
  free(o);
}
