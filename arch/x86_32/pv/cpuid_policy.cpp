#include "arch/x86_32/pv/cpuid_policy.hpp"

namespace {

// Leaf 1 EDX: VME 1, DE 2, PSE 3, MCE 7, MTRR 12, PGE 13, MCA 14, PSE36 17,
// DS 21, ACPI 22, TM 29, PBE 31. The APIC bit (9) shows the host's, as
// Xen's PV policy ("!A"): a PV kernel drives no APIC but reads the bit to
// decide on ACPI and IO-APIC set-up. DE, MCE, MCA and ACPI, which Xen also
// shows, stay hidden: Xenith emulates neither I/O breakpoints nor the
// machine-check and thermal MSRs they would lead a guest to.
constexpr uint32_t leaf1_edx_hidden = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 7) | (1u << 12) |
                                      (1u << 13) | (1u << 14) | (1u << 17) | (1u << 21) |
                                      (1u << 22) | (1u << 29) | (1u << 31);
// Leaf 1 ECX: MONITOR 3, DS_CPL 4, VMX 5, SMX 6, EST 7, TM2 8, SDBG 11,
// XTPR 14, PDCM 15, PCID 17, DCA 18, X2APIC 21, TSC_DEADLINE 24, XSAVE 26,
// OSXSAVE 27, AVX 28, F16C 29.
constexpr uint32_t leaf1_ecx_hidden = (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) |
                                      (1u << 8) | (1u << 11) | (1u << 14) | (1u << 15) |
                                      (1u << 17) | (1u << 18) | (1u << 21) | (1u << 24) |
                                      (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29);
constexpr uint32_t hypervisor_bit = 1u << 31;
// Leaf 7.0 EBX kept: BMI1 3, BMI2 8, ERMS 9, ADX 19, CLFLUSHOPT 23.
constexpr uint32_t leaf7_ebx_kept = (1u << 3) | (1u << 8) | (1u << 9) | (1u << 19) | (1u << 23);
// 0x80000001 EDX: PAGE1GB 26, RDTSCP 27, LM 29. NX stays: the hypervisor
// turns EFER.NXE on wherever the CPU has it, and PAE guests may use it.
constexpr uint32_t ext1_edx_hidden = (1u << 26) | (1u << 27) | (1u << 29);
// 0x80000001 ECX: SVM 2, EXTAPIC 3, MONITORX 29.
constexpr uint32_t ext1_ecx_hidden = (1u << 2) | (1u << 3) | (1u << 29);

constexpr uint32_t sig(const char (&s)[5])
{
    return static_cast<uint32_t>(s[0]) | static_cast<uint32_t>(s[1]) << 8 |
           static_cast<uint32_t>(s[2]) << 16 | static_cast<uint32_t>(s[3]) << 24;
}

} // namespace

Cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf, Cpuid_regs host, uint32_t major,
                       uint32_t minor)
{
    Cpuid_regs r = host;
    switch (leaf) {
    case 1:
        r.ecx = (r.ecx & ~leaf1_ecx_hidden) | hypervisor_bit;
        r.edx &= ~leaf1_edx_hidden;
        r.ebx &= 0x00FFFFFFu; // no initial APIC id (Xen: PV guests see 0)
        return r;
    case 5: case 6: case 0xA: case 0xB: case 0xD: case 0x1F:
        return Cpuid_regs{0, 0, 0, 0}; // MWAIT, power, PMU, topology, XSAVE
    case 7:
        if (subleaf != 0)
            return Cpuid_regs{0, 0, 0, 0};
        return Cpuid_regs{0, r.ebx & leaf7_ebx_kept, 0, 0};
    case 0x40000000:
        // "XenVMMXenVMM": the leaves a Xen guest looks for; max leaf 0x40000002.
        return Cpuid_regs{0x40000002, sig("XenV"), sig("MMXe"), sig("nVMM")};
    case 0x40000001:
        return Cpuid_regs{(major << 16) | minor, 0, 0, 0};
    case 0x40000002:
        // One hypercall page; no MSR to place it (PV guests get it from the
        // ELF note).
        return Cpuid_regs{1, 0, 0, 0};
    case 0x80000001:
        r.edx &= ~ext1_edx_hidden;
        r.ecx &= ~ext1_ecx_hidden;
        return r;
    default:
        if (leaf > 0x40000000 && leaf < 0x40010000)
            return Cpuid_regs{0, 0, 0, 0};
        return r;
    }
}

uint32_t guest_cr4(uint32_t requested, uint32_t host_cr4, Cpuid_regs host_leaf1)
{
    constexpr uint32_t tsd = 1u << 2, de = 1u << 3, pae = 1u << 5, mce = 1u << 6;
    constexpr uint32_t osfxsr = 1u << 9, osxmmexcpt = 1u << 10, fsgsbase = 1u << 16;
    constexpr uint32_t osxsave = 1u << 18;
    Cpuid_regs seen = guest_cpuid(1, 0, host_leaf1, 0, 0);
    uint32_t controllable = 0;
    if (seen.edx & (1u << 4))
        controllable |= tsd;
    if (seen.edx & (1u << 2))
        controllable |= de;
    if (seen.ecx & (1u << 26))
        controllable |= osxsave;
    // FSGSBASE is a leaf-7 feature this policy never shows.
    (void)fsgsbase;
    return (requested & controllable) | (host_cr4 & (pae | mce | osfxsr | osxmmexcpt));
}
