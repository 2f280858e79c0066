// Feeds arbitrary bytes to the multiboot memory-map sanitiser and checks
// what must hold for any input: page-aligned, sorted, disjoint ranges below
// 2^52, none touching a byte that a non-RAM entry claims.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hypervisor/boot/memmap.hpp"

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    static Memory_map map;
    Mmap_stats st;
    sanitise_multiboot_mmap(data, static_cast<uint32_t>(size), map, st);
    for (unsigned i = 0; i < map.count(); ++i) {
        check(map[i].start % 4096 == 0 && map[i].end % 4096 == 0);
        check(map[i].start < map[i].end && map[i].end <= Memory_map::phys_limit);
        check(i == 0 || map[i - 1].end < map[i].start);
    }
    // Walk the entries again and make sure no reserved byte survived.
    size_t off = 0;
    while (off + 24 <= size) {
        uint32_t esize;
        std::memcpy(&esize, data + off, 4);
        if (esize < 20 || off + 4 + esize > size)
            break;
        uint64_t addr, len;
        uint32_t type;
        std::memcpy(&addr, data + off + 4, 8);
        std::memcpy(&len, data + off + 12, 8);
        std::memcpy(&type, data + off + 20, 4);
        if (type != 1 && len != 0 && addr < Memory_map::phys_limit) {
            uint64_t end = addr + len < addr ? ~0ull : addr + len;
            for (unsigned i = 0; i < map.count(); ++i)
                check(end <= map[i].start || addr >= map[i].end);
        }
        off += 4 + static_cast<size_t>(esize);
    }
    return 0;
}
