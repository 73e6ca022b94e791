/* 2q.c - 2Q, the full version: a FIFO for first references, a ghost FIFO, an LRU for the rest.
 *
 * Johnson & Shasha, "2Q: A Low Overhead High Performance Buffer Management Replacement
 * Algorithm", VLDB'94, section 2.2 ("full version", Fig. 3). A page referenced once goes into
 * A1in, a FIFO of resident pages; when A1in holds more than Kin pages its oldest page is
 * paged out and its identifier joins A1out, a FIFO of at most Kout identifiers of
 * non-resident pages. A page referenced again while in A1out was evidently not a one-time
 * reference: it is loaded into Am, an LRU of hot pages. The paper's pseudo-code, followed
 * literally:
 *
 *   on access to X:  X in Am: move X to the head of Am
 *                    X in A1out: reclaimfor(X); add X to the head of Am
 *                    X in A1in: do nothing (correlated references)
 *                    else: reclaimfor(X); add X to the head of A1in
 *   reclaimfor(X):   if |A1in| > Kin: page out A1in's tail Y, add Y's identifier to the
 *                    head of A1out (dropping A1out's tail if it then exceeds Kout)
 *                    else page out Am's tail (its LRU page; it leaves no identifier)
 *
 * Parameters kin=0.25 and kout=0.5 are the paper's recommendation (Kin = 25% of the page
 * slots, Kout = 50% of them, as identifiers), fractions of the frames c: Kin = floor(kin*c),
 * Kout = floor(kout*c) (truncated, as libCacheSim's TwoQ sizes its queues). 0 <= kin < 1,
 * 0 <= kout <= 1000 (an identifier costs 20 bytes).
 *
 * Conventions where the paper is open (as libCacheSim's TwoQ does):
 *  - A hit in A1out removes X's identifier from A1out before reclaimfor(X) runs (at the
 *    miss, on_miss), so X itself is never the identifier trimmed there. A ghost hit is a
 *    fault (the page is not resident).
 *  - The engine may ask for a victim when the preferred queue is empty (background reclaim
 *    with free frames, or a local request whose process has no frame there): the other
 *    queue's oldest allowed page is taken then. An A1in page evicted that way still goes to
 *    A1out; an Am page never does, as the paper says.
 *  - A page unmapped or replaced by a COW copy leaves its queue and leaves no identifier.
 *
 * State: two rings of frames (repl_util.h), A1in (FIFO: head = oldest) and Am (LRU: head =
 * least recent), 16 bytes per frame, and A1out in a repl_ghost.h pool of Kout slots (the
 * identifier's slot is the page's shadow). Every hook is O(1) (local requests: a walk
 * skipping others' frames, O(frames) at worst). Sees every reference (Am's LRU order).
 */
#include "repl_create.h"
#include "repl_ghost.h"

#include <math.h>
#include "repl_explain.h"

enum { TQ_A1OUT = 0 };

typedef struct tq_state {
    repl_ring_t a1in, am;        /* head = tail in the paper's words: the next to go */
    repl_ghosts_t a1out;         /* list TQ_A1OUT, oldest first */
    const repl_env_t *env;
    uint32_t kin, kout;
    page_key_t pending;          /* the page whose A1out identifier on_miss found */
    int has_pending;
    uint64_t ghost_hits;
} tq_state_t;

static void tq_destroy(void *state)
{
    tq_state_t *q = state;
    if (!q)
        return;
    repl_ring_free(&q->a1in);
    repl_ring_free(&q->am);
    repl_ghost_free(&q->a1out);
    free(q);
}

static int tq_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"kin", "kout", NULL};
    double kin, kout;
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (spec_real(params, "kin", 0.25, &kin, err) || spec_real(params, "kout", 0.5, &kout, err))
        return -1;
    if (!(kin >= 0 && kin < 1))
        return sim_err_set(err, SIM_EINPUT, "kin must be in [0, 1), not %g", kin);
    if (!(kout >= 0 && kout <= 1000))
        return sim_err_set(err, SIM_EINPUT, "kout must be in [0, 1000], not %g", kout);
    tq_state_t *q = calloc(1, sizeof *q);
    if (!q)
        return repl_create_nomem(env, err);
    q->env = env;
    q->kin = (uint32_t)(kin * env->nframes);
    q->kout = (uint32_t)fmin(kout * env->nframes, (double)(UINT32_MAX - 1));
    int bad = repl_ring_init(&q->a1in, env->nframes);
    bad |= repl_ring_init(&q->am, env->nframes);
    bad |= repl_ghost_init(&q->a1out, q->kout);
    repl_ghost_tell(&q->a1out, env);
    if (bad) {
        tq_destroy(q);
        return repl_create_nomem(env, err);
    }
    *state = q;
    return 0;
}

/* X in A1out: its identifier goes now (the page will enter Am at on_insert). */
static void tq_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                       const uint64_t *shadow)
{
    tq_state_t *q = state;
    (void)ref;
    uint32_t s = repl_ghost_find(&q->a1out, shadow, page->key);
    q->has_pending = s != REPL_GHOST_NONE;
    if (q->has_pending) {
        repl_ghost_del(&q->a1out, s);
        q->pending = page->key;
        q->ghost_hits++;
    }
}

static pfn_t tq_select_victim(void *state, const repl_req_t *req)
{
    tq_state_t *q = state;
    repl_ring_t *first = q->a1in.n > q->kin ? &q->a1in : &q->am;
    repl_ring_t *second = first == &q->a1in ? &q->am : &q->a1in;
    pfn_t p = repl_ring_first(first, q->env, req, 0);
    if (p == PFN_NONE)
        p = repl_ring_first(second, q->env, req, 0);
    assert(p != PFN_NONE);
    return p;
}

static void tq_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    tq_state_t *q = state;
    (void)ref;
    if (q->has_pending && q->pending == page->key)
        repl_ring_push_tail(&q->am, pfn);
    else
        repl_ring_push_tail(&q->a1in, pfn);
    q->has_pending = 0;
}

static void tq_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    tq_state_t *q = state;
    (void)ref;
    if (repl_ring_has(&q->am, pfn))
        repl_ring_move_to_tail(&q->am, pfn);
    /* in A1in: nothing (correlated reference) */
}

static int tq_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    tq_state_t *q = state;
    if (repl_ring_has(&q->am, pfn)) {
        repl_ring_unlink(&q->am, pfn);
        return 0;
    }
    repl_ring_unlink(&q->a1in, pfn);
    if (!shadow || q->kout == 0 || (why != REPL_EVICT && why != REPL_RELEASE))
        return 0;
    if (repl_ghost_full(&q->a1out))
        repl_ghost_drop_oldest(&q->a1out, TQ_A1OUT);
    uint32_t s = repl_ghost_add(&q->a1out, TQ_A1OUT, q->env->frame_key(q->env->eng, pfn));
    *shadow = repl_ghost_shadow(s);
    return 1;
}

/* Both rings well formed, disjoint, together exactly the resident frames; A1out within Kout. */
static int tq_check(void *state, const uint8_t *resident)
{
    tq_state_t *q = state;
    uint32_t nf = q->env->nframes;
    uint8_t *in = calloc((nf + 7) / 8, 1), *im = calloc((nf + 7) / 8, 1);
    int rc = !in || !im;
    for (pfn_t p = 0; !rc && p < nf; p++) {
        int a = repl_ring_has(&q->a1in, p), m = repl_ring_has(&q->am, p);
        if ((a && m) || (a || m) != repl_bit(resident, p))
            rc = -1;
        if (a)
            in[p >> 3] |= (uint8_t)(1u << (p & 7));
        if (m)
            im[p >> 3] |= (uint8_t)(1u << (p & 7));
    }
    if (!rc && (repl_ring_check(&q->a1in, in) || repl_ring_check(&q->am, im)))
        rc = -1;
    if (!rc && (repl_ghost_check(&q->a1out) || repl_ghost_count(&q->a1out, TQ_A1OUT) > q->kout))
        rc = -1;
    free(in);
    free(im);
    return rc ? -1 : 0;
}

static void tq_stats(void *state, json_t *obj)
{
    tq_state_t *q = state;
    json_object_set_new(obj, "a1in", json_integer(q->a1in.n));
    json_object_set_new(obj, "am", json_integer(q->am.n));
    json_object_set_new(obj, "a1out", json_integer(repl_ghost_count(&q->a1out, TQ_A1OUT)));
    json_object_set_new(obj, "kin", json_integer(q->kin));
    json_object_set_new(obj, "kout", json_integer(q->kout));
    json_object_set_new(obj, "ghost_hits", json_integer((json_int_t)q->ghost_hits));
}

/* Explain mode (repl.h): A1in oldest first, Am least recent first, the ghosts A1out oldest
 * first. */
static void tq_explain(void *state, repl_explain_t *x)
{
    const tq_state_t *q = state;
    repl_explain_ring(x, "A1in", &q->a1in, PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ring(x, "Am", &q->am, PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ghosts(x, "A1out", &q->a1out, TQ_A1OUT);
}

const repl_ops_t repl_2q = {
    .name = "2q",
    .version = REPL_VERSION,
    .summary = "2Q full version: A1in FIFO, A1out ghost FIFO, Am LRU (sees every reference)",
    .paper = "Johnson, Shasha, \"2Q: A Low Overhead High Performance Buffer Management Replacement Algorithm\", VLDB 1994",
    .params = "kin=0.25,kout=0.5",
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT | REPL_HIT_LAST_ONLY,
    .create = tq_create,
    .destroy = tq_destroy,
    .on_hit = tq_on_hit,
    .on_miss = tq_on_miss,
    .select_victim = tq_select_victim,
    .on_insert = tq_on_insert,
    .on_remove = tq_on_remove,
    .check = tq_check,
    .stats = tq_stats,
    .explain = tq_explain,
};
