// Ending a domain. For dom0 the reason decides the machine's fate:
// power-off powers the machine off, reboot reboots it, crash prints the
// guest's registers and stops the machine (halt, or reboot unless
// 'noreboot').
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

struct Domain;

// SHUTDOWN_* reason from the domain itself (or a privileged domain).
// Returns only for reasons that leave the domain running (none today for
// dom0); a domU is stopped and the caller must not return to it.
void domain_shutdown(Domain& d, uint32_t reason);

// The domain did something it cannot survive; 'regs' (may be null) are
// printed. Never returns to the domain.
[[noreturn]] void domain_crash(Domain& d, const arch::Exception_frame* regs);
