/*
 * notice.c - detector for chain "opt-out" / copyright notices.
 *
 * See notice.h for the method and the guarantees. This file holds, in order:
 * the phrase table and the threshold (edit these to tune), the normaliser,
 * the matcher and the scoring.
 */
#include "notice.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* ======================================================================
 * The phrase table.
 *
 * Phrases are written in NORMALISED form: lower-case ASCII letters and
 * digits, words separated by exactly one space, accents removed
 * ("nao autorizo", not "não autorizo"), apostrophes and punctuation
 * replaced by a space ("don t share", "1 308"). The unit tests check that
 * every phrase is already in this form.
 *
 * A phrase matches only at word boundaries. Three wildcards exist:
 *   '#'  one word that starts with a digit ("4", "4th", "2015")
 *   '@'  any one word
 *   '*'  at the end of a word: the word may continue ("fact check*"
 *        matches "fact checkers", "copi* e col*" matches "copie e cole",
 *        "copiar e colar", "copiem e colem").
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
    FAM_COPYRIGHT_2012, /* Berne / UCC / Rome Statute / "open capital" */
    FAM_RENAME_2021,    /* "the new Facebook/Meta rule starts tomorrow" */
    FAM_META_AI_2024,   /* "Goodbye Meta AI", "an attorney has advised us" */
    FAM_GENERIC,        /* wording shared by every wave */
    FAM_COUNTER,        /* evidence that the post talks ABOUT the hoax */
    FAM_COUNT
};

static const char *const family_names[FAM_COUNT] = {
    "copyright-2012", "meta-rename-2021", "goodbye-meta-ai-2024",
    "generic-optout", "counter-evidence",
};

typedef struct notice_phrase {
    const char *text;   /* normalised phrase, see above */
    signed char weight;
    unsigned char family;
} notice_phrase;

#define P(text, weight, fam) { text, weight, fam }
#define C FAM_COPYRIGHT_2012
#define R FAM_RENAME_2021
#define A FAM_META_AI_2024
#define G FAM_GENERIC
#define X FAM_COUNTER

static const notice_phrase phrases[] = {
    /* ---- 2012-2016 copyright notices: English ------------------------ */
    P("berne convention",                         7, C),
    P("berner convention",                        7, C), /* common misspelling */
    P("berne copyright",                          5, C),
    P("ucc 1 308",                                6, C),
    P("ucc 1 103",                                6, C),
    P("uniform commercial code",                  3, C),
    P("rome statute",                             5, C),
    P("open capital entity",                      7, C),
    P("open capital",                             4, C),
    P("public entity",                            3, C),
    P("publicly traded entity",                   4, C),
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

    /* ---- every wave: refusing permission ------------------------------ */
    P("i do not give facebook",                   7, G),
    P("i do not give meta",                       7, G),
    P("i do not give instagram",                  6, G),
    P("i don t give facebook",                    7, G),
    P("i don t give meta",                        7, G),
    P("i do not authorize facebook",              7, G),
    P("i do not authorize meta",                  7, G),
    P("i do not authorise facebook",              7, G),
    P("i do not authorise meta",                  7, G),
    P("i do not allow facebook",                  5, G),
    P("i do not allow meta",                      5, G),
    P("i do not give permission",                 3, G),
    P("i do not consent",                         2, G),
    P("i do not give my permission",              3, G),
    P("i don t give permission",                  3, G),
    P("i don t give my permission",               3, G),
    P("permission to use my",                     3, G),
    P("my personal data",                         2, G),
    P("all my personal data",                     2, G),
    P("my personal information",                  1, G),
    P("or anyone else",                           1, G),
    P("i don t authorize meta",                   7, G),
    P("i don t authorize facebook",               7, G),
    P("i do not consent to meta",                 6, G),
    P("i do not consent to facebook",             6, G),
    P("permission to meta",                       3, G), /* "...give permission to Meta" */
    P("permission to facebook",                   3, G),
    P("you do not have my permission",            4, G),
    P("you do not have my consent",               4, G),
    P("my consent to use",                        2, G),
    P("without prejudice",                        2, C),
    P("not a hoax",                               6, G), /* cancels "hoax" */
    P("this is not a joke",                       2, G),

    /* ---- Portuguese ---------------------------------------------------- */
    P("convencao de berna",                       7, C),
    P("estatuto de roma",                         6, C), /* also Spanish */
    P("capital aberto",                           4, C),
    P("entidade publica",                         3, C),
    P("nao dou permissao",                        4, G),
    P("eu nao autorizo",                          3, G),
    P("nao autorizo o facebook",                  7, G),
    P("nao autorizo a meta",                      7, G),
    P("nao dou permissao ao facebook",            7, G),
    P("nao dou permissao a meta",                 7, G),
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
    P("convenio de berna",                        7, C),
    P("convencion de berna",                      7, C),
    P("no doy permiso",                           4, G),
    P("no doy mi permiso",                        4, G),
    P("no autorizo a facebook",                   7, G),
    P("no autorizo a meta",                       7, G),
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
    P("berner konvention",                        7, C),
    P("berner ubereinkunft",                      7, C),
    P("romisches statut",                         6, C),
    P("hiermit widerspreche ich",                 5, G),
    P("ich widerspreche hiermit",                 5, G),
    P("ich widerspreche",                         3, G),
    P("ich untersage",                            4, G),
    P("untersage ich",                            4, G),
    P("ich erlaube facebook nicht",               7, G),
    P("ich erlaube meta nicht",                   7, G),
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
    P("convention de berne",                      7, C),
    P("statut de rome",                           6, C),
    P("je n autorise pas",                        4, G),
    P("je n autorise pas facebook",               7, G),
    P("je n autorise pas meta",                   7, G),
    P("je n autorise ni",                         5, G), /* "ni Facebook ni Meta" */
    P("je refuse que meta",                       5, G),
    P("je refuse que facebook",                   5, G),
    P("je ne donne pas la permission",            4, G),
    P("je ne donne pas mon autorisation",         4, G),
    P("je ne donne pas a meta",                   7, G),
    P("je ne donne pas a facebook",               7, G),
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
    P("convenzione di berna",                     7, C),
    P("statuto di roma",                          6, C),
    P("non do il permesso",                       4, G),
    P("non do il mio consenso",                   4, G),
    P("non do il consenso",                       4, G),
    P("consenso a meta",                          3, G),
    P("permesso a meta",                          3, G),
    P("non autorizzo facebook",                   7, G),
    P("non autorizzo meta",                       7, G),
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
};

#undef P
#undef C
#undef R
#undef A
#undef G
#undef X

#define N_PHRASES (sizeof phrases / sizeof phrases[0])

/* One bit per phrase must fit in match_set below. */
_Static_assert(N_PHRASES <= 512, "phrase table too large for match_set");

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

/* Rewrite the look-alike spellings of "meta ai" in place: "meta al",
 * "meta a1" and "meta a i". Returns the new length (never longer). */
static size_t fix_lookalikes(char *buf, size_t n)
{
    size_t r = 0, w = 0;
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
                w += 7;
                r = end;
                prev = 'i';
                continue;
            }
        }
        prev = buf[r];
        buf[w++] = buf[r++];
    }
    return w;
}

size_t licit__notice_normalize(const char *text, size_t len, char *dst, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = len < LICIT_NOTICE_SCAN_MAX ? len : LICIT_NOTICE_SCAN_MAX;
    size_t i = 0, w = 0;

    if (!text || !dst)
        return 0;
    if (n > cap)
        n = cap; /* the output is never longer than the input */

    while (i < n) {
        char buf[2];
        int k;
        unsigned char c = s[i];

        if (c < 0x80) { /* fast path: most posts are mostly ASCII */
            char m = ascii_fold[c];
            i++;
            if (m != ' ')
                dst[w++] = m;
            else if (w > 0 && dst[w - 1] != ' ')
                dst[w++] = ' ';
            continue;
        } else {
            uint32_t cp;
            i += utf8_decode(s + i, n - i, &cp);
            if (cp == UINT32_MAX) { buf[0] = ' '; k = 1; }
            else k = fold_codepoint(cp, buf);
        }
        /* Each input sequence of L bytes yields at most L output bytes
         * (two-letter folds come only from 2-byte sequences), so w never
         * passes i <= n <= cap. */
        for (int j = 0; j < k; j++) {
            if (buf[j] == ' ') {
                if (w > 0 && dst[w - 1] != ' ')
                    dst[w++] = ' ';
            } else {
                dst[w++] = buf[j];
            }
        }
    }
    if (w > 0 && dst[w - 1] == ' ')
        w--;
    return fix_lookalikes(dst, w);
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

typedef struct phrase_index {
    unsigned short start[N_BUCKETS + 1];
    unsigned short ids[N_PHRASES];
    unsigned char lcp[N_PHRASES]; /* shared prefix with the previous id */
} phrase_index;

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

static void index_build(phrase_index *ix)
{
    unsigned short count[N_BUCKETS] = {0};
    /* A phrase whose second character is a wildcard has no bucket and
     * would never match; the unit tests reject such phrases. */
    for (size_t i = 0; i < N_PHRASES; i++) {
        int b = bucket_of(phrases[i].text[0], phrases[i].text[1]);
        if (b >= 0) count[b]++;
    }
    ix->start[0] = 0;
    for (int b = 0; b < N_BUCKETS; b++)
        ix->start[b + 1] = (unsigned short)(ix->start[b] + count[b]);
    unsigned short fill[N_BUCKETS];
    memcpy(fill, ix->start, sizeof fill);
    for (size_t i = 0; i < N_PHRASES; i++) {
        int b = bucket_of(phrases[i].text[0], phrases[i].text[1]);
        if (b < 0)
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
    for (int b = 0; b < N_BUCKETS; b++)
        for (unsigned k = ix->start[b]; k < ix->start[b + 1]; k++)
            ix->lcp[k] = (unsigned char)(k == ix->start[b] ? 0 :
                common_prefix(phrases[ix->ids[k - 1]].text, phrases[ix->ids[k]].text));
}

static phrase_index shared_index;
static atomic_int shared_index_state; /* 0 none, 1 building, 2 ready */

static const phrase_index *index_get(phrase_index *local)
{
    if (atomic_load_explicit(&shared_index_state, memory_order_acquire) == 2)
        return &shared_index;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&shared_index_state, &expected, 1,
                                                memory_order_acq_rel,
                                                memory_order_acquire)) {
        index_build(&shared_index);
        atomic_store_explicit(&shared_index_state, 2, memory_order_release);
        return &shared_index;
    }
    index_build(local);
    return local;
}

/* If phrase p matches buf[at..n) ending at a word boundary, return the
 * end offset of the match (> at); otherwise 0. `at` is a word start.
 * On failure *fail is the index of the phrase character that failed, or
 * SIZE_MAX when the whole phrase matched but no word boundary followed.
 * The outcome up to character d depends only on the first d+1 characters
 * of the phrase, which is what lets the caller skip phrases sharing them. */
static size_t phrase_match(const char *p, const char *buf, size_t at, size_t n,
                           size_t *fail)
{
    const char *p0 = p;
    size_t j = at;
    *fail = SIZE_MAX;
    for (; *p; p++) {
        if (*p == '*') { /* rest of the word, possibly empty */
            while (j < n && buf[j] != ' ')
                j++;
            continue;
        }
        if (j >= n) {
            *fail = (size_t)(p - p0);
            return 0;
        }
        if (*p == '#' || *p == '@') {
            if (buf[j] == ' ' || (*p == '#' && (buf[j] < '0' || buf[j] > '9'))) {
                *fail = (size_t)(p - p0);
                return 0;
            }
            while (j < n && buf[j] != ' ')
                j++;
        } else if (buf[j] == *p) {
            j++;
        } else {
            *fail = (size_t)(p - p0);
            return 0;
        }
    }
    return (j == n || buf[j] == ' ') ? j : 0;
}

int licit_notice_detect(const char *text, size_t len, licit_notice_result *out)
{
    char norm[LICIT_NOTICE_SCAN_MAX];
    uint64_t seen[(N_PHRASES + 63) / 64] = {0};
    phrase_index local;
    size_t n = 0;

    if (text && len)
        n = licit__notice_normalize(text, len, norm, sizeof norm);

    /* At each word start take the longest phrase that matches there. A
     * match that ends inside an earlier, longer match is nested in it and
     * adds nothing ("post at least once" inside "if you do not post at
     * least once"); phrases that merely overlap both count. */
    const phrase_index *ix = n ? index_get(&local) : NULL;
    size_t covered_end = 0;
    for (size_t at = 0; at < n; at++) {
        if (at > 0 && norm[at - 1] != ' ')
            continue; /* not a word start */
        int b = bucket_of(norm[at], at + 1 < n ? norm[at + 1] : ' ');
        if (b < 0)
            continue;
        size_t best_end = 0, fail = SIZE_MAX;
        unsigned best_id = 0;
        for (unsigned k = ix->start[b]; k < ix->start[b + 1]; k++) {
            if (fail != SIZE_MAX && ix->lcp[k] > fail)
                continue; /* same first fail+1 characters: fails the same way */
            unsigned id = ix->ids[k];
            size_t end = phrase_match(phrases[id].text, norm, at, n, &fail);
            /* Longest match wins; equal lengths go to the earlier entry. */
            if (end > best_end || (end && end == best_end && id < best_id)) {
                best_end = end;
                best_id = id;
            }
        }
        if (best_end > covered_end) {
            seen[best_id / 64] |= (uint64_t)1 << (best_id % 64);
            covered_end = best_end;
        }
    }

    int score = 0;
    int fam_sum[FAM_COUNT] = {0};
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
        score += ph->weight;
        if (ph->weight > 0)
            fam_sum[ph->family] += ph->weight;
        /* Keep the strongest few, ties in table order (insertion sort). */
        int pos = n_top;
        while (pos > 0 && top[pos - 1]->weight < ph->weight)
            pos--;
        if (pos < LICIT_NOTICE_MAX_MATCHED) {
            int last = n_top < LICIT_NOTICE_MAX_MATCHED ? n_top : LICIT_NOTICE_MAX_MATCHED - 1;
            for (int m = last; m > pos; m--)
                top[m] = top[m - 1];
            top[pos] = ph;
            if (n_top < LICIT_NOTICE_MAX_MATCHED)
                n_top++;
        }
    }

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
