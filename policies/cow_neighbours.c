/* cow_neighbours.c - reuse-style COW that also un-shares the next N pages on each copy.
 *
 * Writes after fork are spatially clustered (a child that writes one page of a buffer
 * usually writes the next ones). Breaking COW for up to N following shared pages of the
 * same area on each copy trades possibly useless copies (memory) for fewer traps; the same
 * idea as fault-around (Linux do_fault_around, which maps neighbours on read faults).
 * Parameter: n (default 4). Pages already exclusive are made writable, others copied. */
#include "cow_util.h"
#include "sim/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct { uint32_t n; } state_t;

static int create(const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"n", NULL};
    long long n;
    if (params && spec_only(params, keys, NULL, err))
        return -1;
    if (spec_int(params, "n", 4, &n, err))
        return -1;
    if (n < 0 || n > 512)
        return sim_err_set(err, SIM_EINPUT, "n must be from 0 to 512");
    state_t *st = xmalloc(sizeof *st, "the COW policy's state");   /* throws (xalloc.h) */
    st->n = (uint32_t)n;
    *state = st;
    return 0;
}

static void destroy(void *state) { free(state); }

static int at_write(void *state, const cow_page_t *pg)
{
    (void)state;
    return pg->exclusive ? COW_REUSE : COW_COPY;
}

static uint32_t neighbours(void *state) { return ((state_t *)state)->n; }

const cow_ops_t cow_neighbours = {
    .name = "neighbours",
    .summary = "like reuse, and each copy also un-shares the next n pages of the area (n=4)",
    .create = create, .destroy = destroy,
    .at_fork = cow_share_at_fork, .at_write = at_write, .neighbours = neighbours,
};
