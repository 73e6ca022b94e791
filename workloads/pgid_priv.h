/* pgid_priv.h - pgid.c's state, for the inline fast paths of its hottest calls.
 *
 * The next-use pass (nextuse.c) asks pgid three things per page reference: a prefetch of
 * the page's slot some records ahead, a peek at its key, and the key itself. As calls into
 * pgid.c they cost about a third of the pass's instructions (a call, the address-space
 * lookup, the area search, a structure returned through memory); inline they cost what the
 * lookups do. Only pgid.c changes this state; the inline functions below only read it, and
 * pgid_ref_fast answers only the common case that pgid_ref answers the same way (it is
 * pgid_ref's own first branch: a private anonymous page already keyed, in the last address
 * space, that the reference does not copy), leaving everything else to pgid_ref. */
#ifndef PAGESIM_PGID_PRIV_H
#define PAGESIM_PGID_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "pgid.h"
#include "sim/base/u64map.h"
#include "sim/base/vmalist.h"

#define WP_BIT    (1ULL << 62)   /* in an address space's map: the PTE is write-protected */

typedef struct pg_mm {
    vma_list_t areas;    /* as the engine's (vmalist.h), prot in WL_PROT_* bits */
    uint32_t last_area;  /* the index of the area pgid_ref found last: tried first (areas
                            never overlap, so one that holds the vpn is its area) */
    int implicit;        /* no area declared yet: everything anonymous private rwx */
    int dead;
    u64map_t pages;      /* vpn -> anonymous key | WP_BIT (pm_* only: its own home slots) */
} pg_mm_t;

struct pgid {
    unsigned shift;
    pgid_cow_t cow;
    u64map_t pid2mm;     /* pid -> index into mms (never removed: an index stays valid) */
    spid_t last_pid;     /* mm_of's last answer: mms[last_mm] (references come in runs of a pid) */
    uint32_t last_mm;
    int have_last;
    pg_mm_t *mms;
    uint32_t nmms, capmms;
    u64map_t owners;     /* shared anonymous key -> address spaces mapping it, minus one */
    char **files;        /* object ids of files, by name (objs with a NULL name: shared anon) */
    uint32_t nobjs, capobjs;
    uint32_t last_obj;   /* file_obj's last answer (0: none) */
    uint64_t next_anon;
};

/* An address space's pages (vpn -> key): u64map's table and its probing, but a vpn's home
 * slot keeps the low 3 bits of the vpn, the rest hashed, so 8 consecutive pages share 128
 * bytes (two cache lines) when their run is free: a block trace's sequential runs and a
 * program's neighbouring pages cost one cache miss per 4 to 8 references instead of one
 * each. Deletion by backward shift as u64map_del, with this home. */
static inline size_t pm_home(const u64map_t *m, uint64_t vpn)
{
    return (size_t)(u64map_hash(vpn >> 3) << 3 | (vpn & 7)) & m->mask;
}

static inline uint64_t *pm_find(const u64map_t *m, uint64_t vpn)
{
    for (size_t h = pm_home(m, vpn);; h = (h + 1) & m->mask) {
        if (m->s[h].key == vpn)
            return &m->s[h].val;
        if (m->s[h].key == U64MAP_EMPTY)
            return NULL;
    }
}

/* The address space of pid if it has one (mm_of without creating it). */
static inline const pg_mm_t *mm_peek(const pgid_t *g, spid_t pid)
{
    if (g->have_last && g->last_pid == pid)
        return &g->mms[g->last_mm];
    const uint64_t *x = u64map_find(&g->pid2mm, pid);
    return x ? &g->mms[*x] : NULL;
}

/* pgid_prefetch and pgid_peek (pgid.h), inline. */
static inline void pgid_prefetch_i(const pgid_t *g, spid_t pid, vpn_t vpn)
{
    const pg_mm_t *m = mm_peek(g, pid);
    if (m && m->pages.s)
        __builtin_prefetch(&m->pages.s[pm_home(&m->pages, vpn)]);
}

static inline page_key_t pgid_peek_i(const pgid_t *g, spid_t pid, vpn_t vpn)
{
    const pg_mm_t *m = mm_peek(g, pid);
    const uint64_t *e = m && m->pages.s ? pm_find(&m->pages, vpn) : NULL;
    return e ? *e & ~WP_BIT : 0;
}

/* pgid_peek, and in *slot the index of the page's slot in its map (SIZE_MAX: none), a hint
 * for pgid_ref_fast. */
static inline page_key_t pgid_peek_slot_i(const pgid_t *g, spid_t pid, vpn_t vpn, size_t *slot)
{
    const pg_mm_t *m = mm_peek(g, pid);
    const uint64_t *e = m && m->pages.s ? pm_find(&m->pages, vpn) : NULL;
    *slot = e ? (size_t)((const u64map_slot_t *)((const char *)e - offsetof(u64map_slot_t, val)) - m->pages.s)
              : SIZE_MAX;
    return e ? *e & ~WP_BIT : 0;
}

/* pgid_ref's answer when (pid, vpn) is a private anonymous page already keyed, in the
 * address space of the last pid and in the area found last (or no area declared), that
 * this reference may make and does not copy: 1 with *out, as pgid_ref would give it and
 * changing nothing, as pgid_ref changes nothing then; else 0 (call pgid_ref). hint: where
 * a peek found the page's slot (pgid_peek_slot_i; any value): used when that slot holds
 * the vpn now (a key has one slot, so it is the page's), which saves the hash and the probe. */
static inline int pgid_ref_fast(const pgid_t *g, spid_t pid, vpn_t vpn, ref_kind_t kind, size_t hint,
                                pgid_ref_t *out)
{
    static const uint8_t need[3] = {WL_PROT_R, WL_PROT_W, WL_PROT_X};
    if (!g->have_last || g->last_pid != pid)
        return 0;
    const pg_mm_t *m = &g->mms[g->last_mm];
    if (m->dead)
        return 0;
    uint32_t prot = WL_PROT_R | WL_PROT_W | WL_PROT_X;
    if (!m->implicit) {
        uint32_t a = m->last_area;
        if (a >= m->areas.n || m->areas.v[a].start > vpn || vpn >= m->areas.v[a].end ||
            (m->areas.v[a].flags & VMA_SHARED))
            return 0;
        prot = m->areas.v[a].prot;
    }
    if (!(prot & need[kind]))
        return 0;
    const uint64_t *e = hint <= m->pages.mask && m->pages.s[hint].key == vpn ? &m->pages.s[hint].val
                                                                               : pm_find(&m->pages, vpn);
    if (!e || (kind == REF_WRITE && (*e & WP_BIT)))
        return 0;
    out->key = out->src = *e & ~WP_BIT;
    out->prot = (uint8_t)prot;
    out->stable = !(*e & WP_BIT);
    return 1;
}

#endif
