// Machine power control: what the hypervisor does when it stops for good.
#pragma once

namespace arch {

[[noreturn]] void machine_halt();
[[noreturn]] void machine_restart();
[[noreturn]] void machine_power_off();

} // namespace arch
