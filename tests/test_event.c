/* test_event.c - the event queue (sim/base/event.c): a binary min-heap ordered by (when, seq).
 *
 * What the engine relies on: the earliest event comes out first; events at the same time
 * come out in the order they were scheduled (FIFO by sequence number, never pointer order),
 * so runs are deterministic; cancel removes exactly the matching events and leaves a valid
 * heap; and many random pushes interleaved with pops still come out sorted by (when, seq).
 * The random cases use a fixed-seed xorshift generator of the test's own, and compare with
 * a reference model (a sorted array), so a failure is reproducible. */
#include "check.h"
#include "sim/base/event.h"

#include <stdlib.h>

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t xorshift(void) { return check_xorshift(&rng_state); }

static void test_empty(void)
{
    evq_t q;
    event_t e;
    evq_init(&q);
    CHECK_EQ(q.n, 0);
    CHECK(evq_next_time(&q) == SIM_TIME_MAX);
    CHECK_EQ(evq_pop(&q, &e), 0);
    CHECK_EQ(evq_cancel(&q, EV_TEST, 0), 0);
    evq_free(&q);
}

static void test_order(void)
{
    evq_t q;
    event_t e;
    evq_init(&q);
    /* Out of order on purpose; payloads identify the events. */
    static const sim_time_t when[] = {50, 10, 40, 10, 30, 0, 50, 20};
    uint64_t seqs[8];
    for (int i = 0; i < 8; i++)
        seqs[i] = evq_push(&q, when[i], EV_TEST, (uint32_t)i, 1000 + (uint64_t)i);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(seqs[i], i);                 /* sequence numbers count from 0 */
    CHECK_EQ(q.n, 8);
    CHECK_EQ(evq_next_time(&q), 0);
    /* Expected: by time, ties (10: events 1 and 3; 50: events 0 and 6) in push order. */
    static const uint32_t expect[] = {5, 1, 3, 7, 4, 2, 0, 6};
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(evq_pop(&q, &e), 1);
        CHECK_EQ(e.a, expect[i]);
        CHECK_EQ(e.when, when[expect[i]]);
        CHECK_EQ(e.seq, expect[i]);
        CHECK_EQ(e.kind, EV_TEST);
        CHECK_EQ(e.b, 1000 + expect[i]);
    }
    CHECK_EQ(evq_pop(&q, &e), 0);
    evq_free(&q);
}

static void test_ties_fifo(void)
{
    /* 1000 events at one time, pushed with interleaved pops: strictly FIFO. */
    evq_t q;
    event_t e;
    evq_init(&q);
    uint32_t next_out = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        evq_push(&q, 7, EV_TEST, i, 0);
        if (i % 3 == 2) {
            CHECK_EQ(evq_pop(&q, &e), 1);
            CHECK_EQ(e.a, next_out);
            next_out++;
        }
    }
    int ok = 1;
    while (evq_pop(&q, &e))
        ok &= e.a == next_out++ && e.when == 7;
    CHECK(ok);
    CHECK_EQ(next_out, 1000);
    evq_free(&q);
}

static void test_cancel(void)
{
    evq_t q;
    event_t e;
    evq_init(&q);
    /* kind EV_WRITEBACK for frames 0 and 1, EV_IO_DONE for proc 0: cancel only (WRITEBACK, 1). */
    for (uint32_t i = 0; i < 30; i++) {
        sim_time_t t = (sim_time_t)((i * 7919u) % 31u);
        evq_push(&q, t, i % 3 == 0 ? EV_WRITEBACK : i % 3 == 1 ? EV_IO_DONE : EV_WRITEBACK,
                 i % 3 == 2 ? 1 : 0, i);
    }
    CHECK_EQ(evq_cancel(&q, EV_WRITEBACK, 1), 10);
    CHECK_EQ(q.n, 20);
    CHECK_EQ(evq_cancel(&q, EV_WRITEBACK, 1), 0);      /* nothing left to cancel */
    CHECK_EQ(evq_cancel(&q, EV_RECLAIM, 0), 0);      /* no such kind */
    sim_time_t last = 0;
    uint64_t last_seq = 0;
    int n = 0, sorted = 1, none_cancelled = 1;
    while (evq_pop(&q, &e)) {
        if (n && (e.when < last || (e.when == last && e.seq < last_seq)))
            sorted = 0;
        if (e.kind == EV_WRITEBACK && e.a == 1)
            none_cancelled = 0;
        last = e.when;
        last_seq = e.seq;
        n++;
    }
    CHECK_EQ(n, 20);
    CHECK(sorted);
    CHECK(none_cancelled);
    /* Cancelling everything leaves an empty, usable queue. */
    evq_push(&q, 5, EV_TEST, 9, 0);
    evq_push(&q, 3, EV_TEST, 9, 0);
    CHECK_EQ(evq_cancel(&q, EV_TEST, 9), 2);
    CHECK(evq_next_time(&q) == SIM_TIME_MAX);
    evq_push(&q, 4, EV_TEST, 1, 0);
    CHECK_EQ(evq_next_time(&q), 4);
    /* Sequence numbers keep counting after cancels: 30 + 2 pushes before this one. */
    CHECK_EQ(evq_pop(&q, &e), 1);
    CHECK_EQ(e.seq, 32);
    evq_free(&q);
}

typedef struct { sim_time_t when; uint64_t seq; uint32_t a; } model_ev_t;

static int model_cmp(const void *x, const void *y)
{
    const model_ev_t *a = x, *b = y;
    if (a->when != b->when)
        return a->when < b->when ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Random pushes and pops (and an occasional cancel) against a sorted-array model. */
static void test_random(void)
{
    enum { N = 20000 };
    evq_t q;
    event_t e;
    evq_init(&q);
    model_ev_t *m = malloc(N * sizeof *m);
    size_t mn = 0;
    int agree = 1, pops = 0;
    sim_time_t now = 0;
    for (int i = 0; i < N; i++) {
        uint64_t r = xorshift();
        if (r % 5 < 3 || mn == 0) {
            /* Times in a small range so ties are frequent; never before "now". */
            sim_time_t t = now + (xorshift() % 64);
            uint32_t a = (uint32_t)(xorshift() % 8);
            uint64_t seq = evq_push(&q, t, EV_TEST, a, 0);
            m[mn++] = (model_ev_t){t, seq, a};
            qsort(m, mn, sizeof *m, model_cmp);
        } else if (r % 97 == 4) {
            uint32_t a = (uint32_t)(xorshift() % 8);
            size_t removed = 0, k = 0;
            for (size_t j = 0; j < mn; j++) {
                if (m[j].a == a)
                    removed++;
                else
                    m[k++] = m[j];
            }
            mn = k;
            agree &= evq_cancel(&q, EV_TEST, a) == removed;
        } else {
            agree &= evq_pop(&q, &e) == 1;
            agree &= e.when == m[0].when && e.seq == m[0].seq && e.a == m[0].a;
            now = e.when;
            memmove(m, m + 1, (mn - 1) * sizeof *m);
            mn--;
            pops++;
        }
        agree &= q.n == mn;
        agree &= evq_next_time(&q) == (mn ? m[0].when : SIM_TIME_MAX);
    }
    /* Drain: everything else in order. */
    for (size_t j = 0; j < mn; j++) {
        agree &= evq_pop(&q, &e) == 1;
        agree &= e.when == m[j].when && e.seq == m[j].seq;
    }
    agree &= evq_pop(&q, &e) == 0;
    CHECK(agree);
    CHECK(pops > N / 4);
    free(m);
    evq_free(&q);

    /* Many pushes, then all pops: sorted by (when, seq). */
    evq_init(&q);
    for (int i = 0; i < 100000; i++)
        evq_push(&q, xorshift() % 1000, EV_TEST, 0, 0);
    sim_time_t lw = 0;
    uint64_t ls = 0;
    int n = 0, sorted = 1;
    while (evq_pop(&q, &e)) {
        if (n && (e.when < lw || (e.when == lw && e.seq <= ls)))
            sorted = 0;
        lw = e.when;
        ls = e.seq;
        n++;
    }
    CHECK(sorted);
    CHECK_EQ(n, 100000);
    evq_free(&q);
}

int main(void)
{
    test_empty();
    test_order();
    test_ties_fifo();
    test_cancel();
    test_random();
    return check_report("test_event");
}
