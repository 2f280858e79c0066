// Placeholder until per-CPU areas exist: only the boot CPU runs.
#include "arch/x86_32/percpu.hpp"

namespace arch {

Percpu& this_cpu()
{
    static Percpu boot{&boot, 0, 0};
    return boot;
}

} // namespace arch
