// Boot-time checks of the CPU tables, the entry path and the fix-up table,
// and the hv_fault_test hook that deliberately crashes the hypervisor.
#pragma once

#include "hypervisor/boot/cmdline.hpp"

namespace arch {

// Logs each check at debug level and each failure as an error; true if all
// passed.
[[nodiscard]] bool cpu_self_test();

// Raises the requested exception in the hypervisor; never returns unless
// the test is Fault_test::none.
void run_fault_test(Fault_test test);

} // namespace arch
