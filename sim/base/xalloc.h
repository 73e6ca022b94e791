/* xalloc.h - the one out-of-memory path, and the error kinds every failure carries.
 *
 * Error kinds (types.h). A failing call returns -1 (SIM_EINPUT: bad usage, bad input or a config
 * that cannot be simulated; the message names the file and line, the record, or the
 * setting) or -2 (SIM_ESYS: the machine failed: out of memory, a write error, a full
 * file system), with the same kind and the message in the caller's sim_err_t (err.h). The
 * kind travels in the return value and the error, never in the message's words; the CLI
 * turns it into the exit status with sim_exit_status (0, 2, 1: README "Exit status").
 *
 * Out of memory. xmalloc, xcalloc and xrealloc never return NULL: on failure they throw to
 * the innermost trap of the calling thread with "out of memory (N bytes for WHAT)" and kind
 * SIM_ESYS, written into the sim_err_t the trap was pushed with. The library sets the traps:
 * sim_create and sim_run catch, free the run and return SIM_ESYS with the message in their
 * caller's error; only the CLI exits (status 1). The same throw carries
 * the other errors found deep inside a step where no return value reaches the caller
 * (simulated time overflowing 2^64 ps). This is Lua's luaD_throw: one path instead of a
 * NULL check, a message and an unwinding after every allocation on the per-reference path.
 * A thread without a trap (a bug) gets the message on stderr and an abort.
 *
 * The trap stack is thread-local (a sweep runs its points in threads): the only state
 * outside sim_t, and it only ever points into live stack frames of the same thread. */
#ifndef PAGESIM_XALLOC_H
#define PAGESIM_XALLOC_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"        /* sim_err_t */
#include "types.h"      /* SIM_EINPUT, SIM_ESYS, sim_exit_status */

typedef struct xtrap {
    jmp_buf jb;
    sim_err_t *err;             /* a throw writes its kind and message here */
    struct xtrap *prev;
} xtrap_t;

/* Push a trap whose throws fill err, then `if (setjmp(t.jb)) { xtrap_pop(&t); ...err... }`;
 * pop it on the normal path too. setjmp must be called in the frame that outlives the throw. */
void xtrap_push(xtrap_t *t, sim_err_t *err);
void xtrap_pop(xtrap_t *t);
/* Throws kind and message to the innermost trap. */
void xtrap_throw(int kind, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* Throws an error already made (its kind and message) to the innermost trap: nothing is
 * copied when e is that trap's own error. */
void xtrap_raise(const sim_err_t *e) __attribute__((noreturn));

void *xmalloc(size_t n, const char *what);
void *xcalloc(size_t n, size_t size, const char *what);   /* n * size checked */
void *xrealloc(void *p, size_t n, const char *what);      /* p is kept on failure */
/* n * size, or a throw "out of memory (more than 2^64 bytes for WHAT)". */
size_t xmul(size_t n, size_t size, const char *what);

/* a + b for simulated time (ps) and counts: 1 if it wrapped past 2^64, else 0 with *out. */
static inline int ck_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return __builtin_add_overflow(a, b, out);
}
static inline int ck_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

#endif
