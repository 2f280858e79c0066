// Set-up of the hypervisor heap (hypervisor/mm/heap.hpp: heap_alloc/heap_free)
// over direct-mapped frames from the frame allocator.
#pragma once
#include <cstddef>

namespace arch {

// After frame_table_init(); before it, heap_alloc() returns nullptr.
void heap_init();
size_t heap_bytes_in_use();

} // namespace arch
