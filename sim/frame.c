/* frame.c - the frame table, its reverse map, and swap-slot accounting.
 *
 * Each physical frame records what it holds (anonymous, page cache, swap cache), how many
 * PTEs map it and which ones: the reverse map is a singly linked list per frame of
 * (address space, vpn, PTE pointer) nodes from a pool, so evicting a shared page can unmap
 * it from every process and shoot down exactly their TLB entries (Linux mm/rmap.c does the
 * same job through anon_vma and the file's i_mmap tree; a per-frame list is the simple
 * form, O(mappers) per eviction). The free list is a stack: a freed frame is reused first,
 * deterministic, O(1).
 *
 * Swap slots are numbered from 1 and reference-counted: one count per PTE holding the slot
 * as a swap entry, plus one while the page is in the swap cache. A slot whose count drops
 * to zero is free; freed slots are reused last-freed-first. */
#include "engine.h"
#include "sim/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

void frames_init(sim_t *s)
{
    s->frames = xcalloc(s->nframes, sizeof *s->frames, "the frame table");
    s->free_stack = xcalloc(s->nframes, sizeof *s->free_stack, "the free-frame list");
    for (uint32_t i = 0; i < s->nframes; i++)
        s->free_stack[i] = s->nframes - 1 - i;   /* frame 0 is handed out first */
    s->nfree = s->nframes;
    s->caprmap = 1024;
    s->rmap = xcalloc(s->caprmap, sizeof *s->rmap, "the reverse map");
    s->nrmap = 1;                                /* node 0 means "none" */
    s->rmap_free = 0;
    s->capswap = 1024;
    s->swap_refs = xcalloc(s->capswap, sizeof *s->swap_refs, "swap slots");
    s->nswap = 1;                                /* slot 0 means "none" */
}

void frames_free(sim_t *s)
{
    free(s->frames);
    free(s->free_stack);
    free(s->rmap);
    free(s->swap_refs);
    free(s->swap_free);
}

pfn_t frame_alloc_free(sim_t *s)
{
    if (!s->nfree)
        return PFN_NONE;
    pfn_t pfn = s->free_stack[--s->nfree];
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, !(f->flags & FR_USED));
    memset(f, 0, sizeof *f);
    f->flags = FR_USED;
    s->resident++;
    if (s->resident > s->resident_peak)
        s->resident_peak = s->resident;
    return pfn;
}

void frame_release(sim_t *s, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, (f->flags & FR_USED) && !f->mapcount && !f->rmap && !(f->flags & FR_TRACKED));
    f->flags = 0;
    s->free_stack[s->nfree++] = pfn;
    s->resident--;
}

void rmap_add(sim_t *s, pfn_t pfn, uint32_t mm, vpn_t vpn, pte_t *pte)
{
    uint32_t n = s->rmap_free;
    if (n) {
        s->rmap_free = s->rmap[n].next;
    } else {
        if (s->nrmap == s->caprmap) {
            s->rmap = xrealloc(s->rmap, xmul(2 * (size_t)s->caprmap, sizeof *s->rmap, "the reverse map"),
                               "the reverse map");
            s->caprmap *= 2;
        }
        n = s->nrmap++;
    }
    frame_t *f = &s->frames[pfn];
    s->rmap[n] = (rmap_node_t){.pte = pte, .vpn = vpn, .mm = mm, .next = f->rmap};
    f->rmap = n;
    f->mapcount++;
}

void rmap_del(sim_t *s, pfn_t pfn, pte_t *pte)
{
    frame_t *f = &s->frames[pfn];
    for (uint32_t *link = &f->rmap; *link; link = &s->rmap[*link].next) {
        uint32_t n = *link;
        if (s->rmap[n].pte == pte) {
            *link = s->rmap[n].next;
            s->rmap[n].next = s->rmap_free;
            s->rmap[n].pte = NULL;
            s->rmap_free = n;
            f->mapcount--;
            return;
        }
    }
    SIM_ASSERT(s, !"rmap_del: PTE not in the frame's reverse map");
}

uint32_t swap_alloc(sim_t *s)
{
    uint32_t slot;
    if (s->nswap_free) {
        slot = s->swap_free[--s->nswap_free];
    } else {
        if (s->nswap == s->capswap) {
            s->swap_refs = xrealloc(s->swap_refs, xmul(2 * (size_t)s->capswap, sizeof *s->swap_refs,
                                    "swap slots"), "swap slots");
            s->capswap *= 2;
        }
        slot = s->nswap++;
    }
    s->swap_refs[slot] = 0;
    return slot;
}

void swap_ref(sim_t *s, uint32_t slot)
{
    SIM_ASSERT(s, slot && slot < s->nswap);
    s->swap_refs[slot]++;
}

void swap_unref(sim_t *s, uint32_t slot)
{
    SIM_ASSERT(s, slot && slot < s->nswap && s->swap_refs[slot] > 0);
    if (--s->swap_refs[slot])
        return;
    if (s->nswap_free == s->capswap_free) {
        uint32_t cap = s->capswap_free ? 2 * s->capswap_free : 256;
        s->swap_free = xrealloc(s->swap_free, xmul(cap, sizeof *s->swap_free, "free swap slots"),
                                "free swap slots");
        s->capswap_free = cap;
    }
    s->swap_free[s->nswap_free++] = slot;
}
