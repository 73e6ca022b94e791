/* proc.h - processes, address spaces, and the pids of several files (proc.c). */
#ifndef PAGESIM_PROC_H
#define PAGESIM_PROC_H

#include "sim/base/types.h"
#include "sim/base/u64map.h"
#include "sim/base/vmalist.h"
#include "sim.h"
#include "pagetable.h"
#include "fault.h"
#include "workloads/wl.h"

/* An address space (its index in sim->mms is its asid); its areas: vmalist.h. */
typedef struct mm {
    pagetable_t pt;
    vma_list_t areas;
    uint32_t users;       /* processes using it (1; 0 = dead) */
    uint32_t proc;        /* 1 + index into procs of the process using it (mapping notices) */
    const vma_t *implicit; /* no area declared: this one rwx area covers everything (the
                              sim's vma_implicit, config `implicit`); NULL once one is */
    uint64_t resident;    /* present PTEs */
} mm_t;

enum { P_RUNNABLE = 0, P_RUNNING, P_BLOCKED, P_EXITED,
       P_WAITING };         /* rr: in a wait for a child that has not exited (sched.c) */

typedef struct proc {
    spid_t   pid;
    uint32_t mm;          /* index into sim->mms; its asid */
    uint32_t state;
    /* A fault waiting for I/O, finished by the EV_IO_DONE event; then the access restarts. */
    pte_t   *pend_pte;
    pfn_t    pend_pfn;    /* frame to map */
    pfn_t    pend_old;    /* COW: the shared frame being replaced, else PFN_NONE */
    uint32_t pend_perms;
    uint32_t pend_fk;     /* fault kind */
    uint64_t pend_key;    /* cache key the frame must still hold (0: private frame) */
    int      access_done; /* the completion finished the blocked access: do not retry it */
    mem_ref_t pend_ref;
    sim_time_t fault_start;
    /* statistics */
    uint64_t n_refs, n_faults[FK_N], resident_peak;
    sim_time_t cpu_ps, blocked_ps, blocked_since;
    /* rr schedule: the process's own stream, the file's records filtered by pid */
    wl_t    *stream;
    spid_t   filter;      /* pid as written in the file */
    uint32_t trace;       /* index of the file */
    uint64_t skip;        /* records of the file before this process's start (a fork) */
    uint64_t rec_index;   /* records of the file read so far */
    wl_rec_t *xbuf;       /* the records of a run that could not be taken whole, */
    uint32_t xpos, xn;    /* given out from xpos (WL_RUN_MAX of them, allocated at need) */
    wl_rec_t cur;         /* the access in progress (its remaining pages) */
    vpn_t    cur_vpn;
    uint64_t cur_left;    /* pages of cur still to do; 0: none in progress */
    sim_time_t ready_at;  /* when it became runnable */
    /* wait (sched.c): the process tree and what waits have taken, as POSIX has it */
    uint32_t parent;      /* 1 + index into procs of the process that forked it; 0: none */
    uint32_t n_unreaped;  /* children no wait has taken yet, running or exited */
    uint32_t n_zombies;   /* of those, the exited ones */
    uint32_t n_any_pending;   /* trace schedule: waits for any child no exit has met yet */
    uint32_t n_named_pending; /* trace schedule: waits for a named child still running */
    spid_t   wait_pid;    /* P_WAITING: the child waited for, 0 any */
    uint8_t  reaped;      /* a wait of its parent has taken it */
    uint8_t  wait_named;  /* trace schedule: taken while still running (its parent's
                             n_named_pending counts it until it exits) */
    sim_time_t wait_ps, wait_since;   /* time spent in waits; the current one's start */
    /* allocation (policies/repl.h): frames charged to it (frame.owner), of which tracked;
     * its quota under local replacement (UINT32_MAX: none); load control */
    uint32_t n_charged, n_charged_tracked, quota;
    uint8_t  suspended;   /* rr: not scheduled until resumed */
    uint8_t  parked;      /* rr: suspended and taken off the run queue and its CPU */
    uint8_t  quota_kept;  /* n_charged <= quota since the quota was set (a quota set below
                             the charge is reached as the process's frames are evicted) */
    uint8_t  lc_short;    /* load control, pff: faulted faster than the threshold in its
                             last window */
    uint8_t  lc_suspended;   /* load control suspended it (loadctl.c) */
    uint64_t lc_due;      /* load control: n_refs at which its next sample is taken
                             (UINT64_MAX: off) */
    uint64_t lc_ws;       /* its working set at the last sample (pages) */
    uint64_t lc_faults;   /* its faults at the last sample */
} proc_t;

/* Several trace files: each (file, file's pid) has its own engine pid (see proc.c). */
typedef struct proc_pids {
    u64map_t ids;            /* (file << 32 | file's pid) -> engine pid */
    spid_t *file_pid;        /* by engine pid - 1: the file's pid, */
    uint32_t *file;          /* and the file's index */
    uint32_t n, cap;         /* engine pids given */
} proc_pids_t;

/* The process with this engine pid, created (runnable, in a new address space) if new. */
proc_t  *proc_get(sim_t *s, spid_t pid);
/* A new, empty address space (implicit: no area declared yet); its index. */
uint32_t proc_mm_new(sim_t *s);
/* The engine pid of file t's pid: the same with one file; with several, the one given
 * before, or (add) a new one. 0 when not known and not added, or out of pids (2^32 - 2). */
spid_t   proc_engine_pid(sim_t *s, uint32_t t, spid_t pid, int add);
/* The pid as its trace file writes it, for messages and results (the engine's pids differ
 * from the files' only with several files), and in *trace (if not NULL) that file's index. */
spid_t   proc_file_pid(const sim_t *s, spid_t pid, uint32_t *trace);
void     proc_free_all(sim_t *s);
/* The process with this engine pid, or NULL. */
proc_t  *proc_find(const sim_t *s, spid_t pid);
/* Load control (repl.h): 0, or -1 if there is no such live process or the schedule is the
 * trace schedule. */
int      proc_suspend(sim_t *s, spid_t pid);
int      proc_resume(sim_t *s, spid_t pid);

#endif
