/* swap.h - swap-slot accounting (swap.c). */
#ifndef PAGESIM_SWAP_H
#define PAGESIM_SWAP_H

#include <stdint.h>
#include "sim.h"

void     swap_init(sim_t *s);
void     swap_destroy(sim_t *s);
uint32_t swap_alloc(sim_t *s);                  /* a free slot, its count 0 */
void     swap_ref(sim_t *s, uint32_t slot);
void     swap_unref(sim_t *s, uint32_t slot);   /* at 0 the slot is free */

#endif
