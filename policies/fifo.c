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
 * the tail, evict the head, unlink from anywhere on unmap: all O(1). Local replacement: the
 * oldest frame of the faulting process (a walk from the head skipping others' frames,
 * O(frames) at worst). No shadows, no timer.
 */
#include "repl_create.h"
#include "repl_explain.h"

static pfn_t fifo_select_victim(void *state, const repl_req_t *req)
{
    return repl_ring_state_victim(state, req, 0);
}

/* Explain mode (repl.h): the queue, oldest (the next victim) first. */
static void fifo_explain(void *state, repl_explain_t *x)
{
    repl_explain_ring(x, "fifo", state, PFN_NONE, 0, PFN_NONE, NULL, NULL);
}

const repl_ops_t repl_fifo = {
    .name = "fifo",
    .version = REPL_VERSION,
    .summary = "first in, first out: evict the page resident longest (sees no references)",
    .paper = "Belady, \"A study of replacement algorithms for a virtual-storage computer\", IBM Systems Journal 5(2), 1966",
    .params = NULL,
    .flags = 0,
    .create = repl_ring_state_create,
    .destroy = repl_ring_state_destroy,
    .on_hit = NULL,
    .select_victim = fifo_select_victim,
    .on_insert = repl_ring_state_insert,
    .on_remove = repl_ring_state_remove,
    .check = repl_ring_state_check,
    .explain = fifo_explain,
    .peek_victim = repl_ring_state_peek,
};
