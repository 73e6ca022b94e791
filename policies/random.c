/* random.c - RAND: evict a page chosen uniformly at random among the resident ones.
 *
 * Belady, "A study of replacement algorithms for a virtual-storage computer", IBM Systems
 * Journal 5(2), 1966 (his RAND, the baseline a policy using history must beat); Tanenbaum,
 * Modern Operating Systems, 4th ed., §3.4. It uses no information at all, so it needs no
 * hook on hits, and it cannot be fooled into pathological behaviour by a loop the way LRU
 * and FIFO can.
 *
 * The draw comes from the run's seeded GSL generator (env->rng, gsl_rng_uniform_int), never
 * a private one, so a run is reproducible for a seed and every random decision in the
 * simulation comes from one stream. State: a dense array of tracked frames and each frame's
 * position in it; removal swaps the last element into the hole. All hooks O(1).
 *
 * Note that the victim depends on the order of the dense array, which depends on the order
 * of inserts and removals: the same seed and the same sequence of hooks give the same
 * victims, which is the determinism the simulator promises.
 *
 * Local replacement (repl.h, req->local): uniform among the faulting process's frames, one
 * draw of the same generator over their number and a scan of the dense array to find the
 * chosen one (O(frames)); a global request draws exactly as before (one draw over n).
 */
#include "repl_create.h"

#include <stdio.h>
#include "repl_explain.h"

typedef struct rand_state {
    pfn_t *dense;      /* dense[0..n-1]: tracked frames */
    uint32_t *pos;     /* pos[p] == UINT32_MAX: not tracked */
    uint32_t n, cap;
    gsl_rng *rng;
    const repl_env_t *env;
} rand_state_t;

static void random_destroy(void *state)
{
    rand_state_t *r = state;
    if (!r)
        return;
    free(r->dense);
    free(r->pos);
    free(r);
}

static int random_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {NULL};
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (!env->rng)
        return sim_err_set(err, SIM_EINPUT, "needs the run's random number generator");
    rand_state_t *r = calloc(1, sizeof *r);
    if (r) {
        r->dense = repl_pfn_array(env->nframes);
        r->pos = repl_pfn_array(env->nframes);
    }
    if (!r || !r->dense || !r->pos) {
        random_destroy(r);
        return repl_create_nomem(env, err);
    }
    r->cap = env->nframes;
    r->rng = env->rng;
    r->env = env;
    *state = r;
    return 0;
}

static pfn_t random_select_victim(void *state, const repl_req_t *req)
{
    rand_state_t *r = state;
    assert(r->n > 0);
    if (!req->local)
        return r->dense[gsl_rng_uniform_int(r->rng, r->n)];
    uint32_t m = 0;
    for (uint32_t i = 0; i < r->n; i++)
        m += (uint32_t)repl_req_allows(r->env, req, r->dense[i]);
    if (!m)
        return PFN_NONE;
    unsigned long k = gsl_rng_uniform_int(r->rng, m);
    for (uint32_t i = 0;; i++)
        if (repl_req_allows(r->env, req, r->dense[i]) && k-- == 0)
            return r->dense[i];
}

static void random_on_insert(void *state, const mem_ref_t *ref,
                             const page_id_t *page, pfn_t pfn)
{
    rand_state_t *r = state;
    assert(pfn < r->cap && r->pos[pfn] == UINT32_MAX && r->n < r->cap);
    r->pos[pfn] = r->n;
    r->dense[r->n++] = pfn;
}

static int random_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    rand_state_t *r = state;
    (void)why;
    (void)shadow;
    assert(pfn < r->cap && r->pos[pfn] != UINT32_MAX);
    uint32_t i = r->pos[pfn];
    pfn_t last = r->dense[--r->n];
    r->dense[i] = last;
    r->pos[last] = i;
    r->pos[pfn] = UINT32_MAX;
    return 0;
}

static int random_check(void *state, const uint8_t *resident)
{
    rand_state_t *r = state;
    uint32_t m = 0;
    for (pfn_t p = 0; p < r->cap; p++) {
        int in = r->pos[p] != UINT32_MAX;
        if (in != repl_bit(resident, p))
            return -1;
        if (in && (r->pos[p] >= r->n || r->dense[r->pos[p]] != p))
            return -1;
        m += (uint32_t)in;
    }
    return m == r->n ? 0 : -1;
}

/* Explain mode (repl.h): the frames the draw picks among, in the policy's array order. */
static void random_explain(void *state, repl_explain_t *x)
{
    const rand_state_t *r = state;
    x->begin(x, "random");
    for (uint32_t i = 0; i < r->n; i++)
        x->frame(x, r->dense[i], NULL, NULL);
    x->end(x);
}

const repl_ops_t repl_random = {
    .name = "random",
    .version = REPL_VERSION,
    .summary = "uniformly random victim from the run's seeded rng (sees no references)",
    .paper = "Belady 1966 (RAND)",
    .params = NULL,
    .flags = REPL_USES_RNG,
    .create = random_create,
    .destroy = random_destroy,
    .on_hit = NULL,
    .select_victim = random_select_victim,
    .on_insert = random_on_insert,
    .on_remove = random_on_remove,
    .check = random_check,
    .explain = random_explain,
};
