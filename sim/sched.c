/* sched.c - the schedules and the run loop: who runs which references when.
 *
 * "trace" (the default for one trace file): the file is one stream executed in file order on
 * CPU 0; each line's pid selects the address space, and a change of address space costs a
 * context switch (and a TLB flush without ASIDs). Exact textbook counts and OPT need this.
 *
 * "rr" (the default for several files): every process has its own stream (the file's
 * records filtered by its pid; a forked child's stream starts after the fork line; each
 * further file is a further process family), and a
 * round-robin scheduler (Silberschatz §6.3.4) interleaves them by simulated time on `cpus`
 * CPUs with a time slice of `quantum`. A process that takes a major fault blocks; the CPU
 * switches to the next runnable one (paying the context switch, and a TLB flush without
 * ASIDs), and the I/O completion event makes it runnable again. With several CPUs, the CPU
 * with the earliest clock runs next, for at most a short slice past the next CPU's clock, so
 * no CPU runs ahead of the others by more than that slice (1 us). Quantum ends are clock
 * compares on the running CPU rather than queued events: equivalent, and cheaper.
 *
 * wait (a parent waiting for a child to exit: wait4, waitpid, waitid). Under rr a wait for a
 * child still running blocks the parent: it is not runnable (P_WAITING, its time counted in
 * wait_ps, apart from blocked_ps, which is I/O) until that child exits, or for a wait for
 * any child until any of its children does; the exit makes it runnable at that time. A
 * child that exited before (a zombie, which no wait has taken) is taken at once. Every
 * stream's end is an exit, so under rr a waiting parent always wakes; if one were still
 * waiting at the end, the run ends with it blocked and the results count it (waits.
 * unfinished). With several CPUs an exit on a CPU whose clock is behind the parent's (by at
 * most the 1 us slice below) still makes the parent block, and wake at its own time. Under
 * trace the file's order is the schedule, so a wait never blocks: a wait that comes before
 * its child's exit in the file (lackey logs interleave processes so) takes the child when
 * the exit comes, and the parent's records in between run in file order, as they would
 * without the wait; the results are those of the trace without its waits (but the waits'
 * own counts), and a wait whose child never exits is counted unfinished. Both schedules
 * check the same: a wait names a child of its pid that no wait has taken, or (any child) the
 * pid has a child left; anything else is an input error "FILE:LINE: ...". O(1) per wait and
 * exit, but a wait for any child takes a zombie by scanning the processes (recorders name
 * the child, so this is rare).
 *
 * The loop is the hybrid the design calls for: references run back to back, each charging
 * its costs to the CPU clock, and the only per-reference look at the event queue is one
 * compare of the clock with the earliest event. Events run when the clock reaches them;
 * when the stream's process blocks on I/O the CPU idles until the completion event (nothing
 * else may run: the order is fixed). Per-reference cost: the reader's next(), the page split,
 * mmu_access, a few counters. A binary trace's runs (wl.h) cost per run instead, when their
 * pages are all in the TLB: a probe and a policy call per page (mmu_run_hits); under rr a
 * process's stream also passes over other processes' runs without decoding them.
 *
 * The policy's timer (policies/repl.h, on_timer) is an EV_TIMER event like any other, run in
 * (time, seq) order; when the workload is over the timer is cancelled (sched_timer_off), so a
 * timer that always re-arms cannot keep a finished run going or move its end. Load control:
 * under rr a process the policy suspends is parked (off the run queue and its CPU) until it
 * is resumed, and if nothing else could ever run or happen the parked are resumed
 * (sched_park: O(processes) a turn, only once some process has been suspended). The trace
 * schedule has one fixed order and refuses to suspend (proc.c).
 *
 * Process identity with several files: each (file, pid) gets its own engine pid in the setup
 * pass (proc.c, proc_engine_pid); messages and results name the file's pid (proc_file_pid).
 *
 * Inputs read more than once. rr opens its file once per process, and OPT's next-use pass
 * reads it before the run: a pipe, a FIFO or `<(...)` cannot be read twice (the streams would
 * take each other's lines), so such an input is spooled once to an unlinked temporary file
 * (wl_spool, input.c), and every stream reads that, under the original name. */
#include "sim_int.h"
#include "check.h"
#include "loadctl.h"
#include "fault.h"
#include "mmu.h"
#include "policy.h"
#include "proc.h"
#include "reclaim.h"
#include "sched.h"
#include "stats.h"
#include "vma.h"
#include "sim/base/xalloc.h"
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "workloads/pgid.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct sched_inputs {
    wl_spool_t *spool;       /* per trace file: the copy a stream opens, if it had to be made */
};

/* Whether runs (wl.h) may be replayed from their summaries: only where mmu_run_hits is
 * exact. (Paranoid runs check after each run taken whole, as after any other step.) */
static int sched_runs_ok(const sim_t *s)
{
    return s->page_shift >= WL_RUN_SHIFT && s->cpus[0].tlb.sets && policy_hits_any_order(s);
}

/* Opens trace i for a process stream: its spooled copy if it has one, named as the original. */
static wl_t *stream_open(sim_t *s, int i, sim_err_t *err)
{
    const char *path = s->inputs && s->inputs->spool[i].path[0] ? s->inputs->spool[i].path : s->traces[i];
    wl_t *wl = wl_open_as(path, s->traces[i], s->format, s->rng, err);
    if (!wl)
        return NULL;
    wl->page_shift = s->page_shift;
    wl->want_runs = sched_runs_ok(s);
    return wl;
}

/* Next record of p's own stream (its pid only, from its start), pids made the engine's; 1, 0
 * at the end, -1 on error. The runs of other pids are passed over without being decoded:
 * that is most of what a process's stream reads. */
static int stream_next(sim_t *s, proc_t *p, wl_rec_t *r, sim_err_t *err)
{
    if (p->xpos < p->xn) {
        *r = p->xbuf[p->xpos++];
        return 1;
    }
    int rc;
    while ((rc = wl_next(p->stream, r)) > 0) {
        uint64_t i = p->rec_index;
        p->rec_index += r->type == WL_RUN ? r->run->n : 1;
        if (i < p->skip || r->pid != p->filter)
            continue;
        r->pid = p->pid;
        if (r->type == WL_FORK || (r->type == WL_WAIT && r->pid2)) {   /* a wait's 0: any child */
            spid_t fp = r->pid2;
            if (!(r->pid2 = proc_engine_pid(s, p->trace, fp, 0)))
                return sim_err_set(err, SIM_EINPUT, "%s: pid %u was not in the file when it was first "
                                   "read (did it change?)", wl_where(p->stream, r->line, (char[4200]){0}, 4200), fp);
        }
        return 1;
    }
    if (rc < 0)
        *err = p->stream->err;        /* the reader's error (wl.h) */
    return rc;
}

/* A run of p's stream that cannot be taken whole: its records are given out next. */
static int stream_expand(sim_t *s, proc_t *p, const wl_rec_t *r, sim_err_t *err)
{
    if (!p->xbuf)
        p->xbuf = xcalloc(WL_RUN_MAX, sizeof *p->xbuf, "a run's records");   /* throws: xalloc.h */
    int n = wl_run_expand(p->stream, r, p->xbuf);
    if (n < 0) {
        *err = p->stream->err;
        return -1;
    }
    for (int i = 0; i < n; i++)
        p->xbuf[i].pid = r->pid;       /* made the engine's already */
    p->xpos = 0;
    p->xn = (uint32_t)n;
    return 0;
}

static void runq_push(sim_t *s, uint32_t pi, sim_time_t when)
{
    if (s->rq_n == s->rq_cap) {
        uint32_t cap = s->rq_cap ? 2 * s->rq_cap : 16, *q = xcalloc(cap, sizeof *q, "the run queue");
        for (uint32_t i = 0; i < s->rq_n; i++)
            q[i] = s->runq[(s->rq_head + i) % s->rq_cap];
        free(s->runq);
        s->runq = q;
        s->rq_cap = cap;
        s->rq_head = 0;
    }
    s->runq[(s->rq_head + s->rq_n++) % s->rq_cap] = pi;
    s->procs[pi].state = P_RUNNABLE;
    s->procs[pi].ready_at = when;
}

/* ---- wait (see the opening comment) ---- */

/* "FILE:LINE: message" about the record being handled; -1. */
__attribute__((format(printf, 3, 4)))
static int sched_wait_error(const sim_t *s, sim_err_t *err, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_err_set(err, SIM_EINPUT, "%s: %s", wl_where(s->cur_wl, s->cur_line, (char[4200]){0}, 4200), msg);
}

/* The parent's wait takes the child (its exit status, were there one). */
static void wait_take(proc_t *parent, proc_t *child)
{
    child->reaped = 1;
    parent->n_unreaped--;
    if (child->state == P_EXITED)
        parent->n_zombies--;
}

/* rr: the parent waits for pid2 (0 any) from now on. */
static void wait_block(sim_t *s, cpu_t *c, proc_t *p, spid_t pid2)
{
    p->state = P_WAITING;
    p->wait_pid = pid2;
    p->wait_since = c->clock;
    s->n_waits_blocked++;
}

/* A WL_WAIT record: checks it, then takes an exited child, or blocks (rr), or under trace
 * leaves the wait to the child's exit. */
static int sched_wait(sim_t *s, cpu_t *c, const wl_rec_t *r, sim_err_t *err)
{
    uint32_t pi = (uint32_t)(proc_get(s, r->pid) - s->procs);
    proc_t *p = &s->procs[pi];
    spid_t fpid = proc_file_pid(s, r->pid, NULL), fpid2 = proc_file_pid(s, r->pid2, NULL);
    if (p->state == P_EXITED)
        return sched_wait_error(s, err, "pid %u has already exited", fpid);
    s->n_waits++;
    if (r->pid2) {
        const uint64_t *ci = u64map_find(&s->pid2proc, r->pid2);
        proc_t *ch = ci ? &s->procs[*ci] : NULL;
        if (!ch || ch->parent != pi + 1)
            return sched_wait_error(s, err, "wait: pid %u is not a child of pid %u", fpid2, fpid);
        if (ch->reaped)
            return sched_wait_error(s, err, "wait: pid %u has already been waited for (by pid %u)",
                              fpid2, fpid);
        if (p->n_unreaped <= p->n_any_pending)
            return sched_wait_error(s, err, "wait: pid %u has no child left to wait for (its earlier waits "
                              "for any child take them all)", fpid);
        if (ch->state == P_EXITED)
            wait_take(p, ch);
        else if (s->rr)
            wait_block(s, c, p, r->pid2);
        else {
            wait_take(p, ch);
            ch->wait_named = 1;
            p->n_named_pending++;
        }
        return 0;
    }
    if (p->n_zombies) {                    /* children come after their parent in procs */
        for (uint32_t i = pi + 1; i < s->nprocs; i++) {
            proc_t *ch = &s->procs[i];
            if (ch->parent == pi + 1 && ch->state == P_EXITED && !ch->reaped) {
                wait_take(p, ch);
                return 0;
            }
        }
        SIM_ASSERT(s, !"a zombie child to take");
    }
    if (p->n_unreaped <= p->n_any_pending)
        return sched_wait_error(s, err, "wait: pid %u has no child to wait for", fpid);
    if (s->rr)
        wait_block(s, c, p, 0);
    else
        p->n_any_pending++;
    return 0;
}

/* Process ci has exited (on CPU c): its parent's wait for it, if one is waiting, ends now. */
static void wait_child_exited(sim_t *s, cpu_t *c, uint32_t ci)
{
    proc_t *ch = &s->procs[ci];
    if (!ch->parent)
        return;
    uint32_t pi = ch->parent - 1;
    proc_t *p = &s->procs[pi];
    if (ch->wait_named) {                  /* trace: a wait took it while it still ran */
        ch->wait_named = 0;
        p->n_named_pending--;
        return;
    }
    SIM_ASSERT(s, !ch->reaped);
    p->n_zombies++;
    if (p->state == P_WAITING && (!p->wait_pid || p->wait_pid == ch->pid)) {
        wait_take(p, ch);
        sim_time_t now = c->clock > p->wait_since ? c->clock : p->wait_since;
        p->wait_ps += now - p->wait_since;
        runq_push(s, pi, now);
    } else if (p->n_any_pending) {         /* trace: a wait for any child takes it */
        p->n_any_pending--;
        wait_take(p, ch);
    }
}

/* An event record, in both schedules: the address space's part in vma_event (vma.c), the
 * process tree's here. */
static sim_time_t sched_wait_io(sim_t *s, cpu_t *c, proc_t *p);
static int sched_event(sim_t *s, cpu_t *c, const wl_rec_t *r, sim_err_t *err)
{
    if (r->type == WL_WAIT)
        return sched_wait(s, c, r, err);
    if (vma_event(s, c, r, err))
        return -1;
    if ((r->type == WL_READ || r->type == WL_WRITE) && !s->rr) {
        /* A buffered read or write may block (fileio.c): under trace the CPU idles until its
         * I/O completes (rr_event gives the CPU to another process instead). Here, not in
         * trace_rec, which stays as small as the hot loop needs (callgrind, the sort trace). */
        proc_t *p = proc_get(s, r->pid);
        if (p->state == P_BLOCKED)
            sched_wait_io(s, c, p);
    }
    if (r->type == WL_FORK) {
        uint32_t pi = (uint32_t)*u64map_find(&s->pid2proc, r->pid);
        s->procs[*u64map_find(&s->pid2proc, r->pid2)].parent = pi + 1;
        s->procs[pi].n_unreaped++;
    } else if (r->type == WL_EXIT) {
        wait_child_exited(s, c, (uint32_t)*u64map_find(&s->pid2proc, r->pid));
    }
    return 0;
}

/* At the end of a run: the waits still waiting (rr: blocked; trace: their child never
 * exited), rr's blocked ones waiting until the end. */
static void wait_finish(sim_t *s)
{
    for (uint32_t i = 0; i < s->nprocs; i++) {
        proc_t *p = &s->procs[i];
        s->n_waits_unfinished += p->n_any_pending + p->n_named_pending;
        if (p->state == P_WAITING) {
            s->n_waits_unfinished++;
            if (s->end_time > p->wait_since)
                p->wait_ps += s->end_time - p->wait_since;
        }
    }
}

/* Gives process pi (just created) its stream over trace t from record `skip`. */
static int stream_attach(sim_t *s, uint32_t pi, int t, spid_t filter, uint64_t skip, sim_err_t *err)
{
    wl_t *wl = stream_open(s, t, err);
    if (!wl)
        return -1;
    proc_t *p = &s->procs[pi];
    p->stream = wl;
    p->trace = (uint32_t)t;
    p->filter = filter;
    p->skip = skip;
    p->rec_index = 0;
    return 0;
}

/* The COW policy's decisions as the next-use pass asks for them (workloads/pgid.h): the
 * same calls the fault handler and fork make, with what an offline pass knows of the page. */
static int sched_cow_reuse(void *ctx, int exclusive)
{
    sim_t *s = ctx;
    cow_page_t pg = {.mapcount = 1, .exclusive = exclusive};
    return policy_cow_at_write(s, &pg) == COW_REUSE;
}

static int sched_cow_copy_at_fork(void *ctx)
{
    sim_t *s = ctx;
    cow_page_t pg = {.mapcount = 1};
    return policy_cow_at_fork(s, &pg) == COW_COPY;
}

/* The inputs: their names, and a spooled copy of each that is read more than once (by every
 * process's stream, or by the next-use pass and the run) and cannot be (see the opening
 * comment). 0, or -1 / SIM_ESYS with err. */
static int sched_inputs_open(sim_t *s, const char *const *traces, int ntraces, int synthetic, sim_err_t *err)
{
    s->traces = xcalloc((size_t)ntraces, sizeof *s->traces, "trace names");
    s->ntraces = ntraces;                 /* (the names are NULL until copied: teardown frees them) */
    for (int i = 0; i < ntraces; i++) {
        size_t n = strlen(traces[i]) + 1;
        s->traces[i] = memcpy(xmalloc(n, "a trace name"), traces[i], n);
    }
    s->format = synthetic ? "synthetic" : s->conf.format;
    s->inputs = xcalloc(1, sizeof *s->inputs, "the inputs");
    s->inputs->spool = xcalloc((size_t)ntraces, sizeof *s->inputs->spool, "the inputs");
    for (int i = 0; i < ntraces; i++)
        s->inputs->spool[i].fd = -1;
    u64map_init(&s->pids.ids);
    for (int i = 0; i < ntraces; i++) {
        if (!synthetic && (s->rr || s->needs_next_use)) {
            int rc = wl_spool(s->traces[i], &s->inputs->spool[i], err);
            if (rc < 0)
                return rc;               /* -1, or SIM_ESYS: no copy could be made */
        }
    }
    return 0;
}

/* rr: one pass over file i finds its processes: every pid that appears before any fork
 * creates it starts at time 0 with its own stream; forked ones start at their fork. With
 * several files it also gives each (file, pid) its engine pid (proc_engine_pid), and it
 * counts the page references for the progress line. 0, or -1 with err. */
static int rr_find_procs(sim_t *s, int i, sim_err_t *err)
{
    wl_t *wl = stream_open(s, i, err);
    if (!wl)
        return -1;
    u64map_t seen;
    u64map_init(&seen);
    wl_rec_t r;
    int rc, attach_failed = 0;
    uint64_t nrec = 0;
    progress_pass(s->progress, "finding processes", "records", wl_progress_pos, wl, 0, NULL, NULL);
    while ((rc = wl_next(wl, &r)) > 0) {
        progress_at(s->progress, ++nrec);
        if (r.type == WL_RUN) {
            s->vt_total += r.run->n;           /* each within one page */
        } else if (r.type == WL_REF) {
            vpn_t vpn;
            uint64_t npages;
            wl_split(&r, s->page_shift, &vpn, &npages);
            s->vt_total += npages;
        }
        spid_t pid = proc_engine_pid(s, (uint32_t)i, r.pid, 1);
        if (s->ntraces > 1 && (!pid || ((r.type == WL_FORK || (r.type == WL_WAIT && r.pid2)) &&
                                        !proc_engine_pid(s, (uint32_t)i, r.pid2, 1)))) {
            sim_err_set(err, SIM_EINPUT, "%s: too many processes (more than 2^32 - 2 "
                        "pids)", wl_where(wl, r.line, (char[4200]){0}, 4200));
            rc = -1;
            attach_failed = 1;
            break;
        }
        if (r.type == WL_FORK && !u64map_find(&seen, r.pid2))
            u64map_put(&seen, r.pid2, 0);       /* a child: not a root */
        if (u64map_find(&seen, r.pid))
            continue;
        u64map_put(&seen, r.pid, 1);
        uint32_t pi = (uint32_t)(proc_get(s, pid) - s->procs);
        if (stream_attach(s, pi, i, r.pid, 0, err)) {
            rc = -1;
            attach_failed = 1;
            break;
        }
        runq_push(s, pi, 0);
    }
    if (rc < 0 && !attach_failed)
        *err = wl->err;
    if (rc >= 0)
        progress_end(s->progress, nrec);
    u64map_free(&seen);
    wl_close(wl);
    return rc < 0 ? -1 : 0;
}

/* trace: the one stream, and OPT's next-use index over it. 0, or -1 with err. */
static int trace_setup(sim_t *s, sim_err_t *err)
{
    s->wl = stream_open(s, 0, err);
    if (!s->wl)
        return -1;
    s->wl->progress = s->progress;                 /* nu_build reports its pass */
    if (s->needs_next_use) {
        pgid_cow_t cow = {.ctx = s, .reuse = sched_cow_reuse, .copy_at_fork = sched_cow_copy_at_fork,
                          .neighbours = policy_cow_neighbours(s)};
        s->nu = nu_build(s->wl, s->page_shift, &cow, err);   /* the machine's failure throws */
        if (!s->nu)
            return -1;
    }
    return 0;
}

int sched_plan(sim_t *s, const char *const **traces, int *ntraces, sim_err_t *err)
{
    const char *spec = s->conf.workload_spec;
    if (*spec) {
        if (*ntraces)
            return sim_err_set(err, SIM_EINPUT, "give trace files or a workload spec, not both");
        s->workload_one[0] = spec;
        *traces = s->workload_one;
        *ntraces = 1;
    }
    /* "auto": rr for several files, else trace; the results echo which. */
    s->rr = s->conf.schedule == CONFIG_SCHED_RR || (s->conf.schedule == CONFIG_SCHED_AUTO && *ntraces > 1);
    json_object_set_new(s->cfg, "schedule", json_string(s->rr ? "rr" : "trace"));
    if (*ntraces < 1)
        return sim_err_set(err, SIM_EINPUT, "no trace file given");
    if (!s->rr && *ntraces != 1)
        return sim_err_set(err, SIM_EINPUT, "the trace schedule runs exactly one trace file (got %d); "
                           "use --schedule rr", *ntraces);
    if (!s->rr && s->ncpus != 1)
        return sim_err_set(err, SIM_EINPUT, "the trace schedule runs on one CPU; use --schedule rr for cpus > 1");
    if (s->rr && s->needs_next_use)
        return sim_err_set(err, SIM_EINPUT, "policy %s needs the future reference order, which only the trace "
                           "schedule fixes; use --schedule trace with one trace file", s->repl->name);
    return 0;
}

int sched_setup(sim_t *s, const char *const *traces, int ntraces, sim_err_t *err)
{
    int synthetic = *s->conf.workload_spec != 0;
    if (sched_plan(s, &traces, &ntraces, err))
        return -1;
    int rc = sched_inputs_open(s, traces, ntraces, synthetic, err);
    if (rc)
        return rc;
    if (!s->rr)
        return trace_setup(s, err);
    for (int i = 0; i < ntraces; i++)
        if (rr_find_procs(s, i, err))
            return -1;
    return 0;
}

void sched_teardown(sim_t *s)
{
    for (uint32_t i = 0; i < s->nprocs; i++) {
        if (s->procs[i].stream)
            wl_close(s->procs[i].stream);
        free(s->procs[i].xbuf);
    }
    free(s->runq);
    if (s->nu)
        nu_free(s->nu);
    if (s->wl)
        wl_close(s->wl);
    for (int i = 0; i < s->ntraces; i++)
        free(s->traces[i]);
    free(s->traces);
    if (s->inputs) {
        for (int i = 0; s->inputs->spool && i < s->ntraces; i++)
            wl_spool_free(&s->inputs->spool[i]);
        free(s->inputs->spool);
        free(s->inputs);
        s->inputs = NULL;
    }
}

/* Paranoid mode (config "paranoid", or the PAGESIM_PARANOID build): every invariant of
 * check.c after every record and event. O(frames + PTEs) each time: for tests, not speed. */
static void sched_paranoid_check(const sim_t *s)
{
    char msg[512];
    if (check_all(s, msg, sizeof msg))
        check_assert_fail(s, msg, __FILE__, __LINE__);
}

/* CPU c goes on in address space mm: a change costs a context switch (CPU work), and
 * without ASIDs a TLB flush. The first address space a CPU runs costs nothing. */
static void sched_switch_mm(sim_t *s, cpu_t *c, uint32_t mm, int flush_on_switch)
{
    if (c->last_mm == mm)
        return;
    if (c->last_mm != UINT32_MAX) {
        c->clock += s->cost.context_switch;
        c->busy_ps += s->cost.context_switch;
        s->n_ctx_switch++;
        if (flush_on_switch)
            tlb_flush(&c->tlb, UINT32_MAX);
    }
    c->last_mm = mm;
}

/* The workload has ended: the policy's timer fires no more (its pending event goes). */
static void sched_timer_off(sim_t *s)
{
    s->timer_off = 1;
    evq_cancel(&s->evq, EV_TIMER, 0);
}

/* rr, load control (repl.h): processes a policy suspended leave the run queue and their CPU
 * (parked); resumed ones come back. Called at each turn of the schedule once any process has
 * been suspended (O(processes) a turn from then on; one compare before). With stalled (no
 * process can run and only the timer is pending) every parked process is resumed: a policy
 * cannot stall a run for ever. Returns how many came back. */
static uint32_t sched_park(sim_t *s, int stalled)
{
    uint32_t n = s->rq_n, back = 0;
    for (uint32_t k = 0; k < n; k++) {              /* the queue, keeping its order */
        uint32_t pi = s->runq[s->rq_head];
        s->rq_head = (s->rq_head + 1) % s->rq_cap;
        s->rq_n--;
        if (s->procs[pi].suspended)
            s->procs[pi].parked = 1;
        else
            s->runq[(s->rq_head + s->rq_n++) % s->rq_cap] = pi;
    }
    for (uint32_t i = 0; i < s->ncpus; i++) {
        cpu_t *c = &s->cpus[i];
        if (c->cur >= 0 && s->procs[c->cur].suspended) {
            s->procs[c->cur].state = P_RUNNABLE;
            s->procs[c->cur].parked = 1;
            c->cur = -1;
        }
    }
    for (uint32_t pi = 0; pi < s->nprocs; pi++) {
        proc_t *p = &s->procs[pi];
        if (!p->parked)
            continue;
        if (stalled && p->suspended) {
            p->suspended = 0;
            s->n_stall_resumes++;
        }
        if (!p->suspended) {
            p->parked = 0;
            runq_push(s, pi, p->ready_at);
            back++;
        }
    }
    return back;
}

/* Whether the only thing left to happen is the policy's timer. */
static int sched_only_timer(const sim_t *s)
{
    return s->evq.n == 0 || (s->evq.n == 1 && s->evq.heap[0].kind == EV_TIMER);
}

/* Runs every event due at or before `now`. */
static void sched_run_events(sim_t *s, sim_time_t now)
{
    event_t ev;
    while (evq_next_time(&s->evq) <= now && evq_pop(&s->evq, &ev)) {
        switch (ev.kind) {
        case EV_IO_DONE: {
            proc_t *p = &s->procs[ev.a];
            SIM_ASSERT(s, p->state == P_BLOCKED);
            p->state = P_RUNNABLE;
            p->blocked_ps += ev.when - p->blocked_since;
            fault_complete(s, p, ev.when, 0);
            if (s->rr)
                runq_push(s, ev.a, ev.when);
            break;
        }
        case EV_RECLAIM:
            reclaim_background(s, ev.when);
            break;
        case EV_WRITEBACK:
            reclaim_writeback_done(s, ev.a);
            break;
        case EV_TIMER:
            policy_timer(s, ev.when, ev.b);
            break;
        default:
            SIM_ASSERT(s, !"unexpected event kind");
        }
        if (s->paranoid)
            sched_paranoid_check(s);
    }
}

/* CPU c idles until p is runnable again; returns the idle time. */
static sim_time_t sched_wait_io(sim_t *s, cpu_t *c, proc_t *p)
{
    sim_time_t idle = 0;
    while (p->state == P_BLOCKED) {
        sim_time_t t = evq_next_time(&s->evq);
        SIM_ASSERT(s, t != SIM_TIME_MAX);
        if (t > c->clock) {
            idle += t - c->clock;
            c->clock = t;
        }
        sched_run_events(s, c->clock);
    }
    return idle;
}

/* The page references of one access, from vpn on; the first one has already been tried
 * (and blocked) when `tried`. Returns the time spent waiting for I/O. */
static sim_time_t sched_access_pages(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, uint64_t npages,
                               ref_kind_t kind, int tried)
{
    sim_time_t idle = 0;
    for (uint64_t i = 0; i < npages; i++, vpn++) {
        int blocked = tried && i == 0 ? 1 : mmu_access(s, c, p, vpn, kind);
        while (blocked) {
            idle += sched_wait_io(s, c, p);
            if (p->access_done) {          /* the completion finished the access */
                p->access_done = 0;
                break;
            }
            blocked = mmu_access(s, c, p, vpn, kind);
        }
        s->vt++;
        policy_refs_tick(s, p, vpn, kind);
    }
    return idle;
}

/* ---- the account of an access and of a run, shared by both schedules ---- */

/* An access counted: in the totals, by kind, and for its process. Both schedules count it
 * when they read it, before its pages run. */
static inline void sched_count_access(sim_t *s, proc_t *p, ref_kind_t kind)
{
    s->n_access++;
    s->n_kind[kind]++;
    p->n_refs++;
}

/* The access count at which the next timeline sample is due (UINT64_MAX: no timeline).
 * Samples fall at every multiple of `interval` accesses, in both schedules: a run taken
 * whole never passes one (sched_run_whole), so the count meets each exactly. Where in an
 * access the sample is taken is the schedule's: trace takes it after the access and the
 * events it reached (trace_rec), rr as the access is counted, before its pages run (a
 * blocked access's pages may run in later slices); each keeps its own results. */
static inline uint64_t sched_sample_at(const sim_t *s)
{
    return s->interval ? s->tl_refs + s->interval * stats_intervals_due(s) : UINT64_MAX;
}

/* A run (wl.h) taken whole, from its summary, when nothing between its references could
 * differ from taking them one by one: each of them starts before limit_ps (the caller's loop
 * looks at events and quanta no sooner), the access count stays below until_refs (the next
 * timeline sample, or a look of the progress line) and every page is in c's TLB with the
 * rights its kinds need (mmu_run_hits). 1 when taken, counted as its accesses would be; 0,
 * nothing changed. (The run's CPU time is the caller's: trace charges each record, rr each
 * slice.) */
static int sched_run_whole(sim_t *s, cpu_t *c, proc_t *p, const wl_run_t *run, sim_time_t limit_ps,
                           uint64_t until_refs)
{
    sim_time_t last = c->clock + (sim_time_t)(run->n - 1) * s->cost.tlb_hit;
    if (!(last < limit_ps && s->n_access + run->n < until_refs && s->vt + run->n < s->ref_due &&
          mmu_run_hits(s, c, p, run)))
        return 0;
    s->n_access += run->n;
    for (int k = 0; k < 3; k++)
        s->n_kind[k] += run->nkind[k];
    s->vt += run->n;
    p->n_refs += run->n;
    s->runs_whole++;
    return 1;
}

/* Records are read in batches (wl_fill): for the binary reader this takes the call per
 * record out of the hot loop. Small enough to stay in the L1 cache. */
#define TRACE_BATCH 128

/* The trace schedule's state between records. */
typedef struct trace {
    proc_t *p;                 /* the current record's process, NULL after an event */
    spid_t pid;
    int flush_on_switch;
    int hit_hint;              /* the policy's prefetch_hit is worth calling (TRACE_HIT_HINT_FRAMES) */
    uint64_t next_tl;          /* the access count at which trace_tick runs: the earlier of
                                  the next timeline sample and the progress line's next look */
} trace_t;

/* When trace_tick runs next. The progress line counts page references, at least one per
 * access, so looking after as many accesses as it has references to go is never late. */
static void trace_next_tick(sim_t *s, trace_t *t)
{
    uint64_t p = progress_due_in(s->progress, s->vt);
    uint64_t sample = sched_sample_at(s);
    t->next_tl = p < sample - s->n_access ? s->n_access + p : sample;
}

/* A timeline sample, a look for the progress line, or both. The progress line shares the
 * timeline's per-record compare, so it costs the hot loop nothing. */
static void trace_tick(sim_t *s, trace_t *t)
{
    if (s->n_access >= sched_sample_at(s))
        stats_interval(s);
    progress_at(s->progress, s->vt);
    trace_next_tick(s, t);
}

/* Makes the record's process current (a context switch if its address space differs). */
static inline int trace_proc(sim_t *s, cpu_t *c, trace_t *t, const wl_rec_t *rec, sim_err_t *err)
{
    if (t->p && rec->pid == t->pid)
        return 0;
    t->p = proc_get(s, rec->pid);
    t->pid = rec->pid;
    if (t->p->state == P_EXITED)
        return sim_err_set(err, SIM_EINPUT, "%s: pid %u has already exited",
                           wl_where(s->wl, rec->line, (char[4200]){0}, 4200), rec->pid);
    sched_switch_mm(s, c, t->p->mm, t->flush_on_switch);
    return 0;
}

/* One record: an event, or an access with the events and timeline samples it reaches. */
static inline int trace_rec(sim_t *s, cpu_t *c, trace_t *t, const wl_rec_t *rec, sim_err_t *err)
{
    if (rec->type != WL_REF) {
        s->cur_line = rec->line;
        t->p = NULL;                   /* the process table may move */
        return sched_event(s, c, rec, err);
    }
    if (trace_proc(s, c, t, rec, err))
        return -1;
    proc_t *p = t->p;
    sim_time_t t0 = c->clock, idle = 0;
    sched_count_access(s, p, (ref_kind_t)rec->kind);
    vpn_t vpn;
    uint64_t npages;
    wl_split(rec, s->page_shift, &vpn, &npages);
    if (__builtin_expect(npages == 1, 1) && !mmu_access(s, c, p, vpn, (ref_kind_t)rec->kind)) {
        s->vt++;                       /* the usual case, without the loop's bookkeeping */
        policy_refs_tick(s, p, vpn, (ref_kind_t)rec->kind);
    } else
        idle = sched_access_pages(s, c, p, vpn, npages, (ref_kind_t)rec->kind, npages == 1);
    p->cpu_ps += c->clock - t0 - idle;
    c->busy_ps += c->clock - t0 - idle;
    if (evq_next_time(&s->evq) <= c->clock)
        sched_run_events(s, c->clock);
    if (s->n_access >= t->next_tl)
        trace_tick(s, t);
    if (s->paranoid)
        sched_paranoid_check(s);
    return 0;
}

/* A run (wl.h): from its summary when it is all TLB hits and reaches no event and no
 * timeline sample (then nothing between its references could differ), else record by
 * record. (A look of the progress line is a tick too: the run where one falls is expanded,
 * which changes no result. No event today touches a run's pages: reclaim is queued for the time of the
 * fault that wakes it and runs right after that reference, write-backs only free frames.
 * The event test keeps the argument simple and true for events to come.) */
static int trace_run(sim_t *s, cpu_t *c, trace_t *t, const wl_rec_t *rec, wl_rec_t *buf, sim_err_t *err)
{
    const wl_run_t *run = rec->run;
    if (trace_proc(s, c, t, rec, err))
        return -1;
    /* Events are looked at after each record: the run must end before the next one is due
     * (its last reference starts one hit earlier). */
    sim_time_t t_ev = evq_next_time(&s->evq), hit = s->cost.tlb_hit;
    if (sched_run_whole(s, c, t->p, run, t_ev > hit ? t_ev - hit : 0, t->next_tl)) {
        sim_time_t dt = (sim_time_t)run->n * hit;
        t->p->cpu_ps += dt;
        c->busy_ps += dt;
        if (s->paranoid)
            sched_paranoid_check(s);
        return 0;
    }
    s->runs_expanded++;
    int n = wl_run_expand(s->wl, rec, buf);
    if (n < 0) {
        *err = s->wl->err;            /* the reader's error (wl.h) */
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (trace_rec(s, c, t, &buf[i], err))
            return -1;
    return 0;
}

/* Prefetch distances, in records: a walk's hash slot this far ahead, its entry nearer (by
 * then the slot is in the cache), and nearer still, once the entry is in, the swap slot a
 * swapped-out page's fault will read (swap.c: its frame in the swap cache, its key), the
 * swap-in's one cache miss of its own. A fault costs about as much as a dozen hits, so a few
 * records ahead already overlap the misses; a batch's first records get the stages at once
 * (a later stage then reads a line that may still be on its way: a hint, no more). */
#define TRACE_PF_SLOT  12
#define TRACE_PF_ENTRY 6
#define TRACE_PF_SWAP  3
/* The policy's hit hint (repl.h, prefetch_hit) only from this many frames: below, the
 * policy's per-frame state fits the core's caches and the call would cost more than it
 * saves (the bundled sort trace at 256 frames: 3.8% more instructions with it). */
#define TRACE_HIT_HINT_FRAMES 32768

/* Prefetches the walks of batch[from, to) that the current process will make (records of
 * another pid, events and runs are left alone: hints, never needed for a result). The slot
 * stage (stage 1) keeps each record's hash slot in slot[] for the entry stage (UINT32_MAX:
 * none); the entry stage (0) reads it only within the current table (the process may have
 * changed in between: at worst the slot names the wrong entry, a useless hint) and leaves
 * the entry's index + 1 in slot[] (0: none) for the last stage (2), which, if that entry is
 * this record's page, prefetches its swap slot when it is swapped out, and when it is
 * resident what the policy's on_hit will touch for its frame (repl.h, prefetch_hit). */
static inline void trace_prefetch(const sim_t *s, const trace_t *t, const wl_rec_t *batch, int from,
                                  int to, int slot_stage, uint32_t *slot)
{
    if (!t->p)
        return;
    const pagetable_t *pt = &s->mms[t->p->mm].pt;
    for (int i = from; i < to; i++) {
        if (slot_stage == 2) {
            uint32_t e = slot[i];
            if (e && e <= pt->n) {
                const pte_t *pte = pt_at(pt, e - 1);
                if (pte->flags & PTE_SWAP) {
                    if (pte->vpn == batch[i].addr >> s->page_shift && pte->val < s->nswap)
                        pt_prefetch(&s->swap[pte->val]);
                } else if (t->hit_hint && (pte->flags & PTE_PRESENT) &&
                           pte->vpn == batch[i].addr >> s->page_shift && pte->val < s->nframes) {
                    s->repl->prefetch_hit(s->repl_state, (pfn_t)pte->val);
                }
            }
            continue;
        }
        if (!slot_stage) {
            uint32_t e = slot[i] <= pt->mask ? pt_probe_hint(pt, slot[i], batch[i].addr >> s->page_shift) : 0;
            if (e)
                pt_prefetch(pt_at(pt, e - 1));
            slot[i] = e;
            continue;
        }
        const wl_rec_t *r = &batch[i];
        slot[i] = UINT32_MAX;
        if (r->type != WL_REF || r->pid != t->pid)
            continue;
        slot[i] = (uint32_t)(pt_hash(r->addr >> s->page_shift) & pt->mask);
        pt_prefetch(&pt->slots[slot[i]]);
    }
}

static int trace_schedule(sim_t *s, sim_err_t *err)
{
    cpu_t *c = &s->cpus[0];
    trace_t t = {
        .flush_on_switch = !s->conf.tlb_asid,
        .hit_hint = s->nframes >= TRACE_HIT_HINT_FRAMES && s->repl->prefetch_hit,
    };
    trace_next_tick(s, &t);
    /* The look-ahead runs across batches: a batch's last references (plain WL_REF records,
     * values only, nothing the reader owns) wait at the front of the buffer, with their
     * prefetch stages, for the next batch, so a batch's first records are not walked cold
     * (about 5% of the references were). Only for readers with their own fill: a generator
     * draws from the run's rng, so reading it ahead would change when it draws. */
    wl_rec_t batch[TRACE_PF_SLOT + TRACE_BATCH], runbuf[WL_RUN_MAX];
    uint32_t slot[TRACE_PF_SLOT + TRACE_BATCH];
    int rc = 1, have = 0, carry = s->wl->ops->fill != NULL;
    s->cur_wl = s->wl;
    s->wl->want_runs = sched_runs_ok(s);
    while (rc > 0 || have) {
        if (rc > 0)
            rc = wl_fill(s->wl, batch + have, TRACE_BATCH);
        int n = have + (rc > 0 ? rc : 0), stop = n;
        if (rc > 0 && carry)
            while (stop > 0 && n - stop < TRACE_PF_SLOT && batch[stop - 1].type == WL_REF)
                stop--;
        for (int i = have; i < n; i++)
            slot[i] = UINT32_MAX;
        /* The new records that the loop below will not reach with a stage get it now (the
         * kept ones had theirs from the batch before). */
        if (have < TRACE_PF_SLOT)
            trace_prefetch(s, &t, batch, have, n < TRACE_PF_SLOT ? n : TRACE_PF_SLOT, 1, slot);
        if (have < TRACE_PF_ENTRY)
            trace_prefetch(s, &t, batch, have, n < TRACE_PF_ENTRY ? n : TRACE_PF_ENTRY, 0, slot);
        if (have < TRACE_PF_SWAP)
            trace_prefetch(s, &t, batch, have, n < TRACE_PF_SWAP ? n : TRACE_PF_SWAP, 2, slot);
        for (int i = 0; i < stop; i++) {
            const wl_rec_t *rec = &batch[i];
            if (i + TRACE_PF_SLOT < n)
                trace_prefetch(s, &t, batch, i + TRACE_PF_SLOT, i + TRACE_PF_SLOT + 1, 1, slot);
            if (i + TRACE_PF_ENTRY < n)
                trace_prefetch(s, &t, batch, i + TRACE_PF_ENTRY, i + TRACE_PF_ENTRY + 1, 0, slot);
            if (i + TRACE_PF_SWAP < n)
                trace_prefetch(s, &t, batch, i + TRACE_PF_SWAP, i + TRACE_PF_SWAP + 1, 2, slot);
            if (rec->type == WL_RUN ? trace_run(s, c, &t, rec, runbuf, err) : trace_rec(s, c, &t, rec, err))
                return -1;
        }
        have = n - stop;
        memmove(batch, batch + stop, (size_t)have * sizeof *batch);
        memmove(slot, slot + stop, (size_t)have * sizeof *slot);
    }
    if (rc < 0) {
        *err = s->wl->err;
        return -1;
    }
    /* Let outstanding completions land (none block a process here, but be complete); the
     * policy's timer does not keep a finished run going. */
    sched_timer_off(s);
    while (evq_next_time(&s->evq) != SIM_TIME_MAX) {
        sim_time_t tm = evq_next_time(&s->evq);
        if (tm > c->clock)
            c->clock = tm;
        sched_run_events(s, c->clock);
    }
    return 0;
}

#define RR_SLICE PS_PER_US   /* how far one CPU may run past the next CPU's clock */

/* Puts process pi on CPU c: idles c until the process is ready, then switches to it. */
static void rr_switch_to(sim_t *s, cpu_t *c, uint32_t pi, int flush_on_switch)
{
    proc_t *p = &s->procs[pi];
    if (c->clock < p->ready_at)
        c->clock = p->ready_at;
    sched_switch_mm(s, c, p->mm, flush_on_switch);
    c->cur = (int32_t)pi;
    p->state = P_RUNNING;
    c->quantum_end = c->clock + s->quantum;
}

/* rr: an access read; the timeline sample it reaches is taken now (sched_sample_at). */
static void sched_note_access(sim_t *s, proc_t *p, const wl_rec_t *r)
{
    sched_count_access(s, p, (ref_kind_t)r->kind);
    if (s->n_access >= sched_sample_at(s))
        stats_interval(s);
}

/* rr: process pi's stream has ended (got 0) or reached its exit record (got 1): the exit,
 * and then nothing more may follow in the stream. c goes idle. 0, or -1 with err. */
static int rr_exit(sim_t *s, cpu_t *c, uint32_t pi, int got, sim_err_t *err)
{
    proc_t *p = &s->procs[pi];
    if (p->state != P_EXITED) {
        wl_rec_t ex = {.type = WL_EXIT, .pid = p->pid};
        if (sched_event(s, c, &ex, err))
            return -1;
    }
    p = &s->procs[pi];
    p->state = P_EXITED;
    /* Anything this pid does after its exit is bad input, as in the trace schedule: read the
     * rest of its stream to say so (a pass the stream would make anyway). */
    wl_rec_t r;
    while (got > 0 && (got = stream_next(s, p, &r, err)) > 0) {
        sim_err_set(err, SIM_EINPUT, "%s: pid %u has already exited",
                    wl_where(p->stream, p->stream->line, (char[4200]){0}, 4200), p->filter);
        got = -1;
    }
    if (got < 0)
        return -1;
    wl_close(p->stream);
    p->stream = NULL;
    c->cur = -1;
    loadctl_decide(s, c->clock);           /* its memory may let a suspended one in */
    return 0;
}

/* rr: an event record of process pi; a fork gives the child its stream and queues it. 0 to
 * go on, 1 when pi now waits for a child (c goes idle), -1 with err. */
static int rr_event(sim_t *s, cpu_t *c, uint32_t pi, const wl_rec_t *r, sim_err_t *err)
{
    if (sched_event(s, c, r, err))
        return -1;
    proc_t *p = &s->procs[pi];
    if (p->state == P_WAITING || p->state == P_BLOCKED) {   /* a wait for a child, or a
                                                                buffered read's I/O (fileio.c) */
        c->cur = -1;
        return 1;
    }
    if (r->type == WL_FORK) {
        uint32_t ci = (uint32_t)*u64map_find(&s->pid2proc, r->pid2);
        if (stream_attach(s, ci, (int)p->trace, proc_file_pid(s, r->pid2, NULL), p->rec_index, err))
            return -1;
        runq_push(s, ci, c->clock);
    }
    return 0;
}

/* Runs CPU c's process until it blocks, exits or ends, or c's clock reaches limit. */
static int rr_slice(sim_t *s, cpu_t *c, sim_time_t limit, sim_err_t *err)
{
    uint32_t pi = (uint32_t)c->cur;
    sim_time_t t0 = c->clock;
    int rc = 0;
    for (;;) {
        proc_t *p = &s->procs[pi];
        while (p->cur_left) {
            if (p->access_done)                    /* its fault's completion did this page */
                p->access_done = 0;
            else if (mmu_access(s, c, p, p->cur_vpn, (ref_kind_t)p->cur.kind)) {
                c->cur = -1;                       /* blocked: resumes at this page */
                if (__builtin_expect(s->conf.load_control != 0, 0))
                    loadctl_decide(s, c->clock);   /* a major fault: is memory overcommitted? */
                goto out;
            }
            s->vt++;
            policy_refs_tick(s, p, p->cur_vpn, (ref_kind_t)p->cur.kind);
            p->cur_vpn++;
            p->cur_left--;
        }
        /* Load control (loadctl.c) samples between accesses; a suspended process stops. */
        if (__builtin_expect(p->n_refs >= p->lc_due, 0)) {
            loadctl_sample(s, pi, c->clock);
            p = &s->procs[pi];
        }
        if (p->suspended)
            goto out;
        if (c->clock >= limit)
            goto out;
        wl_rec_t r;
        s->cur_wl = p->stream;
        int got = stream_next(s, p, &r, err);
        s->cur_line = r.line;
        if (got < 0) {
            rc = -1;
            goto out;
        }
        if (got == 0 || r.type == WL_EXIT) {       /* the end of a stream is an implicit exit */
            rc = rr_exit(s, c, pi, got, err);
            goto out;
        }
        if (r.type == WL_RUN) {
            /* Whole when every record of it would start before the limit (which is at or
             * before the next event and the quantum's end) and no timeline sample falls in
             * it: then nothing between its references could differ (see trace_run). */
            if (sched_run_whole(s, c, p, r.run, limit, sched_sample_at(s)))
                continue;
            s->runs_expanded++;
            if (stream_expand(s, p, &r, err)) {
                rc = -1;
                goto out;
            }
            continue;
        }
        if (r.type != WL_REF) {
            if ((rc = rr_event(s, c, pi, &r, err)))
                goto out;
            continue;
        }
        sched_note_access(s, p, &r);
        p->cur = r;
        wl_split(&r, s->page_shift, &p->cur_vpn, &p->cur_left);
    }
out:
    s->procs[pi].cpu_ps += c->clock - t0;
    c->busy_ps += c->clock - t0;
    if (c->cur < 0 && s->procs[pi].state == P_RUNNING)
        s->procs[pi].state = P_RUNNABLE;            /* (only on error paths) */
    return rc < 0 ? -1 : 0;
}

static int rr_schedule(sim_t *s, sim_err_t *err)
{
    const int flush_on_switch = !s->conf.tlb_asid;
    for (;;) {
        progress_at(s->progress, s->vt);          /* one compare per slice */
        if (s->suspends)
            sched_park(s, 0);
        for (uint32_t i = 0; i < s->ncpus && s->rq_n; i++)
            if (s->cpus[i].cur < 0) {
                uint32_t pi = s->runq[s->rq_head];
                s->rq_head = (s->rq_head + 1) % s->rq_cap;
                s->rq_n--;
                rr_switch_to(s, &s->cpus[i], pi, flush_on_switch);
            }
        cpu_t *c = NULL;
        sim_time_t second = SIM_TIME_MAX;
        for (uint32_t i = 0; i < s->ncpus; i++) {
            cpu_t *x = &s->cpus[i];
            if (x->cur < 0)
                continue;
            if (!c || x->clock < c->clock) {
                if (c)
                    second = c->clock;
                c = x;
            } else if (x->clock < second) {
                second = x->clock;
            }
        }
        if (!c && sched_only_timer(s)) {
            if (s->suspends && sched_park(s, 1))
                continue;                           /* nothing else could run: resumed */
            sched_timer_off(s);                     /* nothing left for the timer to act on */
        }
        sim_time_t t_ev = evq_next_time(&s->evq);
        if (!c) {
            if (t_ev == SIM_TIME_MAX)
                break;                              /* every stream has ended */
            for (uint32_t i = 0; i < s->ncpus; i++)
                if (s->cpus[i].clock < t_ev)
                    s->cpus[i].clock = t_ev;        /* all idle until the next completion */
            sched_run_events(s, t_ev);
            continue;
        }
        if (t_ev <= c->clock) {
            sched_run_events(s, c->clock);
            continue;
        }
        sim_time_t limit = c->quantum_end < t_ev ? c->quantum_end : t_ev;
        if (second != SIM_TIME_MAX && second + RR_SLICE < limit)
            limit = second + RR_SLICE;
        if (rr_slice(s, c, limit, err))
            return -1;
        if (c->cur >= 0 && c->clock >= c->quantum_end) {
            if (s->rq_n) {                          /* time slice over, others wait: preempt */
                runq_push(s, (uint32_t)c->cur, c->clock);
                c->cur = -1;
            } else {
                c->quantum_end = c->clock + s->quantum;
            }
        }
        if (s->paranoid)
            sched_paranoid_check(s);
    }
    return 0;
}

/* The run's part of its progress line: faults and simulated time so far. */
static void sched_progress(void *ctx, char *buf, size_t n)
{
    const sim_t *s = ctx;
    uint64_t faults = 0;
    sim_time_t now = 0;
    for (int k = 0; k < FK_N; k++)
        if (k != FK_SEGV && k != FK_PROTECTION)   /* as the results' faults.total */
            faults += s->n_faults[k];
    for (uint32_t i = 0; i < s->ncpus; i++)
        if (s->cpus[i].clock > now)
            now = s->cpus[i].clock;
    double sec = (double)now / (double)PS_PER_S;
    snprintf(buf, n, ", %llu faults, sim %.*f s", (unsigned long long)faults,
             sec < 10 ? 3 : 1, sec);
}

int sched_run(sim_t *s, sim_err_t *err)
{
    /* Page references, as the results' "references" and OPT's next-use pass count them. rr:
     * the setup pass counted them; trace: the file's bytes read tell how far. */
    progress_pass(s->progress, "simulating", "refs", s->rr ? NULL : wl_progress_pos, s->wl,
                  s->rr ? s->vt_total : 0, sched_progress, s);
    int rc = s->rr ? rr_schedule(s, err) : trace_schedule(s, err);
    if (rc)
        return rc;
    progress_end(s->progress, s->vt);
    s->end_time = 0;
    for (uint32_t i = 0; i < s->ncpus; i++)
        if (s->cpus[i].clock > s->end_time)
            s->end_time = s->cpus[i].clock;
    if (s->interval && s->n_access != s->tl_refs)
        stats_interval(s);
    wait_finish(s);
    if (s->paranoid)
        sched_paranoid_check(s);
    return 0;
}
