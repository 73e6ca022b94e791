/* engine.h - the simulation object and the structures the mechanism modules share.
 * Internal to sim/: policies see only repl.h's window, workloads only wl.h. */
#ifndef PAGESIM_ENGINE_H
#define PAGESIM_ENGINE_H

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "sim/base/types.h"
#include "sim.h"
#include "sim/base/event.h"
#include "pagetable.h"
#include "tlb.h"
#include "sim/base/u64map.h"
#include "sim/base/vmalist.h"
#include "sim/base/hist.h"
#include "device.h"
#include "policies/repl.h"
#include "policies/cow.h"
#include "workloads/wl.h"

/* SIM_ASSERT: a bug, not bad input. Prints where in the simulation it happened. */
#define SIM_ASSERT(s, cond) do { if (!(cond)) sim_assert_fail((s), #cond, __FILE__, __LINE__); } while (0)
void sim_assert_fail(const sim_t *s, const char *what, const char *file, int line) __attribute__((noreturn));
/* Throws (xalloc.h) an input error naming the settings when t reached SIM_TIME_LIMIT
 * (types.h); one compare where it does not. */
void sim_clock_overflow(const sim_t *s) __attribute__((noreturn));
static inline void sim_clock_check(const sim_t *s, sim_time_t t)
{
    if (__builtin_expect(t >= SIM_TIME_LIMIT, 0))
        sim_clock_overflow(s);
}

/* ---- frames (frame.c) ---- */
enum {
    FR_USED      = 1u << 0,  /* allocated (not on the free list) */
    FR_ANON      = 1u << 1,  /* anonymous: backed by swap, not by a file */
    FR_DIRTY     = 1u << 2,  /* differs from its backing copy (PTE dirty bits folded in) */
    FR_SWAPCACHE = 1u << 3,  /* has a swap slot and is findable by it */
    FR_PAGECACHE = 1u << 4,  /* findable by (object, index) */
    FR_TRACKED   = 1u << 5,  /* the replacement policy knows it (resident and evictable) */
    FR_LOCKED    = 1u << 6,  /* I/O in flight: ready at frame.ready_at */
};

typedef struct frame {
    uint32_t flags;
    uint32_t mapcount;    /* PTEs mapping it */
    uint32_t rmap;        /* head of its reverse-map list (index into rmap pool), 0 = none */
    uint32_t swap_slot;   /* 0 = none */
    uint32_t obj;         /* page-cache owner object (0 = anonymous) */
    uint32_t pad;
    uint64_t index;       /* page index within obj */
    sim_time_t ready_at;  /* when FR_LOCKED: I/O completion */
} frame_t;

typedef struct rmap_node {
    pte_t   *pte;
    vpn_t    vpn;
    uint32_t mm;          /* address space (its asid) */
    uint32_t next;        /* next node of the same frame, 0 = end */
} rmap_node_t;

/* ---- areas and address spaces (areas: vmalist.h) ---- */
typedef struct mm {
    pagetable_t pt;
    vma_list_t areas;
    uint32_t users;       /* processes using it (1; 0 = dead) */
    int      implicit;    /* no area declared: everything is anonymous private rwx */
    uint64_t resident;    /* present PTEs */
} mm_t;

/* Backing objects: regular files and shared anonymous memory (tmpfs-like). */
enum { OBJ_FILE = 1, OBJ_SHM = 2 };
typedef struct obj {
    uint32_t kind;
    char    *name;
    uint64_t dev_base;    /* first block on the file device */
    u64map_t swap;        /* OBJ_SHM: page index -> swap slot of pages not in memory */
} obj_t;

/* ---- fault kinds: each its own counter in the results ---- */
enum {
    FK_DEMAND_ZERO = 0, FK_FILE_READ, FK_PAGE_CACHE, FK_SWAP_IN, FK_SWAP_CACHE, FK_COW,
    FK_SEGV, FK_PROTECTION, FK_N
};
extern const char *const fault_kind_names[FK_N];
static inline int fault_is_major(int k) { return k == FK_FILE_READ || k == FK_SWAP_IN; }

/* ---- processes and CPUs ---- */
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
} proc_t;

typedef struct cpu {
    tlb_t tlb;
    tlb_entry_t *last[2];  /* the entries the last data and fetch hits used (see mmu_access) */
    sim_time_t clock;
    sim_time_t busy_ps;
    int32_t cur;          /* index into sim->procs, -1 idle */
    sim_time_t quantum_end;
    uint32_t last_mm;     /* address space last run: a switch to another costs */
} cpu_t;


/* ---- costs, in picoseconds ---- */
typedef struct costs {
    sim_time_t tlb_hit, walk, fault, zero, copy, evict, context_switch, shootdown, fork_pte;
} costs_t;

typedef struct timeline_rec {
    uint64_t refs, faults, evictions, resident;
    sim_time_t t;
} timeline_rec_t;

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

    /* frames */
    frame_t *frames;
    pfn_t *free_stack; uint32_t nfree;
    rmap_node_t *rmap; uint32_t nrmap, caprmap, rmap_free;
    uint64_t resident, resident_peak; /* frames holding a page */
    uint32_t ntracked;                /* frames the policy tracks */

    /* swap: slot numbers from 1; refs counts PTEs + 1 if in the swap cache */
    uint32_t *swap_refs; uint32_t nswap, capswap;
    uint32_t *swap_free; uint32_t nswap_free, capswap_free;
    u64map_t swapcache;               /* slot -> pfn */
    u64map_t pagecache;               /* (obj << 40 | index) -> pfn */

    obj_t *objs; uint32_t nobjs, capobjs;     /* objs[0] unused */
    mm_t  *mms;  uint32_t nmms, capmms;
    proc_t *procs; uint32_t nprocs, capprocs;
    u64map_t pid2proc;                        /* pid -> index into procs */

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
    const cow_ops_t *cow;
    void *cow_state;

    /* rr schedule: run queue of process indices (a ring), time slice, switches */
    int rr;
    uint32_t *runq; uint32_t rq_head, rq_n, rq_cap;
    sim_time_t quantum;
    uint64_t n_ctx_switch;
    uint64_t n_waits, n_waits_blocked, n_waits_unfinished;  /* wait records; those that
                                         blocked (rr); those still waiting at the end */
    const char *format;
    struct progress *progress;        /* the command's progress line (progress.h), or NULL */
    struct sched_inputs *inputs;      /* sched.c: spooled inputs, (file, pid) -> pid */
    uint64_t vt_total;                /* rr: page references in all files (the setup pass
                                         counts them; for the progress line only) */

    /* the workload (trace schedule: one stream for everything) */
    wl_t *wl;
    wl_t *cur_wl;                     /* the stream whose record is being handled */
    uint64_t cur_line;                /* and where in it the record is, for messages */
    nextuse_t *nu;
    vtime_t vt;                       /* page references so far */

    /* statistics */
    uint64_t n_access, n_kind[3];     /* by ref_kind_t: reads, writes, fetches */
    uint64_t runs_whole, runs_expanded;   /* runs replayed from their summary, or not (not in
                                             the results: a text trace of the same references
                                             must give the same bytes) */
    uint64_t n_faults[FK_N];
    uint64_t n_evict, n_evict_dirty, n_swap_in, n_swap_out, n_file_read, n_file_write;
    uint64_t n_cow_copies, n_cow_reuses, n_cow_eager;
    uint64_t n_readahead, n_swap_readahead, n_kswapd_wakeups, n_kswapd_evict;
    hist_t *lat_fault, *lat_major;
    timeline_rec_t *timeline; size_t ntimeline, captimeline;
    uint64_t tl_refs, tl_faults, tl_evict;     /* counts at the start of the current interval */
    uint64_t tl_per_rec, tl_in_last;           /* intervals per timeline record (doubles at the cap), in the last */
    sim_time_t end_time;
    int err_kind;         /* sim_create: SIM_ESYS when the failure was the machine's (xalloc.h) */
    int finished;
};

/* frame.c */
void  frames_init(sim_t *s);
void  frames_free(sim_t *s);
pfn_t frame_alloc_free(sim_t *s);               /* PFN_NONE if none free */
void  frame_release(sim_t *s, pfn_t pfn);        /* back to the free list */
void  rmap_add(sim_t *s, pfn_t pfn, uint32_t mm, vpn_t vpn, pte_t *pte);
void  rmap_del(sim_t *s, pfn_t pfn, pte_t *pte);
uint32_t swap_alloc(sim_t *s);
void  swap_ref(sim_t *s, uint32_t slot);
void  swap_unref(sim_t *s, uint32_t slot);

/* Drops the translation of (mm, vpn) from every CPU's TLB; returns how many held it. */
static inline uint32_t shootdown(sim_t *s, uint32_t mm, vpn_t vpn)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->ncpus; i++)
        n += (uint32_t)tlb_invalidate(&s->cpus[i].tlb, mm, vpn);
    return n;
}

/* reclaim.c */
pfn_t frame_get(sim_t *s, cpu_t *c, const mem_ref_t *ref, sim_time_t *ready);
void  frame_unmap_all(sim_t *s, cpu_t *c, pfn_t pfn, uint32_t slot);
void  frame_uncache(sim_t *s, pfn_t pfn);
void  reclaim_background(sim_t *s, sim_time_t now);     /* EV_RECLAIM */
void  reclaim_writeback_done(sim_t *s, pfn_t pfn);      /* EV_WRITEBACK */

/* mmu.c */
/* The permission a reference needs: a shift, not a branch (kinds interleave unpredictably). */
_Static_assert(REF_READ == 0 && REF_WRITE == 1 && REF_IFETCH == 2 && PTE_WRITE == PTE_READ << 1 &&
               PTE_EXEC == PTE_READ << 2, "mmu_need relies on the kinds and permissions lining up");
static inline uint32_t mmu_need(ref_kind_t k)
{
    return (uint32_t)PTE_READ << k;
}

static inline mem_ref_t mmu_ref(const sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    vtime_t next = s->nu ? nu_get(s->nu, s->vt) : VTIME_NEVER;
    mem_ref_t r = {.t = s->vt, .next_use = next, .copy_next_use = next,
                   .vpn = vpn, .pid = p->pid, .kind = kind};
    return r;
}

int   mmu_access_slow(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind, tlb_entry_t *e);

/* The policy's hooks are called only through these, which keep FR_TRACKED and ntracked in
 * step with what the policy tracks, and hit_last true: it names a frame only while the last
 * hook called was an on_hit for it. */
static inline void repl_track(sim_t *s, const mem_ref_t *r, pfn_t pfn)
{
    s->frames[pfn].flags |= FR_TRACKED;
    s->ntracked++;
    s->hit_last = PFN_NONE;
    s->repl->on_insert(s->repl_state, r, pfn);
}

static inline void repl_untrack(sim_t *s, pfn_t pfn, repl_why_t why)
{
    s->frames[pfn].flags &= ~FR_TRACKED;
    s->ntracked--;
    s->hit_last = PFN_NONE;
    uint64_t shadow;
    (void)s->repl->on_remove(s->repl_state, pfn, why,
                             why == REPL_EVICT || why == REPL_RELEASE ? &shadow : NULL);
}

static inline pfn_t repl_victim(sim_t *s, const mem_ref_t *r)
{
    s->hit_last = PFN_NONE;
    repl_req_t req = {.reason = REPL_REQ_DIRECT, .pid = r->pid, .count = 1, .ref = r};
    return s->repl->select_victim(s->repl_state, &req);
}

/* A reference to a page the policy tracks. A policy whose on_hit is idempotent (LRU: the
 * page is already the most recent) is not called again for the frame it just heard of:
 * real code hits the same page many times in a row, and the call is a large part of the
 * cost of a TLB hit. */
static inline void repl_hit(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind, pfn_t pfn)
{
    if (s->repl->on_hit && pfn != s->hit_last) {
        s->hit_last = s->hit_idempotent ? pfn : PFN_NONE;
        mem_ref_t r = mmu_ref(s, p, vpn, kind);
        s->repl->on_hit(s->repl_state, &r, pfn);
    }
}

/* One page reference by process p on CPU c, charging c->clock. Returns 0 when done, 1 when
 * p blocked on I/O: the EV_IO_DONE event calls mmu_fault_complete, which sets
 * p->access_done when it completed the reference, else p retries it (counted once).
 * The TLB hit is inline here (the hot path of every simulation); the rest is in mmu.c. */
static inline int mmu_access(sim_t *s, cpu_t *c, proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    c->clock += s->cost.tlb_hit;
    /* Real code stays on one code page and one data page for a while (84% of the bundled
     * sort trace's references repeat the last page of their kind), so the entry the last
     * hit of this kind used is tried before the set: the same entry, stamp and count as the
     * lookup would give (a set never holds a page twice), found without the scan. */
    tlb_entry_t **last = &c->last[kind == REF_IFETCH], *e = *last;
    if (e && e->vpn == vpn && e->asid == p->mm && e->pte) {
        e->stamp = ++c->tlb.clock;
        c->tlb.hits++;
    } else {
        e = tlb_lookup(&c->tlb, p->mm, vpn);
        *last = e;
    }
    if (__builtin_expect(e && (e->perms & mmu_need(kind)), 1)) {
        /* The PTE is written only when this hit sets a bit the entry has not set yet: a
         * pointer chase less on the hottest path. (No entry caches a PTE_FRESH PTE: the
         * PTE was not cached when its fault mapped it; check_all verifies both.) */
        uint32_t want = s->hit_bits[kind];
        if (__builtin_expect(want & ~(uint32_t)e->set, 0)) {
            e->pte->flags |= want;
            e->set |= (uint16_t)want;
        }
        repl_hit(s, p, vpn, kind, e->pfn);
        return 0;
    }
    return mmu_access_slow(s, c, p, vpn, kind, e);
}
/* A run of references (wl.h) replayed from its summary, when every page of it is in c's TLB
 * with the rights its kinds need (the caller has checked that the run's time reaches no
 * event): 1, with the clock, TLB, PTE bits and policy left as the references one by one
 * would leave them; 0, with nothing changed, otherwise. Needs page_shift >= WL_RUN_SHIFT
 * and a policy with no on_hit or REPL_HIT_LAST_ONLY. */
int   mmu_run_hits(sim_t *s, cpu_t *c, proc_t *p, const wl_run_t *run);
void  mmu_fault_complete(sim_t *s, proc_t *p, sim_time_t now, int sync);
const vma_t *vma_find(const mm_t *mm, vpn_t vpn);
/* fork: the COW policy may copy a resident private page for the child now; 1 if it did. */
int   cow_at_fork(sim_t *s, cpu_t *c, uint32_t pmi, pte_t *pp, uint32_t cmi, pte_t *cp, const vma_t *v);
/* A frame no PTE maps any more: freed unless a cache must keep it. */
void  frame_put(sim_t *s, pfn_t pfn, repl_why_t why);
int   mmu_test_clear_ref(void *eng, pfn_t pfn);
int   mmu_is_dirty(void *eng, pfn_t pfn);

/* sim.c */
proc_t  *proc_get(sim_t *s, spid_t pid);
uint32_t mm_new(sim_t *s);

/* sched.c: the schedules and the run loop */
int   sched_setup(sim_t *s, const json_t *cfg, const char *const *traces, int ntraces, char *err);
void  sched_teardown(sim_t *s);
/* The pid as its trace file writes it, for messages and results (the engine's pids differ
 * from the files' only with several files), and in *trace (if not NULL) that file's index. */
spid_t sched_file_pid(const sim_t *s, spid_t pid, uint32_t *trace);

/* vma.c: address-space events from the stream (mmap, munmap, fork, exec, exit, ...) */
int   vm_event(sim_t *s, cpu_t *c, const wl_rec_t *r, char *err);

/* stats.c */
void  stats_init(sim_t *s);
void  stats_free(sim_t *s);
void  stats_interval(sim_t *s);
json_t *stats_json(const sim_t *s);

/* check.c: 0 if every invariant holds, else -1 and a description in msg */
int   check_all(const sim_t *s, char *msg, size_t n);

#endif
