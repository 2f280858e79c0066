// ACPI discovery on the real machine: the RSDP search areas, mapping tables
// through the direct map or ioremap(), and the boot log.
#include "arch/x86_32/acpi/firmware.hpp"

#include "arch/x86_32/mm/ioremap.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/lib/format.hpp"

namespace arch {
namespace {

Acpi_info info;

// Tables mapped so far; a table inside an earlier mapping reuses it, since
// ioremap() mappings are permanent and the window is small.
class Firmware_memory final : public acpi::Memory {
public:
    const uint8_t* map(uint64_t phys, size_t len) override
    {
        if (len == 0 || phys + len < phys)
            return nullptr;
        if (phys + len <= HV_DIRECTMAP_SIZE)
            return phys_to_virt<const uint8_t>(static_cast<uint32_t>(phys));
        for (unsigned i = 0; i < count_; ++i) {
            const Region& r = regions_[i];
            if (phys >= r.phys && phys + len <= r.phys + r.len)
                return r.va + (phys - r.phys);
        }
        if (count_ == max_regions)
            return nullptr;
        // Whole pages, so neighbouring tables in the same pages hit above.
        uint64_t first = phys & ~0xFFFull;
        uint64_t end = (phys + len + 0xFFF) & ~0xFFFull;
        auto* va = static_cast<const uint8_t*>(ioremap(first, static_cast<size_t>(end - first), Cache::write_back));
        if (!va)
            return nullptr;
        regions_[count_++] = {first, end - first, va};
        return va + (phys - first);
    }

private:
    struct Region {
        uint64_t phys;
        uint64_t len;
        const uint8_t* va;
    };
    static constexpr unsigned max_regions = 32;
    Region regions_[max_regions];
    unsigned count_ = 0;
};

Firmware_memory memory;

// ACPI 6.5 §5.2.5.1: the first KiB of the EBDA (segment at 0x40E), then
// the BIOS area 0xE0000-0xFFFFF.
bool find_rsdp(acpi::Rsdp& out)
{
    uint32_t ebda = static_cast<uint32_t>(*phys_to_virt<const uint16_t>(0x40E)) << 4;
    if (ebda >= 0x80000 && ebda < 0xA0000 &&
        acpi::scan_rsdp(phys_to_virt<const uint8_t>(ebda), 1024, ebda, out))
        return true;
    return acpi::scan_rsdp(phys_to_virt<const uint8_t>(0xE0000), 0x20000, 0xE0000, out);
}

void log_madt(const acpi::Madt& m)
{
    char ids[160];
    size_t pos = 0;
    for (unsigned i = 0; i < m.cpu_count && pos + 12 < sizeof ids; ++i)
        pos += fmt::snprint(ids + pos, sizeof ids - pos, "%s%u%s", i ? " " : "", m.cpus[i].apic_id,
                            m.cpus[i].enabled ? "" : "(off)");
    log::info("ACPI: MADT: local APIC at %#llx, %u CPUs enabled of %u listed, APIC ids: %s%s",
              static_cast<unsigned long long>(m.lapic_address), m.enabled_cpus(), m.cpu_count, ids,
              pos + 12 >= sizeof ids ? " ..." : "");
    for (unsigned i = 0; i < m.override_count; ++i) {
        const acpi::Madt_override& o = m.overrides[i];
        log::debug("ACPI: MADT: override bus %u irq %u -> gsi %u flags %#x", o.bus, o.source_irq, o.gsi,
                   o.flags);
    }
    for (unsigned i = 0; i < m.nmi_count; ++i)
        log::debug("ACPI: MADT: NMI %s uid %#x lint %u gsi %u flags %#x",
                   m.nmis[i].kind == acpi::Madt_nmi::Kind::local ? "local" : "source", m.nmis[i].uid,
                   m.nmis[i].lint, m.nmis[i].gsi, m.nmis[i].flags);
    if (m.dropped)
        log::warn("ACPI: MADT: %u entries beyond the supported limits ignored", m.dropped);
}

void load_fadt(const acpi::Root& root)
{
    acpi::Table t = root.find("FACP");
    if (!t.valid() || !acpi::parse_fadt(t, info.fadt)) {
        log::warn("ACPI: no valid FADT: power-off and reset fall back to legacy methods");
        return;
    }
    info.have_fadt = true;
    const acpi::Fadt& f = info.fadt;
    acpi::Table dsdt = acpi::load_table(memory, f.dsdt, "DSDT");
    if (dsdt.valid())
        info.have_s5 = acpi::find_s5(dsdt.data + acpi::header_len, dsdt.length - acpi::header_len, info.s5);
    if (info.have_s5 && f.pm1a_cnt.present())
        log::info("ACPI: power-off: S5 via PM1a_CNT %s %#llx%s, SLP_TYPa %u SLP_TYPb %u",
                  f.pm1a_cnt.space == acpi::Gas::io ? "port" : "mmio",
                  static_cast<unsigned long long>(f.pm1a_cnt.address), f.pm1b_cnt.present() ? " + PM1b" : "",
                  info.s5.a, info.s5.b);
    else
        log::warn("ACPI: power-off unavailable (%s)", dsdt.valid() ? "no usable \\_S5 or PM1a_CNT" : "bad DSDT");
    if (f.reset_supported())
        log::info("ACPI: reset: register space %u address %#llx value %#x, then keyboard controller, then "
                  "triple fault",
                  f.reset_reg.space, static_cast<unsigned long long>(f.reset_reg.address), f.reset_value);
    else
        log::info("ACPI: reset: no FADT reset register; keyboard controller, then triple fault");
}

} // namespace

const Acpi_info& acpi_info() { return info; }

void acpi_init()
{
    if (!find_rsdp(info.rsdp)) {
        log::warn("ACPI: no RSDP found");
        return;
    }
    info.have_rsdp = true;
    acpi::Root root;
    bool ok = root.init(memory, info.rsdp);
    log::info("ACPI: RSDP at %#llx rev %u OEM '%s', %s at %#llx", static_cast<unsigned long long>(info.rsdp.phys),
              info.rsdp.revision, info.rsdp.oem_id, ok ? (root.uses_xsdt() ? "XSDT" : "RSDT") : "no valid root",
              static_cast<unsigned long long>(root.table().phys));
    if (!ok)
        return;
    for (uint32_t i = 0; i < root.entries(); ++i) {
        acpi::Table t = acpi::load_table(memory, root.entry(i));
        log::debug("ACPI: table %.4s at %#llx len %u%s", t.valid() ? reinterpret_cast<const char*>(t.data) : "????",
                   static_cast<unsigned long long>(root.entry(i)), t.length, t.valid() ? "" : " (invalid)");
    }
    acpi::Table madt = root.find("APIC");
    info.have_madt = madt.valid() && acpi::parse_madt(madt, info.madt);
    if (info.have_madt)
        log_madt(info.madt);
    else
        log::warn("ACPI: no valid MADT");
    load_fadt(root);
}

} // namespace arch
