#include "arch/x86_32/boot/mm_boot.hpp"

#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/mm/frametable.hpp"
#include "arch/x86_32/mm/ioremap.hpp"
#include "arch/x86_32/mm/kheap.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/boot/memmap.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"

extern "C" const char __image_phys_start[];
extern "C" const char __image_end[];

namespace arch {
namespace {

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t GiB = 1ull << 30;
constexpr uint64_t table_reach = 16 * GiB;  // frame table window: 4M descriptors
constexpr unsigned max_modules = 64;
constexpr uint32_t max_string = 4096;

// Every usable frame, and what is left of it after reservations. Static:
// too large for the boot stack, and there is no allocator yet.
constinit Memory_map ram;
constinit Memory_map avail;
constinit E820_map firmware_map;

// What must never reach the free lists, checked once the table exists.
struct Kept {
    uint64_t start, end;
};
constinit Kept kept[max_modules + 1];
unsigned kept_count;

// Boot data may sit above the direct map (a loader is free to put it
// anywhere below 4 GiB): reach it through the I/O window then.
const void* boot_ptr(uint64_t phys, uint32_t len)
{
    if (phys + len <= HV_DIRECTMAP_SIZE)
        return phys_to_virt<const void>(static_cast<uint32_t>(phys));
    return ioremap(phys, len, Cache::write_back);
}

// A loader string: its text (never null) and the bytes to reserve.
struct Boot_string {
    const char* text;
    uint32_t bytes;
};

Boot_string boot_string(uint32_t phys)
{
    auto* s = static_cast<const char*>(boot_ptr(phys, max_string));
    if (!s)
        return {"", 0};
    uint32_t n = 0;
    while (n < max_string && s[n])
        ++n;
    if (n == max_string)
        return {"(unterminated)", max_string};
    return {s, n + 1};
}

void reserve(uint64_t phys, uint64_t len) { avail.remove(phys, len); }

bool read_map(const multiboot::Info& mbi)
{
    Mmap_stats st;
    if (mbi.flags & multiboot::has_mmap) {
        auto* buf = static_cast<const uint8_t*>(boot_ptr(mbi.mmap_addr, mbi.mmap_length));
        if (buf) {
            sanitise_multiboot_mmap(buf, mbi.mmap_length, ram, st);
            sanitise_multiboot_mmap(buf, mbi.mmap_length, avail, st);
            firmware_map.build_from_multiboot(buf, mbi.mmap_length);
            log::info("memory map: %u entries from the loader (%u ignored, %u clipped)%s",
                      st.entries, st.ignored, st.clipped, st.malformed ? ", malformed tail" : "");
        }
    }
    if (ram.count() == 0 && (mbi.flags & multiboot::has_mem)) {
        log::warn("memory map: none usable from the loader; using mem_lower/mem_upper");
        memmap_from_mem_fields(mbi.mem_lower, mbi.mem_upper, ram);
        memmap_from_mem_fields(mbi.mem_lower, mbi.mem_upper, avail);
    }
    if (ram.truncated())
        log::warn("memory map: more ranges than %u; some RAM is left unused", Memory_map::capacity);
    for (unsigned i = 0; i < ram.count(); ++i)
        log::debug("  RAM %#014llx-%#014llx (%llu KiB)", ram[i].start, ram[i].end,
                   ram[i].size() >> 10);
    if (ram.highest_end() > table_reach) {
        uint64_t ignored = ram.total() - ram.total_below(table_reach);
        log::warn("memory: %llu MiB of RAM above 16 GiB is ignored (frame table limit)",
                  ignored / MiB);
        ram.remove(table_reach, Memory_map::phys_limit - table_reach);
        avail.remove(table_reach, Memory_map::phys_limit - table_reach);
    }
    return ram.count() != 0;
}

void reserve_modules(const multiboot::Info& mbi)
{
    if (!(mbi.flags & multiboot::has_mods) || mbi.mods_count == 0)
        return;
    uint32_t n = mbi.mods_count;
    if (n > max_modules) {
        log::warn("multiboot: %u modules listed; only the first %u are kept", n, max_modules);
        n = max_modules;
    }
    reserve(mbi.mods_addr, n * sizeof(multiboot::Module));
    auto* mods = static_cast<const multiboot::Module*>(
        boot_ptr(mbi.mods_addr, n * static_cast<uint32_t>(sizeof(multiboot::Module))));
    if (!mods)
        return;
    for (uint32_t i = 0; i < n; ++i) {
        const multiboot::Module& m = mods[i];
        Boot_string s = m.string ? boot_string(m.string) : Boot_string{"", 0};
        if (m.string)
            reserve(m.string, s.bytes);
        if (m.mod_end < m.mod_start) {
            log::warn("module %u: bogus range %#x-%#x, not reserved", i, m.mod_start, m.mod_end);
            continue;
        }
        reserve(m.mod_start, m.mod_end - m.mod_start);
        kept[kept_count++] = {m.mod_start, m.mod_end};
        log::info("module %u: %#010x-%#010x (%u bytes) '%s'", i, m.mod_start, m.mod_end,
                  m.mod_end - m.mod_start, s.text);
    }
}

void reserve_boot_data(const multiboot::Info& mbi, uint32_t mbi_phys)
{
    // Real-mode IVT, BIOS data, EBDA, ROMs; the AP trampoline page is taken
    // from here later, so none of it is ever handed out.
    reserve(0, 1 * MiB);
    auto image_start = reinterpret_cast<uintptr_t>(__image_phys_start);
    reserve(image_start, virt_to_phys(__image_end) - image_start);
    kept[kept_count++] = {image_start, virt_to_phys(__image_end)};
    reserve(mbi_phys, sizeof(multiboot::Info));
    if (mbi.flags & multiboot::has_cmdline)
        reserve(mbi.cmdline, boot_string(mbi.cmdline).bytes);
    if (mbi.flags & multiboot::has_loader_name)
        reserve(mbi.boot_loader_name, boot_string(mbi.boot_loader_name).bytes);
    if (mbi.flags & multiboot::has_mmap)
        reserve(mbi.mmap_addr, mbi.mmap_length);
    reserve_modules(mbi);
}

// Every frame of the image and the modules must be reserved in the table:
// a loader bug or a sanitiser bug would otherwise hand dom0's kernel out as
// free memory.
bool verify_kept()
{
    bool ok = true;
    for (unsigned i = 0; i < kept_count; ++i) {
        for (uint64_t pa = kept[i].start & ~0xFFFull; pa < kept[i].end; pa += page_size) {
            Page* p = mfn_to_page(paddr_to_mfn(pa));
            if (p && p->state != Frame_state::reserved) {
                log::error("memory: frame %#llx of a boot image is not reserved", pa);
                ok = false;
                break;
            }
        }
    }
    return ok;
}

Frame_table_info table_info;

void print_totals(const Frame_table_info& ft)
{
    Frame_allocator& fa = frame_allocator();
    uint64_t usable = ram.total();
    uint64_t free_all = static_cast<uint64_t>(fa.free_frames(Zone::any)) << page_shift;
    log::info("memory: %llu MiB usable RAM (%llu MiB above 4 GiB), %llu KiB reserved",
              usable / MiB, (usable - ram.total_below(4 * GiB)) / MiB, (usable - free_all) >> 10);
    log::info("frame table: %u frames, %u KiB of descriptors + %u KiB page tables + %u KiB bitmap",
              ft.frames, ft.table_frames * 4, ft.l1_frames * 4, ft.bitmap_frames * 4);
    log::info("free frames: %u below 72 MiB, %u at 72 MiB-4 GiB, %u above 4 GiB (%llu MiB)",
              fa.free_in_pool(0), fa.free_in_pool(1), fa.free_in_pool(2), free_all / MiB);
}

} // namespace

const Memory_map& machine_ram_map() { return ram; }
const E820_map& machine_e820() { return firmware_map; }

const Frame_table_info& frame_table_info() { return table_info; }

bool memory_init(const multiboot::Info& mbi)
{
    mapcache_init();
    if (!read_map(mbi)) {
        log::error("memory: the loader reported no usable RAM");
        return false;
    }
    reserve_boot_data(mbi, virt_to_phys(&mbi));
    if (!frame_table_init(ram, avail, table_info))
        return false;
    pv_frame_space_init();
    heap_init();
    if (!tlb_clock_init(max_mfn())) {
        log::error("memory: no room for the TLB-flush stamps");
        return false;
    }
    print_totals(table_info);
    if (!verify_kept())
        return false;
    return memory_self_check(ram.total() - ram.total_below(4 * GiB));
}

} // namespace arch
