// Builds the frame table at HV_FRAMETABLE_START: sizes it to the highest
// usable frame (capped at 16 GiB, all the window holds), backs it with
// frames taken from the free map, marks every frame absent, reserved or
// free, and starts the frame allocator over it.
#pragma once
#include <cstdint>

#include "hypervisor/boot/memmap.hpp"

namespace arch {

struct Frame_table_info {
    uint32_t frames;          // descriptors
    uint32_t table_frames;    // frames backing the descriptors
    uint32_t l1_frames;       // L1 tables mapping them
    uint32_t bitmap_frames;   // allocator bitmap (in the direct map)
};

// 'ram' is every usable frame; 'avail' is 'ram' minus reservations and is
// consumed: the table's own frames are taken out of it and the rest is
// handed to the allocator. Both must already be capped to the table's
// reach. Returns false (and logs why) if the table cannot be built.
[[nodiscard]] bool frame_table_init(const Memory_map& ram, Memory_map& avail, Frame_table_info& out);

} // namespace arch
