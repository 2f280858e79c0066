#include "arch/x86_32/domain/guest_image.hpp"

#include "arch/x86_32/include/hypercall_page.hpp"

#include "arch/x86_32/cpu/cpu_layout.h"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/pv/guest_cr4.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "hypervisor/boot/start_info.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/domain_memory.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/pt_ops.hpp"

namespace arch {
namespace {

static_assert(boot_l1_data_flags == (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D));
static_assert(boot_l1_table_flags == (PTE_P | PTE_US | PTE_A)); // tables: read-only
static_assert(boot_l2_flags == (PTE_P | PTE_RW | PTE_US | PTE_A));

class Loader final : public Elf_sink {
public:
    explicit Loader(Guest_image& g) : g_(g) {}
    void copy(uint32_t va, const uint8_t* src, uint32_t len) override { g_.copy_in(va, src, len); }
    void zero(uint32_t, uint32_t) override {} // frames are zeroed when allocated

private:
    Guest_image& g_;
};

} // namespace

Guest_image::Guest_image(Domain& d, const Boot_layout& l, uint32_t nr_pages)
    : d_(d), l_(l), nr_pages_(nr_pages)
{
}

Guest_image::~Guest_image() { heap_free(p2m_); }

bool Guest_image::allocate()
{
    p2m_ = static_cast<uint32_t*>(heap_alloc(size_t{nr_pages_} * 4));
    if (!p2m_) {
        log::error("d%u: no hypervisor memory for a %u-entry p2m", d_.id, nr_pages_);
        return false;
    }
    for (uint32_t pfn = 0; pfn < nr_pages_; ++pfn) {
        Zone z = pfn < l_.region_pages ? Zone::below_4g : Zone::any;
        Mfn m = domain_add_extent(d_, 0, z);
        if (m == invalid_mfn) {
            log::error("d%u: out of memory after %u of %u pages", d_.id, pfn, nr_pages_);
            return false;
        }
        p2m_[pfn] = raw(m);
        m2p_set(m, pfn);
    }
    return true;
}

Mfn Guest_image::mfn_of_va(uint32_t va) const { return Mfn{p2m_[(va - l_.v_start) >> page_shift]}; }

void Guest_image::fill(uint32_t va, const uint8_t* src, uint32_t len)
{
    while (len) {
        uint32_t off = va & (page_size - 1);
        uint32_t n = page_size - off < len ? page_size - off : len;
        Frame_mapping f(mfn_of_va(va));
        __builtin_memcpy(f.as<uint8_t>() + off, src, n);
        va += n;
        src += n;
        len -= n;
    }
}

void Guest_image::copy_in(uint32_t va, const uint8_t* src, uint32_t len) { fill(va, src, len); }

void Guest_image::copy_to_pfn(uint32_t pfn, const uint8_t* src, uint32_t len)
{
    for (uint32_t done = 0; done < len; done += page_size, ++pfn) {
        uint32_t n = len - done < page_size ? len - done : page_size;
        Frame_mapping f(Mfn{p2m_[pfn]});
        __builtin_memcpy(f.as<uint8_t>(), src + done, n);
    }
}

void Guest_image::load_kernel(const Elf_image& img)
{
    Loader loader(*this);
    load_segments(img, loader);
}

void Guest_image::write_p2m()
{
    fill(l_.p2m_start, reinterpret_cast<const uint8_t*>(p2m_), nr_pages_ * 4);
}

void Guest_image::write_start_info(const Elf_image&, uint32_t mod_len, const char* cmdline, bool dom0)
{
    // Shared with the toolstack's builder (hypervisor/boot/start_info.hpp);
    // shared_info is filled in by start_vcpu0 once the page exists.
    start_info_t si = boot_start_info(l_, nr_pages_, mod_len, cmdline);
    if (dom0)
        si.flags |= SIF_PRIVILEGED | SIF_INITDOMAIN;
    fill(l_.start_info, reinterpret_cast<const uint8_t*>(&si), sizeof si);
}

void Guest_image::write_hypercall_page(uint32_t va)
{
    uint8_t page[page_size];
    fill_hypercall_page(page);
    fill(va, page, page_size);
}

uint64_t* Guest_image::table(uint32_t va) { return static_cast<uint64_t*>(map_frame(mfn_of_va(va))); }

void Guest_image::build_page_tables()
{
    // Placement and flags shared with the toolstack's domain builder
    // (hypervisor/boot/boot_layout.hpp, boot_tables).
    Boot_tables t = boot_tables(l_);
    uint64_t* l3 = table(l_.pt_base);
    for (uint32_t s = 0; s < 4; ++s)
        if (t.l2_va[s])
            l3[s] = mfn_to_paddr(mfn_of_va(t.l2_va[s])) | boot_l3_flags;
    unmap_frame(l3);
    uint32_t chunk = t.first_chunk, next = t.first_l1_va;
    for (uint32_t c = 0; c < t.nr_chunks; ++c, chunk += 2u << 20, next += page_size) {
        uint64_t* l2 = table(t.l2_va[chunk >> 30]);
        l2[(chunk >> 21) & 511] = mfn_to_paddr(mfn_of_va(next)) | boot_l2_flags;
        unmap_frame(l2);
        uint64_t* l1 = table(next);
        for (uint32_t i = 0; i < 512; ++i) {
            uint32_t va = chunk + i * page_size;
            if (va < l_.v_start || va >= l_.v_end)
                continue;
            l1[i] = mfn_to_paddr(mfn_of_va(va)) | boot_l1_flags(l_, va);
        }
        unmap_frame(l1);
    }
}

bool Guest_image::start_vcpu0(uint32_t entry)
{
    // shared_info exists since the domain was made (pv_domain_create).
    Mfn si = d_.shared_info_mfn;
    start_info_t* sip = reinterpret_cast<start_info_t*>(map_frame(mfn_of_va(l_.start_info)));
    sip->shared_info = static_cast<uint32_t>(mfn_to_paddr(si));
    unmap_frame(sip);

    Mm_ctx ctx{pv_frame_space(), d_.mm};
    Mfn l3 = mfn_of_va(l_.pt_base);
    Vcpu& v = *d_.vcpus[0];
    if (int rc = pin_table(ctx, l3, 3); rc != 0) {
        log::error("d%u: bootstrap page tables refused (%d)", d_.id, rc);
        return false;
    }
    if (int rc = new_baseptr(ctx, l3, v.cr3); rc != 0) {
        log::error("d%u: bootstrap L3 refused as base pointer (%d)", d_.id, rc);
        return false;
    }
    d_.mm.initialised = true;
    // Only vCPU 0 has a context yet.
    v.initialised = true;
    // Brought up (vcpu_set_up) by whoever starts the domain.
    v.regs = cpu_user_regs{};
    v.regs.eip = entry;
    v.regs.esp = l_.stack_page + page_size;
    v.regs.esi = l_.start_info;
    v.regs.cs = FLAT_RING1_CS;
    v.regs.ss = v.regs.ds = v.regs.es = v.regs.fs = v.regs.gs = FLAT_RING1_DS;
    v.regs.eflags = 0x202; // IF, and the always-one bit
    v.kernel_ss = FLAT_RING1_DS;
    v.kernel_sp = v.regs.esp;
    guest_cr4_init(v);
    return true;
}

} // namespace arch
