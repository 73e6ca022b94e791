/* registry.c - the table of replacement policies by name.
 *
 * One line per policy: adding one is its own file, one line in CMakeLists.txt's ps_policies
 * and one line here. Lookups walk the table (a handful of entries, once per run), never a
 * chain of strcmp in the engine. The order here is the order `pagesim policies` lists and
 * the order property tests run them. The externs live here, not in repl.h, so that nothing
 * but the registry names a policy directly.
 */
#include "repl.h"

#include <string.h>

extern const repl_ops_t repl_fifo;
extern const repl_ops_t repl_lru;
extern const repl_ops_t repl_opt;
extern const repl_ops_t repl_clock;
extern const repl_ops_t repl_random;
extern const repl_ops_t repl_lfu;
extern const repl_ops_t repl_mru;
extern const repl_ops_t repl_gclock;
extern const repl_ops_t repl_eclock;
extern const repl_ops_t repl_wtinylfu;
extern const repl_ops_t repl_lecar;
extern const repl_ops_t repl_lruk;
extern const repl_ops_t repl_mq;
extern const repl_ops_t repl_s3fifo;
extern const repl_ops_t repl_sieve;
extern const repl_ops_t repl_arc;
extern const repl_ops_t repl_car;
extern const repl_ops_t repl_2q;
extern const repl_ops_t repl_lirs;
extern const repl_ops_t repl_clockpro;
extern const repl_ops_t repl_linux;
extern const repl_ops_t repl_nru;
extern const repl_ops_t repl_aging;
extern const repl_ops_t repl_wsclock;
extern const repl_ops_t repl_ws;
extern const repl_ops_t repl_pff;
extern const repl_ops_t repl_mglru;

const repl_ops_t *const repl_registry[] = {
    &repl_fifo,
    &repl_lru,
    &repl_opt,
    &repl_clock,
    &repl_random,
    &repl_lfu,
    &repl_mru,
    &repl_gclock,
    &repl_eclock,
    &repl_wtinylfu,
    &repl_lecar,
    &repl_lruk,
    &repl_mq,
    &repl_s3fifo,
    &repl_sieve,
    &repl_arc,
    &repl_car,
    &repl_2q,
    &repl_lirs,
    &repl_clockpro,
    &repl_linux,
    &repl_nru,
    &repl_aging,
    &repl_wsclock,
    &repl_ws,
    &repl_pff,
    &repl_mglru,
    NULL,
};

const repl_ops_t *repl_find(const char *name)
{
    for (const repl_ops_t *const *p = repl_registry; *p; p++)
        if (!strcmp((*p)->name, name))
            return *p;
    return NULL;
}
