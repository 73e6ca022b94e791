/* repl_period.h - a policy's tick: a time or a count of references (NRU and aging, issue 15).
 *
 * Tanenbaum's NRU (Modern Operating Systems, 4th ed., §3.4.2) clears the R bits "periodically
 * (e.g., on each clock interrupt)", and aging (§3.4.7) shifts its counters on each clock tick.
 * A simulator can tick on simulated time (the engine's timer, env->set_timer: what a kernel
 * does) or on page references (env->set_ref_timer: what course simulators do, independent of
 * the cost table). The parameter `period` takes both:
 *   - a time with its unit: period=20ms, period=500us (spec.h's units ps ns us ms s; a unit is
 *     required, so a number alone is never read as nanoseconds);
 *   - a count of page references: period=1000refs, or a bare integer period=1000.
 * The tick is armed lazily, at the policy's first insert, because create() may be given a
 * window without timers (the registry tests build policies from a bare env). Cost: one
 * timer event per tick, or one compare per reference for the reference timer. */
#ifndef PAGESIM_REPL_PERIOD_H
#define PAGESIM_REPL_PERIOD_H

#include <stdio.h>
#include <string.h>
#include "repl.h"
#include "sim/base/spec.h"

typedef struct repl_period {
    sim_time_t ps;    /* a time: > 0, refs == 0 */
    vtime_t refs;     /* a count of references: > 0, ps == 0 */
    int armed;
} repl_period_t;

/* Reads params[key] into *p (def_refs references when absent). 0, or -1 with err. */
static inline int repl_period_parse(const json_t *params, const char *key, vtime_t def_refs,
                                    repl_period_t *p, sim_err_t *err)
{
    json_t *v = params ? json_object_get(params, key) : NULL;
    memset(p, 0, sizeof *p);
    p->refs = def_refs;
    if (!v)
        return 0;
    if (json_is_integer(v)) {
        if (json_integer_value(v) <= 0)
            return sim_err_set(err, SIM_EINPUT, "%s must be positive, not %lld", key,
                               (long long)json_integer_value(v));
        p->refs = (vtime_t)json_integer_value(v);
        return 0;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    size_t n = s ? strlen(s) : 0;
    long long k;
    char num[64];
    if (n > 4 && n - 4 < sizeof num && !strcmp(s + n - 4, "refs")) {
        memcpy(num, s, n - 4);
        num[n - 4] = '\0';
        if (spec_parse_int(num, &k) || k <= 0)
            return sim_err_set(err, SIM_EINPUT, "%s must be a positive count of references, not '%s'", key, s);
        p->refs = (vtime_t)k;
        return 0;
    }
    sim_time_t ps = 0;
    if (!s || n == 0 || !(s[n - 1] == 's') || spec_parse_time_ps(s, &ps) || ps == 0)
        return sim_err_set(err, SIM_EINPUT, "%s must be a time with its unit (20ms, 500us) or a count of "
                           "references (1000refs, or 1000), not '%s'", key, s ? s : "(a real number)");
    p->refs = 0;
    p->ps = ps;
    return 0;
}

/* The bodies of a policy's on_timer and on_refs for its period: each calls tick(state) only
 * if the period is of its kind and returns the next interval (0: not this kind, stop). */
static inline sim_time_t repl_period_on_timer(const repl_period_t *p, void (*tick)(void *), void *state)
{
    if (!p->ps)
        return 0;
    tick(state);
    return p->ps;
}

static inline vtime_t repl_period_on_refs(const repl_period_t *p, void (*tick)(void *), void *state)
{
    if (!p->refs)
        return 0;
    tick(state);
    return p->refs;
}

/* Arms the first tick (once): the policy's hook (on_timer or on_refs) returns the next. */
static inline void repl_period_arm(const repl_env_t *env, repl_period_t *p)
{
    if (p->armed)
        return;
    p->armed = 1;
    if (p->refs && env->set_ref_timer)
        env->set_ref_timer(env->eng, p->refs);
    else if (p->ps && env->set_timer)
        env->set_timer(env->eng, p->ps);
}

#endif
