/* repl.h - the replacement-policy interface: the engine's mechanism asks, the policy decides.
 *
 * A policy is a const table of hooks (repl_ops_t) plus a private state pointer. The engine
 * owns frames, page tables and I/O; a policy only keeps its own bookkeeping (lists, counters,
 * ghost entries) in arrays indexed by frame number, and sees the hardware through the narrow
 * repl_env_t window. Registering one: its own file, one CMake line, one line in registry.c.
 *
 * Contracts (the engine guarantees them; tests/test_props checks policies keep theirs):
 *  - on_insert(pfn) is called once when a page becomes resident in frame pfn, before any
 *    on_hit for it; on_remove(pfn) once when it stops being resident (eviction chosen by this
 *    policy, or unmap/exit/COW-break chosen by the program: see repl_why_t).
 *  - select_victim is called only when every frame is in use; it must return a frame the
 *    policy currently tracks, and must not forget it: the engine calls on_remove(pfn,
 *    REPL_EVICT) right after. Every tracked frame is evictable.
 *  - on_hit (may be NULL) is called on every reference to a resident page. A policy with
 *    on_hit == NULL sees references only through the referenced bit (test_clear_ref), as a
 *    real kernel does; one with on_hit sees every reference, which real hardware cannot
 *    afford (exact LRU). The flags say which, and `pagesim policies` prints it.
 *  - ref->next_use is valid only for policies with REPL_NEEDS_NEXT_USE.
 */
#ifndef PAGESIM_REPL_H
#define PAGESIM_REPL_H

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include "sim/base/types.h"

typedef enum repl_why {
    REPL_EVICT = 0,   /* chosen by select_victim */
    REPL_UNMAP,       /* the program unmapped it, or its last mapper exited */
    REPL_COW,         /* a private copy replaced it */
} repl_why_t;

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
};

/* The narrow window a policy has on the machine. */
typedef struct repl_env {
    uint32_t nframes;
    gsl_rng *rng;                                  /* the run's seeded rng */
    void *eng;                                     /* opaque; pass back to the calls below */
    /* Hardware referenced bit of the page in pfn (OR over every mapping); cleared. */
    int (*test_clear_ref)(void *eng, pfn_t pfn);
    /* Whether evicting pfn now would need a write-back. */
    int (*is_dirty)(void *eng, pfn_t pfn);
} repl_env_t;

/* Size of an error message a policy may write on create(). */
#define REPL_ERR_LEN 256

typedef struct repl_ops {
    const char *name;
    const char *summary;        /* one line for `pagesim policies` */
    unsigned flags;
    /* params is a JSON object of key=value pairs from `-p NAME:k=v,...` (values are
     * integers, reals or strings); unknown keys must be rejected with a message. Messages
     * do not name the policy: the engine writes "policy NAME: " before them. Returns 0,
     * -1 (bad parameters) or SIM_ESYS (out of memory: repl_create_nomem). */
    int   (*create)(const repl_env_t *env, const json_t *params, void **state, char *err);
    void  (*destroy)(void *state);
    void  (*on_hit)(void *state, const mem_ref_t *ref, pfn_t pfn);
    pfn_t (*select_victim)(void *state, const mem_ref_t *ref);
    void  (*on_insert)(void *state, const mem_ref_t *ref, pfn_t pfn);
    void  (*on_remove)(void *state, pfn_t pfn, repl_why_t why);
    /* Optional self-check for paranoid builds: returns 0 if consistent with `resident`
     * (a bitmap, nframes bits, of the frames the engine believes the policy tracks). */
    int   (*check)(void *state, const uint8_t *resident);
    /* Optional: the policy's own counters, added to obj (a JSON object), which the results
     * give as policy.stats. */
    void  (*stats)(void *state, json_t *obj);
} repl_ops_t;

/* registry.c */
extern const repl_ops_t *const repl_registry[];   /* NULL-terminated */
const repl_ops_t *repl_find(const char *name);

#endif
