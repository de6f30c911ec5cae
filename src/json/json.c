/*
 * json.c — strict JSON reading through jansson, and licit's own JSON writer.
 *
 * jansson is asked for exactly the strictness SPEC section 2 needs:
 * JSON_REJECT_DUPLICATES (a key repeated within one object is an error),
 * JSON_ALLOW_NUL (keep "\u0000" inside strings; strings carry lengths) and
 * JSON_DECODE_ANY (so the caller, not the library, words the "not a JSON
 * object" error).  jansson itself rejects invalid UTF-8, unpaired surrogate
 * escapes and NaN/Infinity.  See docs/json-parser.md for the measurements.
 */
#include "json/json.h"

#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#define J(v) ((json_t *)(v))
#define CJ(v) ((const json_t *)(v))

static int parse_flags(const char *buf, size_t len, size_t flags, licit_json **out, int *line, int *col,
                       licit_err *err, bool *overflow) {
  json_error_t je;
  json_t *v = json_loadb(buf, len, JSON_ALLOW_NUL | JSON_DECODE_ANY | flags, &je);
  if (!v) {
    if (line) *line = je.line;
    if (col) *col = je.column;
    if (overflow) *overflow = json_error_code(&je) == json_error_numeric_overflow;
    return licit_err_set(err, LICIT_EINVAL, "invalid JSON at line %d, column %d: %s", je.line,
                         je.column, je.text);
  }
  *out = (licit_json *)v;
  return 0;
}

int licit_json_parse(const char *buf, size_t len, licit_json **out, int *line, int *col,
                     licit_err *err) {
  return parse_flags(buf, len, JSON_REJECT_DUPLICATES, out, line, col, err, NULL);
}

/* Length of the JSON number at s[0..n) (RFC 8259 grammar), or 0 when none. */
static size_t number_len(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && s[i] == '-') i++;
  if (i >= n || s[i] < '0' || s[i] > '9') return 0;
  if (s[i++] != '0')
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
    for (i += 2; i < n && s[i] >= '0' && s[i] <= '9';) i++;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < n && (s[j] == '+' || s[j] == '-')) j++;
    if (j < n && s[j] >= '0' && s[j] <= '9') {
      while (j < n && s[j] >= '0' && s[j] <= '9') j++;
      i = j;
    }
  }
  return i;
}

/* Appends the replacement of the number token s[0..n) to o when the token
 * is out of range (see LICIT_JSON_NUMBERS_CLAMP), else the token itself.
 * An integer token is out of range only when integers are kept (!as_real)
 * and it does not fit 64 bits. */
static int clamp_number(licit_buf *o, const char *s, size_t n, bool as_real, licit_buf *tok) {
  licit_buf_reset(tok);
  int rc = licit_buf_add(tok, s, n); /* NUL-terminated for strtod */
  if (rc) return rc;
  bool integer = !memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n);
  errno = 0;
  if (integer && !as_real) {
    (void)strtoll(tok->data, NULL, 10);
    if (errno != ERANGE) return licit_buf_add(o, s, n);
    errno = 0;
  }
  double d = strtod(tok->data, NULL);
  bool huge = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL);
  if (!huge && !(integer && !as_real)) return licit_buf_add(o, s, n);
  if (huge) d = d > 0 ? DBL_MAX : -DBL_MAX;
  /* %.17g of a value beyond 64 bits always has an exponent, so it reads
   * back as a real; 17 digits read back as the same double. */
  return licit_buf_printf(o, "%.17g", d);
}

/* A copy of buf in which every number out of range, standing alone as a
 * value (after ':', '[', ',' or the start, before whitespace, ',', ']',
 * '}' or the end), is replaced as LICIT_JSON_NUMBERS_CLAMP says.  A number
 * replaced by a number keeps the text valid exactly when it was valid, and
 * the error of an invalid text is then the copy's, at the same structure. */
static int clamp_numbers(const char *buf, size_t len, bool as_real, licit_buf *o) {
  licit_buf tok = LICIT_BUF_INIT;
  size_t i = 0;
  bool in_str = false;
  char prev = ':'; /* the last non-space character outside strings */
  int rc = licit_buf_reserve(o, len + 32);
  while (!rc && i < len) {
    char c = buf[i];
    if (in_str) {
      size_t j = i;
      while (j < len && buf[j] != '"' && buf[j] != '\\') j++;
      if (j < len && buf[j] == '\\') j = j + 2 <= len ? j + 2 : len;
      else if (j < len) in_str = false, prev = '"', j++;
      rc = licit_buf_add(o, buf + i, j - i);
      i = j;
      continue;
    }
    size_t m = (prev == ':' || prev == '[' || prev == ',') ? number_len(buf + i, len - i) : 0;
    if (m && (i + m == len || (buf[i + m] && strchr(" \t\r\n,]}", buf[i + m])))) {
      rc = clamp_number(o, buf + i, m, as_real, &tok);
      i += m;
      prev = '0';
      continue;
    }
    if (c == '"') in_str = true;
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') prev = c;
    rc = licit_buf_addc(o, c);
    i++;
  }
  licit_buf_free(&tok);
  return rc;
}

int licit_json_parse_opts(const char *buf, size_t len, unsigned flags, licit_json **out, licit_err *err) {
  size_t jf = 0;
  if (flags & LICIT_JSON_NUMBERS_REAL) jf |= JSON_DECODE_INT_AS_REAL;
  if (!(flags & LICIT_JSON_KEYS_REPEAT)) jf |= JSON_REJECT_DUPLICATES;
  bool overflow = false;
  licit_err first;
  int rc = parse_flags(buf, len, jf, out, NULL, NULL, &first, &overflow);
  if (rc == 0 || !overflow || !(flags & LICIT_JSON_NUMBERS_CLAMP)) {
    if (rc && err) *err = first;
    return rc;
  }
  /* A number out of range: parse a copy with such numbers clamped. */
  licit_buf z = LICIT_BUF_INIT;
  rc = clamp_numbers(buf, len, flags & LICIT_JSON_NUMBERS_REAL, &z);
  if (rc) {
    licit_buf_free(&z);
    return licit_err_set(err, rc, "%s", licit_strerror(rc));
  }
  rc = parse_flags(z.data, z.len, jf, out, NULL, NULL, err, NULL);
  licit_buf_free(&z);
  return rc;
}

int licit_json_parse_lenient_numbers(const char *buf, size_t len, licit_json **out, licit_err *err) {
  return licit_json_parse_opts(buf, len, LICIT_JSON_NUMBERS_REAL | LICIT_JSON_NUMBERS_CLAMP, out, err);
}

int licit_json_parse_lenient(const char *buf, size_t len, licit_json **out, licit_err *err) {
  return licit_json_parse_opts(buf, len, LICIT_JSON_NUMBERS_REAL | LICIT_JSON_NUMBERS_CLAMP | LICIT_JSON_KEYS_REPEAT,
                               out, err);
}

void licit_json_free(licit_json *v) { json_decref(J(v)); }

licit_json_type licit_json_typeof(const licit_json *v) {
  switch (json_typeof(CJ(v))) {
    case JSON_OBJECT: return LICIT_JSON_OBJECT;
    case JSON_ARRAY: return LICIT_JSON_ARRAY;
    case JSON_STRING: return LICIT_JSON_STRING;
    case JSON_INTEGER: return LICIT_JSON_INT;
    case JSON_REAL: return LICIT_JSON_REAL;
    case JSON_TRUE:
    case JSON_FALSE: return LICIT_JSON_BOOL;
    case JSON_NULL: break;
  }
  return LICIT_JSON_NULL;
}

const char *licit_json_type_name(licit_json_type t) {
  switch (t) {
    case LICIT_JSON_NULL: return "null";
    case LICIT_JSON_BOOL: return "boolean";
    case LICIT_JSON_INT: return "integer";
    case LICIT_JSON_REAL: return "number";
    case LICIT_JSON_STRING: return "string";
    case LICIT_JSON_ARRAY: return "array";
    case LICIT_JSON_OBJECT: return "object";
  }
  return "?";
}

licit_json *licit_json_get(const licit_json *obj, const char *key) {
  return (licit_json *)json_object_get(CJ(obj), key);
}

size_t licit_json_object_size(const licit_json *obj) { return json_object_size(CJ(obj)); }

void *licit_json_object_next(const licit_json *obj, void *it, const char **key, licit_json **val) {
  it = it ? json_object_iter_next(J(obj), it) : json_object_iter(J(obj));
  if (it) {
    *key = json_object_iter_key(it);
    *val = (licit_json *)json_object_iter_value(it);
  }
  return it;
}

const char *licit_json_str(const licit_json *v, size_t *len) {
  *len = json_string_length(CJ(v));
  return json_string_value(CJ(v));
}

bool licit_json_bool(const licit_json *v) { return json_is_true(CJ(v)); }
int64_t licit_json_int(const licit_json *v) { return (int64_t)json_integer_value(CJ(v)); }
double licit_json_real(const licit_json *v) { return json_number_value(CJ(v)); }
size_t licit_json_array_size(const licit_json *v) { return json_array_size(CJ(v)); }
licit_json *licit_json_array_get(const licit_json *v, size_t i) {
  return (licit_json *)json_array_get(CJ(v), i);
}

static int dump_cb(const char *buf, size_t size, void *data) {
  return licit_buf_add(data, buf, size) ? -1 : 0;
}

int licit_json_dump(const licit_json *v, licit_buf *b) {
  return json_dump_callback(CJ(v), dump_cb, b, JSON_COMPACT | JSON_ENCODE_ANY) ? LICIT_ENOMEM : 0;
}

/* ----------------------------------------------------------- writer -- */

int licit_jw_str(licit_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  /* Worst case: every byte becomes \u00XX (6 bytes) or U+FFFD (3 bytes). */
  int rc = licit_buf_reserve(b, n * 6 + 2);
  if (rc) return rc;
  char *o = b->data + b->len;
  *o++ = '"';
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      *o++ = (char)c;
      i++;
    } else if (c < 0x80) {
      *o++ = '\\';
      switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        default:
          *o++ = 'u';
          *o++ = '0';
          *o++ = '0';
          *o++ = hex[c >> 4];
          *o++ = hex[c & 15];
      }
      i++;
    } else {
      size_t k = licit_utf8_seq(p + i, n - i);
      if (k) {
        memcpy(o, p + i, k);
        o += k;
        i += k;
      } else {
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        i++;
      }
    }
  }
  *o++ = '"';
  b->len = (size_t)(o - b->data);
  b->data[b->len] = 0;
  return 0;
}

int licit_jw_strz(licit_buf *b, const char *s) { return licit_jw_str(b, s, strlen(s)); }

int licit_jw_key(licit_buf *b, const char *key) {
  int rc = licit_jw_strz(b, key);
  return rc ? rc : licit_buf_addc(b, ':');
}


int licit_jw_time(licit_buf *b, int64_t us) {
  char t[LICIT_TIME_BUFSZ];
  size_t n = licit_time_format(us, t);
  return licit_jw_str(b, t, n);
}
