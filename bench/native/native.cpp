// Native floors for the PV benchmarks (see entry.S). Each figure is the
// smallest per-operation cost over several runs of a loop, in TSC cycles.
#include <cstdint>

#include "../best_of.hpp"

extern "C" {
void isr_return();
void isr_back_to_ring0();
void run_ring3(void (*fn)());
void native_main();
uint32_t ring3_result;
}

namespace {

using bench::best;

inline void outb(uint16_t p, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(p)); }
inline uint8_t inb(uint16_t p)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(p));
    return v;
}

void putc(char c)
{
    while (!(inb(0x3FD) & 0x20)) {
    }
    outb(0x3F8, static_cast<uint8_t>(c));
}
void puts(const char* s)
{
    while (*s)
        putc(*s++);
}
void putu(uint32_t v)
{
    char b[12];
    int n = 0;
    do {
        b[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc(b[--n]);
}
void report(const char* name, uint32_t cycles)
{
    puts("native ");
    puts(name);
    putc(' ');
    putu(cycles);
    puts("\n");
}

struct [[gnu::packed]] Table_register {
    uint16_t limit;
    uint32_t base;
};
struct Tss {
    uint32_t link, esp0, ss0, rest[23];
};

alignas(8) uint64_t gdt[6];
alignas(8) uint64_t idt[256];
Tss tss;
alignas(32) uint64_t l3[4];
alignas(4096) uint64_t l2[4][512];
alignas(4096) uint64_t l1[512];
alignas(4096) uint8_t copy_src[4096], copy_dst[4096];
// The fork-like cycle's address space: its own L3, a copy of the top
// GiB's L2 (what a PAE kernel's pgd_alloc copies), an L2 for 0x40000000
// and the L1 of its first 2 MiB.
alignas(32) uint64_t fork_l3[4];
alignas(4096) uint64_t fork_top_l2[512], fork_low_l2[512], fork_l1[512];

constexpr uint64_t seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (limit & 0xFFFFull) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
           (uint64_t{(limit >> 16) & 0xF} << 48) | (uint64_t{flags} << 52) |
           (uint64_t{base >> 24} << 56);
}
uint64_t gate(void (*fn)(), uint8_t type_dpl)
{
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fn));
    return (off & 0xFFFFull) | (uint64_t{0x08} << 16) | (uint64_t{type_dpl} << 40) |
           (uint64_t{off >> 16} << 48);
}

void setup_cpu()
{
    outb(0x3FB, 0x80); outb(0x3F8, 1); outb(0x3F9, 0); outb(0x3FB, 3);
    gdt[1] = seg(0, 0xFFFFF, 0x9A, 0xC);
    gdt[2] = seg(0, 0xFFFFF, 0x92, 0xC);
    gdt[3] = seg(0, 0xFFFFF, 0xFA, 0xC);
    gdt[4] = seg(0, 0xFFFFF, 0xF2, 0xC);
    tss.ss0 = 0x10;
    tss.esp0 = 0x80000;
    gdt[5] = seg(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&tss)), sizeof tss - 1, 0x89, 0);
    Table_register g{sizeof gdt - 1, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(gdt))};
    asm volatile("lgdt %0; ljmp $0x08, $1f; 1: movw $0x10, %%ax; movw %%ax, %%ds; movw %%ax, %%es;"
                 "movw %%ax, %%ss; movw $0x28, %%ax; ltr %%ax" ::"m"(g) : "eax", "memory");
    idt[0x40] = gate(isr_return, 0x8E);
    idt[0x80] = gate(isr_return, 0xEF);          // trap gate, DPL 3
    idt[0x81] = gate(isr_back_to_ring0, 0xEE);   // interrupt gate, DPL 3
    Table_register i{sizeof idt - 1, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(idt))};
    asm volatile("lidt %0" ::"m"(i));
}

void setup_paging()
{
    // Identity map of 4 GiB with 2 MiB pages, except 0-2 MiB in 4 KiB pages.
    for (uint32_t s = 0; s < 4; ++s) {
        l3[s] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(l2[s])) | 1;
        for (uint32_t e = 0; e < 512; ++e)
            l2[s][e] = ((uint64_t{s} << 30) | (uint64_t{e} << 21)) | 0x87;
    }
    for (uint32_t e = 0; e < 512; ++e)
        l1[e] = (uint64_t{e} << 12) | 0x7;
    l2[0][0] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(l1)) | 0x7;
    asm volatile("movl %%cr4, %%eax; orl $0x20, %%eax; movl %%eax, %%cr4;"
                 "movl %0, %%cr3; movl %%cr0, %%eax; orl $0x80000000, %%eax; movl %%eax, %%cr0"
                 ::"r"(l3) : "eax", "memory");
}

extern "C" void ring3_int80_loop()
{
    ring3_result = best([] { asm volatile("int $0x80" ::: "memory"); });
    asm volatile("int $0x81");
}

void ring3_entry()
{
    asm volatile("movw $0x23, %%ax; movw %%ax, %%ds; movw %%ax, %%es" ::: "eax");
    ring3_int80_loop();
}

// bench_mm's "fork-like address space cycle" natively: the L1 zeroed and
// 64 read-only entries written (distinct frames from 16 MiB up), the top
// L2 copied, the space entered (CR3), 64 pages read, left, the 64 entries
// cleared (the teardown a native kernel does).
void fork_like()
{
    __builtin_memset(fork_l1, 0, sizeof fork_l1);
    for (uint32_t p = 0; p < 64; ++p)
        fork_l1[p] = (uint64_t{0x1000000u + p * 4096u}) | 0x25; // P, US, A: read-only
    for (uint32_t e = 0; e < 512; ++e)
        fork_top_l2[e] = l2[3][e];
    fork_low_l2[0] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fork_l1)) | 0x7;
    fork_l3[0] = l3[0];
    fork_l3[1] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fork_low_l2)) | 1;
    fork_l3[2] = l3[2];
    fork_l3[3] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fork_top_l2)) | 1;
    asm volatile("movl %0, %%cr3" ::"r"(fork_l3) : "memory");
    uint32_t sum = 0;
    for (uint32_t p = 0; p < 64; ++p)
        sum += *reinterpret_cast<volatile uint32_t*>(0x40000000u + p * 4096u);
    asm volatile("movl %0, %%cr3" ::"r"(l3) : "memory");
    for (uint32_t p = 0; p < 64; ++p)
        fork_l1[p] = 0;
    asm volatile("" ::"r"(sum));
}

} // namespace

extern "C" void native_main()
{
    setup_cpu();
    report("int_iret_ring0", best([] { asm volatile("int $0x40" ::: "memory"); }));
    run_ring3(ring3_entry);
    report("int_iret_ring3", ring3_result);
    setup_paging();
    volatile uint64_t* pte = &l1[100];
    report("invlpg", best([] { asm volatile("invlpg 0x64000" ::: "memory"); }));
    report("cr3_reload", best([] {
        uint32_t v;
        asm volatile("movl %%cr3, %0; movl %0, %%cr3" : "=r"(v)::"memory");
    }));
    report("pte_write", best([pte] { *pte = (100u << 12) | 0x7; }));
    report("fork_like", best([] { fork_like(); }));
    report("copy_4k", best([] {
        uint32_t n = 4096;
        void* d = copy_dst;
        const void* s = copy_src;
        asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n)::"memory");
    }));
    puts("native done\n");
    outb(0xF4, 0); // isa-debug-exit: QEMU leaves
}
