/* repl_explain.h - what the policies' explain hooks share (repl.h, repl_explain_t): a ring, a
 * heap or a ghost list of repl_util.h / repl_ghost.h shown as one bracketed list, from the
 * victim's end, each frame with an optional suffix.
 *
 * Only explain mode (`pagesim run --explain`, small traces) calls these, so they may cost
 * O(n) (the ring, the ghosts) or O(n^2) (the heap, sorted by insertion). Read-only. */
#ifndef PAGESIM_REPL_EXPLAIN_H
#define PAGESIM_REPL_EXPLAIN_H

#include <stdio.h>
#include <stdlib.h>
#include "repl.h"
#include "repl_ghost.h"
#include "repl_util.h"

/* A frame's suffix ("*", ":3") into buf (n bytes), or NULL for none. */
typedef const char *repl_explain_post_fn(const void *state, repl_explain_t *x, pfn_t pfn,
                                         char *buf, size_t n);

/* The ring from `from` (its head if PFN_NONE) all the way round; `hand` (or PFN_NONE) is
 * marked ">"; reverse walks towards prev (MRU: the tail is the victim's end). */
static inline void repl_explain_ring(repl_explain_t *x, const char *name, const repl_ring_t *r,
                                     pfn_t from, int reverse, pfn_t hand,
                                     repl_explain_post_fn *post, const void *state)
{
    x->begin(x, name);
    pfn_t p = from != PFN_NONE ? from : reverse ? repl_ring_tail(r) : r->head;
    char buf[32];
    for (uint32_t i = 0; i < r->n; i++) {
        x->frame(x, p, p == hand ? ">" : NULL, post ? post(state, x, p, buf, sizeof buf) : NULL);
        p = reverse ? r->prev[p] : r->next[p];
    }
    x->end(x);
}

/* The heap in its order (the top, the victim, first). */
static inline void repl_explain_heap(repl_explain_t *x, const char *name, const repl_heap_t *h,
                                     repl_explain_post_fn *post, const void *state)
{
    pfn_t *v = malloc((h->n ? h->n : 1) * sizeof *v);
    x->begin(x, name);
    if (v) {
        for (uint32_t i = 0; i < h->n; i++) {      /* insertion sort: explain's sizes are small */
            uint32_t j = i;
            for (; j > 0 && repl_heap_less(h, h->heap[i], v[j - 1]); j--)
                v[j] = v[j - 1];
            v[j] = h->heap[i];
        }
        char buf[32];
        for (uint32_t i = 0; i < h->n; i++)
            x->frame(x, v[i], NULL, post ? post(state, x, v[i], buf, sizeof buf) : NULL);
    }
    x->end(x);
    free(v);
}

/* A ghost list, oldest first (the end its next drop comes from). */
static inline void repl_explain_ghosts(repl_explain_t *x, const char *name, const repl_ghosts_t *g,
                                       int list)
{
    x->begin(x, name);
    for (uint32_t s = repl_ghost_oldest(g, list); s != REPL_GHOST_NONE; s = repl_ghost_newer(g, s))
        x->ghost(x, g->key[s], NULL, NULL);
    x->end(x);
}

/* "*" when the frame's referenced bit is set. */
static inline const char *repl_explain_rbit(const void *state, repl_explain_t *x, pfn_t pfn,
                                            char *buf, size_t n)
{
    (void)state;
    (void)buf;
    (void)n;
    return x->referenced(x, pfn) ? "*" : NULL;
}

/* "*" when flags[pfn] (a visited or referenced byte of the policy's) is set. */
static inline const char *repl_explain_flag(const uint8_t *flags, pfn_t pfn)
{
    return flags[pfn] ? "*" : NULL;
}

#endif
