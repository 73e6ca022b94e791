/* lirs.c - LIRS: replace by inter-reference recency, as the authors' reference code behaves.
 *
 * Jiang & Zhang, "LIRS: An Efficient Low Inter-reference Recency Set Replacement Policy to
 * Improve Buffer Cache Performance", SIGMETRICS 2002. Pages with a small inter-reference
 * recency (IRR: distinct pages between their last two references) are LIR and always
 * resident, Llirs of them; the other Lhirs frames hold HIR pages. Two structures:
 *  - stack S, in recency order (top = most recent): the LIR pages, and the resident and
 *    non-resident HIR pages more recent than the least recent LIR page. Stack pruning keeps
 *    an LIR page at the bottom: HIR entries below the lowest LIR page leave S.
 *  - queue Q, FIFO of the resident HIR pages; its front is the victim.
 * A reference to an LIR page moves it to the top (pruning if it was the bottom). A reference
 * to a HIR page (resident hit, or a miss on a non-resident entry still in S) that is in S:
 * its IRR beats the bottom LIR page's recency, so it becomes LIR and the bottom LIR page
 * becomes a resident HIR page at Q's end (and leaves S: pruning). A HIR page not in S goes
 * to the top of S and to the end of Q, staying HIR.
 *
 * Conventions: those of the authors' lirs.c (Song Jiang, 2002; the simulator distributed
 * with the paper), which the cross-check against the ARC paper's Table IV reproduces:
 *  - Lhirs = max(2, (long)(hir * frames)) (truncated; LOWEST_HG_NUM = 2, HIR_RATE = 1%),
 *    Llirs = frames - Lhirs. (Below three frames, where lirs.c refuses to run: Lhirs is
 *    clamped to frames - 1, or 1 with one frame, so Llirs = 0 and LIRS degenerates to Q.)
 *  - an immediately repeated reference (the same page as the previous reference) changes
 *    no state (lirs.c skips it: "last_ref_pg");
 *  - while fewer than Llirs pages are LIR, a missed page becomes LIR (lirs.c: the first
 *    Llirs distinct pages, while free frames exceed Lhirs; here also after unmaps have
 *    removed LIR pages);
 *  - at a miss the victim (Q's front) is paged out first, staying in S as a non-resident
 *    entry if it was in S; then the missed page is placed, promoted and the bottom LIR page
 *    demoted as above (the engine's order: on_miss, select_victim, on_remove, on_insert);
 *  - S is bounded as lirs.c bounds it: when it holds more than MAX_S_LEN = 2500 * frames
 *    entries, the lowest HIR entry above the bottom LIR page leaves S (one per reference).
 *    Non-resident entries are therefore bounded by 2500 * frames; the pool of them grows
 *    by doubling as needed (amortised O(1)); if that allocation fails the new entry is
 *    dropped (the page is forgotten, as if pruned).
 *  - The engine keeps at most config `shadows` shadows per frame (default 2): a
 *    non-resident entry whose shadow the engine dropped can no longer be hit (its page
 *    misses as a new page) and leaves S by pruning. For the authors' figures run with a
 *    large store (--set shadows=1000).
 *  - Not in the paper (no VM there): a page unmapped or replaced by a COW copy leaves S and
 *    Q and leaves no entry; a local request takes Q's first frame of the process, else its
 *    lowest LIR page in S. A prefetched page enters as a referenced one.
 *
 * State: per frame S links (8 bytes), Q links (8 bytes, repl_util.h ring), flags (1 byte);
 * per non-resident entry: key and S links (16 bytes), its slot the page's shadow (node ids
 * below nframes are frames, the rest non-resident slots). Costs: on_hit O(1) amortised
 * (pruning removes each entry once), on_miss O(1), select_victim O(1) (local: O(frames)),
 * on_insert and on_remove O(1) amortised. Sees every reference.
 */
#include "repl_create.h"
#include "repl_explain.h"

#define LIRS_NONE UINT32_MAX
#define LIRS_FREE (UINT32_MAX - 1)     /* g_up of a free non-resident slot */
#define LIRS_SMAX_FACTOR 2500          /* lirs.h: MAX_S_LEN = mem_size * 2500 */

enum { F_RES = 1, F_LIR = 2, F_INS = 4 };

typedef struct lirs_state {
    const repl_env_t *env;
    uint32_t nf, llirs, lhirs;
    uint32_t *up, *down;               /* S links of frames: up = more recent */
    uint8_t *fl;
    repl_ring_t q;                     /* resident HIR pages: head = front (next victim) */
    uint32_t top, bottom;              /* of S, node ids */
    uint64_t ns, smax;                 /* entries in S, its bound */
    uint32_t nlir;
    /* non-resident entries: node nf + i is slot i */
    page_key_t *g_key;
    uint32_t *g_up, *g_down;           /* g_down doubles as the free list */
    uint32_t g_cap, g_n, g_free;
    pfn_t last;                        /* frame of the previous reference, PFN_NONE */
    page_key_t pend_key;               /* the missed page and its entry (on_miss) */
    uint32_t pend_slot;
    uint64_t ghost_hits, pruned_size;
} lirs_state_t;

static inline uint32_t *lirs_up(lirs_state_t *l, uint32_t id)
{
    return id < l->nf ? &l->up[id] : &l->g_up[id - l->nf];
}

static inline uint32_t *lirs_down(lirs_state_t *l, uint32_t id)
{
    return id < l->nf ? &l->down[id] : &l->g_down[id - l->nf];
}

static void lirs_s_unlink(lirs_state_t *l, uint32_t id)
{
    uint32_t u = *lirs_up(l, id), d = *lirs_down(l, id);
    if (u == LIRS_NONE)
        l->top = d;
    else
        *lirs_down(l, u) = d;
    if (d == LIRS_NONE)
        l->bottom = u;
    else
        *lirs_up(l, d) = u;
    *lirs_up(l, id) = *lirs_down(l, id) = LIRS_NONE;
    l->ns--;
}

static void lirs_s_push_top(lirs_state_t *l, uint32_t id)
{
    *lirs_up(l, id) = LIRS_NONE;
    *lirs_down(l, id) = l->top;
    if (l->top == LIRS_NONE)
        l->bottom = id;
    else
        *lirs_up(l, l->top) = id;
    l->top = id;
    l->ns++;
}

/* Node b takes node a's place in S (a resident HIR page becoming non-resident). */
static void lirs_s_replace(lirs_state_t *l, uint32_t a, uint32_t b)
{
    uint32_t u = *lirs_up(l, a), d = *lirs_down(l, a);
    *lirs_up(l, b) = u;
    *lirs_down(l, b) = d;
    if (u == LIRS_NONE)
        l->top = b;
    else
        *lirs_down(l, u) = b;
    if (d == LIRS_NONE)
        l->bottom = b;
    else
        *lirs_up(l, d) = b;
    *lirs_up(l, a) = *lirs_down(l, a) = LIRS_NONE;
}

static void lirs_g_release(lirs_state_t *l, uint32_t slot)
{
    l->g_up[slot] = LIRS_FREE;
    l->g_down[slot] = l->g_free;
    l->g_free = slot;
    l->g_n--;
}

/* A free non-resident slot, growing the pool if needed; LIRS_NONE if out of memory. */
static uint32_t lirs_g_alloc(lirs_state_t *l)
{
    if (l->g_free == LIRS_NONE) {
        uint64_t cap = (uint64_t)l->g_cap * 2;
        if (cap > l->smax + 1)
            cap = l->smax + 1;
        if (cap > (uint64_t)UINT32_MAX - 2 - l->nf)
            cap = (uint64_t)UINT32_MAX - 2 - l->nf;
        if (cap <= l->g_cap)
            return LIRS_NONE;
        page_key_t *k = realloc(l->g_key, cap * sizeof *k);
        if (k)
            l->g_key = k;
        uint32_t *u = k ? realloc(l->g_up, cap * sizeof *u) : NULL;
        if (u)
            l->g_up = u;
        uint32_t *d = u ? realloc(l->g_down, cap * sizeof *d) : NULL;
        if (!d)
            return LIRS_NONE;
        l->g_down = d;
        for (uint64_t i = cap; i-- > l->g_cap;) {
            l->g_up[i] = LIRS_FREE;
            l->g_down[i] = l->g_free;
            l->g_free = (uint32_t)i;
        }
        l->g_cap = (uint32_t)cap;
    }
    uint32_t s = l->g_free;
    l->g_free = l->g_down[s];
    l->g_n++;
    return s;
}

/* Removes a HIR entry from S: a resident page stays in Q, a non-resident one is forgotten. */
static void lirs_s_drop(lirs_state_t *l, uint32_t id)
{
    lirs_s_unlink(l, id);
    if (id < l->nf)
        l->fl[id] &= (uint8_t)~F_INS;
    else
        lirs_g_release(l, id - l->nf);
}

static inline int lirs_is_lir(const lirs_state_t *l, uint32_t id)
{
    return id < l->nf && (l->fl[id] & F_LIR);
}

/* Stack pruning: the bottom of S is an LIR page (or S is empty). */
static void lirs_prune(lirs_state_t *l)
{
    while (l->bottom != LIRS_NONE && !lirs_is_lir(l, l->bottom))
        lirs_s_drop(l, l->bottom);
}

/* lirs.c's prune_LIRS_stack: S over its bound loses its lowest HIR entry. */
static void lirs_bound(lirs_state_t *l)
{
    if (l->ns <= l->smax)
        return;
    uint32_t id = l->bottom;
    while (id != LIRS_NONE && lirs_is_lir(l, id))
        id = *lirs_up(l, id);
    if (id != LIRS_NONE) {
        lirs_s_drop(l, id);
        l->pruned_size++;
    }
}

/* The page in pfn, a HIR page in S (resident, or just loaded for a non-resident entry),
 * now on top of S, becomes LIR; over Llirs, the bottom LIR page becomes HIR at Q's end. */
static void lirs_promote(lirs_state_t *l, pfn_t pfn)
{
    l->fl[pfn] |= F_LIR;
    l->nlir++;
    if (l->nlir > l->llirs) {
        uint32_t b = l->bottom;
        assert(lirs_is_lir(l, b) && b != pfn);
        lirs_s_unlink(l, b);
        l->fl[b] = (uint8_t)((l->fl[b] & ~(F_LIR | F_INS)));
        l->nlir--;
        repl_ring_push_tail(&l->q, b);
        lirs_prune(l);
    }
}

static void lirs_destroy(void *state)
{
    lirs_state_t *l = state;
    if (!l)
        return;
    free(l->up);
    free(l->down);
    free(l->fl);
    repl_ring_free(&l->q);
    free(l->g_key);
    free(l->g_up);
    free(l->g_down);
    free(l);
}

static int lirs_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"hir", NULL};
    double hir;
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (spec_real(params, "hir", 0.01, &hir, err))
        return -1;
    if (!(hir > 0 && hir < 1))
        return sim_err_set(err, SIM_EINPUT, "hir must be in (0, 1), not %g", hir);
    lirs_state_t *l = calloc(1, sizeof *l);
    if (!l)
        return repl_create_nomem(env, err);
    uint32_t nf = env->nframes;
    l->env = env;
    l->nf = nf;
    uint64_t lh = (uint64_t)(hir * nf);
    if (lh < 2)
        lh = 2;
    if (lh > (nf > 1 ? nf - 1 : 1))
        lh = nf > 1 ? nf - 1 : 1;
    l->lhirs = (uint32_t)lh;
    l->llirs = nf - l->lhirs;
    l->smax = (uint64_t)LIRS_SMAX_FACTOR * nf;
    l->top = l->bottom = LIRS_NONE;
    l->last = PFN_NONE;
    l->pend_slot = LIRS_NONE;
    l->up = repl_pfn_array(nf);
    l->down = repl_pfn_array(nf);
    l->fl = calloc(nf ? nf : 1, 1);
    l->g_cap = nf < 64 ? 64 : nf;
    l->g_key = malloc((size_t)l->g_cap * sizeof *l->g_key);
    l->g_up = malloc((size_t)l->g_cap * sizeof *l->g_up);
    l->g_down = malloc((size_t)l->g_cap * sizeof *l->g_down);
    int bad = repl_ring_init(&l->q, nf);
    if (bad || !l->up || !l->down || !l->fl || !l->g_key || !l->g_up || !l->g_down) {
        lirs_destroy(l);
        return repl_create_nomem(env, err);
    }
    l->g_free = LIRS_NONE;
    for (uint32_t i = l->g_cap; i-- > 0;) {
        l->g_up[i] = LIRS_FREE;
        l->g_down[i] = l->g_free;
        l->g_free = i;
    }
    *state = l;
    return 0;
}

static void lirs_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lirs_state_t *l = state;
    (void)ref;
    if (pfn == l->last)
        return;                        /* an immediately repeated reference */
    l->last = pfn;
    uint8_t f = l->fl[pfn];
    if (f & F_LIR) {
        int was_bottom = l->bottom == pfn;
        lirs_s_unlink(l, pfn);
        lirs_s_push_top(l, pfn);
        if (was_bottom)
            lirs_prune(l);
        return;                        /* S did not grow: no bound to apply */
    }
    repl_ring_unlink(&l->q, pfn);
    if (f & F_INS) {                   /* its IRR beats the bottom LIR page's recency */
        lirs_s_unlink(l, pfn);
        lirs_s_push_top(l, pfn);
        lirs_promote(l, pfn);
    } else {                           /* stays HIR, at Q's end */
        repl_ring_push_tail(&l->q, pfn);
        lirs_s_push_top(l, pfn);
        l->fl[pfn] |= F_INS;
        lirs_prune(l);                 /* S had no LIR page (Llirs = 0, or after unmaps) */
    }
    lirs_bound(l);
}

static void lirs_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                         const uint64_t *shadow)
{
    lirs_state_t *l = state;
    (void)ref;
    l->pend_key = page->key;
    l->pend_slot = LIRS_NONE;
    if (shadow && *shadow < l->g_cap) {
        uint32_t s = (uint32_t)*shadow;
        if (l->g_up[s] != LIRS_FREE && l->g_key[s] == page->key)
            l->pend_slot = s;
    }
}

static pfn_t lirs_select_victim(void *state, const repl_req_t *req)
{
    lirs_state_t *l = state;
    pfn_t p = repl_ring_first(&l->q, l->env, req, 0);
    if (p != PFN_NONE)
        return p;
    /* No resident HIR page allowed (a local request, or Q emptied by unmaps): the lowest
     * allowed LIR page in S. */
    for (uint32_t id = l->bottom; id != LIRS_NONE; id = *lirs_up(l, id))
        if (lirs_is_lir(l, id) && repl_req_allows(l->env, req, id))
            return id;
    assert(!"lirs: no victim");
    return l->q.head;
}

static int lirs_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    lirs_state_t *l = state;
    uint8_t f = l->fl[pfn];
    int rc = 0;
    if (l->last == pfn)
        l->last = PFN_NONE;
    if (f & F_LIR) {
        int was_bottom = l->bottom == pfn;
        lirs_s_unlink(l, pfn);
        l->nlir--;
        if (was_bottom)
            lirs_prune(l);
    } else {
        repl_ring_unlink(&l->q, pfn);
        if (f & F_INS) {
            uint32_t s = shadow && (why == REPL_EVICT || why == REPL_RELEASE)
                         ? lirs_g_alloc(l) : LIRS_NONE;
            if (s != LIRS_NONE) {
                l->g_key[s] = l->env->frame_key(l->env->eng, pfn);
                lirs_s_replace(l, pfn, l->nf + s);
                *shadow = s;
                rc = 1;
            } else {
                lirs_s_unlink(l, pfn);   /* never the bottom: that is an LIR page */
            }
        }
    }
    l->fl[pfn] = 0;
    return rc;
}

static void lirs_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    lirs_state_t *l = state;
    (void)ref;
    uint32_t s = l->pend_slot;
    l->pend_slot = LIRS_NONE;
    if (s != LIRS_NONE && (l->pend_key != page->key || l->g_up[s] == LIRS_FREE ||
                           l->g_key[s] != page->key))
        s = LIRS_NONE;                 /* not this page's entry, or pruned since on_miss */
    l->last = pfn;
    l->fl[pfn] = F_RES | F_INS;
    if (s != LIRS_NONE) {              /* a non-resident HIR page in S: it becomes LIR */
        l->ghost_hits++;
        lirs_s_unlink(l, l->nf + s);
        lirs_g_release(l, s);
        lirs_s_push_top(l, pfn);
        lirs_promote(l, pfn);
    } else if (l->nlir < l->llirs) {   /* warming up: LIR */
        lirs_s_push_top(l, pfn);
        l->fl[pfn] |= F_LIR;
        l->nlir++;
    } else {
        lirs_s_push_top(l, pfn);
        repl_ring_push_tail(&l->q, pfn);
        lirs_prune(l);
    }
    lirs_bound(l);
}

/* S: links, members (resident entries flagged F_INS, non-resident ones live), its LIR pages
 * all of them, bottom LIR, within its bound; Q exactly the resident HIR pages; the pool. */
static int lirs_check(void *state, const uint8_t *resident)
{
    lirs_state_t *l = state;
    uint64_t n = 0, nres = 0, nghost = 0;
    uint32_t nlir = 0, prev = LIRS_NONE;
    for (uint32_t id = l->top; id != LIRS_NONE; id = *lirs_down(l, id)) {
        if (id >= l->nf + l->g_cap || *lirs_up(l, id) != prev || ++n > l->ns)
            return -1;
        if (id < l->nf) {
            if (!(l->fl[id] & F_RES) || !(l->fl[id] & F_INS) || !repl_bit(resident, id))
                return -1;
            nlir += (l->fl[id] & F_LIR) != 0;
            nres++;
        } else {
            if (l->g_up[id - l->nf] == LIRS_FREE)
                return -1;
            nghost++;
        }
        prev = id;
    }
    if (prev != l->bottom || n != l->ns || n > l->smax || nghost != l->g_n)
        return -1;
    if (n && !lirs_is_lir(l, l->bottom))
        return -1;
    if (nlir != l->nlir || nlir > l->llirs)
        return -1;
    uint8_t *hir = calloc((l->nf + 7) / 8, 1);
    if (!hir)
        return -1;
    uint64_t ins = 0;
    int rc = 0;
    for (pfn_t p = 0; p < l->nf && !rc; p++) {
        uint8_t f = l->fl[p];
        if (((f & F_RES) != 0) != repl_bit(resident, p) || (!(f & F_RES) && f))
            rc = -1;
        if ((f & F_LIR) && !(f & F_INS))
            rc = -1;
        ins += (f & F_INS) != 0;
        if ((f & F_RES) && !(f & F_LIR))
            hir[p >> 3] |= (uint8_t)(1u << (p & 7));
    }
    if (!rc && (ins != nres || repl_ring_check(&l->q, hir)))
        rc = -1;
    free(hir);
    uint64_t nfree = 0;
    for (uint32_t s = l->g_free; !rc && s != LIRS_NONE; s = l->g_down[s])
        if (s >= l->g_cap || l->g_up[s] != LIRS_FREE || ++nfree > l->g_cap)
            rc = -1;
    if (!rc && nfree + l->g_n != l->g_cap)
        rc = -1;
    return rc;
}

static void lirs_stats(void *state, json_t *obj)
{
    lirs_state_t *l = state;
    json_object_set_new(obj, "llirs", json_integer(l->llirs));
    json_object_set_new(obj, "lhirs", json_integer(l->lhirs));
    json_object_set_new(obj, "lir", json_integer(l->nlir));
    json_object_set_new(obj, "hir_resident", json_integer(l->q.n));
    json_object_set_new(obj, "nonresident", json_integer(l->g_n));
    json_object_set_new(obj, "stack", json_integer((json_int_t)l->ns));
    json_object_set_new(obj, "ghost_hits", json_integer((json_int_t)l->ghost_hits));
    json_object_set_new(obj, "pruned_by_bound", json_integer((json_int_t)l->pruned_size));
}

/* Explain mode (repl.h): the stack S from its bottom up, each entry ":L" (an LIR page), ":H"
 * (a resident HIR page) or a non-resident HIR page, then the queue Q of resident HIR pages,
 * its front (the next victim) first. */
static void lirs_explain(void *state, repl_explain_t *x)
{
    lirs_state_t *l = state;
    x->begin(x, "S");
    for (uint32_t id = l->bottom; id != LIRS_NONE; id = *lirs_up(l, id)) {
        if (id < l->nf)
            x->frame(x, id, NULL, l->fl[id] & F_LIR ? ":L" : ":H");
        else
            x->ghost(x, l->g_key[id - l->nf], NULL, NULL);
    }
    x->end(x);
    repl_explain_ring(x, "Q", &l->q, PFN_NONE, 0, PFN_NONE, NULL, NULL);
}

const repl_ops_t repl_lirs = {
    .name = "lirs",
    .version = REPL_VERSION,
    .summary = "LIRS: LIR pages by inter-reference recency, stack S and HIR queue Q (sees every reference)",
    .paper = "Jiang, Zhang, \"LIRS: An Efficient Low Inter-reference Recency Set Replacement Policy to Improve Buffer Cache Performance\", SIGMETRICS 2002",
    .params = "hir=0.01",
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT,
    .create = lirs_create,
    .destroy = lirs_destroy,
    .on_hit = lirs_on_hit,
    .on_miss = lirs_on_miss,
    .select_victim = lirs_select_victim,
    .on_insert = lirs_on_insert,
    .on_remove = lirs_on_remove,
    .check = lirs_check,
    .stats = lirs_stats,
    .explain = lirs_explain,
};
