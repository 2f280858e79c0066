// Many L3s sharing their L2s, as a forking Linux has them: every order of
// pinning and unpinning five address spaces must succeed and leave the
// counts as they were. Then the attacker's variant: an L3 whose slot 2
// names a frame the guest maps writable must be refused in every position
// of the pin sequence, however many tables were validated before it: a
// validator that read any frame but the one it validates would approve it.
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"

namespace {

constexpr uint32_t nr_spaces = 5;

struct Spaces {
    uint32_t l3[nr_spaces];
    uint32_t top[nr_spaces];   // each L3's own slot-3 L2 (empty guest part)
    uint32_t shared_l2[2];     // slots 0 and 1 of every L3
    uint32_t shared_l1[2];
    uint32_t data[2];
};

bool build(Spaces& s)
{
    bool ok = true;
    for (int i = 0; i < 2; ++i) {
        s.data[i] = pt::alloc_mfn();
        s.shared_l1[i] = pt::alloc_mfn();
        s.shared_l2[i] = pt::alloc_mfn();
        uint64_t d = pt::entry(s.data[i], pt::data_rw), l1 = pt::entry(s.shared_l1[i], pt::l2_flags);
        ok = ok && pt::fill(s.shared_l1[i], 3, &d, 1) && pt::fill(s.shared_l2[i], 0, &l1, 1);
    }
    for (uint32_t k = 0; k < nr_spaces; ++k) {
        s.l3[k] = pt::alloc_mfn();
        s.top[k] = pt::alloc_mfn();
        uint64_t e[4] = {pt::entry(s.shared_l2[0], pt::l3_flags), pt::entry(s.shared_l2[1], pt::l3_flags), 0,
                         pt::entry(s.top[k], pt::l3_flags)};
        ok = ok && pt::clear(s.top[k]) && pt::fill(s.l3[k], 0, e, 4);
    }
    return ok;
}

bool next_permutation(uint32_t* a, uint32_t n)
{
    uint32_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        --i;
    if (i == 0)
        return false;
    uint32_t j = n - 1;
    while (a[j] <= a[i - 1])
        --j;
    uint32_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (uint32_t l = i, r = n - 1; l < r; ++l, --r) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return true;
}

void test_every_order(const Spaces& s)
{
    uint32_t order[nr_spaces] = {0, 1, 2, 3, 4};
    uint32_t orders = 0, pin_failures = 0, unpin_failures = 0;
    do {
        for (uint32_t k : order)
            if (pt::pin(3, s.l3[k]) != 0)
                ++pin_failures;
        for (uint32_t k : order)
            if (pt::unpin(s.l3[k]) != 0)
                ++unpin_failures;
        ++orders;
    } while (next_permutation(order, nr_spaces));
    CHECK_EQ(orders, 120, "all 120 orders of five L3s tried");
    CHECK_EQ(pin_failures, 0, "  every MMUEXT_PIN_L3_TABLE of an L3 sharing its L2s: 0");
    CHECK_EQ(unpin_failures, 0, "  every unpin: 0");
    // Nothing is a page table any more: every frame can be mapped writable.
    int32_t rc;
    pt::window(0, s.shared_l2[0], true, &rc);
    CHECK_EQ(rc, 0, "  the shared L2 is an ordinary frame again");
    pt::unwindow(0);
    pt::window(0, s.l3[4], true, &rc);
    CHECK_EQ(rc, 0, "  so is the last L3");
    pt::unwindow(0);
}

void test_attacker(const Spaces& s)
{
    // The bad L3: like the others, but slot 2 names a frame the guest maps
    // writable right now (window 1). Taking it as an L2 would hand the
    // guest a writable page directory.
    uint32_t bad = pt::alloc_mfn(), bad_top = pt::alloc_mfn(), victim = pt::alloc_mfn();
    uint64_t e[4] = {pt::entry(s.shared_l2[0], pt::l3_flags), pt::entry(s.shared_l2[1], pt::l3_flags),
                     pt::entry(victim, pt::l3_flags), pt::entry(bad_top, pt::l3_flags)};
    CHECK(pt::clear(victim) && pt::clear(bad_top) && pt::fill(bad, 0, e, 4), "build the bad L3");
    int32_t rc;
    volatile uint64_t* w = pt::window(1, victim, true, &rc);
    CHECK_EQ(rc, 0, "  its slot-2 frame mapped writable");
    uint32_t refused = 0, accepted = 0;
    for (uint32_t pos = 0; pos <= nr_spaces; ++pos) {
        for (uint32_t round = 0; round < 4; ++round) {
            for (uint32_t k = 0; k < nr_spaces; ++k) {
                if (k == pos)
                    (pt::pin(3, bad) == -XEN_EINVAL ? refused : accepted)++;
                (void)pt::pin(3, s.l3[(k + round) % nr_spaces]);
            }
            if (pos == nr_spaces)
                (pt::pin(3, bad) == -XEN_EINVAL ? refused : accepted)++;
            for (uint32_t k = 0; k < nr_spaces; ++k)
                (void)pt::unpin(s.l3[k]);
        }
    }
    CHECK_EQ(accepted, 0, "the bad L3 is never accepted, in any position");
    CHECK_EQ(refused, (nr_spaces + 1) * 4, "  each pin of it is -EINVAL");
    w[0] = 0x1234;
    CHECK(w[0] == 0x1234, "  its slot-2 frame is still an ordinary writable frame");
    pt::unwindow(1);
}

} // namespace

void guest_main(start_info_t*)
{
    Spaces s;
    CHECK(build(s), "build five L3s sharing two L2s");
    test_every_order(s);
    test_attacker(s);
    gtest::finish();
}
