/* cmd_report.c — `licit explain`, `licit report` and `licit debt`. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "event/event.h"
#include "json/json.h"
#include "report/explain.h"
#include "report/feed.h"
#include "snapshot/snapshot.h"

static void explain_text(const licit_explain *x) {
  char a[LICIT_TIME_BUFSZ], cr[LICIT_TIME_BUFSZ];
  licit_time_format(x->at, a);
  licit_time_format(x->created, cr);
  printf("Post %s by %s, created %s, as of %s\n\n", x->post, x->user, cr, a);
  if (!x->considered) {
    printf("Decision: not considered: the post did not exist yet at this time.\n");
  } else if (x->decision == LICIT_INCLUDED) {
    printf("Decision: INCLUDED. This post may be used to train AI under %s (version %s).\n", x->policy_name,
           x->version_id);
  } else {
    printf("Decision: EXCLUDED (%s). This post is not used for AI training at this time.\n",
           licit_reason_name(x->decision));
  }
  if (x->considered && x->decision != LICIT_INCLUDED) printf("%s\n", licit_reason_sentence(x->decision));
  printf("\nWhat was checked, in order (the first \"no\" decides):\n");
  for (int i = 0; i < LICIT_CHECKS; i++) {
    const licit_check *k = &x->checks[i];
    const char *verdict = k->passed == LICIT_CHECK_NA ? "n/a" : k->passed ? "yes" : "NO ";
    printf("  %2d. %-44s %s  %s\n", i + 1, licit_reason_title(k->check), verdict, k->detail);
    for (int j = 0; j < k->n_events; j++) {
      char tb[LICIT_TIME_BUFSZ];
      licit_time_format(k->events[j].ts, tb);
      printf("       event %llu: %s at %s", (unsigned long long)k->events[j].seq,
             licit_event_type_name(k->events[j].type), tb);
      if (k->events[j].post[0]) printf(", post %s", k->events[j].post);
      if (k->events[j].user[0]) printf(", account %s", k->events[j].user);
      printf("\n");
    }
  }
  printf("\nCorpus snapshots:\n");
  if (!x->n_snaps) printf("  none registered yet\n");
  for (size_t i = 0; i < x->n_snaps; i++) {
    char tb[LICIT_TIME_BUFSZ];
    licit_time_format(x->snaps[i].at, tb);
    printf("  %-28s (%s): %s\n", x->snaps[i].name, tb,
           x->snaps[i].posts ? "INCLUDED this post; a snapshot keeps what it holds" : "did not include it");
  }
  if (x->optout_notice) {
    printf("\nThis post reads like a chain opt-out notice (%s).\n", x->notice.family ? x->notice.family : "notice");
    printf("Posting it has no effect on AI training: it is treated like any other post.\n");
    if (x->version_id) {
      char reg[8];
      if (x->facts.region[0]) snprintf(reg, sizeof reg, "%c%c", x->facts.region[0], x->facts.region[1]);
      else snprintf(reg, sizeof reg, "unknown");
      printf("What actually works for this account (region %s, mode %s): %s.\n", reg,
             licit_mode_name(x->facts.mode), licit_mode_meaning(x->facts.mode));
    }
  }
}

int cmd_explain(cli *c) {
  if (c->npos != 1) return cli_fail(EXIT_USAGE, "explain: expected one POST id (licit explain POST [--at T])");
  licit_txn *t = NULL;
  licit_policy *p = NULL;
  int64_t T;
  int code = cli_begin_read(c, NULL, &t, &p, &T);
  if (code) return code;
  licit_explain x;
  licit_err err;
  int rc = licit_explain_post(t, p, c->pos[0], strlen(c->pos[0]), T, &x, &err);
  if (rc) {
    code = cli_fail_code(rc, "explain: %s", err.msg);
  } else {
    if (c->json) {
      licit_buf b = LICIT_BUF_INIT;
      licit_explain_json(&b, &x);
      cli_print(&b);
      licit_buf_free(&b);
    } else {
      explain_text(&x);
    }
    licit_explain_free(&x);
  }
  licit_policy_free(p);
  licit_txn_abort(t);
  return code;
}

static void counts_text(const licit_counts *n) {
  printf("  %llu considered, %llu included", (unsigned long long)n->considered, (unsigned long long)n->included);
  for (int r = 1; r < LICIT_R_COUNT; r++)
    if (n->excluded[r]) printf(", %llu %s", (unsigned long long)n->excluded[r], licit_reason_name(r));
  printf("\n");
}

int cmd_report(cli *c) {
  if (c->npos != 1) return cli_fail(EXIT_USAGE, "report: expected one USER id (licit report USER [--at T])");
  licit_txn *t = NULL;
  licit_policy *p = NULL;
  int64_t T;
  int code = cli_begin_read(c, NULL, &t, &p, &T);
  if (code) return code;
  licit_report r;
  licit_err err;
  int rc = licit_report_user(t, p, c->pos[0], strlen(c->pos[0]), T, &r, &err);
  if (rc) {
    code = cli_fail_code(rc, "report: %s", err.msg);
    goto out;
  }
  char reg[8];
  if (r.facts.region[0]) snprintf(reg, sizeof reg, "%c%c", r.facts.region[0], r.facts.region[1]);
  else reg[0] = 0;
  if (c->json) {
    licit_buf b = LICIT_BUF_INIT;
    licit_report_json(&b, &r);
    cli_print(&b);
    licit_buf_free(&b);
  } else {
    char a[LICIT_TIME_BUFSZ];
    licit_time_format(r.at, a);
    printf("Account %s, as of %s\n\n", r.user, a);
    if (r.version_id)
      printf("Policy: %s, version %s\n", r.policy_name, r.version_id);
    else
      printf("Policy: %s\n", r.policy_name ? "no version in force at this time" : "none installed");
    if (reg[0])
      printf("Region: %s\n", reg);
    else if (!r.version_id)
      printf("Region: unknown\n");
    else
      printf("Region: unknown (%s)\n", r.facts.via == LICIT_VIA_NONE ? "the policy has no default: no_choice"
                                                                     : "the policy's default applies");
    if (r.version_id) {
      const char *m = licit_mode_meaning(r.facts.mode);
      printf("Mode:   %s. %c%s.\n", licit_mode_name(r.facts.mode), m[0] >= 'a' && m[0] <= 'z' ? m[0] - 32 : m[0], m + 1);
    }
    if (r.n_person > 1) {
      printf("Linked accounts (one person):");
      for (size_t i = 0; i < r.n_person; i++) printf(" %s", r.person[i]);
      printf("\n  A preference set on any of them applies to all of them: one objection covers them all.\n");
    }
    printf("Preference: %s", licit_pref_name(r.facts.pref));
    if (r.pref_since != LICIT_TIME_NONE) {
      licit_time_format(r.pref_since, a);
      printf(" (since %s", a);
      if (r.pref_by[0] && strcmp(r.pref_by, r.user) != 0) printf(", set on the linked account %s", r.pref_by);
      printf(")");
    }
    if (r.version_id) {
      /* The same predicate as the JSON's "honoured" (licit_report_honoured). */
      bool honoured = licit_report_honoured(&r);
      if (honoured && r.facts.pref == LICIT_PREF_DENY) printf(": honoured, your objection keeps your posts out");
      else if (honoured && r.facts.pref == LICIT_PREF_ALLOW) printf(": honoured, you consented");
      else if (r.facts.deleted && r.facts.pref != LICIT_PREF_UNSET) printf(": no longer in force (the account is deleted)");
      else if (r.facts.mode == LICIT_MODE_NO_CHOICE && r.facts.pref != LICIT_PREF_UNSET) printf(": ignored here (no choice in this region)");
    }
    printf("\n%s%s", r.facts.private_ ? "The account is private: none of its posts are used.\n" : "",
           r.facts.deleted ? "The account is deleted.\n" : "");
    printf("\nYour posts at this time:\n");
    counts_text(&r.posts);
    printf("\nCorpus snapshots that hold your posts:\n");
    if (!r.n_snaps) printf("  none\n");
    for (size_t i = 0; i < r.n_snaps; i++) {
      licit_time_format(r.snaps[i].at, a);
      printf("  %-28s (%s): %llu post(s)\n", r.snaps[i].name, a, (unsigned long long)r.snaps[i].posts);
    }
    if (r.mentioned_considered) {
      printf("\nOther people's posts that mention you: %llu", (unsigned long long)r.mentioned_considered);
      if (r.mentioned_excluded)
        printf(", of which %llu stay out of corpora because of your objection", (unsigned long long)r.mentioned_excluded);
      printf(".\n");
    }
    if (r.n_notices) {
      printf("\nOpt-out notices found (posting them has no effect):\n");
      for (size_t i = 0; i < r.n_notices; i++) printf("  %s\n", r.notices[i]);
    }
    printf("\nWhat you can do:\n");
    for (size_t i = 0; i < r.n_actions; i++) printf("  - %s\n", r.actions[i]);
  }
  licit_report_free(&r);
out:
  licit_policy_free(p);
  licit_txn_abort(t);
  return code;
}

/* debt --feed: the compliance feed of SPEC 9 for one snapshot. */
static int debt_feed(cli *c) {
  const char *name = cli_opt_val(c, "snapshot"), *after = cli_opt_val(c, "after");
  if (!name) return cli_fail(EXIT_USAGE, "debt: --feed needs --snapshot NAME");
  if (cli_opt_val(c, "list")) return cli_fail(EXIT_USAGE, "debt: --feed and --list do not go together");
  licit_txn *t = NULL;
  licit_policy *p = NULL;
  int64_t T;
  int code = cli_begin_read(c, NULL, &t, &p, &T);
  if (code) return code;
  licit_feed f;
  licit_err err = {0};
  int rc = licit_feed_changes(t, p, name, after, T, &f, &err);
  if (rc) {
    code = cli_fail_code(rc, "debt --feed: %s", err.msg);
    goto out;
  }
  if (c->json) {
    licit_buf b = LICIT_BUF_INIT;
    licit_feed_json(&b, &f);
    cli_print(&b);
    licit_buf_free(&b);
  } else {
    char a[LICIT_TIME_BUFSZ], cur[LICIT_FEED_CURSOR_BUFSZ];
    licit_time_format(f.at, a);
    licit_feed_cursor_format(f.log_position, f.at, cur);
    printf("snapshot %s, changes %s%s to log position %llu at %s: %zu left, %zu returned\n", f.snapshot,
           after ? "since " : "since the snapshot was built", after ? after : "", (unsigned long long)f.log_position, a,
           f.n_left, f.n_returned);
    for (size_t i = 0; i < f.n_left; i++) printf("left\t%s\t%s\n", f.left[i].post, licit_reason_name(f.left[i].reason));
    for (size_t i = 0; i < f.n_returned; i++) printf("returned\t%s\n", f.returned[i]);
    printf("next: %s (licit debt --snapshot %s --feed --after %s)\n", cur, f.snapshot, cur);
  }
  licit_feed_free(&f);
out:
  licit_policy_free(p);
  licit_txn_abort(t);
  return code;
}

int cmd_debt(cli *c) {
  if (c->npos) return cli_fail(EXIT_USAGE, "debt: takes no positional arguments (licit debt [--snapshot NAME] [--at T])");
  if (cli_opt_val(c, "feed")) return debt_feed(c);
  if (cli_opt_val(c, "after")) return cli_fail(EXIT_USAGE, "debt: --after CURSOR goes with --feed");
  licit_txn *t = NULL;
  licit_policy *p = NULL;
  int64_t T;
  int code = cli_begin_read(c, NULL, &t, &p, &T);
  if (code) return code;
  licit_debt_snap *d = NULL;
  size_t n = 0;
  licit_err err;
  int rc = licit_debt(t, p, T, cli_opt_val(c, "snapshot"), &d, &n, &err);
  if (rc) {
    code = cli_fail_code(rc, "debt: %s", err.msg);
    goto out;
  }
  if (c->json) {
    licit_buf b = LICIT_BUF_INIT;
    licit_buf_adds(&b, "{\"at\":");
    licit_jw_time(&b, T);
    licit_buf_adds(&b, ",\"snapshots\":[");
    for (size_t i = 0; i < n; i++) {
      licit_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
      licit_jw_strz(&b, d[i].info.name);
      licit_buf_adds(&b, ",\"at\":");
      licit_jw_time(&b, d[i].info.at);
      licit_buf_printf(&b, ",\"included\":%llu,\"debt\":{", (unsigned long long)d[i].included);
      for (int r = 1; r < LICIT_R_COUNT; r++) {
        licit_buf_printf(&b, "%s\"%s\":[", r > 1 ? "," : "", licit_reason_name(r));
        for (size_t k = 0; k < d[i].n[r]; k++) {
          if (k) licit_buf_addc(&b, ',');
          licit_jw_strz(&b, d[i].ids[r][k]);
        }
        licit_buf_addc(&b, ']');
      }
      licit_buf_adds(&b, "}}");
    }
    licit_buf_adds(&b, "]}");
    cli_print(&b);
    licit_buf_free(&b);
  } else if (cli_opt_val(c, "list")) {
    /* For licensees: one line per post, snapshot TAB reason TAB post id. */
    for (size_t i = 0; i < n; i++)
      for (int r = 1; r < LICIT_R_COUNT; r++)
        for (size_t k = 0; k < d[i].n[r]; k++) printf("%s\t%s\t%s\n", d[i].info.name, licit_reason_name(r), d[i].ids[r][k]);
  } else {
    char a[LICIT_TIME_BUFSZ];
    licit_time_format(T, a);
    if (!n) printf("no snapshots registered\n");
    for (size_t i = 0; i < n; i++) {
      char sa[LICIT_TIME_BUFSZ];
      licit_time_format(d[i].info.at, sa);
      size_t total = 0;
      for (int r = 1; r < LICIT_R_COUNT; r++) total += d[i].n[r];
      printf("snapshot %s (as of %s, %llu posts): %zu post(s) may no longer be used as of %s\n", d[i].info.name, sa,
             (unsigned long long)d[i].included, total, a);
      for (int r = 1; r < LICIT_R_COUNT; r++) {
        if (!d[i].n[r]) continue;
        printf("  %s (%zu):", licit_reason_name(r), d[i].n[r]);
        for (size_t k = 0; k < d[i].n[r] && k < 10; k++) printf(" %s", d[i].ids[r][k]);
        if (d[i].n[r] > 10) printf(" ... (--list or --json for all)");
        printf("\n");
      }
    }
  }
  licit_debt_free(d, n);
out:
  licit_policy_free(p);
  licit_txn_abort(t);
  return code;
}
