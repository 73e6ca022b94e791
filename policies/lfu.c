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
 */
#include "repl.h"
#include "repl_util.h"
#include "../sim/spec.h"

#include <stdio.h>

typedef struct lfu {
    repl_heap_t heap;   /* k1 = count while resident, k2 = index of last reference */
} lfu_t;

static void lfu_destroy(void *state)
{
    lfu_t *l = state;
    if (!l)
        return;
    repl_heap_free(&l->heap);
    free(l);
}

static int lfu_create(const repl_env_t *env, const json_t *params, void **state, char *err)
{
    static const char *const keys[] = {NULL};
    *state = NULL;
    if (params && spec_only(params, keys, "policy lfu", err))
        return -1;
    if (env->nframes == 0) {
        snprintf(err, REPL_ERR_LEN, "policy lfu needs at least one frame");
        return -1;
    }
    lfu_t *l = calloc(1, sizeof *l);
    if (!l || repl_heap_init(&l->heap, env->nframes)) {
        if (l)
            lfu_destroy(l);
        snprintf(err, REPL_ERR_LEN, "policy lfu: out of memory for %u frames", env->nframes);
        return -1;
    }
    *state = l;
    return 0;
}

static void lfu_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lfu_t *l = state;
    l->heap.k1[pfn]++;
    l->heap.k2[pfn] = ref->t;
    repl_heap_fix(&l->heap, pfn);   /* keys only grow if t does; fix() assumes neither */
}

static pfn_t lfu_select_victim(void *state, const mem_ref_t *ref)
{
    lfu_t *l = state;
    assert(l->heap.n > 0);
    return repl_heap_top(&l->heap);
}

static void lfu_on_insert(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lfu_t *l = state;
    l->heap.k1[pfn] = 1;
    l->heap.k2[pfn] = ref->t;
    repl_heap_insert(&l->heap, pfn);
}

static void lfu_on_remove(void *state, pfn_t pfn, repl_why_t why)
{
    lfu_t *l = state;
    repl_heap_remove(&l->heap, pfn);
}

static int lfu_check(void *state, const uint8_t *resident)
{
    lfu_t *l = state;
    return repl_heap_check(&l->heap, resident);
}

const repl_ops_t repl_lfu = {
    .name = "lfu",
    .summary = "least frequently used while resident, ties to least recent (sees every reference)",
    .flags = REPL_SEES_ALL_REFS,
    .create = lfu_create,
    .destroy = lfu_destroy,
    .on_hit = lfu_on_hit,
    .select_victim = lfu_select_victim,
    .on_insert = lfu_on_insert,
    .on_remove = lfu_on_remove,
    .check = lfu_check,
};
