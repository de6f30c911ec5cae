/*
 * gen.c — licit-gen: a deterministic workload of native events (SPEC
 * section 2) shaped like a real social platform.
 *
 *   licit-gen --seed S --events N [--start T] [--end T] > events.jsonl
 *
 * Guarantees: the same arguments give the same bytes; every line is one
 * event that licit accepts (valid fields, unique "id", ts non-decreasing,
 * nothing for a post after its deletion or for an account after its
 * deletion -- links and unlinks included --, edits/visibility/deletes only
 * for existing posts, no post its own parent, no account linked to itself).
 * Besides posts and settings it writes threads (30% of posts are replies:
 * to recent posts, along running conversations, to parents written later or
 * never, a few loops, and a bot's "storms" deeper than the walk's cap of 100
 * ancestors), mentions (20% of posts mention 1-3 accounts; some edits
 * replace them) and links between accounts (about 5% of accounts linked at
 * the end, some unlinked again).  The mix is documented in bench/README.md;
 * the numbers there are the constants below; --stats prints what a run
 * realised.
 *
 * Speed matters (10M events must take well under a minute), so the hot path
 * writes into one large buffer with hand-written formatting: no printf,
 * times formatted from a per-day cache.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ random -- */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rnext(rng *r) { /* xoshiro256** */
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

static inline double runif(rng *r) { return (double)(rnext(r) >> 11) * 0x1.0p-53; } /* [0,1) */

static inline uint32_t rbelow(rng *r, uint32_t n) { /* [0,n), Lemire */
  return (uint32_t)(((rnext(r) >> 32) * (uint64_t)n) >> 32);
}

/* ------------------------------------------------------------ output -- */

#define OUT_CAP (16u << 20)
static char *out_buf;
static size_t out_len;

static void out_flush(void) {
  size_t off = 0;
  while (off < out_len) {
    ssize_t w = write(STDOUT_FILENO, out_buf + off, out_len - off);
    if (w <= 0) {
      perror("licit-gen: write");
      exit(1);
    }
    off += (size_t)w;
  }
  out_len = 0;
}

/* Every event is far below 1 MiB, so one check per event suffices. */
static inline void out_room(void) {
  if (out_len > OUT_CAP - (1u << 20)) out_flush();
}
static inline void put(const char *s, size_t n) {
  memcpy(out_buf + out_len, s, n);
  out_len += n;
}
#define PUTS(lit) put(lit, sizeof(lit) - 1)
static inline void putz(const char *s) { put(s, strlen(s)); }
static inline void putc_(char c) { out_buf[out_len++] = c; }

static inline void put_u64(uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) out_buf[out_len++] = tmp[--n];
}

static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz";
static inline void put_b32(uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--) out_buf[out_len + (size_t)i] = b32[(v >> (5 * (digits - 1 - i))) & 31];
  out_len += (size_t)digits;
}

/* A bijection on 48-bit integers: distinct indexes give distinct ids, in an
 * order unrelated to creation (as with hashed or random ids). */
static inline uint64_t mix48(uint64_t x) {
  const uint64_t m = (1ull << 48) - 1;
  x = (x * 0x5DEECE66Dull + 0xB) & m; /* odd multiplier: invertible mod 2^48 */
  x ^= x >> 21;
  x = (x * 0x9E3779B97F4Bull) & m; /* odd */
  x ^= x >> 19;
  return x;
}

/* -------------------------------------------------------------- time -- */

static void civil(int64_t days, int *y, int *m, int *d) { /* H. Hinnant */
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static inline void put2(int v) {
  out_buf[out_len++] = (char)('0' + v / 10);
  out_buf[out_len++] = (char)('0' + v % 10);
}

static void put_date(int64_t days) {
  static int64_t cached = INT64_MIN;
  static char cbuf[10];
  if (days != cached) {
    int y, m, d;
    civil(days, &y, &m, &d);
    cbuf[0] = (char)('0' + y / 1000);
    cbuf[1] = (char)('0' + y / 100 % 10);
    cbuf[2] = (char)('0' + y / 10 % 10);
    cbuf[3] = (char)('0' + y % 10);
    cbuf[4] = '-';
    cbuf[5] = (char)('0' + m / 10);
    cbuf[6] = (char)('0' + m % 10);
    cbuf[7] = '-';
    cbuf[8] = (char)('0' + d / 10);
    cbuf[9] = (char)('0' + d % 10);
    cached = days;
  }
  put(cbuf, 10);
}

static int64_t floordiv(int64_t a, int64_t b) { return a / b - ((a % b) != 0 && ((a < 0) != (b < 0))); }

/* How an event writes its ts (the instant is the same whatever the form). */
enum { TS_SEC, TS_MILLI, TS_MICRO, TS_NANO };

/* Writes "YYYY-MM-DDTHH:MM:SS[.fff|.ffffff|.fffffffff](Z|+HH:MM)". */
static void put_ts(int64_t us, int form, int off_min, rng *r) {
  int64_t local = us + (int64_t)off_min * 60000000;
  int64_t secs = floordiv(local, 1000000);
  int64_t frac = local - secs * 1000000;
  int64_t days = floordiv(secs, 86400);
  int64_t sod = secs - days * 86400;
  put_date(days);
  putc_('T');
  put2((int)(sod / 3600));
  putc_(':');
  put2((int)(sod / 60 % 60));
  putc_(':');
  put2((int)(sod % 60));
  if (form != TS_SEC) {
    putc_('.');
    int digits = form == TS_MILLI ? 3 : 6;
    int64_t f = form == TS_MILLI ? frac / 1000 : frac;
    for (int i = digits - 1; i >= 0; i--) {
      out_buf[out_len + (size_t)i] = (char)('0' + f % 10);
      f /= 10;
    }
    out_len += (size_t)digits;
    if (form == TS_NANO) { /* extra digits the spec truncates */
      uint32_t x = rbelow(r, 1000);
      putc_((char)('0' + x / 100));
      putc_((char)('0' + x / 10 % 10));
      putc_((char)('0' + x % 10));
    }
  }
  if (off_min == 0) {
    putc_('Z');
  } else {
    int a = off_min < 0 ? -off_min : off_min;
    putc_(off_min < 0 ? '-' : '+');
    put2(a / 60);
    putc_(':');
    put2(a % 60);
  }
}

static int parse_time(const char *s, int64_t *us) { /* YYYY-MM-DDTHH:MM:SSZ only */
  int y, mo, d, h, mi, se;
  char z;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || (z != 'Z' && z != 'z'))
    return -1;
  *us = ((days_from_civil(y, mo, d) * 86400) + h * 3600 + mi * 60 + se) * 1000000ll;
  return 0;
}

/* ----------------------------------------------------------- regions -- */

typedef struct region {
  const char *cc;
  int weight; /* per 10,000 users with a known region */
  int lang;   /* index into langs[] */
} region;

enum { L_EN, L_ES, L_PT, L_DE, L_FR, L_IT, L_PL, L_NL, L_JA, L_RU, L_AR, L_HI, L_ID, L_TR, L_KO, L_SV, NLANG };
static const char *const lang_codes[NLANG] = {"en", "es", "pt", "de", "fr", "it", "pl", "nl",
                                              "ja", "ru", "ar", "hi", "id", "tr", "ko", "sv"};

/* EEA + GB is 2,520 of 10,000 (about a quarter); the rest follows the
 * large platforms' audience by country. */
static const region regions[] = {
    /* EEA (27 EU + IS LI NO) */
    {"DE", 420, L_DE}, {"FR", 380, L_FR}, {"IT", 330, L_IT}, {"ES", 300, L_ES}, {"PL", 200, L_PL},
    {"NL", 120, L_NL}, {"RO", 90, L_EN},  {"BE", 80, L_FR},  {"SE", 70, L_SV},  {"PT", 65, L_PT},
    {"GR", 60, L_EN},  {"CZ", 55, L_EN},  {"HU", 50, L_EN},  {"AT", 50, L_DE},  {"DK", 35, L_EN},
    {"FI", 35, L_EN},  {"IE", 35, L_EN},  {"SK", 30, L_EN},  {"BG", 30, L_EN},  {"HR", 20, L_EN},
    {"LT", 15, L_EN},  {"SI", 10, L_EN},  {"LV", 10, L_EN},  {"EE", 8, L_EN},   {"CY", 6, L_EN},
    {"LU", 5, L_FR},   {"MT", 4, L_EN},   {"NO", 35, L_EN},  {"IS", 3, L_EN},   {"LI", 2, L_DE},
    /* UK and neighbours */
    {"GB", 370, L_EN}, {"CH", 40, L_DE},
    /* the rest of the world */
    {"US", 1500, L_EN}, {"IN", 1100, L_HI}, {"BR", 750, L_PT}, {"ID", 500, L_ID}, {"MX", 400, L_ES},
    {"PH", 330, L_EN},  {"JP", 250, L_JA},  {"TR", 230, L_TR}, {"VN", 220, L_EN}, {"NG", 200, L_EN},
    {"EG", 170, L_AR},  {"TH", 160, L_EN},  {"PK", 150, L_EN}, {"BD", 140, L_EN}, {"CA", 140, L_EN},
    {"AR", 130, L_ES},  {"CO", 130, L_ES},  {"KR", 100, L_KO}, {"AU", 100, L_EN}, {"SA", 90, L_AR},
    {"MY", 80, L_EN},   {"ZA", 80, L_EN},   {"PE", 70, L_ES},  {"CL", 60, L_ES},  {"UA", 60, L_RU},
    {"RU", 60, L_RU},   {"MA", 50, L_FR},   {"KE", 40, L_EN},  {"NZ", 20, L_EN},  {"SG", 20, L_EN},
};
#define NREGIONS (sizeof regions / sizeof regions[0])
#define N_EEA 30 /* the first 30 rows */
#define R_GB 30
#define R_BR 34
#define R_US 32
static int region_cum[NREGIONS];
static int region_total;

static int pick_region(rng *r) {
  int x = (int)rbelow(r, (uint32_t)region_total);
  size_t lo = 0, hi = NREGIONS - 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (region_cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return (int)lo;
}

/* -------------------------------------------------------------- text -- */

/* Word lists per language.  Pieces are already JSON-escaped. */
static const char *const w_en[] = {
    "the", "a", "and", "to", "of", "in", "is", "it", "for", "on", "this", "with", "my", "today", "just",
    "really", "coffee", "weekend", "game", "team", "friends", "family", "love", "great", "new", "photo",
    "trip", "city", "morning", "night", "again", "finally", "people", "think", "know", "time", "work",
    "music", "book", "movie", "dog", "cat", "garden", "rain", "sunny", "beach", "dinner", "lunch",
    "birthday", "congrats", "anyone", "recommend", "best", "worst", "update", "launch", "project",
    "school", "kids", "weather", "traffic", "train", "flight", "election", "news", "match", "season"};
static const char *const w_es[] = {"el", "la", "de", "que", "y", "en", "un", "una", "por", "con", "hoy",
                                   "mañana", "familia", "amigos", "fútbol", "partido", "ciudad", "playa",
                                   "qué", "día", "está", "también", "año", "niños", "comida", "café",
                                   "música", "increíble", "gracias", "fin de semana", "calor", "lluvia"};
static const char *const w_pt[] = {"o", "a", "de", "que", "e", "em", "um", "uma", "com", "não", "hoje",
                                   "amanhã", "família", "amigos", "futebol", "jogo", "cidade", "praia",
                                   "você", "dia", "está", "também", "ano", "crianças", "comida", "café",
                                   "música", "incrível", "obrigado", "saudade", "coração", "São Paulo"};
static const char *const w_de[] = {"der", "die", "das", "und", "ist", "nicht", "mit", "heute", "morgen",
                                   "Wochenende", "Fußball", "Spiel", "Stadt", "Straße", "schön", "für",
                                   "über", "Grüße", "Bäckerei", "Kaffee", "Familie", "Freunde", "endlich",
                                   "wieder", "größer", "Mädchen", "Brötchen", "Zug", "Verspätung"};
static const char *const w_fr[] = {"le", "la", "les", "et", "est", "pas", "avec", "aujourd'hui", "demain",
                                   "week-end", "café", "été", "très", "déjà", "où", "ça", "enfants",
                                   "famille", "amis", "ville", "plage", "génial", "fête", "grève", "métro",
                                   "boulangerie", "chère", "première", "à bientôt"};
static const char *const w_it[] = {"il", "la", "che", "e", "di", "un", "per", "con", "oggi", "domani",
                                   "città", "perché", "più", "già", "caffè", "famiglia", "amici", "mare",
                                   "partita", "bellissimo", "pizza", "così", "è", "però", "giù"};
static const char *const w_pl[] = {"i", "w", "nie", "się", "na", "że", "jest", "dziś", "jutro", "miasto",
                                   "rodzina", "przyjaciele", "mecz", "pogoda", "żółć", "łódź", "świetnie",
                                   "dziękuję", "wakacje", "kawa", "śniadanie", "będzie"};
static const char *const w_nl[] = {"de", "het", "een", "en", "van", "is", "niet", "vandaag", "morgen",
                                   "fiets", "regen", "koffie", "gezellig", "weekend", "vrienden", "familie",
                                   "stad", "wedstrijd", "lekker", "eindelijk"};
static const char *const w_ja[] = {"今日は", "とても", "楽しい", "一日", "でした", "明日", "友達と",
                                   "ラーメン", "東京", "雨", "晴れ", "仕事", "写真", "ありがとう", "猫",
                                   "コーヒー", "週末", "映画", "新しい", "電車"};
static const char *const w_ru[] = {"и", "в", "не", "на", "я", "что", "сегодня", "завтра", "друзья",
                                   "семья", "город", "погода", "кофе", "работа", "выходные", "футбол",
                                   "спасибо", "отлично", "поезд", "новости"};
static const char *const w_ar[] = {"في", "من", "على", "اليوم", "غدا", "أصدقاء", "عائلة", "مدينة",
                                   "قهوة", "عمل", "شكرا", "جميل", "مباراة", "أخبار", "طقس"};
static const char *const w_hi[] = {"आज", "कल", "दोस्त", "परिवार", "शहर", "मौसम", "चाय", "काम",
                                   "धन्यवाद", "क्रिकेट", "मैच", "बहुत", "अच्छा", "है", "और", "today",
                                   "cricket", "match", "yaar", "bhai", "chai"};
static const char *const w_id[] = {"dan", "yang", "di", "ini", "itu", "hari", "besok", "teman",
                                   "keluarga", "kota", "cuaca", "kopi", "kerja", "terima kasih", "bagus",
                                   "sekali", "makan", "nasi goreng", "hujan", "macet"};
static const char *const w_tr[] = {"ve", "bir", "bu", "için", "çok", "bugün", "yarın", "arkadaşlar",
                                   "aile", "şehir", "hava", "kahve", "iş", "teşekkürler", "güzel", "maç",
                                   "değil", "ğ", "İstanbul", "öğle"};
static const char *const w_ko[] = {"오늘", "내일", "친구", "가족", "도시", "날씨", "커피", "일",
                                   "감사합니다", "좋아요", "정말", "그리고", "서울", "주말", "영화"};
static const char *const w_sv[] = {"och", "i", "att", "det", "som", "en", "på", "är", "idag", "imorgon",
                                   "vänner", "familj", "stad", "väder", "kaffe", "fika", "jobb", "tack",
                                   "härligt", "sjö", "öl", "Göteborg"};

typedef struct wordlist {
  const char *const *w;
  uint32_t n;
  uint8_t len[96];
} wordlist;

#define WL(a) {a, sizeof a / sizeof a[0], {0}}
static wordlist wordlists[NLANG] = {WL(w_en), WL(w_es), WL(w_pt), WL(w_de), WL(w_fr), WL(w_it),
                                    WL(w_pl), WL(w_nl), WL(w_ja), WL(w_ru), WL(w_ar), WL(w_hi),
                                    WL(w_id), WL(w_tr), WL(w_ko), WL(w_sv)};

/* Decorations, JSON-escaped: emoji, escapes that decode to non-ASCII, quotes,
 * line breaks, links, hashtags. */
static const char *const decor[] = {
    " 😂",     " 🎉",         " ❤️",      " 👍🏽",          " 🇧🇷", " \\ud83d\\ude00", " caf\\u00e9", "\\n",
    "\\n\\n",  " \\\"quoted\\\"", " https:\\/\\/example.com\\/x", " #tbt", " #monday", " @friend", "!",
    "?",       "...",         " — ",      " (edit: typo)", "\\t"};
#define NDECOR (sizeof decor / sizeof decor[0])

/* Chain "opt-out" notices (their wording varies in the wild; these are the
 * common waves: 2012 copyright, 2021 rename, 2024 Goodbye Meta AI). */
static const char *const notices[] = {
    "Goodbye Meta AI. I do not give Meta or anyone else permission to use any of my personal data, profile "
    "information or photos. An attorney has advised us to post this. If you do not post at least once it "
    "will be assumed you are OK with them using your information and photos.",
    "Goodbye Meta AI 🚫 I do not give Meta permission to use my pictures, my posts or my personal data. "
    "Copy and paste, don't share!",
    "I do not give Facebook or any entities associated with Facebook permission to use my pictures, "
    "information, messages or posts, both past and future. By this statement, I give notice to Facebook it "
    "is strictly forbidden to disclose, copy, distribute, or take any other action against me based on "
    "this profile and\\/or its contents. UCC 1-308 and the Rome Statute.",
    "Don't forget tomorrow starts the new Facebook rule (aka... new name, META) where they can use your "
    "photos. Don't forget the deadline is today! I do not give Facebook or Meta permission to use my "
    "pictures or posts. Hold your finger anywhere in this post and click copy.",
    "Adeus Meta AI. Não autorizo a Meta a usar meus dados pessoais, minhas fotos ou publicações. Um "
    "advogado nos aconselhou a publicar isto. Copie e cole.",
    "Adiós Meta AI. No doy permiso a Meta para usar mis fotos, mis datos personales ni mis publicaciones. "
    "Copia y pega.",
    "#goodbyemetaAI I do not authorize Meta to use my photos, drawings, paintings, texts. Tacitly allowing "
    "it is not an option: post a statement!",
};
#define NNOTICES (sizeof notices / sizeof notices[0])

static int pick_len(rng *r) {
  double u = runif(r);
  if (u < 0.70) return 40 + (int)rbelow(r, 160);      /* 40-199 */
  if (u < 0.93) return 200 + (int)rbelow(r, 200);     /* 200-399 */
  if (u < 0.99) return 400 + (int)rbelow(r, 1600);    /* 400-1999 */
  if (u < 0.9995) return 2000 + (int)rbelow(r, 6000); /* 2000-7999 */
  return 8000 + (int)rbelow(r, 56000);                /* up to 64 KB: long reads */
}

/* Writes a JSON string body of about `len` bytes in language `lang`. */
static void put_text(rng *r, int lang, int len) {
  const wordlist *wl = &wordlists[lang];
  size_t start = out_len;
  bool cap = true;
  while (out_len - start < (size_t)len) {
    uint32_t k = rbelow(r, wl->n);
    if (out_len != start) putc_(' ');
    if (cap && wl->w[k][0] >= 'a' && wl->w[k][0] <= 'z') {
      putc_((char)(wl->w[k][0] - 32));
      put(wl->w[k] + 1, wl->len[k] - 1u);
    } else {
      put(wl->w[k], wl->len[k]);
    }
    cap = false;
    uint32_t x = rbelow(r, 64);
    if (x < 6) {
      putc_(x < 4 ? '.' : ',');
      cap = x < 4;
    } else if (x == 6) {
      putz(decor[rbelow(r, NDECOR)]);
    }
  }
}

/* ------------------------------------------------------------- model -- */

/* Fenwick tree over per-user activity weights: sampling a user in
 * proportion to its weight costs O(log U); a deleted user gets weight 0. */
typedef struct fenwick {
  uint64_t *t;
  uint32_t n;
} fenwick;

static void fw_add(fenwick *f, uint32_t i, int64_t d) {
  for (uint32_t k = i + 1; k <= f->n; k += k & (-k)) f->t[k] = (uint64_t)((int64_t)f->t[k] + d);
}
static uint32_t fw_find(const fenwick *f, uint64_t x) { /* smallest i with prefix(i) > x */
  uint32_t pos = 0, step = 1;
  while (step * 2 <= f->n) step *= 2;
  for (; step; step /= 2)
    if (pos + step <= f->n && f->t[pos + step] <= x) {
      pos += step;
      x -= f->t[pos];
    }
  return pos;
}

typedef struct user {
  uint32_t weight;
  uint32_t partner; /* 1 + the account it was last linked with; 0: never linked */
  int16_t region;   /* -1: unknown */
  uint16_t nlinks;  /* links in force */
  uint8_t lang;
  bool deleted, private_, did; /* did: id in the "did:plc:" form */
} user;

typedef struct post {
  uint32_t user;
  uint8_t form;  /* id form */
  bool deleted;
  bool keep;     /* a storm post: never edited, hidden or deleted (but its root, once) */
  uint8_t depth; /* ancestors when it was written (saturating at 255); 0: not a reply */
} post;

/* A link in force: the two accounts (indexes). */
typedef struct ulink {
  uint32_t a, b;
} ulink;

enum { ID_PLAIN, ID_UPPER, ID_AT, ID_NONASCII };

static void put_user_id(const user *u, uint32_t i) {
  if (u->did) {
    PUTS("did:plc:");
    put_b32(mix48(i ^ 0x5a5a5a), 10);
    put_b32(mix48(i), 10);
  } else {
    putc_('u');
    put_b32(mix48(i), 10);
  }
}

static void put_post_id(const post *p, uint32_t i, const user *users) {
  switch (p->form) {
  case ID_UPPER:
    PUTS("P-");
    put_b32(mix48(i), 10);
    break;
  case ID_AT:
    PUTS("at://");
    put_user_id(&users[p->user], p->user);
    PUTS("/app.bsky.feed.post/");
    put_b32(mix48(i), 13);
    break;
  case ID_NONASCII:
    PUTS("ñ-");
    put_b32(mix48(i), 10);
    break;
  default:
    putc_('p');
    put_b32(mix48(i), 10);
  }
}

/* An account that was never known (mentions may name one): ids from a
 * range of indexes that no account gets. */
static void put_unknown_user(rng *r) {
  putc_('u');
  put_b32(mix48((1ull << 40) + rbelow(r, 1u << 16)), 10);
}

/* Whom a post mentions: mostly active accounts, some anyone (deleted ones
 * too), a few the author itself, its linked account or an account never
 * known (UINT32_MAX). */
static uint32_t pick_mention(rng *r, const user *users, uint32_t nusers, const fenwick *fw, uint64_t tw,
                             uint32_t author) {
  uint32_t x = rbelow(r, 100);
  if (x < 3) return author;
  if (x < 8 && users[author].partner) return users[author].partner - 1;
  if (x >= 8 && x < 12) return UINT32_MAX;
  if (x < 80 && tw) return fw_find(fw, (rnext(r) >> 11) % tw); /* an account without a link: 73% */
  return rbelow(r, nusers);
}

/* ,"mentions":[...] with 1-3 accounts (1% of them repeated); `first`, when
 * not UINT32_MAX, is the first one (a reply mentioning the parent's author). */
static void put_mentions(rng *r, const user *users, uint32_t nusers, const fenwick *fw, uint64_t tw,
                         uint32_t author, uint32_t first) {
  uint32_t nx = rbelow(r, 100);
  int n = nx < 60 ? 1 : nx < 88 ? 2 : 3;
  uint32_t prev = UINT32_MAX;
  PUTS(",\"mentions\":[");
  for (int i = 0; i < n; i++) {
    uint32_t m;
    if (i == 0 && first != UINT32_MAX) m = first;
    else if (i > 0 && prev != UINT32_MAX && rbelow(r, 100) < 1) m = prev;
    else m = pick_mention(r, users, nusers, fw, tw, author);
    if (i) putc_(',');
    putc_('"');
    if (m == UINT32_MAX) put_unknown_user(r);
    else put_user_id(&users[m], m);
    putc_('"');
    prev = m;
  }
  putc_(']');
}

/* Whether a and b are linked (a scan, only when both have links: rare). */
static bool is_linked(const ulink *links, uint64_t n, const user *users, uint32_t a, uint32_t b) {
  if (!users[a].nlinks || !users[b].nlinks) return false;
  for (uint64_t i = 0; i < n; i++)
    if ((links[i].a == a && links[i].b == b) || (links[i].a == b && links[i].b == a)) return true;
  return false;
}

/* The event mix, per 10,000 events after new-account events. */
enum { E_POST, E_EDIT, E_VIS, E_DELETE, E_ACCOUNT, E_PREF, E_ACCDEL, E_LINK, E_UNLINK, E_N };
static const int mix_weights[E_N] = {6986, 1050, 550, 450, 450, 460, 40, 12, 2};
static const char *const mix_names[E_N] = {"post", "edit", "visibility", "delete", "account", "preference",
                                           "account_delete", "link", "unlink"};
#define NEW_USER_PER_10K 350 /* a new account's first event */

static void usage(void) {
  fprintf(stderr,
          "usage: licit-gen --seed S --events N [--start T] [--end T] [--random-ids] [--stats]\n"
          "  writes N native events (JSON Lines) to standard output, in time order;\n"
          "  T is YYYY-MM-DDTHH:MM:SSZ (defaults 2019-01-01T00:00:00Z, 2025-10-01T00:00:00Z);\n"
          "  event ids count up (e<seed>-1, -2, ...), or with --random-ids are 16 hex digits\n"
          "  in no order (as UUIDs are), the events otherwise the same;\n"
          "  --stats prints the event mix to standard error\n");
  exit(2);
}

int main(int argc, char **argv) {
  uint64_t seed = 1, nev = 1000;
  int64_t start, end;
  bool stats = false, random_ids = false;
  parse_time("2019-01-01T00:00:00Z", &start);
  parse_time("2025-10-01T00:00:00Z", &end);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--stats")) {
      stats = true;
      continue;
    }
    if (!strcmp(a, "--random-ids")) {
      random_ids = true;
      continue;
    }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    char *e;
    if (!strcmp(a, "--seed")) {
      seed = strtoull(v, &e, 10);
      if (*e) usage();
    } else if (!strcmp(a, "--events")) {
      nev = strtoull(v, &e, 10);
      if (*e || nev == 0 || nev > 4000000000ull) usage();
    } else if (!strcmp(a, "--start")) {
      if (parse_time(v, &start)) usage();
    } else if (!strcmp(a, "--end")) {
      if (parse_time(v, &end)) usage();
    } else {
      usage();
    }
  }
  if (end <= start) usage();
  if (isatty(STDOUT_FILENO)) {
    fprintf(stderr, "licit-gen: refusing to write to a terminal; redirect to a file\n");
    return 2;
  }

  rng R;
  uint64_t sm = seed * 0x9E3779B97F4A7C15ull + 12345;
  for (int i = 0; i < 4; i++) R.s[i] = splitmix(&sm);
  rng *r = &R;

  for (size_t i = 0; i < NREGIONS; i++) {
    region_total += regions[i].weight;
    region_cum[i] = region_total;
  }
  for (int l = 0; l < NLANG; l++)
    for (uint32_t k = 0; k < wordlists[l].n; k++) wordlists[l].len[k] = (uint8_t)strlen(wordlists[l].w[k]);

  out_buf = malloc(OUT_CAP);
  uint32_t ucap = (uint32_t)(nev * NEW_USER_PER_10K / 10000 * 5 / 4 + 1024);
  uint64_t pcap = nev * 3 / 4 + 1024;
  user *users = calloc(ucap, sizeof *users);
  post *posts = calloc(pcap, sizeof *posts);
  fenwick fw = {calloc((size_t)ucap + 1, sizeof(uint64_t)), ucap};
  if (!out_buf || !users || !posts || !fw.t) {
    fprintf(stderr, "licit-gen: out of memory\n");
    return 1;
  }
  uint64_t lcap = nev / 400 + 64;
  ulink *links = malloc(lcap * sizeof *links); /* the links in force */
  if (!links) {
    fprintf(stderr, "licit-gen: out of memory\n");
    return 1;
  }
  uint64_t nlinks = 0;
  uint32_t nusers = 0, live_users = 0;
  uint64_t nposts = 0, total_weight = 0;
  /* Threads.  Conversations: NCONV reply chains, each reply continuing one
   * at its tip.  Forward references: a reply whose parent is written up to
   * 300 posts later (fwd_target = 1 + that post's index, fwd_from = 1 + the
   * reply); the parent sometimes replies to it (a loop).  Storms: the bot
   * (account 0, public, US) writes chains of 80-160 public replies to
   * itself that nobody edits, hides or deletes; when one ends, its root is
   * hidden or deleted, so the thread walk's cap of 100 ancestors decides. */
  enum { NCONV = 32, FWD_RING = 512 };
  uint64_t conv[NCONV] = {0};
  uint64_t fwd_target[FWD_RING] = {0}, fwd_from[FWD_RING] = {0};
  uint64_t storm_tip = 0, storm_root = 0, storm_left = 0, hide_vis = 0, hide_del = 0;
  uint64_t n_reply = 0, n_reply_conv = 0, n_reply_later = 0, n_reply_never = 0, n_loop = 0, n_storm = 0;
  uint64_t n_storms = 0, n_deep10 = 0, n_deep100 = 0, n_mention_posts = 0, n_mention_edits = 0;
  uint64_t n_unlink_none = 0;
  unsigned max_depth = 0;
  int mix_cum[E_N], mix_total = 0;
  for (int i = 0; i < E_N; i++) mix_cum[i] = (mix_total += mix_weights[i]);
  uint64_t count[E_N + 1] = {0};
  uint64_t n_notice = 0, n_sig = 0, n_minor_birth = 0;
  char idpre[8];
  for (int i = 0; i < 4; i++) idpre[i] = b32[(seed >> (5 * i)) & 31];

  const double span = (double)(end - start);
  int64_t prev = start;
  static const int offsets[] = {60, 120, -300, 330, 540, -180, -480, 180};

  for (uint64_t ei = 0; ei < nev; ei++) {
    out_room();
    /* Time: the platform grows, so events are denser later: the i-th event
     * sits at start + span * (0.4 x + 0.6 sqrt(x)), x = i/N, plus jitter. */
    double x = (double)ei / (double)nev;
    double f = 0.4 * x + 0.6 * sqrt(x);
    int64_t base = start + (int64_t)(span * f);
    int64_t gap = (int64_t)(span / (double)nev) + 1;
    int64_t ts = base + (int64_t)(runif(r) * (double)gap);
    if (ts < prev) ts = prev;
    uint32_t fx = rbelow(r, 1000);
    int form = fx < 850 ? TS_SEC : fx < 920 ? TS_MILLI : fx < 990 ? TS_MICRO : TS_NANO;
    if (form == TS_SEC) ts = (ts + 999999) / 1000000 * 1000000;
    else if (form == TS_MILLI) ts = (ts + 999) / 1000 * 1000;
    if (ts > end) ts = end; /* end is a whole second: any form can write it */
    prev = ts;
    int off = rbelow(r, 100) < 5 ? offsets[rbelow(r, 8)] : 0;

    /* What happens. */
    int kind;
    bool new_user = live_users == 0 || (rbelow(r, 10000) < NEW_USER_PER_10K && nusers < ucap);
    if (new_user) {
      kind = -1;
    } else {
      int k = (int)rbelow(r, (uint32_t)mix_total);
      kind = 0;
      while (mix_cum[kind] <= k) kind++;
    }

    /* Events on posts need a live post: mostly a recent one. */
    uint64_t pi = 0;
    if (kind == E_EDIT || kind == E_VIS || kind == E_DELETE) {
      bool found = (kind == E_VIS && hide_vis) || (kind == E_DELETE && hide_del);
      for (int tries = 0; tries < 8 && nposts && !found; tries++) {
        if (rbelow(r, 100) < 70) {
          uint64_t back = rbelow(r, nposts < 20000 ? (uint32_t)nposts : 20000);
          pi = nposts - 1 - back;
        } else {
          pi = ((rnext(r) >> 11) % nposts);
        }
        found = !posts[pi].deleted && !posts[pi].keep && !users[posts[pi].user].deleted;
      }
      if (!found) kind = E_POST;
    }
    /* A storm's root is hidden or deleted by the next such event. */
    if (kind == E_VIS && hide_vis) pi = hide_vis - 1;
    if (kind == E_DELETE && hide_del) pi = hide_del - 1;

    /* Links: two live accounts not linked yet, the second mostly a recent
     * one (a second profile), sometimes one already linked (a person of
     * three or more accounts).  Unlinks: mostly a link in force, a few a
     * pair that is not linked (a no-op). */
    uint32_t la = 0, lb = 0;
    uint64_t li = UINT64_MAX;
    if (kind == E_LINK) {
      bool ok = false;
      for (int tries = 0; tries < 8 && !ok && nlinks < lcap; tries++) {
        la = rbelow(r, 2) ? fw_find(&fw, (rnext(r) >> 11) % total_weight) : rbelow(r, nusers);
        uint32_t lx = rbelow(r, 100);
        if (lx < 55) lb = nusers - 1 - rbelow(r, nusers < 300 ? nusers : 300);
        else if (lx < 85 || !nlinks) lb = rbelow(r, nusers);
        else lb = rbelow(r, 2) ? links[rbelow(r, (uint32_t)nlinks)].a : links[rbelow(r, (uint32_t)nlinks)].b;
        ok = la != lb && !users[la].deleted && !users[lb].deleted && !is_linked(links, nlinks, users, la, lb);
      }
      if (!ok) kind = E_ACCOUNT;
    } else if (kind == E_UNLINK) {
      bool ok = false;
      if (rbelow(r, 100) < 5) {
        la = rbelow(r, nusers);
        lb = rbelow(r, nusers);
        ok = la != lb && !users[la].deleted && !users[lb].deleted && !is_linked(links, nlinks, users, la, lb);
      } else {
        for (int tries = 0; tries < 8 && !ok && nlinks; tries++) {
          li = rbelow(r, (uint32_t)nlinks);
          la = links[li].a;
          lb = links[li].b;
          ok = !users[la].deleted && !users[lb].deleted;
        }
        if (!ok) li = UINT64_MAX;
      }
      if (!ok) kind = E_ACCOUNT;
    }

    /* An account deletion needs a live user that is not the last one (and
     * not the bot). */
    uint32_t ui = 0;
    if (kind == E_ACCDEL && live_users < 2) kind = E_ACCOUNT;
    if (kind == E_POST || kind == E_ACCDEL) {
      ui = fw_find(&fw, (rnext(r) >> 11) % total_weight);
      if (kind == E_ACCDEL && ui == 0) kind = E_POST;
    } else if (kind == E_ACCOUNT || kind == E_PREF) {
      /* Settings changes come from anyone, activity barely matters;
       * objections come mostly from the regions that offer them. */
      for (int tries = 0; tries < 16; tries++) {
        ui = rbelow(r, nusers);
        if (users[ui].deleted) continue;
        if (kind != E_PREF || tries >= 3) break;
        int rg = users[ui].region;
        if (rg >= 0 && (rg < N_EEA || rg == R_GB || rg == R_BR)) break;
      }
      if (users[ui].deleted) ui = fw_find(&fw, (rnext(r) >> 11) % total_weight);
    }

    PUTS("{\"id\":\"e");
    put(idpre, 4);
    putc_('-');
    if (random_ids) {
      /* SplitMix64 of the count, a bijection: distinct, in no order, no draw from r. */
      uint64_t at = ei * 0x9e3779b97f4a7c15ull + seed, h = splitmix(&at);
      for (int k = 60; k >= 0; k -= 4) putc_("0123456789abcdef"[(h >> k) & 15]);
    } else {
      put_u64(ei + 1);
    }
    PUTS("\",\"type\":\"");

    if (new_user) {
      ui = nusers++;
      user *u = &users[ui];
      double uw = 1.0 - runif(r);
      double w = 10.0 * pow(uw, -1.0 / 1.1); /* Pareto: a few accounts post a lot */
      u->weight = w > 200000 ? 200000 : (uint32_t)w;
      u->did = rbelow(r, 100) < 5;
      fw_add(&fw, ui, u->weight);
      total_weight += u->weight;
      live_users++;
      uint32_t rx = rbelow(r, 100);
      bool bot = ui == 0; /* the storms' author: public, in the US, never deleted */
      if (bot) rx = 0, u->did = false;
      u->region = rx < 92 ? (int16_t)pick_region(r) : -1;
      if (bot) u->region = R_US;
      u->lang = u->region >= 0 ? (uint8_t)regions[u->region].lang : L_EN;
      if (rbelow(r, 100) < 15) u->lang = L_EN;
      if (rx < 97) { /* most accounts start with a settings event */
        count[E_ACCOUNT]++;
        PUTS("account\",\"ts\":\"");
        put_ts(ts, form, off, r);
        PUTS("\",\"user\":\"");
        put_user_id(u, ui);
        putc_('"');
        if (u->region >= 0) {
          PUTS(",\"region\":\"");
          put(regions[u->region].cc, 2);
          putc_('"');
        } else if (rx < 95) {
          PUTS(",\"region\":\"\"");
        }
        if (rbelow(r, 100) < 60 && !bot) {
          int y, m, d;
          civil(floordiv(ts, 86400000000ll), &y, &m, &d);
          /* 8%: a minor when the account opens (13-17) */
          int age = rbelow(r, 100) < 8 ? 13 + (int)rbelow(r, 5) : 18 + (int)rbelow(r, 55);
          int64_t bd = days_from_civil(y - age, 1 + (int)rbelow(r, 12), 1) - (int64_t)rbelow(r, 300);
          if (age < 18) n_minor_birth++;
          PUTS(",\"birth_date\":\"");
          put_date(bd);
          putc_('"');
        }
        if (rbelow(r, 100) < 4 && !bot) {
          u->private_ = true;
          PUTS(",\"private\":true");
        }
        PUTS("}\n");
        continue;
      }
      kind = E_POST; /* the account's first event is a post (no settings yet) */
    }

    count[kind]++;
    switch (kind) {
    case E_POST: {
      if (nposts == pcap) {
        fprintf(stderr, "licit-gen: internal: post capacity\n");
        return 1;
      }
      pi = nposts++;
      bool storm = !new_user && nusers > 1 && rbelow(r, 1000) < 10;
      if (storm) ui = 0;
      post *p = &posts[pi];
      p->user = ui;
      /* A post that an earlier reply named as its parent. */
      bool fwd = fwd_target[pi % FWD_RING] == pi + 1;
      uint64_t fwd_src = fwd ? fwd_from[pi % FWD_RING] : 0;
      if (fwd) fwd_target[pi % FWD_RING] = 0;
      uint32_t fr = rbelow(r, 100);
      p->form = fwd ? ID_PLAIN : fr < 90 ? ID_PLAIN : fr < 94 ? ID_UPPER : fr < 99 ? ID_AT : ID_NONASCII;
#define LIVE_POST(c) (!posts[c].deleted && !users[posts[c].user].deleted)
      enum { PAR_NONE, PAR_POST, PAR_LATER, PAR_NEVER } pk = PAR_NONE;
      uint64_t par = 0;
      if (storm) {
        p->keep = true;
        n_storm++;
        if (storm_left == 0) { /* a new storm: this is its root */
          storm_root = pi + 1;
          storm_left = 80 + rbelow(r, 81);
          n_storms++;
        } else {
          pk = PAR_POST;
          par = storm_tip - 1;
        }
        storm_tip = pi + 1;
        if (--storm_left == 0) {
          if (rbelow(r, 2)) hide_vis = storm_root;
          else hide_del = storm_root;
        }
      } else if (fwd && rbelow(r, 100) < 10 && LIVE_POST(fwd_src - 1)) {
        pk = PAR_POST; /* replying to the reply that named it: a loop */
        par = fwd_src - 1;
        n_loop++;
      } else if (rbelow(r, 1000) < 293) { /* a reply */
        uint32_t rx = rbelow(r, 1000);
        if (rx < 5) {
          pk = PAR_NEVER;
        } else if (rx < 20) {
          uint64_t t = pi + 1 + rbelow(r, 300);
          if (!fwd_target[t % FWD_RING]) {
            fwd_target[t % FWD_RING] = t + 1;
            fwd_from[t % FWD_RING] = pi + 1;
            pk = PAR_LATER;
            par = t;
          }
        }
        int cs = -1;
        if (pk == PAR_NONE && rx >= 20 && rx < 450) { /* continuing a conversation */
          cs = (int)rbelow(r, NCONV);
          if (conv[cs] && LIVE_POST(conv[cs] - 1)) {
            pk = PAR_POST;
            par = conv[cs] - 1;
            n_reply_conv++;
          }
        }
        for (int tries = 0; pk == PAR_NONE && tries < 4 && pi; tries++) { /* mostly a recent post */
          uint64_t c = rbelow(r, 100) < 75 ? pi - 1 - rbelow(r, pi < 3000 ? (uint32_t)pi : 3000)
                                            : (rnext(r) >> 11) % pi;
          if (LIVE_POST(c)) {
            pk = PAR_POST;
            par = c;
          }
        }
        if (cs >= 0) conv[cs] = pk == PAR_POST && rbelow(r, 8) ? pi + 1 : 0; /* 1 in 8 ends */
      }
#undef LIVE_POST
      if (pk != PAR_NONE) {
        n_reply++;
        n_reply_later += pk == PAR_LATER;
        n_reply_never += pk == PAR_NEVER;
        unsigned dp = pk == PAR_POST ? posts[par].depth + 1u : 1u;
        p->depth = (uint8_t)(dp > 255 ? 255 : dp);
        if (dp > max_depth) max_depth = dp;
        n_deep10 += dp >= 10;
        n_deep100 += dp > 100;
      }
      const user *u = &users[ui];
      PUTS("post\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"post\":\"");
      put_post_id(p, (uint32_t)pi, users);
      PUTS("\",\"user\":\"");
      put_user_id(u, ui);
      if (pk != PAR_NONE) {
        PUTS("\",\"parent\":\"");
        if (pk == PAR_POST) {
          put_post_id(&posts[par], (uint32_t)par, users);
        } else { /* the plain form: a post written later, or never (an index no post gets) */
          putc_('p');
          put_b32(mix48(pk == PAR_LATER ? par : (1ull << 41) + rbelow(r, 1u << 20)), 10);
        }
      }
      uint32_t vx = rbelow(r, 100);
      PUTS("\",\"visibility\":\"");
      if (storm) PUTS("public\"");
      else if (u->private_ || vx >= 95) PUTS("private\"");
      else if (vx < 78) PUTS("public\"");
      else if (vx < 84) PUTS("unlisted\"");
      else PUTS("followers\"");
      uint32_t kx = rbelow(r, 100);
      if (kx < 60) {
        /* kind omitted: the default "post" */
      } else if (kx < 70) {
        PUTS(",\"kind\":\"post\"");
      } else if (kx < 90) {
        PUTS(",\"kind\":\"comment\"");
      } else if (kx < 96) {
        PUTS(",\"kind\":\"photo\"");
      } else {
        PUTS(",\"kind\":\"video\"");
      }
      int lang = rbelow(r, 100) < 80 ? u->lang : L_EN;
      if (rbelow(r, 100) < 85) {
        PUTS(",\"lang\":\"");
        putz(lang_codes[lang]);
        putc_('"');
      }
      uint32_t tx = rbelow(r, 10000);
      if (tx < 25) {
        n_notice++;
        PUTS(",\"text\":\"");
        putz(notices[rbelow(r, NNOTICES)]);
        putc_('"');
      } else if (tx < 40) {
        /* text omitted: "" (a photo without caption) */
      } else {
        PUTS(",\"text\":\"");
        put_text(r, lang, pick_len(r));
        putc_('"');
      }
      uint32_t sx = rbelow(r, 1000);
      if (sx < 15) {
        n_sig++;
        PUTS(",\"signals\":[\"noai\"]");
      } else if (sx < 18) {
        n_sig++;
        PUTS(",\"signals\":[\"noimageai\",\"noai\"]");
      } else if (sx < 20) {
        PUTS(",\"signals\":[\"nsfw\"]");
      } else if (sx < 25) {
        PUTS(",\"signals\":[]");
      }
      if (rbelow(r, 100) < 20) { /* mentions; a reply's first is often the parent's author */
        n_mention_posts++;
        uint32_t first = pk == PAR_POST && rbelow(r, 2) ? posts[par].user : UINT32_MAX;
        put_mentions(r, users, nusers, &fw, total_weight, ui, first);
      }
      if (rbelow(r, 100) < 5) PUTS(",\"client\":\"web\",\"geo\":null"); /* unknown fields */
      break;
    }
    case E_EDIT: {
      const post *p = &posts[pi];
      PUTS("edit\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"post\":\"");
      put_post_id(p, (uint32_t)pi, users);
      PUTS("\",\"text\":\"");
      put_text(r, users[p->user].lang, pick_len(r));
      putc_('"');
      uint32_t sx = rbelow(r, 100);
      if (sx < 6) {
        n_sig++;
        PUTS(",\"signals\":[\"noai\"]");
      } else if (sx < 9) {
        PUTS(",\"signals\":[]");
      } else if (sx < 10) {
        PUTS(",\"signals\":[\"nsfw\"]");
      }
      uint32_t mx = rbelow(r, 100);
      if (mx < 8) { /* replacing the mentions: clearing them, or others */
        n_mention_edits++;
        if (mx < 3) PUTS(",\"mentions\":[]");
        else put_mentions(r, users, nusers, &fw, total_weight, p->user, UINT32_MAX);
      }
      break;
    }
    case E_VIS: {
      const post *p = &posts[pi];
      PUTS("visibility\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"post\":\"");
      put_post_id(p, (uint32_t)pi, users);
      uint32_t vx = rbelow(r, 100);
      if (hide_vis) { /* a storm's root goes to followers only */
        vx = 60;
        hide_vis = 0;
      }
      PUTS("\",\"visibility\":\"");
      if (vx < 35) PUTS("public\"");
      else if (vx < 50) PUTS("unlisted\"");
      else if (vx < 75) PUTS("followers\"");
      else PUTS("private\"");
      break;
    }
    case E_DELETE: {
      post *p = &posts[pi];
      p->deleted = true;
      hide_del = 0;
      PUTS("delete\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"post\":\"");
      put_post_id(p, (uint32_t)pi, users);
      putc_('"');
      break;
    }
    case E_ACCOUNT: {
      user *u = &users[ui];
      PUTS("account\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"user\":\"");
      put_user_id(u, ui);
      putc_('"');
      uint32_t ax = rbelow(r, 100);
      if (ui == 0) ax = 0; /* the bot stays public where it is */
      if (ax < 40 || ax >= 85) { /* going private or public again */
        u->private_ = u->private_ ? rbelow(r, 100) < 30 : rbelow(r, 100) < 60;
        if (ui == 0) u->private_ = false;
        PUTS(",\"private\":");
        if (u->private_) PUTS("true");
        else PUTS("false");
      }
      if ((ax >= 40 && ax < 65) || ax >= 95) { /* moving, or the region becoming known */
        u->region = (int16_t)pick_region(r);
        PUTS(",\"region\":\"");
        put(regions[u->region].cc, 2);
        putc_('"');
      }
      if (ax >= 65 && ax < 95) { /* a birth date given or corrected */
        int y, m, d;
        civil(floordiv(ts, 86400000000ll), &y, &m, &d);
        int age = rbelow(r, 100) < 15 ? 13 + (int)rbelow(r, 6) : 18 + (int)rbelow(r, 55);
        if (age < 18) n_minor_birth++;
        PUTS(",\"birth_date\":\"");
        put_date(days_from_civil(y - age, 1, 1) + (int64_t)rbelow(r, 365));
        putc_('"');
      }
      break;
    }
    case E_PREF: {
      user *u = &users[ui];
      PUTS("preference\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"user\":\"");
      put_user_id(u, ui);
      uint32_t px = rbelow(r, 100);
      int rg = u->region;
      bool choice = rg >= 0 && (rg < N_EEA || rg == R_GB || rg == R_BR);
      if (px < (choice ? 75u : 45u)) PUTS("\",\"ai_training\":\"deny\"");
      else if (px < (choice ? 82u : 65u)) PUTS("\",\"ai_training\":\"allow\"");
      else PUTS("\",\"ai_training\":\"unset\"");
      break;
    }
    case E_ACCDEL: {
      user *u = &users[ui];
      u->deleted = true;
      fw_add(&fw, ui, -(int64_t)u->weight);
      total_weight -= u->weight;
      live_users--;
      PUTS("account_delete\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"user\":\"");
      put_user_id(u, ui);
      putc_('"');
      break;
    }
    case E_LINK:
    case E_UNLINK: {
      if (kind == E_LINK) {
        links[nlinks++] = (ulink){la, lb};
        users[la].nlinks++;
        users[lb].nlinks++;
        users[la].partner = lb + 1;
        users[lb].partner = la + 1;
      } else if (li != UINT64_MAX) {
        users[la].nlinks--;
        users[lb].nlinks--;
        links[li] = links[--nlinks];
      } else {
        n_unlink_none++;
      }
      if (rbelow(r, 2)) { /* links are symmetric: either may name the other */
        uint32_t t = la;
        la = lb;
        lb = t;
      }
      if (kind == E_LINK) PUTS("link\",\"ts\":\"");
      else PUTS("unlink\",\"ts\":\"");
      put_ts(ts, form, off, r);
      PUTS("\",\"user\":\"");
      put_user_id(&users[la], la);
      PUTS("\",\"with\":\"");
      put_user_id(&users[lb], lb);
      putc_('"');
      break;
    }
    }
    PUTS("}\n");
  }
  out_flush();
  if (stats) {
    fprintf(stderr, "licit-gen: %llu events, %u users (%u deleted), %llu posts\n", (unsigned long long)nev,
            nusers, nusers - live_users, (unsigned long long)nposts);
    for (int i = 0; i < E_N; i++)
      fprintf(stderr, "  %-15s %10llu  %5.1f%%\n", mix_names[i], (unsigned long long)count[i],
              100.0 * (double)count[i] / (double)nev);
    fprintf(stderr, "  opt-out notices %10llu, events with noai %llu, birth dates of minors %llu\n",
            (unsigned long long)n_notice, (unsigned long long)n_sig, (unsigned long long)n_minor_birth);
    uint64_t heavy = 0, max = 0;
    for (uint32_t i = 0; i < nusers; i++) {
      if (users[i].weight > max) max = users[i].weight;
      if (users[i].weight >= 1000) heavy++;
    }
    fprintf(stderr, "  users with activity weight >= 100x the minimum: %llu; heaviest: %llux\n",
            (unsigned long long)heavy, (unsigned long long)(max / 10));
    double np = nposts ? (double)nposts : 1;
    fprintf(stderr,
            "  replies %llu (%.1f%% of posts): continuing a conversation %llu, parent written later %llu "
            "(parent replying back: %llu loops), parent never written %llu; storms %llu (%llu posts)\n",
            (unsigned long long)n_reply, 100.0 * (double)n_reply / np, (unsigned long long)n_reply_conv,
            (unsigned long long)n_reply_later, (unsigned long long)n_loop, (unsigned long long)n_reply_never,
            (unsigned long long)n_storms, (unsigned long long)n_storm);
    fprintf(stderr, "  thread depth when written: max %u, >= 10 ancestors %llu, > 100 ancestors %llu\n", max_depth,
            (unsigned long long)n_deep10, (unsigned long long)n_deep100);
    fprintf(stderr, "  posts with mentions %llu (%.1f%% of posts), edits replacing mentions %llu\n",
            (unsigned long long)n_mention_posts, 100.0 * (double)n_mention_posts / np,
            (unsigned long long)n_mention_edits);
    uint64_t linked = 0, ever = 0, cross = 0;
    for (uint32_t i = 0; i < nusers; i++) {
      linked += users[i].nlinks > 0;
      ever += users[i].partner > 0;
    }
    for (uint64_t i = 0; i < nlinks; i++) cross += users[links[i].a].region != users[links[i].b].region;
    fprintf(stderr,
            "  accounts linked at the end %llu (%.1f%% of accounts; ever linked %llu), links in force %llu "
            "(%llu across regions), unlinks of pairs not linked %llu\n",
            (unsigned long long)linked, 100.0 * (double)linked / (nusers ? nusers : 1), (unsigned long long)ever,
            (unsigned long long)nlinks, (unsigned long long)cross, (unsigned long long)n_unlink_none);
  }
  free(out_buf);
  free(users);
  free(posts);
  free(fw.t);
  free(links);
  return 0;
}
