/* loadctl.h - load control, Denning's medium-term scheduler (loadctl.c). */
#ifndef PAGESIM_LOADCTL_H
#define PAGESIM_LOADCTL_H

#include "sim_int.h"

/* The config asks for load control under a schedule that cannot suspend: an input error. */
int  loadctl_setup(sim_t *s, sim_err_t *err);
/* Process pi reached its sample (p->n_refs >= p->lc_due; rr, between two accesses): its
 * working set and fault rate are measured, and a process may be suspended or resumed. now is
 * its CPU's clock. */
void loadctl_sample(sim_t *s, uint32_t pi, sim_time_t now);
/* A process exited: memory may have come free for a suspended one. */
void loadctl_decide(sim_t *s, sim_time_t now);
/* The results' "load_control" object (only when it is on). */
void loadctl_results(const sim_t *s, json_t *r);

#endif
