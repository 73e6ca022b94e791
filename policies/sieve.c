/* sieve.c - SIEVE: one FIFO queue, a visited bit per page, and a hand that sifts from old to new.
 *
 * Zhang, Yang, Yue, Vigfusson, Rashmi, "SIEVE is Simpler than LRU: an Efficient Turn-Key
 * Eviction Algorithm for Web Caches", USENIX NSDI 2024. Pages sit in one queue in insertion
 * order. A new page is inserted at the head (the newest end) with its visited bit clear; a hit
 * sets the bit and moves nothing. To evict, the hand, starting where it last stopped (at the
 * tail, the oldest page, the first time or after it ran off the head), walks from the tail
 * towards the head: a visited page has its bit cleared and is passed, the first unvisited page
 * is evicted. The hand keeps its place: it then rests on the victim's neighbour towards the
 * head, so pages the hand has passed (and new pages, which join at the head, ahead of it) are
 * examined only on the next round. Unlike CLOCK, survivors are not moved behind new pages:
 * old popular pages stay at the old end and new ones are sifted out quickly.
 *
 * Conventions (libCacheSim's Sieve.c, the authors' own simulator, followed exactly):
 *  - the visited bit is set by on_hit, on every hit, as the paper's "obj.visited = true"; so
 *    SIEVE here sees every reference (REPL_SEES_ALL_REFS). The R bit (test_clear_ref) would
 *    be the kernel's view, but the engine sets it on the loading reference too, which would
 *    make every new page visited and turn SIEVE into a different algorithm; the paper's and
 *    libCacheSim's bit is set by hits only. A bit is idempotent and order-free, so the hit
 *    hook is REPL_HIT_IDEMPOTENT and REPL_HIT_LAST_ONLY (the engine may batch hits).
 *  - the hand running off the head wraps to the tail (the queue is circular for the hand);
 *  - removal of the page under the hand (unmap, exit) moves the hand to its neighbour towards
 *    the head, as an eviction does (libCacheSim's Sieve_remove_obj).
 *
 * State: a ring of frames (repl_util.h) read as the queue, ring head = the tail of the paper
 * (the oldest page), ring next = towards the newer end, prev[head] = the paper's head; one
 * visited byte per frame and the hand (a frame number, PFN_NONE when the queue is empty).
 * Memory: 9 bytes per frame. Costs: on_hit O(1) (one byte store), on_insert and on_remove
 * O(1), select_victim O(1) amortised (each step past a page consumes a hit it received;
 * at most one full turn). Local replacement: the hand passes over other processes' frames
 * without clearing their bits and stops at the first unvisited frame of the faulting process
 * (at most two turns, O(frames)).
 */
#include "repl_create.h"
#include "repl_explain.h"

typedef struct sieve_state {
    repl_ring_t ring;            /* head = oldest (the paper's tail); next = towards newer */
    uint8_t *visited;            /* by frame */
    pfn_t hand;                  /* where the next search starts; PFN_NONE: queue empty */
    const repl_env_t *env;
} sieve_state_t;

static void sieve_destroy(void *state)
{
    sieve_state_t *s = state;
    if (!s)
        return;
    repl_ring_free(&s->ring);
    free(s->visited);
    free(s);
}

static int sieve_init(void *st, const repl_env_t *env)
{
    sieve_state_t *s = st;
    s->env = env;
    s->hand = PFN_NONE;
    s->visited = calloc(env->nframes, 1);
    return repl_ring_init(&s->ring, env->nframes) || !s->visited ? -1 : 0;
}

static int sieve_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(sieve_state_t), sieve_init,
                                 sieve_destroy);
}

static void sieve_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    (void)ref;
    ((sieve_state_t *)state)->visited[pfn] = 1;
}

/* New pages join at the newest end, unvisited: just before the ring's head (the oldest), so
 * a hand resting on the oldest page still reaches them last. */
static void sieve_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    sieve_state_t *s = state;
    (void)ref;
    (void)page;
    s->visited[pfn] = 0;
    repl_ring_push_tail(&s->ring, pfn);
    if (s->hand == PFN_NONE)
        s->hand = s->ring.head;
}

static pfn_t sieve_select_victim(void *state, const repl_req_t *req)
{
    sieve_state_t *s = state;
    repl_ring_t *r = &s->ring;
    assert(r->n > 0 && s->hand != PFN_NONE);
    pfn_t p = s->hand;
    /* Bounded: after one turn every allowed frame's bit is clear (the engine guarantees an
     * allowed frame exists for a local request). */
    for (uint32_t steps = 0; steps <= 2 * r->n; steps++) {
        if (repl_req_allows(s->env, req, p)) {
            if (!s->visited[p])
                break;
            s->visited[p] = 0;
        }
        p = r->next[p];
    }
    s->hand = p;                 /* on_remove moves it to the victim's newer neighbour */
    return p;
}

static int sieve_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    sieve_state_t *s = state;
    (void)why;
    (void)shadow;
    if (s->hand == pfn)
        /* Towards the newer end; off the newest page it wraps to the oldest, as
         * libCacheSim's NULL pointer restarts at the tail. */
        s->hand = s->ring.n == 1 ? PFN_NONE : s->ring.next[pfn];
    repl_ring_unlink(&s->ring, pfn);
    s->visited[pfn] = 0;
    return 0;
}

static int sieve_check(void *state, const uint8_t *resident)
{
    sieve_state_t *s = state;
    if (repl_ring_check(&s->ring, resident))
        return -1;
    if ((s->hand == PFN_NONE) != (s->ring.n == 0))
        return -1;
    if (s->hand != PFN_NONE && !repl_ring_has(&s->ring, s->hand))
        return -1;
    for (pfn_t p = 0; p < s->ring.cap; p++)
        if (s->visited[p] > 1 || (s->visited[p] && !repl_ring_has(&s->ring, p)))
            return -1;
    return 0;
}

/* Explain mode (repl.h): the queue, oldest first, the hand marked ">", "*" visited. */
static const char *sieve_explain_visited(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    (void)x;
    (void)buf;
    (void)n;
    return repl_explain_flag(((const sieve_state_t *)state)->visited, pfn);
}

static void sieve_explain(void *state, repl_explain_t *x)
{
    const sieve_state_t *s = state;
    repl_explain_ring(x, "sieve", &s->ring, PFN_NONE, 0, s->hand, sieve_explain_visited, s);
}

const repl_ops_t repl_sieve = {
    .name = "sieve",
    .version = REPL_VERSION,
    .summary = "one FIFO queue, visited bits set on hits, a hand sifting old to new that keeps its place (sees every reference)",
    .paper = "Zhang, Yang, Yue, Vigfusson, Rashmi, \"SIEVE is Simpler than LRU: an Efficient Turn-Key Eviction Algorithm for Web Caches\", USENIX NSDI 2024",
    .params = NULL,
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT | REPL_HIT_LAST_ONLY,
    .create = sieve_create,
    .destroy = sieve_destroy,
    .on_hit = sieve_on_hit,
    .select_victim = sieve_select_victim,
    .on_insert = sieve_on_insert,
    .on_remove = sieve_on_remove,
    .check = sieve_check,
    .explain = sieve_explain,
};
