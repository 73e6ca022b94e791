/* aging.c - aging: an n-bit counter per page, shifted right on each tick with R into the top.
 *
 * Tanenbaum and Bos, Modern Operating Systems, 4th ed., §3.4.7 (figure 3-17): "the counters
 * are each shifted right 1 bit before the R bit is added in ... the R bit is added to the
 * leftmost rather than the rightmost bit". On each tick every page's counter becomes
 * (counter >> 1) | (R << (bits - 1)) and its R bit is cleared; "when a page fault occurs, the
 * page whose counter is the lowest is removed". A software approximation of LRU that sees
 * only R bits (on_hit is NULL).
 *
 * The current interval. Between two ticks a page's references are only in its R bit, which
 * the next tick will shift in as the counter's top bit, so a page referenced since the last
 * tick is more recent than any that was not. The victim is therefore the smallest value of
 * (R << bits) | counter: the current R bit counts as the bit above the counter (the engine's
 * window reads R only by test-and-clear, so the fault harvests the hardware bit into a soft
 * one, as nru.c does, and the tick consumes both). Without this, a page loaded after the last
 * tick (counter 0) would be the first victim at every fault. Ties (equal values: Tanenbaum
 * notes that with few bits two pages can be indistinguishable) go to the page loaded first.
 *
 * Parameters: bits=8 (1..64; Tanenbaum's example uses 8), period (repl_period.h: a time such
 * as 20ms or a count of references; default 1000 references, as nru.c explains).
 *
 * Cost: a tick is O(frames); a fault scans every tracked frame, O(frames) (a kernel would keep
 * a heap; the textbook algorithm does the scan). State: 8 + 8 + 1 + 1 bytes a frame. */
#include "repl_create.h"
#include "repl_period.h"

typedef struct aging_state {
    const repl_env_t *env;
    uint64_t *counter;    /* by frame */
    uint64_t *loaded;     /* by frame: load order, for ties */
    uint8_t *in, *r;      /* by frame: tracked; soft R bit */
    uint64_t nloaded, n_ticks;
    uint32_t n;
    unsigned bits;
    repl_period_t period;
} aging_state_t;

static void aging_destroy(void *state)
{
    aging_state_t *st = state;
    if (!st)
        return;
    free(st->counter);
    free(st->loaded);
    free(st->in);
    free(st->r);
    free(st);
}

static int aging_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"bits", "period", NULL};
    long long bits;
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (spec_int(params, "bits", 8, &bits, err))
        return -1;
    if (bits < 1 || bits > 64)
        return sim_err_set(err, SIM_EINPUT, "bits must be 1..64, not %lld", bits);
    repl_period_t period;
    if (repl_period_parse(params, "period", 1000, &period, err))
        return -1;
    aging_state_t *st = calloc(1, sizeof *st);
    size_t n = env->nframes;
    if (!st || !(st->counter = calloc(n, sizeof *st->counter)) || !(st->loaded = calloc(n, sizeof *st->loaded)) ||
        !(st->in = calloc(n, 1)) || !(st->r = calloc(n, 1))) {
        aging_destroy(st);
        return repl_create_nomem(env, err);
    }
    st->env = env;
    st->bits = (unsigned)bits;
    st->period = period;
    *state = st;
    return 0;
}

static void aging_tick(void *state)
{
    aging_state_t *st = state;
    const repl_env_t *env = st->env;
    st->n_ticks++;
    for (pfn_t p = 0; p < env->nframes; p++)
        if (st->in[p]) {
            uint64_t r = st->r[p] | (env->test_clear_ref(env->eng, p) != 0);
            st->counter[p] = (st->counter[p] >> 1) | (r << (st->bits - 1));
            st->r[p] = 0;
        }
}

static sim_time_t aging_on_timer(void *state, sim_time_t now)
{
    (void)now;
    return repl_period_on_timer(&((aging_state_t *)state)->period, aging_tick, state);
}

static vtime_t aging_on_refs(void *state, vtime_t t)
{
    (void)t;
    return repl_period_on_refs(&((aging_state_t *)state)->period, aging_tick, state);
}

/* Whether frame a is a better victim than b: smaller (R, counter), then loaded earlier. */
static int aging_before(const aging_state_t *st, pfn_t a, pfn_t b)
{
    if (st->r[a] != st->r[b])
        return st->r[a] < st->r[b];
    if (st->counter[a] != st->counter[b])
        return st->counter[a] < st->counter[b];
    return st->loaded[a] < st->loaded[b];
}

static pfn_t aging_select_victim(void *state, const repl_req_t *req)
{
    aging_state_t *st = state;
    const repl_env_t *env = st->env;
    pfn_t victim = PFN_NONE;
    for (pfn_t p = 0; p < env->nframes; p++) {
        if (!st->in[p] || !repl_req_allows(env, req, p))
            continue;
        st->r[p] |= (uint8_t)(env->test_clear_ref(env->eng, p) != 0);
        if (victim == PFN_NONE || aging_before(st, p, victim))
            victim = p;
    }
    assert(victim != PFN_NONE);
    return victim;
}

static void aging_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    aging_state_t *st = state;
    (void)ref;
    (void)page;
    repl_period_arm(st->env, &st->period);
    st->in[pfn] = 1;
    st->r[pfn] = 0;            /* the loading reference's hardware R bit says it */
    st->counter[pfn] = 0;
    st->loaded[pfn] = ++st->nloaded;
    st->n++;
}

static int aging_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    aging_state_t *st = state;
    (void)why;
    (void)shadow;
    assert(st->in[pfn]);
    st->in[pfn] = 0;
    st->r[pfn] = 0;
    st->n--;
    return 0;
}

static int aging_check(void *state, const uint8_t *resident)
{
    aging_state_t *st = state;
    uint32_t m = 0;
    uint64_t top = st->bits == 64 ? UINT64_MAX : (1ULL << st->bits) - 1;
    for (pfn_t p = 0; p < st->env->nframes; p++) {
        if (st->in[p] != repl_bit(resident, p) || st->counter[p] > top)
            return -1;
        m += st->in[p];
    }
    return m == st->n ? 0 : -1;
}

static void aging_stats(void *state, json_t *obj)
{
    aging_state_t *st = state;
    json_object_set_new(obj, "ticks", json_integer((json_int_t)st->n_ticks));
}

/* The frames in victim order (aging_before, with the hardware R bit as the next fault would
 * harvest it), each with "*" if R is set and its counter in hex (":0x80"). */
static void aging_explain(void *state, repl_explain_t *x)
{
    const aging_state_t *st = state;
    const repl_env_t *env = st->env;
    uint8_t *done = calloc(env->nframes ? env->nframes : 1, 1);
    char buf[32];
    x->begin(x, "aging");
    for (uint32_t i = 0; done && i < st->n; i++) {     /* selection: explain's sizes are small */
        pfn_t best = PFN_NONE;
        int best_r = 0;
        for (pfn_t p = 0; p < env->nframes; p++) {
            if (!st->in[p] || done[p])
                continue;
            int r = st->r[p] || x->referenced(x, p);
            if (best == PFN_NONE || r < best_r ||
                (r == best_r && (st->counter[p] < st->counter[best] ||
                                 (st->counter[p] == st->counter[best] && st->loaded[p] < st->loaded[best])))) {
                best = p;
                best_r = r;
            }
        }
        assert(best != PFN_NONE);      /* st->n frames are tracked */
        if (best == PFN_NONE)
            break;
        done[best] = 1;
        snprintf(buf, sizeof buf, "%s:0x%0*llx", best_r ? "*" : "", (int)(st->bits + 3) / 4,
                 (unsigned long long)st->counter[best]);
        x->frame(x, best, NULL, buf);
    }
    x->end(x);
    free(done);
}

const repl_ops_t repl_aging = {
    .name = "aging",
    .version = REPL_VERSION,
    .summary = "aging: n-bit counters shifted right each period with R in the top bit, smallest evicted (sees R bits)",
    .paper = "Tanenbaum and Bos, Modern Operating Systems, 4th ed., 2014, section 3.4.7",
    .params = "bits=8,period=1000",
    .flags = 0,
    .create = aging_create,
    .destroy = aging_destroy,
    .select_victim = aging_select_victim,
    .on_insert = aging_on_insert,
    .on_remove = aging_on_remove,
    .on_timer = aging_on_timer,
    .on_refs = aging_on_refs,
    .check = aging_check,
    .stats = aging_stats,
    .explain = aging_explain,
};
