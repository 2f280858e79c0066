// Port I/O by PV guests, with Xen's rules (xen/arch/x86/pv/emul-priv-op.c,
// dom0_build.c dom0_setup_permissions): a vCPU whose virtual IOPL allows it
// reaches the ports of its domain's Arch_domain::io_ports directly; the
// hypervisor's own ports are never among them. Around them:
//   - PIT channel 2 and port 0x61 (gate and speaker bits only) pass through
//     to the hardware domain, as do channel-2 mode writes to 0x43: the
//     hypervisor uses the PIT only to calibrate at boot (Xen's
//     hwdom_pit_access); channels 0 and 1 read all-ones, writes are dropped;
//   - the RTC index port 0x70 is latched per domain (NMI bit masked) and
//     the data port 0x71 replays it under the RTC lock;
//   - a dword at 0xCF8 is latched per domain and 0xCFC-0xCFF replay it for
//     the hardware domain under the PCI configuration lock;
//   - any other port reads all-ones, writes are dropped.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

struct Domain;
struct Vcpu;

namespace arch {

// The hardware domain's ports: all, but the hypervisor's own (PICs and ELCR,
// PIT, 0x61, 0x92, 0xF0, the ACPI PM timer, 0xCF9, 0xCFC-0xCFF and the
// serial lines it drives). False if the set cannot hold them.
[[nodiscard]] bool io_ports_init_hardware_domain(Domain& d);

// Xen's iopl_ok(): ring 1 counts as 1 (as 0 with
// VMASST_TYPE_architectural_iopl), ring 3 as 3, against the vCPU's IOPL.
bool io_privileged(const Vcpu& v, const Exception_frame& f);

// One access of 1, 2 or 4 bytes by a vCPU for which io_privileged() holds.
uint32_t guest_io_read(Domain& d, uint32_t port, unsigned bytes);
void guest_io_write(Domain& d, uint32_t port, unsigned bytes, uint32_t data);

} // namespace arch
