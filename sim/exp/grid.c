/* grid.c - a sweep's grid: expanding its axes into points, and resuming (see grid.h).
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
 * it (naming the file and the first key that differs) rather than report old numbers as new
 * or mix two experiments in one summary: one DIR holds one experiment.
 *
 * Grid points that would be one run are refused up front: any two points whose
 * configurations and traces are equal as the engine reads them ("--set tlb.entries=16,0x10"
 * would be averaged as if they were seeds), and two points whose names map to one file.
 * Every point's configuration is built here, in the parent, before anything runs, so a bad
 * key or value is reported first. Cost: one JSON config per point; the checks sort the
 * points' names and canonical texts (qsort_r with the texts as context, no global state);
 * resuming reads each file of DIR/runs once and finds its point by binary search. */
#include "grid.h"
#include "exp.h"
#include "sim/sim.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void grid_point_free(grid_point_t *p)
{
    free(p->name);
    free(p->desc);
    free(p->kv);
    json_decref(p->cfg);
}

void grid_free(grid_t *g)
{
    strv_free(&g->policies);
    free(g->frames);
    for (int k = 0; k < g->nkeys; k++) {
        free(g->keys[k].key);
        strv_free(&g->keys[k].vals);
    }
    free(g->keys);
    for (int t = 0; t < g->trace_args.n; t++)
        strv_free(&g->traces[t]);
    free(g->traces);
    strv_free(&g->trace_args);
    strv_free(&g->labels);
    for (int i = 0; i < g->nopts; i++)
        free(g->opts[i].value);
    free(g->opts);
    for (int i = 0; i < g->npts; i++)
        grid_point_free(&g->pts[i]);
    free(g->pts);
}

void grid_add_key(grid_t *g, const char *key, const char *values)
{
    int k;
    for (k = 0; k < g->nkeys && strcmp(g->keys[k].key, key); k++)
        ;
    if (k == g->nkeys) {
        g->keys = xrealloc(g->keys, (size_t)(g->nkeys + 1) * sizeof *g->keys, "the sweep's keys");
        memset(&g->keys[k], 0, sizeof g->keys[k]);
        g->keys[k].key = strv_dup(key);
        g->nkeys++;
    }
    strv_split(values, &g->keys[k].vals);
}

int grid_add_traces(grid_t *g, char *const *args, int n, sim_err_t *err)
{
    g->traces = xcalloc((size_t)n, sizeof *g->traces, "the sweep's traces");
    for (int t = 0; t < n; t++) {
        const char *arg = args[t];
        strv_push(&g->trace_args, strv_dup(arg));
        strv_t parts = {0};
        if (access(arg, F_OK) == 0) {
            strv_push(&parts, strv_dup(arg));
        } else {
            char *buf = strv_dup(arg), *save = NULL;
            for (char *p = strtok_r(buf, "+", &save); p; p = strtok_r(NULL, "+", &save))
                strv_push(&parts, strv_dup(p));
            free(buf);
        }
        char label[2048] = "";
        for (int i = 0; i < parts.n; i++) {
            char abs[PATH_MAX];
            if (!realpath(parts.v[i], abs)) {
                sim_err_set(err, SIM_EINPUT, "%s: %s", parts.v[i], strerror(errno));
                strv_free(&parts);
                return -1;
            }
            strv_push(&g->traces[t], strv_dup(abs));
            const char *base = strrchr(abs, '/') + 1;
            snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s", i ? "+" : "", base);
        }
        strv_free(&parts);
        strv_push(&g->labels, strv_dup(label));
    }
    /* Equal labels (same file names in different directories) would collide: number them. */
    for (int t = 0; t < n; t++)
        for (int u = 0; u < n; u++)
            if (t != u && !strcmp(g->labels.v[t], g->labels.v[u]) &&
                strcmp(g->trace_args.v[t], g->trace_args.v[u])) {
                for (int i = 0; i < n; i++) {
                    char b[2100];
                    snprintf(b, sizeof b, "t%d-%s", i + 1, g->labels.v[i]);
                    free(g->labels.v[i]);
                    g->labels.v[i] = strv_dup(b);
                }
                t = u = n;
            }
    return 0;
}

/* ---------------------------------------------------------------- expanding */

/* Two grid points that are the same run (equal configurations as the engine reads them, and
 * equal traces: "--set tlb.entries=16,0x10") would be averaged as if they were seeds: refuse. */
static int cmp_canon(const void *a, const void *b, void *ctx)
{
    char *const *t = ctx;
    return strcmp(t[*(const int *)a], t[*(const int *)b]);
}

static int grid_check_distinct(const grid_t *g, sim_err_t *err)
{
    char **text = xcalloc((size_t)g->npts, sizeof *text, "the sweep's points");
    int *idx = xcalloc((size_t)g->npts, sizeof *idx, "the sweep's points"), rc = 0;
    for (int i = 0; i < g->npts; i++) {
        json_t *c = exp_canon(g->pts[i].cfg, g->traces[g->pts[i].tr].n), *tr = json_array();
        for (int t = 0; t < g->traces[g->pts[i].tr].n; t++)
            json_array_append_new(tr, json_string(g->traces[g->pts[i].tr].v[t]));
        json_object_set_new(c, " traces", tr);
        text[i] = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(c);
        idx[i] = i;
    }
    qsort_r(idx, (size_t)g->npts, sizeof *idx, cmp_canon, text);
    for (int i = 1; i < g->npts && !rc; i++)
        if (!strcmp(text[idx[i - 1]], text[idx[i]])) {
            int a = idx[i - 1] < idx[i] ? idx[i - 1] : idx[i], b = idx[i - 1] ^ idx[i] ^ a;
            sim_err_set(err, SIM_EINPUT, "grid points (%s) and (%s) are the same run: give each value once",
                        g->pts[a].desc, g->pts[b].desc);
            rc = -1;
        }
    for (int i = 0; i < g->npts; i++)
        free(text[i]);
    free(text);
    free(idx);
    return rc;
}

/* Two points with one file would silently share results: refuse. */
static int grid_check_names(const grid_t *g, sim_err_t *err)
{
    char **names = xcalloc((size_t)g->npts, sizeof *names, "the sweep's points");
    for (int i = 0; i < g->npts; i++)
        names[i] = g->pts[i].name;
    qsort(names, (size_t)g->npts, sizeof *names, strv_cmp);
    for (int i = 1; i < g->npts; i++)
        if (!strcmp(names[i - 1], names[i])) {
            sim_err_set(err, SIM_EINPUT, "two grid points map to the same file name %s.json (values "
                        "differing only in characters other than letters, digits, . = + -)", names[i]);
            free(names);
            return -1;
        }
    free(names);
    return 0;
}

/* Point p at coordinates kv (and p's own): its name, description and configuration. */
static int grid_point(const grid_t *g, grid_point_t *p, const int *kv, const json_t *base, sim_err_t *err)
{
    char name[1024] = "", desc[2048] = "", part[512];
    p->cfg = json_deep_copy(base);
    if (g->policies.n) {
        const char *pol = g->policies.v[p->pol];
        sanitize_cat(name, sizeof name, pol);
        strcat(name, "_");
        snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "policy=%s ", pol);
        if (config_set(p->cfg, "policy", pol, err))
            return -1;
    }
    if (g->nframes) {
        snprintf(part, sizeof part, "%ld", g->frames[p->fr]);
        snprintf(name + strlen(name), sizeof name - strlen(name), "f%s_", part);
        snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "frames=%s ", part);
        if (config_set(p->cfg, "frames", part, err)
            || config_set(p->cfg, "memory", "", err))
            return -1;
    }
    for (int k = 0; k < g->nkeys; k++) {
        const char *key = g->keys[k].key, *val = g->keys[k].vals.v[kv[k]];
        snprintf(part, sizeof part, "%s=%s", key, val);
        sanitize_cat(name, sizeof name, part);
        strcat(name, "_");
        snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "%s ", part);
        if (config_set(p->cfg, key, val, err)) {
            sim_err_prefix(err, "--set %s: ", part);
            return -1;
        }
    }
    if (g->nseeds) {
        snprintf(part, sizeof part, "%d", p->seed);
        snprintf(name + strlen(name), sizeof name - strlen(name), "s%s_", part);
        snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "seed=%s ", part);
        if (config_set(p->cfg, "seed", part, err))
            return -1;
    }
    sanitize_cat(name, sizeof name, g->labels.v[p->tr]);
    snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "trace=%s", g->trace_args.v[p->tr]);
    if (strlen(name) > 180) {
        snprintf(name + 160, sizeof name - 160, "-%016llx", (unsigned long long)fnv1a(desc));
    }
    p->name = strv_dup(name);
    p->desc = strv_dup(desc);
    return 0;
}

int grid_build(grid_t *g, const json_t *base, sim_err_t *err)
{
    int npol = g->policies.n ? g->policies.n : 1, nfr = g->nframes ? g->nframes : 1;
    int nseed = g->nseeds ? g->nseeds : 1, ntr = g->trace_args.n;
    long total = (long)npol * nfr * nseed * ntr;
    for (int k = 0; k < g->nkeys; k++)
        total *= g->keys[k].vals.n;
    if (total > 10000000)
        return sim_err_set(err, SIM_EINPUT, "the grid has %ld points: too many", total);
    g->pts = xcalloc((size_t)total, sizeof *g->pts, "the sweep's points");
    int *kv = xcalloc((size_t)g->nkeys + 1, sizeof *kv, "the sweep's points");
    for (long idx = 0; idx < total; idx++) {
        /* Mixed-radix decode: traces outermost, then policies, frames, keys, seeds. */
        long r = idx;
        grid_point_t *p = &g->pts[g->npts++];
        p->seed = (int)(r % nseed) + 1;
        r /= nseed;
        for (int k = g->nkeys - 1; k >= 0; k--) {
            kv[k] = (int)(r % g->keys[k].vals.n);
            r /= g->keys[k].vals.n;
        }
        p->fr = (int)(r % nfr);
        r /= nfr;
        p->pol = (int)(r % npol);
        p->tr = (int)(r / npol);
        p->kv = xcalloc((size_t)g->nkeys + 1, sizeof *p->kv, "the sweep's points");
        memcpy(p->kv, kv, (size_t)g->nkeys * sizeof *kv);
        if (grid_point(g, p, kv, base, err)) {
            free(kv);
            return -1;
        }
    }
    free(kv);
    return grid_check_names(g, err) || grid_check_distinct(g, err) ? -1 : 0;
}

/* ---------------------------------------------------------------- checking */

/* Every point checked before anything runs (sim_check: its config, policy and parameters,
 * devices, schedule and inputs), so that a bad value fails the sweep at once with the point
 * named, not after the others ran; then the seeds of points whose results cannot depend on
 * the seed (sim_check's seeded) are dropped but the first: one run, not N equal ones. A
 * point's seeds are consecutive (seeds are the innermost coordinate) and differ only in the
 * seed, so only each point's first seed is checked. A check the machine fails (out of
 * memory) is not the input's fault: that point keeps its seeds and its runs will say. */
int grid_check(grid_t *g, sim_err_t *err)
{
    int seeded = 1, n = 0;
    for (int i = 0; i < g->npts; i++) {
        grid_point_t *p = &g->pts[i];
        if (p->seed == 1) {
            const strv_t *tr = &g->traces[p->tr];
            int rc = sim_check(p->cfg, (const char *const *)tr->v, g->workload ? 0 : tr->n, &seeded, err);
            if (rc == SIM_EINPUT)
                return sim_err_prefix(err, "grid point (%s): ", p->desc);
            if (rc)
                seeded = 1;
        }
        if (p->seed > 1 && !seeded) {
            grid_point_free(p);
            continue;
        }
        g->pts[n++] = *p;
    }
    g->npts = n;
    return 0;
}

int grid_write_json(const grid_t *g, sim_err_t *err)
{
    json_t *doc = json_object(), *a;
    json_object_set_new(doc, "title", json_string(g->title));
    a = json_array();   /* argv[0] is "sweep" (main.c's dispatch): the command is pagesim's */
    json_array_append_new(a, json_string("pagesim"));
    for (int i = 0; i < g->argc; i++)
        json_array_append_new(a, json_string(g->argv[i]));
    json_object_set_new(doc, "command", a);
    a = json_array();
    for (int i = 0; i < g->policies.n; i++)
        json_array_append_new(a, json_string(g->policies.v[i]));
    json_object_set_new(doc, "policies", a);
    a = json_array();
    for (int i = 0; i < g->nframes; i++)
        json_array_append_new(a, json_integer(g->frames[i]));
    json_object_set_new(doc, "frames", a);
    a = json_array();
    for (int k = 0; k < g->nkeys; k++) {
        json_t *vals = json_array();
        for (int i = 0; i < g->keys[k].vals.n; i++)
            json_array_append_new(vals, json_string(g->keys[k].vals.v[i]));
        json_array_append_new(a, json_pack("{s:s,s:o}", "key", g->keys[k].key, "values", vals));
    }
    json_object_set_new(doc, "keys", a);
    json_object_set_new(doc, "seeds", json_integer(g->nseeds));
    a = json_array();
    for (int t = 0; t < g->trace_args.n; t++) {
        json_t *files = json_array();
        for (int i = 0; i < g->traces[t].n; i++)
            json_array_append_new(files, json_string(g->traces[t].v[i]));
        json_array_append_new(a, files);
    }
    json_object_set_new(doc, "traces", a);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweep.json", g->dir);
    int rc = sim_out_write(doc, path, err);
    json_decref(doc);
    return rc;
}

/* ---------------------------------------------------------------- resuming */

/* Why the result document doc is not a run of cfg over traces (NULL traces: any traces;
 * cfg already canonical): "" when it is. */
static void grid_mismatch(const json_t *doc, const json_t *cfg, const strv_t *traces, char *why, size_t n)
{
    why[0] = '\0';
    const char *ver = json_string_value(json_object_get(doc, "version"));
    if (!ver || strcmp(ver, PAGESIM_VERSION) ||
        json_integer_value(json_object_get(doc, "schema")) != PAGESIM_SCHEMA) {
        snprintf(why, n, "pagesim %s schema %lld there, %s schema %d here", ver ? ver : "?",
                 (long long)json_integer_value(json_object_get(doc, "schema")), PAGESIM_VERSION, PAGESIM_SCHEMA);
        return;
    }
    json_t *have = exp_canon(json_object_get(doc, "config"), 0);
    if (!traces) {   /* another grid point: the grid's coordinates may differ */
        json_t *want = json_deep_copy(cfg);
        for (int i = 0; i < EXP_GRID_KEYS; i++) {
            json_object_del(have, exp_grid_keys[i]);
            json_object_del(want, exp_grid_keys[i]);
        }
        const char *sched = json_string_value(json_object_get(want, "schedule"));
        if (sched && !strcmp(sched, "auto")) {   /* auto: per the point's trace count */
            json_object_del(have, "schedule");
            json_object_del(want, "schedule");
        }
        exp_first_diff(have, want, "", why, n);
        json_decref(want);
        json_decref(have);
        return;
    }
    exp_first_diff(have, cfg, "", why, n);
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
    return strcmp((*(grid_point_t *const *)a)->name, (*(grid_point_t *const *)b)->name);
}

/* One file of DIR/runs against the grid: 0 (p marked done when it is p's result), or -1
 * with err when it is another experiment's. base: this sweep's config minus its --set keys. */
static int grid_resume_file(grid_t *g, const char *file, grid_point_t *const *byname,
                            const json_t *base, sim_err_t *err)
{
    char path[PATH_MAX + 256], stem[512], why[1024];
    snprintf(path, sizeof path, "%s/%s", g->runs_dir, file);
    int failed_rec = exp_has_suffix(file, ".failed");
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(file) - (failed_rec ? 7 : 5)), file);
    grid_point_t keyp = {.name = stem}, *kp = &keyp;
    grid_point_t *const *hit = bsearch(&kp, byname, (size_t)g->npts, sizeof *byname, cmp_point_name);
    grid_point_t *p = hit ? *hit : NULL;
    json_t *doc = json_load_file(path, 0, NULL);
    if (!doc || !json_is_object(json_object_get(doc, "config"))) {
        json_decref(doc);
        if (p && !failed_rec) {
            fprintf(stderr, "pagesim sweep: %s is not a complete result: running it again\n", path);
            return 0;
        }
        if (failed_rec)
            return 0;
        return sim_err_set(err, SIM_EINPUT, "%s is not a pagesim result (truncated?): remove it", path);
    }
    if (p) {
        json_t *want = exp_canon(p->cfg, g->traces[p->tr].n);
        grid_mismatch(doc, want, &g->traces[p->tr], why, sizeof why);
        json_decref(want);
    } else {
        json_t *cfg = exp_canon(json_object_get(doc, "config"), 0);
        for (int k = 0; k < g->nkeys; k++)
            exp_del_dotted(cfg, g->keys[k].key);
        json_t *d2 = json_deep_copy(doc);
        json_object_set_new(d2, "config", cfg);
        grid_mismatch(d2, base, NULL, why, sizeof why);
        json_decref(d2);
    }
    json_decref(doc);
    if (why[0])
        return sim_err_set(err, SIM_EINPUT, "%s is a run of another experiment (%s): one DIR holds one "
                           "experiment; use another -o DIR, or remove %s to start over", path, why, g->runs_dir);
    if (p && !failed_rec)
        p->done = 1;
    return 0;
}

/* Which points are done, and whether DIR/runs holds another experiment. A point is done when
 * its result file parses and is a run of exactly its configuration, traces and pagesim
 * version; a file that does not parse (0 bytes, truncated) is not done and runs again, said
 * on stderr. A complete result of anything else - the point under other options, or a run
 * that is no point of this grid but differs in more than the grid's coordinates - is another
 * experiment: one DIR holds one experiment (its summary covers every run in DIR/runs), so
 * the sweep refuses (-1, err) rather than report old numbers as new or mix two in a table. */
int grid_resume(grid_t *g, sim_err_t *err)
{
    strv_t files = {0};
    if (exp_list_runs(g->runs_dir, &files))
        return 0;
    strv_sort(&files);
    /* the points by file name, for a binary search per file */
    grid_point_t **byname = xcalloc((size_t)g->npts, sizeof *byname, "the sweep's points");
    for (int i = 0; i < g->npts; i++)
        byname[i] = &g->pts[i];
    qsort(byname, (size_t)g->npts, sizeof *byname, cmp_point_name);
    json_t *base = exp_canon(g->pts[0].cfg, 0);   /* this sweep minus its --set keys */
    for (int k = 0; k < g->nkeys; k++)
        exp_del_dotted(base, g->keys[k].key);
    int rc = 0;
    for (int f = 0; f < files.n && !rc; f++)
        rc = grid_resume_file(g, files.v[f], byname, base, err);
    json_decref(base);
    free(byname);
    strv_free(&files);
    return rc;
}
