// Exceptions bounced to the guest: vector, error code, eip and CR2 (in
// vcpu_info.arch.cr2), and INT n allowed or refused by the trap table's DPL.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

extern "C" {
void do_int3(void*);
void do_ud2(void*);
void do_div0(void*);
void do_read_low(void*);
void do_write_low(void*);
void do_write_ro(void*);
void do_bad_fs(void*);
void do_int40(void*);
void do_int41(void*);
void do_int42(void*);
void do_int43(void*);
extern char int3_insn[], ud2_insn[], div0_insn[], read_low_insn[], write_low_insn[],
    write_ro_insn[], bad_fs_insn[], int40_insn[], int41_insn[], int43_insn[];
}

// Each probe: a labelled faulting instruction, then ret (reached only when
// the instruction did not fault or was a trap).
asm(R"(
    .text
    .globl do_int3, int3_insn
do_int3:
int3_insn: int3
    ret
    .globl do_ud2, ud2_insn
do_ud2:
ud2_insn: ud2
    ret
    .globl do_div0, div0_insn
do_div0:
    xorl %edx, %edx
    movl $1, %eax
    xorl %ecx, %ecx
div0_insn: divl %ecx
    ret
    .globl do_read_low, read_low_insn
do_read_low:
read_low_insn: movl 0x1000, %eax
    ret
    .globl do_write_low, write_low_insn
do_write_low:
write_low_insn: movl %eax, 0x2000
    ret
    .globl do_write_ro, write_ro_insn
do_write_ro:
    movl 4(%esp), %ecx
    movl (%ecx), %eax
write_ro_insn: movl %eax, (%ecx)
    ret
    .globl do_bad_fs, bad_fs_insn
do_bad_fs:
    movl $4, %eax
bad_fs_insn: movw %ax, %fs
    ret
    .globl do_int40, int40_insn, do_int41, int41_insn, do_int42, do_int43, int43_insn
do_int40:
int40_insn: int $0x40
    ret
do_int41:
int41_insn: int $0x41
    ret
do_int42:
    int $0x42
    ret
do_int43:
int43_insn: int $0x43
    ret
)");

namespace {
uint32_t at(const char* label) { return hc::arg(label); }

void expect(Try_fn fn, void* arg, uint32_t vector, uint32_t error, uint32_t eip, const char* what)
{
    Fault f = try_fault(fn, arg);
    printf("%s:\n", what);
    CHECK(f.happened, "  a fault arrived");
    CHECK_EQ(f.vector, vector, "  vector");
    CHECK_EQ(f.error_code, error, "  error code");
    CHECK_EQ(f.eip, eip, "  eip");
    CHECK_EQ(f.cs & 3, 1, "  interrupted code ran in ring 1");
}
} // namespace

void guest_main(start_info_t* si)
{
    expect(do_int3, nullptr, 3, 0, at(int3_insn) + 1, "int3 -> #BP, eip after int3");
    expect(do_ud2, nullptr, 6, 0, at(ud2_insn), "ud2 -> #UD");
    expect(do_div0, nullptr, 0, 0, at(div0_insn), "divide by zero -> #DE");

    // Page faults from ring 1 are supervisor accesses: U/S clear.
    Fault f = try_fault(do_read_low);
    CHECK(f.happened && f.vector == 14, "read of an unmapped page -> #PF");
    CHECK_EQ(f.error_code, 0, "  error code: not present, read");
    CHECK_EQ(f.eip, at(read_low_insn), "  eip");
    CHECK_EQ(f.cr2, 0x1000, "  vcpu_info.arch.cr2 is the address");
    f = try_fault(do_write_low);
    CHECK(f.happened && f.vector == 14, "write to an unmapped page -> #PF");
    CHECK_EQ(f.error_code, 2, "  error code: not present, write");
    CHECK_EQ(f.cr2, 0x2000, "  vcpu_info.arch.cr2 is the address");
    // The bootstrap page tables are mapped read-only (start_info.pt_base).
    void* l3 = reinterpret_cast<void*>(si->pt_base);
    f = try_fault(do_write_ro, l3);
    CHECK(f.happened && f.vector == 14, "write to the read-only top-level page table -> #PF");
    CHECK_EQ(f.error_code, 3, "  error code: present, write");
    CHECK_EQ(f.cr2, si->pt_base, "  cr2 is pt_base");

    // No LDT: selector 4 (LDT index 0) is #GP with the selector as error code.
    expect(do_bad_fs, nullptr, 13, 4, at(bad_fs_insn), "load of an LDT selector without LDT -> #GP(4)");

    // INT n from ring 1: delivered to the gate when its DPL allows ring 1
    // (eip after the instruction, no error code), else #GP(n << 3 | 2).
    CHECK_EQ(traps_set_gate(0x40, 1, FLAT_KERNEL_CS), 0, "set_trap_table: gate 0x40 DPL 1");
    CHECK_EQ(traps_set_gate(0x41, 0, FLAT_KERNEL_CS), 0, "set_trap_table: gate 0x41 DPL 0");
    expect(do_int40, nullptr, 0x40, 0, at(int40_insn) + 2, "int $0x40 (DPL 1) reaches its handler");
    expect(do_int41, nullptr, 13, (0x41 << 3) | 2, at(int41_insn), "int $0x41 (DPL 0) -> #GP");
    f = try_fault(do_int42);
    CHECK(f.happened && f.vector == 13 && f.error_code == ((0x42 << 3) | 2),
          "int $0x42 (no gate) -> #GP(0x212)");
    // A ring-0 selector in the table is turned into the ring-1 one.
    CHECK_EQ(traps_set_gate(0x43, 1, FLAT_KERNEL_CS & ~3), 0, "set_trap_table: gate 0x43, cs RPL 0");
    expect(do_int43, nullptr, 0x43, 0, at(int43_insn) + 2, "int $0x43 reaches its handler");

    // set_trap_table(NULL) clears the whole table (Xen); install it again.
    CHECK_EQ(hc::set_trap_table(reinterpret_cast<trap_info_t*>(0x1000)), -XEN_EFAULT,
             "set_trap_table, unmapped: -EFAULT");
    CHECK_EQ(hc::set_trap_table(reinterpret_cast<trap_info_t*>(HYPERVISOR_VIRT_START)),
             -XEN_EFAULT, "set_trap_table, hypervisor address: -EFAULT");
    CHECK_EQ(hc::set_trap_table(nullptr), 0, "set_trap_table(NULL) clears the table");
    traps_install();
    expect(do_ud2, nullptr, 6, 0, at(ud2_insn), "after reinstalling: ud2 -> #UD");
}
