/* reclaim.c - freeing a frame when memory is full: ask the policy, unmap, write back.
 *
 * On-demand reclaim, exactly the textbook page-fault path (Silberschatz et al., Operating
 * System Concepts, 9th ed., §9.4.1): when no frame is free, the replacement policy names a
 * victim; the engine unmaps it from every process through the reverse map (shooting down
 * their TLB entries), and writes it back if it must:
 *   - anonymous page, dirty: to swap (its old slot if it has one, else a new one);
 *   - anonymous page, clean with a swap copy (read back and not written since): no I/O;
 *   - anonymous page never written: dropped; its next touch is demand-zero again;
 *   - file page: dirty pages of shared mappings go back to the file, clean ones are dropped;
 *   - shared anonymous page: like anonymous, the slot remembered by its object.
 * The victim frame is handed straight to the caller, usable once the write-back (if any)
 * completes: that time is returned, and the faulting process waits for it. Cost: one
 * select_victim, O(mappers) unmapping, one device request when dirty. Cache lines: the
 * victim's frame (40 bytes: one or two lines), its own reverse-map node, its PTE (the dirty
 * fold and the unmapping) and its swap slot, each a miss on a large footprint, the PTE's
 * waiting for the node's. With a policy that can name its likely next victims
 * (repl.h, peek_victim: FIFO, LRU, CLOCK) they are prefetched one and two evictions ahead
 * (reclaim_hint), so an eviction mostly finds them in the cache (issue 13: on the
 * large-footprint workload LRU's eviction went from about 30% of the time to 13-16%).
 *
 * Optionally (reclaim.high > 0) a background reclaimer, after Linux's kswapd (Gorman,
 * Understanding the Linux Virtual Memory Manager, ch. 10): when an allocation leaves fewer
 * than reclaim.low frames free it is woken (an event), and evicts through the same policy
 * until reclaim.high frames are free. Clean victims are freed at once; dirty ones are
 * written back asynchronously and freed by the write's completion event, so faults find free
 * frames instead of waiting behind a write-back. Its work runs on its own clock, not a CPU.
 *
 * Interface v2 (policies/repl.h). Before a frame is taken for a page the policy hears of the
 * miss (policy_miss, with the page's shadow); the request it gets names the reason (direct,
 * background, fork copy, prefetch), the process and how many frames are wanted. The frame is
 * charged to that process (frame.owner). Under replacement=local a process at its quota
 * evicts one of its own frames even while others are free, and a process that must evict
 * takes one of its own when it has any (else any frame): its charge never passes its quota.
 * At eviction the policy may leave a shadow, kept (shadow.c) if the page's identity survives
 * the eviction: always for file and shared-memory pages, for an anonymous page only if it
 * has a swap copy (one never written is dropped and comes back as a new demand-zero page).
 * The policy may also give a frame back itself (reclaim_release: REPL_RELEASE), evicted on
 * the background reclaimer's clock like its victims.
 *
 * Cleaning without evicting (reclaim_clean, env->clean; issue 15, for WSClock: Carr and
 * Hennessy, SOSP 1981, schedule the write-back of a dirty old page and move on). The write
 * starts on the background reclaimer's clock and goes where an eviction would send it: an
 * anonymous page gets a swap slot (its old one if it has one) and joins the swap cache, as a
 * page swapped in and not written since, so its eviction later needs no I/O; a shared-memory
 * page keeps the slot in its frame; a file page goes to its file. The dirty state is cleared
 * when the write starts, as Linux's clear_page_dirty_for_io does (mm/page-writeback.c,
 * folio_clear_dirty_for_io before ->writepage): a write while it is under way dirties the
 * page again. The write's completion time is kept by frame (clean_until, allocated at the
 * first clean: 8 bytes a frame, only for policies that clean), and an eviction before it
 * waits for it as for a dirty victim's own write. A page the program drops (munmap, exit)
 * during its write frees its frame at once: the model does not hold the frame for the I/O. */
#include "sim_int.h"
#include "frame.h"
#include "policy.h"
#include "reclaim.h"
#include "swap.h"
#include "mmu.h"
#include "sim/base/xalloc.h"

/* Evicts the page in pfn (the policy's victim or a page it releases): the policy forgets it
 * and may leave a shadow; the page is unmapped everywhere and written back if it must be.
 * Returns the frame (still in use and charged as it was: the caller passes the charge on, or
 * drops it), ready at *ready. */
/* Starts fetching what evicting pfn reads first: its frame and its own reverse-map node,
 * two independent lines (frame.c), while the policy forgets the page. A hint only. */
static inline void reclaim_prefetch(const sim_t *s, pfn_t pfn)
{
    pt_prefetch(&s->frames[pfn]);
    pt_prefetch(&s->rmap[pfn + 1]);
}

/* The prefetch of the next evictions (repl.h, peek_victim), a pipeline two evictions deep:
 * after each eviction, the policy's likely next victim's PTE and swap slot (its frame and
 * own reverse-map node, which name them, were fetched after the eviction before, when it
 * was the one after next) and the frame (40 bytes: both its lines)
 * and own reverse-map node of the one after it. Between two evictions lie the rest of a
 * fault and the hits up to the next one: the lines are in by then. */
static inline void reclaim_hint(sim_t *s)
{
    if (!s->repl->peek_victim)
        return;
    pfn_t h = s->repl->peek_victim(s->repl_state, 0);
    if (h < s->nframes && (s->frames[h].flags & FR_TRACKED)) {
        const pte_t *pte = s->rmap[h + 1].pte;       /* (the frame's own node: frame.c) */
        if (pte)
            pt_prefetch(pte);
        if (s->frames[h].swap_slot && s->frames[h].swap_slot < s->nswap)
            pt_prefetch(&s->swap[s->frames[h].swap_slot]);
    }
    h = s->repl->peek_victim(s->repl_state, 1);
    if (h >= s->nframes)
        return;
    pt_prefetch(&s->frames[h]);
    pt_prefetch((const char *)&s->frames[h] + sizeof(frame_t) - 1);
    pt_prefetch(&s->rmap[h + 1]);
}

static pfn_t reclaim_evict_frame(sim_t *s, cpu_t *c, pfn_t pfn, repl_why_t why, sim_time_t *ready)
{
    reclaim_prefetch(s, pfn);
    SIM_ASSERT(s, pfn < s->nframes && (s->frames[pfn].flags & FR_TRACKED));
    frame_t *f = &s->frames[pfn];
    uint64_t shadow;
    int has_shadow = policy_untrack(s, pfn, why, &shadow);
    page_key_t key = f->key;
    s->n_evict++;
    c->clock += s->cost.evict;
    *ready = c->clock;

    /* Fold the PTEs' dirty bits in before deciding where the page goes. */
    for (uint32_t n = f->rmap; n; n = s->rmap[n].next)
        if (s->rmap[n].pte->flags & PTE_DIRTY)
            f->flags |= FR_DIRTY;
    int dirty = (f->flags & FR_DIRTY) != 0;
    uint32_t anon_slot = 0;                   /* an anonymous page's swap copy, if any */
    if (s->clean_until && s->clean_until[pfn]) {   /* its env->clean write still under way */
        if (s->clean_until[pfn] > *ready)
            *ready = s->clean_until[pfn];
        s->clean_until[pfn] = 0;
    }

    if (f->flags & FR_ANON) {
        uint32_t slot = f->swap_slot;
        if (dirty) {
            if (!slot)
                slot = swap_alloc(s);
            swap_ref(s, slot);                /* held until the PTEs take theirs */
            s->swap[slot].key = key;
            *ready = dev_submit(s->swap_dev, c->clock, DEV_WRITE, slot, 1);
            s->n_swap_out++;
            s->n_evict_dirty++;
            frame_unmap_all(s, c, pfn, slot);
            swap_unref(s, slot);
        } else {
            frame_unmap_all(s, c, pfn, slot);    /* slot 0: back to demand-zero */
        }
        anon_slot = slot;
    } else {
        obj_t *o = &s->objs[frame_obj(f)];
        if (o->kind == OBJ_SHM) {
            uint32_t slot = f->swap_slot;     /* the frame's slot reference passes to the object */
            f->swap_slot = 0;
            if (dirty) {
                if (!slot) {
                    slot = swap_alloc(s);
                    swap_ref(s, slot);
                }
                *ready = dev_submit(s->swap_dev, c->clock, DEV_WRITE, slot, 1);
                s->n_swap_out++;
                s->n_evict_dirty++;
            }
            if (slot) {
                s->swap[slot].key = key;
                u64map_put(&o->swap, frame_index(f), slot);
            }
        } else if (dirty) {
            *ready = dev_submit(s->file_dev, c->clock, DEV_WRITE, o->dev_base + frame_index(f), 1);
            s->n_file_write++;
            s->n_evict_dirty++;
        }
        frame_unmap_all(s, c, pfn, 0);
    }
    frame_uncache(s, pfn);
    /* The shadow is kept where the identity lives on: a file or shared-memory page's
     * (object, index), or an anonymous page's swap slot while anyone holds it. */
    if (has_shadow && (!(f->flags & FR_ANON) || (anon_slot && s->swap[anon_slot].refs)))
        shadow_put(&s->shadows, key, shadow);
    f->flags = FR_USED;
    f->key = PAGE_KEY_NONE;
    reclaim_hint(s);
    return pfn;
}

/* A frame being written back after an eviction or release (locked, holding no page): the
 * one done first, taken from its EV_WRITEBACK event. O(frames + events): only when a policy
 * released, at a miss, the frames the caller counted on. */
static pfn_t reclaim_writeback_frame(sim_t *s)
{
    pfn_t best = PFN_NONE;
    for (pfn_t f = 0; f < s->nframes; f++) {
        const frame_t *fr = &s->frames[f];
        if ((fr->flags & (FR_USED | FR_LOCKED | FR_TRACKED)) == (FR_USED | FR_LOCKED) &&
            !fr->key && !fr->mapcount && (best == PFN_NONE || fr->ready_at < s->frames[best].ready_at))
            best = f;
    }
    SIM_ASSERT(s, best != PFN_NONE);             /* callers wait for memory before this */
    SIM_ASSERT(s, evq_cancel(&s->evq, EV_WRITEBACK, best) == 1);
    s->frames[best].flags &= ~FR_LOCKED;
    return best;
}

pfn_t reclaim_get_frame(sim_t *s, cpu_t *c, const mem_ref_t *ref, const page_id_t *pg,
                        uint32_t owner, repl_reason_t why, uint32_t count, sim_time_t *ready)
{
    uint32_t pi = owner;
    proc_t *p = pi ? &s->procs[pi - 1] : NULL;
    s->miss_had = policy_miss(s, ref, pg, &s->miss_shadow);
    repl_req_t req = {.reason = why, .pid = ref->pid, .count = count ? count : 1, .ref = ref,
                      .page = pg};
    int at_quota = s->local && p && p->n_charged >= p->quota && p->n_charged_tracked > 0;
    pfn_t pfn = at_quota ? PFN_NONE : frame_alloc_free(s);
    if (s->wm_high && s->nfree < s->wm_low && !s->reclaim_pending) {
        s->reclaim_pending = 1;
        evq_push(&s->evq, c->clock, EV_RECLAIM, 0, 0);
    }
    if (pfn != PFN_NONE) {
        *ready = c->clock;
    } else if (!s->ntracked || (at_quota && !p->n_charged_tracked)) {
        /* The policy released at the miss (env->release from on_miss) what would have been
         * the victim, and its write-back is under way: take that frame, as a dirty victim's. */
        pfn = reclaim_writeback_frame(s);
        *ready = s->frames[pfn].ready_at;
    } else {
        req.local = s->local && p && p->n_charged_tracked > 0;
        pfn = policy_victim(s, &req);            /* direct reclaim */
        SIM_ASSERT(s, pfn < s->nframes && (!req.local || s->frames[pfn].owner == pi));
        reclaim_evict_frame(s, c, pfn, REPL_EVICT, ready);
    }
    frame_t *f = &s->frames[pfn];
    f->key = pg->key;
    if (pg->kind == PAGE_FILE)
        f->flags |= FR_FILEKIND;
    frame_charge(s, pfn, pi);                    /* (a victim's charge passes straight on) */
    return pfn;
}

/* A frame evicted off the fault path (kswapd's clock k): uncharged, and free now, or when
 * its write-back completes (EV_WRITEBACK) if it needs one. */
static void reclaim_free_when_written(sim_t *s, const cpu_t *k, pfn_t pfn, sim_time_t ready)
{
    frame_charge(s, pfn, 0);
    if (ready > k->clock) {
        s->frames[pfn].flags |= FR_LOCKED;           /* in write-back until the event */
        s->frames[pfn].ready_at = ready;
        evq_push(&s->evq, ready, EV_WRITEBACK, pfn, 0);
    } else {
        frame_release(s, pfn);
    }
}

void reclaim_background(sim_t *s, sim_time_t now)
{
    s->reclaim_pending = 0;
    s->n_kswapd_wakeups++;
    cpu_t *k = &s->kswapd;
    if (k->clock < now)
        k->clock = now;
    while (s->nfree < s->wm_high && s->ntracked > 0) {
        repl_req_t req = {.reason = REPL_REQ_BACKGROUND, .pid = REPL_PID_NONE,
                          .count = s->wm_high - s->nfree};
        sim_time_t ready;
        pfn_t pfn = reclaim_evict_frame(s, k, policy_victim(s, &req), REPL_EVICT, &ready);
        reclaim_free_when_written(s, k, pfn, ready);
        s->n_kswapd_evict++;
    }
}

int reclaim_release(sim_t *s, pfn_t pfn, sim_time_t now)
{
    if (pfn >= s->nframes || !(s->frames[pfn].flags & FR_TRACKED))
        return -1;
    cpu_t *k = &s->kswapd;
    if (k->clock < now)
        k->clock = now;
    sim_time_t ready;
    reclaim_evict_frame(s, k, pfn, REPL_RELEASE, &ready);
    reclaim_free_when_written(s, k, pfn, ready);
    return 0;
}

int reclaim_clean(sim_t *s, pfn_t pfn, sim_time_t now)
{
    if (pfn >= s->nframes || !(s->frames[pfn].flags & FR_TRACKED))
        return -1;
    frame_t *f = &s->frames[pfn];
    if (!mmu_test_clear_dirty(s, pfn))
        return 0;
    if (!s->clean_until)
        s->clean_until = xcalloc(s->nframes, sizeof *s->clean_until, "the frames' write-back times");
    cpu_t *k = &s->kswapd;
    if (k->clock < now)
        k->clock = now;
    sim_time_t done;
    if (f->flags & FR_ANON) {
        if (!(f->flags & FR_SWAPCACHE)) {       /* it joins the swap cache with a slot */
            uint32_t slot = swap_alloc(s);
            swap_ref(s, slot);                  /* the swap cache's reference */
            s->swap[slot].key = f->key;
            s->swap[slot].pfn = pfn;
            f->swap_slot = slot;
            f->flags |= FR_SWAPCACHE;
        }
        done = dev_submit(s->swap_dev, k->clock, DEV_WRITE, f->swap_slot, 1);
        s->n_swap_out++;
    } else {
        obj_t *o = &s->objs[frame_obj(f)];
        if (o->kind == OBJ_SHM) {
            if (!f->swap_slot) {                /* the frame holds the slot (check.c) */
                f->swap_slot = swap_alloc(s);
                swap_ref(s, f->swap_slot);
            }
            s->swap[f->swap_slot].key = f->key;
            done = dev_submit(s->swap_dev, k->clock, DEV_WRITE, f->swap_slot, 1);
            s->n_swap_out++;
        } else {
            done = dev_submit(s->file_dev, k->clock, DEV_WRITE, o->dev_base + frame_index(f), 1);
            s->n_file_write++;
        }
    }
    if (done > s->clean_until[pfn])
        s->clean_until[pfn] = done;
    s->n_cleaned++;
    return 1;
}

void reclaim_writeback_done(sim_t *s, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, (f->flags & FR_LOCKED) && !f->mapcount && !(f->flags & FR_TRACKED));
    f->flags &= ~FR_LOCKED;
    frame_release(s, pfn);
}
