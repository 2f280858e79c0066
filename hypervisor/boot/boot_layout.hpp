// The start-of-day virtual layout of a PV domain, as Xen's public xen.h
// documents it ("Start-of-day memory layout"):
//   1. one contiguous virtual region, starting at the kernel's VIRT_BASE
//      (XEN_ELFNOTE_VIRT_BASE, 0 when the kernel names none, as Xen's
//      libelf) and ending on a 4 MiB boundary;
//   2. in order, each 4 KiB-aligned: kernel image, initial ram disk (optional),
//      the page-frame list (mfn_list, 4 bytes per page on x86_32), start_info
//      (for dom0 it also holds the console info), for other domains the
//      xenstore and console ring pages, the bootstrap page tables, the stack;
//   3. at least 512 KiB of padding after the last element, extending the
//      region by 4 MiB when needed;
//   4. the region maps the first pseudo-physical pages 1:1: pfn 0 at
//      VIRT_BASE, so a kernel linked above its VIRT_BASE (Linux: base
//      0xC0000000, image at 0xC1000000) finds pfn (va - VIRT_BASE) >> 12
//      behind every address of the region, the gap below its image included.
// Portable and unit-tested: the builder only fills in what this computes.
#pragma once
#include <cstdint>

struct Boot_layout_request {
    uint32_t virt_base;        // where the region starts; <= kernel_start
    uint32_t kernel_start;     // virtual, from the image's PT_LOADs
    uint32_t kernel_end;       // virtual, exclusive
    uint64_t ramdisk_len;      // 0: no ramdisk
    uint32_t nr_pages;         // pages the domain gets in total
    bool is_dom0;              // dom0 has no store/console ring pages
    // XEN_ELFNOTE_MOD_START_PFN: the ramdisk stays out of the region, in
    // the pfns right after it, and start_info names its first pfn.
    bool ramdisk_unmapped = false;
};

struct Boot_layout {
    uint32_t v_start;          // VIRT_BASE: pfn 0
    uint32_t ramdisk_start;    // virtual; == end of kernel when no ramdisk or unmapped
    uint32_t ramdisk_pfn;      // unmapped ramdisk: its first pfn (== region_pages); else 0
    uint32_t p2m_start;        // mfn_list
    uint32_t start_info;
    uint32_t store_page;       // 0 for dom0
    uint32_t console_page;     // 0 for dom0
    uint32_t pt_base;          // the L3 page; L2s and L1s follow it
    uint32_t nr_pt_frames;
    uint32_t stack_page;       // ESP starts at stack_page + 4096
    uint32_t v_end;            // 4 MiB aligned, exclusive
    uint32_t region_pages;     // (v_end - v_start) / 4096
    uint32_t nr_l2;            // page directories among the pt frames
    uint32_t nr_l1;            // page tables among the pt frames
};

enum class Boot_layout_error {
    none,
    bad_kernel_range,          // empty or inverted kernel, or VIRT_BASE above it
    unaligned_virt_base,       // VIRT_BASE not on a page boundary
    hits_hypervisor,           // region would reach HYPERVISOR_VIRT_START
    too_little_memory,         // nr_pages cannot cover the bootstrap region
};

// The bootstrap page tables inside [pt_base, pt_base + nr_pt_frames pages),
// as both domain builders (dom0's, tools/lib/domain_builder) write them: the
// L3 at pt_base, then the L2 of every GiB slot the region touches and of
// slot 3 (which carries the hypervisor's mappings) in slot order, then one
// L1 per 2 MiB chunk from first_chunk up, in order. The L1s map the region
// page by page with l1_data_flags, the tables' own pages with
// l1_table_flags: a frame that is a page table is never writable.
struct Boot_tables {
    uint32_t l2_va[4];     // 0: no L2 for that slot
    uint32_t first_l1_va;
    uint32_t first_chunk;  // v_start rounded down to 2 MiB
    uint32_t nr_chunks;    // == Boot_layout::nr_l1
};
// PAE entry flags (Intel SDM vol. 3 4.4): P=1 RW=2 US=4 A=0x20 D=0x40.
constexpr uint64_t boot_l3_flags = 0x1;
constexpr uint64_t boot_l2_flags = 0x1 | 0x2 | 0x4 | 0x20;
constexpr uint64_t boot_l1_data_flags = 0x1 | 0x2 | 0x4 | 0x20 | 0x40;
constexpr uint64_t boot_l1_table_flags = 0x1 | 0x4 | 0x20;

Boot_tables boot_tables(const Boot_layout& l);
// The L1 flags for the page at va of the region.
uint64_t boot_l1_flags(const Boot_layout& l, uint32_t va);

[[nodiscard]] Boot_layout_error compute_boot_layout(const Boot_layout_request& req,
                                                    Boot_layout& out);
const char* boot_layout_error_text(Boot_layout_error e);
