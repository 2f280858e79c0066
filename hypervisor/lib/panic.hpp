// Stopping the machine for good after an unrecoverable error.
#pragma once

// The boot option 'noreboot': halt instead of rebooting after a crash.
void set_noreboot(bool noreboot);

// Halts, or reboots unless 'noreboot' was given. The fatal paths stop the
// other CPUs before their report (arch/x86_32/cpu/crash.hpp).
[[noreturn]] void crash_stop();

// Prints the message with the CPU index and a stack trace, then crash_stop().
// Safe while another context holds the console lock.
[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* fmt, ...);
