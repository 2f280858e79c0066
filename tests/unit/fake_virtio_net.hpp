// Fakes for the net driver tests: DMA memory with machine addresses of its
// own (so a driver that hands the device a virtual address, or the wrong
// page, fails), and a legacy virtio-net device that finds its rings from
// the queue PFN with its own reading of the legacy layout and really walks
// them (so a driver whose ring layout is wrong fails too). It can also be
// told to misbehave: return used elements of its choosing.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "tools/lib/net/device_io.hpp"
#include "tools/lib/net/virtio_net.hpp"

namespace net_test {

class Fake_dma final : public net::Dma_memory {
public:
    static constexpr uint64_t ma_base = 0x7654300000ull; // above 4 GiB on purpose
    static constexpr size_t nr_pages = 1024;

    Fake_dma() : arena_(new Arena) {}

    bool alloc(size_t pages, net::Dma_region& out) override
    {
        if (pages == 0 || fail_after == 0 || next_ + pages > nr_pages)
            return false;
        if (fail_after > 0)
            --fail_after;
        out.va = arena_->bytes + next_ * net::page_size;
        out.ma = ma_base + next_ * net::page_size;
        std::memset(out.va, 0, pages * net::page_size);
        next_ += pages;
        allocations.push_back(pages);
        return true;
    }
    // The host bytes at a machine address, if [ma, ma+len) is ours.
    uint8_t* at(uint64_t ma, size_t len)
    {
        if (ma < ma_base || ma - ma_base + len > nr_pages * net::page_size)
            return nullptr;
        return arena_->bytes + (ma - ma_base);
    }

    long fail_after = -1; // allocations that succeed before all fail (-1: never)
    std::vector<size_t> allocations;

private:
    struct Arena {
        alignas(4096) uint8_t bytes[nr_pages * net::page_size];
    };
    std::unique_ptr<Arena> arena_;
    size_t next_ = 0;
};

class Fake_virtio_net final : public net::Port_io {
public:
    static constexpr uint16_t base = 0xC040;
    struct Queue {
        uint16_t size = 256;
        uint32_t pfn = 0;
        uint16_t last_avail = 0;
        unsigned notifies = 0;
    };

    explicit Fake_virtio_net(Fake_dma& dma) : dma_(dma) {}

    // Device behaviour
    uint32_t host_features =
        (1u << 5) | (1u << 15) | (1u << 16) | (1u << 24); // MAC MRG STATUS NOTIFY_ON_EMPTY
    uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    bool process_tx = true;
    Queue q[2];

    // What the driver did
    std::vector<uint8_t> status_writes;
    uint32_t guest_features = 0xFFFFFFFF;
    std::vector<std::vector<uint8_t>> sent;
    unsigned bad_chains = 0; // chains that broke the framing rules
    uint8_t status = 0;
    uint8_t isr = 0;

    // Puts one frame in the next receive buffer; false if none is offered.
    bool inject(const std::vector<uint8_t>& frame)
    {
        uint16_t head = 0;
        if (!next_avail(0, head))
            return false;
        std::vector<uint8_t> bytes(10, 0); // virtio_net_hdr: nothing offloaded
        bytes.insert(bytes.end(), frame.begin(), frame.end());
        size_t done = 0;
        uint16_t i = head;
        for (unsigned hops = 0; hops < q[0].size && done < bytes.size(); ++hops) {
            const Desc d = desc(0, i);
            uint8_t* to = dma_.at(d.addr, d.len);
            if (!(d.flags & 2) || to == nullptr || (hops == 0 && d.len != 10)) {
                ++bad_chains;
                return false;
            }
            const size_t n = std::min<size_t>(d.len, bytes.size() - done);
            std::memcpy(to, bytes.data() + done, n);
            done += n;
            if (!(d.flags & 1))
                break;
            i = d.next;
        }
        if (done < bytes.size()) { // a real device would drop it: too small
            ++bad_chains;
            return false;
        }
        push_used(0, head, static_cast<uint32_t>(done));
        return true;
    }
    // Writes a used element of the test's choosing and bumps used->idx.
    void push_used(unsigned qi, uint32_t id, uint32_t len)
    {
        uint16_t& idx = *used_idx(qi);
        uint32_t* e =
            reinterpret_cast<uint32_t*>(ring(qi) + used_off(qi) + 4 + 8u * (idx % q[qi].size));
        e[0] = id;
        e[1] = len;
        ++idx;
        isr |= 1;
    }
    void set_used_idx(unsigned qi, uint16_t idx) { *used_idx(qi) = idx; }
    void set_used_flags(unsigned qi, uint16_t f) { *used_flags(qi) = f; }
    uint16_t avail_idx(unsigned qi)
    {
        return *reinterpret_cast<uint16_t*>(ring(qi) + desc_bytes(qi) + 2);
    }
    uint16_t pending_rx() { return static_cast<uint16_t>(avail_idx(0) - q[0].last_avail); }

    // Consumes every offered transmit chain: header descriptor (10 bytes,
    // device-readable), then the frame.
    void run_tx()
    {
        uint16_t head = 0;
        while (next_avail(1, head)) {
            std::vector<uint8_t> bytes;
            uint16_t i = head;
            bool ok = true;
            for (unsigned hops = 0; hops < q[1].size; ++hops) {
                const Desc d = desc(1, i);
                const uint8_t* from = dma_.at(d.addr, d.len);
                if ((d.flags & 2) || from == nullptr || (hops == 0 && d.len != 10)) {
                    ok = false;
                    break;
                }
                bytes.insert(bytes.end(), from, from + d.len);
                if (!(d.flags & 1))
                    break;
                i = d.next;
            }
            if (!ok || bytes.size() < 10 ||
                std::any_of(bytes.begin(), bytes.begin() + 10, [](uint8_t b) { return b != 0; }))
                ++bad_chains;
            else
                sent.emplace_back(bytes.begin() + 10, bytes.end());
            push_used(1, head, 0);
        }
    }

    uint8_t in8(uint16_t port) override
    {
        const int off = port - base;
        if (off == 0x12)
            return status;
        if (off == 0x13) {
            const uint8_t v = isr;
            isr = 0; // reading acknowledges
            return v;
        }
        if (off >= 0x14 && off < 0x1A)
            return mac[off - 0x14];
        ++bad_accesses;
        return 0xFF;
    }
    uint16_t in16(uint16_t port) override
    {
        const int off = port - base;
        if (off == 0x0C)
            return sel_ < 2 ? q[sel_].size : 0;
        if (off == 0x0E)
            return sel_;
        ++bad_accesses;
        return 0xFFFF;
    }
    uint32_t in32(uint16_t port) override
    {
        const int off = port - base;
        if (off == 0x00)
            return host_features;
        if (off == 0x04)
            return guest_features;
        if (off == 0x08)
            return sel_ < 2 ? q[sel_].pfn : 0;
        ++bad_accesses;
        return 0xFFFFFFFF;
    }
    void out8(uint16_t port, uint8_t v) override
    {
        if (port - base != 0x12) {
            ++bad_accesses;
            return;
        }
        status = v;
        status_writes.push_back(v);
    }
    void out16(uint16_t port, uint16_t v) override
    {
        const int off = port - base;
        if (off == 0x0E) {
            sel_ = v;
        } else if (off == 0x10 && v < 2) {
            ++q[v].notifies;
            if (v == 1 && process_tx)
                run_tx();
        } else {
            ++bad_accesses;
        }
    }
    void out32(uint16_t port, uint32_t v) override
    {
        const int off = port - base;
        if (off == 0x04)
            guest_features = v;
        else if (off == 0x08 && sel_ < 2)
            q[sel_].pfn = v;
        else
            ++bad_accesses;
    }

    unsigned bad_accesses = 0; // ports outside the register file, wrong widths

private:
    struct Desc {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        uint16_t next;
    };
    // The legacy layout, read independently of the driver's Virtqueue:
    // descriptors, avail (flags, idx, ring, used_event), then used at the
    // next 4096-byte boundary.
    size_t desc_bytes(unsigned qi) const { return 16u * q[qi].size; }
    size_t used_off(unsigned qi) const
    {
        return (desc_bytes(qi) + 6 + 2u * q[qi].size + 4095) & ~size_t{4095};
    }
    uint8_t* ring(unsigned qi)
    {
        return dma_.at(uint64_t{q[qi].pfn} << 12, used_off(qi) + 6 + 8u * q[qi].size);
    }
    Desc desc(unsigned qi, uint16_t i)
    {
        Desc d{};
        if (i < q[qi].size)
            std::memcpy(&d, ring(qi) + 16u * i, 16);
        return d;
    }
    uint16_t* used_flags(unsigned qi)
    {
        return reinterpret_cast<uint16_t*>(ring(qi) + used_off(qi));
    }
    uint16_t* used_idx(unsigned qi) { return used_flags(qi) + 1; }
    bool next_avail(unsigned qi, uint16_t& head)
    {
        if (ring(qi) == nullptr || avail_idx(qi) == q[qi].last_avail)
            return false;
        const uint16_t* slots = reinterpret_cast<uint16_t*>(ring(qi) + desc_bytes(qi) + 4);
        head = slots[q[qi].last_avail % q[qi].size];
        ++q[qi].last_avail;
        return true;
    }

    Fake_dma& dma_;
    uint16_t sel_ = 0;
};

} // namespace net_test
