// Strong frame-number types: a machine frame (Mfn) and a guest
// pseudo-physical frame (Gfn) cannot be mixed up. PAE addresses reach 2^52,
// so a 32-bit frame number covers all of it.
#pragma once
#include <cstdint>

enum class Mfn : uint32_t {};
enum class Gfn : uint32_t {};

constexpr uint32_t page_shift = 12;
constexpr uint32_t page_size = 1u << page_shift;

constexpr uint32_t raw(Mfn m) { return static_cast<uint32_t>(m); }
constexpr uint32_t raw(Gfn g) { return static_cast<uint32_t>(g); }
constexpr uint64_t mfn_to_paddr(Mfn m) { return static_cast<uint64_t>(raw(m)) << page_shift; }
constexpr Mfn paddr_to_mfn(uint64_t pa) { return Mfn{static_cast<uint32_t>(pa >> page_shift)}; }
constexpr Mfn operator+(Mfn m, uint32_t n) { return Mfn{raw(m) + n}; }
constexpr Gfn operator+(Gfn g, uint32_t n) { return Gfn{raw(g) + n}; }

constexpr Mfn invalid_mfn{0xFFFFFFFFu};
constexpr Gfn invalid_gfn{0xFFFFFFFFu};
