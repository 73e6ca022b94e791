/* opts.h - one table-driven option parser for every subcommand (getopt_long underneath).
 *
 * A subcommand declares its options once, as a const table of opt_t ending in {0}: long
 * name, letter, whether it takes a value, the help line, and what it does -- a config key
 * (the value goes to config_set) or an action. opts_parse builds getopt_long's arrays from
 * the table, runs the actions in command-line order and leaves the operands at
 * argv[*first..argc-1]; opts_usage prints the help from the same lines. So an option can
 * neither be accepted and undocumented nor documented under another letter, and every
 * subcommand says "unknown option" and "needs a value" the same way.
 *
 * Declaring a subcommand (sim/cli/convert.c is a short example):
 *     typedef struct conv_args { const char *to, *format; progress_mode_t progress; } conv_args_t;
 *     static const opt_t conv_opts[] = {
 *         {"to", 0, OPT_REQUIRED, "FORMAT", "text or binary",
 *          .action = opts_str, .off = offsetof(conv_args_t, to)},
 *         OPTS_QUIET(conv_args_t, progress), OPTS_PROGRESS(conv_args_t, progress), OPTS_HELP,
 *         {0},
 *     };
 *     static const opts_cmd_t conv_cmd = {"pagesim convert", "usage: ...\n\n", conv_opts};
 *     ...
 *     conv_args_t a = {0};
 *     int first, rc = opts_parse(&conv_cmd, argc, argv, &a, NULL, &first);
 *     if (rc >= 0)
 *         return rc;            (0 after --help, 2 after a bad option: the message is out)
 *     operands: argv[first..argc-1]; a bad operand: return opts_bad(&conv_cmd, "...", ...)
 *
 * What an option does:
 *   .key = "policy"     config_set(cfg, key, value): run's options (cliopts.c);
 *   .action = F         F(p, opt, value): the store actions below write p->dest + opt->off
 *                       (opts_str a const char *, opts_true an int, opts_quiet/opts_progress
 *                       a progress_mode_t); a command's own action parses and checks its
 *                       value (returning -1 with the message in p->err, which the parser
 *                       prints as "PROG: message" and then exits 2) and may use opt->kind
 *                       to serve several options (cliopts.c's --tlb, --set, -f).
 *   OPT_FIRST           runs in a first pass before every other option, whatever the order
 *                       on the command line (run's -c: config files, which the other
 *                       options then override). Its errors come out first.
 *   cmd->more           a second table (sweep: the run options) whose entries with all of
 *                       cmd->more_need in their flags are accepted too, in command-line
 *                       order (OPT_FIRST aside), unlisted in the help, each handed to
 *                       cmd->more_action instead of its own key or action.
 *   .help = NULL        accepted but not listed; "" listed without a text ("-h, --help").
 * Flags from OPT_USER up are the command's own: cliopts.h's CLIOPT_SWEEP marks the run
 * options that sweep passes through (cmd->more_need selects by them).
 *
 * Help layout: cmd->usage (synopsis and description, as written), then one line per listed
 * option, "  -p, --policy SPEC" with its help from column cmd->col (25 if 0; at least two
 * spaces after a longer name; '\n' in a help text continues at that column), then
 * cmd->epilog. --help prints it on stdout and exits 0; a bad option prints
 * "PROG: unknown option 'ARG'" or "PROG: ARG needs a value" and then it on stderr, exit 2.
 * GNU getopt_long rules: options and operands mix (OPTS_IN_ORDER: options stop at the
 * first operand, as record's PROGRAM ARGS need), "--" ends the options, "-" is an operand,
 * --name=value and unique abbreviations of long names work.
 *
 * Every subcommand parses with it (no other file calls getopt_long), each in its own way:
 *   run      cliopts.c's table with .key options into a config, -c OPT_FIRST;
 *   sweep    its own table of actions into the grid, run's table as .more (CLIOPT_SWEEP),
 *            each passed-through option kept by sweep_opt_pass for every run;
 *   mrc      a prose help in .usage, the entries unlisted (.help NULL);
 *   record   OPTS_IN_ORDER (PROGRAM's arguments follow), .col = 21, --markers OPT_OPTIONAL,
 *            --max-refs/--skip-refs one action told apart by .kind;
 *   convert, info, policies, merge: store actions and operands checked after (opts_bad).
 *
 * Cost: getopt_long, and a linear scan of the table (tens of entries) per option given.
 * References: glibc getopt_long(3); the tables of Git's parse-options.h (OPT_STRING,
 * OPT_BOOL, OPT_CALLBACK), which this follows in spirit. */
#ifndef PAGESIM_CLI_OPTS_H
#define PAGESIM_CLI_OPTS_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "sim/base/err.h"
#include "sim/sim.h"                 /* config_set */

typedef enum opt_arg {
    OPT_NONE,                        /* a switch */
    OPT_REQUIRED,                    /* --name VALUE, --name=VALUE, -xVALUE, -x VALUE */
    OPT_OPTIONAL,                    /* --name or --name=VALUE (value NULL when absent) */
} opt_arg_t;

enum {
    OPT_FIRST = 1u << 0,             /* runs in a pass before all others (config files) */
    OPT_USER = 1u << 8,              /* this bit and the ones above: the command's flags */
};

enum {
    OPTS_IN_ORDER = 1u << 0,         /* opts_cmd_t.flags: options end at the first operand */
};

/* getopt_long's value for a table entry without a letter is OPTS_VAL_BASE plus its index
 * (OPTS_VAL_MORE plus it in cmd->more); a table holds at most OPTS_MAX options. */
enum { OPTS_VAL_BASE = 256, OPTS_MAX = 64, OPTS_VAL_MORE = OPTS_VAL_BASE + OPTS_MAX };

/* An action's return: 0 go on, -1 bad input (message in p->err: exit 2), or OPTS_DONE:
 * stop parsing, the command exits 0 (--help). */
enum { OPTS_DONE = 1 };

typedef struct opt opt_t;
typedef struct opts_cmd opts_cmd_t;
typedef struct opts_parse opts_parse_t;

typedef int (*opt_action_t)(opts_parse_t *p, const opt_t *o, const char *value);

struct opt {
    const char *name;                /* long name, without "--"; NULL ends the table */
    char letter;                     /* short option, or 0 */
    opt_arg_t arg;
    const char *metavar;             /* the value's name in the help ("SPEC"), or NULL */
    const char *help;                /* the help text, '\n' between lines; NULL: unlisted */
    const char *key;                 /* the value goes to this config key; or: */
    opt_action_t action;             /* this runs */
    size_t off;                      /* the store actions: offset of the field in p->dest */
    int kind;                        /* the command's tag of the option (cliopt_kind_t) */
    unsigned flags;                  /* OPT_FIRST; the command's own from OPT_USER */
};

struct opts_cmd {
    const char *prog;                /* message prefix: "pagesim convert" */
    const char *usage;               /* the help before the option list (synopsis, text) */
    const opt_t *opts;               /* the table, ending in {0} */
    const char *epilog;              /* the help after the option list, or NULL */
    int col;                         /* column of the options' help texts; 0: 25 */
    unsigned flags;                  /* OPTS_IN_ORDER */
    const opt_t *more;               /* a second table, or NULL (see above) */
    unsigned more_need;              /* its options with all these flags are accepted */
    opt_action_t more_action;        /* and handed to this */
};

/* What an action sees. */
struct opts_parse {
    const opts_cmd_t *cmd;
    void *dest;                      /* the command's struct of option values */
    json_t *cfg;                     /* the config that .key options set (NULL: none) */
    sim_err_t *err;                  /* an action's message when it returns -1 */
};

/* Parses argv[1..argc-1] (argv[0] is the subcommand's name) by cmd's table into dest and
 * cfg. Returns -1 to go on, with the operands at argv[*first..argc-1] (argv is permuted
 * as getopt_long does), or the exit status: 0 after --help (printed on stdout), 2 after a
 * bad option or value (the message on stderr). */
int opts_parse(const opts_cmd_t *cmd, int argc, char **argv, void *dest, json_t *cfg, int *first);

/* The help: cmd->usage, the listed options, cmd->epilog. */
void opts_usage(const opts_cmd_t *cmd, FILE *f);

/* Bad usage found after parsing (an operand missing or too many): "PROG: message" and the
 * help on stderr. Returns 2, the exit status. */
int opts_bad(const opts_cmd_t *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Applies one option as opts_parse does: config_set for .key, else the action. */
int opts_apply(opts_parse_t *p, const opt_t *o, const char *value);

/* The store actions (see above) and the help action. */
int opts_str(opts_parse_t *p, const opt_t *o, const char *value);
int opts_true(opts_parse_t *p, const opt_t *o, const char *value);
int opts_quiet(opts_parse_t *p, const opt_t *o, const char *value);
int opts_progress(opts_parse_t *p, const opt_t *o, const char *value);
int opts_help(opts_parse_t *p, const opt_t *o, const char *value);

/* A frame list as sweep -f and mrc --frames take it (spec.h's spec_parse_list: N, A:B,
 * A:B:STEP, A:B:xFACTOR, comma-separated), with the one message both give: 0 with *v
 * (malloc'ed) and *n, or -1 with err naming the bad piece or the limit (max_n values). */
int opts_frame_list(const char *what, const char *s, size_t max_n, int sorted, uint64_t **v, size_t *n,
                    sim_err_t *err);

/* The lines every command shares. */
#define OPTS_QUIET_HELP "no progress line (by default one on a terminal's stderr)"
#define OPTS_PROGRESS_HELP "progress lines on stderr even when it is not a terminal"
#define OPTS_QUIET(type, field) \
    {"quiet", 'q', OPT_NONE, NULL, OPTS_QUIET_HELP, .action = opts_quiet, .off = offsetof(type, field)}
#define OPTS_PROGRESS(type, field) \
    {"progress", 0, OPT_NONE, NULL, OPTS_PROGRESS_HELP, .action = opts_progress, .off = offsetof(type, field)}
#define OPTS_HELP {"help", 'h', OPT_NONE, NULL, "", .action = opts_help}

#endif
