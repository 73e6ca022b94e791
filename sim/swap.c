/* swap.c - swap-slot accounting.
 *
 * Swap slots are numbered from 1 and reference-counted: one count per PTE holding the slot
 * as a swap entry, plus one while the page is in the swap cache (and, for shared anonymous
 * memory, one while its object remembers the slot). A slot whose count drops to zero is
 * free; freed slots are reused last-freed-first, so slots stay dense. O(1) each; the device
 * (device.c) models where the slots' blocks are.
 *
 * Each slot also records the key of the page it holds (swap[slot].key: policies/repl.h), which is
 * how an anonymous page keeps its identity while swapped out, whoever's PTEs hold the slot
 * (fork shares it). When an anonymous page's slot is freed, its identity dies with it, and
 * the shadow the policy left for it goes (shadow.c). The swap cache is swap[slot].pfn: the
 * frame holding the slot's page (PFN_NONE: not cached), an array rather than a hash from slot
 * to frame, since slots are dense: a swap fault finds its page with one load. Key, frame and
 * count share one 16-byte record (swap_slot_t), four to a cache line: a swap-in reads the
 * frame and the key and takes a reference, a swap-out takes a reference and sets the key,
 * each in one cache miss where three arrays cost three. */
#include "sim_int.h"
#include "swap.h"
#include "shadow.h"
#include "sim/base/xalloc.h"

#include <stdlib.h>

void swap_init(sim_t *s)
{
    s->capswap = 1024;
    s->swap = xcalloc(s->capswap, sizeof *s->swap, "swap slots");
    s->nswap = 1;                                /* slot 0 means "none" */
}

void swap_destroy(sim_t *s)
{
    free(s->swap);
    free(s->swap_free);
}

uint32_t swap_alloc(sim_t *s)
{
    uint32_t slot;
    if (s->nswap_free) {
        slot = s->swap_free[--s->nswap_free];
    } else {
        if (s->nswap == s->capswap) {
            s->swap = xrealloc(s->swap, xmul(2 * (size_t)s->capswap, sizeof *s->swap, "swap slots"),
                               "swap slots");
            s->capswap *= 2;
        }
        slot = s->nswap++;
    }
    s->swap[slot] = (swap_slot_t){.key = PAGE_KEY_NONE, .pfn = PFN_NONE, .refs = 0};
    return slot;
}

void swap_ref(sim_t *s, uint32_t slot)
{
    SIM_ASSERT(s, slot && slot < s->nswap);
    s->swap[slot].refs++;
}

void swap_unref(sim_t *s, uint32_t slot)
{
    SIM_ASSERT(s, slot && slot < s->nswap && s->swap[slot].refs > 0);
    if (--s->swap[slot].refs)
        return;
    if (page_key_is_anon(s->swap[slot].key))
        shadow_forget(&s->shadows, s->swap[slot].key);   /* the page's identity dies */
    s->swap[slot].key = PAGE_KEY_NONE;
    if (s->nswap_free == s->capswap_free) {
        uint32_t cap = s->capswap_free ? 2 * s->capswap_free : 256;
        s->swap_free = xrealloc(s->swap_free, xmul(cap, sizeof *s->swap_free, "free swap slots"),
                                "free swap slots");
        s->capswap_free = cap;
    }
    s->swap_free[s->nswap_free++] = slot;
}
