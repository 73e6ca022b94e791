/* progress.h - a progress line on standard error for long passes over large traces.
 *
 * `pagesim run`, `mrc` and `convert` make one or more passes over a trace (OPT's next-use
 * pass, rr's pass that finds the processes, the simulation itself). A command creates one
 * progress_t (none when stderr is not a terminal, or with -q; --progress forces plain lines
 * for logs and tests), and each pass begins with progress_pass and reports its count with
 * progress_at from its loop. progress_at is one compare against a count: the clock is read
 * only when the count reaches the next checkpoint, which adapts so that the clock is read
 * about ten times a second, never per reference; a line is written about once a second. On
 * a terminal it is rewritten in place (\r) and erased when the pass ends; forced lines end
 * in \n, and each pass ends with a line of its totals. Nothing here touches a result: a run
 * with progress writes the same bytes as one without. Everything hangs off the command's
 * progress_t (no global state); sweeps, which run many simulations in threads, pass none. */
#ifndef PAGESIM_PROGRESS_H
#define PAGESIM_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* Where a pass's source stands: bytes read of the file's size (1), or 0 when unknown. The
 * streams of workloads/ give wl_progress_pos (wl.h); base knows no stream. */
typedef int progress_pos_fn(const void *src, uint64_t *done_bytes, uint64_t *total_bytes);

typedef enum progress_mode {
    PROGRESS_AUTO,    /* on when standard error is a terminal */
    PROGRESS_QUIET,   /* -q, --quiet: never */
    PROGRESS_FORCE,   /* --progress: always, as plain lines ending in \n */
} progress_mode_t;

/* What a pass adds to its line after the common part (", 1.2k faults, sim 3.1 s"): writes a
 * NUL-terminated string of at most n bytes into buf. Called only when a line is written. */
typedef void progress_extra_fn(void *ctx, char *buf, size_t n);

/* The fields are progress.c's; only `next` is read inline, by progress_at. */
typedef struct progress {
    uint64_t next;            /* the count at which progress_at looks at the clock */
    uint64_t step;            /* counts between looks, adapted to about 0.1 s */
    uint64_t total;           /* the pass's total count when known cheaply, else 0 */
    uint64_t count;           /* the last count reported */
    progress_pos_fn *pos;     /* where the pass's source stands (or NULL), */
    const void *pos_src;      /* given this */
    progress_extra_fn *extra;
    void *extra_ctx;
    const char *cmd, *pass, *unit;
    double t0, pass_t0, last_look, last_line;
    int tty;                  /* rewrite in place; else plain lines */
    int in_pass;
    int shown;                /* the length of the line on the terminal, 0 none */
} progress_t;

/* NULL (no progress) for PROGRESS_QUIET, or for PROGRESS_AUTO when stderr is not a
 * terminal. cmd names the command in each line ("run"). */
progress_t *progress_new(progress_mode_t mode, const char *cmd);
/* Frees; a pass still going (an error stopped it) has its line erased, no totals. NULL is
 * fine. Call it before printing an error, so that the message starts a clean line. */
void progress_free(progress_t *p);

/* Begins a pass named `pass` ("simulating") counting `unit` ("refs"), ending the one before.
 * pos(src): where the source it reads stands (its bytes read of the file's size give the
 * percentage), or pos NULL;
 * total: the count at the end when known (it gives the percentage instead), or 0. extra: the
 * pass's own part of the line, or NULL. NULL p does nothing. */
void progress_pass(progress_t *p, const char *pass, const char *unit, progress_pos_fn *pos, const void *src,
                   uint64_t total, progress_extra_fn *extra, void *ctx);
/* Ends the current pass at its final count: erases the line on a terminal; writes the pass's
 * totals when forced. (progress_pass ends the pass before at its last count seen.) */
void progress_end(progress_t *p, uint64_t count);

void progress_look(progress_t *p, uint64_t count);
/* The pass has reached `count` (non-decreasing within a pass). One compare unless due. */
static inline void progress_at(progress_t *p, uint64_t count)
{
    if (__builtin_expect(p != NULL && count >= p->next, 0))
        progress_look(p, count);
}

/* How many more counts until progress_at would look at the clock (UINT64_MAX: never, p
 * NULL or between passes), for loops that fold the check into a compare of their own. */
static inline uint64_t progress_due_in(const progress_t *p, uint64_t count)
{
    return !p || p->next == UINT64_MAX ? UINT64_MAX : p->next > count ? p->next - count : 0;
}

#endif
