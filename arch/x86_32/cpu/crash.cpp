#include "arch/x86_32/cpu/crash.hpp"

#include "arch/x86_32/cpu/fault_report.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

constexpr unsigned no_owner = ~0u;
constexpr uint8_t vector_nmi = 2;
constexpr uint64_t park_wait_ns = 200000000;   // 200 ms

unsigned owner = no_owner;
unsigned parked;

[[noreturn]] void park()
{
    // Release: whatever this CPU wrote is visible to the owner once it
    // counts us parked.
    __atomic_fetch_add(&parked, 1, __ATOMIC_RELEASE);
    // Inside the NMI handler NMIs stay blocked (no IRET), so only a reset
    // wakes this CPU.
    for (;;)
        asm volatile("cli; hlt");
}

void on_nmi(Exception_frame& f)
{
    unsigned o = __atomic_load_n(&owner, __ATOMIC_ACQUIRE);
    if (o == this_cpu().index)
        return;   // a stray NMI on the reporting CPU: keep reporting
    if (o != no_owner)
        park();
    // No crash under way: an NMI from the platform (watchdog, parity
    // error) is as fatal as before SMP.
    fatal_exception(this_cpu(), f, 0);
}

void stop_others()
{
    unsigned others = smp_online_count() - 1;
    if (others == 0 || !lapic::present())
        return;
    lapic::send_nmi_all_but_self();
    bool clock = tsc_hz() != 0;
    uint64_t limit = clock ? now_ns() + park_wait_ns : 0;
    for (uint32_t spins = 0; __atomic_load_n(&parked, __ATOMIC_ACQUIRE) < others; ++spins) {
        if (clock ? now_ns() > limit : spins > 100000000u)
            return;   // report anyway; a stuck CPU must not hide it
        asm volatile("pause");
    }
}

} // namespace

void crash_init()
{
    if (!set_interrupt_handler(vector_nmi, on_nmi))
        log::error("crash: could not register the NMI handler");
}

void crash_print_stopped()
{
    unsigned others = smp_online_count() - 1;
    if (others)
        console::printf("*** Other CPUs stopped: %u of %u.\n",
                        __atomic_load_n(&parked, __ATOMIC_ACQUIRE), others);
}

void crash_claim(unsigned self)
{
    asm volatile("cli");
    unsigned expected = no_owner;
    // Acquire/release: the winner's later writes are ordered after its
    // claim, and a loser sees the owner that beat it.
    if (__atomic_compare_exchange_n(&owner, &expected, self, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        stop_others();
        return;
    }
    if (expected == self)
        return;
    park();
}

} // namespace arch
