// What our lwIP port needs from its user (net::Stack): the clock behind
// sys_now(), the seed behind LWIP_RAND() and the ISN key, and who hears of
// a failed lwIP assertion.
#pragma once
#include <cstdint>

namespace net::lwip_port {

using Clock = uint64_t (*)(void* ctx);
using Panic = void (*)(const char* msg, const char* file, int line);

// sys_now() continues from where the previous clock left it, so lwIP's
// timers (u32 milliseconds) never see time run backwards when a program
// (or a test) starts the stack again with another clock.
void set_clock(Clock now_ms, void* ctx);
uint64_t now_ms();
// The clock's own reading (0 without a clock).
uint64_t caller_now_ms();

// Seeds LWIP_RAND() (DHCP xids, ephemeral ports) and the ISN key.
void seed(uint64_t s);

// Called on a failed lwIP assertion, before the trap that follows it.
void set_panic(Panic fn);

} // namespace net::lwip_port
