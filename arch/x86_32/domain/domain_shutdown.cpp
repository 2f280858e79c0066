#include "arch/x86_32/domain/domain_audit.hpp"
#include "arch/x86_32/acpi/power.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/lib/panic.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/sched/schedule.hpp"
#include "public/sched.h"

namespace {

const char* reason_name(uint32_t r)
{
    switch (r) {
    case SHUTDOWN_poweroff: return "power-off";
    case SHUTDOWN_reboot: return "reboot";
    case SHUTDOWN_suspend: return "suspend";
    case SHUTDOWN_crash: return "crash";
    case SHUTDOWN_watchdog: return "watchdog";
    default: return "unknown reason";
    }
}

void print_regs(const arch::Exception_frame& f)
{
    log::error("  EIP: %04x:%08x  EFLAGS: %08x  ESP: %04x:%08x", f.cs, f.eip, f.eflags, f.ss, f.esp);
    log::error("  EAX: %08x  EBX: %08x  ECX: %08x  EDX: %08x", f.eax, f.ebx, f.ecx, f.edx);
    log::error("  ESI: %08x  EDI: %08x  EBP: %08x", f.esi, f.edi, f.ebp);
    log::error("  DS: %04x  ES: %04x  FS: %04x  GS: %04x", f.ds, f.es, f.fs, f.gs);
}

} // namespace

namespace {

// The hardware domain's end is the machine's: power-off powers it off,
// reboot reboots it, anything else stops it.
[[noreturn]] void machine_follows_dom0(Domain& d, uint32_t reason)
{
    // Every reference the domain holds must still add up as it ends.
    (void)arch::audit_domain(d);
    switch (reason) {
    case SHUTDOWN_poweroff:
        log::info("dom0 powered off: powering the machine off");
        arch::machine_power_off();
    case SHUTDOWN_reboot:
        log::info("dom0 rebooted: rebooting the machine");
        arch::machine_restart();
    default:
        log::error("dom0 shut down with reason %s: stopping the machine", reason_name(reason));
        crash_stop();
    }
}

// Xen's domain_shutdown for a domU: every vCPU stops at its CPU's next
// exit (paused for the shutdown) and the controller hears of it through
// VIRQ_DOM_EXC; the domain stays, with its reason, until destroyed.
void stop_domu(Domain& d)
{
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        vcpu_pause(*d.vcpus[i]);
    if (evtchn::notify_domain_exception())
        log::debug("VIRQ_DOM_EXC raised for dom0");
}

} // namespace

void domain_shutdown(Domain& d, uint32_t reason)
{
    // Once: a later shutdown (or crash) keeps the first reason, as Xen.
    if (__atomic_exchange_n(&d.shutting_down, true, __ATOMIC_SEQ_CST))
        return;
    d.shutdown_reason = static_cast<uint8_t>(reason);
    log::info("domain %u shut down: %s (reason %u)", d.id, reason_name(reason), reason);
    if (!is_hardware_domain(d)) {
        stop_domu(d);
        return;
    }
    // Xen raises it for every shutdown, dom0's own included (which then
    // ends the machine here before dom0 could see it).
    if (evtchn::notify_domain_exception())
        log::debug("VIRQ_DOM_EXC raised for dom0");
    machine_follows_dom0(d, reason);
}

void domain_crash(Domain& d, const arch::Exception_frame* regs)
{
    log::error("domain %u crashed", d.id);
    if (regs)
        print_regs(*regs);
    if (is_hardware_domain(d)) {
        d.shutting_down = true;
        d.shutdown_reason = SHUTDOWN_crash;
        log::error("dom0 crashed: stopping the machine");
        crash_stop();
    }
    domain_shutdown(d, SHUTDOWN_crash);
}
