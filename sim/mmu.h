/* mmu.h - a memory reference: the TLB-hit fast path inline, the rest in mmu.c. */
#ifndef PAGESIM_MMU_H
#define PAGESIM_MMU_H

#include "sim_int.h"
#include "policy.h"

/* Everything but a plain TLB hit (e: the entry that hit with too few rights, or NULL). */
int   mmu_access_slow(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind, tlb_entry_t *e);

/* One page reference by process p on CPU c, charging c->clock. Returns 0 when done, 1 when
 * p blocked on I/O: the EV_IO_DONE event calls fault_complete, which sets
 * p->access_done when it completed the reference, else p retries it (counted once).
 * The TLB hit is inline here (the hot path of every simulation); the rest is in mmu.c. */
static inline int mmu_access(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    c->clock += s->cost.tlb_hit;
    /* Real code stays on one code page and one data page for a while (84% of the bundled
     * sort trace's references repeat the last page of their kind), so the entry the last
     * hit of this kind used is tried before the set: the same entry, stamp and count as the
     * lookup would give (a set never holds a page twice), found without the scan. */
    tlb_entry_t **last = &c->last[kind == REF_IFETCH], *e = *last;
    if (e && e->vpn == vpn && e->asid == p->mm && e->pte) {
        e->stamp = ++c->tlb.clock;
        c->tlb.hits++;
    } else {
        e = tlb_lookup(&c->tlb, p->mm, vpn);
        *last = e;
    }
    if (__builtin_expect(e && (e->perms & pt_need(kind)), 1)) {
        /* The PTE is written only when this hit sets a bit the entry has not set yet: a
         * pointer chase less on the hottest path. (No entry caches a PTE_FRESH PTE: the
         * PTE was not cached when its fault mapped it; check_all verifies both.) */
        uint32_t want = s->hit_bits[kind];
        if (__builtin_expect(want & ~(uint32_t)e->set, 0)) {
            e->pte->flags |= want;
            e->set |= (uint16_t)want;
        }
        policy_hit(s, p, vpn, kind, e->pfn);
        return 0;
    }
    return mmu_access_slow(s, c, p, vpn, kind, e);
}
/* A run of references (wl.h) replayed from its summary, when every page of it is in c's TLB
 * with the rights its kinds need (the caller has checked that the run's time reaches no
 * event): 1, with the clock, TLB, PTE bits and policy left as the references one by one
 * would leave them; 0, with nothing changed, otherwise. Needs page_shift >= WL_RUN_SHIFT
 * and a policy with no on_hit or REPL_HIT_LAST_ONLY. */
int   mmu_run_hits(sim_t *s, cpu_t *c, proc_t *p, const wl_run_t *run);
/* The policy's window onto PTE bits (repl_env_t): through the reverse map, for every PTE
 * mapping pfn. */
int   mmu_test_clear_ref(void *eng, pfn_t pfn);
void  mmu_prefetch_ref(void *eng, pfn_t near, pfn_t far);
int   mmu_is_dirty(void *eng, pfn_t pfn);
uint32_t mmu_test_clear_refs(void *eng, pfn_t pfn, unsigned *vm_flags);
/* Whether the page in pfn is dirty (its frame's flag or any PTE's dirty bit); clears them all
 * (and the TLBs' copies, so the next write sets the PTE's bit again): the page is being
 * written back (reclaim_clean). O(mappings). */
int   mmu_test_clear_dirty(sim_t *s, pfn_t pfn);
/* Counts the PTEs of address space mmi (present or not) with `bit` set and clears it in them
 * (and the TLBs' copies): load control's working-set sample (loadctl.c). bit 0: counts those
 * with PTE_WSREF and clears nothing. O(its PTEs). */
uint64_t mmu_take_bit(sim_t *s, uint32_t mmi, uint32_t bit);
/* For each present PTE of address space mmi in [lo, hi): tests and clears its referenced bit
 * and calls fn (repl.h, walk_refs). By vpn when the range is smaller than the page table,
 * else in the table's creation order. Returns the PTEs visited. */
uint64_t mmu_walk_refs(sim_t *s, uint32_t mmi, vpn_t lo, vpn_t hi,
                       void (*fn)(void *arg, pfn_t pfn, vpn_t vpn, int referenced), void *arg);

#endif
