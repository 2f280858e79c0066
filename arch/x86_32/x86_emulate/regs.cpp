#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {

uint32_t& gpr(arch::Exception_frame& r, unsigned index)
{
    switch (index & 7) {
    case reg_eax: return r.eax;
    case reg_ecx: return r.ecx;
    case reg_edx: return r.edx;
    case reg_ebx: return r.ebx;
    case reg_esp: return r.esp;
    case reg_ebp: return r.ebp;
    case reg_esi: return r.esi;
    default: return r.edi;
    }
}

uint32_t gpr(const arch::Exception_frame& r, unsigned index)
{
    return gpr(const_cast<arch::Exception_frame&>(r), index);
}

uint32_t get_reg(const arch::Exception_frame& r, unsigned index, unsigned bytes)
{
    if (bytes == 1 && (index & 4))
        return (gpr(r, index & 3) >> 8) & 0xFFu;
    return gpr(r, index) & width_mask(bytes);
}

void set_reg(arch::Exception_frame& r, unsigned index, unsigned bytes, uint32_t val)
{
    if (bytes == 1 && (index & 4)) {
        uint32_t& g = gpr(r, index & 3);
        g = (g & ~0xFF00u) | ((val & 0xFFu) << 8);
        return;
    }
    uint32_t& g = gpr(r, index);
    uint32_t m = width_mask(bytes);
    g = (g & ~m) | (val & m);
}

uint32_t sign_extend(uint32_t v, unsigned bytes)
{
    if (bytes == 1)
        return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)));
    if (bytes == 2)
        return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v)));
    return v;
}

uint64_t load_le(const uint8_t* p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

void store_le(uint8_t* p, unsigned bytes, uint64_t val)
{
    for (unsigned i = 0; i < bytes; ++i, val >>= 8)
        p[i] = static_cast<uint8_t>(val);
}

} // namespace x86emul::detail
