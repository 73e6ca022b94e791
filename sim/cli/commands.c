/* commands.c - the table of subcommands that live in their own modules. */
#include <string.h>

#include "commands.h"
#include "sim/exp/mrc.h"
#include "record.h"
#include "sim/exp/sweep.h"
#include "workloads/convert.h"

typedef struct command { const char *name; int (*main)(int argc, char **argv); } command_t;

static const command_t commands[] = {
    {"mrc", mrc_main},
    {"record", record_main},
    {"sweep", sweep_main},
    {"merge", merge_main},
    {"convert", convert_main},
    {"info", info_main},
    {NULL, NULL},
};

/* Runs cmd if it is one of these; 1 (with *status set) if it was. */
int cli_dispatch_extra(const char *cmd, int argc, char **argv, int *status)
{
    for (const command_t *c = commands; c->name; c++)
        if (!strcmp(c->name, cmd)) {
            *status = c->main(argc, argv);
            return 1;
        }
    return 0;
}
