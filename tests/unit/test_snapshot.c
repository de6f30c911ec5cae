/*
 * test_snapshot.c — the steps of a snapshot build on their own (src/snapshot):
 * the name rules, the output check, the removal of dead builds' work
 * directories (and only those), the manifest text and its signature; and,
 * through the store, a whole build (files 0444, a second run reports the
 * snapshot as already there) and `prove` refusing a snapshot registered
 * without a Merkle root.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/sign.h"
#include "event/event.h"
#include "ingest/rules.h"
#include "proof/prove.h"
#include "snapshot/snapshot.h"

static char dir[64];
static licit_err err;

static void setup(void) {
  strcpy(dir, "/tmp/licit-snap-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(snapshot, .init = setup, .fini = teardown);

Test(snapshot, name_rules) {
  const char *good[] = {"a", "at-20240601T000000Z", "A.b_c-9", "x.", NULL};
  for (int i = 0; good[i]; i++) cr_assert_eq(licit_snapshot_name_check(good[i], &err), 0, "%s: %s", good[i], err.msg);
  char long_ok[129], too_long[130];
  memset(long_ok, 'n', 128);
  long_ok[128] = 0;
  memset(too_long, 'n', 129);
  too_long[129] = 0;
  cr_assert_eq(licit_snapshot_name_check(long_ok, &err), 0);
  const char *bad[] = {"", ".hidden", "a b", "a/b", "é", "a\n", too_long, NULL};
  for (int i = 0; bad[i]; i++) cr_assert_eq(licit_snapshot_name_check(bad[i], &err), LICIT_EINVAL, "%s", bad[i]);
}

Test(snapshot, out_check) {
  char p[256];
  snprintf(p, sizeof p, "%s/absent", dir);
  cr_assert_eq(licit_snapshot_out_check(p, &err), 0);
  cr_assert_eq(mkdir(p, 0755), 0);
  cr_assert_eq(licit_snapshot_out_check(p, &err), 0, "an empty directory is fine");
  char f[300];
  snprintf(f, sizeof f, "%s/x", p);
  FILE *fp = fopen(f, "w");
  fclose(fp);
  cr_assert_eq(licit_snapshot_out_check(p, &err), LICIT_EEXISTS);
  cr_assert(strstr(err.msg, p) != NULL, "the message names the directory: %s", err.msg);
  cr_assert_eq(licit_snapshot_out_check(f, &err), LICIT_EEXISTS, "a file is refused");
}

static void make_work(const char *name) {
  char p[300];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  cr_assert_eq(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/%s/documents", dir, name);
  cr_assert_eq(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/%s/documents/part-00000.jsonl.zst", dir, name);
  int fd = open(p, O_CREAT | O_WRONLY, 0444);
  cr_assert(fd >= 0);
  close(fd);
}

static bool exists(const char *name) {
  char p[300];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &st) == 0;
}

Test(snapshot, clean_work_removes_only_dead_builds) {
  char out[256], mine[64], live[64], reused[64], p[300];
  snprintf(out, sizeof out, "%s/out", dir);
  make_work("out.licit-tmp-999999999"); /* no such process */
  make_work("other.licit-tmp-999999998"); /* another target: not ours to remove */
  /* A live process's directory without documents/: made, not yet locked
   * (a build between its mkdir and its lock): kept. */
  snprintf(live, sizeof live, "out.licit-tmp-%ld", (long)getppid());
  snprintf(p, sizeof p, "%s/%s", dir, live);
  cr_assert_eq(mkdir(p, 0755), 0);
  /* A dead build's, whose PID a live process has now (after a reboot):
   * it has documents/ and nobody holds its lock: removed. */
  snprintf(reused, sizeof reused, "out.licit-tmp-1"); /* PID 1 is always alive */
  make_work(reused);
  snprintf(mine, sizeof mine, "out.licit-tmp-%ld", (long)getpid());
  make_work(mine);
  /* This process holds the lock of its own work directory, as a build does. */
  snprintf(p, sizeof p, "%s/%s", dir, mine);
  int fd = open(p, O_RDONLY | O_DIRECTORY);
  cr_assert_eq(flock(fd, LOCK_EX), 0);
  cr_assert_eq(licit_snapshot_clean_work(out), 2);
  cr_assert(!exists("out.licit-tmp-999999999"));
  cr_assert(!exists(reused), "a dead build's directory is removed though its PID is alive");
  cr_assert(exists("other.licit-tmp-999999998"));
  cr_assert(exists(live));
  cr_assert(exists(mine), "a locked work directory is kept");
  close(fd); /* the lock goes with it, as when a build dies */
  cr_assert_eq(licit_snapshot_clean_work(out), 1);
  cr_assert(!exists(mine));
}

Test(snapshot, manifest_text_and_signature) {
  licit_counts c = {0};
  c.considered = 3;
  c.included = 2;
  c.excluded[LICIT_R_DELETED] = 1;
  licit_snapshot_part parts[1] = {{"documents/part-00000.jsonl.zst", 2, "ab"}};
  licit_buf m = LICIT_BUF_INIT, s = LICIT_BUF_INIT;
  cr_assert_eq(licit_snapshot_manifest_text(&m, "n", "2024-06-01T00:00:00Z", 7, "pol", NULL, &c, "d1", "r1", parts, 1), 0);
  const char *d = strstr(m.data, "\"digest\": \"d1\""), *r = strstr(m.data, "\"merkle_root\": \"r1\""),
             *docs = strstr(m.data, "\"documents\"");
  cr_assert(d && r && docs && d < r && r < docs, "merkle_root comes after digest, before documents:\n%s", m.data);
  cr_assert(strstr(m.data, "\"version\": null") != NULL);
  uint8_t seed[32], pub[32];
  cr_assert_eq(licit_ed25519_keygen(seed, pub), 0);
  cr_assert_eq(licit_snapshot_sig_text(&s, seed, pub, m.data, m.len), 0);
  char kh[65];
  licit_hex(pub, 32, kh);
  cr_assert(strstr(s.data, kh) != NULL);
  const char *sp = strstr(s.data, "\"sig\": \"");
  cr_assert_not_null(sp);
  uint8_t sig[64];
  for (int i = 0; i < 64; i++) {
    unsigned v;
    sscanf(sp + 8 + 2 * i, "%2x", &v);
    sig[i] = (uint8_t)v;
  }
  cr_assert_eq(licit_ed25519_verify(pub, m.data, m.len, sig), 0);
  m.data[5] ^= 1;
  cr_assert_eq(licit_ed25519_verify(pub, m.data, m.len, sig), LICIT_EINVAL);
  m.data[5] ^= 1;
  licit_buf s2 = LICIT_BUF_INIT;
  cr_assert_eq(licit_snapshot_sig_text(&s2, seed, pub, m.data, m.len), 0);
  cr_assert_str_eq(s.data, s2.data, "Ed25519 is deterministic: rebuilds are byte-identical");
  licit_buf_free(&m);
  licit_buf_free(&s);
  licit_buf_free(&s2);
}

static void ingest(licit_store *S, const char *line) {
  licit_event_parser *ep;
  licit_event ev;
  licit_txn *w;
  uint64_t seq;
  cr_assert_eq(licit_event_parser_create(&ep), 0);
  cr_assert_eq(licit_event_parse(ep, line, strlen(line), &ev, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_txn_begin(S, true, &w, &err), 0);
  cr_assert_eq(licit_rules_apply(w, &ev, &seq, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_txn_commit(w, &err), 0);
  licit_event_parser_destroy(ep);
}

Test(snapshot, build_then_again_then_prove) {
  char sd[256], out[256], p[300];
  snprintf(sd, sizeof sd, "%s/store", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  licit_store *S;
  cr_assert_eq(licit_store_open(sd, false, &S, &err), 0, "%s", err.msg);
  ingest(S, "{\"type\":\"post\",\"ts\":\"2020-01-01T00:00:00Z\",\"post\":\"p1\",\"user\":\"u\",\"visibility\":\"public\",\"text\":\"hi\"}");
  const char *pj = "{\"name\":\"t\",\"versions\":[{\"id\":\"v\",\"effective\":\"2019-01-01T00:00:00Z\"}]}";
  licit_policy *pol;
  cr_assert_eq(licit_policy_parse(pj, strlen(pj), "t", &pol, &err), 0, "%s", err.msg);
  licit_snapshot_opts o = {0};
  o.out_dir = out;
  o.name = "s";
  o.at = 1700000000000000LL;
  licit_snapshot_info info;
  licit_snapshot_timing tm;
  cr_assert_eq(licit_snapshot_build(S, pol, &o, &info, &tm, &err), 0, "%s", err.msg);
  cr_assert_eq(tm.outcome, LICIT_SNAPSHOT_BUILT);
  cr_assert_eq(strlen(info.merkle_root), 64);
  licit_snapshot_info_free(&info);
  struct stat st;
  snprintf(p, sizeof p, "%s/manifest.json", out);
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0444);
  snprintf(p, sizeof p, "%s/documents/part-00000.jsonl.zst", out);
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0444);
  /* The same build again: already there, nothing done. */
  cr_assert_eq(licit_snapshot_build(S, pol, &o, &info, &tm, &err), 0, "%s", err.msg);
  cr_assert_eq(tm.outcome, LICIT_SNAPSHOT_EXISTED);
  licit_snapshot_info_free(&info);
  /* Another name into the same directory: refused. */
  o.name = "s2";
  cr_assert_eq(licit_snapshot_build(S, pol, &o, &info, &tm, &err), LICIT_EEXISTS);
  /* A snapshot registered without Merkle data (as before Merkle roots). */
  licit_txn *w;
  cr_assert_eq(licit_txn_begin(S, true, &w, &err), 0);
  licit_snapshot_info old = {0};
  old.name = strdup("old");
  old.at = o.at;
  memcpy(old.digest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 65);
  uint64_t bits[1] = {1};
  old.nbits = 1;
  cr_assert_eq(licit_snapshot_register(w, &old, bits, NULL, &err), 0, "%s", err.msg);
  cr_assert_eq(licit_txn_commit(w, &err), 0);
  licit_snapshot_info_free(&old);
  licit_txn *t;
  licit_buf b = LICIT_BUF_INIT;
  cr_assert_eq(licit_txn_begin(S, false, &t, &err), 0);
  cr_assert_eq(licit_proof_build(t, "old", "p1", 2, &b, &err), LICIT_EINVAL);
  cr_assert(strstr(err.msg, "before") != NULL, "%s", err.msg);
  cr_assert_eq(licit_proof_build(t, "s", "p1", 2, &b, &err), 0, "%s", err.msg);
  cr_assert(strstr(b.data, "\"included\":true,\"leaf_index\":0") != NULL, "%s", b.data);
  cr_assert_eq(licit_proof_build(t, "nope", "p1", 2, &b, &err), LICIT_ENOTFOUND);
  licit_txn_abort(t);
  licit_buf_free(&b);
  licit_policy_free(pol);
  licit_store_close(S);
}
