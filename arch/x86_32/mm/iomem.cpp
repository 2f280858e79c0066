#include "arch/x86_32/mm/iomem.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/irq/ioapic.hpp"
#include "hypervisor/domain/domain.hpp"

namespace arch {

bool iomem_init_hardware_domain(Domain& d)
{
    Rangeset& r = d.arch.io_mem;
    bool ok = r.add(0, UINT32_MAX);
    const Acpi_info& a = acpi_info();
    uint64_t lapic = a.have_madt && a.madt.lapic_address ? a.madt.lapic_address : 0xFEE00000u;
    ok = ok && r.remove(lapic >> page_shift, lapic >> page_shift);
    for (unsigned i = 0; i < ioapic::count(); ++i)
        ok = ok && r.remove(ioapic::frame(i), ioapic::frame(i));
    return ok;
}

bool iomem_permitted(const Domain& d, Mfn m) { return d.arch.io_mem.contains(raw(m), raw(m)); }

} // namespace arch
