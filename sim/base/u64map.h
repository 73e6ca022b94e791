/* u64map.h - open-addressing hash map from uint64 keys to uint64 values.
 *
 * Used wherever the engine maps an identity to a slot: pid -> process, swap slot -> frame
 * (the swap cache), (object, page index) -> frame (the page cache). Linear probing at load
 * <= 1/2; deletion by backward shift (Knuth, TAOCP vol. 3, §6.4, Algorithm R), so there are
 * no tombstones and lookups stay short however many deletions happen. Key UINT64_MAX is
 * reserved as "empty". Iteration order depends only on the operations done, so it is
 * deterministic. */
#ifndef PAGESIM_U64MAP_H
#define PAGESIM_U64MAP_H

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include "xalloc.h"

#define U64MAP_EMPTY UINT64_MAX

typedef struct u64map_slot { uint64_t key, val; } u64map_slot_t;
typedef struct u64map { u64map_slot_t *s; size_t mask, n; } u64map_t;

static inline uint64_t u64map_hash(uint64_t v)
{
    v ^= v >> 31;
    v *= 0x9e3779b97f4a7c15ULL;
    v ^= v >> 29;
    return v;
}

static inline void u64map_init(u64map_t *m)
{
    m->mask = 15;
    m->n = 0;
    m->s = xcalloc(m->mask + 1, sizeof *m->s, "a hash map");   /* throws: xalloc.h */
    for (size_t i = 0; i <= m->mask; i++)
        m->s[i].key = U64MAP_EMPTY;
}

static inline void u64map_free(u64map_t *m) { free(m->s); m->s = NULL; m->n = 0; }

/* Pointer to the value for key, or NULL. */
static inline uint64_t *u64map_find(const u64map_t *m, uint64_t key)
{
    for (size_t h = u64map_hash(key) & m->mask;; h = (h + 1) & m->mask) {
        if (m->s[h].key == key)
            return &m->s[h].val;
        if (m->s[h].key == U64MAP_EMPTY)
            return NULL;
    }
}

static inline void u64map_put(u64map_t *m, uint64_t key, uint64_t val);

static inline void u64map_grow(u64map_t *m)
{
    u64map_t old = *m;
    m->mask = 2 * old.mask + 1;
    m->n = 0;
    m->s = xcalloc(m->mask + 1, sizeof *m->s, "a hash map");   /* throws: xalloc.h */
    for (size_t i = 0; i <= m->mask; i++)
        m->s[i].key = U64MAP_EMPTY;
    for (size_t i = 0; i <= old.mask; i++)
        if (old.s[i].key != U64MAP_EMPTY)
            u64map_put(m, old.s[i].key, old.s[i].val);
    free(old.s);
}

/* Inserts or replaces. */
static inline void u64map_put(u64map_t *m, uint64_t key, uint64_t val)
{
    assert(key != U64MAP_EMPTY);
    size_t h = u64map_hash(key) & m->mask;
    while (m->s[h].key != U64MAP_EMPTY && m->s[h].key != key)
        h = (h + 1) & m->mask;
    if (m->s[h].key == U64MAP_EMPTY) {
        m->n++;
        m->s[h].key = key;
    }
    m->s[h].val = val;
    if (2 * m->n > m->mask + 1)
        u64map_grow(m);
}

/* Removes key if present; returns 1 if it was. */
static inline int u64map_del(u64map_t *m, uint64_t key)
{
    size_t h = u64map_hash(key) & m->mask;
    while (m->s[h].key != key) {
        if (m->s[h].key == U64MAP_EMPTY)
            return 0;
        h = (h + 1) & m->mask;
    }
    /* Backward-shift deletion: move later members of the probe run into the hole. */
    size_t hole = h;
    for (size_t j = (h + 1) & m->mask; m->s[j].key != U64MAP_EMPTY; j = (j + 1) & m->mask) {
        size_t home = u64map_hash(m->s[j].key) & m->mask;
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            m->s[hole] = m->s[j];
            hole = j;
        }
    }
    m->s[hole].key = U64MAP_EMPTY;
    m->n--;
    return 1;
}

#endif
