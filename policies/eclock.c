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
 * clears: the policy keeps a software copy per frame, ref[p] |= test_clear_ref(p), and R is
 * ref[p]; clearing R is ref[p] = 0 (the hardware bit was cleared when read). Exact: the
 * copy holds exactly the references since the last clearing.
 *
 * Sees R and M bits only (on_hit NULL). Costs: insert, remove O(1); select_victim O(n) worst
 * case (pass 1 clears nothing, so a clock full of referenced or dirty pages is scanned again
 * at each fault: the textbook algorithm's cost, not amortised O(1) as CLOCK's); each step
 * one test_clear_ref and one is_dirty (O(mappings)). Memory per frame: the ring's two links
 * and one byte. Local replacement: the passes skip other processes' frames without reading
 * or clearing their bits.
 */
#include "repl_create.h"
#include "repl_explain.h"

typedef struct eclock {
    repl_ring_t ring;            /* head = the hand */
    uint8_t *ref;                /* by frame: the software copy of R */
    const repl_env_t *env;
} eclock_t;

static void eclock_destroy(void *state)
{
    eclock_t *e = state;
    if (!e)
        return;
    repl_ring_free(&e->ring);
    free(e->ref);
    free(e);
}

static int eclock_init(void *st, const repl_env_t *env)
{
    eclock_t *e = st;
    e->env = env;
    e->ref = calloc(env->nframes ? env->nframes : 1, 1);
    return repl_ring_init(&e->ring, env->nframes) || !e->ref ? -1 : 0;
}

static int eclock_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(eclock_t), eclock_init, eclock_destroy);
}

static int eclock_r(eclock_t *e, pfn_t p)
{
    e->ref[p] |= (uint8_t)(e->env->test_clear_ref(e->env->eng, p) != 0);
    return e->ref[p];
}

static pfn_t eclock_select_victim(void *state, const repl_req_t *req)
{
    eclock_t *e = state;
    repl_ring_t *r = &e->ring;
    assert(r->head != PFN_NONE);
    for (int pass = 0; pass < 4; pass++) {
        int want_dirty = pass & 1;       /* passes 1, 3: (0,0); passes 2, 4: (0,1), clearing */
        for (uint32_t i = 0; i < r->n; i++) {
            pfn_t p = r->head;
            if (repl_req_allows(e->env, req, p)) {
                int ref = eclock_r(e, p);
                if (!ref && !!e->env->is_dirty(e->env->eng, p) == want_dirty)
                    return p;            /* the hand stays; on_remove moves it past p */
                if (want_dirty)
                    e->ref[p] = 0;
            }
            r->head = r->next[p];
        }
    }
    assert(!"eclock: four revolutions found no victim");
    return r->head;
}

static void eclock_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    eclock_t *e = state;
    (void)ref;
    (void)page;
    e->ref[pfn] = 0;                     /* R is the hardware's: the loading reference set it */
    repl_ring_push_tail(&e->ring, pfn);
}

static int eclock_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    eclock_t *e = state;
    (void)why;
    (void)shadow;
    e->ref[pfn] = 0;
    repl_ring_unlink(&e->ring, pfn);
    return 0;
}

static int eclock_check(void *state, const uint8_t *resident)
{
    eclock_t *e = state;
    if (repl_ring_check(&e->ring, resident))
        return -1;
    for (pfn_t p = 0; p < e->ring.cap; p++)
        if (e->ref[p] > 1 || (e->ref[p] && !repl_bit(resident, p)))
            return -1;
    return 0;
}

/* Explain mode (repl.h): the ring from the hand round, each with its class "(R,M)": R the
 * hardware bit or the copy the hand took of it, M whether evicting it would write it back. */
static const char *eclock_explain_rm(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    const eclock_t *e = state;
    int r = e->ref[pfn] || x->referenced(x, pfn);
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
