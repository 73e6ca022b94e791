/* check.h - invariant checkers (check.c). */
#ifndef PAGESIM_SIM_CHECK_H
#define PAGESIM_SIM_CHECK_H

#include <stddef.h>
#include "sim.h"

/* SIM_ASSERT's failure (sim_int.h): prints what and where, then aborts. */
void check_assert_fail(const sim_t *s, const char *what, const char *file, int line) __attribute__((noreturn));
/* 0 if every invariant holds, else -1 and a description in msg */
int check_all(const sim_t *s, char *msg, size_t n);

#endif
