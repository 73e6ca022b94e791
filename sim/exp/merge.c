/* merge.c - a runs folder turned into one table with confidence intervals (see merge.h).
 *
 * Merge recovers each run's grid point from its echoed config (policy, memory.frames, the
 * --set keys, seed, traces), so it needs nothing but the runs; DIR/sweep.json (written by
 * sweep) only supplies the key list, the order of rows, and the experiment's title. Without
 * it the keys are the config keys that differ between runs. A point's runs must be its
 * seeds: two runs of one point and seed, or runs of different configurations falling in one
 * row, are refused, so seeds are only ever seeds. Seeds are aggregated with the sample mean
 * and a 95% confidence half-width t_{0.975,n-1} s / sqrt(n) (Student's t, GSL's
 * gsl_cdf_tdist_Pinv; e.g. Jain, "The Art of Computer Systems Performance Analysis", §13.2).
 * The plots (plot.c) are drawn from the same groups. Cost: each run's JSON is loaded once
 * and only its scalars plus the (short) latency CDF and timeline arrays are kept; rows are
 * sorted with qsort_r (the merge as context: no global state). */
#include "merge.h"
#include "exp.h"
#include "sim/base/outfile.h"
#include "plot.h"
#include "report.h"
#include "sim/sim.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const merge_metric_t merge_metrics[M_N] = {
    [M_FAULTS] = {"faults", "faults.total", 1},
    [M_MISS] = {"miss_ratio", "miss_ratio", 1},
    [M_MAJOR] = {"major_faults", "faults.major", 1},
    [M_REFS] = {"references", "references", 1},
    [M_SIMNS] = {"sim_ns", "time.sim_ns", 1},
    [M_CPU] = {"cpu_utilization", "cpu.utilization", 1},
    [M_TPUT] = {"throughput_per_s", "throughput.accesses_per_s", 1},
    [M_TLB] = {"tlb_miss_ratio", "tlb.miss_ratio", 1},
    [M_COW] = {"cow_copies", "cow.copies", 1},
    [M_RESPEAK] = {"resident_peak", "memory.resident_peak", 1},
    [M_EAGER] = {"cow_eager_copies", "cow.eager_copies", 1},
    [M_FRATE] = {"fault_rate", NULL, 0},   /* faults per 1000 references, for the plot */
    [M_COPIED] = {"pages_copied", NULL, 0}, /* COW copies at faults + eager copies at fork */
    [M_ACCESSES] = {"accesses", "accesses", 0},   /* the faults table's (plot.c) */
    [M_NSACC] = {"ns_per_access", NULL, 0},       /* simulated time per access, for the plot */
};

static void merge_free(merge_t *m)
{
    free(m->title);
    for (int i = 0; i < m->nruns; i++) {
        merge_run_t *r = &m->runs[i];
        free(r->file);
        free(r->policy);
        free(r->trace_key);
        free(r->label);
        free(r->workload);
        for (int k = 0; k < m->keys.n; k++)
            free(r->kv[k]);
        free(r->kv);
        json_decref(r->cdf);
        json_decref(r->timeline);
        json_decref(r->cfg);
    }
    free(m->runs);
    free(m->groups);
    for (int k = 0; k < m->keys.n; k++)
        strv_free(&m->key_order[k]);
    free(m->key_order);
    strv_free(&m->keys);
    strv_free(&m->pol_order);
    strv_free(&m->trace_order);
}

/* ---------------------------------------------------------------- order */

static int cmp_text(const char *a, const char *b, const strv_t *order)
{
    int ia = order ? strv_find(order, a) : -1, ib = order ? strv_find(order, b) : -1;
    if (ia >= 0 && ib >= 0)
        return (ia > ib) - (ia < ib);
    if ((ia >= 0) != (ib >= 0))
        return ia >= 0 ? -1 : 1;
    double x, y;
    if (exp_as_number(a, &x) && exp_as_number(b, &y) && x != y)
        return (x > y) - (x < y);
    return strcmp(a, b);
}

/* Orders runs by grid point (sweep order where known), then seed. */
static int cmp_point(const merge_run_t *a, const merge_run_t *b, const merge_t *m)
{
    int c = cmp_text(a->policy, b->policy, &m->pol_order);
    if (c)
        return c;
    if (a->frames != b->frames)
        return (a->frames > b->frames) - (a->frames < b->frames);
    for (int k = 0; k < m->keys.n; k++)
        if ((c = cmp_text(a->kv[k], b->kv[k], &m->key_order[k])))
            return c;
    return cmp_text(a->trace_key, b->trace_key, &m->trace_order);
}

static int cmp_run(const void *pa, const void *pb, void *ctx)
{
    const merge_run_t *a = pa, *b = pb;
    int c = cmp_point(a, b, ctx);
    if (c)
        return c;
    if (a->failed != b->failed)
        return a->failed - b->failed;
    if (a->seed != b->seed)
        return (a->seed > b->seed) - (a->seed < b->seed);
    return strcmp(a->file, b->file);
}

/* ---------------------------------------------------------------- reading */

/* Reads DIR/sweep.json if there is one. */
static int merge_load_sweep_json(merge_t *m, sim_err_t *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweep.json", m->dir);
    if (access(path, F_OK))
        return 0;
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        return sim_err_set(err, SIM_EINPUT, "%s:%d: %s", path, je.line, je.text);
    m->has_sweep_json = 1;
    const char *t = json_string_value(json_object_get(doc, "title"));
    if (t && *t)
        m->title = strv_dup(t);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "policies"), i, v)
        if (json_is_string(v))
            strv_push(&m->pol_order, strv_dup(json_string_value(v)));
    json_array_foreach(json_object_get(doc, "keys"), i, v) {
        const char *key = json_string_value(json_object_get(v, "key"));
        if (!key || strv_find(&m->keys, key) >= 0)
            continue;
        strv_push(&m->keys, strv_dup(key));
        m->key_order = xrealloc(m->key_order, (size_t)m->keys.n * sizeof *m->key_order, "the merge");
        strv_t *o = &m->key_order[m->keys.n - 1];
        memset(o, 0, sizeof *o);
        size_t j;
        json_t *val;
        json_array_foreach(json_object_get(v, "values"), j, val)
            if (json_is_string(val))
                strv_push(o, strv_dup(json_string_value(val)));
    }
    json_array_foreach(json_object_get(doc, "traces"), i, v) {
        char buf[8192] = "";
        size_t j;
        json_t *f;
        json_array_foreach(v, j, f)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", j ? "+" : "",
                     json_string_value(f) ? json_string_value(f) : "");
        strv_push(&m->trace_order, strv_dup(buf));
    }
    json_decref(doc);
    return 0;
}

/* Config keys (dotted) whose values differ between a and b, added to keys. */
static void diff_keys(const json_t *a, const json_t *b, const char *prefix, strv_t *keys)
{
    const char *k;
    json_t *va;
    json_object_foreach((json_t *)a, k, va) {
        char full[256];
        snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", k);
        json_t *vb = json_object_get(b, k);
        if (json_is_object(va) && json_is_object(vb)) {
            diff_keys(va, vb, full, keys);
            continue;
        }
        if (json_equal(va, vb) || strv_find(keys, full) >= 0)
            continue;
        if (!exp_grid_key(full))
            strv_push(keys, strv_dup(full));
    }
}

/* The write fraction of the forked children in a synthetic workload spec (gen_synth.c): the
 * reference-weighted mean of their phases' write_fraction; NAN when path is not a spec or
 * has no child. Only *.json files are opened: traces can be gigabytes. */
static double child_write_fraction(const char *path)
{
    if (!exp_has_suffix(path, ".json"))
        return NAN;
    json_t *doc = json_load_file(path, 0, NULL);
    double refs = 0, writes = 0;
    size_t i, j;
    json_t *p, *ph;
    json_array_foreach(json_object_get(doc, "processes"), i, p) {
        if (json_integer_value(json_object_get(p, "parent")) <= 0)
            continue;
        double count = json_is_integer(json_object_get(p, "count")) ?
                       (double)json_integer_value(json_object_get(p, "count")) : 1;
        json_array_foreach(json_object_get(p, "phases"), j, ph) {
            double n = json_number_value(json_object_get(ph, "references")) * count;
            refs += n;
            writes += n * json_number_value(json_object_get(ph, "write_fraction"));
        }
    }
    json_decref(doc);
    return refs > 0 ? writes / refs : NAN;
}

/* What one input is as a workload, whatever its number of processes: a synthetic spec
 * (gen_synth.c) without its comment and its processes' counts (thrash-2.json and
 * thrash-8.json are one workload), else the file's path. Only *.json files are opened. */
static char *workload_of(const char *path)
{
    json_t *doc = exp_has_suffix(path, ".json") ? json_load_file(path, 0, NULL) : NULL;
    if (!json_is_object(doc) || !json_is_array(json_object_get(doc, "processes"))) {
        json_decref(doc);
        return strv_dup(path);
    }
    json_object_del(doc, "_comment");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "processes"), i, p)
        json_object_del(p, "count");
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    char *w = strv_dup(text ? text : path);
    free(text);
    return w;
}

/* A run's workload (workload_of each input; A+A+B is the workload of A and B): the distinct
 * ones, sorted, one per line. */
static char *run_workload(const json_t *traces)
{
    strv_t w = {0};
    size_t j;
    json_t *t;
    json_array_foreach(traces, j, t) {
        char *one = workload_of(json_string_value(t) ? json_string_value(t) : "");
        if (strv_find(&w, one) >= 0)
            free(one);
        else
            strv_push(&w, one);
    }
    strv_sort(&w);
    size_t n = 1;
    for (int i = 0; i < w.n; i++)
        n += strlen(w.v[i]) + 1;
    char *out = xcalloc(n, 1, "the merge");
    for (int i = 0; i < w.n; i++) {
        strcat(out, w.v[i]);
        strcat(out, "\n");
    }
    strv_free(&w);
    return out;
}

/* One run from its document: its grid point, its numbers, its curves. */
static void merge_read_run(const merge_t *m, merge_run_t *r, const char *file, const json_t *doc)
{
    const json_t *cfg = json_object_get(doc, "config");
    r->file = strv_dup(file);
    r->failed = json_object_get(doc, "failed") != NULL;
    r->cfg = exp_canon(cfg, 0);
    json_object_del(r->cfg, "seed");
    r->policy = exp_value_text(json_object_get(cfg, "policy"));
    double fr = exp_num_at(doc, "memory.frames");
    r->frames = isnan(fr) ? (long)json_integer_value(json_object_get(cfg, "frames")) : (long)fr;
    r->seed = (long)json_integer_value(json_object_get(doc, "seed"));
    double ps = exp_num_at(doc, "memory.page_size");
    r->page_size = isnan(ps) ? 4096 : (long)ps;
    r->nproc = (long)json_array_size(json_object_get(doc, "processes"));
    r->kv = xcalloc((size_t)m->keys.n + 1, sizeof *r->kv, "the merge");
    for (int k = 0; k < m->keys.n; k++)
        r->kv[k] = exp_value_text(exp_dotted(cfg, m->keys.v[k]));
    char key[8192] = "", label[2048] = "";
    size_t j;
    json_t *t;
    json_array_foreach(json_object_get(doc, "traces"), j, t) {
        const char *s = json_string_value(t) ? json_string_value(t) : "";
        const char *base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
        snprintf(key + strlen(key), sizeof key - strlen(key), "%s%s", j ? "+" : "", s);
        snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s", j ? "+" : "", base);
    }
    r->child_wf = NAN;
    json_array_foreach(json_object_get(doc, "traces"), j, t) {
        double w = json_string_value(t) ? child_write_fraction(json_string_value(t)) : NAN;
        if (!isnan(w))
            r->child_wf = w;
    }
    r->trace_key = strv_dup(key);
    r->workload = run_workload(json_object_get(doc, "traces"));
    r->label = strv_dup(label);
    for (int k = 0; k < M_N; k++)
        r->m[k] = merge_metrics[k].path ? exp_num_at(doc, merge_metrics[k].path) : NAN;
    r->m[M_FRATE] = r->m[M_REFS] > 0 ? r->m[M_FAULTS] * 1000.0 / r->m[M_REFS] : NAN;
    r->m[M_COPIED] = r->m[M_COW] + (isnan(r->m[M_EAGER]) ? 0 : r->m[M_EAGER]);
    r->m[M_NSACC] = r->m[M_ACCESSES] > 0 ? r->m[M_SIMNS] / r->m[M_ACCESSES] : NAN;
    if (r->failed)
        r->m[M_COPIED] = NAN;
    r->cdf = json_incref((json_t *)exp_dotted(doc, "latency.major_fault_cdf"));
    r->timeline = json_incref(json_object_get(doc, "timeline"));
}

static int merge_load_runs(merge_t *m, sim_err_t *err)
{
    char rdir[PATH_MAX];
    snprintf(rdir, sizeof rdir, "%s/runs", m->dir);
    strv_t files = {0};
    if (exp_list_runs(rdir, &files))
        return sim_err_set(err, SIM_EINPUT, "%s: %s", rdir, strerror(errno));
    if (!files.n) {
        sim_err_set(err, SIM_EINPUT, "%s: no run results (*.json)", rdir);
        strv_free(&files);
        return -1;
    }
    strv_sort(&files);

    json_t **docs = xcalloc((size_t)files.n, sizeof *docs, "the merge");
    int rc = 0;
    for (int i = 0; i < files.n && !rc; i++) {
        char path[PATH_MAX + 256];
        json_error_t je;
        snprintf(path, sizeof path, "%s/%s", rdir, files.v[i]);
        docs[i] = json_load_file(path, 0, &je);
        if (!docs[i] || !json_is_object(json_object_get(docs[i], "config"))) {
            sim_err_set(err, SIM_EINPUT, "%s:%d: %s", path, docs[i] ? 1 : je.line,
                        docs[i] ? "not a pagesim results document (no \"config\")" : je.text);
            rc = -1;
        }
    }
    if (!rc && !m->has_sweep_json)   /* no sweep.json: the keys that differ */
        for (int i = 1; i < files.n; i++)
            diff_keys(json_object_get(docs[0], "config"), json_object_get(docs[i], "config"), "", &m->keys);
    if (!m->key_order)
        m->key_order = xcalloc((size_t)m->keys.n + 1, sizeof *m->key_order, "the merge");

    m->runs = xcalloc((size_t)files.n, sizeof *m->runs, "the merge");
    for (int i = 0; i < files.n && !rc; i++) {
        merge_run_t *r = &m->runs[m->nruns++];
        merge_read_run(m, r, files.v[i], docs[i]);
        m->nfailed += r->failed;
    }
    for (int i = 0; i < files.n; i++)
        json_decref(docs[i]);
    free(docs);
    strv_free(&files);
    return rc;
}

/* ---------------------------------------------------------------- statistics */

static double ci95(const double *x, int n)
{
    if (n < 2)
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd(x, 1, (size_t)n) / sqrt((double)n);
}

/* The mean and confidence half-width of every metric over group g's results (x: scratch of
 * at least g->n). */
static void merge_group_stats(const merge_t *m, merge_group_t *g, double *x)
{
    for (int k = 0; k < M_N; k++) {
        for (int r = 0; r < g->n; r++)
            x[r] = m->runs[g->first + r].m[k];
        g->mean[k] = g->n ? gsl_stats_mean(x, 1, (size_t)g->n) : NAN;
        g->ci[k] = ci95(x, g->n);
    }
}

/* Run a of group g (runs from g->first): counts it, or -1 with err when it is a copy of an
 * earlier seed or another experiment. A failure record next to a result of its seed is stale
 * and dropped. */
static int merge_group_add(const merge_t *m, merge_group_t *g, int a, sim_err_t *err)
{
    const merge_run_t *ra = &m->runs[a], *r0 = &m->runs[g->first];
    char why[600] = "";
    int dup = 0;
    for (int b = g->first; b < a && !dup; b++)
        dup = m->runs[b].seed == ra->seed;
    if (dup && !ra->failed)
        return sim_err_set(err, SIM_EINPUT, "%s/runs: %s and %s are the same grid point and seed %ld: "
                           "remove one (seeds are averaged, copies must not be)", m->dir,
                           m->runs[a - 1].file, ra->file, ra->seed);
    if (!json_equal(ra->cfg, r0->cfg) && exp_first_diff(ra->cfg, r0->cfg, "", why, sizeof why))
        return sim_err_set(err, SIM_EINPUT, "%s/runs: %s and %s fall in one summary row but are different "
                           "experiments (%s): merge them apart", m->dir, ra->file, r0->file, why);
    if (ra->failed && !dup)
        g->nfail++;
    else if (!ra->failed)
        g->n++;
    return 0;
}

/* Groups the runs by grid point; a point's runs must be its seeds: equal configurations but
 * for the seed, each seed once. -1 with err otherwise: two runs of one point averaged as
 * seeds would report a confidence interval of nothing. */
static int merge_make_groups(merge_t *m, sim_err_t *err)
{
    qsort_r(m->runs, (size_t)m->nruns, sizeof *m->runs, cmp_run, m);
    m->groups = xcalloc((size_t)m->nruns, sizeof *m->groups, "the merge");
    double *x = xcalloc((size_t)m->nruns, sizeof *x, "the merge");
    int rc = 0;
    for (int i = 0; i < m->nruns && !rc;) {
        int j = i + 1;
        while (j < m->nruns && !cmp_point(&m->runs[i], &m->runs[j], m))
            j++;
        merge_group_t *g = &m->groups[m->ngroups++];
        g->first = i;
        for (int a = i; a < j && !rc; a++)
            rc = merge_group_add(m, g, a, err);
        if (g->n > m->maxn)
            m->maxn = g->n;
        merge_group_stats(m, g, x);
        i = j;
    }
    free(x);
    return rc;
}

/* ---------------------------------------------------------------- summary.tsv */

static void summary_header(FILE *f, const merge_t *m)
{
    fputs("policy\tframes", f);
    for (int k = 0; k < m->keys.n; k++)
        fprintf(f, "\t%s", m->keys.v[k]);
    fputs("\ttrace\tseeds\tprocesses", f);
    for (int k = 0; k < M_N; k++)
        if (merge_metrics[k].in_summary)
            fprintf(f, "\t%s", merge_metrics[k].col);
    if (m->maxn > 1) {
        fputs("\tfaults_mean\tfaults_ci95\tmiss_ratio_mean\tmiss_ratio_ci95", f);
        for (int k = 0; k < M_N; k++)
            if (merge_metrics[k].in_summary && k != M_FAULTS && k != M_MISS)
                fprintf(f, "\t%s_ci95", merge_metrics[k].col);
    }
    if (m->nfailed)   /* only when a run failed: summaries of clean sweeps keep their bytes */
        fputs("\tfailed", f);
    fputc('\n', f);
}

static void summary_row(FILE *f, const merge_t *m, const merge_group_t *g)
{
    const merge_run_t *r = &m->runs[g->first];
    fprintf(f, "%s\t%ld", r->policy, r->frames);
    for (int k = 0; k < m->keys.n; k++)
        fprintf(f, "\t%s", r->kv[k]);
    fprintf(f, "\t%s\t%d\t%ld", r->label, g->n, r->nproc);
    for (int k = 0; k < M_N; k++)
        if (merge_metrics[k].in_summary) {
            fputc('\t', f);
            exp_put_num(f, g->mean[k]);
        }
    if (m->maxn > 1) {   /* a point of one run (deterministic: sweep ran it once) has no CI: blank */
        for (int k = 0; k < 2; k++) {
            int mk = k ? M_MISS : M_FAULTS;
            fputc('\t', f);
            exp_put_num(f, g->mean[mk]);
            fputc('\t', f);
            if (g->n > 1)
                exp_put_num(f, g->ci[mk]);
        }
        for (int k = 0; k < M_N; k++)
            if (merge_metrics[k].in_summary && k != M_FAULTS && k != M_MISS) {
                fputc('\t', f);
                if (g->n > 1)
                    exp_put_num(f, g->ci[k]);
            }
    }
    if (m->nfailed)
        fprintf(f, "\t%d", g->nfail);
    fputc('\n', f);
}

static int merge_write_summary(const merge_t *m, sim_err_t *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.tsv", m->dir);
    outfile_t o;
    if (outfile_open(&o, path, err))
        return err->kind;
    summary_header(o.f, m);
    for (int gi = 0; gi < m->ngroups; gi++)
        summary_row(o.f, m, &m->groups[gi]);
    return outfile_commit(&o, "the summary", err);
}

int merge_dir(const char *dir, const char *title, int no_plots)
{
    merge_t m = {.dir = dir};
    sim_err_t err;
    int rc = 1;
    if (merge_load_sweep_json(&m, &err) || merge_load_runs(&m, &err))
        goto out;
    if (title) {
        free(m.title);
        m.title = strv_dup(title);
    }
    if (merge_make_groups(&m, &err))
        goto out;
    if (merge_write_summary(&m, &err) || plot_write_data(&m, &err))
        goto out;
    fprintf(stderr, "pagesim: %s/summary.tsv: %d grid points from %d runs\n", dir, m.ngroups, m.nruns);
    if (!no_plots)
        plot_render(dir);
    const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    if (report_write(dir, m.title ? m.title : base, &err))
        goto out;
    fprintf(stderr, "pagesim: %s/report.html\n", dir);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "pagesim: %s\n", err.msg);
    merge_free(&m);
    return rc;
}
