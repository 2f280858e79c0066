#include "arch/x86_32/cpu/cpu_tables.hpp"

#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/fpu.hpp"

#include "arch/x86_32/cpu/cpu_area.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"

// Lives in the direct map; cpu_areas_map() remaps the 2 MiB slots it
// touches with 4 KiB pages so every area's guard page can be left out.
arch::Cpu_area xenith_cpu_areas[arch::max_cpus];

extern "C" [[noreturn]] void double_fault_task(arch::Percpu* cpu);

namespace arch {
namespace {

constexpr uint32_t large_page = 0x200000;
constexpr uint32_t pool_bytes = sizeof(Cpu_area) * max_cpus;
// An unaligned pool straddles one more 2 MiB slot than its size needs.
constexpr uint32_t pool_l1_count = (pool_bytes + large_page - 1) / large_page + 1;

// Each CPU's GDT window: 15 pages plus one unmapped page as a gap. All 64
// windows fill the 4 MiB per-domain area; LDT shadows will need room of
// their own.
constexpr uint32_t window_stride = 16 * page;
constexpr uint32_t perdomain_l1_count = (HV_PERDOMAIN_END - HV_PERDOMAIN_START) / large_page;
static_assert(window_stride * max_cpus <= HV_PERDOMAIN_END - HV_PERDOMAIN_START);

alignas(4096) pte_t pool_l1[pool_l1_count][512];
alignas(4096) pte_t perdomain_l1[perdomain_l1_count][512];
// Backs the guest part of every GDT window until a guest's frames are
// mapped there: all entries not present.
alignas(4096) Descriptor zero_gdt_frame[gdt_entries_per_page];

void flush_tlb_global()
{
    uint32_t cr4 = read_cr4();
    if (cr4 & 0x80) {
        asm volatile("movl %0, %%cr4; movl %1, %%cr4" ::"r"(cr4 & ~0x80u), "r"(cr4) : "memory");
    } else {
        asm volatile("movl %%cr3, %%eax; movl %%eax, %%cr3" ::: "eax", "memory");
    }
}

bool is_guard_page(uint32_t va)
{
    uint32_t base = reinterpret_cast<uint32_t>(xenith_cpu_areas);
    return va >= base && va - base < pool_bytes &&
           (va - base) % CPU_AREA_SIZE == offsetof(Cpu_area, guard);
}

// Runs once on the boot CPU before any other CPU or guest exists, so the
// direct-map L2 slots are still "written at boot" (boot/layout.h): each
// slot the pool touches keeps its translation, page by page, minus guards.
void cpu_areas_map()
{
    uint32_t first = reinterpret_cast<uint32_t>(xenith_cpu_areas) & ~(large_page - 1);
    uint32_t end = reinterpret_cast<uint32_t>(xenith_cpu_areas) + pool_bytes;
    for (uint32_t t = 0; t < pool_l1_count && first + t * large_page < end; ++t) {
        uint32_t slot_va = first + t * large_page;
        for (uint32_t i = 0; i < 512; ++i) {
            uint32_t va = slot_va + i * page;
            pool_l1[t][i] = is_guard_page(va) ? 0
                            : virt_to_phys(reinterpret_cast<void*>(va)) | PTE_P | PTE_RW | PTE_G;
        }
        boot_l2_high[l2_slot(slot_va)] = virt_to_phys(pool_l1[t]) | PTE_P | PTE_RW;
    }
    for (uint32_t t = 0; t < perdomain_l1_count; ++t)
        boot_l2_high[l2_slot(HV_PERDOMAIN_START) + t] = virt_to_phys(perdomain_l1[t]) | PTE_P | PTE_RW;
    flush_tlb_global();
}

pte_t& window_pte(uint32_t va)
{
    uint32_t n = (va - HV_PERDOMAIN_START) / page;
    return perdomain_l1[n / 512][n % 512];
}

void set_window_page(uint32_t va, pte_t pte)
{
    window_pte(va) = pte;
    invlpg(reinterpret_cast<void*>(va));
}

void fill_reserved_gdt(Cpu_area& a)
{
    for (auto& d : a.gdt)
        d = 0;
    auto tss_desc = [](const Tss& t) {
        return segment(reinterpret_cast<uint32_t>(&t), sizeof(Tss) - 1, tss_available, 0);
    };
    a.gdt[reserved_slot(DOUBLEFAULT_TSS_SEL)] = tss_desc(a.df_tss);
    a.gdt[reserved_slot(HV_CS)] = segment(0, flat_limit_pages, code_ring0, flags_4k_32bit);
    a.gdt[reserved_slot(HV_DS)] = segment(0, flat_limit_pages, data_ring0, flags_4k_32bit);
    a.gdt[reserved_slot(FLAT_RING1_CS)] = segment(0, guest_limit_pages, code_ring1, flags_4k_32bit);
    a.gdt[reserved_slot(FLAT_RING1_DS)] = segment(0, guest_limit_pages, data_ring1, flags_4k_32bit);
    a.gdt[reserved_slot(FLAT_RING3_CS)] = segment(0, guest_limit_pages, code_ring3, flags_4k_32bit);
    a.gdt[reserved_slot(FLAT_RING3_DS)] = segment(0, guest_limit_pages, data_ring3, flags_4k_32bit);
    a.gdt[reserved_slot(TSS_SEL)] = tss_desc(a.tss);
}

void fill_tss(Cpu_area& a)
{
    a.tss = Tss{};
    a.tss.ss0 = HV_DS;
    // A ring 1/3 entry pushes ss, esp, eflags, cs, eip below esp0; with
    // esp0 at the frame's 'es' they land in Stack_top::guest_frame.
    a.tss.esp0 = reinterpret_cast<uint32_t>(&a.top.guest_frame.es);
    // An I/O bitmap offset past the TSS limit denies every port to rings
    // above IOPL.
    a.tss.iomap_base = sizeof(Tss);
}

// The double-fault task starts double_fault_task(cpu) on its own stack, in
// the hypervisor's address space, with interrupts off.
void fill_df_tss(Cpu_area& a)
{
    Tss& t = a.df_tss;
    t = Tss{};
    // The switch pushes the #DF error code onto this stack, where
    // double_fault_task sees it as its (never used) return address, with
    // its argument just above.
    auto* sp = reinterpret_cast<uint32_t*>(a.df_stack_top()) - 1;
    sp[0] = reinterpret_cast<uint32_t>(&a.percpu);
    t.cr3 = read_cr3();
    t.eip = reinterpret_cast<uint32_t>(&double_fault_task);
    t.eflags = 0x2;
    t.esp = reinterpret_cast<uint32_t>(sp);
    t.cs = HV_CS;
    t.ss = t.ds = t.es = HV_DS;
    t.ss0 = HV_DS;
    t.esp0 = t.esp;
    t.iomap_base = sizeof(Tss);
}

void map_gdt_window(Percpu& p)
{
    pte_t zero = virt_to_phys(zero_gdt_frame) | PTE_P;
    for (unsigned i = 0; i < first_reserved_gdt_page; ++i)
        set_window_page(p.gdt_window + i * page, zero);
    p.gdt_guest_pages = 0;
    // Writable: the CPU sets the TSS busy bit through this mapping on LTR.
    set_window_page(p.gdt_window + first_reserved_gdt_page * page,
                    virt_to_phys(p.area->gdt) | PTE_P | PTE_RW);
}

} // namespace

uint32_t Percpu::stack_bottom() const { return reinterpret_cast<uint32_t>(area->stack); }
uint32_t Percpu::stack_top() const { return reinterpret_cast<uint32_t>(&area->top); }

uint32_t read_cr0()
{
    uint32_t v;
    asm volatile("movl %%cr0, %0" : "=r"(v));
    return v;
}
uint32_t read_cr2()
{
    uint32_t v;
    asm volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}
uint32_t read_cr3()
{
    uint32_t v;
    asm volatile("movl %%cr3, %0" : "=r"(v));
    return v;
}
uint32_t read_cr4()
{
    uint32_t v;
    asm volatile("movl %%cr4, %0" : "=r"(v));
    return v;
}

Percpu* cpu_prepare(unsigned index, uint32_t apic_id)
{
    if (index >= max_cpus)
        return nullptr;
    Cpu_area& a = xenith_cpu_areas[index];
    Percpu& p = a.percpu;
    p = Percpu{};
    p.index = index;
    p.apic_id = apic_id;
    p.area = &a;
    p.gdt_window = HV_PERDOMAIN_START + index * window_stride;
    a.top.cpu = &p;
    fill_reserved_gdt(a);
    fill_tss(a);
    fill_df_tss(a);
    map_gdt_window(p);
    return &p;
}

namespace {

// Xen's fixed PAT (XEN_MSR_PAT): WB, WT, UC-, UC, WC, WP, UC, UC. PV guests
// cannot write the MSR; they read it and pick their cache types from it.
constexpr uint64_t xen_pat = 0x0000050100070406ull;
bool nx_on;

// Per-CPU control state guests depend on: the PAT they read, NX for their
// PTEs, the FPU's enabling bits.
void cpu_control_init(unsigned index)
{
    if (cpuid(1).edx & cpuid1_edx_pat)
        wrmsr(msr_pat, xen_pat);
    bool nx = cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & ext1_edx_nx);
    if (nx)
        wrmsr(msr_efer, rdmsr(msr_efer) | efer_nxe);
    if (index == 0)
        nx_on = nx;
    fpu_init_cpu(index);
}

} // namespace

bool nx_enabled() { return nx_on; }

void cpu_tables_init(Percpu& p)
{
    Table_register gdtr{static_cast<uint16_t>(gdt_limit), p.gdt_window};
    asm volatile("lgdt %0\n\t"
                 "ljmp %1, $1f\n"
                 "1:\n\t"
                 "movl %2, %%eax\n\t"
                 "movl %%eax, %%ds\n\t"
                 "movl %%eax, %%es\n\t"
                 "movl %%eax, %%ss\n\t"
                 "xorl %%eax, %%eax\n\t"
                 "movl %%eax, %%fs\n\t"
                 "movl %%eax, %%gs\n\t"
                 "lldt %%ax"
                 :
                 : "m"(gdtr), "i"(HV_CS), "i"(HV_DS)
                 : "eax", "memory");
    asm volatile("ltr %w0" ::"r"(TSS_SEL));
    idt_load(p.index);
    cpu_control_init(p.index);
    p.online = true;
}

bool map_guest_gdt_frames(Percpu& p, const Mfn* frames, unsigned count)
{
    if (count > first_reserved_gdt_page)
        return false;
    pte_t zero = virt_to_phys(zero_gdt_frame) | PTE_P;
    // Pages past both the old and the new count already map the zero frame.
    unsigned n = count > p.gdt_guest_pages ? count : p.gdt_guest_pages;
    for (unsigned i = 0; i < n; ++i) {
        // Writable in the hypervisor's view: the CPU sets descriptors'
        // accessed bits. Guests never see this window.
        pte_t pte = i < count ? mfn_to_paddr(frames[i]) | PTE_P | PTE_RW : zero;
        set_window_page(p.gdt_window + i * page, pte);
    }
    p.gdt_guest_pages = static_cast<uint8_t>(count);
    return true;
}

void cpu_tables_boot_init()
{
    cpu_areas_map();
    idt_init();
    Percpu* boot = cpu_prepare(0, 0);
    cpu_tables_init(*boot);
    log::debug("cpu0: GDT window %#x, TSS %#x, stack %#x-%#x, double-fault stack top %#x",
               boot->gdt_window, static_cast<uint32_t>(TSS_SEL), boot->stack_bottom(),
               boot->stack_top(), boot->area->df_stack_top());
}

} // namespace arch
