/*
 * time.c — RFC 3339 timestamps and calendar dates.
 *
 * Times are int64 microseconds since the Unix epoch in UTC on the proleptic
 * Gregorian calendar.  The parser accepts exactly the grammar of SPEC
 * section 2 and nothing looser: fixed-width fields, 'T'/'t' between date and
 * time, 1-9 fraction digits (truncated, never rounded, to microseconds), and
 * 'Z'/'z' or a numeric offset.  It never reads past s[n-1].
 */
#include "licit.h"

#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian).  Works by counting
 * whole 400-year eras from year 0 with March as the first month, so the leap
 * day falls at the end of the counted year. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                  /* [0, 399] */
  int64_t mp = (m + 9) % 12;                                    /* Mar=0 */
  int64_t doy = (153 * mp + 2) / 5 + d - 1;                     /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads exactly `w` decimal digits at s; -1 when any is not a digit. */
static int digits(const char *s, int w) {
  int v = 0;
  for (int i = 0; i < w; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

#define FAIL(msg)              \
  do {                         \
    if (why) *why = (msg);     \
    return LICIT_EINVAL;       \
  } while (0)

/* Parses the YYYY-MM-DD at the start of s (n >= 10 checked by caller). */
static int parse_ymd(const char *s, int *y, int *mo, int *d, const char **why) {
  *y = digits(s, 4);
  if (*y < 0 || s[4] != '-') FAIL("expected YYYY-MM-DD");
  *mo = digits(s + 5, 2);
  if (*mo < 0 || s[7] != '-') FAIL("expected YYYY-MM-DD");
  *d = digits(s + 8, 2);
  if (*d < 0) FAIL("expected YYYY-MM-DD");
  if (*y < 1) FAIL("year 0000 is out of range (0001-9999)");
  if (*mo < 1 || *mo > 12) FAIL("month out of range (01-12)");
  if (*d < 1 || *d > days_in_month(*y, *mo)) FAIL("day does not exist in that month");
  return 0;
}

int licit_time_parse(const char *s, size_t n, int64_t *us_out, const char **why) {
  int y, mo, d;
  if (n < 20) FAIL("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset");
  if (parse_ymd(s, &y, &mo, &d, why)) return LICIT_EINVAL;
  if (s[10] != 'T' && s[10] != 't') FAIL("expected 'T' between date and time");
  int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
  if (h < 0 || mi < 0 || se < 0 || s[13] != ':' || s[16] != ':')
    FAIL("expected HH:MM:SS after the date");
  if (h > 23) FAIL("hour out of range (00-23)");
  if (mi > 59) FAIL("minute out of range (00-59)");
  if (se == 60) FAIL("leap second 60 is not accepted");
  if (se > 59) FAIL("second out of range (00-59)");
  size_t i = 19;
  int64_t frac = 0;
  if (s[i] == '.') {
    size_t start = ++i;
    int64_t scale = 100000;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (scale > 0) frac += (s[i] - '0') * scale;
      scale /= 10;
      i++;
    }
    if (i == start) FAIL("expected digits after '.'");
    if (i - start > 9) FAIL("fraction has more than 9 digits");
  }
  if (i >= n) FAIL("expected Z or an offset (+HH:MM / -HH:MM) at the end");
  int64_t off_min = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    i++;
  } else if (s[i] == '+' || s[i] == '-') {
    if (n - i < 6) FAIL("expected offset +HH:MM or -HH:MM");
    int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);
    if (oh < 0 || om < 0 || s[i + 3] != ':') FAIL("expected offset +HH:MM or -HH:MM");
    if (oh > 23 || om > 59) FAIL("offset out of range");
    off_min = oh * 60 + om;
    if (s[i] == '-') off_min = -off_min;
    i += 6;
  } else {
    FAIL("expected Z or an offset (+HH:MM / -HH:MM)");
  }
  if (i != n) FAIL("unexpected characters after the time zone");
  int64_t days = days_from_civil(y, mo, d);
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - off_min * 60;
  /* The year range holds for the instant in UTC too, so that every time
   * licit accepts can be written back (in UTC) and read again. */
  if (secs < days_from_civil(1, 1, 1) * 86400 || secs >= days_from_civil(10000, 1, 1) * 86400)
    FAIL("the time in UTC falls outside the years 0001-9999");
  *us_out = secs * 1000000 + frac;
  return 0;
}

int licit_date_parse(const char *s, size_t n, int32_t *days_out, const char **why) {
  int y, mo, d;
  if (n != 10) FAIL("expected YYYY-MM-DD");
  if (parse_ymd(s, &y, &mo, &d, why)) return LICIT_EINVAL;
  *days_out = (int32_t)days_from_civil(y, mo, d);
  return 0;
}

static void split(int64_t us, int64_t *days, int64_t *sod, int64_t *frac) {
  int64_t secs = us / 1000000, f = us % 1000000;
  if (f < 0) { f += 1000000; secs -= 1; }
  int64_t dd = secs / 86400, s = secs % 86400;
  if (s < 0) { s += 86400; dd -= 1; }
  *days = dd;
  *sod = s;
  *frac = f;
}

size_t licit_time_format(int64_t us, char *buf) {
  int64_t days, sod, frac, y;
  int m, d;
  split(us, &days, &sod, &frac);
  civil_from_days(days, &y, &m, &d);
  int len;
  if (frac)
    len = snprintf(buf, LICIT_TIME_BUFSZ, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ", (long long)y, m,
                   d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (long long)frac);
  else
    len = snprintf(buf, LICIT_TIME_BUFSZ, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
                   (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
  return (size_t)len;
}

size_t licit_time_format_compact(int64_t us, char *buf) {
  int64_t days, sod, frac, y;
  int m, d;
  split(us, &days, &sod, &frac);
  civil_from_days(days, &y, &m, &d);
  return (size_t)snprintf(buf, LICIT_TIME_BUFSZ, "%04lld%02d%02dT%02d%02d%02dZ", (long long)y, m, d,
                          (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}

size_t licit_date_format(int32_t days, char *buf) {
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  return (size_t)snprintf(buf, 11, "%04lld-%02d-%02d", (long long)y, m, d);
}

void licit_time_civil(int64_t us, int *year, int *month, int *day) {
  int64_t days, sod, frac, y;
  split(us, &days, &sod, &frac);
  civil_from_days(days, &y, month, day);
  *year = (int)y;
}

void licit_date_civil(int32_t days, int *year, int *month, int *day) {
  int64_t y;
  civil_from_days(days, &y, month, day);
  *year = (int)y;
}

int64_t licit_birthday_us(int32_t birth, int years) {
  int64_t y;
  int m, d;
  civil_from_days(birth, &y, &m, &d);
  /* Feb 29 of a common year counts as Mar 1 (days_from_civil does that). */
  return days_from_civil(y + years, m, d) * 86400 * 1000000;
}

int64_t licit_time_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

double licit_time_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
