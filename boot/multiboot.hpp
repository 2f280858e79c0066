// Multiboot v1 information structures (Multiboot Specification 0.6.96, §3.3).
#pragma once
#include <cstdint>

namespace multiboot {

constexpr uint32_t loader_magic = 0x2BADB002;

enum Info_flags : uint32_t {
    has_mem = 1u << 0,
    has_cmdline = 1u << 2,
    has_mods = 1u << 3,
    has_mmap = 1u << 6,
    has_loader_name = 1u << 9,
};

struct Info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
};
static_assert(sizeof(Info) == 68);

struct Module {
    uint32_t mod_start, mod_end;
    uint32_t string;
    uint32_t reserved;
};
static_assert(sizeof(Module) == 16);

// Entries are variable-sized: 'size' excludes the size field itself.
struct [[gnu::packed]] Mmap_entry {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;
};
static_assert(sizeof(Mmap_entry) == 24);

} // namespace multiboot
