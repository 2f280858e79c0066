#include "arch/x86_32/mm/iomem.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/include/machine_memory.hpp"
#include "arch/x86_32/irq/ioapic.hpp"
#include "hypervisor/domain/domain.hpp"

namespace arch {

namespace {
constexpr uint32_t msi_first = 0xFEE00, msi_last = 0xFEEFF;
constexpr uint32_t e820_unusable = 5;
} // namespace

bool iomem_init_hardware_domain(Domain& d)
{
    Rangeset& r = d.arch.io_mem;
    bool ok = r.add(0, UINT32_MAX);
    const Acpi_info& a = acpi_info();
    uint64_t lapic = a.have_madt && a.madt.lapic_address ? a.madt.lapic_address : 0xFEE00000u;
    ok = ok && r.remove(lapic >> page_shift, lapic >> page_shift);
    for (unsigned i = 0; i < ioapic::count(); ++i)
        ok = ok && r.remove(ioapic::frame(i), ioapic::frame(i));
    // The MSI address window (0xFEE00000 + destination id << 12: Xen's
    // MSI_ADDR_BASE_LO .. + MSI_ADDR_DEST_ID_MASK), where a CPU's writes
    // reach local APICs whatever address they were relocated to.
    ok = ok && r.remove(msi_first, msi_last);
    // E820_UNUSABLE ranges above 1 MiB, as Xen's dom0_setup_permissions:
    // firmware says nothing may decode them.
    const E820_map& fw = machine_e820();
    for (unsigned i = 0; i < fw.count(); ++i) {
        if (fw[i].type != e820_unusable || fw[i].size == 0)
            continue;
        uint64_t first = fw[i].addr >> page_shift;
        uint64_t last = (fw[i].addr + fw[i].size - 1) >> page_shift;
        if (first < 0x100)
            first = 0x100;
        if (last > UINT32_MAX)
            last = UINT32_MAX;
        if (first <= last)
            ok = ok && r.remove(static_cast<uint32_t>(first), static_cast<uint32_t>(last));
    }
    return ok;
}

bool iomem_permitted(const Domain& d, Mfn m) { return d.arch.io_mem.contains(raw(m), raw(m)); }

} // namespace arch
