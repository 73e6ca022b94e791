/* mru.c - MRU: evict the most recently used page.
 *
 * The opposite of LRU, and right where LRU is worst: a loop over more pages than fit in
 * memory. LRU then misses on every reference, while MRU keeps most of the loop resident and
 * misses about once per pass per excess page. Chou and DeWitt, "An evaluation of buffer
 * management strategies for relational database systems", VLDB 1985, recommend it for such
 * looping sequential access; on workloads with temporal locality it is close to the worst
 * policy possible, which makes it a useful bound in comparisons (Silberschatz, Galvin, Gagne,
 * Operating System Concepts, 9th ed., §9.4.6 discusses the counting-based cousin, MFU).
 *
 * Idealised like exact LRU: it sees every reference (REPL_SEES_ALL_REFS). State: a ring of
 * frames in recency order (repl_util.h), the tail being the most recently used; a hit moves
 * the page to the tail, the victim is the tail. All hooks O(1). Local replacement: the most
 * recently used frame of the faulting process (a walk back from the tail, O(frames) at worst).
 *
 * On a fault the faulting page is not yet resident, so "most recently used" means the page
 * used most recently before the fault, which is then replaced by the faulting page.
 */
#include "repl_create.h"
#include "repl_explain.h"

static pfn_t mru_select_victim(void *state, const repl_req_t *req)
{
    return repl_ring_state_victim(state, req, 1);
}

/* Explain mode (repl.h): the stack from the most recently used (the next victim) back. */
static void mru_explain(void *state, repl_explain_t *x)
{
    repl_explain_ring(x, "mru", state, PFN_NONE, 1, PFN_NONE, NULL, NULL);
}

const repl_ops_t repl_mru = {
    .name = "mru",
    .version = REPL_VERSION,
    .summary = "most recently used: evict the page used last (sees every reference)",
    .paper = "Chou, DeWitt, \"An evaluation of buffer management strategies for relational database systems\", VLDB 1985",
    .params = NULL,
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT | REPL_HIT_LAST_ONLY,
    .create = repl_ring_state_create,
    .destroy = repl_ring_state_destroy,
    .on_hit = repl_ring_state_hit,
    .select_victim = mru_select_victim,
    .on_insert = repl_ring_state_insert,
    .on_remove = repl_ring_state_remove,
    .check = repl_ring_state_check,
    .explain = mru_explain,
};
