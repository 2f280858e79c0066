// Guest time over a minute: the current system time, computed the way a PV
// kernel does (vcpu_time_info's system_time plus the TSC ticks since its
// tsc_timestamp, scaled by tsc_to_system_mul and tsc_shift), printed at the
// start and after 60 seconds of one-second timers. The harness compares the
// two with its own clock: the drift must stay under 100 ppm. Each second's
// time is printed too, so that the harness can discount lines it read late.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

#include "public/event_channel.h"

namespace {

uint64_t now_ns()
{
    const vcpu_time_info_t& t = vcpu0_info()->time;
    for (;;) {
        uint32_t ver = __atomic_load_n(&t.version, __ATOMIC_ACQUIRE);
        uint64_t base = t.system_time, stamp = t.tsc_timestamp;
        uint32_t mul = t.tsc_to_system_mul;
        int8_t shift = t.tsc_shift;
        uint64_t delta = guest_rdtsc() - stamp;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if ((ver & 1) || ver != __atomic_load_n(&t.version, __ATOMIC_RELAXED))
            continue;
        delta = shift >= 0 ? delta << shift : delta >> -shift;
        // 64 x 32 -> 96-bit product, keep bits 32..95.
        uint64_t lo = (delta & 0xFFFFFFFFu) * mul, hi = (delta >> 32) * mul;
        return base + hi + (lo >> 32);
    }
}

} // namespace

void guest_main(start_info_t*)
{
    evtchn_bind_virq_t bind = {VIRQ_TIMER, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &bind), 0, "bind VIRQ_TIMER");
    uint64_t start = now_ns();
    printf("clock: start %llu ns\n", static_cast<unsigned long long>(start));
    uint64_t last = start;
    unsigned ticks = 0, backwards = 0;
    while (now_ns() - start < 60'000'000'000ull) {
        CHECK_EQ(hc::set_timer_op(now_ns() + 1'000'000'000ull), 0, "") ;
        hc::sched_block();
        uint64_t t = now_ns();
        if (t < last)
            ++backwards;
        last = t;
        ++ticks;
        printf("clock: tick %llu ns\n", static_cast<unsigned long long>(t));
        if (gtest::failures())
            break;
    }
    uint64_t end = now_ns();
    printf("clock: end %llu ns\n", static_cast<unsigned long long>(end));
    CHECK_EQ(backwards, 0, "system time never went backwards");
    CHECK(ticks >= 55 && ticks <= 65, "about sixty one-second timers fired in a minute");
    gtest::finish();
}
