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
 * complement), so insert, hit, remove and victim selection are O(log n); a hit that moves
 * the next use later (all but stale ones) only sifts up; a local request
 * (repl.h) takes the farthest next use among the faulting process's frames, a scan (O(n)).
 *
 * Ties: several pages can share a next use only when none of them is used again
 * (VTIME_NEVER). Any of them is an optimal choice; this one evicts the least recently used
 * of them (smallest index of last reference), then the lowest frame number. The fault count
 * does not depend on the tie rule; which pages stay resident does.
 *
 * The future is the next use of the page's contents (workloads/pgid.c: a file page however
 * many processes map it, an anonymous page, its COW copies), never of a (pid, vpn): the
 * engine's page keys (repl.h, page_id_t) follow the same rules, so a frame's recorded next use
 * is exact: the next hit of that frame is at that reference. stats.stale_next_uses counts the
 * hits where it was not (a reference whose page the offline pass could not know, see
 * pgid.c): 0 means this run's OPT is the true offline optimum of what the engine simulates.
 * stats.unknown_next_uses counts hits on pages inserted without a reference (readahead, swap
 * clustering, eager COW copies), whose next use the policy could not know (it evicts them
 * first).
 */
#include "repl_create.h"

#include <stddef.h>
#include "repl_explain.h"

typedef struct opt_state {
    repl_heap_t h;                 /* first: the shared heap hooks take the state as the heap */
    const repl_env_t *env;         /* second: the state is also a repl_heap_state_t */
    uint64_t stale, unknown;
} opt_state_t;

_Static_assert(offsetof(opt_state_t, env) == offsetof(repl_heap_state_t, env),
               "the shared heap hooks read opt's state as a repl_heap_state_t");

static int opt_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(opt_state_t),
                                 repl_heap_state_init, repl_heap_state_destroy);
}

/* The heap's keys: k1 = VTIME_NEVER - next use (the farthest first), k2 = last use. */
static void opt_record(repl_heap_t *h, const mem_ref_t *ref, pfn_t pfn)
{
    assert(ref->next_use > ref->t);   /* VTIME_NEVER included: next_use was filled */
    h->k1[pfn] = VTIME_NEVER - ref->next_use;
    h->k2[pfn] = ref->t;
}

static void opt_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    opt_state_t *o = state;
    vtime_t recorded = VTIME_NEVER - o->h.k1[pfn];
    if (recorded != ref->t && o->h.k2[pfn] != ref->t) {   /* (the same reference told twice) */
        if (recorded == VTIME_NEVER)
            o->unknown++;
        else
            o->stale++;
    }
    uint64_t old = o->h.k1[pfn];
    opt_record(&o->h, ref, pfn);
    /* The usual hit moves the next use later (k1 smaller): the frame can only rise, so the
     * sift down's look at its children (cache misses) is skipped. Else (equal k1 with a
     * later k2, or a stale next use) both ways. */
    if (o->h.k1[pfn] < old)
        repl_heap_up(&o->h, o->h.pos[pfn]);
    else
        repl_heap_fix(&o->h, pfn);
}

static void opt_on_insert(void *state, const mem_ref_t *ref,
                          const page_id_t *page, pfn_t pfn)
{
    opt_state_t *o = state;
    opt_record(&o->h, ref, pfn);
    repl_heap_insert(&o->h, pfn);
}

static void opt_stats(void *state, json_t *obj)
{
    const opt_state_t *o = state;
    json_object_set_new(obj, "stale_next_uses", json_integer((json_int_t)o->stale));
    json_object_set_new(obj, "unknown_next_uses", json_integer((json_int_t)o->unknown));
}

/* Explain mode (repl.h): by next use, farthest (the next victim) first; each with ":N", the
 * number of the reference that uses it next (as explain numbers them, from 1; where the trace
 * has buffered reads or writes, each of their pages counts as a reference too, as in the
 * next-use pass), ":-" never. */
static const char *opt_explain_next(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    (void)x;
    vtime_t next = VTIME_NEVER - ((const opt_state_t *)state)->h.k1[pfn];
    if (next == VTIME_NEVER)
        snprintf(buf, n, ":-");
    else
        snprintf(buf, n, ":%llu", (unsigned long long)next + 1);
    return buf;
}

static void opt_explain(void *state, repl_explain_t *x)
{
    repl_explain_heap(x, "opt", &((opt_state_t *)state)->h, opt_explain_next, state);
}

const repl_ops_t repl_opt = {
    .name = "opt",
    .version = REPL_VERSION,
    .summary = "Belady's MIN: evict the page used farthest in the future, in a fixed trace order (sees every reference)",
    .paper = "Belady 1966 (MIN); Mattson et al. 1970 (OPT as a stack algorithm)",
    .params = NULL,
    .flags = REPL_NEEDS_NEXT_USE | REPL_SEES_ALL_REFS,
    .create = opt_create,
    .destroy = repl_heap_state_destroy,
    .on_hit = opt_on_hit,
    .select_victim = repl_heap_state_victim,
    .on_insert = opt_on_insert,
    .on_remove = repl_heap_state_remove,
    .check = repl_heap_state_check,
    .stats = opt_stats,
    .explain = opt_explain,
};

