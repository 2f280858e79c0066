// Frames a vCPU uses as descriptor tables (its GDT, its LDT): each holds a
// general reference and a descriptor-page type reference (so its contents
// were checked and the guest cannot map it writable) while in use.
#pragma once
#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"

struct Vcpu;

namespace arch {

// Takes both references on every frame, or none (returns the errno).
[[nodiscard]] long take_desc_frames(Mm_ctx& ctx, uint16_t owner, const Mfn* frames, unsigned n);
void release_desc_frames(Mm_ctx& ctx, const Mfn* frames, unsigned n);

// v's GDT becomes 'frames' (n of them, 'entries' descriptors): the new
// frames are taken before the old ones go; mapped at once on this CPU
// when v runs here, else when it next does. Caller holds v's domain's
// mm_lock. 0 or the errno of the first frame refused.
[[nodiscard]] long set_gdt_frames(Mm_ctx& ctx, Vcpu& v, const Mfn* frames, unsigned n,
                                  uint32_t entries);

} // namespace arch
