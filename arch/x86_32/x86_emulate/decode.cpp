// Instruction decoding: legacy prefixes, the one-byte and 0F maps, ModRM
// with SIB and displacement (32- and 16-bit addressing), immediates, and
// the checks the CPU makes before executing anything (length, LOCK).
#include "arch/x86_32/x86_emulate/insn.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {
namespace {

constexpr unsigned max_insn_len = 15;
constexpr uint32_t page_size = 4096;

// Code bytes on demand, at most 15, fetched in pieces that never cross a
// page (so a fault on the next page is only taken if the bytes are used).
class Fetcher {
public:
    // 'pre': the first 'n' bytes at eip, fetched already (n <= 15).
    Fetcher(Ctxt& c, uint32_t eip, const uint8_t* pre, unsigned n) : c_(c), eip_(eip)
    {
        for (unsigned i = 0; i < n; ++i)
            buf_[i] = pre[i];
        have_ = static_cast<uint8_t>(n);
    }

    Rc next(uint8_t& b)
    {
        if (pos_ >= max_insn_len)
            return raise_gp0(c_);
        if (pos_ == have_)
            if (Rc rc = fill(); rc != Rc::okay)
                return rc;
        b = buf_[pos_++];
        return Rc::okay;
    }

    // A little-endian value of 1, 2 or 4 bytes.
    Rc value(unsigned bytes, uint32_t& v)
    {
        if (pos_ + bytes <= have_) { // already fetched (and within 15 bytes)
            v = static_cast<uint32_t>(load_le(buf_ + pos_, bytes));
            pos_ = static_cast<uint8_t>(pos_ + bytes);
            return Rc::okay;
        }
        uint8_t b[4] = {};
        for (unsigned i = 0; i < bytes; ++i)
            if (Rc rc = next(b[i]); rc != Rc::okay)
                return rc;
        v = static_cast<uint32_t>(load_le(b, bytes));
        return Rc::okay;
    }

    uint8_t pos() const { return pos_; }

private:
    Rc fill()
    {
        if (c_.ops == nullptr || c_.ops->fetch == nullptr)
            return Rc::unhandleable;
        uint32_t at = eip_ + have_;
        unsigned room = page_size - (at & (page_size - 1));
        unsigned n = max_insn_len - have_;
        if (n > room)
            n = room;
        Rc rc = c_.ops->fetch(c_, at, buf_ + have_, n);
        if (rc == Rc::okay)
            have_ = static_cast<uint8_t>(have_ + n);
        return rc;
    }

    Ctxt& c_;
    uint32_t eip_;
    uint8_t buf_[max_insn_len]; // bytes [0, have_) fetched; the rest never read
    uint8_t have_ = 0, pos_ = 0;
};

void override_seg(Insn& in, Seg s)
{
    in.seg = s;
    in.seg_override = true;
}

// Legacy prefixes in any order and number; the last segment override
// wins. 'b' is left holding the first opcode byte.
Rc prefixes(Fetcher& f, Insn& in, uint8_t& b)
{
    for (;;) {
        if (Rc rc = f.next(b); rc != Rc::okay)
            return rc;
        switch (b) {
        case 0xF0: in.lock = true; break;
        case 0xF2:
        case 0xF3: in.rep = true; break;
        case 0x66: in.opsize = 2; break;
        case 0x67: in.adsize = 2; break;
        case 0x26: override_seg(in, Seg::es); break;
        case 0x2E: override_seg(in, Seg::cs); break;
        case 0x36: override_seg(in, Seg::ss); break;
        case 0x3E: override_seg(in, Seg::ds); break;
        case 0x64: override_seg(in, Seg::fs); break;
        case 0x65: override_seg(in, Seg::gs); break;
        default: return Rc::okay;
        }
    }
}

Rc displacement(Fetcher& f, unsigned bytes, uint32_t& disp)
{
    disp = 0;
    if (bytes == 0)
        return Rc::okay;
    Rc rc = f.value(bytes, disp);
    disp = sign_extend(disp, bytes);
    return rc;
}

// 32-bit addressing: [base + index * scale + disp]; SS is the default
// segment when the base is ESP or EBP.
Rc address32(Fetcher& f, const arch::Exception_frame& r, Insn& in, bool& stack)
{
    unsigned disp_bytes = in.mod == 1 ? 1 : in.mod == 2 ? 4 : 0;
    uint32_t addr = 0;
    if (in.rm == 4) {
        uint8_t sib = 0;
        if (Rc rc = f.next(sib); rc != Rc::okay)
            return rc;
        unsigned scale = sib >> 6, index = (sib >> 3) & 7, base = sib & 7;
        if (index != reg_esp)
            addr = gpr(r, index) << scale;
        if (base == reg_ebp && in.mod == 0) {
            disp_bytes = 4;
        } else {
            addr += gpr(r, base);
            stack = base == reg_esp || base == reg_ebp;
        }
    } else if (in.rm == 5 && in.mod == 0) {
        disp_bytes = 4;
    } else {
        addr = gpr(r, in.rm);
        stack = in.rm == reg_ebp;
    }
    uint32_t disp;
    Rc rc = displacement(f, disp_bytes, disp);
    in.ea = addr + disp;
    return rc;
}

// 16-bit addressing: BX/BP plus SI/DI, or one of them, or disp16.
Rc address16(Fetcher& f, const arch::Exception_frame& r, Insn& in, bool& stack)
{
    unsigned disp_bytes = in.mod == 1 ? 1 : in.mod == 2 ? 2 : 0;
    uint32_t bx = r.ebx & 0xFFFFu, bp = r.ebp & 0xFFFFu, si = r.esi & 0xFFFFu,
             di = r.edi & 0xFFFFu;
    uint32_t base = 0;
    switch (in.rm) {
    case 0: base = bx + si; break;
    case 1: base = bx + di; break;
    case 2: base = bp + si; stack = true; break;
    case 3: base = bp + di; stack = true; break;
    case 4: base = si; break;
    case 5: base = di; break;
    case 6:
        if (in.mod == 0)
            disp_bytes = 2;
        else {
            base = bp;
            stack = true;
        }
        break;
    default: base = bx; break;
    }
    uint32_t disp;
    Rc rc = displacement(f, disp_bytes, disp);
    in.ea = (base + disp) & 0xFFFFu;
    return rc;
}

Rc modrm(Fetcher& f, const arch::Exception_frame& r, Insn& in)
{
    if (Rc rc = f.next(in.modrm); rc != Rc::okay)
        return rc;
    in.mod = in.modrm >> 6;
    in.reg = (in.modrm >> 3) & 7;
    in.rm = in.modrm & 7;
    if (in.mod == 3 || (in.d.form & fm_regonly))
        return Rc::okay;
    in.mem = true;
    bool stack = false;
    Rc rc = in.adsize == 4 ? address32(f, r, in, stack) : address16(f, r, in, stack);
    if (!in.seg_override)
        in.seg = stack ? Seg::ss : Seg::ds;
    return rc;
}

void set_group(Insn& in, Kind k, uint16_t extra)
{
    in.d.kind = k;
    in.d.form = static_cast<uint16_t>(in.d.form | extra);
}

// Groups whose ModRM.reg selects the operation, its immediate and whether
// LOCK is legal.
void refine_group(Insn& in)
{
    uint8_t r = in.reg;
    if (!in.twobyte) {
        switch (in.op) {
        case 0x80: case 0x81: case 0x82: case 0x83:
            set_group(in, Kind::grp1, r != 7 ? fm_lock : 0); // /7 is cmp
            return;
        case 0xC6: set_group(in, r == 0 ? Kind::mov : Kind::none, 0); return;
        case 0xC7: set_group(in, r == 0 ? Kind::mov : Kind::none, 0); return;
        case 0xF6: case 0xF7:
            if (r <= 1)
                set_group(in, Kind::test, in.op == 0xF6 ? fm_imm8 : fm_immz);
            else if (r <= 3)
                set_group(in, Kind::not_neg, fm_lock);
            return; // /4-/7 mul, imul, div, idiv
        case 0xFE: case 0xFF:
            if (r <= 1)
                set_group(in, Kind::inc_dec, fm_lock);
            return;
        default: return;
        }
    }
    switch (in.op) {
    case 0x01: set_group(in, r == 4 || r == 6 ? Kind::msw : Kind::none, 0); return;
    case 0xBA:
        if (r < 4)
            set_group(in, Kind::none, 0);
        else
            set_group(in, Kind::bt, r != 4 ? fm_lock : 0);
        return;
    case 0xC7: set_group(in, r == 1 ? Kind::cmpxchg8b : Kind::none, r == 1 ? fm_lock : 0); return;
    default: return;
    }
}

Rc immediates(Fetcher& f, Insn& in)
{
    uint16_t form = in.d.form;
    Rc rc = Rc::okay;
    if (form & fm_imm16) {
        in.imm_bytes = 2;
        rc = f.value(2, in.imm);
        if (rc == Rc::okay && (form & fm_imm8))
            rc = f.value(1, in.imm2); // enter Iw, Ib
    } else if (form & fm_immz) {
        in.imm_bytes = in.opsize;
        rc = f.value(in.opsize, in.imm);
    } else if (form & fm_imm8) {
        in.imm_bytes = 1;
        rc = f.value(1, in.imm);
    } else if (form & fm_moffs) {
        in.mem = true;
        rc = f.value(in.adsize, in.ea);
    } else if (form & fm_far) {
        rc = f.value(in.opsize, in.imm);
        if (rc == Rc::okay)
            rc = f.value(2, in.imm2);
    }
    return rc;
}

} // namespace

Rc decode(Ctxt& c, const arch::Exception_frame& regs, Insn& in, const uint8_t* pre,
          unsigned pre_bytes)
{
    Fetcher f(c, regs.eip, pre, pre_bytes);
    uint8_t b = 0;
    if (Rc rc = prefixes(f, in, b); rc != Rc::okay)
        return rc;
    if (b == 0x0F) {
        if (Rc rc = f.next(b); rc != Rc::okay)
            return rc;
        in.twobyte = true;
        in.d = two_byte_op(b);
    } else {
        in.d = one_byte_op(b);
    }
    in.op = b;
    if (!(in.d.form & fm_known))
        return Rc::unhandleable;
    if (in.d.form & fm_modrm)
        if (Rc rc = modrm(f, regs, in); rc != Rc::okay)
            return rc;
    if (in.d.form & fm_group)
        refine_group(in);
    if (Rc rc = immediates(f, in); rc != Rc::okay)
        return rc;
    if (in.lock && (!(in.d.form & fm_lock) || !in.mem))
        return raise_ud(c);
    in.len = f.pos();
    return Rc::okay;
}

} // namespace x86emul::detail
