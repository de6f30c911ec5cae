/*
 * test_time.c — RFC 3339 timestamps and calendar dates (SPEC section 2, `ts`
 * and `birth_date`): the grammar's edges, truncation of fractions, offsets
 * that cross day and year boundaries, times before 1970, and formatting.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "licit.h"

#define S 1000000LL /* microseconds per second */

static int parse(const char *s, int64_t *us) {
  const char *why = NULL;
  int rc = licit_time_parse(s, strlen(s), us, &why);
  if (rc) cr_assert_not_null(why, "a failure must say why (%s)", s);
  return rc;
}

static int64_t ok(const char *s) {
  int64_t us = 12345;
  int rc = parse(s, &us);
  cr_assert_eq(rc, 0, "expected \"%s\" to parse, got %d", s, rc);
  return us;
}

static void bad(const char *s) {
  int64_t us = 777;
  const char *why = NULL;
  int rc = licit_time_parse(s, strlen(s), &us, &why);
  cr_assert_eq(rc, LICIT_EINVAL, "expected \"%s\" to be rejected, got %d", s, rc);
  cr_assert_not_null(why, "rejection of \"%s\" must say why", s);
  cr_assert_eq(us, 777, "a failed parse must leave the output untouched (%s)", s);
}

static void fmt_is(int64_t us, const char *want) {
  char buf[LICIT_TIME_BUFSZ];
  size_t n = licit_time_format(us, buf);
  cr_assert_str_eq(buf, want);
  cr_assert_eq(n, strlen(want));
}

/* ------------------------------------------------------------- basics -- */

Test(time, epoch_and_known_instants) {
  cr_assert_eq(ok("1970-01-01T00:00:00Z"), 0);
  cr_assert_eq(ok("2024-06-26T00:00:00Z"), 1719360000LL * S);
  cr_assert_eq(ok("2000-02-29T00:00:00Z"), 951782400LL * S);
  cr_assert_eq(ok("2024-06-26T12:34:56Z"), (1719360000LL + 12 * 3600 + 34 * 60 + 56) * S);
}

Test(time, lower_case_t_and_z) {
  int64_t want = 1719360000LL * S;
  cr_assert_eq(ok("2024-06-26t00:00:00Z"), want);
  cr_assert_eq(ok("2024-06-26T00:00:00z"), want);
  cr_assert_eq(ok("2024-06-26t00:00:00z"), want);
}

/* ------------------------------------------------------------ offsets -- */

Test(time, offsets) {
  int64_t base = ok("2024-06-26T12:00:00Z");
  cr_assert_eq(ok("2024-06-26T17:30:00+05:30"), base);
  cr_assert_eq(ok("2024-06-26T04:00:00-08:00"), base);
  cr_assert_eq(ok("2024-06-26T12:00:00+00:00"), base);
  cr_assert_eq(ok("2024-06-26T12:00:00-00:00"), base);
  cr_assert_eq(ok("2024-06-27T11:59:00+23:59"), base);
  cr_assert_eq(ok("2024-06-25T12:01:00-23:59"), base);
}

Test(time, bad_offsets) {
  bad("2024-06-26T12:00:00+24:00");
  bad("2024-06-26T12:00:00+05:60");
  bad("2024-06-26T12:00:00+0530");
  bad("2024-06-26T12:00:00+5:30");
  bad("2024-06-26T12:00:00+05:3");
  bad("2024-06-26T12:00:00+05");
  bad("2024-06-26T12:00:00+");
  bad("2024-06-26T12:00:00 +05:30");
  bad("2024-06-26T12:00:00UTC");
  bad("2024-06-26T12:00:00+05-30");
  bad("2024-06-26T12:00:00*05:30");
}

Test(time, offset_crosses_midnight_and_year) {
  /* 00:30 at +01:00 is 23:30 the day before in UTC. */
  cr_assert_eq(ok("2024-06-26T00:30:00+01:00"), ok("2024-06-25T23:30:00Z"));
  /* 23:30 at -01:00 is 00:30 the next day. */
  cr_assert_eq(ok("2024-06-26T23:30:00-01:00"), ok("2024-06-27T00:30:00Z"));
  /* New Year in Auckland is still last year in UTC. */
  cr_assert_eq(ok("2025-01-01T05:00:00+13:00"), ok("2024-12-31T16:00:00Z"));
  cr_assert_eq(ok("2024-12-31T22:00:00-05:00"), ok("2025-01-01T03:00:00Z"));
  /* Leap day across an offset. */
  cr_assert_eq(ok("2024-03-01T01:00:00+02:00"), ok("2024-02-29T23:00:00Z"));
  char buf[LICIT_TIME_BUFSZ];
  licit_time_format(ok("2025-01-01T00:00:00+00:01"), buf);
  cr_assert_str_eq(buf, "2024-12-31T23:59:00Z");
}

/* ---------------------------------------------------------- fractions -- */

Test(time, fraction_digits_1_to_9) {
  int64_t b = ok("2024-06-26T00:00:00Z");
  cr_assert_eq(ok("2024-06-26T00:00:00.5Z") - b, 500000);
  cr_assert_eq(ok("2024-06-26T00:00:00.12Z") - b, 120000);
  cr_assert_eq(ok("2024-06-26T00:00:00.123Z") - b, 123000);
  cr_assert_eq(ok("2024-06-26T00:00:00.1234Z") - b, 123400);
  cr_assert_eq(ok("2024-06-26T00:00:00.12345Z") - b, 123450);
  cr_assert_eq(ok("2024-06-26T00:00:00.123456Z") - b, 123456);
  cr_assert_eq(ok("2024-06-26T00:00:00.1234567Z") - b, 123456);
  cr_assert_eq(ok("2024-06-26T00:00:00.12345678Z") - b, 123456);
  cr_assert_eq(ok("2024-06-26T00:00:00.123456789Z") - b, 123456);
  cr_assert_eq(ok("2024-06-26T00:00:00.000000001Z") - b, 0);
  cr_assert_eq(ok("2024-06-26T00:00:00.0Z") - b, 0);
}

Test(time, fraction_truncated_not_rounded) {
  int64_t b = ok("2024-06-26T00:00:00Z");
  cr_assert_eq(ok("2024-06-26T00:00:00.9999999Z") - b, 999999);
  cr_assert_eq(ok("2024-06-26T00:00:00.999999999Z") - b, 999999);
  cr_assert_eq(ok("2024-06-26T00:00:00.0000009Z") - b, 0);
  cr_assert_eq(ok("2024-06-26T00:00:00.1234565Z") - b, 123456);
  /* With an offset too. */
  cr_assert_eq(ok("2024-06-26T01:00:00.9999999+01:00") - b, 999999);
}

Test(time, fraction_bad) {
  bad("2024-06-26T00:00:00.1234567890Z"); /* 10 digits */
  bad("2024-06-26T00:00:00.Z");
  bad("2024-06-26T00:00:00.");
  bad("2024-06-26T00:00:00,5Z");
  bad("2024-06-26T00:00:00.5");
  bad("2024-06-26T00:00:00.5x");
  bad("2024-06-26T00:00:00.-5Z");
}

/* ------------------------------------------------------ field ranges -- */

Test(time, seconds_59_ok_60_rejected) {
  cr_assert_eq(ok("2024-06-26T23:59:59Z") - ok("2024-06-26T00:00:00Z"), 86399 * S);
  bad("2024-06-26T23:59:60Z");
  bad("2016-12-31T23:59:60Z"); /* a real leap second */
  bad("2024-06-26T00:00:61Z");
  bad("2024-06-26T00:00:99Z");
}

Test(time, out_of_range_fields) {
  bad("2024-00-10T00:00:00Z");
  bad("2024-13-10T00:00:00Z");
  bad("2024-06-00T00:00:00Z");
  bad("2024-06-31T00:00:00Z");
  bad("2024-01-32T00:00:00Z");
  bad("2024-04-31T00:00:00Z");
  bad("2024-06-26T24:00:00Z");
  bad("2024-06-26T00:60:00Z");
  ok("2024-01-31T23:59:59Z");
  ok("2024-12-31T00:00:00Z");
}

Test(time, feb_29) {
  ok("2024-02-29T00:00:00Z");
  ok("2000-02-29T00:00:00Z"); /* divisible by 400 */
  bad("2023-02-29T00:00:00Z");
  bad("1900-02-29T00:00:00Z"); /* divisible by 100, not 400 */
  bad("2100-02-29T00:00:00Z");
  bad("2024-02-30T00:00:00Z");
  cr_assert_eq(ok("2024-03-01T00:00:00Z") - ok("2024-02-28T00:00:00Z"), 2 * 86400 * S);
  cr_assert_eq(ok("1900-03-01T00:00:00Z") - ok("1900-02-28T00:00:00Z"), 86400 * S);
}

Test(time, year_range) {
  cr_assert_eq(ok("0001-01-01T00:00:00Z"), -62135596800LL * S);
  cr_assert_eq(ok("9999-12-31T23:59:59Z"), 253402300799LL * S);
  cr_assert_eq(ok("9999-12-31T23:59:59.999999999Z"), 253402300799LL * S + 999999);
  bad("0000-01-01T00:00:00Z");
  bad("0000-12-31T23:59:59Z");
  bad("10000-01-01T00:00:00Z");
  bad("-001-01-01T00:00:00Z");
  /* The range bounds the instant in UTC too (docs/formats.md): an offset
   * that pushes the instant outside 0001-9999 is rejected, one that keeps
   * it inside is not. */
  bad("0001-01-01T00:00:00+23:59");
  bad("9999-12-31T23:59:59-23:59");
  bad("0001-01-01T00:00:00+00:01");
  cr_assert_eq(ok("0001-01-01T00:00:00-23:59"), (-62135596800LL + 23 * 3600 + 59 * 60) * S);
  cr_assert_eq(ok("9999-12-31T23:59:59+23:59"), (253402300799LL - 23 * 3600 - 59 * 60) * S);
  cr_assert_eq(ok("0001-01-01T00:00:00Z"), -62135596800LL * S);
  cr_assert_eq(ok("9999-12-31T23:59:59.999999Z"), 253402300799LL * S + 999999);
}

Test(time, negative_times_before_1970) {
  cr_assert_eq(ok("1969-12-31T23:59:59Z"), -1 * S);
  cr_assert_eq(ok("1969-12-31T23:59:59.5Z"), -S / 2);
  cr_assert_eq(ok("1969-12-31T23:59:59.999999Z"), -1);
  cr_assert_eq(ok("1969-07-20T20:17:40Z"), -14182940LL * S);
  cr_assert_eq(ok("1900-01-01T00:00:00Z"), -2208988800LL * S);
  fmt_is(-1, "1969-12-31T23:59:59.999999Z");
  fmt_is(-S / 2, "1969-12-31T23:59:59.500000Z");
  fmt_is(-1 * S, "1969-12-31T23:59:59Z");
  fmt_is(-14182940LL * S, "1969-07-20T20:17:40Z");
}

/* ------------------------------------------------------------ grammar -- */

Test(time, missing_zone_rejected) {
  bad("2024-06-26T00:00:00");
  bad("2024-06-26T00:00:00.123456");
}

Test(time, trailing_garbage_rejected) {
  bad("2024-06-26T00:00:00Zx");
  bad("2024-06-26T00:00:00Z ");
  bad("2024-06-26T00:00:00ZZ");
  bad("2024-06-26T00:00:00+01:00Z");
  bad("2024-06-26T00:00:00+01:000");
  bad(" 2024-06-26T00:00:00Z");
}

Test(time, separators_and_widths) {
  bad("2024-06-26 00:00:00Z"); /* space instead of T */
  bad("2024-06-26_00:00:00Z");
  bad("2024/06/26T00:00:00Z");
  bad("2024-6-26T00:00:00Z");
  bad("2024-06-26T0:00:00Z");
  bad("2024-06-26T00:00Z");
  bad("2024-06-26T00-00-00Z");
  bad("2024-06-26");
  bad("");
  bad("Z");
  bad("2024-06-2aT00:00:00Z");
  bad("20240626T000000Z");
}

Test(time, never_reads_past_n) {
  /* The string continues after n; the parser must stop at n. */
  const char *s = "2024-06-26T00:00:00Zjunk";
  int64_t us = 0;
  cr_assert_eq(licit_time_parse(s, 20, &us, NULL), 0);
  cr_assert_eq(us, 1719360000LL * S);
  cr_assert_eq(licit_time_parse(s, 19, &us, NULL), LICIT_EINVAL);
  const char *f = "2024-06-26T00:00:00.12345Z";
  cr_assert_eq(licit_time_parse(f, 22, &us, NULL), LICIT_EINVAL); /* "...00.12" with no zone */
  /* A NULL `why` is allowed. */
  cr_assert_eq(licit_time_parse("x", 1, &us, NULL), LICIT_EINVAL);
}

/* --------------------------------------------------------- formatting -- */

Test(time, format_with_and_without_fraction) {
  fmt_is(0, "1970-01-01T00:00:00Z");
  fmt_is(1719360000LL * S, "2024-06-26T00:00:00Z");
  fmt_is(1719360000LL * S + 1, "2024-06-26T00:00:00.000001Z");
  fmt_is(1719360000LL * S + 500000, "2024-06-26T00:00:00.500000Z");
  fmt_is(-62135596800LL * S, "0001-01-01T00:00:00Z");
  fmt_is(253402300799LL * S + 999999, "9999-12-31T23:59:59.999999Z");
}

Test(time, format_parse_round_trip) {
  const char *in[] = {
      "2024-06-26T17:30:00.123456789+05:30", "1969-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z",                "2000-02-29T12:00:00-08:00",  "2024-12-31t23:59:59.1z",
      "1900-03-01T00:00:00Z",
  };
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
    int64_t a = ok(in[i]);
    char buf[LICIT_TIME_BUFSZ];
    size_t n = licit_time_format(a, buf);
    cr_assert_eq(n, strlen(buf));
    cr_assert_eq(buf[n - 1], 'Z');
    int64_t b = ok(buf);
    cr_assert_eq(a, b, "round trip of %s via %s", in[i], buf);
    /* Formatting is canonical: formatting again gives the same text. */
    char buf2[LICIT_TIME_BUFSZ];
    licit_time_format(b, buf2);
    cr_assert_str_eq(buf, buf2);
  }
  /* Every second of a sample of days, including negative ones. */
  for (int64_t d = -800000; d < 3000000; d += 9973) {
    int64_t us = d * 86400 * S + (d % 86400) * S + (d & 0xFFFFF);
    if (us < -62135596800LL * S || us > 253402300799LL * S + 999999) continue;
    char buf[LICIT_TIME_BUFSZ];
    licit_time_format(us, buf);
    cr_assert_eq(ok(buf), us, "%s", buf);
  }
}

Test(time, compact_format) {
  char buf[LICIT_TIME_BUFSZ];
  size_t n = licit_time_format_compact(ok("2024-06-26T17:30:05.987654+05:30"), buf);
  cr_assert_str_eq(buf, "20240626T120005Z");
  cr_assert_eq(n, 16);
  licit_time_format_compact(-1, buf);
  cr_assert_str_eq(buf, "19691231T235959Z");
  licit_time_format_compact(0, buf);
  cr_assert_str_eq(buf, "19700101T000000Z");
}

Test(time, civil) {
  int y, m, d;
  licit_time_civil(ok("2024-02-29T23:59:59.999999Z"), &y, &m, &d);
  cr_assert(y == 2024 && m == 2 && d == 29);
  licit_time_civil(-1, &y, &m, &d);
  cr_assert(y == 1969 && m == 12 && d == 31);
  licit_date_civil(-719162, &y, &m, &d);
  cr_assert(y == 1 && m == 1 && d == 1);
}

Test(time, now_is_plausible) {
  int64_t t = licit_time_now();
  cr_assert_gt(t, ok("2020-01-01T00:00:00Z"));
  cr_assert_lt(t, ok("2200-01-01T00:00:00Z"));
}

/* -------------------------------------------------------------- dates -- */

static int32_t date_ok(const char *s) {
  int32_t d = 4242;
  int rc = licit_date_parse(s, strlen(s), &d, NULL);
  cr_assert_eq(rc, 0, "expected date \"%s\" to parse", s);
  return d;
}

static void date_bad(const char *s) {
  int32_t d = 4242;
  const char *why = NULL;
  cr_assert_eq(licit_date_parse(s, strlen(s), &d, &why), LICIT_EINVAL, "expected date \"%s\" rejected", s);
  cr_assert_not_null(why);
  cr_assert_eq(d, 4242);
}

Test(date, valid) {
  cr_assert_eq(date_ok("1970-01-01"), 0);
  cr_assert_eq(date_ok("1969-12-31"), -1);
  cr_assert_eq(date_ok("2024-06-26"), 19900);
  cr_assert_eq(date_ok("2000-02-29"), 11016);
  cr_assert_eq(date_ok("0001-01-01"), -719162);
  cr_assert_eq(date_ok("9999-12-31"), 2932896);
  cr_assert_eq(date_ok("1900-01-01"), -25567);
  date_ok("2024-02-29");
}

Test(date, invalid) {
  date_bad("2023-02-29");
  date_bad("1900-02-29");
  date_bad("0000-01-01");
  date_bad("2024-13-01");
  date_bad("2024-00-01");
  date_bad("2024-01-00");
  date_bad("2024-04-31");
  date_bad("2024-1-01");
  date_bad("2024/01/01");
  date_bad("2024-01-01T00:00:00Z");
  date_bad("2024-01-01 ");
  date_bad("24-01-01");
  date_bad("");
  date_bad("abcd-ef-gh");
}

Test(date, format_round_trip) {
  char buf[11];
  for (int32_t d = -719162; d <= 2932896; d += 997) {
    cr_assert_eq(licit_date_format(d, buf), 10);
    cr_assert_eq(date_ok(buf), d, "%s", buf);
  }
  licit_date_format(11016, buf);
  cr_assert_str_eq(buf, "2000-02-29");
}

Test(errors, table) {
  cr_assert_str_eq(licit_strerror_name(LICIT_ETOOBIG), "LICIT_ETOOBIG");
  cr_assert_str_eq(licit_strerror(LICIT_EDUPLICATE), "duplicate event id");
  cr_assert_str_eq(licit_strerror_name(12345), "LICIT_E?");
  licit_err e;
  cr_assert_eq(licit_err_set(&e, LICIT_EINVAL, "field %s", "x"), LICIT_EINVAL);
  cr_assert_eq(e.code, LICIT_EINVAL);
  cr_assert_str_eq(e.msg, "field x");
  cr_assert_eq(licit_err_set(NULL, LICIT_EIO, "nothing"), LICIT_EIO);
}

/* eval decides "minor" as created < licit_birthday_us(birth, min_age); it
 * must agree with licit_age_at (full years at a UTC date, a Feb 29 birthday
 * counted on Mar 1 in common years) at every day and at both ends of it. */
#include "eval/eval.h"

Test(time, birthday_agrees_with_age) {
  int32_t births[] = {0, -1, 59, 789, 10957 /* 2000-01-01 */, 11016 /* 2000-02-29 */, 11017, 12477 /* 2004-02-29 */,
                      -25508 /* 1900-02-28 */, 19417, -719162 /* 0001-01-01 */};
  int ages[] = {0, 1, 4, 13, 16, 18, 21, 100, 150};
  for (size_t b = 0; b < sizeof births / sizeof births[0]; b++)
    for (size_t a = 0; a < sizeof ages / sizeof ages[0]; a++) {
      int64_t when = licit_birthday_us(births[b], ages[a]);
      cr_assert_eq(when % (86400 * S), 0, "a birthday starts at 00:00 UTC");
      for (int64_t day = when / (86400 * S) - 400; day <= when / (86400 * S) + 400; day++)
        for (int edge = 0; edge < 2; edge++) {
          int64_t us = day * 86400 * S + (edge ? 86400 * S - 1 : 0);
          bool younger = licit_age_at(us, births[b]) < ages[a];
          cr_assert_eq(us < when, younger, "birth day %d, age %d, at day %lld%s", births[b], ages[a], (long long)day,
                       edge ? " (last microsecond)" : "");
        }
    }
}
