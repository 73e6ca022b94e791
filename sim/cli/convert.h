/* convert.h - `pagesim convert`: trace conversion on the command line (convert.c). Not
 * workloads/convert.h, which declares the conversion itself. */
#ifndef PAGESIM_CLI_CONVERT_H
#define PAGESIM_CLI_CONVERT_H

/* convert [--format F] [-q | --progress] --to text|binary IN OUT (argv[0] is "convert").
 * Returns 0, 2 with the message on stderr (bad usage or input), 1 (a write error). */
int convert_main(int argc, char **argv);

#endif
