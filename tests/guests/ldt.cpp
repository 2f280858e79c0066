// Local descriptor tables: MMUEXT_SET_LDT takes read-only pages of checked
// descriptors, an LDT selector then works, update_descriptor edits an LDT in
// use, and every unsafe variant is refused.
#include "console.hpp"
#include "descriptor.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

alignas(4096) uint64_t ldt_page[512];
alignas(4096) uint32_t target_a[1024];
alignas(4096) uint32_t target_b[1024];

constexpr uint16_t ldt_sel = (1 << 3) | 4 | 1; // entry 1, LDT, RPL 1

uint32_t va(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }
uint64_t maddr(const void* p) { return uint64_t{pfn_to_mfn(virt_to_pfn(p))} << 12; }

int32_t set_ldt(const void* base, uint32_t ents)
{
    mmuext_op_t op{};
    op.cmd = MMUEXT_SET_LDT;
    op.arg1.linear_addr = va(base);
    op.arg2.nr_ents = ents;
    return hc::mmuext_op(&op, 1, nullptr, DOMID_SELF);
}

int32_t map_page(const void* p, bool writable)
{
    uint64_t pte = maddr(p) | pte_present | pte_accessed | (writable ? pte_rw | pte_dirty : 0);
    return hc::update_va_mapping(va(p), pte, UVMF_INVLPG);
}

uint32_t read_through_ldt()
{
    uint32_t v;
    asm volatile("movw %w1, %%fs; movl %%fs:0, %0; movw %w2, %%fs"
                 : "=r"(v)
                 : "r"(ldt_sel), "r"(0));
    return v;
}

void load_ldt_selector(void*) { asm volatile("movw %w0, %%fs; movw %w1, %%fs" ::"r"(ldt_sel), "r"(0)); }

} // namespace

void guest_main(start_info_t*)
{
    traps_install();
    target_a[0] = 0xA11CE;
    target_b[0] = 0xB0B;
    ldt_page[1] = data_segment(va(target_a), 0xFFF, 1);

    CHECK_EQ(set_ldt(ldt_page, 2), -XEN_EINVAL, "SET_LDT on a page still mapped writable -> -EINVAL");
    CHECK_EQ(map_page(ldt_page, false), 0, "map the LDT page read-only");
    CHECK_EQ(set_ldt(ldt_page + 1, 2), -XEN_EINVAL, "SET_LDT at an unaligned base -> -EINVAL");
    CHECK_EQ(set_ldt(ldt_page, 8193), -XEN_EINVAL, "SET_LDT with 8193 entries -> -EINVAL");
    CHECK_EQ(set_ldt(reinterpret_cast<void*>(0xF5800000), 2), -XEN_EINVAL,
             "SET_LDT in the hypervisor's area -> -EINVAL");
    CHECK_EQ(set_ldt(ldt_page, 2), 0, "SET_LDT on a read-only page of good descriptors");
    CHECK_EQ(read_through_ldt(), 0xA11CEu, "an LDT data segment reads through its base");

    CHECK_EQ(hc::update_descriptor(maddr(ldt_page) + 8, data_segment(va(target_b), 0xFFF, 1)), 0,
             "update_descriptor rewrites an entry of the LDT in use");
    CHECK_EQ(read_through_ldt(), 0xB0Bu, "  and the new base takes effect");
    CHECK_EQ(hc::update_descriptor(maddr(ldt_page) + 8, data_segment(0xFB800000, 0xFFF, 1)),
             -XEN_EINVAL, "update_descriptor with a base in the hypervisor -> -EINVAL");
    CHECK_EQ(read_through_ldt(), 0xB0Bu, "  and the entry is unchanged");
    CHECK_EQ(map_page(ldt_page, true), -XEN_EBUSY,
             "mapping an LDT page writable while in use -> -EBUSY");

    CHECK_EQ(set_ldt(nullptr, 0), 0, "SET_LDT with 0 entries unloads it");
    Fault f = try_fault(load_ldt_selector);
    CHECK(f.happened && f.vector == 13, "an LDT selector with no LDT -> #GP");

    // A descriptor page whose content is unsafe is never accepted.
    CHECK_EQ(map_page(ldt_page, true), 0, "the page is writable again once unused");
    ldt_page[1] = data_segment(0xF6800000, 0xFFF, 1);
    CHECK_EQ(map_page(ldt_page, false), 0, "map it read-only again");
    CHECK_EQ(set_ldt(ldt_page, 2), -XEN_EINVAL, "SET_LDT over a descriptor based in the hypervisor");
    gtest::finish();
}
