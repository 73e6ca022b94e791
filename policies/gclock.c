/* gclock.c - generalized CLOCK: a clock whose pages carry n-bit reference counters.
 *
 * Smith, "Sequentiality and prefetching in database systems", ACM TODS 3(3), 1978 (GCLOCK);
 * Effelsberg & Haerder, "Principles of database buffer management", ACM TODS 9(4), 1984.
 * Frames sit in a circle in load order and a hand points at the oldest. Each page has a
 * counter of `bits` bits. To find a victim the hand looks at the page under it: a non-zero
 * counter is decremented and the hand moves on; the first page found at zero is the victim.
 *
 * Conventions: libCacheSim's Clock.c with n-bit-counter=bits (followed exactly; libCacheSim
 * is what users compare against): a page is inserted with its counter at 0 (the loading
 * reference does not count), every hit adds 1 up to 2^bits - 1, the hand decrements and
 * passes non-zero pages (moving them behind itself, its "move to head") and evicts the first
 * zero; the new page goes just behind the hand. bits=1 is CLOCK with ref_on_load=0.
 *
 * What it sees: every reference (on_hit, REPL_SEES_ALL_REFS), as libCacheSim's per-request
 * increments do, so miss counts match libCacheSim on the same request stream. (Hardware gives
 * only R bits; folding R into the counter when the hand passes would count at most one
 * reference per revolution, a different and weaker policy. We prefer the equivalence.)
 *
 * Costs: on_hit O(1) (one byte); select_victim O(1) amortised (each decrement consumes one
 * counted hit); insert and remove O(1).
 * Memory per frame: the ring's two links and one counter byte. Local replacement: the hand
 * passes other processes' frames without decrementing them, stopping at the faulting
 * process's first zero: at most 2^bits revolutions.
 */
#include "repl_create.h"
#include "repl_explain.h"

typedef struct gclock {
    repl_ring_t ring;            /* head = the hand; tail = just behind it */
    uint8_t *cnt;                /* by frame */
    uint8_t max;                 /* 2^bits - 1 */
    const repl_env_t *env;
} gclock_t;

static void gclock_destroy(void *state)
{
    gclock_t *g = state;
    if (!g)
        return;
    repl_ring_free(&g->ring);
    free(g->cnt);
    free(g);
}

static int gclock_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"bits", NULL};
    long long bits;
    *state = NULL;
    if (repl_create_check(env, params, keys, err) || spec_int(params, "bits", 2, &bits, err))
        return -1;
    if (bits < 1 || bits > 8)
        return sim_err_set(err, SIM_EINPUT, "bits must be 1 to 8, not %lld", bits);
    gclock_t *g = calloc(1, sizeof *g);
    if (!g || repl_ring_init(&g->ring, env->nframes) || !(g->cnt = calloc(env->nframes ? env->nframes : 1, 1))) {
        gclock_destroy(g);
        return repl_create_nomem(env, err);
    }
    g->max = (uint8_t)((1u << bits) - 1);
    g->env = env;
    *state = g;
    return 0;
}

static void gclock_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    gclock_t *g = state;
    (void)ref;
    if (g->cnt[pfn] < g->max)
        g->cnt[pfn]++;
}

static pfn_t gclock_select_victim(void *state, const repl_req_t *req)
{
    gclock_t *g = state;
    repl_ring_t *r = &g->ring;
    assert(r->head != PFN_NONE);
    /* Bounded: after max + 1 revolutions every allowed counter is 0. */
    for (uint64_t steps = 0; steps <= ((uint64_t)g->max + 2) * r->n; steps++) {
        pfn_t p = r->head;
        if (repl_req_allows(g->env, req, p)) {
            if (!g->cnt[p])
                return p;             /* the hand stays; on_remove moves it past p */
            g->cnt[p]--;
        }
        r->head = r->next[p];
    }
    assert(!"gclock: no counter reached zero");
    return r->head;
}

static void gclock_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    gclock_t *g = state;
    (void)ref;
    (void)page;
    g->cnt[pfn] = 0;
    repl_ring_push_tail(&g->ring, pfn);
}

static int gclock_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    gclock_t *g = state;
    (void)why;
    (void)shadow;
    repl_ring_unlink(&g->ring, pfn);
    return 0;
}

static int gclock_check(void *state, const uint8_t *resident)
{
    gclock_t *g = state;
    if (repl_ring_check(&g->ring, resident))
        return -1;
    for (pfn_t p = 0; p < g->ring.cap; p++)
        if (g->cnt[p] > g->max)
            return -1;
    return 0;
}

/* Explain mode (repl.h): the ring from the hand round, each with ":counter". */
static const char *gclock_explain_cnt(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    (void)x;
    snprintf(buf, n, ":%u", ((const gclock_t *)state)->cnt[pfn]);
    return buf;
}

static void gclock_explain(void *state, repl_explain_t *x)
{
    const gclock_t *g = state;
    repl_explain_ring(x, "gclock", &g->ring, PFN_NONE, 0, g->ring.head, gclock_explain_cnt, g);
}

const repl_ops_t repl_gclock = {
    .name = "gclock",
    .version = REPL_VERSION,
    .summary = "generalized CLOCK: n-bit counters +1 per hit, the hand decrements, evicts the first zero (sees every reference)",
    .paper = "Smith, \"Sequentiality and prefetching in database systems\", ACM TODS 3(3), 1978; as libCacheSim's Clock n-bit-counter",
    .params = "bits=2",
    .flags = REPL_SEES_ALL_REFS,
    .create = gclock_create,
    .destroy = gclock_destroy,
    .on_hit = gclock_on_hit,
    .select_victim = gclock_select_victim,
    .on_insert = gclock_on_insert,
    .on_remove = gclock_on_remove,
    .check = gclock_check,
    .explain = gclock_explain,
};
