#include "arch/x86_32/domain/domain_audit.hpp"
#include "arch/x86_32/acpi/power.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/lib/panic.hpp"
#include "hypervisor/domain/shutdown.hpp"
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

void domain_shutdown(Domain& d, uint32_t reason)
{
    d.shutting_down = true;
    d.shutdown_reason = static_cast<uint8_t>(reason);
    log::info("domain %u shut down: %s (reason %u)", d.id, reason_name(reason), reason);
    // Xen raises it for every shutdown, dom0's own included (which then
    // ends the machine here before dom0 could see it).
    if (evtchn::notify_domain_exception())
        log::debug("VIRQ_DOM_EXC raised for dom0");
    if (d.id != 0) {
        log::warn("domain %u stopped", d.id);
        arch::machine_halt();
    }
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

void domain_crash(Domain& d, const arch::Exception_frame* regs)
{
    log::error("domain %u crashed", d.id);
    if (regs)
        print_regs(*regs);
    d.shutting_down = true;
    d.shutdown_reason = SHUTDOWN_crash;
    if (evtchn::notify_domain_exception())
        log::debug("VIRQ_DOM_EXC raised for dom0");
    if (d.id == 0)
        log::error("dom0 crashed: stopping the machine");
    crash_stop();
}
