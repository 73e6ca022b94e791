/* nru.c - NRU, not recently used: four classes by the R and M bits, R cleared on a tick.
 *
 * Tanenbaum and Bos, Modern Operating Systems, 4th ed., §3.4.2. Each page has a referenced
 * bit R and a modified bit M, set by the hardware; "periodically (e.g., on each clock
 * interrupt), the R bit is cleared". At a page fault the pages fall into four classes:
 *   class 0: not referenced, not modified;   class 1: not referenced, modified;
 *   class 2: referenced, not modified;       class 3: referenced, modified;
 * and "NRU removes a page at random from the lowest-numbered nonempty class". We follow
 * that: the victim is drawn uniformly (env->rng, the run's seeded generator, so a run is
 * deterministic) among the frames of the lowest nonempty class the request allows (under
 * local replacement, the faulting process's own frames: repl.h).
 *
 * The bits. M is env->is_dirty (the PTE dirty bits folded with the frame's: a page whose
 * eviction would need a write-back); the tick does not clear it (only a write-back does).
 * R is the hardware bit, but the engine's window reads it only by test-and-clear, so NRU keeps
 * a soft copy: at a fault it harvests each frame's hardware bit into its own bit (R = soft |
 * hardware, the hardware bit cleared), and the tick clears both. That is exactly a hardware R
 * bit that the fault reads and the tick clears. (A page loaded since the last tick starts
 * with R set: the engine sets the loading reference's R bit.)
 *
 * Parameter period (repl_period.h): the tick, a time (period=20ms, the 4th edition's clock
 * interrupt) or a count of references (period=1000refs, or a bare 1000). Default 1000
 * references: a tick in simulated time depends on the cost table, and at its default costs
 * 20 ms is tens of millions of references, more than most traces, where NRU would never
 * clear a bit and degenerate to "a random clean page".
 *
 * Cost: a fault scans every tracked frame, O(frames) (NRU is the textbook's simple
 * approximation, not a kernel's; a kernel would keep the classes as lists); a tick is
 * O(frames) too. State: two bytes a frame. Stats: victims by class (nru.class0..class3),
 * and ticks. */
#include "repl_create.h"
#include "repl_period.h"

typedef struct nru_state {
    const repl_env_t *env;
    uint8_t *in;          /* by frame: tracked */
    uint8_t *r;           /* by frame: soft R bit (referenced since the last tick) */
    uint32_t n;
    repl_period_t period;
    uint64_t n_class[4], n_ticks;
} nru_state_t;

static void nru_destroy(void *state)
{
    nru_state_t *st = state;
    if (!st)
        return;
    free(st->in);
    free(st->r);
    free(st);
}

static int nru_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"period", NULL};
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    repl_period_t period;
    if (repl_period_parse(params, "period", 1000, &period, err))
        return -1;
    nru_state_t *st = calloc(1, sizeof *st);
    if (!st || !(st->in = calloc(env->nframes, 1)) || !(st->r = calloc(env->nframes, 1))) {
        nru_destroy(st);
        return repl_create_nomem(env, err);
    }
    st->env = env;
    st->period = period;
    *state = st;
    return 0;
}

/* The tick: every R bit cleared, the hardware's and ours. */
static void nru_tick(void *state)
{
    nru_state_t *st = state;
    st->n_ticks++;
    for (pfn_t p = 0; p < st->env->nframes; p++)
        if (st->in[p]) {
            (void)st->env->test_clear_ref(st->env->eng, p);
            st->r[p] = 0;
        }
}

static sim_time_t nru_on_timer(void *state, sim_time_t now)
{
    (void)now;
    return repl_period_on_timer(&((nru_state_t *)state)->period, nru_tick, state);
}

static vtime_t nru_on_refs(void *state, vtime_t t)
{
    (void)t;
    return repl_period_on_refs(&((nru_state_t *)state)->period, nru_tick, state);
}

static pfn_t nru_select_victim(void *state, const repl_req_t *req)
{
    nru_state_t *st = state;
    const repl_env_t *env = st->env;
    int best = 4;
    uint32_t seen = 0;        /* frames of class `best` met so far: reservoir sampling */
    pfn_t victim = PFN_NONE;
    for (pfn_t p = 0; p < env->nframes; p++) {
        if (!st->in[p] || !repl_req_allows(env, req, p))
            continue;
        st->r[p] |= (uint8_t)(env->test_clear_ref(env->eng, p) != 0);
        if (best == 0 && st->r[p])
            continue;          /* (the dirty test is not needed for this page) */
        int cls = 2 * st->r[p] + (env->is_dirty(env->eng, p) != 0);
        if (cls > best)
            continue;
        if (cls < best) {
            best = cls;
            seen = 0;
        }
        /* The k-th frame of the class replaces the choice with probability 1/k: uniform. */
        if (gsl_rng_uniform_int(env->rng, ++seen) == 0)
            victim = p;
    }
    assert(victim != PFN_NONE);
    st->n_class[best]++;
    return victim;
}

static void nru_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    nru_state_t *st = state;
    (void)ref;
    (void)page;
    repl_period_arm(st->env, &st->period);
    st->in[pfn] = 1;
    st->r[pfn] = 0;            /* the hardware bit, set by the loading reference, says it */
    st->n++;
}

static int nru_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    nru_state_t *st = state;
    (void)why;
    (void)shadow;
    assert(st->in[pfn]);
    st->in[pfn] = 0;
    st->r[pfn] = 0;
    st->n--;
    return 0;
}

static int nru_check(void *state, const uint8_t *resident)
{
    nru_state_t *st = state;
    uint32_t m = 0;
    for (pfn_t p = 0; p < st->env->nframes; p++) {
        if (st->in[p] != repl_bit(resident, p) || (!st->in[p] && st->r[p]))
            return -1;
        m += st->in[p];
    }
    return m == st->n ? 0 : -1;
}

static void nru_stats(void *state, json_t *obj)
{
    nru_state_t *st = state;
    char k[16];
    for (int c = 0; c < 4; c++) {
        snprintf(k, sizeof k, "class%d", c);
        json_object_set_new(obj, k, json_integer((json_int_t)st->n_class[c]));
    }
    json_object_set_new(obj, "ticks", json_integer((json_int_t)st->n_ticks));
}

/* The frames by class, the lowest (where the victim is drawn from) first, each with its
 * (R,M): R the soft bit or the hardware one, as the next fault would harvest them. */
static void nru_explain(void *state, repl_explain_t *x)
{
    const nru_state_t *st = state;
    const repl_env_t *env = st->env;
    char buf[8];
    x->begin(x, "nru");
    for (int cls = 0; cls < 4; cls++)
        for (pfn_t p = 0; p < env->nframes; p++) {
            if (!st->in[p])
                continue;
            int r = st->r[p] || x->referenced(x, p);
            int m = env->is_dirty(env->eng, p) != 0;
            if (2 * r + m != cls)
                continue;
            snprintf(buf, sizeof buf, "(%d,%d)", r, m);
            x->frame(x, p, NULL, buf);
        }
    x->end(x);
}

const repl_ops_t repl_nru = {
    .name = "nru",
    .version = REPL_VERSION,
    .summary = "not recently used: a random page of the lowest (R,M) class, R cleared each period (sees R and M bits)",
    .paper = "Tanenbaum and Bos, Modern Operating Systems, 4th ed., 2014, section 3.4.2",
    .params = "period=1000",
    .flags = REPL_USES_RNG,             /* the victim is drawn from env->rng */
    .create = nru_create,
    .destroy = nru_destroy,
    .select_victim = nru_select_victim,
    .on_insert = nru_on_insert,
    .on_remove = nru_on_remove,
    .on_timer = nru_on_timer,
    .on_refs = nru_on_refs,
    .check = nru_check,
    .stats = nru_stats,
    .explain = nru_explain,
};
