#include "hypervisor/boot/start_info.hpp"

start_info_t boot_start_info(const Boot_layout& l, uint32_t nr_pages, uint32_t mod_len,
                             const char* cmdline)
{
    start_info_t si{};
    static constexpr char magic[] = XEN_START_INFO_MAGIC;
    static_assert(sizeof magic <= sizeof si.magic);
    for (unsigned i = 0; i < sizeof magic; ++i)
        si.magic[i] = magic[i];
    si.nr_pages = nr_pages;
    si.pt_base = l.pt_base;
    si.nr_pt_frames = l.nr_pt_frames;
    si.mfn_list = l.p2m_start;
    if (mod_len) {
        si.mod_start = l.ramdisk_pfn ? l.ramdisk_pfn : l.ramdisk_start;
        si.mod_len = mod_len;
        if (l.ramdisk_pfn)
            si.flags |= SIF_MOD_START_PFN;
    }
    for (unsigned i = 0; cmdline && cmdline[i] && i + 1 < MAX_GUEST_CMDLINE; ++i)
        si.cmd_line[i] = static_cast<int8_t>(cmdline[i]);
    return si;
}
