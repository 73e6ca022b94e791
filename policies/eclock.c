/* eclock.c - the enhanced second-chance (enhanced clock) algorithm: NRU's classes on a clock.
 *
 * Stallings, Operating Systems: Internals and Design Principles, 7th ed., §8.2 (the clock
 * policy with use and modify bits); also Silberschatz, Galvin, Gagne, Operating System
 * Concepts, 9th ed., §9.4.5.3, and Tanenbaum, Modern Operating Systems, 4th ed., §3.4.2
 * (NRU's classes). Each page is in a class (R, M): (0,0) not recently used, clean, the best
 * victim; (0,1) not recently used but dirty (costs a write-back); (1,0); (1,1). R is the
 * hardware referenced bit (env->test_clear_ref), M whether evicting the page would need a
 * write-back (env->is_dirty).
 *
 * Scan order: Stallings's, exactly. From the hand:
 *   1. one revolution looking for (0,0), changing no bit; the first found is the victim;
 *   2. else one revolution looking for (0,1), clearing the R bit of every page passed over;
 *      the first found is the victim;
 *   3. else (the hand is back where it started and every R is clear) repeat 1, then 2.
 * So at most four revolutions. (Silberschatz states the classes and "the first page in the
 * lowest nonempty class" without a scan order; this is the order that phrase needs.) As in
 * clock.c, a new page goes just behind the hand, after an eviction the hand is on the
 * victim's successor, and a page starts referenced (its loading reference set R).
 *
 * Reading R without clearing it (pass 1 changes no bit) from an env that only tests and
 * clears: the policy keeps a software copy per frame, R(p) |= test_clear_ref(p) (EC_REF
 * below); clearing R clears the copy (the hardware bit was cleared when read). Exact: the
 * copy holds exactly the references since the last clearing.
 *
 * The convention followed is Stallings's four-pass scan above (Tanenbaum's NRU, §3.4.2, picks
 * a random page of the lowest class and has no hand; his clock, §3.4.5, ignores M).
 *
 * Made O(1) amortised with the same victims (issue 14). Scanned literally, pass 1 changes no
 * bit, so a clock full of referenced or dirty pages is walked again at every fault: O(n) per
 * eviction. Two facts make most of that walk foreknown:
 *  - within one select_victim no reference happens, so every page's R and M are fixed, and
 *    R read early equals R read late (the software copy keeps what a read cleared);
 *  - a page's R, once read as 1, stays 1 until a pass-2 clearing, and its M, once read as 1,
 *    stays 1 until it is evicted: the engine sets dirty bits but never cleans a resident
 *    page (FR_DIRTY and PTE_DIRTY are only ever set; check() verifies it in paranoid runs).
 * So each page is in one of three states: S1 (R known 1), D (R known 0 at the last read or
 * clearing but M known 1) and U (R and M to be read). The (0,0) victim of passes 1 and 3 can
 * only be a U page: a second ring, `cand`, holds the U pages in the clock's own cyclic order,
 * its head the first U page at or after the hand. Pass 1 walks cand only: a page read as
 * referenced moves to S1, one read as dirty to D, the first clean unreferenced one is the
 * victim and the hand jumps to it (as the literal walk would leave it: the pages passed over
 * are unchanged). If pass 1 fails, cand is empty and every page is S1 or D, so pass 2's walk
 * of the main ring from the hand passes only referenced pages (an unreferenced one is in D,
 * dirty: the victim), clearing each into U (appended to cand in walk order, which keeps
 * cand's order: cand was empty) or D. Pass 3 is pass 1 again; if it fails every page is in D
 * and pass 4 takes the page under the hand. Amortised cost: each step of pass 2 consumes a
 * reference (the page's R was 1); each step of pass 1 moves a page out of U, and a page enters
 * U only at its insert or at a pass-2 clearing (one reference). So select_victim is O(1)
 * amortised, like CLOCK's; insert and remove O(1). tests/test_clocks.c compares the victims
 * with a literal O(n) transcription of the four passes on random strings with writes,
 * unmaps and local requests.
 *
 * Reads of R and M: each step one test_clear_ref and at most one is_dirty (O(mappings)).
 * Memory per frame: two rings' links (16 bytes) and one byte. Local replacement (req->local):
 * the literal four passes, over the process's frames only (other processes' bits are not
 * read or cleared), O(n); cand is then rebuilt from the hand, O(n).
 */
#include "repl_create.h"
#include "repl_explain.h"

enum { EC_REF = 1, EC_DIRTY = 2 };   /* st[p]: R known 1 (S1); M known 1 */

typedef struct eclock {
    repl_ring_t ring;            /* every tracked frame; head = the hand */
    repl_ring_t cand;            /* the U frames (st 0) in the clock's order; head = the first
                                    at or after the hand */
    uint8_t *st;                 /* by frame: EC_REF (the software copy of R), EC_DIRTY */
    const repl_env_t *env;
} eclock_t;

static void eclock_destroy(void *state)
{
    eclock_t *e = state;
    if (!e)
        return;
    repl_ring_free(&e->ring);
    repl_ring_free(&e->cand);
    free(e->st);
    free(e);
}

static int eclock_init(void *st, const repl_env_t *env)
{
    eclock_t *e = st;
    e->env = env;
    e->st = calloc(env->nframes ? env->nframes : 1, 1);
    int rc = repl_ring_init(&e->ring, env->nframes);
    rc |= repl_ring_init(&e->cand, env->nframes);
    return rc || !e->st ? -1 : 0;
}

static int eclock_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(eclock_t), eclock_init, eclock_destroy);
}

/* R of p (the software copy ORed with the hardware bit, which the read clears). */
static int eclock_r(eclock_t *e, pfn_t p)
{
    if (!(e->st[p] & EC_REF) && e->env->test_clear_ref(e->env->eng, p))
        e->st[p] |= EC_REF;
    return e->st[p] & EC_REF;
}

/* Clears R: the software copy and the hardware bit (set or not: a read that found the copy
 * set did not look at it). */
static void eclock_clear(eclock_t *e, pfn_t p)
{
    e->env->test_clear_ref(e->env->eng, p);
    e->st[p] &= (uint8_t)~EC_REF;
}

static int eclock_m(eclock_t *e, pfn_t p)
{
    if (!(e->st[p] & EC_DIRTY) && e->env->is_dirty(e->env->eng, p))
        e->st[p] |= EC_DIRTY;
    return (e->st[p] & EC_DIRTY) != 0;
}

/* Passes 1 and 3: the first U page from the hand that is clean and unreferenced, or
 * PFN_NONE with cand emptied (every page passed left U for S1 or D). */
static pfn_t eclock_seek_clean(eclock_t *e)
{
    while (e->cand.head != PFN_NONE) {
        pfn_t p = e->cand.head;
        if (!eclock_r(e, p) && !eclock_m(e, p)) {
            e->ring.head = p;                /* the hand stays; on_remove moves it past p */
            return p;
        }
        repl_ring_unlink(&e->cand, p);
    }
    return PFN_NONE;
}

/* Pass 2 (cand empty): from the hand, the first unreferenced page (dirty: it is in D),
 * clearing R of every page passed over, which joins cand (U) or stays in D. PFN_NONE after a
 * whole turn, the hand back where it was. */
static pfn_t eclock_seek_dirty(eclock_t *e)
{
    repl_ring_t *r = &e->ring;
    assert(e->cand.head == PFN_NONE);
    for (uint32_t i = 0; i < r->n; i++) {
        pfn_t p = r->head;
        if (!eclock_r(e, p)) {
            assert(e->st[p] & EC_DIRTY);
            return p;
        }
        eclock_clear(e, p);
        if (!(e->st[p] & EC_DIRTY))
            repl_ring_push_tail(&e->cand, p);
        r->head = r->next[p];
    }
    return PFN_NONE;
}

/* Local requests: Stallings's four passes literally, over the frames req allows (the others
 * are passed over unread); then cand is rebuilt from the hand. O(n). */
static pfn_t eclock_select_local(eclock_t *e, const repl_req_t *req)
{
    repl_ring_t *r = &e->ring;
    pfn_t victim = PFN_NONE;
    for (int pass = 0; pass < 4 && victim == PFN_NONE; pass++) {
        int want_dirty = pass & 1;       /* passes 1, 3: (0,0); passes 2, 4: (0,1), clearing */
        for (uint32_t i = 0; i < r->n; i++) {
            pfn_t p = r->head;
            if (repl_req_allows(e->env, req, p)) {
                if (!eclock_r(e, p) && eclock_m(e, p) == want_dirty) {
                    victim = p;
                    break;
                }
                if (want_dirty)
                    eclock_clear(e, p);
            }
            r->head = r->next[p];
        }
    }
    assert(victim != PFN_NONE);
    while (e->cand.head != PFN_NONE)
        repl_ring_unlink(&e->cand, e->cand.head);
    pfn_t p = r->head;
    for (uint32_t i = 0; i < r->n; i++, p = r->next[p])
        if (!e->st[p])
            repl_ring_push_tail(&e->cand, p);
    return victim;
}

static pfn_t eclock_select_victim(void *state, const repl_req_t *req)
{
    eclock_t *e = state;
    assert(e->ring.head != PFN_NONE);
    if (req->local)
        return eclock_select_local(e, req);
    pfn_t p = eclock_seek_clean(e);                       /* pass 1 */
    if (p == PFN_NONE)
        p = eclock_seek_dirty(e);                         /* pass 2 */
    if (p == PFN_NONE)
        p = eclock_seek_clean(e);                         /* pass 3: every R is clear now */
    if (p == PFN_NONE)
        p = e->ring.head;                                 /* pass 4: every page is dirty */
    return p;
}

static void eclock_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    eclock_t *e = state;
    (void)ref;
    (void)page;
    e->st[pfn] = 0;                      /* R is the hardware's: the loading reference set it */
    repl_ring_push_tail(&e->ring, pfn);  /* just behind the hand: the last U page from it */
    repl_ring_push_tail(&e->cand, pfn);
}

static int eclock_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    eclock_t *e = state;
    (void)why;
    (void)shadow;
    e->st[pfn] = 0;
    repl_ring_unlink(&e->ring, pfn);     /* the hand, or cand's head, moves to the successor */
    if (repl_ring_has(&e->cand, pfn))
        repl_ring_unlink(&e->cand, pfn);
    return 0;
}

/* The rings are well formed; cand holds exactly the st-0 frames, in the main ring's cyclic
 * order from the hand, its head the first of them; and no page known dirty became clean. */
static int eclock_check(void *state, const uint8_t *resident)
{
    eclock_t *e = state;
    const repl_ring_t *r = &e->ring, *c = &e->cand;
    if (repl_ring_check(r, resident))
        return -1;
    for (pfn_t p = 0; p < r->cap; p++) {
        if (e->st[p] > (EC_REF | EC_DIRTY) || (e->st[p] && !repl_bit(resident, p)))
            return -1;
        if (repl_bit(resident, p) && (e->st[p] & EC_DIRTY) && !e->env->is_dirty(e->env->eng, p))
            return -1;
    }
    pfn_t x = c->head;
    uint32_t m = 0;
    pfn_t p = r->head;
    for (uint32_t i = 0; i < r->n; i++, p = r->next[p]) {
        if (e->st[p] != 0)
            continue;
        if (p != x || c->next[x] == PFN_NONE || c->prev[c->next[x]] != x)
            return -1;
        x = c->next[x];
        m++;
    }
    return m == c->n && (m == 0 ? c->head == PFN_NONE : x == c->head) ? 0 : -1;
}

/* Explain mode (repl.h): the ring from the hand round, each with its class "(R,M)": R the
 * hardware bit or the copy the hand took of it, M whether evicting it would write it back. */
static const char *eclock_explain_rm(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    const eclock_t *e = state;
    int r = (e->st[pfn] & EC_REF) || x->referenced(x, pfn);
    snprintf(buf, n, "(%d,%d)", r, e->env->is_dirty(e->env->eng, pfn) != 0);
    return buf;
}

static void eclock_explain(void *state, repl_explain_t *x)
{
    const eclock_t *e = state;
    repl_explain_ring(x, "eclock", &e->ring, PFN_NONE, 0, e->ring.head, eclock_explain_rm, e);
}

const repl_ops_t repl_eclock = {
    .name = "eclock",
    .version = REPL_VERSION,
    .summary = "enhanced second chance: the clock seeks (R,M) = (0,0), then (0,1) clearing R, repeating (sees R and M bits)",
    .paper = "Stallings, Operating Systems: Internals and Design Principles, 7th ed., 8.2; Silberschatz et al., OSC 9th ed., 9.4.5.3",
    .params = NULL,
    .flags = 0,
    .create = eclock_create,
    .destroy = eclock_destroy,
    .on_hit = NULL,
    .select_victim = eclock_select_victim,
    .on_insert = eclock_on_insert,
    .on_remove = eclock_on_remove,
    .check = eclock_check,
    .explain = eclock_explain,
};
