// The legacy virtio-net driver against a fake device that walks the rings
// the way QEMU's does (fake_virtio_net.hpp): set-up and negotiation,
// frames both ways, ring exhaustion, and a device that lies.
#include <gtest/gtest.h>

#include <vector>

#include "fake_virtio_net.hpp"
#include "tools/lib/net/virtio_net.hpp"

namespace {

using net::Virtio_net;
using net_test::Fake_dma;
using net_test::Fake_virtio_net;
using Err = Virtio_net::Err;

std::vector<uint8_t> frame_of(size_t len, uint8_t seed)
{
    std::vector<uint8_t> f(len);
    for (size_t i = 0; i < len; ++i)
        f[i] = static_cast<uint8_t>(seed + i * 7);
    return f;
}

struct Collect final : net::Frame_sink {
    void frame(const uint8_t* data, size_t len) override { got.emplace_back(data, data + len); }
    std::vector<std::vector<uint8_t>> got;
};

struct VirtioNet : ::testing::Test {
    Fake_dma dma;
    Fake_virtio_net dev{dma};
    Virtio_net nic;

    void up() { ASSERT_EQ(nic.init(dev, Fake_virtio_net::base, dma), Err::none); }
};

TEST_F(VirtioNet, InitResetsAcknowledgesAndEndsWithDriverOk)
{
    up();
    const std::vector<uint8_t> expected{0, 1, 3, 7};
    EXPECT_EQ(dev.status_writes, expected);
    EXPECT_TRUE(nic.ready());
    EXPECT_EQ(dev.bad_accesses, 0u);
}

TEST_F(VirtioNet, NegotiatesOnlyTheMacFeatureAndReadsTheMac)
{
    up();
    EXPECT_EQ(dev.guest_features, 1u << 5);
    const net::Mac m = nic.mac();
    EXPECT_EQ(std::vector<uint8_t>(m.b, m.b + 6), std::vector<uint8_t>(dev.mac, dev.mac + 6));
}

TEST_F(VirtioNet, RingsAreThreeContiguousPagesForQueueSize256)
{
    EXPECT_EQ(net::Virtqueue::ring_bytes(256), 10246u);
    up();
    ASSERT_GE(dma.allocations.size(), 1u);
    EXPECT_EQ(dma.allocations[0], 3u);
    EXPECT_NE(dev.q[0].pfn, 0u);
    EXPECT_NE(dev.q[1].pfn, 0u);
    EXPECT_NE(dev.q[0].pfn, dev.q[1].pfn);
}

TEST_F(VirtioNet, OffersEveryReceiveBufferAndKicksOnce)
{
    up();
    EXPECT_EQ(dev.pending_rx(), Virtio_net::max_buffers);
    EXPECT_EQ(dev.q[0].notifies, 1u);
}

TEST_F(VirtioNet, SentFrameReachesTheDeviceBehindAZeroHeaderOfItsOwn)
{
    up();
    const auto f = frame_of(60, 1);
    ASSERT_TRUE(nic.send(f.data(), f.size()));
    ASSERT_EQ(dev.sent.size(), 1u);
    EXPECT_EQ(dev.sent[0], f);
    EXPECT_EQ(dev.bad_chains, 0u);
    EXPECT_EQ(dev.q[1].notifies, 1u);
}

TEST_F(VirtioNet, SendsFramesOfEverySizeFromHeaderToMtu)
{
    up();
    Collect sink;
    for (size_t len : {size_t{14}, size_t{15}, size_t{1000}, size_t{1513}, size_t{1514}}) {
        const auto f = frame_of(len, static_cast<uint8_t>(len));
        ASSERT_TRUE(nic.send(f.data(), f.size())) << len;
        nic.poll(sink);
        EXPECT_EQ(dev.sent.back(), f) << len;
    }
}

TEST_F(VirtioNet, RefusesFramesOfBadLength)
{
    up();
    const auto big = frame_of(1515, 0);
    EXPECT_FALSE(nic.send(big.data(), 1515));
    EXPECT_FALSE(nic.send(big.data(), 13));
    EXPECT_FALSE(nic.send(big.data(), 0));
    EXPECT_FALSE(nic.send(nullptr, 60));
    EXPECT_TRUE(dev.sent.empty());
    EXPECT_EQ(dev.q[1].notifies, 0u);
}

TEST_F(VirtioNet, SendBeforeInitIsRefused)
{
    const auto f = frame_of(60, 0);
    EXPECT_FALSE(nic.send(f.data(), f.size()));
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 0u);
}

TEST_F(VirtioNet, FullTransmitRingDropsUntilTheDeviceReturnsBuffers)
{
    dev.process_tx = false;
    up();
    const auto f = frame_of(100, 3);
    for (unsigned i = 0; i < Virtio_net::max_buffers; ++i)
        ASSERT_TRUE(nic.send(f.data(), f.size())) << i;
    EXPECT_FALSE(nic.send(f.data(), f.size()));
    dev.run_tx();
    EXPECT_EQ(dev.sent.size(), Virtio_net::max_buffers);
    Collect sink;
    nic.poll(sink);
    EXPECT_TRUE(nic.send(f.data(), f.size()));
}

TEST_F(VirtioNet, ThousandsOfFramesEachWayReuseTheBuffers)
{
    up();
    Collect sink;
    size_t expected = 0;
    for (unsigned round = 0; round < 40; ++round) {
        for (unsigned i = 0; i < 100; ++i) {
            const auto f = frame_of(60 + (round * 100 + i) % 1400, static_cast<uint8_t>(i));
            ASSERT_TRUE(dev.inject(f));
            ASSERT_TRUE(nic.send(f.data(), f.size()));
        }
        expected += 100;
        EXPECT_EQ(nic.poll(sink), 100u);
    }
    ASSERT_EQ(sink.got.size(), expected);
    EXPECT_EQ(dev.sent.size(), expected);
    EXPECT_EQ(sink.got.back(), frame_of(60 + 3999 % 1400, 99));
    EXPECT_EQ(dev.bad_chains, 0u);
    EXPECT_EQ(nic.dropped(), 0u);
}

TEST_F(VirtioNet, ReceivedFramesArriveInOrderWithoutTheHeader)
{
    up();
    for (uint8_t i = 0; i < 5; ++i)
        ASSERT_TRUE(dev.inject(frame_of(64 + i, i)));
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 5u);
    ASSERT_EQ(sink.got.size(), 5u);
    for (uint8_t i = 0; i < 5; ++i)
        EXPECT_EQ(sink.got[i], frame_of(64 + i, i));
    EXPECT_EQ(dev.pending_rx(), Virtio_net::max_buffers); // all offered again
    EXPECT_EQ(nic.poll(sink), 0u);
}

TEST_F(VirtioNet, ReceivesAVlanSizedFrame)
{
    up();
    ASSERT_TRUE(dev.inject(frame_of(1518, 9)));
    Collect sink;
    ASSERT_EQ(nic.poll(sink), 1u);
    EXPECT_EQ(sink.got[0], frame_of(1518, 9));
}

TEST_F(VirtioNet, ReadingTheIsrAcknowledges)
{
    up();
    EXPECT_EQ(nic.ack_interrupt(), 0u);
    ASSERT_TRUE(dev.inject(frame_of(60, 0)));
    EXPECT_EQ(nic.ack_interrupt(), 1u);
    EXPECT_EQ(nic.ack_interrupt(), 0u);
}

TEST_F(VirtioNet, NoKickWhileTheDeviceSaysNoNotify)
{
    up();
    dev.set_used_flags(1, 1);
    dev.process_tx = false;
    const auto f = frame_of(60, 0);
    ASSERT_TRUE(nic.send(f.data(), f.size()));
    EXPECT_EQ(dev.q[1].notifies, 0u);
    dev.set_used_flags(1, 0);
    ASSERT_TRUE(nic.send(f.data(), f.size()));
    EXPECT_EQ(dev.q[1].notifies, 1u);
}

TEST_F(VirtioNet, SmallQueueGetsFewerBuffers)
{
    dev.q[0].size = 8;
    dev.q[1].size = 8;
    up();
    EXPECT_EQ(dev.pending_rx(), 4u);
    dev.process_tx = false;
    const auto f = frame_of(60, 0);
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(nic.send(f.data(), f.size()));
    EXPECT_FALSE(nic.send(f.data(), f.size()));
    for (uint8_t i = 0; i < 4; ++i)
        ASSERT_TRUE(dev.inject(frame_of(60, i)));
    EXPECT_FALSE(dev.inject(frame_of(60, 9))); // all four are the device's
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 4u);
    EXPECT_TRUE(dev.inject(frame_of(60, 9)));
}

// --- set-up failures: FAILED in the status, driver unusable

TEST_F(VirtioNet, DeviceWithoutMacFails)
{
    dev.host_features = 1u << 16;
    EXPECT_EQ(nic.init(dev, Fake_virtio_net::base, dma), Err::no_mac);
    EXPECT_TRUE(dev.status & 0x80);
    EXPECT_FALSE(dev.status & 4);
    EXPECT_FALSE(nic.ready());
}

TEST_F(VirtioNet, QueueSizeZeroOrNotPowerOfTwoFails)
{
    for (uint16_t size :
         {uint16_t{0}, uint16_t{3}, uint16_t{1}, uint16_t{2048}, uint16_t{0xFFFF}}) {
        Fake_dma d;
        Fake_virtio_net v{d};
        v.q[1].size = size;
        Virtio_net n;
        EXPECT_EQ(n.init(v, Fake_virtio_net::base, d), Err::no_queue) << size;
        EXPECT_TRUE(v.status & 0x80) << size;
        const auto f = frame_of(60, 0);
        EXPECT_FALSE(n.send(f.data(), f.size()));
    }
}

TEST_F(VirtioNet, DmaExhaustionFailsAtEveryStep)
{
    // A ring and 64 buffer pages per queue: 130 allocations in all.
    constexpr long needed = 2 * (1 + Virtio_net::max_buffers / 2);
    for (long ok = 0; ok <= needed; ++ok) {
        Fake_dma d;
        d.fail_after = ok;
        Fake_virtio_net v{d};
        Virtio_net n;
        const Err e = n.init(v, Fake_virtio_net::base, d);
        if (ok == needed) {
            EXPECT_EQ(e, Err::none);
            EXPECT_TRUE(n.ready());
            continue;
        }
        EXPECT_EQ(e, Err::no_memory) << ok;
        EXPECT_TRUE(v.status & 0x80) << ok;
        EXPECT_FALSE(v.status & 4) << ok;
        EXPECT_FALSE(n.ready()) << ok;
    }
}

TEST_F(VirtioNet, IoBaseThatWrapsThePortSpaceIsRefusedUntouched)
{
    EXPECT_EQ(nic.init(dev, 0xFFF0, dma), Err::bad_io_base);
    EXPECT_EQ(nic.init(dev, 0, dma), Err::bad_io_base);
    EXPECT_TRUE(dev.status_writes.empty());
    EXPECT_EQ(nic.ack_interrupt(), 0u);
}

// --- a device that lies in its used rings

TEST_F(VirtioNet, UsedIdOutOfRangeIsDropped)
{
    up();
    dev.push_used(0, 9999, 70);
    dev.push_used(0, 256, 70);
    dev.push_used(0, 0xFFFFFFFF, 70);
    ASSERT_TRUE(dev.inject(frame_of(60, 5)));
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 1u);
    EXPECT_EQ(sink.got[0], frame_of(60, 5));
    EXPECT_EQ(nic.dropped(), 3u);
    EXPECT_TRUE(nic.ready());
}

TEST_F(VirtioNet, UsedIdNotAChainHeadOrNotHeldIsDropped)
{
    up();
    ASSERT_TRUE(dev.inject(frame_of(60, 1))); // buffer 0 returned
    Collect sink;
    ASSERT_EQ(nic.poll(sink), 1u);
    dev.process_tx = false;
    const auto f = frame_of(60, 0);
    ASSERT_TRUE(nic.send(f.data(), f.size()));
    dev.push_used(0, 1, 70);  // the data descriptor of buffer 0
    dev.push_used(1, 2, 0);   // tx buffer 1, never sent
    dev.push_used(1, 255, 0); // odd
    nic.poll(sink);
    EXPECT_EQ(nic.dropped(), 3u);
    EXPECT_EQ(sink.got.size(), 1u);
}

TEST_F(VirtioNet, BufferReturnedTwiceIsDeliveredOnce)
{
    up();
    // The device returns rx buffer 5 (head 10) twice before the driver polls.
    dev.push_used(0, 10, 70);
    dev.push_used(0, 10, 70);
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 1u);
    EXPECT_EQ(nic.dropped(), 1u);
}

TEST_F(VirtioNet, UsedLengthsOutsideTheBufferAreDropped)
{
    up();
    dev.push_used(0, 0, 10 + 1519);  // more than the buffer holds
    dev.push_used(0, 2, 0xFFFFFFFF); // would wrap a length computation
    dev.push_used(0, 4, 9);          // shorter than the header
    dev.push_used(0, 6, 10 + 13);    // header and no Ethernet header
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 0u);
    EXPECT_EQ(nic.dropped(), 4u);
    // The buffers went back to the device all the same (offered again on
    // top of the ones the fake never took: it lied about those).
    EXPECT_EQ(dev.pending_rx(), Virtio_net::max_buffers + 4);
    ASSERT_TRUE(dev.inject(frame_of(70, 2)));
    EXPECT_EQ(nic.poll(sink), 1u);
}

TEST_F(VirtioNet, UsedIndexBeyondTheQueueGivesTheDeviceUp)
{
    up();
    dev.set_used_idx(0, 5000);
    Collect sink;
    EXPECT_EQ(nic.poll(sink), 0u);
    EXPECT_TRUE(nic.failed());
    EXPECT_FALSE(nic.ready());
    EXPECT_TRUE(dev.status & 0x80);
    const auto f = frame_of(60, 0);
    EXPECT_FALSE(nic.send(f.data(), f.size()));
    EXPECT_EQ(nic.poll(sink), 0u);
}

TEST_F(VirtioNet, UsedIndexGoingBackwardsGivesTheDeviceUp)
{
    up();
    ASSERT_TRUE(dev.inject(frame_of(60, 0)));
    Collect sink;
    ASSERT_EQ(nic.poll(sink), 1u);
    dev.set_used_idx(0, 0); // one back: 65535 "new" elements
    EXPECT_EQ(nic.poll(sink), 0u);
    EXPECT_TRUE(nic.failed());
}

TEST_F(VirtioNet, SecondInitStartsAfresh)
{
    dev.process_tx = false;
    up();
    const auto f = frame_of(60, 0);
    for (unsigned i = 0; i < Virtio_net::max_buffers; ++i)
        ASSERT_TRUE(nic.send(f.data(), f.size()));
    Fake_dma d2;
    Fake_virtio_net dev2{d2};
    ASSERT_EQ(nic.init(dev2, Fake_virtio_net::base, d2), Err::none);
    EXPECT_TRUE(nic.send(f.data(), f.size())); // no buffer left marked as the old device's
    EXPECT_EQ(dev2.sent.size(), 1u);
}

TEST_F(VirtioNet, TransmitUsedIndexBeyondTheQueueGivesTheDeviceUp)
{
    up();
    dev.set_used_idx(1, 300);
    Collect sink;
    nic.poll(sink);
    EXPECT_TRUE(nic.failed());
}

} // namespace
