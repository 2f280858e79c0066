// The CPU state a Linux PV kernel programs at boot: it writes CR4 to turn on
// OSFXSR/OSXMMEXCPT (fpu__init_cpu_generic), which must never fault; it
// reads back what Xen's pv_fixup_guest_cr4 leaves (the hypervisor's PAE and
// SSE bits, TSD its own); then it uses SSE and the FPU, whose registers
// survive the lazy #NM path. It registers its vcpu_info with rsvd left
// uninitialised, as Linux does.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

constexpr uint32_t cr4_tsd = 1u << 2, cr4_pae = 1u << 5, cr4_pge = 1u << 7;
constexpr uint32_t cr4_osfxsr = 1u << 9, cr4_osxmmexcpt = 1u << 10;

uint32_t read_cr4()
{
    uint32_t v;
    asm volatile("movl %%cr4, %0" : "=r"(v));
    return v;
}
void write_cr4(uint32_t v) { asm volatile("movl %0, %%cr4" ::"r"(v) : "memory"); }

uint32_t cpuid1_edx()
{
    uint32_t a = 1, b, c = 0, d;
    asm volatile(XEN_CPUID : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return d;
}

uint32_t pending_cr4;

void test_cr4(bool fxsr, bool sse)
{
    uint32_t cr4 = read_cr4();
    CHECK(cr4 & cr4_pae, "CR4 reads with PAE");
    // With SSE the hypervisor runs the CPU with OSFXSR (without it, as on a
    // Pentium II, the CPU itself may refuse the bit).
    if (sse)
        CHECK(cr4 & cr4_osfxsr, "  OSFXSR, as the hypervisor runs the CPU");
    (void)fxsr;
    pending_cr4 = cr4 | cr4_osfxsr | cr4_osxmmexcpt | cr4_pge;
    Fault f = try_fault([](void*) { write_cr4(pending_cr4); });
    CHECK(!f.happened, "writing CR4 with OSFXSR|OSXMMEXCPT|PGE does not fault (Linux's FPU set-up)");
    uint32_t back = read_cr4();
    CHECK_EQ((back & cr4_osxmmexcpt) != 0, sse, "  OSXMMEXCPT reads as the hypervisor's");
    CHECK_EQ(back & cr4_pge, 0, "  PGE is not the guest's: it reads clear");
    write_cr4(back | cr4_tsd);
    CHECK(read_cr4() & cr4_tsd, "TSD is the guest's: it reads back set");
    write_cr4(back & ~cr4_tsd);
    CHECK_EQ(read_cr4() & cr4_tsd, 0, "  and clear again");
    pending_cr4 = 0xFFFFFFFFu;
    CHECK(!try_fault([](void*) { write_cr4(pending_cr4); }).happened, "any CR4 value is accepted");
    CHECK_EQ(read_cr4() & ~(cr4_pae | cr4_osfxsr | cr4_osxmmexcpt | cr4_tsd | (1u << 6)), 0,
             "  and only the policy's bits read back");
    write_cr4(back);
}

// IEEE single bit patterns (guests have no soft-float runtime): 1.5, 2.5, -3, 8.
alignas(16) uint32_t v4[4] = {0x3FC00000u, 0x40200000u, 0xC0400000u, 0x41000000u};
alignas(16) uint8_t fxarea[512];

void test_sse()
{
    asm volatile("movaps %0, %%xmm0\n\taddps %%xmm0, %%xmm0\n\tmovaps %%xmm0, %0" : "+m"(v4));
    // 3, 5, -6, 16.
    CHECK(v4[0] == 0x40400000u && v4[1] == 0x40A00000u && v4[2] == 0xC0C00000u && v4[3] == 0x41800000u,
          "SSE addps computes");
    asm volatile("fxsave %0" : "=m"(fxarea));
    uint32_t mxcsr = static_cast<uint32_t>(fxarea[24]) | static_cast<uint32_t>(fxarea[25]) << 8;
    CHECK_EQ(mxcsr & 0x1F80, 0x1F80, "  fxsave: MXCSR starts with every exception masked");
}

uint32_t x87_result;

void test_fpu_survives_lazy_switch()
{
    // A value in an x87 register, then the virtual TS: the next FPU
    // instruction is the guest's #NM; the register must still hold it.
    uint32_t seven = 7;
    asm volatile("fninit\n\tfildl %0" ::"m"(seven));
    CHECK_EQ(hc::fpu_taskswitch(1), 0, "fpu_taskswitch(1)");
    Fault f = try_fault([](void*) { asm volatile("fld1"); });
    CHECK(f.happened && f.vector == 7, "  the next FPU instruction raises #NM for the guest");
    asm volatile("clts");
    asm volatile("faddp\n\tfistpl %0" : "=m"(x87_result));
    CHECK_EQ(x87_result, 7, "  after clts the x87 stack holds what it held (7)");
}

uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t{hi} << 32) | lo;
}

uint32_t cpuid_ext1_edx()
{
    uint32_t a = 0x80000000u, b, c = 0, d;
    asm volatile(XEN_CPUID : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (a < 0x80000001u)
        return 0;
    a = 0x80000001u;
    c = 0;
    asm volatile(XEN_CPUID : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return d;
}

void test_pat(bool pat)
{
    if (!pat) {
        printf("  (no PAT on this CPU)\n");
        return;
    }
    CHECK_EQ(rdmsr(0x277), 0x0000050100070406ull, "PAT reads Xen's fixed value (WB WT UC- UC WC WP UC UC)");
}

alignas(4096) uint8_t nx_page[4096];

void test_nx(bool nx)
{
    uint32_t va = hc::arg(nx_page), mfn = pfn_to_mfn(virt_to_pfn(nx_page));
    uint64_t pte = (uint64_t{mfn} << 12) | pte_kernel_rw | (1ull << 63);
    int32_t rc = hc::update_va_mapping(va, pte, UVMF_INVLPG);
    if (!nx) {
        CHECK_EQ(rc, -XEN_EINVAL, "without NX, bit 63 in a PTE is reserved: -EINVAL");
        return;
    }
    CHECK_EQ(rc, 0, "NX offered: a PTE with bit 63 is accepted");
    nx_page[0] = 0xC3; // ret
    Fault f = try_fault([](void*) { reinterpret_cast<void (*)()>(nx_page)(); });
    CHECK(f.happened && f.vector == 14, "  executing from it faults");
    CHECK(f.error_code & (1u << 4), "  as an instruction fetch (#PF error code I/D)");
    CHECK_EQ(hc::update_va_mapping(va, pte & ~(1ull << 63), UVMF_INVLPG), 0, "  and runs again without NX");
    CHECK(!try_fault([](void*) { reinterpret_cast<void (*)()>(nx_page)(); }).happened, "  it executes");
}

alignas(4096) uint8_t info_page[4096];

void test_register_vcpu_info()
{
    vcpu_register_vcpu_info_t r;
    r.mfn = pfn_to_mfn(virt_to_pfn(info_page));
    r.offset = 64;
    r.rsvd = 0xDEADBEEF; // Linux leaves it as the stack had it
    CHECK_EQ(hc::vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0,
             "VCPUOP_register_vcpu_info with garbage in rsvd: 0 (Xen ignores it)");
    auto* vi = reinterpret_cast<vcpu_info_t*>(info_page + 64);
    CHECK_EQ(vi->evtchn_upcall_pending, 1, "  the new vcpu_info asks the guest to rescan");
    CHECK(vi->time.system_time != 0 || vi->time.version != 0, "  and carries the time record");
}

void test_cpuid_apic_bit(uint32_t emulated_edx)
{
    // The unfiltered CPUID (no CPUID faulting here) is the host's.
    uint32_t a = 1, b, c = 0, d;
    asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    CHECK_EQ((emulated_edx >> 9) & 1, (d >> 9) & 1, "emulated CPUID shows the host's APIC bit, as Xen");
}

} // namespace

void guest_main(start_info_t*)
{
    uint32_t edx = cpuid1_edx();
    bool fxsr = edx & (1u << 24), sse = fxsr && (edx & (1u << 25));
    printf("CPU: FXSR %d SSE %d\n", fxsr, sse);
    test_cpuid_apic_bit(edx);
    test_cr4(fxsr, sse);
    if (sse)
        test_sse();
    test_fpu_survives_lazy_switch();
    test_pat(edx & (1u << 16));
    bool nx = cpuid_ext1_edx() & (1u << 20);
    printf("CPU: NX %d\n", nx);
    test_nx(nx);
    test_register_vcpu_info();
}
