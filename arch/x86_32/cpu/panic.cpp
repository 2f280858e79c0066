#include "hypervisor/lib/panic.hpp"

#include <cstdarg>

#include "arch/x86_32/cpu/crash.hpp"
#include "arch/x86_32/cpu/fault_report.hpp"
#include "arch/x86_32/acpi/power.hpp"
#include "hypervisor/console/console.hpp"

namespace {
bool halt_only;
} // namespace

void set_noreboot(bool noreboot) { halt_only = noreboot; }

void crash_stop()
{
    asm volatile("cli");
    arch::crash_print_stopped();
    if (halt_only) {
        console::printf("*** Xenith halted ('noreboot' given).\n");
        arch::machine_halt();
    }
    console::printf("*** Xenith rebooting (boot with 'noreboot' to halt instead).\n");
    arch::machine_restart();
}

void panic(const char* fmt, ...)
{
    asm volatile("cli");
    arch::Percpu& cpu = arch::this_cpu();
    arch::crash_claim(cpu.index);
    console::take_over_for_panic();
    console::printf("\n*** Xenith PANIC on CPU %u: ", cpu.index);
    va_list ap;
    va_start(ap, fmt);
    console::vprintf(fmt, ap);
    va_end(ap);
    console::printf("\n");
    if (cpu.area)
        arch::print_stack_trace(cpu, reinterpret_cast<uint32_t>(__builtin_frame_address(0)));
    crash_stop();
}
