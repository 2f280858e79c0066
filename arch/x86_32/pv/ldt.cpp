#include "arch/x86_32/pv/ldt.hpp"

#include <initializer_list>

#include "arch/x86_32/cpu/cpu_area.hpp"
#include "arch/x86_32/pv/desc_frames.hpp"
#include "arch/x86_32/cpu/descriptors.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace arch {
namespace {

constexpr uint32_t window_pages = 16;
constexpr uint32_t window_size = window_pages * page_size;
static_assert((HV_LDT_END - HV_LDT_START) / window_size == max_cpus);
constexpr uint32_t l1_tables = (HV_LDT_END - HV_LDT_START) >> 21;

alignas(4096) pte_t window_l1[l1_tables][512];

uint32_t window(unsigned cpu) { return HV_LDT_START + cpu * window_size; }

pte_t& window_pte(unsigned cpu, unsigned page)
{
    uint32_t index = cpu * window_pages + page;
    return window_l1[index / 512][index % 512];
}

// The guest frame behind 'va' in v's current address space.
bool frame_of(Vcpu& v, uint32_t va, Mfn& out)
{
    uint64_t e;
    {
        Frame_mapping l3(v.cr3);
        e = l3.as<uint64_t>()[va >> 30];
    }
    for (unsigned shift : {21u, 12u}) {
        if (!(e & PTE_P))
            return false;
        Frame_mapping t(paddr_to_mfn(e & PTE_ADDR_MASK));
        e = t.as<uint64_t>()[(va >> shift) & 511];
    }
    if (!(e & PTE_P))
        return false;
    out = paddr_to_mfn(e & PTE_ADDR_MASK);
    return true;
}

} // namespace

void ldt_init()
{
    for (uint32_t i = 0; i < l1_tables; ++i)
        boot_l2_high[l2_slot(HV_LDT_START) + i] = virt_to_phys(window_l1[i]) | PTE_P | PTE_RW;
}

void load_ldt(Vcpu& v)
{
    Percpu& cpu = this_cpu();
    // Writable: the CPU sets descriptors' accessed bits when it loads them.
    // Only ring 0 reaches the window, so the guest still cannot write.
    // Pages past both the last vCPU's frames and this one's are empty.
    unsigned n = v.nr_ldt_frames > cpu.ldt_window_pages ? v.nr_ldt_frames : cpu.ldt_window_pages;
    for (unsigned p = 0; p < n; ++p) {
        pte_t e = p < v.nr_ldt_frames ? mfn_to_paddr(v.ldt_frames[p]) | PTE_P | PTE_RW | PTE_A | PTE_D : 0;
        if (window_pte(cpu.index, p) != e) {
            window_pte(cpu.index, p) = e;
            invlpg(reinterpret_cast<void*>(window(cpu.index) + p * page_size));
        }
    }
    cpu.ldt_window_pages = static_cast<uint8_t>(v.nr_ldt_frames);
    if (v.ldt_ents == 0) {
        asm volatile("lldt %w0" ::"r"(0));
        return;
    }
    uint32_t limit = v.ldt_ents * 8 - 1;
    cpu.area->gdt[(LDT_SEL >> 3) - first_reserved_gdt_entry] =
        segment(window(cpu.index), limit, 0x82, 0);
    asm volatile("lldt %w0" ::"r"(LDT_SEL));
}

long set_ldt(Vcpu& v, uint32_t base, uint32_t ents)
{
    if (ents > max_ldt_entries || (base & (page_size - 1)) ||
        (ents && (base >= HYPERVISOR_VIRT_START || HYPERVISOR_VIRT_START - base < ents * 8)))
        return -XEN_EINVAL;
    unsigned n = (ents * 8 + page_size - 1) / page_size;
    Mfn frames[window_pages];
    Domain& d = *v.domain;
    Mm_ctx ctx{pv_frame_space(), d.mm};
    for (unsigned i = 0; i < n; ++i)
        if (!frame_of(v, base + i * page_size, frames[i]))
            return -XEN_EINVAL;
    if (long rc = take_desc_frames(ctx, d.id, frames, n))
        return rc;
    release_desc_frames(ctx, v.ldt_frames, v.nr_ldt_frames);
    for (unsigned i = 0; i < n; ++i)
        v.ldt_frames[i] = frames[i];
    v.nr_ldt_frames = n;
    v.ldt_base = base;
    v.ldt_ents = ents;
    // Another vCPU's (VCPUOP_initialise) is loaded when it next runs.
    if (this_cpu().current == &v)
        load_ldt(v);
    return 0;
}

} // namespace arch
