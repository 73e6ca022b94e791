/* wtinylfu.c - W-TinyLFU: a small LRU window, a segmented-LRU main space, and admission to
 * the main space by an approximate frequency (a count-min sketch) with periodic ageing.
 *
 * Einziger, Friedman & Manes, "TinyLFU: a highly efficient cache admission policy", ACM
 * Transactions on Storage 13(4), 2017. A new page enters the window, an LRU of `window` of
 * the frames (default 1%, at least one frame). The window's LRU page, pushed out, is a
 * candidate for the main space, an SLRU split into probation (20%) and protected (80% of
 * the main space): it goes there only if its estimated frequency is greater than that of the
 * main space's victim (the probation LRU page); otherwise it is the one evicted (ties
 * reject, as Caffeine). A hit in probation promotes the page to the protected MRU end, and
 * a protected segment over its size demotes its LRU page to the probation MRU end; hits in
 * the window and in protected move the page to their MRU end.
 *
 * Conventions: Caffeine's simulator (ben-manes/caffeine, simulator/.../sketch/
 * WindowTinyLfuPolicy.java with the TinyLfu admittor and FrequencySketch), followed in
 * detail, with our own code:
 *  - every reference, hit or miss, is recorded in the sketch first (on_hit, on_miss), so
 *    the candidate's own miss counts before it is compared;
 *  - sizes: window = frames - floor((1 - window) * frames) (Caffeine's rounding: at least
 *    one frame while window > 0), main = frames - window, protected = floor(0.8 * main);
 *    probation takes what the others leave (it is not bounded by itself);
 *  - when the window overflows and memory is not full the candidate simply joins probation;
 *    when memory is full the candidate joins probation's MRU end and then the candidate and
 *    probation's LRU page are compared (so with probation otherwise empty the candidate is
 *    evicted, as in Caffeine); when the window is below its size at a fault (after unmaps)
 *    the victim is probation's LRU page, else protected's, else the window's.
 *  - the sketch: a count-min sketch of 4 rows of 4-bit counters (saturating at 15), each row
 *    4 x frames rounded up to a power of two counters wide (Caffeine's FrequencySketch: a
 *    table of ceil_pow2(frames) 64-bit words of 16 counters, each row using 4 per word);
 *    an increment adds 1 to the item's counter in every row (not the conservative update);
 *    the estimate is the least of the four. Ageing: once 10 x frames increments have
 *    changed a counter, every counter is halved and the count becomes (count - odd/4) / 2,
 *    odd the number of odd counters before halving (Caffeine's reset). Rows are indexed by
 *    double hashing of a 64-bit mix of the page key with fixed seeds (not env->rng: the
 *    sketch takes no randomness, so runs of different seeds share it). No doorkeeper (Caffeine
 *    has none; the paper's doorkeeper is an optional space saving).
 *  - Shadows: none. The sketch is the history of non-resident pages (by key).
 *
 * Sees every reference (on_hit: the sketch counts each). Costs: on_hit and on_miss O(1) (4
 * counters and a list move); the halving O(frames) every 10 x frames increments, O(1)
 * amortised; select_victim O(1) (local requests: a walk of the lists, O(frames)). Memory per
 * frame: two links, the key (8 bytes), a byte of segment, and the sketch's 8 to 16 bytes.
 * Local replacement: the first frame of the faulting process in probation, protected, then
 * window LRU order, without admission.
 */
#include "repl_create.h"

#include <math.h>
#include "repl_explain.h"

enum { WT_WINDOW = 0, WT_PROBATION, WT_PROTECTED, WT_NSEG };

typedef struct wtlfu {
    repl_ring_t seg[WT_NSEG];    /* the three lists share next/prev arrays: a frame is in one */
    uint8_t *where;              /* by frame: its segment, WT_NSEG when not tracked */
    page_key_t *key;             /* by frame */
    uint32_t max_window, max_protected;
    /* the sketch: 4 rows of `width` 4-bit counters, 16 to a word, rows one after another */
    uint64_t *cm;
    uint32_t width;              /* counters per row, a power of two */
    uint64_t samples, sample_size;
    uint64_t resets, admitted, rejected;
    const repl_env_t *env;
} wtlfu_t;

static void wt_destroy(void *state)
{
    wtlfu_t *w = state;
    if (!w)
        return;
    repl_ring_free(&w->seg[0]);
    free(w->where);
    free(w->key);
    free(w->cm);
    free(w);
}

static int wt_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"window", NULL};
    double window;
    *state = NULL;
    if (repl_create_check(env, params, keys, err) || spec_real(params, "window", 0.01, &window, err))
        return -1;
    if (!(window > 0 && window < 1))
        return sim_err_set(err, SIM_EINPUT, "window must be a fraction of the frames in (0, 1), not %g", window);
    uint32_t n = env->nframes;
    wtlfu_t *w = calloc(1, sizeof *w);
    if (!w)
        return repl_create_nomem(env, err);
    uint32_t pow2 = 1;
    while (pow2 < n)
        pow2 <<= 1;
    w->width = 4 * pow2;
    if (repl_ring_init(&w->seg[0], n) || !(w->where = malloc(n)) ||
        !(w->key = calloc(n, sizeof *w->key)) || !(w->cm = calloc((size_t)w->width / 4, sizeof *w->cm))) {
        wt_destroy(w);
        return repl_create_nomem(env, err);
    }
    memset(w->where, WT_NSEG, n);
    for (int s = 1; s < WT_NSEG; s++)
        w->seg[s] = w->seg[0];   /* the same arrays, their own head and count */
    uint32_t main = (uint32_t)floor((1.0 - window) * n);
    w->max_window = n - main;
    if (w->max_window == 0) {
        w->max_window = 1;
        main = n - 1;
    }
    w->max_protected = (uint32_t)(0.8 * main);
    w->sample_size = 10 * (uint64_t)n;
    w->env = env;
    *state = w;
    return 0;
}

/* ---- the sketch ---- */

static inline uint64_t wt_mix(uint64_t x)   /* splitmix64's finalizer (Steele et al., 2014) */
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The counter index of key in row i (0..3), over the whole table. */
static inline uint64_t wt_index(const wtlfu_t *w, uint64_t h, unsigned i)
{
    uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1u;
    return (uint64_t)i * w->width + ((h1 + i * h2) & (w->width - 1));
}

static inline unsigned wt_get(const wtlfu_t *w, uint64_t j)
{
    return (unsigned)(w->cm[j >> 4] >> ((j & 15) * 4)) & 15u;
}

static unsigned wt_estimate(const wtlfu_t *w, page_key_t key)
{
    uint64_t h = wt_mix(key ^ 0x5851f42d4c957f2dull);
    unsigned m = 15;
    for (unsigned i = 0; i < 4; i++) {
        unsigned c = wt_get(w, wt_index(w, h, i));
        m = c < m ? c : m;
    }
    return m;
}

static void wt_reset(wtlfu_t *w)
{
    uint64_t odd = 0;
    size_t words = (size_t)w->width / 4;
    for (size_t i = 0; i < words; i++) {
        odd += (uint64_t)__builtin_popcountll(w->cm[i] & 0x1111111111111111ull);
        w->cm[i] = (w->cm[i] >> 1) & 0x7777777777777777ull;
    }
    w->samples = (w->samples - (odd >> 2)) >> 1;
    w->resets++;
}

static void wt_record(wtlfu_t *w, page_key_t key)
{
    uint64_t h = wt_mix(key ^ 0x5851f42d4c957f2dull);
    int added = 0;
    for (unsigned i = 0; i < 4; i++) {
        uint64_t j = wt_index(w, h, i);
        if (wt_get(w, j) < 15) {
            w->cm[j >> 4] += 1ull << ((j & 15) * 4);
            added = 1;
        }
    }
    if (added && ++w->samples >= w->sample_size)
        wt_reset(w);
}

/* ---- the lists ---- */

static void wt_move(wtlfu_t *w, pfn_t p, int to)
{
    repl_ring_unlink(&w->seg[w->where[p]], p);
    w->where[p] = (uint8_t)to;
    repl_ring_push_tail(&w->seg[to], p);
}

static void wt_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    wtlfu_t *w = state;
    (void)ref;
    wt_record(w, w->key[pfn]);
    switch (w->where[pfn]) {
    case WT_WINDOW:
        repl_ring_move_to_tail(&w->seg[WT_WINDOW], pfn);
        break;
    case WT_PROBATION:
        wt_move(w, pfn, WT_PROTECTED);
        if (w->seg[WT_PROTECTED].n > w->max_protected)
            wt_move(w, w->seg[WT_PROTECTED].head, WT_PROBATION);
        break;
    default:
        repl_ring_move_to_tail(&w->seg[WT_PROTECTED], pfn);
        break;
    }
}

static void wt_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    (void)ref;
    (void)shadow;
    wt_record(state, page->key);
}

static pfn_t wt_select_victim(void *state, const repl_req_t *req)
{
    wtlfu_t *w = state;
    if (req->local) {
        static const int order[] = {WT_PROBATION, WT_PROTECTED, WT_WINDOW};
        for (int i = 0; i < 3; i++) {
            pfn_t p = repl_ring_first(&w->seg[order[i]], w->env, req, 0);
            if (p != PFN_NONE)
                return p;
        }
        assert(!"wtinylfu: the process owns no tracked frame");
        return PFN_NONE;
    }
    repl_ring_t *win = &w->seg[WT_WINDOW], *prob = &w->seg[WT_PROBATION];
    if (req->page && win->n >= w->max_window && win->n) {
        /* The new page will push the window's LRU page out: it joins probation, and then it
         * or probation's LRU page goes. */
        pfn_t cand = win->head;
        wt_move(w, cand, WT_PROBATION);
        pfn_t victim = prob->head;
        if (victim == cand)
            return cand;
        if (wt_estimate(w, w->key[cand]) > wt_estimate(w, w->key[victim])) {
            w->admitted++;
            return victim;
        }
        w->rejected++;
        return cand;
    }
    if (prob->n)
        return prob->head;
    if (w->seg[WT_PROTECTED].n)
        return w->seg[WT_PROTECTED].head;
    return win->head;
}

static void wt_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    wtlfu_t *w = state;
    (void)ref;
    w->key[pfn] = page->key;
    w->where[pfn] = WT_WINDOW;
    repl_ring_push_tail(&w->seg[WT_WINDOW], pfn);
    while (w->seg[WT_WINDOW].n > w->max_window)     /* memory was not full: no comparison */
        wt_move(w, w->seg[WT_WINDOW].head, WT_PROBATION);
}

static int wt_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    wtlfu_t *w = state;
    (void)why;
    (void)shadow;
    repl_ring_unlink(&w->seg[w->where[pfn]], pfn);
    w->where[pfn] = WT_NSEG;
    return 0;
}

static int wt_check(void *state, const uint8_t *resident)
{
    wtlfu_t *w = state;
    uint32_t count[WT_NSEG + 1] = {0};
    for (pfn_t p = 0; p < w->seg[0].cap; p++) {
        if (w->where[p] > WT_NSEG || (w->where[p] < WT_NSEG) != repl_bit(resident, p))
            return -1;
        if ((w->where[p] < WT_NSEG) != (w->seg[0].next[p] != PFN_NONE))
            return -1;
        count[w->where[p]]++;
        if (w->where[p] < WT_NSEG && w->key[p] != w->env->frame_key(w->env->eng, p))
            return -1;
    }
    for (int s = 0; s < WT_NSEG; s++) {
        const repl_ring_t *r = &w->seg[s];
        if (r->n != count[s] || (r->n == 0) != (r->head == PFN_NONE))
            return -1;
        pfn_t x = r->head;
        for (uint32_t i = 0; i < r->n; i++) {
            pfn_t y = r->next[x];
            if (y >= r->cap || r->prev[y] != x || w->where[x] != s || (y == r->head) != (i == r->n - 1))
                return -1;
            x = y;
        }
    }
    if (w->seg[WT_WINDOW].n > w->max_window || w->seg[WT_PROTECTED].n > w->max_protected)
        return -1;
    if (w->samples >= w->sample_size)
        return -1;
    return 0;
}

static void wt_stats(void *state, json_t *obj)
{
    wtlfu_t *w = state;
    json_object_set_new(obj, "admitted", json_integer((json_int_t)w->admitted));
    json_object_set_new(obj, "rejected", json_integer((json_int_t)w->rejected));
    json_object_set_new(obj, "sketch_resets", json_integer((json_int_t)w->resets));
    json_object_set_new(obj, "window_frames", json_integer((json_int_t)w->max_window));
}

/* Explain mode (repl.h): the window, probation and protected LRU lists, least recent first
 * (the sketch's counts are not shown). */
static void wtlfu_explain(void *state, repl_explain_t *x)
{
    const wtlfu_t *w = state;
    repl_explain_ring(x, "window", &w->seg[WT_WINDOW], PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ring(x, "probation", &w->seg[WT_PROBATION], PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ring(x, "protected", &w->seg[WT_PROTECTED], PFN_NONE, 0, PFN_NONE, NULL, NULL);
}

const repl_ops_t repl_wtinylfu = {
    .name = "wtinylfu",
    .version = REPL_VERSION,
    .summary = "W-TinyLFU: LRU window, SLRU main, count-min sketch admission with ageing (sees every reference)",
    .paper = "Einziger, Friedman & Manes, \"TinyLFU: a highly efficient cache admission policy\", ACM TOS 13(4), 2017",
    .params = "window=0.01",
    .flags = REPL_SEES_ALL_REFS,
    .create = wt_create,
    .destroy = wt_destroy,
    .on_hit = wt_on_hit,
    .on_miss = wt_on_miss,
    .select_victim = wt_select_victim,
    .on_insert = wt_on_insert,
    .on_remove = wt_on_remove,
    .check = wt_check,
    .stats = wt_stats,
    .explain = wtlfu_explain,
};
