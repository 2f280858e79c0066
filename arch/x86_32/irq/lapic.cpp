#include "arch/x86_32/irq/lapic.hpp"

#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/mm/ioremap.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"
#include "hypervisor/console/console.hpp"

namespace arch::lapic {
namespace {

volatile uint8_t* regs;

// IA32_APIC_BASE bits: 11 global enable, 10 x2APIC mode.
constexpr uint64_t base_enable = 1u << 11;
constexpr uint64_t base_x2apic = 1u << 10;
constexpr uint32_t svr_enable = 1u << 8;

// ICR fields, Intel SDM vol. 3A §11.6.1.
constexpr uint32_t icr_fixed = 0u << 8;
constexpr uint32_t icr_init = 5u << 8;
constexpr uint32_t icr_nmi = 4u << 8;
constexpr uint32_t icr_startup = 6u << 8;
constexpr uint32_t icr_pending = 1u << 12;
constexpr uint32_t icr_assert = 1u << 14;
constexpr uint32_t icr_level = 1u << 15;
constexpr uint32_t icr_all_but_self = 3u << 18;

void send(uint32_t apic_id, uint32_t low)
{
    (void)wait_icr_idle();
    write(icr_high, apic_id << 24);
    write(icr_low, low);
}

} // namespace

bool present() { return regs != nullptr; }

uint32_t read(Reg r) { return *reinterpret_cast<volatile uint32_t*>(regs + r); }

void write(Reg r, uint32_t v) { *reinterpret_cast<volatile uint32_t*>(regs + r) = v; }

bool init(uint64_t phys)
{
    if (!(cpuid(1).edx & cpuid1_edx_apic) || !(cpuid(1).edx & cpuid1_edx_msr))
        return false;
    uint64_t base = rdmsr(msr_apic_base);
    if (base & base_x2apic) {
        // xAPIC MMIO is dead in x2APIC mode, and leaving it needs a full
        // APIC disable; firmware handing over in x2APIC mode is not handled.
        log::error("APIC: firmware left the local APIC in x2APIC mode; not supported yet");
        return false;
    }
    if (!phys)
        phys = base & 0xFFFFFF000ull;
    if (!regs) {
        regs = static_cast<volatile uint8_t*>(ioremap(phys, 4096));
        if (!regs)
            return false;
    }
    if (!(base & base_enable))
        wrmsr(msr_apic_base, base | base_enable);
    constexpr Reg lvts[] = {lvt_timer, lvt_thermal, lvt_perf, lvt_lint0, lvt_lint1};
    for (Reg r : lvts)
        write(r, lvt_masked);
    write(lvt_error, vector::lapic_error);
    write(tpr, 0);
    write(svr, svr_enable | vector::lapic_spurious);
    // ESR reads are only valid after a write (SDM vol. 3A §11.5.3).
    write(esr, 0);
    write(esr, 0);
    return true;
}

uint32_t this_id() { return read(id) >> 24; }

void eoi() { write(eoi_reg, 0); }

bool irr_pending(uint8_t vector)
{
    // IRR is 8 registers of 32 bits, 16 bytes apart.
    uint32_t word = read(static_cast<Reg>(irr + (vector / 32u) * 0x10u));
    return (word >> (vector % 32u)) & 1;
}

bool any_irr()
{
    // Vectors 0-31 are exceptions, never requested: IRR words 1 to 7.
    if (regs == nullptr)
        return false;
    uint32_t any = 0;
    for (uint32_t i = 1; i < 8; ++i)
        any |= *reinterpret_cast<volatile uint32_t*>(regs + irr + i * 0x10);
    return any != 0;
}

bool wait_icr_idle()
{
    for (int i = 0; i < 100000; ++i) {
        if (!(read(icr_low) & icr_pending))
            return true;
        cpu_relax();
    }
    return false;
}

void send_ipi(uint32_t apic_id, uint8_t vector) { send(apic_id, icr_fixed | icr_assert | vector); }

void send_init(uint32_t apic_id) { send(apic_id, icr_init | icr_assert | icr_level); }

void send_nmi_all_but_self()
{
    (void)wait_icr_idle();
    write(icr_high, 0);
    write(icr_low, icr_nmi | icr_assert | icr_all_but_self);
}

void send_startup(uint32_t apic_id, uint8_t page) { send(apic_id, icr_startup | icr_assert | page); }

} // namespace arch::lapic
