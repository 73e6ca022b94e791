/* tlb.c - set-associative TLB, ASID-tagged, LRU within a set (Hennessy & Patterson,
 * Computer Architecture, 6th ed., §B.4 and §2.4). Lookup and fill are O(ways); the set index
 * is the low bits of the vpn, as in real L1 TLBs. Per-set LRU uses a global use stamp: a
 * 32-bit stamp wraps after 4 billion lookups, which only perturbs which way is replaced for
 * one set for a moment, never correctness; we renormalise on wrap to keep it exact. */
#include "tlb.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int tlb_init(tlb_t *t, uint32_t entries, uint32_t ways)
{
    memset(t, 0, sizeof *t);
    if (entries == 0)
        return 0;
    if (ways == 0 || ways > entries || entries % ways)
        return -1;
    uint32_t sets = entries / ways;
    if (sets & (sets - 1))
        return -1;
    t->e = calloc(entries, sizeof *t->e);
    assert(t->e);
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

static void renormalise(tlb_t *t)
{
    /* Keep relative order inside each set, restart the stamps from small numbers. */
    for (uint32_t s = 0; s < t->sets; s++) {
        tlb_entry_t *set = &t->e[(size_t)s * t->ways];
        for (uint32_t w = 0; w < t->ways; w++) {
            uint32_t rank = 1;
            for (uint32_t v = 0; v < t->ways; v++)
                rank += set[v].stamp < set[w].stamp;
            set[w].stamp = rank;
        }
    }
    t->clock = t->ways + 1;
}

void tlb_fill(tlb_t *t, uint32_t asid, vpn_t vpn, pte_t *pte)
{
    if (!t->sets)
        return;
    if (t->clock > UINT32_MAX - 2)
        renormalise(t);
    /* One pass: a stale entry for the same page (permissions changed) is refilled in place,
     * else a free way, else the least recently used; an invalid way has the lowest rank. */
    tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways], *victim = &set[0];
    uint64_t best = UINT64_MAX;
    for (uint32_t w = 0; w < t->ways; w++) {
        tlb_entry_t *e = &set[w];
        if (!e->pte) {
            if (best) {
                best = 0;
                victim = e;
            }
            continue;
        }
        if (e->vpn == vpn && e->asid == asid) {
            victim = e;
            break;
        }
        if (e->stamp + 1ULL < best) {
            best = e->stamp + 1ULL;
            victim = e;
        }
    }
    victim->vpn = vpn;
    victim->asid = asid;
    victim->pte = pte;
    victim->perms = pte->flags & PTE_PERMS;
    victim->stamp = ++t->clock;
}

int tlb_invalidate(tlb_t *t, uint32_t asid, vpn_t vpn)
{
    if (!t->sets)
        return 0;
    tlb_entry_t *set = &t->e[(size_t)(vpn & t->set_mask) * t->ways];
    for (uint32_t w = 0; w < t->ways; w++)
        if (set[w].pte && set[w].vpn == vpn && set[w].asid == asid) {
            set[w].pte = NULL;
            t->shootdowns++;
            return 1;
        }
    return 0;
}

void tlb_flush(tlb_t *t, uint32_t asid)
{
    for (size_t i = 0; i < (size_t)t->sets * t->ways; i++)
        if (t->e[i].pte && (asid == UINT32_MAX || t->e[i].asid == asid))
            t->e[i].pte = NULL;
    t->flushes++;
}
