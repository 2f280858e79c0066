#include "arch/x86_32/domain/dom0_build.hpp"

#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/domain/guest_image.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/iomem.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/pv/io_ports.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/include/pv_domain.hpp"
#include "public/domctl.h"
#include "hypervisor/boot/boot_layout.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/domain_memory.hpp"
#include "hypervisor/boot/elf_image.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/pt_ops.hpp"

namespace arch {
namespace {

constexpr uint64_t MiB = 1ull << 20;

struct Module_view {
    const uint8_t* data = nullptr;
    uint32_t len = 0;
    const char* cmdline = "";
};

bool module_view(const multiboot::Info& mbi, unsigned i, bool strip_name, Module_view& out)
{
    if (!(mbi.flags & multiboot::has_mods) || i >= mbi.mods_count)
        return false;
    const auto* mods = phys_to_virt<const multiboot::Module>(mbi.mods_addr);
    const multiboot::Module& m = mods[i];
    if (m.mod_end < m.mod_start || m.mod_end > HV_DIRECTMAP_SIZE) {
        log::error("dom0: module %u at %#x-%#x is not inside the first 72 MiB; move it lower",
                   i, m.mod_start, m.mod_end);
        return false;
    }
    out.data = phys_to_virt<const uint8_t>(m.mod_start);
    out.len = m.mod_end - m.mod_start;
    const char* s = m.string && m.string < HV_DIRECTMAP_SIZE ? phys_to_virt<const char>(m.string) : "";
    if (strip_name) {
        while (*s && *s != ' ')
            ++s;
    }
    while (*s == ' ')
        ++s;
    out.cmdline = s;
    return true;
}

// dom0_mem, or by default all free memory but a reserve for the hypervisor
// (1/16, between 16 and 128 MiB), capped at 1 GiB: a 32-bit PV kernel maps
// less than that directly, and the rest stays for other domains.
uint32_t dom0_pages(const Boot_options& opt)
{
    uint64_t free = uint64_t{frame_allocator().free_frames(Zone::any)} << page_shift;
    uint64_t reserve = free / 16;
    reserve = reserve < 16 * MiB ? 16 * MiB : reserve > 128 * MiB ? 128 * MiB : reserve;
    uint64_t want = free > reserve ? free - reserve : 0;
    if (want > 1024 * MiB)
        want = 1024 * MiB;
    const Mem_spec& m = opt.dom0_mem;
    if (m.set) {
        if (m.amount)
            want = m.amount;
        if (m.min && want < m.min)
            want = m.min;
        if (m.max && want > m.max)
            want = m.max;
    }
    if (want > free)
        want = free;
    return static_cast<uint32_t>(want >> page_shift);
}

void log_image(const Elf_image& img)
{
    log::info("dom0: kernel: guest os '%s', loader '%s', %s, PAE %s, entry %#x", img.notes.guest_os,
              img.notes.loader, img.notes.xen_version, pae_mode_name(img.pae), img.virt_entry);
    log::info("dom0: kernel image %#x-%#x, hypercall page %#x", img.virt_kstart, img.virt_kend,
              img.has_hypercall_page ? img.virt_hypercall : 0);
}

void log_layout(const Boot_layout& l, uint32_t nr_pages)
{
    log::info("dom0: %u MiB (%u pages); initial region %#x-%#x", nr_pages >> 8, nr_pages, l.v_start,
              l.v_end);
    log::info("dom0:   p2m %#x  start_info %#x  page tables %#x (%u frames)  stack %#x",
              l.p2m_start, l.start_info, l.pt_base, l.nr_pt_frames, l.stack_page);
}

} // namespace

namespace {

// As Xen: one vCPU per CPU, within dom0_max_vcpus's bounds and the
// legacy limit of vCPUs whose vcpu_info lives in shared_info.
unsigned dom0_vcpus(const Boot_options& opt)
{
    unsigned n = smp_online_count();
    if (opt.dom0_vcpus_max && n > opt.dom0_vcpus_max)
        n = opt.dom0_vcpus_max;
    if (opt.dom0_vcpus_min && n < opt.dom0_vcpus_min)
        n = opt.dom0_vcpus_min;
    if (n > Domain::max_vcpus) {
        log::warn("dom0: %u vCPUs asked for, %u given", n, Domain::max_vcpus);
        n = Domain::max_vcpus;
    }
    return n ? n : 1;
}

} // namespace

Domain* build_dom0(const multiboot::Info& mbi, const Boot_options& opt, bool strip_name)
{
    Module_view kernel, ramdisk;
    if (!module_view(mbi, 0, strip_name, kernel))
        return nullptr;
    bool have_ramdisk = module_view(mbi, 1, strip_name, ramdisk);

    Elf_image img;
    Elf_error err;
    if (!parse_elf_image(kernel.data, kernel.len, Elf_policy{}, img, err)) {
        log::error("dom0: kernel refused: %s", err.text);
        return nullptr;
    }
    log_image(img);

    uint32_t nr_pages = dom0_pages(opt);
    Boot_layout layout;
    Boot_layout_request req{img.virt_base, img.virt_kstart, img.virt_kend, have_ramdisk ? ramdisk.len : 0u,
                            nr_pages, true, img.notes.mod_start_pfn};
    if (Boot_layout_error e = compute_boot_layout(req, layout); e != Boot_layout_error::none) {
        log::error("dom0: cannot lay out %u MiB: %s", nr_pages >> 8, boot_layout_error_text(e));
        return nullptr;
    }
    log_layout(layout, nr_pages);

    // The same empty PV domain as every other (shared_info, events, grant
    // table with the default limits, vCPUs), paused by its controller
    // until setup starts it.
    Pv_domain_config cfg;
    cfg.core.privileged = true;
    cfg.core.max_vcpus = dom0_vcpus(opt);
    cfg.emulation_flags = XEN_X86_EMU_PIT; // Xen gives a PV hardware domain the PIT
    int rc;
    Domain* d = pv_domain_create(0, cfg, rc);
    if (!d) {
        log::error("dom0: cannot create domain 0 (%d)", rc);
        return nullptr;
    }
    // dom0 may grow (increase_reservation) up to dom0_mem's max, or by
    // default to all of memory, as with Xen.
    d->max_pages = opt.dom0_mem.set && opt.dom0_mem.max
                       ? static_cast<uint32_t>(opt.dom0_mem.max >> page_shift)
                       : max_mfn();
    if (d->max_pages < nr_pages)
        d->max_pages = nr_pages;

    if (!io_ports_init_hardware_domain(*d) || !iomem_init_hardware_domain(*d)) {
        log::error("dom0: cannot record its I/O port and memory permissions");
        return nullptr;
    }

    // A kernel that declares extended-cr3 PAE gets the assist from the
    // start, as Xen's dom0 builder does.
    if (img.pae == Pae_mode::extended_cr3 || img.pae == Pae_mode::bimodal) {
        d->vm_assist |= 1u << VMASST_TYPE_pae_extended_cr3;
        d->mm.pae_extended_cr3 = true;
    }

    Guest_image g(*d, layout, nr_pages);
    if (!g.allocate())
        return nullptr;
    g.load_kernel(img);
    if (have_ramdisk && layout.ramdisk_pfn)
        g.copy_to_pfn(layout.ramdisk_pfn, ramdisk.data, ramdisk.len);
    else if (have_ramdisk)
        g.copy_in(layout.ramdisk_start, ramdisk.data, ramdisk.len);
    g.write_p2m();
    g.write_start_info(img, have_ramdisk ? ramdisk.len : 0, kernel.cmdline, true);
    if (img.has_hypercall_page)
        g.write_hypercall_page(img.virt_hypercall);
    g.build_page_tables();
    if (!g.start_vcpu0(img.virt_entry))
        return nullptr;
    log::info("dom0: built; command line '%s'%s", kernel.cmdline,
              have_ramdisk ? ", with an initial ramdisk" : "");
    return d;
}

} // namespace arch
