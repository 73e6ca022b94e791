/* cow.h - the copy-on-write policy interface: the engine does the copying, the policy decides.
 *
 * Decision points (Bach, The Design of the UNIX Operating System, §9.2; Linux do_wp_page):
 *  - at_fork: for each resident private page, share it copy-on-write (COW_SHARE) or copy it
 *    for the child at once (COW_COPY: the pre-COW fork, as in early UNIX).
 *  - at_write: a write hit a COW-shared page: COW_COPY gives the writer its own copy;
 *    COW_REUSE makes the page writable in place, which the engine allows only when the writer
 *    is its last owner (pg->exclusive); otherwise it copies.
 *  - neighbours: after a copy, how many following pages of the same area the engine should
 *    also un-share (copy or reuse) at once, betting that writes have spatial locality. 0: none.
 * A policy registers in cow_registry.c; `pagesim policies` lists them. */
#ifndef PAGESIM_COW_H
#define PAGESIM_COW_H

#include <jansson.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

enum { COW_SHARE = 0, COW_COPY = 1, COW_REUSE = 2 };

typedef struct cow_page {
    spid_t   pid;        /* the process at the decision (forking parent, or writer) */
    vpn_t    vpn;
    uint32_t mapcount;   /* PTEs mapping the page */
    int      exclusive;  /* the writer is the only owner: reuse is safe */
} cow_page_t;

typedef struct cow_ops {
    const char *name;
    const char *summary;
    /* err: not naming the policy (the engine puts "COW policy NAME: " before it) */
    int      (*create)(const json_t *params, void **state, sim_err_t *err);
    void     (*destroy)(void *state);
    int      (*at_fork)(void *state, const cow_page_t *pg);
    int      (*at_write)(void *state, const cow_page_t *pg);
    uint32_t (*neighbours)(void *state);
} cow_ops_t;

extern const cow_ops_t *const cow_registry[];   /* NULL-terminated */
const cow_ops_t *cow_find(const char *name);

#endif
