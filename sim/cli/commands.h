/* commands.h - the subcommands other than run and policies (commands.c's table). */
#ifndef PAGESIM_COMMANDS_H
#define PAGESIM_COMMANDS_H

/* Runs cmd if it is one of them; 1 (with *status set to its exit status) if it was. */
int cli_dispatch_extra(const char *cmd, int argc, char **argv, int *status);

#endif
