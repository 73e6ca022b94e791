/* commands.h - the table of pagesim's subcommands and the dispatch through it (commands.c). */
#ifndef PAGESIM_COMMANDS_H
#define PAGESIM_COMMANDS_H

#include <stdio.h>

/* Runs the subcommand argv[1] with argv + 1 (its argv[0] is its name) and returns its exit
 * status; no subcommand or an unknown one: the usage on stderr, 2. */
int commands_dispatch(int argc, char **argv);

/* The top-level usage, one line per subcommand from the table. */
void commands_usage(FILE *f);

#endif
