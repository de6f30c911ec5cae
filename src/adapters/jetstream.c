/*
 * jetstream.c — Bluesky Jetstream v1 (`/subscribe`) JSON Lines as an adapter
 * (`--format jetstream`, SPEC section 8).
 *
 * One line is one Jetstream event {"did", "time_us", "kind", ...}:
 *   commit on app.bsky.feed.post        create -> post (public; parent from
 *                                       record.reply.parent.uri, mentions from
 *                                       record.facets), update -> edit (with
 *                                       mentions), delete -> delete
 *   commit on org.user-intents.declaration
 *                                       create/update -> preference from
 *                                       record.syntheticContentGeneration.allow
 *                                       (false deny, true allow, absent unset)
 *   account                             active false + status "deleted" ->
 *                                       account_delete; other active false ->
 *                                       account private; active true -> account
 *                                       not private
 * Lines are parsed with numbers out of range clamped (json.h): an unknown
 * field holding 1e400 does not reject the event, and an out-of-range time_us
 * says so.
 * Everything else (identity, other collections, unknown kinds, a declaration's
 * delete) is skipped, and so are edits/deletes of posts and deletions of
 * accounts the store has never seen (LICIT_EMIT_SKIP_UNKNOWN): a capture
 * starts in the middle of the network's history.
 *
 * ts is time_us.  Event ids make at-least-once delivery safe: Jetstream
 * replays (a reconnect with a cursor, two overlapping captures) repeat an
 * event with the same repo revision, so a commit's id is
 *   "js:" DID "/" COLLECTION "/" RKEY "@" REV
 * (a repo revision is unique per commit and one commit touches a record at
 * most once, so the id names exactly one operation; the cid would not do, a
 * delete has none and a re-created record can repeat one).  An account
 * event's id is "js:" DID "#account@" SEQ with the relay's sequence number
 * (account.seq), stable across Jetstream instances; time_us only when seq
 * is absent (time_us is Jetstream's own receive time, stable in its replays
 * but not across instances).  Ids over 256 bytes are hashed (common.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/common.h"

#define POST_COLLECTION "app.bsky.feed.post"
#define INTENT_COLLECTION "org.user-intents.declaration"

/* time_us limits: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z */
#define TS_MIN (-62135596800000000LL)
#define TS_MAX (253402300799999999LL)

typedef struct js {
  licit__region_tag tag; /* --region */
  licit_buf id, post;
  licit__strvs mentions;
} js;

static int js_create(void **state, const char *region) {
  js *j = calloc(1, sizeof *j);
  if (!j) return LICIT_ENOMEM;
  licit__region_tag_init(&j->tag, region);
  *state = j;
  return 0;
}

static void js_destroy(void *state) {
  js *j = state;
  if (!j) return;
  licit_buf_free(&j->id);
  licit_buf_free(&j->post);
  licit__strvs_free(&j->mentions);
  licit__region_tag_free(&j->tag);
  free(j);
}

#define MENTION_TYPE "app.bsky.richtext.facet#mention"

/* The `did` of each app.bsky.richtext.facet#mention feature in
 * record.facets, in order (repeats kept): ev->mentions, valid until the
 * next record.  Features of other types (links, tags) are passed over. */
static int facet_mentions(js *j, const licit_json *rec, licit_event *ev, licit_err *err) {
  licit_json *facets;
  char path[96];
  j->mentions.n = 0;
  int rc = licit__field_arr(rec, "facets", "commit.record.facets", false, &facets, err);
  if (rc < 0) return rc;
  for (size_t i = 0; rc == 0 && i < licit_json_array_size(facets); i++) {
    licit_json *facet = licit_json_array_get(facets, i), *features;
    snprintf(path, sizeof path, "commit.record.facets[%zu]", i);
    if (licit_json_typeof(facet) != LICIT_JSON_OBJECT) return licit__field_type_err(err, path, "an object", facet);
    snprintf(path, sizeof path, "commit.record.facets[%zu].features", i);
    int frc = licit__field_arr(facet, "features", path, false, &features, err);
    if (frc < 0) return frc;
    for (size_t k = 0; frc == 0 && k < licit_json_array_size(features); k++) {
      licit_json *f = licit_json_array_get(features, k);
      licit_strv type, did;
      snprintf(path, sizeof path, "commit.record.facets[%zu].features[%zu]", i, k);
      if (licit_json_typeof(f) != LICIT_JSON_OBJECT) return licit__field_type_err(err, path, "an object", f);
      snprintf(path, sizeof path, "commit.record.facets[%zu].features[%zu].$type", i, k);
      int trc = licit__field_str(f, "$type", path, false, &type, err);
      if (trc < 0) return trc;
      if (trc == 1 || !licit__eq(type, MENTION_TYPE)) continue;
      snprintf(path, sizeof path, "commit.record.facets[%zu].features[%zu].did", i, k);
      if ((trc = licit__field_str(f, "did", path, true, &did, err))) return trc;
      if ((trc = licit__strvs_push(&j->mentions, did))) return trc;
    }
  }
  ev->has_mentions = true; /* the record is whole: no facets, no mentions */
  ev->mentions = j->mentions.v;
  ev->n_mentions = j->mentions.n;
  return 0;
}

/* record.reply.parent.uri, when the post is a reply. */
static int reply_parent(const licit_json *rec, licit_event *ev, licit_err *err) {
  licit_json *reply, *parent;
  int rc = licit__field_obj(rec, "reply", "commit.record.reply", false, &reply, err);
  if (rc) return rc < 0 ? rc : 0;
  if ((rc = licit__field_obj(reply, "parent", "commit.record.reply.parent", true, &parent, err)) ||
      (rc = licit__field_str(parent, "uri", "commit.record.reply.parent.uri", true, &ev->parent, err)))
    return rc;
  if (ev->parent.n == 0) return licit_err_set(err, LICIT_EINVAL, "field \"commit.record.reply.parent.uri\" is empty");
  return 0;
}

static int post_commit(js *j, const licit_json *commit, licit_strv op, licit_event *ev, licit_sink *sink,
                       licit_err *err) {
  if (licit__eq(op, "delete")) {
    ev->type = LICIT_EV_DELETE;
    return licit__emit(&j->tag, sink, ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }
  licit_json *rec;
  int rc = licit__field_obj(commit, "record", "commit.record", true, &rec, err);
  if (rc) return rc;
  if ((rc = licit__field_str(rec, "text", "commit.record.text", true, &ev->text, err))) return rc;
  if ((rc = facet_mentions(j, rec, ev, err))) return rc;
  if (licit__eq(op, "update")) {
    ev->type = LICIT_EV_EDIT;
    return licit__emit(&j->tag, sink, ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }
  if ((rc = reply_parent(rec, ev, err))) return rc;
  ev->type = LICIT_EV_POST;
  ev->visibility = LICIT_VIS_PUBLIC;
  licit_json *langs = licit_json_get(rec, "langs");
  if (langs && licit_json_typeof(langs) != LICIT_JSON_NULL) {
    if (licit_json_typeof(langs) != LICIT_JSON_ARRAY)
      return licit__field_type_err(err, "commit.record.langs", "an array of strings", langs);
    if (licit_json_array_size(langs) > 0) {
      licit_json *l = licit_json_array_get(langs, 0);
      if (licit_json_typeof(l) != LICIT_JSON_STRING)
        return licit__field_type_err(err, "commit.record.langs[0]", "a string", l);
      ev->lang.p = licit_json_str(l, &ev->lang.n);
      ev->has_lang = ev->lang.n > 0; /* "" says no language: omitted (SPEC 5), as no langs */
      if (!ev->has_lang) ev->lang = (licit_strv){NULL, 0};
    }
  }
  return licit__emit(&j->tag, sink, ev, true, 0, err);
}

static int intent_commit(js *j, const licit_json *commit, licit_strv op, licit_event *ev, licit_sink *sink,
                         licit_err *err) {
  if (licit__eq(op, "delete")) return 1; /* SPEC 8 maps create and update only */
  licit_json *rec, *scg;
  int rc = licit__field_obj(commit, "record", "commit.record", true, &rec, err);
  if (rc) return rc;
  ev->type = LICIT_EV_PREFERENCE;
  ev->ai_training = LICIT_PREF_UNSET;
  rc = licit__field_obj(rec, "syntheticContentGeneration", "commit.record.syntheticContentGeneration", false,
                        &scg, err);
  if (rc < 0) return rc;
  if (rc == 0) {
    licit_json *allow = licit_json_get(scg, "allow");
    if (allow && licit_json_typeof(allow) != LICIT_JSON_NULL) {
      if (licit_json_typeof(allow) != LICIT_JSON_BOOL)
        return licit__field_type_err(err, "commit.record.syntheticContentGeneration.allow", "a boolean", allow);
      ev->ai_training = licit_json_bool(allow) ? LICIT_PREF_ALLOW : LICIT_PREF_DENY;
    }
  }
  return licit__emit(&j->tag, sink, ev, true, 0, err);
}

static int commit_event(js *j, const licit_json *root, licit_event *ev, licit_sink *sink, licit_err *err) {
  licit_json *commit;
  licit_strv op, coll, rkey, rev = {0}, cid;
  int rc = licit__field_obj(root, "commit", "commit", true, &commit, err);
  if (!rc) rc = licit__field_str(commit, "operation", "commit.operation", true, &op, err);
  if (!rc && !licit__eq(op, "create") && !licit__eq(op, "update") && !licit__eq(op, "delete"))
    rc = licit_err_set(err, LICIT_EINVAL,
                       "field \"commit.operation\": expected create, update or delete, got \"%.*s\"",
                       (int)(op.n > 40 ? 40 : op.n), op.p);
  if (!rc) rc = licit__field_str(commit, "collection", "commit.collection", true, &coll, err);
  if (!rc) rc = licit__field_str(commit, "rkey", "commit.rkey", true, &rkey, err);
  if (!rc && coll.n == 0) rc = licit_err_set(err, LICIT_EINVAL, "field \"commit.collection\" is empty");
  if (!rc && rkey.n == 0) rc = licit_err_set(err, LICIT_EINVAL, "field \"commit.rkey\" is empty");
  if (!rc) rc = licit__field_str(commit, "rev", "commit.rev", false, &rev, err);
  if (rc == 1) rc = 0;
  if (!rc) rc = licit__field_str(commit, "cid", "commit.cid", false, &cid, err);
  if (rc < 0) return rc;
  bool is_post = licit__eq(coll, POST_COLLECTION);
  if (!is_post && !licit__eq(coll, INTENT_COLLECTION)) return 1;

  licit_buf *id = &j->id;
  licit_buf_reset(id);
  rc = licit_buf_printf(id, "js:%.*s/%.*s/%.*s@", (int)ev->user.n, ev->user.p, (int)coll.n, coll.p, (int)rkey.n,
                        rkey.p);
  if (!rc) rc = rev.n ? licit_buf_add(id, rev.p, rev.n) : licit_buf_printf(id, "t%lld", (long long)ev->ts);
  if (!rc) rc = licit__id_fit(id, "js:");
  if (rc) return rc;
  ev->id.p = id->data;
  ev->id.n = id->len;
  if (!is_post) return intent_commit(j, commit, op, ev, sink, err);

  licit_buf *post = &j->post;
  licit_buf_reset(post);
  rc = licit_buf_printf(post, "at://%.*s/%s/%.*s", (int)ev->user.n, ev->user.p, POST_COLLECTION, (int)rkey.n,
                        rkey.p);
  if (rc) return rc;
  ev->post.p = post->data;
  ev->post.n = post->len;
  return post_commit(j, commit, op, ev, sink, err);
}

static int account_event(js *j, const licit_json *root, licit_event *ev, licit_sink *sink, licit_err *err) {
  licit_json *acct;
  licit_strv status = {0};
  int rc = licit__field_obj(root, "account", "account", true, &acct, err);
  if (rc) return rc;
  licit_json *active = licit_json_get(acct, "active");
  if (!active || licit_json_typeof(active) == LICIT_JSON_NULL)
    return licit_err_set(err, LICIT_EINVAL, "field \"account.active\" is required");
  if (licit_json_typeof(active) != LICIT_JSON_BOOL)
    return licit__field_type_err(err, "account.active", "a boolean", active);
  if ((rc = licit__field_str(acct, "status", "account.status", false, &status, err)) < 0) return rc;
  licit_json *seq = licit_json_get(acct, "seq");
  if (seq && licit_json_typeof(seq) != LICIT_JSON_NULL && licit_json_typeof(seq) != LICIT_JSON_INT)
    return licit__field_type_err(err, "account.seq", "an integer", seq);

  licit_buf *id = &j->id;
  licit_buf_reset(id);
  rc = licit_buf_printf(id, "js:%.*s#account@", (int)ev->user.n, ev->user.p);
  if (!rc)
    rc = seq && licit_json_typeof(seq) == LICIT_JSON_INT
             ? licit_buf_printf(id, "%lld", (long long)licit_json_int(seq))
             : licit_buf_printf(id, "t%lld", (long long)ev->ts);
  if (!rc) rc = licit__id_fit(id, "js:");
  if (rc) return rc;
  ev->id.p = id->data;
  ev->id.n = id->len;

  if (!licit_json_bool(active) && licit__eq(status, "deleted")) {
    ev->type = LICIT_EV_ACCOUNT_DELETE;
    return licit__emit(&j->tag, sink, ev, false, LICIT_EMIT_SKIP_UNKNOWN, err);
  }
  /* takendown, suspended, deactivated, desynchronized, throttled, unknown
   * statuses: the account's content is not public while it is inactive. */
  ev->type = LICIT_EV_ACCOUNT;
  ev->has_private = true;
  ev->private_ = !licit_json_bool(active);
  return licit__emit(&j->tag, sink, ev, true, 0, err);
}

static int js_event(js *j, const licit_json *root, licit_sink *sink, licit_err *err) {
  if (licit_json_typeof(root) != LICIT_JSON_OBJECT)
    return licit_err_set(err, LICIT_EINVAL, "not a JSON object (got %s): a Jetstream event is an object",
                         licit_json_type_name(licit_json_typeof(root)));
  licit_event ev = {0};
  licit_strv kind;
  int rc = licit__field_str(root, "did", "did", true, &ev.user, err);
  if (rc) return rc;
  if (ev.user.n < 5 || memcmp(ev.user.p, "did:", 4) != 0)
    return licit_err_set(err, LICIT_EINVAL, "field \"did\": expected a DID (did:METHOD:ID)");
  licit_json *t = licit_json_get(root, "time_us");
  if (!t || licit_json_typeof(t) == LICIT_JSON_NULL)
    return licit_err_set(err, LICIT_EINVAL, "field \"time_us\" is required");
  /* A real here is a number written with a fraction or exponent, or one
   * beyond 64 bits (clamped when parsed): say which. */
  if (licit_json_typeof(t) == LICIT_JSON_REAL && fabs(licit_json_real(t)) >= 9.2e18)
    return licit_err_set(err, LICIT_EINVAL,
                         "field \"time_us\": about %.3g, outside the years 0001-9999 (at most %lld microseconds)",
                         licit_json_real(t), (long long)TS_MAX);
  if (licit_json_typeof(t) != LICIT_JSON_INT)
    return licit__field_type_err(err, "time_us", "an integer (microseconds since the epoch)", t);
  ev.ts = licit_json_int(t);
  if (ev.ts < TS_MIN || ev.ts > TS_MAX)
    return licit_err_set(err, LICIT_EINVAL, "field \"time_us\": %lld is outside the years 0001-9999",
                         (long long)ev.ts);
  if ((rc = licit__field_str(root, "kind", "kind", true, &kind, err))) return rc;
  if (licit__eq(kind, "commit")) return commit_event(j, root, &ev, sink, err);
  if (licit__eq(kind, "account")) return account_event(j, root, &ev, sink, err);
  return 1; /* identity, and kinds added to Jetstream later */
}

static int js_record(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err) {
  licit_json *root;
  int rc = licit_json_parse_opts(line, len, LICIT_JSON_NUMBERS_CLAMP, &root, err);
  if (rc) return rc == LICIT_ENOMEM ? rc : LICIT_EINVAL;
  rc = js_event(state, root, sink, err);
  licit_json_free(root);
  return rc;
}

const licit_adapter licit_adapter_jetstream = {"jetstream", js_create, js_record, js_destroy, NULL, NULL};
