/* fifo.c - FIFO replacement: evict the page that has been resident longest.
 *
 * The oldest and simplest policy (Silberschatz, Galvin, Gagne, Operating System Concepts,
 * 9th ed., §9.4.2; Tanenbaum, Modern Operating Systems, 4th ed., §3.4.3). It ignores use
 * entirely, so it needs no hook on hits, and it is the classic example of Belady's anomaly:
 * more frames can give more faults (Belady, Nelson, Shedler, "An anomaly in space-time
 * characteristics of certain programs running in a paging machine", CACM 12(6), 1969),
 * because FIFO is not a stack algorithm (Mattson et al., IBM Systems Journal 9(2), 1970).
 *
 * State: a ring of frames in load order (repl_util.h); the head is the oldest. Insert at
 * the tail, evict the head, unlink from anywhere on unmap: all O(1).
 */
#include "repl.h"
#include "repl_util.h"
#include "../sim/spec.h"

#include <stdio.h>

typedef struct fifo {
    repl_ring_t ring;
} fifo_t;

static void fifo_destroy(void *state)
{
    fifo_t *f = state;
    if (!f)
        return;
    repl_ring_free(&f->ring);
    free(f);
}

static int fifo_create(const repl_env_t *env, const json_t *params, void **state, char *err)
{
    static const char *const keys[] = {NULL};
    *state = NULL;
    if (params && spec_only(params, keys, "policy fifo", err))
        return -1;
    if (env->nframes == 0) {
        snprintf(err, REPL_ERR_LEN, "policy fifo needs at least one frame");
        return -1;
    }
    fifo_t *f = calloc(1, sizeof *f);
    if (!f || repl_ring_init(&f->ring, env->nframes)) {
        if (f)
            fifo_destroy(f);
        snprintf(err, REPL_ERR_LEN, "policy fifo: out of memory for %u frames", env->nframes);
        return -1;
    }
    *state = f;
    return 0;
}

static pfn_t fifo_select_victim(void *state, const mem_ref_t *ref)
{
    fifo_t *f = state;
    assert(f->ring.head != PFN_NONE);
    return f->ring.head;
}

static void fifo_on_insert(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    fifo_t *f = state;
    repl_ring_push_tail(&f->ring, pfn);
}

static void fifo_on_remove(void *state, pfn_t pfn, repl_why_t why)
{
    fifo_t *f = state;
    repl_ring_unlink(&f->ring, pfn);
}

static int fifo_check(void *state, const uint8_t *resident)
{
    fifo_t *f = state;
    return repl_ring_check(&f->ring, resident);
}

const repl_ops_t repl_fifo = {
    .name = "fifo",
    .summary = "first in, first out: evict the page resident longest (sees no references)",
    .flags = 0,
    .create = fifo_create,
    .destroy = fifo_destroy,
    .on_hit = NULL,
    .select_victim = fifo_select_victim,
    .on_insert = fifo_on_insert,
    .on_remove = fifo_on_remove,
    .check = fifo_check,
};
