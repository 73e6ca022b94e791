/* run.h - `pagesim run`: one simulation (run.c). */
#ifndef PAGESIM_CLI_RUN_H
#define PAGESIM_CLI_RUN_H

/* argv[0] is "run"; returns the exit status (0, 2 bad usage or input, 1 the machine). */
int run_main(int argc, char **argv);

#endif
