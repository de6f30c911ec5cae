/*
 * jsonbench.c — strictness and speed of candidate JSON parsers for licit's
 * event ingest (SPEC section 2: one JSON object per line, UTF-8).
 *
 * One backend is compiled in per binary, selected with -DBE_<NAME>:
 *   BE_JANSSON    jansson json_loadb(JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
 *                 JSON_DECODE_INT_AS_REAL)
 *   BE_JSONC      json-c json_tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8
 *   BE_CJSON      cJSON_ParseWithLengthOpts(require_null_terminated = 1)
 *   BE_YAJL_TREE  yajl_tree_parse (tree API; its options are fixed by yajl)
 *   BE_YAJL_CB    yajl callback API, default options (comments off, strings
 *                 validated), fields copied into a flat struct
 *   BE_JSMN       jsmn tokenizer, JSMN_STRICT, escapes decoded by us
 *
 * Every backend implements the same small interface (be_parse, be_is_object,
 * be_get, be_dups, be_free).  The harness then
 *   1. runs the strictness cases and prints one verdict per case, and
 *   2. times an ingest-like loop over generated event lines, twice:
 *      "native"  = parse + is-object + read type/ts/post/user/text + free;
 *      "strict"  = the same plus the caller-side checks this backend needs to
 *                  meet SPEC section 2 (see BE_CHECK_* below).
 *
 * Usage: ./jsonbench-<name> [cases|speed|all] [lines]      (default: all 200000)
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct str {
    const char *p; /* NULL if the field is absent or not a string */
    size_t n;
};

/* ------------------------------------------------------------------------ */
/* Caller-side checks (used only by backends that need them).               */
/* ------------------------------------------------------------------------ */

/* Strict UTF-8 validation (Unicode Table 3-7): rejects overlongs, encoded
 * surrogates (ED A0..BF), code points above U+10FFFF and truncated sequences.
 * JSON escapes are ASCII, so validating the raw line covers every string. */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path, 8 bytes at a time */
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) { i += 8; continue; }
        }
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return 0;
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* Returns 1 if the raw line holds an unpaired surrogate escape (\uD800-\uDBFF
 * not immediately followed by \uDC00-\uDFFF, or a lone \uDC00-\uDFFF).  Tracks
 * string state so that "\\ud800" (an escaped backslash) is not a false hit.
 * Malformed escapes are left to the parser. */
static int has_unpaired_surrogate(const char *s, size_t n)
{
    int in_str = 0;
    if (!memmem(s, n, "\\u", 2)) return 0; /* fast exit: no \u escape at all */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!in_str) { if (c == '"') in_str = 1; continue; }
        if (c == '"') { in_str = 0; continue; }
        if (c != '\\' || i + 1 >= n) continue;
        if (s[i + 1] != 'u') { i++; continue; }
        unsigned cp;
        if (i + 6 > n || !hex4(s + i + 2, &cp)) return 0; /* parser rejects */
        i += 5;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return 1;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (i + 7 > n || s[i + 1] != '\\' || s[i + 2] != 'u' ||
                !hex4(s + i + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                return 1;
            i += 6;
        }
    }
    return 0;
}

static int keyeq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

/* ------------------------------------------------------------------------ */
/* Backends                                                                 */
/* ------------------------------------------------------------------------ */
/* BE_CHECK_UTF8/SURR/DUPS: which caller-side checks the "strict" pipeline
 * adds for this backend.  They are set from the measured strictness results. */

#if defined(BE_JANSSON)
#include <jansson.h>
#define BE_NAME "jansson"
/* JSON_DECODE_INT_AS_REAL: accept integers beyond int64 (valid JSON) instead
 * of failing; licit has no integer fields.  -DJANSSON_EXTRA_FLAGS=0 to compare. */
#ifndef JANSSON_EXTRA_FLAGS
#define JANSSON_EXTRA_FLAGS JSON_DECODE_INT_AS_REAL
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define BE_FLAGS "json_loadb(JSON_REJECT_DUPLICATES|JSON_ALLOW_NUL|" STR(JANSSON_EXTRA_FLAGS) ")"
#define BE_CHECK_UTF8 0
#define BE_CHECK_SURR 0
#define BE_CHECK_DUPS 0

static void *be_parse(const char *s, size_t n)
{
    json_error_t err;
    return json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JANSSON_EXTRA_FLAGS, &err);
}
static int be_is_object(void *d) { return json_is_object((json_t *)d); }
static int be_get(void *d, const char *key, struct str *out)
{
    json_t *v = json_object_get((json_t *)d, key);
    if (!json_is_string(v)) return 0;
    out->p = json_string_value(v);
    out->n = json_string_length(v);
    return 1;
}
static int be_dups(void *d) { (void)d; return 0; } /* rejected natively */
static void be_free(void *d) { json_decref((json_t *)d); }

#elif defined(BE_JSONC)
#include <json-c/json.h>
#define BE_NAME "json-c"
#define BE_FLAGS "json_tokener STRICT|VALIDATE_UTF8, depth 32, parse_end==len"
#define BE_CHECK_UTF8 0
#define BE_CHECK_SURR 1
#define BE_CHECK_DUPS 1

static struct json_tokener *tok;
static void *be_parse(const char *s, size_t n)
{
    if (!tok) {
        tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    }
    json_tokener_reset(tok);
    json_object *o = json_tokener_parse_ex(tok, s, (int)n);
    if (o && json_tokener_get_error(tok) == json_tokener_success) {
        size_t end = json_tokener_get_parse_end(tok);
        while (end < n && (s[end] == ' ' || s[end] == '\t' || s[end] == '\r' || s[end] == '\n'))
            end++;
        if (end == n) return o;
    }
    json_object_put(o);
    return NULL;
}
static int be_is_object(void *d) { return json_object_is_type((json_object *)d, json_type_object); }
static int be_get(void *d, const char *key, struct str *out)
{
    json_object *v;
    if (!json_object_object_get_ex((json_object *)d, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return 0;
    out->p = json_object_get_string(v);
    out->n = (size_t)json_object_get_string_len(v);
    return 1;
}
/* Walk every object and compare its keys pairwise.  json-c stores objects in
 * a hash table; this can only find duplicates if json-c kept both entries. */
static int jc_dups(json_object *o)
{
    if (json_object_is_type(o, json_type_array)) {
        size_t n = json_object_array_length(o);
        for (size_t i = 0; i < n; i++)
            if (jc_dups(json_object_array_get_idx(o, i))) return 1;
        return 0;
    }
    if (!json_object_is_type(o, json_type_object)) return 0;
    struct lh_entry *a, *b;
    for (a = json_object_get_object(o)->head; a; a = a->next) {
        for (b = a->next; b; b = b->next)
            if (strcmp((const char *)lh_entry_k(a), (const char *)lh_entry_k(b)) == 0) return 1;
        if (jc_dups((json_object *)lh_entry_v(a))) return 1;
    }
    return 0;
}
static int be_dups(void *d) { return jc_dups((json_object *)d); }
static void be_free(void *d) { json_object_put((json_object *)d); }

#elif defined(BE_CJSON)
#include <cjson/cJSON.h>
#define BE_NAME "cJSON"
#define BE_FLAGS "cJSON_ParseWithLengthOpts(len), parse_end==len after whitespace"
#define BE_CHECK_UTF8 1
#define BE_CHECK_SURR 0
#define BE_CHECK_DUPS 1

static void *be_parse(const char *s, size_t n)
{
    /* require_null_terminated wants the NUL inside the length; instead
     * check that only whitespace follows the value. */
    const char *end;
    cJSON *o = cJSON_ParseWithLengthOpts(s, n, &end, 0);
    if (!o) return NULL;
    while (end < s + n && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
    if (end == s + n) return o;
    cJSON_Delete(o);
    return NULL;
}
static int be_is_object(void *d) { return cJSON_IsObject((cJSON *)d); }
static int be_get(void *d, const char *key, struct str *out)
{
    /* case-sensitive, first match; cJSON strings are NUL-terminated */
    cJSON *v = cJSON_GetObjectItemCaseSensitive((cJSON *)d, key);
    if (!cJSON_IsString(v)) return 0;
    out->p = v->valuestring;
    out->n = strlen(v->valuestring);
    return 1;
}
/* cJSON keeps duplicate members in its child list: compare pairwise. */
static int cj_dups(const cJSON *o)
{
    for (const cJSON *a = o ? o->child : NULL; a; a = a->next) {
        if (cJSON_IsObject(o))
            for (const cJSON *b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0) return 1;
        if (cj_dups(a)) return 1;
    }
    return 0;
}
static int be_dups(void *d) { return cj_dups((cJSON *)d); }
static void be_free(void *d) { cJSON_Delete((cJSON *)d); }

#elif defined(BE_YAJL_TREE)
#include <yajl/yajl_tree.h>
#define BE_NAME "yajl-tree"
#define BE_FLAGS "yajl_tree_parse (needs NUL-terminated input)"
#define BE_CHECK_UTF8 1
#define BE_CHECK_SURR 1
#define BE_CHECK_DUPS 1

static void *be_parse(const char *s, size_t n)
{
    (void)n; /* the harness always passes NUL-terminated lines */
    char err[128];
    return yajl_tree_parse(s, err, sizeof err);
}
static int be_is_object(void *d) { return YAJL_IS_OBJECT((yajl_val)d); }
static int be_get(void *d, const char *key, struct str *out)
{
    yajl_val o = d;
    for (size_t i = 0; i < o->u.object.len; i++)
        if (strcmp(o->u.object.keys[i], key) == 0) {
            yajl_val v = o->u.object.values[i];
            if (!YAJL_IS_STRING(v)) return 0;
            out->p = v->u.string;
            out->n = strlen(v->u.string);
            return 1;
        }
    return 0;
}
static int yt_dups(yajl_val v)
{
    if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len; i++)
            if (yt_dups(v->u.array.values[i])) return 1;
    } else if (YAJL_IS_OBJECT(v)) {
        for (size_t i = 0; i < v->u.object.len; i++) {
            for (size_t j = i + 1; j < v->u.object.len; j++)
                if (strcmp(v->u.object.keys[i], v->u.object.keys[j]) == 0) return 1;
            if (yt_dups(v->u.object.values[i])) return 1;
        }
    }
    return 0;
}
static int be_dups(void *d) { return yt_dups((yajl_val)d); }
static void be_free(void *d) { yajl_tree_free((yajl_val)d); }

#elif defined(BE_YAJL_CB)
#include <yajl/yajl_parse.h>
#define BE_NAME "yajl-cb"
#define BE_FLAGS "yajl_alloc + callbacks, default config (yajl_dont_validate_strings=0)"
#define BE_CHECK_UTF8 1
#define BE_CHECK_SURR 1
#define BE_CHECK_DUPS 1 /* done inside the map_key callback when enabled */

/* The flat struct the callbacks fill.  yajl hands strings as (ptr, len) that
 * are only valid during the callback, so wanted fields are copied. */
/* "s" is only used by the strictness cases */
enum { F_TYPE, F_TS, F_POST, F_USER, F_TEXT, F_S, NFIELDS, F_NONE = -1 };
static const char *const fnames[NFIELDS] = {"type", "ts", "post", "user", "text", "s"};
#define MAXDEPTH 256
struct cbdoc {
    int depth;          /* current nesting depth, 1 = top-level object */
    int top_is_object;
    int pending;        /* field index the next depth-1 value belongs to */
    int dup;            /* duplicate key seen (only when dupcheck) */
    int dupcheck;
    char *buf[NFIELDS];
    size_t len[NFIELDS], cap[NFIELDS];
    int have[NFIELDS];
    /* duplicate detection: keys of all open objects, stacked in one arena */
    char *karena; size_t kused, kcap;
    size_t *koff; size_t nkeys, kmax;    /* offset of each key (len-prefixed) */
    size_t objstart[MAXDEPTH];           /* first key index of each open object */
    size_t objkused[MAXDEPTH];           /* arena fill level when it opened */
    int isobj[MAXDEPTH];
};
static struct cbdoc cbd; /* reused across lines, like ingest would */
static int g_dupcheck;

static void cb_value(struct cbdoc *d) { if (d->depth == 1) d->pending = F_NONE; }
static int cb_null(void *c) { cb_value(c); return 1; }
static int cb_bool(void *c, int b) { (void)b; cb_value(c); return 1; }
static int cb_number(void *c, const char *s, size_t n) { (void)s; (void)n; cb_value(c); return 1; }
static int cb_string(void *c, const unsigned char *s, size_t n)
{
    struct cbdoc *d = c;
    if (d->depth == 1 && d->pending != F_NONE) {
        int f = d->pending;
        if (n + 1 > d->cap[f]) { d->cap[f] = n + 64; d->buf[f] = realloc(d->buf[f], d->cap[f]); }
        memcpy(d->buf[f], s, n);
        d->buf[f][n] = 0;
        d->len[f] = n;
        d->have[f] = 1;
    }
    cb_value(d);
    return 1;
}
static int cb_open(struct cbdoc *d, int obj)
{
    if (d->depth == 0) d->top_is_object = obj;
    cb_value(d);
    if (++d->depth >= MAXDEPTH) return 0; /* abort: too deep */
    d->isobj[d->depth] = obj;
    d->objstart[d->depth] = d->nkeys;
    d->objkused[d->depth] = d->kused;
    return 1;
}
static int cb_start_map(void *c) { return cb_open(c, 1); }
static int cb_start_array(void *c) { return cb_open(c, 0); }
static int cb_close(void *c)
{
    struct cbdoc *d = c;
    if (d->dupcheck && d->isobj[d->depth]) {
        d->nkeys = d->objstart[d->depth]; /* drop this object's keys */
        d->kused = d->objkused[d->depth];
    }
    d->depth--;
    return 1;
}
static int cb_map_key(void *c, const unsigned char *k, size_t n)
{
    struct cbdoc *d = c;
    if (d->depth == 1) {
        d->pending = F_NONE;
        for (int f = 0; f < NFIELDS; f++)
            if (keyeq((const char *)k, n, fnames[f], strlen(fnames[f]))) { d->pending = f; break; }
    }
    if (!d->dupcheck) return 1;
    for (size_t i = d->objstart[d->depth]; i < d->nkeys; i++) {
        const char *e = d->karena + d->koff[i];
        if (keyeq(e + sizeof(size_t), *(const size_t *)e, (const char *)k, n)) { d->dup = 1; return 0; }
    }
    /* append (len, bytes) to the arena, size_t-aligned */
    size_t need = sizeof(size_t) + ((n + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1));
    if (d->kused + need > d->kcap) { d->kcap = (d->kused + need) * 2; d->karena = realloc(d->karena, d->kcap); }
    if (d->nkeys == d->kmax) { d->kmax = d->kmax ? d->kmax * 2 : 64; d->koff = realloc(d->koff, d->kmax * sizeof *d->koff); }
    memcpy(d->karena + d->kused, &n, sizeof n);
    memcpy(d->karena + d->kused + sizeof n, k, n);
    d->koff[d->nkeys++] = d->kused;
    d->kused += need;
    return 1;
}
static const yajl_callbacks cbs = {
    cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_close, cb_start_array, cb_close,
};
static void *be_parse(const char *s, size_t n)
{
    struct cbdoc *d = &cbd;
    d->depth = 0; d->top_is_object = 0; d->pending = F_NONE; d->dup = 0;
    d->dupcheck = g_dupcheck; d->nkeys = 0; d->kused = 0;
    memset(d->have, 0, sizeof d->have);
    /* yajl 2 has no reset: one handle per line */
    yajl_handle h = yajl_alloc(&cbs, NULL, d);
    int ok = yajl_parse(h, (const unsigned char *)s, n) == yajl_status_ok &&
             yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    /* a duplicate aborts the parse from the callback: report it as
     * "accepted, detected by caller" so the verdict table can tell. */
    return ok || d->dup ? d : NULL;
}
static int be_is_object(void *d) { return ((struct cbdoc *)d)->top_is_object; }
static int be_get(void *v, const char *key, struct str *out)
{
    struct cbdoc *d = v;
    for (int f = 0; f < NFIELDS; f++)
        if (strcmp(key, fnames[f]) == 0 && d->have[f]) {
            out->p = d->buf[f]; out->n = d->len[f];
            return 1;
        }
    return 0;
}
static int be_dups(void *d) { return ((struct cbdoc *)d)->dup; }
static void be_free(void *d) { (void)d; }
#define BE_DUPCHECK_IN_PARSE 1

#elif defined(BE_JSMN)
#define JSMN_STRICT
#define JSMN_STATIC
#include <jsmn.h>
#define BE_NAME "jsmn"
#define BE_FLAGS "JSMN_STRICT, tokens only; escapes decoded by caller"
#define BE_CHECK_UTF8 1
#define BE_CHECK_SURR 1
#define BE_CHECK_DUPS 1

/* jsmn only tokenizes: it does not check number/literal grammar, control
 * characters, UTF-8, or decode escapes.  This backend adds the minimum to
 * make it usable: top-level single-value check, string unescaping on read,
 * and (in be_dups) a raw key comparison. */
struct jdoc {
    const char *s; size_t n;
    jsmntok_t *t; int nt, cap;
    char *dec; size_t deccap;     /* decoded value of the last be_get */
};
static struct jdoc jd;
static int jsmn_skip(const jsmntok_t *t, int i)
{
    int pending = 1;
    while (pending) { pending += t[i].size - 1; i++; }
    return i;
}
static void *be_parse(const char *s, size_t n)
{
    struct jdoc *d = &jd;
    jsmn_parser p;
    if (!d->t) { d->cap = 256; d->t = malloc(d->cap * sizeof *d->t); }
    for (;;) {
        jsmn_init(&p);
        d->nt = jsmn_parse(&p, s, n, d->t, (unsigned)d->cap);
        if (d->nt != JSMN_ERROR_NOMEM) break;
        d->cap *= 4; d->t = realloc(d->t, d->cap * sizeof *d->t);
    }
    if (d->nt <= 0) return NULL;
    /* exactly one top-level value (jsmn happily reads "{}{}") */
    if (jsmn_skip(d->t, 0) != d->nt) return NULL;
    d->s = s; d->n = n;
    return d;
}
static int be_is_object(void *v) { return ((struct jdoc *)v)->t[0].type == JSMN_OBJECT; }
static void put_utf8(char **o, unsigned cp)
{
    char *p = *o;
    if (cp < 0x80) *p++ = (char)cp;
    else if (cp < 0x800) { *p++ = (char)(0xC0 | cp >> 6); *p++ = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) { *p++ = (char)(0xE0 | cp >> 12); *p++ = (char)(0x80 | (cp >> 6 & 0x3F)); *p++ = (char)(0x80 | (cp & 0x3F)); }
    else { *p++ = (char)(0xF0 | cp >> 18); *p++ = (char)(0x80 | (cp >> 12 & 0x3F)); *p++ = (char)(0x80 | (cp >> 6 & 0x3F)); *p++ = (char)(0x80 | (cp & 0x3F)); }
    *o = p;
}
/* Decode a JSON string body (escapes already syntax-checked by JSMN_STRICT). */
static size_t unescape(const char *s, size_t n, char *out)
{
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') { *o++ = s[i]; continue; }
        char c = s[++i];
        switch (c) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            hex4(s + i + 1, &cp); i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < n && s[i + 1] == '\\' &&
                s[i + 2] == 'u' && hex4(s + i + 3, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            put_utf8(&o, cp);
            break;
        }
        default: *o++ = c; /* " \ / */
        }
    }
    return (size_t)(o - out);
}
static int be_get(void *v, const char *key, struct str *out)
{
    struct jdoc *d = v;
    size_t kn = strlen(key);
    int i = 1;
    for (int k = 0; k < d->t[0].size; k++) {
        jsmntok_t *kt = &d->t[i], *vt = &d->t[i + 1];
        /* raw key compare: a key spelled with escapes would not match */
        if (keyeq(d->s + kt->start, (size_t)(kt->end - kt->start), key, kn)) {
            if (vt->type != JSMN_STRING) return 0;
            size_t rn = (size_t)(vt->end - vt->start);
            if (rn + 1 > d->deccap) { d->deccap = rn + 64; d->dec = realloc(d->dec, d->deccap); }
            /* one decode buffer per field would be needed in real use; the
             * bench reads each field right away, so reusing it is enough */
            out->n = unescape(d->s + vt->start, rn, d->dec);
            out->p = d->dec;
            return 1;
        }
        i = jsmn_skip(d->t, i + 1);
    }
    return 0;
}
/* Raw key comparison within each object ("a" vs "\u0061" is missed). */
static int be_dups(void *v)
{
    struct jdoc *d = v;
    for (int i = 0; i < d->nt; i++) {
        if (d->t[i].type != JSMN_OBJECT) continue;
        int a = i + 1;
        for (int k = 0; k < d->t[i].size; k++) {
            int b = jsmn_skip(d->t, a + 1);
            for (int m = k + 1; m < d->t[i].size; m++) {
                if (keyeq(d->s + d->t[a].start, (size_t)(d->t[a].end - d->t[a].start),
                          d->s + d->t[b].start, (size_t)(d->t[b].end - d->t[b].start)))
                    return 1;
                b = jsmn_skip(d->t, b + 1);
            }
            a = jsmn_skip(d->t, a + 1);
        }
    }
    return 0;
}
static void be_free(void *d) { (void)d; }

#else
#error "define one of BE_JANSSON BE_JSONC BE_CJSON BE_YAJL_TREE BE_YAJL_CB BE_JSMN"
#endif

#ifndef BE_DUPCHECK_IN_PARSE
static int g_dupcheck; /* unused by tree backends: they check after parsing */
#endif

/* ------------------------------------------------------------------------ */
/* Strictness cases                                                         */
/* ------------------------------------------------------------------------ */

enum { REJECT, ACCEPT, EITHER };
struct tcase {
    const char *name;
    const char *json;    /* NULL: built at run time (deep nesting) */
    int expect;          /* what SPEC section 2 / RFC 8259 requires */
    const char *sval;    /* expected decoded value of key "s" when accepted */
    size_t slen;
};
#define S(lit) lit, sizeof(lit) - 1

static struct tcase cases[] = {
    {"plain object", "{\"s\":\"abc\"}", ACCEPT, S("abc")},
    {"CRLF line end", "{\"s\":\"abc\"}\r", ACCEPT, S("abc")},
    {"non-ASCII UTF-8", "{\"s\":\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"}", ACCEPT, S("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80")},
    {"invalid UTF-8 \\xff", "{\"s\":\"a\xff" "b\"}", REJECT, NULL, 0},
    {"overlong \\xc0\\xaf", "{\"s\":\"a\xc0\xaf" "b\"}", REJECT, NULL, 0},
    {"UTF-8 surrogate \\xed\\xa0\\x80", "{\"s\":\"a\xed\xa0\x80" "b\"}", REJECT, NULL, 0},
    {"> U+10FFFF \\xf4\\x90\\x80\\x80", "{\"s\":\"a\xf4\x90\x80\x80" "b\"}", REJECT, NULL, 0},
    {"truncated \\xe6\\x97", "{\"s\":\"a\xe6\x97\"}", REJECT, NULL, 0},
    {"invalid UTF-8 in key", "{\"\xff\":1}", REJECT, NULL, 0},
    {"lone \\ud800", "{\"s\":\"a\\ud800b\"}", REJECT, NULL, 0},
    {"lone \\ud800 at end", "{\"s\":\"a\\ud800\"}", REJECT, NULL, 0},
    {"lone \\udc00", "{\"s\":\"a\\udc00b\"}", REJECT, NULL, 0},
    {"\\ud800\\u0041", "{\"s\":\"\\ud800\\u0041\"}", REJECT, NULL, 0},
    {"pair \\ud83d\\ude00", "{\"s\":\"\\ud83d\\ude00\"}", ACCEPT, S("\xf0\x9f\x98\x80")},
    {"escaped backslash \\\\ud800", "{\"s\":\"\\\\ud800\"}", ACCEPT, S("\\ud800")},
    {"\\u0000 kept", "{\"s\":\"a\\u0000b\"}", ACCEPT, S("a\0b")},
    {"\\u0000 in key (valid)", "{\"s\\u0000x\":\"bad\",\"s\":\"x\"}", ACCEPT, S("x")},
    {"raw control char in string", "{\"s\":\"a\tb\"}", REJECT, NULL, 0},
    {"NaN", "{\"a\":NaN}", REJECT, NULL, 0},
    {"nan", "{\"a\":nan}", REJECT, NULL, 0},
    {"Infinity", "{\"a\":Infinity}", REJECT, NULL, 0},
    {"-Infinity", "{\"a\":-Infinity}", REJECT, NULL, 0},
    {"duplicate key", "{\"a\":1,\"a\":2}", REJECT, NULL, 0},
    {"duplicate key, nested", "{\"o\":{\"a\":1,\"a\":2}}", REJECT, NULL, 0},
    {"duplicate via escape a/\\u0061", "{\"a\":1,\"\\u0061\":2}", REJECT, NULL, 0},
    {"trailing garbage", "{\"a\":1}x", REJECT, NULL, 0},
    {"two objects", "{\"a\":1}{\"b\":2}", REJECT, NULL, 0},
    {"top-level array", "[1]", REJECT, NULL, 0},
    {"top-level string", "\"s\"", REJECT, NULL, 0},
    {"top-level number", "1", REJECT, NULL, 0},
    {"leading zero 01", "{\"a\":01}", REJECT, NULL, 0},
    {"bad number 1.", "{\"a\":1.}", REJECT, NULL, 0},
    {"bad literal tru", "{\"a\":tru}", REJECT, NULL, 0},
    {"trailing comma", "{\"a\":1,}", REJECT, NULL, 0},
    {"comment /* */", "{\"a\":1 /* c */}", REJECT, NULL, 0},
    {"comment //", "{\"a\":1} // c", REJECT, NULL, 0},
    {"single quotes", "{'a':'b'}", REJECT, NULL, 0},
    {"huge integer (valid JSON)", "{\"s\":\"x\",\"n\":123456789012345678901234567890}", ACCEPT, S("x")},
    {"huge exponent 1e400 (valid)", "{\"s\":\"x\",\"n\":1e400}", ACCEPT, S("x")},
    {"nesting depth 40 (valid)", NULL, ACCEPT, S("x")},
    {"nesting depth 100000 (valid)", NULL, EITHER, S("x")},
};
#define NCASES (sizeof cases / sizeof cases[0])

static char *deep(int depth)
{
    char *b = malloc((size_t)depth * 2 + 32), *p = b;
    p += sprintf(p, "{\"s\":\"x\",\"d\":");
    for (int i = 0; i < depth; i++) *p++ = '[';
    for (int i = 0; i < depth; i++) *p++ = ']';
    strcpy(p, "}");
    return b;
}

static void print_bytes(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') putchar(c); else printf("\\x%02x", c);
    }
}

/* Verdicts:
 *   rejected     library rejects (correct when the spec rejects)
 *   accepted     library accepts, value correct (correct when valid)
 *   acc+caller   library accepts, a cheap caller check (BE_CHECK_*) rejects
 *   ACCEPTED!    library accepts something the spec rejects, not caught
 *   ALTERED!     library accepts but the decoded value differs
 *   REJECTED!    library rejects valid JSON                                 */
static void run_cases(void)
{
    cases[NCASES - 2].json = deep(40);
    cases[NCASES - 1].json = deep(100000);
    printf("# %s: %s\n", BE_NAME, BE_FLAGS);
    printf("# caller checks in strict pipeline: utf8=%d surrogates=%d dups=%d, plus top-level object\n",
           BE_CHECK_UTF8, BE_CHECK_SURR, BE_CHECK_DUPS);
    g_dupcheck = 1;
    for (size_t i = 0; i < NCASES; i++) {
        const struct tcase *c = &cases[i];
        size_t n = strlen(c->json);
        void *d = be_parse(c->json, n);
        const char *v;
        struct str s = {0};
        int got_s = 0;
        if (!d) {
            v = c->expect == ACCEPT ? "REJECTED!" : "rejected";
        } else {
            int caught = !be_is_object(d) || be_dups(d) == 1 ||
                         (BE_CHECK_UTF8 && !utf8_valid((const unsigned char *)c->json, n)) ||
                         (BE_CHECK_SURR && has_unpaired_surrogate(c->json, n));
            got_s = be_is_object(d) && be_get(d, "s", &s);
            int altered = c->sval && (!got_s || !keyeq(s.p, s.n, c->sval, c->slen));
            if (c->expect == REJECT)
                v = caught ? "acc+caller" : "ACCEPTED!";
            else
                v = caught ? "REJECTED!" : altered ? "ALTERED!" : "accepted";
        }
        printf("%-32s %-11s", c->name, v);
        if (got_s && (!c->sval || !keyeq(s.p, s.n, c->sval, c->slen))) {
            printf(" s=\"");
            print_bytes(s.p, s.n);
            printf("\" (%zu bytes)", s.n);
        }
        putchar('\n');
        fflush(stdout); /* keep output if a library crashes on a later case */
        if (d) be_free(d);
    }
}

/* ------------------------------------------------------------------------ */
/* Event generator (deterministic)                                          */
/* ------------------------------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Words for "text"; some need JSON escaping, some are raw non-ASCII UTF-8,
 * a few are \u escapes (incl. a surrogate pair) as some producers emit. */
static const char *const words[] = {
    "the", "a", "photo", "from", "today", "at", "the", "beach", "with", "friends",
    "caf\xc3\xa9", "na\xc3\xafve", "Stra\xc3\x9f" "e", "\xc3\xbc" "ber", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
    "\xf0\x9f\x98\x80", "\xf0\x9f\x8c\x8a", "love", "this", "new", "recipe", "#summer", "@alice",
    "\\\"quoted\\\"", "line\\nbreak", "caf\\u00e9", "\\ud83d\\ude80", "https://example.org/x?y=1",
    "I", "do", "not", "give", "permission", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
};
#define NWORDS (sizeof words / sizeof words[0])

static char *gen_ts(char *p)
{
    return p + sprintf(p, "2024-%02u-%02uT%02u:%02u:%02u.%03uZ", 1 + rnd(12), 1 + rnd(28),
                       rnd(24), rnd(60), rnd(60), rnd(1000));
}
static char *gen_text(char *p)
{
    unsigned target = 100 + rnd(201);
    char *start = p;
    while ((unsigned)(p - start) < target) {
        if (p != start) *p++ = ' ';
        const char *w = words[rnd(NWORDS)];
        size_t n = strlen(w);
        memcpy(p, w, n);
        p += n;
    }
    return p;
}

/* Returns a buffer of NUL-separated lines; *offs gets each line's offset. */
static char *gen_lines(size_t nlines, size_t **offs, size_t *total_json)
{
    size_t cap = nlines * 600, used = 0;
    char *buf = malloc(cap);
    *offs = malloc((nlines + 1) * sizeof **offs);
    static const char *const vis[] = {"public", "unlisted", "followers", "private"};
    static const char *const reg[] = {"DE", "FR", "US", "GB", "BR", "JP", ""};
    static const char *const pref[] = {"allow", "deny", "unset"};
    static const char *const langs[] = {"en", "fr", "de", "ja"};
    *total_json = 0;
    for (size_t i = 0; i < nlines; i++) {
        char *p = buf + used;
        (*offs)[i] = used;
        unsigned r = rnd(100);
        p += sprintf(p, "{\"id\":\"e%zu\",\"type\":", i);
        if (r < 55) {
            p += sprintf(p, "\"post\",\"ts\":\"");
            p = gen_ts(p);
            p += sprintf(p, "\",\"post\":\"p%u\",\"user\":\"u%u\",\"visibility\":\"%s\",\"text\":\"",
                         rnd(1000000), rnd(50000), vis[rnd(10) < 7 ? 0 : rnd(4)]);
            p = gen_text(p);
            p += sprintf(p, "\",\"lang\":\"%s\"", langs[rnd(4)]);
            if (rnd(4) == 0) p += sprintf(p, ",\"kind\":\"comment\"");
            if (rnd(5) == 0) p += sprintf(p, ",\"signals\":[\"noai\"]");
        } else if (r < 70) {
            p += sprintf(p, "\"edit\",\"ts\":\"");
            p = gen_ts(p);
            p += sprintf(p, "\",\"post\":\"p%u\",\"text\":\"", rnd(1000000));
            p = gen_text(p);
            p += sprintf(p, "\"%s", rnd(3) == 0 ? ",\"signals\":[]" : "");
        } else if (r < 80) {
            p += sprintf(p, "\"visibility\",\"ts\":\"");
            p = gen_ts(p);
            p += sprintf(p, "\",\"post\":\"p%u\",\"visibility\":\"%s\"", rnd(1000000), vis[rnd(4)]);
        } else if (r < 85) {
            p += sprintf(p, "\"delete\",\"ts\":\"");
            p = gen_ts(p);
            p += sprintf(p, "\",\"post\":\"p%u\"", rnd(1000000));
        } else if (r < 93) {
            p += sprintf(p, "\"account\",\"ts\":\"");
            p = gen_ts(p);
            p += sprintf(p, "\",\"user\":\"u%u\",\"region\":\"%s\"%s", rnd(50000), reg[rnd(7)],
                         rnd(4) == 0 ? ",\"private\":true" : "");
        } else {
            p += sprintf(p, "\"preference\",\"ts\":\"");
            p = gen_ts(p);
            p += sprintf(p, "\",\"user\":\"u%u\",\"ai_training\":\"%s\"", rnd(50000), pref[rnd(3)]);
        }
        *p++ = '}';
        *total_json += (size_t)(p - (buf + used));
        *p++ = '\0';
        used = (size_t)(p - buf);
        if (cap - used < 4096) { cap *= 2; buf = realloc(buf, cap); }
    }
    (*offs)[nlines] = used;
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Speed                                                                    */
/* ------------------------------------------------------------------------ */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static size_t sink; /* keeps the compiler from dropping field reads */

/* One ingest pass: per line, (checks), parse, read fields, free. */
static size_t pass(const char *buf, const size_t *offs, size_t nlines, int strict)
{
    static const char *const keys[] = {"type", "ts", "post", "user", "text"};
    size_t ok = 0;
    g_dupcheck = strict && BE_CHECK_DUPS;
    for (size_t i = 0; i < nlines; i++) {
        const char *s = buf + offs[i];
        size_t n = offs[i + 1] - offs[i] - 1;
        if (strict && BE_CHECK_UTF8 && !utf8_valid((const unsigned char *)s, n)) continue;
        if (strict && BE_CHECK_SURR && has_unpaired_surrogate(s, n)) continue;
        void *d = be_parse(s, n);
        if (!d) continue;
        if (be_is_object(d) && !(strict && BE_CHECK_DUPS && be_dups(d))) {
            struct str f;
            for (int k = 0; k < 5; k++)
                if (be_get(d, keys[k], &f)) sink += f.n + (unsigned char)f.p[0];
            ok++;
        }
        be_free(d);
    }
    return ok;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void run_speed(size_t nlines)
{
    size_t *offs, bytes;
    char *buf = gen_lines(nlines, &offs, &bytes);
    printf("# %zu lines, %.1f MB of JSON (avg %.0f bytes/line)\n", nlines, bytes / 1e6,
           (double)bytes / (double)nlines);
    for (int strict = 0; strict <= 1; strict++) {
        double t[5];
        size_t ok = 0;
        pass(buf, offs, nlines, strict); /* warm-up: heap, caches, CPU clock */
        for (int r = 0; r < 5; r++) {
            double t0 = now();
            ok = pass(buf, offs, nlines, strict);
            t[r] = now() - t0;
        }
        qsort(t, 5, sizeof t[0], cmpd);
        printf("SPEED %-10s %-6s accepted=%zu median=%.3fs  %.0f lines/s  %.1f MB/s\n", BE_NAME,
               strict ? "strict" : "native", ok, t[2], nlines / t[2], bytes / 1e6 / t[2]);
    }
    free(buf);
    free(offs);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "all";
    size_t nlines = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000;
    if (strcmp(mode, "speed") != 0) run_cases();
    if (strcmp(mode, "cases") != 0) run_speed(nlines);
    return sink == 42; /* use sink */
}
