// pte::store and pte::load_consistent (hypervisor/mm/pte_store.hpp): every
// kind of change ends in the new entry, and a reader racing a writer that
// swaps an entry between frames whose addresses differ in both halves only
// ever sees one of the two entries or a non-present one. store_keeping_ad
// (MMU_PT_UPDATE_PRESERVE_AD) keeps a dirty bit a CPU sets while it runs.
#include "hypervisor/mm/pte_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

constexpr uint64_t P = 1, RW = 2, A = 0x20, D = 0x40;
// Frames above 4 GiB whose addresses differ in both halves.
constexpr uint64_t frame_a = 0x1'2345'6000ull | P | RW;
constexpr uint64_t frame_b = 0x2'6543'2000ull | P;

TEST(PteStore, EveryKindOfChangeEndsInTheNewEntry)
{
    const uint64_t values[] = {0, frame_a, frame_b, frame_a & ~P, 0x1'0000'0000ull | P, 0x7000ull | P};
    for (uint64_t o : values)
        for (uint64_t n : values) {
            uint64_t e = o;
            pte::store(&e, o, n);
            EXPECT_EQ(e, n) << std::hex << o << " -> " << n;
            EXPECT_EQ(pte::load_consistent(&e), n);
        }
}

TEST(PteStore, AReaderRacingSwapsBetweenFramesSeesNoMixOfTheTwo)
{
    alignas(8) uint64_t e = frame_a;
    std::atomic<bool> stop{false};
    std::atomic<uint32_t> torn{0}, reads{0}, saw_b{0};
    std::thread reader([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            uint64_t v = pte::load_consistent(&e);
            reads.fetch_add(1, std::memory_order_relaxed);
            if (v == frame_b)
                saw_b.fetch_add(1, std::memory_order_relaxed);
            else if (v != frame_a && (v & P) != 0)
                torn.fetch_add(1, std::memory_order_relaxed);
        }
    });
    // Swaps go on until the reader has seen the second entry many times,
    // or for 2 s: on a loaded machine the reader may start late.
    uint64_t cur = frame_a;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (uint32_t i = 0; saw_b.load(std::memory_order_relaxed) < 10'000u; ++i) {
        uint64_t next = cur == frame_a ? frame_b : frame_a;
        pte::store(&e, cur, next);
        cur = next;
        if (i % 4096 == 0 && std::chrono::steady_clock::now() > give_up)
            break;
    }
    stop = true;
    reader.join();
    EXPECT_EQ(torn.load(), 0u) << "of " << reads.load() << " reads";
    EXPECT_GT(saw_b.load(), 0u);
}

TEST(PteStore, KeepingAdEndsInTheNewEntryWithTheOldAccessedAndDirtyBits)
{
    const uint64_t values[] = {0,          frame_a,     frame_b | A | D, frame_a & ~P,
                               (frame_a & ~P) | D, 0x1'0000'0000ull | P | A, 0x7000ull | P | D};
    for (uint64_t o : values)
        for (uint64_t n : values) {
            uint64_t e = o;
            uint64_t want = n | (o & (A | D));
            EXPECT_EQ(pte::store_keeping_ad(&e, o, n), want) << std::hex << o << " -> " << n;
            EXPECT_EQ(e, want) << std::hex << o << " -> " << n;
        }
}

// A CPU's dirty-bit update as the hardware does it: a locked operation on
// the low half, only on an entry that is present.
bool cpu_sets_dirty(uint64_t* e)
{
    auto* lo = reinterpret_cast<uint32_t*>(e);
    uint32_t v = __atomic_load_n(lo, __ATOMIC_SEQ_CST);
    while (v & P)
        if (__atomic_compare_exchange_n(lo, &v, v | D, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
    return false;
}

void spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; ++i) {
    }
}

// The guest reads the entry, a CPU dirties the page, the guest's update
// (preserving A/D) lands: the dirty bit must survive, whatever the order.
// Run with the new entry in the same frame's high half and in another.
void race_dirty_bit(uint64_t to)
{
    alignas(8) uint64_t e = frame_a;
    std::atomic<uint32_t> phase{0}, acked{0};
    std::atomic<bool> set{false};
    constexpr uint32_t rounds = 20'000;
    std::thread cpu([&] {
        for (uint32_t r = 1; r <= rounds; ++r) {
            while (phase.load(std::memory_order_acquire) != r) {
            }
            spin(r % 97);
            set.store(cpu_sets_dirty(&e), std::memory_order_relaxed);
            acked.store(r, std::memory_order_release);
        }
    });
    uint32_t lost = 0, dirtied = 0;
    for (uint32_t r = 1; r <= rounds; ++r) {
        e = frame_a;
        phase.store(r, std::memory_order_release);
        uint64_t o = pte::load_consistent(&e);
        spin((r * 7) % 89);
        pte::store_keeping_ad(&e, o, to);
        while (acked.load(std::memory_order_acquire) != r) {
        }
        if (set.load(std::memory_order_relaxed)) {
            ++dirtied;
            lost += (e & D) == 0;
        }
        EXPECT_EQ(e & ~(A | D), to) << std::hex << e;
    }
    cpu.join();
    EXPECT_EQ(lost, 0u) << "dirty bits lost, of " << dirtied << " set";
    EXPECT_GT(dirtied, 0u);
}

TEST(PteStore, KeepingAdKeepsADirtyBitSetDuringTheUpdate)
{
    race_dirty_bit((frame_a & ~RW) | 0x1000); // the high half unchanged
    race_dirty_bit(frame_b);                  // both halves change
}

} // namespace
