// A fake machine behind the emulator's hooks for the x86_emulate tests:
// sparse guest memory with per-page read/write permission (a missing byte
// faults with #PF at its address), ports, control/debug registers, MSRs,
// and a log of every hook called.
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

namespace x86emul_test {

using x86emul::Rc;
using x86emul::Seg;

struct Fake_page {
    uint8_t bytes[4096]{};
    bool readable = true;
    bool writable = true;
};

struct Fake_machine {
    std::map<uint32_t, Fake_page> pages;  // by page number
    std::vector<std::string> calls;       // hook names in call order
    std::vector<Seg> segs;                // segment of each memory hook call
    std::vector<unsigned> fetch_sizes;    // bytes each fetch asked for
    std::map<uint16_t, uint32_t> port_in;        // value a port reads
    std::vector<std::pair<uint16_t, uint32_t>> port_out;
    std::vector<unsigned> io_sizes;
    uint32_t cr[8]{0x80050033u, 0, 0x1234, 0x00402000u, 0x000006F0u, 0, 0, 0};
    uint32_t dr[8]{};
    std::map<uint32_t, uint64_t> msrs{{x86emul::msr_tsc, 0x0000000123456789ull}};
    bool deny_io = false, deny_cr_write = false, cmpxchg_conflict = false;
    bool if_enabled = false;
    unsigned hlt_count = 0, wbinvd_count = 0;

    x86emul::Ops ops{};
    x86emul::Ctxt ctxt{};
    arch::Exception_frame regs{};

    static constexpr uint32_t code_va = 0x00401000u;

    Fake_machine();
    void map(uint32_t va, uint32_t len, bool writable = true, bool readable = true);
    void unmap(uint32_t va);
    void put(uint32_t va, const void* p, uint32_t n);
    void code(const std::vector<uint8_t>& bytes, uint32_t at = code_va);
    uint64_t get(uint32_t va, unsigned n) const;
    void set(uint32_t va, unsigned n, uint64_t v);
    Rc run();
    bool called(const std::string& hook) const;

    // Memory access a byte at a time; the first missing byte faults.
    Rc access(Seg s, uint32_t off, void* buf, unsigned n, bool write, const char* name);
};


namespace hooks {

inline Fake_machine& m(x86emul::Ctxt& c) { return *static_cast<Fake_machine*>(c.data); }

inline Rc fetch(x86emul::Ctxt& c, uint32_t eip, uint8_t* buf, unsigned n)
{
    Fake_machine& f = m(c);
    f.calls.push_back("fetch");
    f.fetch_sizes.push_back(n);
    for (unsigned i = 0; i < n; ++i) {
        auto p = f.pages.find((eip + i) >> 12);
        if (p == f.pages.end() || !p->second.readable)
            return x86emul::raise_pf(c, eip + i, x86emul::pfec_user | 0x10);
        buf[i] = p->second.bytes[(eip + i) & 0xFFF];
    }
    return Rc::okay;
}

inline Rc read(x86emul::Ctxt& c, Seg s, uint32_t off, void* buf, unsigned n)
{
    return m(c).access(s, off, buf, n, false, "read");
}

inline Rc write(x86emul::Ctxt& c, Seg s, uint32_t off, const void* buf, unsigned n)
{
    return m(c).access(s, off, const_cast<void*>(buf), n, true, "write");
}

inline Rc cmpxchg(x86emul::Ctxt& c, Seg s, uint32_t off, const void* old, const void* val, unsigned n)
{
    Fake_machine& f = m(c);
    uint8_t cur[8];
    f.calls.push_back("cmpxchg");
    f.segs.push_back(s);
    for (unsigned i = 0; i < n; ++i) {
        auto p = f.pages.find((off + i) >> 12);
        if (p == f.pages.end() || !p->second.writable)
            return x86emul::raise_pf(c, off + i, x86emul::pfec_write);
        cur[i] = p->second.bytes[(off + i) & 0xFFF];
    }
    if (f.cmpxchg_conflict || std::memcmp(cur, old, n) != 0)
        return Rc::retry;
    f.put(off, val, n);
    return Rc::okay;
}

inline Rc read_io(x86emul::Ctxt& c, uint16_t port, unsigned bytes, uint32_t& val)
{
    Fake_machine& f = m(c);
    f.calls.push_back("read_io");
    f.io_sizes.push_back(bytes);
    if (f.deny_io)
        return x86emul::raise_gp0(c);
    auto p = f.port_in.find(port);
    val = p == f.port_in.end() ? 0xFFFFFFFFu : p->second;
    return Rc::okay;
}

inline Rc write_io(x86emul::Ctxt& c, uint16_t port, unsigned bytes, uint32_t val)
{
    Fake_machine& f = m(c);
    f.calls.push_back("write_io");
    f.io_sizes.push_back(bytes);
    if (f.deny_io)
        return x86emul::raise_gp0(c);
    uint32_t mask = bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1;
    f.port_out.push_back({port, val & mask});
    return Rc::okay;
}

inline Rc read_cr(x86emul::Ctxt& c, unsigned n, uint32_t& val)
{
    m(c).calls.push_back("read_cr");
    val = m(c).cr[n];
    return Rc::okay;
}

inline Rc write_cr(x86emul::Ctxt& c, unsigned n, uint32_t val)
{
    m(c).calls.push_back("write_cr");
    if (m(c).deny_cr_write)
        return x86emul::raise_gp0(c);
    m(c).cr[n] = val;
    return Rc::okay;
}

inline Rc read_dr(x86emul::Ctxt& c, unsigned n, uint32_t& val)
{
    m(c).calls.push_back("read_dr");
    val = m(c).dr[n];
    return Rc::okay;
}

inline Rc write_dr(x86emul::Ctxt& c, unsigned n, uint32_t val)
{
    m(c).calls.push_back("write_dr");
    m(c).dr[n] = val;
    return Rc::okay;
}

inline Rc read_msr(x86emul::Ctxt& c, uint32_t msr, uint64_t& val)
{
    m(c).calls.push_back("read_msr");
    auto p = m(c).msrs.find(msr);
    if (p == m(c).msrs.end())
        return x86emul::raise_gp0(c);
    val = p->second;
    return Rc::okay;
}

inline Rc write_msr(x86emul::Ctxt& c, uint32_t msr, uint64_t val)
{
    m(c).calls.push_back("write_msr");
    if (!m(c).msrs.count(msr))
        return x86emul::raise_gp0(c);
    m(c).msrs[msr] = val;
    return Rc::okay;
}

inline Rc cpuid(x86emul::Ctxt& c, uint32_t leaf, uint32_t subleaf, x86emul::Cpuid_leaf& out)
{
    m(c).calls.push_back("cpuid");
    out = {leaf ^ 0x11111111u, subleaf ^ 0x22222222u, 0x33333333u, 0x44444444u};
    return Rc::okay;
}

inline Rc set_if(x86emul::Ctxt& c, bool enable)
{
    m(c).calls.push_back(enable ? "sti" : "cli");
    m(c).if_enabled = enable;
    return Rc::okay;
}

inline Rc hlt(x86emul::Ctxt& c)
{
    m(c).calls.push_back("hlt");
    ++m(c).hlt_count;
    return Rc::okay;
}

inline Rc wbinvd(x86emul::Ctxt& c)
{
    m(c).calls.push_back("wbinvd");
    ++m(c).wbinvd_count;
    return Rc::okay;
}

} // namespace hooks

inline Fake_machine::Fake_machine()
{
    using namespace hooks;
    ops = x86emul::Ops{fetch,    read,      write,    cmpxchg, read_io, write_io,
                       read_cr,  write_cr,  read_dr,  write_dr, read_msr, write_msr,
                       cpuid,    set_if,    hlt,      wbinvd};
    ctxt.ops = &ops;
    ctxt.data = this;
    ctxt.allow = 0xFFFFFFFFu;
    ctxt.kernel = true;
    ctxt.max_reps = 1024;
    regs.eip = code_va;
    regs.cs = 0xe019;
    regs.eflags = 0x202;
    map(code_va, 4096, false);
}

inline void Fake_machine::map(uint32_t va, uint32_t len, bool writable, bool readable)
{
    for (uint32_t p = va >> 12; p <= (va + len - 1) >> 12; ++p) {
        Fake_page& pg = pages[p];
        pg.writable = writable;
        pg.readable = readable;
    }
}

inline void Fake_machine::unmap(uint32_t va) { pages.erase(va >> 12); }

inline void Fake_machine::put(uint32_t va, const void* p, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i)
        pages[(va + i) >> 12].bytes[(va + i) & 0xFFF] = static_cast<const uint8_t*>(p)[i];
}

inline void Fake_machine::code(const std::vector<uint8_t>& b, uint32_t at)
{
    map(at, static_cast<uint32_t>(b.size()), false);
    put(at, b.data(), static_cast<uint32_t>(b.size()));
    regs.eip = at;
}

inline uint64_t Fake_machine::get(uint32_t va, unsigned n) const
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | pages.at((va + i) >> 12).bytes[(va + i) & 0xFFF];
    return v;
}

inline void Fake_machine::set(uint32_t va, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; ++i, v >>= 8)
        pages[(va + i) >> 12].bytes[(va + i) & 0xFFF] = static_cast<uint8_t>(v);
}

inline Rc Fake_machine::run() { return x86emul::emulate(ctxt, regs); }

inline bool Fake_machine::called(const std::string& hook) const
{
    for (const auto& c : calls)
        if (c == hook)
            return true;
    return false;
}

inline Rc Fake_machine::access(Seg s, uint32_t off, void* buf, unsigned n, bool is_write,
                        const char* name)
{
    calls.push_back(name);
    segs.push_back(s);
    for (unsigned i = 0; i < n; ++i) {
        auto p = pages.find((off + i) >> 12);
        if (p == pages.end() || (is_write ? !p->second.writable : !p->second.readable))
            return x86emul::raise_pf(ctxt, off + i, is_write ? x86emul::pfec_write : 0);
    }
    for (unsigned i = 0; i < n; ++i) {
        uint8_t& b = pages[(off + i) >> 12].bytes[(off + i) & 0xFFF];
        if (is_write)
            b = static_cast<uint8_t*>(buf)[i];
        else
            static_cast<uint8_t*>(buf)[i] = b;
    }
    return Rc::okay;
}

inline std::vector<uint8_t> bytes(std::initializer_list<int> b)
{
    std::vector<uint8_t> v;
    for (int x : b)
        v.push_back(static_cast<uint8_t>(x));
    return v;
}

} // namespace x86emul_test
