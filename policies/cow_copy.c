/* cow_copy.c - copy-on-write that always copies, even for the last owner.
 *
 * The naive COW of early implementations: every write to a page shared at fork copies it,
 * including the last sharer's (whose old page is then freed). Shows what reuse saves. */
#include "cow_util.h"

static int at_write(void *state, const cow_page_t *pg)
{
    (void)state;
    (void)pg;
    return COW_COPY;
}

const cow_ops_t cow_copy = {
    .name = "copy",
    .summary = "copy on every write to a shared page, even by its last owner",
    .create = cow_create_stateless, .destroy = cow_destroy_stateless,
    .at_fork = cow_share_at_fork, .at_write = at_write, .neighbours = cow_no_neighbours,
};
