/* frame.h - the frame table, its reverse map, and a frame's way out (frame.c). */
#ifndef PAGESIM_FRAME_H
#define PAGESIM_FRAME_H

#include "sim/base/types.h"
#include "sim.h"
#include "pagetable.h"
#include "cpu.h"
#include "policies/repl.h"

enum {
    FR_USED      = 1u << 0,  /* allocated (not on the free list) */
    FR_ANON      = 1u << 1,  /* anonymous: backed by swap, not by a file */
    FR_DIRTY     = 1u << 2,  /* differs from its backing copy (PTE dirty bits folded in) */
    FR_SWAPCACHE = 1u << 3,  /* has a swap slot and is findable by it */
    FR_PAGECACHE = 1u << 4,  /* findable by (object, index) */
    FR_TRACKED   = 1u << 5,  /* the replacement policy knows it (resident and evictable) */
    FR_LOCKED    = 1u << 6,  /* I/O in flight: ready at frame.ready_at */
    FR_FILEKIND  = 1u << 7,  /* a file page (PAGE_FILE to the policy); else anonymous or shm */
    FR_SOFTREF   = 1u << 8,  /* referenced by a buffered read or write (fileio.c): reported and
                                cleared by env->test_clear_ref with the PTEs' R bits */
};

/* 40 bytes. A page-cache page's object and index are its key's (frame_obj, frame_index). */
typedef struct frame {
    uint32_t flags;
    uint32_t mapcount;    /* PTEs mapping it */
    uint32_t rmap;        /* head of its reverse-map list (index into rmap pool), 0 = none */
    uint32_t swap_slot;   /* 0 = none */
    uint32_t owner;       /* 1 + index into procs of the process charged for it; 0: nobody */
    sim_time_t ready_at;  /* when FR_LOCKED: I/O completion; when free: the next free frame */
    page_key_t key;       /* the identity of the page it holds (types.h, repl.h) */
} frame_t;

/* The object and page index of a file or shared-memory page (not FR_ANON: its key is
 * page_key_file(obj, index)); 0 for an anonymous page or an empty frame. */
static inline uint32_t frame_obj(const frame_t *f)
{
    return (f->flags & FR_ANON) || page_key_is_anon(f->key) ? 0 : (uint32_t)(f->key >> 40);
}
static inline uint64_t frame_index(const frame_t *f)
{
    return (f->flags & FR_ANON) || page_key_is_anon(f->key) ? 0 : f->key & ((1ULL << 40) - 1);
}

typedef struct rmap_node {   /* 16 bytes: four to a cache line */
    pte_t   *pte;         /* the mapping PTE (its vpn is pte->vpn) */
    uint32_t mm;          /* address space (its asid) */
    uint32_t next;        /* next node of the same frame, 0 = end */
} rmap_node_t;

void  frame_init(sim_t *s);
void  frame_destroy(sim_t *s);
pfn_t frame_alloc_free(sim_t *s);               /* PFN_NONE if none free */
void  frame_release(sim_t *s, pfn_t pfn);        /* back to the free list */
/* A frame no PTE maps any more: freed unless a cache must keep it. */
void  frame_put(sim_t *s, pfn_t pfn, repl_why_t why);
/* Takes pfn out of the swap cache or page cache it is in. */
void  frame_uncache(sim_t *s, pfn_t pfn);
/* Unmaps every PTE of pfn (charging c's clock for the shootdowns), folding their dirty bits
 * into the frame. Each PTE becomes a swap entry for `slot` (anonymous pages with a swap
 * copy) or empty. The frame has left the policy (an eviction): no mapping notices. */
void  frame_unmap_all(sim_t *s, cpu_t *c, pfn_t pfn, uint32_t slot);
/* Charges pfn to owner (1 + index into procs; 0: nobody), uncharging its previous owner. */
void  frame_charge(sim_t *s, pfn_t pfn, uint32_t owner);
/* Process owner (1 + index) exits: each frame charged to it passes to a live process still
 * mapping it and under its quota, or to nobody. O(frames). */
void  frame_recharge_exit(sim_t *s, uint32_t owner);
void  frame_rmap_add(sim_t *s, pfn_t pfn, uint32_t mm, pte_t *pte);
void  frame_rmap_del(sim_t *s, pfn_t pfn, pte_t *pte);

#endif
