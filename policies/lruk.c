/* lruk.c - LRU-K: evict the page whose K-th most recent reference is the oldest.
 *
 * O'Neil, O'Neil, Weikum, "The LRU-K Page Replacement Algorithm For Database Disk
 * Buffering", ACM SIGMOD 1993. Each page p has HIST(p, 1..K), the times of its K most recent
 * references (HIST(p, 1) the last); its backward K-distance is now - HIST(p, K), infinite
 * when p has had fewer than K references. The victim is the resident page with the largest
 * backward K-distance, i.e. the smallest HIST(p, K). K = 1 is LRU; the paper recommends K = 2
 * (LRU-2), the default here (`k`, 1..16).
 *
 * Conventions where the paper leaves a choice (each stated in the paper as a parameter or a
 * "subsidiary policy"):
 *  - Correlated Reference Period (`crp`, in references, default 0): a hit within crp
 *    references of the page's LAST(p) is correlated and moves only LAST(p); a later one
 *    starts a new period: HIST(p, i) = HIST(p, i-1) + (LAST(p) - HIST(p, 1)), HIST(p, 1) =
 *    LAST(p) = now (the paper's Fig. 2). Only pages whose LAST(p) is more than crp old may be
 *    evicted; if none is, the least key overall is taken (the paper leaves that case open).
 *    With the default 0 every reference is uncorrelated and every resident page eligible.
 *  - Ties: pages with fewer than K references all have infinite distance; among them (and
 *    among any equal HIST(p, K)) the one whose last reference LAST(p) is oldest goes first
 *    (LRU as the subsidiary policy, as the paper suggests), then the lowest frame.
 *  - Retained Information Period (`history`, default 1): the HIST of an evicted page is kept
 *    (the paper's point: a page re-read soon after its eviction keeps its HIST) as a ghost
 *    of repl_ghost.h whose slot is the page's shadow; at most history times the frame count
 *    are retained, the oldest eviction's dropped first (a count instead of the paper's time
 *    period, which bounds the memory the same way; 0: none). The history is taken at the
 *    page's miss, before the eviction that makes room for it. A page unmapped leaves none.
 *  Times are the engine's reference count ref->t, plus one (0 means "no reference").
 *
 * State: an indexed min-heap of frames (repl_util.h) keyed by (HIST(p, K), LAST(p), pfn),
 * the K-entry history and LAST per frame, K entries per retained history; with crp > 0 the
 * heap holds only the frames known to be outside their period, and a ring (`young`) the
 * others in order of LAST, from which select_victim moves those whose period has passed.
 * Memory per frame: 8K + 40 bytes (+ 8 for the ring), plus (20 + 8K) x history per frame for
 * the retained histories. Costs: on_hit, on_insert and on_remove O(log n) (heap), on_miss
 * O(K), select_victim O(1) with crp=0, else O(log n) amortised (each touched frame enters the
 * heap at most once). The first version set aside and put back every heap top within its
 * period at each eviction, O(crp log n): on P12 (13.2 M references, mostly sequential) at
 * 131072 frames with crp=19660 it needed 1103 s of CPU, now 6.1 s (same misses). Sees every
 * reference (REPL_SEES_ALL_REFS): each hit shifts the history. Local replacement: the least
 * key among the faulting process's eligible frames, a scan of the heap and `young` (O(frames)).
 */
#include "repl_create.h"
#include "repl_ghost.h"
#include "repl_explain.h"

#define LRUK_MAX 16
#define LRUK_GHOST 0

typedef struct lruk_state {
    repl_heap_t h;               /* first: the shared heap hooks take the state as the heap */
    const repl_env_t *env;
    repl_ring_t young;           /* crp > 0: frames not yet known eligible, by LAST (head oldest) */
    uint32_t k, retain;          /* retain: histories kept for evicted pages */
    uint64_t crp;                /* Correlated Reference Period, in references */
    uint64_t now;                /* the latest reference time seen (t + 1) */
    uint64_t *last;              /* by frame: LAST(p), the time of the last reference */
    uint64_t *hist;              /* by frame: hist[p * k + i] = HIST(p, i + 1) */
    repl_ghosts_t g;             /* retained histories of evicted pages */
    uint64_t *ghist;             /* by ghost slot, as hist */
    page_key_t pending_key;      /* the page on_miss found a history for */
    int pending_valid;
    uint64_t pending[LRUK_MAX];
    uint64_t ghost_hits;
} lruk_state_t;

static void lruk_destroy(void *state)
{
    lruk_state_t *s = state;
    if (!s)
        return;
    repl_heap_free(&s->h);
    repl_ghost_free(&s->g);
    free(s->hist);
    free(s->ghist);
    free(s->last);
    repl_ring_free(&s->young);
    free(s);
}

static int lruk_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"k", "history", "crp", NULL};
    long long k, crp;
    double history;
    *state = NULL;
    if (repl_create_check(env, params, keys, err) || spec_int(params, "k", 2, &k, err) ||
        spec_real(params, "history", 1, &history, err) || spec_int(params, "crp", 0, &crp, err))
        return -1;
    if (crp < 0 || crp > (1ll << 40))
        return sim_err_set(err, SIM_EINPUT, "crp must be in [0, 2^40] references, not %lld", crp);
    if (k < 1 || k > LRUK_MAX)
        return sim_err_set(err, SIM_EINPUT, "k must be in [1, %d], not %lld", LRUK_MAX, k);
    if (!(history >= 0 && history <= 64))
        return sim_err_set(err, SIM_EINPUT, "history must be in [0, 64], not %g", history);
    lruk_state_t *s = calloc(1, sizeof *s);
    if (!s)
        return repl_create_nomem(env, err);
    s->env = env;
    s->k = (uint32_t)k;
    s->crp = (uint64_t)crp;
    size_t n = env->nframes;
    s->retain = (uint32_t)((double)n * history);
    s->hist = calloc(n * s->k, sizeof *s->hist);
    s->last = calloc(n, sizeof *s->last);
    s->ghist = calloc((s->retain ? s->retain : 1) * (size_t)s->k, sizeof *s->ghist);
    int bad = !s->hist || !s->ghist || !s->last;
    bad |= repl_heap_init(&s->h, env->nframes);
    bad |= repl_ring_init(&s->young, env->nframes);
    bad |= repl_ghost_init(&s->g, s->retain);
    repl_ghost_tell(&s->g, env);
    if (bad) {
        lruk_destroy(s);
        return repl_create_nomem(env, err);
    }
    *state = s;
    return 0;
}

/* The heap's keys: HIST(p, K) (0, infinite distance, first), then LAST(p) (LRU among
 * equals: with crp=0 LAST(p) == HIST(p, 1)). */
static void lruk_key(lruk_state_t *s, pfn_t p)
{
    s->h.k1[p] = s->hist[(size_t)p * s->k + s->k - 1];
    s->h.k2[p] = s->last[p];
}

/* A reference at time t (stored as t + 1) that starts a new uncorrelated period: the paper's
 * "HIST(p, i) = HIST(p, i-1) + correlation period of the referenced page" (the period
 * LAST(p) - HIST(p, 1) is 0 when crp=0 or on a miss), HIST(p, 1) = t. */
static void lruk_shift(lruk_state_t *s, pfn_t p, uint64_t now, uint64_t period)
{
    uint64_t *hp = &s->hist[(size_t)p * s->k];
    for (uint32_t i = s->k - 1; i > 0; i--)
        hp[i] = hp[i - 1] ? hp[i - 1] + period : 0;
    hp[0] = now;
    s->last[p] = now;
}

/* The policy's clock: reference times (stored as t + 1), never going back. Under rr with
 * several CPUs references are told slightly out of their global order (a fault's insert
 * carries the reference that faulted), and HIST must stay non-increasing. */
static uint64_t lruk_now(lruk_state_t *s, const mem_ref_t *ref)
{
    if (ref->t + 1 > s->now)
        s->now = ref->t + 1;
    return s->now;
}

static void lruk_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lruk_state_t *s = state;
    uint64_t now = lruk_now(s, ref);
    if (now - s->last[pfn] > s->crp)                 /* uncorrelated: a new HIST entry */
        lruk_shift(s, pfn, now, s->last[pfn] - s->hist[(size_t)pfn * s->k]);
    else                                             /* correlated: only LAST moves */
        s->last[pfn] = now;
    lruk_key(s, pfn);
    if (s->crp == 0) {
        repl_heap_fix(&s->h, pfn);
        return;
    }
    if (repl_heap_has(&s->h, pfn))                   /* within its period again */
        repl_heap_remove(&s->h, pfn);
    else
        repl_ring_unlink(&s->young, pfn);
    repl_ring_push_tail(&s->young, pfn);
}

/* The page's retained history, if any, is taken now, before the eviction that makes room
 * for the page (so that eviction's history joins a pool without it, as a reference consults
 * HIST before the victim's is retained), and used at on_insert. A prefetch given up after its
 * miss loses the page's history (the engine hands the shadow back, the ghost is gone). */
static void lruk_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                         const uint64_t *shadow)
{
    lruk_state_t *s = state;
    (void)lruk_now(s, ref);
    uint32_t slot = repl_ghost_find(&s->g, shadow, page->key);
    s->pending_key = page->key;
    s->pending_valid = slot != REPL_GHOST_NONE;
    if (s->pending_valid) {
        memcpy(s->pending, &s->ghist[(size_t)slot * s->k], s->k * sizeof *s->pending);
        repl_ghost_del(&s->g, slot);
        s->ghost_hits++;
    }
}

static void lruk_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    lruk_state_t *s = state;
    uint64_t *hp = &s->hist[(size_t)pfn * s->k];
    if (s->pending_valid && s->pending_key == page->key)
        memcpy(hp, s->pending, s->k * sizeof *hp);
    else
        memset(hp, 0, s->k * sizeof *hp);
    s->pending_valid = 0;
    lruk_shift(s, pfn, lruk_now(s, ref), 0);
    lruk_key(s, pfn);
    if (s->crp == 0)
        repl_heap_insert(&s->h, pfn);
    else
        repl_ring_push_tail(&s->young, pfn);
}

/* Whether p may be the victim: its last reference is outside the Correlated Reference
 * Period (the current time is that of the reference being served). */
static int lruk_eligible(const lruk_state_t *s, pfn_t p, uint64_t now)
{
    return now - s->last[p] > s->crp;
}

/* The least key among the eligible frames the request allows. With crp=0 every frame is
 * eligible (the reference being served is a miss) and in the heap: its top, O(1). With
 * crp > 0 the heap holds only frames known to be eligible, the others wait in `young` in
 * order of LAST(p) (LAST only grows, and a touched frame goes to the tail): the frames at its
 * head whose period has passed move to the heap first (each frame at most once per touch:
 * O(log n) amortised), after which every eligible frame is in the heap, so its top is the
 * least key among them. If every frame is within its period the least key overall is taken
 * (the paper leaves that case open): a scan of `young`, which holds them all (O(frames); it
 * needs crp at least the frame count, since crp references touch at most crp frames). */
static pfn_t lruk_select_victim(void *state, const repl_req_t *req)
{
    lruk_state_t *s = state;
    assert(s->h.n + s->young.n > 0);
    uint64_t now = s->now;
    if (s->crp == 0)
        return repl_heap_first(&s->h, s->env, req);
    while (s->young.n > 0 && lruk_eligible(s, s->young.head, now)) {
        pfn_t p = s->young.head;
        repl_ring_unlink(&s->young, p);
        repl_heap_insert(&s->h, p);
    }
    if (!req->local && s->h.n > 0)
        return repl_heap_top(&s->h);
    pfn_t best = repl_heap_first(&s->h, s->env, req), any = best;
    pfn_t p = s->young.head;
    for (uint32_t i = 0; i < s->young.n; i++, p = s->young.next[p])
        if (repl_req_allows(s->env, req, p) && (any == PFN_NONE || repl_heap_less(&s->h, p, any)))
            any = p;
    return best != PFN_NONE ? best : any;
}

static int lruk_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    lruk_state_t *s = state;
    (void)why;
    if (repl_heap_has(&s->h, pfn))
        repl_heap_remove(&s->h, pfn);
    else
        repl_ring_unlink(&s->young, pfn);
    if (!shadow || s->retain == 0)
        return 0;
    if (repl_ghost_full(&s->g))
        repl_ghost_drop_oldest(&s->g, LRUK_GHOST);
    uint32_t slot = repl_ghost_add(&s->g, LRUK_GHOST, s->env->frame_key(s->env->eng, pfn));
    memcpy(&s->ghist[(size_t)slot * s->k], &s->hist[(size_t)pfn * s->k], s->k * sizeof *s->ghist);
    *shadow = repl_ghost_shadow(slot);
    return 1;
}

static int lruk_check(void *state, const uint8_t *resident)
{
    lruk_state_t *s = state;
    if (repl_ghost_check(&s->g))
        return -1;
    /* The heap and `young` split the resident frames: the heap's part is resident minus
     * young (empty with crp=0); young runs in order of LAST; the heap's frames are eligible. */
    size_t bytes = ((size_t)s->h.cap + 7) / 8;
    uint8_t *inheap = malloc(bytes ? bytes : 1);
    if (!inheap)
        return -1;
    memcpy(inheap, resident, bytes);
    int bad = 0;
    pfn_t y = s->young.head;
    for (uint32_t i = 0; i < s->young.n && !bad; i++, y = s->young.next[y]) {
        bad |= y >= s->h.cap || !repl_bit(resident, y) || s->crp == 0;
        bad |= i > 0 && s->last[s->young.prev[y]] > s->last[y];
        if (!bad)
            inheap[y / 8] &= (uint8_t)~(1u << (y % 8));
    }
    bad = bad || repl_heap_check(&s->h, inheap);
    free(inheap);
    if (bad)
        return -1;
    for (pfn_t p = 0; p < s->h.cap; p++) {
        if (!repl_bit(resident, p))
            continue;
        if (repl_heap_has(&s->h, p) && s->crp > 0 && !lruk_eligible(s, p, s->now))
            return -1;
        const uint64_t *hp = &s->hist[(size_t)p * s->k];
        if (hp[0] == 0 || s->h.k1[p] != hp[s->k - 1] || s->h.k2[p] != s->last[p] ||
            s->last[p] < hp[0] || (s->crp == 0 && s->last[p] != hp[0]))
            return -1;
        for (uint32_t i = 1; i < s->k; i++)   /* non-increasing: newest first, zeros last */
            if (hp[i] > hp[i - 1])
                return -1;
    }
    return 0;
}

static void lruk_stats(void *state, json_t *obj)
{
    lruk_state_t *s = state;
    json_object_set_new(obj, "retained", json_integer(repl_ghost_count(&s->g, LRUK_GHOST)));
    json_object_set_new(obj, "history_hits", json_integer((json_int_t)s->ghost_hits));
}

/* Explain mode (repl.h): the frames by backward K-distance, the next victim first (as the
 * heap orders them); with crp > 0 the heap holds the frames known to be outside their
 * correlated period and `young` the others, oldest LAST first; then the retained histories
 * of evicted pages, oldest first. */
static void lruk_explain(void *state, repl_explain_t *x)
{
    const lruk_state_t *l = state;
    repl_explain_heap(x, "lruk", &l->h, NULL, NULL);
    if (l->crp > 0)
        repl_explain_ring(x, "young", &l->young, PFN_NONE, 0, PFN_NONE, NULL, NULL);
    repl_explain_ghosts(x, "history", &l->g, LRUK_GHOST);
}

const repl_ops_t repl_lruk = {
    .name = "lruk",
    .version = REPL_VERSION,
    .summary = "evict the oldest K-th most recent reference, history of evicted pages retained (sees every reference)",
    .paper = "O'Neil, O'Neil, Weikum, \"The LRU-K Page Replacement Algorithm For Database Disk Buffering\", ACM SIGMOD 1993",
    .params = "k=2,history=1,crp=0",
    .flags = REPL_SEES_ALL_REFS,
    .create = lruk_create,
    .destroy = lruk_destroy,
    .on_hit = lruk_on_hit,
    .on_miss = lruk_on_miss,
    .select_victim = lruk_select_victim,
    .on_insert = lruk_on_insert,
    .on_remove = lruk_on_remove,
    .check = lruk_check,
    .stats = lruk_stats,
    .explain = lruk_explain,
};
