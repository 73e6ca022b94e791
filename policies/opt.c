/* opt.c - Belady's MIN (OPT): evict the page whose next use lies farthest in the future.
 *
 * Belady, "A study of replacement algorithms for a virtual-storage computer", IBM Systems
 * Journal 5(2), 1966; proved optimal (fewest faults for a fixed number of frames, demand
 * paging) by Mattson, Gecsei, Slutz, Traiger, IBM Systems Journal 9(2), 1970, which also
 * shows it is a stack algorithm, so more frames never give more faults. Textbook treatment:
 * Silberschatz, Galvin, Gagne, Operating System Concepts, 9th ed., §9.4.3. Unrealisable
 * online; in a simulator it is the yardstick every other policy is measured against.
 *
 * It needs the future: ref->next_use, the index of the next reference to the same page
 * (VTIME_NEVER if none), which the workload layer computes by a backward pass over a trace
 * whose order is fixed (REPL_NEEDS_NEXT_USE). on_insert and on_hit record it per frame.
 * Run creation must fail where next-use cannot be computed; this file never guesses.
 *
 * State: an indexed max-heap on next use (repl_util.h, stored as a min-heap on the
 * complement), so insert, hit, remove and victim selection are O(log n).
 *
 * Ties: several pages can share a next use only when none of them is used again
 * (VTIME_NEVER). Any of them is an optimal choice; this one evicts the least recently used
 * of them (smallest index of last reference), then the lowest frame number. The fault count
 * does not depend on the tie rule; which pages stay resident does.
 *
 * Deviation to know: a frame shared by several (pid, vpn) mappings records the next use
 * carried by its latest reference, which may be later than the frame's true next use
 * through another mapping. For one address space per page (the textbook setting) it is exact.
 */
#include "repl_create.h"

/* The heap's keys: k1 = VTIME_NEVER - next use (the farthest first), k2 = last use. */
static void opt_record(repl_heap_t *h, const mem_ref_t *ref, pfn_t pfn)
{
    assert(ref->next_use > ref->t);   /* VTIME_NEVER included: next_use was filled */
    h->k1[pfn] = VTIME_NEVER - ref->next_use;
    h->k2[pfn] = ref->t;
}

static void opt_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    opt_record(state, ref, pfn);
    repl_heap_fix(state, pfn);
}

static void opt_on_insert(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    opt_record(state, ref, pfn);
    repl_heap_insert(state, pfn);
}

const repl_ops_t repl_opt = {
    .name = "opt",
    .summary = "Belady's MIN: evict the page used farthest in the future (needs a fixed trace)",
    .flags = REPL_NEEDS_NEXT_USE | REPL_SEES_ALL_REFS,
    .create = repl_heap_state_create,
    .destroy = repl_heap_state_destroy,
    .on_hit = opt_on_hit,
    .select_victim = repl_heap_state_victim,
    .on_insert = opt_on_insert,
    .on_remove = repl_heap_state_remove,
    .check = repl_heap_state_check,
};
