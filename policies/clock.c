/* clock.c - CLOCK, the second-chance algorithm: FIFO that spares recently referenced pages.
 *
 * Corbató, "A paging experiment with the Multics system", MIT Project MAC MAC-M-384, 1968;
 * Silberschatz, Galvin, Gagne, Operating System Concepts, 9th ed., §9.4.5.2; Tanenbaum,
 * Modern Operating Systems, 4th ed., §3.4.4-3.4.5. Frames sit in a circle in load order and
 * a hand points at the oldest. To find a victim the hand examines the page under it: if its
 * hardware referenced (R) bit is set, the bit is cleared and the hand moves on (the page gets
 * a second chance); otherwise that page is the victim. Once every bit has been cleared the
 * hand comes back to a page it cleared, so a search takes at most n+1 steps, O(1) amortised
 * (each step past a page consumes a reference the page received).
 *
 * CLOCK sees references only through R bits (on_hit is NULL), exactly as a kernel does:
 * env->test_clear_ref reads and clears the bit (the OR over every mapping of the frame).
 *
 * A newly loaded page goes just behind the hand, so it is examined last; after an eviction
 * the hand sits on the victim's successor and the new page takes the victim's place in the
 * circle, as in the textbooks' figure. Removal by unmap or exit unlinks the page wherever it
 * is; if the hand was on it, the hand moves to its successor.
 *
 * Parameter ref_on_load (default 1). The engine sets the R bit on the reference that loads a
 * page, so by default a new page starts referenced, as the textbooks draw it. With
 * ref_on_load=0, on_insert clears that bit (through test_clear_ref), the other common
 * convention: a page loaded but never referenced again is evicted on the hand's first pass.
 * This relies on the engine setting the R bit of the loading reference before on_insert.
 *
 * Parameter reset (default 0: off). reset=N clears every referenced bit each N references,
 * the periodic clock interrupt of course simulators (and of Tanenbaum's NRU, §3.4.2, whose R
 * bits a timer clears): after the N-th, 2N-th, ... page reference (the global count, ref->t's)
 * every tracked frame's R bit is cleared through test_clear_ref (O(frames) once per N
 * references: O(frames / N) amortised per reference). CLOCK has no on_hit, so it cannot count
 * references itself, and clearing lazily at the next fault (from ref->t) is not exact: a bit
 * set by a hit between the boundary and that fault would be cleared with the older ones. So
 * the engine's reference timer (repl.h: env->set_ref_timer, on_refs; added for this) calls
 * the policy between the N-th reference and the next, exactly, under both schedules; with
 * reset=0 it is never armed and costs the engine one compare per reference, the hit path of
 * clock nothing. reset=1 clears every bit after every reference: CLOCK becomes FIFO.
 *
 * State: a ring of frames (repl_util.h) whose head is the hand.
 *
 * Cost per step of the hand: test_clear_ref reads the frame, its reverse-map node and the
 * PTE, three dependent cache misses on a large footprint, and the victim's eviction its swap
 * slot, so the hand asks the engine (env->prefetch_ref) for the node and frame CLOCK_FAR
 * steps ahead and the PTE and swap slot CLOCK_NEAR steps ahead (two more ring links read per
 * step, from the 8 bytes per frame of the ring). On the large-footprint workload (10^7
 * references, Zipf 0.9 over 10^6 pages, 10^5 frames, binary) a run went from 1.29-1.38 s to
 * 1.20-1.31 (five runs each, alternated, pinned, the other core busy; median 1.33 -> 1.21),
 * same results: the hand and the slot's reference count had 22% of perf's samples, now 14%.
 *
 * Local replacement (repl.h, req->local): the hand goes round as usual but passes over the
 * frames of other processes without looking at their bits (they keep their second chance),
 * and stops at the first frame of the faulting process whose bit is clear. The engine asks
 * only when the process owns a tracked frame, so two turns suffice: O(frames) at worst.
 */
#include "repl_create.h"

#include <stdio.h>
#include "repl_explain.h"

enum { CLOCK_NEAR = 4, CLOCK_FAR = 10 };   /* look-ahead of the hand, in steps (select_victim) */

typedef struct clock_state {
    repl_ring_t ring;            /* head = the hand; tail = just behind it */
    int (*test_clear_ref)(void *eng, pfn_t pfn);
    void (*prefetch_ref)(void *eng, pfn_t near, pfn_t far);
    void *eng;
    const repl_env_t *env;
    int ref_on_load;
    vtime_t reset;               /* 0: off; else references between two clearings */
} clock_state_t;

static void clock_destroy(void *state)
{
    clock_state_t *c = state;
    if (!c)
        return;
    repl_ring_free(&c->ring);
    free(c);
}

static int clock_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"ref_on_load", "reset", NULL};
    long long ref_on_load, reset;
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (spec_int(params, "ref_on_load", 1, &ref_on_load, err))
        return -1;
    if (ref_on_load != 0 && ref_on_load != 1)
        return sim_err_set(err, SIM_EINPUT, "ref_on_load must be 0 or 1, not %lld", ref_on_load);
    if (spec_int(params, "reset", 0, &reset, err))
        return -1;
    if (reset < 0)
        return sim_err_set(err, SIM_EINPUT, "reset must be 0 (off) or a number of references, not %lld", reset);
    if (reset && !env->set_ref_timer)
        return sim_err_set(err, SIM_EINPUT, "reset needs the engine's reference timer");
    assert(env->test_clear_ref);
    clock_state_t *c = calloc(1, sizeof *c);
    if (!c || repl_ring_init(&c->ring, env->nframes)) {
        if (c)
            clock_destroy(c);
        return repl_create_nomem(env, err);
    }
    c->test_clear_ref = env->test_clear_ref;
    c->prefetch_ref = env->prefetch_ref;
    c->eng = env->eng;
    c->env = env;
    c->ref_on_load = (int)ref_on_load;
    c->reset = (vtime_t)reset;
    if (c->reset)
        env->set_ref_timer(env->eng, c->reset);
    *state = c;
    return 0;
}

/* reset=N: N more references have been made; every R bit is cleared. */
static vtime_t clock_on_refs(void *state, vtime_t t)
{
    clock_state_t *c = state;
    (void)t;
    repl_ring_t *r = &c->ring;
    pfn_t p = r->head;
    for (uint32_t i = 0; i < r->n; i++, p = r->next[p])
        (void)c->test_clear_ref(c->eng, p);
    return c->reset;
}


static pfn_t clock_select_victim(void *state, const repl_req_t *req)
{
    clock_state_t *c = state;
    repl_ring_t *r = &c->ring;
    assert(r->head != PFN_NONE);
    /* The frames CLOCK_NEAR and CLOCK_FAR steps ahead of the hand, for env->prefetch_ref
     * (the ring does not change while the hand moves). */
    pfn_t near = r->head, far;
    for (int i = 0; i < CLOCK_NEAR; i++)
        near = r->next[near];
    far = near;
    for (int i = CLOCK_NEAR; i < CLOCK_FAR; i++)
        far = r->next[far];
    /* Bounded: after n steps every bit (of the frames we may take) has been cleared by us. */
    for (uint32_t steps = 0; steps <= 2 * r->n; steps++) {
        pfn_t p = r->head;
        if (c->prefetch_ref) {
            c->prefetch_ref(c->eng, near, far);
            near = r->next[near];
            far = r->next[far];
        }
        if (repl_req_allows(c->env, req, p) && !c->test_clear_ref(c->eng, p))
            return p;                 /* the hand stays; on_remove moves it past p */
        r->head = r->next[p];
    }
    assert(!"clock: test_clear_ref did not clear the referenced bit");
    return r->head;
}

static void clock_on_insert(void *state, const mem_ref_t *ref,
                            const page_id_t *page, pfn_t pfn)
{
    clock_state_t *c = state;
    if (!c->ref_on_load)
        (void)c->test_clear_ref(c->eng, pfn);
    repl_ring_push_tail(&c->ring, pfn);
}

static int clock_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    clock_state_t *c = state;
    (void)why;
    (void)shadow;
    repl_ring_unlink(&c->ring, pfn);   /* a hand on pfn moves to its successor */
    return 0;
}

static int clock_check(void *state, const uint8_t *resident)
{
    clock_state_t *c = state;
    return repl_ring_check(&c->ring, resident);
}

/* Explain mode (repl.h): the ring from the hand round, "*" a set R bit. */
static void clock_explain(void *state, repl_explain_t *x)
{
    const clock_state_t *c = state;
    repl_explain_ring(x, "clock", &c->ring, PFN_NONE, 0, c->ring.head, repl_explain_rbit, NULL);
}

const repl_ops_t repl_clock = {
    .name = "clock",
    .version = REPL_VERSION,
    .summary = "second chance: FIFO circle, a set referenced bit spares a page once (sees R bits)",
    .paper = "Corbato, \"A paging experiment with the Multics system\", MIT MAC-M-384, 1968",
    .params = "ref_on_load=1,reset=0",
    .flags = 0,
    .create = clock_create,
    .destroy = clock_destroy,
    .on_hit = NULL,
    .select_victim = clock_select_victim,
    .on_insert = clock_on_insert,
    .on_remove = clock_on_remove,
    .check = clock_check,
    .on_refs = clock_on_refs,
    .explain = clock_explain,
    .peek_victim = repl_ring_state_peek,      /* the hand: its ring comes first */
};
