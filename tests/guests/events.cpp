// Event channels, VIRQs and timers (issue 5): poll with a timeout, block
// and HLT woken by a timer, and those hypercalls' bad pointers. Built, not
// yet run as a scenario: it passes once issue 5 lands.
#include "bad_pointer.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

extern "C" void do_hlt(void*);
asm(R"(
    .text
    .globl do_hlt
do_hlt:
    hlt
    ret
)");

namespace {
constexpr uint64_t one_ms = 1000000;

const Bad_pointer_case cases[] = {
    {"vcpu_op set_singleshot_timer", __HYPERVISOR_vcpu_op, {VCPUOP_set_singleshot_timer}, 3, false},
    {"vcpu_op set_periodic_timer", __HYPERVISOR_vcpu_op, {VCPUOP_set_periodic_timer}, 3, false},
    {"event_channel_op alloc_unbound", __HYPERVISOR_event_channel_op, {EVTCHNOP_alloc_unbound}, 2, false},
    {"event_channel_op bind_virq", __HYPERVISOR_event_channel_op, {EVTCHNOP_bind_virq}, 2, false},
    {"event_channel_op status", __HYPERVISOR_event_channel_op, {EVTCHNOP_status}, 2, false},
    {"event_channel_op send", __HYPERVISOR_event_channel_op, {EVTCHNOP_send}, 2, false},
};

// Nothing is ever sent on an unbound port, so only the timeout ends a poll.
void test_poll()
{
    evtchn_alloc_unbound_t a = {};
    a.dom = DOMID_SELF;
    a.remote_dom = DOMID_SELF;
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_alloc_unbound, &a), 0, "EVTCHNOP_alloc_unbound");
    static evtchn_port_t ports[1];
    ports[0] = a.port;
    sched_poll_t p = {};
    set_xen_guest_handle(p.ports, ports);
    p.nr_ports = 1;
    p.timeout = system_time_ns() + one_ms;
    CHECK_EQ(hc::sched_poll(&p), 0, "SCHEDOP_poll on an idle port returns at the timeout");
}

// SCHEDOP_block unmasks events and sleeps until one is pending; the VIRQ
// stays bound for the HLT test, which Xen emulates as the same block.
void test_block_and_hlt()
{
    evtchn_bind_virq_t bind = {VIRQ_TIMER, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &bind), 0, "EVTCHNOP_bind_virq VIRQ_TIMER");
    uint32_t before = event_upcalls();
    CHECK_EQ(hc::set_timer_op(system_time_ns() + one_ms), 0, "set_timer_op 1 ms ahead");
    CHECK_EQ(hc::sched_block(), 0, "SCHEDOP_block returns after the timer");
    CHECK(event_upcalls() > before, "  the timer event was delivered by upcall");

    before = event_upcalls();
    CHECK_EQ(hc::set_timer_op(system_time_ns() + one_ms), 0, "set_timer_op 1 ms ahead again");
    CHECK(!try_fault(do_hlt).happened, "hlt in ring 1 is emulated, no fault");
    CHECK(event_upcalls() > before, "  the timer woke the halted vcpu");

    // Blocking unmasked events; the other tests expect them masked.
    if (vcpu_info_t* v = vcpu0_info())
        v->evtchn_upcall_mask = 1;
}
} // namespace

void guest_main(start_info_t*)
{
    CHECK(guest_shared_info() != nullptr, "shared_info mapped (needed for time)");
    test_poll();
    test_block_and_hlt();
    check_bad_pointers(cases, -XEN_EFAULT);
}
