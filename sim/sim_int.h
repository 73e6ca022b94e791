/* sim_int.h - the simulation object (struct sim), internal to sim/.
 *
 * Every module of the engine works on one sim_t; this header defines it, and SIM_ASSERT (a
 * bug, not bad input). Each module's own types and functions are in its own header; this
 * one includes the headers whose types struct sim holds, so that code holding a sim_t can
 * read any of its members. Policies see only repl.h's window (repl_env_t), workloads only
 * wl.h.
 *
 * Layering. Each file calls only files below it (through their headers), so there is no
 * call cycle between files:
 *
 *   sim.c      create from the config, run, results, outputs   -> sched policy stats proc frame swap shadow
 *   sched.c    the two schedules, the run loop, events         -> policy vma mmu fault reclaim stats check proc
 *   policy.c   the two policies, the env (repl_env_t), timer   -> explain mmu reclaim proc
 *   explain.c  explain mode: a line per reference; stands between the engine and the
 *              replacement policy only in that mode (the one caller of a policy besides
 *              policy.h)                                       -> mmu proc
 *   stats.c    counters, timeline, results JSON                -> proc device
 *   vma.c      areas and address-space events                  -> fault frame swap proc cpu
 *   fileio.c   buffered read/write through the page cache -> reclaim frame device policy
 *   mmu.c      a reference: TLB hit (mmu.h), walk              -> fault
 *   fault.c    the fault handler                               -> reclaim frame swap cpu device
 *   reclaim.c  victims, write-back, background reclaim         -> frame swap device
 *   frame.c    frames, reverse map, leaving the caches, charges -> swap cpu
 *   check.c proc.c swap.c cpu.c   invariants and SIM_ASSERT, processes, swap slots, clocks
 *                                 (TLB shootdown over the CPUs is inline in cpu.h)
 *   shadow.c   shadow entries (what a policy left at evictions) (swap.c forgets a dead page's)
 *   pagetable.c tlb.c device.c config.c, sim/base/             the leaves
 *
 * policy.h (inline) is the only way any of them calls a policy (policy.c's env callbacks are
 * how the policy calls back: the only calls from a policy into the engine). The two exits every layer
 * may take and that never return are low in the stack: check_assert_fail (check.c, which
 * calls no other engine file) and cpu_clock_overflow (cpu.c). */
#ifndef PAGESIM_SIM_INT_H
#define PAGESIM_SIM_INT_H

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "sim/base/types.h"
#include "sim.h"
#include "sim/base/event.h"
#include "sim/base/u64map.h"
#include "sim/base/hist.h"
#include "pagetable.h"
#include "tlb.h"
#include "device.h"
#include "check.h"
#include "cpu.h"
#include "frame.h"
#include "fault.h"
#include "proc.h"
#include "vma.h"
#include "shadow.h"
#include "fileio.h"
#include "policies/repl.h"
#include "policies/cow.h"
#include "workloads/wl.h"

/* SIM_ASSERT: a bug, not bad input. Prints where in the simulation it happened (check.c). */
#define SIM_ASSERT(s, cond) do { if (!(cond)) check_assert_fail((s), #cond, __FILE__, __LINE__); } while (0)

typedef struct timeline_rec {
    uint64_t refs, faults, evictions, resident;
    sim_time_t t;
} timeline_rec_t;

/* A swap slot (swap.c): 16 bytes, four to a cache line. */
typedef struct swap_slot {
    page_key_t key;                   /* the key of the page it holds, PAGE_KEY_NONE when free */
    pfn_t    pfn;                     /* the swap cache: the frame holding its page, or PFN_NONE */
    uint32_t refs;                    /* PTEs holding it + 1 while in the swap cache */
} swap_slot_t;
_Static_assert(sizeof(swap_slot_t) == 16, "a swap slot is 16 bytes");

/* ---- the simulation ---- */
struct sim {
    json_t *cfg;                      /* effective config (echoed in results) */
    char   **traces; int ntraces;
    /* settings, validated from cfg */
    uint32_t nframes, page_size, page_shift;
    int ref_on_walk;                  /* referenced bit set only when a walk fills the TLB */
    uint32_t hit_bits[3];             /* PTE bits a reference sets, by kind (R unless
                                         ref_on_walk; D for writes) */
    int paranoid;                     /* check every invariant after every step */
    uint64_t interval;
    unsigned long seed;
    costs_t cost;

    gsl_rng *rng;
    evq_t evq;
    vma_t vma_implicit;               /* the area of address spaces that declare none (vma.h) */

    /* frames */
    frame_t *frames;
    pfn_t free_head; uint32_t nfree;   /* the free frames' stack, linked through ready_at */
    rmap_node_t *rmap; uint32_t nrmap, caprmap, rmap_free;
    uint64_t resident, resident_peak; /* frames holding a page */
    uint32_t ntracked;                /* frames the policy tracks */

    /* swap: slot numbers from 1; by slot, one 16-byte record (swap.c): its page's key, the
     * swap cache's frame (PFN_NONE: not cached) and its reference count (PTEs + 1 if in the
     * swap cache), so a swap fault or a swap-out touches one cache line of them, not three */
    swap_slot_t *swap; uint32_t nswap, capswap;
    uint32_t *swap_free; uint32_t nswap_free, capswap_free;
    u64map_t pagecache;               /* (obj << 40 | index) -> pfn */

    obj_t *objs; uint32_t nobjs, capobjs;     /* objs[0] unused */
    mm_t  *mms;  uint32_t nmms, capmms;
    proc_t *procs; uint32_t nprocs, capprocs;
    u64map_t pid2proc;                        /* pid -> index into procs */
    proc_pids_t pids;                         /* several files: (file, pid) <-> engine pid */

    cpu_t *cpus; uint32_t ncpus;
    /* background reclaim (kswapd): frees frames between watermarks, off when high == 0 */
    uint32_t wm_low, wm_high;
    cpu_t kswapd;                     /* its own clock; no TLB, not counted as a CPU */
    int reclaim_pending;
    uint32_t readahead, swap_cluster; /* extra pages read per file / swap major fault */
    device_t *swap_dev, *file_dev;

    /* the policy */
    const repl_ops_t *repl;
    void *repl_state;
    pfn_t hit_last;                   /* frame of the last hook call, when it was an on_hit the
                                         policy need not hear again (REPL_HIT_IDEMPOTENT) */
    int hit_idempotent;
    repl_env_t repl_env;
    int needs_next_use;
    /* interface v2 (policies/repl.h): identities, shadows, scope, time */
    uint64_t next_anon;               /* the last anonymous page id given (ids from 1) */
    shadow_store_t shadows;           /* what the policy left at evictions (shadow.c) */
    int miss_had; uint64_t miss_shadow; /* the shadow the last miss handed back (reclaim.c;
                                           a prefetch given up puts it back) */
    int local;                        /* replacement=local: victims among the faulter's frames */
    uint64_t timer_gen;               /* the policy timer's current arming (EV_TIMER's b) */
    int timer_off;                    /* the workload ended: the timer no longer fires */
    vtime_t repl_ref_due;             /* vt at which the policy's on_refs is due (VTIME_NEVER:
                                         disarmed) */
    struct explain *explain;          /* explain mode (explain.c), or NULL: a normal run */
    vtime_t ref_due;                  /* vt at which policy_refs_fire runs: repl_ref_due, or
                                         in explain mode the next reference (VTIME_NEVER:
                                         disarmed; policy.h, policy_refs_tick) */
    int suspends;                     /* a process has been suspended (rr parks it: sched.c) */
    uint64_t n_stall_resumes;         /* suspended processes resumed because nothing else could
                                         run (sched.c; not in the results) */
    const cow_ops_t *cow;
    void *cow_state;

    /* rr schedule: run queue of process indices (a ring), time slice, switches */
    int rr;
    const char *workload_one[1];      /* a workload spec as the one input (sched_plan) */
    uint32_t *runq; uint32_t rq_head, rq_n, rq_cap;
    sim_time_t quantum;
    uint64_t n_ctx_switch;
    uint64_t n_waits, n_waits_blocked, n_waits_unfinished;  /* wait records; those that
                                         blocked (rr); those still waiting at the end */
    const char *format;
    struct progress *progress;        /* the command's progress line (progress.h), or NULL */
    struct sched_inputs *inputs;      /* sched.c: spooled inputs */
    uint64_t vt_total;                /* rr: page references in all files (the setup pass
                                         counts them; for the progress line only) */

    /* the workload (trace schedule: one stream for everything) */
    wl_t *wl;
    wl_t *cur_wl;                     /* the stream whose record is being handled */
    uint64_t cur_line;                /* and where in it the record is, for messages */
    nextuse_t *nu;
    vtime_t vt;                       /* page references so far */
    vtime_t nu_io;                    /* with a next-use index (OPT): pages of buffered reads
                                         and writes so far, which are page references there
                                         but not in vt; the index of the next one is
                                         vt + nu_io (policy_t). 0 without an index. */

    /* statistics */
    uint64_t n_access, n_kind[3];     /* by ref_kind_t: reads, writes, fetches */
    uint64_t runs_whole, runs_expanded;   /* runs replayed from their summary, or not (not in
                                             the results: a text trace of the same references
                                             must give the same bytes) */
    uint64_t n_faults[FK_N];
    uint64_t n_evict, n_evict_dirty, n_swap_in, n_swap_out, n_file_read, n_file_write;
    uint64_t n_cow_copies, n_cow_reuses, n_cow_eager;
    uint64_t n_readahead, n_swap_readahead, n_kswapd_wakeups, n_kswapd_evict;
    uint64_t n_cleaned;               /* write-backs a policy started with env->clean */
    uint64_t n_lc_samples, n_lc_suspends, n_lc_resumes, n_lc_swapped;   /* load control */
    sim_time_t *clean_until;          /* by frame: when env->clean's write-back of its page
                                         completes (reclaim.c); allocated at the first clean */
    hist_t *lat_fault, *lat_major;
    timeline_rec_t *timeline; size_t ntimeline, captimeline;
    uint64_t tl_refs, tl_faults, tl_evict;     /* counts at the start of the current interval */
    uint64_t tl_per_rec, tl_in_last;           /* intervals per timeline record (doubles at the cap), in the last */
    uint32_t tl_max;                           /* the cap (config timeline_records) */
    sim_time_t end_time;
    int finished;
    sim_config_t conf;                /* the config, validated (config.h); at the end: the
                                         hot fields above keep their cache lines */
    int norecency;                    /* some area was madvised random or sequential (vma.c):
                                         env->referenced looks up each mapping's area */
    fileio_stats_t fio;               /* buffered I/O (fileio.c) */
    u64map_t fio_adv;                 /* (pid << 32 | obj) -> its fadvise advice (fileio.c) */
    u64map_t fio_prev;                /* (pid << 32 | obj) -> 1 + the end of its last read
                                         (filemap_read's ra->prev_pos; fileio.c) */
};

#endif
