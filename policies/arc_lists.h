/* arc_lists.h - what ARC (arc.c) and CAR (car.c) share: two resident lists T1/T2 of frames and
 * their ghost lists B1/B2 (repl_ghost.h lists 0 and 1), with a real-valued target p for |T1|.
 *
 * The invariants of Megiddo & Modha (FAST'03, Fig. 4) that both keep -- |T1| + |B1| <= c,
 * |T1| + |T2| + |B1| + |B2| <= 2c, 0 <= p <= c -- are checked in one place, the victim of
 * list l becomes its ghost in one place, and both report the same statistics. O(1) but the
 * check, O(frames). */
#ifndef PAGESIM_ARC_LISTS_H
#define PAGESIM_ARC_LISTS_H

#include "repl_create.h"
#include "repl_ghost.h"

/* T1 and T2 for env's c frames and a pool of 2c ghosts (|B1| + |B2| <= 2c - |T1| - |T2|),
 * whose trims tell the engine (repl_ghost_tell): 0, or -1 out of memory (arc_lists_free frees
 * a half-built set). */
static inline int arc_lists_init(repl_ring_t t[2], repl_ghosts_t *g, const repl_env_t *env)
{
    uint32_t c = env->nframes;
    int r0 = repl_ring_init(&t[0], c);
    int r1 = repl_ring_init(&t[1], c);
    int rg = repl_ghost_init(g, 2 * c);
    repl_ghost_tell(g, env);
    return r0 || r1 || rg ? -1 : 0;
}

static inline void arc_lists_free(repl_ring_t t[2], repl_ghosts_t *g)
{
    repl_ring_free(&t[0]);
    repl_ring_free(&t[1]);
    repl_ghost_free(g);
}

/* |T1| + |T2| + |B1| + |B2|: the directory. */
static inline uint32_t arc_lists_dir(const repl_ring_t t[2], const repl_ghosts_t *g)
{
    return t[0].n + t[1].n + repl_ghost_count(g, 0) + repl_ghost_count(g, 1);
}

/* The page leaving list l (an eviction or release) becomes the newest ghost of B(l+1); its
 * slot is the shadow. Returns 1 (a shadow to keep). */
static inline int arc_lists_ghost(repl_ghosts_t *g, int l, page_key_t key, uint64_t *shadow)
{
    if (repl_ghost_full(g) && !repl_ghost_drop_oldest(g, 1 - l))
        repl_ghost_drop_oldest(g, l);             /* not reached: the bounds keep room */
    *shadow = repl_ghost_shadow(repl_ghost_add(g, l, key));
    return 1;
}

/* The paranoid check: T1 and T2 hold exactly the resident frames, each list and the ghost
 * pool is well formed, and the paper's bounds hold. 0, or -1. */
static inline int arc_lists_check(const repl_ring_t t[2], const repl_ghosts_t *g, uint32_t c, double p,
                                  const uint8_t *resident)
{
    uint32_t bytes = (c + 7) / 8;
    uint8_t *bm[2] = {calloc(bytes ? bytes : 1, 1), calloc(bytes ? bytes : 1, 1)};
    int bad = !bm[0] || !bm[1];
    for (pfn_t f = 0; !bad && f < c; f++) {
        int in0 = repl_ring_has(&t[0], f), in1 = repl_ring_has(&t[1], f);
        if (in0 + in1 != repl_bit(resident, f))
            bad = 1;
        bm[0][f >> 3] |= (uint8_t)(in0 << (f & 7));
        bm[1][f >> 3] |= (uint8_t)(in1 << (f & 7));
    }
    if (!bad)
        bad = repl_ring_check(&t[0], bm[0]) || repl_ring_check(&t[1], bm[1]) ||
              repl_ghost_check(g) || repl_ghost_count(g, 2) || repl_ghost_count(g, 3) ||
              t[0].n + repl_ghost_count(g, 0) > c || arc_lists_dir(t, g) > 2 * c || !(p >= 0 && p <= c);
    free(bm[0]);
    free(bm[1]);
    return bad ? -1 : 0;
}

/* The statistics both give (policy.stats): p, the four sizes, ghost hits and evictions by list. */
static inline void arc_lists_stats(json_t *obj, const repl_ring_t t[2], const repl_ghosts_t *g, double p,
                                   const uint64_t ghost_hits[2], const uint64_t evict_from[2])
{
    json_object_set_new(obj, "p", json_real(p));
    json_object_set_new(obj, "t1", json_integer(t[0].n));
    json_object_set_new(obj, "t2", json_integer(t[1].n));
    json_object_set_new(obj, "b1", json_integer(repl_ghost_count(g, 0)));
    json_object_set_new(obj, "b2", json_integer(repl_ghost_count(g, 1)));
    json_object_set_new(obj, "ghost_hits_b1", json_integer((json_int_t)ghost_hits[0]));
    json_object_set_new(obj, "ghost_hits_b2", json_integer((json_int_t)ghost_hits[1]));
    json_object_set_new(obj, "evict_t1", json_integer((json_int_t)evict_from[0]));
    json_object_set_new(obj, "evict_t2", json_integer((json_int_t)evict_from[1]));
}

#endif
