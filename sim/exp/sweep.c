/* sweep.c - experiment grids: run them in parallel, resume them, hand them to a cluster, and
 * turn their per-run JSON into one table with confidence intervals and plot data.
 *
 * A sweep is the cross product policies x frames x each --set key's values x seeds x traces.
 * Each grid point is one `pagesim run`, written to DIR/runs/<name>.json where the name is
 * built from the point's coordinates alone (policy, frames, key=value, seed, trace), so it is
 * stable across invocations, and a re-run resumes: a point is done when its file is a
 * complete result of exactly its configuration (the full effective config as the engine
 * echoes it), traces and pagesim version and schema. A file that does not parse (0 bytes
 * after a crash of the machine, cut short) runs again, said on stderr. A complete result of
 * anything else in DIR/runs - the point under other options, or a run that differs from this
 * sweep in more than the grid's coordinates - is another experiment, and the sweep refuses
 * it (exit 2, naming the file and the first key that differs) rather than report old
 * numbers as new or mix two experiments in one summary: one DIR holds one experiment.
 * The same files let GNU parallel or a Slurm array run the grid from a jobs file (one
 * `pagesim run ... -o DIR/runs/<name>.json` per line) with `pagesim merge` summarizing
 * afterwards: the direct sweep summarizes through the very same merge, so both paths produce
 * the same summary.tsv by construction.
 *
 * Grid points that would be one run are refused up front: -f with --set memory (memory
 * decides the frames) and any two points whose configurations and traces are equal as the
 * engine reads them; merge refuses two runs of one point and seed, or runs of different
 * configurations falling in one row, so seeds are only ever seeds.
 *
 * Each point runs in a forked worker process, at most -j at a time: the engine has no global
 * state, so a worker is a plain call of sim_run_to_file, and a crash (a signal, an abort, the
 * kernel's out-of-memory kill) or an error ends that run only. The sweep names it on stderr,
 * writes DIR/runs/<name>.failed (its config, traces and why; removed when a later sweep runs
 * it through), goes on, and exits 1; merge shows such points with a `failed` column (only
 * when there are any). Workers die with the sweep (PR_SET_PDEATHSIG): after a kill -9 the
 * next sweep resumes from the finished files. Every point's configuration is built up front
 * in the parent, so a bad key or value is reported before anything runs. Cost: one fork per
 * point (the parent is small: the grid, one JSON config per point); merge loads each run's
 * JSON once and keeps its scalars plus the (short) latency CDF and timeline arrays.
 *
 * Every file the sweep and merge write (summary.tsv, the plot data, plot-vars.gp, the jobs
 * file, the runs) goes to a temporary name, is checked (fflush, ferror, fsync, fclose) and renamed:
 * on a full disk a file is whole or absent, and the command says so and exits 1.
 *
 * Merge recovers each run's grid point from its echoed config (policy, memory.frames, the
 * --set keys, seed, traces), so it needs nothing but the runs; DIR/sweep.json (written by
 * sweep) only supplies the key list, the order of rows, and the experiment's title. Without
 * it the keys are the config keys that differ between runs. Seeds are aggregated with the
 * sample mean and a 95% confidence half-width t_{0.975,n-1} s / sqrt(n) (Student's t, GSL's
 * gsl_cdf_tdist_Pinv; e.g. Jain, "The Art of Computer Systems Performance Analysis", §13.2).
 *
 * Plots: merge writes one TSV per plot that the grid supports (DIR/<plot>.tsv, one block per
 * series separated by two blank lines, so gnuplot's `index` selects a series) and
 * DIR/plot-vars.gp (title, series labels, notes), then runs scripts/plot, which draws each
 * present TSV with scripts/<plot>.gp. Curves per run (latency CDF, timeline) take each
 * grid point's lowest seed; when a plot would have more than 8 series and frames vary, it is
 * drawn at the median frame count only (said in its title). */
#include "sweep.h"
#include "sim/cli/cliopts.h"
#include "sim/sim.h"
#include "sim/base/spec.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- small helpers */

typedef struct strv { char **v; int n, cap; } strv_t;

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p)
        abort();
    return p;
}

static void strv_push(strv_t *s, char *str)   /* takes ownership */
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
        if (!s->v)
            abort();
    }
    s->v[s->n++] = str;
}

static void strv_free(strv_t *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int strv_find(const strv_t *s, const char *str)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], str))
            return i;
    return -1;
}

/* Splits a comma-separated list. A piece that looks like a parameter (has '=' but no ':')
 * continues the previous piece when that one has parameters (NAME:k=v), so policy and device
 * specs keep their own commas: "arc:p=1,q=2,lru" is {"arc:p=1,q=2", "lru"}. */
static void split_list(const char *arg, strv_t *out)
{
    char *buf = xstrdup(arg), *save = NULL;
    int first = out->n;
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (out->n > first && strchr(p, '=') && !strchr(p, ':') && strchr(out->v[out->n - 1], ':')) {
            char *prev = out->v[out->n - 1];
            size_t n = strlen(prev) + strlen(p) + 2;
            char *j = malloc(n);
            snprintf(j, n, "%s,%s", prev, p);
            free(prev);
            out->v[out->n - 1] = j;
        } else {
            strv_push(out, xstrdup(p));
        }
    }
    free(buf);
}

/* Numbers follow the one rule of spec.h's parse_int (decimal or 0x hex; 010 is ten). */
static int parse_long(const char *s, long *out)
{
    long long v;
    if (parse_int(s, &v) || v < LONG_MIN || v > LONG_MAX)
        return -1;
    *out = (long)v;
    return 0;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Frame lists: "A,B,C", ranges "A:B:STEP" (A, A+STEP, ... <= B) and "A:B:xF" (A, A*F, ...
 * <= B), mixed. Values keep their order; duplicates are dropped. */
static int parse_frames(const char *arg, long **vals, int *n, char *err)
{
    char *buf = xstrdup(arg), *save = NULL;
    int rc = 0;
    for (char *p = strtok_r(buf, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save)) {
        char *c1 = strchr(p, ':');
        long a, b, step = 0, mul = 0;
        if (!c1) {
            if (parse_long(p, &a) || a < 1)
                rc = -1;
            b = a;
            step = 1;
        } else {
            char *c2 = strchr(c1 + 1, ':');
            *c1 = '\0';
            if (c2)
                *c2 = '\0';
            if (!c2 || parse_long(p, &a) || parse_long(c1 + 1, &b) || a < 1 || b < a)
                rc = -1;
            else if (c2[1] == 'x' || c2[1] == '*')
                rc = parse_long(c2 + 2, &mul) || mul < 2 ? -1 : 0;
            else
                rc = parse_long(c2 + 1, &step) || step < 1 ? -1 : 0;
        }
        if (rc) {
            snprintf(err, SIM_ERR_LEN, "bad frame list '%s' (want N, A:B:STEP or A:B:xFACTOR, "
                     "comma-separated, positive, A <= B)", arg);
            break;
        }
        for (long v = a; v <= b; v = mul ? v * mul : v + step) {
            int dup = 0;
            for (int i = 0; i < *n; i++)
                dup |= (*vals)[i] == v;
            if (!dup) {
                *vals = realloc(*vals, (size_t)(*n + 1) * sizeof **vals);
                (*vals)[(*n)++] = v;
            }
            if (*n > 100000 || (mul && v > LONG_MAX / mul) || (!mul && v > LONG_MAX - step)) {
                snprintf(err, SIM_ERR_LEN, "frame list '%s' is too long", arg);
                rc = -1;
                break;
            }
        }
    }
    free(buf);
    return rc;
}

/* A file-name-safe form of s: letters, digits and . = + - stay, anything else becomes '-'. */
static void sanitize_cat(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(dst);
    for (; *s && n + 1 < cap; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '=' || c == '+' || c == '-';
        dst[n++] = ok ? c : '-';
    }
    dst[n] = '\0';
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The value of a dotted config key as text (integers plainly, booleans as true/false). */
static char *json_value_text(const json_t *v)
{
    char buf[64];
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
    else if (json_is_true(v))
        snprintf(buf, sizeof buf, "true");
    else if (json_is_false(v))
        snprintf(buf, sizeof buf, "false");
    else
        buf[0] = '\0';
    return xstrdup(buf);
}

static const json_t *json_dotted(const json_t *obj, const char *key)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    char *part = buf, *dot;
    while ((dot = strchr(part, '.'))) {
        *dot = '\0';
        obj = json_object_get(obj, part);
        part = dot + 1;
    }
    return json_object_get(obj, part);
}

static double json_num_at(const json_t *obj, const char *key)
{
    const json_t *v = json_dotted(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Whether s parses completely as a number (for ordering and plotting key values). */
static int as_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return 0;
    double v = strtod(s, &end);
    if (*end)
        return 0;
    *out = v;
    return 1;
}

static void shell_quote_cat(FILE *f, const char *s)
{
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%", *p))
            plain = 0;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = s; *p; p++)
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    fputc('\'', f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fmt_duration(char *buf, size_t n, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, n, "--");
    else if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

static int mkdir_p(const char *path, char *err)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) {
                snprintf(err, SIM_ERR_LEN, "%s: cannot create directory: %s", buf, strerror(errno));
                return -1;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    return 0;
}

/* Writes text to path through a temporary file and rename, like the runs' JSON. */
static FILE *atomic_open(const char *path, char *tmp, size_t tmplen)
{
    snprintf(tmp, tmplen, "%s.tmp.%ld", path, (long)getpid());
    return fopen(tmp, "w");
}

static int atomic_close(FILE *f, const char *tmp, const char *path, char *err)
{
    int bad = fflush(f) || ferror(f) || fsync(fileno(f)), e = errno;   /* on disk before the rename */
    if (fclose(f) && !bad)
        bad = 1, e = errno;
    if (bad || rename(tmp, path)) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", path, strerror(bad ? (e ? e : EIO) : errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the grid */

/* `pagesim run` options a sweep passes through unchanged, in the order given. */
typedef struct runopt { const cliopt_t *opt; char *value; } runopt_t;

typedef struct setkey { char *key; strv_t vals; } setkey_t;

typedef struct point {
    char *name, *desc;            /* file stem; "policy=lru frames=64 ... trace=x" */
    int pol, fr, seed, tr, *kv;   /* coordinates: indices (seed is the seed itself) */
    json_t *cfg;
    int done;                     /* its JSON existed before the sweep started */
} point_t;

typedef struct sweep {
    strv_t policies;              /* empty: the config's policy */
    long *frames; int nframes;    /* none: the config's frames */
    setkey_t *keys; int nkeys;
    int nseeds;                   /* 0: the config's seed */
    strv_t trace_args;            /* as given (A or A+B), for descriptions */
    strv_t *traces; strv_t labels;/* per trace argument: absolute paths; display label */
    runopt_t *opts; int nopts;
    const char *dir, *jobs_file, *title;
    char runs_dir[PATH_MAX];
    int jobs, no_plots;
    point_t *pts; int npts;
} sweep_t;

static void sweep_free(sweep_t *sw)
{
    strv_free(&sw->policies);
    free(sw->frames);
    for (int k = 0; k < sw->nkeys; k++) {
        free(sw->keys[k].key);
        strv_free(&sw->keys[k].vals);
    }
    free(sw->keys);
    for (int t = 0; t < sw->trace_args.n; t++)
        strv_free(&sw->traces[t]);
    free(sw->traces);
    strv_free(&sw->trace_args);
    strv_free(&sw->labels);
    for (int i = 0; i < sw->nopts; i++)
        free(sw->opts[i].value);
    free(sw->opts);
    for (int i = 0; i < sw->npts; i++) {
        free(sw->pts[i].name);
        free(sw->pts[i].desc);
        free(sw->pts[i].kv);
        json_decref(sw->pts[i].cfg);
    }
    free(sw->pts);
}

/* Two grid points that are the same run (equal configurations as the engine reads them, and
 * equal traces: "--set tlb.entries=16,0x10") would be averaged as if they were seeds: refuse. */
static int cmp_canon(const void *a, const void *b, void *ctx)
{
    char *const *t = ctx;
    return strcmp(t[*(const int *)a], t[*(const int *)b]);
}

static json_t *cfg_canon(const json_t *cfg, int ntraces);

static int check_distinct(const sweep_t *sw, char *err)
{
    char **text = xcalloc((size_t)sw->npts, sizeof *text);
    int *idx = xcalloc((size_t)sw->npts, sizeof *idx), rc = 0;
    for (int i = 0; i < sw->npts; i++) {
        json_t *c = cfg_canon(sw->pts[i].cfg, sw->traces[sw->pts[i].tr].n), *tr = json_array();
        for (int t = 0; t < sw->traces[sw->pts[i].tr].n; t++)
            json_array_append_new(tr, json_string(sw->traces[sw->pts[i].tr].v[t]));
        json_object_set_new(c, " traces", tr);
        text[i] = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(c);
        idx[i] = i;
    }
    qsort_r(idx, (size_t)sw->npts, sizeof *idx, cmp_canon, text);
    for (int i = 1; i < sw->npts && !rc; i++)
        if (!strcmp(text[idx[i - 1]], text[idx[i]])) {
            int a = idx[i - 1] < idx[i] ? idx[i - 1] : idx[i], b = idx[i - 1] ^ idx[i] ^ a;
            snprintf(err, SIM_ERR_LEN, "grid points (%s) and (%s) are the same run: give each value once",
                     sw->pts[a].desc, sw->pts[b].desc);
            rc = -1;
        }
    for (int i = 0; i < sw->npts; i++)
        free(text[i]);
    free(text);
    free(idx);
    return rc;
}

/* Expands the grid: every point's name, description and configuration. */
static int build_grid(sweep_t *sw, char *err)
{
    json_t *base = config_defaults();
    for (int i = 0; i < sw->nopts; i++)
        if (sw->opts[i].opt->kind == CLIOPT_CONFIG && config_load_file(base, sw->opts[i].value, err))
            goto fail;
    for (int i = 0; i < sw->nopts; i++)
        if (cliopt_apply(base, sw->opts[i].opt, sw->opts[i].value, err))
            goto fail;

    int npol = sw->policies.n ? sw->policies.n : 1, nfr = sw->nframes ? sw->nframes : 1;
    int nseed = sw->nseeds ? sw->nseeds : 1, ntr = sw->trace_args.n;
    long total = (long)npol * nfr * nseed * ntr;
    for (int k = 0; k < sw->nkeys; k++)
        total *= sw->keys[k].vals.n;
    if (total > 10000000) {
        snprintf(err, SIM_ERR_LEN, "the grid has %ld points: too many", total);
        goto fail;
    }
    sw->pts = xcalloc((size_t)total, sizeof *sw->pts);
    int *kv = xcalloc((size_t)sw->nkeys + 1, sizeof *kv);
    for (long idx = 0; idx < total; idx++) {
        /* Mixed-radix decode: traces outermost, then policies, frames, keys, seeds. */
        long r = idx;
        point_t *p = &sw->pts[sw->npts++];
        p->seed = (int)(r % nseed) + 1;
        r /= nseed;
        for (int k = sw->nkeys - 1; k >= 0; k--) {
            kv[k] = (int)(r % sw->keys[k].vals.n);
            r /= sw->keys[k].vals.n;
        }
        p->fr = (int)(r % nfr);
        r /= nfr;
        p->pol = (int)(r % npol);
        p->tr = (int)(r / npol);
        p->kv = xcalloc((size_t)sw->nkeys + 1, sizeof *p->kv);
        memcpy(p->kv, kv, (size_t)sw->nkeys * sizeof *kv);

        char name[1024] = "", desc[2048] = "", part[512];
        p->cfg = json_deep_copy(base);
        if (sw->policies.n) {
            const char *pol = sw->policies.v[p->pol];
            sanitize_cat(name, sizeof name, pol);
            strcat(name, "_");
            snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "policy=%s ", pol);
            if (config_set(p->cfg, "policy", pol, err))
                goto fail_kv;
        }
        if (sw->nframes) {
            snprintf(part, sizeof part, "%ld", sw->frames[p->fr]);
            snprintf(name + strlen(name), sizeof name - strlen(name), "f%s_", part);
            snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "frames=%s ", part);
            if (config_set(p->cfg, "frames", part, err) || config_set(p->cfg, "memory", "", err))
                goto fail_kv;
        }
        for (int k = 0; k < sw->nkeys; k++) {
            const char *key = sw->keys[k].key, *val = sw->keys[k].vals.v[kv[k]];
            snprintf(part, sizeof part, "%s=%s", key, val);
            sanitize_cat(name, sizeof name, part);
            strcat(name, "_");
            snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "%s ", part);
            if (config_set(p->cfg, key, val, err)) {
                char e2[SIM_ERR_LEN];
                snprintf(e2, sizeof e2, "--set %s: %s", part, err);
                snprintf(err, SIM_ERR_LEN, "%s", e2);
                goto fail_kv;
            }
        }
        if (sw->nseeds) {
            snprintf(part, sizeof part, "%d", p->seed);
            snprintf(name + strlen(name), sizeof name - strlen(name), "s%s_", part);
            snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "seed=%s ", part);
            if (config_set(p->cfg, "seed", part, err))
                goto fail_kv;
        }
        sanitize_cat(name, sizeof name, sw->labels.v[p->tr]);
        snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "trace=%s", sw->trace_args.v[p->tr]);
        if (strlen(name) > 180) {
            snprintf(name + 160, sizeof name - 160, "-%016llx", (unsigned long long)fnv1a(desc));
        }
        p->name = xstrdup(name);
        p->desc = xstrdup(desc);
    }
    free(kv);
    json_decref(base);

    /* Two points with one file would silently share results: refuse. */
    char **names = xcalloc((size_t)sw->npts, sizeof *names);
    for (int i = 0; i < sw->npts; i++)
        names[i] = sw->pts[i].name;
    qsort(names, (size_t)sw->npts, sizeof *names, cmp_strp);
    for (int i = 1; i < sw->npts; i++)
        if (!strcmp(names[i - 1], names[i])) {
            snprintf(err, SIM_ERR_LEN, "two grid points map to the same file name %s.json (values "
                     "differing only in characters other than letters, digits, . = + -)", names[i]);
            free(names);
            return -1;
        }
    free(names);
    return check_distinct(sw, err);
fail_kv:
    free(kv);
fail:
    json_decref(base);
    return -1;
}

/* DIR/sweep.json: what merge cannot read from the runs (the key list, row order, title). */
static int write_sweep_json(const sweep_t *sw, char *err)
{
    json_t *doc = json_object(), *a;
    json_object_set_new(doc, "title", json_string(sw->title));
    a = json_array();
    for (int i = 0; i < sw->policies.n; i++)
        json_array_append_new(a, json_string(sw->policies.v[i]));
    json_object_set_new(doc, "policies", a);
    a = json_array();
    for (int i = 0; i < sw->nframes; i++)
        json_array_append_new(a, json_integer(sw->frames[i]));
    json_object_set_new(doc, "frames", a);
    a = json_array();
    for (int k = 0; k < sw->nkeys; k++) {
        json_t *vals = json_array();
        for (int i = 0; i < sw->keys[k].vals.n; i++)
            json_array_append_new(vals, json_string(sw->keys[k].vals.v[i]));
        json_array_append_new(a, json_pack("{s:s,s:o}", "key", sw->keys[k].key, "values", vals));
    }
    json_object_set_new(doc, "keys", a);
    json_object_set_new(doc, "seeds", json_integer(sw->nseeds));
    a = json_array();
    for (int t = 0; t < sw->trace_args.n; t++) {
        json_t *files = json_array();
        for (int i = 0; i < sw->traces[t].n; i++)
            json_array_append_new(files, json_string(sw->traces[t].v[i]));
        json_array_append_new(a, files);
    }
    json_object_set_new(doc, "traces", a);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweep.json", sw->dir);
    int rc = sim_out_write(doc, path, err);
    json_decref(doc);
    return rc;
}

/* ---------------------------------------------------------------- resuming */

/* A configuration as a result file holds it: through the same text (reals at 10 digits, as
 * sim_out_write writes them), when "memory" is set without "frames" (the engine rewrites
 * frames from memory, so frames says nothing more), and schedule "auto" resolved for ntraces
 * trace files as the engine echoes it (0: left alone). Comparable with json_equal. */
/* Schedule "auto" as sched.c resolves it for ntraces trace files (0: left alone). */
static void sched_resolve(json_t *cfg, int ntraces)
{
    const char *sched = json_string_value(json_object_get(cfg, "schedule"));
    if (sched && !strcmp(sched, "auto") && ntraces)
        json_object_set_new(cfg, "schedule", json_string(ntraces > 1 ? "rr" : "trace"));
}

static json_t *cfg_canon(const json_t *cfg, int ntraces)
{
    char *text = json_dumps(cfg, JSON_REAL_PRECISION(10) | JSON_COMPACT | JSON_SORT_KEYS);
    json_t *c = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!c)
        abort();
    const char *mem = json_string_value(json_object_get(c, "memory"));
    if (mem && *mem)
        json_object_del(c, "frames");
    sched_resolve(c, ntraces);
    return c;
}

static void json_del_dotted(json_t *obj, const char *key)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    char *part = buf, *dot;
    while (obj && (dot = strchr(part, '.'))) {
        *dot = '\0';
        obj = json_object_get(obj, part);
        part = dot + 1;
    }
    if (json_is_object(obj))
        json_object_del(obj, part);
}

/* The first dotted key whose values differ between a and b, with both values as text. */
static int json_first_diff(const json_t *a, const json_t *b, const char *prefix, char *out, size_t n)
{
    for (int pass = 0; pass < 2; pass++) {
        const json_t *x = pass ? b : a, *y = pass ? a : b;
        const char *k;
        json_t *vx;
        json_object_foreach((json_t *)x, k, vx) {
            char full[256];
            snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", k);
            const json_t *vy = json_object_get(y, k);
            if (json_is_object(vx) && json_is_object(vy)) {
                if (json_first_diff(pass ? vy : vx, pass ? vx : vy, full, out, n))
                    return 1;
                continue;
            }
            if (json_equal(vx, vy))
                continue;
            const json_t *va = pass ? vy : vx, *vb = pass ? vx : vy;
            char *ta = va ? json_dumps(va, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
            char *tb = vb ? json_dumps(vb, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
            snprintf(out, n, "%s: %s there, %s here", full, ta ? ta : "absent", tb ? tb : "absent");
            free(ta);
            free(tb);
            return 1;
        }
    }
    return 0;
}

/* Why the result document doc is not a run of cfg over traces (NULL traces: any traces;
 * cfg already canonical): "" when it is. */
static void result_mismatch(const json_t *doc, const json_t *cfg, const strv_t *traces, char *why, size_t n)
{
    why[0] = '\0';
    const char *ver = json_string_value(json_object_get(doc, "version"));
    if (!ver || strcmp(ver, PAGESIM_VERSION) ||
        json_integer_value(json_object_get(doc, "schema")) != PAGESIM_SCHEMA) {
        snprintf(why, n, "pagesim %s schema %lld there, %s schema %d here", ver ? ver : "?",
                 (long long)json_integer_value(json_object_get(doc, "schema")), PAGESIM_VERSION, PAGESIM_SCHEMA);
        return;
    }
    json_t *have = cfg_canon(json_object_get(doc, "config"), 0);
    if (!traces) {   /* another grid point: the grid's coordinates may differ */
        json_t *want = json_deep_copy(cfg);
        static const char *const grid[] = {"policy", "frames", "memory", "seed"};
        for (size_t i = 0; i < sizeof grid / sizeof *grid; i++) {
            json_object_del(have, grid[i]);
            json_object_del(want, grid[i]);
        }
        const char *sched = json_string_value(json_object_get(want, "schedule"));
        if (sched && !strcmp(sched, "auto")) {   /* auto: per the point's trace count */
            json_object_del(have, "schedule");
            json_object_del(want, "schedule");
        }
        json_first_diff(have, want, "", why, n);
        json_decref(want);
        json_decref(have);
        return;
    }
    json_first_diff(have, cfg, "", why, n);
    json_decref(have);
    if (why[0])
        return;
    const json_t *tr = json_object_get(doc, "traces");
    int same = (int)json_array_size(tr) == traces->n;
    for (int i = 0; same && i < traces->n; i++)
        same = json_string_value(json_array_get(tr, (size_t)i)) &&
               !strcmp(json_string_value(json_array_get(tr, (size_t)i)), traces->v[i]);
    if (!same)
        snprintf(why, n, "traces: %s there, %s here",
                 json_string_value(json_array_get(tr, 0)) ? json_string_value(json_array_get(tr, 0)) : "?",
                 traces->v[0]);
}

static int cmp_point_name(const void *a, const void *b)
{
    return strcmp((*(point_t *const *)a)->name, (*(point_t *const *)b)->name);
}

/* Which points are done, and whether DIR/runs holds another experiment. A point is done when
 * its result file parses and is a run of exactly its configuration, traces and pagesim
 * version; a file that does not parse (0 bytes, truncated) is not done and runs again, said
 * on stderr. A complete result of anything else - the point under other options, or a run
 * that is no point of this grid but differs in more than the grid's coordinates - is another
 * experiment: one DIR holds one experiment (its summary covers every run in DIR/runs), so
 * the sweep refuses (-1, err) rather than report old numbers as new or mix two in a table. */
/* The run results (*.json) and failure records (*.failed) in a runs folder; -1 if it cannot
 * be opened. */
static int list_results(const char *dir, strv_t *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && (has_suffix(e->d_name, ".json") || has_suffix(e->d_name, ".failed")))
            strv_push(files, xstrdup(e->d_name));
    closedir(d);
    return 0;
}

static int check_existing(sweep_t *sw, char *err)
{
    strv_t files = {0};
    if (list_results(sw->runs_dir, &files))
        return 0;
    qsort(files.v, (size_t)files.n, sizeof *files.v, cmp_strp);
    /* the points by file name, for a binary search per file */
    point_t **byname = xcalloc((size_t)sw->npts, sizeof *byname);
    for (int i = 0; i < sw->npts; i++)
        byname[i] = &sw->pts[i];
    qsort(byname, (size_t)sw->npts, sizeof *byname, cmp_point_name);
    json_t *base = cfg_canon(sw->pts[0].cfg, 0);   /* this sweep minus its --set keys */
    for (int k = 0; k < sw->nkeys; k++)
        json_del_dotted(base, sw->keys[k].key);
    int rc = 0;
    for (int f = 0; f < files.n && !rc; f++) {
        char path[PATH_MAX + 256], stem[512], why[1024];
        snprintf(path, sizeof path, "%s/%s", sw->runs_dir, files.v[f]);
        int failed_rec = has_suffix(files.v[f], ".failed");
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(files.v[f]) - (failed_rec ? 7 : 5)), files.v[f]);
        point_t keyp = {.name = stem}, *kp = &keyp;
        point_t **hit = bsearch(&kp, byname, (size_t)sw->npts, sizeof *byname, cmp_point_name);
        point_t *p = hit ? *hit : NULL;
        json_t *doc = json_load_file(path, 0, NULL);
        if (!doc || !json_is_object(json_object_get(doc, "config"))) {
            json_decref(doc);
            if (p && !failed_rec) {
                fprintf(stderr, "pagesim sweep: %s is not a complete result: running it again\n", path);
                continue;
            }
            if (failed_rec)
                continue;
            snprintf(err, SIM_ERR_LEN, "%s is not a pagesim result (truncated?): remove it", path);
            rc = -1;
            break;
        }
        if (p) {
            json_t *want = cfg_canon(p->cfg, sw->traces[p->tr].n);
            result_mismatch(doc, want, &sw->traces[p->tr], why, sizeof why);
            json_decref(want);
        } else {
            json_t *cfg = cfg_canon(json_object_get(doc, "config"), 0);
            for (int k = 0; k < sw->nkeys; k++)
                json_del_dotted(cfg, sw->keys[k].key);
            json_t *d2 = json_deep_copy(doc);
            json_object_set_new(d2, "config", cfg);
            result_mismatch(d2, base, NULL, why, sizeof why);
            json_decref(d2);
        }
        json_decref(doc);
        if (why[0]) {
            snprintf(err, SIM_ERR_LEN, "%s is a run of another experiment (%s): one DIR holds one "
                     "experiment; use another -o DIR, or remove %s to start over", path, why, sw->runs_dir);
            rc = -1;
        } else if (p && !failed_rec) {
            p->done = 1;
        }
    }
    json_decref(base);
    free(byname);
    strv_free(&files);
    return rc;
}

/* ---------------------------------------------------------------- running */

typedef struct runner {
    sweep_t *sw;
    int todo, finished, failed;
    double t0, last_draw;
    int tty, step;
} runner_t;

static void progress(runner_t *r, int final)
{
    double t = now_s(), el = t - r->t0;
    double eta = r->finished ? el / r->finished * (r->todo - r->finished) : NAN;
    char es[32], ee[32];
    fmt_duration(es, sizeof es, eta);
    fmt_duration(ee, sizeof ee, el);
    if (r->tty) {
        if (!final && t - r->last_draw < 0.2)
            return;
        r->last_draw = t;
        int width = 30, fill = r->todo ? (int)((long)width * r->finished / r->todo) : width;
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r[%s] %d/%d runs %3d%%  %s %s   ", bar, r->finished, r->todo,
                r->todo ? (int)(100L * r->finished / r->todo) : 100,
                final ? "elapsed" : "ETA", final ? ee : es);
        if (r->failed)
            fprintf(stderr, "(%d failed) ", r->failed);
        if (final)
            fputc('\n', stderr);
    } else if (final || (r->finished % r->step == 0 && r->finished < r->todo)) {
        fprintf(stderr, "pagesim sweep: %d/%d runs done%s, %s %s\n", r->finished, r->todo,
                r->failed ? " (some failed)" : "", final ? "elapsed" : "ETA", final ? ee : es);
    }
    fflush(stderr);
}

/* A worker: one grid point in a child process, so that a crash (a signal, an abort, the
 * kernel's out-of-memory kill) ends that run only. Its error text goes up the pipe; it dies
 * with the sweep (PR_SET_PDEATHSIG), so a killed sweep leaves no runs behind. For tests,
 * PAGESIM_TEST_CRASH=TEXT makes every point whose file name contains TEXT die of SIGSEGV. */
static void worker_child(const sweep_t *sw, const point_t *p, int fd, pid_t parent)
{
    char err[SIM_ERR_LEN] = "", path[PATH_MAX + 256];
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    const char *crash = getenv("PAGESIM_TEST_CRASH");
    if (crash && *crash && strstr(p->name, crash)) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        raise(SIGSEGV);
    }
    snprintf(path, sizeof path, "%s/%s.json", sw->runs_dir, p->name);
    const strv_t *tr = &sw->traces[p->tr];
    int rc = sim_run_to_file(p->cfg, (const char *const *)tr->v, tr->n, path, NULL, err);
    if (rc && write(fd, err, strlen(err)) < 0)
        _exit(1);
    _exit(rc ? 1 : 0);
}

/* DIR/runs/<name>.failed: a failed point's record (its config, traces, seed and why), so the
 * summary shows the failure; removed when the point later succeeds. */
static void record_failure(const sweep_t *sw, const point_t *p, const char *why)
{
    char path[PATH_MAX + 256], err[SIM_ERR_LEN];
    snprintf(path, sizeof path, "%s/%s.failed", sw->runs_dir, p->name);
    json_t *tr = json_array();
    for (int i = 0; i < sw->traces[p->tr].n; i++)
        json_array_append_new(tr, json_string(sw->traces[p->tr].v[i]));
    json_t *cfg = json_deep_copy(p->cfg);
    sched_resolve(cfg, sw->traces[p->tr].n);
    json_t *doc = json_pack("{s:i,s:s,s:o,s:I,s:o,s:s}", "schema", PAGESIM_SCHEMA, "version", PAGESIM_VERSION,
                            "config", cfg, "seed", json_integer_value(json_object_get(p->cfg, "seed")),
                            "traces", tr, "failed", why);
    if (!doc || sim_out_write(doc, path, err))
        fprintf(stderr, "pagesim sweep: %s\n", doc ? err : "cannot record a failure");
    json_decref(doc);
}

typedef struct slot { pid_t pid; int fd, pt; } slot_t;

/* Runs every unfinished point, at most sw->jobs at a time; the number that failed. */
static int run_grid(sweep_t *sw)
{
    int todo = 0;
    for (int i = 0; i < sw->npts; i++)
        todo += !sw->pts[i].done;
    if (todo < sw->npts)
        fprintf(stderr, "pagesim sweep: %d of %d runs already done in %s (skipped)\n",
                sw->npts - todo, sw->npts, sw->runs_dir);
    if (!todo)
        return 0;
    runner_t r = {.sw = sw, .todo = todo, .t0 = now_s(), .tty = isatty(2)};
    r.step = todo >= 10 ? todo / 10 : 1;
    int nw = sw->jobs < todo ? sw->jobs : todo, running = 0, next = 0;
    slot_t *slots = xcalloc((size_t)nw, sizeof *slots);
    fprintf(stderr, "pagesim sweep: %d runs on %d worker%s\n", todo, nw, nw == 1 ? "" : "s");
    pid_t self = getpid();
    while (next < sw->npts || running) {
        while (running < nw && next < sw->npts) {
            int i = next++, fds[2];
            if (sw->pts[i].done)
                continue;
            slot_t *sl = &slots[running];
            fflush(stdout);
            fflush(stderr);
            if (pipe(fds) || (sl->pid = fork()) < 0) {
                char why[256];
                snprintf(why, sizeof why, "cannot start a worker: %s", strerror(errno));
                fprintf(stderr, "%spagesim sweep: run failed (%s): %s\n", r.tty ? "\n" : "", sw->pts[i].desc, why);
                record_failure(sw, &sw->pts[i], why);
                r.finished++;
                r.failed++;
                continue;
            }
            if (sl->pid == 0) {
                close(fds[0]);
                worker_child(sw, &sw->pts[i], fds[1], self);
            }
            close(fds[1]);
            sl->fd = fds[0];
            sl->pt = i;
            running++;
        }
        if (!running)
            break;
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        int s;
        for (s = 0; s < running && slots[s].pid != pid; s++)
            ;
        if (s == running)
            continue;
        slot_t sl = slots[s];
        slots[s] = slots[--running];
        char why[SIM_ERR_LEN + 128] = "";
        ssize_t n = read(sl.fd, why, SIM_ERR_LEN - 1);
        why[n > 0 ? n : 0] = '\0';
        close(sl.fd);
        const point_t *p = &sw->pts[sl.pt];
        int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (!ok && WIFSIGNALED(st))
            snprintf(why, sizeof why, "the run died of signal %d (%s)%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
                     WTERMSIG(st) == SIGKILL ? ": killed, perhaps by the kernel for want of memory" : "");
        else if (!ok && !why[0])
            snprintf(why, sizeof why, "the run exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        char fpath[PATH_MAX + 256];
        snprintf(fpath, sizeof fpath, "%s/%s.failed", sw->runs_dir, p->name);
        r.finished++;
        if (ok) {
            unlink(fpath);
        } else {
            r.failed++;
            fprintf(stderr, "%spagesim sweep: run failed (%s): %s\n", r.tty ? "\n" : "", p->desc, why);
            record_failure(sw, p, why);
        }
        progress(&r, 0);
    }
    progress(&r, 1);
    free(slots);
    return r.failed;
}

/* One `pagesim run` command line per grid point, runnable by `parallel < FILE` or by a
 * Slurm array task picking line $SLURM_ARRAY_TASK_ID. */
static int write_jobs_file(const sweep_t *sw, char *err)
{
    char exe[PATH_MAX], tmp[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(err, SIM_ERR_LEN, "cannot find the pagesim binary (/proc/self/exe): %s", strerror(errno));
        return -1;
    }
    exe[n] = '\0';
    FILE *f = atomic_open(sw->jobs_file, tmp, sizeof tmp);
    if (!f) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", sw->jobs_file, strerror(errno));
        return -1;
    }
    for (int i = 0; i < sw->npts; i++) {
        const point_t *p = &sw->pts[i];
        shell_quote_cat(f, exe);
        fputs(" run", f);
        for (int j = 0; j < sw->nopts; j++) {
            fprintf(f, " --%s ", sw->opts[j].opt->name);
            shell_quote_cat(f, sw->opts[j].value);
        }
        if (sw->policies.n) {
            fputs(" -p ", f);
            shell_quote_cat(f, sw->policies.v[p->pol]);
        }
        if (sw->nframes)
            fprintf(f, " -f %ld", sw->frames[p->fr]);
        for (int k = 0; k < sw->nkeys; k++) {
            char kvs[1024];
            snprintf(kvs, sizeof kvs, "%s=%s", sw->keys[k].key, sw->keys[k].vals.v[p->kv[k]]);
            fputs(" --set ", f);
            shell_quote_cat(f, kvs);
        }
        if (sw->nseeds)
            fprintf(f, " -s %d", p->seed);
        char out[PATH_MAX + 256];
        snprintf(out, sizeof out, "%s/%s.json", sw->runs_dir, p->name);
        fputs(" -o ", f);
        shell_quote_cat(f, out);
        for (int t = 0; t < sw->traces[p->tr].n; t++) {
            fputc(' ', f);
            shell_quote_cat(f, sw->traces[p->tr].v[t]);
        }
        fputc('\n', f);
    }
    return atomic_close(f, tmp, sw->jobs_file, err);
}

/* ---------------------------------------------------------------- merge */

enum { M_FAULTS, M_MISS, M_MAJOR, M_REFS, M_SIMNS, M_CPU, M_TPUT, M_TLB, M_COW, M_RESPEAK,
       M_EAGER, M_FRATE, M_COPIED, M_N };
static const struct { const char *col, *path; int in_summary; } metrics[M_N] = {
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
};

typedef struct run {
    char *file, *policy, *trace_key, *label;   /* trace_key: full paths joined by '+' */
    long frames, seed, nproc, page_size;
    char **kv;
    double m[M_N];
    double child_wf;              /* forked children's write fraction, from workload specs */
    json_t *cdf, *timeline;
    json_t *cfg;                  /* canonical, without the seed: the runs of a point share it */
    int failed;                   /* a DIR/runs/<name>.failed record: no results */
} run_t;

typedef struct group { int first, n, nfail; double mean[M_N], ci[M_N]; } group_t;   /* n: results */

typedef struct merge {
    const char *dir;
    char *title;
    strv_t keys;                  /* the --set keys, the summary's extra columns */
    strv_t *key_order;            /* per key: values in grid order (from sweep.json) */
    strv_t pol_order, trace_order;
    run_t *runs; int nruns;
    group_t *groups; int ngroups;
    int maxn;                     /* most runs in one grid point (seeds) */
    int *varies;                  /* per field (index field + 3): differs between points */
    int has_sweep_json;
    int nfailed;                  /* failure records among the runs */
} merge_t;

static void merge_free(merge_t *m)
{
    free(m->title);
    for (int i = 0; i < m->nruns; i++) {
        run_t *r = &m->runs[i];
        free(r->file);
        free(r->policy);
        free(r->trace_key);
        free(r->label);
        for (int k = 0; k < m->keys.n; k++)
            free(r->kv[k]);
        free(r->kv);
        json_decref(r->cdf);
        json_decref(r->timeline);
        json_decref(r->cfg);
    }
    free(m->runs);
    free(m->groups);
    free(m->varies);
    for (int k = 0; k < m->keys.n; k++)
        strv_free(&m->key_order[k]);
    free(m->key_order);
    strv_free(&m->keys);
    strv_free(&m->pol_order);
    strv_free(&m->trace_order);
}

static const merge_t *sort_ctx;   /* qsort has no context argument; set only around qsort */

static int cmp_text(const char *a, const char *b, const strv_t *order)
{
    int ia = order ? strv_find(order, a) : -1, ib = order ? strv_find(order, b) : -1;
    if (ia >= 0 && ib >= 0)
        return (ia > ib) - (ia < ib);
    if ((ia >= 0) != (ib >= 0))
        return ia >= 0 ? -1 : 1;
    double x, y;
    if (as_number(a, &x) && as_number(b, &y) && x != y)
        return (x > y) - (x < y);
    return strcmp(a, b);
}

/* Orders runs by grid point (sweep order where known), then seed. */
static int cmp_point(const run_t *a, const run_t *b, const merge_t *m)
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

static int cmp_run(const void *pa, const void *pb)
{
    const run_t *a = pa, *b = pb;
    int c = cmp_point(a, b, sort_ctx);
    if (c)
        return c;
    if (a->failed != b->failed)
        return a->failed - b->failed;
    if (a->seed != b->seed)
        return (a->seed > b->seed) - (a->seed < b->seed);
    return strcmp(a->file, b->file);
}

/* Reads DIR/sweep.json if there is one. */
static int load_sweep_json(merge_t *m, char *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweep.json", m->dir);
    if (access(path, F_OK))
        return 0;
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        snprintf(err, SIM_ERR_LEN, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    m->has_sweep_json = 1;
    const char *t = json_string_value(json_object_get(doc, "title"));
    if (t && *t)
        m->title = xstrdup(t);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "policies"), i, v)
        if (json_is_string(v))
            strv_push(&m->pol_order, xstrdup(json_string_value(v)));
    json_array_foreach(json_object_get(doc, "keys"), i, v) {
        const char *key = json_string_value(json_object_get(v, "key"));
        if (!key || strv_find(&m->keys, key) >= 0)
            continue;
        strv_push(&m->keys, xstrdup(key));
        m->key_order = realloc(m->key_order, (size_t)m->keys.n * sizeof *m->key_order);
        strv_t *o = &m->key_order[m->keys.n - 1];
        memset(o, 0, sizeof *o);
        size_t j;
        json_t *val;
        json_array_foreach(json_object_get(v, "values"), j, val)
            if (json_is_string(val))
                strv_push(o, xstrdup(json_string_value(val)));
    }
    json_array_foreach(json_object_get(doc, "traces"), i, v) {
        char buf[8192] = "";
        size_t j;
        json_t *f;
        json_array_foreach(v, j, f)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", j ? "+" : "",
                     json_string_value(f) ? json_string_value(f) : "");
        strv_push(&m->trace_order, xstrdup(buf));
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
        static const char *const grid[] = {"policy", "frames", "memory", "seed"};
        int skip = 0;
        for (size_t i = 0; i < sizeof grid / sizeof *grid; i++)
            skip |= !strcmp(full, grid[i]);
        if (!skip)
            strv_push(keys, xstrdup(full));
    }
}

/* The write fraction of the forked children in a synthetic workload spec (gen_synth.c): the
 * reference-weighted mean of their phases' write_fraction; NAN when path is not a spec or
 * has no child. Only *.json files are opened: traces can be gigabytes. */
static double child_write_fraction(const char *path)
{
    if (!has_suffix(path, ".json"))
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

static int load_runs(merge_t *m, char *err)
{
    char rdir[PATH_MAX];
    snprintf(rdir, sizeof rdir, "%s/runs", m->dir);
    strv_t files = {0};
    if (list_results(rdir, &files)) {
        snprintf(err, SIM_ERR_LEN, "%s: %s", rdir, strerror(errno));
        return -1;
    }
    if (!files.n) {
        snprintf(err, SIM_ERR_LEN, "%s: no run results (*.json)", rdir);
        strv_free(&files);
        return -1;
    }
    qsort(files.v, (size_t)files.n, sizeof *files.v, cmp_strp);

    json_t **docs = xcalloc((size_t)files.n, sizeof *docs);
    int rc = 0;
    for (int i = 0; i < files.n && !rc; i++) {
        char path[PATH_MAX + 256];
        json_error_t je;
        snprintf(path, sizeof path, "%s/%s", rdir, files.v[i]);
        docs[i] = json_load_file(path, 0, &je);
        if (!docs[i] || !json_is_object(json_object_get(docs[i], "config"))) {
            snprintf(err, SIM_ERR_LEN, "%s:%d: %s", path, docs[i] ? 1 : je.line,
                     docs[i] ? "not a pagesim results document (no \"config\")" : je.text);
            rc = -1;
        }
    }
    if (!rc && !m->has_sweep_json)   /* no sweep.json: the keys that differ */
        for (int i = 1; i < files.n; i++)
            diff_keys(json_object_get(docs[0], "config"), json_object_get(docs[i], "config"), "", &m->keys);
    if (!m->key_order)
        m->key_order = xcalloc((size_t)m->keys.n + 1, sizeof *m->key_order);

    m->runs = xcalloc((size_t)files.n, sizeof *m->runs);
    for (int i = 0; i < files.n && !rc; i++) {
        const json_t *doc = docs[i], *cfg = json_object_get(doc, "config");
        run_t *r = &m->runs[m->nruns++];
        r->file = xstrdup(files.v[i]);
        r->failed = json_object_get(doc, "failed") != NULL;
        m->nfailed += r->failed;
        r->cfg = cfg_canon(cfg, 0);
        json_object_del(r->cfg, "seed");
        r->policy = json_value_text(json_object_get(cfg, "policy"));
        double fr = json_num_at(doc, "memory.frames");
        r->frames = isnan(fr) ? (long)json_integer_value(json_object_get(cfg, "frames")) : (long)fr;
        r->seed = (long)json_integer_value(json_object_get(doc, "seed"));
        double ps = json_num_at(doc, "memory.page_size");
        r->page_size = isnan(ps) ? 4096 : (long)ps;
        r->nproc = (long)json_array_size(json_object_get(doc, "processes"));
        r->kv = xcalloc((size_t)m->keys.n + 1, sizeof *r->kv);
        for (int k = 0; k < m->keys.n; k++)
            r->kv[k] = json_value_text(json_dotted(cfg, m->keys.v[k]));
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
        r->trace_key = xstrdup(key);
        r->label = xstrdup(label);
        for (int k = 0; k < M_N; k++)
            r->m[k] = metrics[k].path ? json_num_at(doc, metrics[k].path) : NAN;
        r->m[M_FRATE] = r->m[M_REFS] > 0 ? r->m[M_FAULTS] * 1000.0 / r->m[M_REFS] : NAN;
        r->m[M_COPIED] = r->m[M_COW] + (isnan(r->m[M_EAGER]) ? 0 : r->m[M_EAGER]);
        if (r->failed)
            r->m[M_COPIED] = NAN;
        r->cdf = json_incref((json_t *)json_dotted(doc, "latency.major_fault_cdf"));
        r->timeline = json_incref(json_object_get(doc, "timeline"));
    }
    for (int i = 0; i < files.n; i++)
        json_decref(docs[i]);
    free(docs);
    strv_free(&files);
    return rc;
}

static double ci95(const double *x, int n)
{
    if (n < 2)
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd(x, 1, (size_t)n) / sqrt((double)n);
}

/* Groups the runs by grid point; a point's runs must be its seeds: equal configurations but
 * for the seed, each seed once (a failure record next to a result of its seed is stale and
 * dropped). -1 with err otherwise: two runs of one point averaged as seeds would report a
 * confidence interval of nothing. */
static int make_groups(merge_t *m, char *err)
{
    sort_ctx = m;
    qsort(m->runs, (size_t)m->nruns, sizeof *m->runs, cmp_run);
    sort_ctx = NULL;
    m->groups = xcalloc((size_t)m->nruns, sizeof *m->groups);
    double *x = xcalloc((size_t)m->nruns, sizeof *x);
    int rc = 0;
    for (int i = 0; i < m->nruns && !rc;) {
        int j = i + 1;
        while (j < m->nruns && !cmp_point(&m->runs[i], &m->runs[j], m))
            j++;
        group_t *g = &m->groups[m->ngroups++];
        g->first = i;
        for (int a = i; a < j && !rc; a++) {
            const run_t *ra = &m->runs[a];
            char why[600] = "";
            int dup = 0;
            for (int b = i; b < a && !dup; b++)
                dup = m->runs[b].seed == ra->seed;
            if (dup && !ra->failed) {
                snprintf(err, SIM_ERR_LEN, "%s/runs: %s and %s are the same grid point and seed %ld: "
                         "remove one (seeds are averaged, copies must not be)", m->dir,
                         m->runs[a - 1].file, ra->file, ra->seed);
                rc = -1;
            } else if (!json_equal(ra->cfg, m->runs[i].cfg) && json_first_diff(ra->cfg, m->runs[i].cfg, "", why, sizeof why)) {
                snprintf(err, SIM_ERR_LEN, "%s/runs: %s and %s fall in one summary row but are different "
                         "experiments (%s): merge them apart", m->dir, ra->file, m->runs[i].file, why);
                rc = -1;
            } else if (ra->failed && !dup) {
                g->nfail++;
            } else if (!ra->failed) {
                g->n++;
            }
        }
        if (g->n > m->maxn)
            m->maxn = g->n;
        for (int k = 0; k < M_N; k++) {
            for (int r = 0; r < g->n; r++)
                x[r] = m->runs[i + r].m[k];
            g->mean[k] = g->n ? gsl_stats_mean(x, 1, (size_t)g->n) : NAN;
            g->ci[k] = ci95(x, g->n);
        }
        i = j;
    }
    free(x);
    return rc;
}

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("nan", f);
    else
        fprintf(f, "%.12g", v);
}

static int write_summary(const merge_t *m, char *err)
{
    char path[PATH_MAX], tmp[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/summary.tsv", m->dir);
    FILE *f = atomic_open(path, tmp, sizeof tmp);
    if (!f) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    fputs("policy\tframes", f);
    for (int k = 0; k < m->keys.n; k++)
        fprintf(f, "\t%s", m->keys.v[k]);
    fputs("\ttrace\tseeds\tprocesses", f);
    for (int k = 0; k < M_N; k++)
        if (metrics[k].in_summary)
            fprintf(f, "\t%s", metrics[k].col);
    if (m->maxn > 1) {
        fputs("\tfaults_mean\tfaults_ci95\tmiss_ratio_mean\tmiss_ratio_ci95", f);
        for (int k = 0; k < M_N; k++)
            if (metrics[k].in_summary && k != M_FAULTS && k != M_MISS)
                fprintf(f, "\t%s_ci95", metrics[k].col);
    }
    if (m->nfailed)   /* only when a run failed: summaries of clean sweeps keep their bytes */
        fputs("\tfailed", f);
    fputc('\n', f);
    for (int gi = 0; gi < m->ngroups; gi++) {
        const group_t *g = &m->groups[gi];
        const run_t *r = &m->runs[g->first];
        fprintf(f, "%s\t%ld", r->policy, r->frames);
        for (int k = 0; k < m->keys.n; k++)
            fprintf(f, "\t%s", r->kv[k]);
        fprintf(f, "\t%s\t%d\t%ld", r->label, g->n, r->nproc);
        for (int k = 0; k < M_N; k++)
            if (metrics[k].in_summary) {
                fputc('\t', f);
                put_num(f, g->mean[k]);
            }
        if (m->maxn > 1) {
            for (int k = 0; k < 2; k++) {
                int mk = k ? M_MISS : M_FAULTS;
                fputc('\t', f);
                put_num(f, g->mean[mk]);
                fputc('\t', f);
                put_num(f, g->ci[mk]);
            }
            for (int k = 0; k < M_N; k++)
                if (metrics[k].in_summary && k != M_FAULTS && k != M_MISS) {
                    fputc('\t', f);
                    put_num(f, g->ci[k]);
                }
        }
        if (m->nfailed)
            fprintf(f, "\t%d", g->nfail);
        fputc('\n', f);
    }
    return atomic_close(f, tmp, path, err);
}

/* --- plot data. A field of the grid point: policy, frames, key k, trace. */
enum { F_POLICY = -3, F_FRAMES = -2, F_TRACE = -1 };   /* k >= 0: key k */

static const char *field_text(const merge_t *m, const run_t *r, int f, char *buf, size_t n)
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

static int field_varies(const merge_t *m, int f)
{
    return m->varies[f + 3];
}

static int field_varies_scan(const merge_t *m, int f)
{
    char b0[32], b1[32];
    const run_t *r0 = &m->runs[m->groups[0].first];
    for (int g = 1; g < m->ngroups; g++)
        if (strcmp(field_text(m, r0, f, b0, sizeof b0),
                   field_text(m, &m->runs[m->groups[g].first], f, b1, sizeof b1)))
            return 1;
    return 0;
}

/* The series label of a grid point: its varying fields other than the excluded one. */
static void series_label(const merge_t *m, const run_t *r, int exclude, int exclude2, char *out, size_t n)
{
    out[0] = '\0';
    for (int i = 0; i < m->keys.n + 3; i++) {   /* policy, frames, keys, trace */
        int f = i < 2 ? F_POLICY + i : i == m->keys.n + 2 ? F_TRACE : i - 2;
        if (f == exclude || f == exclude2 || !field_varies(m, f))
            continue;
        char b[32];
        const char *s = field_text(m, r, f, b, sizeof b);
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

typedef struct series { char *label; int *g; int n; } series_t;
typedef struct plotset { series_t *s; int n; long at_frames; } plotset_t;

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

/* Groups the grid points into series by label (x field excluded). With more than 8
 * series and varying frames (not the x axis), keeps the median frame count only. */
static void make_series(const merge_t *m, int exclude, int one_per_group, plotset_t *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->at_frames = -1;
    for (int pass = 0; pass < 2; pass++) {
        long at = ps->at_frames;
        plotset_free(ps);
        ps->at_frames = at;
        ps->s = xcalloc((size_t)m->ngroups, sizeof *ps->s);
        for (int gi = 0; gi < m->ngroups; gi++) {
            const run_t *r = &m->runs[m->groups[gi].first];
            if (ps->at_frames >= 0 && r->frames != ps->at_frames)
                continue;
            char label[1024];
            series_label(m, r, one_per_group ? 99999 : exclude, ps->at_frames >= 0 ? F_FRAMES : 99999,
                         label, sizeof label);
            int s = -1;
            for (int i = 0; i < ps->n && s < 0; i++)
                if (!one_per_group && !strcmp(ps->s[i].label, label))
                    s = i;
            if (s < 0) {
                s = ps->n++;
                ps->s[s].label = xstrdup(label);
                ps->s[s].g = xcalloc((size_t)m->ngroups, sizeof *ps->s[s].g);
            }
            ps->s[s].g[ps->s[s].n++] = gi;
        }
        if (pass || ps->n <= 8 || exclude == F_FRAMES || !field_varies(m, F_FRAMES))
            break;
        long *fr = xcalloc((size_t)m->ngroups, sizeof *fr);
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
        ps->at_frames = fr[(nf - 1) / 2];
        free(fr);
    }
    plotset_truncate(ps, 12);   /* a legend past a dozen entries is unreadable */
}

typedef double (*xfn_t)(const merge_t *m, const group_t *g, const void *ctx);

static const merge_t *xsort_m;
static xfn_t xsort_fn;
static const void *xsort_ctx;
static int cmp_by_x(const void *a, const void *b)
{
    double x = xsort_fn(xsort_m, &xsort_m->groups[*(const int *)a], xsort_ctx);
    double y = xsort_fn(xsort_m, &xsort_m->groups[*(const int *)b], xsort_ctx);
    return (x > y) - (x < y);
}

static void sort_series_by_x(const merge_t *m, plotset_t *ps, xfn_t fn, const void *ctx)
{
    xsort_m = m;
    xsort_fn = fn;
    xsort_ctx = ctx;
    for (int i = 0; i < ps->n; i++)
        qsort(ps->s[i].g, (size_t)ps->s[i].n, sizeof *ps->s[i].g, cmp_by_x);
}

static double x_frames(const merge_t *m, const group_t *g, const void *ctx)
{
    return (double)m->runs[g->first].frames;
}
static double x_procs(const merge_t *m, const group_t *g, const void *ctx)
{
    return (double)m->runs[g->first].nproc;
}
static double x_key(const merge_t *m, const group_t *g, const void *ctx)
{
    double v;
    return as_number(m->runs[g->first].kv[*(const int *)ctx], &v) ? v : NAN;
}

static double x_cwf(const merge_t *m, const group_t *g, const void *ctx)
{
    return m->runs[g->first].child_wf;
}

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

/* A plot's data file is written: close it (checked, then renamed into place), name the
 * plot's series and free them. -1 with err when the file could not be written whole. */
static int end_plot(FILE *f, const char *path, const char *tmp, FILE *v, const char *stem, plotset_t *ps,
                    const char *note, char *err)
{
    int rc = f ? atomic_close(f, tmp, path, err) : -1;
    vars_plot(v, stem, ps, note);
    plotset_free(ps);
    return rc;
}

/* The rest of a TSV row: value, confidence half-width pairs (half-widths 0 from one seed). */
static void put_stats(FILE *f, const double *vals, int n, int seeded)
{
    for (int k = 0; k < n; k++) {
        fputc('\t', f);
        put_num(f, seeded || k % 2 == 0 ? vals[k] : 0);
    }
    fputc('\n', f);
}

/* A plot's TSV, written to a temporary name (end_plot renames it): NULL with err. */
static FILE *open_tsv(const merge_t *m, const char *stem, const char *header, char *path, char *tmp, char *err)
{
    snprintf(path, PATH_MAX, "%s/%s.tsv", m->dir, stem);
    FILE *f = atomic_open(path, tmp, PATH_MAX + 64);
    if (!f)
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", path, strerror(errno));
    else
        fprintf(f, "# %s\n", header);
    return f;
}

/* The lowest-seed run of a group (curves cannot be averaged point by point). */
static const run_t *first_run(const merge_t *m, const group_t *g) { return &m->runs[g->first]; }

static int write_plot_data(const merge_t *m, char *err)
{
    static const char *const stems[] = {"fault_rate", "latency_cdf", "timeline", "thrashing", "tlb", "cow"};
    char path[PATH_MAX], tmp[PATH_MAX + 64], vpath[PATH_MAX], vtmp[PATH_MAX + 64];
    for (size_t i = 0; i < sizeof stems / sizeof *stems; i++)
        for (int e = 0; e < 3; e++) {
            snprintf(path, sizeof path, "%s/%s.%s", m->dir, stems[i], e == 0 ? "tsv" : e == 1 ? "png" : "svg");
            unlink(path);
        }
    snprintf(vpath, sizeof vpath, "%s/plot-vars.gp", m->dir);
    FILE *v = atomic_open(vpath, vtmp, sizeof vtmp);
    if (!v) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", vpath, strerror(errno));
        return -1;
    }
    const char *dirbase = strrchr(m->dir, '/') ? strrchr(m->dir, '/') + 1 : m->dir;
    const char *title = m->title ? m->title : dirbase;
    fputs("# plot-vars.gp - written by pagesim merge: titles and series labels for scripts/*.gp\n", v);
    fputs("exp = ", v);
    put_gp_string(v, title);
    fprintf(v, "\nseeds = %d\npage_bytes = %ld\n", m->maxn, m->runs[0].page_size);
    char tnote[600] = "";
    if (!field_varies(m, F_TRACE))
        snprintf(tnote, sizeof tnote, "trace %s", m->runs[0].label);
    int seeded = m->maxn > 1;
    const char *seednote = seeded ? "lowest seed" : "";
    /* Notes for plots whose x axis is not memory: the fixed frame count too. */
    char fnote[700], note2[800];
    if (!field_varies(m, F_FRAMES))
        snprintf(fnote, sizeof fnote, "%s%s%ld frames", tnote, *tnote ? ", " : "", m->runs[0].frames);
    else
        snprintf(fnote, sizeof fnote, "%s", tnote);
    snprintf(note2, sizeof note2, "%s%s%s", fnote, *fnote && *seednote ? ", " : "", seednote);
    /* Plots against the process count or write fraction: the fixed frame count only. */
    const char *frnote = field_varies(m, F_FRAMES) ? "" : fnote + (*tnote ? strlen(tnote) + 2 : 0);
    plotset_t ps;
    FILE *f;

    /* Fault rate against memory size: one series per everything-but-frames. */
    if (field_varies(m, F_FRAMES)) {
        make_series(m, F_FRAMES, 0, &ps);
        sort_series_by_x(m, &ps, x_frames, NULL);
        f = open_tsv(m, "fault_rate", "series\tframes\tmemory_mib\tfault_rate_per_1000\tfault_rate_ci95\tmiss_ratio\tmiss_ratio_ci95", path, tmp, err);
        for (int s = 0; f && s < ps.n; s++) {
            for (int i = 0; i < ps.s[s].n; i++) {
                const group_t *g = &m->groups[ps.s[s].g[i]];
                const run_t *r = first_run(m, g);
                fprintf(f, "%d\t%ld\t", s, r->frames);
                put_num(f, (double)r->frames * r->page_size / 1048576.0);
                double vals[4] = {g->mean[M_FRATE], g->ci[M_FRATE], g->mean[M_MISS], g->ci[M_MISS]};
                put_stats(f, vals, 4, seeded);
            }
            fputs("\n\n", f);
        }
        if (end_plot(f, path, tmp, v, "fault_rate", &ps, tnote, err))
            goto fail;
    }

    /* Major-fault latency CDFs: one curve per grid point (lowest seed). */
    int any_cdf = 0;
    for (int i = 0; i < m->nruns; i++)
        any_cdf |= json_array_size(m->runs[i].cdf) > 0;
    if (any_cdf) {
        make_series(m, F_TRACE, 1, &ps);
        int keep = 0;   /* runs without major faults have no curve */
        for (int s = 0; s < ps.n; s++) {
            if (json_array_size(first_run(m, &m->groups[ps.s[s].g[0]])->cdf)) {
                series_t t = ps.s[keep];
                ps.s[keep++] = ps.s[s];
                ps.s[s] = t;
            }
        }
        plotset_truncate(&ps, keep);
    }
    if (any_cdf && !ps.n)
        plotset_free(&ps);
    if (any_cdf && ps.n) {
        f = open_tsv(m, "latency_cdf", "series\tlatency_us\tfraction", path, tmp, err);
        for (int s = 0; f && s < ps.n; s++) {
            const run_t *r = first_run(m, &m->groups[ps.s[s].g[0]]);
            size_t j;
            json_t *pt;
            json_array_foreach(r->cdf, j, pt) {
                fprintf(f, "%d\t", s);
                put_num(f, json_number_value(json_array_get(pt, 0)) / 1000.0);
                fputc('\t', f);
                put_num(f, json_number_value(json_array_get(pt, 1)));
                fputc('\n', f);
            }
            fputs("\n\n", f);
        }
        if (end_plot(f, path, tmp, v, "latency_cdf", &ps, note2, err))
            goto fail;
    }

    /* Fault rate and resident set over simulated time. */
    int any_tl = 0;
    for (int i = 0; i < m->nruns; i++)
        any_tl |= json_array_size(m->runs[i].timeline) > 1;
    if (any_tl) {
        make_series(m, F_TRACE, 1, &ps);
        f = open_tsv(m, "timeline", "series\ttime_ms\tfault_rate_per_1000\tresident_frames\tresident_mib", path, tmp, err);
        for (int s = 0; f && s < ps.n; s++) {
            const run_t *r = first_run(m, &m->groups[ps.s[s].g[0]]);
            size_t j;
            json_t *pt;
            json_array_foreach(r->timeline, j, pt) {
                double refs = json_num_at(pt, "references"), faults = json_num_at(pt, "faults");
                double res = json_num_at(pt, "resident");
                fprintf(f, "%d\t", s);
                put_num(f, json_num_at(pt, "time_ns") / 1e6);
                fputc('\t', f);
                put_num(f, refs > 0 ? faults * 1000.0 / refs : NAN);
                fputc('\t', f);
                put_num(f, res);
                fputc('\t', f);
                put_num(f, res * r->page_size / 1048576.0);
                fputc('\n', f);
            }
            if (!json_array_size(r->timeline))
                fprintf(f, "%d\tnan\tnan\tnan\tnan\n", s);
            fputs("\n\n", f);
        }
        if (end_plot(f, path, tmp, v, "timeline", &ps, note2, err))
            goto fail;
    }

    /* The thrashing curve: CPU utilization and throughput against the number of processes
     * (each run's process count: traces with more processes, or A+B grid points). */
    int procs_vary = 0;
    for (int gi = 1; gi < m->ngroups; gi++)
        procs_vary |= m->runs[m->groups[gi].first].nproc != m->runs[m->groups[0].first].nproc;
    if (procs_vary) {
        make_series(m, F_TRACE, 0, &ps);
        sort_series_by_x(m, &ps, x_procs, NULL);
        f = open_tsv(m, "thrashing", "series\tprocesses\tcpu_utilization_pct\tcpu_utilization_ci95\tthroughput_per_s\tthroughput_ci95", path, tmp, err);
        for (int s = 0; f && s < ps.n; s++) {
            for (int i = 0; i < ps.s[s].n; i++) {
                const group_t *g = &m->groups[ps.s[s].g[i]];
                fprintf(f, "%d\t%ld", s, first_run(m, g)->nproc);
                double vals[4] = {100 * g->mean[M_CPU], 100 * g->ci[M_CPU], g->mean[M_TPUT], g->ci[M_TPUT]};
                put_stats(f, vals, 4, seeded);
            }
            fputs("\n\n", f);
        }
        if (end_plot(f, path, tmp, v, "thrashing", &ps, frnote, err))
            goto fail;
    }

    /* TLB miss ratio against TLB size; COW copies against the child's write fraction. */
    int cow_done = 0;
    for (int k = 0; k < m->keys.n; k++) {
        const char *key = m->keys.v[k];
        int is_tlb = !strcmp(key, "tlb.entries"), is_cow = strstr(key, "write_frac") != NULL;
        double dummy;
        if ((!is_tlb && !is_cow) || !field_varies(m, k) || !as_number(m->runs[0].kv[k], &dummy))
            continue;
        const char *stem = is_tlb ? "tlb" : "cow";
        make_series(m, k, 0, &ps);
        sort_series_by_x(m, &ps, x_key, &k);
        f = open_tsv(m, stem, is_tlb ? "series\ttlb_entries\ttlb_miss_pct\ttlb_miss_ci95"
                                     : "series\twrite_fraction\tpages_copied\tpages_copied_ci95\textra_mib\textra_mib_ci95",
                     path, tmp, err);
        for (int s = 0; f && s < ps.n; s++) {
            for (int i = 0; i < ps.s[s].n; i++) {
                const group_t *g = &m->groups[ps.s[s].g[i]];
                const run_t *r = first_run(m, g);
                fprintf(f, "%d\t%s", s, r->kv[k]);
                double mib = r->page_size / 1048576.0;
                double vals[4] = {100 * g->mean[M_TLB], 100 * g->ci[M_TLB], NAN, NAN};
                if (is_cow) {
                    vals[0] = g->mean[M_COPIED];
                    vals[1] = g->ci[M_COPIED];
                    vals[2] = g->mean[M_COPIED] * mib;
                    vals[3] = g->ci[M_COPIED] * mib;
                }
                put_stats(f, vals, is_tlb ? 2 : 4, seeded);
            }
            fputs("\n\n", f);
        }
        if (is_cow) {
            fprintf(v, "cow_key = \"%s\"\n", key);
            cow_done = 1;
        }
        if (end_plot(f, path, tmp, v, stem, &ps, fnote, err))
            goto fail;
    }

    /* No write-fraction key: the children's write fraction may still differ between the
     * workload specs given as traces (one spec per write fraction). */
    double wf0 = NAN;
    int wf_vary = 0;
    for (int gi = 0; gi < m->ngroups; gi++) {
        double w = m->runs[m->groups[gi].first].child_wf;
        if (isnan(w))
            continue;
        if (isnan(wf0))
            wf0 = w;
        wf_vary |= w != wf0;
    }
    if (!cow_done && wf_vary) {
        make_series(m, F_TRACE, 0, &ps);
        sort_series_by_x(m, &ps, x_cwf, NULL);
        f = open_tsv(m, "cow", "series\twrite_fraction\tpages_copied\tpages_copied_ci95\textra_mib\textra_mib_ci95",
                     path, tmp, err);
        for (int s = 0; f && s < ps.n; s++) {
            int rows = 0;
            for (int i = 0; i < ps.s[s].n; i++) {
                const group_t *g = &m->groups[ps.s[s].g[i]];
                const run_t *r = first_run(m, g);
                if (isnan(r->child_wf))
                    continue;
                double mib = r->page_size / 1048576.0;
                double vals[4] = {g->mean[M_COPIED], g->ci[M_COPIED], g->mean[M_COPIED] * mib, g->ci[M_COPIED] * mib};
                fprintf(f, "%d\t", s);
                put_num(f, r->child_wf);
                put_stats(f, vals, 4, seeded);
                rows++;
            }
            if (!rows)
                fprintf(f, "%d\tnan\tnan\tnan\tnan\tnan\n", s);
            fputs("\n\n", f);
        }
        fprintf(v, "cow_key = \"children's phases in the workload specs\"\n");
        if (end_plot(f, path, tmp, v, "cow", &ps, frnote, err))
            goto fail;
    }
    return atomic_close(v, vtmp, vpath, err);
fail:
    fclose(v);
    unlink(vtmp);
    return -1;
}

/* Runs scripts/plot --no-merge DIR (found beside the binary's build or install tree, or
 * through $PAGESIM_SCRIPTS). Plots are a convenience: failure is reported, not fatal. */
static void render_plots(const char *dir)
{
    char exe[PATH_MAX] = "", cand[4][PATH_MAX + 64], *script = NULL;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
    }
    const char *env = getenv("PAGESIM_SCRIPTS");
    snprintf(cand[0], sizeof cand[0], "%s/plot", env ? env : "");
    snprintf(cand[1], sizeof cand[1], "%s/../scripts/plot", exe);
    snprintf(cand[2], sizeof cand[2], "%s/scripts/plot", exe);
    snprintf(cand[3], sizeof cand[3], "%s/../share/pagesim/scripts/plot", exe);
    for (int i = env ? 0 : 1; i < 4 && !script; i++)
        if (access(cand[i], X_OK) == 0)
            script = cand[i];
    if (!script) {
        fprintf(stderr, "pagesim: plots skipped: scripts/plot not found (set PAGESIM_SCRIPTS to the scripts directory)\n");
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        char self[PATH_MAX + 16];
        snprintf(self, sizeof self, "%s/pagesim", exe);
        setenv("PAGESIM", self, 0);
        dup2(2, 1);   /* stdout of a sweep is for the user's pipe: chatter goes to stderr */
        execl(script, script, "--no-merge", dir, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        fprintf(stderr, "pagesim: warning: %s --no-merge %s failed\n", script, dir);
}

static int do_merge(const char *dir, const char *title, int no_plots)
{
    merge_t m = {.dir = dir};
    char err[SIM_ERR_LEN];
    int rc = 1;
    if (load_sweep_json(&m, err) || load_runs(&m, err))
        goto out;
    if (title) {
        free(m.title);
        m.title = xstrdup(title);
    }
    if (make_groups(&m, err))
        goto out;
    m.varies = xcalloc((size_t)m.keys.n + 3, sizeof *m.varies);
    for (int f = F_POLICY; f < m.keys.n; f++)
        m.varies[f + 3] = field_varies_scan(&m, f);
    if (write_summary(&m, err) || write_plot_data(&m, err))
        goto out;
    fprintf(stderr, "pagesim: %s/summary.tsv: %d grid points from %d runs\n", dir, m.ngroups, m.nruns);
    if (!no_plots)
        render_plots(dir);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "pagesim: %s\n", err);
    merge_free(&m);
    return rc;
}

/* ---------------------------------------------------------------- commands */

static void sweep_usage(FILE *f)
{
    fprintf(f,
        "usage: pagesim sweep [-p POLICIES] [-f FRAMES] [--set KEY=V1,V2 ...] [--seeds N] [-j JOBS]\n"
        "                     -o DIR [--jobs-file FILE] [--title TEXT] [--no-plots] [RUN OPTIONS] TRACE...\n\n"
        "Runs the grid policies x frames x each --set key's values x seeds 1..N x traces, in\n"
        "parallel, one JSON per run in DIR/runs/ (finished runs are skipped: rerun to resume), then\n"
        "writes DIR/summary.tsv and the plots the grid supports (DIR/*.png, *.svg). The summary\n"
        "covers every run in DIR/runs: one DIR holds one experiment, and a sweep whose options\n"
        "differ from DIR's runs is refused (use a new DIR). A run that fails or crashes is named,\n"
        "recorded (DIR/runs/NAME.failed, a 'failed' column) and the others go on; exit 1.\n\n"
        "  -p, --policy LIST      replacement policies, comma-separated (default: the config's)\n"
        "  -f, --frames LIST      frame counts: N, A:B:STEP, A:B:xFACTOR, comma-separated\n"
        "      --set KEY=V1,V2    vary a config key (repeatable; dotted keys as in pagesim run)\n"
        "      --seeds N          seeds 1..N per point; summary gets *_mean and *_ci95 columns\n"
        "  -j, --jobs N           parallel runs (default: the number of CPUs)\n"
        "  -o, --output DIR       the sweep's directory\n"
        "      --jobs-file FILE   write one `pagesim run` command per line instead of running\n"
        "                         (parallel < FILE, or scripts/slurm-sweep.sbatch); then pagesim merge DIR\n"
        "      --title TEXT       the experiment's name in plot titles (default: DIR's name)\n"
        "      --no-plots         write summary.tsv and plot data only\n"
        "  run options passed to every run: -c FILE, -m SIZE, --page-size, --tlb, --ref-bit, --cow,\n"
        "  --schedule, --swap-dev, --file-dev, --cpus, --quantum, -s SEED (without --seeds), --format,\n"
        "  --interval\n"
        "  TRACE: a trace file, or A+B+... to run several files together as concurrent processes\n");
}

static int sweep_parse(sweep_t *sw, int argc, char **argv, int *help)
{
    enum { O_SET = CLIOPT_VAL_END, O_SEEDS, O_JOBSFILE, O_TITLE, O_NOPLOTS };
    static const struct option own[] = {
        {"policy", required_argument, 0, 'p'}, {"frames", required_argument, 0, 'f'},
        {"set", required_argument, 0, O_SET}, {"seeds", required_argument, 0, O_SEEDS},
        {"jobs", required_argument, 0, 'j'}, {"output", required_argument, 0, 'o'},
        {"jobs-file", required_argument, 0, O_JOBSFILE}, {"title", required_argument, 0, O_TITLE},
        {"no-plots", no_argument, 0, O_NOPLOTS}, {"help", no_argument, 0, 'h'},
    };
    enum { N_OWN = sizeof own / sizeof *own };
    /* then the run options passed through to every run, from the run option table */
    struct option opts[N_OWN + CLIOPT_MAX + 1];
    char shortopts[2 * CLIOPT_MAX + 16] = "p:f:j:o:h";
    memcpy(opts, own, sizeof own);
    cliopt_getopt(CLIOPT_SWEEP, opts, N_OWN, shortopts, sizeof shortopts);
    char err[SIM_ERR_LEN];
    int o;
    long seed_opt = 0;
    optind = 1;
    opterr = 1;
    while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        const cliopt_t *pass = NULL;
        switch (o) {
        case 'p': split_list(optarg, &sw->policies); break;
        case 'f':
            if (parse_frames(optarg, &sw->frames, &sw->nframes, err)) {
                fprintf(stderr, "pagesim sweep: %s\n", err);
                return -1;
            }
            break;
        case O_SET: {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1]) {
                fprintf(stderr, "pagesim sweep: --set needs KEY=V1[,V2...], not '%s'\n", optarg);
                return -1;
            }
            char key[256];
            snprintf(key, sizeof key, "%.*s", (int)(eq - optarg), optarg);
            if (!strcmp(key, "policy") || !strcmp(key, "frames") || !strcmp(key, "seed")) {
                fprintf(stderr, "pagesim sweep: vary %s with %s, not --set\n", key,
                        key[0] == 'p' ? "-p" : key[0] == 'f' ? "-f" : "--seeds");
                return -1;
            }
            int k;
            for (k = 0; k < sw->nkeys && strcmp(sw->keys[k].key, key); k++)
                ;
            if (k == sw->nkeys) {
                sw->keys = realloc(sw->keys, (size_t)(sw->nkeys + 1) * sizeof *sw->keys);
                memset(&sw->keys[k], 0, sizeof sw->keys[k]);
                sw->keys[k].key = xstrdup(key);
                sw->nkeys++;
            }
            split_list(eq + 1, &sw->keys[k].vals);
            break;
        }
        case O_SEEDS: {
            long n;
            if (parse_long(optarg, &n) || n < 1 || n > 100000) {
                fprintf(stderr, "pagesim sweep: --seeds needs a count from 1 to 100000, not '%s'\n", optarg);
                return -1;
            }
            sw->nseeds = (int)n;
            break;
        }
        case 'j': {
            long n;
            if (parse_long(optarg, &n) || n < 1 || n > 4096) {
                fprintf(stderr, "pagesim sweep: -j needs a count from 1 to 4096, not '%s'\n", optarg);
                return -1;
            }
            sw->jobs = (int)n;
            break;
        }
        case 'o': sw->dir = optarg; break;
        case O_JOBSFILE: sw->jobs_file = optarg; break;
        case O_TITLE: sw->title = optarg; break;
        case O_NOPLOTS: sw->no_plots = 1; break;
        case 'h': *help = 1; return 0;
        default:
            if (!(pass = cliopt_lookup(o, CLIOPT_SWEEP))) {
                sweep_usage(stderr);
                return -1;
            }
            seed_opt |= !strcmp(pass->name, "seed");
            sw->opts = realloc(sw->opts, (size_t)(sw->nopts + 1) * sizeof *sw->opts);
            /* config files by absolute path, so a jobs file runs from any directory */
            char abs[PATH_MAX];
            const char *val = optarg;
            if (pass->kind == CLIOPT_CONFIG && realpath(optarg, abs))
                val = abs;
            sw->opts[sw->nopts++] = (runopt_t){.opt = pass, .value = xstrdup(val)};
        }
    }
    if (argc < 2) {
        sweep_usage(stderr);
        return -1;
    }
    if (!sw->dir) {
        fprintf(stderr, "pagesim sweep: -o DIR is required\n");
        return -1;
    }
    if (optind >= argc) {
        fprintf(stderr, "pagesim sweep: no trace files\n");
        return -1;
    }
    if (seed_opt && sw->nseeds) {
        fprintf(stderr, "pagesim sweep: -s and --seeds exclude each other\n");
        return -1;
    }
    for (int k = 0; k < sw->nkeys; k++)
        if (!sw->keys[k].vals.n) {
            fprintf(stderr, "pagesim sweep: --set %s has no values\n", sw->keys[k].key);
            return -1;
        }
    for (int k = 0; sw->nframes && k < sw->nkeys; k++)
        if (!strcmp(sw->keys[k].key, "memory")) {   /* memory sets the frames: -f would be void */
            fprintf(stderr, "pagesim sweep: --set memory and -f exclude each other (memory decides the "
                    "frame count, so the -f values would be the same runs): vary one of them\n");
            return -1;
        }
    if (sw->nframes)
        for (int i = 0; i < sw->nopts; i++)
            if (!strcmp(sw->opts[i].opt->name, "memory")) {
                fprintf(stderr, "pagesim sweep: -m and -f exclude each other (vary memory with --set memory=...)\n");
                return -1;
            }
    /* Traces: absolute paths (the jobs file and the results name them so); A+B is one
     * point of several files, unless a file of that very name exists. */
    int n = argc - optind;
    sw->traces = xcalloc((size_t)n, sizeof *sw->traces);
    for (int t = 0; t < n; t++) {
        const char *arg = argv[optind + t];
        strv_push(&sw->trace_args, xstrdup(arg));
        strv_t parts = {0};
        if (access(arg, F_OK) == 0) {
            strv_push(&parts, xstrdup(arg));
        } else {
            char *buf = xstrdup(arg), *save = NULL;
            for (char *p = strtok_r(buf, "+", &save); p; p = strtok_r(NULL, "+", &save))
                strv_push(&parts, xstrdup(p));
            free(buf);
        }
        char label[2048] = "";
        for (int i = 0; i < parts.n; i++) {
            char abs[PATH_MAX];
            if (!realpath(parts.v[i], abs)) {
                fprintf(stderr, "pagesim sweep: %s: %s\n", parts.v[i], strerror(errno));
                strv_free(&parts);
                return -1;
            }
            strv_push(&sw->traces[t], xstrdup(abs));
            const char *base = strrchr(abs, '/') + 1;
            snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s", i ? "+" : "", base);
        }
        strv_free(&parts);
        strv_push(&sw->labels, xstrdup(label));
    }
    /* Equal labels (same file names in different directories) would collide: number them. */
    for (int t = 0; t < n; t++)
        for (int u = 0; u < n; u++)
            if (t != u && !strcmp(sw->labels.v[t], sw->labels.v[u]) &&
                strcmp(sw->trace_args.v[t], sw->trace_args.v[u])) {
                for (int i = 0; i < n; i++) {
                    char b[2100];
                    snprintf(b, sizeof b, "t%d-%s", i + 1, sw->labels.v[i]);
                    free(sw->labels.v[i]);
                    sw->labels.v[i] = xstrdup(b);
                }
                t = u = n;
            }
    return 0;
}

int sweep_main(int argc, char **argv)
{
    sweep_t sw = {0};
    char err[SIM_ERR_LEN];
    int help = 0, rc = 2;
    if (sweep_parse(&sw, argc, argv, &help)) {
        sweep_free(&sw);
        return 2;
    }
    if (help) {
        sweep_usage(stdout);
        sweep_free(&sw);
        return 0;
    }
    if (!sw.jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        sw.jobs = n > 0 ? (int)n : 1;
    }
    char absdir[PATH_MAX], title[PATH_MAX];
    if (mkdir_p(sw.dir, err) || !realpath(sw.dir, absdir)) {
        fprintf(stderr, "pagesim sweep: %s\n", err);
        goto out;
    }
    sw.dir = absdir;
    if (!sw.title) {
        snprintf(title, sizeof title, "%s", strrchr(absdir, '/') + 1);
        sw.title = title;
    }
    snprintf(sw.runs_dir, sizeof sw.runs_dir, "%s/runs", absdir);
    if (build_grid(&sw, err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err);
        goto out;
    }
    if (check_existing(&sw, err)) {   /* another experiment's runs: refuse before writing */
        fprintf(stderr, "pagesim sweep: %s\n", err);
        goto out;
    }
    rc = 1;
    if (mkdir_p(sw.runs_dir, err) || write_sweep_json(&sw, err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err);
        goto out;
    }
    if (sw.jobs_file) {
        if (write_jobs_file(&sw, err)) {
            fprintf(stderr, "pagesim sweep: %s\n", err);
            goto out;
        }
        fprintf(stderr, "pagesim sweep: %d runs written to %s; run them (parallel < %s, or "
                "sbatch --array=1-%d scripts/slurm-sweep.sbatch %s), then: pagesim merge %s\n",
                sw.npts, sw.jobs_file, sw.jobs_file, sw.npts, sw.jobs_file, absdir);
        rc = 0;
        goto out;
    }
    int failed = run_grid(&sw);
    int mrc = do_merge(absdir, NULL, sw.no_plots);
    if (failed)
        fprintf(stderr, "pagesim sweep: %d of %d runs failed (see above); summary.tsv holds the others\n",
                failed, sw.npts);
    rc = failed || mrc ? 1 : 0;
out:
    sweep_free(&sw);
    return rc;
}

int merge_main(int argc, char **argv)
{
    enum { O_TITLE = 256, O_NOPLOTS };
    static const struct option opts[] = {
        {"title", required_argument, 0, O_TITLE}, {"no-plots", no_argument, 0, O_NOPLOTS},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *title = NULL;
    int no_plots = 0, o;
    optind = 1;
    opterr = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case O_TITLE: title = optarg; break;
        case O_NOPLOTS: no_plots = 1; break;
        case 'h':
            printf("usage: pagesim merge [--title TEXT] [--no-plots] DIR\n\n"
                   "Builds DIR/summary.tsv, the plot data and the plots from DIR/runs/*.json (a sweep's\n"
                   "runs, e.g. from a --jobs-file run by GNU parallel or Slurm). Each run's grid point\n"
                   "comes from its own config; DIR/sweep.json, if present, names the varied keys.\n");
            return 0;
        default:
            fprintf(stderr, "usage: pagesim merge [--title TEXT] [--no-plots] DIR\n");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: pagesim merge [--title TEXT] [--no-plots] DIR\n");
        return 2;
    }
    char absdir[PATH_MAX];
    if (!realpath(argv[optind], absdir)) {
        fprintf(stderr, "pagesim merge: %s: %s\n", argv[optind], strerror(errno));
        return 2;
    }
    return do_merge(absdir, title, no_plots);
}
