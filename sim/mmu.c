/* mmu.c - one memory reference: TLB, page walk, and the fault handler's entry.
 *
 * The hot path (a TLB hit on a permitted page, mmu_access in mmu.h) is a handful of loads
 * and stores: the TLB set scan, the referenced/dirty bits in the PTE, and the policy's
 * on_hit if it has one. A run of hits known from a trace's summary (mmu_run_hits) is applied
 * page by page instead. A TLB miss adds a hash lookup of the PTE (the "walk", charged
 * costs.walk) and a TLB fill. Everything else is the fault handler (fault.c), which this
 * file calls until the access is done, skipped or blocked.
 *
 * Referenced bits: by default every reference sets R, as the textbooks assume; with
 * ref_bit "tlb_fill", only a walk that fills the TLB sets it, as x86 hardware does, so a bit
 * cleared by the policy stays clear while the translation stays cached. */
#include "sim_int.h"
#include "fault.h"
#include "mmu.h"
#include "policy.h"

#include <string.h>

/* Everything but a plain TLB hit: a miss (walk, and the fault handler if the PTE does not
 * allow the access), or a hit whose cached rights are too few (they may have grown since the
 * fill; else a protection or copy-on-write fault). */
int mmu_access_slow(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind, tlb_entry_t *e)
{
    uint32_t need = pt_need(kind);
    pte_t *pte = e ? e->pte : (c->clock += s->cost.walk, pt_lookup(&s->mms[p->mm].pt, vpn));
    /* A while, not an if: the fault's own work may take the page away again before the
     * access completes (cow=neighbours copies the following pages and its reclaim may evict
     * the page just faulted in); the access then faults again, as a re-executed instruction
     * would. */
    while (!pte || (pte->flags & (PTE_PRESENT | need)) != (PTE_PRESENT | need)) {
        for (;;) {
            int rc = fault_handle(s, c, p, vpn, kind, pte);
            if (rc == F_BLOCKED)
                return 1;
            if (rc == F_SKIP)
                return 0;
            if (rc != F_RESTART)
                break;
            c->clock += s->cost.walk;                /* the restarted access walks again */
        }
        pte = pt_lookup(&s->mms[p->mm].pt, vpn);
    }
    /* The walk sets R even when only fills do (ref_bit tlb_fill), and the access its own
     * bits; the fill then caches which are set. After a fault (PTE_FRESH) the completion
     * already set this reference's bits before the policy heard of it, and the policy may
     * have cleared R on purpose (clock:ref_on_load=0): the same reference sets it no more. */
    if (pte->flags & PTE_FRESH) {
        pte->flags = (pte->flags & ~PTE_FRESH) | (s->hit_bits[kind] & ~PTE_REF);
        tlb_fill(&c->tlb, e, p->mm, vpn, pte);       /* the fault already told the policy */
    } else {
        pte->flags |= s->hit_bits[kind] | PTE_REF;
        tlb_fill(&c->tlb, e, p->mm, vpn, pte);
        policy_hit(s, p, vpn, kind, pte->val);
    }
    return 0;
}

/* Hits leave behind only counts and orders: the TLB's LRU stamps, the policy's recency and
 * c->last depend on the order of each page's last reference, the R and D bits on which kinds
 * touched it. So a run is checked first (every page cached with the rights its kinds need:
 * then every reference of it is a hit, since hits change no mapping) and then applied page by
 * page in last-reference order, giving the stamps the same order among themselves and
 * against every other entry as one by one (the exact values differ: only order is ever
 * compared). Cost: a TLB probe per page instead of a lookup per reference; a run of ~70
 * references over ~5 pages costs what ~5 references did. */
int mmu_run_hits(sim_t *s, cpu_t *c, proc_t *p, const wl_run_t *run)
{
    unsigned shift = s->page_shift - WL_RUN_SHIFT;
    tlb_entry_t *e[WL_RUN_PAGES];
    unsigned kinds[WL_RUN_PAGES], m = 0;
    for (unsigned i = 0; i < run->m; i++) {
        tlb_entry_t *x = tlb_peek(&c->tlb, p->mm, run->page[i] >> shift);
        unsigned k = run->kinds[i];
        uint32_t need = (k & 1 ? pt_need(REF_READ) : 0) | (k & 2 ? pt_need(REF_WRITE) : 0) |
                        (k & 4 ? pt_need(REF_IFETCH) : 0);
        if (!x || (x->perms & need) != need)
            return 0;
        /* With pages larger than the run's, several run pages are one: it takes the place of
         * the last of them. */
        unsigned j = 0;
        while (j < m && e[j] != x)
            j++;
        if (j < m) {
            k |= kinds[j];
            memmove(&e[j], &e[j + 1], (m - j - 1) * sizeof *e);
            memmove(&kinds[j], &kinds[j + 1], (m - j - 1) * sizeof *kinds);
            m--;
        }
        e[m] = x;
        kinds[m++] = k;
    }
    sim_time_t dt;
    if (ck_mul_u64(run->n, s->cost.tlb_hit, &dt) || ck_add_u64(c->clock, dt, &c->clock))
        cpu_clock_check(s, SIM_TIME_MAX);
    cpu_clock_check(s, c->clock);
    c->tlb.hits += run->n;
    uint64_t end = c->tlb.clock + run->n;
    for (unsigned j = 0; j < m; j++) {
        tlb_entry_t *x = e[j];
        unsigned k = kinds[j];
        uint32_t want = (k & 1 ? s->hit_bits[REF_READ] : 0) | (k & 2 ? s->hit_bits[REF_WRITE] : 0) |
                        (k & 4 ? s->hit_bits[REF_IFETCH] : 0);
        x->stamp = ++c->tlb.clock;
        if (want & ~(uint32_t)x->set) {
            x->pte->flags |= want;
            x->set |= (uint16_t)want;
        }
        /* the kind of the page's last reference is not known; LAST_ONLY policies ignore it */
        policy_hit(s, p, x->vpn, k & 4 ? REF_IFETCH : k & 2 ? REF_WRITE : REF_READ, x->pfn);
        if (k & 3)
            c->last[0] = x;
        if (k & 4)
            c->last[1] = x;
    }
    c->tlb.clock = end;
    return 1;
}

/* The policy's views of PTE bits (policies/repl.h): test-and-clear of a frame's R bits over
 * its reverse map, its dirtiness, and a walk over an address space's PTEs (MGLRU's aging).
 * Each clears the TLBs' cached copy of a cleared bit, so the next hit sets it again. */
int mmu_test_clear_ref(void *eng, pfn_t pfn)
{
    sim_t *s = eng;
    int ref = (s->frames[pfn].flags & FR_SOFTREF) != 0;   /* a buffered access (fileio.c) */
    s->frames[pfn].flags &= ~FR_SOFTREF;
    for (uint32_t n = s->frames[pfn].rmap; n; n = s->rmap[n].next) {
        pte_t *pte = s->rmap[n].pte;
        if (pte->flags & PTE_REF) {
            ref = 1;
            pte->flags &= ~PTE_REF;
            for (uint32_t i = 0; i < s->ncpus; i++)
                tlb_forget_bits(&s->cpus[i].tlb, s->rmap[n].mm, pte->vpn, PTE_REF);
        }
    }
    return ref;
}

/* The hand's look-ahead (repl.h, env->prefetch_ref): a step of test_clear_ref reads the
 * frame (its flags and first node), the frame's own reverse-map node (frame.c: rmap[pfn + 1])
 * and the PTE it names, three dependent misses on a large footprint (63% of CLOCK's
 * test_clear_ref time waited on the PTE, large-footprint workload). `far`'s frame (both of
 * its lines when it straddles one) and node are fetched a few steps ahead, `near`'s PTE,
 * whose address that node holds, nearer, with its swap slot (if it has one), which evicting
 * it reads next (reclaim.c). */
void mmu_prefetch_ref(void *eng, pfn_t near, pfn_t far)
{
    const sim_t *s = eng;
    if (near < s->nframes) {
        const pte_t *pte = s->rmap[near + 1].pte;
        if (pte)
            pt_prefetch(pte);
        uint32_t slot = s->frames[near].swap_slot;   /* what evicting it would read next */
        if (slot && slot < s->nswap)
            pt_prefetch(&s->swap[slot]);
    }
    if (far < s->nframes) {
        pt_prefetch(&s->frames[far]);
        pt_prefetch((const char *)&s->frames[far] + sizeof(frame_t) - 1);
        pt_prefetch(&s->rmap[far + 1]);
    }
}

/* Linux's folio_referenced (repl.h, env->referenced): the mappings of pfn whose R bit was
 * set, each cleared; REPL_VM_EXEC if one of them is executable in a declared area. */
uint32_t mmu_test_clear_refs(void *eng, pfn_t pfn, unsigned *vm_flags)
{
    sim_t *s = eng;
    uint32_t n = 0;
    unsigned fl = 0;
    for (uint32_t r = s->frames[pfn].rmap; r; r = s->rmap[r].next) {
        pte_t *pte = s->rmap[r].pte;
        if (__builtin_expect(s->norecency, 0)) {
            /* mm/rmap.c invalid_folio_referenced_vma: a mapping in an area with no recency
             * (madvise random or sequential: vma_has_recency) is skipped, its young bit
             * neither counted nor cleared. */
            const vma_t *v = vma_find(&s->mms[s->rmap[r].mm], pte->vpn);
            if (v && (v->flags & (VMA_RAND_READ | VMA_SEQ_READ)))
                continue;
        }
        if (pte->flags & PTE_REF) {
            n++;
            pte->flags &= ~PTE_REF;
            for (uint32_t i = 0; i < s->ncpus; i++)
                tlb_forget_bits(&s->cpus[i].tlb, s->rmap[r].mm, pte->vpn, PTE_REF);
            if ((pte->flags & PTE_EXEC) && !s->mms[s->rmap[r].mm].implicit)
                fl |= REPL_VM_EXEC;
        }
    }
    *vm_flags = fl;
    return n;
}

/* A present PTE of an MGLRU-style walk: tests and clears its R bit (and the TLBs' copies).
 * -1 for a PTE in an area with no recency (madvise random or sequential), which the walk
 * skips, its bit neither seen nor cleared, as mm/vmscan.c should_skip_vma skips the area
 * (!vma_has_recency). */
static int mmu_walk_pte(sim_t *s, uint32_t mmi, pte_t *pte)
{
    if (__builtin_expect(s->norecency, 0)) {
        const vma_t *v = vma_find(&s->mms[mmi], pte->vpn);
        if (v && (v->flags & (VMA_RAND_READ | VMA_SEQ_READ)))
            return -1;
    }
    int ref = (pte->flags & PTE_REF) != 0;
    if (ref) {
        pte->flags &= ~PTE_REF;
        for (uint32_t i = 0; i < s->ncpus; i++)
            tlb_forget_bits(&s->cpus[i].tlb, mmi, pte->vpn, PTE_REF);
    }
    return ref;
}

uint64_t mmu_walk_refs(sim_t *s, uint32_t mmi, vpn_t lo, vpn_t hi,
                       void (*fn)(void *arg, pfn_t pfn, vpn_t vpn, int referenced), void *arg)
{
    pagetable_t *pt = &s->mms[mmi].pt;
    uint64_t n = 0;
    if (hi > lo && hi - lo < pt->n) {              /* a small range: by vpn, ascending */
        for (vpn_t v = lo; v < hi; v++) {
            pte_t *pte = pt_lookup(pt, v);
            int ref;
            if (pte && (pte->flags & PTE_PRESENT) && (ref = mmu_walk_pte(s, mmi, pte)) >= 0) {
                n++;
                fn(arg, pte->val, v, ref);
            }
        }
        return n;
    }
    for (size_t i = 0; i < pt->n; i++) {           /* else the table, in creation order */
        pte_t *pte = pt_at(pt, i);
        int ref;
        if ((pte->flags & PTE_PRESENT) && pte->vpn >= lo && pte->vpn < hi &&
            (ref = mmu_walk_pte(s, mmi, pte)) >= 0) {
            n++;
            fn(arg, pte->val, pte->vpn, ref);
        }
    }
    return n;
}

uint64_t mmu_take_bit(sim_t *s, uint32_t mmi, uint32_t bit)
{
    pagetable_t *pt = &s->mms[mmi].pt;
    uint64_t n = 0;
    uint32_t count = bit ? bit : PTE_WSREF;
    for (size_t i = 0; i < pt->n; i++) {
        pte_t *pte = pt_at(pt, i);
        if (!(pte->flags & count))
            continue;
        n++;
        if (!bit)
            continue;                            /* counted only */
        pte->flags &= ~bit;
        if (pte->flags & PTE_PRESENT)
            for (uint32_t c = 0; c < s->ncpus; c++)
                tlb_forget_bits(&s->cpus[c].tlb, mmi, pte->vpn, bit);
    }
    return n;
}

int mmu_test_clear_dirty(sim_t *s, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    int dirty = (f->flags & FR_DIRTY) != 0;
    for (uint32_t n = f->rmap; n; n = s->rmap[n].next) {
        pte_t *pte = s->rmap[n].pte;
        if (pte->flags & PTE_DIRTY) {
            dirty = 1;
            pte->flags &= ~PTE_DIRTY;
            for (uint32_t i = 0; i < s->ncpus; i++)
                tlb_forget_bits(&s->cpus[i].tlb, s->rmap[n].mm, pte->vpn, PTE_DIRTY);
        }
    }
    f->flags &= ~FR_DIRTY;
    return dirty;
}

int mmu_is_dirty(void *eng, pfn_t pfn)
{
    sim_t *s = eng;
    const frame_t *f = &s->frames[pfn];
    if (f->flags & FR_DIRTY)
        return 1;
    for (uint32_t n = f->rmap; n; n = s->rmap[n].next)
        if (s->rmap[n].pte->flags & PTE_DIRTY)
            return 1;
    return 0;
}
