// Debug keys 'm' (frame table summary) and 'i' (the hypervisor's own
// memory use).
#include "arch/x86_32/mm/kheap.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/boot/mm_boot.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/console/debug_keys.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/frame_alloc.hpp"
#include "hypervisor/mm/mm.hpp"

namespace debug_keys {

void dump_frames()
{
    Frame_allocator& fa = frame_allocator();
    console::printf("(m) frame table: %u frames\n", fa.nr_frames());
    console::printf(" free frames: %u below 72 MiB, %u 72 MiB-4 GiB, %u above 4 GiB\n", fa.free_in_pool(0),
                    fa.free_in_pool(1), fa.free_in_pool(2));
    for_each_domain(
        [](Domain& d, void*) {
            console::printf(" domain %u owns %u frames (max %u)%s\n", d.id, d.tot_pages, d.max_pages,
                            d.life == Domain_life::alive ? "" : ", dying");
        },
        nullptr);
}

void dump_memory_use()
{
    const arch::Frame_table_info& ft = arch::frame_table_info();
    console::printf("(i) hypervisor memory:\n");
    console::printf(" heap: %u bytes in use\n", static_cast<unsigned>(arch::heap_bytes_in_use()));
    console::printf(" frame table: %u KiB descriptors, %u KiB page tables, %u KiB bitmap\n", ft.table_frames * 4,
                    ft.l1_frames * 4, ft.bitmap_frames * 4);
    console::printf(" M2P: %u chunks of 2 MiB (%u KiB)\n", arch::m2p_chunks(), arch::m2p_chunks() * 2048);
}

} // namespace debug_keys
