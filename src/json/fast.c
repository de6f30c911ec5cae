/*
 * fast.c — the strict single-object JSON reader (see fast.h).
 *
 * One pass, no allocation per value: decoded strings go to an arena
 * reserved at the input's size up front (a decoded string is never longer
 * than its source), so offsets taken during the pass stay valid; pointers
 * are made at the end.  Keys of every object are kept on a stack of
 * (offset, length) pairs and checked for repeats when the object closes.
 */
#include "json/fast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct span {
  size_t off, n;
} span;

typedef struct item {
  licit_json_type type;
  span s;
  bool b;
} item;

typedef struct want {
  licit_json_type type;
  span s;
  bool b;
  size_t first_item, n_items;
} want;

struct licit_fast {
  licit_buf arena;
  span *keys;
  size_t nkeys, capkeys;
  item *items;
  size_t nitems, capitems;
  licit_fval *outitems;
  size_t capout;
  /* per parse */
  const unsigned char *p, *start, *end;
  const char *why;
  size_t where;
  int depth;
  span dup; /* the repeated key, when why is "duplicate object key" */
};

int licit_fast_create(licit_fast **out) {
  licit_fast *f = calloc(1, sizeof *f);
  if (!f) return LICIT_ENOMEM;
  *out = f;
  return 0;
}

void licit_fast_destroy(licit_fast *f) {
  if (!f) return;
  licit_buf_free(&f->arena);
  free(f->keys);
  free(f->items);
  free(f->outitems);
  free(f);
}

#define FAIL(msg)                                        \
  do {                                                   \
    if (!f->why) {                                       \
      f->why = (msg);                                    \
      f->where = (size_t)(f->p - f->start);              \
    }                                                    \
    return -1;                                           \
  } while (0)

static void ws(licit_fast *f) {
  while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r')) f->p++;
}

static int hex4(const unsigned char *s, unsigned *v) {
  unsigned x = 0;
  for (int i = 0; i < 4; i++) {
    unsigned c = s[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    x = x * 16 + d;
  }
  *v = x;
  return 0;
}

static char *put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) {
    *o++ = (char)cp;
  } else if (cp < 0x800) {
    *o++ = (char)(0xC0 | cp >> 6);
    *o++ = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = (char)(0xE0 | cp >> 12);
    *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
    *o++ = (char)(0x80 | (cp & 0x3F));
  } else {
    *o++ = (char)(0xF0 | cp >> 18);
    *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
    *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
    *o++ = (char)(0x80 | (cp & 0x3F));
  }
  return o;
}

/* The end of the run of plain bytes at p: printable ASCII other than the
 * quote and the backslash, which a string copies as they are.  Sixteen
 * bytes at a time where SSE2 is there (every x86-64): a signed compare
 * with 0x20 flags both the control characters and the bytes >= 0x80. */
static const unsigned char *plain_run(const unsigned char *q, const unsigned char *end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                _mm_cmplt_epi8(v, space));
    unsigned m = (unsigned)_mm_movemask_epi8(stop);
    if (m) return q + __builtin_ctz(m);
    q += 16;
  }
#endif
  while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\') q++;
  return q;
}

/* A string starting at the opening quote; decoded into the arena. */
static int string(licit_fast *f, span *out, bool is_key) {
  f->p++; /* the quote */
  char *base = f->arena.data;
  char *o = base + f->arena.len;
  size_t off = f->arena.len;
  bool has_nul = false;
  for (;;) {
    /* Copy a run of plain ASCII at once. */
    const unsigned char *q = plain_run(f->p, f->end);
    memcpy(o, f->p, (size_t)(q - f->p));
    o += q - f->p;
    f->p = q;
    if (f->p >= f->end) FAIL("unterminated string");
    unsigned c = *f->p;
    if (c == '"') {
      f->p++;
      break;
    }
    if (c < 0x20) FAIL("control character in a string (must be escaped)");
    if (c >= 0x80) {
      size_t k = licit_utf8_seq(f->p, (size_t)(f->end - f->p));
      if (!k) FAIL("invalid UTF-8");
      memcpy(o, f->p, k);
      o += k;
      f->p += k;
      continue;
    }
    /* an escape */
    if (f->end - f->p < 2) FAIL("unterminated string");
    unsigned e = f->p[1];
    f->p += 2;
    switch (e) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '/': *o++ = '/'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (f->end - f->p < 4 || hex4(f->p, &cp)) FAIL("invalid \\u escape");
        f->p += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) FAIL("invalid Unicode: an unpaired low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (f->end - f->p < 6 || f->p[0] != '\\' || f->p[1] != 'u' || hex4(f->p + 2, &lo) || lo < 0xDC00 ||
              lo > 0xDFFF)
            FAIL("invalid Unicode: an unpaired high surrogate");
          f->p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp == 0) has_nul = true;
        o = put_utf8(o, cp);
        break;
      }
      default: f->p -= 2; FAIL("invalid escape");
    }
  }
  if (is_key && has_nul) FAIL("NUL byte in object key not supported");
  out->off = off;
  out->n = (size_t)(o - (base + off));
  f->arena.len += out->n;
  return 0;
}

static int number(licit_fast *f) {
  const unsigned char *p = f->p;
  if (p < f->end && *p == '-') p++;
  if (p >= f->end) FAIL("invalid number");
  if (*p == '0') {
    p++;
  } else if (*p >= '1' && *p <= '9') {
    while (p < f->end && *p >= '0' && *p <= '9') p++;
  } else {
    FAIL("invalid token");
  }
  if (p < f->end && *p == '.') {
    p++;
    if (p >= f->end || *p < '0' || *p > '9') {
      f->p = p;
      FAIL("invalid number");
    }
    while (p < f->end && *p >= '0' && *p <= '9') p++;
  }
  if (p < f->end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < f->end && (*p == '+' || *p == '-')) p++;
    if (p >= f->end || *p < '0' || *p > '9') {
      f->p = p;
      FAIL("invalid number");
    }
    while (p < f->end && *p >= '0' && *p <= '9') p++;
  }
  f->p = p;
  return 0;
}

static int literal(licit_fast *f, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0) FAIL("invalid token");
  f->p += n;
  return 0;
}

/* Orders keys by length, then bytes.  The arena is an argument, not a
 * variable the comparator finds elsewhere: readers on other threads sort
 * their own keys at the same time. */
static int span_cmp(const char *arena, const span *x, const span *y) {
  if (x->n != y->n) return x->n < y->n ? -1 : 1;
  return memcmp(arena + x->off, arena + y->off, x->n);
}

/* Heapsort of k[0..n): qsort's comparator cannot take the arena, and
 * qsort_r is not in C11 or POSIX.  In place, no recursion, O(n log n). */
static void sift_down(const char *arena, span *k, size_t root, size_t n) {
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && span_cmp(arena, &k[child], &k[child + 1]) < 0) child++;
    if (span_cmp(arena, &k[root], &k[child]) >= 0) return;
    span t = k[root];
    k[root] = k[child];
    k[child] = t;
    root = child;
  }
}

static void sort_keys(const char *arena, span *k, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift_down(arena, k, i, n);
  for (size_t end = n; end-- > 1;) {
    span t = k[0];
    k[0] = k[end];
    k[end] = t;
    sift_down(arena, k, 0, end);
  }
}

/* Checks the keys [from, nkeys) of the object just closed for repeats. */
static int check_keys(licit_fast *f, size_t from) {
  size_t n = f->nkeys - from;
  span *k = f->keys + from;
  if (n < 2) return 0;
  if (n <= 8) {
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++)
        if (k[i].n == k[j].n && memcmp(f->arena.data + k[i].off, f->arena.data + k[j].off, k[i].n) == 0) {
          f->dup = k[i];
          FAIL("duplicate object key");
        }
    return 0;
  }
  sort_keys(f->arena.data, k, n);
  for (size_t i = 1; i < n; i++)
    if (span_cmp(f->arena.data, &k[i - 1], &k[i]) == 0) {
      f->dup = k[i];
      FAIL("duplicate object key");
    }
  return 0;
}

static int push_key(licit_fast *f, span s) {
  if (f->nkeys == f->capkeys) {
    size_t nc = f->capkeys ? f->capkeys * 2 : 64;
    span *nk = realloc(f->keys, nc * sizeof *nk);
    if (!nk) FAIL("out of memory");
    f->keys = nk;
    f->capkeys = nc;
  }
  f->keys[f->nkeys++] = s;
  return 0;
}

static int value(licit_fast *f, item *it, bool collect_items, size_t *first_item, size_t *n_items);

static int push_item(licit_fast *f, const item *it) {
  if (f->nitems == f->capitems) {
    size_t nc = f->capitems ? f->capitems * 2 : 32;
    item *ni = realloc(f->items, nc * sizeof *ni);
    if (!ni) FAIL("out of memory");
    f->items = ni;
    f->capitems = nc;
  }
  f->items[f->nitems++] = *it;
  return 0;
}

static int array(licit_fast *f, bool collect, size_t *first, size_t *count) {
  f->p++; /* [ */
  if (++f->depth > LICIT_FAST_MAX_DEPTH) FAIL("maximum parsing depth reached");
  if (collect) {
    *first = f->nitems;
    *count = 0;
  }
  ws(f);
  if (f->p < f->end && *f->p == ']') {
    f->p++;
    f->depth--;
    return 0;
  }
  for (;;) {
    item it;
    ws(f);
    if (value(f, &it, false, NULL, NULL)) return -1;
    if (collect) {
      if (push_item(f, &it)) return -1;
      (*count)++;
    }
    ws(f);
    if (f->p >= f->end) FAIL("']' expected");
    if (*f->p == ',') {
      f->p++;
      continue;
    }
    if (*f->p == ']') {
      f->p++;
      break;
    }
    FAIL("']' expected");
  }
  f->depth--;
  return 0;
}

/* An object; with keys (the top level), the members named in keys are
 * captured (klen[i] = strlen(keys[i])). */
static int object(licit_fast *f, const char *const *keys, const size_t *klen, int nk, want *w, bool *present) {
  f->p++; /* { */
  if (++f->depth > LICIT_FAST_MAX_DEPTH) FAIL("maximum parsing depth reached");
  size_t from = f->nkeys;
  /* Keys that name distinct wanted members cannot repeat one another, and
   * one key named in none cannot repeat any of them: only a member named
   * twice or two unnamed ones need check_keys. */
  uint64_t named = 0;
  size_t unnamed = 0;
  bool repeat = false;
  ws(f);
  if (f->p < f->end && *f->p == '}') {
    f->p++;
    f->depth--;
    return 0;
  }
  for (;;) {
    ws(f);
    if (f->p >= f->end || *f->p != '"') FAIL("string or '}' expected");
    span k;
    if (string(f, &k, true) || push_key(f, k)) return -1;
    ws(f);
    if (f->p >= f->end || *f->p != ':') FAIL("':' expected");
    f->p++;
    ws(f);
    int slot = -1;
    for (int i = 0; keys && i < nk && slot < 0; i++)
      if (klen[i] == k.n && (!k.n || (keys[i][0] == f->arena.data[k.off] &&
                                      memcmp(keys[i], f->arena.data + k.off, k.n) == 0)))
        slot = i;
    if (slot >= 0 && slot < 64) {
      if (named >> slot & 1) repeat = true;
      named |= (uint64_t)1 << slot;
    } else {
      unnamed++;
    }
    item it;
    size_t fi = 0, ni = 0;
    if (value(f, &it, slot >= 0, &fi, &ni)) return -1;
    if (slot >= 0 && !present[slot]) {
      present[slot] = true;
      w[slot].type = it.type;
      w[slot].s = it.s;
      w[slot].b = it.b;
      w[slot].first_item = fi;
      w[slot].n_items = ni;
    }
    ws(f);
    if (f->p >= f->end) FAIL("'}' expected");
    if (*f->p == ',') {
      f->p++;
      continue;
    }
    if (*f->p == '}') {
      f->p++;
      break;
    }
    FAIL("'}' expected");
  }
  if ((repeat || unnamed > 1) && check_keys(f, from)) return -1;
  f->nkeys = from;
  f->depth--;
  return 0;
}

static int value(licit_fast *f, item *it, bool collect_items, size_t *first_item, size_t *n_items) {
  memset(it, 0, sizeof *it);
  if (f->p >= f->end) FAIL("unexpected end of input");
  switch (*f->p) {
    case '"': it->type = LICIT_JSON_STRING; return string(f, &it->s, false);
    case '{': it->type = LICIT_JSON_OBJECT; return object(f, NULL, NULL, 0, NULL, NULL);
    case '[': it->type = LICIT_JSON_ARRAY; return array(f, collect_items, first_item, n_items);
    case 't': it->type = LICIT_JSON_BOOL; it->b = true; return literal(f, "true");
    case 'f': it->type = LICIT_JSON_BOOL; return literal(f, "false");
    case 'n': it->type = LICIT_JSON_NULL; return literal(f, "null");
    default: it->type = LICIT_JSON_REAL; return number(f);
  }
}

int licit_fast_object(licit_fast *f, const char *buf, size_t len, const char *const *keys, int nkeys,
                      licit_fval *vals, bool *present, licit_err *err) {
  want w[LICIT_FAST_MAX_KEYS];
  if (nkeys > LICIT_FAST_MAX_KEYS) return licit_err_set(err, LICIT_EUSAGE, "too many keys");
  memset(present, 0, (size_t)nkeys * sizeof *present);
  licit_buf_reset(&f->arena);
  if (licit_buf_reserve(&f->arena, len + 8)) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
  f->nkeys = f->nitems = 0;
  f->start = f->p = (const unsigned char *)buf;
  f->end = f->p + len;
  f->why = NULL;
  f->depth = 0;
  f->dup = (span){0, 0};
  ws(f);
  item top;
  int rc;
  if (f->end - f->p >= 3 && memcmp(f->p, "\xEF\xBB\xBF", 3) == 0) {
    /* Said plainly: an editor's "UTF-8 with BOM" is a common mistake. */
    f->why = "a UTF-8 byte order mark (EF BB BF), which JSON Lines does not allow: save the file as UTF-8 "
             "without it";
    f->where = (size_t)(f->p - f->start);
    rc = -1;
  } else if (f->p < f->end && *f->p == '{') {
    top.type = LICIT_JSON_OBJECT;
    size_t klen[LICIT_FAST_MAX_KEYS];
    for (int i = 0; i < nkeys; i++) klen[i] = strlen(keys[i]);
    rc = object(f, keys, klen, nkeys, w, present);
  } else {
    rc = value(f, &top, false, NULL, NULL);
  }
  if (!rc) {
    ws(f);
    if (f->p != f->end) {
      f->why = "end of file expected";
      f->where = (size_t)(f->p - f->start);
      rc = -1;
    }
  }
  if (rc) {
    if (f->why && strcmp(f->why, "out of memory") == 0) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
    if (f->why && strcmp(f->why, "duplicate object key") == 0) {
      /* Name the key: its first 64 bytes, control characters and quotes
       * shown as '?' so that the message stays one plain line. */
      char key[65];
      size_t n = f->dup.n < 64 ? f->dup.n : 64;
      while (n < f->dup.n && n > 0 && ((unsigned char)f->arena.data[f->dup.off + n] & 0xC0) == 0x80)
        n--; /* cut at a character's start */
      for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)f->arena.data[f->dup.off + i];
        key[i] = ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\' ? '?' : (char)ch;
      }
      key[n] = 0;
      return licit_err_set(err, LICIT_EINVAL, "invalid JSON at column %zu: duplicate object key \"%s\"%s", f->where + 1,
                           key, f->dup.n > 64 ? " (cut)" : "");
    }
    return licit_err_set(err, LICIT_EINVAL, "invalid JSON at column %zu: %s", f->where + 1,
                         f->why ? f->why : "syntax error");
  }
  if (top.type != LICIT_JSON_OBJECT)
    return licit_err_set(err, LICIT_EINVAL, "expected a JSON object, got %s", licit_json_type_name(top.type));
  /* Offsets become pointers now that the arena no longer moves. */
  size_t total = 0;
  for (int i = 0; i < nkeys; i++)
    if (present[i] && w[i].type == LICIT_JSON_ARRAY) total += w[i].n_items;
  if (total > f->capout) {
    licit_fval *no = realloc(f->outitems, total * sizeof *no);
    if (!no) return licit_err_set(err, LICIT_ENOMEM, "out of memory");
    f->outitems = no;
    f->capout = total;
  }
  size_t used = 0;
  for (int i = 0; i < nkeys; i++) {
    if (!present[i]) continue;
    licit_fval *v = &vals[i];
    memset(v, 0, sizeof *v);
    v->type = w[i].type;
    v->b = w[i].b;
    v->s = f->arena.data + w[i].s.off;
    v->n = w[i].s.n;
    if (w[i].type == LICIT_JSON_ARRAY) {
      /* outitems is NULL until some array had items: no offset from NULL. */
      v->items = w[i].n_items ? f->outitems + used : NULL;
      v->n_items = w[i].n_items;
      for (size_t j = 0; j < w[i].n_items; j++) {
        const item *it = &f->items[w[i].first_item + j];
        licit_fval *o = &f->outitems[used++];
        memset(o, 0, sizeof *o);
        o->type = it->type;
        o->b = it->b;
        o->s = f->arena.data + it->s.off;
        o->n = it->s.n;
      }
    }
  }
  return 0;
}
