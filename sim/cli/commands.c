/* commands.c - the one table of pagesim's subcommands: name, main function, synopsis, summary.
 *
 * Every subcommand is a line here and a file of its own (run.c, policies.c, convert.c ...), a
 * function taking the subcommand's argv (argv[0] its name) and returning the exit status;
 * main.c turns that into the process's. The top-level usage is printed from the same
 * lines, so a subcommand cannot be reachable and unlisted. Lines without a synopsis
 * (version, help) are spelled as options too ("--version") and listed together last.
 * As Lua's linit.c lists its libraries: adding a subcommand is a file and a line.
 * Cost: a linear scan of ten names. */
#include "commands.h"
#include "convert.h"
#include "info.h"
#include "policies.h"
#include "run.h"
#include "mrc.h"
#include "sweep.h"
#include "merge.h"
#include "record.h"

#include <string.h>

typedef struct command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *synopsis;        /* after "pagesim NAME" in the usage; NULL: the options line */
    const char *summary;         /* the usage's one line about it, or NULL */
    const char *alias[2];        /* other spellings ("--help", "-h") */
} command_t;

static int commands_version(int argc, char **argv);
static int commands_help(int argc, char **argv);

static const command_t commands[] = {
    {"run", run_main, "[OPTIONS] TRACE...", "simulate a trace (see pagesim run --help)", {0}},
    {"policies", policies_main, "", "list replacement and COW policies, trace formats", {0}},
    {"mrc", mrc_main, "...", "one-pass miss-ratio curves (LRU, OPT)", {0}},
    {"sweep", sweep_main, "...", "run a grid of simulations in parallel", {0}},
    {"merge", merge_main, "DIR", "summary.tsv and plots from a sweep's JSON", {0}},
    {"convert", convert_main, "--to text|binary IN OUT", NULL, {0}},     /* the synopsis says it */
    {"info", info_main, "[--json] TRACE", "counts of references, pages, processes, events", {0}},
    {"record", record_main, "[-o FILE] -- PROGRAM [ARGS...]", "record a trace with Valgrind", {0}},
    {"version", commands_version, NULL, "the version", {"--version"}},
    {"help", commands_help, NULL, "this list", {"--help", "-h"}},
    {NULL, NULL, NULL, NULL, {0}},
};

static int commands_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("pagesim %s\n", PAGESIM_VERSION);
    return 0;
}

static int commands_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    commands_usage(stdout);
    return 0;
}

void commands_usage(FILE *f)
{
    fprintf(f, "pagesim %s - a discrete-event simulator of virtual-memory paging policies\n\n", PAGESIM_VERSION);
    const char *lead = "usage: ";
    for (const command_t *c = commands; c->name; c++, lead = "       ") {
        if (!c->synopsis)
            continue;
        char line[128];
        snprintf(line, sizeof line, "pagesim %s%s%s", c->name, *c->synopsis ? " " : "", c->synopsis);
        if (c->summary)
            fprintf(f, "%s%-30s   %s\n", lead, line, c->summary);
        else
            fprintf(f, "%s%s\n", lead, line);
    }
    const char *sep = "pagesim ";
    fputs(lead, f);
    for (const command_t *c = commands; c->name; c++)
        if (!c->synopsis) {
            fprintf(f, "%s%s", sep, c->alias[0]);
            sep = " | ";
        }
    fputc('\n', f);
}

static const command_t *commands_find(const char *name)
{
    for (const command_t *c = commands; c->name; c++)
        if (!strcmp(c->name, name) || (c->alias[0] && !strcmp(c->alias[0], name))
            || (c->alias[1] && !strcmp(c->alias[1], name)))
            return c;
    return NULL;
}

int commands_dispatch(int argc, char **argv)
{
    if (argc < 2) {
        commands_usage(stderr);
        return 2;
    }
    const command_t *c = commands_find(argv[1]);
    if (!c) {
        fprintf(stderr, "pagesim: unknown command '%s'\n", argv[1]);
        commands_usage(stderr);
        return 2;
    }
    return c->main(argc - 1, argv + 1);
}
