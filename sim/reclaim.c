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
 * select_victim, O(mappers) unmapping, one device request when dirty.
 *
 * Optionally (reclaim.high > 0) a background reclaimer, after Linux's kswapd (Gorman,
 * Understanding the Linux Virtual Memory Manager, ch. 10): when an allocation leaves fewer
 * than reclaim.low frames free it is woken (an event), and evicts through the same policy
 * until reclaim.high frames are free. Clean victims are freed at once; dirty ones are
 * written back asynchronously and freed by the write's completion event, so faults find free
 * frames instead of waiting behind a write-back. Its work runs on its own clock, not a CPU. */
#include "sim_int.h"
#include "frame.h"
#include "policy.h"
#include "reclaim.h"
#include "swap.h"

/* Evicts one page chosen by the policy; returns its frame, ready at *ready. */
static pfn_t reclaim_evict(sim_t *s, cpu_t *c, const mem_ref_t *ref, sim_time_t *ready)
{
    pfn_t pfn = policy_victim(s, ref);
    SIM_ASSERT(s, pfn < s->nframes && (s->frames[pfn].flags & FR_TRACKED));
    frame_t *f = &s->frames[pfn];
    policy_untrack(s, pfn, REPL_EVICT);
    s->n_evict++;
    c->clock += s->cost.evict;
    *ready = c->clock;

    /* Fold the PTEs' dirty bits in before deciding where the page goes. */
    for (uint32_t n = f->rmap; n; n = s->rmap[n].next)
        if (s->rmap[n].pte->flags & PTE_DIRTY)
            f->flags |= FR_DIRTY;
    int dirty = (f->flags & FR_DIRTY) != 0;

    if (f->flags & FR_ANON) {
        uint32_t slot = f->swap_slot;
        if (dirty) {
            if (!slot)
                slot = swap_alloc(s);
            swap_ref(s, slot);                /* held until the PTEs take theirs */
            *ready = dev_submit(s->swap_dev, c->clock, DEV_WRITE, slot, 1);
            s->n_swap_out++;
            s->n_evict_dirty++;
            frame_unmap_all(s, c, pfn, slot);
            swap_unref(s, slot);
        } else {
            frame_unmap_all(s, c, pfn, slot);    /* slot 0: back to demand-zero */
        }
    } else {
        obj_t *o = &s->objs[f->obj];
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
            if (slot)
                u64map_put(&o->swap, f->index, slot);
        } else if (dirty) {
            *ready = dev_submit(s->file_dev, c->clock, DEV_WRITE, o->dev_base + f->index, 1);
            s->n_file_write++;
            s->n_evict_dirty++;
        }
        frame_unmap_all(s, c, pfn, 0);
    }
    frame_uncache(s, pfn);
    f->flags = FR_USED;
    f->obj = 0;
    f->index = 0;
    return pfn;
}

pfn_t reclaim_get_frame(sim_t *s, cpu_t *c, const mem_ref_t *ref, sim_time_t *ready)
{
    pfn_t pfn = frame_alloc_free(s);
    if (s->wm_high && s->nfree < s->wm_low && !s->reclaim_pending) {
        s->reclaim_pending = 1;
        evq_push(&s->evq, c->clock, EV_RECLAIM, 0, 0);
    }
    if (pfn != PFN_NONE) {
        *ready = c->clock;
        return pfn;
    }
    SIM_ASSERT(s, s->ntracked > 0);          /* callers wait for memory before this */
    return reclaim_evict(s, c, ref, ready);          /* direct reclaim */
}

void reclaim_background(sim_t *s, sim_time_t now)
{
    s->reclaim_pending = 0;
    s->n_kswapd_wakeups++;
    cpu_t *k = &s->kswapd;
    if (k->clock < now)
        k->clock = now;
    mem_ref_t r = {.t = s->vt, .next_use = VTIME_NEVER, .kind = REF_READ};
    while (s->nfree < s->wm_high && s->ntracked > 0) {
        sim_time_t ready;
        pfn_t pfn = reclaim_evict(s, k, &r, &ready);
        s->n_kswapd_evict++;
        if (ready > k->clock) {
            s->frames[pfn].flags |= FR_LOCKED;       /* in write-back until the event */
            s->frames[pfn].ready_at = ready;
            evq_push(&s->evq, ready, EV_WRITEBACK, pfn, 0);
        } else {
            frame_release(s, pfn);
        }
    }
}

void reclaim_writeback_done(sim_t *s, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, (f->flags & FR_LOCKED) && !f->mapcount && !(f->flags & FR_TRACKED));
    f->flags &= ~FR_LOCKED;
    frame_release(s, pfn);
}
