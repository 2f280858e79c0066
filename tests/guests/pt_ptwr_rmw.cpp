// Writable page tables with the stores Linux 5.4 PV kernels make to their
// PTEs beyond plain moves: andb $0xfd (ptep_set_wrprotect), lock btr/bts
// with an immediate or a register bit offset (test_and_clear_bit of
// _PAGE_ACCESSED, set_bit), lock or/and, 16-bit moves, byte xchg, lock
// xchg, rep stosl over a whole in-use (unpinned, typed by its L2) L1 and
// rep movsl. Each is checked by reading the entry back and by what the
// mapping then does. Refused, as Xen refuses them (the #PF is the
// guest's, the entry unchanged): a read-modify-write that would map a
// page table writable or a hypervisor frame, stores that are misaligned or
// straddle two entries, and stores to read-only pages that are no L1.
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

constexpr uint32_t hook_slot = 8, sweep_slot = 9;  // top L2 slots: 0xC1000000, 0xC1200000
constexpr uint32_t hook_va = 0xC0000000u + hook_slot * (2u << 20);
constexpr uint32_t sweep_va = 0xC0000000u + sweep_slot * (2u << 20);
constexpr uint32_t hypervisor_mfn = 0x100; // the hypervisor image at 1 MiB

volatile uint32_t* table; // the pinned L1, mapped read-only (window 0)
uint32_t l1, data_mfn;

uint64_t entry_of(uint32_t i) { return table[2 * i] | (uint64_t{table[2 * i + 1]} << 32); }
// The entry without D, which the CPU sets when a test writes through it.
uint64_t clean(uint32_t i) { return entry_of(i) & ~pt::D; }
volatile uint32_t* low(uint32_t i) { return &table[2 * i]; }
uint32_t va_of(uint32_t i) { return hook_va + i * 4096; }
uint32_t addr(volatile const void* p) { return hc::arg(const_cast<const void*>(p)); }

struct Op {
    volatile void* at;
    uint32_t val = 0;
    uint8_t cf = 0xFF;
};

volatile uint8_t& u8(const Op* o) { return *static_cast<volatile uint8_t*>(o->at); }
volatile uint16_t& u16(const Op* o) { return *static_cast<volatile uint16_t*>(o->at); }
volatile uint32_t& u32(const Op* o) { return *static_cast<volatile uint32_t*>(o->at); }

void andb_fd(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("andb $0xfd, %0" : "+m"(u8(o)) : : "memory", "cc");
}
void orb_2(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("orb $2, %0" : "+m"(u8(o)) : : "memory", "cc");
}
void lock_btrl_1(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock btrl $1, %0; setc %1" : "+m"(u32(o)), "=q"(o->cf) : : "memory", "cc");
}
void lock_btsl_1(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock btsl $1, %0; setc %1" : "+m"(u32(o)), "=q"(o->cf) : : "memory", "cc");
}
void lock_btrl_reg(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock btrl %2, %0; setc %1" : "+m"(u32(o)), "=q"(o->cf) : "r"(o->val) : "memory", "cc");
}
void lock_btsl_reg(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock btsl %2, %0; setc %1" : "+m"(u32(o)), "=q"(o->cf) : "r"(o->val) : "memory", "cc");
}
void lock_orl_2(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock orl $2, %0" : "+m"(u32(o)) : : "memory", "cc");
}
void lock_andl_not2(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock andl $0xfffffffd, %0" : "+m"(u32(o)) : : "memory", "cc");
}
void lock_xorl(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock xorl %1, %0" : "+m"(u32(o)) : "r"(o->val) : "memory", "cc");
}
void movw(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("movw %w1, %0" : "=m"(u16(o)) : "r"(o->val) : "memory");
}
void movw_zero(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("movw $0, %0" : "=m"(u16(o)) : : "memory");
}
void movl(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("movl %1, %0" : "=m"(u32(o)) : "r"(o->val) : "memory");
}
void xchgb(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("xchgb %b1, %0" : "+m"(u8(o)), "+q"(o->val) : : "memory");
}
void lock_xchgl(void* a)
{
    Op* o = static_cast<Op*>(a);
    asm volatile("lock xchgl %1, %0" : "+m"(u32(o)), "+r"(o->val) : : "memory");
}
void write_word(void* a) { u32(static_cast<Op*>(a)) = 0x5eed; }
void read_word(void* a) { static_cast<Op*>(a)->val = u32(static_cast<Op*>(a)); }

Fault run(Try_fn fn, Op& o) { return try_fault(fn, &o); }

bool writes_fault(uint32_t i)
{
    Op o{reinterpret_cast<volatile void*>(va_of(i))};
    Fault f = run(write_word, o);
    return f.happened && f.vector == 14 && (f.error_code & 3) == 3 && f.cr2 == va_of(i);
}
bool writes_work(uint32_t i)
{
    Op o{reinterpret_cast<volatile void*>(va_of(i))};
    return !run(write_word, o).happened;
}
bool reads_work(uint32_t i)
{
    Op o{reinterpret_cast<volatile void*>(va_of(i))};
    return !run(read_word, o).happened;
}
bool set(uint32_t i, uint64_t e) { return pt::set_entry(l1, i, e) == 0; }
// An emulated write flushes no TLB (Xen's ptwr_emulated_update, and
// mmu_update): the guest flushes the page itself, as Linux does after
// changing a present PTE, before it counts on the entry's new rights.
bool flushed(uint32_t i) { return pt::ext(MMUEXT_INVLPG_LOCAL, va_of(i)) == 0; }

void test_write_protect()
{
    uint64_t e = pt::entry(data_mfn, pt::data_rw);
    CHECK(set(1, e) && writes_work(1), "entry 1 maps a data frame writable, written through");
    Op o{low(1)};
    CHECK(!run(andb_fd, o).happened, "andb $0xfd on its low byte: emulated");
    CHECK_EQ(clean(1), e & ~pt::RW & ~pt::D, "  the entry lost RW only");
    CHECK(flushed(1) && reads_work(1) && writes_fault(1),
          "  once the guest flushes the page: reads still work, a write faults");

    CHECK(set(2, e) && writes_work(2), "entry 2 writable");
    o = Op{low(2)};
    CHECK(!run(lock_btrl_1, o).happened && o.cf == 1, "lock btrl $1: emulated, CF = old RW (1)");
    CHECK(clean(2) == (e & ~pt::RW & ~pt::D) && flushed(2) && writes_fault(2),
          "  RW clear, writes fault (after the guest's flush)");
    o = Op{low(2)};
    CHECK(!run(lock_btsl_1, o).happened && o.cf == 0, "lock btsl $1: emulated, CF = 0");
    CHECK(entry_of(2) == e && writes_work(2), "  RW set again, writes work");
}

// test_and_clear_bit(_PAGE_ACCESSED) with the offset in a register, from
// a base entry: the operand moves by (offset >> 5) dwords.
void test_bit_offsets()
{
    uint64_t e = pt::entry(data_mfn, pt::data_ro);
    CHECK(set(3, e), "entry 3 maps a data frame read-only, accessed");
    Op o{low(0), 3 * 64 + 5};
    CHECK(!run(lock_btrl_reg, o).happened && o.cf == 1,
          "lock btrl %reg, entry 0 with offset 3*64+5: emulated, CF = 1");
    CHECK_EQ(entry_of(3), e & ~pt::A, "  entry 3 lost A");
    CHECK_EQ(entry_of(0), 0, "  entry 0 untouched");
    o = Op{low(4), static_cast<uint32_t>(-64 + 5)};
    CHECK(!run(lock_btsl_reg, o).happened && o.cf == 0,
          "lock btsl %reg, entry 4 with offset -64+5: emulated (negative offset), CF = 0");
    CHECK(entry_of(3) == e && entry_of(4) == 0, "  entry 3 has A again, entry 4 untouched");
}

void test_or_and()
{
    uint64_t e = pt::entry(data_mfn, pt::data_ro);
    CHECK(set(5, e) && reads_work(5) && writes_fault(5), "entry 5 read-only: writes fault");
    Op o{low(5)};
    CHECK(!run(lock_orl_2, o).happened, "lock orl $2: emulated");
    CHECK(entry_of(5) == (e | pt::RW) && writes_work(5), "  RW set, writes work");
    o = Op{low(5)};
    CHECK(!run(lock_andl_not2, o).happened, "lock andl $~2: emulated");
    CHECK(clean(5) == e && flushed(5) && writes_fault(5), "  RW clear, writes fault again (flushed)");
}

// An entry built by 16-bit stores: the upper word of the low half while
// the entry is not present, then the flags word.
void test_word_moves()
{
    uint64_t e = pt::entry(data_mfn, pt::data_rw);
    Op o{reinterpret_cast<volatile uint8_t*>(low(6)) + 2, static_cast<uint32_t>(e >> 16)};
    CHECK(!run(movw, o).happened, "movw to bits 16-31 of a clear entry: emulated");
    CHECK_EQ(entry_of(6), e & 0xFFFF0000u, "  written, still not present");
    o = Op{low(6), static_cast<uint32_t>(e)};
    CHECK(!run(movw, o).happened, "movw of the flags word: emulated");
    CHECK(entry_of(6) == e && writes_work(6), "  the entry is live and writable");
    o = Op{low(6)};
    CHECK(!run(movw_zero, o).happened, "movw $0 over the flags: emulated");
    CHECK_EQ(entry_of(6), e & ~0xFFFFull, "  flags and address bits 12-15 clear: not present");
    CHECK(flushed(6), "  the guest flushes the page");
    Op r{reinterpret_cast<volatile void*>(va_of(6))};
    Fault f = run(read_word, r);
    CHECK(f.happened && f.vector == 14 && (f.error_code & 1) == 0, "  a read faults: not present");
}

void test_exchanges()
{
    uint64_t e = pt::entry(data_mfn, pt::data_ro);
    CHECK(set(7, e) && writes_fault(7), "entry 7 read-only");
    Op o{low(7), static_cast<uint32_t>(e | pt::RW) & 0xFF};
    CHECK(!run(xchgb, o).happened, "xchgb on the low byte: emulated");
    CHECK(entry_of(7) == (e | pt::RW) && o.val == (static_cast<uint32_t>(e) & 0xFF),
          "  flags byte swapped, register has the old one");
    CHECK(writes_work(7), "  writes work");
    o = Op{low(7), static_cast<uint32_t>(e)};
    CHECK(!run(lock_xchgl, o).happened, "lock xchgl: emulated");
    CHECK(entry_of(7) == e && (o.val & ~pt::D) == static_cast<uint32_t>(e | pt::RW) &&
              flushed(7) && writes_fault(7),
          "  entry read-only again, register has the old low half");
}

struct Str {
    volatile void* dst;
    const void* src;
    uint32_t count;
};

void rep_stosl_zero(void* a)
{
    Str* s = static_cast<Str*>(a);
    asm volatile("cld; rep stosl" : "+D"(s->dst), "+c"(s->count) : "a"(0) : "memory");
}
void rep_movsl(void* a)
{
    Str* s = static_cast<Str*>(a);
    asm volatile("cld; rep movsl" : "+D"(s->dst), "+S"(s->src), "+c"(s->count) : : "memory");
}

// memset(table, 0, 4096) over an L1 that is in use only through an L2
// entry (never pinned): each store is validated, every mapping goes.
void test_rep_stos()
{
    uint32_t l1b = pt::alloc_mfn();
    static uint64_t full[512];
    for (auto& x : full)
        x = pt::entry(data_mfn, pt::data_ro);
    CHECK(pt::fill(l1b, 0, full, 512), "a second L1: 512 entries mapping a data frame");
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), sweep_slot, pt::entry(l1b, pt::l2_flags)), 0,
             "hooked into the top L2 at 0xC1200000 (typed L1, not pinned)");
    int32_t rc;
    volatile uint64_t* t = pt::window(1, l1b, false, &rc);
    CHECK_EQ(rc, 0, "mapped read-only");
    Op r{reinterpret_cast<volatile void*>(sweep_va + 300 * 4096)};
    CHECK(!run(read_word, r).happened, "a read through entry 300 works");
    Str s{t, nullptr, 1024};
    CHECK(!try_fault(rep_stosl_zero, &s).happened, "rep stosl of zeroes over the whole L1: emulated");
    unsigned nonzero = 0;
    for (unsigned i = 0; i < 512; ++i)
        nonzero += t[i] != 0;
    CHECK(s.count == 0 && nonzero == 0, "  ecx = 0 and all 512 entries read back 0");
    CHECK_EQ(pt::ext(MMUEXT_INVLPG_LOCAL, sweep_va + 300 * 4096), 0, "  the guest flushes entry 300's page");
    Fault f = run(read_word, r);
    CHECK(f.happened && f.vector == 14 && (f.error_code & 1) == 0, "  entry 300 is gone: #PF");
    pt::unwindow(1);
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), sweep_slot, 0), 0, "unhook the second L1");
}

void test_rep_movs()
{
    static const uint32_t src[2] = {static_cast<uint32_t>(pt::entry(data_mfn, pt::data_ro)), 0};
    Str s{low(10), src, 2};
    CHECK(!try_fault(rep_movsl, &s).happened, "rep movsl of an 8-byte entry: emulated");
    CHECK(entry_of(10) == src[0] && s.count == 0 && reads_work(10), "  entry written, mapping live");
}

void expect_refused(Try_fn fn, Op o, uint32_t entry, const char* what)
{
    uint64_t before = entry_of(entry);
    Fault f = run(fn, o);
    printf("%s:\n", what);
    CHECK(f.happened && f.vector == 14 && (f.error_code & 7) == 3, "  #PF (present, write, kernel)");
    CHECK_EQ(f.cr2, addr(o.at), "  cr2 = the store's address");
    CHECK_EQ(entry_of(entry), before, "  entry unchanged");
}

void test_refused()
{
    CHECK(set(20, pt::entry(l1, pt::data_ro)), "entry 20 maps the L1 itself read-only");
    expect_refused(lock_orl_2, Op{low(20)}, 20, "lock orl $2 making the L1's mapping writable");
    expect_refused(orb_2, Op{low(20)}, 20, "orb $2 making the L1's mapping writable");
    CHECK(set(21, pt::entry(data_mfn, pt::data_ro)), "entry 21 maps a data frame");
    expect_refused(lock_xorl, Op{low(21), (data_mfn ^ hypervisor_mfn) << 12}, 21,
                   "lock xorl turning it into a hypervisor frame");
    CHECK(set(23, pt::entry(data_mfn, pt::data_ro)), "entry 23 maps a data frame");
    Op mis{reinterpret_cast<volatile uint8_t*>(low(23)) + 2, 0};
    expect_refused(movl, mis, 23, "movl at byte 2 of an entry (misaligned)");
    Op straddle{reinterpret_cast<volatile uint8_t*>(low(23)) + 6, 0};
    expect_refused(movl, straddle, 23, "movl at byte 6 (straddles entries 23 and 24)");
    CHECK_EQ(entry_of(24), 0, "  entry 24 unchanged too");

    int32_t rc;
    volatile uint32_t* ro = reinterpret_cast<volatile uint32_t*>(pt::window(1, data_mfn, false, &rc));
    uint32_t was = *ro;
    Op o{ro};
    Fault f = run(andb_fd, o);
    CHECK(rc == 0 && f.happened && f.vector == 14 && f.cr2 == addr(ro) && *ro == was,
          "andb on a read-only data frame (no L1): #PF, unchanged");
    volatile uint64_t* l2 = pt::window(1, pt::boot_top_l2(), false, &rc);
    uint64_t l2e = l2[hook_slot];
    o = Op{&l2[hook_slot]};
    f = run(orb_2, o);
    CHECK(rc == 0 && f.happened && f.vector == 14 && l2[hook_slot] == l2e,
          "orb on the read-only top L2 (a page table, not an L1): #PF, unchanged");
    pt::unwindow(1);
}

} // namespace

void guest_main(start_info_t*)
{
    l1 = pt::alloc_mfn();
    data_mfn = pt::alloc_mfn();
    int32_t rc;
    uint32_t* d = reinterpret_cast<uint32_t*>(pt::window(1, data_mfn, true, &rc));
    d[0] = 0xda7a0001;
    pt::unwindow(1);
    CHECK(rc == 0 && pt::clear(l1), "prepare an empty L1");
    CHECK_EQ(pt::pin(1, l1), 0, "pin it");
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), hook_slot, pt::entry(l1, pt::l2_flags)), 0,
             "hook it into the top L2 at 0xC1000000");
    table = reinterpret_cast<volatile uint32_t*>(pt::window(0, l1, false, &rc));
    CHECK_EQ(rc, 0, "map it read-only");
    CHECK_EQ(hc::vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0,
             "vm_assist enable writable_pagetables");

    test_write_protect();
    test_bit_offsets();
    test_or_and();
    test_word_moves();
    test_exchanges();
    test_rep_stos();
    test_rep_movs();
    test_refused();

    for (uint32_t i = 0; i < 512; ++i)
        if (entry_of(i) != 0)
            (void)set(i, 0);
    pt::unwindow(0);
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), hook_slot, 0), 0, "unhook the L1");
    CHECK_EQ(pt::unpin(l1), 0, "unpin it");
}
