/* repl_ghost.h - ghost entries: what a policy remembers of pages that are no longer resident.
 *
 * ARC's B1/B2, 2Q's A1out, MQ's Qout, S3-FIFO's ghost FIFO, LIRS's non-resident HIR entries,
 * CLOCK-Pro's test pages and LRU-K's retained history are lists of pages gone from memory.
 * Interface v2 (repl.h) lets the engine carry a 64-bit shadow with the page's identity and
 * hand it back at the page's next miss, so a policy needs no hash table of its own: it keeps
 * its ghosts in this pool, in as many ordered lists as it likes, and leaves the ghost's handle
 * as the page's shadow (repl_ghost_shadow). At the miss, repl_ghost_find(shadow, key) says
 * whether that ghost is still alive (the policy may have dropped it since: a list trimmed at
 * its LRU end, as the papers do) and in which list; the stored key makes the match exact even
 * after the slot was reused for another page.
 *
 * The pool has a fixed capacity chosen at create (the papers bound their ghost lists by the
 * cache size: c for ARC, kout for 2Q...); repl_ghost_add refuses when full, so the policy
 * trims first. Lists are doubly linked through the slots: head = oldest (LRU), tail = newest
 * (MRU). Every operation is O(1); a ghost costs 20 bytes (key, links, list) and the pool is
 * allocated once.
 *
 * The engine may drop a shadow the policy still counts (the identity died: munmap, exit, a
 * clean anonymous page; or the store's bound, config `shadows`): that ghost then never hits
 * and leaves its list by the list's own trimming, as a ghost of a page never referenced again
 * would. So a policy's ghost counts stay exactly the papers' counts.
 *
 * The other way round, a ghost trimmed from its list leaves a shadow the engine would keep
 * until its bound pushed it out, oldest first, pushing out live ghosts' shadows with it (ARC
 * lost ghost hits so at OLTP c=1000 with the default shadows=2, issue 14). A pool told the
 * env (repl_ghost_tell) says each trim to env->forget_shadow, and the engine drops that
 * shadow (if it is still that ghost's: O(1)): the store then holds only live ghosts, and a
 * bound of the policy's own ghost bound per frame loses none. Each such lookup is a cache
 * miss on a large store, so after a trim the list's new oldest ghost, the next to be trimmed,
 * is named to env->prefetch_shadow (a hint): LeCaR on the large-footprint workload spent
 * 10.9% of its time in the engine's forget, under 2.7% after (2026-12-04).
 */
#ifndef PAGESIM_REPL_GHOST_H
#define PAGESIM_REPL_GHOST_H

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include "sim/base/types.h"
#include "repl.h"

#define REPL_GHOST_NONE UINT32_MAX
#define REPL_GHOST_LISTS 4          /* lists per pool: enough for ARC (B1, B2) and the rest */

typedef struct repl_ghosts {
    page_key_t *key;                /* by slot */
    uint32_t *next, *prev;          /* by slot; next doubles as the free list */
    uint8_t *list;                  /* by slot: its list, or REPL_GHOST_LISTS when free */
    uint32_t cap, free;             /* free: first free slot, REPL_GHOST_NONE if full */
    uint32_t head[REPL_GHOST_LISTS], count[REPL_GHOST_LISTS];
    const repl_env_t *env;          /* trims are told to env->forget_shadow; NULL: not told */
} repl_ghosts_t;

/* 0, or -1 (out of memory: the caller frees with repl_ghost_free and says repl_create_nomem). */
static inline int repl_ghost_init(repl_ghosts_t *g, uint32_t cap)
{
    size_t n = cap ? cap : 1;
    g->key = malloc(n * sizeof *g->key);
    g->next = malloc(n * sizeof *g->next);
    g->prev = malloc(n * sizeof *g->prev);
    g->list = malloc(n);
    g->cap = cap;
    g->env = NULL;
    for (int l = 0; l < REPL_GHOST_LISTS; l++) {
        g->head[l] = REPL_GHOST_NONE;
        g->count[l] = 0;
    }
    if (!g->key || !g->next || !g->prev || !g->list)
        return -1;
    for (uint32_t i = 0; i < cap; i++) {
        g->next[i] = i + 1 < cap ? i + 1 : REPL_GHOST_NONE;
        g->list[i] = REPL_GHOST_LISTS;
    }
    g->free = cap ? 0 : REPL_GHOST_NONE;
    return 0;
}

/* From now on each trim (repl_ghost_drop_oldest) tells env->forget_shadow (if env has it)
 * that the trimmed ghost's shadow is dead, so the engine drops it. */
static inline void repl_ghost_tell(repl_ghosts_t *g, const repl_env_t *env)
{
    g->env = env;
}

static inline void repl_ghost_free(repl_ghosts_t *g)
{
    free(g->key);
    free(g->next);
    free(g->prev);
    free(g->list);
}

static inline uint32_t repl_ghost_count(const repl_ghosts_t *g, int list)
{
    return g->count[list];
}

static inline int repl_ghost_full(const repl_ghosts_t *g)
{
    return g->free == REPL_GHOST_NONE;
}

/* The oldest ghost of a list, REPL_GHOST_NONE if empty; its key is g->key[slot]. */
static inline uint32_t repl_ghost_oldest(const repl_ghosts_t *g, int list)
{
    return g->head[list];
}

/* The next newer ghost of the same list after slot, REPL_GHOST_NONE at the newest. */
static inline uint32_t repl_ghost_newer(const repl_ghosts_t *g, uint32_t slot)
{
    int l = g->list[slot];
    return g->next[slot] == g->head[l] ? REPL_GHOST_NONE : g->next[slot];
}

/* Appends a ghost of key to list (its newest), returning its slot; the pool must not be
 * full (trim first). */
static inline uint32_t repl_ghost_add(repl_ghosts_t *g, int list, page_key_t key)
{
    uint32_t s = g->free;
    assert(s != REPL_GHOST_NONE && list >= 0 && list < REPL_GHOST_LISTS);
    g->free = g->next[s];
    g->key[s] = key;
    g->list[s] = (uint8_t)list;
    uint32_t h = g->head[list];
    if (h == REPL_GHOST_NONE) {
        g->next[s] = g->prev[s] = s;
        g->head[list] = s;
    } else {
        uint32_t t = g->prev[h];
        g->next[s] = h;
        g->prev[s] = t;
        g->next[t] = s;
        g->prev[h] = s;
    }
    g->count[list]++;
    return s;
}

/* Forgets a live ghost: a hit (the engine has handed its shadow back); a trim is
 * repl_ghost_drop_oldest, which also tells the engine. */
static inline void repl_ghost_del(repl_ghosts_t *g, uint32_t s)
{
    int l = g->list[s];
    assert(s < g->cap && l < REPL_GHOST_LISTS);
    if (g->next[s] == s) {
        g->head[l] = REPL_GHOST_NONE;
    } else {
        g->next[g->prev[s]] = g->next[s];
        g->prev[g->next[s]] = g->prev[s];
        if (g->head[l] == s)
            g->head[l] = g->next[s];
    }
    g->count[l]--;
    g->list[s] = REPL_GHOST_LISTS;
    g->next[s] = g->free;
    g->free = s;
}

/* Drops (trims) the oldest ghost of a list, if any, telling the engine its shadow is dead
 * (repl_ghost_tell); returns whether one was dropped. */
static inline uint64_t repl_ghost_shadow(uint32_t s);
static inline int repl_ghost_drop_oldest(repl_ghosts_t *g, int list)
{
    uint32_t s = g->head[list];
    if (s == REPL_GHOST_NONE)
        return 0;
    if (g->env && g->env->forget_shadow)
        g->env->forget_shadow(g->env->eng, g->key[s], repl_ghost_shadow(s));
    repl_ghost_del(g, s);
    /* The list's next trim drops the ghost now oldest: the engine's entry for it, a cache
     * miss on a large store, starts loading now (overlapped with the rest of this eviction). */
    if (g->env && g->env->prefetch_shadow && g->head[list] != REPL_GHOST_NONE)
        g->env->prefetch_shadow(g->env->eng, g->key[g->head[list]]);
    return 1;
}

/* The shadow to leave for the ghost in slot s (on_remove's *shadow). */
static inline uint64_t repl_ghost_shadow(uint32_t s)
{
    return s;
}

/* The live ghost a shadow names for page key, or REPL_GHOST_NONE (no shadow, or the ghost
 * was dropped and its slot perhaps reused); its list is g->list[slot]. */
static inline uint32_t repl_ghost_find(const repl_ghosts_t *g, const uint64_t *shadow, page_key_t key)
{
    if (!shadow || *shadow >= g->cap)
        return REPL_GHOST_NONE;
    uint32_t s = (uint32_t)*shadow;
    return g->list[s] < REPL_GHOST_LISTS && g->key[s] == key ? s : REPL_GHOST_NONE;
}

/* Paranoid check: list links and counts consistent, every slot in exactly one list or free. */
static inline int repl_ghost_check(const repl_ghosts_t *g)
{
    uint32_t seen = 0;
    for (int l = 0; l < REPL_GHOST_LISTS; l++) {
        uint32_t n = 0, h = g->head[l];
        if (h != REPL_GHOST_NONE) {
            uint32_t s = h;
            do {
                if (s >= g->cap || g->list[s] != l || g->prev[g->next[s]] != s || ++n > g->cap)
                    return -1;
                s = g->next[s];
            } while (s != h);
        }
        if (n != g->count[l])
            return -1;
        seen += n;
    }
    for (uint32_t s = g->free; s != REPL_GHOST_NONE; s = g->next[s])
        if (s >= g->cap || g->list[s] != REPL_GHOST_LISTS || ++seen > g->cap)
            return -1;
    return seen == g->cap ? 0 : -1;
}

#endif
