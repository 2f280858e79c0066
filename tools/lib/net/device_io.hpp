// What a device driver needs from the kernel it runs in: port I/O and
// memory the device can reach by DMA. dom0 implements them with IN/OUT and
// its own pages (tools/dom0/dom0_nic.cpp); tests with fakes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace net {

class Port_io {
public:
    virtual uint8_t in8(uint16_t port) = 0;
    virtual uint16_t in16(uint16_t port) = 0;
    virtual uint32_t in32(uint16_t port) = 0;
    virtual void out8(uint16_t port, uint8_t v) = 0;
    virtual void out16(uint16_t port, uint16_t v) = 0;
    virtual void out32(uint16_t port, uint32_t v) = 0;

protected:
    ~Port_io() = default;
};

constexpr size_t page_size = 4096;

// Pages a device can read and write: va is where the driver sees them, ma
// the machine (bus) address the device is given. A region of several pages
// is machine-contiguous and 4 KiB-aligned, and starts zeroed.
struct Dma_region {
    uint8_t* va = nullptr;
    uint64_t ma = 0;
};

class Dma_memory {
public:
    // False when no run of that many contiguous pages can be had.
    virtual bool alloc(size_t pages, Dma_region& out) = 0;

protected:
    ~Dma_memory() = default;
};

} // namespace net
