// HYPERVISOR_sched_op: yield, poll (with its rejections), block woken by a
// timer, and the shutdown family's bad arguments. The real shutdown is
// finish()'s SCHEDOP_shutdown(poweroff), which the harness observes.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {
void* const unmapped = reinterpret_cast<void*>(0x1000);
void* const in_hypervisor = reinterpret_cast<void*>(HYPERVISOR_VIRT_START);

evtchn_port_t alloc_unbound_port()
{
    evtchn_alloc_unbound_t a = {};
    a.dom = DOMID_SELF;
    a.remote_dom = DOMID_SELF;
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_alloc_unbound, &a), 0, "EVTCHNOP_alloc_unbound");
    return a.port;
}

void test_poll()
{
    static evtchn_port_t ports[1];
    ports[0] = alloc_unbound_port();
    sched_poll_t p = {};
    set_xen_guest_handle(p.ports, ports);
    p.nr_ports = 1;
    p.timeout = system_time_ns() + 1000000; // 1 ms from the last time update
    CHECK_EQ(hc::sched_poll(&p), 0, "SCHEDOP_poll on an idle port returns at the timeout");

    p.nr_ports = 129;
    CHECK_EQ(hc::sched_poll(&p), -XEN_EINVAL, "SCHEDOP_poll with 129 ports: -EINVAL");
    p.nr_ports = 1;
    ports[0] = 0x7fffffff;
    CHECK_EQ(hc::sched_poll(&p), -XEN_EINVAL, "SCHEDOP_poll on a port out of range: -EINVAL");
    set_xen_guest_handle(p.ports, static_cast<evtchn_port_t*>(nullptr));
    CHECK_EQ(hc::sched_poll(&p), -XEN_EFAULT, "SCHEDOP_poll, ports NULL: -EFAULT");
    set_xen_guest_handle(p.ports, unmapped);
    CHECK_EQ(hc::sched_poll(&p), -XEN_EFAULT, "SCHEDOP_poll, ports unmapped: -EFAULT");
    set_xen_guest_handle(p.ports, in_hypervisor);
    CHECK_EQ(hc::sched_poll(&p), -XEN_EFAULT, "SCHEDOP_poll, ports in the hypervisor: -EFAULT");
    CHECK_EQ(hc::sched_op(SCHEDOP_poll, nullptr), -XEN_EFAULT, "SCHEDOP_poll, NULL argument: -EFAULT");
    CHECK_EQ(hc::sched_op(SCHEDOP_poll, in_hypervisor), -XEN_EFAULT,
             "SCHEDOP_poll, argument in the hypervisor: -EFAULT");
}

// SCHEDOP_block unmasks events and sleeps until one is pending: bind
// VIRQ_TIMER, arm a one-shot timer, block; the upcall runs event_entry.
void test_block()
{
    evtchn_bind_virq_t bind = {VIRQ_TIMER, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &bind), 0, "EVTCHNOP_bind_virq VIRQ_TIMER");
    uint32_t before = event_upcalls();
    CHECK_EQ(hc::set_timer_op(system_time_ns() + 1000000), 0, "set_timer_op 1 ms ahead");
    CHECK_EQ(hc::sched_block(), 0, "SCHEDOP_block returns after the timer");
    CHECK(event_upcalls() > before, "  the timer event was delivered by upcall");
    vcpu_info_t* v = vcpu0_info();
    if (v != nullptr)
        v->evtchn_upcall_mask = 1; // keep events masked for the rest of the test
}
} // namespace

void guest_main(start_info_t*)
{
    CHECK_EQ(hc::sched_yield(), 0, "SCHEDOP_yield");
    CHECK_EQ(hc::sched_op(SCHEDOP_yield, in_hypervisor), 0, "SCHEDOP_yield ignores its argument");
    CHECK(guest_shared_info() != nullptr, "shared_info mapped (needed for time)");
    test_poll();
    test_block();

    // Every shutdown form with an unreadable argument fails before acting.
    CHECK_EQ(hc::sched_op(SCHEDOP_shutdown, nullptr), -XEN_EFAULT, "SCHEDOP_shutdown, NULL: -EFAULT");
    CHECK_EQ(hc::sched_op(SCHEDOP_shutdown, unmapped), -XEN_EFAULT,
             "SCHEDOP_shutdown, unmapped: -EFAULT");
    CHECK_EQ(hc::sched_op(SCHEDOP_shutdown, in_hypervisor), -XEN_EFAULT,
             "SCHEDOP_shutdown, hypervisor address: -EFAULT");
    CHECK_EQ(hc::sched_op(SCHEDOP_shutdown_code, unmapped), -XEN_EFAULT,
             "SCHEDOP_shutdown_code, unmapped: -EFAULT");
    CHECK_EQ(hc::sched_op(SCHEDOP_remote_shutdown, unmapped), -XEN_EFAULT,
             "SCHEDOP_remote_shutdown, unmapped: -EFAULT");
    // Shutting down a domain that does not exist.
    sched_remote_shutdown_t rs = {0x1234, SHUTDOWN_poweroff};
    CHECK_EQ(hc::sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH,
             "SCHEDOP_remote_shutdown of a missing domain: -ESRCH");
    CHECK_EQ(hc::sched_op(99), -XEN_ENOSYS, "unknown SCHEDOP 99: -ENOSYS");
}
