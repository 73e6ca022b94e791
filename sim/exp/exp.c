/* exp.c - what the experiment modules share (see exp.h): the runs folder that a sweep fills
 * and merge reads, and the configuration a result echoes and how two are compared.
 *
 * Why here: resuming a sweep (grid.c) and merging its runs (merge.c) must agree exactly on
 * when two configurations are the same run, so both compare through exp_canon and
 * exp_first_diff. Every file the sweep and merge write goes through sim/base/outfile.h: on a
 * full disk a file is whole or absent, and the command says so. Costs: a canonical config is one JSON dump and
 * parse (microseconds; once per point or run). */
#include "exp.h"
#include "sim/sim.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int exp_has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

int exp_as_number(const char *s, double *out)
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

void exp_put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("nan", f);
    else
        fprintf(f, "%.12g", v);
}

/* ---------------------------------------------------------------- config documents */

const json_t *exp_dotted(const json_t *obj, const char *key)
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

double exp_num_at(const json_t *obj, const char *key)
{
    const json_t *v = exp_dotted(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void exp_del_dotted(json_t *obj, const char *key)
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

char *exp_value_text(const json_t *v)
{
    char buf[64];
    if (json_is_string(v))
        return strv_dup(json_string_value(v));
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
    return strv_dup(buf);
}

const char *const exp_grid_keys[EXP_GRID_KEYS] = {"policy", "frames", "memory", "seed"};

int exp_grid_key(const char *key)
{
    for (int i = 0; i < EXP_GRID_KEYS; i++)
        if (!strcmp(key, exp_grid_keys[i]))
            return 1;
    return 0;
}

void exp_sched_resolve(json_t *cfg, int ntraces)
{
    const char *sched = json_string_value(json_object_get(cfg, "schedule"));
    if (sched && !strcmp(sched, "auto") && ntraces)
        json_object_set_new(cfg, "schedule", json_string(ntraces > 1 ? "rr" : "trace"));
}

json_t *exp_canon(const json_t *cfg, int ntraces)
{
    char *text = json_dumps(cfg, JSON_REAL_PRECISION(10) | JSON_COMPACT | JSON_SORT_KEYS);
    json_t *c = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!c)
        abort();
    const char *mem = json_string_value(json_object_get(c, "memory"));
    if (mem && *mem)
        json_object_del(c, "frames");
    exp_sched_resolve(c, ntraces);
    return c;
}

int exp_first_diff(const json_t *a, const json_t *b, const char *prefix, char *out, size_t n)
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
                if (exp_first_diff(pass ? vy : vx, pass ? vx : vy, full, out, n))
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

/* ---------------------------------------------------------------- files */

int exp_list_runs(const char *dir, strv_t *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && (exp_has_suffix(e->d_name, ".json") || exp_has_suffix(e->d_name, ".failed")))
            strv_push(files, strv_dup(e->d_name));
    closedir(d);
    return 0;
}

int exp_mkdir(const char *path, sim_err_t *err)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST)
                return sim_err_set(err, SIM_EINPUT, "%s: cannot create directory: %s", buf, strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return 0;
}
