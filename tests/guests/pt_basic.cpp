// Page tables built by the guest: a fresh L3/L2/L1 hierarchy is pinned,
// becomes the base pointer, maps and unmaps data through update_va_mapping
// and mmu_update, and is torn down again; pin/unpin of single tables and
// the counts they leave behind (a table frame is writable again only once
// nothing uses it as a table).
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

volatile uint32_t* at(uint32_t va) { return reinterpret_cast<volatile uint32_t*>(va); }

void read_word(void* va) { (void)*static_cast<volatile uint32_t*>(va); }
void write_word(void* va) { *static_cast<volatile uint32_t*>(va) = 0x1234; }

void test_pin_l1()
{
    uint32_t l1 = pt::alloc_mfn(), data = pt::alloc_mfn();
    uint64_t e = pt::entry(data, pt::data_rw);
    CHECK(pt::fill(l1, 7, &e, 1), "prepare an L1 mapping one data frame");
    CHECK_EQ(pt::pin(1, l1), 0, "MMUEXT_PIN_L1_TABLE of a fresh L1: 0");
    int32_t rc;
    pt::window(0, l1, true, &rc);
    CHECK_EQ(rc, -XEN_EBUSY, "  the pinned L1 cannot be mapped writable: -EBUSY");
    const uint64_t* ro = pt::window(0, l1, false, &rc);
    CHECK_EQ(rc, 0, "  it can be mapped read-only");
    CHECK(rc == 0 && ro[7] == e, "  and reads back the entry written before pinning");
    pt::unwindow(0);
    CHECK_EQ(pt::set_entry(l1, 8, pt::entry(data, pt::data_ro)), 0,
             "mmu_update of a second entry in the pinned L1: 0");
    pt::window(1, data, true, &rc);
    CHECK_EQ(rc, 0, "  the data frame it maps stays mappable writable");
    pt::unwindow(1);
    CHECK_EQ(pt::unpin(l1), 0, "MMUEXT_UNPIN_TABLE: 0");
    pt::window(0, l1, true, &rc);
    CHECK_EQ(rc, 0, "  after unpinning the frame can be mapped writable again");
    pt::unwindow(0);
    CHECK_EQ(pt::unpin(l1), -XEN_EINVAL, "unpin of a table no longer pinned: -EINVAL");
    // As an L2, slot 7 would make the data frame an L1: refused while that
    // frame is mapped writable.
    pt::window(1, data, true, &rc);
    CHECK_EQ(pt::pin(2, l1), -XEN_EINVAL,
             "pin as L2 when an entry's frame is mapped writable: -EINVAL");
    pt::unwindow(1);
}

// Slot 'slot' of the L1 as the guest reads it (through a read-only window).
uint64_t l1_entry(uint32_t l1, uint32_t slot)
{
    const uint64_t* ro = pt::window(0, l1, false);
    uint64_t e = ro ? ro[slot] : 0;
    pt::unwindow(0);
    return e;
}

// MMU_PT_UPDATE_PRESERVE_AD (Linux's ptep_modify_prot_commit): the accessed
// and dirty bits the CPU set in the entry stay; a normal update replaces
// them. 'va' is mapped by slot 2 of the current L1.
void test_preserve_ad(pt::Space& s, uint32_t data, uint32_t va)
{
    constexpr uint64_t ad = pt::A | pt::D;
    CHECK_EQ(hc::update_va_mapping(va, pt::entry(data, pt::P | pt::RW | pt::US), UVMF_INVLPG), 0,
             "map a page with accessed and dirty clear: 0");
    CHECK_EQ(l1_entry(s.l1, 2) & ad, 0u, "  the entry has neither bit");
    *at(va) = 0x600d;
    CHECK_EQ(l1_entry(s.l1, 2) & ad, ad, "  writing the page sets both in the entry");
    mmu_update_t u = {pt::maddr(s.l1) + 2 * 8 + MMU_PT_UPDATE_PRESERVE_AD,
                      pt::entry(data, pt::P | pt::US)};
    CHECK_EQ(hc::mmu_update(&u, 1, nullptr, DOMID_SELF), 0,
             "MMU_PT_UPDATE_PRESERVE_AD to read-only without the bits: 0");
    CHECK_EQ(l1_entry(s.l1, 2), pt::entry(data, pt::P | pt::US) | ad,
             "  the entry is read-only and keeps accessed and dirty");
    // mmu_update flushes nothing (Xen's rule): the guest flushes the page.
    CHECK_EQ(pt::ext(MMUEXT_INVLPG_LOCAL, va), 0, "  MMUEXT_INVLPG_LOCAL of the page: 0");
    Fault f = try_fault(write_word, reinterpret_cast<void*>(va));
    CHECK(f.happened && f.vector == 14, "  writing the page faults now");
    CHECK_EQ(pt::set_entry(s.l1, 2, pt::entry(data, pt::P | pt::RW | pt::US)), 0,
             "MMU_NORMAL_PT_UPDATE back to writable without the bits: 0");
    CHECK_EQ(l1_entry(s.l1, 2), pt::entry(data, pt::P | pt::RW | pt::US),
             "  the bits are gone: a normal update replaces the entry");
    CHECK_EQ(hc::update_va_mapping(va, 0, UVMF_INVLPG), 0, "unmap it again: 0");
}

void test_switch(pt::Space& s)
{
    uint32_t data = pt::alloc_mfn(), data2 = pt::alloc_mfn();
    int32_t rc;
    uint32_t* w = reinterpret_cast<uint32_t*>(pt::window(1, data, true, &rc));
    w[0] = 0xfeedf00d;
    w[1] = 0;
    pt::unwindow(1);
    uint64_t e[2] = {pt::entry(data, pt::data_rw), pt::entry(data, pt::data_ro)};
    CHECK(pt::fill(s.l1, 0, e, 2), "prepare the new L1");

    CHECK_EQ(pt::pin(3, s.l3), 0, "MMUEXT_PIN_L3_TABLE of a fresh 3-level hierarchy: 0");
    CHECK_EQ(pt::pin(3, s.l3), -XEN_EINVAL, "  pinning it twice: -EINVAL");
    CHECK_EQ(pt::new_baseptr(s.l3), 0, "MMUEXT_NEW_BASEPTR to it: 0");
    CHECK_EQ(*at(pt::low_va), 0xfeedf00du, "  0x40000000 reads the data frame");
    *at(pt::low_va + 4) = 0xabcd;
    CHECK_EQ(*at(pt::low_va + 4096 + 4), 0xabcdu, "  the read-only alias sees the write");
    Fault f = try_fault(write_word, reinterpret_cast<void*>(pt::low_va + 4096));
    CHECK(f.happened && f.vector == 14 && (f.error_code & 3) == 3,
          "  writing the read-only alias faults (#PF, present+write)");

    uint32_t va2 = pt::low_va + 2 * 4096;
    f = try_fault(read_word, reinterpret_cast<void*>(va2));
    CHECK(f.happened && f.vector == 14 && f.cr2 == va2, "  an empty slot is not mapped");
    CHECK_EQ(hc::update_va_mapping(va2, pt::entry(data2, pt::data_rw), UVMF_INVLPG), 0,
             "update_va_mapping into the new L1: 0");
    *at(va2) = 0x600d;
    CHECK_EQ(*at(va2), 0x600du, "  the page is writable");
    CHECK_EQ(hc::update_va_mapping(va2, 0, UVMF_INVLPG), 0, "update_va_mapping to unmap it: 0");
    f = try_fault(read_word, reinterpret_cast<void*>(va2));
    CHECK(f.happened && f.vector == 14, "  then it faults again");

    test_preserve_ad(s, data2, va2);

    CHECK_EQ(pt::set_entry(s.l1, 3, pt::entry(data2, pt::data_rw)), 0,
             "mmu_update of the current L1 (slot 3): 0");
    CHECK_EQ(pt::ext(MMUEXT_INVLPG_LOCAL, pt::low_va + 3 * 4096), 0,
             "  the guest flushes the old translation (mmu_update does not): 0");
    CHECK_EQ(*at(pt::low_va + 3 * 4096), 0x600du, "  maps the frame written before");
    CHECK_EQ(pt::set_entry(s.l1, 3, 0), 0, "mmu_update clearing it: 0");

    CHECK_EQ(pt::new_baseptr(pt::boot_l3()), 0, "MMUEXT_NEW_BASEPTR back to the bootstrap L3: 0");
    CHECK_EQ(pt::unpin(s.l3), 0, "unpin the fresh L3: 0");
    const uint32_t tables[] = {s.l3, s.top_l2, s.low_l2, s.l1};
    for (uint32_t m : tables) {
        pt::window(0, m, true, &rc);
        CHECK_EQ(rc, 0, "  each of its tables is a writable frame again");
        pt::unwindow(0);
    }
}

void test_l2_update(pt::Space& s)
{
    // Build bottom-up with mmu_update on pinned tables instead of filling.
    CHECK(pt::clear(s.l1) && pt::clear(s.low_l2), "clear the tables");
    CHECK_EQ(pt::pin(1, s.l1), 0, "pin L1: 0");
    CHECK_EQ(pt::pin(2, s.low_l2), 0, "pin an empty L2: 0");
    CHECK_EQ(pt::set_entry(s.low_l2, 5, pt::entry(s.l1, pt::l2_flags)), 0,
             "mmu_update: L2 entry -> the pinned L1: 0");
    CHECK_EQ(pt::unpin(s.l1), 0, "unpin the L1 while the L2 uses it: 0");
    int32_t rc;
    pt::window(0, s.l1, true, &rc);
    CHECK_EQ(rc, -XEN_EBUSY, "  still an L1 (in use by the L2): not mappable writable");
    pt::unwindow(0);
    CHECK_EQ(pt::set_entry(s.low_l2, 5, 0), 0, "clear the L2 entry: 0");
    pt::window(0, s.l1, true, &rc);
    CHECK_EQ(rc, 0, "  now the old L1 is writable again");
    pt::unwindow(0);
    CHECK_EQ(pt::unpin(s.low_l2), 0, "unpin the L2: 0");
}

} // namespace

void guest_main(start_info_t*)
{
    test_pin_l1();
    pt::Space s;
    CHECK(pt::build_space(s), "build a fresh L3 + top L2 + low L2 + L1");
    test_switch(s);
    test_l2_update(s);
}
