// Boot-time memory set-up: the sanitised memory map, the reservations that
// must survive (BIOS area, the hypervisor image, multiboot info, command
// lines, modules), the frame table and allocator, the map cache and the
// heap. Prints the totals and checks memory above 4 GiB.
#pragma once
#include "boot/multiboot.hpp"
#include "arch/x86_32/mm/frametable.hpp"
#include "arch/x86_32/include/machine_memory.hpp"

namespace arch {

// Call once on the boot CPU after the console is up and before anything
// allocates. Returns false (after logging why) when the machine cannot be
// used; the caller halts.
[[nodiscard]] bool memory_init(const multiboot::Info& mbi);

// The frame table's size, as built by memory_init() (debug key 'i').
const Frame_table_info& frame_table_info();

// Exercises the allocator, the map cache and the heap on the live machine;
// with RAM above 4 GiB, writes and reads back frames there through the map
// cache. Logs one line per check; false if any failed.
[[nodiscard]] bool memory_self_check(uint64_t bytes_above_4g);

} // namespace arch
