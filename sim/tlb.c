/* tlb.c - set-associative TLB, ASID-tagged, LRU within a set (Hennessy & Patterson,
 * Computer Architecture, 6th ed., §B.4 and §2.4). Lookup and fill are O(ways); the set index
 * is the low bits of the vpn, as in real L1 TLBs. Per-set LRU uses a global 64-bit use
 * stamp (it cannot wrap in any run), so the least recently used way is the smallest stamp. */
#include "tlb.h"
#include "sim/base/xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int tlb_check(uint32_t entries, uint32_t ways)
{
    if (entries == 0)
        return 0;
    if (ways == 0 || ways > entries || entries % ways)
        return -1;
    uint32_t sets = entries / ways;
    return sets & (sets - 1) ? -1 : 0;
}

int tlb_init(tlb_t *t, uint32_t entries, uint32_t ways)
{
    memset(t, 0, sizeof *t);
    if (tlb_check(entries, ways))
        return -1;
    if (entries == 0)
        return 0;
    uint32_t sets = entries / ways;
    t->e = xcalloc(entries, sizeof *t->e, "a TLB");
    t->sets = sets;
    t->ways = ways;
    t->set_mask = sets - 1;
    return 0;
}

void tlb_free(tlb_t *t)
{
    free(t->e);
    t->e = NULL;
    t->sets = 0;
}

void tlb_fill(tlb_t *t, tlb_entry_t *stale, uint32_t asid, vpn_t vpn, pte_t *pte)
{
    if (!t->sets)
        return;
    tlb_entry_t *v = stale;
    if (!v || v->pte != pte) {
        /* The set cannot hold the page (check_all verifies it): replace the way with the
         * smallest stamp. Invalid ways have stamp 0, so they go first, then the least
         * recently used; conditional moves, no unpredictable branch. */
        tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways];
        uint32_t victim = 0;
        uint64_t min = set[0].stamp;
        for (uint32_t w = 1; w < t->ways; w++) {
            int older = set[w].stamp < min;
            min = older ? set[w].stamp : min;
            victim = older ? w : victim;
        }
        v = &set[victim];
    }
    v->vpn = vpn;
    v->asid = asid;
    v->pte = pte;
    v->pfn = pte->val;
    v->perms = (uint16_t)(pte->flags & PTE_PERMS);
    v->set = (uint16_t)(pte->flags & (PTE_REF | PTE_DIRTY | PTE_WSREF));
    v->stamp = ++t->clock;
}

void tlb_forget_bits(tlb_t *t, uint32_t asid, vpn_t vpn, uint32_t bits)
{
    if (!t->sets)
        return;
    tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways];
    for (uint32_t w = 0; w < t->ways; w++)
        if (set[w].pte && set[w].vpn == vpn && set[w].asid == asid)
            set[w].set &= (uint16_t)~bits;
}

int tlb_invalidate(tlb_t *t, uint32_t asid, vpn_t vpn)
{
    if (!t->sets)
        return 0;
    tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways];
    for (uint32_t w = 0; w < t->ways; w++)
        if (set[w].pte && set[w].vpn == vpn && set[w].asid == asid) {
            set[w].pte = NULL;
            set[w].stamp = 0;
            t->shootdowns++;
            return 1;
        }
    return 0;
}

void tlb_flush(tlb_t *t, uint32_t asid)
{
    for (size_t i = 0; i < (size_t)t->sets * t->ways; i++)
        if (t->e[i].pte && (asid == UINT32_MAX || t->e[i].asid == asid)) {
            t->e[i].pte = NULL;
            t->e[i].stamp = 0;
        }
    t->flushes++;
}
