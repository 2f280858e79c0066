// What a PV guest sees when it executes CPUID (through the forced-emulation
// prefix, or a real CPUID that the hardware answers unfiltered on CPUs
// without CPUID faulting). Pure function of the host's answer, so the
// policy is unit-tested on the host.
//
// Hidden: features a PV guest cannot use because the hypervisor owns them
// or they would bypass it (virtualisation extensions, MONITOR/MWAIT,
// x2APIC, TSC-deadline, MTRRs, machine checks, PCID, XSAVE and everything
// that needs it, PSE/PSE36/PGE (no superpages or global pages for PV page
// tables), long mode, thermal and debug store). The APIC bit and NX show
// the host's, as in Xen. Added: the hypervisor bit, and the Xen leaves at
// 0x40000000.
#pragma once
#include <cstdint>

struct Cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

// 'host' is the real CPUID answer for (leaf, subleaf); ignored for the
// hypervisor leaves.
Cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf, Cpuid_regs host, uint32_t version_major,
                       uint32_t version_minor);

// The CR4 a PV guest reads after writing 'requested' (Xen's
// pv_fixup_guest_cr4): the guest controls TSD, DE, FSGSBASE and OSXSAVE
// where the CPUID it sees offers them (with this policy only TSD, when the
// CPU has a TSC), and sees the hypervisor's own choice of PAE, MCE, OSFXSR
// and OSXMMEXCPT ('host_cr4'). Any write succeeds; other bits are dropped.
// 'host_leaf1' is the CPU's real CPUID leaf 1.
uint32_t guest_cr4(uint32_t requested, uint32_t host_cr4, Cpuid_regs host_leaf1);
