/*
 * activitypub.c — ActivityStreams 2.0 activities as an adapter
 * (`--format activitypub`, SPEC section 8).
 *
 * Inputs:
 *  - JSON Lines, one activity per line (what an inbox delivers);
 *  - a Mastodon archive (a path ending in .zip): its outbox.json, read with
 *    libarchive, and its actor.json for the account's followers collection;
 *  - a bare outbox.json (a path ending in .json): an OrderedCollection whose
 *    orderedItems are activities.
 * Whole documents are read into memory (capped at 1 GiB) and parsed leniently
 * (a key repeated in an object is tolerated: real exports have them); each
 * item is then handed back to ingest as compact JSON and goes through the same
 * record path as a line, so counts, rejects and duplicates work alike.  The
 * rejects file's "line" is the item's index in orderedItems (from 0).
 *
 * Mapping (user = actor):
 *   Create of a Note   -> post: post = the Note's id, text = its HTML content
 *                         as plain text, lang = contentMap's key when it has
 *                         exactly one, visibility from to/cc, ts = published
 *   Update of a Note   -> edit, ts = the Note's updated
 *   Delete             -> delete of the named post, or account_delete when
 *                         the object is the actor; ts = the activity's
 *                         published (else a Tombstone's deleted)
 *   anything else      -> skipped (Announce, Like, Follow, Create of a
 *                         Question, Update of a Person, ...), and so are edits
 *                         and deletions of posts or accounts never seen.
 * Event ids: the activity's id (hashed when over 256 bytes); an activity
 * without one gets "ap:" TYPE " " OBJECT-ID (plus "@" ts for Update/Delete)
 * so a replay still dedupes.
 *
 * The only module that includes libarchive and libxml2.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapters/common.h"

#define DOC_MAX ((size_t)1 << 30) /* bytes of one outbox.json / actor.json */

typedef struct ap {
  char region[3]; /* "" when --region is not given */
  licit_buf id, text, followers;
  /* Whole-file input. */
  licit_buf doc_bytes;
  licit_json *doc;          /* the parsed outbox */
  const licit_json *items;  /* its orderedItems */
  size_t next;              /* index of the next item */
  licit_buf item;           /* the current item as compact JSON */
  char *arch_actor;         /* the archive's actor.json "id" and "followers" */
  char *arch_followers;
} ap;

static int ap_create(void **state, const char *region) {
  ap *a = calloc(1, sizeof *a);
  if (!a) return LICIT_ENOMEM;
  if (region) memcpy(a->region, region, 2);
  a->text.limit = LICIT_TEXT_MAX + 8; /* more is rejected anyway: stop there */
  xmlInitParser();
  *state = a;
  return 0;
}

static void ap_destroy(void *state) {
  ap *a = state;
  if (!a) return;
  licit_buf_free(&a->id);
  licit_buf_free(&a->text);
  licit_buf_free(&a->followers);
  licit_buf_free(&a->doc_bytes);
  licit_buf_free(&a->item);
  if (a->doc) licit_json_free(a->doc);
  free(a->arch_actor);
  free(a->arch_followers);
  free(a);
}

static bool eq(licit_strv s, const char *z) { return s.n == strlen(z) && memcmp(s.p, z, s.n) == 0; }
static bool eqv(licit_strv a, licit_strv b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }

/* ------------------------------------------------------- HTML to text -- */

/* Plain text the way Mastodon's own plain-text rendering reads: runs of
 * white space collapse to one space (outside <pre>), <br> is a line break,
 * paragraphs are separated by a blank line, other block elements start on a
 * new line, links are their text, script/style are dropped. */
typedef struct txt {
  licit_buf *out;
  int want_nl;     /* line breaks owed before the next text */
  bool want_space; /* a collapsed white-space run before the next text */
  int rc;
} txt;

static void txt_put(txt *t, const char *s, size_t n, bool pre) {
  for (size_t i = 0; i < n && !t->rc; i++) {
    char c = s[i];
    if (!pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
      t->want_space = true;
      continue;
    }
    licit_buf *o = t->out;
    if (o->len > 0) {
      if (t->want_nl) {
        int have = 0;
        while (have < (int)o->len && have < t->want_nl && o->data[o->len - 1 - have] == '\n') have++;
        for (int k = have; k < t->want_nl && !t->rc; k++) t->rc = licit_buf_addc(o, '\n');
      } else if (t->want_space && o->data[o->len - 1] != '\n') {
        t->rc = licit_buf_addc(o, ' ');
      }
    }
    t->want_nl = 0;
    t->want_space = false;
    if (!t->rc) t->rc = licit_buf_addc(o, c);
  }
}

static int block_breaks(const xmlChar *name) {
  static const char *const one[] = {"div", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5",
                                    "h6", "table", "tr", "hr", "dl", "dt", "dd", "section", "article", "header",
                                    "footer", "figure", "figcaption"};
  const char *n = (const char *)name;
  if (strcasecmp(n, "p") == 0) return 2;
  for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
    if (strcasecmp(n, one[i]) == 0) return 1;
  return 0;
}

/* A block boundary owes n line breaks (they replace a pending space). */
static void owe(txt *t, int n) {
  if (n == 0) return;
  if (n > t->want_nl) t->want_nl = n;
  t->want_space = false;
}

static int html_to_text(const char *html, size_t n, licit_buf *out) {
  licit_buf_reset(out);
  txt t = {out, 0, false, 0};
  if (!memchr(html, '<', n) && !memchr(html, '&', n)) { /* plain text: no parser needed */
    txt_put(&t, html, n, false);
    return t.rc;
  }
  if (n > INT32_MAX) return LICIT_ETOOBIG;
  htmlDocPtr doc = htmlReadMemory(html, (int)n, NULL, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!doc) return 0; /* nothing the parser could read: empty text */
  int pre = 0;
  xmlNodePtr cur = doc->children;
  while (cur && !t.rc) {
    bool descend = true;
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content) txt_put(&t, (const char *)cur->content, strlen((const char *)cur->content), pre > 0);
    } else if (cur->type == XML_ELEMENT_NODE && cur->name) {
      const char *nm = (const char *)cur->name;
      if (strcasecmp(nm, "br") == 0) {
        if (!(t.rc = licit_buf_addc(out, '\n'))) {
          t.want_nl = 0;
          t.want_space = false;
        }
      } else if (strcasecmp(nm, "script") == 0 || strcasecmp(nm, "style") == 0) {
        descend = false;
      } else {
        owe(&t, block_breaks(cur->name));
        if (strcasecmp(nm, "pre") == 0) pre++;
      }
    } else {
      descend = false; /* comments, DTD, processing instructions */
    }
    if (descend && cur->children) {
      cur = cur->children;
      continue;
    }
    for (;;) { /* leave cur; go to its next sibling or up */
      if (cur->type == XML_ELEMENT_NODE && cur->name && descend) {
        owe(&t, block_breaks(cur->name));
        if (strcasecmp((const char *)cur->name, "pre") == 0) pre--;
      }
      descend = true;
      if (cur->next) {
        cur = cur->next;
        break;
      }
      cur = cur->parent;
      if (!cur || cur->type == XML_HTML_DOCUMENT_NODE || cur->type == XML_DOCUMENT_NODE) {
        cur = NULL;
        break;
      }
    }
  }
  xmlFreeDoc(doc);
  return t.rc;
}

/* ------------------------------------------------------- activities -- */

static const char *region_of(const ap *a) { return a->region[0] ? a->region : NULL; }

static int emit(ap *a, licit_sink *sink, licit_event *ev, bool creates_user, unsigned flags, licit_err *err) {
  int rc = licit_event_check(ev, err);
  if (rc) return rc;
  if (creates_user && (rc = licit__region_first_seen(region_of(a), sink, ev->user, ev->ts))) return rc;
  return sink->emit(sink, ev, flags);
}

static int field_time(const licit_json *obj, const char *key, const char *path, bool required, int64_t *us,
                      licit_err *err) {
  licit_strv s;
  int rc = licit__field_str(obj, key, path, required, &s, err);
  if (rc) return rc;
  const char *why = NULL;
  if (licit_time_parse(s.p, s.n, us, &why))
    return licit_err_set(err, LICIT_EINVAL, "field \"%s\": %s", path, why ? why : "expected an RFC 3339 date-time");
  return 0;
}

/* The id of a value that is either a string or an object with "id"; it
 * becomes a user or post id, so it must be 1-256 bytes. */
static int id_of(const licit_json *v, const char *path, licit_strv *out, licit_err *err) {
  char p[64];
  snprintf(p, sizeof p, "%s.id", path);
  if (licit_json_typeof(v) == LICIT_JSON_STRING) {
    out->p = licit_json_str(v, &out->n);
    snprintf(p, sizeof p, "%s", path);
  } else if (licit_json_typeof(v) != LICIT_JSON_OBJECT) {
    return licit__field_type_err(err, path, "a string or an object", v);
  } else {
    int rc = licit__field_str(v, "id", p, true, out, err);
    if (rc) return rc;
  }
  if (out->n == 0 || out->n > LICIT_ID_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"%s\": expected an id of 1-256 bytes, got %zu bytes", p, out->n);
  return 0;
}

static bool is_public(licit_strv s) {
  return eq(s, "https://www.w3.org/ns/activitystreams#Public") || eq(s, "as:Public") || eq(s, "Public");
}

/* Whether an addressing list (a string or an array; other members ignored)
 * holds the public collection (want == NULL) or `want`. */
static bool addressed(const licit_json *v, const licit_strv *want) {
  if (!v) return false;
  size_t n = 1;
  bool arr = licit_json_typeof(v) == LICIT_JSON_ARRAY;
  if (arr) n = licit_json_array_size(v);
  for (size_t i = 0; i < n; i++) {
    const licit_json *e = arr ? licit_json_array_get(v, i) : v;
    if (licit_json_typeof(e) != LICIT_JSON_STRING) continue;
    licit_strv s;
    s.p = licit_json_str(e, &s.n);
    if (want ? eqv(s, *want) : is_public(s)) return true;
  }
  return false;
}

static int check_addressing(const licit_json *obj, const char *path, licit_err *err) {
  static const char *const keys[] = {"to", "cc"};
  for (int k = 0; k < 2; k++) {
    licit_json *v = licit_json_get(obj, keys[k]);
    if (!v) continue;
    licit_json_type t = licit_json_typeof(v);
    if (t != LICIT_JSON_STRING && t != LICIT_JSON_ARRAY && t != LICIT_JSON_NULL) {
      char p[64];
      snprintf(p, sizeof p, "%s%s", path, keys[k]);
      return licit__field_type_err(err, p, "a string or an array", v);
    }
  }
  return 0;
}

/* SPEC 8: public in to -> public; in cc -> unlisted; the actor's followers
 * collection in to -> followers; otherwise private.  The followers
 * collection is the actor object's "followers" when the activity embeds it,
 * the archive's actor.json when it is that actor, else ACTOR + "/followers"
 * (Mastodon's, and most servers', layout). */
static int visibility(ap *a, const licit_json *act, const licit_json *note, licit_strv actor, uint8_t *vis) {
  const licit_json *src = (licit_json_get(note, "to") || licit_json_get(note, "cc")) ? note : act;
  const licit_json *to = licit_json_get(src, "to"), *cc = licit_json_get(src, "cc");
  if (addressed(to, NULL)) {
    *vis = LICIT_VIS_PUBLIC;
    return 0;
  }
  if (addressed(cc, NULL)) {
    *vis = LICIT_VIS_UNLISTED;
    return 0;
  }
  licit_buf *f = &a->followers;
  licit_buf_reset(f);
  const licit_json *actor_obj = licit_json_get(act, "actor");
  const licit_json *fv =
      licit_json_typeof(actor_obj) == LICIT_JSON_OBJECT ? licit_json_get(actor_obj, "followers") : NULL;
  int rc;
  if (fv && licit_json_typeof(fv) == LICIT_JSON_STRING) {
    size_t n;
    const char *s = licit_json_str(fv, &n);
    rc = licit_buf_add(f, s, n);
  } else if (a->arch_actor && a->arch_followers && actor.n == strlen(a->arch_actor) &&
             memcmp(actor.p, a->arch_actor, actor.n) == 0) {
    rc = licit_buf_adds(f, a->arch_followers);
  } else {
    rc = licit_buf_add(f, actor.p, actor.n);
    if (!rc) rc = licit_buf_adds(f, "/followers");
  }
  if (rc) return rc;
  licit_strv fs = {f->data, f->len};
  *vis = addressed(to, &fs) ? LICIT_VIS_FOLLOWERS : LICIT_VIS_PRIVATE;
  return 0;
}

/* text (and lang) of a Note. */
static int note_text(ap *a, const licit_json *note, licit_event *ev, licit_err *err) {
  licit_strv html = {"", 0};
  licit_json *cmap = NULL;
  int rc = licit__field_obj(note, "contentMap", "object.contentMap", false, &cmap, err);
  if (rc < 0) return rc;
  if (cmap && licit_json_object_size(cmap) == 1) {
    const char *key;
    licit_json *val;
    licit_json_object_next(cmap, NULL, &key, &val);
    ev->lang.p = key;
    ev->lang.n = strlen(key);
    ev->has_lang = ev->lang.n > 0;
    if (licit_json_typeof(val) == LICIT_JSON_STRING) html.p = licit_json_str(val, &html.n);
  }
  if ((rc = licit__field_str(note, "content", "object.content", false, &html, err)) < 0) return rc;
  rc = html_to_text(html.p, html.n, &a->text);
  if (rc == LICIT_ETOOBIG)
    return licit_err_set(err, LICIT_EINVAL, "field \"object.content\": its text is more than the limit of %d bytes",
                         LICIT_TEXT_MAX);
  if (rc) return rc;
  ev->text.p = a->text.data ? a->text.data : "";
  ev->text.n = a->text.len;
  return 0;
}

static int set_id(ap *a, licit_event *ev, const licit_json *act, licit_strv type, licit_strv obj_id, bool with_ts,
                  licit_err *err) {
  licit_strv id;
  int rc = licit__field_str(act, "id", "id", false, &id, err);
  if (rc < 0) return rc;
  licit_buf *b = &a->id;
  licit_buf_reset(b);
  if (rc == 0) {
    rc = licit_buf_add(b, id.p, id.n);
  } else {
    rc = licit_buf_printf(b, "ap:%.*s %.*s", (int)type.n, type.p, (int)obj_id.n, obj_id.p);
    if (!rc && with_ts) rc = licit_buf_printf(b, "@%lld", (long long)ev->ts);
  }
  if (!rc) rc = licit__id_fit(b, "ap:");
  if (rc) return rc;
  ev->id.p = b->data;
  ev->id.n = b->len;
  return 0;
}

static int ap_activity(ap *a, const licit_json *act, licit_sink *sink, licit_err *err) {
  if (licit_json_typeof(act) != LICIT_JSON_OBJECT)
    return licit_err_set(err, LICIT_EINVAL, "not a JSON object (got %s): an activity is an object",
                         licit_json_type_name(licit_json_typeof(act)));
  licit_event ev = {0};
  licit_strv type, obj_id;
  int rc = licit__field_str(act, "type", "type", true, &type, err);
  if (rc) return rc;
  licit_json *actor = licit_json_get(act, "actor");
  if (!actor || licit_json_typeof(actor) == LICIT_JSON_NULL)
    return licit_err_set(err, LICIT_EINVAL, "field \"actor\" is required");
  if ((rc = id_of(actor, "actor", &ev.user, err))) return rc;
  if ((rc = licit__field_str(act, "id", "id", false, &obj_id, err)) < 0) return rc;
  bool create = eq(type, "Create"), update = eq(type, "Update"), del = eq(type, "Delete");
  if (!create && !update && !del) return 1; /* Announce, Like, Follow, Undo, ... */
  licit_json *obj = licit_json_get(act, "object");
  if (!obj || licit_json_typeof(obj) == LICIT_JSON_NULL)
    return licit_err_set(err, LICIT_EINVAL, "field \"object\" is required");
  if ((rc = id_of(obj, "object", &obj_id, err))) return rc;

  if (del) {
    rc = field_time(act, "published", "published", false, &ev.ts, err);
    if (rc == 1 && licit_json_typeof(obj) == LICIT_JSON_OBJECT)
      rc = field_time(obj, "deleted", "object.deleted", false, &ev.ts, err);
    if (rc == 1) return licit_err_set(err, LICIT_EINVAL, "field \"published\" is required (the time of the Delete)");
    if (rc) return rc;
    if ((rc = set_id(a, &ev, act, type, obj_id, true, err))) return rc;
    if (eqv(obj_id, ev.user)) {
      ev.type = LICIT_EV_ACCOUNT_DELETE;
    } else {
      ev.type = LICIT_EV_DELETE;
      ev.post = obj_id;
    }
    return emit(a, sink, &ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }

  if (licit_json_typeof(obj) != LICIT_JSON_OBJECT) return 1; /* only names its object: no content */
  licit_strv otype;
  if ((rc = licit__field_str(obj, "type", "object.type", true, &otype, err))) return rc;
  if (!eq(otype, "Note")) return 1; /* Question, Article, Person, ... */
  ev.post = obj_id;
  if (update) {
    rc = field_time(obj, "updated", "object.updated", false, &ev.ts, err);
    if (rc == 1) rc = field_time(act, "published", "published", false, &ev.ts, err);
    if (rc == 1)
      return licit_err_set(err, LICIT_EINVAL, "field \"object.updated\" is required (the time of the edit)");
    if (rc) return rc;
    if ((rc = note_text(a, obj, &ev, err))) return rc;
    ev.has_lang = false; /* an edit carries text (and signals) only */
    if ((rc = set_id(a, &ev, act, type, obj_id, true, err))) return rc;
    ev.type = LICIT_EV_EDIT;
    return emit(a, sink, &ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }
  rc = field_time(obj, "published", "object.published", false, &ev.ts, err);
  if (rc == 1) rc = field_time(act, "published", "published", false, &ev.ts, err);
  if (rc == 1) return licit_err_set(err, LICIT_EINVAL, "field \"object.published\" is required");
  if (rc) return rc;
  if ((rc = check_addressing(obj, "object.", err)) || (rc = check_addressing(act, "", err))) return rc;
  if ((rc = note_text(a, obj, &ev, err))) return rc;
  if ((rc = visibility(a, act, obj, ev.user, &ev.visibility))) return rc;
  if ((rc = set_id(a, &ev, act, type, obj_id, false, err))) return rc;
  ev.type = LICIT_EV_POST;
  return emit(a, sink, &ev, true, 0, err);
}

static int ap_record(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err) {
  licit_json *root;
  /* Numbers are not used: read them all as reals so a huge integer in some
   * extension field does not reject the activity. */
  if (licit_json_parse_lenient_numbers(line, len, &root, err)) return LICIT_EINVAL;
  int rc = ap_activity(state, root, sink, err);
  licit_json_free(root);
  return rc;
}

/* ------------------------------------------------------ whole files -- */

static bool ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static bool base_is(const char *path, const char *name) {
  const char *b = strrchr(path, '/');
  return strcmp(b ? b + 1 : path, name) == 0;
}

static int read_entry(struct archive *ar, const char *path, const char *name, licit_buf *out, licit_err *err) {
  licit_buf_reset(out);
  out->limit = DOC_MAX;
  char chunk[1 << 16];
  for (;;) {
    la_ssize_t got = archive_read_data(ar, chunk, sizeof chunk);
    if (got == 0) return 0;
    if (got < 0)
      return licit_err_set(err, LICIT_EIO, "%s: cannot read %s from the archive: %s", path, name,
                           archive_error_string(ar));
    int rc = licit_buf_add(out, chunk, (size_t)got);
    if (rc == LICIT_ETOOBIG)
      return licit_err_set(err, LICIT_EINVAL, "%s: %s is larger than %zu bytes", path, name, DOC_MAX);
    if (rc) return rc;
  }
}

/* actor.json: remember the account's id and followers collection. */
static void read_actor(ap *a, const licit_buf *b) {
  licit_json *doc;
  if (licit_json_parse_lenient(b->data ? b->data : "", b->len, &doc, NULL)) return;
  licit_strv id, fol;
  if (licit_json_typeof(doc) == LICIT_JSON_OBJECT && licit__field_str(doc, "id", "id", true, &id, NULL) == 0 &&
      licit__field_str(doc, "followers", "followers", true, &fol, NULL) == 0 && !memchr(id.p, 0, id.n) &&
      !memchr(fol.p, 0, fol.n)) {
    a->arch_actor = strndup(id.p, id.n);
    a->arch_followers = strndup(fol.p, fol.n);
  }
  licit_json_free(doc);
}

static int read_zip(ap *a, const char *path, licit_err *err) {
  struct archive *ar = archive_read_new();
  if (!ar) return LICIT_ENOMEM;
  archive_read_support_format_zip(ar);
  int rc = 0;
  bool have_outbox = false;
  licit_buf actor = LICIT_BUF_INIT;
  if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
    rc = licit_err_set(err, LICIT_EIO, "%s: cannot open as a zip archive: %s", path, archive_error_string(ar));
    goto out;
  }
  struct archive_entry *ent;
  int r;
  while ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    const char *name = archive_entry_pathname(ent);
    if (name && !have_outbox && base_is(name, "outbox.json")) {
      if ((rc = read_entry(ar, path, name, &a->doc_bytes, err))) goto out;
      have_outbox = true;
    } else if (name && !actor.len && base_is(name, "actor.json")) {
      if ((rc = read_entry(ar, path, name, &actor, err))) goto out;
    } else if (archive_read_data_skip(ar) != ARCHIVE_OK) {
      break;
    }
  }
  if (r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    rc = licit_err_set(err, LICIT_EIO, "%s: damaged zip archive: %s", path, archive_error_string(ar));
    goto out;
  }
  if (!have_outbox) {
    rc = licit_err_set(err, LICIT_EINVAL, "%s: no outbox.json in the archive (is it a Mastodon archive?)", path);
    goto out;
  }
  if (actor.len) read_actor(a, &actor);
out:
  licit_buf_free(&actor);
  archive_read_free(ar);
  return rc;
}

static int read_plain(ap *a, const char *path, licit_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return licit_err_set(err, LICIT_EIO, "%s: cannot open: %s", path, strerror(errno));
  licit_buf *b = &a->doc_bytes;
  licit_buf_reset(b);
  b->limit = DOC_MAX;
  int rc = 0;
  char chunk[1 << 16];
  size_t got;
  while (!rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0) rc = licit_buf_add(b, chunk, got);
  if (rc == LICIT_ETOOBIG) rc = licit_err_set(err, LICIT_EINVAL, "%s: larger than %zu bytes", path, DOC_MAX);
  else if (!rc && ferror(f)) rc = licit_err_set(err, LICIT_EIO, "%s: read error: %s", path, strerror(errno));
  fclose(f);
  return rc;
}

static int ap_open_file(void *state, const char *path, licit_err *err) {
  ap *a = state;
  bool zip = ends_with(path, ".zip");
  if (!zip && !ends_with(path, ".json")) return 0; /* JSON Lines */
  int rc = zip ? read_zip(a, path, err) : read_plain(a, path, err);
  if (rc) return rc;
  licit_err perr;
  const char *what = zip ? "outbox.json" : "the file";
  if (licit_json_parse_lenient(a->doc_bytes.data ? a->doc_bytes.data : "", a->doc_bytes.len, &a->doc, &perr))
    return licit_err_set(err, LICIT_EINVAL, "%s: %s is not one JSON document (%s); JSON Lines input needs another "
                         "extension, such as .jsonl", path, what, perr.msg);
  licit_buf_free(&a->doc_bytes); /* the tree holds what is needed */
  const licit_json *items = NULL;
  if (licit_json_typeof(a->doc) == LICIT_JSON_OBJECT) {
    items = licit_json_get(a->doc, "orderedItems");
    if (!items) items = licit_json_get(a->doc, "items");
  }
  if (!items || licit_json_typeof(items) != LICIT_JSON_ARRAY)
    return licit_err_set(err, LICIT_EINVAL,
                         "%s: %s is not an ActivityStreams OrderedCollection: expected an object with an "
                         "\"orderedItems\" array",
                         path, what);
  a->items = items;
  a->next = 0;
  return 1;
}

static int ap_next_item(void *state, const char **item, size_t *len, uint64_t *index, licit_err *err) {
  ap *a = state;
  if (!a->items || a->next >= licit_json_array_size(a->items)) return 0;
  licit_buf_reset(&a->item);
  int rc = licit_json_dump(licit_json_array_get(a->items, a->next), &a->item);
  if (rc) return licit_err_set(err, rc, "out of memory");
  *item = a->item.data;
  *len = a->item.len;
  *index = a->next++;
  return 1;
}

const licit_adapter licit_adapter_activitypub = {"activitypub", ap_create,    ap_record,   ap_destroy,
                                                 ap_open_file,  ap_next_item};
