/* lecar.c - LeCaR: an LRU expert and an LFU expert, chosen at random by weights that learn
 * from regret (which expert's evictions come back).
 *
 * Vietri, Rodriguez, Martinez, Lyons, Liu, Rangaswami, Zhao & Narasimhan, "Driving cache
 * replacement with ML-based LeCaR", USENIX HotStorage 2018 (Algorithm 1). The cache is one
 * set of pages seen by two experts: LRU (the least recently used page) and LFU (the least
 * frequently used). At an eviction, if the two name the same page it goes; else the LRU
 * choice goes with probability w_LRU, the LFU one with w_LFU = 1 - w_LRU (drawn from
 * env->rng), and the evicted page enters the history of the expert that chose it, H_LRU or
 * H_LFU (FIFO lists of evicted pages). A miss on a page in H_e means expert e was wrong:
 * with t the references since that eviction, w_e is multiplied by exp(-lambda * d^t), and
 * the weights are normalised. lambda = 0.45 (learning rate), d = 0.005^(1/N) (discount
 * rate), N the frames; both weights start at 0.5. These are the paper's.
 *
 * Conventions: the authors' code (sylab/cacheus, LeCaR.py), followed where the paper is open:
 *  - each history holds at most floor(N/2) pages (history_size = cache_size // 2), the
 *    oldest dropped first; a page both experts chose enters no history (policy -1);
 *  - a page missed while in a history comes back with its old count + 1 (its entry keeps
 *    its frequency), else with count 1; a hit adds 1;
 *  - after each update the weights are clamped to [0.01, 0.99] (0.99/0.01 when one reaches
 *    0.99), so neither expert is ever silenced;
 *  - the LFU expert's ties: the authors' heap breaks them by block number, libCacheSim's
 *    frequency lists by recency; page keys here are arbitrary ids, so ties go to the least
 *    recently used (libCacheSim's rule), then the frame number.
 * libCacheSim's LeCaR differs in two points (no clamp, count restarts at 1 after a history
 * hit), so its miss counts are close to but not the same as these.
 *
 * Histories are repl_ghost.h lists (the shadow left at an eviction is the ghost's slot);
 * each slot also keeps the page's count and its eviction time. A ghost hit counts as a fault.
 *
 * Sees every reference (REPL_SEES_ALL_REFS). Costs: on_hit O(log N) (the LFU heap; the LRU
 * ring O(1)), select_victim O(1) plus O(log N) at removal, on_miss O(1). Memory per frame:
 * ring links (8 bytes), heap (24 bytes), and N ghosts of 20 + 16 bytes. Local replacement:
 * each expert's first page of the faulting process (ring walk, heap scan: O(N)).
 */
#include "repl_create.h"
#include "repl_ghost.h"

#include <math.h>
#include <gsl/gsl_rng.h>
#include "repl_explain.h"

enum { H_LRU = 0, H_LFU = 1 };

typedef struct lecar {
    repl_heap_t heap;            /* the LFU expert: (count, last reference, pfn) */
    repl_ring_t lru;             /* the LRU expert: head = least recent */
    repl_ghosts_t ghosts;        /* H_LRU, H_LFU */
    uint64_t *g_freq;            /* by ghost slot: the page's count when evicted */
    vtime_t *g_time;             /* by ghost slot: when it was evicted (ref->t) */
    uint32_t hist_size;          /* each history's bound: floor(N / 2) */
    double w_lru, lr, dr;
    vtime_t now;                 /* the last miss's ref->t: the time of an eviction */
    pfn_t victim;                /* the frame select_victim named, and by whom */
    int victim_policy;           /* H_LRU, H_LFU, or -1: both experts */
    page_key_t pend_key;         /* a page coming back from a history: its count */
    uint64_t pend_freq;
    int pend;
    uint64_t hist_hits[2], chose[2];
    const repl_env_t *env;
} lecar_t;

static void lecar_destroy(void *state)
{
    lecar_t *l = state;
    if (!l)
        return;
    repl_heap_free(&l->heap);
    repl_ring_free(&l->lru);
    repl_ghost_free(&l->ghosts);
    free(l->g_freq);
    free(l->g_time);
    free(l);
}

static int lecar_init(void *st, const repl_env_t *env)
{
    lecar_t *l = st;
    uint32_t n = env->nframes;
    l->env = env;
    l->hist_size = n / 2;
    l->w_lru = 0.5;
    l->lr = 0.45;
    l->dr = pow(0.005, 1.0 / (double)n);
    l->victim = PFN_NONE;
    uint32_t cap = 2 * l->hist_size;
    l->g_freq = calloc(cap ? cap : 1, sizeof *l->g_freq);
    l->g_time = calloc(cap ? cap : 1, sizeof *l->g_time);
    int a = repl_heap_init(&l->heap, n), b = repl_ring_init(&l->lru, n), c = repl_ghost_init(&l->ghosts, cap);
    repl_ghost_tell(&l->ghosts, env);
    return a || b || c || !l->g_freq || !l->g_time ? -1 : 0;
}

static int lecar_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(lecar_t), lecar_init, lecar_destroy);
}

static void lecar_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lecar_t *l = state;
    repl_ring_move_to_tail(&l->lru, pfn);
    l->heap.k1[pfn]++;
    l->heap.k2[pfn] = ref->t;
    repl_heap_fix(&l->heap, pfn);
}

/* Expert e erred (its eviction came back after t references): w_e *= exp(-lr d^t), then
 * normalise and clamp (the authors' adjustWeights). */
static void lecar_regret(lecar_t *l, int e, vtime_t t)
{
    double r = pow(l->dr, (double)t);
    double w[2] = {l->w_lru, 1.0 - l->w_lru};
    w[e] *= exp(-l->lr * r);
    double lru = w[0] / (w[0] + w[1]);
    if (lru >= 0.99)
        lru = 0.99;
    else if (1.0 - lru >= 0.99)
        lru = 0.01;
    l->w_lru = lru;
}

static void lecar_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    lecar_t *l = state;
    l->now = ref->t;
    l->pend = 0;
    uint32_t s = repl_ghost_find(&l->ghosts, shadow, page->key);
    if (s == REPL_GHOST_NONE)
        return;
    int e = l->ghosts.list[s];
    l->hist_hits[e]++;
    l->pend = 1;
    l->pend_key = page->key;
    l->pend_freq = l->g_freq[s] + 1;
    lecar_regret(l, e, ref->t - l->g_time[s]);
    repl_ghost_del(&l->ghosts, s);
}

static pfn_t lecar_select_victim(void *state, const repl_req_t *req)
{
    lecar_t *l = state;
    pfn_t a = repl_ring_first(&l->lru, l->env, req, 0);
    pfn_t b = repl_heap_first(&l->heap, l->env, req);
    assert(a != PFN_NONE && b != PFN_NONE);
    if (a == b) {
        l->victim_policy = -1;
    } else {
        l->victim_policy = gsl_rng_uniform(l->env->rng) < l->w_lru ? H_LRU : H_LFU;
        l->chose[l->victim_policy]++;
    }
    l->victim = l->victim_policy == H_LFU ? b : a;
    return l->victim;
}

static void lecar_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    lecar_t *l = state;
    l->heap.k1[pfn] = l->pend && l->pend_key == page->key ? l->pend_freq : 1;
    l->heap.k2[pfn] = ref->t;
    l->pend = 0;
    repl_heap_insert(&l->heap, pfn);
    repl_ring_push_tail(&l->lru, pfn);
}

static int lecar_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    lecar_t *l = state;
    uint64_t freq = l->heap.k1[pfn];
    repl_heap_remove(&l->heap, pfn);
    repl_ring_unlink(&l->lru, pfn);
    int chosen = why == REPL_EVICT && pfn == l->victim;
    int e = l->victim_policy;
    l->victim = PFN_NONE;
    if (!chosen || e < 0 || l->hist_size == 0)
        return 0;
    if (repl_ghost_count(&l->ghosts, e) >= l->hist_size)
        repl_ghost_drop_oldest(&l->ghosts, e);
    uint32_t s = repl_ghost_add(&l->ghosts, e, l->env->frame_key(l->env->eng, pfn));
    l->g_freq[s] = freq;
    l->g_time[s] = l->now;
    *shadow = repl_ghost_shadow(s);
    return 1;
}

static int lecar_check(void *state, const uint8_t *resident)
{
    lecar_t *l = state;
    if (repl_heap_check(&l->heap, resident) || repl_ring_check(&l->lru, resident) ||
        repl_ghost_check(&l->ghosts))
        return -1;
    if (repl_ghost_count(&l->ghosts, H_LRU) > l->hist_size || repl_ghost_count(&l->ghosts, H_LFU) > l->hist_size)
        return -1;
    if (!(l->w_lru >= 0.01 - 1e-12 && l->w_lru <= 0.99 + 1e-12))
        return -1;
    for (pfn_t p = 0; p < l->heap.cap; p++)
        if (repl_heap_has(&l->heap, p) && l->heap.k1[p] == 0)
            return -1;
    return 0;
}

static void lecar_stats(void *state, json_t *obj)
{
    lecar_t *l = state;
    json_object_set_new(obj, "w_lru", json_real(l->w_lru));
    json_object_set_new(obj, "lru_history_hits", json_integer((json_int_t)l->hist_hits[H_LRU]));
    json_object_set_new(obj, "lfu_history_hits", json_integer((json_int_t)l->hist_hits[H_LFU]));
    json_object_set_new(obj, "lru_choices", json_integer((json_int_t)l->chose[H_LRU]));
    json_object_set_new(obj, "lfu_choices", json_integer((json_int_t)l->chose[H_LFU]));
}

/* Explain mode (repl.h): the same frames as each expert orders them (LRU least recent first,
 * LFU by count with ":count"), the two histories oldest first, the LRU expert's weight. */
static const char *lecar_explain_count(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    (void)x;
    snprintf(buf, n, ":%llu", (unsigned long long)((const lecar_t *)state)->heap.k1[pfn]);
    return buf;
}

static void lecar_explain(void *state, repl_explain_t *x)
{
    const lecar_t *l = state;
    repl_explain_ring(x, "lru", &l->lru, PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_heap(x, "lfu", &l->heap, lecar_explain_count, l);
    repl_explain_ghosts(x, "H_lru", &l->ghosts, H_LRU);
    repl_explain_ghosts(x, "H_lfu", &l->ghosts, H_LFU);
    x->text(x, "w_lru=%.2f", l->w_lru);
}

const repl_ops_t repl_lecar = {
    .name = "lecar",
    .version = REPL_VERSION,
    .summary = "LeCaR: LRU and LFU experts drawn by regret-learned weights, with their eviction histories (sees every reference)",
    .paper = "Vietri et al., \"Driving cache replacement with ML-based LeCaR\", USENIX HotStorage 2018",
    .params = NULL,
    .flags = REPL_SEES_ALL_REFS | REPL_USES_RNG,
    .create = lecar_create,
    .destroy = lecar_destroy,
    .on_hit = lecar_on_hit,
    .on_miss = lecar_on_miss,
    .select_victim = lecar_select_victim,
    .on_insert = lecar_on_insert,
    .on_remove = lecar_on_remove,
    .check = lecar_check,
    .stats = lecar_stats,
    .explain = lecar_explain,
};
