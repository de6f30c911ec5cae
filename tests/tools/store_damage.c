/* store_damage — damages a licit store on purpose, for the tests that check
 * that damage is reported and never read as "no such post" (tests/server).
 *
 *   store_damage DIR postord OLD_ID NEW_ID
 *
 * Finds the `postord` entry (post ordinal -> post id) whose id is OLD_ID and
 * makes it name NEW_ID, a post the `posts` table does not hold.  Talks to
 * LMDB directly: licit itself never writes such a store.  Exit 0 when one
 * entry was changed, 1 otherwise. */
#include <lmdb.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, int rc) {
  fprintf(stderr, "store_damage: %s: %s\n", what, rc ? mdb_strerror(rc) : "not found");
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 5 || strcmp(argv[2], "postord")) {
    fprintf(stderr, "usage: store_damage DIR postord OLD_ID NEW_ID\n");
    return 2;
  }
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  MDB_cursor *c;
  int rc;
  if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 64)) || (rc = mdb_env_open(env, argv[1], 0, 0644)))
    return fail("open", rc);
  if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, "postord", MDB_INTEGERKEY, &dbi)) ||
      (rc = mdb_cursor_open(txn, dbi, &c)))
    return fail("postord", rc);
  MDB_val k, v;
  size_t on = strlen(argv[3]);
  for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !rc; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
    if (v.mv_size != on || memcmp(v.mv_data, argv[3], on)) continue;
    MDB_val nv = {strlen(argv[4]), argv[4]};
    if ((rc = mdb_cursor_put(c, &k, &nv, MDB_CURRENT)) || (rc = mdb_txn_commit(txn))) return fail("put", rc);
    mdb_env_close(env);
    return 0;
  }
  return fail(argv[3], rc == MDB_NOTFOUND ? 0 : rc);
}
