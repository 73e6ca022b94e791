/* cpu.c - what concerns every CPU at once: TLB shootdown (inline, cpu.h), and the clocks'
 * limit.
 *
 * A mapping that changes (eviction, COW, munmap, mprotect) must leave no CPU's TLB caching
 * the old translation, as a kernel's TLB-shootdown IPIs ensure (Bovet & Cesati, ch. 2,
 * "Handling the Hardware Cache and the TLB"). One probe per CPU, O(ways) each; the caller
 * charges costs.shootdown per CPU that held it. Off the hot path: only a changed mapping
 * pays. A clock that reaches SIM_TIME_LIMIT (types.h) ends the run with an input error
 * (cpu_clock_check, cpu.h: one compare on the slow paths). */
#include "sim_int.h"
#include "sim/base/xalloc.h"

void cpu_clock_overflow(const sim_t *s)
{
    xtrap_throw(SIM_EINPUT, "simulated time reached 2^63 ps (about 106 days) at page reference %llu: "
                "the costs (costs.*), the device latencies (swap_dev, file_dev) or the quantum are "
                "too large for this trace", (unsigned long long)s->vt);
}
