// A domain's memory: frames enter it zeroed and owned (one allocation
// reference each) and leave it when the domain gives them back and the last
// reference goes. tot_pages never exceeds max_pages.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_alloc.hpp"

struct Domain;

// 2^order contiguous frames for d, or invalid_mfn (limit reached or no
// memory).
[[nodiscard]] Mfn domain_add_extent(Domain& d, unsigned order, Zone z);

// Gives back 2^order frames starting at 'first'; each must be d's. False
// (nothing changed for the failing frame) if one is not.
[[nodiscard]] bool domain_release_extent(Domain& d, Mfn first, unsigned order);
