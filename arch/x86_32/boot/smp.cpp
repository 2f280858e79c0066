#include "arch/x86_32/boot/smp.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/irq/apic_irq.hpp"
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/cpu/ipi.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/boot/smp_layout.h"
#include "arch/x86_32/include/cpu_kick.hpp"
#include "arch/x86_32/sched/context_switch.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/sched/schedule.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/lib/format.hpp"

extern "C" const uint8_t smp_trampoline_start[];
extern "C" const uint8_t smp_trampoline_end[];
extern "C" void smp_ap_entry();

namespace arch {
namespace {

// The block at the end of the trampoline (smp_trampoline.S).
struct Trampoline_params {
    uint32_t started;   // set by the AP in real mode once its SIPI arrived
    uint32_t cr3;
    uint32_t cr4;
    uint32_t stack;
    uint32_t percpu;
    uint32_t entry;
};
static_assert(sizeof(Trampoline_params) == SMP_TR_PARAMS_SIZE);

constexpr uint32_t cr4_pae = 1u << 5;
constexpr uint32_t cr4_pge = 1u << 7;
constexpr uint64_t us = 1000;
constexpr uint64_t ms = 1000 * us;
// MP specification 1.4, appendix B.4: 10 ms after INIT, 200 us after each
// STARTUP IPI.
constexpr uint64_t init_delay_ns = 10 * ms;
constexpr uint64_t sipi_delay_ns = 200 * us;
// Generous: under emulation an AP's first instructions can take long.
constexpr uint64_t online_timeout_ns = 2000 * ms;
constexpr uint64_t timer_test_delay_ns = 1 * ms;
constexpr uint64_t timer_test_timeout_ns = 500 * ms;
constexpr uint64_t ipi_timeout_ns = 500 * ms;

enum class Ap_state : uint32_t { offline, starting, online, failed };

// What bring-up learnt about one CPU, indexed by Percpu::index. The AP
// fills its own record, then publishes it with a release store of 'state';
// the boot CPU reads it after an acquire load of 'state'.
struct Cpu_record {
    Percpu* cpu;
    Ap_state state;
    bool timer_ok;
    uint64_t timer_latency_ns;
};
Cpu_record records[max_cpus];
unsigned online = 1;   // the boot CPU

void delay(uint64_t ns)
{
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        cpu_relax();
}

// On the calling CPU, interrupts off on entry and on return: arms a
// one-shot timer and waits, interrupts on, for the interrupt to arrive.
bool timer_proof(uint64_t& latency_ns)
{
    unsigned self = this_cpu().index;
    uint32_t before = timer_irq_count(self);
    uint64_t start = now_ns();
    uint64_t deadline = start + timer_test_delay_ns;
    timer_set_oneshot(deadline);
    asm volatile("sti" ::: "memory");
    while (timer_irq_count(self) == before && now_ns() < start + timer_test_timeout_ns)
        cpu_relax();
    asm volatile("cli" ::: "memory");
    timer_cancel();
    if (timer_irq_count(self) == before)
        return false;
    uint64_t at = last_timer_irq_ns(self);
    latency_ns = at > deadline ? at - deadline : 0;
    // An APIC count-down may end a little early (rounding of its rate);
    // a timer far ahead of its deadline is broken.
    return at + 100 * us >= deadline;
}

Trampoline_params& trampoline_params()
{
    uint32_t size = static_cast<uint32_t>(smp_trampoline_end - smp_trampoline_start);
    return *phys_to_virt<Trampoline_params>(SMP_TRAMPOLINE_PHYS + size - sizeof(Trampoline_params));
}

void install_trampoline()
{
    auto* dst = phys_to_virt<uint8_t>(SMP_TRAMPOLINE_PHYS);
    for (const uint8_t* p = smp_trampoline_start; p != smp_trampoline_end; ++p)
        *dst++ = *p;
    Trampoline_params& t = trampoline_params();
    t.cr3 = read_cr3();
    t.cr4 = read_cr4() & (cr4_pae | cr4_pge);
    t.entry = reinterpret_cast<uint32_t>(&smp_ap_entry);
}

Ap_state wait_state(unsigned index, uint64_t limit)
{
    for (;;) {
        // Acquire: pairs with the AP's release store in smp_ap_start().
        Ap_state s = __atomic_load_n(&records[index].state, __ATOMIC_ACQUIRE);
        if (s != Ap_state::starting || now_ns() > limit)
            return s;
        cpu_relax();
    }
}

// INIT-SIPI-SIPI for one AP; true once it reports online.
bool start_ap(unsigned index, uint32_t apic_id)
{
    Percpu* p = cpu_prepare(index, apic_id);
    if (!p)
        return false;
    Trampoline_params& t = trampoline_params();
    volatile uint32_t& started = t.started;
    started = 0;
    t.stack = p->stack_top();
    t.percpu = reinterpret_cast<uint32_t>(p);
    __atomic_store_n(&records[index].state, Ap_state::starting, __ATOMIC_RELAXED);
    // The parameters are ordinary stores to write-back memory; the fence
    // orders them before the IPIs (APIC MMIO is uncached).
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint8_t vector_page = static_cast<uint8_t>(SMP_TRAMPOLINE_PHYS >> 12);
    lapic::send_init(apic_id);
    bool sent = lapic::wait_icr_idle();
    delay(init_delay_ns);
    for (int i = 0; i < 2 && !started; ++i) {
        lapic::send_startup(apic_id, vector_page);
        sent = lapic::wait_icr_idle() && sent;
        delay(sipi_delay_ns);
    }
    Ap_state s = wait_state(index, now_ns() + online_timeout_ns);
    if (s == Ap_state::online)
        return true;
    log::error("SMP: CPU %u (APIC id %u) did not come up: %s%s; left offline", index, apic_id,
               s == Ap_state::failed ? "it failed its own start-up"
               : started             ? "it started but did not finish within 2 s"
                                     : "no response to INIT-SIPI-SIPI",
               sent ? "" : " (IPI delivery timed out)");
    // Back to wait-for-SIPI, so a late start cannot run on the parameters
    // the next CPU is given.
    lapic::send_init(apic_id);
    (void)lapic::wait_icr_idle();
    __atomic_store_n(&records[index].state, Ap_state::failed, __ATOMIC_RELAXED);
    return false;
}

void record_ack(void* arg) { *static_cast<uint32_t*>(arg) = lapic::this_id(); }

// Boot CPU: the AP answers a call-function IPI with its own APIC id.
bool ipi_proof(unsigned index, uint64_t& took_ns)
{
    static uint32_t answer;
    answer = ~0u;
    uint64_t t0 = now_ns();
    bool ok = call_on_cpu(index, record_ack, &answer, ipi_timeout_ns);
    took_ns = now_ns() - t0;
    return ok && __atomic_load_n(&answer, __ATOMIC_RELAXED) == records[index].cpu->apic_id;
}

void log_cpu(unsigned index, bool ipi_ok, uint64_t ipi_ns)
{
    const Cpu_record& r = records[index];
    char ipi[48] = "n/a (boot CPU)";
    if (index != 0) {
        if (ipi_ok)
            fmt::snprint(ipi, sizeof(ipi), "acknowledged in %llu us",
                      static_cast<unsigned long long>(ipi_ns / us));
        else
            fmt::snprint(ipi, sizeof(ipi), "NOT acknowledged");
    }
    log::debug("SMP: CPU %u APIC id %u: online; timer interrupt %s, latency %llu us; call IPI %s",
               index, r.cpu->apic_id, r.timer_ok ? "taken" : "NOT taken",
               static_cast<unsigned long long>(r.timer_latency_ns / us), ipi);
}

// Appends " <id>" to a list kept in 'buf'.
void append_id(char* buf, size_t size, size_t& len, uint32_t id)
{
    if (len < size)
        len += fmt::snprint(buf + len, size - len, " %u", id);
}

struct Start_plan {
    unsigned listed = 1;     // enabled CPUs in the MADT (1 without one)
    unsigned limit = 1;      // CPUs we may run, boot CPU included
    char skipped[128] = {};  // APIC ids left offline by the limit
    size_t skipped_len = 0;
    unsigned skipped_count = 0;
};

// Starts the MADT's enabled CPUs in table order, skipping the boot CPU,
// until 'plan.limit' CPUs run.
void start_all(Start_plan& plan, uint32_t boot_id)
{
    const acpi::Madt& madt = acpi_info().madt;
    plan.listed = 0;
    for (unsigned i = 0; i < madt.cpu_count; ++i) {
        const acpi::Madt_cpu& c = madt.cpus[i];
        if (!c.enabled)
            continue;
        ++plan.listed;
        if (c.apic_id == boot_id)
            continue;
        if (online >= plan.limit) {
            ++plan.skipped_count;
            append_id(plan.skipped, sizeof(plan.skipped), plan.skipped_len, c.apic_id);
            continue;
        }
        if (c.apic_id > 0xFE) {
            // xAPIC destinations are 8 bits and 0xFF is broadcast.
            log::warn("SMP: APIC id %u needs x2APIC mode; CPU left offline", c.apic_id);
            continue;
        }
        if (start_ap(online, c.apic_id))
            ++online;
    }
    if (plan.listed == 0)
        plan.listed = 1;   // an MADT that forgot the boot CPU
}

void report(const Start_plan& plan, unsigned maxcpus)
{
    char ids[4 * max_cpus + 1] = {};
    size_t len = 0;
    for (unsigned i = 0; i < online; ++i) {
        uint64_t ipi_ns = 0;
        bool ipi_ok = i == 0 || ipi_proof(i, ipi_ns);
        if (!ipi_ok)
            log::error("SMP: CPU %u did not acknowledge a call-function IPI", i);
        if (!records[i].timer_ok)
            log::error("SMP: CPU %u did not take its one-shot timer interrupt", i);
        log_cpu(i, ipi_ok, ipi_ns);
        append_id(ids, sizeof(ids), len, records[i].cpu->apic_id);
    }
    log::info("SMP: %u of %u CPUs online (APIC ids%s)", online, plan.listed, ids);
    if (plan.skipped_count && maxcpus && maxcpus <= max_cpus)
        log::info("SMP: %u CPU(s) left offline by maxcpus=%u (APIC ids%s)", plan.skipped_count,
                  maxcpus, plan.skipped);
    else if (plan.skipped_count)
        log::warn("SMP: %u CPU(s) left offline: at most %u CPUs are supported (APIC ids%s)",
                  plan.skipped_count, max_cpus, plan.skipped);
}

} // namespace

unsigned smp_online_count() { return __atomic_load_n(&online, __ATOMIC_ACQUIRE); }

Percpu* smp_cpu(unsigned index)
{
    if (index >= max_cpus || __atomic_load_n(&records[index].state, __ATOMIC_ACQUIRE) != Ap_state::online)
        return nullptr;
    return records[index].cpu;
}

namespace {

// Set by the boot CPU once the scheduler may start on APs; counts the APs
// whose scheduler runs.
bool scheduling;
unsigned scheduling_aps;

// An online AP waits here, halted, for smp_start_scheduling().
[[noreturn]] void park()
{
    Percpu& self = this_cpu();
    for (;;) {
        asm volatile("cli" ::: "memory");
        // Acquire: pairs with the release in smp_start_scheduling().
        if (__atomic_load_n(&scheduling, __ATOMIC_ACQUIRE)) {
            sched::init_cpu(self.index);
            __atomic_fetch_add(&scheduling_aps, 1u, __ATOMIC_RELEASE);
            idle_loop();
        }
        // STI's one-instruction shadow makes "sti; hlt" atomic: the
        // event-check IPI sent after the flag is set still wakes HLT.
        asm volatile("sti; hlt" ::: "memory");
    }
}

} // namespace

void smp_start_scheduling()
{
    sched::init_cpu(this_cpu().index);
    __atomic_store_n(&scheduling, true, __ATOMIC_RELEASE);
    unsigned aps = 0;
    for (unsigned i = 1; i < max_cpus; ++i)
        if (smp_cpu(i)) {
            ++aps;
            kick_events(i);
        }
    uint64_t give_up = now_ns() + 1000000000ull;
    while (__atomic_load_n(&scheduling_aps, __ATOMIC_ACQUIRE) < aps && now_ns() < give_up)
        asm volatile("pause" ::: "memory");
    unsigned joined = __atomic_load_n(&scheduling_aps, __ATOMIC_ACQUIRE);
    if (joined < aps)
        log::warn("SMP: only %u of %u other CPUs started scheduling", joined, aps);
}

void smp_init(unsigned maxcpus)
{
    Percpu& boot = this_cpu();
    records[0].cpu = &boot;
    if (lapic::present())
        boot.apic_id = lapic::this_id();
    records[0].timer_ok = lapic::present() && timer_mode() != Timer_mode::none &&
                          timer_proof(records[0].timer_latency_ns);
    __atomic_store_n(&records[0].state, Ap_state::online, __ATOMIC_RELEASE);
    Start_plan plan;
    plan.limit = maxcpus == 0 || maxcpus > max_cpus ? max_cpus : maxcpus;
    if (!lapic::present() || tsc_hz() == 0)
        log::warn("SMP: no local APIC or no calibrated clock: other CPUs stay offline");
    else if (!acpi_info().have_madt)
        log::warn("SMP: no ACPI MADT: other CPUs stay offline (MP tables not read)");
    else {
        install_trampoline();
        start_all(plan, boot.apic_id);
    }
    report(plan, maxcpus);
}

} // namespace arch

extern "C" void smp_ap_start(arch::Percpu* cpu)
{
    using namespace arch;
    cpu_tables_init(*cpu);
    Cpu_record& r = records[cpu->index];
    r.cpu = cpu;
    if (!lapic::init(0) || lapic::this_id() != cpu->apic_id) {
        __atomic_store_n(&r.state, Ap_state::failed, __ATOMIC_RELEASE);
        for (;;)
            asm volatile("cli; hlt");
    }
    r.timer_ok = timer_mode() != Timer_mode::none && timer_proof(r.timer_latency_ns);
    // Release: the record above and this CPU's table set-up are visible to
    // the boot CPU before it sees the CPU online.
    __atomic_store_n(&r.state, Ap_state::online, __ATOMIC_RELEASE);
    park();
}
