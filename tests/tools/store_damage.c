/* store_damage — damages a licit store on purpose, for the tests that check
 * that damage is reported and never read as an answer (tests/server,
 * tests/cli/damage.sh).  Talks to LMDB directly: licit itself never writes
 * such a store.
 *
 *   store_damage DIR droprec ID
 *     Deletes the `postrec` record (post ordinal -> record naming its id)
 *     of post ID, which `postids` and `uposts` still name.
 *
 *   store_damage DIR swapids ID1 ID2
 *     Swaps the ordinals that `postids` gives posts ID1 and ID2: each id
 *     then leads to the other post's record.
 *
 *   store_damage DIR random SEED N
 *     N times: picks one of licit's tables without duplicate keys, one of
 *     its entries, and changes the value: a few bytes flipped, cut short,
 *     lengthened with random bytes, or emptied; or (one time in four) one
 *     ordinal of a table of ordinal lists (uposts, umentions, ulinks,
 *     orphans) replaced by another.
 *
 *   store_damage DIR cut TABLE KEY N
 *     The entry of TABLE (one without duplicates) whose key is the string
 *     KEY: its last N bytes cut off.  Prints one line per change
 *     (table, entry index, what was done) so that a failure can be replayed.
 *
 * Exit 0 when the store was changed, 1 otherwise, 2 for a usage error. */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, int rc) {
  fprintf(stderr, "store_damage: %s: %s\n", what, rc ? mdb_strerror(rc) : "not found");
  return 1;
}

static int open_env(const char *dir, MDB_env **env) {
  int rc;
  if ((rc = mdb_env_create(env)) || (rc = mdb_env_set_maxdbs(*env, 64)) || (rc = mdb_env_open(*env, dir, 0, 0644)))
    return fail("open", rc);
  return 0;
}

/* Reads one LEB128 varint of a post record; 0 at a malformed one. */
static int varint(const unsigned char **p, const unsigned char *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    unsigned char c = *(*p)++;
    v |= (uint64_t)(c & 0x7F) << shift;
    if (!(c & 0x80)) {
      *out = v;
      return 1;
    }
  }
  return 0;
}

static int drop_record(const char *dir, const char *id) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  MDB_cursor *c;
  int rc;
  if (open_env(dir, &env)) return 1;
  if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, "postrec", MDB_INTEGERKEY, &dbi)) ||
      (rc = mdb_cursor_open(txn, dbi, &c)))
    return fail("postrec", rc);
  MDB_val k, v;
  size_t n = strlen(id);
  for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !rc; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
    /* The record starts: ordinal, id length, id. */
    const unsigned char *p = v.mv_data, *end = p + v.mv_size;
    uint64_t ord, len;
    if (!varint(&p, end, &ord) || !varint(&p, end, &len) || len != n || (size_t)(end - p) < n || memcmp(p, id, n))
      continue;
    if ((rc = mdb_cursor_del(c, 0)) || (rc = mdb_txn_commit(txn))) return fail("del", rc);
    mdb_env_close(env);
    return 0;
  }
  return fail(id, rc == MDB_NOTFOUND ? 0 : rc);
}

static int swap_ids(const char *dir, const char *a, const char *b) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  int rc;
  if (open_env(dir, &env)) return 1;
  if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, "postids", 0, &dbi)))
    return fail("postids", rc);
  MDB_val ka = {strlen(a), (void *)a}, kb = {strlen(b), (void *)b}, va, vb;
  if ((rc = mdb_get(txn, dbi, &ka, &va))) return fail(a, rc == MDB_NOTFOUND ? 0 : rc);
  if ((rc = mdb_get(txn, dbi, &kb, &vb))) return fail(b, rc == MDB_NOTFOUND ? 0 : rc);
  unsigned char oa[16], ob[16];
  if (va.mv_size > sizeof oa || vb.mv_size > sizeof ob) return fail("postids value", 0);
  memcpy(oa, va.mv_data, va.mv_size);
  memcpy(ob, vb.mv_data, vb.mv_size);
  MDB_val na = {vb.mv_size, ob}, nb = {va.mv_size, oa};
  if ((rc = mdb_put(txn, dbi, &ka, &na, 0)) || (rc = mdb_put(txn, dbi, &kb, &nb, 0)) || (rc = mdb_txn_commit(txn)))
    return fail("put", rc);
  mdb_env_close(env);
  return 0;
}

static uint64_t rng;
static uint64_t next(void) { /* xorshift64* */
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 2685821657736338717ULL;
}

/* licit's tables whose keys are unique, with their flags (src/store/store.c). */
static const struct {
  const char *name;
  unsigned flags;
} tables[] = {
    {"meta", 0},          {"log", MDB_INTEGERKEY},      {"ids", 0},       {"postids", 0},
    {"postrec", MDB_INTEGERKEY}, {"users", 0}, {"ustate", MDB_INTEGERKEY},
    {"signals", 0},       {"snapshots", 0},             {"snapbits", 0},  {"policies", MDB_INTEGERKEY},
    {"links", 0},         {"manifests", 0},             {"merkle", 0},
};
#define N_TABLES (sizeof tables / sizeof *tables)

/* licit's tables of 4-byte ordinals under each key (sorted duplicates). */
static const struct {
  const char *name;
  unsigned flags;
} dup_tables[] = {
    {"uposts", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP},
    {"umentions", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP},
    {"ulinks", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP},
    {"orphans", MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP},
};
#define N_DUP_TABLES (sizeof dup_tables / sizeof *dup_tables)

/* One ordinal of a list replaced by another (a small one, or any): the
 * list stays sorted, as LMDB keeps it, and names what it should not. */
static int damage_dup(MDB_txn *txn) {
  size_t ti = next() % N_DUP_TABLES;
  MDB_dbi dbi;
  MDB_stat st;
  if (mdb_dbi_open(txn, dup_tables[ti].name, dup_tables[ti].flags, &dbi) || mdb_stat(txn, dbi, &st) ||
      !st.ms_entries)
    return 1;
  size_t at = next() % st.ms_entries;
  MDB_cursor *c;
  MDB_val k, v;
  if (mdb_cursor_open(txn, dbi, &c)) return 1;
  int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
  for (size_t i = 0; i < at && !rc; i++) rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
  if (rc || v.mv_size != 4) {
    mdb_cursor_close(c);
    return 1;
  }
  uint32_t old, nu = next() % 2 ? (uint32_t)(next() % 64) : (uint32_t)next();
  memcpy(&old, v.mv_data, 4);
  unsigned char kb[512];
  size_t kn = k.mv_size < sizeof kb ? k.mv_size : sizeof kb;
  memcpy(kb, k.mv_data, kn);
  MDB_val key = {kn, kb}, nv = {4, &nu};
  rc = mdb_cursor_del(c, 0);
  mdb_cursor_close(c);
  if (!rc) rc = mdb_put(txn, dbi, &key, &nv, MDB_NODUPDATA);
  if (rc == MDB_KEYEXIST) rc = 0;
  if (rc) return fail("dup put", rc);
  printf("%s entry %zu of %zu: ordinal %u replaced by %u\n", dup_tables[ti].name, at, (size_t)st.ms_entries, old, nu);
  return 0;
}

static int damage_one(MDB_txn *txn) {
  if (next() % 4 == 0 && damage_dup(txn) == 0) return 0;
  for (int tries = 0; tries < 100; tries++) {
    size_t ti = next() % N_TABLES;
    MDB_dbi dbi;
    MDB_stat st;
    if (mdb_dbi_open(txn, tables[ti].name, tables[ti].flags, &dbi) || mdb_stat(txn, dbi, &st) || !st.ms_entries)
      continue;
    size_t at = next() % st.ms_entries;
    MDB_cursor *c;
    MDB_val k, v;
    if (mdb_cursor_open(txn, dbi, &c)) continue;
    int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    for (size_t i = 0; i < at && !rc; i++) rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    if (rc) {
      mdb_cursor_close(c);
      continue;
    }
    size_t n = v.mv_size;
    unsigned char buf[4096 + 64];
    if (n > 4096) n = 4096; /* large values: their first 4 KiB, then as below */
    memcpy(buf, v.mv_data, n);
    const char *how;
    switch (next() % 4) {
      case 0:
        how = "flipped";
        for (int j = 0; j < 1 + (int)(next() % 3) && n; j++) buf[next() % n] ^= (unsigned char)(1 + next() % 255);
        if (n == 0) buf[n++] = (unsigned char)next();
        break;
      case 1:
        how = "cut";
        n = n ? next() % n : 0;
        break;
      case 2:
        how = "lengthened";
        for (int j = 1 + (int)(next() % 16); j > 0; j--) buf[n++] = (unsigned char)next();
        break;
      default:
        how = "emptied";
        n = 0;
        break;
    }
    /* Delete and put again: LMDB's in-place replacement by a value of
     * another size copies overlapping memory (ASan flags it). */
    unsigned char kb[512];
    size_t kn = k.mv_size < sizeof kb ? k.mv_size : sizeof kb;
    memcpy(kb, k.mv_data, kn);
    MDB_val key = {kn, kb}, nv = {n, buf};
    rc = mdb_cursor_del(c, 0);
    mdb_cursor_close(c);
    if (!rc) rc = mdb_put(txn, dbi, &key, &nv, 0);
    if (rc) return fail("put", rc);
    printf("%s entry %zu of %zu (key %zu bytes): %s, %zu -> %zu bytes\n", tables[ti].name, at,
           (size_t)st.ms_entries, k.mv_size, how, v.mv_size, n);
    return 0;
  }
  return fail("no table with entries", 0);
}

/* The entry of `table` (one without duplicates) whose key is the string
 * `key`: its last `drop` bytes cut off. */
static int cut_entry(const char *dir, const char *table, const char *key, size_t drop) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  int rc;
  if (open_env(dir, &env)) return 1;
  if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, table, 0, &dbi))) return fail(table, rc);
  MDB_val k = {strlen(key), (void *)key}, v;
  if ((rc = mdb_get(txn, dbi, &k, &v))) return fail(key, rc == MDB_NOTFOUND ? 0 : rc);
  unsigned char buf[65536];
  size_t len = drop < v.mv_size ? v.mv_size - drop : 0;
  if (len > sizeof buf) return fail("value too large to cut", 0);
  memcpy(buf, v.mv_data, len);
  MDB_val nv = {len, buf};
  if ((rc = mdb_del(txn, dbi, &k, NULL)) || (rc = mdb_put(txn, dbi, &k, &nv, 0)) || (rc = mdb_txn_commit(txn)))
    return fail("put", rc);
  mdb_env_close(env);
  return 0;
}

static int damage_random(const char *dir, uint64_t seed, int count) {
  MDB_env *env;
  MDB_txn *txn;
  int rc;
  rng = seed * 0x9E3779B97F4A7C15ULL + 1;
  if (open_env(dir, &env)) return 1;
  if ((rc = mdb_txn_begin(env, NULL, 0, &txn))) return fail("begin", rc);
  for (int i = 0; i < count; i++)
    if (damage_one(txn)) return 1;
  if ((rc = mdb_txn_commit(txn))) return fail("commit", rc);
  mdb_env_close(env);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[2], "droprec")) return drop_record(argv[1], argv[3]);
  if (argc == 5 && !strcmp(argv[2], "swapids")) return swap_ids(argv[1], argv[3], argv[4]);
  if (argc == 5 && !strcmp(argv[2], "random")) return damage_random(argv[1], strtoull(argv[3], NULL, 10), atoi(argv[4]));
  if (argc == 6 && !strcmp(argv[2], "cut")) return cut_entry(argv[1], argv[3], argv[4], strtoul(argv[5], NULL, 10));
  fprintf(stderr, "usage: store_damage DIR droprec ID\n       store_damage DIR swapids ID1 ID2\n       store_damage DIR random SEED N\n"
                  "       store_damage DIR cut TABLE KEY N\n");
  return 2;
}
