#include "arch/x86_32/boot/platform.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/irq/ioapic.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/irq/pic.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {

void platform_init()
{
    acpi_init();
    const Acpi_info& acpi = acpi_info();
    pic_disable();
    uint64_t lapic_phys = acpi.have_madt ? acpi.madt.lapic_address : 0;
    if (lapic::init(lapic_phys))
        log::info("APIC: boot CPU local APIC id %u, version %#x", lapic::this_id(),
                  lapic::read(lapic::version) & 0xFF);
    else
        log::error("APIC: no usable local APIC");
    if (!timer_init())
        log::error("timer: calibration failed: no time source");
    else if (lapic::present() && !timer_self_test())
        log::error("timer: one-shot self-test failed");
    if (acpi.have_madt) {
        ioapic::init(acpi.madt);
        if (ioapic::count() && lapic::present() && !ioapic::self_test(lapic::this_id()))
            log::error("IO-APIC: redirection entry self-test failed");
    } else
        log::warn("IO-APIC: no MADT, so no IO-APIC; device interrupts unavailable");
}

} // namespace arch
