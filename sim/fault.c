/* fault.c - the page-fault handler: demand-zero, file, page cache, swap, swap cache, COW, segv.
 *
 * Written after the classic story (Silberschatz et al., OSC 9th ed., §9.2-9.3; Bovet &
 * Cesati, Understanding the Linux Kernel, ch. 9, "Page Fault Exception Handler"): find the
 * area; outside every area is a segmentation fault, a forbidden access a protection fault
 * (both counted and skipped); a present page written through a read-only PTE in a writable
 * private area is copy-on-write; a missing page is filled from the page cache, the swap
 * cache, the file, swap, or with zeroes. mmu.c calls it when the walk finds a PTE that does
 * not allow the access. Cost: one area lookup (a binary search), a cache lookup, and at most
 * one frame from reclaim and one device request (with its readahead or swap cluster).
 *
 * A fault that must wait (device I/O, or the write-back of a dirty victim) is split in two
 * as in a real kernel: the first half allocates and locks the frame and submits I/O; the
 * process blocks and an EV_IO_DONE event runs fault_complete, which maps the page and
 * completes the access that faulted (p->access_done), so the process resumes after it. That
 * guarantees progress: were the instruction simply restarted when the process next runs,
 * other processes' faults could evict the page first, again and again (a livelock seen with
 * FIFO, 3 frames and 2 CPUs). Only a write that must still copy (a private page mapped
 * read-only) restarts, and then is not shown to the policy a second time (PTE_FRESH). A
 * fault that needs no wait completes at once.
 *
 * Page identity (policies/repl.h): each frame taken for a page gets the page's key -- a file
 * or shared-memory page's (object, index), an anonymous page's id from its swap slot
 * (swap[slot].key), or a new id for a page that did not exist before (demand-zero, a COW or fork
 * copy: fault_anon_key) -- and reclaim tells the policy of the miss with it. */
#include "sim_int.h"
#include "fault.h"
#include "frame.h"
#include "policy.h"
#include "reclaim.h"
#include "swap.h"
#include "vma.h"

const char *const fault_kind_names[FK_N] = {
    "demand_zero", "file_read", "page_cache", "swap_in", "swap_cache", "cow", "segv", "protection",
};

static void fault_map_page(sim_t *s, proc_t *p, pte_t *pte, pfn_t pfn, uint32_t perms)
{
    mm_t *mm = &s->mms[p->mm];
    pte->flags = PTE_PRESENT | perms;
    pte->val = pfn;
    frame_rmap_add(s, pfn, p->mm, pte);
    if (++mm->resident > p->resident_peak)
        p->resident_peak = mm->resident;
}

/* The key of a new anonymous page (demand-zero, a COW or fork copy). */
static page_key_t fault_anon_key(sim_t *s)
{
    return PAGE_KEY_ANON | ++s->next_anon;
}

/* The charge of a frame taken for p (frame.owner: 1 + its index). */
static inline uint32_t fault_owner(const sim_t *s, const proc_t *p)
{
    return (uint32_t)(p - s->procs) + 1;
}


static inline void fault_count(sim_t *s, proc_t *p, int fk)
{
    s->n_faults[fk]++;
    p->n_faults[fk]++;
}

/* Ends a fault: at once when ready <= now, or by blocking p until ready. */
static int fault_finish(sim_t *s, cpu_t *c, proc_t *p, pte_t *pte, pfn_t pfn, pfn_t old,
                        uint32_t perms, int fk, uint64_t key, const mem_ref_t *r,
                        sim_time_t start, sim_time_t ready)
{
    p->pend_pte = pte;
    p->pend_pfn = pfn;
    p->pend_old = old;
    p->pend_perms = perms;
    p->pend_fk = (uint32_t)fk;
    p->pend_key = key;
    p->pend_ref = *r;
    p->fault_start = start;
    if (ready <= c->clock) {
        fault_complete(s, p, c->clock, 1);
        return F_DONE;
    }
    frame_t *f = &s->frames[pfn];
    if (!(f->flags & FR_LOCKED) || f->ready_at < ready) {
        f->flags |= FR_LOCKED;
        f->ready_at = ready;
    }
    p->state = P_BLOCKED;
    p->blocked_since = c->clock;
    evq_push(&s->evq, ready, EV_IO_DONE, (uint32_t)(p - s->procs), 0);
    return F_BLOCKED;
}

void fault_complete(sim_t *s, proc_t *p, sim_time_t now, int sync)
{
    if (p->pend_pfn == PFN_NONE)
        return;                             /* a wait for memory: the access just retries */
    frame_t *f = &s->frames[p->pend_pfn];
    pte_t *pte = p->pend_pte;
    if ((f->flags & FR_LOCKED) && f->ready_at <= now)
        f->flags &= ~FR_LOCKED;
    int valid = 1;
    if (p->pend_old != PFN_NONE)            /* COW: the old page must still be mapped here */
        valid = (pte->flags & PTE_PRESENT) && pte->val == p->pend_old;
    else if (p->pend_key)                   /* a cached page another fault brought in */
        valid = (f->flags & FR_USED) && !(f->flags & FR_LOCKED) && p->pend_key ==
                ((f->flags & FR_SWAPCACHE) ? f->swap_slot : page_key_file(frame_obj(f), frame_index(f)));
    if (!valid) {
        /* Lost a race while blocked: give back a private frame and let the access fault anew. */
        if (!p->pend_key && !f->mapcount && !(f->flags & FR_TRACKED)) {
            frame_uncache(s, p->pend_pfn);
            frame_release(s, p->pend_pfn);
        }
        return;
    }
    if (p->pend_old != PFN_NONE) {
        frame_rmap_del(s, p->pend_old, pte);
        s->mms[p->mm].resident--;
        cpu_shootdown(s->cpus, s->ncpus, p->mm, pte->vpn);
        if (!s->frames[p->pend_old].mapcount)
            frame_put(s, p->pend_old, REPL_COW);
    }
    if (pte->flags & PTE_SWAP)
        swap_unref(s, pte->val);
    fault_map_page(s, p, pte, p->pend_pfn, p->pend_perms);
    /* The faulting reference touches the page: its R (and D) bits are set before the policy
     * hears of it, as the hardware would set them. */
    pte->flags |= PTE_REF | (s->hit_bits[REF_READ] & PTE_WSREF);
    if (p->pend_ref.kind == REF_WRITE && (p->pend_perms & PTE_WRITE))
        pte->flags |= PTE_DIRTY;          /* a write through a read-only PTE will copy instead */
    uint32_t need = pt_need(p->pend_ref.kind);
    if (!sync && (p->pend_perms & need) == need)
        p->access_done = 1;               /* the access is done; the process resumes after it */
    else
        pte->flags |= PTE_FRESH;          /* it runs on (sync) or restarts: no second on_hit */
    policy_touch(s, p->pend_pfn, &p->pend_ref);
    double ns = (double)(now - p->fault_start) / PS_PER_NS;
    hist_add(s->lat_fault, ns);
    if (fault_is_major((int)p->pend_fk))
        hist_add(s->lat_major, ns);
}

/* A new anonymous frame for p: zero-filled, or a private copy of src. */
static int fault_anon_new(sim_t *s, cpu_t *c, proc_t *p, pte_t *pte, const vma_t *v, pfn_t src,
                    int fk, const mem_ref_t *r, sim_time_t start)
{
    sim_time_t ready;
    page_id_t pg = {.key = fault_anon_key(s), .kind = PAGE_ANON};
    pfn_t pfn = reclaim_get_frame(s, c, r, &pg, fault_owner(s, p), REPL_REQ_DIRECT, 1, &ready);
    int claimed = 0;
    if (src != PFN_NONE && !((pte->flags & PTE_PRESENT) && pte->val == src) && pfn != src) {
        /* The policy released the source at the miss (repl.h: env->release from on_miss): it
         * is in swap or gone, and the access must fault anew. The frame goes back (once its
         * victim's write-back, if any, is done). */
        frame_charge(s, pfn, 0);
        s->frames[pfn].key = PAGE_KEY_NONE;
        if (ready > c->clock) {
            s->frames[pfn].flags |= FR_LOCKED;
            s->frames[pfn].ready_at = ready;
            evq_push(&s->evq, ready, EV_WRITEBACK, pfn, 0);
        } else {
            frame_release(s, pfn);
        }
        return F_RESTART;
    }
    if (src != PFN_NONE && !((pte->flags & PTE_PRESENT) && pte->val == src)) {
        SIM_ASSERT(s, pfn == src);       /* one eviction per reclaim_get_frame: it took the source */
        /* Reclaim chose the very page being copied. It is unmapped everywhere now (the other
         * sharers find it in swap or in their cache), and its contents are still in the frame
         * we were handed: that frame becomes the writer's private copy, no copy needed.
         * Restarting instead could loop for ever (MRU always picks the source). */
        claimed = 1;
    }
    frame_t *f = &s->frames[pfn];
    f->flags |= FR_ANON;
    if (r->kind == REF_WRITE)
        f->flags |= FR_DIRTY;
    mem_ref_t cr = *r;
    if (src != PFN_NONE) {
        if (!claimed)
            c->clock += s->cost.copy;
        s->n_cow_copies++;
        /* The copy is the page the reference leaves mapped; a policy that knows the future
         * learns the source's next use too (the copy read it at this reference). */
        cr.next_use = r->copy_next_use;
        if (s->needs_next_use && !claimed && (s->frames[src].flags & FR_TRACKED))
            policy_touch(s, src, r);
    } else {
        c->clock += s->cost.zero;
    }
    return fault_finish(s, c, p, pte, pfn, claimed ? PFN_NONE : src, v->prot, fk, 0, &cr, start, ready);
}

static int fault_cow_exclusive(const sim_t *s, const frame_t *f)
{
    return (f->flags & FR_ANON) && f->mapcount == 1 &&
           (!f->swap_slot || s->swap[f->swap_slot].refs <= 1);
}

/* Un-shares up to the COW policy's `neighbours` pages after vpn, without faults: exclusive
 * ones are made writable, shared ones copied. Opportunistic: stops rather than wait for a
 * write-back to free a frame. */
static void fault_cow_neighbours(sim_t *s, cpu_t *c, proc_t *p, const vma_t *v, vpn_t vpn, uint32_t n)
{
    mm_t *mm = &s->mms[p->mm];
    for (vpn_t x = vpn + 1; x <= vpn + n && x < v->end; x++) {
        pte_t *pte = pt_lookup(&mm->pt, x);
        if (!pte || !(pte->flags & PTE_PRESENT) || (pte->flags & PTE_WRITE))
            continue;
        pfn_t old = pte->val;
        if (!(s->frames[old].flags & FR_ANON))
            continue;
        cpu_shootdown(s->cpus, s->ncpus, p->mm, x);
        if (fault_cow_exclusive(s, &s->frames[old])) {
            pte->flags |= PTE_WRITE;
            s->n_cow_reuses++;
            continue;
        }
        mem_ref_t r = {.t = policy_t(s), .next_use = VTIME_NEVER, .vpn = x, .pid = p->pid, .kind = REF_WRITE};
        sim_time_t ready;
        if (!reclaim_can_get(s, fault_owner(s, p)))
            return;
        page_id_t pg = {.key = fault_anon_key(s), .kind = PAGE_ANON};
        pfn_t pfn = reclaim_get_frame(s, c, &r, &pg, fault_owner(s, p), REPL_REQ_DIRECT,
                                      (uint32_t)(vpn + n + 1 - x), &ready);
        if (ready > c->clock || !((pte->flags & PTE_PRESENT) && pte->val == old)) {
            /* The frame is not free yet (dirty victim) or reclaim took our source: stop. */
            if (ready > c->clock) {
                s->frames[pfn].flags |= FR_LOCKED;
                s->frames[pfn].ready_at = ready;
            }
            frame_release(s, pfn);
            return;
        }
        c->clock += s->cost.copy;
        s->n_cow_copies++;
        s->frames[pfn].flags |= FR_ANON | FR_DIRTY;
        frame_rmap_del(s, old, pte);
        mm->resident--;
        if (!s->frames[old].mapcount)
            frame_put(s, old, REPL_COW);
        fault_map_page(s, p, pte, pfn, v->prot);
        policy_track(s, &r, pfn);
    }
}

/* Write to a present page through a read-only PTE in a writable private area. */
static int fault_cow(sim_t *s, cpu_t *c, proc_t *p, pte_t *pte, const vma_t *v,
                     const mem_ref_t *r, sim_time_t start)
{
    pfn_t old = pte->val;
    frame_t *f = &s->frames[old];
    fault_count(s, p, FK_COW);
    cow_page_t pg = {.pid = p->pid, .vpn = pte->vpn, .mapcount = f->mapcount,
                     .exclusive = fault_cow_exclusive(s, f)};
    if (pg.exclusive && policy_cow_at_write(s, &pg) == COW_REUSE) {
        /* Last owner: no copy, just make it writable (Linux do_wp_page's reuse path). */
        s->n_cow_reuses++;
        pte->flags |= PTE_WRITE;
        cpu_shootdown(s->cpus, s->ncpus, p->mm, pte->vpn);
        policy_touch(s, old, r);
        pte->flags |= PTE_FRESH;
        hist_add(s->lat_fault, (double)(c->clock - start) / PS_PER_NS);
        return F_DONE;
    }
    int rc = fault_anon_new(s, c, p, pte, v, old, FK_COW, r, start);
    uint32_t n;
    if (rc == F_DONE && (n = policy_cow_neighbours(s))) {
        fault_cow_neighbours(s, c, p, v, pte->vpn, n);
        /* A neighbour's copy may have had reclaim evict the page this fault just mapped (a
         * policy may choose the newest page: OPT, W-TinyLFU's window): the access faults
         * anew rather than fill the TLB with a PTE that is no longer present. */
        if (!(pte->flags & PTE_PRESENT))
            rc = F_RESTART;
    }
    return rc;
}

int fault_cow_at_fork(sim_t *s, cpu_t *c, pte_t *pp, uint32_t cmi, spid_t child, pte_t *cp,
                      const vma_t *v)
{
    frame_t *f = &s->frames[pp->val];
    cow_page_t pg = {.pid = 0, .vpn = pp->vpn, .mapcount = f->mapcount, .exclusive = 0};
    if (!(f->flags & FR_ANON) || policy_cow_at_fork(s, &pg) != COW_COPY)
        return 0;
    mem_ref_t r = {.t = policy_t(s), .next_use = VTIME_NEVER, .vpn = cp->vpn, .pid = child,
                   .kind = REF_WRITE};
    page_id_t copy = {.key = fault_anon_key(s), .kind = PAGE_ANON};
    sim_time_t ready;
    const uint64_t *ci = u64map_find(&s->pid2proc, child);
    pfn_t pfn = reclaim_get_frame(s, c, &r, &copy, ci ? (uint32_t)*ci + 1 : 0, REPL_REQ_FORK, 1, &ready);
    if (ready > c->clock)
        c->clock = ready;                  /* fork waits for the write-back that freed it */
    if (!(pp->flags & PTE_PRESENT)) {
        /* Reclaim evicted the parent's page to make room: share its swap copy instead. */
        frame_release(s, pfn);
        if (pp->flags & PTE_SWAP) {
            cp->flags = PTE_SWAP | (pp->flags & PTE_PERMS);
            cp->val = pp->val;
            swap_ref(s, pp->val);
        }
        return 1;
    }
    c->clock += s->cost.copy;
    s->n_cow_eager++;
    frame_t *nf = &s->frames[pfn];
    nf->flags |= FR_ANON | FR_DIRTY;
    cp->flags = PTE_PRESENT | v->prot;
    cp->val = pfn;
    frame_rmap_add(s, pfn, cmi, cp);
    s->mms[cmi].resident++;
    policy_track(s, &r, pfn);
    return 1;
}

/* Takes a frame for a prefetched page (readahead, swap clustering; r names it, left wanted
 * of the window) only if it is usable now: speculation must not make the fault wait for a
 * write-back. A prefetch given up puts back the shadow its miss took, for the page's next. */
static pfn_t fault_prefetch_frame(sim_t *s, cpu_t *c, const proc_t *p, const mem_ref_t *r,
                                  const page_id_t *pg, uint32_t left)
{
    if (!reclaim_can_get(s, fault_owner(s, p)))
        return PFN_NONE;                          /* every frame is busy with this fault */
    sim_time_t ready;
    pfn_t pfn = reclaim_get_frame(s, c, r, pg, fault_owner(s, p), REPL_REQ_PREFETCH, left, &ready);
    if (ready > c->clock) {
        s->frames[pfn].flags |= FR_LOCKED;        /* its victim's write-back is under way */
        s->frames[pfn].ready_at = ready;
        s->frames[pfn].key = PAGE_KEY_NONE;
        frame_charge(s, pfn, 0);
        evq_push(&s->evq, ready, EV_WRITEBACK, pfn, 0);
        if (s->miss_had)
            shadow_put(&s->shadows, pg->key, s->miss_shadow);
        return PFN_NONE;
    }
    return pfn;
}

/* A prefetched page joins its cache unmapped, locked until the shared request completes,
 * and the policy hears of it like any page that became resident. */
static void fault_prefetch_done(sim_t *s, pfn_t pfn, const mem_ref_t *r)
{
    frame_t *f = &s->frames[pfn];
    f->flags |= FR_LOCKED;
    policy_track(s, r, pfn);
}

/* A clustered read: the faulting page and up to `max` pages after it in one device request.
 * Swap clustering (Linux's page-cluster) takes the next swap slots in use: slots are
 * allocated in eviction order, so they hold pages evicted around the same time. Readahead
 * (Linux mm/readahead.c, simplified to a fixed window) takes the following pages of the file
 * within the mapping. Either stops at the first page already cached, and at the first that
 * would need a frame not usable now (fault_prefetch_frame). */
typedef struct fault_cluster {
    device_t *dev;
    uint64_t block;          /* the faulting page's block on dev */
    uint32_t max;            /* pages wanted after it (swap_cluster, readahead), at most 64 */
    uint32_t slot;           /* swap: the faulting page's slot */
    const vma_t *v;          /* file: the mapping, */
    uint64_t index;          /* and the faulting page's index in the file */
} fault_cluster_t;

/* Whether the i-th page after the faulting one (i >= 1) can join the read; pr's vpn becomes
 * a file page's, *pg the page (its key: the slot's, or the file's (object, index)). */
static int fault_cluster_next(const sim_t *s, const fault_cluster_t *cl, uint32_t i, mem_ref_t *pr,
                              page_id_t *pg)
{
    if (!cl->v) {
        uint32_t sl = cl->slot + i;
        if (!(sl < s->nswap && s->swap[sl].refs && s->swap[sl].pfn == PFN_NONE))
            return 0;
        *pg = (page_id_t){.key = s->swap[sl].key, .kind = PAGE_ANON};
        return 1;
    }
    const vma_t *v = cl->v;
    if (cl->index + i >= v->pgoff + (v->end - v->start) ||
        u64map_find(&s->pagecache, ((uint64_t)v->obj << 40) | (cl->index + i)))
        return 0;
    pr->vpn = v->start + (cl->index + i - v->pgoff);
    *pg = (page_id_t){.key = page_key_file(v->obj, cl->index + i), .kind = PAGE_FILE};
    return 1;
}

/* Frame x holds the i-th page after the faulting one: into its cache. */
static void fault_cluster_claim(sim_t *s, const fault_cluster_t *cl, uint32_t i, pfn_t x)
{
    frame_t *xf = &s->frames[x];
    if (!cl->v) {
        uint32_t sl = cl->slot + i;
        xf->flags |= FR_ANON | FR_SWAPCACHE;
        xf->swap_slot = sl;
        swap_ref(s, sl);
        s->swap[sl].pfn = x;
    } else {
        xf->flags |= FR_PAGECACHE;
        SIM_ASSERT(s, xf->key == page_key_file(cl->v->obj, cl->index + i));
        u64map_put(&s->pagecache, xf->key, x);
    }
}

/* Submits the clustered read of the faulting page (its frame set up by the caller) and of
 * the pages after it that can join; returns when it completes, and in *n_extra how many
 * joined. The prefetched pages join their cache locked until then (fault_prefetch_done). */
static inline sim_time_t fault_read_cluster(sim_t *s, cpu_t *c, const proc_t *p,
                                            const fault_cluster_t *cl, const mem_ref_t *r,
                                            uint32_t *n_extra)
{
    pfn_t extra[64];
    uint32_t k = 0;
    mem_ref_t pr = *r;
    pr.next_use = VTIME_NEVER;
    page_id_t pg;
    while (k < cl->max && k < 64 && fault_cluster_next(s, cl, k + 1, &pr, &pg)) {
        pfn_t x = fault_prefetch_frame(s, c, p, &pr, &pg, cl->max - k);
        if (x == PFN_NONE)
            break;
        fault_cluster_claim(s, cl, k + 1, x);
        extra[k++] = x;
    }
    sim_time_t done = dev_submit(cl->dev, c->clock, DEV_READ, cl->block, 1 + k);
    for (uint32_t i = 0; i < k; i++) {
        fault_prefetch_done(s, extra[i], &pr);
        s->frames[extra[i]].ready_at = done;
    }
    *n_extra = k;
    return done;
}

uint32_t fault_swap_willneed(sim_t *s, cpu_t *c, proc_t *p, pte_t *const *ptes, uint32_t n)
{
    mem_ref_t pr = {.t = policy_t(s), .next_use = VTIME_NEVER, .copy_next_use = VTIME_NEVER,
                    .vpn = REPL_VPN_NONE, .pid = p->pid, .kind = REF_READ};
    for (uint32_t i = 0; i < n; i++) {
        uint32_t slot = ptes[i]->val;
        if (s->swap[slot].pfn != PFN_NONE)
            continue;                              /* in the swap cache already */
        page_id_t pg = {.key = s->swap[slot].key, .kind = PAGE_ANON};
        pfn_t x = fault_prefetch_frame(s, c, p, &pr, &pg, n - i);
        if (x == PFN_NONE)
            return i;
        fault_cluster_t cl = {.dev = s->swap_dev, .slot = slot};
        fault_cluster_claim(s, &cl, 0, x);
        fault_prefetch_done(s, x, &pr);
        s->frames[x].ready_at = dev_submit(s->swap_dev, c->clock, DEV_READ, slot, 1);
        s->n_swap_in++;
        s->n_swap_readahead++;
    }
    return n;
}

/* A page found in the swap cache or the page cache (its map's value): its frame, ready now or
 * when the I/O in flight on it completes. */
static pfn_t fault_cached(const sim_t *s, const cpu_t *c, uint64_t val, sim_time_t *ready)
{
    pfn_t pfn = (pfn_t)val;
    const frame_t *f = &s->frames[pfn];
    *ready = (f->flags & FR_LOCKED) ? f->ready_at : c->clock;
    return pfn;
}

/* A private anonymous page that was swapped out: in the swap cache, or read back. */
static int fault_swap(sim_t *s, cpu_t *c, proc_t *p, pte_t *pte, const vma_t *v,
                      const mem_ref_t *r, sim_time_t start)
{
    uint32_t slot = pte->val;
    pfn_t pfn;
    sim_time_t ready;
    int fk;
    if (s->swap[slot].pfn != PFN_NONE) {
        pfn = fault_cached(s, c, s->swap[slot].pfn, &ready);
        fk = FK_SWAP_CACHE;
    } else {
        fk = FK_SWAP_IN;
        page_id_t pg = {.key = s->swap[slot].key, .kind = PAGE_ANON};
        pfn = reclaim_get_frame(s, c, r, &pg, fault_owner(s, p), REPL_REQ_DIRECT, 1 + s->swap_cluster,
                                &ready);
        frame_t *f = &s->frames[pfn];
        f->flags |= FR_ANON | FR_SWAPCACHE;
        f->swap_slot = slot;
        swap_ref(s, slot);                         /* the swap cache's reference */
        s->swap[slot].pfn = pfn;
        /* The next slots in use come in with it, in one request (fault_read_cluster). */
        fault_cluster_t cl = {.dev = s->swap_dev, .block = slot, .max = s->swap_cluster, .slot = slot};
        uint32_t k;
        sim_time_t done = fault_read_cluster(s, c, p, &cl, r, &k);
        if (done > ready)
            ready = done;
        s->n_swap_in += 1 + k;
        s->n_swap_readahead += k;
    }
    fault_count(s, p, fk);
    /* Writable only if no one else can reach this copy: this PTE and the cache hold the
     * only references, and nobody maps it yet. Otherwise it is still COW-shared. */
    uint32_t perms = v->prot;
    if (s->frames[pfn].mapcount || s->swap[slot].refs > 2)
        perms &= ~PTE_WRITE;
    return fault_finish(s, c, p, pte, pfn, PFN_NONE, perms, fk, slot, r, start, ready);
}

/* A page of a file or of shared anonymous memory: the page cache, else the file or swap. */
static int fault_object(sim_t *s, cpu_t *c, proc_t *p, pte_t *pte, const vma_t *v,
                        const mem_ref_t *r, sim_time_t start)
{
    obj_t *o = &s->objs[v->obj];
    uint64_t index = v->pgoff + (pte->vpn - v->start);
    if (index >> 40)                  /* only the implicit area reaches so far (config implicit=file) */
        xtrap_throw(SIM_EINPUT, "%s: page %llu is beyond the 2^40 pages a file can have "
                    "(--set implicit=file; implicit=anon takes any page)",
                    s->cur_wl ? s->cur_wl->path : "the trace", (unsigned long long)index);
    uint64_t key = ((uint64_t)v->obj << 40) | index;
    uint64_t *hit = u64map_find(&s->pagecache, key);
    pfn_t pfn;
    sim_time_t ready;
    int fk;
    if (hit) {
        pfn = fault_cached(s, c, *hit, &ready);
        fk = FK_PAGE_CACHE;
    } else {
        page_id_t pg = {.key = page_key_file(v->obj, index),
                        .kind = o->kind == OBJ_FILE ? PAGE_FILE : PAGE_ANON};
        /* madvise random (VMA_RAND_READ): no readahead, as the kernel's VM_RAND_READ */
        uint32_t ra = (v->flags & VMA_RAND_READ) ? 0 : s->readahead;
        pfn = reclaim_get_frame(s, c, r, &pg, fault_owner(s, p), REPL_REQ_DIRECT,
                                1 + (o->kind == OBJ_FILE ? ra : 0), &ready);
        frame_t *f = &s->frames[pfn];
        f->flags |= FR_PAGECACHE;
        SIM_ASSERT(s, f->key == key);
        u64map_put(&s->pagecache, key, pfn);
        sim_time_t done = c->clock;
        uint64_t *slot = o->kind == OBJ_SHM ? u64map_find(&o->swap, index) : NULL;
        if (o->kind == OBJ_FILE) {
            /* Readahead: the following pages of the file within this mapping, in the same
             * request (fault_read_cluster). */
            fk = FK_FILE_READ;
            fault_cluster_t cl = {.dev = s->file_dev, .block = o->dev_base + index, .max = ra,
                                  .v = v, .index = index};
            uint32_t k;
            done = fault_read_cluster(s, c, p, &cl, r, &k);
            s->n_file_read += 1 + k;
            s->n_readahead += k;
        } else if (slot) {
            fk = FK_SWAP_IN;
            f->swap_slot = (uint32_t)*slot;         /* the object's reference moves to the frame */
            u64map_del(&o->swap, index);
            done = dev_submit(s->swap_dev, c->clock, DEV_READ, f->swap_slot, 1);
            s->n_swap_in++;
        } else {
            fk = FK_DEMAND_ZERO;
            c->clock += s->cost.zero;
            done = c->clock;
        }
        if (done > ready)
            ready = done;
    }
    fault_count(s, p, fk);
    /* A private mapping maps the cached page read-only: a write then copies it (COW). */
    uint32_t perms = v->prot;
    if (!(v->flags & VMA_SHARED))
        perms &= ~PTE_WRITE;
    int rc = fault_finish(s, c, p, pte, pfn, PFN_NONE, perms, fk, key, r, start, ready);
    if (rc == F_DONE && r->kind == REF_WRITE && !(v->flags & VMA_SHARED))
        rc = F_RESTART;                              /* the write restarts and copies */
    return rc;
}

int fault_handle(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind, pte_t *pte)
{
    mm_t *mm = &s->mms[p->mm];
    sim_time_t start = c->clock;
    c->clock += s->cost.fault;
    cpu_clock_check(s, c->clock);        /* the slow path checks simulated time (types.h) */
    const vma_t *v = vma_find(mm, vpn);
    uint32_t need = pt_need(kind);
    if (!v) {
        fault_count(s, p, FK_SEGV);
        return F_SKIP;
    }
    if (!(v->prot & need)) {
        fault_count(s, p, FK_PROTECTION);
        return F_SKIP;
    }
    if (!reclaim_can_get(s, fault_owner(s, p))) {
        /* Every frame holds a page still being read in: nothing can be evicted yet. Wait
         * for the earliest completion and retry (only several processes faulting at once
         * on fewer frames than they are get here). Not counted: the retry is the fault. */
        sim_time_t t = SIM_TIME_MAX;
        for (pfn_t f = 0; f < s->nframes; f++)
            if ((s->frames[f].flags & FR_LOCKED) && s->frames[f].ready_at < t)
                t = s->frames[f].ready_at;
        SIM_ASSERT(s, t != SIM_TIME_MAX);
        p->pend_pfn = PFN_NONE;
        p->state = P_BLOCKED;
        p->blocked_since = c->clock;
        evq_push(&s->evq, t, EV_IO_DONE, (uint32_t)(p - s->procs), 0);
        return F_BLOCKED;
    }
    if (!pte)
        pte = pt_get(&mm->pt, vpn);             /* else the walk's: no second lookup */
    SIM_ASSERT(s, pte->vpn == vpn);
    mem_ref_t r = policy_ref(s, p, vpn, kind);
    if (s->nu) {
        /* A write that copies uses two pages: the one it found, then its copy. */
        r.copy_next_use = r.next_use;
        r.next_use = nu_get_src(s->nu, policy_t(s));
    }
    if (pte->flags & PTE_PRESENT) {
        if ((pte->flags & need) == need)
            return F_SPURIOUS;
        SIM_ASSERT(s, kind == REF_WRITE && !(v->flags & VMA_SHARED));
        return fault_cow(s, c, p, pte, v, &r, start);
    }
    /* A swap entry in a private area is an anonymous page, also in a file mapping (a private
     * file page's copy, swapped out): it comes back from swap, not from the file. */
    if ((pte->flags & PTE_SWAP) && !(v->flags & VMA_SHARED)) {
swap_in:                                           /* (one call site: fault_swap stays inline) */
        return fault_swap(s, c, p, pte, v, &r, start);
    }
    if ((v->flags & VMA_ANON) && !(v->flags & VMA_SHARED)) {
        if (__builtin_expect(v->flags & VMA_SWAPPED, 0)) {
            /* implicit=swap: an untouched page is on swap already (a fresh slot with a new
             * page's key), so its first touch is a swap-in, and it keeps that copy. */
            uint32_t slot = swap_alloc(s);
            s->swap[slot].key = fault_anon_key(s);
            swap_ref(s, slot);                     /* the PTE's reference */
            pte->flags = PTE_SWAP | (pte->flags & PTE_PERMS);
            pte->val = slot;
            goto swap_in;
        }
        fault_count(s, p, FK_DEMAND_ZERO);
        return fault_anon_new(s, c, p, pte, v, PFN_NONE, FK_DEMAND_ZERO, &r, start);
    }
    return fault_object(s, c, p, pte, v, &r, start);
}

