#include "upcall_probe.hpp"
#include "hypercall.hpp"
#include "shared.hpp"

namespace {
upcall_probe::Progress probe;
upcall_probe::Seen seen;
} // namespace

extern "C" char event_entry[], failsafe_entry[]; // guest-abi's callbacks, put back afterwards
extern "C" void upcall_probe_entry();
extern "C" void upcall_probe_event()
{
    uint32_t progress = probe();
    vcpu_info_t* vi = vcpu0_info();
    if (progress == 0) {
        // Delivered before the call began, at the exit from an interrupt
        // taken between arm() and the call: armed again for the call.
        __atomic_store_n(&vi->evtchn_upcall_mask, static_cast<uint8_t>(0), __ATOMIC_SEQ_CST);
        return;
    }
    ++seen.upcalls;
    seen.progress = progress;
    vi->evtchn_upcall_pending = 0;
}
asm(".text\n"
    ".globl upcall_probe_entry\n"
    "upcall_probe_entry:\n"
    "    pushal\n"
    "    call upcall_probe_event\n"
    "    popal\n"
    "    iret\n");

namespace upcall_probe {

void arm(Progress progress)
{
    probe = progress;
    seen = Seen{};
    (void)hc::set_callbacks(FLAT_KERNEL_CS, hc::arg(upcall_probe_entry), FLAT_KERNEL_CS,
                            hc::arg(failsafe_entry));
    vcpu_info_t* vi = vcpu0_info();
    vi->evtchn_upcall_pending = 1;
    __atomic_store_n(&vi->evtchn_upcall_mask, static_cast<uint8_t>(0), __ATOMIC_SEQ_CST);
}

Seen disarm()
{
    vcpu_info_t* vi = vcpu0_info();
    vi->evtchn_upcall_mask = 1;
    vi->evtchn_upcall_pending = 0;
    (void)hc::set_callbacks(FLAT_KERNEL_CS, hc::arg(event_entry), FLAT_KERNEL_CS,
                            hc::arg(failsafe_entry));
    return seen;
}

} // namespace upcall_probe
