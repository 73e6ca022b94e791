/* test_queues.c - golden tests for lruk, mq, s3fifo and sieve (issue 14): fault counts and
 * victim sequences derived by hand (each derivation beside its test), ghost behaviour,
 * MQ's lifetime=auto rule, parameter parsing and rejection. The driver is tests/drv.h (check() after every step).
 *
 * Notation in the derivations: queues are written oldest first; "*" marks SIEVE's visited
 * bit; LRU-K histories are (HIST(p,1), HIST(p,2)) with times t = index + 1 (0: none); MQ
 * pages are page(count, expire).
 */
#include "drv.h"

/* Runs spec over s and compares faults and victims; returns nothing, counts CHECKs. */
#define GOLDEN(spec, frames, faults, str, ...) do { \
    uint32_t _v[256]; size_t _nv = 0; \
    CHECK_EQ(run((spec), (frames), (str), LEN(str), 1, _v, &_nv), (faults)); \
    CHECK_VICTIMS(_v, _nv, __VA_ARGS__); \
} while (0)

/* ------------------------------------------------------------------ sieve */

/* SIEVE, 3 frames, 1 2 3 1 4 2 5 1 3 1 5 4 2. The hand starts at the oldest page.
 *   1 2 3   misses          [1 2 3], hand at 1
 *   1       hit             [1* 2 3]
 *   4       hand at 1: visited, clear; 2 unvisited: evict 2; hand -> 3    [1 3 4]
 *   2       hand at 3: evict 3; hand -> 4                                  [1 4 2]
 *   5       hand at 4: evict 4; hand -> 2                                  [1 2 5]
 *   1       hit                                                            [1* 2 5]
 *   3       hand at 2 (it kept its place: 1 is not looked at): evict 2; hand -> 5
 *                                                                          [1* 5 3]
 *   1 5     hits                                                           [1* 5* 3]
 *   4       hand at 5: clear; 3: evict 3; 3 was the newest: hand wraps to 1 [1* 5 4]
 *   2       hand at 1: clear; 5: evict 5; hand -> 4                        [1 4 2]
 * 9 faults; victims 2 3 4 2 3 5. (CLOCK with a hand that moved survivors behind new
 * pages, or FIFO, differ: FIFO evicts 1 at the fourth miss.) */
static void test_sieve_golden(void)
{
    static const uint32_t s[] = {1, 2, 3, 1, 4, 2, 5, 1, 3, 1, 5, 4, 2};
    GOLDEN("sieve", 3, 9, s, 2, 3, 4, 2, 3, 5);
    /* New pages are inserted unvisited: a string of distinct pages is FIFO. */
    static const uint32_t d[] = {1, 2, 3, 4, 5, 6};
    GOLDEN("sieve", 2, 6, d, 1, 2, 3, 4);
}

/* The hand keeps its place across an unmap of the page under it: it moves to that page's
 * newer neighbour, as an eviction moves it (libCacheSim's Sieve_remove_obj).
 *   1 2 3 1 4   as above: [1 3 4] (1's bit cleared by the pass), hand at 3, victim 2
 *   unmap 3     hand -> 4                                  [1 4]
 *   5           a free frame                               [1 4 5]
 *   4 1         hits                                       [1* 4* 5]
 *   6           hand at 4: clear; 5: evict 5; 5 was the newest: hand wraps to 1  [1* 4 6]
 *   7           hand at 1: clear; 4: evict 4; hand -> 6    [1 6 7]
 * Victims 2 5 4. A hand reset to the oldest page at the unmap would clear 1 and 4 at 6 and
 * evict 5, then wrap to 1 (now clear) at 7 and evict 1. */
static void test_sieve_hand_unmap(void)
{
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, "sieve", 3, 1, &err), 0);
    d.check_each = 1;
    static const uint32_t a[] = {1, 2, 3, 1, 4};
    vtime_t t = 0;
    for (size_t i = 0; i < LEN(a); i++)
        drv_ref(&d, a[i], t++, VTIME_NEVER);
    drv_unmap(&d, 3);
    static const uint32_t b[] = {5, 4, 1, 6, 7};
    for (size_t i = 0; i < LEN(b); i++)
        drv_ref(&d, b[i], t++, VTIME_NEVER);
    CHECK_EQ(d.faults, 7);
    CHECK_VICTIMS(d.victims, d.nvictims, 2, 5, 4);
    CHECK_EQ(d.bad_check + d.bad_victim + d.bad_ref, 0);
    drv_free(&d);
}

/* ------------------------------------------------------------------ s3fifo */

/* S3-FIFO, 4 frames, small=0.25 (S: 1 frame, M: 3), ghost=0.5 (G: 2 entries), threshold 2.
 * Eviction: from M if |M| > 3 or S is empty, else from S. Pages are page(freq).
 *   1 2 3 4   misses into S                        S=[1 2 3 4]
 *   5         S: 1(0) < 2: evict 1, G=[1]          S=[2 3 4 5]
 *   2 2       hits in S                            2(2)
 *   1         in G: leaves G (G=[]); S: 2(2) >= 2 moves to M as 2(0); 3(0) evicted, G=[3];
 *             1 goes to M                          S=[4 5] M=[2 1]
 *   6         S: evict 4, G=[3 4]                  S=[5 6]
 *   7         S: evict 5, G full: 3 dropped, G=[4 5]   S=[6 7]
 *   3         not in G any more: into S; S: evict 6, 4 dropped, G=[5 6]   S=[7 3]
 *   1 2 2     hits in M                            1(1) 2(2)
 *   5         in G: G=[6]; S: evict 7, G=[6 7]; 5 to M   S=[3] M=[2 1 5]
 *   8         |M| = 3: S: evict 3, 6 dropped, G=[7 3]    S=[8]
 *   6         not in G: S: evict 8, 7 dropped, G=[3 8]   S=[6]
 *   3         in G: G=[8]; S: evict 6, G=[8 6]; 3 to M   S=[] M=[2 1 5 3]
 *   9         |M| = 4 > 3: M: 2(2) reinserted as 2(1), 1(1) as 1(0), 5(0) evicted (M's
 *             victims leave no ghost)              S=[9] M=[3 2 1]
 * 14 faults; victims 1 3 4 5 6 7 3 8 6 5. */
static void test_s3fifo_golden(void)
{
    static const uint32_t s[] = {1, 2, 3, 4, 5, 2, 2, 1, 6, 7, 3, 1, 2, 2, 5, 8, 6, 3, 9};
    GOLDEN("s3fifo:small=0.25,ghost=0.5", 4, 14, s, 1, 3, 4, 5, 6, 7, 3, 8, 6, 5);
    /* Continued: S=[9] M=[3(0) 2(1) 1(0)] G=[8 6].
     *   2 1 3     hits in M: 2(2) 1(1) 3(1)
     *   10        |M| = 3: S: evict 9, G full: 8 dropped, G=[6 9]   S=[10]
     *   11        S: evict 10, G=[9 10]                             S=[11]
     *   1         hit: 1(2)
     *   12 13     S: evict 11, then 12 (G=[11 12]); M is not touched while |M| <= 3
     * 18 faults; victims as above then 9 10 11 12. */
    static const uint32_t s2[] = {1, 2, 3, 4, 5, 2, 2, 1, 6, 7, 3, 1, 2, 2, 5, 8, 6, 3, 9,
                                  2, 1, 3, 10, 11, 1, 12, 13};
    GOLDEN("s3fifo:small=0.25,ghost=0.5", 4, 18, s2, 1, 3, 4, 5, 6, 7, 3, 8, 6, 5, 9, 10, 11, 12);
    /* The threshold. 4 frames, small=0.25 (S: 1, M: 3), ghost=0.5 (G: 2); 1 2 3 4 1 5 6 7 1.
     * threshold=1: 1 2 3 4 misses, 1 hit: 1(1); 5: S: 1(1) >= 1 moves to M as 1(0), 2
     *   evicted (G=[2])  S=[3 4 5] M=[1]; 6: S: evict 3 (G=[2 3]); 7: S: evict 4 (2 dropped,
     *   G=[3 4]); 1: hit. 7 faults, victims 2 3 4.
     * threshold=2: 5: S: 1(1) < 2: evict 1 (G=[1]); 6: evict 2 (G=[1 2]); 7: evict 3 (1
     *   dropped, G=[2 3]); 1: a miss, not in G: into S; S: evict 4. 8 faults, victims
     *   1 2 3 4. */
    static const uint32_t t[] = {1, 2, 3, 4, 1, 5, 6, 7, 1};
    GOLDEN("s3fifo:small=0.25,ghost=0.5,threshold=1", 4, 7, t, 2, 3, 4);
    GOLDEN("s3fifo:small=0.25,ghost=0.5,threshold=2", 4, 8, t, 1, 2, 3, 4);
}

/* The 2-bit clock of M: a page with many hits in M is reinserted with freq min(freq, 3) - 1,
 * so it survives at most three passes of M's eviction. 2 frames, small=0.5 (S: 1, M: 1),
 * ghost=1 (G: 2). Hits while in S do not carry into M (the move resets freq to 0).
 *   1, 1 x5       1(5) in S;  2: a free frame   S=[1 2]
 *   3             S: 1(5) to M as 1(0); 2(0) evicted, G=[2]           S=[3] M=[1]
 *   1 x5          hits in M: 1(5)
 *   4             |M| = 1: S: evict 3, G=[2 3]                         S=[4]
 *   2             in G (G=[3]): S: evict 4 (G=[3 4]); 2 to M           S=[] M=[1 2]
 *   5             |M| = 2 > 1: M: 1(5) reinserted as 1(2); 2(0) evicted  S=[5] M=[1]
 *   3             in G (G=[4]): S: evict 5 (G=[4 5]); 3 to M           M=[1 3]
 *   6             M: 1(2) -> 1(1); 3(0) evicted                        S=[6] M=[1]
 *   4             in G (G=[5]): S: evict 6 (G=[5 6]); 4 to M           M=[1 4]
 *   7             M: 1(1) -> 1(0); 4(0) evicted                        S=[7] M=[1]
 *   5             in G (G=[6]): S: evict 7 (G=[6 7]); 5 to M           M=[1 5]
 *   8             M: 1(0) evicted. (An uncapped counter, 5 -> 4 -> 3 -> 2, would have kept 1
 *                 and evicted 5.)
 * 12 faults; victims 2 3 4 2 5 3 6 4 7 1. */
static void test_s3fifo_cap(void)
{
    static const uint32_t s[] = {1, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1, 1, 1, 4, 2, 5, 3, 6, 4, 7, 5, 8};
    GOLDEN("s3fifo:small=0.5,ghost=1", 2, 12, s, 2, 3, 4, 2, 5, 3, 6, 4, 7, 1);
}

/* ------------------------------------------------------------------ lruk */

/* LRU-2, 3 frames, retained histories bounded by 3. Victim: the least (HIST(p,2), HIST(p,1)).
 *   t1-3  1 2 3 miss              1:(1,0) 2:(2,0) 3:(3,0)
 *   t4-5  1 2 hit                 1:(4,1) 2:(5,2)
 *   t6    4 miss: 3 has HIST2 = 0 (infinite distance): evict 3, retained 3:(3,0); 4:(6,0)
 *   t7    1 hit                   1:(7,4)
 *   t8    5 miss: 4:(6,0) infinite: evict 4, retained [3 4]; 5:(8,0)
 *   t9    3 miss, history (3,0) restored: 3:(9,3); victim 5 (infinite), retained [4 5]
 *   t10   4 miss, 4:(10,6); victim least HIST2: 1:4, 2:2, 3:3 -> 2, retained [5 2]
 *   t11   2 miss, 2:(11,5); victim 1:4, 3:3, 4:6 -> 3, retained [5 3]
 *   t12   5 miss, 5:(12,8); victim 1:4, 4:6, 2:5 -> 1
 * 9 faults, victims 3 4 5 2 3 1.
 * Without retained history (history=0) t9 gives 3:(9,0), so t10 evicts 3 (infinite), 4 comes
 * back as (10,0); t11 2 hits (11,5); t12 evicts 4 (the only infinite one): 8 faults,
 * victims 3 4 5 3 4. */
static void test_lruk_golden(void)
{
    static const uint32_t s[] = {1, 2, 3, 1, 2, 4, 1, 5, 3, 4, 2, 5};
    GOLDEN("lruk", 3, 9, s, 3, 4, 5, 2, 3, 1);
    GOLDEN("lruk:k=2,history=0", 3, 8, s, 3, 4, 5, 3, 4);
    /* k=1 is LRU (last references in braces): t6 LRU of {1:4,2:5,3:3} is 3; t8 {1:7,2:5,4:6} -> 2; t9 {1:7,4:6,5:8} -> 4; t10 {1:7,5:8,3:9} -> 1;
     * t11 {5:8,3:9,4:10} -> 5; t12 {3:9,4:10,2:11} -> 3. */
    GOLDEN("lruk:k=1", 3, 9, s, 3, 2, 4, 1, 5, 3);
    GOLDEN("lru", 3, 9, s, 3, 2, 4, 1, 5, 3);
}

/* Ties among pages with fewer than K references go to the oldest last reference (LRU).
 * k=2, 3 frames, 1 2 3 3 4 5 6 7: after t4 3 is (4,3), finite; 1 (0 at HIST2, last t1) and
 * 2 (last t2) infinite.
 *   t5 4: evict 1 (infinite, oldest last); t6 5: evict 2; t7 6: 4 (t5) and 5 (t6) are
 *   infinite: evict 4; t8 7: evict 5. 3 stays. 7 faults, victims 1 2 4 5.
 * k=3: 3 has two references only, so it is infinite too, with last reference t4:
 *   t5: 1 (t1); t6: 2 (t2); t7: 3 (t4) before 4 (t5); t8: 4. Victims 1 2 3 4. */
static void test_lruk_ties(void)
{
    static const uint32_t s[] = {1, 2, 3, 3, 4, 5, 6, 7};
    GOLDEN("lruk", 3, 7, s, 1, 2, 4, 5);
    GOLDEN("lruk:k=3", 3, 7, s, 1, 2, 3, 4);
}

/* The Correlated Reference Period: k=2, crp=2, 3 frames. A reference within 2 of the page's
 * LAST is correlated (moves only LAST); a page is eligible for eviction only if its LAST is
 * more than 2 references old. (HIST1, HIST2) and L = LAST:
 *   t1 1 (1,0) L1;  t2 1: correlated (2 - 1 <= 2): L2, HIST unchanged
 *   t3 2 (3,0) L3;  t4 3 (4,0) L4
 *   t5 4: eligible: 1 (5 - 2 = 3 > 2) only: evict 1 (with crp=0, 1 would be (2,1), finite,
 *         and 2 the victim), retained 1:(1,0); 4 (5,0) L5
 *   t6 1: history restored: (6,1) L6; eligible: 2 (6 - 3 = 3) only: evict 2
 *   t7 5: eligible: 3 (7 - 4) only: evict 3
 *   t8 1: correlated (8 - 6 = 2): L8
 *   t9 6: eligible: 4 (9 - 5) only (1: 1, 5: 2): evict 4
 *   t10 7: eligible: 5 (10 - 7 = 3): evict 5
 *   t11 1: uncorrelated (11 - 8 = 3): period L - HIST1 = 2: HIST2 = 6 + 2 = 8, HIST1 = 11
 *   t12 8: eligible: 6 (12 - 9 = 3) only: evict 6
 * 9 faults, victims 1 2 3 4 5 6. */
static void test_lruk_crp(void)
{
    static const uint32_t s[] = {1, 1, 2, 3, 4, 1, 5, 1, 6, 7, 1, 8};
    GOLDEN("lruk:crp=2", 3, 9, s, 1, 2, 3, 4, 5, 6);
    static const uint32_t u[] = {1, 1, 2, 3, 4};
    GOLDEN("lruk", 3, 4, u, 2);
    GOLDEN("lruk:crp=2", 3, 4, u, 1);
}

/* LRU-2 with a correlated reference period against a second implementation written from the
 * paper's definitions (lruk.c's opening comment), the simplest way: a scan of every
 * resident page per eviction for the least (HIST(p, 2), LAST(p)) among those outside their
 * period (the least overall if none is), and a FIFO of retained histories. lruk.c keeps
 * the frames within their period apart from its heap (the first version, O(crp log n) per
 * eviction, needed 1103 s of CPU on P12 at 131072 frames, now 6.1 s: tests/cli.sh times that case).
 * The stream mixes a hot cycle (re-referenced every 350 references, outside crp=300) with
 * random cold pages, so young pages with old histories sit at the heap's top: the case the
 * split exists for. Victims must agree one by one, with check() after every step. */
static void test_lruk_crp_reference(void)
{
    enum { FR = 512, RETAIN = 512, CRP = 300, N = 200000 };
    static uint64_t h1[NPAGES_MAX], h2[NPAGES_MAX], last[NPAGES_MAX], g1[NPAGES_MAX];
    static uint64_t gseq[NPAGES_MAX];       /* 0: no retained history, else its age order */
    static uint8_t res[NPAGES_MAX];
    static uint32_t want[N];
    memset(res, 0, sizeof res);
    memset(gseq, 0, sizeof gseq);
    uint64_t seq = 0, gn = 0;
    size_t nwant = 0;
    uint32_t nres = 0;
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, "lruk:crp=300,history=1", FR, 1, &err), 0);
    d.check_each = 1;
    uint64_t x = 1;
    for (uint32_t i = 0; i < N; i++) {   /* hot 0..174 cyclic and cold 175..1023 at random */
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint32_t pg = i % 2 ? (i / 2) % 175 : 175 + (uint32_t)((x >> 33) % 849);
        uint64_t now = (uint64_t)i + 1;
        if (res[pg]) {
            if (now - last[pg] > CRP) {
                uint64_t period = last[pg] - h1[pg];
                h2[pg] = h1[pg] ? h1[pg] + period : 0;
                h1[pg] = now;
            }
            last[pg] = now;
        } else {
            uint64_t a = 0;                  /* HIST(p, 1) retained becomes HIST(p, 2) */
            if (gseq[pg]) {
                a = g1[pg], gseq[pg] = 0, gn--;
            }
            if (nres == FR) {
                uint32_t v = UINT32_MAX, any = UINT32_MAX;
                for (uint32_t q = 0; q < NPAGES_MAX; q++) {
                    if (!res[q])
                        continue;
                    int lt_any = any == UINT32_MAX || h2[q] < h2[any] || (h2[q] == h2[any] && last[q] < last[any]);
                    int lt_v = v == UINT32_MAX || h2[q] < h2[v] || (h2[q] == h2[v] && last[q] < last[v]);
                    if (lt_any)
                        any = q;
                    if (now - last[q] > CRP && lt_v)
                        v = q;
                }
                if (v == UINT32_MAX)
                    v = any;
                if (gn == RETAIN) {           /* drop the oldest retained history */
                    uint32_t o = UINT32_MAX;
                    for (uint32_t q = 0; q < NPAGES_MAX; q++)
                        if (gseq[q] && (o == UINT32_MAX || gseq[q] < gseq[o]))
                            o = q;
                    gseq[o] = 0, gn--;
                }
                g1[v] = h1[v], gseq[v] = ++seq, gn++;
                res[v] = 0, nres--;
                want[nwant++] = v;
            }
            h2[pg] = a, h1[pg] = now, last[pg] = now;
            res[pg] = 1, nres++;
        }
        drv_ref(&d, pg, i, VTIME_NEVER);
    }
    CHECK_EQ(d.nvictims, nwant);
    size_t same = 0;
    while (same < nwant && same < d.nvictims && d.victims[same] == want[same])
        same++;
    CHECK_EQ(same, nwant);
    CHECK_EQ(d.bad_check + d.bad_victim + d.bad_ref, 0);
    drv_free(&d);
}

/* ------------------------------------------------------------------ mq */

/* MQ, 3 frames, queues=3 (Q0: count 1, Q1: 2-3, Q2: 4+), lifetime=0.67 (lifeTime =
 * round(0.67 * 3) = 2 references), qout=1 (Qout: 3 entries). page(count, expire); expire = now + 2 at each access, then now++, then Adjust
 * demotes the head of Q1, Q2 if its expire < now.
 *   1   miss 1(1,2) Q0=[1]; now 1
 *   1   hit  1(2,3) Q1=[1]; now 2
 *   2   miss 2(1,4) Q0=[2]; now 3
 *   3   miss 3(1,5) Q0=[2 3]; now 4; Adjust: Q1 head 1 expire 3 < 4: to Q0 as 1(2,6)
 *                                  Q0=[2 3 1]
 *   4   miss: victim head of Q0: 2, Qout=[2(1)]; 4(1,6) Q0=[3 1 4]; now 5
 *   2   miss: in Qout with count 1: 2(2,7) to Q1; victim 3, Qout=[3(1)]; Q0=[1 4] Q1=[2];
 *       now 6
 *   5   miss: victim 1 (in Q0 since its demotion), Qout=[3 1(2)]; 5(1,8) Q0=[4 5]; now 7
 *   1   miss: in Qout, count 2 -> 1(3,9) to Q1; victim 4, Qout=[3 4]; Q1=[2 1]; now 8;
 *       Adjust: Q1 head 2 expire 7 < 8: to Q0 as 2(2,10): Q0=[5 2] Q1=[1]
 *   6   miss: victim 5, Qout=[3 4 5] (full); 6(1,10) Q0=[2 6]; now 9
 *   7   miss: victim 2, Qout drops 3: [4 5 2(2)]; 7(1,11) Q0=[6 7]; now 10; Adjust: Q1 head
 *       1 expire 9 < 10: to Q0 as 1(3,12): Q0=[6 7 1]
 *   3   miss, not in Qout (dropped): 3(1,12); victim 6, Qout=[5 2 6]; Q0=[7 1 3]; now 11
 *   2   miss: in Qout, count 2 -> 2(3,13) Q1; victim 7, Qout=[5 6 7]
 * 11 faults, victims 2 3 1 4 5 2 6 7.
 * Without demotion (lifetime huge) 1 stays in Q1 from its second reference: at 4 the
 * victim is 2, at 2 it is 3, at 5 it is 4 (1 is in Q1), ... */
static void test_mq_golden(void)
{
    static const uint32_t s[] = {1, 1, 2, 3, 4, 2, 5, 1, 6, 7, 3, 2};
    GOLDEN("mq:queues=3,lifetime=0.67,qout=1", 3, 11, s, 2, 3, 1, 4, 5, 2, 6, 7);
    /* lifetime=1000000 (no demotion): 1 stays in Q1 from its second reference.
     *   4: victim 2, Qout=[2]; Q0=[3 4]
     *   2: from Qout count 1 -> 2(2): Q1=[1 2]; victim 3, Qout=[3]; Q0=[4]
     *   5: victim 4, Qout=[3 4];  1: a hit (never evicted), 1(3)
     *   6: victim 5, Qout=[3 4 5];  7: victim 6, 3 dropped: Qout=[4 5 6]
     *   3: not in Qout: count 1; victim 7;  2: a hit.
     * 9 faults, victims 2 3 4 5 6 7. */
    GOLDEN("mq:queues=3,lifetime=1000000,qout=1", 3, 9, s, 2, 3, 4, 5, 6, 7);
}

/* Qout keeps the count of an evicted page (the default 8 queues, no demotion): 2 frames,
 * qout=1 (2 entries). 1 1 1 2 3 2 4 1 5 1:
 *   1 1 1   1(3): Q1;  2: Q0 (a free frame)
 *   3       victim 2 (Q0 before Q1), Qout=[2(1)]; Q0=[3]
 *   2       from Qout count 1 -> 2(2): Q1=[1 2]; victim 3 (Q0), Qout=[3]
 *   4       Q0 empty: victim Q1's LRU 1, Qout=[3 1(3)]; Q0=[4]
 *   1       from Qout count 3 -> 1(4): Q2; victim 4 (Q0), Qout=[3 4]
 *   5       Q0 empty, Q1=[2]: victim 2; Q0=[5];  1 hit
 * 7 faults, victims 2 3 1 4 2.
 * qout=0 (no history): at 2 the page comes back with count 1, in Q0, so at 4 the victim
 * is 2 (Q0's LRU), not 1; 1 then hits; 5 evicts 4; 1 hits. 6 faults, victims 2 3 2 4. */
static void test_mq_qout(void)
{
    static const uint32_t s[] = {1, 1, 1, 2, 3, 2, 4, 1, 5, 1};
    GOLDEN("mq:qout=1,lifetime=1000000", 2, 7, s, 2, 3, 1, 4, 2);
    GOLDEN("mq:qout=0,lifetime=1000000", 2, 6, s, 2, 3, 2, 4);
}

/* lifetime=auto: runs spec with nframes over s (check() after every step) and returns the
 * stats' lifetime and lifetime_updates (-1 on a broken contract or a missing key). */
static void mq_auto_run(const char *spec, uint32_t nframes, const uint32_t *s, size_t n,
                        long long *lifetime, long long *updates)
{
    drv_t d;
    sim_err_t err = {0};
    *lifetime = *updates = -1;
    if (drv_init(&d, spec, nframes, 1, &err)) {
        fprintf(stderr, "%s: %s\n", spec, err.msg);
        CHECK(0);
        return;
    }
    d.check_each = 1;
    for (size_t i = 0; i < n; i++)
        drv_ref(&d, s[i], (vtime_t)i, VTIME_NEVER);
    CHECK_EQ(d.bad_check + d.bad_victim + d.bad_ref, 0);
    json_t *obj = json_object();
    d.ops->stats(d.st, obj);
    json_t *lt = json_object_get(obj, "lifetime"), *up = json_object_get(obj, "lifetime_updates");
    if (lt && up) {
        *lifetime = json_integer_value(lt);
        *updates = json_integer_value(up);
    }
    json_decref(obj);
    drv_free(&d);
}

/* Runs spec over the first n references of str and checks auto's lifeTime and update count. */
#define MQ_AUTO(spec, frames, str, n, want_lifetime, want_updates) do { \
    long long _lt = -1, _up = -1; \
    mq_auto_run((spec), (frames), (str), (n), &_lt, &_up); \
    CHECK_EQ(_lt, (want_lifetime)); \
    CHECK_EQ(_up, (want_updates)); \
} while (0)

/* lifetime=auto: the distance of a reference is now - (the page's previous access), now
 * counting references from 0; bin i holds 2^(i/4) <= d < 2^((i+1)/4), its distance is
 * round(2^((i + 0.5)/4)); every c references lifeTime becomes the distance of the most
 * populated bin and every count is halved.
 * (a) 4 frames (period 4), 1 2 3 repeated: 3 faults, then hits; from t = 3 every reference
 *     has d = 3, bin 6 (4 log2 3 = 6.34), distance round(2^1.625) = round(3.08) = 3.
 *     After 3 references: no update yet, lifeTime = the numeric default 3 x 4 = 12.
 *     now 4: bin6 = 1 (t = 3) -> 3, halved to 0; now 8: 4 -> 3 (2); now 12: 2 + 4 = 6 -> 3.
 * (b) 8 frames (period 8), 1 2 3 x 8 (t = 0..23) then 1 2 3 4 5 6 x 3 (t = 24..41).
 *     now 8: bin6 = 5 (t = 3..7) -> 3 (2); now 16: 2 + 8 = 10 (5); now 24: 5 + 8 = 13 (6).
 *     t = 24..26: 1 2 3 with d = 3 (their last accesses 21..23); 27..29: 4 5 6 are new (no
 *     distance); from t = 30 d = 6, bin 10 (4 log2 6 = 10.34), distance round(2^2.625) =
 *     round(6.17) = 6.
 *     now 32: bin6 = 6 + 3 = 9, bin10 = 2 (t = 30, 31) -> 3; halved: 4, 1.
 *     now 40: bin10 = 1 + 8 = 9 > bin6 = 4 -> lifeTime 6 (5 updates). Without the halving
 *     bin6 would hold 24 against bin10's 10 and lifeTime would stay 3.
 * (c) a page back from Qout gives its distance: 2 frames (period 2), qout=1 (2 entries),
 *     1 2 3 1. now 2: no distance yet -> lifeTime stays 3 x 2 = 6 (1 update). t = 2: 3
 *     misses, victim 1 (Q0's LRU), Qout = [1, last 0]; t = 3: 1 misses, found in Qout: d =
 *     3 - 0 = 3; victim 2. now 4: bin6 = 1 -> lifeTime 3 (2 updates). With qout=0 there is
 *     no history: no distance, lifeTime stays 6. */
static void test_mq_auto(void)
{
    static const uint32_t a[] = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3};
    MQ_AUTO("mq:lifetime=auto", 4, a, 3, 12, 0);
    MQ_AUTO("mq:lifetime=auto", 4, a, LEN(a), 3, 3);
    uint32_t b[42];
    for (size_t i = 0; i < 24; i++)
        b[i] = 1 + (uint32_t)(i % 3);
    for (size_t i = 24; i < 42; i++)
        b[i] = 1 + (uint32_t)((i - 24) % 6);
    MQ_AUTO("mq:lifetime=auto", 8, b, 32, 3, 4);
    MQ_AUTO("mq:lifetime=auto", 8, b, 40, 6, 5);
    static const uint32_t c[] = {1, 2, 3, 1};
    uint32_t v[8];
    size_t nv = 0;
    CHECK_EQ(run("mq:lifetime=auto,qout=1", 2, c, LEN(c), 1, v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1, 2);
    MQ_AUTO("mq:lifetime=auto,qout=1", 2, c, 2, 6, 1);
    MQ_AUTO("mq:lifetime=auto,qout=1", 2, c, LEN(c), 3, 2);
    MQ_AUTO("mq:lifetime=auto,qout=0", 2, c, LEN(c), 6, 2);
    /* Numeric lifetimes keep their stats as before: no lifetime_updates key. */
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, "mq", 4, 1, &err), 0);
    json_t *obj = json_object();
    d.ops->stats(d.st, obj);
    CHECK(json_object_get(obj, "lifetime_updates") == NULL);
    CHECK_EQ(json_integer_value(json_object_get(obj, "lifetime")), 12);
    json_decref(obj);
    drv_free(&d);
}

/* lifetime=auto keeps MQ's invariants (check() after every step) on random strings with
 * unmaps, at several frame counts, and never does better than OPT. */
static void test_mq_auto_random(void)
{
    enum { N = 3000 };
    static uint32_t s[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 14);
    long updates = 0;
    for (int trial = 0; trial < 12; trial++) {
        uint32_t npages = 4 + (uint32_t)gsl_rng_uniform_int(r, 60);
        uint32_t nf = 1 + (uint32_t)gsl_rng_uniform_int(r, 16);
        for (size_t i = 0; i < N; i++)   /* a hot set of 4 pages half the time */
            s[i] = gsl_rng_uniform_int(r, 2) ? (uint32_t)gsl_rng_uniform_int(r, 4)
                                             : (uint32_t)gsl_rng_uniform_int(r, npages);
        drv_t d;
        sim_err_t err = {0};
        CHECK_EQ(drv_init(&d, "mq:lifetime=auto,qout=2", nf, 1, &err), 0);
        d.check_each = 1;
        for (size_t i = 0; i < N; i++) {
            drv_ref(&d, s[i], (vtime_t)i, VTIME_NEVER);
            if (i % 97 == 96)
                drv_unmap(&d, (uint32_t)gsl_rng_uniform_int(r, npages));
        }
        CHECK_EQ(d.bad_check + d.bad_victim + d.bad_ref, 0);
        json_t *obj = json_object();
        d.ops->stats(d.st, obj);
        updates += (long)json_integer_value(json_object_get(obj, "lifetime_updates"));
        json_decref(obj);
        drv_free(&d);
        CHECK(run("mq:lifetime=auto", nf, s, N, 1, NULL, NULL) >= run("opt", nf, s, N, 1, NULL, NULL));
    }
    CHECK(updates > 12 * 100);
    gsl_rng_free(r);
}

/* ------------------------------------------------------------------ parameters */

static int accepts(const char *spec)
{
    drv_t d;
    sim_err_t err = {0};
    int rc = drv_init(&d, spec, 8, 1, &err);
    drv_free(&d);
    return rc == 0;
}

static int rejects(const char *spec, const char *word)
{
    drv_t d;
    sim_err_t err = {0};
    int rc = drv_init(&d, spec, 8, 1, &err);
    drv_free(&d);
    if (rc == 0)
        return 0;
    if (!strstr(err.msg, word)) {
        fprintf(stderr, "%s: message \"%s\" does not name %s\n", spec, err.msg, word);
        return 0;
    }
    return 1;
}

static void test_params(void)
{
    CHECK_STR(repl_find("lruk")->params, "k=2,history=1,crp=0");
    CHECK_STR(repl_find("mq")->params, "queues=8,lifetime=3,qout=4");
    CHECK_STR(repl_find("s3fifo")->params, "small=0.1,ghost=0.9,threshold=2");
    CHECK(repl_find("sieve")->params == NULL);
    CHECK(accepts("lruk:k=1") && accepts("lruk:k=16") && accepts("lruk:history=0"));
    CHECK(rejects("lruk:k=0", "k") && rejects("lruk:k=17", "k") && rejects("lruk:k=two", "k"));
    CHECK(rejects("lruk:history=-1", "history") && rejects("lruk:crp=-1", "crp") && rejects("lruk:crp=x", "crp") && accepts("lruk:crp=5"));
    CHECK(accepts("mq:queues=1") && accepts("mq:queues=32") && accepts("mq:qout=0"));
    CHECK(rejects("mq:queues=0", "queues") && rejects("mq:queues=33", "queues"));
    CHECK(rejects("mq:lifetime=-1", "lifetime") && rejects("mq:lifetime=0", "lifetime") && rejects("mq:qout=-1", "qout"));
    CHECK(accepts("mq:lifetime=auto") && accepts("mq:lifetime=auto,queues=4,qout=0"));
    CHECK(rejects("mq:lifetime=autox", "auto") && rejects("mq:lifetime=autox", "lifetime"));
    CHECK(rejects("mq:lifetime=AUTO", "lifetime") && rejects("mq:lifetime=", "lifetime"));
    CHECK(accepts("s3fifo:small=0.5,ghost=0,threshold=1") && accepts("s3fifo:threshold=3"));
    CHECK(rejects("s3fifo:small=0", "small") && rejects("s3fifo:small=1", "small"));
    CHECK(rejects("s3fifo:ghost=-0.5", "ghost") && rejects("s3fifo:threshold=0", "threshold"));
    CHECK(rejects("s3fifo:threshold=256", "threshold") && rejects("s3fifo:fifo=0.1", "fifo"));
    CHECK(rejects("sieve:k=1", "k"));
    /* Defaults are the documented ones: same faults and victims as spelled out. */
    static const uint32_t s[] = {1, 2, 3, 1, 2, 4, 1, 5, 3, 4, 2, 5, 6, 1, 7, 2, 2, 8, 3};
    const char *const same[][2] = {
        {"lruk", "lruk:k=2"},
        {"mq", "mq:queues=8,qout=4"},
        {"s3fifo", "s3fifo:small=0.1,ghost=0.9,threshold=2"},
    };
    for (size_t i = 0; i < LEN(same); i++) {
        uint32_t va[64], vb[64];
        size_t na = 0, nb = 0;
        CHECK_EQ(run(same[i][0], 4, s, LEN(s), 1, va, &na), run(same[i][1], 4, s, LEN(s), 1, vb, &nb));
        CHECK(same_seq(va, na, vb, nb));
    }
}

/* S3-FIFO's default sizes with few frames: S gets at least one frame (libCacheSim would
 * admit nothing with a zero-sized S); with 4 frames S=1 (floor(0.4) = 0, raised to 1), M=3,
 * G=floor(3.6)=3. A cyclic string of 5 pages: each page goes S -> G and comes back into M.
 *   1 2 3 4   S=[1 2 3 4];  5: S: evict 1, G=[1]
 *   1         in G: M; S: evict 2 (G=[2])            S=[3 4 5] M=[1]
 *   2, 3      likewise: evict 3, then 4               S=[5] M=[1 2 3]
 *   4         in G; |M| = 3: S: evict 5 (G=[5])       S=[] M=[1 2 3 4]
 *   5         in G; |M| = 4 > 3: M: 1(0) evicted
 * 10 faults, victims 1 2 3 4 5 1. */
static void test_s3fifo_small_cache(void)
{
    static const uint32_t s[] = {1, 2, 3, 4, 5, 1, 2, 3, 4, 5};
    GOLDEN("s3fifo", 4, 10, s, 1, 2, 3, 4, 5, 1);
}

int main(void)
{
    test_sieve_golden();
    test_sieve_hand_unmap();
    test_s3fifo_golden();
    test_s3fifo_cap();
    test_s3fifo_small_cache();
    test_lruk_golden();
    test_lruk_ties();
    test_lruk_crp();
    test_lruk_crp_reference();
    test_mq_golden();
    test_mq_qout();
    test_mq_auto();
    test_mq_auto_random();
    test_params();
    return check_report("test_queues");
}
