#include "arch/x86_32/boot/cpu_selftest.hpp"

#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/descriptors.hpp"
#include "arch/x86_32/include/guest_copy.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/cpu/ipi.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/boot/smp.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/lib/panic.hpp"

namespace arch {
namespace {

// Guest-range addresses the idle page tables leave unmapped: L3 slot 1
// (0x40000000-0x7FFFFFFF) is never present in the hypervisor's own tables.
constexpr uint32_t unmapped_guest_va = 0x40000000;
constexpr uint8_t test_vector = 0xF0;
constexpr uint8_t unregistered_vector = 0xF1;

struct Check {
    bool all_ok = true;
    void operator()(bool ok, const char* what)
    {
        if (ok)
            log::debug("cpu self-test: %s: ok", what);
        else
            log::error("cpu self-test: %s: FAILED", what);
        all_ok = all_ok && ok;
    }
};

bool untouched(const uint8_t* b, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (b[i] != 0xA5)
            return false;
    return true;
}

void check_copies(Check& check)
{
    uint8_t buf[16];
    for (auto& b : buf)
        b = 0xA5;
    bool unmapped = !(boot_l3[unmapped_guest_va >> 30] & PTE_P);
    check(unmapped && copy_from_guest_raw(buf, unmapped_guest_va, 16) == 16 && untouched(buf, 16),
          "copy from an unmapped guest address faults and reports 16 bytes not copied");
    check(unmapped && copy_to_guest_raw(unmapped_guest_va + 8, buf, 16) == 16,
          "copy to an unmapped guest address reports 16 bytes not copied");
    // Mapped hypervisor memory: only the range check keeps these out.
    check(copy_from_guest_raw(buf, HV_DIRECTMAP_START + HV_IMAGE_PHYS, 16) == 16 &&
              untouched(buf, 16),
          "copy from a hypervisor address is refused");
    check(copy_to_guest_raw(reinterpret_cast<uint32_t>(&buf[0]), "overwrite", 9) == 9 &&
              untouched(buf, 16),
          "copy to a hypervisor address is refused");
    check(copy_from_guest_raw(buf, HV_VIRT_START - 8, 16) == 16 && untouched(buf, 16),
          "copy straddling HYPERVISOR_VIRT_START is refused");
    check(copy_from_guest_raw(buf, 0xFFFFFFF8u, 16) == 16, "wrapping copy is refused");
    // While the boot identity map of 0-4 MiB exists, a copy running off its
    // end stops exactly at the boundary.
    if ((boot_l2_low[1] & PTE_P) && !(boot_l2_low[2] & PTE_P)) {
        const uint8_t* src = phys_to_virt<const uint8_t>(0x3FFFF8);
        bool same = copy_from_guest_raw(buf, 0x3FFFF8, 16) == 8;
        for (int i = 0; i < 8; ++i)
            same = same && buf[i] == src[i];
        check(same && untouched(buf + 8, 8), "copy across the end of a mapping copies the mapped part");
    }
}

struct Vector_probe {
    uint32_t calls, esp, vector, cs;
} probe;

void probe_handler(Exception_frame& f)
{
    probe = {probe.calls + 1, f.esp, f.entry_vector, f.cs};
    f.eax ^= 0xFFFF0000u;
}

// A same-ring interrupt through the generic path: the frame must report the
// interrupted esp, and a register changed in the frame must come back.
void check_generic_vector(Check& check)
{
    if (!set_interrupt_handler(test_vector, probe_handler)) {
        check(false, "register a handler");
        return;
    }
    uint32_t eax, esp_before, esp_after;
    asm volatile("movl %%esp, %1\n\t"
                 "int %4\n\t"
                 "movl %%esp, %2"
                 : "=a"(eax), "=&r"(esp_before), "=&r"(esp_after)
                 : "a"(0x1234u), "i"(test_vector)
                 : "memory");
    (void)set_interrupt_handler(test_vector, nullptr);
    check(probe.calls == 1 && probe.vector == test_vector && probe.cs == HV_CS,
          "int $0xf0 reaches its registered handler");
    check(probe.esp == esp_before && esp_after == esp_before,
          "ring-0 frame records and restores the interrupted esp");
    check(eax == (0x1234u ^ 0xFFFF0000u), "register changes in the frame survive the return");
}

// An unregistered vector is counted, not fatal. Its one-time warning is
// kept off the console: it is expected here.
void check_spurious_vector(Check& check)
{
    uint32_t before = spurious_count(unregistered_vector);
    Log_level saved = console::level();
    console::set_level(Log_level::none);
    asm volatile("int %0; int %0" ::"i"(unregistered_vector) : "memory");
    console::set_level(saved);
    check(interrupt_handler(unregistered_vector) == nullptr &&
              spurious_count(unregistered_vector) == before + 2,
          "an unregistered vector is counted and survived");
}

void check_tables(Check& check)
{
    Table_register gdtr{}, idtr{};
    uint16_t tr = 0;
    asm volatile("sgdt %0; sidt %1; str %2" : "=m"(gdtr), "=m"(idtr), "=r"(tr));
    check(gdtr.base == this_cpu().gdt_window && gdtr.limit == gdt_limit,
          "GDTR covers the CPU's 15-page GDT window");
    check(tr == TSS_SEL && idtr.limit == 256 * 8 - 1, "TR and IDTR loaded");
    uint16_t cs;
    asm volatile("movw %%cs, %0" : "=r"(cs));
    check(cs == HV_CS, "running on the hypervisor code selector");
}

[[gnu::noinline]] uint32_t overflow_stack(uint32_t depth)
{
    volatile uint8_t pad[256];
    pad[0] = static_cast<uint8_t>(depth);
    if (depth == 0xFFFFFFFFu)
        return 0;
    return overflow_stack(depth + 1) + pad[0];
}

void raise_gp(void*) { asm volatile("movl %0, %%ds" ::"r"(0xFFF8u) : "memory"); }

// The boot CPU waits in call_on_cpu() with interrupts off, so only the
// crash NMI can stop it.
void raise_on_last_ap()
{
    unsigned last = smp_online_count() - 1;
    if (last == 0) {
        log::error("hv_fault_test=ap_gp: needs a second CPU online");
        return;
    }
    (void)call_on_cpu(last, raise_gp, nullptr, 2000000000ull);
}

} // namespace

bool cpu_self_test()
{
    Check check;
    check_tables(check);
    check_copies(check);
    check_generic_vector(check);
    check_spurious_vector(check);
    return check.all_ok;
}

void run_fault_test(Fault_test test)
{
    if (test == Fault_test::none)
        return;
    log::info("hv_fault_test=%s: raising it now", fault_test_name(test));
    volatile uint32_t zero = 0;
    switch (test) {
    case Fault_test::none:
        return;
    case Fault_test::de: {
        uint32_t q, r;
        asm volatile("divl %2" : "=a"(q), "=d"(r) : "r"(zero), "a"(1u), "d"(0u));
        break;
    }
    case Fault_test::ud:
        asm volatile("ud2");
        break;
    case Fault_test::gp:
        // A selector past the GDT limit: #GP with the selector as error code.
        asm volatile("movl %0, %%ds" ::"r"(0xFFF8u) : "memory");
        break;
    case Fault_test::pf:
        (void)*reinterpret_cast<volatile uint32_t*>(0xDEADB000u + zero);
        break;
    case Fault_test::df:
        (void)overflow_stack(zero);
        break;
    case Fault_test::panic:
        panic("hv_fault_test=panic (value %u)", zero + 42);
    case Fault_test::ap_gp:
        raise_on_last_ap();
        break;
    }
    log::error("hv_fault_test=%s: the exception did not stop the hypervisor", fault_test_name(test));
}

} // namespace arch
