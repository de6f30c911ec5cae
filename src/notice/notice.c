/*
 * notice.c - detector for chain "opt-out" / copyright notices.
 *
 * See notice.h for the method and the guarantees. This file holds, in order:
 * the phrase table and the threshold (edit these to tune), the normaliser,
 * the matcher and the scoring.
 */
#include "notice.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ======================================================================
 * The phrase table.
 *
 * Phrases are written in NORMALISED form: lower-case ASCII letters and
 * digits, words separated by exactly one space, accents removed
 * ("nao autorizo", not "não autorizo"), apostrophes and punctuation
 * replaced by a space ("don t share", "1 308"). The unit tests check that
 * every phrase is already in this form.
 *
 * A phrase matches only at word boundaries. These wildcards exist:
 *   '#'  one word that starts with a digit ("4", "4th", "2015")
 *   '@'  any one word
 *   '%'  one platform word (facebook, fb, meta, instagram, whatsapp...,
 *        the list platform_words below): "no doy permiso a %" matches
 *        "No doy permiso a Instagram". Added with round 6 so that one
 *        entry covers every platform a wave may name.
 *   '*'  at the end of a word: the word may continue ("fact check*"
 *        matches "fact checkers", "copi* e col*" matches "copie e cole",
 *        "copiar e colar", "copiem e colem").
 *   '~'  as a word of its own: zero to GAP_MAX_WORDS (8) words of any
 *        kind, for sentences whose parts the language pulls apart
 *        ("ich erteile facebook ~ nicht die erlaubnis" matches "Ich
 *        erteile Facebook und anderen verbundenen Einrichtungen nicht die
 *        Erlaubnis"). At most one '~' per phrase, never first or last.
 * A phrase may not start with a wildcard.
 *
 * Each distinct phrase adds its weight once, however often it occurs. At
 * each word the longest matching phrase is taken, and a phrase lying wholly
 * inside a longer phrase already matched adds nothing: the weight of a
 * sentence is what the table shows for its longest phrases.
 * Positive weights: 6-8 for phrases that on their own almost prove a chain
 * notice (they name a treaty or an exact refrain of one); 3-5 for typical
 * wording; 1-2 for weak context. Negative weights mark posts ABOUT the
 * notices (debunks, fact checks), which quote the same phrases.
 * ==================================================================== */

/* A post is flagged when its score reaches this value. Roughly: two
 * strong tells, or one strong tell plus the usual supporting wording. */
#define LICIT_NOTICE_THRESHOLD 10

enum notice_family {
    FAM_COPYRIGHT_2012, /* "strictly forbidden", "public entity", "open capital" */
    FAM_REFERENCE,      /* the laws the 2012 notice cites: Berne, UCC, Rome Statute */
    FAM_RENAME_2021,    /* "the new Facebook/Meta rule starts tomorrow" */
    FAM_META_AI_2024,   /* "Goodbye Meta AI", "an attorney has advised us" */
    FAM_GENERIC,        /* wording shared by every wave */
    FAM_COUNTER,        /* evidence that the post talks ABOUT the hoax */
    FAM_AI_REFUSAL,     /* a refusal (PR) that counts for AI_USE_POINTS only */
    FAM_AI_USE,         /* "my <work>" with AI named close to it: AI_USE_POINTS */
    FAM_COUNT
};

static const char *const family_names[FAM_COUNT] = {
    "copyright-2012", "copyright-2012", "meta-rename-2021",
    "goodbye-meta-ai-2024", "generic-optout", "counter-evidence",
    "generic-optout", "generic-optout",
};

/* A first-person refusal of AI use of one's work ("I do not consent to
 * any of my works being fed into any AI", "I strictly forbid any and all
 * use of my content for AI training"): "my <work>" with AI named within
 * eight words (FAM_AI_USE) adds AI_USE_POINTS, once however many such
 * phrases are found, and only when the text also holds a refusal in the
 * first person (a phrase marked PR; those of FAM_AI_REFUSAL add nothing
 * themselves), outside quotations when quotations matter. Either alone adds nothing: "I do not consent to my data
 * being used for AI training", the sample sentence for Meta's real
 * objection form, names no work; "my photos are used to train AI" refuses
 * nothing. Decided in round 46 on training, after the table had found
 * none of rounds 40-45's ten such refusals blind. FAM_AI_USE phrases weigh
 * AI_USE_POINTS in the table, so that the prefilter's bound, which counts
 * every phrase's weight, never falls under what the pair adds. */
#define AI_USE_POINTS 10

/* The laws the 2012 notice cites (family F) are also what every debunk and
 * every lawyer's explainer names ("my aunt posted the Berne Convention and
 * Rome Statute thing"). Together they add at most this much, so naming
 * them is never enough on its own: the notice's own wording must add the
 * rest (at least 3). */
#define REFERENCE_CAP 7

/* A text with at least this many words outside quotation marks, and a
 * quotation, is taken to be about what it quotes: a phrase of the table
 * found only inside its quotations adds nothing (counter-evidence counts
 * wherever it is). A notice as posted is the notice, sometimes behind a
 * line of its own ("Copy and paste:"); debunks, news and users asking
 * "is this real?" quote it inside paragraphs of their own. Decided with
 * round 11 in training, where 12 of the 15 benign posts then flagged
 * were such quotes (with 65 to 227 words of their own) and no notice lost
 * its flag (three lose points and keep 49 to 65 outside the marks). See
 * docs/notice-detector.md. */
#define QUOTE_CONTEXT_WORDS 40

/* Such a text whose quotations hold at least this many points of the table
 * quotes a notice, and is taken to be about it: the points of what it
 * says outside its quotations count half (a debunk goes on to paraphrase
 * the notice in its own words: "Il continue en avertissant Facebook qu'il
 * est strictement interdit de divulguer…"). Decided with round 12 in
 * training (see docs/notice-detector.md). */
#define QUOTED_NOTICE_POINTS 5

/* Every real notice is addressed to a platform; a post that cites the
 * Rome Statute or the Berne Convention but names none is a law lecture or
 * a parody ("I do not give my cat permission ... Rome Statute of sleep").
 * So the references count only when one of these words (whole words of
 * the normalised text) appears. Added after held-out round 3. */
static const char *const platform_words[] = {
    "facebook", "fb", "meta", "instagram", "insta", "whatsapp", "whatsap",
    "messenger", "threads", "zuckerberg",
};

typedef struct notice_phrase {
    const char *text;   /* normalised phrase, see above */
    signed char weight;
    unsigned char family;
    unsigned char refusal; /* a refusal in the first person (AI_USE_POINTS) */
} notice_phrase;

#define P(text, weight, fam) { text, weight, fam, 0 }
#define PR(text, weight, fam) { text, weight, fam, 1 } /* a refusal, see AI_USE_POINTS */
#define C FAM_COPYRIGHT_2012
#define F FAM_REFERENCE
#define R FAM_RENAME_2021
#define A FAM_META_AI_2024
#define G FAM_GENERIC
#define X FAM_COUNTER
#define AR FAM_AI_REFUSAL
#define AU FAM_AI_USE

static const notice_phrase phrases[] = {
    /* ---- 2012-2016 copyright notices: English ------------------------ */
    P("berne convention",                         7, F),
    P("berner convention",                        7, F), /* common misspelling */
    P("berne copyright",                          5, F),
    P("ucc 1 308",                                6, F),
    P("ucc 1 103",                                6, F),
    P("uniform commercial code",                  3, F),
    P("rome statute",                             5, F),
    P("open capital entity",                      7, C),
    P("open capital",                             4, C),
    P("public entity",                            3, C),
    P("publicly traded entity",                   4, C),
    P("publically traded entity",                 4, C), /* common misspelling (round 22) */
    P("anyone can infringe on your right to privacy", 6, C), /* the 2012 opening (round 22) */
    P("channel 13 news",                          6, C),
    P("as of @ # at #",                           3, C), /* "as of January 4 at 11:43 am" */
    P("as of @ # # at #",                         3, C), /* "as of January 4, 2015 at ..." */
    P("eastern standard time",                    2, C),
    P("any entities associated with",             6, C),
    P("entities associated with facebook",        5, C),
    P("pictures information messages",           5, C),
    P("information messages or posts",            5, C),
    P("both past and future",                     4, C),
    P("by this statement i give notice",          6, C),
    P("i give notice",                            3, C),
    P("strictly forbidden",                       3, C),
    P("strictly prohibited",                      3, C),
    P("disclose copy distribute",                 6, C),
    P("take any other action against me",         5, C),
    P("based on this profile",                    4, C),
    P("violation of privacy",                     3, C),
    P("violation of my privacy",                  3, C),
    P("punishable by law",                        4, C),
    P("private and confidential information",     4, C),
    P("confidential information",                 1, C),
    P("drawings paintings photos",                4, C),
    P("paintings photos",                         2, C),
    P("photos texts",                             2, C),
    P("my rights are attached",                   5, C),
    P("i hereby declare",                         2, C),
    P("i hereby state",                           2, C),
    P("publish a statement",                      4, C),
    P("post a statement",                         4, C),
    P("tacitly allowing",                         6, C),
    P("tacitly",                                  2, C),
    P("you must post",                            3, C),
    P("all members must post",                    4, C),
    P("copy and paste",                           3, C),
    P("copy this onto your wall",                 3, C),
    P("on your wall",                             1, C),
    P("onto your wall",                           1, C),
    P("facebook is going public",                 4, C),
    P("breach of my privacy",                     3, C),
    P("past or future",                           2, C),
    P("past and future",                          2, C),
    P("copy paste",                               2, C),
    P("paste this",                               1, C),
    P("don t share",                              2, C),
    P("do not share",                             1, C),
    P("new guidelines",                           1, C),
    P("commercial use",                           1, C),
    P("with written consent",                     2, C),
    P("without my written consent",               2, C),
    P("without my express written consent",       2, C),
    P("under copyright laws",                     2, C),
    P("protection of copyright",                  2, C),

    /* ---- 2021 "Facebook is now Meta" notices -------------------------- */
    P("new facebook rule",                        5, R),
    P("new meta rule",                            5, R),
    P("rule starts tomorrow",                     4, R),
    P("starts tomorrow",                          1, R),
    P("deadline is today",                        3, R),
    P("reservation of rights",                    2, R),
    P("where they can use your photos",           5, R),
    P("can use your photos",                      3, R),
    P("hold your finger",                         3, R),
    P("hold down your finger",                    3, R),
    P("does not work if you share",               4, R),
    P("doesn t work if you share",                4, R),
    P("won t work if you share",                  4, R),
    P("sharing does not work",                    3, R),
    P("sharing doesn t work",                     3, R),
    P("now called meta",                          1, R),

    /* ---- 2024 "Goodbye Meta AI" notices ------------------------------- */
    P("goodbye meta ai",                          7, A),
    P("goodbyemetaai",                            7, A), /* the hashtag */
    P("goodbyemetaal",                            7, A), /* hashtag, "Al" look-alike */
    P("bye bye meta ai",                          6, A),
    P("bye meta ai",                              5, A),
    P("good bye meta ai",                         7, A),
    P("farewell meta ai",                         6, A),
    P("attorney has advised",                     5, A),
    P("attorney advised us",                      4, A),
    P("lawyer has advised",                       4, A),
    P("if you do not post at least once",         5, A),
    P("if you don t post at least once",          5, A),
    P("post at least once",                       3, A),
    P("at least once",                            1, A),
    P("will be assumed",                          3, A),
    P("assumed you are ok*",                      4, A),
    P("assume you agree",                         3, A),
    P("assume we agree",                          3, A),
    P("a lawyer said",                            2, A),
    P("an attorney said",                         2, A),
    P("using your information and photos",        5, A),
    P("information and photos",                   2, A),
    P("personal data profile information",        4, A),
    P("profile information or photos",            4, A),
    P("meta ai",                                  1, A),
    /* the 2024 artists' declaration ("I own the copyright to all images and
     * posts submitted to my Instagram profile and therefore DO NOT consent
     * to Meta or other companies using them to train generative AI
     * platforms"), round 17's two misses (round 18) */
    P("i own the copyright to all",               6, A),
    P("submitted to my % profile",                3, A),
    P("do not consent to % or other companies",   6, A),
    P("train generative ai",                      2, A),
    P("all future and past posts",                3, A),

    /* ---- every wave: refusing permission ------------------------------ */
    PR("i do not give permission",                 3, G),
    PR("i do not consent",                         2, G),
    PR("i do not consent to the use of my",       4, G), /* SPEC 4's example, round 15 */
    PR("i don t consent to the use of my",         4, G),
    P("i do not give my permission",              3, G),
    P("i don t give permission",                  3, G),
    P("i don t give my permission",               3, G),
    P("permission to use my",                     3, G),
    P("my personal data",                         2, G),
    P("all my personal data",                     2, G),
    P("my personal information",                  1, G),
    P("or anyone else",                           1, G),
    P("i do not consent to meta",                 6, G),
    P("i do not consent to facebook",             6, G),
    P("permission to meta",                       3, G), /* "...give permission to Meta" */
    P("permission to facebook",                   3, G),
    P("you do not have my permission",            4, G),
    /* Round 30 (decided on rounds 1-29): the 2010 profile warning, a family
     * no training text held until round 29 missed it (en-r29b-15, score
     * 3): "WARNING: Any researcher, students, institutions and/or media
     * using this site ... You do not have permission from me to use any of
     * my profile or pictures ... will be subject to academic disciplinary
     * or legal action" */
    P("any researcher students institutions",     4, G),
    P("do not have permission from me to use",    5, G),
    P("subject to academic disciplinary",         4, G),
    PR("you do not have my consent",               4, G),
    P("my consent to use",                        2, G),
    P("without prejudice",                        2, C),
    P("not a hoax",                               6, G), /* cancels "hoax" */
    P("this is not a joke",                       2, G),

    /* ---- Portuguese ---------------------------------------------------- */
    P("convencao de berna",                       7, F),
    P("estatuto de roma",                         6, F), /* also Spanish */
    P("capital aberto",                           4, C),
    P("entidade publica",                         3, C),
    P("nao dou permissao",                        4, G),
    P("eu nao autorizo",                          3, G),
    P("permissao a meta",                         3, G),
    P("permissao ao facebook",                    3, G),
    P("meus dados pessoais",                      2, G),
    P("minhas fotos",                             1, G),
    P("copi* e col*",                             3, C), /* copie e cole, copiem e colem */
    P("nao compartilh*",                          2, C),
    P("violacao d* privacidade",                  3, C),
    P("violacao da minha privacidade",            3, C),
    P("entidade ligada",                          4, C), /* "any entity linked to it" */
    P("entidades ligadas",                        4, C),
    P("punida por lei",                           4, C),
    P("punivel por lei",                          4, C),
    P("estritamente proibid*",                    3, C),
    P("reserva de direitos",                      3, R),
    P("nova regra do facebook",                   5, R),
    P("nova regra da meta",                       5, R),
    P("o prazo e hoje",                           3, R),
    P("adeus meta ai",                            7, A),
    P("tchau meta ai",                            7, A),
    P("advogado nos aconselhou",                  5, A),
    P("advogado nos orientou",                    5, A),
    P("se voce nao publicar",                     3, A),
    P("se voce nao postar",                       3, A),
    P("pelo menos uma vez",                       1, A),
    P("sera assumido que",                        4, A),
    P("sera considerado que",                     3, A),

    /* ---- Spanish ------------------------------------------------------- */
    P("convenio de berna",                        7, F),
    P("convencion de berna",                      7, F),
    P("no doy permiso",                           4, G),
    P("no doy mi permiso",                        4, G),
    P("permiso a meta",                           3, G),
    P("permiso a facebook",                       3, G),
    P("mis datos personales",                     2, G),
    P("copi* y peg*",                             3, C), /* copia y pega, copien y peguen */
    P("no compart*",                              2, C),
    P("violacion d* privacidad",                  3, C),
    P("violacion de mi privacidad",               3, C),
    P("castigad* por la ley",                     4, C),
    P("penad* por la ley",                        4, C),
    P("estrictamente prohibid*",                  3, C),
    P("reserva de derechos",                      3, R),
    P("nueva regla de facebook",                  5, R),
    P("nueva regla de meta",                      5, R),
    P("el plazo es hoy",                          3, R),
    P("adios meta ai",                            7, A),
    P("chao meta ai",                             7, A),
    P("chau meta ai",                             7, A),
    P("abogado nos aconsejo",                     5, A),
    P("abogado nos ha aconsejado",                5, A),
    P("si no publicas",                           3, A),
    P("al menos una vez",                         1, A),
    P("por lo menos una vez",                     1, A),
    P("se asumira que",                           4, A),

    /* ---- German -------------------------------------------------------- */
    P("berner konvention",                        7, F),
    P("berner ubereinkunft",                      7, F),
    P("romisches statut",                         6, F),
    P("hiermit widerspreche ich",                 5, G),
    P("ich widerspreche hiermit",                 5, G),
    P("ich widerspreche",                         3, G),
    P("ich untersage",                            4, G),
    P("untersage ich",                            4, G),
    P("erlaube ich facebook nicht",               7, G),
    P("erlaube ich meta nicht",                   7, G),
    P("ich gebe meta keine",                      6, G),
    P("ich gebe facebook keine",                  6, G),
    P("meine personlichen daten",                 2, G),
    P("kopier* und einfug*",                      3, C),
    P("nicht teilen",                             2, C),
    P("verletzung meiner privatsphare",           3, C),
    P("verletzung der privatsphare",              3, C),
    P("gesetzlich verboten",                      3, C),
    P("strengstens verboten",                     3, C),
    P("strafbar",                                 2, C),
    P("neue facebook regel",                      5, R),
    P("neue meta regel",                          5, R),
    P("die frist ist heute",                      3, R),
    P("tschuss meta ai",                          7, A),
    P("tschus meta ai",                           7, A), /* "tschues" spelling */
    P("auf wiedersehen meta ai",                  7, A),
    P("anwalt hat uns geraten",                   5, A),
    P("rechtsanwalt hat uns geraten",             5, A), /* compound: own entry */
    P("anwalt hat empfohlen",                     4, A),
    P("rechtsanwalt hat empfohlen",               4, A),
    P("als zustimmung",                           3, A), /* "...gilt es als Zustimmung" */
    P("wenn du nicht mindestens einmal",          4, A),
    P("mindestens einmal",                        1, A),
    P("wird davon ausgegangen",                   3, A),
    P("wird angenommen",                          3, A),

    /* ---- French -------------------------------------------------------- */
    P("convention de berne",                      7, F),
    P("statut de rome",                           6, F),
    P("je n autorise pas",                        4, G),
    P("je n autorise ni",                         5, G), /* "ni Facebook ni Meta" */
    P("je refuse que meta",                       5, G),
    P("je refuse que facebook",                   5, G),
    P("je ne donne pas la permission",            4, G),
    P("je ne donne pas mon autorisation",         4, G),
    P("mes donnees personnelles",                 2, G),
    P("copier coller",                            3, C),
    P("copiez collez",                            3, C),
    P("copiez le collez le",                      3, C),
    P("ne partagez pas",                          2, C),
    P("sur votre mur",                            1, C),
    P("cotee en bourse",                          3, C),
    P("entite publique",                          3, C),
    P("violation de la vie privee",               3, C),
    P("violation de ma vie privee",               3, C),
    P("puni par la loi",                          4, C),
    P("punie par la loi",                         4, C),
    P("punissable par la loi",                    4, C),
    P("strictement interdit*",                    3, C),
    P("nouvelle regle de facebook",               5, R),
    P("nouvelle regle de meta",                   5, R),
    P("la date limite est aujourd hui",           3, R),
    P("au revoir meta ai",                        7, A),
    P("adieu meta ai",                            7, A),
    P("avocat nous a conseille",                  5, A),
    P("un avocat a dit",                          2, A),
    P("si vous ne publiez pas",                   3, A),
    P("au moins une fois",                        1, A),
    P("on considerera que",                       3, A),

    /* ---- Italian ------------------------------------------------------- */
    P("convenzione di berna",                     7, F),
    P("statuto di roma",                          6, F),
    P("non do il permesso",                       4, G),
    P("non do il mio consenso",                   4, G),
    P("non do il consenso",                       4, G),
    P("consenso a meta",                          3, G),
    P("permesso a meta",                          3, G),
    P("i miei dati personali",                    2, G),
    P("copia* e incolla*",                        3, C),
    P("non condividere",                          2, C),
    P("violazione della privacy",                 3, C),
    P("punibile per legge",                       4, C),
    P("punita dalla legge",                       4, C),
    P("severamente vietat*",                      3, C),
    P("nuova regola di facebook",                 5, R),
    P("nuova regola di meta",                     5, R),
    P("la scadenza e oggi",                       3, R),
    P("addio meta ai",                            7, A),
    P("ciao meta ai",                             5, A),
    P("avvocato ci ha consigliato",               5, A),
    P("se non pubblichi",                         3, A),
    P("se non lo pubblichi",                      3, A),
    P("avvocato ha detto",                        3, A),
    P("almeno una volta",                         1, A),
    P("si presumera che",                         4, A),


    /* ==== Real-notice wording (six languages), added with the real corpus.
     * Each line is one sentence of the recurring templates as fact-checkers
     * quote them: the refusal, the list of what may not be used, "strictly
     * forbidden to disclose, copy, distribute", "based on this profile",
     * "private and confidential", "punishable by law", "X is now a public
     * entity", "all members must post", "at least once ... tacitly", the
     * "new rule starts tomorrow / deadline is today" wave and the 2023
     * "it's official, signed at ..., mine turned blue" wave. Order within
     * each language: refusal, then the 2012 copyright/privacy notice, then
     * the "new rule" waves. ========================================= */
    /* ---- English: the template, sentence by sentence ---- */
    P("strictly forbidden to disclose",         5, C),
    P("strictly prohibited to disclose",        5, C),
    P("privacy notice warning",                   4, C),
    P("you are hereby notified",                  3, C),
    P("strictly prohibited from disclos*",        5, C),
    P("based on this profile and or its contents", 5, C),
    P("on the basis of this profile",           5, C),
    P("the violation of privacy can be punished by law", 5, C),
    P("violation of my privacy is punished by law", 5, C),
    P("violation of privacy may be punishable by law", 5, C),
    P("facebook is now a public entity",        6, C),
    P("facebook is now an open capital entity", 6, C),
    P("is now a public entity",                 5, C),
    P("is now an open capital entity",          5, C),
    P("is now a public organization",           5, C),
    P("is now a public institution",            5, C),
    P("all members must post a note like this", 6, C),
    P("all members are recommended to publish a notice", 6, C),
    P("every member must post",                 4, C),
    P("all participants should post a note",    4, C),
    P("if you do not publish a statement at least once", 6, C),
    P("tactically allowing",                    5, C),
    P("technically understood that you are allowing", 5, C),
    P("photos information messages or posts",   5, C),
    P("pictures information or posts",          5, C),
    P("photos information messages or messages", 5, C),
    P("both from the past",                     3, C),
    P("in the past and in the future",          3, C),
    P("in response to the new facebook guidelines", 5, C),
    P("my copyright is attached to all",        5, C),
    P("for commercial use of the above",        4, C),
    P("my written consent is needed",           4, C),
    P("my written consent is required",         4, C),
    P("articles l 111 112 and 113",             6, F),
    P("l 111 112 and 113",                      6, F),
    P("code of intellectual property",          3, C),
    P("you do not have my permission to utilize", 4, C),
    P("ucc law sections",                       3, F),
    P("new instagram rule",                     5, R),
    P("new facebook meta rule",                 5, R),
    P("starts the new facebook rule",           5, R),
    P("starts the new instagram rule",          5, R),
    P("deadline today",                         3, R),
    P("don t forget the deadline",              3, R),
    P("it can be used in court cases",          4, R),
    P("could be used in lawsuits against you",  4, R),
    P("used in litigation against you",         4, R),
    P("everything you ve ever posted becomes public", 4, R),
    P("everything you ve ever posted is posted today", 4, R),
    P("everything you post will be made public", 4, R),
    P("even messages that have been deleted",   4, R),
    P("even the messages that have been deleted", 4, R),
    P("simple copy and paste",                  3, R),
    P("just copy and post",                     3, R),
    P("costs nothing for a simple copy",        3, R),
    P("it s official signed at",                5, R),
    P("mine really turned blue",                5, R),
    P("this will bypass the system",            5, R),
    P("he who does nothing consents",           5, R),
    P("it was even on tv",                      3, R),
    P("hold your finger anywhere",              3, R),
    P("according to the show 60 minutes",       3, R),
    P("channel 4 news",                         4, R),
    P("channel 13",                             4, R),
    P("imposing my reservation of rights",      4, R),
    P("a lawyer advised us to post this",       5, A),
    P("an attorney advised us to post this",    5, A),
    P("advised by an attorney to share this post", 5, A),
    P("goodbye metaverse",                      4, A),
    P("goodbye meta",                           4, A),
    P("i hereby declare that i do not give",    5, G),
    P("i hereby state that i do not give",      5, G),
    P("i do not give consent",                  5, G),
    P("i do not grant meta",                    5, G),
    P("i do not grant facebook",                5, G),
    P("i do not allow facebook meta",           5, G),
    P("any entity associated with facebook",    4, G),
    P("any entities associated with facebook",  4, G),
    P("or any entitles associated with facebook", 4, G),
    P("are my property and not facebook",       3, G),
    /* ---- German ---- */
    P("ich gebe facebook ~ keine erlaubnis",    7, G),
    P("erteile ich facebook ~ nicht die erlaubnis", 7, G),
    P("ich autorisiere facebook",               5, G),
    P("ich autorisiere meta",                   5, G),
    P("ich erteile facebook",                   5, G),
    P("entziehe ich facebook",                  5, G),
    P("ich untersage facebook",                 5, G),
    P("ich untersage meta",                     5, G),
    P("untersage ich facebook",                 5, G),
    P("hiermit entziehe ich",                   5, G),
    P("nicht die erlaubnis meine",              3, G),
    P("keine erlaubnis meine",                  3, G),
    P("widerspreche ich dass meine daten",      4, G),
    P("widerspreche hiermit den neuen",         4, G),
    P("widerspreche den neuen facebook",        4, G),
    P("meta accounts",                          2, G),
    P("facebook account",                       2, G),
    P("meine bilder informationen nachrichten oder beitrage", 5, C),
    P("bilder informationen nachrichten",       5, C),
    P("fotos informationen beitrage",           5, C),
    P("in der vergangenheit ~ in der zukunft",  4, C),
    P("sowohl in der vergangenheit als auch",   4, C),
    P("weder in der vergangenheit noch",        4, C),
    P("mit facebook verbundenen",               5, C),
    P("mit facebook meta verbundenen",          5, C),
    P("mit facebook assoziierten",              5, C),
    P("mit facebook verbundenen einrichtungen", 5, C),
    P("mit dieser erklarung gebe ich facebook", 6, C),
    P("mit dieser erklarung teile ich facebook", 6, C),
    P("mit dieser mitteilung teile ich",        4, C),
    P("mit dieser erklarung gebe ich",          4, C),
    P("streng verboten",                        3, C),
    P("offenzulegen zu kopieren zu verbreiten", 6, C),
    P("zu kopieren zu benachrichtigen",         6, C),
    P("zu kopieren zu verbreiten",              4, C),
    P("zu kopieren zu teilen",                  4, C),
    P("aufgrund dieses profils",                5, C),
    P("auf der grundlage dieses profils",       5, C),
    P("inhalte dieses profils",                 5, C),
    P("inhalt dieses profils",                  5, C),
    P("private und vertrauliche informationen", 5, C),
    P("verletzung der privatsphare kann",       5, C),
    P("verletzungen der privatsphare konnen",   5, C),
    P("gesetzlich bestraft",                    3, C),
    P("gesetzlich geahndet",                    3, C),
    P("rechtlich verfolgt",                     3, C),
    P("ist jetzt eine offentliche einrichtung", 6, C),
    P("ist jetzt ein offentliches unternehmen", 6, C),
    P("offentliche einrichtung",                3, C),
    P("alle mitglieder mussen",                 5, C),
    P("eine solche notiz posten",               5, C),
    P("eine notiz wie diese",                   5, C),
    P("wenn sie eine erklarung nicht mindestens einmal", 5, C),
    P("mindestens einmal keine erklarung",      5, C),
    P("nicht mindestens einmal veroffentlichen", 5, C),
    P("stillschweigend",                        3, C),
    P("tacitamente",                            3, C),
    P("tacitement",                             3, C),
    P("zuwiderhandlung",                        3, C),
    P("statut von rom",                         6, F),
    P("romische statut",                        6, F),
    P("artikeln l 111 112 und 113",             6, F),
    P("111 112 und 113",                        6, F),
    P("in reaktion auf die neuen facebook richtlinien", 5, C),
    P("als antwort auf die neuen facebook richtlinien", 5, C),
    P("mein urheberrecht fur alle meine",       5, C),
    P("neuen facebook richtlinien",             4, C),
    P("meine schriftliche genehmigung",         3, C),
    P("schriftliche genehmigung",               3, C),
    P("sind mein eigentum und nicht facebook",  3, C),
    P("morgen beginnt die neue facebook",       6, R),
    P("morgen beginnt das neue facebook",       6, R),
    P("morgen die neue facebook regel",         6, R),
    P("neue facebook meta regel",               5, R),
    P("neuen facebook regeln",                  5, R),
    P("neue instagram regel",                   5, R),
    P("neue whatsapp regel",                    5, R),
    P("deine fotos verwendet werden konnen",    5, R),
    P("wo sie deine fotos verwenden konnen",    5, R),
    P("sie dein bild verwenden konnen",         5, R),
    P("sie ihre fotos verwenden konnen",        5, R),
    P("deadline heute",                         3, R),
    P("dass die frist heute ist",               3, R),
    P("die deadline heute",                     3, R),
    P("in rechtsstreitigkeiten gegen sie",      4, R),
    P("in streitfallen gegen dich",             4, R),
    P("in gerichtsverfahren",                   4, R),
    P("wird ab heute offentlich",               4, R),
    P("wird ab morgen offentlich",              4, R),
    P("wird ab heute offentlich gemacht",       4, R),
    P("kostet dich nichts",                     2, R),
    P("es kostet nichts",                       2, R),
    P("kanal 13",                               4, R),
    P("kanal 4",                                4, R),
    /* ---- Spanish ---- */
    P("no permito ni autorizo",                 7, G),
    P("no autorizo a meta facebook",            7, G),
    P("no doy permiso y no autorizo",           5, G),
    P("no otorgo permiso",                      5, G),
    P("ni a ninguna entidad asociada",          5, C),
    P("ninguna organizacion asociada a facebook", 5, C),
    P("entidad asociada con facebook",          5, C),
    P("cualquier entidad asociada",             5, C),
    P("entidad asociada",                       3, C),
    P("mis fotos informacion mensajes o publicaciones", 5, C),
    P("fotos informacion mensajes",             5, C),
    P("imagenes informacion o mensajes",        5, C),
    P("pasadas o futuras",                      3, C),
    P("del pasado o futuro",                    3, C),
    P("tanto del pasado como en el futuro",     3, C),
    P("pasados y futuros",                      3, C),
    P("estrictamente prohibido divulgar",       5, C),
    P("se prohibe terminantemente",             5, C),
    P("divulgar copiar distribuir",             6, C),
    P("en base a este perfil",                  5, C),
    P("sobre la base de este perfil",           5, C),
    P("basandose en este perfil",               5, C),
    P("este perfil y o su contenido",           5, C),
    P("contra mi perfil y o su contenido",      5, C),
    P("informacion privada y confidencial",     5, C),
    P("es privado y la informacion confidencial", 5, C),
    P("la violacion de la privacidad puede ser castigada", 5, C),
    P("violacion de mi privacidad esta castigada", 5, C),
    P("la violacion de privacidad puede ser castigada", 5, C),
    P("es ahora una entidad publica",           6, C),
    P("entidad de capital abierto",             6, C),
    P("todos los miembros deben publicar",      5, C),
    P("si no publica una declaracion al menos una vez", 6, C),
    P("si no publica un comunicado por lo menos una vez", 6, C),
    P("convencion berner",                      7, F),
    P("en respuesta a las nuevas directrices de facebook", 5, C),
    P("mis derechos de autor estan",            5, C),
    P("consentimiento por escrito",             2, C),
    P("uso comercial",                          2, C),
    P("comienza la nueva regla",                5, R),
    P("nueva regla en facebook",                5, R),
    P("nueva regla de instagram",               5, R),
    P("nueva regla de whatsapp",                5, R),
    P("la fecha limite es hoy",                 3, R),
    P("fecha limite para publicar",             3, R),
    P("se puede utilizar en juicios contra ti", 4, R),
    P("en demandas contra ti",                  4, R),
    P("podrian ser utilizadas en demandas",     4, R),
    P("incluso mensajes eliminados",            4, R),
    P("mensajes que han sido eliminados",       4, R),
    P("todo lo que has publicado",              3, R),
    P("simple copiar pegar",                    3, R),
    P("no cuesta nada mas que",                 3, R),
    P("es oficial firmado a las",               5, R),
    P("el mio realmente se puso azul",          5, R),
    P("incluso salio en la television",         5, R),
    P("mantenga el dedo",                       3, R),
    /* ---- French ---- */
    P("je ne donne pas a facebook ou",          7, G),
    P("je n ai rien signe avec meta",           7, G),
    P("je n ai pas donne ma permission",        5, G),
    P("ni aucune entite associee",              2, C), /* overlaps "entite associee a facebook" */
    P("toute entite associee a facebook",       5, C),
    P("entite associee a facebook",             5, C),
    P("mes photos informations messages ou publications", 5, C),
    P("images informations ou publications",    5, C),
    P("photos informations messages",           5, C),
    P("passes et futurs",                       3, C),
    P("le passe et le futur",                   3, C),
    P("strictement interdit de divulguer",      5, C),
    /* Round 15, decided on training (fr-r14-01, round 14's one miss):
     * the 2012 declaration's "I hereby give notice to Facebook it is
     * strictly forbidden to disclose…" in another French translation. */
    P("strictement interdit de reveler",        5, C),
    P("donne une notification a %",             4, C),
    P("entreprendre d autres actions contre moi", 5, C),
    P("divulguer copier distribuer",            6, C),
    P("sur la base de ce profil",               5, C),
    P("ce profil et ou de son contenu",         5, C),
    P("informations privees et confidentielles", 5, C),
    P("information privee et confidentielle",   5, C),
    P("la violation de la vie privee peut etre punie", 5, C),
    P("la violation de ma vie privee est punie", 5, C),
    P("est desormais une entite publique",      6, C),
    P("est maintenant une entite publique",     6, C),
    P("est desormais une entite de capital ouvert", 6, C),
    P("entite de capital ouvert",               6, C),
    P("tous les membres doivent publier",       5, C),
    P("tous les membres sont invites a publier", 5, C),
    P("si vous ne publiez pas une declaration au moins une fois", 6, C),
    P("si vous n avez pas publier une declaration", 6, C),
    P("si vous n avez pas publie une declaration", 6, C),
    P("convention berner",                      7, F),
    P("en reponse aux nouvelles lignes directrices", 5, C),
    P("mes droits d auteur sont attaches",      5, C),
    P("mes droits sont attaches",               5, C),
    P("mon consentement ecrit",                 3, C),
    P("j interdis formellement",                6, C), /* round 24: the 2012 French legal-prose version (fr-r23a-02) */
    P("conformement a la legislation a la reglementation", 4, C),
    P("utilisation commerciale",                3, C),
    P("articles l 111 112 et 113",              6, F),
    P("l 111 112 et 113",                       6, F),
    P("code de la propriete intellectuelle",    3, C),
    P("nouvelle regle facebook",                5, R),
    P("demain commence la nouvelle regle",      5, R),
    P("la nouvelle regle facebook meta",        5, R),
    P("date limite demain",                     3, R),
    P("poursuites contre vous",                 3, R),
    P("ca ne coute rien",                       3, R),
    P("simple copier et coller",                3, R),
    P("tout ce que vous avez poste",            4, R),
    P("tout ce que tu as poste",                4, R),
    P("meme les messages qui ont ete supprimes", 4, R),
    P("devient public a partir de demain",      4, R),
    P("c est officiel signe a",                 5, R),
    P("le mien est vraiment devenu bleu",       5, R),
    P("c est meme passe a la tele",             5, R),
    P("cela contournera le systeme",            5, R),
    P("qui ne fait rien consent",               5, R),
    P("maintenez votre doigt",                  3, R),
    P("un avocat nous a conseille",             5, A),
    /* ---- Italian ---- */
    P("dichiaro che non do il mio permesso",    7, G),
    P("non do il mio permesso",                 4, G),
    P("non concedo a",                          4, G),
    P("organizzazioni legate a facebook",       5, C),
    P("entita associata a facebook",            5, C),
    P("nessuna delle organizzazioni legate",    5, C),
    P("le mie immagini informazioni messaggi",  5, C),
    P("immagini informazioni messaggi",         5, C),
    P("foto informazioni messaggi",             5, C),
    P("ne in passato ne in futuro",             4, C),
    P("passate e future",                       4, C),
    P("severamente vietato divulgare",          5, C),
    P("e severamente vietato copiare",          5, C),
    P("divulgare copiare distribuire",          6, C),
    P("in base a questo profilo",               5, C),
    P("sulla base di questo profilo",           5, C),
    P("basata su questo profilo",               5, C),
    P("questo profilo e o ai suoi contenuti",   5, C),
    P("questo profilo e o il suo contenuto",    5, C),
    P("informazioni private e riservate",       5, C),
    P("privato e le informazioni riservate",    5, C),
    P("informazione privata e riservata",       5, C),
    P("la violazione della privacy puo essere punita", 5, C),
    P("la violazione della mia privacy e soggetta", 5, C),
    P("e ora un ente pubblico",                 6, C),
    P("e ora un istituzione pubblica",          6, C),
    P("ora e un ente pubblico",                 6, C),
    P("ente pubblico",                          3, C),
    P("istituzione pubblica",                   3, C),
    P("tutti i membri devono pubblicare",       5, C),
    P("ogni membro deve pubblicare",            5, C),
    P("tutti i membri sono incoraggiati",       5, C),
    P("se non pubblichi una dichiarazione almeno una volta", 6, C),
    P("se non la si pubblica almeno una volta", 6, C),
    P("convenzione berner",                     7, F),
    P("il mio diritto d autore e collegato",    5, C),
    P("diritti d autore sono collegati",        5, C),
    P("linee guida di facebook",                3, C),
    P("linea guida di facebook",                3, C),
    P("autorizzazione scritta",                 3, C),
    P("consenso scritto",                       3, C),
    P("domani inizia la nuova regola",          5, R),
    P("nuova regola facebook",                  5, R),
    P("nuova regola di instagram",              5, R),
    P("nuova regola di whatsapp",               5, R),
    P("contenziosi contro di te",               4, R),
    P("sara reso pubblico da oggi",             4, R),
    P("diventa pubblico da domani",             4, R),
    P("anche i messaggi che sono stati eliminati", 4, R),
    P("non costa nulla",                        3, R),
    P("non ti costa niente",                    3, R),
    P("semplice copia e incolla",               3, R),
    P("e ufficiale firmato alle",               5, R),
    P("il mio e diventato davvero blu",         5, R),
    P("era persino in tv",                      5, R),
    P("questo bypassera il sistema",            5, R),
    P("chi non fa niente acconsente",           5, R),
    P("tieni il dito",                          3, R),
    P("canale 13",                              4, R),
    P("sono di mia proprieta e non di facebook", 3, G),
    P("un avvocato ci ha consigliato",          5, A),
    P("un avvocato ha consigliato di",          5, A),
    /* ---- Portuguese ---- */
    P("eu nao dou autorizacao",                 4, G),
    P("nao dou permissao para",                 4, G),
    P("nenhuma entidade a ele associada",       5, C),
    P("nenhuma organizacao associada ao facebook", 5, C),
    P("organizacao associada ao whatsapp",      5, C),
    P("entidade ligada ao instagram",           5, C),
    P("empresas associadas ao facebook",        5, C),
    P("minhas fotos informacoes mensagens",     5, C),
    P("fotos informacoes mensagens",            5, C),
    P("imagens informacoes mensagens",          5, C),
    P("minhas imagens informacoes",             5, C),
    P("tanto do passado como do futuro",        4, C),
    P("tanto no passado como no futuro",        4, C),
    P("passados quanto futuros",                4, C),
    P("estritamente proibido divulgar",         5, C),
    P("estritamente proibido de divulgar",      5, C),
    P("com base neste perfil",                  5, C),
    P("neste perfil e ou no seu conteudo",      5, C),
    P("baseado neste perfil",                   5, C),
    P("informacao privada e confidencial",      5, C),
    P("a violacao da privacidade pode ser punida", 5, C),
    P("violacao de privacidade pode ser punida", 5, C),
    P("a violacao da minha privacidade e punida", 5, C),
    P("agora e uma entidade publica",           6, C),
    P("e agora uma entidade publica",           6, C),
    P("entidade de capital aberta",             6, C),
    P("todos os membros devem postar",          5, C),
    P("todos os membros devem publicar",        5, C),
    P("todos os membros sao convidados",        5, C),
    P("se voce nao publicar uma declaracao pelo menos uma vez", 6, C),
    P("se nao publicou esta declaracao pelo menos uma vez", 6, C),
    P("convencao de berner",                    7, F),
    P("em resposta as novas diretrizes do facebook", 5, C),
    P("em resposta as novas regras do facebook", 5, C),
    P("meu direito autoral esta anexado",       5, C),
    P("meus direitos estao ligados",            5, C),
    P("autorizacao por escrito",                2, C),
    P("artigos l 111 112 e 113",                6, F),
    P("l 111 112 e 113",                        6, F),
    P("codigo de propriedade intelectual",      3, C),
    P("amanha comeca a nova regra",             5, R),
    P("nova regra do instagram",                5, R),
    P("nova regra do whatsapp",                 5, R),
    P("prazo de hoje",                          3, R),
    P("o prazo final e hoje",                   3, R),
    P("do prazo de amanha",                     3, R),
    P("pode ser usado em julgamentos contra voce", 4, R),
    P("acoes judiciais contra voce",            4, R),
    P("litigacao contra voce",                  4, R),
    P("processos judiciais em litigios",        4, R),
    P("tudo o que voce ja postou",              3, R),
    P("tudo que voce publicou",                 3, R),
    P("tudo que voce ja postou",                3, R),
    P("tudo o que voce postou",                 3, R),
    P("ate msgs removidas",                     4, R),
    P("ate mesmo mensagens excluidas",          4, R),
    P("mensagens que foram apagadas",           4, R),
    P("as mensagens ou fotos apagadas",         4, R),
    P("ate mensagens que foram deletadas",      4, R),
    P("nao custa nada",                         3, R),
    P("simples copiar colar",                   3, R),
    P("canal 13",                               4, R),
    P("compartilhe em 10 grupos",               4, R),


    /* ---- added after held-out round 2 (now training): the "everything you
     * posted becomes public" sentence, "new Instagram rules", refusing
     * permission to share, copyright declarations; every language ---- */
    P("becomes public from",                    4, R),
    P("or the photos not allowed",              4, R),
    P("will become public",                     3, R),
    P("photos not allowed",                     3, R),
    P("wird offentlich",                        3, R),
    P("auch nachrichten die geloscht wurden",   4, R),
    P("alles was du je gepostet hast",          4, R),
    P("alles was du jemals gepostet hast",      4, R),
    P("alles was sie jemals gepostet haben",    4, R),
    P("se hace publico a partir de",            4, R),
    P("se convierte en publico",                4, R),
    P("se podra publicar a partir de hoy",      4, R),
    P("incluso los mensajes que",               3, R),
    P("mensajes que hayas borrado",             3, R),
    P("fotos no permitidas",                    3, R),
    P("fotografias sin permisos",               3, R),
    P("todo lo que hayas publicado",            3, R),
    P("devient public",                         3, R),
    P("photos non autorisees",                  3, R),
    P("tout ce que vous avez publie",           3, R),
    P("meme les messages que vous avez supprimes", 4, R),
    P("diventa pubblic*",                       3, R),
    P("diventera pubblico",                     3, R),
    P("foto non autorizzate",                   3, R),
    P("foto non consentite",                    3, R),
    P("tutto cio che hai pubblicato",           3, R),
    P("voi abbiate postato",                    3, R),
    P("tutto quello che avete postato",         3, R),
    P("se torna publico",                       3, R),
    P("se tornara publico",                     3, R),
    P("torna se publico",                       3, R),
    P("fotos nao autorizadas",                  3, R),
    P("fotos nao permitidas",                   3, R),
    P("new instagram policy",                   4, R),
    P("new facebook policy",                    4, R),
    P("nueva politica de instagram",            5, R),
    P("nueva politica de facebook",             5, R),
    P("pueden usar tus fotos",                  4, R),
    P("permite usar tus fotos",                 4, R),
    P("nuove regole di instagram",              5, R),
    P("nuove regole di facebook",               5, R),
    P("scattano le nuove regole",               4, R),
    P("possono usare le tue foto",              4, R),
    P("usare le vostre foto",                   3, R),
    P("usare le tue foto",                      3, R),
    P("nouvelle regle d instagram",             5, R),
    P("nouvelles regles de facebook",           5, R),
    P("ils peuvent utiliser vos photos",        5, R),
    P("nouvelle mesure d instagram",            4, R),
    P("peuvent utiliser vos photos",            4, R),
    P("neue instagram regeln",                  5, R),
    P("neuen instagram regeln",                 5, R),
    P("alle eure bilder nutzen",                4, R),
    P("neuen regeln in kraft",                  3, R),
    P("eure bilder nutzen",                     3, R),
    P("deine fotos nutzen",                     3, R),
    P("nova politica do instagram",             5, R),
    P("nova politica do facebook",              5, R),
    P("podem usar suas fotos",                  4, R),
    P("pode usar suas fotos",                   4, R),
    P("permite usar suas fotos",                4, R),
    P("permite o uso de suas fotos",            4, R),
    P("no le doy mi permiso",                   5, G),
    P("no le doy permiso",                      5, G),
    P("does not have my permission to share",   5, G),
    P("instagram does not have my permission",  5, G),
    P("facebook does not have my permission",   5, G),
    P("n a pas ma permission",                  4, G),
    P("non ha il mio permesso",                 4, G),
    P("nao tem minha permissao",                4, G),
    P("nao tem a minha permissao",              4, G),
    P("hat nicht meine erlaubnis",              4, G),
    P("derechos de autor estan relacionados",   5, C),
    P("derechos de autor estan unidos",         5, C),
    P("re post this copyright claim",           5, C),
    P("become property of facebook",            5, C),
    P("copyright is attached to",               4, C),
    P("copyright claim on your facebook",       4, C),
    P("protect the photos and property",        4, C),
    P("erklare hiermit folgendes",              4, C),
    P("dass meine rechte an allen",             4, C),
    P("nur bei mir liegen",                     4, C),
    P("rechte an allen meinen personlichen daten", 6, C), /* round 24 (de-r23a-01) */
    P("je declare que mes droits",              4, C),
    P("mes droits d auteur sont",               4, C),
    P("il mio diritto d autore",                4, C),
    P("i miei diritti d autore",                4, C),
    P("mis derechos de autor",                  3, C),
    P("meus direitos autorais",                 3, C),
    /* Round 16, decided on training (rounds 1-15): round 15's misses.
     * pt-r15a-02, a European-Portuguese 2012 Berne declaration ("venho
     * por este meio declarar que os meus direitos de autor … Convenção de
     * Bernar … capital cotado em bolsa"). */
    P("convencao de bern*",                     7, F),
    P("os meus direitos de autor",              3, C),
    P("capital cotado em bolsa",                4, C),
    P("necessaria a minha autorizacao escrita", 4, C),
    P("meu direito autoral",                    3, C),
    P("copy written claims",                    3, C),
    P("please re post this",                    3, C),
    P("sogar im radio",                         3, R),
    P("grad im radio",                          3, R),
    P("im radio gekommen",                      3, R),

    /* ---- added after held-out round 3 (now training): the English
     * WhatsApp letter ("I DO NOT AUTHORIZE ... the new Whatsapp rule ...
     * share it in 10 groups"), whose Spanish, French, Italian and
     * Portuguese versions were already covered, and the "Whatsap"
     * spelling the letter uses in every language. ---------------------- */
    P("new whatsap* rule",                      5, R),
    P("nueva regla de whatsap*",                5, R),
    P("nouvelle regle whatsap*",                5, R),
    P("nuova regola whatsap*",                  5, R),
    P("neue whatsap* regel",                    5, R),
    P("can be used in lawsuits against you",    4, R),
    P("even deleted messages",                  4, R),
    P("i do not permit whatsap*",               7, G),
    P("i do not authorize whatsap*",            7, G),
    P("i do not authorize",                     2, G),
    P("organization associated with whatsap*",  5, C),
    P("organisation associated with whatsap*",  5, C),
    P("protected against the new rule",         5, R),
    P("share it in 10 groups",                  4, R),
    P("better to be safe than to be violated",  4, R),

    /* ---- added after held-out round 4 (now training) ---------------- */
    P("anwalt hat uns empfohlen",               5, A),
    P("rechtsanwalt hat uns empfohlen",         5, A),

    /* ---- refusing without a platform name: supporting wording ---- */
    P("without my permission",                  3, G),
    P("sin mi permiso",                         3, G),
    P("sans mon autorisation",                  3, G),
    P("senza il mio permesso",                  3, G),
    P("sem a minha permissao",                  3, G),
    P("sem minha permissao",                    3, G),
    P("ohne meine erlaubnis",                   3, G),
    P("ohne meine zustimmung",                  3, G),
    P("usar mis fotos",                         2, G),
    P("usar minhas fotos",                      2, G),
    P("utiliser mes photos",                    2, G),
    P("usare le mie foto",                      2, G),
    P("meine fotos zu verwenden",               2, G),
    P("meine bilder zu verwenden",              2, G),

    /* ---- counter-evidence: the post is ABOUT the notices --------------- */
    P("hoax",                                    -6, X),
    P("hoaxes",                                  -6, X),
    P("fact check*",                             -6, X),
    P("factcheck*",                              -6, X),
    P("snopes",                                  -6, X),
    P("debunk*",                                 -6, X),
    P("does nothing",                            -5, X),
    P("do nothing legally",                      -5, X),
    P("doesn t do anything",                     -5, X),
    P("no legal effect",                         -6, X),
    P("no legal standing",                       -6, X),
    P("not legally binding",                     -5, X),
    P("legally meaningless",                     -6, X),
    P("chain letter*",                           -4, X),
    P("chain post*",                             -4, X),
    P("these posts",                             -3, X),
    P("stop sharing",                            -3, X),
    P("stop posting",                            -3, X),
    P("don t fall for",                          -5, X),
    P("do not fall for",                         -5, X),
    P("falling for",                             -4, X),
    P("misinformation",                          -4, X),
    P("it s fake",                               -4, X),
    P("you already agreed",                      -4, X),
    P("no legal force",                          -5, X),
    P("have no force",                           -4, X),
    P("has no force",                            -4, X),
    P("objection form",                          -3, X),
    P("doesn t work like that",                  -4, X),
    P("not how copyright works",                 -5, X),
    P("boato",                                   -5, X), /* pt: hoax */
    P("nao tem valor legal",                     -6, X),
    P("nao tem validade",                        -5, X),
    P("nao serve para nada",                     -5, X),
    P("nao muda nada",                           -4, X),
    P("nao caiam",                               -4, X), /* "don't fall for it" */
    P("bulo",                                    -5, X), /* es: hoax */
    P("no tiene validez",                        -5, X),
    P("no tiene valor legal",                    -6, X),
    P("no sirve de nada",                        -5, X),
    P("ningun efecto",                           -5, X),
    P("kettenbrief*",                            -4, X), /* de: chain letter */
    P("falschmeldung*",                          -5, X),
    P("wirkungslos",                             -5, X),
    P("keine rechtliche wirkung",                -6, X),
    P("mimikama",                                -6, X),
    P("canular",                                 -5, X), /* fr: hoax */
    P("aucune valeur juridique",                 -6, X),
    P("ne sert a rien",                          -5, X),
    P("hoaxbuster*",                             -6, X),
    P("bufala",                                  -5, X), /* it: hoax */
    P("non ha valore legale",                    -6, X),
    P("non serve a nulla",                       -5, X),
    P("catena di sant antonio",                  -4, X),
    /* counter-evidence added with the real corpus */
    P("n a aucun effet",                        -5, X),
    P("aucun effet",                            -4, X),
    P("non ha alcun effetto",                   -5, X),
    P("nessun effetto",                         -4, X),
    P("nao tem efeito",                         -5, X),
    P("efeito nenhum",                          -4, X),
    P("has no effect",                          -4, X),
    P("no legal weight",                        -5, X),
    /* Round 28 (decided on rounds 1-27): what mocks or explains the notice
     * and no notice says of itself: "pseudo legalese" (ZDNet's explainer
     * of the laws it cites, en-r27b-12; in 10 other benign posts and no
     * notice), a parody that has "already given my consent" (en-r27b-01),
     * friends shown to "have not read the terms" (en-r27b-12) */
    P("legalese",                               -5, X),
    P("already given my consent",               -4, X),
    P("not read the terms",                     -4, X),
    /* Round 17 (decided on rounds 1-16): a lawyer's walk through the 2012
     * declaration, sentence by sentence without quotation marks, that
     * "lacks any real legal significance" (en-r16b-42) */
    P("legal significance",                     -5, X),
    P("rechtliche bedeutung",                   -4, X),
    P("portee juridique",                       -4, X),
    P("valore giuridico",                       -4, X),
    /* a debunk that names the laws the notice cites and says posting it
     * "is not going to change a thing" (en-r17a-75, round 18) */
    P("not going to change a thing",            -5, X),
    P("legal weight",                           -3, X),
    P("keine wirkung",                          -4, X),
    P("keinerlei auswirkungen",                 -4, X),
    P("is not a public entity",                 -6, X),
    P("ist keine offentliche einrichtung",      -6, X),
    P("no es una entidad publica",              -6, X),
    P("n est pas une entite publique",          -6, X),
    P("non e un ente pubblico",                 -6, X),
    P("nao e uma entidade publica",             -6, X),
    P("doesn t change anything",                -4, X),
    P("changes nothing",                        -4, X),
    P("andert nichts",                          -4, X),
    P("no cambia nada",                         -4, X),
    P("ne change rien",                         -4, X),
    P("non cambia nulla",                       -4, X),
    P("non cambia niente",                      -4, X),
    P("i explained",                            -3, X),
    P("explained to her",                       -3, X),
    P("explained to him",                       -3, X),
    P("habe ihr erklart",                       -3, X),
    P("hab ihr erklart",                        -3, X),
    P("habe ihm erklart",                       -3, X),
    P("le he explicado",                        -3, X),
    P("le explique",                            -3, X),
    P("je lui ai explique",                     -3, X),
    P("le ho spiegato",                         -3, X),
    P("gli ho spiegato",                        -3, X),
    P("expliquei",                              -3, X),
    P("le texte",                               -2, X),
    P("il testo",                               -2, X),
    P("el texto",                               -2, X),
    P("o texto",                                -2, X),
    P("der text",                               -2, X),
    P("the text",                               -2, X),
    P("verification",                           -3, X),
    P("verifica",                               -3, X),
    P("verificado",                             -3, X),
    P("verificacao",                            -3, X),
    P("viral",                                  -2, X),
    P("virale",                                 -2, X),
    P("circula",                                -2, X),
    P("circule",                                -2, X),
    P("circola",                                -2, X),
    P("kursiert",                               -2, X),
    P("circulating",                            -2, X),
    P("going around",                           -2, X),
    P("bringt aber nichts",                      -4, X),
    P("gelten trotzdem",                         -4, X),
    P("s appliquent quand meme",                 -4, X),
    P("valgono comunque",                        -4, X),
    P("there is no new facebook rule",          -6, X),
    P("no new facebook rule",                   -5, X),
    P("no new instagram rule",                  -5, X),
    P("copypasta",                              -4, X),
    P("lead stories",                           -5, X),
    P("false information",                      -3, X),
    P("not a valid form of objection",          -6, X),
    P("is fake",                                -4, X),
    P("please don t copy",                      -3, X),
    P("just delete it",                         -3, X),
    P("keine neue facebook regel",              -6, X),
    P("keine neue meta regel",                  -6, X),
    P("faktencheck*",                           -6, X),
    P("bringt nichts",                          -4, X),
    P("bringt rechtlich nichts",                -5, X),
    P("rechtlich wirkungslos",                  -6, X),
    P("ist ein fake",                           -4, X),
    P("unsinn",                                 -3, X),
    P("bitte loschen",                          -3, X),
    P("einfach ignorieren",                     -3, X),
    P("uber das formular",                      -3, X),
    P("das formular von meta",                  -3, X),
    P("widerspruchsformular",                   -3, X),
    P("alter kettenbrief",                      -4, X),
    P("alten kettenbrief",                      -4, X),
    P("no existe ninguna nueva regla",          -6, X),
    P("no hay ninguna nueva regla",             -6, X),
    P("no tiene ninguna validez",               -5, X),
    P("validez legal",                          -3, X),
    P("desmentido",                             -4, X),
    P("desmentida",                             -4, X),
    P("maldita",                                -5, X),
    P("newtral",                                -5, X),
    P("es falso",                               -4, X),
    P("formulario de oposicion",                -3, X),
    P("no lo copieis",                          -3, X),
    P("es un bulo",                             -3, X),
    P("intox",                                  -5, X),
    P("il n y a pas de nouvelle regle",         -6, X),
    P("ne le copiez pas",                       -3, X),
    P("formulaire d opposition",                -3, X),
    P("c est faux",                             -4, X),
    P("est faux",                               -3, X),
    P("hoaxbuster",                             -6, X),
    P("non esiste nessuna nuova regola",        -6, X),
    P("non inizia nessuna nuova regola",        -6, X),
    P("non serve a niente",                     -5, X),
    P("non ha alcun valore legale",             -6, X),
    P("valore legale",                          -3, X),
    P("non copiatelo",                          -3, X),
    P("modulo di opposizione",                  -3, X),
    P("e falso",                                -3, X),
    P("butac",                                  -5, X),
    P("bufale net",                             -5, X),
    P("e una bufala",                           -3, X),
    P("nao existe nova regra",                  -6, X),
    P("nao existe nenhuma nova regra",          -6, X),
    P("nao tem validade juridica",              -6, X),
    P("valor legal",                            -3, X),
    P("formulario de oposicao",                 -3, X),
    P("checagem",                               -4, X),
    P("boatos org",                             -5, X),
    P("desmentiu",                              -4, X),
    P("podem apagar",                           -3, X),
    P("e boato",                                -3, X),

    /* ---- round-6 generalisation: wording families shared by every language */
    /* "better safe than sorry": the notices' own justification, in every wave */
    P("better safe than sorry",                      3, G),
    P("lieber sicher sein",                          3, G),
    P("besser sicher als",                           3, G),
    P("sicher ist sicher",                           2, G),
    P("mejor prevenir",                              3, G),
    P("mas vale prevenir",                           3, G),
    P("melhor prevenir",                             3, G),
    P("melhor ter certeza",                          3, G),
    P("melhor estar seguro",                         3, G),
    P("meglio prevenire",                            3, G),
    P("mieux vaut prevenir",                         3, G),
    /* "don't forget: tomorrow <platform> starts the new rule(s)": the opening */
    P("don t forget tomorrow",                       3, R),
    P("don t forget that tomorrow",                  3, R),
    P("tomorrow starts the new @ rule",              5, R),
    P("starts new rules tomorrow",                   5, R),
    P("vergiss nicht morgen",                        4, R),
    P("vergesst nicht morgen",                       4, R),
    P("nicht vergessen morgen",                      4, R),
    P("morgen startet @ neue regel*",                6, R),
    P("morgen startet die neue @ regel*",            6, R),
    P("morgen beginnt die neue @ regel*",            6, R),
    P("no olvides que manana",                       3, R),
    P("no olviden que manana",                       3, R),
    P("no olvides que a partir de manana",           3, R),
    P("manana empieza la nueva",                     4, R),
    P("manana comienza la nueva",                    4, R),
    P("nao esqueca que amanha",                      3, R),
    P("nao se esqueca que amanha",                   3, R),
    P("amanha comeca a nova",                        4, R),
    P("non dimenticate che domani",                  3, R),
    P("non dimenticare che domani",                  3, R),
    P("domani inizia la nuova",                      4, R),
    P("n oubliez pas que demain",                    3, R),
    P("demain commence la nouvelle",                 4, R),
    /* "a lawyer advised us to post this": the object, in every language */
    P("dies zu posten",                              2, A),
    P("das zu posten",                               2, A),
    P("to post this",                                2, A),
    P("poner esto",                                  2, A),
    P("publicar esto",                               2, A),
    P("colocar isto",                                2, A),
    P("postar isso",                                 2, A),
    P("mettere questo",                              2, A),
    P("postare questo",                              2, A),
    P("publier ceci",                                2, A),
    /* Round 19 (decided on rounds 1-18): the opening of the 2014-2016
     * "Due to the fact that Facebook has chosen to involve software that will
     * allow the theft of my personal information" declaration, which the
     * stored pages cut before its L.111 references (es-r18b-01), and the
     * 2020 Instagram "As instructed by my lawyer: I'm not giving and have
     * never given Instagram ... permission" (en-r18a-19) */
    P("has chosen to involve software",              5, C),
    P("theft of my personal information",            4, C),
    P("ha optado por incluir",                       5, C),
    P("robo de mi informacion personal",             4, C),
    P("yo declaro lo siguiente",                     3, C),
    P("as instructed by my lawyer",                  5, G),
    P("have never given %",                         10, G),
    P("you are not allowed to censor me",            4, G),
    /* Round 26 (decided on rounds 1-25): the same declaration in Italian
     * as L'Eco di Bergamo quotes it (it-r25a-06: its opening and the
     * declaration, without the references that six training notices add),
     * and the Italian "blue circle" opening of 2024 cut mid-word
     * (it-r25a-02: "E stato anche in TV. Il mio e davvero diventato bl") */
    P("ha scelto di includere un software",          5, C),
    P("furto di informazioni personali",             4, C),
    P("i miei diritti sono associati",               5, C),
    P("il mio e davvero diventato",                  4, R),
    P("e stato anche in tv",                         4, R),
    P("era anche in tv",                             4, R),
    /* Round 27 (decided on rounds 1-26): the English opening cut after its
     * first clause ("… that will allow the theft of my personal
     * information, I...", en-r26b-20); thirteen training notices hold it,
     * no benign post */
    P("due to the fact that facebook has chosen",    5, C),
    /* Round 39 (decided on rounds 1-38): the Spanish declaration as a
     * paper abridges it, its opening clause and "declaro que mis derechos
     * estan conectados a todos mis datos" joined by "(...)" (es-r38b-02,
     * score 5); two more training notices hold the words, no benign post */
    P("mis derechos estan conectados",               5, C),
    /* Round 41 (decided on rounds 1-40): a refusal that names no platform
     * word. "No autorizo ni doy permiso para que Elon Musk pueda usar mis
     * imagenes…", the 2022 Twitter wave in one sentence (es-r40a-05, score
     * 0; both training notices of that wave hold the words, no benign
     * post); and an illustrator's "I do NOT give you permission to use any
     * of my artwork … in your Artificial Intelligence training" addressed
     * to the AI's makers (en-r40c-07, score 7; no benign post holds it) */
    P("no autorizo ni doy permiso",                  10, G),
    PR("i do not give you permission",                5, G),
    /* Round 42 (decided on rounds 1-41): first-person refusals of AI
     * training on writers' and artists' own pages, the kind rounds 40-41
     * brought (en-r41a-01, -02, -03: scores 2, 2, 0). No benign post holds
     * any of these, each alone stays under the threshold, and each refusal
     * is in the first person, so that "people who do not consent to the
     * use of their posts for the purpose of training AI can object" is not
     * flagged. And the German 2019 sentence "... dass die Rechte an all
     * meinen persoenlichen Beitraegen nur bei mir liegen" (de-r41a-01,
     * score 9), the colloquial "all" of the "allen" that thirteen training
     * notices hold. */
    PR("i do not consent to the use of",              5, G),
    PR("do not consent to the use of my",             5, G),
    PR("do not consent to my content being used",     5, G),
    P("for the purpose* of training ai",             5, G),
    PR("i expressly prohibit",                        5, G),
    P("rechte an all meinen",                        4, C),
    /* Round 43 (decided on rounds 1-42): round 42's first-person refusal,
     * "I specifically deny the right to train any large language model
     * ... on my work ... This blog ... is not to be used as a training
     * corpus" (en-r42b-01, score 0); no benign post holds either, and
     * each alone stays under the threshold */
    P("deny the right to train",                     5, G),
    P("not to be used as a training corpus",         5, G),
    /* Round 46 (decided on rounds 1-45): a first-person refusal of AI use
     * of one's work (AI_USE_POINTS above): refusals the table did not hold
     * (they add nothing themselves), and "my <work>" with AI named within
     * eight words, either order. "my data" is not a work. */
    PR("i don t consent", 5, AR),
    PR("i strictly forbid", 5, AR),
    PR("i forbid", 5, AR),
    PR("i prohibit", 5, AR),
    PR("not permitting", 5, AR),
    PR("i deny", 5, AR),
    PR("do not give any permission", 5, AR),
    /* Round 47 (decided on rounds 1-46): "I do not, and never will,
     * consent to my voice being used for AI" (en-r46a-01, score 0: the
     * refusal was interrupted). Refusals that could end later than a
     * stronger one at the same word ("i do not ~ consent" after "i do not
     * give %") are left out: the longest match would displace it. */
    PR("do not and never will consent", 5, AR),
    PR("don t and never will consent", 5, AR),
    PR("i will never consent", 5, AR),
    PR("i never consent", 5, AR),
    P("my work* ~ ai", AI_USE_POINTS, AU),
    P("my content ~ ai", AI_USE_POINTS, AU),
    P("my writing ~ ai", AI_USE_POINTS, AU),
    P("my art ~ ai", AI_USE_POINTS, AU),
    P("my artwork* ~ ai", AI_USE_POINTS, AU),
    P("my fic* ~ ai", AI_USE_POINTS, AU),
    P("my fanfic* ~ ai", AI_USE_POINTS, AU),
    P("my material* ~ ai", AI_USE_POINTS, AU),
    P("my publication* ~ ai", AI_USE_POINTS, AU),
    P("my book* ~ ai", AI_USE_POINTS, AU),
    P("my story ~ ai", AI_USE_POINTS, AU),
    P("my stories ~ ai", AI_USE_POINTS, AU),
    P("my image* ~ ai", AI_USE_POINTS, AU),
    P("my photo* ~ ai", AI_USE_POINTS, AU),
    P("my picture* ~ ai", AI_USE_POINTS, AU),
    P("my design* ~ ai", AI_USE_POINTS, AU),
    P("my blog ~ ai", AI_USE_POINTS, AU),
    P("my music ~ ai", AI_USE_POINTS, AU),
    P("my song* ~ ai", AI_USE_POINTS, AU),
    P("my voice ~ ai", AI_USE_POINTS, AU),
    P("my likeness ~ ai", AI_USE_POINTS, AU),
    P("ai ~ my work*", AI_USE_POINTS, AU),
    P("ai ~ my content", AI_USE_POINTS, AU),
    P("ai ~ my writing", AI_USE_POINTS, AU),
    P("ai ~ my art", AI_USE_POINTS, AU),
    P("ai ~ my artwork*", AI_USE_POINTS, AU),
    P("ai ~ my fic*", AI_USE_POINTS, AU),
    P("ai ~ my fanfic*", AI_USE_POINTS, AU),
    P("ai ~ my material*", AI_USE_POINTS, AU),
    P("ai ~ my publication*", AI_USE_POINTS, AU),
    P("ai ~ my book*", AI_USE_POINTS, AU),
    P("ai ~ my story", AI_USE_POINTS, AU),
    P("ai ~ my stories", AI_USE_POINTS, AU),
    P("ai ~ my image*", AI_USE_POINTS, AU),
    P("ai ~ my photo*", AI_USE_POINTS, AU),
    P("ai ~ my picture*", AI_USE_POINTS, AU),
    P("ai ~ my design*", AI_USE_POINTS, AU),
    P("ai ~ my blog", AI_USE_POINTS, AU),
    P("ai ~ my music", AI_USE_POINTS, AU),
    P("ai ~ my song*", AI_USE_POINTS, AU),
    P("ai ~ my voice", AI_USE_POINTS, AU),
    P("ai ~ my likeness", AI_USE_POINTS, AU),
    /* refusals addressed to any platform ('%'), every language: one entry per */
    /* sentence shape instead of one per platform */
    PR("i do not give %", 10, G),
    PR("i don t give %", 10, G),
    PR("i do not authorize %", 10, G),
    P("i do not authorise %", 10, G),
    P("i don t authorize %", 10, G),
    P("i don t authorise %", 10, G),
    P("i do not grant %",                            5, G),
    /* Round 21 (decided on rounds 1-20): "I do not allow Meta to use my
     * data" is a refusal addressed to a platform like "I do not give Meta
     * permission" (en-r20a-06, 3); the two entries naming Facebook and Meta
     * (5) that shadowed this one on ties are gone. */
    P("i do not allow %", 10, G),
    P("i don t allow %", 10, G),
    P("by this statement i revoke",                  4, G),
    P("i do not consent to %",                       6, G),
    PR("i do not give permission to %", 10, G),
    /* en-r15b-06, the 2023 "$4.99" wave: "I do not give permission for
     * Facebook to charge…" (round 16, decided on training). */
    PR("i do not give permission for %", 10, G),
    PR("i do not give my permission to %", 10, G),
    P("no doy permiso a %", 10, G),
    P("no le doy permiso a %", 10, G),
    P("no le doy mi permiso a %", 10, G),
    P("no doy mi permiso a %", 10, G),
    P("no doy a %", 10, G),
    P("no autorizo a %", 10, G),
    P("no permito a %",                              6, G),
    P("no permito que %",                            6, G),
    P("no autorizo que %",                           6, G),
    P("nao dou permissao a %", 10, G),
    P("nao dou permissao ao %", 10, G),
    P("nao dou permissao para o %", 10, G),
    P("nao dou permissao para a %", 10, G),
    P("nao dou autorizacao ao %", 10, G),
    P("nao dou ao %", 10, G),
    P("nao dou a %", 10, G),
    P("nao autorizo o %", 10, G),
    P("nao autorizo a %", 10, G),
    P("nao autorizo ao %", 10, G),
    P("nao permito que o %",                         6, G),
    P("nao permito que a %",                         6, G),
    P("non do il permesso a %", 10, G),
    P("non do il mio permesso a %", 10, G),
    P("non do a %", 10, G),
    P("non do al %", 10, G),
    P("non concedo a %", 10, G),
    P("non autorizzo %", 10, G),
    P("non permetto a %", 10, G),
    P("je n autorise pas %", 10, G),
    P("je n autorise pas a %", 10, G),
    P("je ne donne pas a %", 10, G),
    P("je ne donne pas la permission a %", 10, G),
    P("je n accorde pas a %", 10, G),
    P("ich erteile %",                               5, G),
    P("ich gebe % ~ nicht die erlaubnis", 10, G),
    P("ich erteile % ~ nicht die erlaubnis", 10, G),
    P("ich erlaube % nicht", 10, G),
    P("ich untersage %",                             5, G),
    P("entziehe ich %",                              5, G),
    /* "the new <platform> rule", every language */
    P("new % rule",                                  5, R),
    P("neue % regel*",                               5, R),
    P("nueva regla de %",                            5, R),
    P("nueva regla en %",                            5, R),
    P("nova regra do %",                             5, R),
    P("nova regra da %",                             5, R),
    P("nuova regola di %",                           5, R),
    P("nuova regola %",                              5, R),
    P("nouvelle regle %",                            5, R),
    P("nouvelle regle de %",                         5, R),
    /* the "I'm deactivating too ... $4.99 a month" letter (2023), every language */
    P("i m deactivating too",                        4, G),
    P("i am deactivating too",                       4, G),
    P("anch io sto disattivando",                    4, G),
    P("ich deaktiviere mich auch",                   4, G),
    P("ich deaktiviere auch",                        4, G),
    P("yo tambien me estoy desactivando",            4, G),
    P("yo tambien estoy desactivando",               4, G),
    P("me estoy desactivando",                       3, G),
    P("eu tambem estou desativando",                 4, G),
    P("estou desativando",                           3, G),
    P("moi aussi je desactive",                      4, G),
    P("je desactive aussi",                          4, G),
    P("canal 4 news",                                3, G),
    P("son de mi propiedad y no de %",               3, G),
    P("sao de minha propriedade e nao do %",         3, G),
    P("sao minha propriedade e nao do %",            3, G),
    P("sont ma propriete et non %",                  3, G),
    P("sont ma propriete et pas %",                  3, G),
    P("sono di mia proprieta e non di %",            3, G),
    P("sind mein eigentum und nicht %",              3, G),
    P("are my property and not %",                   3, G),
    /* "hold your finger on this post": the copy instructions, every language */
    P("halte deinen finger",                         3, R),
    P("manten tu dedo",                              3, R),
    P("segure o dedo",                               3, R),
    P("mantenha o dedo",                             3, R),
    /* ---- round 8 (tuned on rounds 1-7) ---- */
    /* The 2013-2016 "privacy fee" letter ("Now it's official! ... entry
     * price $5.99 to keep ... private. If you paste this message on your
     * page, it will be offered free ... if not tomorrow, all your posts can
     * become public"): a notice in the SPEC's sense (it asks the reader to
     * post a statement so that the platform keeps their posts private).
     * Counted with the 2012 copyright wave it is usually glued to. */
    P("it has been published in the media",          3, C),
    P("it is published in the media",                3, C),
    P("has just released the entry price",           5, C),
    P("has just released his entry price",           5, C),
    P("to keep the subscription",                    4, C),
    P("subscription gold",                           4, C),
    P("to be set to private",                        4, C),
    P("your status of life private",                 4, C),
    P("if you paste this message on your",           5, C),
    P("it will be offered free",                     4, C),
    P("paste not share",                             4, C),
    P("all your posts can become public",            5, C),
    P("ahora es oficial",                            2, C),
    P("ha sido publicado por los medios",            3, C),
    P("se ha publicado en los medios",               3, C),
    P("cuota de ingreso",                            5, C),
    P("precio de entrada",                           4, C),
    P("para mantener la suscripcion",                4, C),
    P("para mantener la subscripcion",               4, C),
    P("tu estatus a privado",                        4, C),
    P("si pegas este mensaje en tu",                 5, C),
    P("si copias este mensaje en tu",                5, C),
    P("sera ofrecido gratuitamente",                 4, C),
    P("pegar no compartir",                          4, C),
    P("podra volverse publico",                      4, C),
    P("podria volverse publico",                     4, C),
    P("no tendra mas opcion que permitirte",         4, C),
    P("las fotos no estan permitid*",                3, C),
    P("e apparso nei media",                         3, C),
    P("prezzo di entrata",                           4, C),
    P("abbonamento gold",                            4, C),
    P("status di vita privata",                      4, C),
    P("se si incolla questo messaggio",              5, C),
    P("se incolli questo messaggio",                 5, C),
    P("sara offerto gratuitamente",                  4, C),
    P("incolla non condividere",                     4, C),
    P("possono diventare pubbliche",                 3, C),
    P("saiu na midia",                               3, C),
    P("preco da adesao",                             5, C),
    P("preco de adesao",                             5, C),
    P("membro ouro",                                 4, C),
    P("manter sua privacidade como esta",            4, C),
    P("colar isto no seu mural",                     5, C),
    P("colar esta mensagem no seu mural",            5, C),
    P("estara livre dessa cobranca",                 4, C),
    P("podem se tornar publicas",                    4, C),
    P("fotos que nao autorizou",                     3, C),
    P("nada custa copiar e colar",                   3, C),
    P("c est paru dans les medias",                  3, C),
    P("c est apparu dans les medias",                3, C),
    P("prix d entree",                               4, C),
    P("abonnement gold",                             4, C),
    P("statut de vie privee",                        4, C),
    P("si vous collez ce message sur votre",         5, C),
    P("il sera offert gratuitement",                 4, C),
    P("coller pas partager",                         4, C),
    P("vos publications peuvent devenir publiques",  4, C),
    P("eintrittspreis",                              4, C),
    P("einfugen nicht teilen",                       4, C),
    /* its Brazilian parody-like variant (2013): "faltam 12 horas", "os
     * fiscais do Face", "nao autorizo cobrancas" */
    P("fiscais do face*",                            5, C),
    P("busca seletiva avancada",                     5, C),
    P("a procura desse aviso no seu mural",          5, C),
    P("nao autorizo cobrancas",                      5, G),
    P("moeda corrente",                              1, G), /* currency: cancels "corrente" */
    /* the German 2012 image text: "Widerspreche ich hiermit der kommerziellen
     * Nutzung meiner persoenlichen Daten ... gemaess BDSG" */
    P("widerspreche ich hiermit der",                5, G),
    P("der kommerziellen nutzung meiner",            5, C),
    P("gemass bdsg",                                 4, C),
    P("das copyright meiner",                        4, C),
    P("liegt ausschliesslich bei mir",               4, C),
    P("meiner schriftlichen zustimmung",             4, C),
    P("aufgrund der neuen agb*",                     3, C),
    /* openings quoted alone: "Hiermit erklaere ich ... Gemaess den Artikeln
     * 111, 112 und 113 des Strafgesetzbuches" */
    P("hiermit erklare ich",                         4, C),
    P("gemass den artikeln 111 112 und 113",         6, C),
    /* the 4.99 letter's second sentence */
    P("hijacked not hacked",                         5, G),
    P("dirottati non hackerati",                     5, G),
    P("stanno dirottando i nostri account",          5, G),
    /* counter-evidence: how articles about a notice describe it */
    P("nonsense",                                   -4, X),
    P("quatsch",                                    -3, X),
    P("sinnlos*",                                   -3, X),
    P("tonteria*",                                  -3, X),
    P("sciocchezz*",                                -3, X),
    P("besteira",                                   -3, X),
    P("absurd*",                                    -3, X),
    P("legal sounding",                             -4, X),
    P("unilateral*",                                -4, X),
    P("claims that",                                -2, X),
    P("you ve probably seen it",                    -3, X),
    P("supercherie",                                -4, X),
    P("validite juridique",                         -5, X),
    P("inexistant*",                                -3, X),
    /* counter-evidence: the vocabulary of reporting ABOUT a post, any language */
    P("fals*",                                      -3, X),
    P("fake",                                       -3, X),
    P("fake news",                                  -4, X),
    P("engan*",                                     -3, X),
    P("ingann*",                                    -3, X),
    P("trompeu*",                                   -3, X),
    P("mislead*",                                   -3, X),
    P("irrefuhrend*",                               -3, X),
    P("desinform*",                                 -3, X),
    P("disinform*",                                 -3, X),
    P("farsa",                                      -3, X),
    P("embuste",                                    -3, X),
    P("schwindel",                                  -4, X),
    P("leyenda urbana",                             -3, X),
    P("rumor*",                                     -2, X),
    P("rumeur*",                                    -2, X),
    P("geruch*",                                    -2, X),
    P("supuest*",                                   -3, X),
    P("angeblich*",                                 -3, X),
    P("vermeintlich*",                              -3, X),
    P("presunt*",                                   -3, X),
    P("suposta*",                                   -3, X),
    P("suposto*",                                   -3, X),
    P("pretendu*",                                  -3, X),
    P("soi disant",                                 -3, X),
    P("sedicent*",                                  -3, X),
    P("allegedly",                                  -3, X),
    P("supposedly",                                 -3, X),
    P("hereingefallen",                             -3, X),
    P("reingefallen",                               -3, X),
    P("cayeron en",                                 -3, X),
    P("han caido en",                               -3, X),
    P("cairam",                                     -3, X),
    P("tombent dans le panneau",                    -3, X),
    P("tombe dans le panneau",                      -3, X),
    P("celebrities",                                -2, X),
    P("celebridades",                               -2, X),
    P("famosos",                                    -2, X),
    P("promis",                                     -2, X),
    P("celebrites",                                 -2, X),
    P("portavoz",                                   -3, X),
    P("porta voz",                                  -3, X),
    P("sprecherin",                                 -3, X),
    P("spokesperson",                               -3, X),
    P("spokeswoman",                                -3, X),
    P("spokesman",                                  -3, X),
    P("porte parole",                               -3, X),
    P("portavoce",                                  -3, X),
    P("corrente",                                   -3, X),
    P("correntes",                                  -3, X),
    P("cadena",                                     -2, X),
    P("catena",                                     -2, X),
    P("alega",                                      -3, X),
    P("alegam",                                     -3, X),
    P("afirma que",                                 -2, X),
    P("asegura que",                                -2, X),
    P("sostiene que",                               -2, X),
    P("behauptet",                                  -3, X),
    P("affirme",                                    -2, X),
    P("circularam",                                 -2, X),
    P("circulan",                                   -2, X),
    P("circulent",                                  -2, X),
    P("circolano",                                  -2, X),
    P("circulam",                                   -2, X),
    /* ---- round 9 (tuned on rounds 1-8; round 9 not re-run) ---- */
    /* The "deadline tomorrow: everything you have ever posted becomes
     * public, even deleted messages" sentences in the other German and
     * Portuguese spellings the training texts use (de-r8-02, de-real3-02,
     * pt-r8-01, pt-real-03): the round-8 misses were opening excerpts of
     * this wave, and the table only knew "gepostet" / "tacitamente". */
    P("alles was du je veroffentlicht hast",         4, R),
    P("alles was du je auf % gepostet hast",         4, R), /* round 23 (de-r22b-01) */
    P("morgen an die offentlichkeit",                4, R), /* round 23: "geht / wird morgen an die" */
    P("alles was sie veroffentlicht haben",          4, R),
    P("sogar nachrichten die geloscht wurden",       4, R),
    P("die fotos nicht erlaubt sind",                3, R),
    P("fotos die nicht zugelassen wurden",           3, R),
    P("vergessen sie nicht die frist",               3, R),
    P("se nao publicar tal declaracao",              5, C),
    P("indirectamente permitindo",                   4, C),
    P("indiretamente permitindo",                    4, C),
    P("tacitamente permitindo",                      4, C),
    P("informacoes contidas em suas",                3, C),
    P("informacoes contidas nas",                    3, C),
    /* counter-evidence: the words with which an article introduces the
     * notice it quotes ("the message read: ...", "que decia: ...", "il
     * testo recita: ..."); a notice does not describe itself this way.
     * Every blind false alarm of rounds 6-8 was a debunk quoting a
     * notice's opening (en-r8-06, es-r8-02 in training now). */
    P("the message read*",                          -3, X),
    P("the post read*",                             -3, X),
    P("the text read*",                             -3, X),
    P("the message says",                           -3, X),
    P("the post says",                              -3, X),
    P("que decia",                                  -3, X),
    P("el mensaje dice",                            -3, X),
    P("dice el mensaje",                            -3, X),
    P("el texto dice",                              -3, X),
    P("reza el mensaje",                            -3, X),
    P("a mensagem diz",                             -3, X),
    P("diz a mensagem",                             -3, X),
    P("o texto diz",                                -3, X),
    P("diz o texto",                                -3, X),
    P("il messaggio recita",                        -3, X),
    P("il testo recita",                            -3, X),
    P("recita il messaggio",                        -3, X),
    P("heisst es",                                  -3, X),
    P("der text lautet",                            -3, X),
    P("im wortlaut",                                -3, X),
    P("peut on lire",                               -3, X),
    P("on peut lire",                               -3, X),
    P("le message indique",                         -3, X),
    /* fact-checkers tracing a text back ("we traced this copypasta to 2012") */
    P("rastreamos",                                 -2, X),
    P("we traced",                                  -2, X),
    /* ---- round 10 (tuned on rounds 1-9; round 10 not re-run) ---- */
    /* Openings of the 2012-2016 copyright declaration that training holds
     * whole and cut (de-real2-07, de-r9-02; de-real-10, de-real2-01): "Auch
     * ich geh dann mal auf Nummer Sicher und erklare hiermit folgendes:
     * heute 15. September 2018, in Reaktion auf die ..."; and of its 2013
     * "declaration of ownership" variant (it-real-06, it-r9-03; es-real-09,
     * es-real-11, es-r9-01): "In qualita di titolare di questo account in
     * Facebook, dichiaro, alle parti interessate e in particolare
     * all'amministratore della societa Facebook ...". The date phrase needs
     * a number right after "heute". */
    P("auf nummer sicher und erklare hiermit",       4, C),
    P("heute # ~ in reaktion auf die",               3, C),
    P("in qualita di titolare di questo account",    4, C),
    P("in particolare all amministratore della societa", 4, C),
    P("en particular al administrador de la empresa", 4, C),
    P("a quien pueda interesar",                     2, C),
    /* counter-evidence: the notice named in the third person. Training
     * debunks say "el mensaje", "il messaggio", "a mensagem", "le
     * message", "die Nachricht", "the post", "la publicacion" (12, 6, 8,
     * 8, 3, 4, 7 texts) and no training notice does: a notice says "este
     * mensaje", "questo messaggio", "ce message", "diese Nachricht" (kept
     * out). "the message" (16 training debunks) was tried and dropped: the
     * held-out regression guard failed on it, an English notice of round
     * 10 saying "information published in the message on the wall of your
     * page" (see docs/notice-detector.md). */
    P("the post",                                   -2, X),
    P("el mensaje",                                 -2, X),
    P("la publicacion",                             -2, X),
    P("il messaggio",                               -2, X),
    P("il post",                                    -2, X),
    P("a mensagem",                                 -2, X),
    P("a publicacao",                               -2, X),
    P("le message",                                 -2, X),
    P("la publication",                             -2, X),
    P("die nachricht",                              -2, X),
    /* ... and the reporting words around a quote that training debunks use
     * and no training notice does: a text going round ("making the rounds",
     * "macht ... die Runde", "sta facendo il giro", "circul*" in 31 and
     * "circol*" in 7 training debunks, "esta circulando"), "the image goes
     * on to state", "you've probably seen this type of post", "quizas hayas
     * visto", "que hay de cierto", "in realta ... non esiste", "was ist
     * dran". */
    P("goes on to",                                 -2, X),
    P("making the rounds",                          -2, X),
    P("doing the rounds",                           -2, X),
    P("you ve probably seen",                       -3, X),
    P("quizas hayas visto",                         -3, X),
    P("circul*",                                    -2, X),
    P("circol*",                                    -2, X),
    P("die runde",                                  -2, X),
    P("facendo il giro",                            -2, X),
    P("sta girando",                                -2, X),
    P("que hay de cierto",                          -3, X),
    P("in realta",                                  -2, X),
    P("non esiste",                                 -2, X),
    P("no existe",                                  -2, X),
    P("nao existe",                                 -2, X),
    P("was ist dran",                               -3, X),
    /* ---- round 11 (tuned on rounds 1-10; round 11 not re-run) ---- */
    /* With round 10 in training, English had 5 false alarms in 303 (over
     * the 1 % the training test allows). Two of them are fixed with
     * reporting words that training debunks use and no training notice
     * does. "you have probably seen it" (en-r10-06) escaped the round-10
     * entry written with "you've": the shorter phrase covers both ("probably
     * seen": 4 training debunks, no notice). "the message" (17 training
     * debunks) is the notice named in the third person, as "el mensaje"
     * and "il messaggio" above. One training notice says it in another
     * sense, en-r10-04 ("information published in the message on the wall
     * of your page"), and now misses (10 -> 8): a guard "in the message"
     * (+1) kept it, but failed the held-out regression guard (one more
     * English benign post flagged) and was dropped, nothing else changed
     * (docs/notice-detector.md). A debunk's account of what the notice
     * claims to do: "revoke" (5 training debunks, no notice; a notice
     * says "I do not give", "I do not authorize") and "shared on
     * Instagram/Facebook" (2 debunks, no notice). These take en-r8-06
     * ("the message shared on Instagram claims that it is possible to
     * revoke authorization ... the message read ...") from 15 to 9. */
    P("probably seen",                              -3, X),
    P("the message",                                -2, X),
    P("revok*",                                     -2, X),
    P("shared on %",                                -2, X),
    /* ---- round 12 (tuned on rounds 1-11; round 12 not yet collected) ---- */
    /* The three round-11 notices the table missed, each a wave the table
     * held in another wording or language only: the 2020 German Covid-19
     * variant of the "new rule" letter (de-r11-03, score 0), the 2012
     * Spanish data-protection letter (es-r11-04, 4; the table had its
     * German BDSG twin) and the 2012 Italian "Dichiaro quanto segue" (it-
     * r11-01, 4; the table had it only inside a benign post). */
    P("die neue regel auf facebook beginnt",        5, R),
    P("ihre fotos verwendet werden durfen",         4, R),
    P("frist fur ihre ablehnung",                   4, R),
    P("in klagen gegen sie verwendet werden",       4, R),
    P("no autorizo el uso de mis datos personales", 7, G),
    P("de acuerdo con la ley de proteccion de datos", 3, G),
    P("prohibo terminantemente el uso",             5, G),
    P("requiere mi permiso por escrito",            4, C),
    P("non hanno il mio permesso",                  5, C),
    P("qualsiasi persona o ente",                   4, C),
    /* Round 47 (decided on rounds 1-46): the 2013 chain's "di utilizzare
     * informazioni sul mio profilo" (it-r46c-01, score 9); seven training
     * notices hold it, no benign post */
    P("utilizzare informazioni sul mio profilo",    4, C),
    P("e strettamente proibito divulgare",          5, C),
    P("copia incolla il seguente messaggio",        3, G),
    /* ---- round 14 (tuned on rounds 1-13; round 14 not yet collected) ---- */
    /* Round 13's misses were short: one sentence or two pieces, scoring
     * 5-9. A refusal addressed to a named platform is the claim that makes
     * a notice (SPEC 4), and since round 12 a text that only quotes it
     * inside a text of its own does not count it; so the refusal entries
     * with the platform wildcard ('%', "i do not give %", "no doy permiso a
     * %", "non do a %"...) weigh 10 instead of 7 (39 entries): one such
     * sentence is flagged (it-r13-05). On training no benign post crossed
     * the threshold with it. Then the wording of the round-13 and round-12
     * misses, each a wave or a sentence shape the table lacked: the French
     * refusal "je refuse a Facebook la permission" and the 2012 "Conformement
     * a l'AGBG ... je refuse par la presente" (fr-r13-03, fr-r13-02), the
     * 2016 WhatsApp objection (de-r13-01), the 111-113 declaration's "damit
     * bist du unter dem Urheberrecht" (de-r13-02), the "$9.99 gold member"
     * fee letter (en-r13-05) and the 2013 "any person and/or institution"
     * status (en-r12-11). */
    P("je refuse a %",                              10, G),
    P("je refuse par la presente",                  5, G),
    P("conformement a l agbg",                      5, C),
    P("widerspreche ich den nutzungsbedingungen",   5, G),
    P("untersage die weitergabe",                   4, G),
    P("damit bist du unter dem urheberrecht",       4, C),
    P("all your documents can become public",       5, C),
    P("to become a member of gold",                 4, C),
    P("any person and or institution",              5, C),
    P("agency of any governmental structure",       4, C),
};

#undef P
#undef C
#undef F
#undef R
#undef A
#undef G
#undef X

#define N_PHRASES (sizeof phrases / sizeof phrases[0])

/* Phrase ids are stored as unsigned short in the index. */
_Static_assert(N_PHRASES <= 4096, "phrase table too large");

/* ======================================================================
 * Normalisation
 * ==================================================================== */

/* Latin Extended-A, U+0100..U+017F, folded to one ASCII letter each;
 * '2' marks the two-letter ligatures (U+0132/3 "ij", U+0152/3 "oe"). */
static const char latin_ext_a[] =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh"
    "iiiiiiiiii" "22" "jj" "kkk" "llllllllll" "nnnnnnnnn" "oooooo" "22"
    "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
_Static_assert(sizeof latin_ext_a - 1 == 0x80, "U+0100..U+017F");

/* Latin-1 letters, U+00C0..U+00FF; ' ' = not a letter (x and divide);
 * '2' = two letters (ae, th, ss). */
static const char latin_1[] =
    "aaaaaa2ceeeeiiii" "dnooooo ouuuuy22"
    "aaaaaa2ceeeeiiii" "dnooooo ouuuuy2y";
_Static_assert(sizeof latin_1 - 1 == 0x40, "U+00C0..U+00FF");

/* ASCII: letters lower-cased, digits kept, everything else a separator. */
static const char ascii_fold[] =
    "                " "                "   /* 0x00-0x1F controls, NUL */
    "                " "0123456789      "   /* 0x20-0x3F */
    " abcdefghijklmno" "pqrstuvwxyz     "   /* 0x40-0x5F */
    " abcdefghijklmno" "pqrstuvwxyz     ";  /* 0x60-0x7F */
_Static_assert(sizeof ascii_fold - 1 == 0x80, "U+0000..U+007F");

#if defined(__SSE2__)
/* ascii_fold of sixteen ASCII bytes at once: letters lower-cased, digits
 * kept, everything else a space. */
static inline __m128i fold16(__m128i v)
{
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i keep = _mm_or_si128(alpha, digit);
    __m128i out = _mm_or_si128(_mm_and_si128(alpha, lower), _mm_and_si128(digit, v));
    return _mm_or_si128(out, _mm_andnot_si128(keep, _mm_set1_epi8(' ')));
}
#endif

/* What a code point becomes: 0 = dropped (invisible), ' ' = separator,
 * or up to two lower-case ASCII characters in out[]. Returns the count. */
static int fold_codepoint(uint32_t cp, char out[2])
{
    if (cp >= 0xC0 && cp <= 0xFF) {
        char c = latin_1[cp - 0xC0];
        if (c != '2') { out[0] = c; return 1; }
        switch (cp) {
        case 0xC6: case 0xE6: out[0] = 'a'; out[1] = 'e'; return 2;
        case 0xDE: case 0xFE: out[0] = 't'; out[1] = 'h'; return 2;
        default:              out[0] = 's'; out[1] = 's'; return 2; /* DF */
        }
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        char c = latin_ext_a[cp - 0x100];
        if (c != '2') { out[0] = c; return 1; }
        if (cp <= 0x133) { out[0] = 'i'; out[1] = 'j'; }
        else             { out[0] = 'o'; out[1] = 'e'; }
        return 2;
    }
    /* Invisible: soft hyphen, combining accents (decomposed "e" + U+0301),
     * zero-width space/joiners, word joiner, BOM, variation selectors. */
    if (cp == 0xAD || (cp >= 0x300 && cp <= 0x36F) ||
        (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
        (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0;
    /* Full-width forms. */
    if (cp >= 0xFF21 && cp <= 0xFF3A) { out[0] = (char)('a' + (cp - 0xFF21)); return 1; }
    if (cp >= 0xFF41 && cp <= 0xFF5A) { out[0] = (char)('a' + (cp - 0xFF41)); return 1; }
    if (cp >= 0xFF10 && cp <= 0xFF19) { out[0] = (char)('0' + (cp - 0xFF10)); return 1; }
    /* Mathematical bold/italic/script/... letters: 13 runs of A-Z a-z. */
    if (cp >= 0x1D400 && cp <= 0x1D6A3) {
        uint32_t k = (cp - 0x1D400) % 52;
        out[0] = (char)('a' + (k < 26 ? k : k - 26));
        return 1;
    }
    if (cp >= 0x1D7CE && cp <= 0x1D7FF) { out[0] = (char)('0' + (cp - 0x1D7CE) % 10); return 1; }
    /* Circled letters and squared/negative-circled capitals. */
    if (cp >= 0x24B6 && cp <= 0x24E9) { out[0] = (char)('a' + (cp - 0x24B6) % 26); return 1; }
    if (cp >= 0x1F130 && cp <= 0x1F189) { out[0] = (char)('a' + (cp - 0x1F130) % 26); return 1; }
    /* Cyrillic letters that look like Latin ones. */
    switch (cp) {
    case 0x0410: case 0x0430: out[0] = 'a'; return 1;
    case 0x0412:              out[0] = 'b'; return 1;
    case 0x0415: case 0x0435: out[0] = 'e'; return 1;
    case 0x041A: case 0x043A: out[0] = 'k'; return 1;
    case 0x041C: case 0x043C: out[0] = 'm'; return 1;
    case 0x041D:              out[0] = 'h'; return 1;
    case 0x041E: case 0x043E: out[0] = 'o'; return 1;
    case 0x0420: case 0x0440: out[0] = 'p'; return 1;
    case 0x0421: case 0x0441: out[0] = 'c'; return 1;
    case 0x0422:              out[0] = 't'; return 1;
    case 0x0425: case 0x0445: out[0] = 'x'; return 1;
    case 0x0443:              out[0] = 'y'; return 1;
    case 0x0405: case 0x0455: out[0] = 's'; return 1;
    case 0x0406: case 0x0456: out[0] = 'i'; return 1;
    case 0x0408: case 0x0458: out[0] = 'j'; return 1;
    default: break;
    }
    out[0] = ' ';
    return 1;
}

/* Decode one UTF-8 sequence at s[0..n) (n >= 1). Returns its length and
 * stores the code point, or returns 1 with *cp = UINT32_MAX for a byte
 * that does not start a complete, well-formed sequence. Never reads past
 * s[n-1]. Overlong 3- and 4-byte forms are accepted; they can only fold
 * to what their code point folds to. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v;

    if (c >= 0xC2 && c <= 0xDF)      { len = 2; v = c & 0x1Fu; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0Fu; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07u; }
    else { *cp = UINT32_MAX; return 1; }

    if (len > n) { *cp = UINT32_MAX; return 1; }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u) { *cp = UINT32_MAX; return 1; }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

/* Quotation marks (normalize with `quoted`): bit w of quoted[] says that
 * output byte w lies between two quotation marks. */
#define QBIT_GET(q, w) ((q)[(w) / 64] >> ((w) % 64) & 1u)
#define QBIT_SET(q, w) ((q)[(w) / 64] |= (uint64_t)1 << ((w) % 64))
#define QBIT_PUT(q, w, v) ((q)[(w) / 64] = ((q)[(w) / 64] & ~((uint64_t)1 << ((w) % 64))) | \
                                           ((uint64_t)(v) << ((w) % 64)))
#define QUOTED_WORDS ((LICIT_NOTICE_SCAN_MAX + 63) / 64)

/* Rewrite the look-alike spellings of "meta ai" in place: "meta al",
 * "meta a1" and "meta a i". Returns the new length (never longer). With
 * `quoted`, its bits move with the bytes. */
static size_t fix_lookalikes(char *buf, size_t n, uint64_t *quoted)
{
    /* Most texts have no "meta a" at a word start: find the first one
     * before rewriting anything (the bytes before it stay as they are). */
    const char *first = NULL;
    for (const char *m = buf; !first && n && (m = memchr(m, 'm', (size_t)(buf + n - m))) != NULL; m++)
        if ((size_t)(buf + n - m) >= 7 && (m == buf || m[-1] == ' ') && memcmp(m, "meta a", 6) == 0)
            first = m;
    if (!first)
        return n;
    size_t r = (size_t)(first - buf), w = r;
    char prev = ' ';

    while (r < n) {
        if (prev == ' ' && n - r >= 7 && memcmp(buf + r, "meta a", 6) == 0) {
            size_t q = r + 6;
            size_t end = 0;
            if ((buf[q] == 'l' || buf[q] == '1') && (q + 1 == n || buf[q + 1] == ' '))
                end = q + 1;
            else if (buf[q] == ' ' && q + 1 < n && buf[q + 1] == 'i' &&
                     (q + 2 == n || buf[q + 2] == ' '))
                end = q + 2;
            if (end) {
                memcpy(buf + w, "meta ai", 7); /* w <= r: only consumed bytes */
                if (quoted) {
                    unsigned v = QBIT_GET(quoted, r);
                    for (size_t k = 0; k < 7; k++)
                        QBIT_PUT(quoted, w + k, v);
                }
                w += 7;
                r = end;
                prev = 'i';
                continue;
            }
        }
        prev = buf[r];
        if (quoted)
            QBIT_PUT(quoted, w, QBIT_GET(quoted, r));
        buf[w++] = buf[r++];
    }
    return w;
}

/* Whether the normalised text contains one of platform_words as a whole
 * word. At most sizeof platform_words * n comparisons. */
static int names_platform(const char *norm, size_t n)
{
    for (size_t w = 0; w < sizeof platform_words / sizeof platform_words[0]; w++) {
        const char *word = platform_words[w];
        size_t len = strlen(word);
        for (size_t at = 0; at + len <= n; at++) {
            if (at > 0 && norm[at - 1] != ' ')
                continue;
            if (memcmp(norm + at, word, len) == 0 && (at + len == n || norm[at + len] == ' '))
                return 1;
        }
    }
    return 0;
}

/* The quotation marks that open or close a quotation in the languages of
 * the table: " and the curly, low and angle double quotes (U+201C-U+201F,
 * U+00AB, U+00BB) and the full-width one. Single quotes are apostrophes
 * too often to count. */
static int is_quotation_mark(uint32_t cp)
{
    return cp == '"' || cp == 0xAB || cp == 0xBB || (cp >= 0x201C && cp <= 0x201F) ||
           cp == 0xFF02;
}

/* What stray_mark knows of a mark: bit 0 straight (" and the full-width
 * one, the same at both ends; the typographic ones, curly, low and angle,
 * pair with each other), bits 1-2 (MARK_DIR) its direction, MARK_OPEN or
 * MARK_CLOSE, when its shape says it: „ ‟ « open and ” » close; “ opens,
 * except in a text whose first typographic mark is „ (German), where it
 * closes (MARK_LEFT, both bits, until the text is read). */
enum { MARK_STRAIGHT = 1, MARK_OPEN = 2, MARK_CLOSE = 4, MARK_DIR = MARK_OPEN | MARK_CLOSE, MARK_LEFT = MARK_DIR };

static unsigned char mark_kind(uint32_t cp)
{
    switch (cp) {
    case '"': case 0xFF02: return MARK_STRAIGHT;
    case 0x201E: case 0x201F: case 0xAB: return MARK_OPEN;
    case 0x201D: case 0xBB: return MARK_CLOSE;
    case 0x201C: return MARK_LEFT;
    default: return 0;
    }
}

/* Whether marks of kinds a and b are of one kind: straight with straight,
 * typographic with typographic. */
static int mark_same(unsigned char a, unsigned char b)
{
    return (a & MARK_STRAIGHT) == (b & MARK_STRAIGHT);
}

/* Whether marks of kinds a and b (in that order) can open and close one
 * quotation: of one kind, no closing shape first, no opening shape last. */
static int mark_pair(unsigned char a, unsigned char b)
{
    return mark_same(a, b) && (a & MARK_DIR) != MARK_CLOSE && (b & MARK_DIR) != MARK_OPEN;
}

/* At most this many marks are remembered for stray_mark. */
#define MARKS_KEPT 1024

/* Of an odd number n of quotation marks, the one that opened nothing.
 * Marks pair in order once it is left out; the one chosen leaves the most
 * pairs of one kind (straight with straight, typographic with
 * typographic); on a tie, the most pairs that can be one quotation
 * (mark_pair: an opening shape first, a closing one last); then the fewest
 * bytes inside quotations (a stray mark must not turn a post into a
 * quote); then the last. A notice cut before its closing " that holds
 * «immagine» further on: the " is the stray one, not the » (round 18,
 * `it-r17b-04`). A notice copied with the opening mark of the page that
 * quoted it, “Facebook is now … with a “…” pair further on: the first “ is
 * the stray one, not the ” (round 27, `en-r26b-04`). */
static size_t stray_mark(const unsigned char *kind, const size_t *at, size_t n)
{
    /* For marks 0..k-1 paired (0,1), (2,3), ... (even k), pre[k] counts
     * the pairs of one kind, pre_g[k] those that can be one quotation and
     * pre_b[k] the bytes they enclose; suf, suf_g, suf_b the same for
     * marks k..n-1 paired (k,k+1), ... (n - k even). */
    uint16_t pre[MARKS_KEPT + 1], suf[MARKS_KEPT + 2], pre_g[MARKS_KEPT + 1], suf_g[MARKS_KEPT + 2];
    size_t pre_b[MARKS_KEPT + 1], suf_b[MARKS_KEPT + 2];
    pre[0] = pre_g[0] = 0;
    pre_b[0] = 0;
    for (size_t k = 2; k <= n; k += 2) {
        pre[k] = (uint16_t)(pre[k - 2] + mark_same(kind[k - 2], kind[k - 1]));
        pre_g[k] = (uint16_t)(pre_g[k - 2] + mark_pair(kind[k - 2], kind[k - 1]));
        pre_b[k] = pre_b[k - 2] + (at[k - 1] - at[k - 2]);
    }
    suf[n] = suf_g[n] = 0;
    suf_b[n] = 0;
    for (size_t k = n; k >= 2 && (n - (k - 2)) % 2 == 0; k -= 2) {
        suf[k - 2] = (uint16_t)(suf[k] + mark_same(kind[k - 2], kind[k - 1]));
        suf_g[k - 2] = (uint16_t)(suf_g[k] + mark_pair(kind[k - 2], kind[k - 1]));
        suf_b[k - 2] = suf_b[k] + (at[k - 1] - at[k - 2]);
    }
    size_t best = n - 1, best_bytes = 0;
    int best_pairs = -1, best_good = -1;
    for (size_t i = 0; i < n; i++) {
        int pairs, good;
        size_t bytes;
        if (i % 2 == 0) { /* (0,1)..(i-2,i-1), then (i+1,i+2).. */
            pairs = pre[i] + suf[i + 1];
            good = pre_g[i] + suf_g[i + 1];
            bytes = pre_b[i] + suf_b[i + 1];
        } else { /* (0,1)..(i-3,i-2), (i-1,i+1), then (i+2,i+3).. */
            pairs = pre[i - 1] + mark_same(kind[i - 1], kind[i + 1]) + suf[i + 2];
            good = pre_g[i - 1] + mark_pair(kind[i - 1], kind[i + 1]) + suf_g[i + 2];
            bytes = pre_b[i - 1] + (at[i + 1] - at[i - 1]) + suf_b[i + 2];
        }
        if (pairs > best_pairs || (pairs == best_pairs && (good > best_good ||
                                                           (good == best_good && bytes <= best_bytes)))) {
            best_pairs = pairs;
            best_good = good;
            best_bytes = bytes;
            best = i;
        }
    }
    return best;
}

/* The quotation marks normalize has met: the open/closed state as they
 * toggle, and each mark's output byte and kind for stray_mark. */
typedef struct quote_marks {
    int open;
    size_t n, last;                 /* how many; the output byte of the last */
    size_t at[MARKS_KEPT];          /* output byte of each (the first MARKS_KEPT) */
    unsigned char kind[MARKS_KEPT]; /* mark_kind of each */
    int low;                        /* the first typographic mark was „ */
    int typo;                       /* a typographic mark was met */
} quote_marks;

static void quote_mark(quote_marks *q, size_t w, unsigned char kind, uint32_t cp)
{
    q->open ^= 1;
    if (!(kind & MARK_STRAIGHT) && !q->typo) {
        q->typo = 1;
        q->low = cp == 0x201E;
    }
    if (q->n < MARKS_KEPT) {
        q->at[q->n] = w;
        q->kind[q->n] = kind;
    }
    q->n++;
    q->last = w;
}

/* After normalize: of an odd number of marks, one opened nothing
 * (stray_mark; the last when there are more than MARKS_KEPT). When it is
 * the last, what it opened is cleared; otherwise the others are paired in
 * order around it and the bits set again. */
static void settle_quotes(const quote_marks *q, const char *dst, size_t w, uint64_t *quoted)
{
    if (q->n % 2 == 0)
        return;
    size_t stray = q->n - 1;
    if (q->n <= MARKS_KEPT) {
        unsigned char kind[MARKS_KEPT];
        for (size_t k = 0; k < q->n; k++)
            kind[k] = q->kind[k] == MARK_LEFT ? (q->low ? MARK_CLOSE : MARK_OPEN) : q->kind[k];
        stray = stray_mark(kind, q->at, q->n);
    }
    if (stray == q->n - 1) {
        for (size_t b = q->last; b < w; b++)
            QBIT_PUT(quoted, b, 0);
        return;
    }
    for (size_t b = 0; b < w; b++)
        QBIT_PUT(quoted, b, 0);
    for (size_t k = 0, open = 0, at = 0; k < q->n; k++) {
        if (k == stray)
            continue;
        if (!open) {
            at = q->at[k];
        } else {
            for (size_t b = at; b < q->at[k]; b++)
                if (dst[b] != ' ')
                    QBIT_SET(quoted, b);
        }
        open ^= 1;
    }
}

/* Normalise (see notice.h). With `quoted` (QUOTED_WORDS words, zeroed by
 * the caller), also mark each output byte that lies inside a quotation:
 * every quotation mark opens or closes one, and a last mark left open
 * opens nothing (a stray mark must not turn a whole post into a quote). */
static size_t normalize(const char *text, size_t len, char *dst, size_t cap, uint64_t *quoted)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = len < LICIT_NOTICE_SCAN_MAX ? len : LICIT_NOTICE_SCAN_MAX;
    size_t i = 0, w = 0;
    quote_marks q;
    q.open = 0;
    q.n = q.last = 0;
    q.low = q.typo = 0;

    if (!text || !dst)
        return 0;
    if (n > cap)
        n = cap; /* the output is never longer than the input */

    while (i < n) {
        char buf[2];
        int k;
        unsigned char c = s[i];

        if (c < 0x80 && quoted) {
            buf[0] = ascii_fold[c];
            k = 1;
            i++;
            if (c == '"')
                quote_mark(&q, w, MARK_STRAIGHT, '"');
        } else if (c < 0x80) {
            /* Fast path, most posts being mostly ASCII: without a branch
             * per byte, a separator is written and kept only when the
             * byte before it in the output is not one (nor the start).
             * Sixteen bytes at a time where no separator follows one
             * (fold16); a block where one does goes byte by byte. */
            int sep = w == 0 || dst[w - 1] == ' ';
            for (;;) {
#if defined(__SSE2__)
                while (n - i >= 16) {
                    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                    if (_mm_movemask_epi8(v))
                        break; /* a byte >= 0x80 */
                    __m128i m = fold16(v);
                    unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m, _mm_set1_epi8(' ')));
                    if (sp & (sp << 1 | (unsigned)sep))
                        break;
                    _mm_storeu_si128((__m128i *)(void *)(dst + w), m); /* w <= i, i + 16 <= n <= cap */
                    w += 16;
                    i += 16;
                    sep = (int)(sp >> 15);
                }
#endif
                if (i >= n || (c = s[i]) >= 0x80)
                    break;
                size_t stop = n - i > 16 ? i + 16 : n;
                do {
                    char m = ascii_fold[c];
                    int is_sep = m == ' ';
                    dst[w] = m; /* w <= i < n <= cap */
                    w += (size_t)!(is_sep & sep);
                    sep = is_sep;
                    i++;
                } while (i < stop && (c = s[i]) < 0x80);
            }
            continue;
        } else {
            uint32_t cp;
            i += utf8_decode(s + i, n - i, &cp);
            if (cp == UINT32_MAX) { buf[0] = ' '; k = 1; }
            else k = fold_codepoint(cp, buf);
            if (quoted && cp != UINT32_MAX && is_quotation_mark(cp))
                quote_mark(&q, w, mark_kind(cp), cp);
        }
        /* Each input sequence of L bytes yields at most L output bytes
         * (two-letter folds come only from 2-byte sequences), so w never
         * passes i <= n <= cap. */
        for (int j = 0; j < k; j++) {
            if (buf[j] == ' ') {
                if (w > 0 && dst[w - 1] != ' ')
                    dst[w++] = ' ';
            } else {
                if (quoted && q.open)
                    QBIT_SET(quoted, w);
                dst[w++] = buf[j];
            }
        }
    }
    if (w > 0 && dst[w - 1] == ' ')
        w--;
    if (quoted)
        settle_quotes(&q, dst, w, quoted);
    return fix_lookalikes(dst, w, quoted);
}

size_t licit__notice_normalize(const char *text, size_t len, char *dst, size_t cap)
{
    return normalize(text, len, dst, cap, NULL);
}

/* ======================================================================
 * Matching
 * ==================================================================== */

/* Phrases bucketed by their first two characters (a letter or digit, then
 * a letter, digit or space), so that a word start is tried against a
 * handful of phrases rather than the whole table. Within a bucket phrases
 * are sorted, and lcp[k] is the length of the prefix phrase k shares with
 * phrase k-1: when a phrase fails at character d, every following phrase
 * that shares more than d characters with it fails the same way and is
 * skipped ("i do not give meta" after "i do not give facebook" fails).
 * Built once, lazily; a thread that finds it not yet built uses a private
 * copy on its stack, so results never depend on timing. */
#define N_CHARS 37 /* a-z, 0-9, space */
#define N_BUCKETS (36 * N_CHARS)

/* Phrases whose first word is plain letters and digits match only where
 * the text's word is that word, so they are found by the word instead:
 * a hash table from each such first word to the run of phrases that start
 * with it (sorted, with lcp as above), and the 2-character buckets keep
 * only the phrases whose first word has a wildcard. */
#define WORD_SLOTS 4096 /* a power of two, over twice the distinct words */

typedef struct word_slot {
    uint32_t hash;
    unsigned short first, count; /* ids[first .. first+count); count 0: empty */
} word_slot;

/* The exact prefilter (licit_notice_detect without `out`). A phrase can
 * only match where each of its plain words (letters and digits only: no
 * '*', '~', '%', '#', '@') is a whole word of the normalised text. So the
 * positive weights of the phrases whose plain words all occur in a text
 * (the references capped at REFERENCE_CAP), plus those of phrases with no
 * plain word, bound its score from above; a text whose bound stays under
 * the threshold cannot be flagged and is not matched phrase by phrase.
 * Two stages: each phrase has one "required" word (its longest plain word,
 * the first of equal length), and the first stage sums the weights of the
 * phrases whose required word occurs; only when that reaches the threshold
 * are the phrases checked for all their words. The verdict is the same as
 * without the prefilter: tests/unit/test_notice.c checks it on the whole
 * labelled corpus and on random texts. */
#define PF_SLOTS 8192 /* a power of two, over twice the distinct plain words */

typedef struct pf_slot {
    uint32_t hash;
    unsigned short word; /* word id; 0xffff: empty slot */
    unsigned short phrase; /* a phrase holding the word */
    unsigned char off, len; /* the word within that phrase's text */
} pf_slot;

typedef struct phrase_index {
    unsigned short start[N_BUCKETS + 1];
    unsigned short ids[N_PHRASES];
    unsigned char lcp[N_PHRASES]; /* shared prefix with the previous id */
    unsigned short gap[N_PHRASES]; /* by phrase: offset of its '~', 0: none */
    word_slot words[WORD_SLOTS];
    /* prefilter, see pf_slot: */
    pf_slot pf[PF_SLOTS];       /* the plain words of the positive phrases */
    unsigned n_pf_words;
    short req_weight[PF_SLOTS / 2]; /* by word: weights of the phrases requiring it */
    short req_ref[PF_SLOTS / 2];    /* the same, references only */
    unsigned short req_first[PF_SLOTS / 2 + 1]; /* by word: its run in req_phrase */
    unsigned short req_phrase[N_PHRASES]; /* phrases, by required word */
    unsigned short pw_first[N_PHRASES + 1]; /* by phrase: its run in pw */
    unsigned short pw[8 * N_PHRASES]; /* the plain words' ids, by phrase */
    int base_weight, base_ref; /* phrases without a plain word */
} phrase_index;

_Static_assert(WORD_SLOTS >= 2 * N_PHRASES, "the word table must stay at most half full");

static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

/* Length of the first word of phrase text p, and whether it is plain. */
static size_t first_word(const char *p, int *plain)
{
    size_t n = 0;
    *plain = 1;
    for (; p[n] && p[n] != ' '; n++)
        if (!((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')))
            *plain = 0;
    return n;
}

static int cmp_phrase_ids(const void *a, const void *b)
{
    return strcmp(phrases[*(const unsigned short *)a].text, phrases[*(const unsigned short *)b].text);
}

/* The run of phrases whose first word is w[0..n), or NULL. */
static const word_slot *word_find(const phrase_index *ix, const char *w, size_t n)
{
    uint32_t h = word_hash(w, n);
    for (uint32_t k = h & (WORD_SLOTS - 1);; k = (k + 1) & (WORD_SLOTS - 1)) {
        const word_slot *ws = &ix->words[k];
        if (!ws->count)
            return NULL;
        const char *t = phrases[ix->ids[ws->first]].text;
        /* strncmp, not memcmp: t may be shorter than n (a colliding hash),
         * and strncmp stops at its end */
        if (ws->hash == h && strncmp(t, w, n) == 0 && (t[n] == ' ' || t[n] == '\0'))
            return ws;
    }
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i] && i < 255)
        i++;
    return i;
}

static int char_class(char c)
{
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '0' && c <= '9') return 26 + (c - '0');
    if (c == ' ' || c == '\0') return 36; /* '\0': end of phrase or text */
    return -1;
}

/* Bucket of a word starting with c0 c1, or -1. */
static int bucket_of(char c0, char c1)
{
    int a = char_class(c0), b = char_class(c1);
    if (a < 0 || a >= 36 || b < 0)
        return -1;
    return a * N_CHARS + b;
}

static void prefilter_build(phrase_index *ix);

static void index_build(phrase_index *ix)
{
    unsigned short count[N_BUCKETS] = {0};
    /* A phrase whose second character is a wildcard has no bucket and
     * would never match; the unit tests reject such phrases. */
    int plain;
    for (size_t i = 0; i < N_PHRASES; i++) {
        int b = bucket_of(phrases[i].text[0], phrases[i].text[1]);
        first_word(phrases[i].text, &plain);
        if (b >= 0 && !plain) count[b]++;
    }
    ix->start[0] = 0;
    for (int b = 0; b < N_BUCKETS; b++)
        ix->start[b + 1] = (unsigned short)(ix->start[b] + count[b]);
    unsigned short fill[N_BUCKETS];
    memcpy(fill, ix->start, sizeof fill);
    for (size_t i = 0; i < N_PHRASES; i++) {
        int b = bucket_of(phrases[i].text[0], phrases[i].text[1]);
        first_word(phrases[i].text, &plain);
        if (b < 0 || plain)
            continue;
        /* Insertion sort by text within the bucket (buckets are small). */
        unsigned k = fill[b]++;
        while (k > ix->start[b] &&
               strcmp(phrases[ix->ids[k - 1]].text, phrases[i].text) > 0) {
            ix->ids[k] = ix->ids[k - 1];
            k--;
        }
        ix->ids[k] = (unsigned short)i;
    }
    for (size_t i = 0; i < N_PHRASES; i++) {
        const char *g = strchr(phrases[i].text, '~');
        ix->gap[i] = g ? (unsigned short)(g - phrases[i].text) : 0; /* phrases are short */
    }
    for (int b = 0; b < N_BUCKETS; b++)
        for (unsigned k = ix->start[b]; k < ix->start[b + 1]; k++)
            ix->lcp[k] = (unsigned char)(k == ix->start[b] ? 0 :
                common_prefix(phrases[ix->ids[k - 1]].text, phrases[ix->ids[k]].text));
    /* The plain first words, after the buckets' ids: sorted by text, the
     * phrases of one first word are one run ("w" < "w ..." < "wx..."). */
    unsigned np = ix->start[N_BUCKETS];
    for (size_t i = 0; i < N_PHRASES; i++) {
        first_word(phrases[i].text, &plain);
        if (plain)
            ix->ids[np++] = (unsigned short)i;
    }
    unsigned base = ix->start[N_BUCKETS];
    qsort(ix->ids + base, np - base, sizeof ix->ids[0], cmp_phrase_ids);
    memset(ix->words, 0, sizeof ix->words);
    for (unsigned k = base; k < np;) {
        const char *t = phrases[ix->ids[k]].text;
        size_t wl = first_word(t, &plain);
        unsigned e = k + 1;
        while (e < np && strncmp(phrases[ix->ids[e]].text, t, wl) == 0 &&
               (phrases[ix->ids[e]].text[wl] == ' ' || phrases[ix->ids[e]].text[wl] == '\0'))
            e++;
        for (unsigned j = k; j < e; j++)
            ix->lcp[j] = (unsigned char)(j == k ? 0 :
                common_prefix(phrases[ix->ids[j - 1]].text, phrases[ix->ids[j]].text));
        uint32_t h = word_hash(t, wl), slot = h & (WORD_SLOTS - 1);
        while (ix->words[slot].count)
            slot = (slot + 1) & (WORD_SLOTS - 1);
        ix->words[slot] = (word_slot){h, (unsigned short)k, (unsigned short)(e - k)};
        k = e;
    }
    prefilter_build(ix);
}

/* Hash of the word starting at p, a normalised text followed by at least
 * 8 spaces (so whole 8-byte loads never leave it); *len gets its length.
 * Eight bytes at a time: the only byte under '0' in a normalised text is
 * the space, so adding 0x50 to each byte sets the top bit of every byte
 * but the spaces, without carries (bytes are at most 'z'). */
static uint32_t pf_hash(const char *p, size_t *len)
{
    uint64_t h = 0x9e3779b97f4a7c15u;
    size_t n = 0;
    for (;;) {
        uint64_t v;
        memcpy(&v, p + n, 8);
        uint64_t spaces = ~(v + 0x5050505050505050u) & 0x8080808080808080u;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (!spaces) {
            h = (h ^ v) * 0xff51afd7ed558ccdu;
            n += 8;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctzll(spaces) >> 3;
        v = k ? v & (~(uint64_t)0 >> (64 - 8 * k)) : 0;
#else
        unsigned k = 0;
        while (k < 8 && p[n + k] != ' ')
            k++;
        if (k == 8) {
            h = (h ^ v) * 0xff51afd7ed558ccdu;
            n += 8;
            continue;
        }
        v = 0;
        memcpy(&v, p + n, k);
        (void)spaces;
#endif
        n += k;
        h = (h ^ v ^ n) * 0xff51afd7ed558ccdu;
        *len = n;
        return (uint32_t)(h >> 32) ^ (uint32_t)h;
    }
}

/* The slot of word w[0..n), whose pf_hash is h, in the prefilter's table:
 * its own, or the empty one where it would go (the table is at most half
 * full, so there is one). */
static uint32_t pf_slot_of(const phrase_index *ix, uint32_t h, const char *w, size_t n)
{
    uint32_t k = h & (PF_SLOTS - 1);
    for (;; k = (k + 1) & (PF_SLOTS - 1)) {
        const pf_slot *ps = &ix->pf[k];
        if (ps->word == 0xffff ||
            (ps->hash == h && ps->len == n && memcmp(phrases[ps->phrase].text + ps->off, w, n) == 0))
            return k;
    }
}

/* The id of plain word w[0..n) (spelt at `off` in phrase `phrase`) in the
 * prefilter's table, added if new; -1 when the table is full (the word is
 * then left out of the bound, which only loosens it). */
static int pf_word(phrase_index *ix, const char *w, size_t n, size_t phrase, size_t off)
{
    char padded[256 + 8];
    size_t hl;
    if (n > 256)
        return -1; /* phrases are short */
    memcpy(padded, w, n);
    memset(padded + n, ' ', 8);
    uint32_t h = pf_hash(padded, &hl);
    pf_slot *ps = &ix->pf[pf_slot_of(ix, h, w, n)];
    if (ps->word != 0xffff)
        return ps->word;
    if (ix->n_pf_words >= PF_SLOTS / 2)
        return -1;
    *ps = (pf_slot){h, (unsigned short)ix->n_pf_words++, (unsigned short)phrase,
                    (unsigned char)off, (unsigned char)n};
    return ps->word;
}

/* The prefilter's tables (see pf_slot). */
static void prefilter_build(phrase_index *ix)
{
    static unsigned short req_of[N_PHRASES]; /* only used under the build's lock */
    for (size_t k = 0; k < PF_SLOTS; k++)
        ix->pf[k].word = 0xffff;
    ix->n_pf_words = 0;
    memset(ix->req_weight, 0, sizeof ix->req_weight);
    memset(ix->req_ref, 0, sizeof ix->req_ref);
    memset(ix->req_first, 0, sizeof ix->req_first);
    ix->base_weight = ix->base_ref = 0;
    unsigned n_pw = 0;
    for (size_t i = 0; i < N_PHRASES; i++) {
        const char *t = phrases[i].text;
        int w = phrases[i].weight, ref = phrases[i].family == FAM_REFERENCE;
        ix->pw_first[i] = (unsigned short)n_pw;
        req_of[i] = 0xffff;
        if (w <= 0)
            continue; /* an upper bound ignores negative weights */
        size_t best_len = 0;
        for (size_t a = 0; t[a];) {
            size_t e = a;
            int plain = 1;
            while (t[e] && t[e] != ' ') {
                if (!((t[e] >= 'a' && t[e] <= 'z') || (t[e] >= '0' && t[e] <= '9')))
                    plain = 0;
                e++;
            }
            if (plain && n_pw < sizeof ix->pw / sizeof ix->pw[0]) {
                int id = pf_word(ix, t + a, e - a, i, a);
                if (id >= 0) {
                    ix->pw[n_pw++] = (unsigned short)id;
                    if (e - a > best_len) {
                        best_len = e - a;
                        req_of[i] = (unsigned short)id;
                    }
                }
            }
            a = t[e] ? e + 1 : e;
        }
        if (req_of[i] == 0xffff) { /* no plain word: always counted */
            *(ref ? &ix->base_ref : &ix->base_weight) += w;
            continue;
        }
        *(ref ? &ix->req_ref[req_of[i]] : &ix->req_weight[req_of[i]]) += (short)w;
        ix->req_first[req_of[i] + 1]++;
    }
    ix->pw_first[N_PHRASES] = (unsigned short)n_pw;
    for (unsigned wd = 0; wd < PF_SLOTS / 2; wd++)
        ix->req_first[wd + 1] = (unsigned short)(ix->req_first[wd + 1] + ix->req_first[wd]);
    unsigned short fill[PF_SLOTS / 2];
    memcpy(fill, ix->req_first, sizeof fill);
    for (size_t i = 0; i < N_PHRASES; i++)
        if (req_of[i] != 0xffff)
            ix->req_phrase[fill[req_of[i]]++] = (unsigned short)i;
}

static int capped(int sum, int ref)
{
    return sum + (ref < REFERENCE_CAP ? ref : REFERENCE_CAP);
}

/* Whether the score of norm[0..n) may reach the threshold: the upper
 * bound described at pf_slot. */
static int may_be_notice(const phrase_index *ix, const char *norm, size_t n)
{
    uint64_t present[PF_SLOTS / 2 / 64] = {0};
    unsigned short found[PF_SLOTS / 2]; /* distinct word ids */
    unsigned n_found = 0;
    int sum = ix->base_weight, ref = ix->base_ref;

    if (capped(sum, ref) >= LICIT_NOTICE_THRESHOLD)
        return 1;
    for (size_t at = 0; at < n;) {
        size_t len;
        uint32_t h = pf_hash(norm + at, &len);
        size_t e = at + len;
        unsigned wd = ix->pf[pf_slot_of(ix, h, norm + at, len)].word;
        if (wd != 0xffff && !(present[wd / 64] >> (wd % 64) & 1u)) {
            present[wd / 64] |= (uint64_t)1 << (wd % 64);
            found[n_found++] = (unsigned short)wd;
            sum += ix->req_weight[wd];
            ref += ix->req_ref[wd];
        }
        at = e + 1;
    }
    if (capped(sum, ref) < LICIT_NOTICE_THRESHOLD)
        return 0;
    /* Second stage: the phrases whose words all occur. */
    sum = ix->base_weight;
    ref = ix->base_ref;
    for (unsigned f = 0; f < n_found; f++) {
        unsigned wd = found[f];
        for (unsigned r = ix->req_first[wd]; r < ix->req_first[wd + 1]; r++) {
            unsigned ph = ix->req_phrase[r];
            unsigned k = ix->pw_first[ph];
            while (k < ix->pw_first[ph + 1] && (present[ix->pw[k] / 64] >> (ix->pw[k] % 64) & 1u))
                k++;
            if (k < ix->pw_first[ph + 1])
                continue;
            if (phrases[ph].family == FAM_REFERENCE)
                ref += phrases[ph].weight;
            else
                sum += phrases[ph].weight;
            if (capped(sum, ref) >= LICIT_NOTICE_THRESHOLD)
                return 1;
        }
    }
    return 0;
}

static phrase_index shared_index;
static pthread_once_t shared_index_once = PTHREAD_ONCE_INIT;

static void shared_index_build(void)
{
    index_build(&shared_index);
}

static const phrase_index *index_get(void)
{
    pthread_once(&shared_index_once, shared_index_build);
    return &shared_index;
}

/* Whether buf[0..len) is one of platform_words. */
static int is_platform_word(const char *w, size_t len)
{
    for (size_t k = 0; k < sizeof platform_words / sizeof platform_words[0]; k++)
        if (strlen(platform_words[k]) == len && memcmp(platform_words[k], w, len) == 0)
            return 1;
    return 0;
}

/* The most words a '~' in a phrase may stand for. */
#define GAP_MAX_WORDS 8

/* Match phrase characters p[0..] (no '~' among them) against buf from j,
 * as phrase_match below; `base` is the index of p[0] in the whole phrase,
 * so that *fail is an index into the whole phrase. */
static size_t match_plain(const char *p, size_t base, const char *buf, size_t j,
                          size_t n, size_t *fail)
{
    const char *p0 = p;
    *fail = SIZE_MAX;
    for (; *p; p++) {
        if (*p == '*') { /* rest of the word, possibly empty */
            while (j < n && buf[j] != ' ')
                j++;
            continue;
        }
        if (j >= n) {
            *fail = base + (size_t)(p - p0);
            return 0;
        }
        if (*p == '%') { /* one platform word, see platform_words */
            size_t e = j;
            while (e < n && buf[e] != ' ')
                e++;
            if (!is_platform_word(buf + j, e - j)) {
                *fail = base + (size_t)(p - p0);
                return 0;
            }
            j = e;
        } else if (*p == '#' || *p == '@') {
            if (buf[j] == ' ' || (*p == '#' && (buf[j] < '0' || buf[j] > '9'))) {
                *fail = base + (size_t)(p - p0);
                return 0;
            }
            while (j < n && buf[j] != ' ')
                j++;
        } else if (buf[j] == *p) {
            j++;
        } else {
            *fail = base + (size_t)(p - p0);
            return 0;
        }
    }
    return (j == n || buf[j] == ' ') ? j : 0;
}

/* If phrase p matches buf[at..n) ending at a word boundary, return the
 * end offset of the match (> at); otherwise 0. `at` is a word start.
 * On failure *fail is the index of the phrase character that failed, or
 * SIZE_MAX when the whole phrase matched but no word boundary followed.
 * The outcome up to character d depends only on the first d+1 characters
 * of the phrase, which is what lets the caller skip phrases sharing them.
 * A '~' is tried with 0, 1, ... GAP_MAX_WORDS words skipped, the fewest
 * first; if all fail, *fail is the largest failing index over the tries
 * (each try depends only on the phrase up to its own failing index, so
 * the skipping rule still holds), or SIZE_MAX if any try failed only for
 * want of a word boundary. Cost: at most GAP_MAX_WORDS + 1 tries. */
static size_t phrase_match(const char *p, size_t gap_at, const char *buf, size_t at, size_t n,
                           size_t *fail)
{
    /* gap_at: the offset of the '~' (phrase_index.gap), 0 for none. */
    if (!gap_at)
        return match_plain(p, 0, buf, at, n, fail);
    const char *gap = p + gap_at;

    /* The part before the gap ends with a space, matched by the space
     * before the gap's first word. Match it without that space. */
    size_t head_len = (size_t)(gap - p) - 1;
    char head[256];
    if (head_len >= sizeof head) { /* rejected by the unit tests */
        *fail = 0;
        return 0;
    }
    memcpy(head, p, head_len);
    head[head_len] = '\0';
    size_t j = match_plain(head, 0, buf, at, n, fail);
    if (!j)
        return 0;
    if (*fail == SIZE_MAX && (j >= n)) {
        *fail = head_len; /* nothing after the head */
        return 0;
    }

    /* j is at the space ending the head. Try each gap length. */
    const char *tail = gap + 2; /* after "~ " */
    size_t tail_base = (size_t)(tail - p);
    size_t worst = 0;
    int no_boundary = 0;
    for (int k = 0; k <= GAP_MAX_WORDS && j < n; k++) {
        size_t f;
        size_t end = match_plain(tail, tail_base, buf, j + 1, n, &f);
        if (end) {
            *fail = SIZE_MAX;
            return end;
        }
        if (f == SIZE_MAX)
            no_boundary = 1;
        else if (f > worst)
            worst = f;
        /* Skip one more word: to the space after the next word. */
        j++;
        while (j < n && buf[j] != ' ')
            j++;
    }
    *fail = no_boundary ? SIZE_MAX : (worst > head_len ? worst : head_len);
    return 0;
}

/* Find the phrases of the table in norm[0..n) (n + 8 bytes readable): at
 * each word start the longest phrase that matches there. A match that ends
 * inside an earlier, longer match is nested in it and adds nothing ("post
 * at least once" inside "if you do not post at least once"); phrases that
 * merely overlap both count. Sets the phrase's bit in seen[], and in
 * unquoted[] too when `quoted` is given and the match starts outside a
 * quotation. */
static void find_phrases(const phrase_index *ix, const char *norm, size_t n,
                         const uint64_t *quoted, uint64_t *seen, uint64_t *unquoted, int refusal[2])
{
    size_t covered_end = 0;
    for (size_t at = 0; at < n; at++) {
        if (at > 0 && norm[at - 1] != ' ')
            continue; /* not a word start */
        int b = bucket_of(norm[at], at + 1 < n ? norm[at + 1] : ' ');
        if (b < 0)
            continue;
        size_t best_end = 0;
        unsigned best_id = 0;
        /* The phrases that start with this very word, then those whose
         * first word has a wildcard: two sorted runs, each with its own
         * skipping; the outcome does not depend on the order tried. */
        size_t wend = at;
        while (wend < n && norm[wend] != ' ')
            wend++;
        const word_slot *ws = word_find(ix, norm + at, wend - at);
        unsigned runs[2][2] = {{ws ? ws->first : 0, ws ? (unsigned)(ws->first + ws->count) : 0},
                               {ix->start[b], ix->start[b + 1]}};
        for (int r = 0; r < 2; r++) {
            size_t fail = SIZE_MAX;
            for (unsigned k = runs[r][0]; k < runs[r][1]; k++) {
                if (fail != SIZE_MAX && ix->lcp[k] > fail)
                    continue; /* same first fail+1 characters: fails the same way */
                unsigned id = ix->ids[k];
                size_t end = phrase_match(phrases[id].text, ix->gap[id], norm, at, n, &fail);
                /* Longest match wins; equal lengths go to the earlier entry. */
                if (end > best_end || (end && end == best_end && id < best_id)) {
                    best_end = end;
                    best_id = id;
                }
            }
        }
        /* A refusal counts for AI_USE_POINTS even when nested in a longer
         * match ("ai ~ my content" spanning "i do not consent to the use of
         * my"): the first one anywhere, and the first outside quotations
         * (id + 1; which one counts is known once quote_aware is). */
        if (best_end && phrases[best_id].refusal) {
            if (!refusal[0])
                refusal[0] = (int)best_id + 1;
            if (!refusal[1] && !(quoted && QBIT_GET(quoted, at)))
                refusal[1] = (int)best_id + 1;
        }
        if (best_end > covered_end) {
            seen[best_id / 64] |= (uint64_t)1 << (best_id % 64);
            if (quoted && !QBIT_GET(quoted, at))
                unquoted[best_id / 64] |= (uint64_t)1 << (best_id % 64);
            covered_end = best_end;
        }
    }
}

/* Whether the first bytes of the text hold a quotation mark
 * (is_quotation_mark), decoded as normalize decodes them. */
static int has_quotation_mark(const char *text, size_t len)
{
    size_t n = len < LICIT_NOTICE_SCAN_MAX ? len : LICIT_NOTICE_SCAN_MAX;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        uint32_t cp = s[i];
        i += cp < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp);
        if (cp != UINT32_MAX && is_quotation_mark(cp))
            return 1;
    }
    return 0;
}

/* Words of norm[0..n) that start outside a quotation. */
static size_t unquoted_words(const char *norm, size_t n, const uint64_t *quoted)
{
    size_t words = 0;
    for (size_t at = 0; at < n; at++)
        if (norm[at] != ' ' && (at == 0 || norm[at - 1] == ' ') && !QBIT_GET(quoted, at))
            words++;
    return words;
}

/* Whether a phrase of negative weight was found outside quotations
 * (find_phrases sets a phrase's unquoted bit only with its seen bit). */
static int counter_outside(const uint64_t *unquoted)
{
    for (size_t id = 0; id < N_PHRASES; id++) {
        if (unquoted[id / 64] == 0) {
            id |= 63;
            continue;
        }
        if ((unquoted[id / 64] >> (id % 64) & 1u) && phrases[id].weight < 0)
            return 1;
    }
    return 0;
}

/* Keeps the strongest LICIT_NOTICE_MAX_MATCHED phrases in top[0..*n),
 * ties in the order inserted (insertion sort). */
static void top_insert(const notice_phrase **top, int *n, const notice_phrase *ph)
{
    int pos = *n;
    while (pos > 0 && top[pos - 1]->weight < ph->weight)
        pos--;
    if (pos >= LICIT_NOTICE_MAX_MATCHED)
        return;
    int last = *n < LICIT_NOTICE_MAX_MATCHED ? *n : LICIT_NOTICE_MAX_MATCHED - 1;
    for (int m = last; m > pos; m--)
        top[m] = top[m - 1];
    top[pos] = ph;
    if (*n < LICIT_NOTICE_MAX_MATCHED)
        (*n)++;
}

int licit_notice_detect(const char *text, size_t len, licit_notice_result *out)
{
    char norm[LICIT_NOTICE_SCAN_MAX + 8]; /* + 8 spaces for pf_hash */
    uint64_t seen[(N_PHRASES + 63) / 64] = {0};
    uint64_t unquoted[(N_PHRASES + 63) / 64] = {0};
    uint64_t quoted[QUOTED_WORDS];
    size_t n = 0;
    int refusal[2] = {0, 0}; /* see find_phrases, for AI_USE_POINTS */

    if (text && len)
        n = licit__notice_normalize(text, len, norm, LICIT_NOTICE_SCAN_MAX);
    memset(norm + n, ' ', 8);

    const phrase_index *ix = n ? index_get() : NULL;
    if (!out && ix && !may_be_notice(ix, norm, n))
        return 0;
    /* A text that quotes and has QUOTE_CONTEXT_WORDS words of its own
     * around the quotations is about what it quotes: only what it says
     * outside them counts for it (see QUOTE_CONTEXT_WORDS). The marks only
     * ever take points away, so the prefilter's bound above still holds. */
    int quote_aware = 0, marks = 0;
    if (ix && has_quotation_mark(text, len)) {
        memset(quoted, 0, sizeof quoted);
        /* the same text as above, now with the marks */
        size_t n2 = normalize(text, len, norm, LICIT_NOTICE_SCAN_MAX, quoted);
        marks = n2 == n;
        quote_aware = marks && unquoted_words(norm, n, quoted) >= QUOTE_CONTEXT_WORDS;
    }
    if (ix)
        find_phrases(ix, norm, n, marks ? quoted : NULL, seen, unquoted, refusal);
    /* A shorter text that quotes is about what it quotes too when it says,
     * outside its quotations, what the notices are (counter-evidence: "a
     * hoax", "no legal effect", "bulo"). Round 15. */
    if (marks && !quote_aware)
        quote_aware = counter_outside(unquoted);

    /* score: counter-evidence, then everything; own: the positive
     * phrases that count (outside quotations, when those matter) */
    int score = 0, own = 0, ref_sum = 0, quoted_sum = 0, quoted_refs = 0;
    int fam_sum[FAM_COUNT] = {0};
    const notice_phrase *ai_use = NULL; /* a work near AI (AI_USE_POINTS) */
    const notice_phrase *top[LICIT_NOTICE_MAX_MATCHED];
    int n_top = 0;

    for (size_t id = 0; id < N_PHRASES; id++) {
        if (seen[id / 64] == 0) { /* skip 64 unmatched phrases at once */
            id |= 63;
            continue;
        }
        if (!(seen[id / 64] >> (id % 64) & 1u))
            continue;
        const notice_phrase *ph = &phrases[id];
        if (ph->family == FAM_AI_REFUSAL || ph->family == FAM_AI_USE) {
            /* counted after this loop, and only as a pair */
            if (ph->family == FAM_AI_USE && !ai_use &&
                !(quote_aware && !(unquoted[id / 64] >> (id % 64) & 1u)))
                ai_use = ph;
            continue;
        }
        if (quote_aware && ph->weight > 0 && !(unquoted[id / 64] >> (id % 64) & 1u)) {
            /* found only inside quotations of a text about them */
            if (ph->family == FAM_REFERENCE)
                quoted_refs += ph->weight;
            else
                quoted_sum += ph->weight;
            continue;
        }
        if (ph->family == FAM_REFERENCE)
            ref_sum += ph->weight; /* capped below */
        else if (ph->weight > 0)
            own += ph->weight;
        else
            score += ph->weight;
        if (ph->weight > 0 && ph->family != FAM_REFERENCE)
            fam_sum[ph->family] += ph->weight;
        top_insert(top, &n_top, ph);
    }

    int platform = names_platform(norm, n);
    if (quoted_refs > 0 && platform) { /* what the cap would have let the quoted ones add */
        int all = ref_sum + quoted_refs;
        quoted_sum += (all > REFERENCE_CAP ? REFERENCE_CAP : all) -
                      (ref_sum > REFERENCE_CAP ? REFERENCE_CAP : ref_sum);
    }
    int refused = refusal[quote_aware ? 1 : 0];
    if (ai_use && refused) { /* a work near AI, refused: the pair is evidence */
        own += AI_USE_POINTS;
        fam_sum[FAM_GENERIC] += AI_USE_POINTS;
        top_insert(top, &n_top, ai_use);
        const notice_phrase *rp = &phrases[refused - 1];
        int listed = 0; /* already, when it counted on its own */
        for (int m = 0; m < n_top; m++)
            listed |= top[m] == rp;
        if (!listed)
            top_insert(top, &n_top, rp);
    }
    if (ref_sum > REFERENCE_CAP)
        ref_sum = REFERENCE_CAP;
    if (ref_sum > 0 && !platform)
        ref_sum = 0;
    own += ref_sum;
    /* A text that quotes a notice (QUOTED_NOTICE_POINTS inside its
     * quotations) is about it: what it says outside them counts half. */
    if (quote_aware && quoted_sum >= QUOTED_NOTICE_POINTS) {
        quoted_sum += own - own / 2;
        own /= 2;
    }
    score += own;
    fam_sum[FAM_COPYRIGHT_2012] += ref_sum; /* the references belong to that wave */

    int flagged = score >= LICIT_NOTICE_THRESHOLD;
    if (out) {
        /* Name the wave with the most weight, ties to the newest. Wording
         * shared by all waves names the family only when no wave has a
         * real tell (5 points), as it says nothing about which wave. */
        static const int waves[] = { FAM_META_AI_2024, FAM_RENAME_2021,
                                     FAM_COPYRIGHT_2012 };
        int best = -1;
        for (size_t f = 0; f < sizeof waves / sizeof waves[0]; f++)
            if (fam_sum[waves[f]] > 0 && (best < 0 || fam_sum[waves[f]] > fam_sum[best]))
                best = waves[f];
        if (fam_sum[FAM_GENERIC] > 0 && (best < 0 || fam_sum[best] < 5))
            best = FAM_GENERIC;
        out->score = score;
        out->quoted = quoted_sum;
        out->threshold = LICIT_NOTICE_THRESHOLD;
        out->family = best >= 0 ? family_names[best] : NULL;
        for (int m = 0; m < LICIT_NOTICE_MAX_MATCHED; m++)
            out->matched[m] = m < n_top ? top[m]->text : NULL;
        out->n_matched = n_top;
    }
    return flagged;
}

size_t licit__notice_table_size(void)
{
    return N_PHRASES;
}

const char *licit__notice_table_phrase(size_t i, int *weight)
{
    if (i >= N_PHRASES)
        return NULL;
    if (weight)
        *weight = phrases[i].weight;
    return phrases[i].text;
}
