/* car.c - CAR, CLOCK with Adaptive Replacement: ARC's adaptation on two clocks, so that a hit
 * costs nothing but the hardware's referenced bit.
 *
 * Bansal, Modha, "CAR: Clock with Adaptive Replacement", USENIX FAST'04, pp. 187-200, 2004;
 * the algorithm is its Fig. 2, followed line by line. T1 and T2 are clocks of resident pages
 * (head = the hand, tail = just behind it) with reference bits; B1 and B2 are LRU lists of
 * ghosts (policies/repl_ghost.h; the ghost's handle is the evicted page's shadow). The
 * target p for |T1| is real-valued and starts at 0.
 *   hit (lines 1-2): the hardware sets the page's R bit; CAR does nothing (on_hit NULL).
 *   miss, cache full (4-5): replace(): repeat { if |T1| >= max(1, p): T1's head with R = 0
 *       is demoted to B1's MRU end (found), with R = 1 it gets R = 0 and goes to T2's tail;
 *       else T2's head with R = 0 is demoted to B2's MRU end (found), with R = 1 it gets
 *       R = 0 and T2's hand moves past it } until found.
 *   directory replacement (6-10), when x is in neither B1 nor B2, after replace(): if
 *       |T1|+|B1| = c discard B1's LRU ghost, else if |T1|+|T2|+|B1|+|B2| = 2c B2's.
 *   x new (12-13): insert at T1's tail with R = 0. x in B1 (14-16): p = min(p + max(1,
 *       |B2|/|B1|), c), x to T2's tail with R = 0. x in B2 (17-19): p = max(p - max(1,
 *       |B1|/|B2|), 0), x to T2's tail with R = 0. The adaptation comes after replace(), so
 *       it sees the ghost replace() just made, and x is still counted in its list.
 * A ghost hit is a miss (the engine counts it as a fault).
 *
 * Hooks: on_miss only notes the page's ghost; select_victim is replace() (the engine asks
 * exactly when the cache is full, line 4); on_remove(REPL_EVICT) makes the victim the MRU
 * ghost of B1 or B2 (the shadow it leaves); on_insert does lines 6-19. R bits come from
 * env->test_clear_ref, which reads and clears (the engine sets R on the loading reference,
 * so on_insert clears it: lines 13, 16, 19). Conventions where the engine goes beyond the
 * paper:
 *  - Lines 6-10 are evaluated at every insertion of a new page, as "|T1|+|B1| >= c" and
 *    "directory >= 2c": the same as the paper's "= c" / "= 2c" when the cache was full (the
 *    bounds hold), and with the cache not full after removals they keep the bounds.
 *  - Pages removed by the program (REPL_UNMAP, REPL_COW) leave their clock and no ghost; a
 *    hand on them moves to the next page. Background reclaim and prefetch requests run the
 *    same replace() (a prefetched page is a miss like any other).
 *  - If the clock replace() wants is empty (only after removals), it takes the other.
 *  - Local replacement: replace() as usual, but the hands pass over other processes' frames
 *    without looking at their bits, and a clock holding none of the process's frames is not
 *    chosen. O(frames) at worst (a count of the process's frames per clock first).
 *  - Shadows (repl.h): a ghost hits only if the engine hands its shadow back. The engine
 *    keeps at most config `shadows` x frames of them, oldest dropped first, including those
 *    of ghosts this policy has already trimmed (it is never told), so with the default (2)
 *    the shadow of a long-lived B2 ghost can go: its next miss is then a new page (arc.c
 *    gives the figure on OLTP); scripts/validate keeps a shadow for every page. A clean
 *    anonymous page's identity dies at its eviction, so a block trace (.lis) must be
 *    replayed as file pages for any ghost to hit (scripts/validate converts it so).
 * Fig. 2 leaves nothing else open; no other implementation is followed.
 *
 * State: two repl_ring_t (16 bytes a frame), a ghost pool of 2c entries (20 bytes each; the
 * bounds keep ghosts <= 2c - resident). replace() is O(1) amortised: each step past a page
 * consumes a reference bit the page received (at most two sweeps, as CLOCK); other hooks O(1).
 */
#include "arc_lists.h"
#include "repl_explain.h"

enum { CAR_T1 = 0, CAR_T2 = 1 };   /* clock index; the ghost lists too: B1 = 0, B2 = 1 */

typedef struct car {
    repl_ring_t t[2];               /* T1, T2: head = hand, tail = just behind it */
    repl_ghosts_t g;                /* lists CAR_T1 (B1), CAR_T2 (B2) */
    const repl_env_t *env;
    int (*test_clear_ref)(void *eng, pfn_t pfn);
    void *eng;
    uint32_t c;
    double p;
    page_key_t miss_key;            /* the miss in progress: its page and its ghost */
    uint32_t miss_slot;
    int miss_valid;
    uint64_t ghost_hits[2], evict_from[2], to_t2, hand_steps;
} car_t;

static void car_destroy(void *state)
{
    car_t *a = state;
    if (!a)
        return;
    arc_lists_free(a->t, &a->g);
    free(a);
}

static int car_init(void *st, const repl_env_t *env)
{
    car_t *a = st;
    assert(env->test_clear_ref);
    a->env = env;
    a->test_clear_ref = env->test_clear_ref;
    a->eng = env->eng;
    a->c = env->nframes;
    a->miss_slot = REPL_GHOST_NONE;
    return arc_lists_init(a->t, &a->g, env);
}

static int car_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(car_t), car_init, car_destroy);
}

static uint32_t car_dir(const car_t *a)
{
    return arc_lists_dir(a->t, &a->g);
}

static void car_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    car_t *a = state;
    (void)ref;
    a->miss_key = page->key;
    a->miss_slot = repl_ghost_find(&a->g, shadow, page->key);
    a->miss_valid = 1;
}

/* Frames of list l the request allows (all of them for a global request). */
static uint32_t car_allowed(const car_t *a, int l, const repl_req_t *req)
{
    const repl_ring_t *r = &a->t[l];
    if (!req->local)
        return r->n;
    uint32_t k = 0;
    pfn_t p = r->head;
    for (uint32_t i = 0; i < r->n; i++, p = r->next[p])
        k += repl_req_allows(a->env, req, p);
    return k;
}

/* replace() (lines 22-39). */
static pfn_t car_select_victim(void *state, const repl_req_t *req)
{
    car_t *a = state;
    uint32_t own[2] = {car_allowed(a, 0, req), car_allowed(a, 1, req)};
    assert(own[0] + own[1] > 0);
    for (;;) {
        double t1 = a->t[CAR_T1].n;
        int l = (t1 >= (a->p > 1 ? a->p : 1) && own[CAR_T1]) || !own[CAR_T2] ? CAR_T1 : CAR_T2;
        repl_ring_t *r = &a->t[l];
        pfn_t h = r->head;
        a->hand_steps++;
        if (!repl_req_allows(a->env, req, h)) {
            r->head = r->next[h];                     /* the hand passes another's frame */
            continue;
        }
        if (!a->test_clear_ref(a->eng, h)) {
            a->evict_from[l]++;
            return h;                                 /* demoted by on_remove */
        }
        if (l == CAR_T1) {                            /* line 29: R = 0, to T2's tail */
            repl_ring_unlink(r, h);
            repl_ring_push_tail(&a->t[CAR_T2], h);
            own[CAR_T1]--;
            own[CAR_T2]++;
            a->to_t2++;
        } else {                                      /* line 36: R = 0, T2's hand moves on */
            r->head = r->next[h];
        }
    }
}

static void car_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    car_t *a = state;
    (void)ref;
    uint32_t s = a->miss_valid && a->miss_key == page->key ? a->miss_slot : REPL_GHOST_NONE;
    a->miss_valid = 0;
    a->miss_slot = REPL_GHOST_NONE;
    /* The ghost noted at the miss may have been trimmed since (by another insertion). */
    if (s != REPL_GHOST_NONE && (a->g.list[s] >= 2 || a->g.key[s] != page->key))
        s = REPL_GHOST_NONE;
    double c = a->c, b1 = repl_ghost_count(&a->g, 0), b2 = repl_ghost_count(&a->g, 1);
    int l = CAR_T2;
    if (s == REPL_GHOST_NONE) {
        if (a->t[CAR_T1].n + repl_ghost_count(&a->g, 0) >= a->c && repl_ghost_count(&a->g, 0))
            repl_ghost_drop_oldest(&a->g, 0);                           /* lines 6-7 */
        else if (car_dir(a) >= 2 * a->c && !repl_ghost_drop_oldest(&a->g, 1))
            repl_ghost_drop_oldest(&a->g, 0);                           /* lines 8-9 */
        l = CAR_T1;                                                     /* line 13 */
    } else if (a->g.list[s] == CAR_T1) {                                /* lines 14-16 */
        double d = b2 / b1 > 1 ? b2 / b1 : 1;
        a->p = a->p + d < c ? a->p + d : c;
        a->ghost_hits[0]++;
        repl_ghost_del(&a->g, s);
    } else {                                                            /* lines 17-19 */
        double d = b1 / b2 > 1 ? b1 / b2 : 1;
        a->p = a->p - d > 0 ? a->p - d : 0;
        a->ghost_hits[1]++;
        repl_ghost_del(&a->g, s);
    }
    (void)a->test_clear_ref(a->eng, pfn);           /* R = 0 */
    repl_ring_push_tail(&a->t[l], pfn);
}

/* Leaving: an evicted page is demoted to the MRU end of B1 or B2 (its shadow); a page the
 * program dropped leaves nothing. */
static int car_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    car_t *a = state;
    int l = repl_ring_has(&a->t[CAR_T1], pfn) ? CAR_T1 : CAR_T2;
    repl_ring_unlink(&a->t[l], pfn);                /* a hand on pfn moves to its successor */
    if (!shadow || (why != REPL_EVICT && why != REPL_RELEASE))
        return 0;
    return arc_lists_ghost(&a->g, l, a->env->frame_key(a->env->eng, pfn), shadow);
}

static int car_check(void *state, const uint8_t *resident)
{
    car_t *a = state;
    return arc_lists_check(a->t, &a->g, a->c, a->p, resident);
}

static void car_stats(void *state, json_t *obj)
{
    car_t *a = state;
    arc_lists_stats(obj, a->t, &a->g, a->p, a->ghost_hits, a->evict_from);
    json_object_set_new(obj, "t1_to_t2", json_integer((json_int_t)a->to_t2));
    json_object_set_new(obj, "hand_steps", json_integer((json_int_t)a->hand_steps));
}

/* Explain mode (repl.h): the clocks T1 and T2 from their hands, "*" a set R bit; ghosts B1
 * and B2 oldest first; p. */
static void car_explain(void *state, repl_explain_t *x)
{
    const car_t *c = state;
    repl_explain_ring(x, "T1", &c->t[CAR_T1], PFN_NONE, 0, c->t[CAR_T1].head, repl_explain_rbit, NULL);
    repl_explain_ring(x, "T2", &c->t[CAR_T2], PFN_NONE, 0, c->t[CAR_T2].head, repl_explain_rbit, NULL);
    repl_explain_ghosts(x, "B1", &c->g, CAR_T1);
    repl_explain_ghosts(x, "B2", &c->g, CAR_T2);
    x->text(x, "p=%.2f", c->p);
}

const repl_ops_t repl_car = {
    .name = "car",
    .version = REPL_VERSION,
    .summary = "ARC on two clocks: T1/T2 with referenced bits, ghosts B1/B2 steer target p (sees R bits)",
    .paper = "Bansal, Modha, \"CAR: Clock with Adaptive Replacement\", USENIX FAST 2004",
    .params = NULL,
    .flags = 0,
    .create = car_create,
    .destroy = car_destroy,
    .on_hit = NULL,
    .on_miss = car_on_miss,
    .select_victim = car_select_victim,
    .on_insert = car_on_insert,
    .on_remove = car_on_remove,
    .check = car_check,
    .stats = car_stats,
    .explain = car_explain,
};
