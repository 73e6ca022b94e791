/* repl_create.h - what the policies' create() and destroy() share.
 *
 * Every policy starts the same way: refuse parameters it does not know, refuse zero frames,
 * allocate its per-frame arrays once, and report running out of memory in one wording. Most
 * policies here are nothing but one ring (FIFO, LRU, MRU) or one heap (LFU, OPT) of
 * repl_util.h, so those states are made here too, with the hooks they have in common: such a
 * policy writes only what makes it itself (its victim or its keys, its reaction to a hit),
 * and its create is repl_ring_state_create or repl_heap_state_create itself. Those states
 * keep the env (repl.h: valid until destroy) for local requests (repl_util.h).
 */
#ifndef PAGESIM_REPL_CREATE_H
#define PAGESIM_REPL_CREATE_H

#include <stdio.h>
#include "repl.h"
#include "repl_util.h"
#include "sim/base/spec.h"

/* The checks create() begins with: params holds only keys (NULL-terminated), and there is at
 * least one frame. 0, or -1 with the message in err (the engine puts "policy NAME: " before
 * a policy's messages, so they do not name it). */
static inline int repl_create_check(const repl_env_t *env, const json_t *params,
                                    const char *const *keys, sim_err_t *err)
{
    if (params && spec_only(params, keys, NULL, err))
        return -1;
    if (env->nframes == 0)
        return sim_err_set(err, SIM_EINPUT, "needs at least one frame");
    return 0;
}

/* The message for a failed allocation; returns SIM_ESYS (the machine's failure: exit 1,
 * sim/base/types.h) for `return repl_create_nomem(...)`. */
static inline int repl_create_nomem(const repl_env_t *env, sim_err_t *err)
{
    return sim_err_set(err, SIM_ESYS, "out of memory (the policy's state for %u frames)", env->nframes);
}

/* The create of a policy whose state is one structure of `size` bytes, set up by init from
 * the env (sized by the frame count; the env stays valid until destroy, repl.h), and which
 * takes no parameters; destroy must accept a half-built state. */
static inline int repl_one_state_create(const repl_env_t *env, const json_t *params, void **state,
                                        sim_err_t *err, size_t size,
                                        int (*init)(void *, const repl_env_t *),
                                        void (*destroy)(void *))
{
    static const char *const none[] = {NULL};
    *state = NULL;
    if (repl_create_check(env, params, none, err))
        return -1;
    void *st = calloc(1, size);
    if (!st || init(st, env)) {
        destroy(st);
        return repl_create_nomem(env, err);
    }
    *state = st;
    return 0;
}

/* The state of a policy that is one ring of frames and takes no parameters. The ring comes
 * first, so the hooks below read the state as the ring; env answers local requests. */
typedef struct repl_ring_state {
    repl_ring_t ring;
    const repl_env_t *env;
} repl_ring_state_t;

static inline void repl_ring_state_destroy(void *state)
{
    if (!state)
        return;
    repl_ring_free(state);
    free(state);
}

static inline int repl_ring_state_init(void *st, const repl_env_t *env)
{
    ((repl_ring_state_t *)st)->env = env;
    return repl_ring_init(st, env->nframes);
}

static inline int repl_ring_state_create(const repl_env_t *env, const json_t *params, void **state,
                                         sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(repl_ring_state_t),
                                 repl_ring_state_init, repl_ring_state_destroy);
}

/* The victim of a ring policy: the first frame the request allows from the head (FIFO, LRU)
 * or from the tail (MRU). */
static inline pfn_t repl_ring_state_victim(void *state, const repl_req_t *req, int from_tail)
{
    const repl_ring_state_t *rs = state;
    assert(rs->ring.head != PFN_NONE);
    return repl_ring_first(&rs->ring, rs->env, req, from_tail);
}

/* The likely victim k evictions from now (repl.h, peek_victim; k = 0 or 1) of a policy whose
 * state begins with its ring and evicts from the head (FIFO, LRU; CLOCK's hand): the head
 * or its successor. O(1), reads one or two words (the successor's is the line the head's
 * removal reads anyway). */
static inline pfn_t repl_ring_state_peek(void *state, uint32_t k)
{
    const repl_ring_t *r = state;
    if (r->head == PFN_NONE || k >= r->n)
        return PFN_NONE;
    return k ? r->next[r->head] : r->head;
}

/* The hooks such ring policies share: a page joins at the tail and can leave from anywhere. */
static inline void repl_ring_state_insert(void *state, const mem_ref_t *ref,
                                          const page_id_t *page, pfn_t pfn)
{
    (void)ref;
    repl_ring_push_tail(state, pfn);
}

/* A hit moves the page to the tail (recency order: LRU evicts the head, MRU the tail). Only
 * each page's last hit decides where it ends: REPL_HIT_IDEMPOTENT and REPL_HIT_LAST_ONLY. */
static inline void repl_ring_state_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    (void)ref;
    repl_ring_move_to_tail(state, pfn);
}

/* A hint (repl.h, prefetch_hit): the frame's two links, which a move to the tail reads
 * first (its neighbours' links come after, one more line each). */
static inline void repl_ring_state_prefetch_hit(void *state, pfn_t pfn)
{
    const repl_ring_t *r = state;
    __builtin_prefetch(&r->next[pfn], 1);
    __builtin_prefetch(&r->prev[pfn], 1);
}

/* Leaving, for whatever reason, leaves no shadow: these policies remember nothing of pages
 * that are gone. */
static inline int repl_ring_state_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    (void)why;
    (void)shadow;
    repl_ring_unlink(state, pfn);
    return 0;
}

static inline int repl_ring_state_check(void *state, const uint8_t *resident)
{
    return repl_ring_check(state, resident);
}

/* The state of a policy that is one heap of frames and takes no parameters; the heap first. */
typedef struct repl_heap_state {
    repl_heap_t heap;
    const repl_env_t *env;
} repl_heap_state_t;

static inline void repl_heap_state_destroy(void *state)
{
    if (!state)
        return;
    repl_heap_free(state);
    free(state);
}

static inline int repl_heap_state_init(void *st, const repl_env_t *env)
{
    ((repl_heap_state_t *)st)->env = env;
    return repl_heap_init(st, env->nframes);
}

static inline int repl_heap_state_create(const repl_env_t *env, const json_t *params, void **state,
                                         sim_err_t *err)
{
    return repl_one_state_create(env, params, state, err, sizeof(repl_heap_state_t),
                                 repl_heap_state_init, repl_heap_state_destroy);
}

/* The hooks such heap policies share: the victim is the top (or, for a local request, the
 * least frame of the process), a page can leave from anywhere. */
static inline pfn_t repl_heap_state_victim(void *state, const repl_req_t *req)
{
    const repl_heap_state_t *hs = state;
    assert(hs->heap.n > 0);
    return repl_heap_first(&hs->heap, hs->env, req);
}

static inline int repl_heap_state_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    (void)why;
    (void)shadow;
    repl_heap_remove(state, pfn);
    return 0;
}

static inline int repl_heap_state_check(void *state, const uint8_t *resident)
{
    return repl_heap_check(state, resident);
}

#endif
