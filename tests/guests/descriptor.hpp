// Segment descriptors as test kernels write them into their GDTs and LDTs.
#pragma once
#include <cstdint>

// A byte-granular, 32-bit, writable data segment (present, S) at 'base'.
constexpr uint64_t data_segment(uint32_t base, uint32_t limit, uint8_t dpl)
{
    uint8_t access = static_cast<uint8_t>(0x92 | (dpl << 5));
    return (limit & 0xFFFFull) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
           (uint64_t{(limit >> 16) & 0xF} << 48) | (uint64_t{0x4} << 52) |
           (uint64_t{base >> 24} << 56);
}
