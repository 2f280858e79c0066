// C++ entry on the boot CPU: brings the machine up in dependency order.
#include <cstdint>

#include "arch/x86_32/irq/apic_irq.hpp"
#include "arch/x86_32/irq/pirq_irq.hpp"
#include "arch/x86_32/boot/cpu_selftest.hpp"
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/crash.hpp"
#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/domain/dom0_build.hpp"
#include "arch/x86_32/domain/domain_audit.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/boot/mm_boot.hpp"
#include "arch/x86_32/pv/pv_entry.hpp"
#include "arch/x86_32/pv/pv_events.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/dev/serial_irq.hpp"
#include "arch/x86_32/boot/platform.hpp"
#include "arch/x86_32/acpi/power.hpp"
#include "arch/x86_32/dev/serial.hpp"
#include "arch/x86_32/dev/vga.hpp"
#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/sched/context_switch.hpp"
#include "arch/x86_32/sched/softirq.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/sched/schedule.hpp"
#include "boot/layout.h"
#include "boot/multiboot.hpp"
#include "hypervisor/boot/cmdline.hpp"
#include "hypervisor/boot/boot_info.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domain_pause.hpp"
#include "hypervisor/lib/panic.hpp"

extern "C" {
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern const uint8_t __build_id_start[];
extern const uint8_t __build_id_end[];
}

namespace {

Boot_options options;

template <typename T>
T* phys_to_virt(uint32_t phys)
{
    return reinterpret_cast<T*>(phys + HV_DIRECTMAP_START);
}

// Serial lines want CR LF.
template <arch::Uart& (*line)()>
void uart_sink(const char* s, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        if (s[i] == '\n')
            line().put('\r');
        line().put(s[i]);
    }
}

void start_console()
{
    if (options.console_com1 && arch::com1().init(options.com1, 0x3F8))
        console::add_sink(uart_sink<arch::com1>);
    if (options.console_com2 && arch::com2().init(options.com2, 0x2F8))
        console::add_sink(uart_sink<arch::com2>);
    if (options.console_vga) {
        arch::vga_init();
        console::add_sink(arch::vga_write);
    }
    console::set_level(options.loglvl);
}

const char* boot_cmdline = "";
bool strip_module_names = true;

void print_banner()
{
    char id[41] = {};
    uint32_t len = 0;
    const uint8_t* desc = hypervisor_build_id(len);
    static const char hex[] = "0123456789abcdef";
    for (uint32_t i = 0; i < len && i < 20; ++i) {
        id[2 * i] = hex[desc[i] >> 4];
        id[2 * i + 1] = hex[desc[i] & 15];
    }
    console::printf("\n Xenith %s -- x86_32 PAE paravirtual hypervisor (build id %s)\n\n",
                    XENITH_VERSION, id);
}

[[noreturn]] void stop(const char* why)
{
    if (options.noreboot) {
        log::info("%s; 'noreboot' given: halting instead of powering off", why);
        arch::machine_halt();
    }
    log::info("%s; powering off", why);
    arch::machine_power_off();
}

} // namespace

const char* hypervisor_cmdline() { return boot_cmdline; }

const uint8_t* hypervisor_build_id(uint32_t& len)
{
    // The GNU build-id note: namesz, descsz, type, "GNU\0", then the id.
    const uint8_t* note = __build_id_start;
    len = 0;
    if (__build_id_end - note < 16)
        return note;
    len = *reinterpret_cast<const uint32_t*>(note + 4);
    if (len > static_cast<uint32_t>(__build_id_end - note) - 16)
        len = 0;
    return note + 16;
}

extern "C" [[noreturn]] void xenith_start(uint32_t magic, uint32_t mbi_phys)
{
    for (auto* fn = __init_array_start; fn != __init_array_end; ++fn)
        (*fn)();

    const multiboot::Info* mbi = nullptr;
    if (magic == multiboot::loader_magic && mbi_phys < HV_DIRECTMAP_SIZE)
        mbi = phys_to_virt<const multiboot::Info>(mbi_phys);
    const char* cmdline =
        mbi && (mbi->flags & multiboot::has_cmdline) && mbi->cmdline < HV_DIRECTMAP_SIZE
            ? phys_to_virt<const char>(mbi->cmdline)
            : "";
    const char* loader = mbi && (mbi->flags & multiboot::has_loader_name) &&
                                 mbi->boot_loader_name < HV_DIRECTMAP_SIZE
                             ? phys_to_virt<const char>(mbi->boot_loader_name)
                             : nullptr;
    strip_module_names = loader_prefixes_image_name(loader);
    parse_cmdline(cmdline, strip_module_names, options);
    boot_cmdline = cmdline;
    start_console();
    arch::cpu_tables_boot_init();
    arch::crash_init();
    set_noreboot(options.noreboot);
    print_banner();
    log::info("loader: %s; command line: %s", loader ? loader : "(unnamed)", cmdline);
    for (unsigned i = 0; i < options.diagnostic_count; ++i)
        log::warn("%s", options.diagnostics[i]);
    if (!arch::cpu_self_test())
        log::error("CPU table or fix-up self-test failed; continuing");
    if (!mbi) {
        log::error("not started by a multiboot loader (magic %#x); halting", magic);
        arch::halt_forever();
    }
    if (!arch::memory_init(*mbi)) {
        log::error("memory set-up failed; halting");
        arch::halt_forever();
    }

    arch::audit_init();
    arch::platform_init();
    arch::apic_irq_init();
    arch::pirq_irq_init();
    arch::smp_init(options.maxcpus);
    arch::run_fault_test(options.hv_fault_test);

    if (!arch::m2p_init())
        stop("cannot set up the machine-to-phys table");
    arch::pv_entry_init();
    pv_events_init();
    arch::vtime_init();
    arch::context_switch_init();
    arch::softirq_init();
    arch::tlb_flush_ipi_init();
    arch::smp_start_scheduling();
    bool have_dom0 = (mbi->flags & multiboot::has_mods) && mbi->mods_count > 0;
    if (!have_dom0)
        stop("no dom0 kernel module given: nothing to run");
    Domain* dom0 = arch::build_dom0(*mbi, options, strip_module_names);
    if (!dom0)
        stop("domain 0 could not be built");
    // Serial input interrupts come to this CPU; the events they raise reach
    // dom0 wherever it runs.
    if (options.console_com1)
        (void)arch::serial_irq_init(arch::this_cpu().apic_id);
    log::info("starting domain 0");
    vcpu_set_up(*dom0->vcpus[0], true);
    // Created paused by its controller, as every domain; nobody else will
    // start it (Xen's domain_unpause_by_systemcontroller(dom0) at boot).
    (void)domain_unpause_by_controller(*dom0);
    arch::idle_loop();
}
