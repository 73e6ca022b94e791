/* sched.c - the schedules and the run loop: who runs which references when.
 *
 * "trace" (the default for one trace file): the file is one stream executed in file order on
 * CPU 0; each line's pid selects the address space, and a change of address space costs a
 * context switch (and a TLB flush without ASIDs). Exact textbook counts and OPT need this.
 *
 * The loop is the hybrid the design calls for: references run back to back, each charging
 * its costs to the CPU clock, and the only per-reference look at the event queue is one
 * compare of the clock with the earliest event. Events run when the clock reaches them;
 * when the stream's process blocks on I/O the CPU idles until the completion event (nothing
 * else may run: the order is fixed). Per-reference cost: the reader's next(), the page split,
 * mmu_access, a few counters. */
#include "engine.h"

#include <stdio.h>
#include <string.h>

int sched_setup(sim_t *s, const json_t *cfg, const char *const *traces, int ntraces, char *err)
{
    const char *sched = json_string_value(json_object_get(cfg, "schedule"));
    if (!sched || strcmp(sched, "trace")) {
        snprintf(err, SIM_ERR_LEN, "config: schedule must be 'trace' (got '%s')", sched ? sched : "");
        return -1;
    }
    if (ntraces != 1) {
        snprintf(err, SIM_ERR_LEN, "the trace schedule runs exactly one trace file (got %d)", ntraces);
        return -1;
    }
    s->ntraces = ntraces;
    s->traces = calloc((size_t)ntraces, sizeof *s->traces);
    for (int i = 0; i < ntraces; i++)
        s->traces[i] = strdup(traces[i]);
    char e[WL_ERR_LEN];
    const char *fmt = json_string_value(json_object_get(cfg, "format"));
    s->wl = wl_open(traces[0], fmt, s->rng, e);
    if (!s->wl) {
        snprintf(err, SIM_ERR_LEN, "%s", e);
        return -1;
    }
    s->wl->page_shift = s->page_shift;
    if (s->needs_next_use) {
        s->nu = nu_build(s->wl, s->page_shift, e);
        if (!s->nu) {
            snprintf(err, SIM_ERR_LEN, "%s", e);
            return -1;
        }
    }
    return 0;
}

void sched_teardown(sim_t *s)
{
    if (s->nu)
        nu_free(s->nu);
    if (s->wl)
        wl_close(s->wl);
    for (int i = 0; i < s->ntraces; i++)
        free(s->traces[i]);
    free(s->traces);
}

/* Runs every event due at or before `now`. */
static void run_events(sim_t *s, sim_time_t now)
{
    event_t ev;
    while (evq_next_time(&s->evq) <= now && evq_pop(&s->evq, &ev)) {
        switch (ev.kind) {
        case EV_IO_DONE: {
            proc_t *p = &s->procs[ev.a];
            SIM_ASSERT(s, p->state == P_BLOCKED);
            p->state = P_RUNNABLE;
            p->blocked_ps += ev.when - p->blocked_since;
            mmu_fault_complete(s, p, ev.when);
            break;
        }
        default:
            SIM_ASSERT(s, !"unexpected event kind");
        }
    }
}

/* CPU c idles until p is runnable again; returns the idle time. */
static sim_time_t wait_for(sim_t *s, cpu_t *c, proc_t *p)
{
    sim_time_t idle = 0;
    while (p->state == P_BLOCKED) {
        sim_time_t t = evq_next_time(&s->evq);
        SIM_ASSERT(s, t != SIM_TIME_MAX);
        if (t > c->clock) {
            idle += t - c->clock;
            c->clock = t;
        }
        run_events(s, c->clock);
    }
    return idle;
}

static int run_trace(sim_t *s, char *err)
{
    cpu_t *c = &s->cpus[0];
    const int flush_on_switch = !json_is_true(json_object_get(json_object_get(s->cfg, "tlb"), "asid"));
    wl_rec_t rec;
    int rc;
    proc_t *p = NULL;
    spid_t cur_pid = 0;
    uint64_t next_tl = s->interval ? s->interval : UINT64_MAX;
    while ((rc = wl_next(s->wl, &rec)) > 0) {
        if (rec.type != WL_REF) {
            if (vm_event(s, c, &rec, err))
                return -1;
            p = NULL;                      /* the process table may have moved */
            continue;
        }
        if (!p || rec.pid != cur_pid) {
            p = proc_get(s, rec.pid);
            cur_pid = rec.pid;
            if (c->last_mm != p->mm) {
                if (c->last_mm != UINT32_MAX) {
                    c->clock += s->cost.context_switch;
                    if (flush_on_switch)
                        tlb_flush(&c->tlb, UINT32_MAX);
                }
                c->last_mm = p->mm;
            }
        }
        sim_time_t t0 = c->clock, idle = 0;
        s->n_access++;
        s->n_reads += rec.kind == REF_READ;
        s->n_writes += rec.kind == REF_WRITE;
        s->n_ifetch += rec.kind == REF_IFETCH;
        p->n_refs++;
        vpn_t vpn;
        uint64_t npages;
        wl_split(&rec, s->page_shift, &vpn, &npages);
        for (uint64_t i = 0; i < npages; i++, vpn++) {
            while (mmu_access(s, c, p, vpn, (ref_kind_t)rec.kind))
                idle += wait_for(s, c, p);
            s->vt++;
        }
        p->cpu_ps += c->clock - t0 - idle;
        c->busy_ps += c->clock - t0 - idle;
        if (evq_next_time(&s->evq) <= c->clock)
            run_events(s, c->clock);
        if (s->n_access >= next_tl) {
            stats_interval(s);
            next_tl += s->interval;
        }
    }
    if (rc < 0) {
        snprintf(err, SIM_ERR_LEN, "%s", s->wl->err);
        return -1;
    }
    /* Let outstanding completions land (none block a process here, but be complete). */
    while (evq_next_time(&s->evq) != SIM_TIME_MAX) {
        sim_time_t t = evq_next_time(&s->evq);
        if (t > c->clock)
            c->clock = t;
        run_events(s, c->clock);
    }
    return 0;
}

int sim_run(sim_t *s, char *err)
{
    SIM_ASSERT(s, !s->finished);
    int rc = run_trace(s, err);
    if (rc)
        return rc;
    s->end_time = 0;
    for (uint32_t i = 0; i < s->ncpus; i++)
        if (s->cpus[i].clock > s->end_time)
            s->end_time = s->cpus[i].clock;
    if (s->interval && s->n_access != s->tl_refs)
        stats_interval(s);
#ifdef PAGESIM_PARANOID
    char msg[512];
    SIM_ASSERT(s, check_all(s, msg, sizeof msg) == 0);
#endif
    s->finished = 1;
    return 0;
}
