/* lru.c - exact LRU: evict the page whose last reference is oldest.
 *
 * LRU approximates OPT by looking backward instead of forward (Silberschatz, Galvin, Gagne,
 * Operating System Concepts, 9th ed., §9.4.4; Tanenbaum, Modern Operating Systems, 4th ed.,
 * §3.4.6). It is a stack algorithm (Mattson, Gecsei, Slutz, Traiger, "Evaluation techniques
 * for storage hierarchies", IBM Systems Journal 9(2), 1970): the pages resident with n frames
 * are always a subset of those resident with n+1, so it never suffers Belady's anomaly.
 *
 * This is the idealised version that sees every reference (REPL_SEES_ALL_REFS): real MMUs
 * only set a referenced bit, which is why kernels run CLOCK-like approximations instead.
 * State: a ring of frames in recency order (repl_util.h), head = least recently used.
 * A hit moves the page to the tail; all hooks are O(1). Local replacement: the least
 * recently used frame of the faulting process (a walk from the head skipping others' frames,
 * O(frames) at worst).
 */
#include "repl_create.h"
#include "repl_explain.h"

static pfn_t lru_select_victim(void *state, const repl_req_t *req)
{
    return repl_ring_state_victim(state, req, 0);
}

/* Explain mode (repl.h): the stack, least recently used (the next victim) first. */
static void lru_explain(void *state, repl_explain_t *x)
{
    repl_explain_ring(x, "lru", state, PFN_NONE, 0, PFN_NONE, NULL, NULL);
}

const repl_ops_t repl_lru = {
    .name = "lru",
    .version = REPL_VERSION,
    .summary = "exact least recently used (sees every reference)",
    .paper = "Mattson, Gecsei, Slutz, Traiger, \"Evaluation techniques for storage hierarchies\", IBM Systems Journal 9(2), 1970",
    .params = NULL,
    .flags = REPL_SEES_ALL_REFS | REPL_HIT_IDEMPOTENT | REPL_HIT_LAST_ONLY,
    .create = repl_ring_state_create,
    .destroy = repl_ring_state_destroy,
    .on_hit = repl_ring_state_hit,
    .select_victim = lru_select_victim,
    .on_insert = repl_ring_state_insert,
    .on_remove = repl_ring_state_remove,
    .check = repl_ring_state_check,
    .explain = lru_explain,
    .peek_victim = repl_ring_state_peek,
    .prefetch_hit = repl_ring_state_prefetch_hit,
};
