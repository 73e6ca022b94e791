/* explain.h - explain mode (explain.c): one line per page reference for small traces. */
#ifndef PAGESIM_EXPLAIN_H
#define PAGESIM_EXPLAIN_H

#include <stdio.h>
#include "sim/base/types.h"
#include "sim.h"
#include "policies/repl.h"
#include "workloads/wl.h"

typedef struct proc proc_t;
typedef struct explain explain_t;

/* The largest trace explain mode takes, in accesses (its lines are read by a person). */
#define EXPLAIN_MAX_ACCESSES 10000

/* Turns explain mode on for s (created, not yet run): reads the traces once to count their
 * accesses and processes (refusing more than EXPLAIN_MAX_ACCESSES, or a synthetic workload:
 * SIM_EINPUT with err) and prints the header to out. 0, or the error's kind. */
int  explain_start(sim_t *s, FILE *out, sim_err_t *err);
/* After page reference s->vt - 1, by p of vpn: its line (policy.c, from the reference tick,
 * which explain mode makes fire after every reference). */
void explain_ref(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind);
/* The run ended: the totals line. 0, or SIM_ESYS with err if out could not be written. */
/* After a buffered read or write record r of p (fileio.c): its line, with the pages it found
 * in the page cache and those it had to bring in. */
void explain_io(sim_t *s, const proc_t *p, const wl_rec_t *r, uint64_t hits, uint64_t misses);
int  explain_finish(sim_t *s, sim_err_t *err);
void explain_free(explain_t *e);

#endif
