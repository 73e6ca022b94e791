/* spec.c - "NAME:key=value,..." specs and unit-bearing values (see spec.h).
 *
 * One small parser for every pluggable thing, so that policies and devices accept the same
 * syntax and reject unknown keys the same way: a typo in a parameter name must be an error,
 * never a silently ignored default that skews an experiment. The integer lists of frame
 * counts (spec_parse_list) live here for the same reason: `sweep -f` and `mrc --frames` read
 * one grammar, not two copies that drift apart. */
#include "spec.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int spec_parse_int(const char *s, long long *out)
{
    const char *p = s;
    int neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    unsigned long long v = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    const char *digits = p;
    for (; *p; p++) {
        int k = spec_digit(*p, base);
        if (k < 0)
            return -1;
        unsigned d = (unsigned)k;
        if (v > (lim - d) / base)
            return -1;
        v = v * base + d;
    }
    if (p == digits)
        return -1;
    *out = neg ? (v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v) : (long long)v;
    return 0;
}

/* A number of [s, end) by spec_parse_int's rule, >= 0. */
static int list_number(const char *s, const char *end, uint64_t *out)
{
    char buf[32];
    long long v;
    if (s == end || end - s >= (long)sizeof buf)
        return -1;
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = '\0';
    if (spec_parse_int(buf, &v) || v < 0)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* One piece "N", "A:B", "A:B:STEP" or "A:B:xF" of [p, e): its first and last value and its
 * step or factor (mul 0: adds step). 0, or -1 when it is not one. */
static int list_piece(const char *p, const char *e, uint64_t *a, uint64_t *b, uint64_t *step,
                      uint64_t *mul)
{
    const char *c1 = memchr(p, ':', (size_t)(e - p));
    *step = 1;
    *mul = 0;
    if (!c1) {
        if (list_number(p, e, a))
            return -1;
        *b = *a;
        return 0;
    }
    const char *c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1));
    if (list_number(p, c1, a) || list_number(c1 + 1, c2 ? c2 : e, b) || *b < *a)
        return -1;
    if (c2 && c2 + 1 < e && (c2[1] == 'x' || c2[1] == '*'))
        return list_number(c2 + 2, e, mul) || *mul < 2 ? -1 : 0;
    if (c2)
        return list_number(c2 + 1, e, step) || *step == 0 ? -1 : 0;
    return 0;
}

typedef struct list_ent { uint64_t v; size_t at; } list_ent_t;

static int cmp_list_ent(const void *pa, const void *pb)
{
    const list_ent_t *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return (a->at > b->at) - (a->at < b->at);
}

/* Drops repeats from v[0..*n) (the first stays), sorted or in place order. */
static void list_unique(uint64_t *v, size_t *n, int sorted)
{
    list_ent_t *e = xcalloc(*n, sizeof *e, "a frame list");
    for (size_t i = 0; i < *n; i++)
        e[i] = (list_ent_t){v[i], i};
    qsort(e, *n, sizeof *e, cmp_list_ent);
    size_t w = 0;
    if (sorted) {
        for (size_t i = 0; i < *n; i++)
            if (!w || v[w - 1] != e[i].v)
                v[w++] = e[i].v;
    } else {
        unsigned char *keep = xcalloc(*n, 1, "a frame list");
        for (size_t i = 0; i < *n; i++)
            keep[e[i].at] = !i || e[i - 1].v != e[i].v;
        for (size_t i = 0; i < *n; i++)
            if (keep[i])
                v[w++] = v[i];
        free(keep);
    }
    free(e);
    *n = w;
}

int spec_parse_list(const char *s, uint64_t min, size_t max_n, int sorted, uint64_t **out,
                    size_t *n, const char **bad, int *bad_len)
{
    uint64_t *v = NULL;
    size_t len = 0, cap = 0;
    *out = NULL;
    *n = 0;
    for (const char *p = s;; ) {
        const char *e = strchr(p, ',');
        if (!e)
            e = p + strlen(p);
        uint64_t a, b, step, mul;
        if (list_piece(p, e, &a, &b, &step, &mul) || a < min) {
            *bad = p;
            *bad_len = (int)(e - p);
            free(v);
            return -1;
        }
        for (uint64_t x = a;; x += step) {
            if (len == max_n) {
                free(v);
                return -2;
            }
            if (len == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v, "a frame list");
            }
            v[len++] = x;
            if (mul ? x > b / mul || x * mul > b : b - x < step)
                break;
            if (mul)
                x = x * mul - step;                    /* the loop adds step back */
        }
        if (!*e)
            break;
        p = e + 1;
    }
    list_unique(v, &len, sorted);
    *out = v;
    *n = len;
    return 0;
}

static json_t *typed_value(const char *v)
{
    char *end;
    long long ll;
    if (!spec_parse_int(v, &ll))                 /* no octal: 010 is ten */
        return json_integer(ll);
    errno = 0;
    double d = strtod(v, &end);
    if (*v && !*end && !errno && isfinite(d))
        return json_real(d);
    return json_string(v);
}

int spec_parse(const char *spec, char *name, size_t namelen, json_t **params, sim_err_t *err)
{
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    *params = NULL;
    if (n == 0 || n >= namelen)
        return sim_err_set(err, SIM_EINPUT, "bad spec '%s': expected NAME or NAME:key=value,...", spec);
    memcpy(name, spec, n);
    name[n] = '\0';
    json_t *obj = json_object();
    if (colon && colon[1]) {
        size_t len = strlen(colon + 1) + 1;
        char *copy = memcpy(xmalloc(len, "a spec"), colon + 1, len), *save = NULL;
        for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(kv, '=');
            if (!eq || eq == kv) {
                sim_err_set(err, SIM_EINPUT, "bad parameter '%s' in '%s': expected key=value", kv, spec);
                free(copy);
                json_decref(obj);
                return -1;
            }
            *eq = '\0';
            if (json_object_get(obj, kv)) {
                sim_err_set(err, SIM_EINPUT, "parameter '%s' given twice in '%s'", kv, spec);
                free(copy);
                json_decref(obj);
                return -1;
            }
            json_object_set_new(obj, kv, typed_value(eq + 1));
        }
        free(copy);
    }
    *params = obj;
    return 0;
}

/* Number then a unit suffix; returns the suffix, or NULL if no number. */
static const char *number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || errno || !isfinite(*v) || *v < 0)
        return NULL;
    while (*end == ' ')
        end++;
    return end;
}

int spec_parse_time_ps(const char *s, sim_time_t *out)
{
    static const struct { const char *u; double ps; } units[] = {
        {"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}, {"", 1e3},
    };
    double v;
    const char *u = number(s, &v);
    if (!u)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) {
            double ps = v * units[i].ps;
            if (ps > 1.8e19)
                return -1;
            *out = (sim_time_t)(ps + 0.5);   /* llround would overflow above 2^63 */
            return 0;
        }
    return -1;
}

static int size_suffix(const char *u, double *mult)
{
    static const char *const k = "KMGT";
    *mult = 1;
    if (!*u || !strcmp(u, "B"))
        return 0;
    const char *p = strchr(k, toupper((unsigned char)u[0]));
    if (!p || !*p)
        return -1;
    *mult = pow(1024.0, (double)(p - k + 1));
    u++;
    if (!*u || !strcmp(u, "B") || !strcmp(u, "iB"))
        return 0;
    return -1;
}

int spec_parse_size(const char *s, uint64_t *out)
{
    double v, m;
    const char *u = number(s, &v);
    if (!u || size_suffix(u, &m) || v * m > 1.8e19)
        return -1;
    *out = (uint64_t)(v * m + 0.5);
    return 0;
}

int spec_parse_bandwidth(const char *s, double *bps)
{
    double v, m;
    const char *u = number(s, &v);
    if (!u)
        return -1;
    size_t n = strlen(u);
    char buf[16];
    if (n >= sizeof buf)
        return -1;
    strcpy(buf, u);
    if (n >= 2 && !strcmp(buf + n - 2, "/s"))
        buf[n - 2] = '\0';
    if (size_suffix(buf, &m) || v * m <= 0)
        return -1;
    *bps = v * m;
    return 0;
}

int spec_int(const json_t *params, const char *key, long long def, long long *out, sim_err_t *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v))
        return sim_err_set(err, SIM_EINPUT, "parameter '%s' must be an integer", key);
    *out = json_integer_value(v);
    return 0;
}

int spec_str(const json_t *params, const char *key, const char *def, const char **out, sim_err_t *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_string(v))
        return sim_err_set(err, SIM_EINPUT, "parameter '%s' must be a word", key);
    *out = json_string_value(v);
    return 0;
}

int spec_real(const json_t *params, const char *key, double def, double *out, sim_err_t *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_number(v))
        return sim_err_set(err, SIM_EINPUT, "parameter '%s' must be a number", key);
    *out = json_number_value(v);
    return 0;
}

/* Integers and reals are accepted too (nanoseconds, bytes/s), so a JSON config can say 100. */
static const char *as_text(const json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, n, "%.17g", json_real_value(v));
    else
        return NULL;
    return buf;
}

int spec_time(const json_t *params, const char *key, sim_time_t def, sim_time_t *out, sim_err_t *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    char buf[64];
    if (!v) {
        *out = def;
        return 0;
    }
    const char *s = as_text(v, buf, sizeof buf);
    if (!s || spec_parse_time_ps(s, out))
        return sim_err_set(err, SIM_EINPUT, "parameter '%s' must be a time such as 100us (units ps ns us ms s)", key);
    return 0;
}

int spec_bandwidth(const json_t *params, const char *key, double def, double *out, sim_err_t *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    char buf[64];
    if (!v) {
        *out = def;
        return 0;
    }
    const char *s = as_text(v, buf, sizeof buf);
    if (!s || spec_parse_bandwidth(s, out))
        return sim_err_set(err, SIM_EINPUT, "parameter '%s' must be a bandwidth such as 500M (bytes/s, K/M/G)", key);
    return 0;
}

int spec_only(const json_t *params, const char *const keys[], const char *what, sim_err_t *err)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)params, k, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], k))
            i++;
        if (!keys[i] && !keys[0])
            return sim_err_set(err, SIM_EINPUT, "%s%stakes no parameters ('%s' given)", what ? what : "",
                               what ? " " : "", k);
        if (!keys[i]) {
            char *m = err->msg;
            const int cap = (int)sizeof err->msg;
            int n = snprintf(m, (size_t)cap, "%s%sno parameter '%s' (known:", what ? what : "",
                             what ? " has " : "", k);
            for (i = 0; keys[i] && n > 0 && n < cap; i++)
                n += snprintf(m + n, (size_t)(cap - n), " %s", keys[i]);
            if (n > 0 && n < cap)
                snprintf(m + n, (size_t)(cap - n), ")");
            err->kind = SIM_EINPUT;
            return SIM_EINPUT;
        }
    }
    return 0;
}
