/* cow_reuse.c - copy-on-write that reuses the page when the writer is its last owner.
 *
 * What Linux does (mm/memory.c, do_wp_page / wp_page_reuse): after fork, once one side has
 * copied, the other side's write finds itself the only mapper and simply makes the page
 * writable: one copy per page written after fork instead of two. The default. */
#include "cow_util.h"

static int at_write(void *state, const cow_page_t *pg)
{
    (void)state;
    return pg->exclusive ? COW_REUSE : COW_COPY;
}

const cow_ops_t cow_reuse = {
    .name = "reuse",
    .summary = "copy on write, but reuse the page in place when the writer is its last owner (Linux; default)",
    .create = cow_create_stateless, .destroy = cow_destroy_stateless,
    .at_fork = cow_share_at_fork, .at_write = at_write, .neighbours = cow_no_neighbours,
};
