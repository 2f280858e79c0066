// Writable page tables (VMASST_TYPE_writable_pagetables): ring-1 stores to
// a read-only mapping of one of the guest's own in-use L1s are emulated:
// mov r32/imm32, two 4-byte halves of an 8-byte entry, xchg, lock cmpxchg
// and lock cmpxchg8b, with prefixes, and a byte store. Invalid entries, other frames and
// other instructions are bounced to the guest as the #PF they were.
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

constexpr uint32_t hook_slot = 8;                  // top L2 slot: 0xC1000000
constexpr uint32_t hook_va = 0xC0000000u + hook_slot * (2u << 20);

volatile uint32_t* table;  // the L1, mapped read-only (window 0)
uint32_t data_mfn, data2_mfn;

uint64_t entry_of(uint32_t i)
{
    return table[2 * i] | (uint64_t{table[2 * i + 1]} << 32);
}
uint32_t mapped_word(uint32_t i) { return *reinterpret_cast<volatile uint32_t*>(hook_va + i * 4096); }

struct Store {
    volatile uint32_t* at;
    uint32_t val;
};
void store_mov(void* a)
{
    auto* s = static_cast<Store*>(a);
    asm volatile("movl %1, %0" : "=m"(*s->at) : "r"(s->val) : "memory");
}
void store_byte(void* a)
{
    auto* s = static_cast<Store*>(a);
    asm volatile("movb %b1, %0" : "=m"(*reinterpret_cast<volatile uint8_t*>(s->at)) : "q"(s->val) : "memory");
}

void test_without_assist(uint32_t slot)
{
    Store s = {&table[2 * slot], static_cast<uint32_t>(pt::entry(data_mfn, pt::data_ro))};
    Fault f = try_fault(store_mov, &s);
    CHECK(f.happened && f.vector == 14 && (f.error_code & 7) == 3,
          "without the assist a store to the read-only L1 is a #PF (present+write)");
    CHECK_EQ(entry_of(slot), 0, "  and the entry is unchanged");
}

void test_moves()
{
    uint64_t e = pt::entry(data_mfn, pt::data_ro);
    volatile uint32_t* p = &table[0];
    asm volatile("movl %1, %0" : "=m"(*p) : "r"(static_cast<uint32_t>(e)) : "memory");
    CHECK_EQ(entry_of(0), e, "mov r32 -> L1 entry: emulated, entry written");
    CHECK_EQ(mapped_word(0), 0xda7a0001u, "  and the new mapping is live");

    p = &table[2];
    asm volatile(".byte 0x3e; movl %1, %0" : "=m"(*p) : "r"(static_cast<uint32_t>(e)) : "memory");
    CHECK_EQ(entry_of(1), e, "ds: mov r32 with a prefix: emulated");

    p = &table[4];
    asm volatile("movl $0x7ffff000, %0" : "=m"(*p) : : "memory");
    CHECK_EQ(entry_of(2), 0x7ffff000u, "mov imm32 of a non-present value: emulated");
    asm volatile("movl $0, %0" : "=m"(*p) : : "memory");
    CHECK_EQ(entry_of(2), 0, "mov imm32 zero: emulated");

    // An 8-byte entry as two halves, upper first (as Linux's set_pte).
    uint64_t e2 = pt::entry(data2_mfn, pt::data_rw);
    volatile uint32_t* hi = &table[7];
    volatile uint32_t* lo = &table[6];
    asm volatile("movl %1, %0" : "=m"(*hi) : "r"(static_cast<uint32_t>(e2 >> 32)) : "memory");
    asm volatile("movl %1, %0" : "=m"(*lo) : "r"(static_cast<uint32_t>(e2)) : "memory");
    CHECK_EQ(entry_of(3), e2, "8-byte entry as two 4-byte stores: emulated");
    *reinterpret_cast<volatile uint32_t*>(hook_va + 3 * 4096) = 0x2222;
    CHECK_EQ(mapped_word(3), 0x2222u, "  the writable mapping works");
}

void test_atomics()
{
    uint64_t e = pt::entry(data_mfn, pt::data_ro);
    volatile uint32_t* p = &table[8];
    uint32_t r = static_cast<uint32_t>(e);
    asm volatile("xchgl %0, %1" : "+r"(r), "+m"(*p) : : "memory");
    CHECK_EQ(entry_of(4), e, "xchg: entry written");
    CHECK_EQ(r, 0, "  register gets the old value");

    uint32_t acc = 0, nv = static_cast<uint32_t>(pt::entry(data2_mfn, pt::data_ro));
    uint8_t zf;
    asm volatile("lock cmpxchgl %3, %1; setz %2" : "+a"(acc), "+m"(*p), "=q"(zf) : "r"(nv) : "memory", "cc");
    CHECK(zf == 0 && acc == static_cast<uint32_t>(e) && entry_of(4) == e,
          "lock cmpxchg with a stale expected value: ZF=0, eax = current, no write");
    asm volatile("lock cmpxchgl %3, %1; setz %2" : "+a"(acc), "+m"(*p), "=q"(zf) : "r"(nv) : "memory", "cc");
    CHECK(zf == 1 && entry_of(4) == pt::entry(data2_mfn, pt::data_ro),
          "lock cmpxchg with the current value: ZF=1, written");
    CHECK_EQ(mapped_word(4), 0x2222u, "  the mapping follows");

    volatile uint64_t* q = reinterpret_cast<volatile uint64_t*>(&table[10]);
    uint32_t lo = 1, hi = 0;
    uint64_t ne = pt::entry(data_mfn, pt::data_rw);
    asm volatile("lock cmpxchg8b %1; setz %2"
                 : "+a"(lo), "+m"(*q), "=q"(zf), "+d"(hi)
                 : "b"(static_cast<uint32_t>(ne)), "c"(static_cast<uint32_t>(ne >> 32))
                 : "memory", "cc");
    CHECK(zf == 0 && lo == 0 && hi == 0 && entry_of(5) == 0,
          "lock cmpxchg8b, mismatch: ZF=0, edx:eax = current, no write");
    asm volatile("lock cmpxchg8b %1; setz %2"
                 : "+a"(lo), "+m"(*q), "=q"(zf), "+d"(hi)
                 : "b"(static_cast<uint32_t>(ne)), "c"(static_cast<uint32_t>(ne >> 32))
                 : "memory", "cc");
    CHECK(zf == 1 && entry_of(5) == ne, "lock cmpxchg8b, match: ZF=1, 8 bytes written");
    CHECK_EQ(mapped_word(5), 0xda7a0001u, "  the mapping follows");
}

void test_refused(uint32_t l1)
{
    Store s = {&table[12], static_cast<uint32_t>(pt::entry(0x100, pt::data_ro))};
    Fault f = try_fault(store_mov, &s);
    CHECK(f.happened && f.vector == 14 && (f.error_code & 3) == 3 &&
              f.cr2 == hc::arg(const_cast<uint32_t*>(&table[12])),
          "store of an entry mapping a hypervisor frame: #PF bounced, cr2 = the entry");
    CHECK_EQ(entry_of(6), 0, "  entry unchanged");
    s.val = static_cast<uint32_t>(pt::entry(l1, pt::data_rw));
    f = try_fault(store_mov, &s);
    CHECK(f.happened && f.vector == 14, "store mapping the L1 itself writable: #PF bounced");
    static xen_pfn_t m2p[1];
    xen_machphys_mfn_list_t ml = {1, {}, 0};
    set_xen_guest_handle(ml.extent_start, m2p);
    CHECK_EQ(hc::memory_op(XENMEM_machphys_mfn_list, &ml), 0, "find the M2P's first frame");
    s.val = static_cast<uint32_t>(pt::entry(m2p[0], pt::data_rw));
    f = try_fault(store_mov, &s);
    CHECK(f.happened && f.vector == 14, "store mapping the M2P writable: #PF bounced");
    CHECK_EQ(entry_of(6), 0, "  entry still unchanged");
    // Byte stores are emulated too (pt_ptwr_rmw.cpp has the Linux forms).
    s.val = 0x24; // US|A, not present
    f = try_fault(store_byte, &s);
    CHECK(!f.happened && entry_of(6) == 0x24, "a byte store: emulated, low byte written");
    asm volatile("movl $0, %0" : "=m"(table[12]) : : "memory");

    // A read-only data frame is no page table: nothing to emulate.
    int32_t rc;
    volatile uint32_t* ro = reinterpret_cast<volatile uint32_t*>(pt::window(1, data_mfn, false, &rc));
    Store d = {ro, 5};
    f = try_fault(store_mov, &d);
    CHECK(rc == 0 && f.happened && f.vector == 14, "store to a read-only data frame: #PF bounced");
    pt::unwindow(1);
}

} // namespace

void guest_main(start_info_t*)
{
    uint32_t l1 = pt::alloc_mfn();
    data_mfn = pt::alloc_mfn();
    data2_mfn = pt::alloc_mfn();
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

    test_without_assist(0);
    CHECK_EQ(hc::vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0,
             "vm_assist enable writable_pagetables: 0");
    test_moves();
    test_atomics();
    test_refused(l1);
    CHECK_EQ(hc::vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0,
             "vm_assist disable writable_pagetables: 0");
    test_without_assist(7);
    CHECK_EQ(hc::vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments), -XEN_EINVAL,
             "vm_assist enable 4gb_segments (not provided): -EINVAL");

    pt::unwindow(0);
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), hook_slot, 0), 0, "unhook the L1");
    CHECK_EQ(pt::unpin(l1), 0, "unpin it");
}
