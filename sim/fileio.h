/* fileio.h - buffered file I/O through the page cache: read(2) and write(2) (fileio.c). */
#ifndef PAGESIM_FILEIO_H
#define PAGESIM_FILEIO_H

#include "sim/base/types.h"
#include "sim.h"
#include "cpu.h"
#include "proc.h"
#include "workloads/wl.h"

/* The counters of buffered I/O (results "fileio"). */
typedef struct fileio_stats {
    uint64_t reads, read_pages, read_hits, read_misses;
    uint64_t writes, write_pages, write_hits, write_fills;   /* fills: partial pages read first */
    uint64_t fadvises, willneed_pages, dontneed_cleaned, dontneed_dropped;
} fileio_stats_t;

/* A WL_READ or WL_WRITE record of process p on file object obj (vma.c resolves the name):
 * 0 (p may now be P_BLOCKED on the I/O, as on a major fault), or -1 with err. */
int  fileio_rw(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, const wl_rec_t *r, sim_err_t *err);
/* posix_fadvise of [offset, offset+len) of obj by p (len 0: to the end). */
int  fileio_fadvise(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, const wl_rec_t *r, sim_err_t *err);
/* Starts reading pages [lo, hi) of file obj into the page cache without blocking p; returns
 * the pages read. Shared memory and pages already cached are skipped. */
uint64_t fileio_willneed(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, uint64_t lo, uint64_t hi);
void fileio_free(sim_t *s);

#endif
