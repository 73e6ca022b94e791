/* sched.h - the schedules and the run loop (sched.c). */
#ifndef PAGESIM_SCHED_H
#define PAGESIM_SCHED_H

#include <jansson.h>
#include "sim.h"

/* Reads the schedule settings, opens (and if need be spools) the inputs, finds rr's
 * processes, builds OPT's next-use index. 0, or -1 / SIM_ESYS with err. */
/* The schedule's decisions before any input is opened: a workload spec (cfg "workload")
 * becomes the one input (*traces, *ntraces), "auto" is resolved (s->rr, echoed in s->cfg),
 * and the combinations no schedule can run are refused (-1, err). sched_setup begins with it;
 * sim_check calls it alone. Needs s->conf, s->ncpus and the policy (s->needs_next_use). */
int  sched_plan(sim_t *s, const char *const **traces, int *ntraces, sim_err_t *err);
int  sched_setup(sim_t *s, const char *const *traces, int ntraces, sim_err_t *err);
void sched_teardown(sim_t *s);
/* Runs the schedule to the end (sim_run): 0, or -1 / SIM_ESYS with err. */
int  sched_run(sim_t *s, sim_err_t *err);

#endif
