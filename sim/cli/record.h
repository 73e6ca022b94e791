/* record.h - `pagesim record` (record.c): traces of real programs, every process, with their
 * area events, recorded under Valgrind (workloads/record/) and checked through the engine. */
#ifndef PAGESIM_CLI_RECORD_H
#define PAGESIM_CLI_RECORD_H

/* The subcommand; argv[0] is its name ("record"). Prints messages on stderr. Returns 0 when
 * the trace was written whole and passed the engine's checks, 2 on bad usage (an unknown
 * option or output name, no such program), 1 when there is no whole trace (Valgrind
 * missing, the program did not start, an I/O error: no output file; a lost log: the trace
 * is written; a failed check: kept as FILE.invalid). */
int record_main(int argc, char **argv);

#endif
