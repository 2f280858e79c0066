// PV costs of the hypervisor's entry and exit paths, in TSC cycles per
// operation (smallest over several runs of a loop): a null hypercall, a
// multicall of 32 null entries, a software interrupt from ring 1 that the
// hypervisor reflects to the guest's handler, and a system call from ring 3
// through the CPU's direct gate. bench/run.sh compares them with the
// native floors (bench/native).
#include "console.hpp"
#include "hypercall.hpp"
#include "traps.hpp"

extern "C" {
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

constexpr unsigned iterations = 2000, rounds = 5;
constexpr uint16_t ring1_cs = 0xe019, ring1_ds = 0xe021;

inline uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t{hi} << 32) | lo;
}

template <typename F>
uint32_t best(F body, unsigned n = iterations)
{
    uint64_t best_total = ~0ull;
    for (unsigned r = 0; r < rounds; ++r) {
        uint64_t t0 = rdtsc();
        for (unsigned i = 0; i < n; ++i)
            body();
        uint64_t t = rdtsc() - t0;
        if (t < best_total)
            best_total = t;
    }
    return static_cast<uint32_t>(best_total / n);
}

uint32_t addr(void (*fn)()) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fn)); }

multicall_entry_t batch[32];

} // namespace

extern "C" void bench_ring3_loop()
{
    uint64_t best_total = ~0ull;
    for (unsigned r = 0; r < rounds; ++r) {
        uint64_t t0 = rdtsc();
        for (unsigned i = 0; i < iterations; ++i)
            asm volatile("int $0x80" ::: "memory");
        uint64_t t = rdtsc() - t0;
        if (t < best_total)
            best_total = t;
    }
    bench_ring3_result = static_cast<uint32_t>(best_total / iterations);
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
    printf("bench null_hypercall %u\n",
           best([] { hc::xen_version(XENVER_version); }));
    for (auto& e : batch)
        e = multicall_entry_t{__HYPERVISOR_xen_version, 0, {XENVER_version, 0, 0, 0, 0, 0}};
    printf("bench multicall32 %u\n", best([] { hc::multicall(batch, 32); }, iterations / 8));

    trap_info_t t[] = {
        {0x40, 1, ring1_cs, addr(bench_iret_handler)},
        {0x80, 3, ring1_cs, addr(bench_iret_handler)},
        {0x81, 3, ring1_cs, addr(bench_back_handler)},
        {0, 0, 0, 0},
    };
    hc::set_trap_table(t);
    hc::stack_switch(ring1_ds, addr(reinterpret_cast<void (*)()>(bench_kernel_stack + sizeof bench_kernel_stack)));
    printf("bench reflected_int_ring1 %u\n", best([] { asm volatile("int $0x40" ::: "memory"); }));
    bench_run_ring3(bench_ring3_entry);
    printf("bench direct_syscall_ring3 %u\n", bench_ring3_result);
    printf("bench done\n");
    hc::sched_shutdown(SHUTDOWN_poweroff);
}
