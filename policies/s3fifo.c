/* s3fifo.c - S3-FIFO: a small FIFO that filters one-hit wonders, a main FIFO with a 2-bit
 * clock, and a ghost FIFO of pages the small queue let go.
 *
 * Yang, Zhang, Qiu, Yue, Vinayak, "FIFO queues are all you need for cache eviction", ACM
 * SOSP 2023. Follows libCacheSim's S3FIFO.c (the authors' simulator, 1a1a11a/libCacheSim at
 * aa0fc40, Oct. 2024; defaults fifo-size-ratio=0.10, ghost-size-ratio=0.90,
 * move-to-main-threshold=2), which differs in details from the paper's pseudocode; every rule
 * below is libCacheSim's:
 *
 *  - sizes: S holds floor(small*c) frames (at least 1 here: libCacheSim with S of size 0
 *    admits nothing, a page cache cannot), M the rest, G floor(ghost*c) ghosts (0: no ghost).
 *  - a miss whose page is in G is inserted into M (and leaves G), any other miss into S;
 *    either way with freq 0.
 *  - every hit, in S or in M, adds 1 to freq (S3-FIFO sees every reference: libCacheSim
 *    counts hits in its find; the counter saturates at 255 here, threshold is at most 255).
 *  - eviction: from M if M holds more than its share or S is empty, else from S.
 *    From S: the oldest page of S with freq >= threshold moves to M's newest end with freq
 *    reset to 0 (libCacheSim makes a new object), and the next oldest is examined; the first
 *    with freq < threshold is evicted and its key joins G (the oldest ghost goes when G is
 *    full). If S empties without an eviction, M evicts. From M: the oldest page with freq >= 1
 *    is reinserted at M's newest end with freq min(freq, 3) - 1 (a 2-bit clock: a counter
 *    capped at 3), until one with freq 0 is found and evicted (no ghost for M's victims).
 *  - a page unmapped leaves its queue and remembers nothing.
 *
 * State: two rings of frames (repl_util.h) for S and M (head = oldest), a byte per frame for
 * freq and one for the queue; the ghost FIFO is a repl_ghost.h list whose slot is the page's
 * shadow. Memory: 18 bytes per frame + 20 per ghost. Costs: on_hit O(1) (a byte), on_miss
 * O(1), on_insert and on_remove O(1), select_victim O(1) amortised (a page moved or
 * reinserted consumes a hit it received). Local replacement: the same walk, but pages of
 * other processes are passed over where they are (no move, no count change); at most two
 * turns of each queue (O(frames)).
 */
#include "repl_create.h"
#include "repl_ghost.h"
#include "repl_explain.h"

enum { Q_NONE = 0, Q_S, Q_M };
#define S3_GHOST 0

typedef struct s3fifo_state {
    repl_ring_t s, m;            /* head = oldest */
    uint8_t *freq, *q;           /* by frame */
    repl_ghosts_t g;             /* list S3_GHOST: the ghost FIFO */
    uint32_t small_n, main_n, ghost_n, threshold;
    page_key_t pending;          /* the page on_miss found in G (to go to M at on_insert) */
    int pending_ghost;
    uint64_t moved, ghost_hits;  /* stats */
    const repl_env_t *env;
} s3fifo_state_t;

static void s3fifo_destroy(void *state)
{
    s3fifo_state_t *s = state;
    if (!s)
        return;
    repl_ring_free(&s->s);
    repl_ring_free(&s->m);
    repl_ghost_free(&s->g);
    free(s->freq);
    free(s->q);
    free(s);
}

static int s3fifo_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"small", "ghost", "threshold", NULL};
    double small, ghost;
    long long threshold;
    *state = NULL;
    if (repl_create_check(env, params, keys, err) ||
        spec_real(params, "small", 0.1, &small, err) ||
        spec_real(params, "ghost", 0.9, &ghost, err) ||
        spec_int(params, "threshold", 2, &threshold, err))
        return -1;
    if (!(small > 0 && small < 1))
        return sim_err_set(err, SIM_EINPUT, "small must be in (0, 1), not %g", small);
    if (!(ghost >= 0 && ghost <= 16))
        return sim_err_set(err, SIM_EINPUT, "ghost must be in [0, 16], not %g", ghost);
    if (threshold < 1 || threshold > 255)
        return sim_err_set(err, SIM_EINPUT, "threshold must be in [1, 255], not %lld", threshold);
    s3fifo_state_t *s = calloc(1, sizeof *s);
    if (!s)
        return repl_create_nomem(env, err);
    uint32_t c = env->nframes;
    s->small_n = (uint32_t)((double)c * small);   /* libCacheSim: (int64_t)(c * ratio) */
    if (s->small_n == 0)
        s->small_n = 1;
    s->main_n = c - s->small_n;
    s->ghost_n = (uint32_t)((double)c * ghost);
    s->threshold = (uint32_t)threshold;
    s->env = env;
    s->freq = calloc(c, 1);
    s->q = calloc(c, 1);
    int bad = !s->freq || !s->q;
    bad |= repl_ring_init(&s->s, c);
    bad |= repl_ring_init(&s->m, c);
    bad |= repl_ghost_init(&s->g, s->ghost_n);
    repl_ghost_tell(&s->g, env);
    if (bad) {
        s3fifo_destroy(s);
        return repl_create_nomem(env, err);
    }
    *state = s;
    return 0;
}

static void s3fifo_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    s3fifo_state_t *s = state;
    (void)ref;
    if (s->freq[pfn] < 255)
        s->freq[pfn]++;
}

static void s3fifo_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                           const uint64_t *shadow)
{
    s3fifo_state_t *s = state;
    (void)ref;
    uint32_t slot = repl_ghost_find(&s->g, shadow, page->key);
    s->pending = page->key;
    s->pending_ghost = slot != REPL_GHOST_NONE;
    if (s->pending_ghost) {      /* libCacheSim removes it from G in find(), before evicting */
        repl_ghost_del(&s->g, slot);
        s->ghost_hits++;
    }
}

static void s3fifo_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    s3fifo_state_t *s = state;
    (void)ref;
    int to_main = s->pending_ghost && s->pending == page->key;
    s->pending_ghost = 0;
    s->freq[pfn] = 0;
    s->q[pfn] = to_main ? Q_M : Q_S;
    repl_ring_push_tail(to_main ? &s->m : &s->s, pfn);
}

/* S's turn: move pages with freq >= threshold to M until one is found to evict; PFN_NONE if
 * S ran out (of allowed pages) first. */
static pfn_t s3fifo_evict_small(s3fifo_state_t *s, const repl_req_t *req)
{
    repl_ring_t *r = &s->s;
    pfn_t p = r->head;
    uint32_t passed = 0;         /* other processes' pages passed over (local requests) */
    while (r->n > passed) {
        if (!repl_req_allows(s->env, req, p)) {
            p = r->next[p];
            passed++;
            continue;
        }
        if (s->freq[p] < s->threshold)
            return p;
        pfn_t nx = r->n > 1 ? r->next[p] : PFN_NONE;
        repl_ring_unlink(r, p);
        s->freq[p] = 0;
        s->q[p] = Q_M;
        repl_ring_push_tail(&s->m, p);
        s->moved++;
        p = nx;
    }
    return PFN_NONE;
}

/* M's turn: a 2-bit clock: reinsert pages with freq >= 1 at the newest end, decremented. */
static pfn_t s3fifo_evict_main(s3fifo_state_t *s, const repl_req_t *req)
{
    repl_ring_t *r = &s->m;
    /* Bounded: each allowed page is reinserted at most 3 times before its freq is 0. */
    for (uint64_t steps = 0; steps <= 4 * (uint64_t)r->n + 1; steps++) {
        pfn_t p = r->head;
        if (repl_req_allows(s->env, req, p)) {
            if (s->freq[p] == 0)
                return p;
            s->freq[p] = (uint8_t)((s->freq[p] < 3 ? s->freq[p] : 3) - 1);
        }
        r->head = r->next[p];   /* p becomes the newest: rotating the circle moves it */
    }
    return PFN_NONE;
}

static pfn_t s3fifo_select_victim(void *state, const repl_req_t *req)
{
    s3fifo_state_t *s = state;
    pfn_t v = PFN_NONE;
    assert(s->s.n + s->m.n > 0);
    if (s->m.n > s->main_n || s->s.n == 0) {
        v = s3fifo_evict_main(s, req);
        if (v == PFN_NONE)       /* local: no page of the process in M */
            v = s3fifo_evict_small(s, req);
    } else {
        v = s3fifo_evict_small(s, req);
        if (v == PFN_NONE)       /* S emptied into M: libCacheSim then evicts from M */
            v = s3fifo_evict_main(s, req);
    }
    assert(v != PFN_NONE);
    return v;
}

static int s3fifo_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    s3fifo_state_t *s = state;
    int from_s = s->q[pfn] == Q_S;
    repl_ring_unlink(from_s ? &s->s : &s->m, pfn);
    s->q[pfn] = Q_NONE;
    s->freq[pfn] = 0;
    if (!shadow || !from_s || s->ghost_n == 0)
        return 0;                /* unmapped, or evicted from M: no ghost */
    (void)why;
    if (repl_ghost_full(&s->g))
        repl_ghost_drop_oldest(&s->g, S3_GHOST);
    *shadow = repl_ghost_shadow(repl_ghost_add(&s->g, S3_GHOST, s->env->frame_key(s->env->eng, pfn)));
    return 1;
}

static int s3fifo_check(void *state, const uint8_t *resident)
{
    s3fifo_state_t *s = state;
    uint32_t c = s->s.cap;
    uint8_t *in_s = calloc((c + 7) / 8, 1), *in_m = calloc((c + 7) / 8, 1);
    int bad = !in_s || !in_m;
    for (pfn_t p = 0; !bad && p < c; p++) {
        int r = repl_bit(resident, p);
        if (s->q[p] > Q_M || (s->q[p] != Q_NONE) != r || (!r && s->freq[p]))
            bad = 1;
        if (s->q[p] == Q_S)
            in_s[p >> 3] |= (uint8_t)(1u << (p & 7));
        if (s->q[p] == Q_M)
            in_m[p >> 3] |= (uint8_t)(1u << (p & 7));
    }
    bad = bad || repl_ring_check(&s->s, in_s) || repl_ring_check(&s->m, in_m);
    bad = bad || repl_ghost_check(&s->g) || repl_ghost_count(&s->g, S3_GHOST) > s->ghost_n;
    bad = bad || s->s.n + s->m.n > c || s->small_n + s->main_n != c;
    free(in_s);
    free(in_m);
    return bad ? -1 : 0;
}

static void s3fifo_stats(void *state, json_t *obj)
{
    s3fifo_state_t *s = state;
    json_object_set_new(obj, "small", json_integer(s->s.n));
    json_object_set_new(obj, "main", json_integer(s->m.n));
    json_object_set_new(obj, "ghost", json_integer(repl_ghost_count(&s->g, S3_GHOST)));
    json_object_set_new(obj, "moved_to_main", json_integer((json_int_t)s->moved));
    json_object_set_new(obj, "ghost_hits", json_integer((json_int_t)s->ghost_hits));
}

/* Explain mode (repl.h): the small and main FIFOs oldest first, each with ":freq", and the
 * ghost FIFO oldest first. */
static const char *s3fifo_explain_freq(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    (void)x;
    snprintf(buf, n, ":%u", ((const s3fifo_state_t *)state)->freq[pfn]);
    return buf;
}

static void s3fifo_explain(void *state, repl_explain_t *x)
{
    const s3fifo_state_t *s = state;
    repl_explain_ring(x, "S", &s->s, PFN_NONE, 0, PFN_NONE, s3fifo_explain_freq, s);
    repl_explain_ring(x, "M", &s->m, PFN_NONE, 0, PFN_NONE, s3fifo_explain_freq, s);
    repl_explain_ghosts(x, "G", &s->g, S3_GHOST);
}

const repl_ops_t repl_s3fifo = {
    .name = "s3fifo",
    .version = REPL_VERSION,
    .summary = "small FIFO filter, main FIFO with 2-bit clock, ghost FIFO for S's victims (sees every reference)",
    .paper = "Yang, Zhang, Qiu, Yue, Vinayak, \"FIFO queues are all you need for cache eviction\", ACM SOSP 2023",
    .params = "small=0.1,ghost=0.9,threshold=2",
    .flags = REPL_SEES_ALL_REFS,
    .create = s3fifo_create,
    .destroy = s3fifo_destroy,
    .on_hit = s3fifo_on_hit,
    .on_miss = s3fifo_on_miss,
    .select_victim = s3fifo_select_victim,
    .on_insert = s3fifo_on_insert,
    .on_remove = s3fifo_on_remove,
    .check = s3fifo_check,
    .stats = s3fifo_stats,
    .explain = s3fifo_explain,
};
