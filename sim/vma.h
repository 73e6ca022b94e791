/* vma.h - areas, backing objects and address-space events (vma.c). */
#ifndef PAGESIM_VMA_H
#define PAGESIM_VMA_H

#include "sim/base/types.h"
#include "sim/base/u64map.h"
#include "sim/base/vmalist.h"
#include "sim.h"
#include "cpu.h"
#include "proc.h"
#include "workloads/wl.h"

/* Backing objects: regular files and shared anonymous memory (tmpfs-like). */
enum { OBJ_FILE = 1, OBJ_SHM = 2 };
typedef struct obj {
    uint32_t kind;
    char    *name;
    uint64_t dev_base;    /* first block on the file device */
    u64map_t swap;        /* OBJ_SHM: page index -> swap slot of pages not in memory */
} obj_t;

/* The area of mm holding vpn, or NULL: a binary search, done on faults and events only. An
 * implicit address space (no area declared) is one rwx area (vma_implicit_init). Inline, so
 * that the fault handler looks areas up without calling up into this module. */
static inline const vma_t *vma_find(const mm_t *mm, vpn_t vpn)
{
    return mm->implicit ? mm->implicit : vma_list_find(&mm->areas, vpn);
}
/* The area of every address space that declares none (config `implicit`): private anonymous
 * memory (anon: a first touch is a demand-zero page, and a page evicted clean is gone), the
 * same with every page already on the swap device (swap, VMA_SWAPPED: a first touch is a
 * swap-in, a major fault timed on the swap device, and the page keeps its swap copy, so a
 * clean eviction writes nothing and the next touch reads it again), or one shared mapping
 * of a file at offset 0 (file: page n of the list is block n of the file, a first touch
 * reads it from the file device, and a page keeps its identity, and a policy's shadow,
 * however often it is evicted: a block trace's cache). */
void vma_implicit_init(sim_t *s, config_implicit_t backing);
/* An address-space event from the stream (mmap, munmap, mprotect, brk, fork, exec, exit):
 * 0, or -1 with err naming the record. */
int vma_event(sim_t *s, cpu_t *c, const wl_rec_t *r, sim_err_t *err);

#endif
