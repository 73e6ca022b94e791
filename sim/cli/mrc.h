/* mrc.h - `pagesim mrc` (sim/cli/mrc.c; the curves are sim/exp/mrc.h's mrc_compute). */
#ifndef PAGESIM_CLI_MRC_H
#define PAGESIM_CLI_MRC_H

/* `pagesim mrc -p lru|opt [--frames LIST] [--sample R] [--sample-max N] [--check-exact] [--format F]
 *  [--page-size N] [--seed S] -o FILE TRACE`; argv[0] is the subcommand name. Writes FILE
 * through a temporary file and rename ("-" is stdout). Returns 0, or 2 after printing a
 * message to stderr (no file is left behind). */
int mrc_main(int argc, char **argv);

#endif
