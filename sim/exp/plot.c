/* plot.c - a merged sweep's plots, as a table of plot kinds (see plot.h).
 *
 * Each kind is one table line: its name (DIR/<name>.tsv, <name>_* in plot-vars.gp), the
 * gnuplot script that draws it (scripts/<script>), the data it needs from the grid (a
 * predicate: frames vary, runs have latency CDFs, a --set key is the TLB size...), how its
 * series are formed, and the writer of its rows. The driver (plot_write_data) walks the
 * table: kinds marked per_key are tried for each --set key in turn, the others once. A new
 * plot is a new line and its two functions; scripts/plot draws what the table names.
 *
 * Data files: one TSV per plot the grid supports, one block per series separated by two
 * blank lines (so gnuplot's `index` selects a series), and DIR/plot-vars.gp (title, series
 * labels, notes). A series is the grid points that differ only in the plot's x axis; curves
 * per run (latency CDF, timeline) take each grid point's lowest seed; when a plot would have
 * more than 8 series and frames vary, it is drawn at the median frame count only (said in
 * its title). Every series is drawn and named: the scripts give each its own colour, dash
 * and point (scripts/style.gp) and grow the canvas with the legend, so that no label is
 * cut off (the demo plots 20 policies). The faults table (faults.tsv, drawn by
 * faults.gp: scripts/demo's table) lists every grid point of a policies x frames grid.
 * Cost: a few passes over the grid points per kind; series are sorted with qsort_r (the x
 * function as context: no global state). */
#include "plot.h"
#include "exp.h"
#include "sim/base/outfile.h"
#include "sim/sim.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------- fields and series */

/* A field of the grid point: policy, frames, key k, trace. */
enum { F_POLICY = -3, F_FRAMES = -2, F_TRACE = -1 };   /* k >= 0: key k */

typedef struct series { char *label; int *g; int n; } series_t;
typedef struct plotset { series_t *s; int n; long at_frames; } plotset_t;

/* What every kind's functions see. */
typedef struct plot_ctx {
    const merge_t *m;
    int *varies;                  /* per field (index field + 3): differs between points */
    FILE *vars;                   /* plot-vars.gp, being written */
    int seeded;                   /* more than one seed: confidence half-widths */
    char tnote[600];              /* "trace X" when the trace is fixed */
    char fnote[700];              /* that and the frame count when it is fixed */
    char note2[800];              /* that and "lowest seed" (curves of one run) */
    const char *frnote;           /* the fixed frame count alone */
    int key;                      /* per-key kinds: the --set key tried */
    int cow_done;                 /* a cow plot came from a write-fraction key */
} plot_ctx_t;

static const char *field_text(const merge_run_t *r, int f, char *buf, size_t n)
{
    if (f == F_POLICY)
        return r->policy;
    if (f == F_FRAMES) {
        snprintf(buf, n, "%ld", r->frames);
        return buf;
    }
    if (f == F_TRACE)
        return r->label;
    return r->kv[f];
}

static int field_varies(const plot_ctx_t *c, int f)
{
    return c->varies[f + 3];
}

static int field_varies_scan(const merge_t *m, int f)
{
    char b0[32], b1[32];
    const merge_run_t *r0 = &m->runs[m->groups[0].first];
    for (int g = 1; g < m->ngroups; g++)
        if (strcmp(field_text(r0, f, b0, sizeof b0),
                   field_text(&m->runs[m->groups[g].first], f, b1, sizeof b1)))
            return 1;
    return 0;
}

/* The series label of a grid point: its varying fields other than the excluded one. */
static void series_label(const plot_ctx_t *c, const merge_run_t *r, int exclude, int exclude2, char *out, size_t n)
{
    const merge_t *m = c->m;
    out[0] = '\0';
    for (int i = 0; i < m->keys.n + 3; i++) {   /* policy, frames, keys, trace */
        int f = i < 2 ? F_POLICY + i : i == m->keys.n + 2 ? F_TRACE : i - 2;
        if (f == exclude || f == exclude2 || !field_varies(c, f))
            continue;
        char b[32];
        const char *s = field_text(r, f, b, sizeof b);
        size_t used = strlen(out);
        if (f == F_FRAMES)
            snprintf(out + used, n - used, "%s%s frames", used ? ", " : "", s);
        else if (f >= 0)
            snprintf(out + used, n - used, "%s%s=%s", used ? ", " : "", m->keys.v[f], s);
        else
            snprintf(out + used, n - used, "%s%s", used ? ", " : "", s);
    }
    if (!out[0])
        snprintf(out, n, "%s", r->policy);
}

/* Keeps the first n series. */
static void plotset_truncate(plotset_t *p, int n)
{
    for (int i = n; i < p->n; i++) {
        free(p->s[i].label);
        free(p->s[i].g);
    }
    if (n < p->n)
        p->n = n;
}

static void plotset_free(plotset_t *p)
{
    plotset_truncate(p, 0);
    free(p->s);
    memset(p, 0, sizeof *p);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The median of the grid's frame counts. */
static long median_frames(const merge_t *m)
{
    long *fr = xcalloc((size_t)m->ngroups, sizeof *fr, "the plots");
    int nf = 0;
    for (int gi = 0; gi < m->ngroups; gi++) {
        long v = m->runs[m->groups[gi].first].frames;
        int dup = 0;
        for (int i = 0; i < nf; i++)
            dup |= fr[i] == v;
        if (!dup)
            fr[nf++] = v;
    }
    qsort(fr, (size_t)nf, sizeof *fr, cmp_long);
    long med = fr[(nf - 1) / 2];
    free(fr);
    return med;
}

/* Groups the grid points into series by label (x field excluded; one_per_group: a series
 * per point). With more than 8 series and varying frames (not the x axis), keeps the median
 * frame count only. */
static void make_series(const plot_ctx_t *c, int exclude, int one_per_group, plotset_t *ps)
{
    const merge_t *m = c->m;
    memset(ps, 0, sizeof *ps);
    ps->at_frames = -1;
    for (int pass = 0; pass < 2; pass++) {
        long at = ps->at_frames;
        plotset_free(ps);
        ps->at_frames = at;
        ps->s = xcalloc((size_t)m->ngroups, sizeof *ps->s, "the plots");
        for (int gi = 0; gi < m->ngroups; gi++) {
            const merge_run_t *r = &m->runs[m->groups[gi].first];
            if (ps->at_frames >= 0 && r->frames != ps->at_frames)
                continue;
            char label[1024];
            series_label(c, r, one_per_group ? 99999 : exclude, ps->at_frames >= 0 ? F_FRAMES : 99999,
                         label, sizeof label);
            int s = -1;
            for (int i = 0; i < ps->n && s < 0; i++)
                if (!one_per_group && !strcmp(ps->s[i].label, label))
                    s = i;
            if (s < 0) {
                s = ps->n++;
                ps->s[s].label = strv_dup(label);
                ps->s[s].g = xcalloc((size_t)m->ngroups, sizeof *ps->s[s].g, "the plots");
            }
            ps->s[s].g[ps->s[s].n++] = gi;
        }
        if (pass || ps->n <= 8 || exclude == F_FRAMES || !field_varies(c, F_FRAMES))
            break;
        ps->at_frames = median_frames(m);
    }
}

/* ---- the x axes, for sorting a series' points */
typedef double (*xfn_t)(const merge_t *m, const merge_group_t *g, const void *arg);
typedef struct xsort { const merge_t *m; xfn_t fn; const void *arg; } xsort_t;

static int cmp_by_x(const void *a, const void *b, void *ctx)
{
    const xsort_t *xs = ctx;
    double x = xs->fn(xs->m, &xs->m->groups[*(const int *)a], xs->arg);
    double y = xs->fn(xs->m, &xs->m->groups[*(const int *)b], xs->arg);
    return (x > y) - (x < y);
}

static void sort_series_by_x(const merge_t *m, plotset_t *ps, xfn_t fn, const void *arg)
{
    xsort_t xs = {m, fn, arg};
    for (int i = 0; i < ps->n; i++)
        qsort_r(ps->s[i].g, (size_t)ps->s[i].n, sizeof *ps->s[i].g, cmp_by_x, &xs);
}

static double x_frames(const merge_t *m, const merge_group_t *g, const void *arg)
{
    return (double)m->runs[g->first].frames;
}

static double x_procs(const merge_t *m, const merge_group_t *g, const void *arg)
{
    return (double)m->runs[g->first].nproc;
}

static double x_key(const merge_t *m, const merge_group_t *g, const void *arg)
{
    double v;
    return exp_as_number(m->runs[g->first].kv[*(const int *)arg], &v) ? v : NAN;
}

static double x_cwf(const merge_t *m, const merge_group_t *g, const void *arg)
{
    return m->runs[g->first].child_wf;
}

/* ---------------------------------------------------------------- writing */

/* s as a gnuplot string constant, in double quotes. */
static void put_gp_string(FILE *v, const char *s)
{
    fputc('"', v);
    for (const char *c = s; *c; c++)
        fprintf(v, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
    fputc('"', v);
}

/* Writes plot-vars.gp's lines for one plot: its series count, labels and note. */
static void vars_plot(FILE *v, const char *stem, const plotset_t *ps, const char *note)
{
    fprintf(v, "%s_n = %d\narray %s_labels[%d] = [", stem, ps->n, stem, ps->n);
    for (int i = 0; i < ps->n; i++) {
        fputs(i ? ", " : "", v);
        put_gp_string(v, ps->s[i].label);
    }
    fputs("]\n", v);
    char full[512];
    if (ps->at_frames >= 0)
        snprintf(full, sizeof full, "%s%sat %ld frames", note, *note ? ", " : "", ps->at_frames);
    else
        snprintf(full, sizeof full, "%s", note);
    fprintf(v, "%s_note = ", stem);
    put_gp_string(v, full);
    fputc('\n', v);
}

/* The rest of a TSV row: value, confidence half-width pairs (half-widths 0 from one seed,
 * and for a point of one run in a seeded grid: an error bar of nothing, where "nan" would
 * drop the point from gnuplot's yerrorlines). */
static void put_stats(FILE *f, const double *vals, int n, int seeded)
{
    for (int k = 0; k < n; k++) {
        fputc('\t', f);
        exp_put_num(f, k % 2 == 0 ? vals[k] : seeded && !isnan(vals[k]) ? vals[k] : 0);
    }
    fputc('\n', f);
}

/* The lowest-seed run of a group (curves cannot be averaged point by point). */
static const merge_run_t *first_run(const merge_t *m, const merge_group_t *g) { return &m->runs[g->first]; }

static const merge_group_t *series_group(const merge_t *m, const plotset_t *ps, int s, int i)
{
    return &m->groups[ps->s[s].g[i]];
}

/* ---------------------------------------------------------------- the kinds */

/* Fault rate against memory size: one series per everything-but-frames. */
static int needs_frames(const plot_ctx_t *c)
{
    return field_varies(c, F_FRAMES);
}

static void series_by_frames(const plot_ctx_t *c, plotset_t *ps)
{
    make_series(c, F_FRAMES, 0, ps);
    sort_series_by_x(c->m, ps, x_frames, NULL);
}

static void rows_fault_rate(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    for (int s = 0; s < ps->n; s++) {
        for (int i = 0; i < ps->s[s].n; i++) {
            const merge_group_t *g = series_group(c->m, ps, s, i);
            const merge_run_t *r = first_run(c->m, g);
            fprintf(f, "%d\t%ld\t", s, r->frames);
            exp_put_num(f, (double)r->frames * r->page_size / 1048576.0);
            double vals[4] = {g->mean[M_FRATE], g->ci[M_FRATE], g->mean[M_MISS], g->ci[M_MISS]};
            put_stats(f, vals, 4, c->seeded);
        }
        fputs("\n\n", f);
    }
}

/* Simulated run time against memory size, the same series: what the faults cost, with the
 * devices' service and queueing (the demo's second plot), and the mean time per access. */
static void rows_run_time(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    for (int s = 0; s < ps->n; s++) {
        for (int i = 0; i < ps->s[s].n; i++) {
            const merge_group_t *g = series_group(c->m, ps, s, i);
            const merge_run_t *r = first_run(c->m, g);
            fprintf(f, "%d\t%ld\t", s, r->frames);
            exp_put_num(f, (double)r->frames * r->page_size / 1048576.0);
            double vals[4] = {g->mean[M_SIMNS] / 1e6, g->ci[M_SIMNS] / 1e6, g->mean[M_NSACC], g->ci[M_NSACC]};
            put_stats(f, vals, 4, c->seeded);
        }
        fputs("\n\n", f);
    }
}

/* Major-fault latency CDFs: one curve per grid point (lowest seed); runs without major
 * faults have none. */
static int needs_cdf(const plot_ctx_t *c)
{
    int any = 0;
    for (int i = 0; i < c->m->nruns; i++)
        any |= json_array_size(c->m->runs[i].cdf) > 0;
    return any;
}

static void series_cdf(const plot_ctx_t *c, plotset_t *ps)
{
    make_series(c, F_TRACE, 1, ps);
    int keep = 0;
    for (int s = 0; s < ps->n; s++) {
        if (json_array_size(first_run(c->m, series_group(c->m, ps, s, 0))->cdf)) {
            series_t t = ps->s[keep];
            ps->s[keep++] = ps->s[s];
            ps->s[s] = t;
        }
    }
    plotset_truncate(ps, keep);
}

/* Each series' CDF as steps from (lo, 0) to (hi, 1), lo and hi the axis' ends, which fit the
 * data of all series (a margin around their least and greatest latency): so every curve
 * starts at 0 and ends at 1 inside the plot, and the axis spans what was measured, on a log
 * scale only when that spans a factor of 10 (plot-vars.gp: latency_cdf_lo, _hi, _log). A
 * point (x, F) says that a fraction F of the major faults took at most x (hist.c: bins'
 * upper edges). */
static void rows_cdf(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < ps->n; s++) {
        const json_t *cdf = first_run(c->m, series_group(c->m, ps, s, 0))->cdf;
        size_t n = json_array_size(cdf);
        if (!n)
            continue;
        double a = json_number_value(json_array_get(json_array_get(cdf, 0), 0)) / 1000.0;
        double b = json_number_value(json_array_get(json_array_get(cdf, n - 1), 0)) / 1000.0;
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    int logx = lo > 0 && hi / lo >= 10;
    if (logx) {
        lo /= 1.5;
        hi *= 1.5;
    } else {
        double pad = hi > lo ? (hi - lo) * 0.1 : hi * 0.2;
        lo = lo - pad > 0 ? lo - pad : 0;
        hi += pad > 0 ? pad : 1;
    }
    fprintf(c->vars, "latency_cdf_lo = %.12g\nlatency_cdf_hi = %.12g\nlatency_cdf_log = %d\n", lo, hi, logx);
    for (int s = 0; s < ps->n; s++) {
        const merge_run_t *r = first_run(c->m, series_group(c->m, ps, s, 0));
        size_t j;
        json_t *pt;
        fprintf(f, "%d\t", s);
        exp_put_num(f, lo);
        fputs("\t0\n", f);
        json_array_foreach(r->cdf, j, pt) {
            fprintf(f, "%d\t", s);
            exp_put_num(f, json_number_value(json_array_get(pt, 0)) / 1000.0);
            fputc('\t', f);
            exp_put_num(f, json_number_value(json_array_get(pt, 1)));
            fputc('\n', f);
        }
        fprintf(f, "%d\t", s);
        exp_put_num(f, hi);
        fputs("\t1\n\n\n", f);
    }
}

/* Fault rate and resident set over simulated time: one curve per grid point. */
static int needs_timeline(const plot_ctx_t *c)
{
    int any = 0;
    for (int i = 0; i < c->m->nruns; i++)
        any |= json_array_size(c->m->runs[i].timeline) > 1;
    return any;
}

static void series_per_point(const plot_ctx_t *c, plotset_t *ps)
{
    make_series(c, F_TRACE, 1, ps);
}

/* Each run's timeline, against simulated time and against accesses made (the sixth column,
 * in millions). The plot takes time, unless the runs' durations differ by more than 5x
 * (MRU against OPT on one trace: 100x), where the short runs would be squeezed into the
 * first pixels: then accesses, which every run of a trace shares (plot-vars.gp:
 * timeline_by_accesses). */
static void rows_timeline(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    double tmin = INFINITY, tmax = 0;
    for (int s = 0; s < ps->n; s++) {
        const json_t *tl = first_run(c->m, series_group(c->m, ps, s, 0))->timeline;
        size_t n = json_array_size(tl);
        double end = n ? exp_num_at(json_array_get(tl, n - 1), "time_ns") : NAN;
        if (end > 0) {
            tmin = end < tmin ? end : tmin;
            tmax = end > tmax ? end : tmax;
        }
    }
    fprintf(c->vars, "timeline_by_accesses = %d\n", tmax > 5 * tmin);
    for (int s = 0; s < ps->n; s++) {
        const merge_run_t *r = first_run(c->m, series_group(c->m, ps, s, 0));
        size_t j;
        json_t *pt;
        double acc = 0;
        json_array_foreach(r->timeline, j, pt) {
            double refs = exp_num_at(pt, "references"), faults = exp_num_at(pt, "faults");
            double res = exp_num_at(pt, "resident");
            acc += refs;
            fprintf(f, "%d\t", s);
            exp_put_num(f, exp_num_at(pt, "time_ns") / 1e6);
            fputc('\t', f);
            exp_put_num(f, refs > 0 ? faults * 1000.0 / refs : NAN);
            fputc('\t', f);
            exp_put_num(f, res);
            fputc('\t', f);
            exp_put_num(f, res * r->page_size / 1048576.0);
            fputc('\t', f);
            exp_put_num(f, acc / 1e6);
            fputc('\n', f);
        }
        if (!json_array_size(r->timeline))
            fprintf(f, "%d\tnan\tnan\tnan\tnan\tnan\n", s);
        fputs("\n\n", f);
    }
}

/* The thrashing curve: CPU utilization and throughput against the number of processes
 * (each run's process count: traces with more processes, or A+B grid points), only along a
 * family of points that are one workload at several process counts (merge_run_t.workload:
 * the same files, or specs that differ only in their processes' counts), never across
 * unrelated traces that happen to differ in processes. */
static int needs_procs(const plot_ctx_t *c)
{
    const merge_t *m = c->m;
    int vary = 0;
    for (int gi = 1; gi < m->ngroups; gi++)
        vary |= m->runs[m->groups[gi].first].nproc != m->runs[m->groups[0].first].nproc;
    return vary;
}

/* The series without the trace, each split by workload; a part is kept when it has two
 * process counts at least. A label names the workload when several are left. */
static void series_by_procs(const plot_ctx_t *c, plotset_t *ps)
{
    const merge_t *m = c->m;
    plotset_t all;
    make_series(c, F_TRACE, 0, &all);
    sort_series_by_x(m, &all, x_procs, NULL);
    memset(ps, 0, sizeof *ps);
    ps->at_frames = all.at_frames;
    ps->s = xcalloc((size_t)m->ngroups + 1, sizeof *ps->s, "the plots");
    const char **fam = xcalloc((size_t)m->ngroups + 1, sizeof *fam, "the plots");   /* per part */
    int families = 0;
    for (int s = 0; s < all.n; s++) {
        int *taken = xcalloc((size_t)all.s[s].n, sizeof *taken, "the plots");
        for (int i = 0; i < all.s[s].n; i++) {
            if (taken[i])
                continue;
            const merge_run_t *ri = first_run(m, &m->groups[all.s[s].g[i]]);
            series_t part = {.g = xcalloc((size_t)all.s[s].n, sizeof *part.g, "the plots")};
            int procs_vary = 0;
            for (int j = i; j < all.s[s].n; j++) {
                const merge_run_t *rj = first_run(m, &m->groups[all.s[s].g[j]]);
                if (taken[j] || strcmp(ri->workload, rj->workload))
                    continue;
                taken[j] = 1;
                procs_vary |= rj->nproc != ri->nproc;
                part.g[part.n++] = all.s[s].g[j];
            }
            if (!procs_vary) {
                free(part.g);
                continue;
            }
            families |= ps->n && strcmp(first_run(m, &m->groups[ps->s[0].g[0]])->workload, ri->workload);
            fam[ps->n] = ri->label;
            part.label = strv_dup(all.s[s].label);
            ps->s[ps->n++] = part;
        }
        free(taken);
    }
    if (families)   /* several workloads drawn: each label names its own (its first trace) */
        for (int s = 0; s < ps->n; s++) {
            char label[1600];
            snprintf(label, sizeof label, "%s (%s)", ps->s[s].label, fam[s]);
            free(ps->s[s].label);
            ps->s[s].label = strv_dup(label);
        }
    free(fam);
    plotset_free(&all);
}

static void rows_thrashing(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    for (int s = 0; s < ps->n; s++) {
        for (int i = 0; i < ps->s[s].n; i++) {
            const merge_group_t *g = series_group(c->m, ps, s, i);
            fprintf(f, "%d\t%ld", s, first_run(c->m, g)->nproc);
            double vals[4] = {100 * g->mean[M_CPU], 100 * g->ci[M_CPU], g->mean[M_TPUT], g->ci[M_TPUT]};
            put_stats(f, vals, 4, c->seeded);
        }
        fputs("\n\n", f);
    }
}

/* Per --set key: TLB miss ratio against TLB size; COW copies against the children's write
 * fraction. The key must vary and its values be numbers. */
static int key_numeric(const plot_ctx_t *c)
{
    double dummy;
    return field_varies(c, c->key) && exp_as_number(c->m->runs[0].kv[c->key], &dummy);
}

static int needs_tlb_key(const plot_ctx_t *c)
{
    return !strcmp(c->m->keys.v[c->key], "tlb.entries") && key_numeric(c);
}

static int needs_cow_key(const plot_ctx_t *c)
{
    return strstr(c->m->keys.v[c->key], "write_frac") != NULL && key_numeric(c);
}

static void series_by_key(const plot_ctx_t *c, plotset_t *ps)
{
    make_series(c, c->key, 0, ps);
    sort_series_by_x(c->m, ps, x_key, &c->key);
}

/* Rows x = the key's value: the TLB miss percentage, or the pages copied and their MiB. */
static void rows_by_key(const plot_ctx_t *c, FILE *f, const plotset_t *ps, int cow)
{
    for (int s = 0; s < ps->n; s++) {
        for (int i = 0; i < ps->s[s].n; i++) {
            const merge_group_t *g = series_group(c->m, ps, s, i);
            const merge_run_t *r = first_run(c->m, g);
            fprintf(f, "%d\t%s", s, r->kv[c->key]);
            double mib = r->page_size / 1048576.0;
            double vals[4] = {100 * g->mean[M_TLB], 100 * g->ci[M_TLB], NAN, NAN};
            if (cow) {
                vals[0] = g->mean[M_COPIED];
                vals[1] = g->ci[M_COPIED];
                vals[2] = g->mean[M_COPIED] * mib;
                vals[3] = g->ci[M_COPIED] * mib;
            }
            put_stats(f, vals, cow ? 4 : 2, c->seeded);
        }
        fputs("\n\n", f);
    }
}

static void rows_tlb(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    rows_by_key(c, f, ps, 0);
}

static void rows_cow_key(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    rows_by_key(c, f, ps, 1);
}

static void vars_cow_key(plot_ctx_t *c, FILE *v)
{
    fprintf(v, "cow_key = \"%s\"\n", c->m->keys.v[c->key]);
    c->cow_done = 1;
}

/* No write-fraction key: the children's write fraction may still differ between the
 * workload specs given as traces (one spec per write fraction). */
static int needs_cow_specs(const plot_ctx_t *c)
{
    const merge_t *m = c->m;
    double wf0 = NAN;
    int vary = 0;
    for (int gi = 0; gi < m->ngroups; gi++) {
        double w = m->runs[m->groups[gi].first].child_wf;
        if (isnan(w))
            continue;
        if (isnan(wf0))
            wf0 = w;
        vary |= w != wf0;
    }
    return !c->cow_done && vary;
}

static void series_by_cwf(const plot_ctx_t *c, plotset_t *ps)
{
    make_series(c, F_TRACE, 0, ps);
    sort_series_by_x(c->m, ps, x_cwf, NULL);
}

static void rows_cow_specs(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    for (int s = 0; s < ps->n; s++) {
        int rows = 0;
        for (int i = 0; i < ps->s[s].n; i++) {
            const merge_group_t *g = series_group(c->m, ps, s, i);
            const merge_run_t *r = first_run(c->m, g);
            if (isnan(r->child_wf))
                continue;
            double mib = r->page_size / 1048576.0;
            double vals[4] = {g->mean[M_COPIED], g->ci[M_COPIED], g->mean[M_COPIED] * mib, g->ci[M_COPIED] * mib};
            fprintf(f, "%d\t", s);
            exp_put_num(f, r->child_wf);
            put_stats(f, vals, 4, c->seeded);
            rows++;
        }
        if (!rows)
            fprintf(f, "%d\tnan\tnan\tnan\tnan\tnan\n", s);
        fputs("\n\n", f);
    }
}

static void vars_cow_specs(plot_ctx_t *c, FILE *v)
{
    fprintf(v, "cow_key = \"children's phases in the workload specs\"\n");
}

/* The faults table of a policies x frames grid (scripts/demo's faults.tsv): every grid
 * point, policy by policy, with its faults, accesses and faults per 1000 accesses rounded
 * to 4 decimals, numbers as jq prints them (the shortest text that reads back). */
static int needs_faults(const plot_ctx_t *c)
{
    for (int k = 0; k < c->m->keys.n; k++)
        if (field_varies(c, k))
            return 0;
    return field_varies(c, F_FRAMES) && !field_varies(c, F_TRACE);
}

static void put_shortest(FILE *f, double v)
{
    if (isnan(v) || v != floor(v) || fabs(v) >= 1e17) {
        char buf[64];
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v);
            if (strtod(buf, NULL) == v || isnan(v))
                break;
        }
        fputs(buf, f);
    } else {
        fprintf(f, "%.0f", v);
    }
}

static void rows_faults(const plot_ctx_t *c, FILE *f, const plotset_t *ps)
{
    const merge_t *m = c->m;
    for (int gi = 0; gi < m->ngroups; gi++) {
        const merge_group_t *g = &m->groups[gi];
        const merge_run_t *r = first_run(m, g);
        double faults = g->mean[M_FAULTS], acc = g->mean[M_ACCESSES];
        fprintf(f, "%s\t%ld\t", r->policy, r->frames);
        exp_put_num(f, faults);
        fputc('\t', f);
        exp_put_num(f, acc);
        fputc('\t', f);
        put_shortest(f, acc > 0 ? round(faults * 1000 / acc * 10000) / 10000 : 0);
        fputc('\n', f);
    }
}

/* Which note a plot's title gets. */
enum { NOTE_TRACE, NOTE_FIXED, NOTE_RUN, NOTE_FRAMES };

typedef struct plot_kind {
    const char *name;             /* DIR/<name>.tsv; <name>_n, _labels, _note in plot-vars.gp */
    const char *script;           /* scripts/<script> draws it (scripts/plot) */
    const char *header;           /* the TSV's first line */
    int per_key;                  /* tried for each --set key in turn (ctx->key) */
    int note;                     /* NOTE_*: the title's note */
    int (*needs)(const plot_ctx_t *c);                  /* the grid has its data */
    void (*series)(const plot_ctx_t *c, plotset_t *ps); /* its series (none: no plot) */
    void (*rows)(const plot_ctx_t *c, FILE *f, const plotset_t *ps);
    void (*vars)(plot_ctx_t *c, FILE *v);               /* more plot-vars.gp lines, or NULL */
    const char *caption;          /* what it shows, one sentence (report.html) */
} plot_kind_t;

/* In the order their lines appear in plot-vars.gp. */
static const plot_kind_t plot_kinds[] = {
    {"fault_rate", "fault_rate.gp",
     "# series\tframes\tmemory_mib\tfault_rate_per_1000\tfault_rate_ci95\tmiss_ratio\tmiss_ratio_ci95",
     0, NOTE_TRACE, needs_frames, series_by_frames, rows_fault_rate, NULL, "Page faults per 1000 references against memory size: how often each policy misses."},
    {"run_time", "run_time.gp",
     "# series\tframes\tmemory_mib\tsim_ms\tsim_ms_ci95\tns_per_access\tns_per_access_ci95",
     0, NOTE_TRACE, needs_frames, series_by_frames, rows_run_time, NULL, "Simulated run time against memory size: what those faults cost once the swap and file devices serve them, queueing included, beside the CPU time of the references."},
    {"latency_cdf", "latency_cdf.gp", "# series\tlatency_us\tfraction",
     0, NOTE_RUN, needs_cdf, series_cdf, rows_cdf, NULL, "The distribution of major-fault latency (fault to resumption, device queueing and service included), per grid point."},
    {"timeline", "timeline.gp", "# series\ttime_ms\tfault_rate_per_1000\tresident_frames\tresident_mib\taccesses_millions",
     0, NOTE_RUN, needs_timeline, series_per_point, rows_timeline, NULL, "Fault rate and resident set over each run, per grid point: phases show as bursts of faults while the resident set refills."},
    {"thrashing", "thrashing.gp",
     "# series\tprocesses\tcpu_utilization_pct\tcpu_utilization_ci95\tthroughput_per_s\tthroughput_ci95",
     0, NOTE_FRAMES, needs_procs, series_by_procs, rows_thrashing, NULL, "CPU utilization and throughput against the number of processes of one workload (Denning's thrashing curve)."},
    {"tlb", "tlb.gp", "# series\ttlb_entries\ttlb_miss_pct\ttlb_miss_ci95",
     1, NOTE_FIXED, needs_tlb_key, series_by_key, rows_tlb, NULL, "TLB miss ratio against the number of TLB entries."},
    {"cow", "cow.gp",
     "# series\twrite_fraction\tpages_copied\tpages_copied_ci95\textra_mib\textra_mib_ci95",
     1, NOTE_FIXED, needs_cow_key, series_by_key, rows_cow_key, vars_cow_key, "Pages copied because of fork (copy-on-write faults and eager copies) against the child's write fraction."},
    {"cow", "cow.gp",
     "# series\twrite_fraction\tpages_copied\tpages_copied_ci95\textra_mib\textra_mib_ci95",
     0, NOTE_FRAMES, needs_cow_specs, series_by_cwf, rows_cow_specs, vars_cow_specs, "Pages copied because of fork (copy-on-write faults and eager copies) against the child's write fraction."},
    {"faults", "faults.gp", "policy\tframes\tfaults\taccesses\tfaults_per_1000",
     0, NOTE_TRACE, needs_faults, series_by_frames, rows_faults, NULL, "The demo's table drawn: faults per 1000 accesses against memory size, per policy."},
};
#define N_KINDS (sizeof plot_kinds / sizeof *plot_kinds)

const char *plot_kind_name(size_t i, const char **caption)
{
    if (i >= N_KINDS)
        return NULL;
    if (caption)
        *caption = plot_kinds[i].caption;
    return plot_kinds[i].name;
}

/* ---------------------------------------------------------------- the driver */

static const char *plot_note(const plot_ctx_t *c, int note)
{
    switch (note) {
    case NOTE_FIXED: return c->fnote;
    case NOTE_RUN: return c->note2;
    case NOTE_FRAMES: return c->frnote;
    default: return c->tnote;
    }
}

/* One plot: its series, its TSV (written to a temporary name, checked and renamed), its
 * plot-vars.gp lines. -1 with err when the TSV could not be written whole. */
static int plot_one(plot_ctx_t *c, const plot_kind_t *k, sim_err_t *err)
{
    plotset_t ps;
    k->series(c, &ps);
    if (!ps.n) {
        plotset_free(&ps);
        return 0;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.tsv", c->m->dir, k->name);
    outfile_t o;
    int rc = outfile_open(&o, path, err);
    if (!rc) {
        fprintf(o.f, "%s\n", k->header);
        k->rows(c, o.f, &ps);
    }
    if (k->vars)
        k->vars(c, c->vars);
    if (!rc)
        rc = outfile_commit(&o, "a plot's data", err);
    vars_plot(c->vars, k->name, &ps, plot_note(c, k->note));
    plotset_free(&ps);
    return rc;
}

/* The notes of the titles: what the grid keeps fixed. */
static void plot_notes(plot_ctx_t *c)
{
    const merge_t *m = c->m;
    c->seeded = m->maxn > 1;
    if (!field_varies(c, F_TRACE))
        snprintf(c->tnote, sizeof c->tnote, "trace %s", m->runs[0].label);
    const char *seednote = c->seeded ? "lowest seed" : "";
    /* Notes for plots whose x axis is not memory: the fixed frame count too. */
    if (!field_varies(c, F_FRAMES))
        snprintf(c->fnote, sizeof c->fnote, "%s%s%ld frames", c->tnote, *c->tnote ? ", " : "", m->runs[0].frames);
    else
        snprintf(c->fnote, sizeof c->fnote, "%s", c->tnote);
    snprintf(c->note2, sizeof c->note2, "%s%s%s", c->fnote, *c->fnote && *seednote ? ", " : "", seednote);
    /* Plots against the process count or write fraction: the fixed frame count only. */
    c->frnote = field_varies(c, F_FRAMES) ? "" : c->fnote + (*c->tnote ? strlen(c->tnote) + 2 : 0);
}

/* Every kind the grid supports, in table order; a run of per-key kinds is tried for each
 * key in turn. */
static int plot_walk(plot_ctx_t *c, sim_err_t *err)
{
    for (size_t i = 0; i < N_KINDS;) {
        if (!plot_kinds[i].per_key) {
            if (plot_kinds[i].needs(c) && plot_one(c, &plot_kinds[i], err))
                return -1;
            i++;
            continue;
        }
        size_t j = i;
        while (j < N_KINDS && plot_kinds[j].per_key)
            j++;
        for (c->key = 0; c->key < c->m->keys.n; c->key++)
            for (size_t e = i; e < j; e++)
                if (plot_kinds[e].needs(c) && plot_one(c, &plot_kinds[e], err))
                    return -1;
        i = j;
    }
    return 0;
}

int plot_write_data(const merge_t *m, sim_err_t *err)
{
    char path[PATH_MAX], vpath[PATH_MAX];
    for (size_t i = 0; i < N_KINDS; i++)
        for (int e = 0; e < 3; e++) {
            snprintf(path, sizeof path, "%s/%s.%s", m->dir, plot_kinds[i].name, e == 0 ? "tsv" : e == 1 ? "png" : "svg");
            unlink(path);
        }
    snprintf(vpath, sizeof vpath, "%s/plot-vars.gp", m->dir);
    outfile_t vo;
    if (outfile_open(&vo, vpath, err))
        return err->kind;
    FILE *v = vo.f;
    plot_ctx_t c = {.m = m, .vars = v};
    c.varies = xcalloc((size_t)m->keys.n + 3, sizeof *c.varies, "the plots");
    for (int f = F_POLICY; f < m->keys.n; f++)
        c.varies[f + 3] = field_varies_scan(m, f);
    const char *dirbase = strrchr(m->dir, '/') ? strrchr(m->dir, '/') + 1 : m->dir;
    fputs("# plot-vars.gp - written by pagesim merge: titles and series labels for scripts/*.gp\n", v);
    fputs("exp = ", v);
    put_gp_string(v, m->title ? m->title : dirbase);
    fprintf(v, "\nseeds = %d\npage_bytes = %ld\n", m->maxn, m->runs[0].page_size);
    plot_notes(&c);
    int rc = plot_walk(&c, err);
    free(c.varies);
    if (rc) {
        outfile_abort(&vo);
        return rc;
    }
    return outfile_commit(&vo, "the plot variables", err);
}

/* ---------------------------------------------------------------- drawing */

/* scripts/plot, beside the binary's build or install tree or in $PAGESIM_SCRIPTS, into
 * script (with exe, the binary's directory); 0 when found. */
static int plot_find_script(char *script, size_t n, char *exe, size_t exen)
{
    char cand[4][PATH_MAX + 64];
    exe[0] = '\0';
    ssize_t len = readlink("/proc/self/exe", exe, exen - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
    }
    const char *env = getenv("PAGESIM_SCRIPTS");
    snprintf(cand[0], sizeof cand[0], "%s/plot", env ? env : "");
    snprintf(cand[1], sizeof cand[1], "%s/../scripts/plot", exe);
    snprintf(cand[2], sizeof cand[2], "%s/scripts/plot", exe);
    snprintf(cand[3], sizeof cand[3], "%s/../share/pagesim/scripts/plot", exe);
    for (int i = env ? 0 : 1; i < 4; i++)
        if (access(cand[i], X_OK) == 0) {
            snprintf(script, n, "%s", cand[i]);
            return 0;
        }
    return -1;
}

void plot_render(const char *dir)
{
    char exe[PATH_MAX] = "", script[PATH_MAX + 64];
    if (plot_find_script(script, sizeof script, exe, sizeof exe)) {
        fprintf(stderr, "pagesim: plots skipped: scripts/plot not found (set PAGESIM_SCRIPTS to the scripts directory)\n");
        return;
    }
    /* scripts/plot --no-merge DIR NAME=SCRIPT...: each kind once */
    char pairs[N_KINDS][128];
    char *argv[N_KINDS + 4];
    int argc = 0;
    argv[argc++] = script;
    argv[argc++] = "--no-merge";
    argv[argc++] = (char *)dir;
    for (size_t i = 0; i < N_KINDS; i++) {
        snprintf(pairs[i], sizeof pairs[i], "%s=%s", plot_kinds[i].name, plot_kinds[i].script);
        int dup = 0;
        for (int a = 3; a < argc; a++)
            dup |= !strcmp(argv[a], pairs[i]);
        if (!dup)
            argv[argc++] = pairs[i];
    }
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        char self[PATH_MAX + 16];
        snprintf(self, sizeof self, "%s/pagesim", exe);
        setenv("PAGESIM", self, 0);
        dup2(2, 1);   /* stdout of a sweep is for the user's pipe: chatter goes to stderr */
        execv(script, argv);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        fprintf(stderr, "pagesim: warning: %s --no-merge %s failed\n", script, dir);
}
