/* xalloc.c - the out-of-memory path and the trap stack (see xalloc.h). A throw formats
 * straight into the sim_err_t its trap was pushed with, so the catcher has nothing to copy. */
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local xtrap_t *xtrap_top;

void xtrap_push(xtrap_t *t, sim_err_t *err)
{
    t->err = err;
    t->prev = xtrap_top;
    xtrap_top = t;
}

void xtrap_pop(xtrap_t *t)
{
    xtrap_top = t->prev;
}

static void no_trap(const char *msg) __attribute__((noreturn));
static void no_trap(const char *msg)
{
    fprintf(stderr, "pagesim: %s (no error trap: a bug)\n", msg);
    abort();
}

void xtrap_throw(int kind, const char *fmt, ...)
{
    xtrap_t *t = xtrap_top;
    sim_err_t own;
    sim_err_t *e = t ? t->err : &own;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->kind = kind;
    if (!t)
        no_trap(e->msg);
    longjmp(t->jb, 1);
}

void xtrap_raise(const sim_err_t *e)
{
    xtrap_t *t = xtrap_top;
    if (!t)
        no_trap(e->msg);
    if (t->err != e)
        *t->err = *e;
    longjmp(t->jb, 1);
}

static void oom(size_t n, const char *what)
{
    xtrap_throw(SIM_ESYS, "out of memory (%zu bytes for %s)", n, what);
}

size_t xmul(size_t n, size_t size, const char *what)
{
    size_t r;
    if (__builtin_mul_overflow(n, size, &r))
        xtrap_throw(SIM_ESYS, "out of memory (%zu x %zu bytes for %s: more than the address space)",
                    n, size, what);
    return r;
}

void *xmalloc(size_t n, const char *what)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n, what);
    return p;
}

void *xcalloc(size_t n, size_t size, const char *what)
{
    size_t bytes = xmul(n, size, what);
    void *p = calloc(bytes ? n : 1, bytes ? size : 1);
    if (!p)
        oom(bytes, what);
    return p;
}

void *xrealloc(void *p, size_t n, const char *what)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n, what);
    return q;
}
