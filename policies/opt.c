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
#include "repl.h"
#include "repl_util.h"
#include "../sim/spec.h"

#include <stdio.h>

typedef struct opt {
    repl_heap_t heap;   /* k1 = VTIME_NEVER - next_use (farthest first), k2 = last use */
} opt_t;

static void opt_destroy(void *state)
{
    opt_t *o = state;
    if (!o)
        return;
    repl_heap_free(&o->heap);
    free(o);
}

static int opt_create(const repl_env_t *env, const json_t *params, void **state, char *err)
{
    static const char *const keys[] = {NULL};
    *state = NULL;
    if (params && spec_only(params, keys, "policy opt", err))
        return -1;
    if (env->nframes == 0) {
        snprintf(err, REPL_ERR_LEN, "policy opt needs at least one frame");
        return -1;
    }
    opt_t *o = calloc(1, sizeof *o);
    if (!o || repl_heap_init(&o->heap, env->nframes)) {
        if (o)
            opt_destroy(o);
        snprintf(err, REPL_ERR_LEN, "policy opt: out of memory for %u frames", env->nframes);
        return -1;
    }
    *state = o;
    return 0;
}

static void opt_record(opt_t *o, const mem_ref_t *ref, pfn_t pfn)
{
    assert(ref->next_use > ref->t);   /* VTIME_NEVER included: next_use was filled */
    o->heap.k1[pfn] = VTIME_NEVER - ref->next_use;
    o->heap.k2[pfn] = ref->t;
}

static void opt_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    opt_t *o = state;
    opt_record(o, ref, pfn);
    repl_heap_fix(&o->heap, pfn);
}

static pfn_t opt_select_victim(void *state, const mem_ref_t *ref)
{
    opt_t *o = state;
    assert(o->heap.n > 0);
    return repl_heap_top(&o->heap);
}

static void opt_on_insert(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    opt_t *o = state;
    opt_record(o, ref, pfn);
    repl_heap_insert(&o->heap, pfn);
}

static void opt_on_remove(void *state, pfn_t pfn, repl_why_t why)
{
    opt_t *o = state;
    repl_heap_remove(&o->heap, pfn);
}

static int opt_check(void *state, const uint8_t *resident)
{
    opt_t *o = state;
    return repl_heap_check(&o->heap, resident);
}

const repl_ops_t repl_opt = {
    .name = "opt",
    .summary = "Belady's MIN: evict the page used farthest in the future (needs a fixed trace)",
    .flags = REPL_NEEDS_NEXT_USE | REPL_SEES_ALL_REFS,
    .create = opt_create,
    .destroy = opt_destroy,
    .on_hit = opt_on_hit,
    .select_victim = opt_select_victim,
    .on_insert = opt_on_insert,
    .on_remove = opt_on_remove,
    .check = opt_check,
};
