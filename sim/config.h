/* config.h - the configuration: a JSON object (defaults, dotted-key edits, files) and its
 * validated, typed form (config.c). */
#ifndef PAGESIM_CONFIG_H
#define PAGESIM_CONFIG_H

#include <jansson.h>
#include <stdint.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

json_t *config_defaults(void);
/* Sets a dotted key ("tlb.entries", "costs.walk", "policy") from text, typed by the key's
 * default; unknown keys and bad values are errors (-1, err). */
int config_set(json_t *cfg, const char *key, const char *value, sim_err_t *err);
/* Merges a JSON config file over cfg; unknown keys are errors naming the file. */
int config_load_file(json_t *cfg, const char *path, sim_err_t *err);

/* The costs of the machine's steps ("costs" in the config), every one in picoseconds and at
 * most SIM_COST_MAX. */
typedef struct costs {
    sim_time_t tlb_hit, walk, fault, zero, copy, evict, context_switch, shootdown, fork_pte;
} costs_t;

typedef enum { CONFIG_SCHED_AUTO = 0, CONFIG_SCHED_TRACE, CONFIG_SCHED_RR } config_sched_t;

/* Every setting, validated, with its unit in its name. The strings point into the config
 * object validated and live as long as it. Device specs ("fixed", "ssd:...") and policy
 * specs ("clock:bits=2") are checked by the device and policy they create (device.c,
 * policy.c): their parameters are theirs. */
/* load_control (loadctl.c). */
enum { CONFIG_LOAD_OFF = 0, CONFIG_LOAD_WS, CONFIG_LOAD_PFF };
typedef enum config_implicit {
    CONFIG_IMPLICIT_ANON = 0,              /* private anonymous: first touches demand-zero */
    CONFIG_IMPLICIT_FILE,                  /* a shared mapping of one file: first touches read it */
    CONFIG_IMPLICIT_SWAP,                  /* private anonymous whose pages start on swap */
} config_implicit_t;

typedef struct sim_config {
    uint32_t page_bytes, page_shift;       /* a power of two, up to 1 GiB; its log2 */
    uint32_t memory_frames;                /* "frames", or "memory" / page_bytes */
    uint64_t seed;
    uint64_t interval_refs;                /* accesses per timeline sample; 0: no timeline */
    uint32_t timeline_records;             /* at most, even: at the cap pairs merge (stats.c) */
    int      ref_bit_on_fill;              /* ref_bit "tlb_fill": only a TLB fill sets R */
    int      paranoid;                     /* check every invariant after every step */
    uint32_t readahead_pages, swap_cluster_pages;   /* extra pages per major fault, 0..64 */
    uint32_t reclaim_low_frames, reclaim_high_frames;   /* kswapd's watermarks; high 0: off */
    int      replacement_local;            /* "replacement" local: victims among the faulter's */
    uint32_t shadows_per_frame;            /* shadow entries kept, at most, per frame (shadow.c) */
    int      load_control;                 /* CONFIG_LOAD_*: "load_control" off, ws or pff */
    uint64_t load_window_refs;             /* "load_window": a process's sampling window */
    uint64_t load_threshold_refs;          /* "load_threshold": pff's critical inter-fault time */
    /* "implicit": the backing of address spaces that declare no area (vma_implicit_init) */
    config_implicit_t implicit;
    uint32_t cpus;                         /* 1..1024 */
    uint32_t tlb_entries, tlb_ways;        /* per CPU; 0 entries: no TLB */
    int      tlb_asid;                     /* ASID-tagged TLB: no flush at a context switch */
    costs_t  cost_ps;
    config_sched_t schedule;
    sim_time_t quantum_ps;                 /* rr's time slice, > 0 */
    const char *policy_spec, *cow_spec;    /* "" when absent */
    const char *swap_dev_spec, *file_dev_spec;
    const char *workload_spec;             /* "" unless a synthetic workload */
    const char *format;                    /* trace format; NULL when absent */
} sim_config_t;

/* Validates cfg into *c: 0, or -1 with err naming the setting ("config: ..."). Normalises
 * cfg as the results echo it: "memory", when set, sets "frames". Also refuses a frame table
 * or TLBs larger than this machine's memory, before anything is allocated. */
int config_validate(json_t *cfg, sim_config_t *c, sim_err_t *err);

#endif
