/* Reading a list of posts with a second core's help (store.h:
 * licit_prefetch_posts, licit_prefetch_at, licit_prefetch_end).
 *
 * A reader that walks many posts by ordinal (report: an account's posts)
 * makes a look-up a post in `postrec` (and one more for a reply's parent),
 * each ending on a leaf page of a large table that is rarely in the CPU's
 * caches and, in a fresh
 * process, not even mapped yet: the walk is paced by memory and page-fault
 * latency, one post after the other.  A helper thread with a read
 * transaction on the same commit makes the same look-ups from the end of
 * the list backwards while the reader goes forwards, and stops where they
 * meet: the pages it touched are mapped into the process and its lines sit
 * in the shared cache when the reader gets there.  It only reads, and
 * nothing it finds is used: the reader's answers are its own, whatever the
 * helper does or fails to do. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "store/store.h"
#include "store/store_int.h"

struct licit_prefetch {
  licit_txn *parent;
  const uint32_t *ords;
  size_t n;
  atomic_size_t next; /* the reader's position: the helper stops there */
  pthread_t th;
};

static void *prefetch_main(void *arg) {
  licit_prefetch *p = arg;
  licit_txn *own;
  if (licit_txn_begin_sibling(p->parent, &own)) return NULL;
  licit_buf scratch = LICIT_BUF_INIT;
  for (size_t i = p->n; i-- > 0 && i > atomic_load_explicit(&p->next, memory_order_relaxed);) {
    licit_post_rec r;
    if (licit_post_get_ord(own, p->ords[i], &r, &scratch)) break;
    /* A reply's decision reads its parent (the thread rules). */
    if (r.parent && licit_post_get_ord(own, r.parent - 1, &r, &scratch)) break;
  }
  licit_buf_free(&scratch);
  licit_txn_abort(own);
  return NULL;
}

/* At most this many read-ahead threads per store at once: each holds one of
 * LMDB's 126 reader slots, which a server counts (server.h), and two cores
 * gain nothing from more. */
#define MAX_PREFETCHERS 2

licit_prefetch *licit_prefetch_posts(licit_txn *t, const uint32_t *ords, size_t n, size_t min) {
  if (n < min || n < 2 || t->write) return NULL;
  atomic_int *running = &t->s->prefetchers;
  int k = atomic_load(running);
  do
    if (k >= MAX_PREFETCHERS) return NULL;
  while (!atomic_compare_exchange_weak(running, &k, k + 1));
  licit_prefetch *p = calloc(1, sizeof *p);
  if (!p) {
    atomic_fetch_sub(running, 1);
    return NULL;
  }
  p->parent = t;
  p->ords = ords;
  p->n = n;
  atomic_init(&p->next, 0);
  if (pthread_create(&p->th, NULL, prefetch_main, p)) {
    atomic_fetch_sub(running, 1);
    free(p);
    return NULL;
  }
  return p;
}

void licit_prefetch_at(licit_prefetch *p, size_t i) {
  if (p) atomic_store_explicit(&p->next, i, memory_order_relaxed);
}

void licit_prefetch_end(licit_prefetch *p) {
  if (!p) return;
  atomic_store_explicit(&p->next, p->n, memory_order_relaxed);
  pthread_join(p->th, NULL);
  atomic_fetch_sub(&p->parent->s->prefetchers, 1);
  free(p);
}
