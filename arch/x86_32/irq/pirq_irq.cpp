#include "arch/x86_32/irq/pirq_irq.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/irq/ioapic.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace arch {
namespace {

constexpr unsigned nr_vectors = pirq_vector_last - pirq_vector_first + 1;
constexpr uint32_t no_gsi = 0xFFFFFFFF;

// Vector slot -> GSI, and back (0 = none). Written under 'lock' by the
// hypercall paths; the handler reads its slot without it: a vector only
// fires while its GSI is routed, i.e. between enable() and disable().
uint32_t slot_gsi[nr_vectors];
uint8_t gsi_vector[pirq::max_gsis];
Spinlock lock;

const acpi::Madt* madt()
{
    const Acpi_info& a = acpi_info();
    return a.have_madt ? &a.madt : nullptr;
}

void on_interrupt(Exception_frame& f)
{
    unsigned slot = f.entry_vector - pirq_vector_first;
    uint32_t gsi = slot < nr_vectors ? __atomic_load_n(&slot_gsi[slot], __ATOMIC_ACQUIRE) : no_gsi;
    if (gsi != no_gsi)
        pirq::interrupt(gsi);  // masks a level line before the EOI below
    lapic::eoi();
}

uint32_t gsi_limit() { return ioapic::gsi_limit(); }

// The MADT's word for an ISA line (source overrides included), else
// ISA's edge/high below 16 and PCI's level/low above.
Gsi_mode default_mode(uint32_t gsi)
{
    const acpi::Madt* m = madt();
    if (m)
        for (uint8_t irq = 0; irq < 16; ++irq) {
            acpi::Isa_route r = acpi::isa_route(*m, irq);
            if (r.gsi == gsi)
                return {r.trigger == acpi::Trigger::level, r.polarity == acpi::Polarity::low};
        }
    return gsi < 16 ? Gsi_mode{} : Gsi_mode{true, true};
}

bool enable(uint32_t gsi, Gsi_mode mode)
{
    if (gsi >= pirq::max_gsis)
        return false;
    Lock_guard<Spinlock> g(lock);
    unsigned slot = 0;
    while (slot < nr_vectors && slot_gsi[slot] != no_gsi)
        ++slot;
    if (slot == nr_vectors) {
        log::warn("pirq: no free vector for GSI %u", gsi);
        return false;
    }
    uint8_t vector = static_cast<uint8_t>(pirq_vector_first + slot);
    __atomic_store_n(&slot_gsi[slot], gsi, __ATOMIC_RELEASE);
    // Delivered to the binding CPU: vCPUs do not migrate yet, so it is the
    // one dom0's vCPU runs on.
    bool ok = ioapic::route(gsi, vector, lapic::this_id(), mode.level ? ioapic::Trigger::level : ioapic::Trigger::edge,
                            mode.active_low ? ioapic::Polarity::low : ioapic::Polarity::high);
    if (!ok) {
        __atomic_store_n(&slot_gsi[slot], no_gsi, __ATOMIC_RELEASE);
        return false;
    }
    gsi_vector[gsi] = vector;
    log::debug("pirq: GSI %u -> vector %#x, %s %s", gsi, vector, mode.level ? "level" : "edge",
               mode.active_low ? "low" : "high");
    return true;
}

void disable(uint32_t gsi)
{
    if (gsi >= pirq::max_gsis)
        return;
    (void)ioapic::mask(gsi);
    Lock_guard<Spinlock> g(lock);
    if (uint8_t v = gsi_vector[gsi]) {
        // An interrupt already accepted by the local APIC still finds its
        // GSI, and the core then finds no binding and masks it again.
        __atomic_store_n(&slot_gsi[v - pirq_vector_first], no_gsi, __ATOMIC_RELEASE);
        gsi_vector[gsi] = 0;
    }
}

void mask(uint32_t gsi) { (void)ioapic::mask(gsi); }
void unmask(uint32_t gsi) { (void)ioapic::unmask(gsi); }

} // namespace

bool gsi_is_hypervisors(uint32_t gsi)
{
    if (gsi == 0 || gsi == 2)
        return true;
    const acpi::Madt* m = madt();
    static constexpr uint8_t isa_lines[] = {0, 3, 4};
    for (uint8_t irq : isa_lines) {
        uint32_t g = m ? acpi::isa_route(*m, irq).gsi : irq;
        if (g == gsi)
            return true;
    }
    return false;
}

void pirq_irq_init()
{
    for (auto& s : slot_gsi)
        s = no_gsi;
    bool ok = true;
    for (unsigned v = pirq_vector_first; v <= pirq_vector_last; ++v)
        ok = set_interrupt_handler(static_cast<uint8_t>(v), on_interrupt) && ok;
    if (!ok)
        log::error("pirq: could not register the device interrupt handlers");
    Pirq_hw hw;
    hw.lookup = domain_get_raw;
    hw.release = domain_put;
    hw.gsi_limit = gsi_limit;
    hw.gsi_reserved = gsi_is_hypervisors;
    hw.default_mode = default_mode;
    hw.enable = enable;
    hw.disable = disable;
    hw.mask = mask;
    hw.unmask = unmask;
    pirq::set_hw(hw);
}

} // namespace arch
