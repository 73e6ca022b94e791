/* reclaim.h - freeing frames through the policy: direct and background reclaim (reclaim.c). */
#ifndef PAGESIM_RECLAIM_H
#define PAGESIM_RECLAIM_H

#include "sim/base/types.h"
#include "sim.h"
#include "cpu.h"

/* A frame for ref's page on CPU c: a free one, else the policy's victim, evicted. Usable at
 * *ready (later than c's clock when the victim must be written back first). The caller has
 * checked that there is a frame to take (a free one or a tracked one). */
pfn_t reclaim_get_frame(sim_t *s, cpu_t *c, const mem_ref_t *ref, sim_time_t *ready);
void  reclaim_background(sim_t *s, sim_time_t now);     /* EV_RECLAIM */
void  reclaim_writeback_done(sim_t *s, pfn_t pfn);      /* EV_WRITEBACK */

#endif
