// The general registers of a frame by their encoding (ModRM.reg/rm), at a
// width of 1, 2 or 4 bytes: byte registers 4-7 are AH, CH, DH, BH.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

namespace x86emul::detail {

constexpr unsigned reg_eax = 0, reg_ecx = 1, reg_edx = 2, reg_ebx = 3, reg_esp = 4,
                   reg_ebp = 5, reg_esi = 6, reg_edi = 7;

constexpr uint32_t width_mask(unsigned bytes)
{
    return bytes >= 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1;
}

uint32_t& gpr(arch::Exception_frame& r, unsigned index);
uint32_t gpr(const arch::Exception_frame& r, unsigned index);

uint32_t get_reg(const arch::Exception_frame& r, unsigned index, unsigned bytes);
// A 1- or 2-byte write leaves the rest of the register as it was.
void set_reg(arch::Exception_frame& r, unsigned index, unsigned bytes, uint32_t val);

// A 1- or 2-byte value sign-extended to 32 bits.
uint32_t sign_extend(uint32_t v, unsigned bytes);

// Little-endian values of 1, 2, 4 or 8 bytes in memory buffers.
uint64_t load_le(const uint8_t* p, unsigned bytes);
void store_le(uint8_t* p, unsigned bytes, uint64_t val);

} // namespace x86emul::detail
