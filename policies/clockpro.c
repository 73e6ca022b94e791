/* clockpro.c - CLOCK-Pro: LIRS's hot/cold distinction on one clock, seeing only R bits.
 *
 * Jiang, Chen & Zhang, "CLOCK-Pro: An Effective Improvement of the CLOCK Replacement",
 * USENIX Annual Technical Conference 2005, sections 3 and 4. Resident hot pages, resident
 * cold pages and non-resident cold pages in their test period sit on one circular list in
 * the order of their (last seen) accesses; the list head, where pages enter, is the node
 * linked last: a fixed place on the ring that all three hands move towards (the authors'
 * clock_head in their simulator, Caffeine's listHead), not a place defined by a hand. A cold page is in its test period from its (re)entry until the list's hot pages
 * are all more recent (HANDhot passes it) or HANDtest terminates it; referenced in that
 * period, its reuse distance beats the oldest hot page's and it becomes hot. Three hands
 * move the same way round the clock:
 *  - HANDcold (at a fault, for a frame) looks only at resident cold pages: R = 0: the
 *    victim; it stays as a non-resident page if in its test period, else leaves the clock.
 *    R = 1 in its test period: it becomes hot (R cleared, moved to the list head; mc + 1;
 *    HANDhot runs while the hot pages exceed m - mc). R = 1 otherwise: R cleared, moved to
 *    the list head, a new test period. The hand stops past the victim.
 *  - HANDhot (when the hot pages exceed mh = m - mc) moves hot pages with R = 1 to the
 *    list head, clearing R; the first hot page with R = 0 becomes cold (no test period), is
 *    moved to the list head too, and the hand stops past it (the authors' run_HAND_hot and
 *    Caffeine's runHandHot both move every hot page they pass to the head). Every cold page it passes ends its test period (mc - 1) and, if non-resident,
 *    leaves the clock (the work of HANDtest).
 *  - HANDtest (when the non-resident pages exceed m) ends the test period of cold pages it
 *    meets (mc - 1), removing non-resident ones, until at most m are left; it skips hot
 *    pages.
 * A fault on a page not in the clock: a cold page in its test period at the list head. A
 * fault on a non-resident page in the clock (a ghost hit, still a fault): it becomes hot at
 * the list head (mc + 1) and HANDhot runs. Adaptation (section 4.3): mc + 1 when a cold page
 * is re-accessed in its test period, mc - 1 when a test period ends without one.
 *
 * Conventions where the paper is open (stated here; the authors' simulator was not
 * available to us, libCacheSim's ClockPro differs in its hand and size bookkeeping, so these
 * follow the paper's text):
 *  - m is the frame count. mc starts at m - 1, as pyclockpro and libCacheSim's ClockPro
 *    start with the whole cache cold (init-ratio-cold=1), and stays in [max(2, m/100),
 *    m - 1] (clamped to 1 with one or two frames): at least one resident page is cold, and
 *    the floor is LIRS's Lhirs, the fixed cold allocation CLOCK-Pro makes adaptive. The
 *    paper gives no floor; with a floor of 1 the adaptation drives mc to a handful of
 *    pages on the ARC paper's OLTP trace (8 of 5000) and CLOCK-Pro falls below CLOCK there
 *    (51.16% against 52.88% at 5000 frames); with this floor it stays between CLOCK and a
 *    little above LIRS at every size of Table IV.
 *  - A hand that ends the test period of a resident cold page reads its R bit first: set,
 *    the page was re-accessed in its test period, so the period does not end "without a
 *    re-access" (no mc - 1); the bit is kept (S_REF) for HANDcold, which promotes it.
 *  - R bits: the engine sets R on the loading reference; on_insert clears it (libCacheSim's
 *    init-ref=0): a page's first reference does not count as a re-access in its test period.
 *  - A demoted hot page becomes cold without a test period (its R bit was clear: it was not
 *    re-accessed), as LIRS's demoted LIR page is a HIR page out of stack S.
 *  - The non-resident count is bounded by m (the paper; the pool holds m + 1 entries for the
 *    moment between an eviction and HANDtest's run). The engine's shadow store (config
 *    `shadows`, default 2 per frame) holds them all.
 *  - Not in the paper (no VM there): an unmapped or COW-replaced page leaves the clock with
 *    no trace; a local request makes HANDcold pass over other processes' pages untouched and
 *    take the process's first cold page with R = 0, else (after two turns) its first
 *    resident page from the hand.
 *
 * Measured against CLOCK (issue 14, scripts/validate), before the list-head fix below: on the
 * ARC paper's P12 trace CLOCK-Pro was below CLOCK up to 8192 frames (1.52% hits against
 * 4.10% at 1024). The adaptation, as the paper states it, pins mc: at 1024 frames 12.09 M test periods end without a re-access
 * against 0.54 M promotions, so mc sits at its floor (10) and CLOCK-Pro behaves as LIRS with
 * a 1% cold allocation (lirs gives 0.40%; P12 is kind to recency: even lirs:hir=0.5 gives
 * 3.61%, below LRU's 4.08%). Variants tried there, none moving 1024 frames by more than 0.06
 * points: HANDhot carrying HANDcold and HANDtest along when it passes them (pyclockpro's
 * hand order), the paper's literal "no status change" for a referenced cold page out of its
 * test period, ending (not keeping) the test period of a referenced resident cold page, and
 * keeping the faulting page's non-resident entry from expiring between on_miss and on_insert
 * (162 of 375 k ghost hits were lost so). On OLTP it is above both CLOCK and LIRS at every
 * size.
 *
 * The authors' simulator (clock-pro.c, Song Jiang, 9/29/05, with clock-pro.h; a copy is in
 * the code corpus and Caffeine's ClockProTest2Policy ports it) differs from the paper's text
 * in the points that matter here (first read, then run as below): (1) it ships
 * with ADAPTIVE_COLD_ALLOC off and a fixed cold band of 5% of memory (MIN = MAX = 5.0, at
 * least 2), the non-resident bound = memory size; (2) adaptive, it counts only non-resident
 * events: +1 (ColdIncreaseCredits) when a non-resident page in its test period refaults, -1
 * when HANDtest (or HANDhot via HANDtest) removes a non-resident test page; the end of a
 * resident cold page's test period changes nothing; (3) every refault runs HANDhot for one
 * demotion per promotion (the hot count stays put) and the credits are spent lazily, only
 * when HANDcold meets a referenced cold page in its test period (credit < 0: promote without
 * demotion; > 0: demote without promotion); (4) HANDcold evicts a referenced cold page that
 * is not in its test period; (5) the first m - MIN misses fill the clock with hot pages.
 * Measured here before the fix below (P12 1024 / 8192 frames, OLTP 1000 / 5000, hit %):
 * point (2) alone gives 1.22 / 5.07, 35.16 / 53.10 against 1.52 / 5.62, 35.23 / 53.29 (not
 * adopted). A floor on mc of 5% / 25% / 50% / 99% of m gave 1.77 / 2.98 / 3.51 / 3.04 at P12
 * 1024 (CLOCK 4.10, CLOCK with ref_on_load=0 4.04, LRU 4.08): with the cold allocation held
 * at 99% CLOCK-Pro must degenerate to CLOCK, and it stayed a point below. The cause: the
 * list head was "just behind HANDhot", and HANDhot, with few hot pages, runs far ahead and
 * past HANDcold, so a page entering or given its second chance could land just in front of
 * HANDcold and be its next victim. Fixed (the head is the fixed place above, and HANDhot
 * moves the hot pages it passes there, as both references do): the 99% floor now gives 4.03
 * at P12 1024, CLOCK's figure; tests/test_lirs.c's golden (8 faults, 9 before) pins it. With
 * the paper's floor the adaptation still pins mc on P12 at small sizes (1.59 at 1024).
 * Since run (issue 14): the authors' simulator, its logic transcribed into a scratch
 * directory and fed the same P12 stream, gives 0.65 / 1.34 / 3.32 / 5.96 at 1024..8192
 * frames as shipped (fixed 5% cold) and 0.42 / 0.91 / 1.87 / 4.02 with ADAPTIVE_COLD_ALLOC
 * (band 1%..99%; its cold allocation ends at the floor, 12.08 M non-resident test periods
 * expired against 0.53 M refault promotions); OLTP 1000 / 5000: 37.77 / 54.35 and 34.97 /
 * 52.94. So CLOCK-Pro itself is below CLOCK on P12 at small sizes; this file's figures
 * (1.59 / 2.32 / 3.38 / 5.66; OLTP 35.24 / 53.29) are no bug of its own.
 *
 * State: nodes 0..nframes-1 are frames, nframes.. the non-resident slots (a slot is the
 * page's shadow); per node next/prev (8 bytes) and a status byte, per slot a key (8 bytes):
 * about 26 bytes per frame, allocated once. Costs: on_insert, on_remove O(1) amortised
 * (HANDtest); select_victim O(1) amortised: every step of a hand clears an R bit, ends a
 * test period or removes a non-resident page, each paid for by a reference or an insertion
 * (local requests: O(frames)). Sees R bits only (on_hit NULL).
 */
#include "repl_create.h"
#include "repl_explain.h"

#define CP_NONE UINT32_MAX

enum { S_RES = 1, S_HOT = 2, S_TEST = 4, S_LIVE = 8, S_REF = 16 };
/* S_LIVE: a used node; S_REF: an R bit a hand read (and so cleared) without acting on it */

typedef struct cp_state {
    const repl_env_t *env;
    int (*test_clear_ref)(void *eng, pfn_t pfn);
    void *eng;
    uint32_t m, nn;                  /* frames; nodes = m + slots */
    uint32_t *next, *prev;           /* by node */
    uint8_t *st;                     /* by node */
    page_key_t *key;                 /* by slot (node - m) */
    uint32_t gfree, gcap;            /* free slots linked through next */
    uint32_t hand_hot, hand_cold, hand_test;
    uint32_t last;                   /* the node linked most recently: the list head */
    uint32_t nhot, ncold, nnonres;   /* resident hot, resident cold, non-resident */
    uint32_t mc, mc_min, mc_max;
    uint32_t pend_slot;              /* the non-resident node on_miss found */
    page_key_t pend_key;
    uint64_t ghost_hits, promotions, demotions, test_expired;
} cp_state_t;

static inline int cp_ref(cp_state_t *c, uint32_t n)
{
    int r = c->test_clear_ref(c->eng, n) || (c->st[n] & S_REF);
    c->st[n] &= (uint8_t)~S_REF;
    return r;
}

static void cp_mc_inc(cp_state_t *c)
{
    if (c->mc < c->mc_max)
        c->mc++;
}

static void cp_mc_dec(cp_state_t *c)
{
    if (c->mc > c->mc_min)
        c->mc--;
}

/* Unlinks n from the clock; hands on it move to its successor (none if it was alone). */
static void cp_unlink(cp_state_t *c, uint32_t n)
{
    uint32_t nx = c->next[n], pv = c->prev[n];
    if (nx == n) {
        c->hand_hot = c->hand_cold = c->hand_test = c->last = CP_NONE;
    } else {
        if (c->last == n)
            c->last = pv;
        c->next[pv] = nx;
        c->prev[nx] = pv;
        if (c->hand_hot == n)
            c->hand_hot = nx;
        if (c->hand_cold == n)
            c->hand_cold = nx;
        if (c->hand_test == n)
            c->hand_test = nx;
    }
    c->next[n] = c->prev[n] = CP_NONE;
}

/* Links n at the list head: just after the node linked before it, a fixed place on the
 * ring that the hands move towards (as the authors' clock_head and Caffeine's listHead), not
 * a place behind HANDhot, which jumps when HANDhot runs past the other hands. */
static void cp_push_head(cp_state_t *c, uint32_t n)
{
    if (c->hand_hot == CP_NONE) {
        c->next[n] = c->prev[n] = n;
        c->hand_hot = c->hand_cold = c->hand_test = c->last = n;
        return;
    }
    uint32_t t = c->last, h = c->next[t];
    c->last = n;
    c->next[n] = h;
    c->prev[n] = t;
    c->next[t] = n;
    c->prev[h] = n;
}

static void cp_move_head(cp_state_t *c, uint32_t n)
{
    cp_unlink(c, n);
    cp_push_head(c, n);
}

/* A non-resident node leaves the clock; its slot is free again. */
static void cp_drop_nonres(cp_state_t *c, uint32_t n)
{
    cp_unlink(c, n);
    c->st[n] = 0;
    c->nnonres--;
    c->next[n] = c->gfree;
    c->gfree = n;
}

/* The test period of cold node n ends without a re-access. */
static void cp_end_test(cp_state_t *c, uint32_t n)
{
    if (!(c->st[n] & S_TEST))
        return;
    if ((c->st[n] & S_RES) && cp_ref(c, n)) {
        c->st[n] |= S_REF;           /* re-accessed in its test period: HANDcold promotes it */
        return;
    }
    c->test_expired++;
    cp_mc_dec(c);
    if (c->st[n] & S_RES)
        c->st[n] &= (uint8_t)~S_TEST;
    else
        cp_drop_nonres(c, n);
}

/* HANDhot: turns one hot page into a cold one. There is a hot page (nhot >= 1). */
static void cp_run_hot(cp_state_t *c)
{
    for (;;) {
        uint32_t n = c->hand_hot;
        uint8_t s = c->st[n];
        if (s & S_HOT) {
            int r = cp_ref(c, n);
            cp_move_head(c, n);              /* moves HANDhot on */
            if (!r) {
                c->st[n] = S_LIVE | S_RES;   /* cold, no test period */
                c->nhot--;
                c->ncold++;
                c->demotions++;
                return;
            }
        } else if (s & S_TEST) {
            if (s & S_RES)
                c->hand_hot = c->next[n];
            cp_end_test(c, n);               /* a non-resident node leaves; hands move on */
        } else {
            c->hand_hot = c->next[n];
        }
    }
}

/* HANDtest: at most m non-resident pages. */
static void cp_run_test(cp_state_t *c)
{
    while (c->nnonres > c->m) {
        uint32_t n = c->hand_test;
        uint8_t s = c->st[n];
        if (!(s & S_HOT) && (s & S_TEST)) {
            if (s & S_RES)
                c->hand_test = c->next[n];
            cp_end_test(c, n);
        } else {
            c->hand_test = c->next[n];
        }
    }
}

/* The page in frame n (cold) becomes hot at the list head; mc + 1 (re-accessed in its test
 * period); HANDhot runs while the hot pages exceed m - mc. */
static void cp_promote(cp_state_t *c, uint32_t n)
{
    cp_mc_inc(c);
    c->st[n] = S_LIVE | S_RES | S_HOT;
    c->nhot++;
    c->promotions++;
    cp_move_head(c, n);
    while (c->nhot > c->m - c->mc)
        cp_run_hot(c);
}

static void cp_destroy(void *state)
{
    cp_state_t *c = state;
    if (!c)
        return;
    free(c->next);
    free(c->prev);
    free(c->st);
    free(c->key);
    free(c);
}

static int cp_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const none[] = {NULL};
    *state = NULL;
    if (repl_create_check(env, params, none, err))
        return -1;
    assert(env->test_clear_ref);
    cp_state_t *c = calloc(1, sizeof *c);
    if (!c)
        return repl_create_nomem(env, err);
    c->env = env;
    c->test_clear_ref = env->test_clear_ref;
    c->eng = env->eng;
    c->m = env->nframes;
    c->gcap = c->m + 1;
    c->nn = c->m + c->gcap;
    c->next = malloc((size_t)c->nn * sizeof *c->next);
    c->prev = malloc((size_t)c->nn * sizeof *c->prev);
    c->st = calloc(c->nn, 1);
    c->key = malloc((size_t)c->gcap * sizeof *c->key);
    if (!c->next || !c->prev || !c->st || !c->key) {
        cp_destroy(c);
        return repl_create_nomem(env, err);
    }
    for (uint32_t n = 0; n < c->nn; n++)
        c->next[n] = c->prev[n] = CP_NONE;
    c->gfree = CP_NONE;
    for (uint32_t n = c->nn; n-- > c->m;) {
        c->next[n] = c->gfree;
        c->gfree = n;
    }
    c->hand_hot = c->hand_cold = c->hand_test = c->last = CP_NONE;
    c->mc_max = c->m > 1 ? c->m - 1 : 1;
    c->mc_min = c->m / 100 > 2 ? c->m / 100 : 2;     /* max(2, 1% of m), as LIRS's Lhirs */
    if (c->mc_min > c->mc_max)
        c->mc_min = c->mc_max;
    c->mc = c->mc_max;
    c->pend_slot = CP_NONE;
    *state = c;
    return 0;
}

static void cp_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                       const uint64_t *shadow)
{
    cp_state_t *c = state;
    (void)ref;
    c->pend_slot = CP_NONE;
    c->pend_key = page->key;
    if (shadow && *shadow < c->gcap) {
        uint32_t n = c->m + (uint32_t)*shadow;
        if ((c->st[n] & S_LIVE) && c->key[n - c->m] == page->key)
            c->pend_slot = n;
    }
}

static pfn_t cp_select_victim(void *state, const repl_req_t *req)
{
    cp_state_t *c = state;
    uint32_t total = c->nhot + c->ncold + c->nnonres;
    assert(c->ncold + c->nhot > 0);
    /* Global: terminates (the module comment). Local: bounded by a few turns. */
    for (uint64_t steps = 0; !req->local || steps <= 4 * (uint64_t)total + 4; steps++) {
        if (c->ncold == 0)
            cp_run_hot(c);           /* frames in I/O left only hot pages tracked */
        uint32_t n = c->hand_cold;
        uint8_t s = c->st[n];
        if ((s & S_RES) && !(s & S_HOT) && repl_req_allows(c->env, req, n)) {
            if (!cp_ref(c, n)) {
                c->hand_cold = c->next[n];
                return n;            /* on_remove makes it non-resident or drops it */
            }
            if (s & S_TEST) {
                c->ncold--;
                cp_promote(c, n);    /* moves it behind HANDhot; HANDcold moved on */
            } else {
                c->st[n] |= S_TEST;  /* a new test period, at the list head */
                cp_move_head(c, n);
            }
            continue;
        }
        c->hand_cold = c->next[n];
    }
    /* A local request whose process holds no cold page it may lose: its first resident
     * page from the hand. */
    uint32_t n = c->hand_cold;
    for (uint32_t i = 0; i <= total; i++, n = c->next[n])
        if ((c->st[n] & S_RES) && repl_req_allows(c->env, req, n))
            return n;
    assert(!"clockpro: no victim");
    return c->hand_cold;
}

static int cp_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    cp_state_t *c = state;
    uint8_t s = c->st[pfn];
    if (s & S_HOT)
        c->nhot--;
    else
        c->ncold--;
    int keep = !(s & S_HOT) && (s & S_TEST) && shadow && c->gfree != CP_NONE &&
               (why == REPL_EVICT || why == REPL_RELEASE);
    if (!keep) {
        cp_unlink(c, pfn);
        c->st[pfn] = 0;
        return 0;
    }
    /* It stays on the clock, non-resident, in its place and in its test period. */
    uint32_t g = c->gfree;
    c->gfree = c->next[g];
    c->key[g - c->m] = c->env->frame_key(c->env->eng, pfn);
    uint32_t nx = c->next[pfn], pv = c->prev[pfn];
    if (nx == pfn) {
        c->next[g] = c->prev[g] = g;
    } else {
        c->next[g] = nx;
        c->prev[g] = pv;
        c->next[pv] = g;
        c->prev[nx] = g;
    }
    if (c->hand_hot == pfn)
        c->hand_hot = g;
    if (c->hand_cold == pfn)
        c->hand_cold = g;
    if (c->hand_test == pfn)
        c->hand_test = g;
    if (c->last == pfn)
        c->last = g;
    c->next[pfn] = c->prev[pfn] = CP_NONE;
    c->st[pfn] = 0;
    c->st[g] = S_LIVE | S_TEST;
    c->nnonres++;
    *shadow = g - c->m;
    cp_run_test(c);
    return 1;
}

static void cp_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    cp_state_t *c = state;
    (void)ref;
    uint32_t g = c->pend_slot;
    c->pend_slot = CP_NONE;
    if (g != CP_NONE && (c->pend_key != page->key || !(c->st[g] & S_LIVE) ||
                         c->key[g - c->m] != page->key))
        g = CP_NONE;                 /* not this page's, or its test ended since on_miss */
    (void)cp_ref(c, pfn);            /* the loading reference is no re-access */
    if (g != CP_NONE) {              /* re-accessed in its test period: hot */
        c->ghost_hits++;
        cp_drop_nonres(c, g);
        c->st[pfn] = S_LIVE | S_RES;
        cp_push_head(c, pfn);
        cp_promote(c, pfn);
    } else {
        c->st[pfn] = S_LIVE | S_RES | S_TEST;
        c->ncold++;
        cp_push_head(c, pfn);
    }
}

/* The clock: links, every node once, counts by status, hands on it, the resident frames
 * exactly the engine's, the bounds (non-resident <= m, hot <= m - mc), the free slots. */
static int cp_check(void *state, const uint8_t *resident)
{
    cp_state_t *c = state;
    uint32_t total = c->nhot + c->ncold + c->nnonres;
    uint32_t hot = 0, cold = 0, nonres = 0, seen = 0;
    int hh = 0, hc = 0, ht = 0;
    if ((c->hand_hot == CP_NONE) != (total == 0))
        return -1;
    if (total) {
        uint32_t n = c->hand_hot;
        do {
            if (n >= c->nn || c->prev[c->next[n]] != n || !(c->st[n] & S_LIVE) || ++seen > total)
                return -1;
            uint8_t s = c->st[n];
            if ((n < c->m) != ((s & S_RES) != 0))
                return -1;
            if (s & S_RES) {
                if (!repl_bit(resident, n))
                    return -1;
                if (s & S_HOT) {
                    if (s & S_TEST)
                        return -1;
                    hot++;
                } else {
                    cold++;
                }
            } else {
                if ((s & (S_HOT | S_TEST)) != S_TEST)
                    return -1;
                nonres++;
            }
            hh |= n == c->hand_hot;
            hc |= n == c->hand_cold;
            ht |= n == c->hand_test;
            n = c->next[n];
        } while (n != c->hand_hot);
        if (seen != total || !hh || !hc || !ht)
            return -1;
    }
    if (hot != c->nhot || cold != c->ncold || nonres != c->nnonres)
        return -1;
    for (pfn_t p = 0; p < c->m; p++)
        if (repl_bit(resident, p) != ((c->st[p] & S_RES) != 0))
            return -1;
    if (c->nnonres > c->m || c->mc < c->mc_min || c->mc > c->mc_max || c->nhot > c->m - c->mc)
        return -1;
    uint32_t nfree = 0;
    for (uint32_t g = c->gfree; g != CP_NONE; g = c->next[g])
        if (g < c->m || g >= c->nn || c->st[g] || ++nfree > c->gcap)
            return -1;
    return nfree + c->nnonres == c->gcap ? 0 : -1;
}

static void cp_stats(void *state, json_t *obj)
{
    cp_state_t *c = state;
    json_object_set_new(obj, "hot", json_integer(c->nhot));
    json_object_set_new(obj, "cold", json_integer(c->ncold));
    json_object_set_new(obj, "nonresident", json_integer(c->nnonres));
    json_object_set_new(obj, "mc", json_integer(c->mc));
    json_object_set_new(obj, "ghost_hits", json_integer((json_int_t)c->ghost_hits));
    json_object_set_new(obj, "promotions", json_integer((json_int_t)c->promotions));
    json_object_set_new(obj, "demotions", json_integer((json_int_t)c->demotions));
    json_object_set_new(obj, "test_expired", json_integer((json_int_t)c->test_expired));
}

/* Explain mode (repl.h): the one clock from HANDcold round, each page ":h" (hot), ":c" (cold),
 * ":ct" (cold in its test period) or ":t" (non-resident, in its test period), "*" a set R
 * bit; the hands marked before their page, "C>" cold, "H>" hot, "T>" test; then m_c. */
static void cp_explain(void *state, repl_explain_t *x)
{
    const cp_state_t *c = state;
    x->begin(x, "clock");
    uint32_t n = c->hand_cold;
    for (uint32_t i = 0; n != CP_NONE && i < c->nn; i++) {
        char pre[8], post[8];
        snprintf(pre, sizeof pre, "%s%s%s", n == c->hand_cold ? "C>" : "", n == c->hand_hot ? "H>" : "",
                 n == c->hand_test ? "T>" : "");
        uint8_t st = c->st[n];
        int res = n < c->m && (st & S_RES);
        int ref = (st & S_REF) || (res && x->referenced(x, n));
        snprintf(post, sizeof post, ":%s%s", st & S_HOT ? "h" : !res ? "t" : st & S_TEST ? "ct" : "c",
                 ref ? "*" : "");
        if (res)
            x->frame(x, n, pre, post);
        else
            x->ghost(x, c->key[n - c->m], pre, post);
        n = c->next[n];
        if (n == c->hand_cold)
            break;
    }
    x->end(x);
    x->text(x, "m_c=%u", c->mc);
}

const repl_ops_t repl_clockpro = {
    .name = "clockpro",
    .version = REPL_VERSION,
    .summary = "CLOCK-Pro: hot, cold and test pages on one clock, three hands, adaptive cold size (sees R bits)",
    .paper = "Jiang, Chen, Zhang, \"CLOCK-Pro: An Effective Improvement of the CLOCK Replacement\", USENIX ATC 2005",
    .params = NULL,
    .flags = 0,
    .create = cp_create,
    .destroy = cp_destroy,
    .on_hit = NULL,
    .on_miss = cp_on_miss,
    .select_victim = cp_select_victim,
    .on_insert = cp_on_insert,
    .on_remove = cp_on_remove,
    .check = cp_check,
    .stats = cp_stats,
    .explain = cp_explain,
};
