// Xenith's dom0: the toolstack as a PV kernel of its own. It reads its
// files from the initial ramdisk (a newc cpio archive: /etc/xen/*.cfg,
// /etc/xen/auto/, the guests' kernels), serves the store to every domain,
// relays their consoles, starts the domains of /etc/xen/auto, runs
// /etc/xenith/boot.sh, and then takes xl commands on the serial console.
// Everything runs from one event loop (event_loop.hpp).
//
// Its command line: mirror=0 stops the "[name] line" copies of domain
// consoles on dom0's console (on by default); net=0, ip= and api_token=
// are the management API's (dom0_net.hpp, dom0_api.hpp).
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "tools/dom0/dom0_hypercalls.hpp"
#include "tools/dom0/dom0_options.hpp"
#include "tools/dom0/dom0_api.hpp"
#include "tools/dom0/event_loop.hpp"
#include "tools/lib/base/heap.hpp"
#include "tools/lib/fs/file_system.hpp"
#include "tools/lib/xl/shell.hpp"
#include "tools/lib/xl/toolstack.hpp"

using toolstack::Str;
using toolstack::Text;

namespace {

// The heap: part of the image's BSS, so the boot-time mapping covers it.
alignas(16) uint8_t heap_bytes[24u << 20];

dom0::Dom0_hypercalls hcalls;
dom0::Event_loop loop;

class Dom0_host final : public xl::Host {
public:
    explicit Dom0_host(fs::File_system& files) : files_(files) {}

    bool read_file(Str path, const uint8_t*& data, size_t& len) override
    {
        Str s;
        if (files_.read(path, s) != fs::Err::none)
            return false;
        data = reinterpret_cast<const uint8_t*>(s.p);
        len = s.n;
        return true;
    }
    void write(Str s) override { console_write(s.p, s.n); }
    uint64_t now_ns() override { return loop.now_ns(); }
    void wake_at(uint64_t deadline_ns) override;
    void power_off(bool reboot) override
    {
        printf("dom0: %s the machine\n", reboot ? "restarting" : "powering off");
        hc::sched_shutdown(reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
    }

private:
    fs::File_system& files_;
};

xl::Toolstack* the_toolstack;
xl::Shell* the_shell;

// The earliest deadline anyone asked for (0: none). One loop timer serves
// every request: the toolstack and the shell ask again from their ticks
// for what is still ahead of them.
uint64_t next_wake;

void on_tick(void*)
{
    next_wake = 0;
    the_toolstack->tick();
    the_shell->tick();
    dom0::api_kick();
}

void Dom0_host::wake_at(uint64_t deadline_ns)
{
    if (next_wake && next_wake <= deadline_ns)
        return;
    if (loop.at(deadline_ns, on_tick, nullptr))
        next_wake = deadline_ns;
}

void on_domain_port(void*, evtchn_port_t port)
{
    the_toolstack->port_fired(port);
    the_shell->tick();
}

void on_dom_exc(void*, evtchn_port_t)
{
    the_toolstack->dom_exc();
    the_shell->tick();
}

void on_console_input(void*, evtchn_port_t)
{
    char buf[64];
    int n;
    while ((n = hc::console_io(CONSOLEIO_read, sizeof buf, buf)) > 0)
        the_shell->input(Str(buf, static_cast<uint32_t>(n)));
    the_shell->tick();
}

// "key=0" anywhere in the command line, as a whole word.
bool option_off(const char* cmdline, const char* key)
{
    Str v;
    uint32_t from = 0;
    while (dom0::cmdline_option(cmdline, key, v, from))
        if (v == "0")
            return true;
    return false;
}

// /etc/xen/auto/*: the domains created at boot, like the xendomains service.
void create_auto_domains(fs::File_system& files, xl::Shell& shell, const toolstack::Allocator& a)
{
    toolstack::Vec<Str> names(a);
    if (files.list_matching("/etc/xen/auto", "", names) != fs::Err::none)
        return;
    for (uint32_t i = 0; i < names.size(); ++i) {
        Text line(a);
        line.put("create /etc/xen/auto/").put(names[i]);
        if (line.ok())
            shell.run(line.str());
    }
}


} // namespace

namespace {

// guest-abi's boot stack is 16 KiB; a create (the builder, the store, a
// command's buffers) needs more, so dom0 runs on one of its own.
alignas(16) uint8_t dom0_stack[256u << 10];

[[noreturn]] void fatal(const char* why)
{
    printf("dom0: %s\n", why);
    for (;;)
        hc::sched_shutdown(SHUTDOWN_crash);
}

[[noreturn]] void dom0_main(start_info_t* si);

} // namespace

void guest_main(start_info_t* si)
{
    asm volatile("movl %0, %%esp\n\t"
                 "pushl %1\n\t"
                 "call *%2"
                 :
                 : "r"(dom0_stack + sizeof dom0_stack), "r"(si), "r"(dom0_main)
                 : "memory");
    __builtin_unreachable();
}

namespace {

void dom0_main(start_info_t* si)
{
    toolstack::Heap heap(heap_bytes, sizeof heap_bytes);
    toolstack::Allocator alloc = heap.allocator();
    printf("Xenith dom0 toolstack (%u MiB heap)\n", static_cast<unsigned>(sizeof heap_bytes >> 20));

    fs::File_system files(alloc, 8u << 20);
    if (si->mod_start && si->mod_len) {
        fs::Cpio_error why;
        fs::Err e = files.load(reinterpret_cast<const uint8_t*>(si->mod_start), si->mod_len, &why);
        if (e != fs::Err::none)
            printf("dom0: the ramdisk is not a newc cpio archive (%s): no files\n", fs::err_name(e));
    } else {
        printf("dom0: no ramdisk: no config files or guest kernels\n");
    }

    if (!loop.init())
        fatal("cannot bind VIRQ_TIMER");
    Dom0_host host(files);
    // The big objects live on the heap: the kernel's stack is 16 KiB.
    xl::Toolstack* tsp = toolstack::create<xl::Toolstack>(alloc, hcalls, alloc, host);
    xl::Shell* shp = tsp ? toolstack::create<xl::Shell>(alloc, *tsp) : nullptr;
    if (!shp)
        fatal("out of memory");
    xl::Toolstack& ts = *tsp;
    xl::Shell& shell = *shp;
    Text err(alloc);
    if (!ts.init(err))
        fatal(err.data());
    ts.mirror = !option_off(reinterpret_cast<const char*>(si->cmd_line), "mirror");
    the_toolstack = &ts;
    the_shell = &shell;
    loop.set_fallback(on_domain_port, nullptr);
    if (!loop.bind_virq(VIRQ_DOM_EXC, on_dom_exc, nullptr) ||
        !loop.bind_virq(VIRQ_CONSOLE, on_console_input, nullptr))
        fatal("cannot bind VIRQ_DOM_EXC and VIRQ_CONSOLE");

    dom0::api_start(loop, reinterpret_cast<const char*>(si->cmd_line), ts, files, alloc);

    create_auto_domains(files, shell, alloc);
    Str script;
    if (files.read("/etc/xenith/boot.sh", script) != fs::Err::none)
        script = Str();
    host.write("Type 'help' for the commands.\n");
    if (!shell.queue_script(script))
        printf("dom0: out of memory for /etc/xenith/boot.sh\n");
    for (;;)
        loop.run_once();
}

} // namespace
