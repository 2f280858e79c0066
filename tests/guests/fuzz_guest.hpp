// What the random-hypercall guests (hcfuzz, pt_fuzz) share: their
// generator, whose sequence a seed fixes so that a failing run repeats,
// and the test for an address in the guest's own memory, which no call
// may be asked to write (the crash would be the guest's, not the
// hypervisor's).
#pragma once
#include "shared.hpp"

#include <cstdint>

// xorshift32: never 0 from a state that is not 0.
inline uint32_t xorshift32(uint32_t& s)
{
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

// Inside the guest's pages, from where its image is linked.
inline bool in_own_memory(uint32_t va)
{
    return va - guest_virt_base < guest_start_info()->nr_pages * guest_page_size;
}
