/* repl.h - the replacement-policy interface, version 2: the engine's mechanism asks, the
 * policy decides.
 *
 * A policy is a const table of hooks (repl_ops_t, with a version field as SQLite's
 * sqlite3_pcache_methods2 has iVersion) plus a private state pointer. The engine owns frames,
 * page tables, I/O, processes and time; a policy keeps only its own bookkeeping in arrays
 * indexed by frame number (O(1), no hashing) and sees the machine through the repl_env_t
 * window, which stays valid at the same address from create() to destroy(). Registering one:
 * its own file, one CMake line, one line in registry.c. Version 2 adds what the literature
 * needs beyond resident frames (issue 12; Linux mm/workingset.c is the model for shadows):
 *
 *  - identity: every insert and miss is told the page (page_id_t, sim/base/types.h: its key,
 *    page->key, and kind, page->kind: anonymous or file), and every hit names its frame,
 *    whose key env->frame_key gives (the hot path of a TLB hit loads nothing more). A file or
 *    shared-memory page is (object, index); an anonymous page gets an id at its first touch
 *    (demand-zero) that follows it through swap (the swap slot keeps it), fork (parent and
 *    child share it until a COW copy, which gets a new id) and the other processes' exec.
 *    Never (pid, vpn): a page mapped by several processes at different addresses is one key.
 *    A frame's key does not change between its on_insert and its on_remove, so a policy may
 *    keep it from on_insert (env->frame_key reads it too).
 *  - shadows: when a page is evicted (REPL_EVICT, REPL_RELEASE) the policy may leave a 64-bit
 *    value, opaque to the engine, which the engine keeps where the page's identity lives and
 *    hands back to on_miss at the next miss of that page (ARC's B1/B2, 2Q's A1out, LIRS's
 *    non-resident HIR pages, refault distances: no hash table of the policy's own).
 *  - requests: select_victim is told why a frame is wanted, for whom and how many.
 *  - scope: the owner of each frame, notices when a tracked frame gains or loses a mapping,
 *    process notices, and global or local replacement (config `replacement`).
 *  - time and allocation: a timer driven by the event queue, each process's virtual time,
 *    per-process frame quotas, voluntary release of a frame, suspend and resume.
 *  - kernel views: a walk over a process's PTEs in a range that tests and clears their
 *    referenced bits (MGLRU's aging), and the page kind.
 *
 * Contracts. The engine guarantees its side; tests/test_props.c runs every registered policy
 * under paranoid checks (sim/check.c after every step) and tests/test_policies.c drives
 * policies directly, so each sentence here is tested:
 *  - on_insert(ref, page, pfn): once when a page becomes resident in frame pfn and the policy
 *    is to track it, before any on_hit of it; ref->pid is the process charged for the frame
 *    (its owner), page the page. A frame is tracked from on_insert to
 *    on_remove, and every tracked frame is evictable.
 *  - on_remove(pfn, why, shadow): once when a tracked page stops being resident: evicted by
 *    this policy's choice (REPL_EVICT, right after select_victim named it), released by the
 *    policy (REPL_RELEASE, after env->release; also a page of a process that load control,
 *    config load_control, suspends and swaps out: sim/loadctl.c), or dropped by the program
 *    (REPL_UNMAP: munmap, exit or exec of its last mapper; REPL_COW: a private copy replaced it). For REPL_EVICT
 *    and REPL_RELEASE, shadow is non-NULL: the policy may store a value in *shadow and return
 *    1 to have it kept (0: no shadow). For the other reasons shadow is NULL and the return
 *    value is ignored: the page's identity ends or stays resident elsewhere, there is nothing
 *    to remember. The engine may drop a kept shadow before the page misses again: when the
 *    page's identity dies (an anonymous page whose last PTE and swap copy go: munmap, exit,
 *    exec; an anonymous page evicted clean with no swap copy, whose next touch is a new
 *    demand-zero page), or when the store is full (the oldest shadow goes first; at most
 *    config `shadows` times the frame count are kept, reported as memory.shadow_entries).
 *  - on_miss(ref, page, shadow) (may be NULL): called whenever a page is about to become
 *    resident (demand-zero, file read, swap-in, a COW or fork copy, a prefetched page of
 *    readahead or swap clustering), before any victim is chosen for it and before its
 *    on_insert, with shadow pointing at the value the policy left at the page's last
 *    eviction if the engine still keeps it, else NULL. A shadow is handed back exactly once,
 *    on the next miss of the same page (same key), and never for another page. (A prefetch
 *    given up after its miss, because its frame would have to wait for a write-back, is
 *    followed by no on_insert, and its shadow is kept again for the page's next miss.)
 *  - select_victim(req): names a tracked frame to evict. It is called when a frame is wanted
 *    and none may be taken from the free list: memory full (direct reclaim), or the faulting
 *    process at its quota under local replacement; and by background reclaim while frames
 *    are still free (req->reason says which). It must return a frame it tracks, allowed by
 *    the request (req->local: a frame env->owner gives as req->pid; the engine sets local only
 *    when req->pid owns at least one tracked frame), and must not forget it: the engine calls
 *    on_remove(pfn, REPL_EVICT, ...) right after.
 *  - on_hit(ref, pfn) (may be NULL) on every reference to a resident page (the page in pfn:
 *    the key its on_insert gave, also env->frame_key(pfn)). A policy with
 *    on_hit == NULL sees references only through the referenced bit (env->test_clear_ref), as
 *    a real kernel does; one with on_hit sees every reference, which real hardware cannot
 *    afford (exact LRU). The flags say which, and `pagesim policies` prints it.
 *  - on_map(pfn, pid, vpn, delta) (may be NULL): a tracked frame gained (+1) or lost (-1) the
 *    mapping of vpn in pid's address space (a fork, a fault on a page another process or the
 *    page cache holds; munmap, exit, exec, a COW copy replacing it). Not called for the
 *    mapping made by the fault that inserts the frame (on_insert says it), nor for the
 *    unmapping of an eviction or release, which comes after its on_remove.
 *  - on_proc(pid, event) (may be NULL): a process was created (fork or first record), exec'd
 *    or exited. Its frames' notices (on_remove, on_map) come before REPL_PROC_EXIT.
 *  - on_timer(now) (may be NULL): the timer armed by env->set_timer fired at simulated time
 *    now (picoseconds); returns the next interval (0: stop). Timer events are ordered with
 *    every other event by (time, sequence), so runs stay deterministic; they do not keep a
 *    finished run going. env->release may be called from on_timer, on_refs and on_miss only.
 *  - on_refs(t) (may be NULL): the reference timer armed by env->set_ref_timer fired, right
 *    after the reference that made the global count t (before the next one); returns the
 *    next interval in references (0: stop).
 *  - ref->next_use is valid only for policies with REPL_NEEDS_NEXT_USE.
 *  - No hook may call another hook of the same policy through the env (the engine never
 *    re-enters a policy except through env->release, which calls on_remove(REPL_RELEASE)).
 */
#ifndef PAGESIM_REPL_H
#define PAGESIM_REPL_H

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

/* The interface version this header describes; repl_ops_t.version must equal it (the
 * engine refuses a table of another version when the policy is created). */
#define REPL_VERSION 2

typedef enum repl_why {
    REPL_EVICT = 0,   /* chosen by select_victim */
    REPL_UNMAP,       /* the program unmapped it, or its last mapper exited or exec'd */
    REPL_COW,         /* a private copy replaced it */
    REPL_RELEASE,     /* the policy gave it back (env->release), or load control swapped
                         its process out (sim/loadctl.c) */
} repl_why_t;

/* Why select_victim is asked for a frame. */
typedef enum repl_reason {
    REPL_REQ_DIRECT = 0,   /* a fault (or a COW copy made at a fault) needs a frame now */
    REPL_REQ_BACKGROUND,   /* background reclaim keeps frames free (frames may be free) */
    REPL_REQ_FORK,         /* an eager copy of a page for a forked child (cow=eager) */
    REPL_REQ_PREFETCH,     /* a speculative page: readahead or swap clustering */
} repl_reason_t;

typedef struct repl_req {
    repl_reason_t reason;
    spid_t   pid;          /* for whom: the process the frame will be charged to
                              (REPL_PID_NONE: background reclaim) */
    uint32_t count;        /* frames this request still wants, this one included (>= 1) */
    int      local;        /* the victim must be a frame req->pid owns (env->owner) */
    const mem_ref_t *ref;  /* the reference the frame is for (its next use); NULL for
                              background reclaim */
    const page_id_t *page; /* the page the frame is for; NULL for background reclaim */
} repl_req_t;

/* ref->vpn of a buffered read or write (no mapping: sim/fileio.c). Such a reference is
 * told like a fault's: on_hit for a page that is resident, on_miss then on_insert for one that
 * is not (ref->pid the reader), and on_access as filemap_read calls folio_mark_accessed. It
 * does not advance ref->t (the count of page references made through page tables), except
 * for a policy with REPL_NEEDS_NEXT_USE: there each page of it is a page reference of its own,
 * with its ref->t and next_use, in the numbering of the next-use index (workloads/nextuse.c). */
#define REPL_VPN_NONE UINT64_MAX

/* The owner of a frame charged to nobody (env->owner); no process of a run has this pid. */
#define REPL_PID_NONE UINT32_MAX

/* Flags of env->referenced: the VMA flags of the mappings that were referenced. */
enum { REPL_VM_EXEC = 1u << 0 };

/* Process notices (on_proc). */
typedef enum repl_proc_event { REPL_PROC_NEW = 0, REPL_PROC_EXEC, REPL_PROC_EXIT } repl_proc_event_t;

/* The window a policy has on the machine. Function pointers take env->eng back. Every call
 * below is O(1) unless said otherwise. */
typedef struct repl_env {
    uint32_t nframes;
    gsl_rng *rng;                                  /* the run's seeded rng */
    void *eng;                                     /* opaque; pass back to the calls below */
    int local;                                     /* config replacement=local */
    /* Hardware referenced bit of the page in pfn (OR over every mapping); cleared.
     * O(mappings of the frame). */
    int (*test_clear_ref)(void *eng, pfn_t pfn);
    /* A hint for a hand that calls test_clear_ref frame after frame (CLOCK and its kin): the
     * engine prefetches the PTE of the frame `near` (through its reverse-map node, fetched
     * by an earlier call's `far`) and the frame and reverse-map node of `far`, so that
     * test_clear_ref finds them in the cache instead of waiting for two or three dependent
     * misses per step. Read-only, never a decision; PFN_NONE or a free frame is ignored.
     * May be NULL (a test driver). O(1). */
    void (*prefetch_ref)(void *eng, pfn_t near, pfn_t far);
    /* Linux's folio_referenced (mm/rmap.c): tests and clears the referenced bit of every
     * mapping of pfn, as test_clear_ref does, and returns how many mappings had it set; in
     * *vm_flags, REPL_VM_EXEC if one of those mappings is executable (a PTE with exec
     * permission in a declared area: an implicit address space declares none, so nothing in
     * it counts as program text). O(mappings of the frame). May be NULL (a test driver):
     * test_clear_ref then stands in, one mapping and no flags. */
    uint32_t (*referenced)(void *eng, pfn_t pfn, unsigned *vm_flags);
    uint32_t page_size;                            /* bytes; 0: unknown (take 4096) */
    /* Whether evicting pfn now would need a write-back. O(mappings). */
    int (*is_dirty)(void *eng, pfn_t pfn);
    /* The key of the page in a resident frame (as its on_insert said). */
    page_key_t (*frame_key)(void *eng, pfn_t pfn);
    /* The process a resident frame is charged to: the one whose fault (or fork copy, or
     * prefetch) brought the page in, as a memory cgroup charges the first toucher. When that
     * process exits, the charge passes to a process still mapping the page and under its
     * quota, else to nobody (REPL_PID_NONE: a page-cache page left behind). */
    spid_t (*owner)(void *eng, pfn_t pfn);
    /* Frames charged to pid now (tracked or in I/O), and its quota: under local replacement a
     * process never holds more than its quota (UINT32_MAX: none, the default); set_quota
     * takes effect at its next fault (it does not evict by itself: use release). 0, or -1 if
     * no such process or frames is 0. */
    uint32_t (*charged)(void *eng, spid_t pid);
    int (*set_quota)(void *eng, spid_t pid, uint32_t frames);
    /* Page references made by pid so far: its own virtual time (Denning's working set is
     * defined on it). ref->t is the global count. */
    vtime_t (*vtime)(void *eng, spid_t pid);
    /* Arms the policy's one timer to fire delay_ps from now (0 disarms). */
    void (*set_timer)(void *eng, sim_time_t delay_ps);
    /* Gives a tracked frame back: the engine unmaps it, writes it back if dirty (the frame is
     * free once that completes), calls on_remove(pfn, REPL_RELEASE, shadow) and frees it. 0,
     * or -1 if pfn is not tracked. From on_timer, on_refs and on_miss only. */
    int (*release)(void *eng, pfn_t pfn);
    /* Load control: a suspended process is not scheduled until resumed (its frames stay;
     * release them to swap it out). 0, or -1 if there is no such live process or the
     * schedule cannot suspend (the trace schedule runs one fixed order). */
    int (*suspend)(void *eng, spid_t pid);
    int (*resume)(void *eng, spid_t pid);
    /* MGLRU-style aging: for each present PTE of pid in [lo, hi) (by ascending vpn when the
     * range is smaller than pid's page table, else in the table's order, deterministic),
     * tests and clears its referenced bit and calls fn(arg, pfn, vpn, referenced). Returns
     * the PTEs visited. PTEs in areas with no recency (madvise random or sequential) are
     * skipped, their bits neither seen nor cleared, as the kernel's walk skips the area
     * (should_skip_vma: !vma_has_recency) and env->referenced skips the mapping.
     * O(min(range, PTEs of pid)). fn must not call back into the env. */
    uint64_t (*walk_refs)(void *eng, spid_t pid, vpn_t lo, vpn_t hi,
                          void (*fn)(void *arg, pfn_t pfn, vpn_t vpn, int referenced), void *arg);
    /* Arms the policy's reference timer: on_refs is called once nrefs more page references
     * (the global count, ref->t's) have been made, between that reference and the next
     * (0 disarms). Exact under both schedules: a run of hits taken whole never crosses it.
     * For policies without on_hit that must act every N references (clock:reset=N). */
    void (*set_ref_timer)(void *eng, vtime_t nrefs);
    /* Starts writing back the page in tracked frame pfn without evicting it (WSClock's
     * scheduled write, Carr and Hennessy 1981): if it is dirty, the write goes to its backing
     * store (swap, or its file) on the background clock, the page is clean from now on
     * (is_dirty: 0 until written again), and an eviction before the write completes waits
     * for it. 1 if a write started, 0 if the page was clean, -1 if pfn is not tracked.
     * O(mappings). Counted in io.swap_out or io.file_write and in reclaim.cleaned. */
    int (*clean)(void *eng, pfn_t pfn);
    /* The policy has forgotten what the shadow it left for key meant (a ghost trimmed from
     * its own lists, as repl_ghost.h's trims do): the engine drops its entry for key if that
     * entry still holds shadow (else nothing: a later eviction of the page left a newer one).
     * So the store, and its bound (config `shadows`), holds only shadows the policy can still
     * use. NULL in a test driver that keeps every shadow. */
    void (*forget_shadow)(void *eng, page_key_t key, uint64_t shadow);
    /* A hint: forget_shadow(key, ...) will come soon (a ghost list's next trim), so the
     * engine starts loading its entry for key; changes nothing. NULL in a test driver. */
    void (*prefetch_shadow)(void *eng, page_key_t key);
} repl_env_t;

enum {
    REPL_NEEDS_NEXT_USE = 1u << 0,   /* needs ref->next_use: the trace order must be fixed */
    REPL_SEES_ALL_REFS  = 1u << 1,   /* on_hit is set: idealised, sees every reference */
    /* A second on_hit for the same frame with no other hook called in between changes
     * nothing (nor does its ref matter), so the engine may skip it. test_props checks it. */
    REPL_HIT_IDEMPOTENT = 1u << 2,
    /* Stronger: after hits on frames (any repeats, no other hook in between) only the order
     * of each frame's last hit matters, so the engine may tell one on_hit per frame in that
     * order (a run of references, wl.h). Move-to-front lists have it; counters do not.
     * Implies REPL_HIT_IDEMPOTENT. test_props checks it. */
    REPL_HIT_LAST_ONLY = 1u << 3,
    /* Draws from env->rng: its choices depend on the run's seed. A policy without it must
     * make the same choices under every seed (test_props checks it), which lets a sweep
     * run a point of such a policy once instead of once per seed (sim_check). */
    REPL_USES_RNG = 1u << 4,
};

/* Explain mode (`pagesim run --explain`, sim/explain.c): after every page reference the
 * engine prints one line, ending with the policy's state as the policy shows it through its
 * optional explain hook (repl_ops_t.explain). The hook describes its lists, in its own order,
 * through these calls; the engine names the pages and lays the items out: an item is a
 * frame, a ghost or a text, items are separated by one space, and a list's items sit inside
 * its brackets ("T1[4 2] T2[1*] B1[3] p=0.5"). Conventions, so that every policy reads alike
 * (README "Explain mode"): each list runs from the end its victim comes from (left) to the
 * most protected end (right): a FIFO queue oldest first, an LRU stack least recent first, a
 * clock ring from the frame under the hand, which is marked ">"; a frame whose referenced
 * bit (x->referenced) or visited bit is set gets "*" after it, a count or a level ":N"; a
 * ghost list holds keys (repl_ghost.h) and is shown as the pages they name; scalars such as
 * ARC's target p are a text "p=0.50". A hook must not change the policy's state (it is also
 * not a place to call env->test_clear_ref: x->referenced peeks without clearing). Cost: none
 * unless --explain is given (the engine calls the hook only then); the hook itself may be
 * O(frames + ghosts): explain runs on small traces only. A policy without the hook is shown
 * as its tracked frames in frame order ("frames[...]"). Adding one: a static function and
 * the table line `.explain = NAME_explain,`; policies/repl_explain.h draws a ring (from its
 * head or a hand, either way round), a heap in its order and a ghost list, each frame with
 * an optional suffix (fifo.c and clock.c are three lines each, arc.c six). Its output is
 * tested by tests/cli.sh for every registered policy and by golden files of textbook strings
 * (tests/data/explain/). */
typedef struct repl_explain repl_explain_t;
struct repl_explain {
    void *eng;                                     /* the engine's; the calls take x back */
    /* Opens a list: the item "NAME[" (NAME may be ""); items up to end() go inside. */
    void (*begin)(repl_explain_t *x, const char *name);
    void (*end)(repl_explain_t *x);                /* "]" */
    /* A tracked frame, as its page's name (vpn in a one-process trace, pid:vpn with several,
     * else the file's name and page index), with pre (NULL: none) written before the name
     * and post after it: frame(x, pfn, ">", "*") is ">7*". */
    void (*frame)(repl_explain_t *x, pfn_t pfn, const char *pre, const char *post);
    /* A page that is not resident (a ghost), by its key, named as frame names pages (the
     * name the engine last knew it by; "?" for a key it never saw). */
    void (*ghost)(repl_explain_t *x, page_key_t key, const char *pre, const char *post);
    /* A literal item, printf-style ("p=1.50", "hand=3"). */
    void (*text)(repl_explain_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    /* The referenced (R) bit of a tracked frame (OR over its mappings), without clearing it. */
    int  (*referenced)(repl_explain_t *x, pfn_t pfn);
};

typedef struct repl_ops {
    const char *name;           /* first: registries are read by name (sim.c) */
    int version;                /* REPL_VERSION */
    const char *summary;        /* one line for `pagesim policies` */
    const char *paper;          /* where the algorithm comes from (authors, venue, year) */
    const char *params;         /* its -p parameters with their defaults ("k=2,bits=8"), or
                                   NULL if it takes none (`pagesim policies` prints both) */
    unsigned flags;
    /* params is a JSON object of key=value pairs from `-p NAME:k=v,...` (values are
     * integers, reals or strings); unknown keys must be rejected with a message. Messages
     * do not name the policy: the engine writes "policy NAME: " before them. Returns 0,
     * -1 (bad parameters) or SIM_ESYS (out of memory: repl_create_nomem). env stays valid
     * until destroy. */
    int   (*create)(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err);
    void  (*destroy)(void *state);
    void  (*on_hit)(void *state, const mem_ref_t *ref, pfn_t pfn);
    void  (*on_miss)(void *state, const mem_ref_t *ref, const page_id_t *page,
                     const uint64_t *shadow);
    pfn_t (*select_victim)(void *state, const repl_req_t *req);
    void  (*on_insert)(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn);
    int   (*on_remove)(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow);
    void  (*on_map)(void *state, pfn_t pfn, spid_t pid, vpn_t vpn, int delta);
    void  (*on_proc)(void *state, spid_t pid, repl_proc_event_t event);
    sim_time_t (*on_timer)(void *state, sim_time_t now);
    /* Optional: the reference timer armed by env->set_ref_timer fired; t page references
     * have been made so far. Returns the next interval in references (0: stop). */
    vtime_t (*on_refs)(void *state, vtime_t t);
    /* Optional self-check for paranoid builds: returns 0 if consistent with `resident`
     * (a bitmap, nframes bits, of the frames the engine believes the policy tracks). */
    int   (*check)(void *state, const uint8_t *resident);
    /* Optional: the policy's own counters, added to obj (a JSON object), which the results
     * give as policy.stats. */
    void  (*stats)(void *state, json_t *obj);
    /* Optional: a reference to the tracked page in pfn made not through a page table:
     * Linux's folio_mark_accessed. Called when a mapping of a page that is not private
     * anonymous is torn down (munmap, exit, exec) with its referenced bit set, as the
     * kernel's zap_pte_range does, before that mapping's on_map(-1); and to be called by the
     * buffered read(2)/write(2) events (issue 15; filemap_read, generic_perform_write), which
     * do not exist yet, after the page's on_insert when the access brought it in. ref->pid
     * is the mapping's process (REPL_PID_NONE if none), ref->kind read or write. */
    void  (*on_access)(void *state, const mem_ref_t *ref, pfn_t pfn);
    /* Optional: the policy's state for explain mode, through x (see repl_explain_t above:
     * lists from the victim's end, ">" the hand, "*" a set bit). Read-only; called after
     * every page reference, and only with --explain. */
    void  (*explain)(void *state, repl_explain_t *x);
    /* Optional: the frame select_victim would most likely name k evictions from now (k = 0:
     * the next; FIFO, LRU: the head of the ring and its successor; CLOCK: the frames under
     * and after the hand), or PFN_NONE. A hint, never a decision: read-only, and the engine
     * only prefetches those frames' state (frame, reverse-map node, then PTE and swap slot)
     * so that an eviction finds them in the cache instead of waiting for three or four
     * dependent misses (reclaim.c). A wrong guess costs nothing but the prefetches. Called
     * after each eviction with k = 0 and 1. */
    pfn_t (*peek_victim)(void *state, uint32_t k);
    /* Optional: the page in pfn will probably be hit within a few references (the trace
     * loop has read its PTE ahead, sim/sched.c): prefetch the lines on_hit will touch for
     * it (OPT: the frame's keys; LRU: its ring links), so the hit finds them in the cache
     * instead of waiting for a miss each. A hint: read-only, must accept any tracked or
     * untracked pfn below nframes, and changes no result. */
    void  (*prefetch_hit)(void *state, pfn_t pfn);
} repl_ops_t;

/* registry.c */
extern const repl_ops_t *const repl_registry[];   /* NULL-terminated */
const repl_ops_t *repl_find(const char *name);

#endif
