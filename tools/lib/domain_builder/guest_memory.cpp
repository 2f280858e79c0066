// The new domain's memory: populated frame by frame (the P2M), then the
// bootstrap region filled through foreign mappings, one frame at a time.
#include "tools/lib/base/text.hpp"
#include "tools/lib/domain_builder/build_session.hpp"

#include <public/errno.h>

namespace toolstack {
namespace {

constexpr uint32_t page_size = 4096;
// Extents per populate_physmap call: bounds the work of one hypercall.
constexpr uint32_t populate_batch = 512;

} // namespace

// Order-0 extents, gpfn i backed by the i-th frame returned, as libxc's
// arch_setup_meminit for a PV guest. The bootstrap region's frames come from
// below 4 GiB, as dom0's: a kernel that declares PAE "yes" (not
// extended-cr3) needs its L3 there, and the region holds the L3.
bool Build_session::populate()
{
    uint32_t pfn = 0;
    return populate_some(pfn, nr_pages_);
}

// At most budget pages from pfn on; pfn says where the next call goes on.
// The extents of one call never cross the region's end or the budget's,
// so the frames come out the same however the work is divided.
bool Build_session::populate_some(uint32_t& pfn, uint32_t budget)
{
    uint32_t stop = budget < nr_pages_ - pfn ? pfn + budget : nr_pages_;
    while (pfn < stop) {
        bool in_region = pfn < layout_.region_pages;
        uint32_t end = in_region ? layout_.region_pages : stop;
        if (end > stop)
            end = stop;
        uint32_t n = end - pfn < populate_batch ? end - pfn : populate_batch;
        for (uint32_t i = 0; i < n; ++i)
            p2m_[pfn + i] = pfn + i;
        xen_memory_reservation r{};
        r.nr_extents = n;
        r.extent_order = 0;
        r.mem_flags = in_region ? XENMEMF_address_bits(32) : 0;
        r.domid = domid_;
        long done = hc_.populate_physmap(r, p2m_ + pfn);
        if (done < 0)
            return failed_call("XENMEM_populate_physmap", done);
        if (static_cast<uint32_t>(done) != n)
            return fail(XEN_ENOMEM, "XENMEM_populate_physmap gave %ld of %u pages at pfn %#x",
                        done, n, pfn);
        pfn += n;
    }
    return true;
}

bool Build_session::write_frame(xen_pfn_t mfn, uint32_t off, const uint8_t* src, size_t len)
{
    Foreign_page f(hc_, domid_, mfn);
    if (!f.ok())
        return failed_call("mapping a frame of the new domain", f.rc());
    if (src)
        mem_copy(f.bytes() + off, src, len);
    else
        mem_set(f.bytes() + off, 0, len);
    return true;
}

bool Build_session::write_va(uint32_t va, const uint8_t* src, size_t len)
{
    while (len) {
        uint32_t off = va & (page_size - 1);
        size_t n = page_size - off < len ? page_size - off : len;
        if (!write_frame(mfn_of_va(va), off, src, n))
            return false;
        va += static_cast<uint32_t>(n);
        src = src ? src + n : nullptr;
        len -= n;
    }
    return true;
}

bool Build_session::write_pfn(uint32_t pfn, const uint8_t* src, size_t len)
{
    for (size_t done = 0; done < len; done += page_size, ++pfn) {
        size_t n = len - done < page_size ? len - done : page_size;
        if (!write_frame(mfn_of_pfn(pfn), 0, src + done, n))
            return false;
    }
    return true;
}

// The parser's Elf_sink onto the region. load_segments cannot fail, so the
// first failed write is remembered and the rest are skipped.
class Region_loader final : public Elf_sink {
public:
    explicit Region_loader(Build_session& s) : s_(s) {}
    void copy(uint32_t va, const uint8_t* src, uint32_t len) override
    {
        ok_ = ok_ && s_.write_va(va, src, len);
    }
    void zero(uint32_t, uint32_t) override {} // the region is zeroed first
    bool ok() const { return ok_; }

private:
    Build_session& s_;
    bool ok_ = true;
};

// Frames are not assumed clean (Xen does not scrub every frame it hands
// out): every page of the region is zeroed, then the kernel, the ramdisk
// and the P2M list are written, as libxc's xc_dom_alloc_segment clears each
// segment before loading it.
bool Build_session::load()
{
    for (uint32_t pfn = 0; pfn < layout_.region_pages; ++pfn)
        if (!write_frame(mfn_of_pfn(pfn), 0, nullptr, page_size))
            return false;
    Region_loader loader(*this);
    load_segments(img_, loader);
    if (!loader.ok())
        return false;
    if (req_.ramdisk && req_.ramdisk_len) {
        bool ok = layout_.ramdisk_pfn ? write_pfn(layout_.ramdisk_pfn, req_.ramdisk, req_.ramdisk_len)
                                      : write_va(layout_.ramdisk_start, req_.ramdisk, req_.ramdisk_len);
        if (!ok)
            return false;
    }
    return write_va(layout_.p2m_start, reinterpret_cast<const uint8_t*>(p2m_),
                    size_t{nr_pages_} * sizeof *p2m_);
}

} // namespace toolstack
