// HYPERVISOR_sched_op: yield, poll's rejections, and the shutdown family's
// bad arguments. The real shutdown is finish()'s SCHEDOP_shutdown(poweroff),
// which the harness observes. Poll and block woken by a timer need event
// channels: they are in events.cpp.
#include "console.hpp"
#include "hypercall.hpp"
#include "test.hpp"

namespace {
void* const unmapped = reinterpret_cast<void*>(0x1000);
void* const in_hypervisor = reinterpret_cast<void*>(HYPERVISOR_VIRT_START);

void test_poll()
{
    // Every call here is refused before Xen's do_poll (common/sched/core.c)
    // would block: the port count first, then the port list, then each port.
    static evtchn_port_t ports[1];
    sched_poll_t p = {};
    set_xen_guest_handle(p.ports, ports);
    p.timeout = 1; // long past, should a poll get through and block
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
} // namespace

void guest_main(start_info_t*)
{
    CHECK_EQ(hc::sched_yield(), 0, "SCHEDOP_yield");
    CHECK_EQ(hc::sched_op(SCHEDOP_yield, in_hypervisor), 0, "SCHEDOP_yield ignores its argument");
    test_poll();

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
