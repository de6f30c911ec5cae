/*
 * test_policy.c — policy parsing and validation (SPEC section 3): every error
 * names its key path, region groups and their ambiguity rule, the version in
 * force at T and the region -> mode lookup.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"
#include "policy/policy.h"

static licit_err err;

static licit_policy *ok(const char *json) {
  licit_policy *p = NULL;
  memset(&err, 0, sizeof err);
  int rc = licit_policy_parse(json, strlen(json), "t.json", &p, &err);
  cr_assert_eq(rc, 0, "expected a valid policy, got %d: %s\n%s", rc, err.msg, json);
  cr_assert_not_null(p);
  return p;
}

/* Rejected with LICIT_EPOLICY; the message names the file and every needle. */
static void bad(const char *json, const char *path, const char *reason) {
  licit_policy *p = (licit_policy *)0x1;
  memset(&err, 0, sizeof err);
  int rc = licit_policy_parse(json, strlen(json), "t.json", &p, &err);
  cr_assert_eq(rc, LICIT_EPOLICY, "expected a policy error for\n%s\ngot %d", json, rc);
  cr_assert_eq(err.code, LICIT_EPOLICY);
  cr_assert_eq(p, (licit_policy *)0x1, "out-parameter untouched on failure");
  cr_assert(strstr(err.msg, "t.json") != NULL, "message names the file: %s", err.msg);
  if (path) {
    char want[300];
    snprintf(want, sizeof want, ": %s: ", path);
    cr_assert(strstr(err.msg, want) != NULL, "message \"%s\" should name the path \"%s\"", err.msg, path);
  }
  if (reason) cr_assert(strstr(err.msg, reason) != NULL, "message \"%s\" should say \"%s\"", err.msg, reason);
}

/* A policy with one version whose body is `vbody` (inside the braces). */
static char *one_version(const char *groups, const char *vbody) {
  static char buf[4096];
  snprintf(buf, sizeof buf,
           "{\"name\":\"n\",%s%s%s\"versions\":[{\"id\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\"%s%s}]}",
           groups ? "\"region_groups\":" : "", groups ? groups : "", groups ? "," : "", vbody[0] ? "," : "",
           vbody);
  return buf;
}

static int64_t T(const char *s) {
  int64_t us;
  cr_assert_eq(licit_time_parse(s, strlen(s), &us, NULL), 0);
  return us;
}

static licit_mode mode_of(const licit_policy_version *v, const char *cc, int *via) {
  char r[2] = {cc[0], cc[0] ? cc[1] : 0};
  return licit_policy_mode(v, r, via);
}

static const char SPEC_EXAMPLE[] =
    "{\n"
    "  \"name\": \"example-genai\",\n"
    "  \"source\": \"example.social\",\n"
    "  \"region_groups\": { \"NORDIC\": [\"DK\", \"FI\", \"IS\", \"NO\", \"SE\"] },\n"
    "  \"versions\": [\n"
    "    { \"id\": \"2024-06\", \"effective\": \"2024-06-26T00:00:00Z\",\n"
    "      \"visibility\": [\"public\"],\n"
    "      \"content_since\": \"2007-01-01T00:00:00Z\",\n"
    "      \"min_age\": 18,\n"
    "      \"honor_signals\": [\"noai\"],\n"
    "      \"regions\": { \"default\": \"no_choice\", \"EEA\": \"opt_out\", \"GB\": \"opt_out\" } }\n"
    "  ]\n"
    "}\n";

/* ------------------------------------------------------------- valid -- */

Test(policy, spec_example) {
  licit_policy *p = ok(SPEC_EXAMPLE);
  cr_assert_str_eq(p->name, "example-genai");
  cr_assert_str_eq(p->source, "example.social");
  cr_assert_eq(p->n_groups, 3);
  cr_assert_str_eq(p->groups[0].name, "EU");
  cr_assert(p->groups[0].builtin);
  cr_assert_str_eq(p->groups[1].name, "EEA");
  cr_assert_str_eq(p->groups[2].name, "NORDIC");
  cr_assert_not(p->groups[2].builtin);
  cr_assert_eq(p->groups[2].n, 5);
  cr_assert_eq(p->n_versions, 1);
  const licit_policy_version *v = &p->versions[0];
  cr_assert_str_eq(v->id, "2024-06");
  cr_assert_eq(v->effective, T("2024-06-26T00:00:00Z"));
  cr_assert_eq(v->vis_mask, 1u << LICIT_VIS_PUBLIC);
  cr_assert_eq(v->content_since, T("2007-01-01T00:00:00Z"));
  cr_assert_eq(v->min_age, 18);
  cr_assert_eq(v->n_honor, 1);
  cr_assert_str_eq(v->honor[0], "noai");
  cr_assert_eq(v->honor_len[0], 4);
  cr_assert_eq(v->n_rules, 3);
  int via;
  cr_assert_eq(mode_of(v, "DE", &via), LICIT_MODE_OPT_OUT);
  cr_assert_eq(via, 1, "DE decided by group EEA (index 1)");
  cr_assert_eq(mode_of(v, "GB", &via), LICIT_MODE_OPT_OUT);
  cr_assert_eq(via, LICIT_VIA_COUNTRY);
  cr_assert_eq(mode_of(v, "US", &via), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(via, LICIT_VIA_DEFAULT);
  licit_policy_free(p);
}

Test(policy, defaults) {
  licit_policy *p = ok("{\"name\":\"nm\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}]}");
  cr_assert_str_eq(p->source, "nm", "source defaults to name");
  cr_assert_eq(p->n_groups, 2);
  const licit_policy_version *v = &p->versions[0];
  cr_assert_eq(v->vis_mask, 1u << LICIT_VIS_PUBLIC, "visibility defaults to [\"public\"]");
  cr_assert_eq(v->content_since, LICIT_TIME_NONE);
  cr_assert_eq(v->min_age, -1);
  cr_assert_eq(v->n_honor, 0);
  int via;
  cr_assert_eq(mode_of(v, "DE", &via), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(via, LICIT_VIA_NONE);
  cr_assert_eq(mode_of(v, "", &via), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(via, LICIT_VIA_NONE);
  licit_policy_free(p);
}

Test(policy, visibility_list_and_empty_extras) {
  licit_policy *p = ok(one_version(NULL, "\"visibility\":[\"public\",\"unlisted\",\"public\"],\"honor_signals\":[],"
                                         "\"min_age\":0,\"regions\":{}"));
  const licit_policy_version *v = &p->versions[0];
  cr_assert_eq(v->vis_mask, (1u << LICIT_VIS_PUBLIC) | (1u << LICIT_VIS_UNLISTED));
  cr_assert_eq(v->min_age, 0);
  cr_assert_eq(v->n_honor, 0);
  int via;
  cr_assert_eq(mode_of(v, "FR", &via), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(via, LICIT_VIA_NONE);
  licit_policy_free(p);
  p = ok(one_version(NULL, "\"visibility\":[]"));
  cr_assert_eq(p->versions[0].vis_mask, 0);
  licit_policy_free(p);
}

static char *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)sz + 1);
  *n = fread(b, 1, (size_t)sz, f);
  fclose(f);
  return b;
}

Test(policy, example_policies_parse) {
  const char *root = getenv("LICIT_SOURCE_ROOT");
  const char *names[] = {"meta-genai.json", "linkedin-genai.json", "x-grok.json"};
  for (int i = 0; i < 3; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/policies/%s", root ? root : ".", names[i]);
    size_t n;
    char *text = read_file(path, &n);
    cr_assert_not_null(text, "cannot read %s (set LICIT_SOURCE_ROOT)", path);
    licit_policy *p = NULL;
    int rc = licit_policy_parse(text, n, path, &p, &err);
    cr_assert_eq(rc, 0, "%s: %s", path, err.msg);
    cr_assert_gt(p->n_versions, 0);
    for (size_t v = 1; v < p->n_versions; v++) cr_assert_gt(p->versions[v].effective, p->versions[v - 1].effective);
    licit_policy_free(p);
    free(text);
  }
}

Test(policy, meta_example_modes_over_time) {
  const char *root = getenv("LICIT_SOURCE_ROOT");
  char path[1024];
  snprintf(path, sizeof path, "%s/examples/policies/meta-genai.json", root ? root : ".");
  size_t n;
  char *text = read_file(path, &n);
  cr_assert_not_null(text);
  licit_policy *p = NULL;
  cr_assert_eq(licit_policy_parse(text, n, path, &p, &err), 0, "%s", err.msg);
  const licit_policy_version *v = licit_policy_at(p, T("2024-06-01T00:00:00Z"));
  cr_assert_str_eq(v->id, "2024-05-eu-uk-notice");
  cr_assert_eq(mode_of(v, "NO", NULL), LICIT_MODE_OPT_OUT);
  cr_assert_eq(mode_of(v, "BR", NULL), LICIT_MODE_NO_CHOICE);
  v = licit_policy_at(p, T("2024-07-02T00:00:00Z"));
  cr_assert_str_eq(v->id, "2024-07-br-suspended");
  cr_assert_eq(mode_of(v, "BR", NULL), LICIT_MODE_EXCLUDED);
  cr_assert_eq(mode_of(v, "FR", NULL), LICIT_MODE_EXCLUDED);
  licit_policy_free(p);
  free(text);
}

/* ------------------------------------------------------------- errors -- */

Test(policy_errors, unknown_keys) {
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}],\"extra\":1}", "extra",
      "unknown key");
  bad("{\"Name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}]}", "Name",
      "unknown key");
  bad(one_version(NULL, "\"visiblity\":[\"public\"]"), "versions[0].visiblity", "unknown key");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
      "{\"id\":\"b\",\"effective\":\"2024-02-01T00:00:00Z\",\"min_ag\":3}]}",
      "versions[1].min_ag", "unknown key");
}

Test(policy_errors, wrong_types) {
  bad("[]", NULL, "object");
  bad("\"policy\"", NULL, "object");
  bad("{\"name\":5,\"versions\":[]}", "name", "string");
  bad("{\"name\":\"\",\"versions\":[]}", "name", NULL);
  bad("{\"name\":\"n\",\"source\":5,\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}]}",
      "source", "string");
  bad("{\"name\":\"n\",\"versions\":{}}", "versions", "array");
  bad("{\"name\":\"n\",\"versions\":[\"v1\"]}", "versions[0]", "object");
  bad("{\"name\":\"n\",\"region_groups\":[],\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}]}",
      "region_groups", "object");
  bad(one_version("{\"NORDIC\":\"DK\"}", ""), "region_groups.NORDIC", "array");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":5,\"effective\":\"2024-01-01T00:00:00Z\"}]}", "versions[0].id",
      "string");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"\",\"effective\":\"2024-01-01T00:00:00Z\"}]}", "versions[0].id",
      NULL);
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":1704067200}]}", "versions[0].effective", NULL);
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01\"}]}", "versions[0].effective",
      "RFC 3339");
  bad(one_version(NULL, "\"visibility\":\"public\""), "versions[0].visibility", "array");
  bad(one_version(NULL, "\"visibility\":[\"public\",5]"), "versions[0].visibility[1]", NULL);
  bad(one_version(NULL, "\"visibility\":[\"friends\"]"), "versions[0].visibility[0]", NULL);
  bad(one_version(NULL, "\"content_since\":\"yesterday\""), "versions[0].content_since", NULL);
  bad(one_version(NULL, "\"content_since\":null"), "versions[0].content_since", NULL);
  bad(one_version(NULL, "\"min_age\":\"18\""), "versions[0].min_age", NULL);
  bad(one_version(NULL, "\"min_age\":18.5"), "versions[0].min_age", NULL);
  bad(one_version(NULL, "\"min_age\":-1"), "versions[0].min_age", NULL);
  bad(one_version(NULL, "\"min_age\":151"), "versions[0].min_age", NULL);
  bad(one_version(NULL, "\"honor_signals\":\"noai\""), "versions[0].honor_signals", "array");
  bad(one_version(NULL, "\"honor_signals\":[\"noai\",1]"), "versions[0].honor_signals[1]", "string");
  bad(one_version(NULL, "\"honor_signals\":[\"no\\u0000ai\"]"), "versions[0].honor_signals[0]", "U+0000");
  /* A signal no event can carry (SPEC 2: 1-256 bytes) is a typo, not a rule. */
  bad(one_version(NULL, "\"honor_signals\":[\"noai\",\"\"]"), "versions[0].honor_signals[1]", "1 to 256 bytes");
  {
    char big[400];
    int k = snprintf(big, sizeof big, "\"honor_signals\":[\"");
    memset(big + k, 'a', 257);
    snprintf(big + k + 257, sizeof big - (size_t)k - 257, "\"]");
    bad(one_version(NULL, big), "versions[0].honor_signals[0]", "got 257");
  }
  bad(one_version(NULL, "\"regions\":[]"), "versions[0].regions", "object");
  bad(one_version(NULL, "\"regions\":{\"default\":1}"), "versions[0].regions.default", "mode");
  bad(one_version(NULL, "\"regions\":{\"GB\":null}"), "versions[0].regions.GB", "mode");
}

Test(policy_errors, missing_required) {
  bad("{\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}]}", "name", "missing");
  bad("{\"name\":\"n\"}", "versions", "missing");
  bad("{\"name\":\"n\",\"versions\":[]}", "versions", "at least one");
  bad("{\"name\":\"n\",\"versions\":[{\"effective\":\"2024-01-01T00:00:00Z\"}]}", "versions[0].id", "missing");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\"}]}", "versions[0].effective", "missing");
}

Test(policy_errors, effective_must_strictly_increase) {
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
      "{\"id\":\"b\",\"effective\":\"2024-01-01T00:00:00Z\"}]}",
      "versions[1].effective", "later");
  /* The same instant written with an offset is still equal. */
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
      "{\"id\":\"b\",\"effective\":\"2024-01-01T01:00:00+01:00\"}]}",
      "versions[1].effective", "later");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
      "{\"id\":\"b\",\"effective\":\"2024-02-01T00:00:00Z\"},"
      "{\"id\":\"c\",\"effective\":\"2024-01-15T00:00:00Z\"}]}",
      "versions[2].effective", "later");
  /* One microsecond later is enough. */
  licit_policy *p = ok("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
                       "{\"id\":\"b\",\"effective\":\"2024-01-01T00:00:00.000001Z\"}]}");
  licit_policy_free(p);
}

Test(policy_errors, duplicate_version_id) {
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
      "{\"id\":\"b\",\"effective\":\"2024-02-01T00:00:00Z\"},"
      "{\"id\":\"a\",\"effective\":\"2024-03-01T00:00:00Z\"}]}",
      "versions[2].id", "unique");
}

Test(policy_errors, unknown_mode) {
  bad(one_version(NULL, "\"regions\":{\"default\":\"optout\"}"), "versions[0].regions.default", "unknown mode");
  bad(one_version(NULL, "\"regions\":{\"EEA\":\"Opt_Out\"}"), "versions[0].regions.EEA", "unknown mode");
  bad(one_version(NULL, "\"regions\":{\"DE\":\"\"}"), "versions[0].regions.DE", "unknown mode");
}

Test(policy_errors, unknown_region_key) {
  bad(one_version(NULL, "\"regions\":{\"NORDIC\":\"opt_out\"}"), "versions[0].regions.NORDIC", "unknown region");
  bad(one_version(NULL, "\"regions\":{\"eu\":\"opt_out\"}"), "versions[0].regions.eu", "unknown region");
  bad(one_version(NULL, "\"regions\":{\"de\":\"opt_out\"}"), "versions[0].regions.de", "unknown region");
  bad(one_version(NULL, "\"regions\":{\"DEU\":\"opt_out\"}"), "versions[0].regions.DEU", "unknown region");
  bad(one_version(NULL, "\"regions\":{\"Default\":\"opt_out\"}"), "versions[0].regions.Default", "unknown region");
  bad(one_version(NULL, "\"regions\":{\"\":\"opt_out\"}"), "versions[0].regions.", "unknown region");
  bad(one_version(NULL, "\"regions\":{\"D\":\"opt_out\"}"), "versions[0].regions.D", "unknown region");
}

Test(policy_errors, bad_group_names) {
  bad(one_version("{\"nordic\":[\"DK\"]}", ""), "region_groups.nordic", "upper case");
  bad(one_version("{\"NO\":[\"DK\"]}", ""), "region_groups.NO", "3 letters");
  bad(one_version("{\"NORDIC1\":[\"DK\"]}", ""), "region_groups.NORDIC1", NULL);
  bad(one_version("{\"NOR DIC\":[\"DK\"]}", ""), "region_groups.NOR DIC", NULL);
  bad(one_version("{\"\":[\"DK\"]}", ""), "region_groups.", NULL);
}

Test(policy_errors, builtin_groups_cannot_be_redefined) {
  bad(one_version("{\"EU\":[\"DE\"]}", ""), "region_groups.EU", NULL);
  bad(one_version("{\"EEA\":[\"DE\"]}", ""), "region_groups.EEA", "built-in");
}

Test(policy_errors, bad_country_code_in_group) {
  bad(one_version("{\"NORDIC\":[\"DK\",\"dk\"]}", ""), "region_groups.NORDIC[1]", "country code");
  bad(one_version("{\"NORDIC\":[\"DNK\"]}", ""), "region_groups.NORDIC[0]", "country code");
  bad(one_version("{\"NORDIC\":[\"DK\",5]}", ""), "region_groups.NORDIC[1]", "country code");
  bad(one_version("{\"NORDIC\":[\"\"]}", ""), "region_groups.NORDIC[0]", "country code");
}

Test(policy_errors, ambiguous_group_membership) {
  const char *g = "{\"AAA\":[\"DK\",\"SE\"],\"BBB\":[\"DK\",\"FI\"]}";
  bad(one_version(g, "\"regions\":{\"AAA\":\"opt_out\",\"BBB\":\"opt_in\"}"), "versions[0].regions", "ambiguous");
  cr_assert(strstr(err.msg, "DK") != NULL, "%s", err.msg);
  cr_assert(strstr(err.msg, "AAA") != NULL && strstr(err.msg, "BBB") != NULL, "%s", err.msg);
  /* Built-ins: every EU country is in both EU and EEA. */
  bad(one_version(NULL, "\"regions\":{\"EU\":\"opt_out\",\"EEA\":\"excluded\"}"), "versions[0].regions",
      "ambiguous");
  /* A group overlapping a built-in. */
  bad(one_version("{\"NORDIC\":[\"DK\",\"NO\"]}", "\"regions\":{\"NORDIC\":\"opt_in\",\"EEA\":\"opt_out\"}"),
      "versions[0].regions", "ambiguous");
  /* In the second version only. */
  char buf[1024];
  snprintf(buf, sizeof buf,
           "{\"name\":\"n\",\"region_groups\":%s,\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\","
           "\"regions\":{\"AAA\":\"opt_out\"}},{\"id\":\"b\",\"effective\":\"2024-02-01T00:00:00Z\","
           "\"regions\":{\"AAA\":\"opt_out\",\"BBB\":\"excluded\"}}]}",
           g);
  bad(buf, "versions[1].regions", "ambiguous");
}

Test(policy, ambiguity_resolved_by_country_key) {
  const char *g = "{\"AAA\":[\"DK\",\"SE\"],\"BBB\":[\"DK\",\"FI\"]}";
  licit_policy *p = ok(one_version(g, "\"regions\":{\"AAA\":\"opt_out\",\"BBB\":\"opt_in\",\"DK\":\"excluded\"}"));
  const licit_policy_version *v = &p->versions[0];
  int via;
  cr_assert_eq(mode_of(v, "DK", &via), LICIT_MODE_EXCLUDED);
  cr_assert_eq(via, LICIT_VIA_COUNTRY);
  cr_assert_eq(mode_of(v, "SE", &via), LICIT_MODE_OPT_OUT);
  cr_assert_str_eq(p->groups[via].name, "AAA");
  cr_assert_eq(mode_of(v, "FI", &via), LICIT_MODE_OPT_IN);
  cr_assert_str_eq(p->groups[via].name, "BBB");
  licit_policy_free(p);
  /* The country key may come before the groups. */
  p = ok(one_version(NULL, "\"regions\":{\"DE\":\"no_choice\",\"EU\":\"opt_out\",\"EEA\":\"excluded\","
                           "\"AT\":\"opt_in\",\"BE\":\"opt_in\",\"BG\":\"opt_in\",\"CY\":\"opt_in\",\"CZ\":\"opt_in\","
                           "\"DK\":\"opt_in\",\"EE\":\"opt_in\",\"ES\":\"opt_in\",\"FI\":\"opt_in\",\"FR\":\"opt_in\","
                           "\"GR\":\"opt_in\",\"HR\":\"opt_in\",\"HU\":\"opt_in\",\"IE\":\"opt_in\",\"IT\":\"opt_in\","
                           "\"LT\":\"opt_in\",\"LU\":\"opt_in\",\"LV\":\"opt_in\",\"MT\":\"opt_in\",\"NL\":\"opt_in\","
                           "\"PL\":\"opt_in\",\"PT\":\"opt_in\",\"RO\":\"opt_in\",\"SE\":\"opt_in\",\"SI\":\"opt_in\","
                           "\"SK\":\"opt_in\"}"));
  v = &p->versions[0];
  cr_assert_eq(mode_of(v, "DE", NULL), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(mode_of(v, "FR", NULL), LICIT_MODE_OPT_IN);
  cr_assert_eq(mode_of(v, "NO", &via), LICIT_MODE_EXCLUDED, "NO is only in EEA");
  cr_assert_eq(via, 1);
  licit_policy_free(p);
}

Test(policy, same_mode_in_two_groups_is_not_an_error) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"EU\":\"opt_out\",\"EEA\":\"opt_out\"}"));
  const licit_policy_version *v = &p->versions[0];
  int via;
  cr_assert_eq(mode_of(v, "DE", &via), LICIT_MODE_OPT_OUT);
  cr_assert(via == 0 || via == 1);
  cr_assert_eq(mode_of(v, "NO", &via), LICIT_MODE_OPT_OUT);
  cr_assert_eq(via, 1);
  licit_policy_free(p);
  p = ok(one_version("{\"NORDIC\":[\"DK\",\"NO\",\"NO\"]}", "\"regions\":{\"NORDIC\":\"opt_in\",\"EEA\":\"opt_in\"}"));
  cr_assert_eq(p->groups[2].n, 2, "repeated codes in a group count once");
  cr_assert_eq(mode_of(&p->versions[0], "DK", NULL), LICIT_MODE_OPT_IN);
  licit_policy_free(p);
}

Test(policy_errors, invalid_json_names_line_and_column) {
  bad("{\n  \"name\": \"n\",\n  oops\n}", NULL, "line 3");
  cr_assert(strstr(err.msg, "column") != NULL, "%s", err.msg);
  bad("", NULL, "line");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\",\"min_age\":NaN}]}", NULL,
      "column");
  bad("{\"name\":\"n\",\"versions\":[]} trailing", NULL, "line 1");
}

Test(policy_errors, duplicate_key) {
  bad("{\"name\":\"n\",\"name\":\"m\",\"versions\":[{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"}]}", NULL,
      "line 1");
  bad(one_version(NULL, "\"regions\":{\"DE\":\"opt_out\",\"DE\":\"opt_in\"}"), NULL, "line 1");
  bad("{\"name\":\"n\",\"versions\":[{\"id\":\"a\",\"id\":\"b\",\"effective\":\"2024-01-01T00:00:00Z\"}]}", NULL,
      "duplicate");
}

/* ---------------------------------------------------------- policy_at -- */

Test(policy, version_in_force_at) {
  licit_policy *p = ok("{\"name\":\"n\",\"versions\":["
                       "{\"id\":\"a\",\"effective\":\"2024-01-01T00:00:00Z\"},"
                       "{\"id\":\"b\",\"effective\":\"2024-06-01T00:00:00Z\"},"
                       "{\"id\":\"c\",\"effective\":\"2025-01-01T00:00:00Z\"}]}");
  cr_assert_null(licit_policy_at(p, T("2023-12-31T23:59:59.999999Z")), "before the first version: none");
  cr_assert_null(licit_policy_at(p, INT64_MIN + 1));
  cr_assert_str_eq(licit_policy_at(p, T("2024-01-01T00:00:00Z"))->id, "a", "the effective instant counts");
  cr_assert_str_eq(licit_policy_at(p, T("2024-05-31T23:59:59.999999Z"))->id, "a");
  cr_assert_str_eq(licit_policy_at(p, T("2024-06-01T00:00:00Z"))->id, "b");
  cr_assert_str_eq(licit_policy_at(p, T("2024-12-31T00:00:00Z"))->id, "b");
  cr_assert_str_eq(licit_policy_at(p, T("2025-01-01T00:00:00Z"))->id, "c");
  cr_assert_str_eq(licit_policy_at(p, INT64_MAX)->id, "c");
  licit_policy_free(p);
}

/* --------------------------------------------------------------- mode -- */

Test(policy, country_beats_group_beats_default) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"DE\":\"excluded\",\"EEA\":\"opt_out\",\"default\":\"opt_in\"}"));
  const licit_policy_version *v = &p->versions[0];
  int via;
  cr_assert_eq(mode_of(v, "DE", &via), LICIT_MODE_EXCLUDED);
  cr_assert_eq(via, LICIT_VIA_COUNTRY);
  cr_assert_eq(mode_of(v, "FR", &via), LICIT_MODE_OPT_OUT);
  cr_assert_eq(via, 1);
  cr_assert_eq(mode_of(v, "US", &via), LICIT_MODE_OPT_IN);
  cr_assert_eq(via, LICIT_VIA_DEFAULT);
  cr_assert_eq(v->default_mode, LICIT_MODE_OPT_IN);
  licit_policy_free(p);
}

Test(policy, no_default_is_no_choice) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"GB\":\"opt_out\"}"));
  const licit_policy_version *v = &p->versions[0];
  int via;
  cr_assert_eq(mode_of(v, "US", &via), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(via, LICIT_VIA_NONE);
  cr_assert_eq(mode_of(v, "", &via), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(via, LICIT_VIA_NONE);
  cr_assert_eq(mode_of(v, "GB", &via), LICIT_MODE_OPT_OUT);
  licit_policy_free(p);
}

Test(policy, unknown_region_gets_default) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"default\":\"excluded\",\"EU\":\"opt_out\"}"));
  int via;
  cr_assert_eq(mode_of(&p->versions[0], "", &via), LICIT_MODE_EXCLUDED);
  cr_assert_eq(via, LICIT_VIA_DEFAULT);
  licit_policy_free(p);
}

Test(policy, eea_includes_no_is_li) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"EEA\":\"opt_out\"}"));
  const licit_policy_version *v = &p->versions[0];
  const char *in[] = {"NO", "IS", "LI", "DE", "FR", "SE"};
  for (int i = 0; i < 6; i++) cr_assert_eq(mode_of(v, in[i], NULL), LICIT_MODE_OPT_OUT, "%s", in[i]);
  const char *out[] = {"CH", "GB", "US", "UA", "TR"};
  for (int i = 0; i < 5; i++) cr_assert_eq(mode_of(v, out[i], NULL), LICIT_MODE_NO_CHOICE, "%s", out[i]);
  cr_assert_eq(p->groups[1].n, 30);
  licit_policy_free(p);
}

Test(policy, eu_does_not_include_no) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"EU\":\"opt_out\"}"));
  const licit_policy_version *v = &p->versions[0];
  cr_assert_eq(mode_of(v, "NO", NULL), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(mode_of(v, "IS", NULL), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(mode_of(v, "LI", NULL), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(mode_of(v, "GB", NULL), LICIT_MODE_NO_CHOICE);
  cr_assert_eq(mode_of(v, "DE", NULL), LICIT_MODE_OPT_OUT);
  licit_policy_free(p);
}

Test(policy, builtin_eu_is_the_27) {
  static const char *const eu[] = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
                                   "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"EU\":\"excluded\",\"default\":\"opt_in\"}"));
  const licit_policy_version *v = &p->versions[0];
  cr_assert_str_eq(p->groups[0].name, "EU");
  cr_assert_eq(p->groups[0].n, 27);
  int n_excluded = 0;
  for (char a = 'A'; a <= 'Z'; a++)
    for (char b = 'A'; b <= 'Z'; b++) {
      char cc[3] = {a, b, 0};
      bool member = false;
      for (int i = 0; i < 27; i++) member |= strcmp(eu[i], cc) == 0;
      int via;
      licit_mode m = mode_of(v, cc, &via);
      cr_assert_eq(m, member ? LICIT_MODE_EXCLUDED : LICIT_MODE_OPT_IN, "%s", cc);
      cr_assert_eq(via, member ? 0 : LICIT_VIA_DEFAULT, "%s", cc);
      n_excluded += m == LICIT_MODE_EXCLUDED;
    }
  cr_assert_eq(n_excluded, 27);
  cr_assert_str_eq(licit_mode_name(LICIT_MODE_OPT_OUT), "opt_out");
  cr_assert_str_eq(licit_mode_name((licit_mode)9), "?");
  licit_policy_free(p);
}

Test(policy, rule_keys_kept_in_order) {
  licit_policy *p = ok(one_version(NULL, "\"regions\":{\"GB\":\"opt_out\",\"default\":\"no_choice\",\"EEA\":\"opt_in\"}"));
  const licit_policy_version *v = &p->versions[0];
  cr_assert_eq(v->n_rules, 3);
  cr_assert_str_eq(v->rule_key[0], "GB");
  cr_assert_eq(v->rule_mode[0], LICIT_MODE_OPT_OUT);
  cr_assert_str_eq(v->rule_key[1], "default");
  cr_assert_str_eq(v->rule_key[2], "EEA");
  cr_assert_eq(v->rule_mode[2], LICIT_MODE_OPT_IN);
  licit_policy_free(p);
}

Test(policy, threads_and_mentions_keys) {
  licit_policy *p = ok(one_version(NULL, ""));
  cr_assert(p->versions[0].inherit_audience, "inherit_audience defaults to true");
  cr_assert(!p->versions[0].honor_mentions, "honor_mentions defaults to false");
  licit_policy_free(p);
  p = ok(one_version(NULL, "\"inherit_audience\":false,\"honor_mentions\":true"));
  cr_assert(!p->versions[0].inherit_audience);
  cr_assert(p->versions[0].honor_mentions);
  licit_policy_free(p);
  bad(one_version(NULL, "\"honor_mentions\":1"), "versions[0].honor_mentions", "expected true or false");
  bad(one_version(NULL, "\"inherit_audience\":\"yes\""), "versions[0].inherit_audience", "expected true or false");
  bad(one_version(NULL, "\"honour_mentions\":true"), "versions[0].honour_mentions", "unknown key");
}
