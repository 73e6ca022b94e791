/* test_explain.c - explain mode (sim/explain.c) over the whole registry.
 *
 * tests/cli.sh compares golden outputs of textbook strings and checks that every policy's
 * lines are there; this checks what a golden cannot: (1) a run in explain mode gives
 * byte-identical results to the same run without it, for every registered policy, on a
 * one-process and on a fork trace under both schedules (explain stands between the engine
 * and the policy: it must change nothing); (2) the rendering of a policy without the hook
 * (the policy's table copied with .explain = NULL, as a policy of another helper would be)
 * names the same resident pages on every line as the policy's own hook does, for policies
 * whose lists hold only resident pages; (3) the hit and fault totals equal the results'. */
#include "check.h"
#include "sim/sim_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

static json_t *cfg_of(const char *policy, const char *frames, const char *schedule, const char *implicit)
{
    sim_err_t err;
    json_t *cfg = config_defaults();
    if (config_set(cfg, "policy", policy, &err) || config_set(cfg, "frames", frames, &err) ||
        config_set(cfg, "schedule", schedule, &err) || config_set(cfg, "implicit", implicit, &err) ||
        config_set(cfg, "paranoid", "true", &err)) {
        fprintf(stderr, "config: %s\n", err.msg);
        json_decref(cfg);
        return NULL;
    }
    return cfg;
}

/* One run: its results as text (caller frees), and with explain, its lines in *lines. With
 * generic, the policy's explain hook is hidden (a copy of its table without it). */
static char *run(const json_t *cfg, const char *trace, int explain, int generic, char **lines)
{
    sim_err_t err;
    const char *traces[1] = {trace};
    sim_t *s = sim_create(cfg, traces, 1, &err);
    if (!s) {
        fprintf(stderr, "sim_create: %s\n", err.msg);
        return NULL;
    }
    repl_ops_t copy;
    if (generic) {
        copy = *s->repl;
        copy.explain = NULL;
        s->repl = &copy;
    }
    size_t n = 0;
    FILE *f = explain ? open_memstream(lines, &n) : NULL;
    if (explain && sim_explain(s, f, &err)) {
        fprintf(stderr, "sim_explain: %s\n", err.msg);
        fclose(f);
        sim_free(s);
        return NULL;
    }
    char *out = NULL;
    if (sim_run(s, &err)) {
        fprintf(stderr, "sim_run: %s\n", err.msg);
    } else {
        json_t *doc = sim_results(s);
        out = json_dumps(doc, JSON_SORT_KEYS);
        json_decref(doc);
    }
    sim_free(s);
    if (f)
        fclose(f);
    return out;
}

/* The page names inside the brackets of a line's state (from column 52), sorted, into buf:
 * list names (a word right before '['), texts with '=', hand marks and suffixes left out. */
static void names_of(const char *line, char *buf, size_t n)
{
    char tmp[1024], *v[256];
    int k = 0;
    snprintf(tmp, sizeof tmp, "%s", strlen(line) > 52 ? line + 52 : "");
    for (char *t = tmp; *t;) {
        size_t w = strcspn(t, " []");
        char end = t[w];
        t[w] = '\0';
        if (w && end != '[' && !strchr(t, '=') && k < 256) {
            char *x = *t == '>' ? t + 1 : t;
            x[strcspn(x, "*:(")] = '\0';
            v[k++] = x;
        }
        t += w + (end != '\0');
    }
    for (int i = 1; i < k; i++)                   /* insertion sort */
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s ", v[i]);
}

static void test_no_change(void)
{
    static const struct { const char *trace, *schedule, *implicit; } cases[] = {
        {TEST_DATA_DIR "/eng_belady.txt", "trace", "anon"},
        {TEST_DATA_DIR "/eng_silberschatz.txt", "trace", "swap"},
        {TEST_DATA_DIR "/explain/fork.trace", "trace", "anon"},
        {TEST_DATA_DIR "/explain/fork.trace", "rr", "swap"},
        {TEST_DATA_DIR "/explain/fork.trace", "rr", "file"},
        {TEST_DATA_DIR "/explain/fileio.trace", "trace", "anon"},
        {TEST_DATA_DIR "/explain/fileio.trace", "rr", "anon"},
    };
    for (int i = 0; repl_registry[i]; i++) {
        const repl_ops_t *r = repl_registry[i];
        CHECK(r->explain != NULL);                /* every registered policy has its hook */
        for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
            if ((r->flags & REPL_NEEDS_NEXT_USE) && !strcmp(cases[c].schedule, "rr"))
                continue;                         /* OPT needs the trace schedule */
            json_t *cfg = cfg_of(r->name, "3", cases[c].schedule, cases[c].implicit);
            char *lines = NULL;
            char *plain = cfg ? run(cfg, cases[c].trace, 0, 0, NULL) : NULL;
            char *expl = cfg ? run(cfg, cases[c].trace, 1, 0, &lines) : NULL;
            CHECK(plain && expl);
            if (plain && expl && strcmp(plain, expl)) {
                fprintf(stderr, "explain changed the results: %s on %s (%s, %s)\n", r->name,
                        cases[c].trace, cases[c].schedule, cases[c].implicit);
                CHECK(0);
            }
            /* The totals line agrees with the results. */
            json_t *doc = expl ? json_loads(expl, 0, NULL) : NULL;
            const char *tot = lines ? strstr(lines, "\nhits ") : NULL;
            unsigned long long hits = 0, faults = 0;
            CHECK(tot && sscanf(tot, "\nhits %llu, faults %llu", &hits, &faults) == 2);
            if (doc)
                CHECK_EQ((long long)faults,
                         (long long)json_integer_value(json_object_get(json_object_get(doc, "faults"), "total")));
            json_decref(doc);
            free(plain);
            free(expl);
            free(lines);
            json_decref(cfg);
        }
    }
}

static void test_generic(void)
{
    static const char *const pols[] = {"fifo", "lru", "mru", "clock", "opt"};
    for (size_t i = 0; i < sizeof pols / sizeof *pols; i++) {
        json_t *cfg = cfg_of(pols[i], "3", "trace", "anon");
        char *own = NULL, *gen = NULL;
        char *a = run(cfg, TEST_DATA_DIR "/eng_silberschatz.txt", 1, 0, &own);
        char *b = run(cfg, TEST_DATA_DIR "/eng_silberschatz.txt", 1, 1, &gen);
        CHECK(a && b && !strcmp(a, b));
        CHECK(gen && strstr(gen, "frames[") && !strstr(own, "frames["));
        /* Line by line: the same reference, result and victim; the same pages in the state. */
        int lines = 0;
        for (char *p = own, *q = gen; p && q && *p && *q; lines++) {
            char *pe = strchr(p, '\n'), *qe = strchr(q, '\n');
            if (!pe || !qe)
                break;
            *pe = *qe = '\0';
            if (lines >= 2 && strncmp(p, "hits", 4)) {
                CHECK(strncmp(p, q, 52) == 0);
                char na[512], nb[512];
                names_of(p, na, sizeof na);
                names_of(q, nb, sizeof nb);
                if (strcmp(na, nb)) {
                    fprintf(stderr, "%s: hook [%s] generic [%s]\n", pols[i], na, nb);
                    CHECK(0);
                }
            } else {
                CHECK(lines < 2 ? strncmp(p, q, 6) == 0 : strcmp(p, q) == 0);
            }
            p = pe + 1;
            q = qe + 1;
        }
        CHECK_EQ(lines, 23);                      /* 2 header lines, 20 references, totals */
        free(a);
        free(b);
        free(own);
        free(gen);
        json_decref(cfg);
    }
}

/* Regression: explain mode copied the policy's table and wrapped the hooks it knew of; the
 * hints added later (peek_victim, prefetch_hit) stayed the policy's own and were called with
 * the explain state in place of the policy's. Every hook that takes the state must now be
 * NULL or a wrapper, never the policy's function itself. */
static void test_wrapped(void)
{
    for (int i = 0; repl_registry[i]; i++) {
        const repl_ops_t *r = repl_registry[i];
        json_t *cfg = cfg_of(r->name, "3", "trace", "anon");
        sim_err_t err;
        const char *traces[1] = {TEST_DATA_DIR "/eng_belady.txt"};
        sim_t *s = cfg ? sim_create(cfg, traces, 1, &err) : NULL;
        CHECK(s != NULL);
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        if (s && !sim_explain(s, f, &err)) {
            const repl_ops_t *w = s->repl;
#define WRAPPED(h) do { if (w->h && w->h == r->h) { fprintf(stderr, "%s: explain passes " #h " the wrong state\n", r->name); CHECK(0); } } while (0)
            WRAPPED(destroy); WRAPPED(on_hit); WRAPPED(on_miss); WRAPPED(select_victim);
            WRAPPED(on_insert); WRAPPED(on_remove); WRAPPED(on_map); WRAPPED(on_proc);
            WRAPPED(on_timer); WRAPPED(on_refs); WRAPPED(check); WRAPPED(stats);
            WRAPPED(on_access); WRAPPED(explain); WRAPPED(peek_victim); WRAPPED(prefetch_hit);
#undef WRAPPED
        }
        if (s)
            sim_free(s);
        fclose(f);
        free(buf);
        json_decref(cfg);
    }
}

int main(void)
{
    test_no_change();
    test_generic();
    test_wrapped();
    return check_report("test_explain");
}
