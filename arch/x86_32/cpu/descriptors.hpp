// Segment descriptors, gates and the 32-bit TSS (Intel SDM vol. 3, 3.4.5,
// 6.11, 7.2.1), and the layout of the GDT every CPU runs on.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86_32/cpu/cpu_layout.h"
#include "boot/layout.h"

namespace arch {

// The guest ABI's GDT split (public/arch-x86/xen-x86_32.h): guests own GDT
// pages 0..13, the hypervisor's reserved page is page 14.
constexpr unsigned first_reserved_gdt_page = 14;
constexpr unsigned gdt_entries_per_page = 512;
constexpr unsigned first_reserved_gdt_entry = first_reserved_gdt_page * gdt_entries_per_page;
constexpr unsigned gdt_pages = first_reserved_gdt_page + 1;
constexpr uint32_t gdt_limit = gdt_pages * 4096 - 1;

constexpr unsigned reserved_slot(uint16_t selector)
{
    return (selector >> 3) - first_reserved_gdt_entry;
}
static_assert(HV_CS >> 3 == first_reserved_gdt_entry + 1);
static_assert(DOUBLEFAULT_TSS_SEL >> 3 == first_reserved_gdt_entry);

using Descriptor = uint64_t;

// Access byte values: present, DPL, code/data type.
enum Access : uint8_t {
    code_ring0 = 0x9A,
    data_ring0 = 0x92,
    code_ring1 = 0xBA,
    data_ring1 = 0xB2,
    code_ring3 = 0xFA,
    data_ring3 = 0xF2,
    tss_available = 0x89,
};
constexpr uint8_t flags_4k_32bit = 0xC; // G and D/B

constexpr Descriptor segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (limit & 0xFFFFull) | (static_cast<uint64_t>(base & 0xFFFFFF) << 16) |
           (static_cast<uint64_t>(access) << 40) | (static_cast<uint64_t>((limit >> 16) & 0xF) << 48) |
           (static_cast<uint64_t>(flags & 0xF) << 52) | (static_cast<uint64_t>(base >> 24) << 56);
}

// Flat segments. The guest ones end at the end of the read-only M2P table
// (MACH2PHYS_VIRT_END, Xen's GUEST_SEGMENT_MAX_ADDR on x86_32): a guest reads
// the M2P through them, its mappings are read-only, and nothing above it is
// addressable from ring 1 or 3 (ring 1 counts as supervisor for paging, so
// the segment limit is what keeps a guest kernel out of the hypervisor).
constexpr uint32_t flat_limit_pages = 0xFFFFF;
constexpr uint32_t guest_limit_pages = (HV_M2P_END >> 12) - 1;
static_assert(guest_limit_pages == 0xF67FF);

constexpr uint8_t gate_interrupt = 0x8E;
constexpr uint8_t gate_trap = 0x8F;
constexpr uint8_t gate_task = 0x85;

constexpr Descriptor gate(uint32_t offset, uint16_t selector, uint8_t type, uint8_t dpl)
{
    return (offset & 0xFFFFull) | (static_cast<uint64_t>(selector) << 16) |
           (static_cast<uint64_t>(type | ((dpl & 3) << 5)) << 40) |
           (static_cast<uint64_t>(offset >> 16) << 48);
}

constexpr uint8_t gate_dpl(Descriptor d) { return static_cast<uint8_t>((d >> 45) & 3); }

struct Tss {
    uint16_t back_link, pad0;
    uint32_t esp0;
    uint16_t ss0, pad1;
    uint32_t esp1;
    uint16_t ss1, pad2;
    uint32_t esp2;
    uint16_t ss2, pad3;
    uint32_t cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, pad4, cs, pad5, ss, pad6, ds, pad7, fs, pad8, gs, pad9;
    uint16_t ldt, pad10;
    uint16_t trace, iomap_base;
};
static_assert(sizeof(Tss) == 104);
static_assert(offsetof(Tss, iomap_base) == 102);

struct [[gnu::packed]] Table_register {
    uint16_t limit;
    uint32_t base;
};

} // namespace arch
