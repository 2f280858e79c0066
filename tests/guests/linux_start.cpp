// The start of day of a Linux 5.4 i386 PV kernel, done by a guest of ours
// linked where Linux is: image at 0xC1000000, VIRT_BASE 0xC0000000 below it
// (CMake LINK_BASE). Linux finds every frame with __pa() arithmetic, pfn =
// (va - VIRT_BASE) >> 12, so pfn 0 must be mapped at VIRT_BASE; it then
// builds its own GDT in one of its pages with DPL-0 kernel descriptors
// (Xen raises them to ring 1), maps that page read-only, loads it with
// set_gdt and far-jumps to its own code selector 0x61. Like Linux it
// declares XEN_ELFNOTE_MOD_START_PFN: its ramdisk (the second module) is
// left out of the initial mapping and start_info names it by pfn.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

// XEN_ELFNOTE_MOD_START_PFN (16) = 1, as Linux's xen-head.S has it.
asm(R"(
    .pushsection .note.Xen, "a", @note
    .p2align 2
    .long 4, 4, 16
    .asciz "Xen"
    .p2align 2
    .long 1
    .popsection
)");

namespace {

constexpr uint32_t image_base = 0xC1000000u;
alignas(4096) uint64_t gdt[512];

// A flat 4 GiB segment: G, D/B, P, S; type 0xA (code, read) or 0x2 (data, write).
constexpr uint64_t flat(uint32_t type, uint32_t dpl)
{
    uint32_t lo = 0x0000FFFFu;
    uint32_t hi = 0x00CF9000u | (type << 8) | (dpl << 13);
    return (uint64_t{hi} << 32) | lo;
}
constexpr uint32_t kernel_cs = 12, kernel_ds = 13, user_cs = 14, user_ds = 15, extra_ds = 16;
constexpr uint16_t sel(uint32_t index, uint32_t rpl) { return static_cast<uint16_t>(index << 3 | rpl); }

const uint32_t* m2p() { return reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START); }

// The virtual address at which the region maps a frame (through the M2P).
const uint64_t* table_va(uint64_t entry)
{
    uint32_t mfn = static_cast<uint32_t>(entry >> 12) & 0xFFFFFF;
    return reinterpret_cast<const uint64_t*>(guest_virt_base + m2p()[mfn] * guest_page_size);
}

// The L1 entry mapping 'va' in the bootstrap tables.
uint64_t bootstrap_l1e(uint32_t va)
{
    const uint64_t* l3 = reinterpret_cast<const uint64_t*>(guest_start_info()->pt_base);
    const uint64_t* l2 = table_va(l3[va >> 30]);
    const uint64_t* l1 = table_va(l2[(va >> 21) & 511]);
    return l1[(va >> 12) & 511];
}

void test_pfn_zero_at_virt_base(start_info_t* si)
{
    CHECK(hc::arg(&gdt) >= image_base, "the image is linked above VIRT_BASE, at 0xC1000000");
    uint32_t mfn0 = pfn_to_mfn(0);
    CHECK_EQ(m2p()[mfn0], 0, "mfn_list[0]'s M2P entry is pfn 0");
    CHECK_EQ(static_cast<uint32_t>(bootstrap_l1e(guest_virt_base) >> 12), mfn0,
             "VIRT_BASE (0xC0000000) maps pfn 0");
    uint32_t image_pfn = (image_base - guest_virt_base) >> 12;
    CHECK_EQ(static_cast<uint32_t>(bootstrap_l1e(image_base) >> 12), pfn_to_mfn(image_pfn),
             "the image start maps pfn 0x1000, as __pa() computes");
    CHECK_EQ(virt_to_pfn(reinterpret_cast<void*>(si->pt_base)),
             m2p()[static_cast<uint32_t>(bootstrap_l1e(si->pt_base) >> 12)],
             "__pa(pt_base) is the bootstrap L3's pfn");
}

uint16_t read_cs()
{
    uint16_t cs;
    asm volatile("movw %%cs, %0" : "=r"(cs));
    return cs;
}

void test_own_gdt()
{
    gdt[kernel_cs] = flat(0xA, 0);
    gdt[kernel_ds] = flat(0x2, 0);
    gdt[user_cs] = flat(0xA, 3);
    gdt[user_ds] = flat(0x2, 3);
    uint32_t va = hc::arg(gdt), mfn = pfn_to_mfn(virt_to_pfn(gdt));
    CHECK_EQ(hc::update_va_mapping(va, (uint64_t{mfn} << 12) | pte_present | pte_accessed, UVMF_INVLPG), 0,
             "map the GDT page read-only (as xen_load_gdt)");
    xen_pfn_t frames[1] = {mfn};
    CHECK_EQ(hc::set_gdt(frames, 32), 0, "set_gdt of the kernel's own GDT frame: 0");
    CHECK_EQ((gdt[kernel_cs] >> 45) & 3, 1, "  the DPL-0 code descriptor reads back raised to DPL 1");
    CHECK_EQ((gdt[kernel_ds] >> 45) & 3, 1, "  the DPL-0 data descriptor too");
    CHECK_EQ((gdt[user_cs] >> 45) & 3, 3, "  DPL-3 descriptors stay");

    // __KERNEL_CS | RPL 1, as Linux's startup_xen path reloads it.
    asm volatile("ljmp %0, $1f\n1:" ::"i"(sel(kernel_cs, 1)) : "memory");
    uint32_t ds = sel(kernel_ds, 1);
    asm volatile("movl %0, %%ds; movl %0, %%es; movl %0, %%ss" ::"r"(ds) : "memory");
    CHECK_EQ(read_cs(), sel(kernel_cs, 1), "far jump to the kernel's code selector 0x61");
    CHECK(hc::xen_version(XENVER_version) > 0, "  a hypercall returns to cs 0x61");
    CHECK_EQ(read_cs(), sel(kernel_cs, 1), "  still on cs 0x61 after it");
    Fault f = try_fault([](void*) { asm volatile("int3"); }, nullptr);
    CHECK(f.happened && f.vector == 3, "  an exception is delivered and returns");
    CHECK_EQ(read_cs(), sel(kernel_cs, 1), "  still on cs 0x61 after it");

    uint64_t maddr = (uint64_t{mfn} << 12) + extra_ds * 8;
    CHECK_EQ(hc::update_descriptor(maddr, flat(0x2, 0)), 0, "update_descriptor of a new GDT entry: 0");
    uint32_t fs = sel(extra_ds, 1), got;
    asm volatile("movl %1, %%fs; movl %%fs:(%2), %0" : "=r"(got) : "r"(fs), "r"(hc::arg(&gdt[kernel_cs])));
    CHECK_EQ(got, static_cast<uint32_t>(gdt[kernel_cs]), "  a load through it reads the GDT");
}

alignas(4096) uint8_t module_window[4096];

void test_unmapped_ramdisk(start_info_t* si)
{
    CHECK(si->flags & SIF_MOD_START_PFN, "SIF_MOD_START_PFN: the ramdisk is named by pfn");
    CHECK(si->mod_len > 4, "  mod_len is the module's size");
    uint32_t stack_pfn = virt_to_pfn(reinterpret_cast<void*>(si->pt_base)) + si->nr_pt_frames;
    CHECK(si->mod_start > stack_pfn, "  its first pfn lies beyond the bootstrap region");
    CHECK(si->mod_start + (si->mod_len + 4095) / 4096 <= si->nr_pages, "  and inside the domain's memory");
    uint32_t mfn = pfn_to_mfn(si->mod_start);
    CHECK_EQ(m2p()[mfn], si->mod_start, "  the M2P agrees");
    CHECK_EQ(hc::update_va_mapping(hc::arg(module_window), (uint64_t{mfn} << 12) | pte_present | pte_accessed,
                                   UVMF_INVLPG),
             0, "  its first frame maps");
    CHECK(module_window[0] == 0x7F && module_window[1] == 'E' && module_window[2] == 'L' &&
              module_window[3] == 'F',
          "  and holds the module (an ELF image)");
}

} // namespace

void guest_main(start_info_t* si)
{
    test_unmapped_ramdisk(si);
    test_pfn_zero_at_virt_base(si);
    test_own_gdt();
}
