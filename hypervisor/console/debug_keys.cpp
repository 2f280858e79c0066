#include "hypervisor/console/debug_keys.hpp"

#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"

namespace debug_keys {
namespace {

void help();

// VIRQ_DEBUG is a per-vCPU VIRQ (Xen's virq_is_global): it goes to dom0's
// vCPU 0, if bound there.
void send_debug_virq()
{
    Domain_ref d = domain_get(0);
    bool sent = d && d->nr_vcpus > 0 && evtchn::send_virq(*d->vcpus[0], VIRQ_DEBUG);
    console::printf("(v) VIRQ_DEBUG %s\n", sent ? "sent to dom0" : "not bound by dom0: not sent");
}

struct Key {
    char key;
    void (*fn)();
    const char* what;
};

constexpr Key keys[] = {
    {'h', help, "this help"},
    {'d', dump_domains, "domains and vCPUs (state, registers)"},
    {'q', dump_queues, "per-CPU run and timer queues"},
    {'e', dump_evtchns, "event channels of each domain"},
    {'m', dump_frames, "frame table: free frames per zone, frames per domain"},
    {'i', dump_memory_use, "hypervisor memory use (heap, frame table, M2P)"},
    {'v', send_debug_virq, "raise VIRQ_DEBUG for dom0"},
};

void help()
{
    console::printf("(h) debug keys:\n");
    for (const Key& k : keys)
        console::printf("  '%c'  %s\n", k.key, k.what);
    console::printf("  Ctrl-A x3  return serial input to dom0\n");
}

} // namespace

void handle(char key)
{
    for (const Key& k : keys)
        if (k.key == key) {
            k.fn();
            return;
        }
    if (key == '\r' || key == '\n')
        return;
    console::printf("unknown debug key %#x ('h' for help)\n", static_cast<unsigned char>(key));
}

} // namespace debug_keys
