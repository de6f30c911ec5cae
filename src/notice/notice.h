/*
 * notice.h - detector for chain "opt-out" / copyright notices.
 *
 * What it is for
 *   Some users post legal-sounding chain notices that claim to withhold
 *   permission ("I do not give Facebook or Meta permission to use my
 *   photos...", "Goodbye Meta AI...", "Under the Berne Convention...").
 *   Such a post changes nothing: the platform's terms and the user's real
 *   settings decide. licit flags these posts `optout_notice` (SPEC section 4)
 *   so that `explain` and `report` can tell the author that posting it had no
 *   effect and what the real mechanism is. The flag never changes a decision.
 *
 * Method (transparent by design)
 *   1. Normalise the first LICIT_NOTICE_SCAN_MAX bytes of the text:
 *      ASCII is lower-cased; Latin-1 and Latin Extended-A letters are folded
 *      to ASCII (e -> e, c -> c, ss for sharp s, oe, ae); full-width and
 *      "mathematical bold/italic" letters and the common Cyrillic look-alikes
 *      map to their ASCII letters; zero-width characters, soft hyphens,
 *      variation selectors and combining accents are dropped; every other
 *      byte (punctuation, apostrophes, emoji, NUL, invalid UTF-8) becomes a
 *      separator, and runs of separators collapse to one space. Then
 *      "meta al", "meta a1" and "meta a i" are rewritten to "meta ai" (the
 *      lower-case L look-alike used to dodge filters).
 *   2. Look up the phrases of ONE static table (notice.c, `phrases[]`, near
 *      the top of the file) at word boundaries in the normalised text,
 *      taking the longest phrase at each word. Each distinct phrase found
 *      adds its weight once; a phrase nested inside a longer one already
 *      matched adds nothing. A phrase may hold one "~", which matches a
 *      gap of 0 to 8 words ("ich erteile facebook ~ nicht die erlaubnis"),
 *      and words may end in "*" (a prefix). Weights may be negative:
 *      "hoax", "bulo", "fact check"... pull posts that explain the hoax
 *      down. The legal references the 2012 notice cites (Berne, UCC, Rome
 *      Statute, L.111...) together add at most 7, and only when the text
 *      also names a platform (Facebook, Meta, Instagram, WhatsApp...):
 *      debunks, law lectures and parodies name the same laws.
 *   3. A text with a quotation and at least 40 words outside its quotation
 *      marks (" and the curly, low and angle double quotes) is about what
 *      it quotes: a positive phrase found only inside its quotations adds
 *      nothing; if those phrases add up to 5 points or more, the text
 *      quotes a notice and what it says outside the marks counts half
 *      (result's `quoted` says how many points were left out).
 *   4. The post is flagged when the score >= LICIT_NOTICE_THRESHOLD, which is
 *      defined next to the table.
 *
 * Guarantees
 *   - Deterministic: the result depends only on the bytes given.
 *   - Bounded work: at most LICIT_NOTICE_SCAN_MAX input bytes are read, and
 *     each word is tried only against the phrases that start with its first
 *     two characters, so a call costs O(min(len, 16 KiB)) with a small
 *     constant whatever the input (about 1 us for a 300-byte post, 60 us
 *     for a 1 MiB one; see docs/notice-detector.md). Any bytes are accepted
 *     (NUL, invalid UTF-8), and nothing is read outside [text, text + len).
 *   - No allocation. The only shared state is a lookup index over the
 *     constant table, built once on first use (pthread_once): safe to call
 *     from any number of threads at once. Uses about 26 KiB of stack.
 *   - Without `out` (ingest) an exact prefilter first bounds the score from
 *     above by the weights of the phrases whose plain words all occur in
 *     the text; under the threshold, the phrase-by-phrase matching is
 *     skipped. The verdict is the same with or without `out`.
 */
#ifndef LICIT_REPORT_NOTICE_H
#define LICIT_REPORT_NOTICE_H

#include <stddef.h>

/* Only this many leading bytes of a post are scanned. Chain notices put
 * their tell-tale phrases in the first few hundred bytes; the cap keeps the
 * cost of a 1 MiB post the same as that of a 16 KiB one. */
#define LICIT_NOTICE_SCAN_MAX (16u * 1024u)

/* Maximum number of phrases reported in licit_notice_result.matched. */
#define LICIT_NOTICE_MAX_MATCHED 8

typedef struct licit_notice_result {
    int score;      /* sum of the weights of the distinct phrases found,
                     * the legal references (Berne, UCC, Rome Statute...)
                     * together counting at most 7, and nothing when no
                     * platform is named */
    int quoted;     /* points not counted: phrases found only inside the
                     * quotation marks of a text with 40 or more words of
                     * its own around them (a text about a notice), and
                     * half of the rest when those add up to 5 or more */
    int threshold;  /* LICIT_NOTICE_THRESHOLD, for reporting */
    /* Family with the largest positive weight among the phrases found
     * ("copyright-2012", "meta-rename-2021", "goodbye-meta-ai-2024",
     * "generic-optout"), or NULL when no positive phrase matched. Static
     * string: do not free; valid for the life of the program. */
    const char *family;
    /* The phrases found (in their normalised spelling, as in the table),
     * strongest weight first, ties in table order; at most
     * LICIT_NOTICE_MAX_MATCHED. Entries at index >= n_matched are NULL.
     * Static strings: do not free. */
    const char *matched[LICIT_NOTICE_MAX_MATCHED];
    int n_matched;  /* entries used in matched[] (0..8) */
} licit_notice_result;

/*
 * licit_notice_detect - decide whether `text` is a chain opt-out notice.
 *
 * text  the post's bytes (UTF-8 expected, anything accepted); may be NULL
 *       only when len is 0. Need not be NUL-terminated; may contain NULs.
 * len   number of bytes at text. Only the first LICIT_NOTICE_SCAN_MAX are
 *       scanned.
 * out   filled with the score and the evidence; may be NULL when only the
 *       verdict is wanted.
 *
 * Returns 1 if the text is flagged as an opt-out notice, 0 if not. Cannot
 * fail. Thread-safe and reentrant.
 */
int licit_notice_detect(const char *text, size_t len, licit_notice_result *out);

/* ---- internal, exposed for unit tests ------------------------------- */

/* Normalise text as step 1 above into dst (capacity cap bytes; the output
 * is never longer than the scanned input). Returns the number of bytes
 * written; dst is not NUL-terminated. */
size_t licit__notice_normalize(const char *text, size_t len, char *dst,
                               size_t cap);

/* The phrase table: number of entries, and entry i's phrase and weight.
 * Returns NULL for i out of range. */
size_t licit__notice_table_size(void);
const char *licit__notice_table_phrase(size_t i, int *weight);

#endif /* LICIT_REPORT_NOTICE_H */
