/*
 * test_store_open.c — opening the store: modes (create, existing only,
 * read-only), missing and odd stores, stores of another format, stores
 * missing tables that a newer licit added, and the map's allocation.
 *
 * The odd stores are made with LMDB directly, as an older or newer licit
 * (or damage) would leave them.
 */
#include <criterion/criterion.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event/event.h"
#include "ingest/rules.h"
#include "store/store.h"

static char dir[64];
static licit_err err;

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/licit-open-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(store_open, .init = setup, .fini = teardown);

/* A store with one post and one policy, made by this licit. */
static void make_store(void) {
  licit_store *s;
  cr_assert_eq(licit_store_open(dir, 0, &s, &err), 0, "%s", err.msg);
  licit_event_parser *ep;
  cr_assert_eq(licit_event_parser_create(&ep), 0);
  licit_event ev;
  const char *line = "{\"type\":\"post\",\"ts\":\"2024-01-01T00:00:00Z\",\"post\":\"p1\",\"user\":\"u1\","
                     "\"visibility\":\"public\"}";
  cr_assert_eq(licit_event_parse(ep, line, strlen(line), &ev, &err), 0, "%s", err.msg);
  licit_txn *t;
  uint64_t seq;
  cr_assert_eq(licit_store_reserve(s, 1 << 20, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_txn_begin(s, true, &t, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_rules_apply(t, &ev, &seq, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_store_policy_put(t, "{\"name\":\"a\"}", 12), 0);
  cr_assert_eq(licit_txn_commit(t, &err), 0, "%s", err.msg);
  licit_event_parser_destroy(ep);
  licit_store_close(s);
}

/* Changes the store behind licit's back: drops the named tables and sets
 * the format mark (NULL: leaves it). */
static void tamper(const char *const *drop, const char *format) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  cr_assert_eq(mdb_env_create(&env), 0);
  cr_assert_eq(mdb_env_set_maxdbs(env, 32), 0);
  cr_assert_eq(mdb_env_open(env, dir, 0, 0644), 0);
  cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  for (int i = 0; drop && drop[i]; i++) {
    cr_assert_eq(mdb_dbi_open(txn, drop[i], 0, &dbi), 0, "table %s", drop[i]);
    cr_assert_eq(mdb_drop(txn, dbi, 1), 0);
  }
  if (format) {
    cr_assert_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
    MDB_val k = {6, "format"}, v = {strlen(format), (void *)format};
    cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
  }
  cr_assert_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

Test(store_open, missing_store_is_not_created_by_readers) {
  char path[128];
  snprintf(path, sizeof path, "%s/tpyo", dir);
  licit_store *s = NULL;
  cr_assert_eq(licit_store_open(path, LICIT_STORE_RDONLY, &s, &err), LICIT_ENOSTORE);
  cr_assert(strstr(err.msg, path), "the message names the path: %s", err.msg);
  cr_assert_eq(licit_store_open(path, LICIT_STORE_EXISTING, &s, &err), LICIT_ENOSTORE);
  struct stat st;
  cr_assert_neq(stat(path, &st), 0, "nothing was created");
  /* An empty directory is no store either. */
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &s, &err), LICIT_ENOSTORE);
  snprintf(path, sizeof path, "%s/data.mdb", dir);
  cr_assert_neq(stat(path, &st), 0, "a reader created no data file");
}

Test(store_open, an_lmdb_file_without_licit_tables_is_no_store) {
  MDB_env *env;
  cr_assert_eq(mdb_env_create(&env), 0);
  cr_assert_eq(mdb_env_open(env, dir, 0, 0644), 0);
  MDB_txn *txn;
  MDB_val k = {1, "x"}, v = {1, "y"};
  MDB_dbi dbi;
  cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  cr_assert_eq(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
  cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
  cr_assert_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  licit_store *s = NULL;
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &s, &err), LICIT_ENOSTORE, "%s", err.msg);
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_EXISTING, &s, &err), LICIT_ENOSTORE, "%s", err.msg);
}

Test(store_open, newer_format_is_refused) {
  make_store();
  tamper(NULL, "licit-store-99");
  licit_store *s = NULL;
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &s, &err), LICIT_ESTORE);
  cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
  cr_assert_eq(licit_store_open(dir, 0, &s, &err), LICIT_ESTORE);
  tamper(NULL, "something-else");
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &s, &err), LICIT_ESTORE);
  cr_assert(strstr(err.msg, "unknown format"), "%s", err.msg);
}

Test(store_open, missing_tables_read_as_empty_then_a_write_open_adds_them) {
  make_store();
  static const char *const drop[] = {"snapshots", "snapbits", "uposts", "policies", NULL};
  tamper(drop, NULL);
  licit_store *s;
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &s, &err), 0, "%s", err.msg);
  licit_txn *t;
  cr_assert_eq(licit_txn_begin(s, false, &t, &err), 0, "%s", err.msg);
  licit_snapshot_info *a = NULL;
  size_t n = 99;
  cr_assert_eq(licit_snapshot_list(t, &a, &n), 0);
  cr_assert_eq(n, 0, "no snapshots table: no snapshots");
  licit_snapshot_info fake = {0};
  fake.nbits = 100;
  uint64_t *bits = NULL;
  cr_assert_eq(licit_snapshot_bits(t, &fake, &bits), 0);
  cr_assert_eq(bits[0], 0);
  free(bits);
  cr_assert_eq(licit_snapshot_has(t, &fake, 0), 0);
  uint32_t *ords = NULL;
  uint32_t user;
  cr_assert_eq(licit_user_ord(t, "u1", 2, &user), 0, "the tables that are there still read");
  cr_assert_eq(licit_user_posts(t, user, &ords, &n), 0);
  cr_assert_eq(n, 0);
  free(ords);
  licit_strv pol;
  cr_assert_eq(licit_store_policy_get(t, &pol), 0, "the policy itself is in meta");
  licit_txn_abort(t);
  licit_store_close(s);
  /* A write open upgrades the store: the tables are back. */
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_EXISTING, &s, &err), 0, "%s", err.msg);
  licit_store_close(s);
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  cr_assert_eq(mdb_env_create(&env), 0);
  cr_assert_eq(mdb_env_set_maxdbs(env, 32), 0);
  cr_assert_eq(mdb_env_open(env, dir, MDB_RDONLY, 0644), 0);
  cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
  for (int i = 0; drop[i]; i++) cr_assert_eq(mdb_dbi_open(txn, drop[i], 0, &dbi), 0, "table %s is back", drop[i]);
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

Test(store_open, read_only_store_cannot_reserve_and_stats_are_read) {
  make_store();
  licit_store *s;
  cr_assert_eq(licit_store_open(dir, LICIT_STORE_RDONLY, &s, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_store_reserve(s, 1 << 20, &err), LICIT_EUSAGE);
  licit_txn *t;
  cr_assert_eq(licit_txn_begin(s, false, &t, &err), 0, "%s", err.msg);
  licit_store_stats st;
  cr_assert_eq(licit_store_stats_get(t, &st), 0);
  cr_assert_eq(st.events, 1);
  cr_assert_eq(st.posts, 1);
  cr_assert(st.bytes_used >= 4096 && st.bytes_used <= st.bytes_on_disk, "used %llu, on disk %llu",
            (unsigned long long)st.bytes_used, (unsigned long long)st.bytes_on_disk);
  licit_txn_abort(t);
  licit_store_close(s);
}

Test(store_open, reserve_allocates_the_region_a_write_may_use) {
  licit_store *s;
  cr_assert_eq(licit_store_open(dir, 0, &s, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_store_reserve(s, (size_t)8 << 20, &err), 0, "%s", err.msg);
  char path[128];
  snprintf(path, sizeof path, "%s/data.mdb", dir);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  /* The 8 MiB the write may add are allocated, so no page LMDB writes
   * there can find the disk full; the rest of the map stays sparse.  A
   * quarter of it is the log file's, for the log records, allocated beyond
   * the file's end (which stays where it is). */
  cr_assert_geq((long long)st.st_blocks * 512, 6 << 20, "allocated %lld", (long long)st.st_blocks * 512);
  cr_assert_lt((long long)st.st_blocks * 512, (long long)st.st_size, "the map beyond is sparse");
  snprintf(path, sizeof path, "%s/log.dat", dir);
  cr_assert_eq(stat(path, &st), 0);
  cr_assert_eq(st.st_size, 0, "the log file keeps its length");
  cr_assert_geq((long long)st.st_blocks * 512, 2 << 20, "log file: allocated %lld", (long long)st.st_blocks * 512);
  licit_store_close(s);
}
