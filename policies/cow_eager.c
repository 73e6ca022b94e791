/* cow_eager.c - no copy-on-write: fork copies every resident private page at once.
 *
 * The pre-COW baseline (UNIX before 4.4BSD/SVR4 copied the whole data segment at fork; Bach,
 * §7.1): fork pays for every page up front and the child owns private copies, so later
 * writes never trap. Pages not resident (swapped out) are shared through their swap slot and
 * copied when written, as a real eager fork would read them back. */
#include "cow_util.h"

static int at_fork(void *state, const cow_page_t *pg)
{
    (void)state;
    (void)pg;
    return COW_COPY;
}

static int at_write(void *state, const cow_page_t *pg)
{
    (void)state;
    return pg->exclusive ? COW_REUSE : COW_COPY;
}

const cow_ops_t cow_eager = {
    .name = "eager",
    .summary = "copy every resident private page at fork (the pre-COW baseline)",
    .create = cow_create_stateless, .destroy = cow_destroy_stateless,
    .at_fork = at_fork, .at_write = at_write, .neighbours = cow_no_neighbours,
};
