// An example domU for the toolstack: it says hello, then answers every
// line typed on its console (`xl console echo`) with "echo: <line>". The
// lines "poweroff", "reboot" and "crash" shut it down with that reason,
// which the toolstack answers with the config's on_* action. It knows
// nothing of the store, so it ignores `xl shutdown`: the toolstack forces
// the shutdown once its grace period is over.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"

namespace {

xencons_interface_t* ring()
{
    const start_info_t* si = guest_start_info();
    const uint32_t* m2p = reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START);
    uint32_t pfn = m2p[si->console.domU.mfn];
    if (pfn >= si->nr_pages)
        return nullptr;
    return reinterpret_cast<xencons_interface_t*>(guest_virt_base + pfn * guest_page_size);
}

bool same(const char* a, const char* b)
{
    while (*a && *a == *b)
        ++a, ++b;
    return *a == *b;
}

void obey(const char* line)
{
    printf("echo: %s\n", line);
    if (same(line, "poweroff"))
        hc::sched_shutdown(SHUTDOWN_poweroff);
    else if (same(line, "reboot"))
        hc::sched_shutdown(SHUTDOWN_reboot);
    else if (same(line, "crash"))
        hc::sched_shutdown(SHUTDOWN_crash);
}

} // namespace

void guest_main(start_info_t* si)
{
    printf("echo: hello from domain %s; type a line\n", si->cmd_line[0] ? reinterpret_cast<const char*>(si->cmd_line) : "echo");
    xencons_interface_t* r = ring();
    if (!r) {
        printf("echo: no console ring\n");
        hc::sched_shutdown(SHUTDOWN_crash);
    }
    evtchn_port_t port = si->console.domU.evtchn;
    char line[128];
    unsigned len = 0;
    for (;;) {
        // Cleared before the ring is read: input that arrives later sets it
        // again and ends the poll below.
        __atomic_and_fetch(&guest_shared_info()->evtchn_pending[port / 32], ~(1u << (port % 32)),
                           __ATOMIC_ACQ_REL);
        uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
        uint32_t cons = r->in_cons;
        for (; cons != prod; ++cons) {
            char c = r->in[MASK_XENCONS_IDX(cons, r->in)];
            if (c == '\r' || c == '\n') {
                line[len] = '\0';
                if (len)
                    obey(line);
                len = 0;
            } else if (len < sizeof line - 1) {
                line[len++] = c;
            }
        }
        __atomic_store_n(&r->in_cons, cons, __ATOMIC_RELEASE);
        // Sleep until the backend signals the console port (input).
        sched_poll_t p{};
        set_xen_guest_handle(p.ports, &port);
        p.nr_ports = 1;
        p.timeout = 0;
        hc::sched_poll(&p);
    }
}
