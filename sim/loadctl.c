/* loadctl.c - load control: Denning's medium-term scheduler, which keeps the working sets of
 * the running processes within memory by suspending and resuming whole processes.
 *
 * Denning, "Thrashing: its causes and prevention", AFIPS FJCC 1968, and "Working sets past
 * and present", IEEE TSE SE-6(1), 1980, §IV: thrashing is the collapse of CPU utilization
 * when the working sets of the processes in memory no longer fit, and its cure is to run only
 * as many processes as fit (the "load control" or medium-term scheduler); Tanenbaum and Bos,
 * Modern Operating Systems 4th ed., §3.5.6 ("swap some of the processes to disk and free up
 * all the pages they are holding"). Config `load_control` (default off):
 *
 *  - ws: each process's working set is sampled every `load_window` references of its own
 *    virtual time (default 1000): the pages it referenced in that window, read from a PTE bit
 *    of load control's own (PTE_WSREF, set by every reference as R is, kept when the page is
 *    evicted so that a page referenced and then stolen still counts, cleared at each sample;
 *    the replacement policy never sees it). This is W(t, window) exactly at the sample
 *    times. When the sum over the running processes exceeds the frames, one is suspended.
 *  - pff: Chu and Opderbeck's page-fault frequency as the signal: a process whose mean
 *    inter-fault time over its last window is below `load_threshold` references (default
 *    100) is short of memory; when one is and no frame is free, one process is suspended.
 *
 * Which process. Priority is the order of creation: the first process has the highest, so
 * the one suspended is the most recently created of those running, and the one resumed first
 * is the earliest created of those suspended (Denning's scheduler admits in FIFO order). At
 * least one process always runs. Suspending one takes it off the CPUs (env->suspend's
 * mechanism, sched.c parks it) and swaps it out: every frame charged to it goes, as a policy
 * release would (on_remove(REPL_RELEASE); dirty pages are written to swap on the background
 * reclaimer's clock). A suspended process is resumed when it fits again: ws, when its
 * working set at its suspension fits beside the running ones' sum; pff, when no running
 * process is short of memory and as many frames as that working set are free (an exit frees
 * them). Decisions are taken at each sample of a running process, at each fault that blocks
 * one and at each exit, one process at a time; a running process's working set there is its
 * last window's, or the window under way if that has more pages already (a thrashing process
 * takes long to finish a window: its own virtual time crawls).
 *
 * Only the rr schedule can suspend (the trace schedule runs one fixed order): load control
 * under trace is an input error. Cost: a sample walks the process's page table, O(its PTEs)
 * per window (a fraction of a PTE per reference at the default window); a decision walks
 * every running process's, O(their PTEs), which a blocking fault (a device access of ~100 us
 * simulated) dwarfs once load control has stopped the thrashing; a suspension is O(frames). Results: load_control.{mode, samples, suspends,
 * resumes, swapped_out}. */
#include "sim_int.h"
#include "loadctl.h"
#include "mmu.h"
#include "proc.h"
#include "reclaim.h"

int loadctl_setup(sim_t *s, sim_err_t *err)
{
    if (s->conf.load_control && !s->rr)
        return sim_err_set(err, SIM_EINPUT, "config: load_control=%s needs the rr schedule (--schedule rr): "
                           "the trace schedule runs the file's one order and cannot suspend a process",
                           s->conf.load_control == CONFIG_LOAD_WS ? "ws" : "pff");
    return 0;
}

static uint64_t loadctl_faults(const proc_t *p)
{
    uint64_t n = 0;
    for (int k = 0; k < FK_N; k++)
        if (k != FK_SEGV && k != FK_PROTECTION)
            n += p->n_faults[k];
    return n;
}

static int loadctl_running(const proc_t *p)
{
    return p->state != P_EXITED && !p->lc_suspended;
}

/* Suspends process pi and swaps it out: every tracked frame charged to it is released. */
static void loadctl_suspend(sim_t *s, uint32_t pi, sim_time_t now)
{
    proc_t *p = &s->procs[pi];
    if (proc_suspend(s, p->pid))
        return;
    p->lc_suspended = 1;
    s->n_lc_suspends++;
    for (pfn_t f = 0; f < s->nframes && s->procs[pi].n_charged_tracked; f++)
        if (s->frames[f].owner == pi + 1 && (s->frames[f].flags & FR_TRACKED) &&
            reclaim_release(s, f, now) == 0)
            s->n_lc_swapped++;
}

void loadctl_decide(sim_t *s, sim_time_t now)
{
    if (!s->conf.load_control)
        return;
    uint64_t sum = 0;
    uint32_t nrun = 0, newest = UINT32_MAX, oldest_out = UINT32_MAX;
    int any_short = 0;
    for (uint32_t i = 0; i < s->nprocs; i++) {
        proc_t *p = &s->procs[i];
        if (p->lc_suspended && !p->suspended)
            p->lc_suspended = 0;          /* the schedule resumed it: nothing else could run */
        if (loadctl_running(p)) {
            /* Its last window's working set, or the window under way if it is larger
             * already: a thrashing process takes long to finish a window. */
            uint64_t now_ws = mmu_take_bit(s, p->mm, 0);
            sum += now_ws > p->lc_ws ? now_ws : p->lc_ws;
            nrun++;
            newest = i;
            any_short |= p->lc_short;
        } else if (p->lc_suspended && oldest_out == UINT32_MAX) {
            oldest_out = i;
        }
    }
    int over = s->conf.load_control == CONFIG_LOAD_WS ? sum > s->nframes : any_short && s->nfree == 0;
    if (over && nrun >= 2) {
        loadctl_suspend(s, newest, now);
        return;
    }
    if (over || oldest_out == UINT32_MAX)
        return;
    const proc_t *r = &s->procs[oldest_out];
    int fits = s->conf.load_control == CONFIG_LOAD_WS ? sum + r->lc_ws <= s->nframes
                                                       : !any_short && s->nfree >= r->lc_ws;
    if (fits && proc_resume(s, r->pid) == 0) {
        s->procs[oldest_out].lc_suspended = 0;
        s->n_lc_resumes++;
    }
}

void loadctl_sample(sim_t *s, uint32_t pi, sim_time_t now)
{
    proc_t *p = &s->procs[pi];
    uint64_t w = s->conf.load_window_refs;
    p->lc_due = p->n_refs + w;
    s->n_lc_samples++;
    p->lc_ws = mmu_take_bit(s, p->mm, PTE_WSREF);
    uint64_t faults = loadctl_faults(p), f = faults - p->lc_faults;
    p->lc_faults = faults;
    p->lc_short = f > 0 && w < s->conf.load_threshold_refs * f;   /* w / f < threshold */
    loadctl_decide(s, now);
}

void loadctl_results(const sim_t *s, json_t *r)
{
    static const char *const modes[] = {"off", "ws", "pff"};
    if (!s->conf.load_control)
        return;
    json_object_set_new(r, "load_control", json_pack("{s:s,s:I,s:I,s:I,s:I}",
                        "mode", modes[s->conf.load_control],
                        "samples", (json_int_t)s->n_lc_samples, "suspends", (json_int_t)s->n_lc_suspends,
                        "resumes", (json_int_t)s->n_lc_resumes, "swapped_out", (json_int_t)s->n_lc_swapped));
}
