/* shadow.h - the store of shadow entries: what a policy left at a page's eviction (shadow.c). */
#ifndef PAGESIM_SHADOW_H
#define PAGESIM_SHADOW_H

#include <stdint.h>
#include "sim/base/types.h"
#include "sim/base/u64map.h"

typedef struct shadow_entry {
    page_key_t key;
    uint64_t   val;
    uint32_t   prev, next;      /* age order, oldest first; 0 = none (entry 0 is unused) */
} shadow_entry_t;

typedef struct shadow_store {
    shadow_entry_t *e;          /* pool, grown on demand up to max + 1 entries */
    uint32_t cap;               /* entries allocated */
    uint32_t used;              /* entries ever taken from the pool (1 + ...) */
    uint32_t free;              /* free list through next, 0 = empty */
    uint32_t head, tail;        /* oldest, newest */
    uint64_t n, max;            /* entries kept; at most max (0: the store keeps nothing) */
    u64map_t map;               /* key -> entry index */
    page_key_t max_anon;        /* the largest anonymous key ever stored (0: none): ids only grow
                                   (fault.c), so a larger one, a new page's, has no entry */
    uint64_t n_put, n_taken, n_dropped_full, n_dropped_dead, n_forgotten;
} shadow_store_t;

void shadow_init(shadow_store_t *st, uint64_t max);
void shadow_destroy(shadow_store_t *st);
/* Keeps val for key, replacing an entry for key; at the bound, the oldest entry goes first. */
void shadow_put(shadow_store_t *st, page_key_t key, uint64_t val);
/* Takes the entry for key out into *val: 1, or 0 if there is none. */
int  shadow_take(shadow_store_t *st, page_key_t key, uint64_t *val);
/* The page's identity died: its entry, if any, goes. */
void shadow_forget(shadow_store_t *st, page_key_t key);
/* The policy no longer needs the value it left for key (a ghost trimmed from its lists:
 * repl.h, forget_shadow): the entry goes if it still holds val (a later eviction of the same
 * page may have replaced it, and that one stays). 1 if dropped. O(1). */
int  shadow_forget_value(shadow_store_t *st, page_key_t key, uint64_t val);
/* No entry can exist for key: an anonymous key above every one ever stored (a page created
 * since: a demand-zero fault's), which saves the map's probe, a cache miss on a large store. */
static inline int shadow_never_stored(const shadow_store_t *st, page_key_t key)
{
    return page_key_is_anon(key) && key > st->max_anon;
}
/* A hint: the map slot where a lookup of key starts is loaded (repl.h, prefetch_shadow). */
static inline void shadow_prefetch(const shadow_store_t *st, page_key_t key)
{
    if (st->n && !shadow_never_stored(st, key))
        __builtin_prefetch(&st->map.s[u64map_hash(key) & st->map.mask]);
}
/* The entry for key without taking it (checks); NULL if none. */
const uint64_t *shadow_peek(const shadow_store_t *st, page_key_t key);
/* 0 if the age list, the map and the count agree and the bound holds (check.c). O(n). */
int  shadow_check(const shadow_store_t *st);

#endif
