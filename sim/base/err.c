/* err.c - the one error type (see err.h): set a kind and message, put context in front.
 *
 * Both are a vsnprintf into the fixed buffer; the prefix moves the message right by the
 * prefix's length (memmove) and cuts it at SIM_ERR_LEN - 1 bytes, the same bytes an
 * snprintf(buf, SIM_ERR_LEN, "CONTEXT%s", msg) would give. No allocation: these run on the
 * out-of-memory path too. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sim_err_set(sim_err_t *e, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->kind = kind;
    return kind;
}

int sim_err_prefix(sim_err_t *e, const char *fmt, ...)
{
    char pre[SIM_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    size_t np = n < 0 ? 0 : (size_t)n < sizeof pre ? (size_t)n : sizeof pre - 1;
    size_t nm = strlen(e->msg);
    if (np + nm > sizeof e->msg - 1)
        nm = sizeof e->msg - 1 - np;
    memmove(e->msg + np, e->msg, nm);
    memcpy(e->msg, pre, np);
    e->msg[np + nm] = '\0';
    return e->kind;
}

void sim_err_clear(sim_err_t *e)
{
    e->kind = 0;
    e->msg[0] = '\0';
}
