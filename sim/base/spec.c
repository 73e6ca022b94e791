/* spec.c - "NAME:key=value,..." specs and unit-bearing values (see spec.h).
 *
 * One small parser for every pluggable thing, so that policies and devices accept the same
 * syntax and reject unknown keys the same way: a typo in a parameter name must be an error,
 * never a silently ignored default that skews an experiment. */
#include "spec.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_int(const char *s, long long *out)
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

static json_t *typed_value(const char *v)
{
    char *end;
    long long ll;
    if (!parse_int(v, &ll))                 /* no octal: 010 is ten */
        return json_integer(ll);
    errno = 0;
    double d = strtod(v, &end);
    if (*v && !*end && !errno && isfinite(d))
        return json_real(d);
    return json_string(v);
}

int spec_parse(const char *spec, char *name, size_t namelen, json_t **params, char *err)
{
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    *params = NULL;
    if (n == 0 || n >= namelen) {
        snprintf(err, SPEC_ERR_LEN, "bad spec '%s': expected NAME or NAME:key=value,...", spec);
        return -1;
    }
    memcpy(name, spec, n);
    name[n] = '\0';
    json_t *obj = json_object();
    if (colon && colon[1]) {
        char *copy = strdup(colon + 1), *save = NULL;
        for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(kv, '=');
            if (!eq || eq == kv) {
                snprintf(err, SPEC_ERR_LEN, "bad parameter '%s' in '%s': expected key=value", kv, spec);
                free(copy);
                json_decref(obj);
                return -1;
            }
            *eq = '\0';
            if (json_object_get(obj, kv)) {
                snprintf(err, SPEC_ERR_LEN, "parameter '%s' given twice in '%s'", kv, spec);
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

int parse_time_ps(const char *s, sim_time_t *out)
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

int parse_size(const char *s, uint64_t *out)
{
    double v, m;
    const char *u = number(s, &v);
    if (!u || size_suffix(u, &m) || v * m > 1.8e19)
        return -1;
    *out = (uint64_t)(v * m + 0.5);
    return 0;
}

int parse_bandwidth(const char *s, double *bps)
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

int spec_int(const json_t *params, const char *key, long long def, long long *out, char *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v)) {
        snprintf(err, SPEC_ERR_LEN, "parameter '%s' must be an integer", key);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

int spec_real(const json_t *params, const char *key, double def, double *out, char *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_number(v)) {
        snprintf(err, SPEC_ERR_LEN, "parameter '%s' must be a number", key);
        return -1;
    }
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

int spec_time(const json_t *params, const char *key, sim_time_t def, sim_time_t *out, char *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    char buf[64];
    if (!v) {
        *out = def;
        return 0;
    }
    const char *s = as_text(v, buf, sizeof buf);
    if (!s || parse_time_ps(s, out)) {
        snprintf(err, SPEC_ERR_LEN, "parameter '%s' must be a time such as 100us (units ps ns us ms s)", key);
        return -1;
    }
    return 0;
}

int spec_bandwidth(const json_t *params, const char *key, double def, double *out, char *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    char buf[64];
    if (!v) {
        *out = def;
        return 0;
    }
    const char *s = as_text(v, buf, sizeof buf);
    if (!s || parse_bandwidth(s, out)) {
        snprintf(err, SPEC_ERR_LEN, "parameter '%s' must be a bandwidth such as 500M (bytes/s, K/M/G)", key);
        return -1;
    }
    return 0;
}

int spec_only(const json_t *params, const char *const keys[], const char *what, char *err)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)params, k, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], k))
            i++;
        if (!keys[i] && !keys[0]) {
            snprintf(err, SPEC_ERR_LEN, "%s%stakes no parameters ('%s' given)", what ? what : "",
                     what ? " " : "", k);
            return -1;
        }
        if (!keys[i]) {
            int n = snprintf(err, SPEC_ERR_LEN, "%s%sno parameter '%s' (known:", what ? what : "",
                             what ? " has " : "", k);
            for (i = 0; keys[i] && n > 0 && n < SPEC_ERR_LEN; i++)
                n += snprintf(err + n, SPEC_ERR_LEN - n, " %s", keys[i]);
            if (n > 0 && n < SPEC_ERR_LEN)
                snprintf(err + n, SPEC_ERR_LEN - n, ")");
            return -1;
        }
    }
    return 0;
}
