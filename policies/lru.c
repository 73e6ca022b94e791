/* lru.c - exact LRU: evict the page whose last reference is oldest.
 *
 * LRU approximates OPT by looking backward instead of forward (Silberschatz, Galvin, Gagne,
 * Operating System Concepts, 9th ed., §9.4.4; Tanenbaum, Modern Operating Systems, 4th ed.,
 * §3.4.6). It is a stack algorithm (Mattson, Gecsei, Slutz, Traiger, "Evaluation techniques
 * for storage hierarchies", IBM Systems Journal 9(2), 1970): the pages resident with n frames
 * are always a subset of those resident with n+1, so it never suffers Belady's anomaly.
 *
 * This is the idealised version that sees every reference (REPL_SEES_ALL_REFS): real MMUs
 * only set a referenced bit, which is why kernels run CLOCK-like approximations instead.
 * State: a ring of frames in recency order (repl_util.h), head = least recently used.
 * A hit moves the page to the tail; all hooks are O(1).
 */
#include "repl.h"
#include "repl_util.h"
#include "../sim/spec.h"

#include <stdio.h>

typedef struct lru {
    repl_ring_t ring;
} lru_t;

static void lru_destroy(void *state)
{
    lru_t *l = state;
    if (!l)
        return;
    repl_ring_free(&l->ring);
    free(l);
}

static int lru_create(const repl_env_t *env, const json_t *params, void **state, char *err)
{
    static const char *const keys[] = {NULL};
    *state = NULL;
    if (params && spec_only(params, keys, "policy lru", err))
        return -1;
    if (env->nframes == 0) {
        snprintf(err, REPL_ERR_LEN, "policy lru needs at least one frame");
        return -1;
    }
    lru_t *l = calloc(1, sizeof *l);
    if (!l || repl_ring_init(&l->ring, env->nframes)) {
        if (l)
            lru_destroy(l);
        snprintf(err, REPL_ERR_LEN, "policy lru: out of memory for %u frames", env->nframes);
        return -1;
    }
    *state = l;
    return 0;
}

static void lru_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lru_t *l = state;
    repl_ring_move_to_tail(&l->ring, pfn);
}

static pfn_t lru_select_victim(void *state, const mem_ref_t *ref)
{
    lru_t *l = state;
    assert(l->ring.head != PFN_NONE);
    return l->ring.head;
}

static void lru_on_insert(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lru_t *l = state;
    repl_ring_push_tail(&l->ring, pfn);
}

static void lru_on_remove(void *state, pfn_t pfn, repl_why_t why)
{
    lru_t *l = state;
    repl_ring_unlink(&l->ring, pfn);
}

static int lru_check(void *state, const uint8_t *resident)
{
    lru_t *l = state;
    return repl_ring_check(&l->ring, resident);
}

const repl_ops_t repl_lru = {
    .name = "lru",
    .summary = "exact least recently used (idealised: sees every reference)",
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT,
    .create = lru_create,
    .destroy = lru_destroy,
    .on_hit = lru_on_hit,
    .select_victim = lru_select_victim,
    .on_insert = lru_on_insert,
    .on_remove = lru_on_remove,
    .check = lru_check,
};
