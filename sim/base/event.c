/* event.c - binary min-heap of events ordered by (when, seq).
 *
 * Only asynchronous things are events (I/O completions, background reclaim wake-ups and
 * write-back completions); memory references never are, and quantum ends are clock compares
 * on the running CPU, so the heap stays small (about one entry per blocked process) and
 * push/pop cost O(log n) on a tiny n. Ties in time are broken
 * by the insertion sequence number: deterministic, and FIFO among simultaneous events.
 * Reference: Cormen et al., Introduction to Algorithms, ch. 6 (binary heaps). */
#include "event.h"
#include "xalloc.h"

#include <assert.h>
#include <stdlib.h>

static inline int before(const event_t *x, const event_t *y)
{
    return x->when < y->when || (x->when == y->when && x->seq < y->seq);
}

void evq_init(evq_t *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->next_seq = 0;
}

void evq_free(evq_t *q)
{
    free(q->heap);
    evq_init(q);
}

static void sift_up(evq_t *q, size_t i)
{
    event_t e = q->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &q->heap[p]))
            break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = e;
}

static void sift_down(evq_t *q, size_t i)
{
    event_t e = q->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && before(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!before(&q->heap[c], &e))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    q->heap[i] = e;
}

uint64_t evq_push(evq_t *q, sim_time_t when, uint32_t kind, uint32_t a, uint64_t b)
{
    if (when >= SIM_TIME_LIMIT)
        xtrap_throw(SIM_EINPUT, "simulated time reached 2^63 ps (about 106 days): the costs (costs.*), "
                    "the device latencies (swap_dev, file_dev) or the quantum are too large for this trace");
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 16;
        q->heap = xrealloc(q->heap, xmul(q->cap, sizeof *q->heap, "the event queue"), "the event queue");
    }
    event_t *e = &q->heap[q->n];
    e->when = when;
    e->seq = q->next_seq++;
    e->kind = kind;
    e->a = a;
    e->b = b;
    uint64_t seq = e->seq;
    sift_up(q, q->n++);
    return seq;
}

int evq_pop(evq_t *q, event_t *e)
{
    if (!q->n)
        return 0;
    *e = q->heap[0];
    q->heap[0] = q->heap[--q->n];
    if (q->n)
        sift_down(q, 0);
    return 1;
}

size_t evq_cancel(evq_t *q, uint32_t kind, uint32_t a)
{
    size_t removed = 0;
    for (size_t i = 0; i < q->n;) {
        if (q->heap[i].kind == kind && q->heap[i].a == a) {
            q->heap[i] = q->heap[--q->n];
            removed++;
        } else {
            i++;
        }
    }
    /* Rebuild: removal from the middle breaks the heap order; Floyd's heapify is O(n). */
    for (size_t i = q->n / 2; i-- > 0;)
        sift_down(q, i);
    return removed;
}
