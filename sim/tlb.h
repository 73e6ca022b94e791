/* tlb.h - a set-associative, ASID-tagged TLB with LRU inside each set (one per CPU). */
#ifndef PAGESIM_TLB_H
#define PAGESIM_TLB_H

#include "pagetable.h"

typedef struct tlb_entry {
    vpn_t    vpn;
    pte_t   *pte;      /* NULL: invalid */
    uint64_t stamp;    /* last use, for LRU within the set; 0 when invalid */
    uint32_t asid;
    pfn_t    pfn;      /* the frame, cached at fill as real TLBs do */
    uint16_t perms;    /* PTE_READ/WRITE/EXEC cached at fill */
    uint16_t set;      /* which of PTE_REF and PTE_DIRTY are known set in the PTE: a hit
                          writes the PTE only to set another (hardware does so for D) */
} tlb_entry_t;

typedef struct tlb {
    tlb_entry_t *e;      /* sets * ways */
    uint32_t sets, ways, set_mask;
    uint64_t clock;      /* LRU stamp source: 64 bits never wrap */
    uint64_t hits, misses, flushes, shootdowns;
} tlb_t;

/* entries == 0 disables the TLB (every reference walks). entries must be a multiple of ways
 * and entries/ways a power of two. Returns 0 or -1. */
int  tlb_init(tlb_t *t, uint32_t entries, uint32_t ways);
/* Whether tlb_init would take that geometry: 0 or -1, nothing allocated. */
int  tlb_check(uint32_t entries, uint32_t ways);
void tlb_free(tlb_t *t);

/* Hit: the entry (stamp refreshed, hits counted). Miss: NULL (misses counted). */
static inline tlb_entry_t *tlb_lookup(tlb_t *t, uint32_t asid, vpn_t vpn)
{
    if (!t->sets) {
        t->misses++;
        return NULL;
    }
    tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways];
    for (uint32_t w = 0; w < t->ways; w++) {
        tlb_entry_t *e = &set[w];
        if (e->vpn == vpn && e->asid == asid && e->pte) {
            e->stamp = ++t->clock;
            t->hits++;
            return e;
        }
    }
    t->misses++;
    return NULL;
}

/* The entry caching (asid, vpn), or NULL; nothing counted or refreshed. */
static inline tlb_entry_t *tlb_peek(tlb_t *t, uint32_t asid, vpn_t vpn)
{
    if (!t->sets)
        return NULL;
    tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways];
    for (uint32_t w = 0; w < t->ways; w++)
        if (set[w].vpn == vpn && set[w].asid == asid && set[w].pte)
            return &set[w];
    return NULL;
}

/* Installs a translation after a walk. `stale` is what tlb_lookup returned (an entry whose
 * rights were too few, or NULL): refreshed in place if it still caches pte; otherwise the
 * page must not be cached (nothing fills the TLB between a lookup and its walk) and the
 * set's least recently used way is replaced. */
void tlb_fill(tlb_t *t, tlb_entry_t *stale, uint32_t asid, vpn_t vpn, pte_t *pte);
/* The PTE's bits were cleared behind the TLB's back (a policy clearing R): the entry caching
 * (asid, vpn), if any, must set them again on its next hit. */
void tlb_forget_bits(tlb_t *t, uint32_t asid, vpn_t vpn, uint32_t bits);
/* Drops one translation if cached; returns 1 if one was dropped (a shootdown). */
int  tlb_invalidate(tlb_t *t, uint32_t asid, vpn_t vpn);
/* Drops every entry of asid (or all entries with asid == UINT32_MAX). */
void tlb_flush(tlb_t *t, uint32_t asid);

#endif
