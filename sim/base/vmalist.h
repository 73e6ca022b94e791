/* vmalist.h - an address space's areas: a sorted array of non-overlapping page ranges.
 *
 * Shared by the engine's address spaces (vma.c, fault.c) and by the offline pass that names
 * each reference's page (workloads/pgid.c): both must split, merge and find areas exactly
 * alike, or the pass's pages would not be the engine's. Lookups are binary searches, done
 * on faults only; edits shift the array, O(areas), done on events only. */
#ifndef PAGESIM_VMALIST_H
#define PAGESIM_VMALIST_H

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "types.h"
#include "xalloc.h"

enum {
    VMA_SHARED = 1u << 0,
    VMA_ANON = 1u << 1,
    VMA_SWAPPED = 1u << 2,   /* private anonymous whose untouched pages are on swap (implicit=swap) */
    VMA_RAND_READ = 1u << 3, /* madvise random (the engine's vma.c): no readahead, no recency */
    VMA_SEQ_READ = 1u << 4,  /* madvise sequential: no recency (vma_has_recency) */
};

typedef struct vma {
    vpn_t    start, end;  /* [start, end) in pages */
    uint32_t prot;        /* permissions: the engine's PTE_READ | PTE_WRITE | PTE_EXEC (pgid.c
                             keeps the trace's WL_PROT_* bits) */
    uint32_t flags;       /* VMA_* */
    uint32_t obj;         /* backing object (file or shared anonymous), 0 = private anonymous */
    uint32_t pad;
    uint64_t pgoff;       /* page offset of start within obj */
} vma_t;

typedef struct vma_list {
    vma_t   *v;           /* sorted by start, non-overlapping */
    uint32_t n, cap;
} vma_list_t;

static inline void vma_list_free(vma_list_t *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* The area holding vpn, or NULL. */
static inline const vma_t *vma_list_find(const vma_list_t *l, vpn_t vpn)
{
    uint32_t lo = 0, hi = l->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->v[mid].end <= vpn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->v[lo].start <= vpn ? &l->v[lo] : NULL;
}

static inline void vma_list_insert_at(vma_list_t *l, uint32_t i, const vma_t *v)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, xmul(cap, sizeof *l->v, "an area list"), "an area list");
        l->cap = cap;
    }
    memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof *l->v);
    l->v[i] = *v;
    l->n++;
}

/* Removes [lo, hi) from the areas, splitting those that straddle its ends. */
static inline void vma_list_cut(vma_list_t *l, vpn_t lo, vpn_t hi)
{
    for (uint32_t i = 0; i < l->n;) {
        vma_t *v = &l->v[i];
        if (v->end <= lo || v->start >= hi) {
            i++;
            continue;
        }
        if (v->start < lo && v->end > hi) {            /* a hole in the middle */
            vma_t tail = *v;
            tail.pgoff += hi - v->start;
            tail.start = hi;
            v->end = lo;
            vma_list_insert_at(l, i + 1, &tail);
            return;
        }
        if (v->start < lo) {
            v->end = lo;
            i++;
        } else if (v->end > hi) {
            v->pgoff += hi - v->start;
            v->start = hi;
            i++;
        } else {
            memmove(v, v + 1, (l->n - i - 1) * sizeof *v);
            l->n--;
        }
    }
}

/* Adds an area where there is none, merged with its left neighbour when it continues it
 * (brk grows the heap page by page). */
static inline void vma_list_add(vma_list_t *l, const vma_t *nv)
{
    uint32_t i = 0;
    while (i < l->n && l->v[i].start < nv->start)
        i++;
    if (i > 0) {
        vma_t *p = &l->v[i - 1];
        if (p->end == nv->start && p->prot == nv->prot && p->flags == nv->flags && p->obj == nv->obj &&
            (!p->obj ? 1 : p->pgoff + (p->end - p->start) == nv->pgoff) && !(nv->flags & VMA_SHARED && !nv->obj)) {
            p->end = nv->end;
            return;
        }
    }
    vma_list_insert_at(l, i, nv);
}

/* mprotect: the parts of areas inside [lo, hi) take prot (split at both ends). */
static inline void vma_list_protect(vma_list_t *l, vpn_t lo, vpn_t hi, uint32_t prot)
{
    for (uint32_t i = 0; i < l->n; i++) {
        vma_t whole = l->v[i];
        if (whole.end <= lo || whole.start >= hi)
            continue;
        vpn_t a = whole.start > lo ? whole.start : lo, b = whole.end < hi ? whole.end : hi;
        vma_list_cut(l, a, b);
        vma_t mid = whole;
        mid.pgoff += a - whole.start;
        mid.start = a;
        mid.end = b;
        mid.prot = prot;
        uint32_t j = 0;
        while (j < l->n && l->v[j].start < a)
            j++;
        vma_list_insert_at(l, j, &mid);
        i = j;
    }
}

#endif
