// Once a sampling interval every domain's CPU time and memory, kept for
// the last Domain_stats::capacity samples (10 minutes at 1 s): CPU% over
// each interval, as xentop computes it. A domain's history goes with it.
#include "tools/lib/api/api.hpp"
#include "tools/lib/xl/domain_info.hpp"

namespace api {

Domain_stats* Api::stats_for(domid_t id)
{
    for (Domain_stats* s = stats_.first(); s; s = stats_.next(s))
        if (s->id == id)
            return s;
    auto* s = toolstack::create<Domain_stats>(alloc_);
    if (!s)
        return nullptr;
    s->id = id;
    stats_.push_back(s);
    return s;
}

const Domain_stats* Api::stats_of(domid_t id) const
{
    for (Domain_stats* s = stats_.first(); s; s = stats_.next(s))
        if (s->id == id)
            return s;
    return nullptr;
}

uint32_t Api::cpu_permille(domid_t id) const
{
    const Domain_stats* s = stats_of(id);
    return s ? s->cpu_permille : 0;
}

void Api::domain_gone(domid_t id)
{
    for (Domain_stats* s = stats_.first(); s; s = stats_.next(s))
        if (s->id == id) {
            stats_.remove(s);
            toolstack::destroy(alloc_, s);
            return;
        }
}

void Api::sample()
{
    uint64_t now = ts_.host().now_ns();
    for (Domain_stats* s = stats_.first(); s; s = stats_.next(s))
        s->seen = false;
    xen_domctl_getdomaininfo_t info[16];
    domid_t next = 0;
    for (int rounds = 0; rounds < 4096; ++rounds) {
        uint32_t got = 0;
        if (!xl::read_domains(ts_.hypercalls(), next, info, 16, got))
            return; // try again next time; keep what is known
        for (uint32_t i = 0; i < got; ++i) {
            const auto& di = info[i];
            // Only domains the toolstack knows (and dom0): a domain
            // being built or torn down gets no history.
            if (di.domain != 0 && !ts_.find(di.domain))
                continue;
            Domain_stats* s = stats_for(di.domain);
            if (!s)
                continue;
            s->seen = true;
            if (s->have_last && now > s->last_t_ns && di.cpu_time >= s->last_cpu_ns) {
                uint64_t permille = (di.cpu_time - s->last_cpu_ns) * 1000 / (now - s->last_t_ns);
                s->cpu_permille =
                    static_cast<uint32_t>(permille > 0xFFFFFFFFu ? 0xFFFFFFFFu : permille);
            }
            s->have_last = true;
            s->last_cpu_ns = di.cpu_time;
            s->last_t_ns = now;
            Sample x{now, static_cast<uint32_t>(uint64_t{di.tot_pages} * 4), s->cpu_permille};
            if (s->count < Domain_stats::capacity) {
                s->samples[(s->head + s->count++) % Domain_stats::capacity] = x;
            } else {
                s->samples[s->head] = x;
                s->head = (s->head + 1) % Domain_stats::capacity;
            }
        }
        if (got < 16)
            break;
        next = static_cast<domid_t>(info[15].domain + 1);
    }
    // Domains that went away without the toolstack seeing it.
    for (Domain_stats* s = stats_.first(); s;) {
        Domain_stats* n = stats_.next(s);
        if (!s->seen) {
            stats_.remove(s);
            toolstack::destroy(alloc_, s);
        }
        s = n;
    }
}

} // namespace api
