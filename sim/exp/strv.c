/* strv.c - growable arrays of owned strings (see strv.h).
 *
 * The sweep's axes (policies, --set values), its traces and the file lists of a runs folder
 * are short lists of strings: a doubling array, linear search (strv_find over a few dozen
 * names), nothing cleverer. Allocation goes through xalloc.h, so out of memory has one path. */
#include "strv.h"
#include "sim/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *strv_dup(const char *s)
{
    s = s ? s : "";
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n, "a string"), s, n);
}

void strv_push(strv_t *s, char *str)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v, "a string list");
    }
    s->v[s->n++] = str;
}

void strv_free(strv_t *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

int strv_find(const strv_t *s, const char *str)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], str))
            return i;
    return -1;
}

int strv_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(strv_t *s)
{
    if (s->n)
        qsort(s->v, (size_t)s->n, sizeof *s->v, strv_cmp);
}

void strv_split(const char *arg, strv_t *out)
{
    char *buf = strv_dup(arg), *save = NULL;
    int first = out->n;
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (out->n > first && strchr(p, '=') && !strchr(p, ':') && strchr(out->v[out->n - 1], ':')) {
            char *prev = out->v[out->n - 1];
            size_t n = strlen(prev) + strlen(p) + 2;
            char *j = xmalloc(n, "a string");
            snprintf(j, n, "%s,%s", prev, p);
            free(prev);
            out->v[out->n - 1] = j;
        } else {
            strv_push(out, strv_dup(p));
        }
    }
    free(buf);
}
