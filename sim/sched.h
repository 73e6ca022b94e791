/* sched.h - the schedules and the run loop (sched.c). */
#ifndef PAGESIM_SCHED_H
#define PAGESIM_SCHED_H

#include <jansson.h>
#include "sim.h"

/* Reads the schedule settings, opens (and if need be spools) the inputs, finds rr's
 * processes, builds OPT's next-use index. 0, or -1 / SIM_ESYS with err. */
int  sched_setup(sim_t *s, const char *const *traces, int ntraces, sim_err_t *err);
void sched_teardown(sim_t *s);
/* Runs the schedule to the end (sim_run): 0, or -1 / SIM_ESYS with err. */
int  sched_run(sim_t *s, sim_err_t *err);

#endif
