// Time and timers: the vcpu_time_info record and wall clock, set_timer_op
// and the VCPUOP singleshot/periodic timers delivering VIRQ_TIMER in order
// and on time (TCG is slow: late by at most 'slack'), SCHEDOP_block woken
// by a timer, SCHEDOP_poll with a timeout and woken by a port.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

constexpr uint64_t ms = 1000000;
constexpr uint64_t slack = 300 * ms;
// The guest and the hypervisor compute time with differently rounded
// scales: allow them to disagree by a few microseconds.
constexpr uint64_t skew = 20000;

// public/xen.h: system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32.
uint64_t now()
{
    const vcpu_time_info_t& t = vcpu0_info()->time;
    for (;;) {
        uint32_t ver = __atomic_load_n(&t.version, __ATOMIC_ACQUIRE);
        uint64_t stamp = t.tsc_timestamp, sys = t.system_time;
        uint32_t mul = t.tsc_to_system_mul;
        int8_t shift = t.tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if ((ver & 1) || ver != __atomic_load_n(&t.version, __ATOMIC_RELAXED))
            continue;
        uint64_t d = guest_rdtsc() - stamp;
        d = shift >= 0 ? d << shift : d >> -shift;
        uint64_t lo = (d & 0xffffffffu) * mul, hi = (d >> 32) * mul;
        return sys + (hi + (lo >> 32));
    }
}

evtchn_port_t timer_port;

bool port_pending(evtchn_port_t p)
{
    return (__atomic_load_n(&guest_shared_info()->evtchn_pending[p / 32], __ATOMIC_SEQ_CST) >> (p % 32)) & 1;
}

// Blocks until an upcall came; returns the time it woke.
uint64_t block_once()
{
    // Events raised while masked (a timer that ended a poll) leave the
    // upcall flag set and would end the block at once: drop them first.
    vcpu_info_t* vi = vcpu0_info();
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[timer_port / 32],
                       ~(1u << (timer_port % 32)), __ATOMIC_SEQ_CST);
    vi->evtchn_upcall_pending = 0;
    __atomic_store_n(&vi->evtchn_pending_sel, 0u, __ATOMIC_SEQ_CST);
    uint32_t before = event_upcalls();
    int32_t rc = hc::sched_block();
    uint64_t t = now();
    vcpu0_info()->evtchn_upcall_mask = 1;
    if (rc != 0 || event_upcalls() == before)
        return 0;
    return t;
}

void test_time_record()
{
    const vcpu_time_info_t& t = vcpu0_info()->time;
    CHECK((t.version & 1) == 0 && t.version != 0, "vcpu_time_info written, version even");
    CHECK(t.tsc_to_system_mul >= 0x80000000u, "tsc_to_system_mul normalised (top bit set)");
    uint64_t a = now();
    for (int i = 0; i < 100000; ++i)
        asm volatile("" ::: "memory");
    uint64_t b = now();
    CHECK(b > a, "system time advances");
    const shared_info_t* s = guest_shared_info();
    CHECK((s->wc_version & 1) == 0 && s->wc_version != 0, "wall clock written, version even");
    CHECK(s->wc_sec > 1577836800u, "wall clock after 2020 (from the CMOS RTC)");
    CHECK(s->wc_nsec < 1000000000u, "wc_nsec below one second");
}

void test_singleshot()
{
    uint64_t deadline = now() + 20 * ms;
    CHECK_EQ(hc::set_timer_op(deadline), 0, "set_timer_op 20 ms ahead");
    uint64_t woke = block_once();
    CHECK(woke + skew >= deadline, "  block woke no earlier than the deadline");
    CHECK(woke != 0 && woke < deadline + slack, "  and not much later");

    // Re-arming replaces: the later first deadline never fires on its own.
    uint64_t far = now() + 400 * ms;
    CHECK_EQ(hc::set_timer_op(far), 0, "set_timer_op 400 ms ahead");
    deadline = now() + 15 * ms;
    CHECK_EQ(hc::set_timer_op(deadline), 0, "  then moved to 15 ms ahead");
    woke = block_once();
    CHECK(woke + skew >= deadline && woke < far, "  fires at the new deadline");

    // Cancelled: poll on the timer port with a timeout sees no timer event.
    CHECK_EQ(hc::set_timer_op(now() + 5 * ms), 0, "set_timer_op 5 ms ahead");
    CHECK_EQ(hc::set_timer_op(0), 0, "  cancelled with 0");
    static evtchn_port_t ports[1];
    ports[0] = timer_port;
    sched_poll_t p = {};
    set_xen_guest_handle(p.ports, ports);
    p.nr_ports = 1;
    p.timeout = now() + 40 * ms;
    CHECK_EQ(hc::sched_poll(&p), 0, "  poll on VIRQ_TIMER's port with a 40 ms timeout");
    uint64_t t = now();
    CHECK(t + skew >= p.timeout && t < p.timeout + slack, "  poll returned at its timeout");
    CHECK(!port_pending(timer_port), "  no timer event after the cancel");

    // Poll woken by the port: a timer 10 ms ahead, poll with a 1 s timeout.
    deadline = now() + 10 * ms;
    CHECK_EQ(hc::set_timer_op(deadline), 0, "set_timer_op 10 ms ahead");
    p.timeout = now() + 1000 * ms;
    CHECK_EQ(hc::sched_poll(&p), 0, "  poll until the timer port is pending");
    t = now();
    CHECK(port_pending(timer_port) && t + skew >= deadline && t < deadline + slack,
          "  poll woke when the timer fired, before its timeout");
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[timer_port / 32],
                       ~(1u << (timer_port % 32)), __ATOMIC_SEQ_CST);
}

void test_vcpu_timers()
{
    vcpu_set_singleshot_timer_t s = {now() - 1 * ms, VCPU_SSHOTTMR_future};
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), -XEN_ETIME,
             "singleshot in the past with VCPU_SSHOTTMR_future: -ETIME");
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_singleshot_timer, 5, &s), -XEN_ENOENT, "singleshot on vCPU 5: -ENOENT");
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_singleshot_timer, 0, reinterpret_cast<void*>(0x1000)), -XEN_EFAULT,
             "singleshot, unmapped argument: -EFAULT");
    s = {now() + 12 * ms, VCPU_SSHOTTMR_future};
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0, "singleshot 12 ms ahead");
    uint64_t woke = block_once();
    CHECK(woke + skew >= s.timeout_abs_ns && woke < s.timeout_abs_ns + slack, "  fires on time");
    s = {now() + 5 * ms, 0};
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0, "singleshot 5 ms ahead");
    CHECK_EQ(hc::vcpu_op(VCPUOP_stop_singleshot_timer, 0, nullptr), 0, "  stopped");

    vcpu_set_periodic_timer_t per = {500000};
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_periodic_timer, 0, &per), -XEN_EINVAL, "periodic 0.5 ms: -EINVAL");
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_periodic_timer, 0, reinterpret_cast<void*>(HYPERVISOR_VIRT_START)),
             -XEN_EFAULT, "periodic, hypervisor address: -EFAULT");
    per.period_ns = 10 * ms;
    uint64_t start = now();
    CHECK_EQ(hc::vcpu_op(VCPUOP_set_periodic_timer, 0, &per), 0, "periodic 10 ms");
    uint64_t last = start;
    bool ordered = true, spaced = true;
    for (int i = 0; i < 5; ++i) {
        uint64_t t = block_once();
        ordered = ordered && t > last;
        spaced = spaced && t + skew >= start + (i + 1) * per.period_ns;
        last = t;
    }
    CHECK(ordered, "  five ticks woke five blocks in order");
    CHECK(spaced, "  tick n came no earlier than n periods");
    CHECK(last < start + 5 * per.period_ns + slack, "  and the fifth not much later");
    CHECK_EQ(hc::vcpu_op(VCPUOP_stop_periodic_timer, 0, nullptr), 0, "periodic stopped");
    static evtchn_port_t ports[1];
    ports[0] = timer_port;
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[timer_port / 32],
                       ~(1u << (timer_port % 32)), __ATOMIC_SEQ_CST);
    sched_poll_t p = {};
    set_xen_guest_handle(p.ports, ports);
    p.nr_ports = 1;
    p.timeout = now() + 35 * ms;
    CHECK_EQ(hc::sched_poll(&p), 0, "  poll 35 ms");
    CHECK(!port_pending(timer_port), "  no tick after the stop");
}

} // namespace

void guest_main(start_info_t*)
{
    if (guest_shared_info() == nullptr || vcpu0_info() == nullptr) {
        CHECK(false, "shared_info mapped");
        return;
    }
    evtchn_bind_virq_t v = {VIRQ_TIMER, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &v), 0, "bind VIRQ_TIMER");
    timer_port = v.port;
    test_time_record();
    test_singleshot();
    test_vcpu_timers();
}
