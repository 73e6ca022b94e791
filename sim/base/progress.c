/* progress.c - the progress line (see progress.h).
 *
 * The cost that matters is the one in the loops: progress_at compares the count with `next`
 * and returns. progress_look reads the monotonic clock, writes a line if a second has passed
 * since the last one, and moves `next` on by a step that it doubles while looks come less
 * than 50 ms apart and halves when they come more than 200 ms apart, so that the clock is
 * read about ten times a second whatever the rate (a run at 100 M refs/s and an OPT stack
 * pass at 1 M refs/s alike) and a line is late by at most about 0.2 s. The first look comes
 * after 2^16 counts. A line is one fprintf (stderr is unbuffered: one write). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

enum { STEP_FIRST = 1 << 16, STEP_MIN = 1 << 10, STEP_MAX = 1 << 26 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 3850000 -> "3.85M", 719 -> "719". */
static void fmt_count(char *buf, size_t n, uint64_t v)
{
    static const char suffix[] = " kMGTPE";
    double x = (double)v;
    int k = 0;
    while (x >= 1000 && k < 6) {
        x /= 1000;
        k++;
    }
    if (!k)
        snprintf(buf, n, "%llu", (unsigned long long)v);
    else
        snprintf(buf, n, x < 10 ? "%.2f%c" : x < 100 ? "%.1f%c" : "%.0f%c", x, suffix[k]);
}

/* done and total bytes in total's unit: "0.4/1.1 MiB". */
static void fmt_bytes(char *buf, size_t n, uint64_t done, uint64_t total)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int k = 0;
    double d = (double)done, t = (double)total;
    while (t >= 1024 && k < 4) {
        d /= 1024;
        t /= 1024;
        k++;
    }
    snprintf(buf, n, k ? "%.1f/%.1f %s" : "%.0f/%.0f %s", d, t, unit[k]);
}

static void line(progress_t *p, double t, int final)
{
    char buf[512], c[32], tot[32], extra[192] = "";
    fmt_count(c, sizeof c, p->count);
    int len;
    uint64_t done_b, total_b;
    if (p->total) {
        fmt_count(tot, sizeof tot, p->total);
        len = snprintf(buf, sizeof buf, "pagesim %s: %s%s %s/%s %s (%.0f%%)", p->cmd, p->pass,
                       final ? " done:" : "", c, tot, p->unit,
                       100.0 * (double)p->count / (double)p->total);
    } else if (p->pos && p->pos(p->pos_src, &done_b, &total_b)) {
        fmt_bytes(tot, sizeof tot, done_b, total_b);
        len = snprintf(buf, sizeof buf, "pagesim %s: %s%s %s %s, %s (%.0f%%)", p->cmd, p->pass,
                       final ? " done:" : "", c, p->unit, tot,
                       100.0 * (double)done_b / (double)total_b);
    } else {
        len = snprintf(buf, sizeof buf, "pagesim %s: %s%s %s %s", p->cmd, p->pass,
                       final ? " done:" : "", c, p->unit);
    }
    if (p->extra)
        p->extra(p->extra_ctx, extra, sizeof extra);
    double dt = t - p->pass_t0;
    char rate[32];
    fmt_count(rate, sizeof rate, dt > 0 ? (uint64_t)((double)p->count / dt) : 0);
    len += snprintf(buf + len, sizeof buf - (size_t)len, "%s, %.1f s, %s %s/s", extra,
                    t - p->t0, rate, p->unit);
    if (len >= (int)sizeof buf)
        len = (int)sizeof buf - 1;
    if (p->tty) {
        /* One row: a line that wraps could not be rewritten by \r. */
        struct winsize ws;
        if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && len >= ws.ws_col)
            buf[len = ws.ws_col - 1] = '\0';
        /* Pad over the rest of a longer line before; the cursor stays at the line's end. */
        int pad = p->shown > len ? p->shown - len : 0;
        fprintf(stderr, "\r%s%*s", buf, pad, "");
        if (pad)
            fprintf(stderr, "\r%s", buf);
        p->shown = len;
    } else {
        fprintf(stderr, "%s\n", buf);
    }
}

/* Ends the pass: its line erased (a terminal), its totals written (forced, when reported). */
static void end_pass(progress_t *p, int report)
{
    if (!p->in_pass)
        return;
    p->in_pass = 0;
    p->next = UINT64_MAX;
    if (p->tty) {
        if (p->shown)
            fprintf(stderr, "\r%*s\r", p->shown, "");
        p->shown = 0;
    } else if (report) {
        line(p, now_s(), 1);
    }
}

progress_t *progress_new(progress_mode_t mode, const char *cmd)
{
    if (mode == PROGRESS_QUIET || (mode == PROGRESS_AUTO && !isatty(STDERR_FILENO)))
        return NULL;
    progress_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;                   /* no progress line is no harm */
    p->cmd = cmd;
    p->tty = mode == PROGRESS_AUTO;
    p->next = UINT64_MAX;
    p->t0 = now_s();
    return p;
}

void progress_pass(progress_t *p, const char *pass, const char *unit, progress_pos_fn *pos,
                   const void *src,                   uint64_t total, progress_extra_fn *extra, void *ctx)
{
    if (!p)
        return;
    end_pass(p, 1);
    p->pass = pass;
    p->unit = unit;
    p->pos = pos;
    p->pos_src = src;
    p->total = total;
    p->extra = extra;
    p->extra_ctx = ctx;
    p->count = 0;
    p->step = STEP_FIRST;
    p->next = STEP_FIRST;
    p->pass_t0 = p->last_look = p->last_line = now_s();
    p->in_pass = 1;
}

void progress_look(progress_t *p, uint64_t count)
{
    double t = now_s(), gap = t - p->last_look;
    if (gap < 0.05 && p->step < STEP_MAX)
        p->step *= 2;
    else if (gap > 0.2 && p->step > STEP_MIN)
        p->step /= 2;
    p->last_look = t;
    p->next = count + p->step;
    p->count = count;
    if (t - p->last_line >= 1.0) {
        p->last_line = t;
        line(p, t, 0);
    }
}

void progress_end(progress_t *p, uint64_t count)
{
    if (p && p->in_pass) {
        p->count = count;
        end_pass(p, 1);
    }
}

void progress_free(progress_t *p)
{
    if (p)
        end_pass(p, 0);
    free(p);
}
