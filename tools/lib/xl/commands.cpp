// The xl commands: names, options, output columns and messages as xl(1)
// has them (tools/xl/xl_*.c), for what Xenith's toolstack supports.
#include "tools/lib/xl/config_spec.hpp"
#include "tools/lib/xl/domain_control.hpp"
#include "tools/lib/xl/domain_info.hpp"
#include "tools/lib/xl/shell.hpp"
#include "tools/lib/xenstore/local_client.hpp"

namespace xl {

using toolstack::parse_u64;

namespace {

xen_sysctl make_sysctl(uint32_t cmd)
{
    xen_sysctl op{};
    op.cmd = cmd;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}

// ns as seconds with one decimal, right-aligned in width ("%*.1f").
void put_seconds(Text& t, uint64_t ns, uint32_t width)
{
    uint64_t tenths = (ns + 50000000ull) / 100000000ull; // rounded, as %.1f
    char digits[24];
    uint32_t n = toolstack::format_u64(tenths / 10, digits);
    uint32_t len = n + 2;
    for (uint32_t i = len; i < width; ++i)
        t.put_char(' ');
    t.put(Str(digits, n)).put_char('.').put_char(static_cast<char>('0' + tenths % 10));
}

// fn(id, name, domain) for Domain-0 (domain nullptr), then every domain
// of the toolstack's.
template <class Fn> void for_each_domain(Toolstack& ts, Fn fn)
{
    fn(0, Str("Domain-0"), nullptr);
    for (Domain* d = ts.domains().first(); d; d = ts.domains().next(d))
        fn(d->domid, Str(d->spec.name), d);
}

struct Help {
    const char* name;
    const char* text;
};

constexpr Help commands[] = {
    {"create", "Create a domain from config file <filename>: create [-c] <file> [key=value ...]"},
    {"list", "List information about all/some domains: list [-l] [domain ...]"},
    {"destroy", "Terminate a domain immediately"},
    {"shutdown", "Issue a shutdown signal to a domain: shutdown [-w] <domain> | -a [-w]"},
    {"reboot", "Issue a reboot signal to a domain: reboot [-w] <domain> | -a [-w]"},
    {"pause", "Pause execution of a domain"},
    {"unpause", "Unpause a paused domain"},
    {"console", "Attach to domain's console (Ctrl-] detaches)"},
    {"info", "Get information about Xen host"},
    {"dmesg", "Read and/or clear dmesg buffer: dmesg [-c]"},
    {"vcpu-list", "List the VCPUs for all/some domains"},
    {"vcpu-pin", "Set which CPUs a VCPU can use: vcpu-pin <domain> <vcpu|all> <cpus|all>"},
    {"vcpu-set", "Set the number of active VCPUs allowed for the domain"},
    {"sched-credit", "Get/set credit scheduler parameters: sched-credit [-d D [-w W] [-c C]]"},
    {"mem-set", "Set the current memory usage for a domain: mem-set <domain> <MiB>[m|g]"},
    {"mem-max", "Set the maximum amount reservation for a domain: mem-max <domain> <MiB>"},
    {"rename", "Rename a domain"},
    {"domid", "Convert a domain name to domain id"},
    {"domname", "Convert a domain id to domain name"},
    {"uptime", "Print uptime for all/some domains"},
    {"top", "Monitor a host and the domains in real time: top (any key stops), top -b [-i N]"},
    {"sleep", "Wait <seconds> (for boot scripts)"},
    {"timings", "Xenith: each domain's time from create to its first console byte"},
    {"status", "Xenith: free pages, store nodes and consistency, domains"},
    {"xenstore-ls", "List the store below <path> (default /local/domain)"},
    {"xenstore-read", "Print the value of <path>"},
    {"xenstore-write", "Set <path> to <value>"},
    {"poweroff", "Power the whole machine off"},
    {"reboot-host", "Restart the whole machine"},
    {"help", "Print this help"},
};

} // namespace

Domain* Shell::domain_arg(Str s)
{
    Domain* d = ts_.find(s);
    if (!d) {
        Text t(ts_.alloc());
        t.put("Invalid domain identifier: ").put(s);
        fail(t.str());
    }
    return d;
}

void Shell::dispatch(Args& a)
{
    Str c = a.v[0];
    if (c == "help") cmd_help(a);
    else if (c == "list" || c == "li") cmd_list(a);
    else if (c == "create") cmd_create(a);
    else if (c == "destroy") cmd_destroy(a);
    else if (c == "shutdown") cmd_shutdown(a, false);
    else if (c == "reboot") cmd_shutdown(a, true);
    else if (c == "pause") cmd_pause(a, true);
    else if (c == "unpause") cmd_pause(a, false);
    else if (c == "console") cmd_console(a);
    else if (c == "info") cmd_info(a);
    else if (c == "dmesg") cmd_dmesg(a);
    else if (c == "vcpu-list") cmd_vcpu_list(a);
    else if (c == "vcpu-pin") cmd_vcpu_pin(a);
    else if (c == "vcpu-set") cmd_vcpu_set(a);
    else if (c == "sched-credit") cmd_sched_credit(a);
    else if (c == "mem-set") cmd_mem_set(a, false);
    else if (c == "mem-max") cmd_mem_set(a, true);
    else if (c == "rename") cmd_rename(a);
    else if (c == "domid") cmd_domid(a);
    else if (c == "domname") cmd_domname(a);
    else if (c == "uptime") cmd_uptime(a);
    else if (c == "top") cmd_top(a);
    else if (c == "sleep") cmd_sleep(a);
    else if (c == "status") cmd_status(a);
    else if (c == "timings") cmd_timings(a);
    else if (c == "xenstore-ls") cmd_xenstore_ls(a);
    else if (c == "xenstore-read") cmd_xenstore_rw(a, false);
    else if (c == "xenstore-write") cmd_xenstore_rw(a, true);
    else if (c == "poweroff") ts_.host().power_off(false);
    else if (c == "reboot-host") ts_.host().power_off(true);
    else {
        Text t(ts_.alloc());
        t.put("xl: command not implemented: ").put(c).put(" (try 'help')");
        fail(t.str());
    }
}

void Shell::cmd_help(Args&)
{
    Text t(ts_.alloc());
    t.put("Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
    for (const Help& h : commands)
        t.put(" ").put_padded(h.name, 16).put(h.text).put_char('\n');
    t.put("\nConsole: Ctrl-] leaves an attached domain console.\n");
    out(t.str());
}

void Shell::cmd_list(Args& a)
{
    bool verbose = false;
    uint32_t first = 1;
    if (a.n > 1 && (a.v[1] == "-l" || a.v[1] == "--long")) {
        verbose = true;
        first = 2;
    }
    Text t(ts_.alloc());
    t.put("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
    xen_domctl_getdomaininfo_t info[16];
    domid_t next = 0;
    for (;;) {
        xen_sysctl op = make_sysctl(XEN_SYSCTL_getdomaininfolist);
        op.u.getdomaininfolist.first_domain = next;
        op.u.getdomaininfolist.max_domains = 16;
        if (ts_.hypercalls().sysctl(op, info, sizeof info) != 0)
            break;
        uint32_t got = op.u.getdomaininfolist.num_domains;
        for (uint32_t i = 0; i < got && i < 16; ++i) {
            const xen_domctl_getdomaininfo_t& di = info[i];
            Domain* d = ts_.find(di.domain);
            Str name = di.domain == 0 ? Str("Domain-0") : d ? Str(d->spec.name) : Str("(null)");
            bool wanted = a.n <= first;
            for (uint32_t k = first; k < a.n; ++k)
                wanted |= a.v[k] == name || (d && ts_.find(a.v[k]) == d);
            if (!wanted)
                continue;
            char state[6];
            state_letters(di.flags, state);
            t.put_padded(name, 40).put_char(' ').put_u64_padded(di.domain, 5).put_char(' ');
            t.put_u64_padded(di.tot_pages / 256, 5).put_char(' ');
            t.put_u64_padded(di.nr_online_vcpus, 5).put("     ");
            t.put(state, 6);
            t.put_char(' ');
            put_seconds(t, di.cpu_time, 9);
            t.put_char('\n');
            if (verbose && d) {
                t.put("    uuid ");
                static const char hex[] = "0123456789abcdef";
                for (unsigned k = 0; k < 16; ++k) {
                    if (k == 4 || k == 6 || k == 8 || k == 10)
                        t.put_char('-');
                    t.put_char(hex[d->spec.uuid[k] >> 4]).put_char(hex[d->spec.uuid[k] & 15]);
                }
                t.put("  kernel ").put(d->spec.kernel).put("  memory ").put_u64(d->spec.memory_mib)
                    .put(" MiB  on_poweroff ").put(action_name(d->spec.on_poweroff))
                    .put("  on_reboot ").put(action_name(d->spec.on_reboot))
                    .put("  on_crash ").put(action_name(d->spec.on_crash)).put_char('\n');
                t.put("    cmdline \"").put(d->spec.cmdline).put("\"\n");
            }
        }
        if (got < 16)
            break;
        next = static_cast<domid_t>(info[15].domain + 1);
    }
    out(t.str());
}

void Shell::cmd_create(Args& a)
{
    bool console = false;
    uint32_t i = 1;
    for (; i < a.n && a.v[i].starts_with("-"); ++i) {
        if (a.v[i] == "-c")
            console = true;
        else if (a.v[i] != "-q" && a.v[i] != "-p") {
            fail("xl create: unknown option (usage: create [-c] <file> [key=value ...])");
            return;
        }
    }
    if (i >= a.n) {
        fail("'xl create' requires at least one argument.");
        return;
    }
    Str file = a.v[i];
    Domain_spec spec;
    Text err(ts_.alloc());
    Text warnings(ts_.alloc());
    // xl: a file it cannot read is reported before "Parsing config".
    const uint8_t* data = nullptr;
    size_t len = 0;
    if (!ts_.host().read_file(file, data, len)) {
        Text t(ts_.alloc());
        t.put("Failed to read config file: ").put(file).put(": No such file or directory");
        fail(t.str());
        return;
    }
    Text msg(ts_.alloc());
    msg.put("Parsing config from ").put(file).put_char('\n');
    out(msg.str());
    bool parsed = load_config(ts_.host(), ts_.alloc(), file, a.v + i + 1, a.n - i - 1, spec, err, warnings);
    out(warnings.str());
    if (!parsed) {
        fail(err.str());
        return;
    }
    Domain* d = ts_.create(spec, err);
    if (!d) {
        Text t(ts_.alloc());
        t.put("libxl: error: ").put(err.str()).put("\nxl: failed to create domain ").put(spec.name);
        fail(t.str());
        return;
    }
    d->set_config_path(file);
    if (console)
        attach(*d);
}

void Shell::attach(Domain& d)
{
    // What it printed so far, then its live output, raw.
    Str older, newer;
    d.log.contents(older, newer);
    out(older);
    out(newer);
    ts_.attach_console(&d);
    console_dom_ = d.domid;
    wait_ = Wait::console;
}

void Shell::cmd_console(Args& a)
{
    Str which = a.n > 1 ? a.v[a.n - 1] : Str();
    if (which.empty()) {
        fail("'xl console' requires at least one argument.");
        return;
    }
    if (Domain* d = domain_arg(which))
        attach(*d);
}

void Shell::cmd_destroy(Args& a)
{
    if (a.n < 2) {
        fail("'xl destroy' requires at least one argument.");
        return;
    }
    Domain* d = domain_arg(a.v[a.n - 1]);
    if (!d)
        return;
    int rc = ts_.destroy(d);
    if (rc != 0) {
        Text t(ts_.alloc());
        t.put("libxl: error: destroying domain failed: ").put_u64(static_cast<uint64_t>(-rc));
        fail(t.str());
    }
}

void Shell::cmd_shutdown(Args& a, bool reboot)
{
    bool all = false, wait = false;
    Str which;
    for (uint32_t i = 1; i < a.n; ++i) {
        if (a.v[i] == "-a" || a.v[i] == "--all")
            all = true;
        else if (a.v[i] == "-w" || a.v[i] == "--wait")
            wait = true;
        else if (a.v[i] == "-F")
            continue;
        else
            which = a.v[i];
    }
    if (!all && which.empty()) {
        fail(reboot ? "'xl reboot' requires at least one argument."
                    : "'xl shutdown' requires at least one argument.");
        return;
    }
    wait_n_ = 0;
    for (Domain* d = ts_.domains().first(); d; d = ts_.domains().next(d)) {
        if (!all && d != ts_.find(which))
            continue;
        if (ts_.request_shutdown(*d, reboot) == 0 && wait && wait_n_ < 256)
            wait_ids_[wait_n_++] = d->domid;
    }
    if (!all && !ts_.find(which)) {
        domain_arg(which);
        return;
    }
    if (wait && wait_n_) {
        Text t(ts_.alloc());
        t.put("Waiting for ").put_u64(wait_n_).put(" domains\n");
        out(t.str());
        wait_ = Wait::domains_gone;
    }
}

void Shell::cmd_pause(Args& a, bool pause)
{
    if (a.n < 2) {
        fail("'xl pause' requires at least one argument.");
        return;
    }
    Domain* d = domain_arg(a.v[1]);
    if (!d)
        return;
    Text err(ts_.alloc());
    if (!pause_domain(ts_, d->domid, pause, err))
        fail(err.str());
}

void Shell::cmd_info(Args&)
{
    xen_sysctl op = make_sysctl(XEN_SYSCTL_physinfo);
    if (ts_.hypercalls().sysctl(op, nullptr, 0) != 0) {
        fail("libxl: error: getting physinfo failed");
        return;
    }
    const xen_sysctl_physinfo& p = op.u.physinfo;
    Text t(ts_.alloc());
    auto row = [&](const char* k) -> Text& { return t.put_padded(k, 23).put(": "); };
    row("host").put("xenith\n");
    row("machine").put("i686\n");
    row("nr_cpus").put_u64(p.nr_cpus).put_char('\n');
    row("max_cpu_id").put_u64(p.max_cpu_id).put_char('\n');
    row("nr_nodes").put_u64(p.nr_nodes).put_char('\n');
    row("cores_per_socket").put_u64(p.cores_per_socket).put_char('\n');
    row("threads_per_core").put_u64(p.threads_per_core).put_char('\n');
    row("cpu_mhz").put_u64(p.cpu_khz / 1000).put_char('\n');
    row("total_memory").put_u64(p.total_pages / 256).put_char('\n');
    row("free_memory").put_u64(p.free_pages / 256).put_char('\n');
    row("xen_caps").put("xen-3.0-x86_32p\n");
    row("xen_scheduler").put("credit\n");
    row("xen_pagesize").put("4096\n");
    row("xend_config_format").put("4\n");
    out(t.str());
}

void Shell::cmd_dmesg(Args& a)
{
    // Everything is read before anything is printed: what dom0 prints goes
    // into the same ring, and would be read back again.
    bool clear = a.n > 1 && a.v[1] == "-c";
    char buf[1];
    Text all(ts_.alloc());
    if (!read_dmesg(ts_.hypercalls(), all)) {
        fail("libxl: error: reading the console ring failed");
        return;
    }
    if (clear) {
        xen_sysctl op = make_sysctl(XEN_SYSCTL_readconsole);
        op.u.readconsole.clear = 1;
        op.u.readconsole.count = 0;
        (void)ts_.hypercalls().sysctl(op, buf, 0);
    }
    out(all.str());
}

void Shell::cmd_vcpu_list(Args& a)
{
    Text t(ts_.alloc());
    t.put("Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n");
    uint64_t online_cpus = online_cpu_mask(ts_.hypercalls());
    for_each_domain(ts_, [&](domid_t id, Str name, Domain* d) {
        if (a.n > 1 && name != a.v[1] && !(d && ts_.find(a.v[1]) == d))
            return;
        for (uint32_t v = 0; v < XEN_LEGACY_MAX_VCPUS; ++v) {
            xen_domctl_getvcpuinfo vi{};
            uint64_t mask = ~0ull;
            if (!read_vcpu(ts_.hypercalls(), id, v, vi, mask))
                break;
            t.put_padded(name, 32).put_u64_padded(id, 6).put_u64_padded(v, 6);
            if (vi.online)
                t.put_u64_padded(vi.cpu, 6);
            else
                t.put("     -");
            t.put("   ").put_char(vi.running ? 'r' : '-').put_char(vi.blocked ? 'b' : '-')
                .put_char(vi.online ? '-' : 'p').put(" ");
            put_seconds(t, vi.cpu_time, 10);
            // Hard affinity as the hypervisor has it; soft is not used.
            t.put("  ");
            put_affinity(t, mask, online_cpus);
            t.put(" / all\n");
        }
    });
    out(t.str());
}

void Shell::cmd_vcpu_pin(Args& a)
{
    if (a.n < 4) {
        fail("Usage: xl vcpu-pin <domain> <vcpu|all> <cpus|all>");
        return;
    }
    Domain* d = domain_arg(a.v[1]);
    if (!d)
        return;
    uint64_t mask = 0, v = 0, cpu = 0;
    if (a.v[3] == "all")
        mask = ~0ull;
    else if (parse_u64(a.v[3], 63, cpu))
        mask = 1ull << cpu;
    else {
        fail("xl vcpu-pin: cpus must be a CPU number or 'all'");
        return;
    }
    bool all = a.v[2] == "all";
    if (!all && !parse_u64(a.v[2], XEN_LEGACY_MAX_VCPUS - 1, v)) {
        fail("xl vcpu-pin: invalid vcpu");
        return;
    }
    uint32_t count = all ? (d->spec.maxvcpus > d->spec.vcpus ? d->spec.maxvcpus : d->spec.vcpus) : 1;
    for (uint32_t i = 0; i < count; ++i) {
        uint8_t bits[8];
        for (unsigned b = 0; b < 8; ++b)
            bits[b] = static_cast<uint8_t>(mask >> (8 * b));
        xen_domctl op = make_domctl(XEN_DOMCTL_setvcpuaffinity, d->domid);
        op.u.vcpuaffinity.vcpu = all ? i : static_cast<uint32_t>(v);
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        op.u.vcpuaffinity.cpumap_hard.nr_bits = 64;
        int rc = ts_.hypercalls().domctl(op, bits, sizeof bits);
        if (rc != 0) {
            Text t(ts_.alloc());
            t.put("libxl: error: setting vcpu affinity failed: errno ").put_u64(static_cast<uint64_t>(-rc));
            fail(t.str());
            return;
        }
    }
}

void Shell::cmd_vcpu_set(Args& a)
{
    uint64_t n = 0;
    if (a.n < 3 || !parse_u64(a.v[2], XEN_LEGACY_MAX_VCPUS, n) || n == 0) {
        fail("Usage: xl vcpu-set <domain> <vCPUs>");
        return;
    }
    Domain* d = domain_arg(a.v[1]);
    if (!d)
        return;
    Text err(ts_.alloc());
    if (!set_vcpus(ts_, *d, n, err))
        fail(err.str());
}

void Shell::cmd_sched_credit(Args& a)
{
    Str dom;
    uint64_t weight = 0, cap = 0;
    bool set_w = false, set_c = false;
    for (uint32_t i = 1; i + 1 < a.n; i += 2) {
        if (a.v[i] == "-d")
            dom = a.v[i + 1];
        else if (a.v[i] == "-w" && parse_u64(a.v[i + 1], 65535, weight) && weight > 0)
            set_w = true;
        else if (a.v[i] == "-c" && parse_u64(a.v[i + 1], 65534, cap))
            set_c = true;
        else {
            fail("Usage: xl sched-credit [-d <domain> [-w <weight>] [-c <cap>]]");
            return;
        }
    }
    if ((set_w || set_c) && dom.empty()) {
        fail("Must specify a domain.");
        return;
    }
    Text t(ts_.alloc());
    t.put("Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n");
    t.put("Name                                ID Weight  Cap\n");
    bool failed = false;
    for_each_domain(ts_, [&](domid_t id, Str name, Domain* d) {
        if (!dom.empty() && ts_.find(dom) != d && !(id == 0 && (dom == "0" || dom == "Domain-0")))
            return;
        xen_domctl op = make_domctl(XEN_DOMCTL_scheduler_op, id);
        op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
        if (set_w || set_c) {
            op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
            op.u.scheduler_op.u.credit.weight = static_cast<uint16_t>(set_w ? weight : 0);
            op.u.scheduler_op.u.credit.cap = static_cast<uint16_t>(set_c ? cap : 0xffff);
            failed |= ts_.hypercalls().domctl(op, nullptr, 0) != 0;
            return;
        }
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
        if (ts_.hypercalls().domctl(op, nullptr, 0) != 0)
            return;
        t.put_padded(name, 32).put_u64_padded(id, 6);
        t.put_u64_padded(op.u.scheduler_op.u.credit.weight, 7);
        t.put_u64_padded(op.u.scheduler_op.u.credit.cap, 5).put_char('\n');
    });
    if (failed) {
        fail("libxl: error: setting domain sched credit failed");
        return;
    }
    if (!dom.empty() && !ts_.find(dom) && dom != "0" && dom != "Domain-0") {
        domain_arg(dom);
        return;
    }
    if (!set_w && !set_c)
        out(t.str());
}

void Shell::cmd_mem_set(Args& a, bool max)
{
    uint64_t mib = 0;
    Str amount = a.n > 2 ? a.v[2] : Str();
    if (!amount.empty() && (amount[amount.n - 1] == 'm' || amount[amount.n - 1] == 'M'))
        amount = amount.prefix(amount.n - 1);
    if (a.n < 3 || !parse_u64(amount, 1u << 20, mib)) {
        fail(max ? "Usage: xl mem-max <domain> <MiB>" : "Usage: xl mem-set <domain> <MiB>");
        return;
    }
    Domain* d = domain_arg(a.v[1]);
    if (!d)
        return;
    if (max) {
        xen_domctl op = make_domctl(XEN_DOMCTL_max_mem, d->domid);
        op.u.max_mem.max_memkb = mib * 1024;
        if (ts_.hypercalls().domctl(op, nullptr, 0) != 0) {
            fail("libxl: error: setting the maximum memory failed");
            return;
        }
        d->spec.maxmem_mib = static_cast<uint32_t>(mib);
        return;
    }
    Text err(ts_.alloc());
    if (!set_memory_target(ts_, *d, mib * 1024, err))
        fail(err.str());
}

void Shell::cmd_rename(Args& a)
{
    if (a.n < 3) {
        fail("'xl rename' requires 2 arguments.");
        return;
    }
    Domain* d = domain_arg(a.v[1]);
    if (d && !ts_.rename(*d, a.v[2]))
        fail("libxl: error: Domain with name already exists, or the name is invalid.");
}

void Shell::cmd_domid(Args& a)
{
    if (a.n < 2) {
        fail("'xl domid' requires 1 argument.");
        return;
    }
    Text t(ts_.alloc());
    if (a.v[1] == "Domain-0") {
        out("0\n");
        return;
    }
    Domain* d = nullptr;
    for (Domain* e = ts_.domains().first(); e; e = ts_.domains().next(e))
        if (Str(e->spec.name) == a.v[1])
            d = e;
    if (!d) {
        t.put("Can't get domid of domain name '").put(a.v[1]).put("', maybe this domain does not exist.");
        fail(t.str());
        return;
    }
    t.put_u64(d->domid).put_char('\n');
    out(t.str());
}

void Shell::cmd_domname(Args& a)
{
    uint64_t id = 0;
    if (a.n < 2 || !parse_u64(a.v[1], 0x7fef, id)) {
        fail("Invalid domain id.");
        return;
    }
    if (id == 0) {
        out("Domain-0\n");
        return;
    }
    Domain* d = ts_.find(static_cast<domid_t>(id));
    if (!d) {
        Text t(ts_.alloc());
        t.put("Can't get domain name of domain id '").put_u64(id).put("', maybe this domain does not exist.");
        fail(t.str());
        return;
    }
    Text t(ts_.alloc());
    t.put(d->spec.name).put_char('\n');
    out(t.str());
}

void Shell::cmd_uptime(Args&)
{
    Text t(ts_.alloc());
    uint64_t now = ts_.host().now_ns();
    auto row = [&](Str name, uint64_t id, uint64_t ns) {
        uint64_t s = ns / 1000000000ull;
        t.put_padded(name, 32).put_u64_padded(id, 5).put("  ");
        t.put_u64(s / 3600).put_char(':');
        t.put_char(static_cast<char>('0' + s / 600 % 6)).put_char(static_cast<char>('0' + s / 60 % 10)).put_char(':');
        t.put_char(static_cast<char>('0' + s % 60 / 10)).put_char(static_cast<char>('0' + s % 10)).put_char('\n');
    };
    t.put("Name                              ID Uptime\n");
    row("Domain-0", 0, now);
    for (Domain* d = ts_.domains().first(); d; d = ts_.domains().next(d))
        row(d->spec.name, d->domid, now - d->created_ns);
    out(t.str());
}

void Shell::cmd_top(Args& a)
{
    // xentop: a table every second until a key is pressed, or with -b
    // (batch) N tables (-i N, default 1) and then the prompt.
    uint64_t n = 0;
    bool batch = false;
    for (uint32_t i = 1; i < a.n; ++i) {
        if (a.v[i] == "-b")
            batch = true;
        else if (!(a.v[i] == "-i" && i + 1 < a.n && parse_u64(a.v[++i], 100000, n) && n > 0)) {
            fail("Usage: xl top [-b [-i <iterations>]]");
            return;
        }
    }
    top_left_ = batch ? (n ? static_cast<uint32_t>(n) : 1u) : 0;
    top_prev_n_ = 0;
    top_prev_ns_ = 0;
    print_top();
    if (top_left_ == 1)
        return;
    if (top_left_)
        --top_left_;
    until_ns_ = ts_.host().now_ns() + 1000000000ull;
    ts_.host().wake_at(until_ns_);
    wait_ = Wait::top;
}

void Shell::print_top()
{
    Text t(ts_.alloc());
    t.put("      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS\n");
    xen_sysctl ph = make_sysctl(XEN_SYSCTL_physinfo);
    uint64_t total = 1;
    if (ts_.hypercalls().sysctl(ph, nullptr, 0) == 0 && ph.u.physinfo.total_pages)
        total = ph.u.physinfo.total_pages;
    xen_domctl_getdomaininfo_t info[16];
    domid_t next = 0;
    uint64_t now = ts_.host().now_ns();
    Top_sample* samples = top_cur_;
    uint32_t seen = 0;
    for (;;) {
        xen_sysctl op = make_sysctl(XEN_SYSCTL_getdomaininfolist);
        op.u.getdomaininfolist.first_domain = next;
        op.u.getdomaininfolist.max_domains = 16;
        if (ts_.hypercalls().sysctl(op, info, sizeof info) != 0)
            break;
        uint32_t got = op.u.getdomaininfolist.num_domains;
        for (uint32_t i = 0; i < got && i < 16; ++i) {
            const auto& di = info[i];
            Domain* d = ts_.find(di.domain);
            Str name = di.domain == 0 ? Str("Domain-0") : d ? Str(d->spec.name) : Str("(null)");
            // CPU% over the interval since the previous table (xentop's),
            // or over the domain's life for the first one.
            uint64_t alive = di.domain == 0 ? now : d ? now - d->created_ns : now;
            uint64_t used = di.cpu_time;
            for (uint32_t k = 0; k < top_prev_n_; ++k)
                if (top_prev_[k].id == di.domain && top_prev_ns_ && di.cpu_time >= top_prev_[k].cpu_ns) {
                    used = di.cpu_time - top_prev_[k].cpu_ns;
                    alive = now - top_prev_ns_;
                }
            if (seen < max_top_samples)
                samples[seen++] = Top_sample{di.domain, di.cpu_time};
            uint64_t pct = alive ? used * 100 / alive : 0;
            t.put_padded(name, 10).put(" ");
            t.put_char(di.flags & XEN_DOMINF_running ? 'r' : '-')
                .put_char(di.flags & XEN_DOMINF_blocked ? 'b' : '-')
                .put_char(di.flags & XEN_DOMINF_paused ? 'p' : '-')
                .put_char(di.flags & XEN_DOMINF_shutdown ? 's' : '-').put("  ");
            t.put_u64_padded(di.cpu_time / 1000000000ull, 9).put_u64_padded(pct, 7);
            t.put_u64_padded(di.tot_pages * 4, 11).put_u64_padded(di.tot_pages * 100 / total, 7);
            t.put_u64_padded(di.max_pages * 4, 11).put_u64_padded(di.max_pages * 100 / total, 10);
            t.put_u64_padded(di.nr_online_vcpus, 6).put_char('\n');
        }
        if (got < 16)
            break;
        next = static_cast<domid_t>(info[15].domain + 1);
    }
    toolstack::mem_copy(top_prev_, samples, seen * sizeof samples[0]);
    top_prev_n_ = seen;
    top_prev_ns_ = now;
    out(t.str());
}

void Shell::cmd_timings(Args&)
{
    // System time, which under QEMU's -icount shift=0 counts instructions.
    Text t(ts_.alloc());
    t.put("Name                                ID  build(us) first-byte(us)\n");
    for (Domain* d = ts_.domains().first(); d; d = ts_.domains().next(d)) {
        t.put_padded(d->spec.name, 32).put_u64_padded(d->domid, 6);
        t.put_u64_padded((d->created_ns - d->create_start_ns) / 1000, 11);
        if (d->first_byte_ns)
            t.put_u64_padded((d->first_byte_ns - d->create_start_ns) / 1000, 15);
        else
            t.put("              -");
        t.put_char('\n');
    }
    out(t.str());
}

void Shell::cmd_status(Args&)
{
    xen_sysctl op = make_sysctl(XEN_SYSCTL_physinfo);
    uint64_t free_pages = ts_.hypercalls().sysctl(op, nullptr, 0) == 0 ? op.u.physinfo.free_pages : 0;
    xs::Tree_check check = ts_.store().check();
    Text t(ts_.alloc());
    t.put("free_pages ").put_u64(free_pages).put(" store_nodes ").put_u64(check.nodes);
    t.put(" store ").put(check.problems ? "INCONSISTENT: " : "consistent").put(check.problems ? check.first : "");
    t.put(" domains ").put_u64(ts_.domains().size()).put(" store_connections ").put_u64(ts_.store().connections());
    t.put_char('\n');
    out(t.str());
}

void Shell::list_store(xs::Local_client& c, Str path, uint32_t depth, Text& t)
{
    Text names(ts_.alloc());
    if (depth > 16 || c.directory(path, names) != xs::Err::none)
        return;
    Str rest = names.str();
    while (!rest.empty()) {
        uint32_t end = rest.find('\0');
        Str name = rest.prefix(end);
        rest = rest.sub(end + 1);
        Text child(ts_.alloc()), value(ts_.alloc());
        child.put(path).put(path == "/" ? "" : "/").put(name);
        (void)c.read(child.str(), value);
        for (uint32_t i = 0; i < depth; ++i)
            t.put(" ");
        t.put(name).put(" = \"").put(value.str()).put("\"\n");
        list_store(c, child.str(), depth + 1, t);
    }
}

void Shell::cmd_xenstore_ls(Args& a)
{
    xs::Local_client c(ts_.store());
    Text t(ts_.alloc());
    list_store(c, a.n > 1 ? a.v[1] : Str("/local/domain"), 0, t);
    out(t.str());
}

void Shell::cmd_xenstore_rw(Args& a, bool write)
{
    if (a.n < (write ? 3u : 2u)) {
        fail(write ? "Usage: xenstore-write <path> <value>" : "Usage: xenstore-read <path>");
        return;
    }
    xs::Local_client c(ts_.store());
    Text value(ts_.alloc());
    xs::Err e = write ? c.write(a.v[1], a.v[2]) : c.read(a.v[1], value);
    (void)ts_.store().poll();
    if (e != xs::Err::none) {
        Text t(ts_.alloc());
        t.put("xenstore: ").put(a.v[1]).put(": ").put(xs::err_name(e));
        fail(t.str());
        return;
    }
    if (!write) {
        value.put_char('\n');
        out(value.str());
    }
}

void Shell::cmd_sleep(Args& a)
{
    uint64_t s = 0;
    if (a.n < 2 || !parse_u64(a.v[1], 86400, s)) {
        fail("Usage: sleep <seconds>");
        return;
    }
    until_ns_ = ts_.host().now_ns() + s * 1000000000ull;
    ts_.host().wake_at(until_ns_);
    wait_ = Wait::until;
}

} // namespace xl
