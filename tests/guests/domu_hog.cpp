// A domU for the scheduler scenarios (sched_launch.cpp), its mode from the
// command line:
//   hog    spins for ever, counting in its progress record;
//   sleep  polls its console event channel (SCHEDOP_poll, no timeout) and
//          writes the system time of each wake-up;
//   hello  prints one line and blocks for ever in SCHEDOP_poll (dom0
//          destroys it);
//   exit   prints one line and powers off.
// The record (sched_progress.hpp) sits in its xenstore ring page.
#include "console.hpp"
#include "hypercall.hpp"
#include "sched_progress.hpp"
#include "shared.hpp"

namespace {

bool starts_with(const char* s, const char* p)
{
    while (*p != '\0' && *s == *p) {
        ++s;
        ++p;
    }
    return *p == '\0';
}

// The store ring page in the initial mapping, found through the M2P as
// guest-abi's console finds its ring.
volatile Sched_progress* progress(const start_info_t* si)
{
    const auto* m2p = reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START);
    uint32_t pfn = m2p[si->store_mfn];
    return reinterpret_cast<volatile Sched_progress*>(guest_virt_base + pfn * guest_page_size);
}

[[noreturn]] void hog(volatile Sched_progress* p)
{
    p->magic = Sched_progress::magic_value;
    for (;;)
        p->spins = p->spins + 1;
}

[[noreturn]] void sleeper(volatile Sched_progress* p, evtchn_port_t port)
{
    shared_info_t* sh = guest_shared_info();
    sched_poll_t poll{};
    set_xen_guest_handle(poll.ports, &port);
    poll.nr_ports = 1;
    p->magic = Sched_progress::magic_value;
    for (;;) {
        (void)hc::sched_poll(&poll);
        uint64_t now = system_time_ns();
        auto& word = sh->evtchn_pending[port / 32];
        // Cleared before the wake is published: a send after dom0 saw it
        // makes the port pending again and the next poll returns at once.
        __atomic_fetch_and(&word, ~(1UL << (port % 32)), __ATOMIC_SEQ_CST);
        p->wake_ns = now;
        __atomic_thread_fence(__ATOMIC_RELEASE); // wake_ns before wakes
        p->wakes = p->wakes + 1;
    }
}

} // namespace

void guest_main(start_info_t* si)
{
    const char* cmd = reinterpret_cast<const char*>(si->cmd_line);
    volatile Sched_progress* p = progress(si);
    if (starts_with(cmd, "hog"))
        hog(p);
    if (starts_with(cmd, "sleep"))
        sleeper(p, si->console.domU.evtchn);
    printf("%s: up\n", cmd);
    p->magic = Sched_progress::magic_value;
    if (starts_with(cmd, "hello")) {
        // Polls a port nobody signals: blocked, with no upcall to take.
        evtchn_port_t port = si->console.domU.evtchn;
        sched_poll_t poll{};
        set_xen_guest_handle(poll.ports, &port);
        poll.nr_ports = 1;
        for (;;)
            (void)hc::sched_poll(&poll);
    }
    hc::sched_shutdown(SHUTDOWN_poweroff);
}
