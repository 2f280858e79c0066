#include "hypervisor/boot/boot_layout.hpp"

namespace {

constexpr uint64_t page = 4096;
constexpr uint64_t four_mib = 4u << 20;
constexpr uint64_t two_mib = 2u << 20;
constexpr uint64_t one_gib = 1u << 30;
constexpr uint64_t min_padding = 512u << 10;
// HYPERVISOR_VIRT_START for x86_32 PAE (xen.h, arch-x86/xen-x86_32.h).
constexpr uint64_t hypervisor_virt_start = 0xF5800000u;

constexpr uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
constexpr uint64_t round_down(uint64_t v, uint64_t a) { return v / a * a; }

// Page-table frames needed to map [start, end) with PAE: one L3, one L2 per
// GiB slot touched plus slot 3 always (it carries the hypervisor's mappings),
// one L1 per 2 MiB.
void count_tables(uint64_t start, uint64_t end, uint32_t& l2, uint32_t& l1)
{
    uint64_t first_slot = start / one_gib, last_slot = (end - 1) / one_gib;
    l2 = static_cast<uint32_t>(last_slot - first_slot + 1);
    if (last_slot < 3)
        ++l2;
    l1 = static_cast<uint32_t>((round_up(end, two_mib) - round_down(start, two_mib)) / two_mib);
}

} // namespace

Boot_layout_error compute_boot_layout(const Boot_layout_request& req, Boot_layout& out)
{
    if (req.kernel_end <= req.kernel_start || req.virt_base > req.kernel_start)
        return Boot_layout_error::bad_kernel_range;
    if (req.virt_base % page)
        return Boot_layout_error::unaligned_virt_base;
    Boot_layout l{};
    l.v_start = req.virt_base;
    uint64_t cursor = round_up(req.kernel_end, page);
    l.ramdisk_start = static_cast<uint32_t>(cursor);
    uint64_t mapped_ramdisk = req.ramdisk_unmapped ? 0 : req.ramdisk_len;
    cursor = round_up(cursor + mapped_ramdisk, page);
    l.p2m_start = static_cast<uint32_t>(cursor);
    cursor = round_up(cursor + uint64_t{req.nr_pages} * 4, page);
    l.start_info = static_cast<uint32_t>(cursor);
    cursor += page;
    if (!req.is_dom0) {
        l.store_page = static_cast<uint32_t>(cursor);
        l.console_page = static_cast<uint32_t>(cursor + page);
        cursor += 2 * page;
    }
    if (cursor >= hypervisor_virt_start)
        return Boot_layout_error::hits_hypervisor;
    l.pt_base = static_cast<uint32_t>(cursor);

    // The tables map the whole region, including themselves, the stack and
    // the padding: grow until the count is stable.
    uint64_t end = 0;
    uint32_t l2 = 0, l1 = 0;
    for (;;) {
        uint64_t tables_end = cursor + (1u + l2 + l1) * page;
        uint64_t stack_end = tables_end + page;
        uint64_t new_end = round_up(stack_end + min_padding, four_mib);
        if (new_end > hypervisor_virt_start)
            return Boot_layout_error::hits_hypervisor;
        uint32_t need_l2, need_l1;
        count_tables(l.v_start, new_end, need_l2, need_l1);
        if (need_l2 == l2 && need_l1 == l1 && new_end == end)
            break;
        l2 = need_l2;
        l1 = need_l1;
        end = new_end;
    }
    l.nr_l2 = l2;
    l.nr_l1 = l1;
    l.nr_pt_frames = 1 + l2 + l1;
    l.stack_page = static_cast<uint32_t>(cursor + uint64_t{l.nr_pt_frames} * page);
    l.v_end = static_cast<uint32_t>(end);
    l.region_pages = static_cast<uint32_t>((end - l.v_start) / page);
    uint64_t outside = req.ramdisk_unmapped ? round_up(req.ramdisk_len, page) / page : 0;
    if (l.region_pages + outside > req.nr_pages)
        return Boot_layout_error::too_little_memory;
    l.ramdisk_pfn = req.ramdisk_unmapped && req.ramdisk_len ? l.region_pages : 0;
    out = l;
    return Boot_layout_error::none;
}

Boot_tables boot_tables(const Boot_layout& l)
{
    Boot_tables t{};
    uint32_t first_slot = l.v_start >> 30, last_slot = (l.v_end - 1) >> 30;
    uint32_t next = l.pt_base + static_cast<uint32_t>(page);
    for (uint32_t s = 0; s < 4; ++s)
        if ((s >= first_slot && s <= last_slot) || s == 3) {
            t.l2_va[s] = next;
            next += static_cast<uint32_t>(page);
        }
    t.first_l1_va = next;
    t.first_chunk = static_cast<uint32_t>(round_down(l.v_start, two_mib));
    t.nr_chunks = l.nr_l1;
    return t;
}

uint64_t boot_l1_flags(const Boot_layout& l, uint32_t va)
{
    bool is_table = va >= l.pt_base && va - l.pt_base < uint64_t{l.nr_pt_frames} * page;
    return is_table ? boot_l1_table_flags : boot_l1_data_flags;
}

const char* boot_layout_error_text(Boot_layout_error e)
{
    switch (e) {
    case Boot_layout_error::none: return "ok";
    case Boot_layout_error::bad_kernel_range:
        return "the kernel's virtual address range is empty or starts below VIRT_BASE";
    case Boot_layout_error::unaligned_virt_base: return "the kernel's VIRT_BASE is not page aligned";
    case Boot_layout_error::hits_hypervisor:
        return "the bootstrap region would reach the hypervisor's area at 0xF5800000";
    case Boot_layout_error::too_little_memory:
        return "the domain's memory is too small for its kernel, ramdisk and bootstrap data";
    }
    return "?";
}
