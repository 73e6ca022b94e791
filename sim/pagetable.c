/* pagetable.c - per-address-space PTEs: a slab of stable entries and a vpn hash (see .h).
 *
 * Lookup: one hash probe sequence (linear probing, load factor <= 1/2, so about 1.5 probes,
 * each comparing the slot's tag first) and one slab access (a false tag match, one probe in
 * 2^11 at 10^6 pages, costs a second). Entries are never deleted: an unmapped page keeps an empty entry, which
 * is cheaper than tombstones and bounded by pages touched. Cost of growth: amortised O(1). */
#include "pagetable.h"
#include "sim/base/xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void pt_init(pagetable_t *pt)
{
    memset(pt, 0, sizeof *pt);
    pt->mask = 63;
    pt->ibits = 6;
    pt->imask = 63;
    pt->slots = xcalloc(pt->mask + 1, sizeof *pt->slots, "a page table");
}

void pt_free(pagetable_t *pt)
{
    for (size_t i = 0; i < pt->nchunks; i++)
        free(pt->chunks[i]);
    free(pt->chunks);
    free(pt->slots);
    memset(pt, 0, sizeof *pt);
}


static void pt_rehash(pagetable_t *pt)
{
    size_t cap = (pt->mask + 1) * 2;
    uint32_t *slots = xcalloc(cap, sizeof *pt->slots, "a page table");   /* the old one */
    free(pt->slots);                          /* stays whole if this throws */
    pt->slots = slots;
    pt->mask = cap - 1;
    pt->ibits++;
    pt->imask = (uint32_t)((1ULL << pt->ibits) - 1);
    for (size_t i = 0; i < pt->n; i++) {
        uint64_t hv = pt_hash(pt_at(pt, i)->vpn);
        size_t h = hv & pt->mask;
        while (pt->slots[h])
            h = (h + 1) & pt->mask;
        pt->slots[h] = pt_tag(pt, hv) | (uint32_t)(i + 1);
    }
}

pte_t *pt_get(pagetable_t *pt, vpn_t vpn)
{
    uint64_t hv = pt_hash(vpn);
    uint32_t tag = pt_tag(pt, hv), im = pt->imask;
    size_t h = hv & pt->mask;
    for (;; h = (h + 1) & pt->mask) {
        uint32_t s = pt->slots[h];
        if (!s)
            break;
        if ((s & ~im) == tag) {
            pte_t *e = pt_at(pt, (s & im) - 1);
            if (e->vpn == vpn)
                return e;
        }
    }
    assert(pt->n < (size_t)1 << 31);     /* index + 1 fits the index bits of 2^32 slots */
    if (pt->n == pt->nchunks * PT_CHUNK) {
        pt->chunks = xrealloc(pt->chunks, (pt->nchunks + 1) * sizeof *pt->chunks, "a page table");
        pt->chunks[pt->nchunks] = xmalloc(PT_CHUNK * sizeof(pte_t), "a page table");
        pt->nchunks++;
    }
    pte_t *e = pt_at(pt, pt->n);
    e->vpn = vpn;
    e->val = 0;
    e->flags = 0;
    pt->slots[h] = tag | (uint32_t)(++pt->n);
    if (2 * pt->n > pt->mask + 1)
        pt_rehash(pt);
    return e;
}
