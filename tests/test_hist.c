/* test_hist.c - latency histograms (sim/base/hist.c): exact count, mean and max; percentiles
 * within one log bin (48 per decade: a bin spans a factor 10^(1/48) = 1.0491, so an
 * interpolated percentile is within 4.91% of the true one); empty histograms; merge; CDF.
 *
 * "True" percentiles of 1..1000 are the order statistics: the q-quantile is q*1000. For a
 * random sample the reference is GSL's exact quantile of the sorted data. */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "check.h"
#include "sim/base/hist.h"

#include <gsl/gsl_histogram.h>

#define BIN_ERR 0.0492   /* 10^(1/48) - 1 = 0.049139 */

static int within(double est, double truth, double rel)
{
    int ok = fabs(est - truth) <= rel * truth;
    if (!ok)
        fprintf(stderr, "  estimate %.6g vs true %.6g (rel error %.4f > %.4f)\n", est, truth,
                fabs(est - truth) / truth, rel);
    return ok;
}

static double jnum(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static hist_t *one_to(int n)
{
    hist_t *h = hist_new();
    for (int i = 1; i <= n; i++)
        hist_add(h, i);
    return h;
}

static void test_uniform_integers(void)
{
    hist_t *h = one_to(1000);
    CHECK_EQ(hist_count(h), 1000);
    CHECK(hist_mean(h) == 500.5);
    CHECK(hist_max(h) == 1000);

    CHECK(within(hist_quantile(h, 0.10), 100, BIN_ERR));
    CHECK(within(hist_quantile(h, 0.25), 250, BIN_ERR));
    CHECK(within(hist_quantile(h, 0.50), 500, BIN_ERR));
    CHECK(within(hist_quantile(h, 0.90), 900, BIN_ERR));
    CHECK(within(hist_quantile(h, 0.99), 990, BIN_ERR));
    CHECK(within(hist_quantile(h, 0.01), 10, BIN_ERR));
    CHECK(hist_quantile(h, 1.0) == 1000);            /* clamped to the exact maximum */
    CHECK(hist_quantile(h, 0.0) >= 1 / (1 + BIN_ERR) && hist_quantile(h, 0.0) <= 1);

    /* Non-decreasing in q, never above the maximum. */
    double prev = -1;
    int mono = 1;
    for (int i = 0; i <= 1000; i++) {
        double v = hist_quantile(h, i / 1000.0);
        if (v < prev || v > 1000)
            mono = 0;
        prev = v;
    }
    CHECK(mono);

    json_t *j = hist_json(h);
    CHECK_EQ(json_object_size(j), 6);
    CHECK_EQ(jnum(j, "count"), 1000);
    CHECK(jnum(j, "mean") == 500.5);
    CHECK(jnum(j, "max") == 1000);
    CHECK(jnum(j, "p50") == hist_quantile(h, 0.5));
    CHECK(jnum(j, "p90") == hist_quantile(h, 0.9));
    CHECK(jnum(j, "p99") == hist_quantile(h, 0.99));
    json_decref(j);
    hist_free(h);
}

/* Nanosecond latencies spanning many decades: exponential (mean 100us) and lognormal. */
static void test_random(void)
{
    enum { N = 20000 };
    static double xs[N];
    const double qs[] = {0.05, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2024);
    for (int dist = 0; dist < 2; dist++) {
        hist_t *h = hist_new();
        double sum = 0, mx = 0;
        for (int i = 0; i < N; i++) {
            xs[i] = dist ? gsl_ran_lognormal(r, log(1000.0), 2.0) : gsl_ran_exponential(r, 1e5);
            hist_add(h, xs[i]);
            sum += xs[i];
            if (xs[i] > mx)
                mx = xs[i];
        }
        CHECK_EQ(hist_count(h), N);
        CHECK(fabs(hist_mean(h) - sum / N) <= 1e-9 * sum / N);
        CHECK(hist_max(h) == mx);
        gsl_sort(xs, 1, N);
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            /* The histogram's q-quantile is the (q*N)-th sample's bin; compare with it. */
            double truth = xs[(size_t)ceil(qs[i] * N) - 1];
            CHECK(within(hist_quantile(h, qs[i]), truth, BIN_ERR));
            CHECK(within(hist_quantile(h, qs[i]), gsl_stats_quantile_from_sorted_data(xs, 1, N, qs[i]),
                         0.05));
        }
        hist_free(h);
    }
    gsl_rng_free(r);
}

static void test_edge_values(void)
{
    /* One value repeated: every percentile within a bin of it and never above it. */
    hist_t *h = hist_new();
    for (int i = 0; i < 10; i++)
        hist_add(h, 123.0);
    CHECK(hist_mean(h) == 123.0);
    CHECK(hist_quantile(h, 0.5) <= 123.0 && within(hist_quantile(h, 0.5), 123.0, BIN_ERR));
    CHECK(hist_quantile(h, 1.0) == 123.0);
    hist_free(h);

    /* Negative values count as 0; zeros and sub-picosecond values live in bin 0. */
    h = hist_new();
    hist_add(h, -5);
    hist_add(h, 0);
    CHECK_EQ(hist_count(h), 2);
    CHECK(hist_mean(h) == 0 && hist_max(h) == 0);
    CHECK(hist_quantile(h, 0.5) == 0 && hist_quantile(h, 1) == 0);
    hist_free(h);

    /* Beyond the top bin (1e13 ns, 10000 s): counted, exact max and mean. */
    h = hist_new();
    hist_add(h, 5e13);
    hist_add(h, 1.0);
    CHECK_EQ(hist_count(h), 2);
    CHECK(hist_max(h) == 5e13);
    CHECK(hist_mean(h) == (5e13 + 1.0) / 2);
    CHECK(hist_quantile(h, 1.0) <= 5e13);
    CHECK(within(hist_quantile(h, 0.5), 1.0, BIN_ERR));
    hist_free(h);
}

static void test_empty(void)
{
    hist_t *h = hist_new();
    CHECK_EQ(hist_count(h), 0);
    CHECK(hist_mean(h) == 0);
    CHECK(hist_max(h) == 0);
    CHECK(hist_quantile(h, 0.5) == 0);
    CHECK(hist_quantile(h, 1.0) == 0);
    json_t *j = hist_json(h);
    CHECK_EQ(jnum(j, "count"), 0);
    CHECK(jnum(j, "mean") == 0 && jnum(j, "p50") == 0 && jnum(j, "p99") == 0 && jnum(j, "max") == 0);
    json_decref(j);
    j = hist_cdf_json(h);
    CHECK(json_is_array(j) && json_array_size(j) == 0);
    json_decref(j);
    hist_free(h);
    hist_free(NULL);
}

static void test_merge(void)
{
    hist_t *a = hist_new(), *b = hist_new(), *all = one_to(1000);
    for (int i = 1; i <= 1000; i++)
        hist_add(i % 3 ? a : b, i);
    hist_merge(a, b);
    CHECK_EQ(hist_count(a), 1000);
    CHECK(hist_mean(a) == 500.5);
    CHECK(hist_max(a) == 1000);
    int same = 1;
    for (int i = 0; i <= 100; i++)
        if (hist_quantile(a, i / 100.0) != hist_quantile(all, i / 100.0))
            same = 0;
    CHECK(same);
    /* b is unchanged by being merged from. */
    CHECK_EQ(hist_count(b), 333);
    CHECK(hist_max(b) == 999);

    /* Merging into an empty one copies; merging an empty one changes nothing. */
    hist_t *e = hist_new(), *e2 = hist_new();
    hist_merge(e, all);
    CHECK_EQ(hist_count(e), 1000);
    CHECK(hist_quantile(e, 0.9) == hist_quantile(all, 0.9));
    hist_merge(all, e2);
    CHECK_EQ(hist_count(all), 1000);
    CHECK(hist_mean(all) == 500.5);
    hist_free(a);
    hist_free(b);
    hist_free(e);
    hist_free(e2);
    hist_free(all);
}

static void test_cdf(void)
{
    hist_t *h = one_to(1000);
    json_t *c = hist_cdf_json(h);
    size_t n = json_array_size(c);
    CHECK(n > 50);   /* 1..1000 spans three decades: about 3 * 48 bins, the low ones empty */
    double pv = -1, pf = 0;
    int mono = 1, exact = 1;
    for (size_t i = 0; i < n; i++) {
        json_t *pt = json_array_get(c, i);
        double v = json_number_value(json_array_get(pt, 0)), f = json_number_value(json_array_get(pt, 1));
        if (!(v >= pv) || !(f > pf) || v > 1000)
            mono = 0;
        /* Values may repeat once at the end: the bin just below the maximum ends at it, and
         * the maximum's own bin is clamped to it. Each point is a bin's upper edge with the fraction of samples below it: for the
         * integers 1..1000 that is (ceil(edge) - 1) / 1000, except the last (clamped to max). */
        if (i + 1 < n && fabs(f * 1000 - (ceil(v) - 1)) > 1e-9)
            exact = 0;
        pv = v;
        pf = f;
    }
    CHECK(mono);
    CHECK(exact);
    CHECK(pf == 1.0);
    CHECK(pv == 1000);
    json_decref(c);
    hist_free(h);
}

/* hist_add's O(1) bin lookup against GSL's binary search over the same edges: every edge,
 * the doubles either side of it, a million log-uniform values over the whole range, and the
 * extremes (0, subnormal, below the first edge, at and above the top). */
static void test_bin_lookup(void)
{
    hist_t *h = hist_new();
    gsl_histogram *g = gsl_histogram_alloc(769);
    double r[770];
    r[0] = 0;
    for (int i = 0; i < 769; i++)
        r[i + 1] = pow(10.0, -3 + (double)i / 48);
    gsl_histogram_set_ranges(g, r, 770);
    size_t bad = 0, n = 0;
#define SAME(v) do { double v_ = (v); size_t want = 768; \
        if (v_ < r[769]) gsl_histogram_find(g, v_ < 0 ? 0 : v_, &want); \
        bad += hist_bin(h, v_) != want; n++; } while (0)
    for (int i = 1; i < 770; i++) {
        SAME(r[i]);
        SAME(nextafter(r[i], 0));
        SAME(nextafter(r[i], INFINITY));
    }
    uint64_t x = 88172645463325252ULL;          /* xorshift64: a fixed sequence */
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        SAME(pow(10.0, -4 + 18.0 * (double)(x >> 11) / 9007199254740992.0));
    }
    SAME(0.0); SAME(5e-324); SAME(1e-300); SAME(9.99e-4); SAME(1e13); SAME(1e300); SAME(-1.0);
#undef SAME
    CHECK_EQ(bad, 0);
    CHECK(n > 1000000);
    gsl_histogram_free(g);
    hist_free(h);
}

int main(void)
{
    test_bin_lookup();
    test_uniform_integers();
    test_random();
    test_edge_values();
    test_empty();
    test_merge();
    test_cdf();
    return check_report("test_hist");
}
