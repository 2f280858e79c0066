// Integer arithmetic at 8, 16 and 32 bits with the EFLAGS results the CPU
// produces (Intel SDM vol. 1, 3.4.3.1; vol. 2 per instruction). Flags an
// instruction leaves undefined are set as current Intel and AMD parts do
// for the logic operations (AF cleared) and left alone for bit tests.
#pragma once
#include <cstdint>

namespace x86emul::detail {

constexpr uint32_t fl_cf = 1u << 0, fl_pf = 1u << 2, fl_af = 1u << 4, fl_zf = 1u << 6,
                   fl_sf = 1u << 7, fl_df = 1u << 10, fl_of = 1u << 11;
constexpr uint32_t fl_arith = fl_cf | fl_pf | fl_af | fl_zf | fl_sf | fl_of;

// In ModRM.reg / opcode-bits-3..5 order.
enum class Alu : uint8_t { add, or_, adc, sbb, and_, sub, xor_, cmp };

// a op b at 'bytes' width; the six arithmetic flags of 'eflags' are
// replaced (adc/sbb read CF from it). cmp returns a - b like sub.
uint32_t alu(Alu op, uint32_t a, uint32_t b, unsigned bytes, uint32_t& eflags);
// inc/dec: CF is kept.
uint32_t inc_dec(bool dec, uint32_t a, unsigned bytes, uint32_t& eflags);
// neg: 0 - a, CF set unless a is 0.
uint32_t neg(uint32_t a, unsigned bytes, uint32_t& eflags);

} // namespace x86emul::detail
