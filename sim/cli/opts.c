/* opts.c - the table-driven option parser of every subcommand (the design is in opts.h).
 *
 * getopt_long does the lexing (clusters, --name=value, abbreviations, "--", permutation);
 * this file builds its arrays from a table, maps what it returns back to the table entry,
 * and turns its two errors into one message each. getopt_long is told to be silent
 * (opterr = 0, optstring starting with ':') so that the messages name the command, and
 * it is reset (optind = 0, glibc's full re-initialisation) before each pass, so one
 * process may parse several command lines (the tests call the subcommands' mains).
 * getopt_long permutes the array it parses (operands to the end), so the first pass, of
 * the OPT_FIRST options, runs over a copy: the second must see the words as typed.
 * Cost: a linear scan of the table per option given; the copy is argc pointers. */
#include "opts.h"
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <assert.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int wanted(const opt_t *o, unsigned need)
{
    return (o->flags & need) == need;
}

/* getopt_long's arrays for the options of table t whose flags include all of `need` (0:
 * all): appended to longopts from index n, which is terminated (it must hold n + the
 * table's length + 1 entries); returns the new count. An option without a letter gets the
 * value base + its index in t. Their letters ("x", "x:", "x::") are appended to shortopts,
 * a string of cap bytes. */
static int opts_getopt(const opt_t *t, unsigned need, int base, struct option *longopts, int n,
                       char *shortopts, size_t cap)
{
    static const int has_arg[] = {
        [OPT_NONE] = no_argument, [OPT_REQUIRED] = required_argument, [OPT_OPTIONAL] = optional_argument,
    };
    size_t len = strlen(shortopts);
    for (int i = 0; t[i].name; i++) {
        const opt_t *o = &t[i];
        if (!wanted(o, need))
            continue;
        longopts[n++] = (struct option){o->name, has_arg[o->arg], NULL, o->letter ? o->letter : base + i};
        if (o->letter) {
            assert(len + 4 <= cap);
            shortopts[len++] = o->letter;
            for (int k = 0; k < (int)o->arg; k++)       /* "x:" required, "x::" optional */
                shortopts[len++] = ':';
            shortopts[len] = '\0';
        }
    }
    longopts[n] = (struct option){0, 0, 0, 0};
    return n;
}

/* The entry of t (with `need`, numbered from base) for getopt_long's return value o, or NULL. */
static const opt_t *opts_lookup(const opt_t *t, unsigned need, int base, int o)
{
    const opt_t *hit = NULL;
    int n = 0;
    while (t[n].name)
        n++;
    if (o >= base && o < base + n)
        hit = &t[o - base];
    else
        for (int i = 0; i < n && !hit; i++)
            if (o > 0 && t[i].letter == o)
                hit = &t[i];
    return hit && wanted(hit, need) ? hit : NULL;
}

int opts_apply(opts_parse_t *p, const opt_t *o, const char *value)
{
    if (o->key) {
        assert(p->cfg);
        return config_set(p->cfg, o->key, value, p->err) ? -1 : 0;
    }
    assert(o->action);
    return o->action(p, o, value);
}

/* The entry of cmd's tables for getopt_long's value o (own table first), or NULL; *more
 * says whether it came from cmd->more. */
static const opt_t *opts_find(const opts_cmd_t *cmd, int o, int *more)
{
    const opt_t *e = opts_lookup(cmd->opts, 0, OPTS_VAL_BASE, o);
    *more = !e && cmd->more && (e = opts_lookup(cmd->more, cmd->more_need, OPTS_VAL_MORE, o));
    return e;
}

/* ---- help and messages ---- */

void opts_usage(const opts_cmd_t *cmd, FILE *f)
{
    int col = cmd->col ? cmd->col : 25;
    fputs(cmd->usage, f);
    for (const opt_t *o = cmd->opts; o->name; o++) {
        if (!o->help)
            continue;
        char left[160];
        int n = snprintf(left, sizeof left, "%c%c%c --%s%s%s%s", o->letter ? '-' : ' ', o->letter ? o->letter : ' ',
                         o->letter ? ',' : ' ', o->name,
                         !o->metavar ? "" : o->arg == OPT_OPTIONAL ? "[=" : " ",
                         o->metavar ? o->metavar : "", o->metavar && o->arg == OPT_OPTIONAL ? "]" : "");
        if (!*o->help) {
            fprintf(f, "  %s\n", left);
            continue;
        }
        fprintf(f, "  %-*s", col - 4 > n ? col - 4 : n, left);
        fputs("  ", f);
        for (const char *h = o->help; *h; h++)
            if (*h == '\n')
                fprintf(f, "\n%*s", col, "");
            else
                fputc(*h, f);
        fputc('\n', f);
    }
    if (cmd->epilog)
        fputs(cmd->epilog, f);
}

int opts_bad(const opts_cmd_t *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd->prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    opts_usage(cmd, stderr);
    return 2;
}

/* getopt_long's '?' or ':' (a missing value) as a message. What the user typed: an
 * unknown long option (optopt 0) or a long one with a value problem is the whole word
 * argv[optind - 1]; otherwise a short option, -optopt (optind may still point into a
 * cluster such as -qx, so the word can be the one before). */
static int bad_option(const opts_cmd_t *cmd, int o, char **argv)
{
    const char *word = argv[optind - 1];
    int more;
    const opt_t *e = optopt ? opts_find(cmd, optopt, &more) : NULL;
    int is_long = !strncmp(word, "--", 2) && word[2];
    if (is_long && e) {                      /* the word must be (an abbreviation of) e */
        size_t n = strcspn(word + 2, "=");
        is_long = !strncmp(e->name, word + 2, n);
    }
    char shrt[3] = {'-', (char)optopt, '\0'};
    const char *what = is_long || !optopt ? word : shrt;
    if (o == ':')
        return opts_bad(cmd, "%s needs a value", what);
    if (e && is_long && e->arg == OPT_NONE && strchr(word, '='))
        return opts_bad(cmd, "%.*s takes no value", (int)strcspn(word, "="), word);
    return opts_bad(cmd, "unknown option '%s'", what);
}

/* ---- the parser ---- */

static int opts_passes(opts_parse_t *p, int pass, int argc, char **argv0, char **argv, const char *shortopts,
                       const struct option *longopts, int *first);

int opts_parse(const opts_cmd_t *cmd, int argc, char **argv, void *dest, json_t *cfg, int *first)
{
    struct option longopts[2 * OPTS_MAX + 1];
    char shortopts[2 + 6 * OPTS_MAX + 1] = "";
    int n = 0, any_first = 0;
    for (const opt_t *o = cmd->opts; o->name; o++, n++)
        any_first |= (o->flags & OPT_FIRST) != 0;
    assert(n <= OPTS_MAX);
    snprintf(shortopts, sizeof shortopts, "%s:", cmd->flags & OPTS_IN_ORDER ? "+" : "");
    n = opts_getopt(cmd->opts, 0, OPTS_VAL_BASE, longopts, 0, shortopts, sizeof shortopts);
    if (cmd->more) {
        int m = 0;
        while (cmd->more[m].name)
            m++;
        assert(m <= OPTS_MAX);
        opts_getopt(cmd->more, cmd->more_need, OPTS_VAL_MORE, longopts, n, shortopts, sizeof shortopts);
    }
    sim_err_t err;
    opts_parse_t p = { .cmd = cmd, .dest = dest, .cfg = cfg, .err = &err };
    /* Pass 0, if any option wants it: those options only; the others' errors wait. It
     * runs on a copy, since getopt_long permutes what it parses: after a pass over
     * "TRACE -f" the array reads "-f TRACE", and a second pass would take TRACE for -f. */
    char **copy = any_first ? xcalloc((size_t)argc + 1, sizeof *copy, "the command line") : NULL;
    if (copy)
        memcpy(copy, argv, (size_t)argc * sizeof *copy);
    int rc = opts_passes(&p, any_first ? 0 : 1, argc, copy, argv, shortopts, longopts, first);
    free(copy);
    return rc;
}

/* The passes of opts_parse from `pass` on: 0 over argv0 (OPT_FIRST options only), 1 over argv. */
static int opts_passes(opts_parse_t *p, int pass, int argc, char **argv0, char **argv, const char *shortopts,
                       const struct option *longopts, int *first)
{
    const opts_cmd_t *cmd = p->cmd;
    opterr = 0;
    for (; pass < 2; pass++) {
        char **av = pass ? argv : argv0;
        int o;
        optind = 0;
        while ((o = getopt_long(argc, av, shortopts, longopts, NULL)) != -1) {
            if (o == '?' || o == ':') {
                if (pass == 0)
                    continue;
                return bad_option(cmd, o, av);
            }
            int more;
            const opt_t *e = opts_find(cmd, o, &more);
            assert(e);
            if ((pass == 0) != (!more && (e->flags & OPT_FIRST)))
                continue;
            int rc = more ? cmd->more_action(p, e, optarg) : opts_apply(p, e, optarg);
            if (rc < 0) {
                fprintf(stderr, "%s: %s\n", cmd->prog, p->err->msg);
                return 2;
            }
            if (rc == OPTS_DONE)
                return 0;
        }
    }
    *first = optind;
    return -1;
}

/* ---- the store actions ---- */

#define FIELD(p, o, type) ((type *)((char *)(p)->dest + (o)->off))

int opts_str(opts_parse_t *p, const opt_t *o, const char *value)
{
    *FIELD(p, o, const char *) = value;
    return 0;
}

int opts_true(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)value;
    *FIELD(p, o, int) = 1;
    return 0;
}

int opts_quiet(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)value;
    *FIELD(p, o, progress_mode_t) = PROGRESS_QUIET;
    return 0;
}

int opts_progress(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)value;
    *FIELD(p, o, progress_mode_t) = PROGRESS_FORCE;
    return 0;
}

int opts_help(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)o;
    (void)value;
    opts_usage(p->cmd, stdout);
    return OPTS_DONE;
}

int opts_frame_list(const char *what, const char *s, size_t max_n, int sorted, uint64_t **v, size_t *n,
                    sim_err_t *err)
{
    const char *bad;
    int badlen, rc = spec_parse_list(s, 1, max_n, sorted, v, n, &bad, &badlen);
    if (rc == -1)
        return sim_err_set(err, SIM_EINPUT, "%s: bad frame list '%s' at '%.*s': expected frame counts >= 1 "
                           "as N, A:B, A:B:STEP or A:B:xFACTOR, comma-separated (A <= B, STEP >= 1, FACTOR >= 2)",
                           what, s, badlen, bad);
    if (rc)
        return sim_err_set(err, SIM_EINPUT, "%s: frame list '%s' has more than %zu sizes", what, s, max_n);
    return 0;
}
