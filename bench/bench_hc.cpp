// PV costs of the hypervisor's entry and exit paths, in TSC cycles per
// operation (smallest over several runs of a loop): a null hypercall, a
// multicall of 32 null entries, a software interrupt from ring 1 that the
// hypervisor reflects to the guest's handler, and a system call from ring 3
// through the CPU's direct gate; and for events: EVTCHNOP_send on an IPI
// port to the entry of the event callback, a set_timer_op deadline to the
// callback, and a block woken by an already expired timer (set_timer_op,
// SCHEDOP_block, upcall, back). bench/run.sh compares them with the native
// floors (bench/native).
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "traps.hpp"

#include "best_of.hpp"

extern "C" {
// The event callback of the event benchmarks: the TSC at entry, then iret
// (events stay masked; the C side clears what is pending).
volatile uint32_t bench_upcall_lo, bench_upcall_hi;
void bench_event_entry();
extern char failsafe_entry[];
uint32_t bench_kernel_esp, bench_ring3_result;
alignas(16) uint8_t bench_kernel_stack[8192];
alignas(16) uint8_t bench_user_stack[8192];
void bench_iret_handler();
void bench_back_handler();
void bench_run_ring3(void (*fn)());
void bench_ring3_entry();
}

asm(R"(
    .text
    .globl bench_iret_handler, bench_back_handler, bench_run_ring3, bench_ring3_entry
    .globl bench_event_entry
bench_event_entry:
    pushl %eax
    pushl %edx
    rdtsc
    movl %eax, bench_upcall_lo
    movl %edx, bench_upcall_hi
    popl %edx
    popl %eax
    iret
bench_iret_handler:
    iret
bench_back_handler:
    movl $0xe021, %ecx
    movl %ecx, %ds
    movl %ecx, %es
    movl bench_kernel_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
bench_run_ring3:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, bench_kernel_esp
    movl 20(%esp), %eax
    pushl $0xe033
    pushl $bench_user_stack + 8192
    pushl $0x202
    pushl $0xe02b
    pushl %eax
    jmp hypercall_page + 23 * 32
)");

namespace {

using bench::best;
using bench::iterations;
using bench::rdtsc;
using bench::rounds;

constexpr uint16_t ring1_cs = 0xe019, ring1_ds = 0xe021;

uint32_t addr(void (*fn)()) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fn)); }

multicall_entry_t batch[32];

uint64_t upcall_tsc() { return (uint64_t{bench_upcall_hi} << 32) | bench_upcall_lo; }

// After an upcall to bench_event_entry: clear the port and the selector
// and pending flags, so the next event raises them 0 -> 1 again.
void clear_events(uint32_t port)
{
    vcpu_info_t* v = vcpu0_info();
    shared_info_t* s = guest_shared_info();
    __atomic_and_fetch(&s->evtchn_pending[port / 32], ~(1u << (port % 32)), __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->evtchn_pending_sel, 0u, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->evtchn_upcall_pending, uint8_t{0}, __ATOMIC_SEQ_CST);
}

// Mean cycles from start to the callback's entry over n events, best of
// 'rounds'; 'event' raises one and returns the TSC it counts from.
template <typename F>
uint32_t best_to_upcall(F event, uint32_t port, unsigned n)
{
    uint64_t best_total = ~0ull;
    for (unsigned r = 0; r < rounds; ++r) {
        uint64_t total = 0;
        for (unsigned i = 0; i < n; ++i) {
            vcpu0_info()->evtchn_upcall_mask = 0;
            uint64_t t0 = event();
            vcpu0_info()->evtchn_upcall_mask = 1;
            total += upcall_tsc() - t0;
            clear_events(port);
        }
        if (total < best_total)
            best_total = total;
    }
    return static_cast<uint32_t>(best_total / n);
}

// 64-by-32 division by shift and subtract (no libgcc in the guest).
uint64_t div64(uint64_t n, uint32_t d)
{
    uint64_t q = 0, r = 0;
    for (int b = 63; b >= 0; --b) {
        r = (r << 1) | ((n >> b) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << b;
        }
    }
    return q;
}

// TSC ticks in 'ns' by the vcpu_time_info scale (ns = ticks, shifted by
// tsc_shift, times mul / 2^32; inverted here).
uint64_t ns_to_tsc(uint64_t ns)
{
    const vcpu_time_info_t& t = vcpu0_info()->time;
    uint64_t scaled = div64(ns << 32, t.tsc_to_system_mul);
    return t.tsc_shift >= 0 ? scaled >> t.tsc_shift : scaled << -t.tsc_shift;
}

// System time now, extrapolated from the last record with the TSC.
uint64_t now_ns(uint64_t tsc)
{
    const vcpu_time_info_t& t = vcpu0_info()->time;
    uint64_t d = tsc - t.tsc_timestamp;
    d = t.tsc_shift >= 0 ? d << t.tsc_shift : d >> -t.tsc_shift;
    // (d * mul) >> 32 in two 32x32 halves.
    uint64_t lo = (d & 0xFFFFFFFFu) * t.tsc_to_system_mul;
    uint64_t hi = (d >> 32) * t.tsc_to_system_mul;
    return t.system_time + hi + (lo >> 32);
}

uint32_t ipi_port, timer_port;

void bench_events()
{
    hc::set_callbacks(ring1_cs, addr(bench_event_entry), ring1_cs, hc::arg(failsafe_entry));
    evtchn_bind_ipi_t ipi = {0, 0};
    evtchn_bind_virq_t virq = {VIRQ_TIMER, 0, 0};
    if (hc::event_channel_op(EVTCHNOP_bind_ipi, &ipi) != 0 ||
        hc::event_channel_op(EVTCHNOP_bind_virq, &virq) != 0) {
        printf("bench: cannot bind the event ports\n");
        printf("bench event_send_to_upcall n/a\nbench timer_to_upcall n/a\nbench block_wake n/a\n");
        return;
    }
    ipi_port = ipi.port;
    timer_port = virq.port;
    printf("bench event_send_to_upcall %u\n", best_to_upcall([] {
        evtchn_send_t send = {ipi_port};
        uint64_t t0 = rdtsc();
        hc::event_channel_op(EVTCHNOP_send, &send);
        return t0;
    }, ipi_port, iterations));
    // The deadline 50 us ahead, as a TSC value; the guest spins unmasked
    // until the callback ran. Counted from the deadline, not the call.
    printf("bench timer_to_upcall %u\n", best_to_upcall([] {
        uint64_t now_tsc = rdtsc();
        uint64_t deadline_tsc = now_tsc + ns_to_tsc(50000);
        bench_upcall_lo = 0;
        bench_upcall_hi = 0;
        hc::set_timer_op(now_ns(now_tsc) + 50000);
        while (bench_upcall_lo == 0 && bench_upcall_hi == 0)
            asm volatile("pause" ::: "memory");
        return deadline_tsc;
    }, timer_port, iterations / 20));
    // A timer already expired (1 ns after boot), then block: the hypervisor
    // halts, the timer interrupt wakes it, the upcall runs, block returns.
    printf("bench block_wake %u\n", best([] {
        hc::set_timer_op(1);
        hc::sched_block();
        vcpu0_info()->evtchn_upcall_mask = 1;
        clear_events(timer_port);
    }, iterations / 20));
}

} // namespace

extern "C" void bench_ring3_loop()
{
    bench_ring3_result = bench::best([] { asm volatile("int $0x80" ::: "memory"); });
    asm volatile("int $0x81");
}

asm(R"(
    .text
bench_ring3_entry:
    movl $0xe033, %eax
    movl %eax, %ds
    movl %eax, %es
    call bench_ring3_loop
)");

void guest_main(start_info_t*)
{
    // A refused operation is printed as n/a and the run goes on.
    if (hc::xen_version(XENVER_version) < 0)
        printf("bench null_hypercall n/a\n");
    else
        printf("bench null_hypercall %u\n", best([] { hc::xen_version(XENVER_version); }));
    for (auto& e : batch)
        e = multicall_entry_t{__HYPERVISOR_xen_version, 0, {XENVER_version, 0, 0, 0, 0, 0}};
    if (hc::multicall(batch, 32) != 0)
        printf("bench multicall32 n/a\nbench multicall1 n/a\n");
    else {
        printf("bench multicall32 %u\n", best([] { hc::multicall(batch, 32); }, iterations / 8));
        printf("bench multicall1 %u\n", best([] { hc::multicall(batch, 1); }));
    }
    // A number no hypervisor implements (arch_2, unused on x86): the
    // trap and return alone, so null - unknown is the xen_version call's
    // own cost and the multicall figures can be split into entry
    // overhead and the calls made.
    if (hc::call(__HYPERVISOR_arch_2) != -38)
        printf("bench unknown_hypercall n/a\n");
    else
        printf("bench unknown_hypercall %u\n", best([] { hc::call(__HYPERVISOR_arch_2); }));

    trap_info_t t[] = {
        {0x40, 1, ring1_cs, addr(bench_iret_handler)},
        {0x80, 3, ring1_cs, addr(bench_iret_handler)},
        {0x81, 3, ring1_cs, addr(bench_back_handler)},
        {0, 0, 0, 0},
    };
    if (hc::set_trap_table(t) != 0 ||
        hc::stack_switch(ring1_ds, addr(reinterpret_cast<void (*)()>(
                                       bench_kernel_stack + sizeof bench_kernel_stack))) != 0) {
        printf("bench reflected_int_ring1 n/a\nbench direct_syscall_ring3 n/a\n");
    } else {
        printf("bench reflected_int_ring1 %u\n", best([] {
                   asm volatile("int $0x40" ::: "memory");
               }));
        bench_run_ring3(bench_ring3_entry);
        printf("bench direct_syscall_ring3 %u\n", bench_ring3_result);
    }
    bench_events();
    printf("bench done\n");
    hc::sched_shutdown(SHUTDOWN_poweroff);
}
