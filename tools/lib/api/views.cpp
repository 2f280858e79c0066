// What the GET endpoints show: the host, domains, vCPUs, history,
// consoles, operations (docs/api.md). The rows are read as the xl
// commands read them (tools/lib/xl/domain_info.hpp).
#include "tools/lib/api/api.hpp"
#include "tools/lib/xl/domain_info.hpp"

namespace api {

namespace {

constexpr uint64_t ns_per_s = 1000000000ull;

bool has_param(Str query, Str name, Str& value)
{
    Str rest = query;
    while (!rest.empty()) {
        uint32_t amp = rest.find('&');
        Str kv = rest.prefix(amp);
        uint32_t eq = kv.find('=');
        if (kv.prefix(eq) == name) {
            value = eq < kv.n ? kv.sub(eq + 1) : Str();
            return true;
        }
        rest = rest.sub(amp + 1);
    }
    return false;
}

} // namespace

void Api::get_host(Reply& out)
{
    xen_sysctl_physinfo p{};
    if (!xl::read_physinfo(ts_.hypercalls(), p))
        return error(out, 500, "libxl: error: getting physinfo failed");
    Json_writer j(out.body);
    j.begin_object();
    j.key("hostname").string(cfg_.hostname);
    j.key("hypervisor").string(cfg_.hypervisor);
    j.key("xen_version").string(cfg_.xen_version);
    j.key("xen_caps").string("xen-3.0-x86_32p");
    j.key("nr_cpus").u64(p.nr_cpus);
    j.key("cpu_mhz").u64(p.cpu_khz / 1000);
    j.key("total_memory_kib").u64(uint64_t{p.total_pages} * 4);
    j.key("free_memory_kib").u64(uint64_t{p.free_pages} * 4);
    j.key("uptime_s").fixed(ts_.host().now_ns(), ns_per_s, 3);
    j.key("domains").u64(ts_.domains().size() + 1);
    j.key("scheduler").string("credit");
    j.end_object();
}

void Api::domain_json(Json_writer& j, const xen_domctl_getdomaininfo_t& di, xl::Domain* d)
{
    char state[6];
    xl::state_letters(di.flags, state);
    uint64_t now = ts_.host().now_ns();
    j.begin_object();
    j.key("id").u64(di.domain);
    j.key("name").string(di.domain == 0 ? Str("Domain-0") : d ? Str(d->spec.name) : Str("(null)"));
    j.key("state").string(Str(state, 6));
    j.key("vcpus").u64(di.nr_online_vcpus);
    j.key("max_vcpus").u64(uint64_t{di.max_vcpu_id} + 1);
    j.key("memory_kib").u64(uint64_t{di.tot_pages} * 4);
    j.key("max_memory_kib").u64(uint64_t{di.max_pages} * 4);
    j.key("cpu_time_s").fixed(di.cpu_time, ns_per_s, 3);
    j.key("cpu_percent").fixed(cpu_permille(di.domain), 10, 1);
    uint32_t weight = 256, cap = 0;
    xen_domctl op{};
    op.cmd = XEN_DOMCTL_scheduler_op;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = di.domain;
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    if (ts_.hypercalls().domctl(op, nullptr, 0) == 0) {
        weight = op.u.scheduler_op.u.credit.weight;
        cap = op.u.scheduler_op.u.credit.cap;
    } else if (d) {
        weight = d->spec.weight;
        cap = d->spec.cap;
    }
    j.key("weight").u64(weight);
    j.key("cap").u64(cap);
    j.key("uptime_s").fixed(di.domain == 0 ? now : d ? now - d->created_ns : 0, ns_per_s, 3);
    j.key("config");
    if (d && d->config_path[0])
        j.string(d->config_path);
    else
        j.null();
    j.end_object();
}

void Api::get_domains(Reply& out)
{
    xen_domctl_getdomaininfo_t info[16];
    Json_writer j(out.body);
    j.begin_object().key("domains").begin_array();
    domid_t next = 0;
    for (int rounds = 0; rounds < 4096; ++rounds) {
        uint32_t got = 0;
        if (!xl::read_domains(ts_.hypercalls(), next, info, 16, got)) {
            if (rounds == 0)
                return error(out, 500, "libxl: error: listing domains failed");
            break;
        }
        for (uint32_t i = 0; i < got; ++i)
            domain_json(j, info[i], ts_.find(info[i].domain));
        if (got < 16)
            break;
        next = static_cast<domid_t>(info[15].domain + 1);
    }
    j.end_array().end_object();
}

void Api::get_domain(Str dom, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    xen_domctl_getdomaininfo_t di{};
    if (!xl::read_domain(ts_.hypercalls(), id, di))
        return error(out, 500, "libxl: error: getting domain info failed");
    Json_writer j(out.body);
    domain_json(j, di, d);
}

void Api::get_vcpus(Str dom, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    uint64_t online = xl::online_cpu_mask(ts_.hypercalls());
    Json_writer j(out.body);
    j.begin_object().key("vcpus").begin_array();
    for (uint32_t v = 0; v < XEN_LEGACY_MAX_VCPUS; ++v) {
        xen_domctl_getvcpuinfo vi{};
        uint64_t mask = ~0ull;
        if (!xl::read_vcpu(ts_.hypercalls(), id, v, vi, mask))
            break;
        char st[3] = {vi.running ? 'r' : '-', vi.blocked ? 'b' : '-', vi.online ? '-' : 'p'};
        j.begin_object();
        j.key("vcpu").u64(v);
        j.key("cpu");
        if (vi.online)
            j.u64(vi.cpu);
        else
            j.null();
        j.key("state").string(Str(st, 3));
        j.key("time_s").fixed(vi.cpu_time, ns_per_s, 3);
        j.key("affinity");
        Text aff(alloc_);
        xl::put_affinity(aff, mask, online);
        j.string(aff.str());
        j.end_object();
    }
    j.end_array().end_object();
}

void Api::get_stats(Str dom, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    Json_writer j(out.body);
    j.begin_object().key("interval_s").fixed(cfg_.sample_interval_ns, ns_per_s, 3);
    j.key("samples").begin_array();
    if (const Domain_stats* s = stats_of(id))
        for (uint32_t i = 0; i < s->count; ++i) {
            const Sample& x = s->samples[(s->head + i) % Domain_stats::capacity];
            j.begin_object();
            j.key("t").fixed(x.t_ns, ns_per_s, 3);
            j.key("cpu_percent").fixed(x.cpu_permille, 10, 1);
            j.key("memory_kib").u64(x.memory_kib);
            j.end_object();
        }
    j.end_array().end_object();
}

void Api::get_dmesg(Reply& out)
{
    if (!xl::read_dmesg(ts_.hypercalls(), out.body)) {
        out.body.clear();
        return error(out, 500, "libxl: error: reading the console ring failed");
    }
    out.content_type = "text/plain; charset=utf-8";
}

void Api::get_console(Str dom, Str query, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    if (!d)
        return error(out, 404, "Domain-0's console is the hypervisor's: see /api/v1/dmesg");
    uint64_t from = 0;
    Str v;
    if (has_param(query, "offset", v) && !toolstack::parse_u64(v, ~0ull >> 1, from))
        return error(out, 400, "offset must be a decimal number");
    bool follow = has_param(query, "follow", v) && (v == "1" || v == "true");
    Str older, newer;
    d->log.contents(older, newer);
    uint64_t total = d->log.total();
    uint64_t oldest = total - older.n - newer.n;
    if (from < oldest)
        from = oldest;
    if (from > total)
        from = total;
    out.content_type = "text/plain; charset=utf-8";
    out.has_console_offset = true;
    out.console_offset = from;
    uint64_t skip = from - oldest;
    if (skip < older.n) {
        out.body.put(older.sub(static_cast<uint32_t>(skip)));
        skip = 0;
    } else {
        skip -= older.n;
    }
    out.body.put(newer.sub(static_cast<uint32_t>(skip)));
    if (follow) {
        out.stream = true;
        out.stream_dom = id;
        out.stream_at = total;
    }
}

void Api::get_operation(uint64_t id, Reply& out)
{
    const Operation* op = operation(id);
    if (!op)
        return error(out, 404, "no such operation");
    static const char* const states[] = {"running", "running", "done",
                                         "failed"}; // queued shows as running
    Json_writer j(out.body);
    j.begin_object();
    j.key("id").u64(op->id);
    j.key("kind").string("create");
    j.key("target").string(op->target);
    j.key("state").string(states[static_cast<unsigned>(op->state)]);
    j.key("progress").fixed(op->progress_permille, 1000, 3);
    j.key("message").string(op->message);
    if (op->state == Operation::State::done) {
        j.key("domain").begin_object();
        j.key("id").u64(op->domid);
        j.key("name").string(op->target);
        j.end_object();
    }
    j.end_object();
}

} // namespace api
