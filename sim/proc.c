/* proc.c - the process table, address spaces, and process identity with several files.
 *
 * Processes are an array indexed through a pid -> index map; each has an address space
 * (mm_t: its page table and areas), whose index is its ASID. Both arrays only grow (an exited
 * process and a dead address space keep their slots: results list every process), doubling,
 * so a lookup is one hash probe and creation amortised O(1). Callers that hold a proc_t *
 * across a proc_get re-find it: the array may move.
 *
 * Process identity with several files. Two files may use the same pids (each is a recording
 * of its own), so the engine's pid is not the file's: the schedule's setup pass gives every
 * (file, pid) it meets, fork children and waited-for children included, the next engine pid
 * (1, 2, ... in order of first appearance) in a map, and each stream turns its file's pids
 * into engine pids as it reads them (proc_engine_pid). With one file the engine's pids are
 * the file's. Messages and the results name the file's pid (and the results the file):
 * proc_file_pid.
 *
 * Load control (policies/repl.h): a policy may suspend a process (the rr schedule then runs
 * it no more: sched.c parks it) and resume it; the trace schedule runs one fixed order and
 * cannot. Each process also carries its frame quota and charges (frame.c). */
#include "sim_int.h"
#include "proc.h"
#include "policy.h"
#include "sim/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

proc_t *proc_get(sim_t *s, spid_t pid)
{
    uint64_t *i = u64map_find(&s->pid2proc, pid);
    if (i)
        return &s->procs[*i];
    if (s->nprocs == s->capprocs) {
        s->capprocs = s->capprocs ? 2 * s->capprocs : 8;
        s->procs = xrealloc(s->procs, xmul(s->capprocs, sizeof *s->procs, "processes"), "processes");
    }
    proc_t *p = &s->procs[s->nprocs];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->mm = proc_mm_new(s);
    p->state = P_RUNNABLE;
    p->pend_old = PFN_NONE;
    p->quota = UINT32_MAX;
    p->quota_kept = 1;
    p->lc_due = s->conf.load_control ? s->conf.load_window_refs : UINT64_MAX;
    s->mms[p->mm].proc = s->nprocs + 1;
    u64map_put(&s->pid2proc, pid, s->nprocs);
    s->nprocs++;
    policy_proc(s, pid, REPL_PROC_NEW);
    return &s->procs[s->nprocs - 1];
}

uint32_t proc_mm_new(sim_t *s)
{
    if (s->nmms == s->capmms) {
        s->capmms = s->capmms ? 2 * s->capmms : 8;
        s->mms = xrealloc(s->mms, xmul(s->capmms, sizeof *s->mms, "address spaces"), "address spaces");
    }
    mm_t *mm = &s->mms[s->nmms];
    memset(mm, 0, sizeof *mm);
    pt_init(&mm->pt);
    mm->users = 1;
    mm->implicit = &s->vma_implicit;
    return s->nmms++;
}

spid_t proc_file_pid(const sim_t *s, spid_t pid, uint32_t *trace)
{
    const proc_pids_t *in = &s->pids;
    if (!in->n || pid == 0 || pid > in->n) {
        if (trace)
            *trace = 0;
        return pid;
    }
    if (trace)
        *trace = in->file[pid - 1];
    return in->file_pid[pid - 1];
}

spid_t proc_engine_pid(sim_t *s, uint32_t t, spid_t pid, int add)
{
    proc_pids_t *in = &s->pids;
    if (s->ntraces <= 1)
        return pid;
    uint64_t key = (uint64_t)t << 32 | pid;
    const uint64_t *v = u64map_find(&in->ids, key);
    if (v)
        return (spid_t)*v;
    if (!add || in->n == UINT32_MAX - 1)
        return 0;
    if (in->n == in->cap) {
        uint32_t cap = in->cap ? 2 * in->cap : 64;
        in->file_pid = xrealloc(in->file_pid, xmul(cap, sizeof *in->file_pid, "pids"), "pids");
        in->file = xrealloc(in->file, xmul(cap, sizeof *in->file, "pids"), "pids");
        in->cap = cap;
    }
    in->file_pid[in->n] = pid;
    in->file[in->n] = t;
    u64map_put(&in->ids, key, ++in->n);
    return (spid_t)in->n;
}

void proc_free_all(sim_t *s)
{
    for (uint32_t i = 0; i < s->nmms; i++) {
        pt_free(&s->mms[i].pt);
        vma_list_free(&s->mms[i].areas);
    }
    free(s->mms);
    free(s->procs);
    if (s->pids.ids.s)
        u64map_free(&s->pids.ids);
    free(s->pids.file_pid);
    free(s->pids.file);
}

proc_t *proc_find(const sim_t *s, spid_t pid)
{
    const uint64_t *i = u64map_find(&s->pid2proc, pid);
    return i ? &s->procs[*i] : NULL;
}

int proc_suspend(sim_t *s, spid_t pid)
{
    proc_t *p = proc_find(s, pid);
    if (!s->rr || !p || p->state == P_EXITED)
        return -1;
    p->suspended = 1;
    s->suspends = 1;
    return 0;
}

int proc_resume(sim_t *s, spid_t pid)
{
    proc_t *p = proc_find(s, pid);
    if (!s->rr || !p || p->state == P_EXITED)
        return -1;
    p->suspended = 0;                      /* a parked process goes back on the run queue at
                                              the schedule's next turn (sched.c) */
    return 0;
}
