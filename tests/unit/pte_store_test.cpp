// pte::store and pte::load_consistent (hypervisor/mm/pte_store.hpp): every
// kind of change ends in the new entry, and a reader racing a writer that
// swaps an entry between frames whose addresses differ in both halves only
// ever sees one of the two entries or a non-present one.
#include "hypervisor/mm/pte_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

constexpr uint64_t P = 1, RW = 2;
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

} // namespace
