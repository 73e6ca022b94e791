/* test_arc.c - ARC and CAR against hand derivations and naive models of their papers'
 * figures, and policies/repl_ghost.h against a naive model of ghost lists.
 *
 * ARC: Megiddo, Modha, FAST'03, Fig. 4. CAR: Bansal, Modha, FAST'04, Fig. 2. The golden
 * strings below are derived step by step in the comments (lists written LRU first / head
 * first; R bits in parentheses); the naive models are plain arrays with linear searches,
 * written from the figures independently of the policies' rings and ghost pool, and must
 * give the same faults and victim sequences on random strings. tests/drv.h stands in for the
 * engine (check() after every step; shadows handed back as the engine would, never dropped).
 */
#include "drv.h"
#include "policies/repl_ghost.h"

#include <math.h>

/* ------------------------------------------------------------------ repl_ghost.h */

/* Naive model: for each list, an array of (key, slot) oldest first. */
typedef struct { page_key_t key; uint32_t slot; } nghost_t;

static void test_ghost_pool(void)
{
    enum { CAP = 37, NL = REPL_GHOST_LISTS, OPS = 20000 };
    repl_ghosts_t g;
    CHECK_EQ(repl_ghost_init(&g, CAP), 0);
    nghost_t model[NL][CAP];
    uint32_t n[NL] = {0};
    uint64_t rng = 88172645463325252ull;
    page_key_t next_key = 1;
    uint64_t old_shadows[64];
    page_key_t old_keys[64];
    uint32_t nold = 0;
    int bad = 0;
    for (int op = 0; op < OPS; op++) {
        uint32_t r = (uint32_t)check_xorshift(&rng), l = r % NL, total = 0;
        for (int i = 0; i < NL; i++)
            total += n[i];
        switch ((r >> 8) % 5) {
        case 0: case 1:                                     /* add (when not full) */
            if (total == CAP) {
                bad += !repl_ghost_full(&g);
                break;
            }
            bad += repl_ghost_full(&g);
            model[l][n[l]].key = next_key;
            model[l][n[l]].slot = repl_ghost_add(&g, (int)l, next_key);
            bad += g.key[model[l][n[l]].slot] != next_key;
            n[l]++;
            next_key++;
            break;
        case 2:                                             /* delete a random live one */
            if (n[l]) {
                uint32_t i = (r >> 16) % n[l];
                if (nold < 64) {
                    old_shadows[nold] = repl_ghost_shadow(model[l][i].slot);
                    old_keys[nold++] = model[l][i].key;
                }
                repl_ghost_del(&g, model[l][i].slot);
                memmove(&model[l][i], &model[l][i + 1], (n[l] - i - 1) * sizeof model[l][0]);
                n[l]--;
            }
            break;
        case 3:                                             /* drop the oldest */
            bad += repl_ghost_drop_oldest(&g, (int)l) != (n[l] > 0);
            if (n[l]) {
                memmove(&model[l][0], &model[l][1], (n[l] - 1) * sizeof model[l][0]);
                n[l]--;
            }
            break;
        default:                                            /* find: live, dead, wrong key */
            if (n[l]) {
                uint32_t i = (r >> 16) % n[l];
                uint64_t sh = repl_ghost_shadow(model[l][i].slot);
                bad += repl_ghost_find(&g, &sh, model[l][i].key) != model[l][i].slot;
                bad += g.list[model[l][i].slot] != l;
                bad += repl_ghost_find(&g, &sh, model[l][i].key + 1000000) != REPL_GHOST_NONE;
            }
            for (uint32_t k = 0; k < nold; k++)         /* a deleted ghost is never found */
                bad += repl_ghost_find(&g, &old_shadows[k], old_keys[k]) != REPL_GHOST_NONE;
            bad += repl_ghost_find(&g, NULL, 1) != REPL_GHOST_NONE;
            uint64_t beyond = CAP;
            bad += repl_ghost_find(&g, &beyond, 1) != REPL_GHOST_NONE;
            break;
        }
        /* Counts and order, oldest to newest, equal the model's. */
        for (int k = 0; k < NL; k++) {
            bad += repl_ghost_count(&g, k) != n[k];
            uint32_t s = repl_ghost_oldest(&g, k);
            for (uint32_t i = 0; i < n[k]; i++) {
                if (s != model[k][i].slot || g.key[s] != model[k][i].key) {
                    bad++;
                    break;
                }
                s = repl_ghost_newer(&g, s);
            }
            bad += s != REPL_GHOST_NONE;
        }
        bad += repl_ghost_check(&g) != 0;
    }
    CHECK_EQ(bad, 0);
    /* The checker sees a broken link and a wrong count. */
    repl_ghost_free(&g);
    CHECK_EQ(repl_ghost_init(&g, 4), 0);
    uint32_t a = repl_ghost_add(&g, 0, 10), b = repl_ghost_add(&g, 0, 11);
    (void)b;
    CHECK_EQ(repl_ghost_check(&g), 0);
    g.count[0]++;
    CHECK(repl_ghost_check(&g) != 0);
    g.count[0]--;
    g.prev[a] = a;
    CHECK(repl_ghost_check(&g) != 0);
    repl_ghost_free(&g);
    /* A pool of zero capacity is always full and finds nothing. */
    CHECK_EQ(repl_ghost_init(&g, 0), 0);
    CHECK(repl_ghost_full(&g));
    uint64_t z = 0;
    CHECK_EQ(repl_ghost_find(&g, &z, 1), REPL_GHOST_NONE);
    CHECK_EQ(repl_ghost_check(&g), 0);
    repl_ghost_free(&g);
}

/* ------------------------------------------------------------------ naive models */

typedef struct { uint32_t v[4 * NPAGES_MAX]; uint32_t n; } nlist_t;

static int nl_has(const nlist_t *l, uint32_t x)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return 1;
    return 0;
}

static void nl_del(nlist_t *l, uint32_t x)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->v[i] == x) {
            memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof l->v[0]);
            l->n--;
            return;
        }
}

static uint32_t nl_pop(nlist_t *l)
{
    uint32_t x = l->v[0];
    nl_del(l, x);
    return x;
}

static void nl_push(nlist_t *l, uint32_t x)
{
    l->v[l->n++] = x;
}

typedef struct { nlist_t t1, t2, b1, b2; double p; uint32_t vict[4096]; size_t nv; long faults; } nmodel_t;

static void narc_replace(nmodel_t *m, uint32_t x)
{
    double t1 = m->t1.n;
    if (m->t1.n > 0 && (t1 > m->p || (nl_has(&m->b2, x) && t1 == m->p))) {
        uint32_t v = nl_pop(&m->t1);
        nl_push(&m->b1, v);
        m->vict[m->nv++] = v;
    } else {
        uint32_t v = nl_pop(&m->t2);
        nl_push(&m->b2, v);
        m->vict[m->nv++] = v;
    }
}

/* ARC's Fig. 4, verbatim. */
static void narc(nmodel_t *m, uint32_t c, const uint32_t *s, size_t n)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < n; i++) {
        uint32_t x = s[i];
        double b1 = m->b1.n, b2 = m->b2.n;
        if (nl_has(&m->t1, x) || nl_has(&m->t2, x)) {              /* case I */
            nl_del(nl_has(&m->t1, x) ? &m->t1 : &m->t2, x);
            nl_push(&m->t2, x);
            continue;
        }
        m->faults++;
        if (nl_has(&m->b1, x)) {                                    /* case II */
            m->p = fmin(m->p + (b1 >= b2 ? 1 : b2 / b1), c);
            narc_replace(m, x);
            nl_del(&m->b1, x);
            nl_push(&m->t2, x);
        } else if (nl_has(&m->b2, x)) {                             /* case III */
            m->p = fmax(m->p - (b2 >= b1 ? 1 : b1 / b2), 0);
            narc_replace(m, x);
            nl_del(&m->b2, x);
            nl_push(&m->t2, x);
        } else {                                                    /* case IV */
            if (m->t1.n + m->b1.n == c) {
                if (m->t1.n < c) {
                    nl_pop(&m->b1);
                    narc_replace(m, x);
                } else {
                    m->vict[m->nv++] = nl_pop(&m->t1);
                }
            } else if (m->t1.n + m->t2.n + m->b1.n + m->b2.n >= c) {
                if (m->t1.n + m->t2.n + m->b1.n + m->b2.n == 2 * c)
                    nl_pop(&m->b2);
                narc_replace(m, x);
            }
            nl_push(&m->t1, x);
        }
    }
}

/* CAR's Fig. 2, verbatim; R bits by page. */
static void ncar(nmodel_t *m, uint32_t c, const uint32_t *s, size_t n)
{
    static uint8_t R[NPAGES_MAX];
    memset(m, 0, sizeof *m);
    memset(R, 0, sizeof R);
    for (size_t i = 0; i < n; i++) {
        uint32_t x = s[i];
        if (nl_has(&m->t1, x) || nl_has(&m->t2, x)) {
            R[x] = 1;
            continue;
        }
        m->faults++;
        if (m->t1.n + m->t2.n == c) {
            for (;;) {                                              /* replace() */
                if (m->t1.n >= fmax(1, m->p)) {
                    uint32_t h = nl_pop(&m->t1);
                    if (!R[h]) {
                        nl_push(&m->b1, h);
                        m->vict[m->nv++] = h;
                        break;
                    }
                    R[h] = 0;
                    nl_push(&m->t2, h);
                } else {
                    uint32_t h = nl_pop(&m->t2);
                    if (!R[h]) {
                        nl_push(&m->b2, h);
                        m->vict[m->nv++] = h;
                        break;
                    }
                    R[h] = 0;
                    nl_push(&m->t2, h);
                }
            }
            int ghost = nl_has(&m->b1, x) || nl_has(&m->b2, x);
            if (!ghost && m->t1.n + m->b1.n == c)
                nl_pop(&m->b1);
            else if (!ghost && m->t1.n + m->t2.n + m->b1.n + m->b2.n == 2 * c)
                nl_pop(&m->b2);
        }
        double b1 = m->b1.n, b2 = m->b2.n;
        if (!nl_has(&m->b1, x) && !nl_has(&m->b2, x)) {
            nl_push(&m->t1, x);
        } else if (nl_has(&m->b1, x)) {
            m->p = fmin(m->p + fmax(1, b2 / b1), c);
            nl_del(&m->b1, x);
            nl_push(&m->t2, x);
        } else {
            m->p = fmax(m->p - fmax(1, b1 / b2), 0);
            nl_del(&m->b2, x);
            nl_push(&m->t2, x);
        }
        R[x] = 0;
    }
}

/* ------------------------------------------------------------------ helpers */

/* The policy's stats after the first n references of s (driven step by step). */
static double stat_after(const char *spec, uint32_t c, const uint32_t *s, size_t n, const char *key)
{
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, spec, c, 1, &err), 0);
    d.check_each = 1;
    for (size_t i = 0; i < n; i++)
        drv_ref(&d, s[i], i, VTIME_NEVER);
    CHECK_EQ(d.bad_check, 0);
    json_t *o = json_object();
    d.ops->stats(d.st, o);
    json_t *v = json_object_get(o, key);
    double x = v ? json_number_value(v) : NAN;
    json_decref(o);
    drv_free(&d);
    return x;
}

/* ------------------------------------------------------------------ ARC */

static void test_arc_golden(void)
{
    uint32_t v[64];
    size_t nv;
    /* c = 2, p = 0 (lists LRU first):
     *  1 miss  IV-B, directory 0 < c: no REPLACE.  T1=[1]
     *  2 miss  IV-B, directory 1 < c.              T1=[1 2]
     *  1 hit   case I.                             T1=[2] T2=[1]
     *  3 miss  IV-B (|T1|+|B1| = 1), directory 2 >= c, not 2c: REPLACE: |T1| = 1 > p = 0:
     *          2 -> B1.                            T1=[3] T2=[1] B1=[2]       victim 2
     *  4 miss  IV-A (|T1|+|B1| = 2 = c), |T1| < c: B1 loses 2; REPLACE: 3 -> B1.
     *                                              T1=[4] T2=[1] B1=[3]       victim 3
     *  2 miss  (2 forgotten) IV-A again: B1 loses 3; REPLACE: 4 -> B1.
     *                                              T1=[2] T2=[1] B1=[4]       victim 4
     *  4 miss  case II (B1): d1 = 1 (|B1| = 1 >= |B2| = 0), p = 1; REPLACE: |T1| = 1 is not
     *          > p: 1 -> B2; 4 -> T2.              T1=[2] T2=[4] B2=[1]       victim 1
     *  1 miss  case III (B2): d2 = 1, p = 0; REPLACE: |T1| = 1 > 0: 2 -> B1; 1 -> T2.
     *                                              T2=[4 1] B1=[2]            victim 2
     *  3 miss  IV-B (|T1|+|B1| = 1), directory 3: REPLACE: |T1| = 0: 4 -> B2.
     *                                              T1=[3] T2=[1] B1=[2] B2=[4] victim 4
     *  2 miss  case II: d1 = 1 (1 >= 1), p = 1; REPLACE: |T1| = 1 not > 1: 1 -> B2.
     *                                              T1=[3] T2=[2] B2=[4 1]     victim 1
     *  4 miss  case III: d2 = 1 (2 >= 0), p = 0; REPLACE: 3 -> B1.
     *                                              T2=[2 4] B1=[3] B2=[1]     victim 3
     *  3 miss  case II: d1 = 1, p = 1; REPLACE: |T1| = 0: 2 -> B2.
     *                                              T2=[4 3] B2=[1 2]          victim 2
     *  5 miss  IV-B, directory 4 = 2c: B2 loses 1; REPLACE: |T1| = 0: 4 -> B2.
     *                                              T1=[5] T2=[3] B2=[2 4]     victim 4
     * 12 faults in 13 references. */
    const uint32_t s1[] = {1, 2, 1, 3, 4, 2, 4, 1, 3, 2, 4, 3, 5};
    CHECK_EQ(run("arc", 2, s1, LEN(s1), 1, v, &nv), 12);
    CHECK_VICTIMS(v, nv, 2, 3, 4, 1, 2, 4, 1, 3, 2, 4);
    CHECK(stat_after("arc", 2, s1, LEN(s1), "p") == 1.0);
    CHECK(stat_after("arc", 2, s1, LEN(s1), "ghost_hits_b1") == 3);
    CHECK(stat_after("arc", 2, s1, LEN(s1), "ghost_hits_b2") == 2);

    /* The tie rule "x in B2 and |T1| == p". c = 2:
     *  3 2        T1=[3 2]
     *  3 2 hits   T2=[3 2]
     *  4 miss     IV-B, directory 2: REPLACE: |T1| = 0: 3 -> B2.  T1=[4] T2=[2] B2=[3]  v 3
     *  1 miss     IV-B (|T1|+|B1| = 1), directory 3: REPLACE: |T1| = 1 > 0: 4 -> B1.
     *                                      T1=[1] T2=[2] B1=[4] B2=[3]               v 4
     *  3 miss     case III: |B2| = 1 >= |B1| = 1: d2 = 1, p = max(0 - 1, 0) = 0;
     *             REPLACE: |T1| = 1 > 0: 1 -> B1.   T2=[2 3] B1=[4 1]                v 1
     *  1 miss     case II: |B1| = 2 >= |B2| = 0: d1 = 1, p = 1; REPLACE: |T1| = 0: 2 -> B2.
     *                                      T2=[3 1] B1=[4] B2=[2]                    v 2
     *  5 miss     IV-B (|T1|+|B1| = 1), directory 4 = 2c: B2 loses 2; REPLACE: |T1| = 0:
     *             3 -> B2.                 T1=[5] T2=[1] B1=[4] B2=[3]               v 3
     *  4 miss     case II: d1 = 1 (1 >= 1), p = 2; REPLACE: |T1| = 1 not > 2: 1 -> B2.
     *                                      T1=[5] T2=[4] B2=[3 1]                    v 1
     *  1 miss     case III: d2 = 1 (2 >= 0), p = 1; REPLACE: |T1| = 1 is not > p = 1, but
     *             x is in B2 and |T1| == p: 5 -> B1 (without the tie rule: 4 -> B2).  v 5
     * 9 faults. */
    const uint32_t s2[] = {3, 2, 3, 2, 4, 1, 3, 1, 5, 4, 1};
    CHECK_EQ(run("arc", 2, s2, LEN(s2), 1, v, &nv), 9);
    CHECK_VICTIMS(v, nv, 3, 4, 1, 2, 3, 1, 5);

    /* A real-valued target. c = 5:
     *  1 2 3, hits 1 2 3            T2=[1 2 3]
     *  4 5                          T1=[4 5] (cache full)
     *  6: IV-B, REPLACE |T1| = 2 > 0: 4 -> B1; 7: 5 -> B1.   T1=[6 7] B1=[4 5]      v 4 5
     *  hits 6 7                     T2=[1 2 3 6 7]
     *  8: IV-B (|T1|+|B1| = 2), REPLACE |T1| = 0: 1 -> B2; hit 8 -> T2=[2 3 6 7 8]   v 1
     *  9: likewise 2 -> B2; hit 9;  10: 3 -> B2.  T1=[10] T2=[6 7 8 9] B1=[4 5] B2=[1 2 3]
     *                                                                              v 2 3
     *  4: case II, |B1| = 2 < |B2| = 3: d1 = 3/2, p = 1.5; REPLACE: |T1| = 1 not > 1.5:
     *     6 -> B2.                  T1=[10] T2=[7 8 9 4] B1=[5] B2=[1 2 3 6]         v 6
     *  1: case III, |B2| = 4 >= 1: d2 = 1, p = 0.5; REPLACE: 1 > 0.5: 10 -> B1.      v 10
     *  5: case II, |B1| = 2 < |B2| = 3: p = 0.5 + 1.5 = 2; REPLACE |T1| = 0: 7 -> B2. v 7
     * 13 faults. */
    const uint32_t s3[] = {1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 6, 7, 8, 8, 9, 9, 10, 4, 1, 5};
    CHECK_EQ(run("arc", 5, s3, LEN(s3), 1, v, &nv), 13);
    CHECK_VICTIMS(v, nv, 4, 5, 1, 2, 3, 6, 10, 7);
    CHECK(stat_after("arc", 5, s3, 18, "p") == 1.5);
    CHECK(stat_after("arc", 5, s3, 19, "p") == 0.5);
    CHECK(stat_after("arc", 5, s3, 20, "p") == 2.0);

    /* Case IV-A with |T1| = c: a scan of new pages with c = 2. 1 2 fill T1; 3: |T1|+|B1| =
     * 2 = c and |T1| = c: T1's LRU 1 is deleted with no ghost; 4: the same for 2. So 1 and 2
     * come back as new pages, not ghost hits: the scan never moves p. */
    const uint32_t s4[] = {1, 2, 3, 4, 1, 2};
    CHECK_EQ(run("arc", 2, s4, LEN(s4), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 2, 3, 4);
    CHECK(stat_after("arc", 2, s4, LEN(s4), "b1") == 0);
    CHECK(stat_after("arc", 2, s4, LEN(s4), "dropped_t1") == 4);
    CHECK(stat_after("arc", 2, s4, LEN(s4), "p") == 0);

    /* One frame. 1 miss T1=[1]; 1 hit T2=[1]; 2 miss: IV-B (|T1|+|B1| = 0), directory 1 >=
     * c: REPLACE: |T1| = 0: 1 -> B2 (v 1), T1=[2]; 1 miss: case III, p = 0; REPLACE: |T1| =
     * 1 > 0: 2 -> B1 (v 2), T2=[1]; 2 miss: case II, p = 1; REPLACE: |T1| = 0: 1 -> B2
     * (v 1), T2=[2]; 2 hit. 4 faults. */
    const uint32_t s5[] = {1, 1, 2, 1, 2, 2};
    CHECK_EQ(run("arc", 1, s5, LEN(s5), 1, v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1, 2, 1);
}

/* ------------------------------------------------------------------ CAR */

static void test_car_golden(void)
{
    uint32_t v[64];
    size_t nv;
    /* c = 3, p = 0; clocks head first, R bits in parentheses (a new page gets R = 0):
     *  1 2 3     T1=[1(0) 2(0) 3(0)]
     *  1 hit     R(1) = 1
     *  4 miss    full: replace: |T1| = 3 >= max(1, p) = 1: head 1 has R = 1: R = 0, to T2's
     *            tail; head 2 has R = 0: demoted to B1.  T1=[3] T2=[1(0)] B1=[2]     v 2
     *            4 is new: |T1|+|B1| = 2 != c, directory 3 != 2c: no discard.
     *                                                   T1=[3 4]
     *  2 miss    B1: replace: |T1| = 2 >= 1: 3 -> B1 (B1=[2 3]).                      v 3
     *            Adapt: p = min(0 + max(1, |B2|/|B1| = 0/2), 3) = 1; 2 to T2's tail.
     *                                                   T1=[4] T2=[1 2] B1=[3]
     *  5 miss    new: replace: |T1| = 1 >= max(1, 1): 4 -> B1.  B1=[3 4]               v 4
     *            |T1|+|B1| = 2, directory 4: no discard. T1=[5]
     *  4 miss    B1: replace: 5 -> B1 (B1=[3 4 5]). p = 1 + max(1, 0/3) = 2.          v 5
     *                                                   T1=[] T2=[1 2 4] B1=[3 5]
     *  1 hit     R(1) = 1
     *  3 miss    B1: replace: |T1| = 0 < max(1, 2): T2's head 1 has R = 1: R = 0, the hand
     *            moves on; head 2 has R = 0: demoted to B2.  T2=[4 1] B2=[2]          v 2
     *            p = min(2 + max(1, |B2|/|B1| = 1/2), 3) = 3; 3 to T2.  T2=[4 1 3] B1=[5]
     *  2 miss    B2: replace: |T1| = 0 < 3: head 4, R = 0: 4 -> B2 (B2=[2 4]).        v 4
     *            p = max(3 - max(1, |B1|/|B2| = 1/2), 0) = 2; 2 to T2.  T2=[1 3 2] B2=[4]
     *  6 miss    new: replace: 0 < 2: head 1, R = 0: 1 -> B2 (B2=[4 1]).              v 1
     *            |T1|+|B1| = 1, directory 5: no discard.  T1=[6] T2=[3 2]
     *  4 miss    B2: replace: |T1| = 1 < 2: head 3, R = 0: 3 -> B2 (B2=[4 1 3]).      v 3
     *            p = max(2 - max(1, 1/3), 0) = 1; 4 to T2.  T1=[6] T2=[2 4] B2=[1 3]
     * 11 faults in 13 references. */
    const uint32_t s1[] = {1, 2, 3, 1, 4, 2, 5, 4, 1, 3, 2, 6, 4};
    CHECK_EQ(run("car", 3, s1, LEN(s1), 1, v, &nv), 11);
    CHECK_VICTIMS(v, nv, 2, 3, 4, 5, 2, 4, 1, 3);
    CHECK(stat_after("car", 3, s1, 7, "p") == 1.0);
    CHECK(stat_after("car", 3, s1, 10, "p") == 3.0);
    CHECK(stat_after("car", 3, s1, LEN(s1), "p") == 1.0);
    CHECK(stat_after("car", 3, s1, LEN(s1), "ghost_hits_b1") == 3);
    CHECK(stat_after("car", 3, s1, LEN(s1), "ghost_hits_b2") == 2);

    /* Lines 6-7: c = 2, a scan. 1 2 fill T1; 3: replace demotes 1 to B1, then |T1|+|B1| =
     * 1 + 1 = c: B1's LRU (1 itself) is discarded; likewise for 2, 3, 1. Every page of the
     * scan is new again: 6 faults, no ghost hit, p stays 0. */
    const uint32_t s2[] = {1, 2, 3, 1, 2, 3};
    CHECK_EQ(run("car", 2, s2, LEN(s2), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 2, 3, 1);
    CHECK(stat_after("car", 2, s2, LEN(s2), "b1") == 0);
    CHECK(stat_after("car", 2, s2, LEN(s2), "p") == 0);

    /* Lines 8-9: c = 1. 1; 1 hit (R = 1); 2: replace: |T1| = 1 >= 1, head 1 has R = 1: to
     * T2 with R = 0; |T1| = 0 < 1: T2's head 1, R = 0: 1 -> B2 (v 1). |T1|+|B1| = 0; the
     * directory is 1 != 2c: T1=[2] B2=[1]. 3: replace: T1's head 2 (R = 0) -> B1 (v 2);
     * |T1|+|B1| = 1 = c: B1's LRU 2 is discarded. T1=[3] B2=[1]. 1: B2 hit: replace: 3 ->
     * B1 (v 3); p = max(0 - max(1, 1/1), 0) = 0; 1 to T2. 4: replace: |T1| = 0 < 1: T2's
     * head 1 (R = 0) -> B2 (v 1); |T1|+|B1| = 1 = c: B1 loses 3. T1=[4] B2=[1]. 5 faults. */
    const uint32_t s3[] = {1, 1, 2, 3, 1, 4};
    CHECK_EQ(run("car", 1, s3, LEN(s3), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 1, 2, 3, 1);
    CHECK(stat_after("car", 1, s3, LEN(s3), "ghost_hits_b2") == 1);
}

/* ------------------------------------------------------------------ naive models */

static void test_against_models(void)
{
    static uint32_t s[2000], v[4096];
    static nmodel_t m;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    int bad_arc = 0, bad_car = 0;
    for (int trial = 0; trial < 120; trial++) {
        uint32_t c = 1 + (uint32_t)(check_xorshift(&rng) % 12);
        uint32_t npages = c + 1 + (uint32_t)(check_xorshift(&rng) % (3 * c + 4));
        size_t n = 300 + check_xorshift(&rng) % 1500;
        uint32_t hot = 1 + npages / 4;
        for (size_t i = 0; i < n; i++) {   /* a hot set, a cold set, sometimes a scan */
            uint64_t r = check_xorshift(&rng);
            s[i] = r % 3 ? (uint32_t)(r >> 8) % hot : (uint32_t)(r >> 8) % npages;
        }
        size_t nv;
        long f = run("arc", c, s, n, 1, v, &nv);
        narc(&m, c, s, n);
        bad_arc += f != m.faults || !same_seq(v, nv, m.vict, m.nv);
        f = run("car", c, s, n, 1, v, &nv);
        ncar(&m, c, s, n);
        bad_car += f != m.faults || !same_seq(v, nv, m.vict, m.nv);
    }
    CHECK_EQ(bad_arc, 0);
    CHECK_EQ(bad_car, 0);
}

/* ------------------------------------------------------------------ beyond the paper */

/* Unmaps (REPL_UNMAP) anywhere, with ghosts around, and local replacement: check() after
 * every step, and local victims are the faulting process's. */
static void test_removals_local(void)
{
    const char *specs[] = {"arc", "car"};
    for (int k = 0; k < 2; k++) {
        for (int local = 0; local < 2; local++) {
            drv_t d;
            sim_err_t err = {0};
            CHECK_EQ(drv_init(&d, specs[k], 8, 1, &err), 0);
            d.check_each = 1;
            d.npids = local ? 3 : 0;
            d.local = local;
            uint64_t rng = 12345 + (uint64_t)k;
            for (vtime_t t = 0; t < 20000; t++) {
                uint64_t r = check_xorshift(&rng);
                uint32_t page = r % 5 ? (uint32_t)(r >> 8) % 12 : (uint32_t)(r >> 8) % 40;
                if (r % 17 == 0)
                    drv_unmap(&d, page);
                else
                    drv_ref(&d, page, t, VTIME_NEVER);
            }
            CHECK_EQ(d.bad_check, 0);
            CHECK_EQ(d.bad_victim, 0);
            CHECK_EQ(d.bad_ref, 0);
            CHECK_EQ(d.bad_local, 0);
            CHECK(d.shadows_back > 0);
            if (local)
                CHECK(d.local_requests > 0);
            drv_free(&d);
        }
    }
}

/* Background reclaim: select_victim with no page (req->page NULL), frames then free. */
static void test_background(void)
{
    const char *specs[] = {"arc", "car"};
    for (int k = 0; k < 2; k++) {
        drv_t d;
        sim_err_t err = {0};
        CHECK_EQ(drv_init(&d, specs[k], 6, 1, &err), 0);
        d.check_each = 1;
        uint64_t rng = 777;
        for (vtime_t t = 0; t < 5000; t++) {
            uint64_t r = check_xorshift(&rng);
            drv_ref(&d, (uint32_t)(r >> 8) % 15, t, VTIME_NEVER);
            if (r % 11 == 0 && d.nresident > 1) {          /* kswapd takes one frame */
                repl_req_t req = {.reason = REPL_REQ_BACKGROUND, .pid = REPL_PID_NONE, .count = 1};
                pfn_t f = d.ops->select_victim(d.st, &req);
                CHECK(f < d.nframes && d.page_of[f] != UINT32_MAX);
                if (f < d.nframes && d.page_of[f] != UINT32_MAX) {
                    drv_unload(&d, f, REPL_EVICT);
                    drv_check(&d);
                }
            }
        }
        CHECK_EQ(d.bad_check, 0);
        CHECK_EQ(d.bad_ref, 0);
        drv_free(&d);
    }
}

static void test_params(void)
{
    sim_err_t err = {0};
    drv_t d;
    CHECK_EQ(drv_init(&d, "arc", 4, 1, &err), 0);
    CHECK(d.ops->params == NULL);
    CHECK(d.ops->on_hit != NULL && (d.ops->flags & REPL_SEES_ALL_REFS));
    CHECK(strstr(d.ops->paper, "Megiddo") != NULL);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "car", 4, 1, &err), 0);
    CHECK(d.ops->params == NULL);
    CHECK(d.ops->on_hit == NULL && !(d.ops->flags & REPL_SEES_ALL_REFS));
    CHECK(strstr(d.ops->paper, "Bansal") != NULL);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "arc:p=1", 4, 1, &err), -1);
    CHECK(strstr(err.msg, "p") != NULL);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "car:c=4", 4, 1, &err), -1);
    drv_free(&d);
}

int main(void)
{
    test_ghost_pool();
    test_arc_golden();
    test_car_golden();
    test_against_models();
    test_removals_local();
    test_background();
    test_params();
    return check_report("test_arc");
}
