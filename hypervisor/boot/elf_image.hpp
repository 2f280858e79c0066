// A Xen PV guest kernel image (ELF32, i386, PAE), parsed and validated in
// full before anything is loaded: parse_elf_image either accepts the image
// with every address it will touch checked, or refuses it with one precise
// console message. load_segments then cannot fail and never writes outside
// [virt_kstart, virt_kend). Portable: the image is (pointer, length), hostile.
//
// Address rules follow Xen's libelf (libelf-dominfo.c, elf_xen_parse and
// elf_xen_addr_calc_check): a PT_LOAD segment is placed at virtual address
//   p_paddr - paddr_offset + virt_base
// where virt_base defaults to 0 and paddr_offset to 0 (notes) or to
// virt_base (legacy __xen_guest string).
#pragma once
#include "hypervisor/boot/elf_error.hpp"
#include "hypervisor/boot/xen_notes.hpp"

#include <public/features.h>

#include <cstddef>
#include <cstdint>

// What the hypervisor offers the kernel it is about to build.
struct Elf_policy {
    // HYPERVISOR_VIRT_START for x86_32p (public/arch-x86/xen-x86_32.h):
    // everything from here up belongs to the hypervisor.
    uint32_t hypervisor_virt_start = 0xF5800000u;
    // Features a kernel may require ('!name'): only what the hypervisor
    // implements. writable_page_tables: trap-and-emulate of writes to
    // read-only mapped L1s (arch/x86_32/pv/ptwr.cpp), which 32-bit Linux
    // requires; pae_pgdir_above_4gb: an L3 anywhere in machine memory
    // (arch/x86_32/mm/guest_cr3.cpp).
    uint32_t features_offered = 1u << XENFEAT_writable_page_tables |
                                1u << XENFEAT_pae_pgdir_above_4gb;
    // Building the initial domain: XENFEAT_dom0 is offered, and a kernel whose
    // SUPPORTED_FEATURES note lacks it is refused (as Xen's dom0 builder does).
    bool dom0 = true;
};

struct Elf_segment {
    uint32_t vaddr;  // destination, guest virtual
    uint32_t offset; // in the image
    uint32_t filesz; // bytes copied; memsz - filesz bytes are zeroed after them
    uint32_t memsz;
};

// XEN_ELFNOTE_BSD_SYMTAB: the symbol and string tables, loaded after the
// image behind a small ELF header of their own (Xen's libelf
// elf_load_bsdsyms): a 32-bit size, an ELF header naming three section
// headers (null, SYMTAB, STRTAB) with offsets relative to that header,
// then the tables, each 4-byte aligned.
struct Elf_bsd_symtab {
    uint32_t vaddr = 0;          // start of the block (virt_kend covers it)
    uint32_t symtab_offset = 0;  // in the image
    uint32_t symtab_size = 0;
    uint32_t strtab_offset = 0;
    uint32_t strtab_size = 0;
    uint32_t symtab_shdr = 0;    // image offsets of the two section headers
    uint32_t strtab_shdr = 0;
};

struct Elf_image {
    static constexpr unsigned max_segments = 16;

    const uint8_t* data = nullptr; // the image the segments are copied from
    size_t size = 0;
    Xen_notes notes;               // everything the kernel declared, decoded

    uint32_t virt_base = 0;
    uint64_t paddr_offset = 0;
    uint32_t virt_kstart = 0;      // lowest loaded address
    uint32_t virt_kend = 0;        // one past the highest loaded byte
    uint32_t virt_entry = 0;
    bool has_hypercall_page = false;
    uint32_t virt_hypercall = 0;   // page-aligned, inside the image
    bool has_hv_start_low = false;
    uint32_t hv_start_low = 0;
    bool has_init_p2m = false;
    uint32_t init_p2m = 0;
    Pae_mode pae = Pae_mode::no;   // never Pae_mode::no once accepted
    uint32_t features_supported = 0;
    uint32_t features_required = 0;

    Elf_segment segments[max_segments] = {};
    unsigned segment_count = 0;
    bool has_bsd_symtab = false;
    Elf_bsd_symtab bsd;
};

// Parses and validates; on failure 'err' holds the reason and 'out' must not
// be used. 'data' must stay valid until load_segments has run.
[[nodiscard]] bool parse_elf_image(const void* data, size_t size, const Elf_policy& policy,
                                   Elf_image& out, Elf_error& err);

// Where load_segments writes: the domain builder maps the destination range
// [virt_kstart, virt_kend) before calling.
class Elf_sink {
public:
    virtual void copy(uint32_t dest_vaddr, const uint8_t* src, uint32_t len) = 0;
    virtual void zero(uint32_t dest_vaddr, uint32_t len) = 0;

protected:
    ~Elf_sink() = default;
};

// Copies every segment's file bytes and zeroes the rest of its memory size;
// then writes the BSD symbol table block when the image has one.
void load_segments(const Elf_image& image, Elf_sink& sink);
