/* shadow.c - shadow entries: what a policy remembers of a page after evicting it.
 *
 * Linux's mm/workingset.c design: at eviction the policy may leave a 64-bit value, opaque to
 * the engine (policies/repl.h, on_remove), which the engine keeps where the page's identity
 * lives and hands back at the next miss of that page (on_miss). The identity is the page key
 * (sim/base/types.h): a file or shared-memory page's (object, index) -- where the page cache
 * would find it -- or an anonymous page's id, which its swap slot keeps (swap.c records each
 * slot's key). So one store keyed by page key serves both, and the engine drops an entry when
 * the identity dies: an anonymous page's slot is freed (munmap, exit or exec of its last
 * mapper), or the page was evicted clean with no swap copy (its next touch is a new
 * demand-zero page). File and shared-memory pages never die here (no truncation is modelled).
 * ARC's ghosts, 2Q's A1out, LIRS's non-resident HIR pages and refault distances need no hash
 * table of their own on top of it.
 *
 * A policy that forgets a shadow's meaning (a ghost trimmed from its own lists) says so
 * (policies/repl.h, env->forget_shadow: shadow_forget_value), and the entry goes if it still
 * holds that value: the store then holds only shadows the policy can still use.
 *
 * Bound: at most `max` entries (config `shadows` times the frame count, sim.c), the oldest
 * dropped first, as Linux's shadow-node shrinker bounds them by a fraction of memory. Memory:
 * 24 bytes of pool per entry plus a map slot of 16 at most half full, so at most 56 bytes per
 * entry, allocated only as entries are stored: a policy that leaves no shadows costs nothing.
 * Every operation is O(1) (one hash lookup, list links); the count is reported as
 * memory.shadow_entries (stats.c). A lookup of an anonymous key above every one stored (a
 * page created since, as at every demand-zero fault) is answered without the map: on the
 * large-footprint workload 58% of LeCaR's misses are demand-zero, and the probe was a cache
 * miss each (2026-12-04).
 */
#include "shadow.h"

#include <string.h>

void shadow_init(shadow_store_t *st, uint64_t max)
{
    memset(st, 0, sizeof *st);
    st->max = max;
    st->used = 1;                               /* entry 0 means "none" */
    u64map_init(&st->map);
}

void shadow_destroy(shadow_store_t *st)
{
    free(st->e);
    if (st->map.s)
        u64map_free(&st->map);
    memset(st, 0, sizeof *st);
}

static void unlink_entry(shadow_store_t *st, uint32_t i)
{
    shadow_entry_t *x = &st->e[i];
    if (x->prev)
        st->e[x->prev].next = x->next;
    else
        st->head = x->next;
    if (x->next)
        st->e[x->next].prev = x->prev;
    else
        st->tail = x->prev;
    x->next = st->free;
    x->prev = 0;
    st->free = i;
    st->n--;
}

static void drop(shadow_store_t *st, uint32_t i)
{
    u64map_del(&st->map, st->e[i].key);
    unlink_entry(st, i);
}

static uint32_t new_entry(shadow_store_t *st)
{
    if (st->free) {
        uint32_t i = st->free;
        st->free = st->e[i].next;
        return i;
    }
    if (st->used >= st->cap) {
        uint32_t cap = st->cap ? 2 * st->cap : 64;
        st->e = xrealloc(st->e, xmul(cap, sizeof *st->e, "shadow entries"), "shadow entries");
        st->cap = cap;
    }
    return st->used++;
}

void shadow_put(shadow_store_t *st, page_key_t key, uint64_t val)
{
    if (!st->max)
        return;
    uint64_t *old = shadow_never_stored(st, key) ? NULL : u64map_find(&st->map, key);
    if (old)
        drop(st, (uint32_t)*old);
    if (page_key_is_anon(key) && key > st->max_anon)
        st->max_anon = key;
    if (st->n == st->max) {
        drop(st, st->head);
        st->n_dropped_full++;
    }
    uint32_t i = new_entry(st);
    st->e[i] = (shadow_entry_t){.key = key, .val = val, .prev = st->tail, .next = 0};
    if (st->tail)
        st->e[st->tail].next = i;
    else
        st->head = i;
    st->tail = i;
    st->n++;
    st->n_put++;
    u64map_put(&st->map, key, i);
}

int shadow_take(shadow_store_t *st, page_key_t key, uint64_t *val)
{
    if (!st->n || shadow_never_stored(st, key))
        return 0;
    uint64_t *i = u64map_find(&st->map, key);
    if (!i)
        return 0;
    uint32_t e = (uint32_t)*i;
    *val = st->e[e].val;
    drop(st, e);
    st->n_taken++;
    return 1;
}

void shadow_forget(shadow_store_t *st, page_key_t key)
{
    if (!st->n || shadow_never_stored(st, key))
        return;
    uint64_t *i = u64map_find(&st->map, key);
    if (i) {
        drop(st, (uint32_t)*i);
        st->n_dropped_dead++;
    }
}

int shadow_forget_value(shadow_store_t *st, page_key_t key, uint64_t val)
{
    if (!st->n || shadow_never_stored(st, key))
        return 0;
    uint64_t *i = u64map_find(&st->map, key);
    if (!i || st->e[*i].val != val)
        return 0;
    drop(st, (uint32_t)*i);
    st->n_forgotten++;
    return 1;
}

const uint64_t *shadow_peek(const shadow_store_t *st, page_key_t key)
{
    if (!st->n)
        return NULL;
    const uint64_t *i = u64map_find(&st->map, key);
    return i ? &st->e[*i].val : NULL;
}

int shadow_check(const shadow_store_t *st)
{
    if (st->n > st->max || st->map.n != st->n)
        return -1;
    uint64_t k = 0;
    uint32_t prev = 0;
    for (uint32_t i = st->head; i; i = st->e[i].next) {
        if (i >= st->used || st->e[i].prev != prev || ++k > st->n)
            return -1;
        const uint64_t *m = u64map_find(&st->map, st->e[i].key);
        if (!m || *m != i)
            return -1;
        prev = i;
    }
    return k == st->n && prev == st->tail ? 0 : -1;
}
