/* swap.c - swap-slot accounting.
 *
 * Swap slots are numbered from 1 and reference-counted: one count per PTE holding the slot
 * as a swap entry, plus one while the page is in the swap cache (and, for shared anonymous
 * memory, one while its object remembers the slot). A slot whose count drops to zero is
 * free; freed slots are reused last-freed-first, so slots stay dense. O(1) each; the device
 * (device.c) models where the slots' blocks are.
 *
 * Each slot also records the key of the page it holds (swap_key: policies/repl.h), which is
 * how an anonymous page keeps its identity while swapped out, whoever's PTEs hold the slot
 * (fork shares it). When an anonymous page's slot is freed, its identity dies with it, and
 * the shadow the policy left for it goes (shadow.c). The swap cache is swap_pfn: by slot, the
 * frame holding the slot's page (PFN_NONE: not cached), an array rather than a hash from slot
 * to frame, since slots are dense: a swap fault finds its page with one load. */
#include "sim_int.h"
#include "swap.h"
#include "shadow.h"
#include "sim/base/xalloc.h"

#include <stdlib.h>

void swap_init(sim_t *s)
{
    s->capswap = 1024;
    s->swap_refs = xcalloc(s->capswap, sizeof *s->swap_refs, "swap slots");
    s->swap_key = xcalloc(s->capswap, sizeof *s->swap_key, "swap slots");
    s->swap_pfn = xcalloc(s->capswap, sizeof *s->swap_pfn, "swap slots");
    s->nswap = 1;                                /* slot 0 means "none" */
}

void swap_destroy(sim_t *s)
{
    free(s->swap_refs);
    free(s->swap_key);
    free(s->swap_pfn);
    free(s->swap_free);
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
            s->swap_key = xrealloc(s->swap_key, xmul(2 * (size_t)s->capswap, sizeof *s->swap_key,
                                   "swap slots"), "swap slots");
            s->swap_pfn = xrealloc(s->swap_pfn, xmul(2 * (size_t)s->capswap, sizeof *s->swap_pfn,
                                   "swap slots"), "swap slots");
            s->capswap *= 2;
        }
        slot = s->nswap++;
    }
    s->swap_refs[slot] = 0;
    s->swap_key[slot] = PAGE_KEY_NONE;
    s->swap_pfn[slot] = PFN_NONE;
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
    if (page_key_is_anon(s->swap_key[slot]))
        shadow_forget(&s->shadows, s->swap_key[slot]);   /* the page's identity dies */
    s->swap_key[slot] = PAGE_KEY_NONE;
    if (s->nswap_free == s->capswap_free) {
        uint32_t cap = s->capswap_free ? 2 * s->capswap_free : 256;
        s->swap_free = xrealloc(s->swap_free, xmul(cap, sizeof *s->swap_free, "free swap slots"),
                                "free swap slots");
        s->capswap_free = cap;
    }
    s->swap_free[s->nswap_free++] = slot;
}
