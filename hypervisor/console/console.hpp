// The hypervisor console: a fan-out to output sinks (serial lines, VGA) and
// the leveled logger every part of the hypervisor prints through.
#pragma once
#include <cstdarg>
#include <cstddef>
#include <cstdint>

#include "hypervisor/boot/cmdline.hpp"
#include "hypervisor/console/console_ring.hpp"

namespace console {

using Write_fn = void (*)(const char* s, size_t len);

// Up to four sinks; registration happens during single-threaded boot.
void add_sink(Write_fn fn);
void write(const char* s, size_t len);
void puts(const char* s);
[[gnu::format(printf, 1, 2)]] void printf(const char* f, ...);
void vprintf(const char* f, va_list ap);

// A guest's output (dom0's console_io). While its line is open, log
// messages wait for its end (line_hold.hpp), once the arch layer has given
// set_hold_timer a function arming a one-shot timer whose expiry calls
// release_held; until then they are written at once.
void guest_write(const char* s, size_t len);
void set_hold_timer(void (*arm)());
void release_held();

// XEN_SYSCTL_readconsole over the ring of everything printed
// (console_ring.hpp); the clear step takes the console lock.
[[nodiscard]] long read_ring(Console_ring::Read& r, Console_ring::Out out, void* ctx);

// A CPU that panics may interrupt another that holds the console lock; the
// panic path takes the console over instead of deadlocking.
void take_over_for_panic();

// From now on each line begins with now_ns() as seconds since boot
// (console_timestamps=boot), guests' lines too.
void set_timestamps(uint64_t (*now_ns)());

void vlog(Log_level l, const char* f, va_list ap);
void set_level(Log_level l);
Log_level level();

} // namespace console

namespace log {
[[gnu::format(printf, 1, 2)]] void error(const char* f, ...);
[[gnu::format(printf, 1, 2)]] void warn(const char* f, ...);
[[gnu::format(printf, 1, 2)]] void info(const char* f, ...);
[[gnu::format(printf, 1, 2)]] void debug(const char* f, ...);
} // namespace log
