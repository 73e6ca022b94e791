/* pagetable.h - one address space's page-table entries.
 *
 * A PTE is 8 bytes of state plus its vpn. Entries live in a slab of fixed-size chunks that
 * never move, so TLB entries and the frame table's reverse map can point straight at them;
 * an open-addressing hash table maps vpn -> entry. Unlike a radix tree this stays compact
 * for the sparse page ids of block traces (a radix tree would allocate a path of tables per
 * isolated page). Memory grows with pages touched, never with trace length.
 *
 * A slot is 4 bytes: the entry's index + 1 in its low ibits bits (ibits = log2 of the
 * capacity, enough since the table is at most half full) and, in the bits above, a tag: as
 * many high bits of the vpn's hash as are left (26 at 64 slots, 11 at 2^21, 1 at 2^31). A
 * probe compares the tag before it reads the entry, so a collision (a quarter to a third of
 * the walks of a large table) costs a look at the next slot, in the same cache line, rather
 * than a cache miss on another page's entry; and the walk's prefetch (sched.c) fetches the
 * entry that matches, not the first probe's. */
#ifndef PAGESIM_PAGETABLE_H
#define PAGESIM_PAGETABLE_H

#include "sim/base/types.h"

enum {
    PTE_PRESENT = 1u << 0,   /* val is a frame number */
    PTE_SWAP    = 1u << 1,   /* val is a swap slot (not present) */
    PTE_REF     = 1u << 2,   /* hardware referenced bit */
    PTE_DIRTY   = 1u << 3,   /* hardware dirty bit */
    PTE_READ    = 1u << 4,   /* permissions the hardware enforces */
    PTE_WRITE   = 1u << 5,   /* clear on a COW-shared page even in a writable area */
    PTE_EXEC    = 1u << 6,
    PTE_FRESH   = 1u << 7,   /* mapped by an I/O completion: the restarted access has
                                already been shown to the policy, so it skips on_hit */
    PTE_WSREF   = 1u << 8,   /* load control (loadctl.c): referenced since its last sample
                                of the process's working set; kept when the page is
                                evicted (the PTE remembers the reference), never seen by
                                a policy */
};
#define PTE_PERMS (PTE_READ | PTE_WRITE | PTE_EXEC)

typedef struct pte {
    vpn_t    vpn;
    uint32_t val;     /* pfn if PTE_PRESENT, swap slot if PTE_SWAP */
    uint32_t flags;
} pte_t;

/* The permission a reference needs: a shift, not a branch (kinds interleave unpredictably). */
_Static_assert(REF_READ == 0 && REF_WRITE == 1 && REF_IFETCH == 2 && PTE_WRITE == PTE_READ << 1 &&
               PTE_EXEC == PTE_READ << 2, "pt_need relies on the kinds and permissions lining up");
static inline uint32_t pt_need(ref_kind_t k)
{
    return (uint32_t)PTE_READ << k;
}

#define PT_CHUNK 1024

typedef struct pagetable {
    pte_t  **chunks;     /* slab: entry i is chunks[i / PT_CHUNK][i % PT_CHUNK] */
    size_t   nchunks, n; /* n entries ever created, in creation order */
    uint32_t *slots;     /* hash: tag | (entry index + 1), 0 = empty */
    size_t   mask;       /* hash capacity - 1 */
    uint32_t imask;      /* a slot's index bits (the capacity's log2 of them) */
    unsigned ibits;
} pagetable_t;

void   pt_init(pagetable_t *pt);
void   pt_free(pagetable_t *pt);
/* pt_lookup(pt, vpn), below: the entry for vpn, or NULL if it was never created. */
/* The entry for vpn, created empty (flags 0) if absent. */
pte_t *pt_get(pagetable_t *pt, vpn_t vpn);
/* Entry by creation index (0 .. pt->n-1), for deterministic iteration. */
static inline pte_t *pt_at(const pagetable_t *pt, size_t i) { return &pt->chunks[i / PT_CHUNK][i % PT_CHUNK]; }

static inline uint64_t pt_hash(vpn_t v)
{
    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 32;
    return v;
}

/* The tag bits of a slot for a vpn of hash hv (see the opening comment). */
static inline uint32_t pt_tag(const pagetable_t *pt, uint64_t hv)
{
    return (uint32_t)((hv >> 32) << pt->ibits);
}

/* The entry for vpn, or NULL if it was never created. Inline: every TLB miss walks. */
static inline pte_t *pt_lookup(const pagetable_t *pt, vpn_t vpn)
{
    uint64_t hv = pt_hash(vpn);
    uint32_t tag = pt_tag(pt, hv), im = pt->imask;
    for (size_t h = hv & pt->mask;; h = (h + 1) & pt->mask) {
        uint32_t s = pt->slots[h];
        if (!s)
            return NULL;
        if ((s & ~im) == tag) {
            pte_t *e = pt_at(pt, (s & im) - 1);
            if (e->vpn == vpn)
                return e;
        }
    }
}

/* For a walk's prefetch: the index + 1 of the entry that vpn's slots name among the first
 * few probes from its home slot h (the first whose tag matches), or 0 (none: the page has
 * no entry yet, or it lies farther). Reads only slots. */
static inline uint32_t pt_probe_hint(const pagetable_t *pt, size_t h, vpn_t vpn)
{
    uint32_t tag = pt_tag(pt, pt_hash(vpn)), im = pt->imask;
    for (int i = 0; i < 4; i++, h = (h + 1) & pt->mask) {
        uint32_t s = pt->slots[h];
        if (!s)
            return 0;
        if ((s & ~im) == tag)
            return s & im;
    }
    return 0;
}

/* Software prefetch, for a walk to come (memory-level parallelism: the next references' misses
 * overlap this one's work). A walk is two dependent loads, the hash slot then the entry, so
 * the trace schedule prefetches in two stages some records apart: the slot first, then, once
 * the slot is in the cache, the entry whose tag matches (pt_probe_hint; a false match
 * prefetches the wrong entry, harmlessly). Hints only: nothing is read that could fault or change a result.
 * An asm volatile rather than __builtin_prefetch: GCC takes a loop or function that only
 * prefetches for one without effect and deletes it (seen at -O1 and above). */
static inline void pt_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
    __builtin_prefetch(p);
#endif
}

#endif
