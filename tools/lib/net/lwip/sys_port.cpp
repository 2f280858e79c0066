// lwIP's platform functions for NO_SYS: sys_now(), LWIP_RAND(), the TCP ISN
// hook and the assertion handler (lwip/arch/cc.h, xenith_lwip_hooks.h).
#include "tools/lib/net/lwip/port.hpp"

#include "lwip/arch.h"
#include "lwip/ip_addr.h"
#include "xenith_lwip_hooks.h"

namespace net::lwip_port {
namespace {

Clock g_clock = nullptr;
void* g_clock_ctx = nullptr;
uint64_t g_clock_start = 0; // the clock's value when it was set
uint64_t g_base = 0;        // sys_now() at that moment
uint64_t g_rand = 0x9e3779b97f4a7c15ull;
uint64_t g_isn_key = 0x243f6a8885a308d3ull;
Panic g_panic = nullptr;

// splitmix64: a good 64-bit mixer, enough to whiten a seed and to key
// the ISN function (not a cryptographic PRF: the management network is
// trusted more than the open Internet).
uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

} // namespace

void set_clock(Clock now, void* ctx)
{
    g_base = now_ms();
    g_clock = now;
    g_clock_ctx = ctx;
    g_clock_start = now ? now(ctx) : 0;
}

uint64_t now_ms()
{
    if (!g_clock)
        return g_base;
    return g_base + (g_clock(g_clock_ctx) - g_clock_start);
}

uint64_t caller_now_ms()
{
    return g_clock ? g_clock(g_clock_ctx) : 0;
}

void seed(uint64_t s)
{
    g_rand = mix(s);
    g_isn_key = mix(g_rand ^ 0x5851f42d4c957f2dull);
}

void set_panic(Panic fn)
{
    g_panic = fn;
}

} // namespace net::lwip_port

using namespace net::lwip_port;

extern "C" u32_t sys_now(void)
{
    return static_cast<u32_t>(now_ms());
}

extern "C" unsigned int xenith_lwip_rand(void)
{
    g_rand = g_rand * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned int>(mix(g_rand) >> 32);
}

extern "C" u32_t xenith_lwip_tcp_isn(const ip_addr_t* local_ip, u16_t local_port,
                                     const ip_addr_t* remote_ip, u16_t remote_port)
{
    uint64_t h = g_isn_key;
    h = mix(h ^ ip4_addr_get_u32(local_ip));
    h = mix(h ^ ip4_addr_get_u32(remote_ip));
    h = mix(h ^ (uint64_t{local_port} << 16 | remote_port));
    // RFC 6528 section 3: ISN = M + F(tuple, key), M a 4 us timer.
    return static_cast<u32_t>(h) + static_cast<u32_t>(now_ms() * 250);
}

extern "C" void xenith_lwip_assert(const char* msg, const char* file, int line)
{
    if (g_panic)
        g_panic(msg, file, line);
    __builtin_trap();
}
