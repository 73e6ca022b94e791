/* hist.c - log-binned latency histograms on GSL (see hist.h).
 *
 * Latencies in a paging simulator span nine decades (a 0.5 ns TLB hit to a 10 ms disk
 * seek), so bins are log-spaced: 48 per decade from 1e-3 to 1e13, with bin 0 holding
 * everything below 1e-3. A percentile is interpolated linearly inside its bin and clamped
 * to the exact minimum and maximum (so a constant sample gives exact percentiles). Cost: one binary search (about 10 steps) per sample. */
#include "hist.h"
#include "xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_histogram.h>

#define PER_DECADE 48
#define LO_EXP (-3)
#define HI_EXP 13
#define NBINS (1 + PER_DECADE * (HI_EXP - LO_EXP))

struct hist {
    gsl_histogram *h;
    uint64_t n;
    double sum, min, max;
};

hist_t *hist_new(void)
{
    hist_t *h = xcalloc(1, sizeof *h, "a histogram");
    h->h = gsl_histogram_alloc(NBINS);
    if (!h->h) {
        free(h);
        xtrap_throw(SIM_ESYS, "out of memory (a histogram of %d bins)", NBINS);
    }
    double r[NBINS + 1];
    r[0] = 0;
    for (int i = 0; i < NBINS; i++)
        r[i + 1] = pow(10.0, LO_EXP + (double)i / PER_DECADE);
    gsl_histogram_set_ranges(h->h, r, NBINS + 1);
    return h;
}

void hist_free(hist_t *h)
{
    if (!h)
        return;
    gsl_histogram_free(h->h);
    free(h);
}

void hist_add(hist_t *h, double v)
{
    if (v < 0)
        v = 0;
    double top = h->h->range[NBINS];
    gsl_histogram_increment(h->h, v < top ? v : nextafter(top, 0));
    if (!h->n || v < h->min)
        h->min = v;
    h->n++;
    h->sum += v;
    if (v > h->max)
        h->max = v;
}

uint64_t hist_count(const hist_t *h) { return h->n; }
double hist_mean(const hist_t *h) { return h->n ? h->sum / (double)h->n : 0; }
double hist_max(const hist_t *h) { return h->max; }

double hist_quantile(const hist_t *h, double q)
{
    if (!h->n)
        return 0;
    double want = q * (double)h->n, cum = 0;
    for (size_t i = 0; i < NBINS; i++) {
        double c = h->h->bin[i];
        if (c > 0 && cum + c >= want) {
            double lo = h->h->range[i], hi = h->h->range[i + 1];
            double v = lo + (hi - lo) * ((want - cum) / c);
            /* Interpolation within a bin can stray past the exact extremes: clamp to them. */
            return v > h->max ? h->max : v < h->min ? h->min : v;
        }
        cum += c;
    }
    return h->max;
}

json_t *hist_json(const hist_t *h)
{
    return json_pack("{s:I,s:f,s:f,s:f,s:f,s:f}", "count", (json_int_t)h->n, "mean", hist_mean(h),
                     "p50", hist_quantile(h, 0.50), "p90", hist_quantile(h, 0.90),
                     "p99", hist_quantile(h, 0.99), "max", h->max);
}

void hist_merge(hist_t *dst, const hist_t *src)
{
    for (size_t i = 0; i < NBINS; i++)
        dst->h->bin[i] += src->h->bin[i];
    if (src->n && (!dst->n || src->min < dst->min))
        dst->min = src->min;
    dst->n += src->n;
    dst->sum += src->sum;
    if (src->max > dst->max)
        dst->max = src->max;
}

json_t *hist_cdf_json(const hist_t *h)
{
    json_t *a = json_array();
    double cum = 0;
    for (size_t i = 0; i < NBINS && h->n; i++) {
        if (h->h->bin[i] <= 0)
            continue;
        cum += h->h->bin[i];
        double hi = h->h->range[i + 1];
        json_array_append_new(a, json_pack("[f,f]", hi < h->max ? hi : h->max, cum / (double)h->n));
    }
    return a;
}
