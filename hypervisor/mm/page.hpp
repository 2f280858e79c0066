// One descriptor per machine frame (the frame table). 16 bytes, so 16 GiB of
// machine memory needs a 64 MiB table (boot/layout.h). The fields are owned
// by two mechanisms:
//   - the frame allocator: 'state', 'order', 'next' (free lists)
//   - page ownership and types: 'count_info', 'type_info', 'owner'
// Bit layouts of count_info/type_info are defined next to the page-type state
// machine through constexpr accessors.
#pragma once
#include <cstdint>

enum class Frame_state : uint8_t {
    absent,     // not RAM, or beyond what the frame table covers
    reserved,   // firmware, hypervisor image, boot modules, frame table
    free,       // on an allocator free list (head of a block of 2^order)
    free_tail,  // inside a free block, not its head
    allocated,  // handed out by the allocator
};

struct Page {
    uint32_t count_info;   // general reference count and flags
    uint32_t type_info;    // current type, type count, validated/pinned
    uint16_t owner;        // domid; DOMID_INVALID (0x7FF4) when unowned
    Frame_state state;
    uint8_t order;         // block order while free
    uint32_t next;         // frame number link: free list or domain page list
};
static_assert(sizeof(Page) == 16, "frame table layout (boot/layout.h) assumes 16 bytes");
