/*
 * test_notice.c - unit tests for the opt-out notice detector.
 *
 * The corpus tests read tests/data/notices/{positive,negative}/LANG-*.txt
 * (the training part) and tests/data/notices/heldout/{positive,negative}/
 * (the held-out part), one post per file; the directory comes from
 * $LICIT_TEST_DATA, default "tests/data". Each prints recall and the rate
 * of benign posts flagged per language. The training part fails if any
 * language has recall < 0.95 or more than 1 % false alarms; the held-out
 * part fails on a regression from its one recorded measurement.
 *
 * Build: gcc -std=c11 -Wall -Wextra -Wpedantic -Isrc tests/unit/test_notice.c \
 *            src/notice/notice.c $(pkg-config --cflags --libs criterion)
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice/notice.h"

/* ---- helpers --------------------------------------------------------- */

static int detect_str(const char *s, licit_notice_result *r)
{
    return licit_notice_detect(s, strlen(s), r);
}

static int has_match(const licit_notice_result *r, const char *phrase)
{
    for (int i = 0; i < r->n_matched; i++)
        if (strcmp(r->matched[i], phrase) == 0)
            return 1;
    return 0;
}

/* Per-language counts over one corpus part. Files are named LANG-*.txt,
 * LANG one of the six languages below. */
static const char *const corpus_langs[] = { "de", "en", "es", "fr", "it", "pt" };
#define N_LANGS (sizeof corpus_langs / sizeof corpus_langs[0])

typedef struct lang_count {
    int pos, pos_flagged; /* notices, and how many were flagged */
    int neg, neg_flagged; /* benign posts, and how many were flagged */
} lang_count;

static int lang_of(const char *file)
{
    for (size_t i = 0; i < N_LANGS; i++)
        if (strncmp(file, corpus_langs[i], 2) == 0 && file[2] == '-')
            return (int)i;
    return -1;
}

/* Run the detector over every *.txt in dir, adding to c[] by language;
 * list the files whose verdict differs from `expect` on stderr. */
static void run_dir(const char *dir, int expect, lang_count c[N_LANGS])
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open corpus directory %s "
                          "(set LICIT_TEST_DATA to the tests/data directory)", dir);
    static char buf[1 << 20];
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
            continue;
        int lang = lang_of(e->d_name);
        cr_assert_geq(lang, 0, "%s/%s: name must start with a language code",
                      dir, e->d_name);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "cannot read %s", path);
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        licit_notice_result r;
        int got = licit_notice_detect(buf, n, &r);
        if (expect) {
            c[lang].pos++;
            c[lang].pos_flagged += got;
        } else {
            c[lang].neg++;
            c[lang].neg_flagged += got;
        }
        /* Without `out` the prefilter may skip the matching: same verdict. */
        cr_expect_eq(licit_notice_detect(buf, n, NULL), got,
                     "%s: the prefilter changed the verdict", path);
        if (got != expect)
            fprintf(stderr, "  %s: %s (score %d, family %s)\n", path,
                    expect ? "missed" : "FALSE POSITIVE", r.score,
                    r.family ? r.family : "-");
    }
    closedir(d);
}

/* Score one part of the corpus (`part` is "notices" for training or
 * "notices/heldout") into c[] and print the per-language table. */
static void score_part(const char *part, const char *label, lang_count c[N_LANGS])
{
    const char *base = getenv("LICIT_TEST_DATA");
    if (!base || !*base)
        base = "tests/data";
    char pos[4096], neg[4096];
    snprintf(pos, sizeof pos, "%s/%s/positive", base, part);
    snprintf(neg, sizeof neg, "%s/%s/negative", base, part);

    memset(c, 0, N_LANGS * sizeof c[0]);
    run_dir(pos, 1, c);
    run_dir(neg, 0, c);

    lang_count all = {0, 0, 0, 0};
    printf("notice corpus, %s part:\n"
           "  lang  recall           false alarms\n", label);
    for (size_t i = 0; i < N_LANGS; i++) {
        const lang_count *l = &c[i];
        if (l->pos)
            printf("  %s    %3d/%-3d = %.3f", corpus_langs[i], l->pos_flagged, l->pos,
                   (double)l->pos_flagged / l->pos);
        else
            printf("  %s      0/0   =   -  ", corpus_langs[i]);
        printf("  %3d/%-3d = %.4f\n", l->neg_flagged, l->neg,
               l->neg ? (double)l->neg_flagged / l->neg : 0.0);
        all.pos += l->pos;
        all.pos_flagged += l->pos_flagged;
        all.neg += l->neg;
        all.neg_flagged += l->neg_flagged;
    }
    printf("  all   %3d/%-3d = %.3f  %3d/%-3d = %.4f\n", all.pos_flagged, all.pos,
           all.pos ? (double)all.pos_flagged / all.pos : 0.0, all.neg_flagged, all.neg,
           all.neg ? (double)all.neg_flagged / all.neg : 0.0);
    fflush(stdout);
}

/* ---- the corpus ------------------------------------------------------ */

/* The part the phrase weights were tuned on: tests/data/notices/
 * {positive,negative}/LANG-*.txt. Opening-only excerpts of notices are
 * notices here (see SOURCES.md). Fails if any language has recall < 0.95
 * or flags more than 1 % of its benign posts, or has too few files. */
Test(notice, corpus_training_part)
{
    lang_count c[N_LANGS];
    score_part("notices", "training", c);
    for (size_t i = 0; i < N_LANGS; i++) {
        const lang_count *l = &c[i];
        /* A corpus that silently shrank would make the rates meaningless. */
        cr_expect_geq(l->pos, 8, "training %s: only %d notices", corpus_langs[i], l->pos);
        cr_expect_geq(l->neg, 20, "training %s: only %d benign posts", corpus_langs[i], l->neg);
        double recall = l->pos ? (double)l->pos_flagged / l->pos : 0.0;
        cr_expect_geq(recall, 0.95, "training %s: recall %.3f < 0.95", corpus_langs[i], recall);
        double fp = l->neg ? (double)l->neg_flagged / l->neg : 0.0;
        cr_expect_leq(fp, 0.01, "training %s: false alarms %.4f > 0.01", corpus_langs[i], fp);
    }
}

/* The held-out part: tests/data/notices/heldout/{positive,negative}/,
 * round 48, real texts never used for tuning, to be committed after the
 * round-48 change (decided on rounds 1-47) and scored once
 * (docs/notice-detector.md; rounds 6-47, scored once before, are training
 * now). Empty until round 48 is committed. This test guards against
 * regressions: it fails if the part changes size, if a language flags
 * fewer notices or more benign posts than recorded. Tuning against this
 * part would make it training. */
static const lang_count heldout_recorded[N_LANGS] = {
    /*         pos flagged  neg flagged   (round 48: not collected yet) */
    /* de */ {  0,  0,       0, 0 },
    /* en */ {  0,  0,       0, 0 },
    /* es */ {  0,  0,       0, 0 },
    /* fr */ {  0,  0,       0, 0 },
    /* it */ {  0,  0,       0, 0 },
    /* pt */ {  0,  0,       0, 0 },
};

Test(notice, corpus_heldout_part)
{
    lang_count c[N_LANGS];
    score_part("notices/heldout", "held-out (round 48)", c);
    for (size_t i = 0; i < N_LANGS; i++) {
        const lang_count *l = &c[i], *r = &heldout_recorded[i];
        cr_expect_eq(l->pos, r->pos, "held-out %s: %d notices, %d recorded",
                     corpus_langs[i], l->pos, r->pos);
        cr_expect_eq(l->neg, r->neg, "held-out %s: %d benign posts, %d recorded",
                     corpus_langs[i], l->neg, r->neg);
        cr_expect_geq(l->pos_flagged, r->pos_flagged,
                      "held-out %s: %d notices flagged, %d when measured",
                      corpus_langs[i], l->pos_flagged, r->pos_flagged);
        cr_expect_leq(l->neg_flagged, r->neg_flagged,
                      "held-out %s: %d benign posts flagged, %d when measured",
                      corpus_langs[i], l->neg_flagged, r->neg_flagged);
    }
}

/* ---- the table ------------------------------------------------------- */

/* Every phrase must already be normalised: a-z 0-9, single spaces, no
 * leading wildcard, '*' only at the end of a word. Otherwise it could
 * never match. */
Test(notice, table_phrases_are_normalised)
{
    size_t n = licit__notice_table_size();
    cr_assert_gt(n, 100);
    for (size_t i = 0; i < n; i++) {
        int w = 0;
        const char *p = licit__notice_table_phrase(i, &w);
        cr_assert_not_null(p);
        cr_assert_neq(w, 0, "phrase '%s' has weight 0", p);
        cr_assert((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= '0' && p[0] <= '9'),
                  "phrase '%s' must start with a letter or digit", p);
        /* The index keys on the first two characters. */
        cr_assert((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= '0' && p[1] <= '9') ||
                  p[1] == ' ', "phrase '%s': second character must be literal", p);
        size_t len = strlen(p);
        cr_assert_neq(p[len - 1], ' ', "phrase '%s' ends with a space", p);
        cr_assert_lt(len, 200, "phrase '%s' is too long", p);
        int gaps = 0;
        for (size_t k = 0; k < len; k++) {
            char c = p[k];
            int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == ' ' || c == '#' || c == '@' || c == '*' || c == '~' ||
                     c == '%';
            if (c == '%')
                /* A word of its own, never first. */
                cr_assert(k > 0 && p[k - 1] == ' ' && (p[k + 1] == ' ' || p[k + 1] == '\0'),
                          "phrase '%s': '%%' must be a word of its own", p);
            if (c == '~') {
                /* A word of its own, neither first nor last, once. */
                gaps++;
                cr_assert(k > 0 && p[k - 1] == ' ' && p[k + 1] == ' ',
                          "phrase '%s': '~' must be a word between words", p);
            }
            cr_assert(ok, "phrase '%s' has character '%c'", p, c);
            if (c == ' ')
                cr_assert_neq(p[k + 1], ' ', "phrase '%s' has a double space", p);
            if (c == '*')
                cr_assert(p[k + 1] == ' ' || p[k + 1] == '\0',
                          "phrase '%s': '*' must end a word", p);
        }
        cr_assert_leq(gaps, 1, "phrase '%s' has more than one '~'", p);
        /* Phrases are unique. */
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(p, licit__notice_table_phrase(j, NULL),
                              "phrase '%s' listed twice", p);
    }
    cr_assert_null(licit__notice_table_phrase(n, NULL));
}

/* ---- normalisation --------------------------------------------------- */

Test(notice, normalise_folds_case_accents_and_lookalikes)
{
    char out[256];
    struct { const char *in, *want; } cases[] = {
        { "Goodbye Meta Al.", "goodbye meta ai" },
        { "GOODBYE META A.I.!!", "goodbye meta ai" },
        { "bye Meta A1", "bye meta ai" },
        { "N\xc3\x83O AUTORIZO", "nao autorizo" },                  /* NÃO */
        { "Tsch\xc3\xbc\xc3\x9f", "tschuss" },                      /* Tschüß */
        { "Conven\xc3\xa7\xc3\xa3o", "convencao" },
        { "Ber\xc2\xadne", "berne" },                               /* soft hyphen */
        { "Me\xe2\x80\x8bta", "meta" },                              /* zero-width space */
        { "pa\xcc\x81gina", "pagina" },                              /* a + combining acute */
        { "M\xd0\xb5ta", "meta" },                                   /* Cyrillic ie */
        { "\xef\xbc\xad\xef\xbd\x85ta", "meta" },                    /* full-width M e */
        { "\xf0\x9d\x90\x8c\xf0\x9d\x90\x9e\xf0\x9d\x90\xad\xf0\x9d\x90\x9a", "meta" }, /* bold */
        { "  don't   share!!! ", "don t share" },
        { "\xf0\x9f\x98\xa1" "Facebook" "\xf0\x9f\x98\xa1", "facebook" }, /* emoji */
        { "UCC 1-308", "ucc 1 308" },
        { "meta also", "meta also" },                                /* not a look-alike */
        { "Meta Al says", "meta ai says" },                          /* at the start */
        { "submeta al", "submeta al" },                              /* not at a word start */
        { "mm meta al and Meta A I", "mm meta ai and meta ai" },     /* after an 'm' that is not one */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = licit__notice_normalize(cases[i].in, strlen(cases[i].in), out, sizeof out);
        cr_assert_eq(n, strlen(cases[i].want), "'%s': got '%.*s'", cases[i].in, (int)n, out);
        cr_assert(memcmp(out, cases[i].want, n) == 0, "'%s': got '%.*s'",
                  cases[i].in, (int)n, out);
    }
}

/* The sixteen-bytes-at-a-time path gives what one byte at a time gives:
 * random texts of letters, digits, punctuation, runs of spaces and two
 * non-ASCII letters, against the rule written out plainly (no 'm', so no
 * look-alike rewriting). */
Test(notice, normalise_blocks_match_the_byte_rule)
{
    static const char *const atoms[] = {"a", "B", "z", "Q", "7", "0", " ", "  ", ".", ",", "!", "\n", "-", "@",
                                        "[", "`", "{", "~", "\x01", "\xc3\xa9" /* e acute */};
    char in[600], want[600], out[600];
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = 0;
        int len = (int)(x >> 58); /* 0..63 atoms */
        for (int k = 0; k < len * 3 && n < 500; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly letters, so that 16-byte blocks without a double separator occur */
            const char *a = atoms[(x >> 32) % 8 < 5 ? (x >> 40) % 4 : (x >> 40) % (sizeof atoms / sizeof atoms[0])];
            memcpy(in + n, a, strlen(a));
            n += strlen(a);
        }
        size_t w = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)in[i];
            char f;
            if (c == 0xc3) { f = 'e'; i++; }
            else if (c >= 'A' && c <= 'Z') f = (char)(c | 0x20);
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) f = (char)c;
            else f = ' ';
            if (f == ' ' && (w == 0 || want[w - 1] == ' ')) continue;
            want[w++] = f;
        }
        if (w && want[w - 1] == ' ') w--;
        size_t got = licit__notice_normalize(in, n, out, sizeof out);
        cr_assert_eq(got, w, "iteration %d: '%.*s': got '%.*s', want '%.*s'", iter, (int)n, in, (int)got, out,
                     (int)w, want);
        cr_assert(memcmp(out, want, w) == 0, "iteration %d: '%.*s': got '%.*s', want '%.*s'", iter, (int)n, in,
                  (int)got, out, (int)w, want);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    }
}

/* ---- tricky cases ---------------------------------------------------- */

static const char *const goodbye_al =
    "Goodbye Meta Al. An attorney has advised us to post this. If you do not "
    "post at least once it will be assumed you are ok with them using your "
    "information and photos. I do not give Meta permission.";

Test(notice, meta_al_lookalike_is_flagged)
{
    licit_notice_result r;
    cr_assert_eq(detect_str(goodbye_al, &r), 1);
    cr_assert(has_match(&r, "goodbye meta ai"));
    cr_assert_str_eq(r.family, "goodbye-meta-ai-2024");
    cr_assert_geq(r.score, r.threshold);
}

Test(notice, shouting_scores_like_lower_case)
{
    const char *lower = "the new facebook rule starts tomorrow where they can use "
                        "your photos. the deadline is today. i do not give facebook "
                        "permission. copy and paste, don't share.";
    char upper[512];
    size_t n = strlen(lower);
    for (size_t i = 0; i <= n; i++)
        upper[i] = (lower[i] >= 'a' && lower[i] <= 'z') ? (char)(lower[i] - 32) : lower[i];
    licit_notice_result a, b;
    cr_assert_eq(detect_str(lower, &a), 1);
    cr_assert_eq(detect_str(upper, &b), 1);
    cr_assert_eq(a.score, b.score);
    cr_assert_str_eq(b.family, "meta-rename-2021");
}

Test(notice, post_explaining_the_hoax_is_benign)
{
    const char *s = "Seeing lots of 'Goodbye Meta AI' and 'I do not give Meta "
                    "permission' posts. Friends, it's a hoax: posting it does "
                    "nothing, you already agreed to the terms. Use the objection "
                    "form in the Privacy Center instead.";
    licit_notice_result r;
    cr_assert_eq(detect_str(s, &r), 0, "score %d", r.score);
    cr_assert(has_match(&r, "hoax"));
}

/* ---- quotations ------------------------------------------------------ */

static const char quoted_notice[] =
    "Goodbye Meta AI. Please note an attorney has advised us to put this on, failure to "
    "do so may result in legal consequences. As Meta is now a public entity all members "
    "must post a similar statement. I do not give Meta or anyone else permission to use "
    "any of my personal data, profile information or photos.";

/* A text with 40 words of its own around a quotation is about what it
 * quotes: the notice inside the quotation marks adds nothing, whatever the
 * marks (English, German, French), and the points left out are reported. */
Test(notice, text_quoting_a_notice_is_benign)
{
    static const char *marks[][2] = {
        { "\"", "\"" },
        { "\xe2\x80\x9c", "\xe2\x80\x9d" }, /* English curly quotes */
        { "\xe2\x80\x9e", "\xe2\x80\x9c" }, /* German low-high */
        { "\xc2\xab ", " \xc2\xbb" },         /* French guillemets */
    };
    const char *before = "Thousands of people shared a story template this week, among "
                         "them actors and athletes, believing that it would stop the "
                         "company from training its models on their pictures. It reads: ";
    const char *after = " Lawyers we asked were clear that a status update cannot change "
                        "an agreement the user already accepted when signing up.";
    licit_notice_result r;
    cr_assert_eq(detect_str(quoted_notice, &r), 1);
    int alone = r.score;
    cr_assert_eq(r.quoted, 0);
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s%s%s%s", before, marks[m][0], quoted_notice,
                 marks[m][1], after);
        cr_assert_eq(detect_str(text, &r), 0, "marks %zu: score %d", m, r.score);
        cr_assert_geq(r.quoted, alone - 1, "marks %zu: %d points quoted", m, r.quoted);
        cr_assert_eq(licit_notice_detect(text, strlen(text), NULL), 0);
    }
}

/* A text that quotes a notice's first sentence and then retells the rest
 * in its own words is about the notice: what it says outside the marks
 * counts half. */
Test(notice, text_quoting_then_paraphrasing_a_notice_is_benign)
{
    const char *text =
        "Friends and relatives keep sending me the same status update this week, and "
        "several of them asked me whether they should post it too before the new terms "
        "apply. Here is how it begins: \xe2\x80\x9cI do not give Facebook or any "
        "entities associated with Facebook permission to use my pictures, information, "
        "messages or posts, both past and future.\xe2\x80\x9d It then warns the company "
        "that it is strictly forbidden to disclose, copy, distribute or take any other "
        "action against the user, and that the violation of privacy is punishable by "
        "law.";
    licit_notice_result r;
    cr_assert_eq(detect_str(text, &r), 0, "score %d, %d quoted", r.score, r.quoted);
    cr_assert_geq(r.quoted, 10, "%d points left out", r.quoted);
    cr_assert_eq(licit_notice_detect(text, strlen(text), NULL), 0);
}

/* The notice as posted: behind a line of its own, with quotation marks of
 * its own inside, or with one stray mark, it is still the notice. */
Test(notice, notice_with_quotation_marks_is_flagged)
{
    licit_notice_result r;
    char text[2048];
    snprintf(text, sizeof text, "Copy and paste, just in case: \"%s\"", quoted_notice);
    cr_assert_eq(detect_str(text, &r), 1, "score %d", r.score); /* under 40 words outside */
    cr_assert_eq(r.quoted, 0);
    /* A long notice that quotes a name: what is outside the marks counts. */
    snprintf(text, sizeof text, "%s The so-called \"Meta AI\" features are now on every "
             "app, so I am posting this for my family and friends to read and share as "
             "well before the deadline tonight, since nobody else seems to care.",
             quoted_notice);
    cr_assert_eq(detect_str(text, &r), 1, "score %d", r.score);
    /* One mark that never closes opens no quotation. */
    snprintf(text, sizeof text, "\xe2\x80\x9c%s I am sharing this because nobody told me "
             "about it before and my family, my friends and my colleagues should know "
             "about it before the deadline that the company gave everyone tonight.",
             quoted_notice);
    cr_assert_eq(detect_str(text, &r), 1, "score %d", r.score);
    cr_assert_eq(r.quoted, 0);
}

/* SPEC section 4's own examples, and the short one-sentence refusals of
 * the 2024 wave: a refusal addressed to a platform is flagged on its own
 * ("i do not give %" weighs 10; until round 15 the older "i do not give
 * meta", 7, won the tie and left it at 7). A short post quoting one with
 * counter-evidence outside the marks is about it, not it. */
Test(notice, spec_examples_and_one_sentence_refusals)
{
    licit_notice_result r;
    cr_assert_eq(detect_str("I do not give Meta permission to use my photos\xe2\x80\xa6", &r), 1,
                 "score %d", r.score);
    cr_assert_eq(detect_str("I do not give Meta permission to train AI on my posts.", &r), 1,
                 "score %d", r.score);
    cr_assert_eq(detect_str("I do not give Facebook permission to use my pictures.", &r), 1,
                 "score %d", r.score);
    /* Round 21: "allow" refuses like "give permission" (en-r20a-06). */
    cr_assert_eq(detect_str("I do not allow Meta to use my photos.", &r), 1, "score %d", r.score);
    cr_assert_eq(detect_str("Goodbye Meta AI. I do not consent to the use of my content.", &r), 1,
                 "score %d", r.score);
    /* Round 22: the 2012 opening, misspelt as one page quotes it (en-r21a-06). */
    cr_assert_eq(detect_str("Facebook is now a publically traded entity. Unless you state otherwise, "
                            "anyone can infringe on your right to privacy once you post to this site.", &r),
                 1, "score %d", r.score);
    /* Round 23: the German 2016 opening alone, as a radio station quotes it (de-r22b-01). */
    cr_assert_eq(detect_str("Alles was du je auf Facebook gepostet hast, geht morgen an die \xc3\x96" "ffentlichkeit!\n"
                            "Alles was du je ver\xc3\xb6" "ffentlicht hast...", &r),
                 1, "score %d", r.score);
    /* Round 24: one sentence of the German declaration (de-r23a-01), and the
     * French 2012 version in legal prose (fr-r23a-02). */
    cr_assert_eq(detect_str("Ich erkl\xc3\xa4re, dass die Rechte an allen meinen pers\xc3\xb6nlichen Daten, Bildern und "
                            "Texten nur bei mir liegen", &r),
                 1, "score %d", r.score);
    cr_assert_eq(detect_str("Conform\xc3\xa9ment \xc3\xa0 la l\xc3\xa9gislation, \xc3\xa0 la r\xc3\xa9glementation et "
                            "\xc3\xa0 la jurisprudence en vigueurs [...] J'INTERDIS FORMELLEMENT [...] l'utilisation et la "
                            "divulgation de tout ou partie des donn\xc3\xa9" "es me concernant \xc3\xa0 des fins "
                            "commerciales, sans mon consentement \xc3\xa9" "crit.", &r),
                 1, "score %d", r.score);
    /* Round 26: the Italian declaration without its references (it-r25a-06),
     * and the Italian "blue circle" opening cut mid-word (it-r25a-02). */
    cr_assert_eq(detect_str("A causa del fatto che Facebook ha scelto di includere un software che permette il furto "
                            "di informazioni personali dichiaro quanto segue: dichiaro che, i miei diritti sono "
                            "associati a tutte le mie informazioni personali", &r),
                 1, "score %d", r.score);
    /* Round 39: the Spanish declaration as a paper abridges it (es-r38b-02). */
    cr_assert_eq(detect_str("Debido al hecho de que Facebook ha optado por incluir software que le permitir\xc3\xa1 el "
                            "robo de informaci\xc3\xb3n personal (\xe2\x80\xa6 ) declaro que mis derechos est\xc3\xa1n "
                            "conectados a todos mis datos", &r),
                 1, "score %d", r.score);
    /* Round 41: refusals that name no platform word: the 2022 Twitter wave
     * in one sentence (es-r40a-05), an illustrator's refusal addressed to
     * the makers of AI programs (en-r40c-07). */
    cr_assert_eq(detect_str("No autorizo ni doy permiso para que Elon Musk pueda usar mis im\xc3\xa1genes, "
                            "informaci\xc3\xb3n, mensajes, fotos, mensajes eliminados, archivos y etc", &r),
                 1, "score %d", r.score);
    cr_assert_eq(detect_str("Dear AI programs, owners, handlers and any other title given to those humans working "
                            "directly with creating a particular AI, I do NOT give you permission to use any of my "
                            "artwork or designs in your Artificial Intelligence training, learning or creation of a "
                            "final image after a user enters prompts into the program. I have NEVER given anyone "
                            "permission to use my art in this way. I DO NOT GIVE YOU PERMISSION. YOU DO NOT HAVE "
                            "MY CONSENT.", &r),
                 1, "score %d", r.score);
    /* Round 42: first-person refusals of AI training (en-r41a-02, -03) and
     * the German sentence with the colloquial "all meinen" (de-r41a-01). */
    cr_assert_eq(detect_str("I DO NOT CONSENT to the use of any of my materials (books, blog posts, website content, "
                            "etc.) for the purposes of training AI.", &r),
                 1, "score %d", r.score);
    cr_assert_eq(detect_str("I expressly prohibit any entity from using any of my publications for the purpose of "
                            "training AI technologies to generate text", &r),
                 1, "score %d", r.score);
    cr_assert_eq(detect_str("Hiermit widerspreche ich den Facebook-Richtlinien und erkl\xc3\xa4re, dass die Rechte an "
                            "all meinen pers\xc3\xb6nlichen Beitr\xc3\xa4gen nur bei mir liegen.", &r),
                 1, "score %d", r.score);
    /* Round 43: round 42's first-person refusal (en-r42b-01). */
    cr_assert_eq(detect_str("And I suppose I should mention that I specifically deny the right to train any large "
                            "language model, or any other form of Machine Learning model, on my work. (I don't know "
                            "if that has any legal force, or if it's even possible, but I do deny it.) This blog, and "
                            "anything else I write anywhere, is not to be used as a training corpus absent an "
                            "agreement involving payment for that use.", &r),
                 1, "score %d", r.score);
    /* Round 46: a refusal in the first person and "my <work>" with AI
     * named close to it, whatever the wording (en-r45a-07, -10). */
    cr_assert_eq(detect_str("Let me be very, very clear right from the start: I do not consent to any of my works "
                            "being fed into any AI, be they chatgpt or similar bullshit.", &r),
                 1, "score %d", r.score);
    cr_assert_eq(detect_str("I strictly forbid any and all use of my content for AI training without my explicit, "
                            "written consent.", &r),
                 1, "score %d", r.score);
    /* The pair is the evidence explain shows. */
    int work = 0, refusal = 0;
    for (int m = 0; m < r.n_matched; m++) {
        work |= strcmp(r.matched[m], "my content ~ ai") == 0;
        refusal |= strcmp(r.matched[m], "i strictly forbid") == 0;
    }
    cr_assert(work && refusal, "the pair is among the phrases found (%d)", r.n_matched);
    cr_assert_eq(detect_str("Goodbye Meta AI. I do not consent to the use of my content.", &r), 1, "score %d",
                 r.score);
    /* Posted inside quotation marks it is still one; quoted by a text with
     * words of its own about it, it is not. */
    cr_assert_eq(detect_str("\xe2\x80\x9cI do not consent to any of my works being fed into any AI.\xe2\x80\x9d", &r), 1,
                 "score %d", r.score);
    cr_assert_eq(detect_str("Artists keep sharing a statement on Instagram this week, and it is worth saying plainly "
                            "what it does and what it does not do, because the terms you accepted when you joined "
                            "still apply and a caption cannot change them, whatever it says: \"I do not consent to "
                            "any of my works being fed into any AI.\" Use the objection form in the settings "
                            "instead, which is the only thing that counts.", &r),
                 0, "score %d", r.score);
    /* Round 47: an interrupted refusal (en-r46a-01). */
    cr_assert_eq(detect_str("I do not, and never will, consent to my voice being used for AI synthesis, cloning, "
                            "deepfakes, etc. This is NOT okay.", &r),
                 1, "score %d", r.score);
    /* ... but not the sample sentence for Meta's real objection form (no
     * work), a work near AI that nobody refuses, or an opinion. */
    cr_assert_eq(detect_str("I do not consent to my data being used for AI training.", &r), 0, "score %d", r.score);
    cr_assert_eq(detect_str("Meta will use my photos to train its AI unless I fill in the objection form.", &r), 0,
                 "score %d", r.score);
    for (int m = 0; m < r.n_matched; m++) /* a half that adds nothing is no evidence */
        cr_assert(strstr(r.matched[m], "~ ai") == NULL, "%s", r.matched[m]);
    cr_assert_eq(detect_str("I do not consent to having AI forced upon me!", &r), 0, "score %d", r.score);
    /* ... but news about the objection is not one, */
    cr_assert_eq(detect_str("People who do not consent to the use of their posts for the purpose of training AI can "
                            "fill in the objection form Meta offers.", &r),
                 0, "score %d", r.score);
    /* ... and a personal refusal to a friend still is not one. */
    cr_assert_eq(detect_str("I do not give you permission to post photos of my kids. Please ask me first.", &r), 0,
                 "score %d", r.score);
    cr_assert_eq(detect_str("Ehi \xf0\x9f\x94\xb5 \xc3\x88 ufficiale. Firmato alle 0639 ore. \xc3\x88 stato anche in TV.\n"
                            "Il mio \xc3\xa8 davvero diventato bl", &r),
                 1, "score %d", r.score);
    /* Round 27: the English opening cut after its first clause (en-r26b-20),
     * and a notice copied with the opening mark of the page that quoted it
     * and a pair of marks further on (en-r26b-04): the first mark is the
     * stray one, not the closing one, so the notice is not taken to be
     * quoted. */
    cr_assert_eq(detect_str("Due to the fact that Facebook has chosen to involve software that will allow the theft "
                            "of my personal information, I...", &r),
                 1, "score %d", r.score);
    cr_assert_eq(detect_str("\xe2\x80\x9c" "Facebook is now a publicly traded entity. Unless you state otherwise, anyone "
                            "can infringe on your right to privacy once you post to this site. PRIVACY NOTICE: Warning "
                            "\xe2\x80\x93 you do NOT have my permission to use any of my profile information, photos or "
                            "any other \xe2\x80\x9c" "picture\xe2\x80\x9d art posted on my profile. You are hereby "
                            "notified that you are strictly prohibited from disclosing, copying, distributing, "
                            "disseminating, or taking any other action against me with regard to this profile and the "
                            "contents herein. The foregoing prohibitions also apply to your employee, agent, student or "
                            "any personnel under your direction or control. The contents of this profile are private "
                            "and legally privileged and confidential information, and the violation of my personal "
                            "privacy is punishable by law.", &r),
                 1, "score %d quoted %d", r.score, r.quoted);
    /* Round 28: an explainer of the laws the notice cites that calls it
     * "pseudo legalese" (en-r27b-12), and a parody in the notice's words by
     * someone who has "already given my consent" (en-r27b-01): not
     * notices. */
    cr_assert_eq(detect_str("Public declarations in pseudo legalese about maintaining your privacy on Facebook show "
                            "all of your friends that you have not read the terms and conditions when you joined the "
                            "social networking site.\nUCC 1-308 refers to the Uniform Commercial Code and to acceptance "
                            "under Reservation of Rights\nThe Rome Statute refers to the establishment of four "
                            "criminal crimes.", &r),
                 0, "score %d", r.score);
    cr_assert_eq(detect_str("In response to the new Facebook guidelines I hereby declare that I remember clicking the "
                            "checkbox when I joined and that I have therefore already given my consent for any of my "
                            "personal content to be used by Facebook in any manner. Facebook is now a publicly traded "
                            "entity, which means that they have more money than me.", &r),
                 0, "score %d", r.score);
    /* Round 30: the 2010 profile warning (en-r29b-15), a family the table
     * had not held. */
    cr_assert_eq(detect_str("WARNING: Any researcher, students, institutions and/or media using this site or its "
                            "associated sites for projects \xe2\x80\x93 You do not have permission from me to use any "
                            "of my profile or pictures in any form or forum both current and future. If you have or do, it will "
                            "be considered a violation of my privacy, and will be subject to academic disciplinary or "
                            "legal action.", &r),
                 1, "score %d", r.score);
    /* Three words could be someone leaving: not flagged alone. */
    cr_assert_eq(detect_str("Goodbye Meta AI", &r), 0, "score %d", r.score);
    cr_assert_eq(detect_str("Again this \"I do not give Meta permission to use my photos\" "
                            "post in my feed. It is a hoax from 2012.", &r), 0,
                 "score %d", r.score);
    cr_assert_geq(r.quoted, 10, "%d points left out", r.quoted);
    cr_assert_eq(detect_str("Otra vez \"no doy permiso a Facebook para usar mis fotos\". "
                            "Es un bulo.", &r), 0, "score %d", r.score);
}

/* Round 18: of an odd number of quotation marks, the stray one is the one
 * whose removal pairs the rest by kind (straight with straight,
 * typographic with typographic), not always the last. A notice cut before
 * its closing " that holds «immagine» further on was read as a short
 * quotation (the " to the «) and a long text about it, and lost its flag
 * (round 17's it-r17b-04, score 8). The words are those of the 2012
 * declaration; a debunk with the same marks keeps its quotation. */
Test(notice, stray_mark_is_the_one_that_pairs_the_rest_by_kind)
{
    const char *base = getenv("LICIT_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/notices/positive/it-r17b-04.txt", base && *base ? base : "tests/data");
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    licit_notice_result r;
    cr_assert_eq(licit_notice_detect(text, n, &r), 1, "score %d, %d points taken as quoted", r.score, r.quoted);
    cr_assert_eq(r.quoted, 0, "%d points taken as quoted", r.quoted);
    /* A debunk that quotes with the same kinds of marks keeps its quotation. */
    cr_assert_eq(detect_str("\"Facebook \xc3\xa8 ora un'entit\xc3\xa0 quotata in borsa\" "
                            "e \xc2\xabla violazione della mia privacy \xc3\xa8 punita dalla legge\xc2\xbb: "
                            "parole che girano dal 2012 e che non hanno alcun valore, come spiegano i "
                            "giuristi che abbiamo sentito per questo articolo, e che nessun tribunale ha "
                            "mai preso sul serio in nessun paese europeo o americano fino ad oggi, "
                            "nonostante le centinaia di migliaia di condivisioni.", &r), 0,
                 "score %d", r.score);
}

Test(notice, family_post_refusing_permission_is_benign)
{
    licit_notice_result r;
    cr_assert_eq(detect_str("I don't give permission for my kids' photos to be "
                            "posted anywhere. Please ask first!", &r), 0);
    cr_assert_eq(detect_str("The Berne Convention is a treaty from 1886; it does "
                            "not let a status update override a contract.", &r), 0);
}

Test(notice, empty_text)
{
    licit_notice_result r;
    memset(&r, 0x5a, sizeof r);
    cr_assert_eq(licit_notice_detect("", 0, &r), 0);
    cr_assert_eq(r.score, 0);
    cr_assert_eq(r.n_matched, 0);
    cr_assert_null(r.family);
    for (int i = 0; i < LICIT_NOTICE_MAX_MATCHED; i++)
        cr_assert_null(r.matched[i]);
    cr_assert_gt(r.threshold, 0);
    cr_assert_eq(licit_notice_detect(NULL, 0, &r), 0);
    cr_assert_eq(licit_notice_detect("   \n\t!!", 6, NULL), 0);
}

Test(notice, nul_bytes_are_separators_and_length_is_respected)
{
    /* The notice with NULs between words is still found... */
    char buf[512];
    size_t n = 0;
    for (const char *p = goodbye_al; *p; p++)
        buf[n++] = *p == ' ' ? '\0' : *p;
    licit_notice_result r;
    cr_assert_eq(licit_notice_detect(buf, n, &r), 1);

    /* ...all NULs is nothing... */
    memset(buf, 0, sizeof buf);
    cr_assert_eq(licit_notice_detect(buf, sizeof buf, &r), 0);
    cr_assert_eq(r.score, 0);

    /* ...and bytes after len are never looked at: a notice that ends at len
     * scores the same whatever follows. */
    char a[512], b[512];
    size_t len = strlen(goodbye_al);
    memcpy(a, goodbye_al, len);
    memcpy(b, goodbye_al, len);
    memcpy(a + len, " hoax hoax snopes", 17);
    memset(b + len, 'x', 17);
    licit_notice_result ra, rb;
    licit_notice_detect(a, len, &ra);
    licit_notice_detect(b, len, &rb);
    cr_assert_eq(ra.score, rb.score);
}

Test(notice, invalid_utf8_is_accepted)
{
    /* Stray continuation bytes, overlong forms, surrogates, bytes > F4,
     * and sequences cut off at the end of the buffer. */
    const unsigned char junk[] = {
        0x80, 0xbf, 0xc0, 0xaf, 0xc1, 0xbf, 0xe0, 0x80, 0xaf, 0xed, 0xa0, 0x80,
        0xf5, 0x80, 0x80, 0x80, 0xff, 0xfe, 0xf0, 0x9f, 0x98, 'G', 'o', 'o',
        'd', 'b', 'y', 'e', 0xe2, 0x82, ' ', 'M', 'e', 't', 'a', ' ', 'A', 'I',
        0xc3,
    };
    licit_notice_result r;
    cr_assert_eq(licit_notice_detect((const char *)junk, sizeof junk, &r), 0);
    for (size_t cut = 0; cut <= sizeof junk; cut++)
        licit_notice_detect((const char *)junk, cut, &r);

    /* A notice sprinkled with invalid bytes between words still counts. */
    char buf[512];
    size_t n = 0;
    for (const char *p = goodbye_al; *p; p++)
        buf[n++] = *p == ' ' ? (char)0xff : *p;
    cr_assert_eq(licit_notice_detect(buf, n, &r), 1);
}

Test(notice, one_mib_text_scans_only_the_prefix)
{
    size_t big = 1u << 20;
    char *text = malloc(big);
    cr_assert_not_null(text);
    memset(text, 'a', big);
    for (size_t i = 7; i < big; i += 8)
        text[i] = ' ';
    licit_notice_result r;
    cr_assert_eq(licit_notice_detect(text, big, &r), 0);

    /* A notice at the start is found... */
    size_t len = strlen(goodbye_al);
    memcpy(text, goodbye_al, len);
    text[len] = ' ';
    cr_assert_eq(licit_notice_detect(text, big, &r), 1);

    /* ...one past the scanned prefix is not (documented limit). */
    memset(text, 'a', len + 1);
    memcpy(text + LICIT_NOTICE_SCAN_MAX + 8, goodbye_al, len);
    cr_assert_eq(licit_notice_detect(text, big, &r), 0);
    free(text);
}

Test(notice, result_is_deterministic_and_matched_is_bounded)
{
    licit_notice_result a, b;
    cr_assert_eq(detect_str(goodbye_al, &a), detect_str(goodbye_al, &b));
    cr_assert_eq(a.score, b.score);
    cr_assert_eq(a.n_matched, b.n_matched);
    cr_assert_leq(a.n_matched, LICIT_NOTICE_MAX_MATCHED);
    for (int i = 0; i < LICIT_NOTICE_MAX_MATCHED; i++) {
        cr_assert_eq(a.matched[i], b.matched[i]);
        if (i >= a.n_matched)
            cr_assert_null(a.matched[i]);
    }
    /* Strongest first. */
    int prev = 1000;
    for (int i = 0; i < a.n_matched; i++) {
        int w = 0;
        for (size_t k = 0; k < licit__notice_table_size(); k++)
            if (licit__notice_table_phrase(k, &w) == a.matched[i])
                break;
        cr_assert_leq(w, prev);
        prev = w;
    }
}

/* '%' stands for one platform word, and only for one. */
Test(notice, platform_wildcard)
{
    licit_notice_result r;
    detect_str("No doy permiso a Instagram para usar mis fotos.", &r);
    cr_expect(has_match(&r, "no doy permiso a %"), "Instagram is a platform word");
    detect_str("Yo tampoco: no doy permiso a WhatsApp.", &r);
    cr_expect(has_match(&r, "no doy permiso a %"));
    detect_str("No doy permiso a mi gato para usar mis fotos.", &r);
    cr_expect(!has_match(&r, "no doy permiso a %"), "'gato' is not a platform word");
    detect_str("no doy permiso a", &r); /* ends where the platform should be */
    cr_expect(!has_match(&r, "no doy permiso a %"));
}

Test(notice, nested_phrase_adds_nothing)
{
    /* "if you do not post at least once" contains "post at least once" and
     * "at least once": only the longest counts. */
    licit_notice_result r;
    detect_str("if you do not post at least once", &r);
    cr_assert_eq(r.n_matched, 1);
    cr_assert_str_eq(r.matched[0], "if you do not post at least once");
}

/* The laws the notices cite count only when the text names a platform:
 * the same legal references with "Facebook" score higher than without,
 * and a parody that names none is not flagged. */
Test(notice, references_need_a_platform_name)
{
    const char *bare = "UCC 1-308-1 1 308-103 and the Rome Statute. Berne Convention.";
    const char *fb = "UCC 1-308-1 1 308-103 and the Rome Statute. Berne Convention. Facebook";
    const char *parody = "No doy permiso a mi gato para despertarme a las cinco. "
                         "Estatuto de Roma del sueno. Copia y pega si tu gato tambien lo hace.";
    licit_notice_result a, b, c;
    licit_notice_detect(bare, strlen(bare), &a);
    licit_notice_detect(fb, strlen(fb), &b);
    cr_expect_eq(a.score, 0, "references alone, no platform: score %d", a.score);
    cr_expect_gt(b.score, a.score, "with a platform name the references count");
    cr_expect_eq(licit_notice_detect(parody, strlen(parody), &c), 0,
                 "parody without a platform flagged (score %d)", c.score);
}

/* The exact prefilter (licit_notice_detect without `out`) never changes a
 * verdict. Texts are built from the table's own phrases and words, cut,
 * shuffled and mixed with noise, so that many scores fall near the
 * threshold, where a wrong bound would show. */
Test(notice, prefilter_gives_the_same_verdicts)
{
    size_t np = licit__notice_table_size();
    uint64_t x = 0x9e3779b97f4a7c15u;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    static const char *noise[] = { "the", "and", "Facebook", "META", "I", "ich", "não",
                                   "Meta AI", "privacy", "photos", ",", "!", "\xc3\xa9",
                                   /* quotation marks: texts about what they quote */
                                   "\"", "\xe2\x80\x9c", "\xc2\xbb",
                                   "the story says that people can stop it and it reads" };
    char text[4096];
    long flagged = 0, n_texts = 60000;
    for (long t = 0; t < n_texts; t++) {
        size_t len = 0;
        int parts = 1 + (int)(RND() % 12);
        for (int k = 0; k < parts && len < sizeof text - 300; k++) {
            const char *piece;
            int w;
            if (RND() % 3) {
                piece = licit__notice_table_phrase(RND() % np, &w);
            } else {
                piece = noise[RND() % (sizeof noise / sizeof noise[0])];
            }
            size_t pl = strlen(piece);
            size_t from = 0, to = pl;
            if (RND() % 4 == 0 && pl > 2) { /* a cut piece: words may break */
                from = RND() % (pl / 2);
                to = from + 1 + RND() % (pl - from);
            }
            for (size_t i = from; i < to; i++) /* the table's wildcards become words */
                text[len++] = piece[i] == '~' ? 'x' : piece[i] == '%' ? 'f' :
                              (piece[i] == '#' ? '7' : piece[i] == '@' ? 'y' :
                               piece[i] == '*' ? 's' : piece[i]);
            text[len++] = RND() % 5 ? ' ' : '.';
        }
        licit_notice_result r;
        int full = licit_notice_detect(text, len, &r);
        flagged += full;
        int quick = licit_notice_detect(text, len, NULL);
        if (quick != full)
            cr_assert_fail("text %ld: %d with the prefilter, %d without (score %d): %.*s",
                           t, quick, full, r.score, (int)len, text);
    }
    /* The texts must exercise both sides of the threshold. */
    cr_expect_gt(flagged, n_texts / 20, "only %ld of %ld texts flagged", flagged, n_texts);
    cr_expect_lt(flagged, n_texts - n_texts / 20, "%ld of %ld texts flagged", flagged, n_texts);
#undef RND
}
