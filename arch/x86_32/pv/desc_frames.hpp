// Frames a vCPU uses as descriptor tables (its GDT, its LDT): each holds a
// general reference and a descriptor-page type reference (so its contents
// were checked and the guest cannot map it writable) while in use.
#pragma once
#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"

namespace arch {

// Takes both references on every frame, or none (returns the errno).
[[nodiscard]] long take_desc_frames(Mm_ctx& ctx, uint16_t owner, const Mfn* frames, unsigned n);
void release_desc_frames(Mm_ctx& ctx, const Mfn* frames, unsigned n);

} // namespace arch
