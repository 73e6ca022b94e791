/* cpu.h - a simulated CPU: its TLB, its clock, what it runs; and TLB shootdown across CPUs. */
#ifndef PAGESIM_CPU_H
#define PAGESIM_CPU_H

#include "sim/base/types.h"
#include "sim.h"
#include "tlb.h"

typedef struct cpu {
    tlb_t tlb;
    tlb_entry_t *last[2];  /* the entries the last data and fetch hits used (see mmu_access) */
    sim_time_t clock;
    sim_time_t busy_ps;
    int32_t cur;          /* index into sim->procs, -1 idle */
    sim_time_t quantum_end;
    uint32_t last_mm;     /* address space last run: a switch to another costs */
} cpu_t;

/* Throws (xalloc.h) an input error naming the settings when t reached SIM_TIME_LIMIT
 * (types.h); one compare where it does not. */
void cpu_clock_overflow(const sim_t *s) __attribute__((noreturn));
static inline void cpu_clock_check(const sim_t *s, sim_time_t t)
{
    if (__builtin_expect(t >= SIM_TIME_LIMIT, 0))
        cpu_clock_overflow(s);
}

/* Drops the translation of (mm, vpn) from every CPU's TLB; returns how many held it. */
uint32_t cpu_shootdown(sim_t *s, uint32_t mm, vpn_t vpn);

#endif
