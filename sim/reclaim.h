/* reclaim.h - freeing frames through the policy: direct and background reclaim (reclaim.c). */
#ifndef PAGESIM_RECLAIM_H
#define PAGESIM_RECLAIM_H

#include "sim/base/types.h"
#include "sim.h"
#include "cpu.h"
#include "sim_int.h"
#include "policies/repl.h"

/* A frame for page pg, which ref uses, on CPU c, for process owner (1 + index into procs,
 * ref->pid's; 0: nobody), why (repl.h), count frames wanted in all (0: one): the policy
 * hears of the miss (with the page's shadow), then a free frame, else the policy's victim,
 * evicted (under local replacement a process at its quota always evicts one of its own).
 * The frame gets pg's key and kind and is charged to owner. Usable at *ready (later than c's
 * clock when the victim must be written back first). The caller has checked
 * reclaim_can_get. */
pfn_t reclaim_get_frame(sim_t *s, cpu_t *c, const mem_ref_t *ref, const page_id_t *pg,
                        uint32_t owner, repl_reason_t why, uint32_t count, sim_time_t *ready);
/* Whether a frame can be had for owner (as above) now: a free one or a tracked one to evict
 * (under local replacement, one of its own when it is at its quota). Inline: every fault. */
static inline int reclaim_can_get(const sim_t *s, uint32_t owner)
{
    if (s->local && owner) {
        const proc_t *p = &s->procs[owner - 1];
        if (p->n_charged >= p->quota)
            return p->n_charged_tracked > 0;     /* it must evict one of its own */
    }
    return s->nfree > 0 || s->ntracked > 0;
}
/* The policy gives pfn back (env->release) at time now: evicted on the background clock,
 * freed at once or when its write-back completes. 0, or -1 if pfn is not tracked. */
int   reclaim_release(sim_t *s, pfn_t pfn, sim_time_t now);
/* The policy has the page in tracked frame pfn written back without evicting it
 * (env->clean) at time now: if dirty, a write to its backing store starts on the background
 * clock and the page is clean from now on (a later write dirties it again); an eviction
 * before the write completes waits for it. 1 if a write started, 0 if the page was clean,
 * -1 if pfn is not tracked. */
int   reclaim_clean(sim_t *s, pfn_t pfn, sim_time_t now);
void  reclaim_background(sim_t *s, sim_time_t now);     /* EV_RECLAIM */
void  reclaim_writeback_done(sim_t *s, pfn_t pfn);      /* EV_WRITEBACK */

#endif
