/* types.h - the scalar types every pagesim module shares.
 *
 * Simulated time is an unsigned 64-bit count of picoseconds: integer, so runs are
 * bit-for-bit reproducible, and fine enough that sub-nanosecond costs (a TLB hit)
 * add up exactly. 2^64 ps is about 213 days of simulated time, far beyond any sensible
 * run, but not beyond any config (a device latency of 5000000s): so a run stops with an
 * error naming the setting when its time reaches SIM_TIME_LIMIT (2^63 ps, 106 days).
 * Each cost is at most SIM_COST_MAX (1 s), so between two checks (every fault, I/O, event
 * and timeline record, and the end) the clock would need 2^22 fault-free references at
 * the largest costs to get from the limit to a wrap.
 * Reference time (vtime_t) counts page references; OPT and the timeline use it. */
#ifndef PAGESIM_TYPES_H
#define PAGESIM_TYPES_H

#include <stdint.h>
#include <stddef.h>

typedef uint64_t sim_time_t;   /* picoseconds */
typedef uint64_t vtime_t;      /* index of a page reference, from 0 */
typedef uint64_t vpn_t;        /* virtual page number */
typedef uint32_t pfn_t;        /* physical frame number */
typedef uint32_t spid_t;       /* simulated process id */
typedef uint64_t page_key_t;   /* identity of a page's contents: see below */

#define PFN_NONE    UINT32_MAX
#define VTIME_NEVER UINT64_MAX  /* "no next use": OPT's infinity */
#define SIM_TIME_MAX UINT64_MAX
#define SIM_TIME_LIMIT (1ULL << 63)      /* simulated time stops being simulated here */
#define SIM_COST_MAX   1000000000000ULL  /* 1 s: the largest cost of one step (costs.*) */

#define PS_PER_NS  1000ULL
#define PS_PER_US  1000000ULL
#define PS_PER_MS  1000000000ULL
#define PS_PER_S   1000000000000ULL

/* Error kinds, carried by a failing call's return value (xalloc.h explains): bad usage,
 * input or config (exit status 2), or a failure of the machine (exit status 1). */
enum { SIM_EINPUT = -1, SIM_ESYS = -2 };
static inline int sim_exit_status(int rc)   /* 0 -> 0, SIM_ESYS -> 1, other failures -> 2 */
{
    return rc == 0 ? 0 : rc == SIM_ESYS ? 1 : 2;
}

/* Kinds of memory reference, as the traces name them. */
typedef enum ref_kind { REF_READ = 0, REF_WRITE = 1, REF_IFETCH = 2 } ref_kind_t;

/* A page's identity (policies/repl.h): a file or shared-memory page is (object, index), the
 * object in bits 40..62 (objects are numbered below 2^23) and the page index in bits 0..39;
 * an anonymous page has bit 63 set and an id given at its first touch below it. 0 is no
 * page (object 0 is "anonymous", never a file). */
#define PAGE_KEY_ANON (1ULL << 63)
#define PAGE_KEY_NONE 0ULL
static inline page_key_t page_key_file(uint32_t obj, uint64_t index)
{
    return ((uint64_t)obj << 40) | index;
}
static inline int page_key_is_anon(page_key_t k) { return (k & PAGE_KEY_ANON) != 0; }

/* Kinds of page (page_id_t.kind): anonymous (swap-backed: private anonymous pages, their
 * COW copies and shared anonymous memory, as Linux's anon LRU holds shmem) or file-backed. */
typedef enum page_kind { PAGE_ANON = 0, PAGE_FILE = 1 } page_kind_t;

/* One page reference as the engine and the policies see it. */
typedef struct mem_ref {
    vtime_t    t;         /* index of this page reference */
    vtime_t    next_use;  /* index of the next reference to the same page (its contents:
                             workloads/pgid.h), or VTIME_NEVER; only filled for policies that
                             ask for it. In the fault handler, of the page the reference found */
    vtime_t    copy_next_use; /* fault handler only: of the copy a write makes of that page
                             (equal to next_use when the reference copies nothing) */
    vpn_t      vpn;
    spid_t     pid;
    ref_kind_t kind;
} mem_ref_t;

/* The page a frame is taken for or holds: its identity and kind (policies/repl.h). */
typedef struct page_id {
    page_key_t  key;
    page_kind_t kind;
} page_id_t;

#endif
