/*
 * activitypub.c — ActivityStreams 2.0 activities as an adapter
 * (`--format activitypub`, SPEC section 8): mapping activities to events.
 *
 * Inputs:
 *  - JSON Lines, one activity per line (what an inbox delivers);
 *  - a Mastodon archive (a path ending in .zip): its outbox.json, and its
 *    actor.json for the account's followers collection;
 *  - a bare outbox.json (a path ending in .json): an OrderedCollection whose
 *    orderedItems are activities.
 * Whole documents are streamed by archive.c, one activity at a time, so
 * memory stays bounded by the largest activity; each activity goes through
 * the same record path as a line, so counts, rejects and duplicates work
 * alike.  The rejects file's "line" is the item's index in orderedItems
 * (from 0) and "raw" its bytes.  A line is parsed with repeated keys
 * rejected; an item of a whole document with them tolerated (the last value
 * wins), as real exports have them.  Numbers are never read, so none, of
 * any size, rejects an activity.
 *
 * Mapping (user = actor):
 *   Create of a Note   -> post: post = the Note's id, text = its HTML content
 *                         as plain text (html.c), lang = contentMap's key
 *                         when it has exactly one, visibility from to/cc,
 *                         parent = inReplyTo (its id when an object),
 *                         mentions = the href of each tag of type Mention,
 *                         ts = published
 *   Update of a Note   -> edit (text and mentions), ts = the Note's updated
 *   Delete             -> delete of the named post, or account_delete when
 *                         the object is the actor; ts = the activity's
 *                         published (else a Tombstone's deleted)
 *   anything else      -> skipped (Announce, Like, Follow, Create of a
 *                         Question, Update of a Person, ...), and so are edits
 *                         and deletions of posts or accounts never seen.
 * Event ids: the activity's id (hashed when over 256 bytes); an activity
 * without one gets "ap:" TYPE " " OBJECT-ID (plus "@" ts for Update/Delete)
 * so a replay still dedupes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapters/archive.h"
#include "adapters/common.h"
#include "adapters/html.h"

typedef struct ap {
  licit__region_tag tag; /* --region */
  licit_buf id, text, followers;
  licit__strvs mentions;
  licit__outbox *outbox; /* a whole-file input, or NULL */
} ap;

static int ap_create(void **state, const char *region) {
  ap *a = calloc(1, sizeof *a);
  if (!a) return LICIT_ENOMEM;
  licit__region_tag_init(&a->tag, region);
  a->text.limit = LICIT_TEXT_MAX + 8; /* more is rejected anyway: stop there */
  licit__html_init();
  *state = a;
  return 0;
}

static void ap_destroy(void *state) {
  ap *a = state;
  if (!a) return;
  licit_buf_free(&a->id);
  licit_buf_free(&a->text);
  licit_buf_free(&a->followers);
  licit__strvs_free(&a->mentions);
  licit__region_tag_free(&a->tag);
  licit__outbox_close(a->outbox);
  free(a);
}

static bool eqv(licit_strv a, licit_strv b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }

/* ------------------------------------------------------- activities -- */

static int field_time(const licit_json *obj, const char *key, const char *path, bool required, int64_t *us,
                      licit_err *err) {
  licit_strv s;
  int rc = licit__field_str(obj, key, path, required, &s, err);
  if (rc) return rc;
  const char *why = NULL;
  if (licit_time_parse(s.p, s.n, us, &why)) {
    char ex[64];
    licit_excerpt(ex, sizeof ex, s);
    return licit_err_set(err, LICIT_EINVAL,
                         "field \"%s\": expected an RFC 3339 date-time such as 2024-06-26T00:00:00Z, got \"%s\" (%s)",
                         path, ex, why ? why : "invalid");
  }
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
  return licit__eq(s, "https://www.w3.org/ns/activitystreams#Public") || licit__eq(s, "as:Public") || licit__eq(s, "Public");
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
  const char *arch_actor = a->outbox ? licit__outbox_actor(a->outbox) : NULL;
  const char *arch_followers = a->outbox ? licit__outbox_followers(a->outbox) : NULL;
  const licit_json *actor_obj = licit_json_get(act, "actor");
  const licit_json *fv =
      licit_json_typeof(actor_obj) == LICIT_JSON_OBJECT ? licit_json_get(actor_obj, "followers") : NULL;
  int rc;
  if (fv && licit_json_typeof(fv) == LICIT_JSON_STRING) {
    size_t n;
    const char *s = licit_json_str(fv, &n);
    rc = licit_buf_add(f, s, n);
  } else if (arch_actor && arch_followers && licit__eq(actor, arch_actor)) {
    rc = licit_buf_adds(f, arch_followers);
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
  rc = licit__html_to_text(html.p, html.n, &a->text);
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

/* The Note's mentions: the href of each tag of type Mention (tag is an
 * array or one object; Hashtag, Emoji and tags that are not objects are
 * passed over).  ev->mentions is valid until the next record. */
static int note_mentions(ap *a, const licit_json *note, licit_event *ev, licit_err *err) {
  a->mentions.n = 0;
  const licit_json *tags = licit_json_get(note, "tag");
  licit_json_type t = tags ? licit_json_typeof(tags) : LICIT_JSON_NULL;
  size_t n = t == LICIT_JSON_ARRAY ? licit_json_array_size(tags) : t == LICIT_JSON_OBJECT ? 1 : 0;
  for (size_t i = 0; i < n; i++) {
    const licit_json *tag = t == LICIT_JSON_ARRAY ? licit_json_array_get(tags, i) : tags;
    if (licit_json_typeof(tag) != LICIT_JSON_OBJECT) continue;
    const licit_json *type = licit_json_get(tag, "type");
    licit_strv ts = {"", 0};
    if (type && licit_json_typeof(type) == LICIT_JSON_STRING) ts.p = licit_json_str(type, &ts.n);
    if (!licit__eq(ts, "Mention")) continue;
    char path[64];
    licit_strv href;
    if (t == LICIT_JSON_ARRAY) snprintf(path, sizeof path, "object.tag[%zu].href", i);
    else snprintf(path, sizeof path, "object.tag.href");
    int rc = licit__field_str(tag, "href", path, true, &href, err);
    if (!rc) rc = licit__strvs_push(&a->mentions, href);
    if (rc) return rc;
  }
  ev->has_mentions = true; /* the Note is whole: no Mention tags, no mentions */
  ev->mentions = a->mentions.v;
  ev->n_mentions = a->mentions.n;
  return 0;
}

/* The post a Note replies to: inReplyTo, a string or an object with id;
 * none when absent or null. */
static int note_parent(const licit_json *note, licit_event *ev, licit_err *err) {
  const licit_json *v = licit_json_get(note, "inReplyTo");
  if (!v || licit_json_typeof(v) == LICIT_JSON_NULL) return 0;
  return id_of(v, "object.inReplyTo", &ev->parent, err);
}

/* An Update or Delete of a post applies only when its actor wrote the post
 * (SPEC 8: the user is the activity's actor): another account's activity
 * naming it is rejected, never applied to someone else's post.  A post
 * the store does not hold is left to the sink (skipped as unknown). */
static int own_post(licit_sink *sink, const licit_event *ev, licit_err *err) {
  if (!sink->post_author) return 0;
  int rc = sink->post_author(sink, ev->post.p, ev->post.n, ev->user.p, ev->user.n);
  if (rc < 0) return rc;
  if (rc == LICIT_SINK_OTHER) {
    char who[64], what[64];
    licit_excerpt(who, sizeof who, ev->user);
    licit_excerpt(what, sizeof what, ev->post);
    return licit_err_set(err, LICIT_EINVAL, "field \"actor\": %s is not the author of %s, the object of this %s", who,
                         what, ev->type == LICIT_EV_EDIT ? "Update" : "Delete");
  }
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
  bool create = licit__eq(type, "Create"), update = licit__eq(type, "Update"), del = licit__eq(type, "Delete");
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
      if ((rc = own_post(sink, &ev, err))) return rc;
    }
    return licit__emit(&a->tag, sink, &ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }

  if (licit_json_typeof(obj) != LICIT_JSON_OBJECT) return 1; /* only names its object: no content */
  licit_strv otype;
  if ((rc = licit__field_str(obj, "type", "object.type", true, &otype, err))) return rc;
  if (!licit__eq(otype, "Note")) return 1; /* Question, Article, Person, ... */
  ev.post = obj_id;
  /* A Note attributed to someone other than the actor is not the actor's
   * post (SPEC 8: the user is the activity's actor). */
  licit_json *by = licit_json_get(obj, "attributedTo");
  if (by && licit_json_typeof(by) != LICIT_JSON_NULL) {
    licit_strv who;
    if ((rc = id_of(by, "object.attributedTo", &who, err))) return rc;
    if (!eqv(who, ev.user)) {
      char w[64], u[64];
      licit_excerpt(w, sizeof w, who);
      licit_excerpt(u, sizeof u, ev.user);
      return licit_err_set(err, LICIT_EINVAL, "field \"object.attributedTo\": %s is not the actor %s", w, u);
    }
  }
  if (update) {
    rc = field_time(obj, "updated", "object.updated", false, &ev.ts, err);
    if (rc == 1) rc = field_time(act, "published", "published", false, &ev.ts, err);
    if (rc == 1)
      return licit_err_set(err, LICIT_EINVAL, "field \"object.updated\" is required (the time of the edit)");
    if (rc) return rc;
    if ((rc = note_text(a, obj, &ev, err)) || (rc = note_mentions(a, obj, &ev, err))) return rc;
    ev.has_lang = false; /* an edit carries text, signals and mentions only */
    if ((rc = set_id(a, &ev, act, type, obj_id, true, err))) return rc;
    ev.type = LICIT_EV_EDIT;
    if ((rc = own_post(sink, &ev, err))) return rc;
    return licit__emit(&a->tag, sink, &ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }
  rc = field_time(obj, "published", "object.published", false, &ev.ts, err);
  if (rc == 1) rc = field_time(act, "published", "published", false, &ev.ts, err);
  if (rc == 1) return licit_err_set(err, LICIT_EINVAL, "field \"object.published\" is required");
  if (rc) return rc;
  if ((rc = check_addressing(obj, "object.", err)) || (rc = check_addressing(act, "", err))) return rc;
  if ((rc = note_text(a, obj, &ev, err)) || (rc = note_mentions(a, obj, &ev, err)) ||
      (rc = note_parent(obj, &ev, err)))
    return rc;
  if ((rc = visibility(a, act, obj, ev.user, &ev.visibility))) return rc;
  if ((rc = set_id(a, &ev, act, type, obj_id, false, err))) return rc;
  ev.type = LICIT_EV_POST;
  return licit__emit(&a->tag, sink, &ev, true, 0, err);
}

static int ap_record(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err) {
  ap *a = state;
  licit_json *root;
  /* Numbers are not used: none, of any size, rejects the activity.  An item
   * of a whole document may repeat a key (see the header comment). */
  int rc = a->outbox ? licit_json_parse_lenient(line, len, &root, err)
                     : licit_json_parse_lenient_numbers(line, len, &root, err);
  if (rc) return rc == LICIT_ENOMEM ? rc : LICIT_EINVAL;
  rc = ap_activity(a, root, sink, err);
  licit_json_free(root);
  return rc;
}

/* ------------------------------------------------------ whole files -- */

static bool ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static int ap_open_file(void *state, const char *path, licit_err *err) {
  ap *a = state;
  bool zip = ends_with(path, ".zip");
  if (!zip && !ends_with(path, ".json")) return 0; /* JSON Lines */
  licit__outbox_close(a->outbox);
  a->outbox = NULL;
  int rc = licit__outbox_open(path, zip, &a->outbox, err);
  return rc ? rc : 1;
}

static int ap_next_item(void *state, const char **item, size_t *len, size_t *full_len, uint64_t *index,
                        licit_err *err) {
  ap *a = state;
  return a->outbox ? licit__outbox_next(a->outbox, item, len, full_len, index, err) : 0;
}

const licit_adapter licit_adapter_activitypub = {"activitypub", ap_create,    ap_record,   ap_destroy,
                                                 ap_open_file,  ap_next_item};
