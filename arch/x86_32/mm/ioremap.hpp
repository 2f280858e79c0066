// Uncached mappings of device memory and firmware tables (APIC, IO-APIC,
// ACPI) in the I/O remap window. Mappings are permanent: the window is a
// bump allocator sized for a handful of devices and tables.
#pragma once
#include <cstddef>
#include <cstdint>

namespace arch {

enum class Cache { uncached, write_back };

// Returns the virtual address of 'phys' (any alignment), or nullptr when the
// window is exhausted. Safe to call before the frame allocator exists.
void* ioremap(uint64_t phys, size_t len, Cache cache = Cache::uncached);

} // namespace arch
