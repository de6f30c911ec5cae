/*
 * bigmem.h — zeroed arrays that may be large (an evaluation's per-account and
 * per-post arrays: tens of MB at 10M events).
 *
 * From BIGMEM_MIN bytes on, the array is its own anonymous mapping with
 * transparent huge pages asked for (MADV_HUGEPAGE): one 2 MiB page fault
 * instead of 512 small ones.  Where page faults are dear (the paravirtualised
 * machine of docs/store.md, about 20-30 us a fault) that is most of the cost
 * of filling such an array.  Smaller arrays come from the heap.  Where the
 * kernel gives no huge pages the mapping works as any other.  Arrays are
 * 64-byte aligned.
 */
#ifndef LICIT_BIGMEM_H
#define LICIT_BIGMEM_H

#include <stddef.h>

/* n elements of `size` bytes, zeroed; NULL when out of memory (or n * size
 * overflows).  Free with licit_big_free. */
void *licit_big_calloc(size_t n, size_t size);
void licit_big_free(void *p); /* NULL ok */

#endif
