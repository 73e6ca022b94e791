/* info.h - `pagesim info`: a trace's statistics on the command line (info.c). */
#ifndef PAGESIM_CLI_INFO_H
#define PAGESIM_CLI_INFO_H

/* info [--json] [--format F] [--page-size SIZE] TRACE (argv[0] is "info"). Returns 0, 2 with
 * the message on stderr (bad usage or input), 1 (standard output cannot be written). */
int info_main(int argc, char **argv);

#endif
