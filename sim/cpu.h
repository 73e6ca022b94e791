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

/* Drops the translation of (mm, vpn) from the TLBs of cpus[0..n); returns how many held it.
 * Inline: every eviction and COW break pays it per mapping. */
static inline uint32_t cpu_shootdown(cpu_t *cpus, uint32_t n, uint32_t mm, vpn_t vpn)
{
    uint32_t held = 0;
    for (uint32_t i = 0; i < n; i++)
        held += (uint32_t)tlb_invalidate(&cpus[i].tlb, mm, vpn);
    return held;
}

#endif
