// GET /metrics: Prometheus text exposition format 0.0.4 (prometheus.io,
// "Exposition formats"): # HELP and # TYPE before each family, label
// values with '\\', '"' and newline escaped.
#include "tools/lib/api/api.hpp"
#include "tools/lib/xl/domain_info.hpp"

namespace api {

namespace {

void family(Text& t, Str name, Str type, Str help)
{
    t.put("# HELP ").put(name).put_char(' ').put(help).put_char('\n');
    t.put("# TYPE ").put(name).put_char(' ').put(type).put_char('\n');
}

void put_label_value(Text& t, Str v)
{
    for (uint32_t i = 0; i < v.n; ++i) {
        if (v[i] == '\\' || v[i] == '"')
            t.put_char('\\').put_char(v[i]);
        else if (v[i] == '\n')
            t.put("\\n");
        else
            t.put_char(v[i]);
    }
}

struct Row {
    domid_t id;
    Str name;
    xen_domctl_getdomaininfo_t di;
};

} // namespace

void Api::get_metrics(Reply& out)
{
    xen_sysctl_physinfo p{};
    if (!xl::read_physinfo(ts_.hypercalls(), p))
        return error(out, 500, "libxl: error: getting physinfo failed");
    // Every domain once, then one family after another.
    static constexpr uint32_t max_rows = 256;
    auto* rows = static_cast<Row*>(alloc_.allocate(max_rows * sizeof(Row)));
    if (!rows)
        return error(out, 503, "out of memory");
    uint32_t n = 0;
    domid_t next = 0;
    xen_domctl_getdomaininfo_t info[16];
    for (bool more = true; more && n < max_rows;) {
        uint32_t got = 0;
        if (!xl::read_domains(ts_.hypercalls(), next, info, 16, got))
            break;
        for (uint32_t i = 0; i < got && n < max_rows; ++i) {
            xl::Domain* d = ts_.find(info[i].domain);
            rows[n++] = Row{info[i].domain,
                            info[i].domain == 0 ? Str("Domain-0")
                            : d                 ? Str(d->spec.name)
                                                : Str("(null)"),
                            info[i]};
        }
        more = got == 16;
        if (more)
            next = static_cast<domid_t>(info[15].domain + 1);
    }
    Text& t = out.body;
    out.content_type = "text/plain; version=0.0.4";
    family(t, "xenith_host_memory_total_bytes", "gauge", "Memory of the machine.");
    t.put("xenith_host_memory_total_bytes ").put_u64(uint64_t{p.total_pages} * 4096).put_char('\n');
    family(t, "xenith_host_memory_free_bytes", "gauge", "Memory no domain holds.");
    t.put("xenith_host_memory_free_bytes ").put_u64(uint64_t{p.free_pages} * 4096).put_char('\n');
    family(t, "xenith_host_cpus", "gauge", "Physical CPUs.");
    t.put("xenith_host_cpus ").put_u64(p.nr_cpus).put_char('\n');
    family(t, "xenith_domains", "gauge", "Domains, Domain-0 included.");
    t.put("xenith_domains ").put_u64(n).put_char('\n');
    struct Family {
        const char* name;
        const char* type;
        const char* help;
    };
    static const Family families[] = {
        {"xenith_domain_cpu_seconds_total", "counter", "CPU time the domain has used."},
        {"xenith_domain_memory_bytes", "gauge", "Memory the domain holds."},
        {"xenith_domain_max_memory_bytes", "gauge", "The domain's memory limit."},
        {"xenith_domain_vcpus", "gauge", "Online vCPUs."},
        {"xenith_domain_running", "gauge", "1 unless the domain is paused, shut down or dying."},
    };
    for (unsigned f = 0; f < 5; ++f) {
        family(t, families[f].name, families[f].type, families[f].help);
        for (uint32_t i = 0; i < n; ++i) {
            const auto& di = rows[i].di;
            t.put(families[f].name).put("{id=\"").put_u64(rows[i].id).put("\",name=\"");
            put_label_value(t, rows[i].name);
            t.put("\"} ");
            switch (f) {
            case 0: put_fixed(t, di.cpu_time, 1000000000ull, 9); break;
            case 1: t.put_u64(uint64_t{di.tot_pages} * 4096); break;
            case 2: t.put_u64(uint64_t{di.max_pages} * 4096); break;
            case 3: t.put_u64(di.nr_online_vcpus); break;
            default:
                t.put_u64((di.flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown | XEN_DOMINF_dying))
                              ? 0
                              : 1);
            }
            t.put_char('\n');
        }
    }
    alloc_.free(rows, max_rows * sizeof(Row));
}

} // namespace api
