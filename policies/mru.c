/* mru.c - MRU: evict the most recently used page.
 *
 * The opposite of LRU, and right where LRU is worst: a loop over more pages than fit in
 * memory. LRU then misses on every reference, while MRU keeps most of the loop resident and
 * misses about once per pass per excess page. Chou and DeWitt, "An evaluation of buffer
 * management strategies for relational database systems", VLDB 1985, recommend it for such
 * looping sequential access; on workloads with temporal locality it is close to the worst
 * policy possible, which makes it a useful bound in comparisons (Silberschatz, Galvin, Gagne,
 * Operating System Concepts, 9th ed., §9.4.6 discusses the counting-based cousin, MFU).
 *
 * Idealised like exact LRU: it sees every reference (REPL_SEES_ALL_REFS). State: a ring of
 * frames in recency order (repl_util.h), the tail being the most recently used; a hit moves
 * the page to the tail, the victim is the tail. All hooks O(1).
 *
 * On a fault the faulting page is not yet resident, so "most recently used" means the page
 * used most recently before the fault, which is then replaced by the faulting page.
 */
#include "repl.h"
#include "repl_util.h"
#include "../sim/spec.h"

#include <stdio.h>

typedef struct mru {
    repl_ring_t ring;
} mru_t;

static void mru_destroy(void *state)
{
    mru_t *m = state;
    if (!m)
        return;
    repl_ring_free(&m->ring);
    free(m);
}

static int mru_create(const repl_env_t *env, const json_t *params, void **state, char *err)
{
    static const char *const keys[] = {NULL};
    *state = NULL;
    if (params && spec_only(params, keys, "policy mru", err))
        return -1;
    if (env->nframes == 0) {
        snprintf(err, REPL_ERR_LEN, "policy mru needs at least one frame");
        return -1;
    }
    mru_t *m = calloc(1, sizeof *m);
    if (!m || repl_ring_init(&m->ring, env->nframes)) {
        if (m)
            mru_destroy(m);
        snprintf(err, REPL_ERR_LEN, "policy mru: out of memory for %u frames", env->nframes);
        return -1;
    }
    *state = m;
    return 0;
}

static void mru_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    mru_t *m = state;
    repl_ring_move_to_tail(&m->ring, pfn);
}

static pfn_t mru_select_victim(void *state, const mem_ref_t *ref)
{
    mru_t *m = state;
    assert(m->ring.head != PFN_NONE);
    return repl_ring_tail(&m->ring);
}

static void mru_on_insert(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    mru_t *m = state;
    repl_ring_push_tail(&m->ring, pfn);
}

static void mru_on_remove(void *state, pfn_t pfn, repl_why_t why)
{
    mru_t *m = state;
    repl_ring_unlink(&m->ring, pfn);
}

static int mru_check(void *state, const uint8_t *resident)
{
    mru_t *m = state;
    return repl_ring_check(&m->ring, resident);
}

const repl_ops_t repl_mru = {
    .name = "mru",
    .summary = "most recently used: evict the page used last (idealised: sees every reference)",
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT,
    .create = mru_create,
    .destroy = mru_destroy,
    .on_hit = mru_on_hit,
    .select_victim = mru_select_victim,
    .on_insert = mru_on_insert,
    .on_remove = mru_on_remove,
    .check = mru_check,
};
