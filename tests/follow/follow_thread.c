/*
 * follow_thread.c — licit_follow_run on a thread of its own, as `licit serve
 * --follow` runs it, while other threads read its live figures and the
 * store: the header's threading promises (follow.h), checked by
 * tests/cli/follow.sh and, built with ThreadSanitizer, by hand
 * (tests/follow/README.md).
 *
 *   follow_thread STORE URL N
 *
 * Follows URL into STORE until N messages were processed (or 60 s passed),
 * reading the stats from the main thread and the store from a reader thread
 * meanwhile; then stops the run through the flag and checks: the run
 * returned 0, every message was counted once (accepted + duplicates +
 * rejected + skipped = messages: the capture's records each make one event,
 * no --region), and the cursor in the store is the run's last committed
 * cursor.  Prints "ok ..." and exits 0, or says what failed and exits 1.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "follow/follow.h"

typedef struct job {
  licit_store *s;
  licit_follow_opts o;
  atomic_int stop;
  licit_follow_stats st;
  licit_err err;
  int rc;
} job;

static void *run(void *arg) {
  job *j = arg;
  j->rc = licit_follow_run(j->s, &j->o, &j->stop, &j->st, &j->err);
  return NULL;
}

static atomic_int readers_stop;

static void *reader(void *arg) {
  licit_store *s = arg;
  uint64_t last = 0, n = 0;
  while (!atomic_load(&readers_stop)) {
    licit_txn *t;
    if (licit_txn_begin(s, false, &t, NULL) == 0) {
      uint64_t len = licit_txn_log_len(t);
      if (len < last) fprintf(stderr, "reader: the log shrank from %llu to %llu\n", (unsigned long long)last,
                              (unsigned long long)len);
      last = len;
      licit_txn_abort(t);
      n++;
    }
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  return (void *)(uintptr_t)n;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: follow_thread STORE URL N\n");
    return 2;
  }
  uint64_t want = strtoull(argv[3], NULL, 10);
  static job j;
  licit_err err;
  if (licit_store_open(argv[1], 0, &j.s, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  j.o.url = argv[2];
  j.o.stall_s = 5;
  licit_follow_stats_init(&j.st, j.o.url);
  pthread_t th, rd;
  pthread_create(&th, NULL, run, &j);
  pthread_create(&rd, NULL, reader, j.s);
  int fails = 0;
  bool was_connected = false;
  for (int i = 0; i < 6000 && atomic_load(&j.st.messages) < want; i++) {
    if (atomic_load(&j.st.connected)) was_connected = true;
    (void)licit_follow_lag_s(&j.st);
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  atomic_store(&j.stop, 1);
  pthread_join(th, NULL);
  atomic_store(&readers_stop, 1);
  void *reads;
  pthread_join(rd, &reads);
  uint64_t m = atomic_load(&j.st.messages);
  uint64_t sum = atomic_load(&j.st.accepted) + atomic_load(&j.st.duplicates) + atomic_load(&j.st.rejected) +
                 atomic_load(&j.st.skipped);
  if (j.rc) fprintf(stderr, "FAIL: the run returned %d: %s\n", j.rc, j.err.msg), fails++;
  if (m < want) fprintf(stderr, "FAIL: %llu messages, wanted %llu\n", (unsigned long long)m,
                        (unsigned long long)want), fails++;
  if (sum != m) fprintf(stderr, "FAIL: counts add up to %llu for %llu messages\n", (unsigned long long)sum,
                        (unsigned long long)m), fails++;
  if (!was_connected) fprintf(stderr, "FAIL: never seen connected\n"), fails++;
  if (atomic_load(&j.st.connected)) fprintf(stderr, "FAIL: still connected after the run\n"), fails++;
  licit_buf key = LICIT_BUF_INIT;
  licit_txn *t;
  int64_t cursor = 0;
  if (licit_follow_feed_key(j.o.url, &key, NULL, &err) || licit_txn_begin(j.s, false, &t, &err)) {
    fprintf(stderr, "FAIL: %s\n", err.msg);
    fails++;
  } else {
    if (licit_cursor_get(t, key.data, key.len, &cursor) != 0 || cursor != atomic_load(&j.st.committed_cursor) ||
        cursor != atomic_load(&j.st.cursor))
      fprintf(stderr, "FAIL: the stored cursor %lld is not the run's %lld\n", (long long)cursor,
              (long long)atomic_load(&j.st.committed_cursor)), fails++;
    licit_txn_abort(t);
  }
  licit_buf_free(&key);
  licit_store_close(j.s);
  if (fails) return 1;
  printf("ok - follow on a thread: %llu messages, cursor %lld, %llu reads beside it\n", (unsigned long long)m,
         (long long)cursor, (unsigned long long)(uintptr_t)reads);
  return 0;
}
