/* fault.h - the page-fault handler (fault.c) and the fault kinds the results count. */
#ifndef PAGESIM_FAULT_H
#define PAGESIM_FAULT_H

#include "sim/base/types.h"
#include "sim/base/vmalist.h"
#include "sim.h"
#include "pagetable.h"
#include "cpu.h"

/* Fault kinds: each its own counter in the results. */
enum {
    FK_DEMAND_ZERO = 0, FK_FILE_READ, FK_PAGE_CACHE, FK_SWAP_IN, FK_SWAP_CACHE, FK_COW,
    FK_SEGV, FK_PROTECTION, FK_N
};
extern const char *const fault_kind_names[FK_N];
static inline int fault_is_major(int k) { return k == FK_FILE_READ || k == FK_SWAP_IN; }

/* What the fault handler tells the access that trapped. */
enum {
    F_DONE = 0,   /* the page is mapped and the policy has seen this reference */
    F_BLOCKED,    /* p waits for I/O; the access restarts after EV_IO_DONE */
    F_SKIP,       /* segv or protection: counted, the reference is skipped */
    F_RESTART,    /* state changed under the handler: run the access again */
    F_SPURIOUS,   /* a stale TLB entry trapped; the PTE allows the access */
};

typedef struct proc proc_t;

/* The fault p takes on (vpn, kind) on CPU c: one of F_*. pte: the walk's entry for vpn in
 * p's page table, or NULL if the walk found none (then it is created): one walk a fault. */
int  fault_handle(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind, pte_t *pte);
/* The second half of a fault that waited (EV_IO_DONE; sync: at once, from the first half):
 * maps the page and, unless it must copy, completes the access (p->access_done). */
void fault_complete(sim_t *s, proc_t *p, sim_time_t now, int sync);
/* madvise willneed on anonymous memory (mm/madvise.c madvise_willneed -> swapin_walk_pmd_entry
 * -> read_swap_cache_async): the swapped pages of the n swap PTEs are read into the swap
 * cache without blocking or mapping them (io.swap_in and io.swap_readahead count them), as
 * far as frames can be had without waiting. Returns how many of the PTEs it went through (n,
 * or fewer where no frame could be had). */
uint32_t fault_swap_willneed(sim_t *s, cpu_t *c, proc_t *p, pte_t *const *ptes, uint32_t n);
/* fork: the COW policy may copy a resident private page for the child now; 1 if it did. */
int  fault_cow_at_fork(sim_t *s, cpu_t *c, pte_t *pp, uint32_t cmi, spid_t child, pte_t *cp,
                       const vma_t *v);

#endif
