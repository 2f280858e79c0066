// The hypervisor's Frame_space (hypervisor/mm/frame_space.hpp) where the
// page-type core and the grant copy call it most: mapping a table or page
// (the map cache), and stamping a frame whose last writable mapping went
// (the TLB clock). Inline, not through the virtual calls: a map cache hit
// is a dozen instructions in the caller, a stamp three.
#pragma once
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"

namespace arch {

inline uint64_t* map_table(Mfn m)
{
    return static_cast<uint64_t*>(map_frame(m));
}
inline void unmap_table(uint64_t* t)
{
    unmap_frame(t);
}
inline void note_writable_dropped(Mfn m)
{
    tlb_stamp_frame(m);
}

} // namespace arch
