// Ending a domain. For dom0 the reason decides the machine's fate:
// power-off powers the machine off, reboot reboots it, crash prints the
// guest's registers and stops the machine (halt, or reboot unless
// 'noreboot'). A domU stops: its vCPUs are paused at their next exit to the
// hypervisor, dom0 gets VIRQ_DOM_EXC, and the domain waits, with its
// reason, for its controller to destroy it.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

struct Domain;

// SHUTDOWN_* reason from the domain itself (or a privileged domain). For
// dom0, does not return. For a domU it returns; the caller goes back out
// through the exit path, which no longer runs the domain's vCPUs.
void domain_shutdown(Domain& d, uint32_t reason);

// The domain did something it cannot survive; 'regs' (may be null) are
// printed. A domU is shut down with SHUTDOWN_crash and the call returns;
// the caller must not touch the guest's state further. Never inlined:
// flattened hot paths reach it only on failure.
[[gnu::cold, gnu::noinline]] void domain_crash(Domain& d, const arch::Exception_frame* regs);
