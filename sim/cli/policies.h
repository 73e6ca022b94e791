/* policies.h - `pagesim policies`: what is registered (policies.c). */
#ifndef PAGESIM_CLI_POLICIES_H
#define PAGESIM_CLI_POLICIES_H

/* argv[0] is "policies"; returns the exit status (0, or 2 on bad usage). */
int policies_main(int argc, char **argv);

#endif
