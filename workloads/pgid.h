/* pgid.h - the identity of each page reference's contents, replayed ahead of a run (pgid.c).
 * For the passes that need the future (OPT's next use) or a page string (one-pass curves). */
#ifndef PAGESIM_PGID_H
#define PAGESIM_PGID_H

#include "wl.h"

/* What the COW policy would decide, asked without the engine (NULL members: `reuse`). */
typedef struct pgid_cow {
    void *ctx;
    /* A write to a write-protected private anonymous page whose writer is its last owner:
     * 1 to make it writable in place, 0 to copy it all the same. */
    int (*reuse)(void *ctx, int exclusive);
    int (*copy_at_fork)(void *ctx);      /* 1: fork copies every private anonymous page */
    uint32_t neighbours;                 /* pages after a copy that are un-shared with it */
} pgid_cow_t;

/* A page reference's pages: key is the page it leaves mapped, src the page it found (they
 * differ only when it copies on write); both 0 for a reference the engine skips (segv,
 * protection). Keys: (object << 40 | index) for file and shared pages, 1 << 63 | id for
 * anonymous ones; never 0. */
typedef struct pgid_ref {
    page_key_t key, src;
    uint8_t prot;       /* the area's WL_PROT_* (what a next reference may do without a fault) */
    uint8_t stable;     /* a write to the page now would not copy it (the key stays) */
} pgid_ref_t;

#define PGID_ANON_BIT (1ULL << 63)   /* an anonymous page's key: this | id, ids from 1 in order */

typedef struct pgid pgid_t;
pgid_t *pgid_new(unsigned page_shift, const pgid_cow_t *cow);   /* NULL when out of memory */
void pgid_event(pgid_t *g, const wl_rec_t *r);                   /* any record but WL_REF */
pgid_ref_t pgid_ref(pgid_t *g, spid_t pid, vpn_t vpn, ref_kind_t kind);
/* A buffered read or write (WL_READ, WL_WRITE) references the pages [*lo, *hi) of its file's
 * page cache, in that order, each one page reference (sim/fileio.c); pgid_io_key gives page
 * index's key, the page a mapping of the same file name shares. A length of 0: none. */
void pgid_io_range(const pgid_t *g, const wl_rec_t *r, uint64_t *lo, uint64_t *hi);
page_key_t pgid_io_key(pgid_t *g, const wl_rec_t *r, uint64_t index);
void pgid_free(pgid_t *g);
/* Hints for a reference some records ahead, changing nothing (a pid not seen yet stays
 * unseen): pgid_prefetch prefetches the slot of (pid, vpn) in its address space's map;
 * pgid_peek returns the anonymous key the page has now (0: none yet, or not anonymous), which
 * pgid_ref will give unless the records before it change the page. */
void pgid_prefetch(const pgid_t *g, spid_t pid, vpn_t vpn);
page_key_t pgid_peek(const pgid_t *g, spid_t pid, vpn_t vpn);

#endif
