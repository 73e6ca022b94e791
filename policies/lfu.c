/* lfu.c - LFU: evict the page with the smallest reference count, ties to the least recent.
 *
 * Counting-based replacement (Silberschatz, Galvin, Gagne, Operating System Concepts, 9th
 * ed., §9.4.6; Tanenbaum, Modern Operating Systems, 4th ed., §3.4.7 "NFU"). The count is
 * kept only while the page is resident: 1 when it is loaded, +1 on every hit, forgotten on
 * eviction (so a page's history does not survive its eviction; "in-cache" LFU as opposed to
 * "perfect" LFU). Ties on the count go to the page whose last reference is oldest, i.e. LRU
 * among equals, then to the lowest frame number, so the choice is deterministic.
 *
 * Its known weakness, visible in tests: a page used heavily once keeps a high count and
 * stays resident long after it stops being used, while newly loaded pages, starting at 1,
 * evict each other. No ageing is applied: this is the textbook policy.
 *
 * Sees every reference (REPL_SEES_ALL_REFS). State: an indexed min-heap keyed by
 * (count, last use) (repl_util.h): O(log n) per hit, insert, remove and victim selection.
 * Local replacement: the least (count, last use) among the faulting process's frames, a scan
 * of the heap (O(frames)).
 */
#include "repl_create.h"

/* The heap's keys: k1 = count while resident, k2 = index of the last reference. */
static void lfu_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    repl_heap_t *h = state;
    h->k1[pfn]++;
    h->k2[pfn] = ref->t;
    repl_heap_fix(h, pfn);   /* keys only grow if t does; fix() assumes neither */
}

static void lfu_on_insert(void *state, const mem_ref_t *ref,
                          const page_id_t *page, pfn_t pfn)
{
    repl_heap_t *h = state;
    h->k1[pfn] = 1;
    h->k2[pfn] = ref->t;
    repl_heap_insert(h, pfn);
}

const repl_ops_t repl_lfu = {
    .name = "lfu",
    .version = REPL_VERSION,
    .summary = "least frequently used while resident, ties to least recent (sees every reference)",
    .paper = "Tanenbaum, Modern Operating Systems, 4th ed., 3.4.7 (NFU / LFU)",
    .params = NULL,
    .flags = REPL_SEES_ALL_REFS,
    .create = repl_heap_state_create,
    .destroy = repl_heap_state_destroy,
    .on_hit = lfu_on_hit,
    .select_victim = repl_heap_state_victim,
    .on_insert = lfu_on_insert,
    .on_remove = repl_heap_state_remove,
    .check = repl_heap_state_check,
};
