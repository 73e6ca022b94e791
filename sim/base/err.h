/* err.h - the one error type: a kind and a message, passed by pointer.
 *
 * A failing call returns its kind (SIM_EINPUT -1: bad usage, input or config; SIM_ESYS -2:
 * the machine failed; types.h) and fills the caller's sim_err_t with the same kind and a
 * message. There is one size (SIM_ERR_LEN), so a callee writes straight into its caller's
 * error and nothing is copied through: a caller that knows more (the file, the policy)
 * puts it in front with sim_err_prefix. Callers may test the return value or e->kind; they
 * are equal. Only the CLI turns a kind into an exit status (sim_exit_status). This is
 * libuv's "0 / -UV_E*" convention with the message next to the code (SQLite's zErrMsg),
 * without an allocation: a failure path must also work when memory has run out. */
#ifndef PAGESIM_ERR_H
#define PAGESIM_ERR_H

#include "types.h"      /* SIM_EINPUT, SIM_ESYS */

#define SIM_ERR_LEN 1024

typedef struct sim_err {
    int  kind;              /* 0 (none yet), SIM_EINPUT or SIM_ESYS */
    char msg[SIM_ERR_LEN];  /* NUL-terminated, cut if longer */
} sim_err_t;

/* Sets kind and the formatted message; returns kind, for `return sim_err_set(...)`. */
int sim_err_set(sim_err_t *e, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Puts the formatted context in front of e's message ("CONTEXT" + msg: the caller writes
 * its own ": "); the kind stays. Returns e->kind. */
int sim_err_prefix(sim_err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* No error: kind 0, empty message. */
void sim_err_clear(sim_err_t *e);

#endif
