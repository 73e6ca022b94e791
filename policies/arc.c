/* arc.c - ARC, the Adaptive Replacement Cache: recency and frequency lists whose split adapts
 * to the workload through the ghosts of recently evicted pages.
 *
 * Megiddo, Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", USENIX FAST'03,
 * pp. 115-130, 2003; the algorithm is its Fig. 4, followed here case by case. The cache
 * (c = env->nframes pages) holds T1 (pages seen once recently) and T2 (pages seen at least
 * twice recently), both LRU lists; the directory also remembers B1 and B2, the pages most
 * recently evicted from T1 and T2 (ghosts, policies/repl_ghost.h: the ghost's handle is the
 * evicted page's shadow, so a ghost hit costs no hash lookup). The target p for |T1| is
 * real-valued and starts at 0:
 *   Case I   hit in T1 or T2: move to the MRU end of T2 (on_hit).
 *   Case II  miss in B1: p = min(p + d1, c), d1 = 1 if |B1| >= |B2| else |B2|/|B1| (reals);
 *            REPLACE; the page goes to T2's MRU end.
 *   Case III miss in B2: p = max(p - d2, 0), d2 = 1 if |B2| >= |B1| else |B1|/|B2|;
 *            REPLACE; to T2's MRU end.
 *   Case IV  miss elsewhere. A: |T1|+|B1| = c: if |T1| < c delete B1's LRU ghost and
 *            REPLACE, else (B1 is empty) delete T1's LRU page, which leaves no ghost.
 *            B: |T1|+|B1| < c: if the directory holds >= c pages, delete B2's LRU ghost if
 *            it holds 2c, then REPLACE. The page goes to T1's MRU end.
 *   REPLACE(x, p): evict T1's LRU page into B1 if |T1| > 0 and (|T1| > p or (x in B2 and
 *            |T1| == p)), else T2's LRU page into B2.
 * A ghost hit is a miss (the engine counts it as a fault; the paper counts it as a miss).
 *
 * The engine's hooks split each case: on_miss does the adaptation and the directory
 * deletions and remembers the page's case; select_victim is REPLACE (or case IV-A's T1
 * deletion); on_remove(REPL_EVICT) moves the victim to its ghost list (the shadow it leaves);
 * on_insert puts the page in T1 or T2. With c frames always full, as in the paper, this is
 * Fig. 4 exactly. The engine can also do what the paper never does; conventions:
 *  - Eviction is the engine's decision: REPLACE runs only when select_victim is asked.
 *    Pages removed by the program (REPL_UNMAP, REPL_COW) leave their list and no ghost; the
 *    freed frame then takes a later miss without REPLACE, as ARC's cache before it fills.
 *  - Background reclaim (req->page NULL) and any further request for the same miss run
 *    plain REPLACE with "x not in B2"; a prefetched page is a miss like any other (on_miss
 *    cannot tell it apart): it adapts p if it hits a ghost and enters T1 (or T2).
 *  - If the list REPLACE picks is empty (possible only after removals or background
 *    reclaim) or, under local replacement, holds no frame of the process, the other list
 *    gives the victim. Local replacement: the LRU-most allowed frame of the list (a walk
 *    skipping other owners' frames, O(frames) at worst).
 *  - The directory bounds |T1|+|B1| <= c and |T1|+|T2|+|B1|+|B2| <= 2c are enforced again
 *    at on_insert (B1's, else B2's, LRU ghost goes), which the paper's cases already do when
 *    the cache is full; after removals, a miss whose on_miss did not trim could exceed them.
 *  - p and the deltas are reals, as the paper writes them; the tie rule compares |T1| with
 *    p exactly (|T1| == p only when p is integral). libCacheSim's ARC.c has had both (a
 *    double p in one version, int64_t p with integer deltas in another); on the OLTP trace
 *    at c = 1000 integer deltas give 39.05% against the reals' 38.95%.
 *  - Shadows (repl.h): a ghost hits only if the engine hands its shadow back. The engine
 *    keeps at most config `shadows` x frames of them, oldest dropped first, including those
 *    of ghosts this policy has already trimmed (it is never told), so with the default (2)
 *    the shadow of a long-lived B2 ghost can go: its next miss is then a new page (case IV).
 *    On ARC's OLTP trace at c = 1000 that is 6 misses of 558130; scripts/validate runs with
 *    a shadow for every page. A clean anonymous page's identity dies at its eviction, so a
 *    block trace (.lis) must be replayed as file pages for any ghost to hit (scripts/validate
 *    converts it so).
 *
 * State: two repl_ring_t (T1, T2; head = LRU) over the frames, 16 bytes a frame; a ghost
 * pool of 2c entries (20 bytes each): the bounds above keep ghosts <= 2c - resident, so it
 * never overflows (the paper's steady state keeps c). Every hook is O(1) for a global
 * request; on_hit touches two link arrays of one ring, or of both when T1 -> T2.
 */
#include "arc_lists.h"
#include "repl_explain.h"

enum { ARC_T1 = 0, ARC_T2 = 1 };   /* ring index; the ghost lists use the same: B1 = 0, B2 = 1 */

typedef struct arc {
    repl_ring_t t[2];               /* T1, T2: head = LRU, tail = MRU */
    repl_ghosts_t g;                /* lists ARC_T1 (B1) and ARC_T2 (B2) */
    const repl_env_t *env;
    uint32_t c;
    double p;                       /* target for |T1|, 0 <= p <= c */
    /* The miss in progress (on_miss to on_insert). */
    page_key_t miss_key;
    int miss_valid, miss_in_b2, miss_to_t2, miss_drop_t1;
    pfn_t drop_pfn;                 /* case IV-A's victim: evicted with no ghost */
    uint64_t ghost_hits[2], evict_from[2], dropped_t1;
} arc_t;

static void arc_destroy(void *state)
{
    arc_t *a = state;
    if (!a)
        return;
    arc_lists_free(a->t, &a->g);
    free(a);
}

static int arc_init(void *st, const repl_env_t *env)
{
    arc_t *a = st;
    a->env = env;
    a->c = env->nframes;
    a->p = 0;
    a->drop_pfn = PFN_NONE;
    return arc_lists_init(a->t, &a->g, env);
}

static int arc_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(arc_t), arc_init, arc_destroy);
}

static uint32_t arc_dir(const arc_t *a)
{
    return arc_lists_dir(a->t, &a->g);
}

/* Case I. Only each frame's last hit matters: it ends at T2's MRU end. */
static void arc_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    arc_t *a = state;
    (void)ref;
    if (repl_ring_has(&a->t[ARC_T1], pfn)) {
        repl_ring_unlink(&a->t[ARC_T1], pfn);
        repl_ring_push_tail(&a->t[ARC_T2], pfn);
    } else {
        repl_ring_move_to_tail(&a->t[ARC_T2], pfn);
    }
}

/* Cases II-IV up to REPLACE: adaptation and the directory's deletions. */
static void arc_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    arc_t *a = state;
    (void)ref;
    uint32_t s = repl_ghost_find(&a->g, shadow, page->key);
    a->miss_key = page->key;
    a->miss_valid = 1;
    a->miss_in_b2 = a->miss_to_t2 = a->miss_drop_t1 = 0;
    double c = a->c, b1 = repl_ghost_count(&a->g, 0), b2 = repl_ghost_count(&a->g, 1);
    if (s != REPL_GHOST_NONE) {
        if (a->g.list[s] == ARC_T1) {                 /* case II */
            double d = b1 >= b2 ? 1.0 : b2 / b1;
            a->p = a->p + d < c ? a->p + d : c;
        } else {                                      /* case III */
            double d = b2 >= b1 ? 1.0 : b1 / b2;
            a->p = a->p - d > 0 ? a->p - d : 0;
            a->miss_in_b2 = 1;
        }
        a->ghost_hits[a->g.list[s]]++;
        repl_ghost_del(&a->g, s);
        a->miss_to_t2 = 1;
        return;
    }
    if (a->t[ARC_T1].n + repl_ghost_count(&a->g, 0) >= a->c) {   /* case IV-A */
        if (a->t[ARC_T1].n < a->c)
            repl_ghost_drop_oldest(&a->g, 0);
        else
            a->miss_drop_t1 = 1;                      /* B1 is empty: T1's LRU goes, no ghost */
    } else if (arc_dir(a) >= 2 * a->c) {              /* case IV-B, directory full */
        repl_ghost_drop_oldest(&a->g, 1);
    }
}

/* The LRU-most frame of list l the request allows, or PFN_NONE. */
static pfn_t arc_first(const arc_t *a, int l, const repl_req_t *req)
{
    return repl_ring_first(&a->t[l], a->env, req, 0);
}

/* REPLACE(x, p), or case IV-A's deletion from T1. */
static pfn_t arc_select_victim(void *state, const repl_req_t *req)
{
    arc_t *a = state;
    int mine = a->miss_valid && req->page && req->page->key == a->miss_key;
    int l;
    if (mine && a->miss_drop_t1) {
        l = ARC_T1;
    } else {
        double t1 = a->t[ARC_T1].n;
        int in_b2 = mine && a->miss_in_b2;
        l = t1 > 0 && (t1 > a->p || (in_b2 && t1 == a->p)) ? ARC_T1 : ARC_T2;
    }
    pfn_t v = arc_first(a, l, req);
    if (v == PFN_NONE) {
        l = !l;
        v = arc_first(a, l, req);
    }
    assert(v != PFN_NONE);
    a->drop_pfn = mine && a->miss_drop_t1 && l == ARC_T1 ? v : PFN_NONE;
    if (mine)
        a->miss_drop_t1 = 0;                          /* one deletion per miss */
    a->evict_from[l]++;
    return v;
}

static void arc_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    arc_t *a = state;
    (void)ref;
    int to_t2 = a->miss_valid && a->miss_key == page->key && a->miss_to_t2;
    a->miss_valid = 0;
    if (!to_t2) {
        /* The bounds a new T1 page must respect (the paper's case IV has made room already
         * whenever the cache was full). */
        if (a->t[ARC_T1].n + repl_ghost_count(&a->g, 0) >= a->c)
            repl_ghost_drop_oldest(&a->g, 0);
        if (arc_dir(a) >= 2 * a->c && !repl_ghost_drop_oldest(&a->g, 1))
            repl_ghost_drop_oldest(&a->g, 0);
    }
    repl_ring_push_tail(&a->t[to_t2 ? ARC_T2 : ARC_T1], pfn);
}

/* Leaving: an evicted page becomes the MRU ghost of B1 or B2 (its shadow), except case
 * IV-A's T1 deletion; a page the program dropped leaves nothing. */
static int arc_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    arc_t *a = state;
    int l = repl_ring_has(&a->t[ARC_T1], pfn) ? ARC_T1 : ARC_T2;
    int drop = pfn == a->drop_pfn;
    a->drop_pfn = PFN_NONE;
    repl_ring_unlink(&a->t[l], pfn);
    if (!shadow || (why != REPL_EVICT && why != REPL_RELEASE))
        return 0;
    if (drop) {
        a->dropped_t1++;
        return 0;
    }
    return arc_lists_ghost(&a->g, l, a->env->frame_key(a->env->eng, pfn), shadow);
}

static int arc_check(void *state, const uint8_t *resident)
{
    arc_t *a = state;
    return arc_lists_check(a->t, &a->g, a->c, a->p, resident);
}

static void arc_stats(void *state, json_t *obj)
{
    arc_t *a = state;
    arc_lists_stats(obj, a->t, &a->g, a->p, a->ghost_hits, a->evict_from);
    json_object_set_new(obj, "dropped_t1", json_integer((json_int_t)a->dropped_t1));
}

/* Explain mode (repl.h): T1 and T2 least recent first, ghosts B1 and B2 oldest first, p. */
static void arc_explain(void *state, repl_explain_t *x)
{
    const arc_t *a = state;
    repl_explain_ring(x, "T1", &a->t[ARC_T1], PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ring(x, "T2", &a->t[ARC_T2], PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ghosts(x, "B1", &a->g, ARC_T1);
    repl_explain_ghosts(x, "B2", &a->g, ARC_T2);
    x->text(x, "p=%.2f", a->p);
}

const repl_ops_t repl_arc = {
    .name = "arc",
    .version = REPL_VERSION,
    .summary = "adaptive replacement cache: LRU lists T1/T2, ghosts B1/B2 steer target p (sees every reference)",
    .paper = "Megiddo, Modha, \"ARC: A Self-Tuning, Low Overhead Replacement Cache\", USENIX FAST 2003",
    .params = NULL,
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT | REPL_HIT_LAST_ONLY,
    .create = arc_create,
    .destroy = arc_destroy,
    .on_hit = arc_on_hit,
    .on_miss = arc_on_miss,
    .select_victim = arc_select_victim,
    .on_insert = arc_on_insert,
    .on_remove = arc_on_remove,
    .check = arc_check,
    .stats = arc_stats,
    .explain = arc_explain,
};
