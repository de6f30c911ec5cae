/*
 * bigmem.c — see bigmem.h.
 *
 * Each block starts with a header of BIG_HDR bytes holding the mapping's
 * length (0: the block came from aligned_alloc), so that licit_big_free
 * needs no size; BIG_HDR keeps the array 64-byte aligned.
 */
#define _GNU_SOURCE /* MADV_HUGEPAGE */
#include "core/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG_HDR 64
#define BIGMEM_MIN ((size_t)2 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

void *licit_big_calloc(size_t n, size_t size) {
  if (size && n > (SIZE_MAX - BIG_HDR - HUGE_PAGE) / size) return NULL;
  size_t bytes = n * size + BIG_HDR;
  unsigned char *p;
  size_t len = 0;
  if (bytes >= BIGMEM_MIN) {
    /* A multiple of the huge page size, which Linux (6.7 on) also aligns
     * to it; elsewhere the aligned part inside still gets huge pages. */
    len = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE); /* advice: without it, small pages */
#endif
  } else {
    if (!(p = aligned_alloc(BIG_HDR, (bytes + BIG_HDR - 1) / BIG_HDR * BIG_HDR))) return NULL;
    memset(p, 0, bytes);
  }
  *(size_t *)p = len;
  return p + BIG_HDR;
}

void licit_big_free(void *q) {
  if (!q) return;
  unsigned char *p = (unsigned char *)q - BIG_HDR;
  size_t len = *(size_t *)p;
  if (len) munmap(p, len);
  else free(p);
}
