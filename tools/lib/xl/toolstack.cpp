#include "tools/lib/xl/toolstack.hpp"

#include "tools/lib/domain_builder/domain_builder.hpp"
#include "tools/lib/xenstore/domain_tree.hpp"
#include "tools/lib/xenstore/local_client.hpp"
#include "tools/lib/xl/domain_control.hpp"

namespace xl {

using toolstack::Build_error;
using toolstack::Build_request;
using toolstack::Build_result;

namespace {

void put_hex(Text& t, const uint8_t* b, unsigned n)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; ++i)
        t.put_char(digits[b[i] >> 4]).put_char(digits[b[i] & 15]);
}

// 8-4-4-4-12, as /vm/<uuid> and xl list -l show it.
void put_uuid(Text& t, const uint8_t* u)
{
    put_hex(t, u, 4);
    t.put_char('-');
    put_hex(t, u + 4, 2);
    t.put_char('-');
    put_hex(t, u + 6, 2);
    t.put_char('-');
    put_hex(t, u + 8, 2);
    t.put_char('-');
    put_hex(t, u + 10, 6);
}

} // namespace

const char* shutdown_reason_name(uint32_t reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "poweroff";
    case SHUTDOWN_reboot: return "reboot";
    case SHUTDOWN_suspend: return "suspend";
    case SHUTDOWN_crash: return "crash";
    case SHUTDOWN_watchdog: return "watchdog";
    case 5: return "soft_reset";
    default: return "unknown";
    }
}

Toolstack::Toolstack(toolstack::Hypercalls& hc, const toolstack::Allocator& alloc, Host& host)
    : hc_(hc), alloc_(alloc), host_(host)
{
}

Toolstack::~Toolstack()
{
    while (Domain* d = domains_.first())
        forget(d);
    toolstack::destroy(alloc_, xs_);
}

bool Toolstack::init(Text& err)
{
    xs::Hooks hooks;
    hooks.ctx = this;
    hooks.map_ring = map_ring;
    hooks.unmap_ring = unmap_ring;
    hooks.bind_port = bind_port;
    hooks.unbind_port = unbind_port;
    hooks.notify = notify;
    hooks.log = log_line;
    xs_ = toolstack::create<xs::Xenstored>(alloc_, alloc_, hooks);
    if (!xs_ || xs_->init() != xs::Err::none) {
        err.put("xenstored: out of memory");
        return false;
    }
    xs::Local_client c(*xs_);
    if (!c.connected() || c.write("/local/domain/0/name", "Domain-0") != xs::Err::none ||
        c.write("/local/domain/0/domid", "0") != xs::Err::none ||
        // Where every domain's /vm/<uuid> goes; it stays when they go.
        c.mkdir("/vm") != xs::Err::none) {
        err.put("xenstored: cannot write dom0's entries");
        return false;
    }
    return true;
}

Domain* Toolstack::find(Str s) const
{
    uint64_t id = 0;
    bool numeric = toolstack::parse_u64(s, 0x7fef, id);
    for (Domain* d = domains_.first(); d; d = domains_.next(d))
        if ((numeric && d->domid == id) || Str(d->spec.name) == s)
            return d;
    return nullptr;
}

Domain* Toolstack::find(domid_t id) const
{
    for (Domain* d = domains_.first(); d; d = domains_.next(d))
        if (d->domid == id)
            return d;
    return nullptr;
}

struct Create_job {
    Domain* d = nullptr;
    toolstack::Build_job* build = nullptr;
    uint64_t start_ns = 0;
    uint32_t max_vcpus = 1;
    uint32_t max_memory_kib = 0;
};

Domain* Toolstack::create(const Domain_spec& spec, Text& err)
{
    Create_job* j = begin_create(spec, err);
    if (!j)
        return nullptr;
    Domain* d = nullptr;
    while (create_step(j, d, err) == Create_state::running) {
    }
    return d;
}

uint32_t Toolstack::create_progress_permille(const Create_job* j)
{
    // The build is nearly all of it; the store and console setup after it
    // is quick.
    return j->build->progress_permille() * 99 / 100;
}

const char* Toolstack::create_phase(const Create_job* j) { return j->build->phase(); }

void Toolstack::cancel_create(Create_job* j)
{
    if (!j)
        return;
    toolstack::Build_job::destroy(j->build); // destroys a half-built domain
    toolstack::destroy(alloc_, j->d);
    toolstack::destroy(alloc_, j);
}

Create_state Toolstack::create_step(Create_job* j, Domain*& out, Text& err)
{
    out = nullptr;
    toolstack::Build_job::State st = j->build->step();
    if (st == toolstack::Build_job::State::running)
        return Create_state::running;
    if (st == toolstack::Build_job::State::failed) {
        err.put(j->build->error().text);
        cancel_create(j);
        return Create_state::failed;
    }
    out = finish_create(j, err);
    return out ? Create_state::done : Create_state::failed;
}

Create_job* Toolstack::begin_create(const Domain_spec& spec, Text& err)
{
    if (spec.name[0] == '\0' || Str(spec.name) == "Domain-0" || find(Str(spec.name))) {
        err.put("domain name '").put(spec.name).put("' is already in use or invalid");
        return nullptr;
    }
    uint64_t start_ns = host_.now_ns();
    const uint8_t* kernel = nullptr;
    size_t kernel_len = 0;
    if (!host_.read_file(spec.kernel, kernel, kernel_len)) {
        err.put("failed to read kernel '").put(spec.kernel).put("': no such file");
        return nullptr;
    }
    const uint8_t* ramdisk = nullptr;
    size_t ramdisk_len = 0;
    if (spec.ramdisk[0] && !host_.read_file(spec.ramdisk, ramdisk, ramdisk_len)) {
        err.put("failed to read ramdisk '").put(spec.ramdisk).put("': no such file");
        return nullptr;
    }
    Domain* d = toolstack::create<Domain>(alloc_);
    if (!d) {
        err.put("out of memory");
        return nullptr;
    }
    d->spec = spec;
    Build_request req;
    req.kernel = kernel;
    req.kernel_len = kernel_len;
    req.ramdisk = ramdisk;
    req.ramdisk_len = ramdisk_len;
    req.cmdline = spec.cmdline;
    req.memory_kib = spec.memory_mib * 1024;
    req.max_memory_kib = (spec.maxmem_mib > spec.memory_mib ? spec.maxmem_mib : spec.memory_mib) * 1024;
    req.max_vcpus = spec.maxvcpus > spec.vcpus ? spec.maxvcpus : spec.vcpus;
    if (spec.has_uuid) {
        toolstack::mem_copy(req.handle, spec.uuid, 16);
    } else {
        // A version-4-shaped id from the clock and a counter: unique on
        // this host, which is all the store's /vm paths need.
        uint64_t t = host_.now_ns();
        uint32_t n = ++uuid_counter_;
        for (unsigned i = 0; i < 8; ++i)
            req.handle[i] = static_cast<uint8_t>(t >> (8 * i));
        for (unsigned i = 0; i < 4; ++i)
            req.handle[8 + i] = static_cast<uint8_t>(n >> (8 * i));
        req.handle[6] = static_cast<uint8_t>((req.handle[6] & 0x0f) | 0x40);
        req.handle[8] = static_cast<uint8_t>((req.handle[8] & 0x3f) | 0x80);
    }
    toolstack::mem_copy(d->spec.uuid, req.handle, 16);
    d->spec.has_uuid = true;
    req.start = false;
    // The builder keeps a pointer to the command line: the record's copy.
    req.cmdline = d->spec.cmdline;
    auto* j = toolstack::create<Create_job>(alloc_);
    toolstack::Build_job* build = j ? toolstack::Build_job::create(hc_, alloc_, req) : nullptr;
    if (!build) {
        err.put("out of memory");
        toolstack::destroy(alloc_, j);
        toolstack::destroy(alloc_, d);
        return nullptr;
    }
    j->d = d;
    j->build = build;
    j->start_ns = start_ns;
    j->max_vcpus = req.max_vcpus;
    j->max_memory_kib = req.max_memory_kib;
    return j;
}

Domain* Toolstack::finish_create(Create_job* j, Text& err)
{
    Domain* d = j->d;
    const Domain_spec& spec = d->spec;
    Build_result out = j->build->result();
    uint64_t start_ns = j->start_ns;
    struct {
        uint32_t max_vcpus, max_memory_kib;
    } req{j->max_vcpus, j->max_memory_kib};
    toolstack::Build_job::destroy(j->build); // done: the domain stays
    toolstack::destroy(alloc_, j);
    if (find(Str(spec.name))) {
        // Another create of the same name finished first.
        err.put("domain name '").put(spec.name).put("' is already in use or invalid");
        xen_domctl op = make_domctl(XEN_DOMCTL_destroydomain, out.domid);
        (void)hc_.domctl(op, nullptr, 0);
        toolstack::destroy(alloc_, d);
        return nullptr;
    }
    d->domid = out.domid;
    d->store_mfn = out.store_mfn;
    d->store_port = out.store_evtchn;
    d->created_ns = host_.now_ns();
    d->create_start_ns = start_ns;
    domains_.push_back(d);

    bool ok = true;
    if (spec.weight != 256 || spec.cap != 0) {
        xen_domctl op = make_domctl(XEN_DOMCTL_scheduler_op, d->domid);
        op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
        op.u.scheduler_op.u.credit.weight = static_cast<uint16_t>(spec.weight);
        op.u.scheduler_op.u.credit.cap = static_cast<uint16_t>(spec.cap);
        if (hc_.domctl(op, nullptr, 0) != 0) {
            err.put("failed to set the credit scheduler's weight and cap");
            ok = false;
        }
    }
    // cpus=: every vCPU's hard affinity.
    for (uint32_t v = 0; ok && spec.cpus != ~0ull && v < req.max_vcpus; ++v) {
        uint8_t bits[8];
        for (unsigned b = 0; b < 8; ++b)
            bits[b] = static_cast<uint8_t>(spec.cpus >> (8 * b));
        xen_domctl op = make_domctl(XEN_DOMCTL_setvcpuaffinity, d->domid);
        op.u.vcpuaffinity.vcpu = v;
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        op.u.vcpuaffinity.cpumap_hard.nr_bits = 64;
        if (hc_.domctl(op, bits, sizeof bits) != 0) {
            err.put("failed to set the vCPUs' affinity (cpus=)");
            ok = false;
        }
    }
    // The console: dom0 maps the ring and binds the domain's unbound port.
    void* ring = nullptr;
    evtchn_port_t local = 0;
    if (ok && (hc_.map_foreign(d->domid, out.console_mfn, ring) != 0 || !ring)) {
        err.put("failed to map the console ring");
        ok = false;
    }
    d->console = static_cast<xencons_interface*>(ring);
    if (ok && (hc_.evtchn_bind_interdomain(d->domid, out.console_evtchn, local) != 0 ||
               local >= max_ports)) {
        err.put("failed to bind the console event channel");
        ok = false;
    }
    d->console_port = local;
    if (ok)
        ports_[local] = Port_owner{Port_kind::console, d};

    Text uuid(alloc_);
    put_uuid(uuid, d->spec.uuid);
    uuid.put_char('\0');
    xs::Domain_info info;
    info.domid = d->domid;
    info.name = d->spec.name;
    info.uuid = uuid.data();
    info.memory_kb = uint64_t{spec.memory_mib} * 1024;
    info.max_memory_kb = uint64_t{req.max_memory_kib};
    info.vcpus = spec.vcpus;
    info.console_port = out.console_evtchn;
    info.console_mfn = out.console_mfn;
    info.store_port = out.store_evtchn;
    info.store_mfn = out.store_mfn;
    if (ok && (!uuid.ok() || xs::build_domain_tree(*xs_, info) != xs::Err::none ||
               xs_->introduce(d->domid, out.store_mfn, out.store_evtchn) != xs::Err::none)) {
        err.put("failed to introduce the domain to xenstored");
        ok = false;
    }
    xen_domctl run = make_domctl(XEN_DOMCTL_unpausedomain, d->domid);
    if (ok && hc_.domctl(run, nullptr, 0) != 0) {
        err.put("failed to unpause the domain");
        ok = false;
    }
    if (!ok) {
        destroy(d);
        return nullptr;
    }
    poll_store();
    return d;
}

void Toolstack::forget(Domain* d)
{
    if (d->console)
        drain_console(*d); // the observer sees the last output first
    if (observer_.domain_gone)
        observer_.domain_gone(observer_.ctx, *d);
    if (attached_ == d)
        attached_ = nullptr;
    if (d->console) {
        drain_console(*d);
        mirroring_ = d;
        if (mirror)
            d->log.flush_line(mirror_line, this);
        hc_.unmap_foreign(d->console);
        d->console = nullptr;
    }
    if (d->console_port) {
        if (d->console_port < max_ports)
            ports_[d->console_port] = Port_owner{};
        hc_.evtchn_close(d->console_port);
        d->console_port = 0;
    }
    if (xs_ && xs_->introduced(d->domid))
        (void)xs_->release(d->domid);
    if (xs_) {
        (void)xs::remove_domain_tree(*xs_, d->domid);
        // A create that failed before introduce left an empty account.
        xs_->db().accounts.drop_if_unused(d->domid);
    }
    domains_.remove(d);
    toolstack::destroy(alloc_, d);
}

int Toolstack::destroy(Domain* d)
{
    domid_t id = d->domid;
    forget(d);
    xen_domctl op = make_domctl(XEN_DOMCTL_destroydomain, id);
    int rc = hc_.domctl(op, nullptr, 0);
    poll_store();
    return rc;
}

bool Toolstack::write_store(domid_t domid, Str leaf, Str value)
{
    Text path(alloc_);
    path.put("/local/domain/").put_u64(domid).put_char('/').put(leaf);
    xs::Local_client c(*xs_);
    bool ok = path.ok() && c.connected() && c.write(path.str(), value) == xs::Err::none;
    poll_store();
    return ok;
}

int Toolstack::request_shutdown(Domain& d, bool reboot)
{
    if (d.shut_down)
        return 0;
    if (!write_store(d.domid, "control/shutdown", reboot ? "reboot" : "poweroff"))
        return -XEN_ENOMEM;
    d.shutdown_wanted = reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff;
    d.shutdown_deadline = host_.now_ns() + shutdown_grace_ns;
    schedule_tick();
    return 0;
}

void Toolstack::schedule_tick()
{
    uint64_t next = 0;
    for (Domain* d = domains_.first(); d; d = domains_.next(d))
        if (d->shutdown_deadline && !d->shut_down && (next == 0 || d->shutdown_deadline < next))
            next = d->shutdown_deadline;
    if (next)
        host_.wake_at(next);
}

void Toolstack::tick()
{
    for (Domain* d = domains_.first(); d; d = domains_.next(d))
        if (d->console_backlog)
            drain_console(*d);
    uint64_t now = host_.now_ns();
    for (Domain* d = domains_.first(); d; d = domains_.next(d)) {
        if (d->shut_down || !d->shutdown_deadline || d->shutdown_deadline > now)
            continue;
        // The guest ignored control/shutdown: the hypervisor does it.
        d->shutdown_deadline = 0;
        Text line(alloc_);
        line.put("xl: domain ").put(d->spec.name).put(" ignored control/shutdown: forcing ")
            .put(shutdown_reason_name(d->shutdown_wanted)).put_char('\n');
        host_.write(line.str());
        (void)hc_.remote_shutdown(d->domid, d->shutdown_wanted);
    }
    schedule_tick();
}

void Toolstack::dom_exc()
{
    // Domains the hypervisor reports shut down, and those that are gone.
    for (Domain* d = domains_.first(); d;) {
        Domain* next = domains_.next(d);
        xen_sysctl op{};
        op.cmd = XEN_SYSCTL_getdomaininfolist;
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        op.u.getdomaininfolist.first_domain = d->domid;
        op.u.getdomaininfolist.max_domains = 1;
        xen_domctl_getdomaininfo_t info{};
        int rc = hc_.sysctl(op, &info, sizeof info);
        if (rc != 0 || op.u.getdomaininfolist.num_domains == 0 || info.domain != d->domid) {
            forget(d); // destroyed behind the toolstack's back
        } else if ((info.flags & XEN_DOMINF_shutdown) && !d->shut_down) {
            shutdown_happened(
                *d, (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
        }
        d = next;
    }
}

void Toolstack::shutdown_happened(Domain& d, uint32_t reason)
{
    d.shut_down = true;
    d.shutdown_reason = reason;
    d.shutdown_deadline = 0;
    drain_console(d);
    Action a = reason == SHUTDOWN_reboot ? d.spec.on_reboot
               : reason == SHUTDOWN_crash ? d.spec.on_crash
                                          : d.spec.on_poweroff;
    Text line(alloc_);
    line.put("xl: domain ").put(d.spec.name).put(" (").put_u64(d.domid).put(") ")
        .put(shutdown_reason_name(reason)).put(": ").put(action_name(a)).put_char('\n');
    host_.write(line.str());
    xs_->domain_shutdown(d.domid);
    poll_store();
    if (a == Action::preserve)
        return;
    Domain_spec spec = d.spec;
    uint32_t restarts = d.restarts + 1;
    char config_path[sizeof d.config_path];
    toolstack::mem_copy(config_path, d.config_path, sizeof config_path);
    if (a == Action::rename_restart) {
        // The old domain stays, renamed, for inspection; a fresh one runs.
        Text renamed(alloc_);
        renamed.put(d.spec.name).put("-old").put_u64(d.domid);
        if (renamed.ok() && renamed.size() < sizeof d.spec.name)
            (void)rename(d, renamed.str());
    } else {
        destroy(&d);
    }
    if (a == Action::destroy)
        return;
    spec.has_uuid = a != Action::rename_restart; // a renamed twin needs its own
    Text err(alloc_);
    Domain* again = create(spec, err);
    if (!again) {
        Text msg(alloc_);
        msg.put("xl: restarting ").put(spec.name).put(" failed: ").put(err.str()).put_char('\n');
        host_.write(msg.str());
        return;
    }
    again->restarts = restarts;
    again->set_config_path(config_path);
}

bool Toolstack::rename(Domain& d, Str name)
{
    if (name.empty() || name.n >= sizeof d.spec.name || name == "Domain-0" || find(name))
        return false;
    toolstack::mem_copy(d.spec.name, name.p, name.n);
    d.spec.name[name.n] = '\0';
    return write_store(d.domid, "name", name);
}

void Toolstack::port_fired(evtchn_port_t port)
{
    if (port >= max_ports)
        return;
    Port_owner o = ports_[port];
    if (o.kind == Port_kind::console)
        drain_console(*o.domain);
    else if (o.kind == Port_kind::store)
        poll_store();
}

void Toolstack::poll_store()
{
    // A bounded number of passes: a guest that keeps its ring full cannot
    // hold the toolstack here (the rest waits for its next event).
    for (int i = 0; i < 64 && xs_->poll(); ++i) {
    }
}

void Toolstack::mirror_line(void* ctx, Str line)
{
    auto* t = static_cast<Toolstack*>(ctx);
    Text out(t->alloc_);
    out.put_char('[').put(t->mirroring_->spec.name).put("] ").put(line).put_char('\n');
    t->host_.write(out.str());
}

void Toolstack::drain_console(Domain& d)
{
    xencons_interface* r = d.console;
    if (!r)
        return;
    char buf[256];
    bool took = false;
    d.console_backlog = false;
    // A bounded amount per call: a domain that writes without pause gets
    // the rest on a later turn (tick), never the toolstack to itself.
    for (unsigned round = 0;; ++round) {
        if (round == 16) {
            d.console_backlog = true;
            host_.wake_at(host_.now_ns());
            break;
        }
        XENCONS_RING_IDX cons = r->out_cons;
        XENCONS_RING_IDX prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
        uint32_t avail = prod - cons;
        if (avail == 0)
            break;
        if (avail > sizeof r->out) { // a corrupt index: drop what it claims
            __atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
            break;
        }
        uint32_t n = avail < sizeof buf ? avail : static_cast<uint32_t>(sizeof buf);
        for (uint32_t i = 0; i < n; ++i)
            buf[i] = r->out[MASK_XENCONS_IDX(cons + i, r->out)];
        __atomic_store_n(&r->out_cons, cons + n, __ATOMIC_RELEASE);
        took = true;
        if (!d.first_byte_ns)
            d.first_byte_ns = host_.now_ns();
        mirroring_ = &d;
        bool raw = attached_ == &d;
        d.log.append(buf, n, mirror && !raw ? mirror_line : nullptr, this);
        if (raw)
            host_.write(Str(buf, n));
    }
    if (took && d.console_port)
        hc_.evtchn_send(d.console_port); // room in the ring again
    if (took && observer_.console_output)
        observer_.console_output(observer_.ctx, d);
}

bool Toolstack::console_input(Domain& d, Str bytes)
{
    xencons_interface* r = d.console;
    if (!r)
        return false;
    XENCONS_RING_IDX prod = r->in_prod;
    XENCONS_RING_IDX cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    uint32_t i = 0;
    for (; i < bytes.n && prod - cons < sizeof r->in; ++i, ++prod)
        r->in[MASK_XENCONS_IDX(prod, r->in)] = bytes[i];
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    if (d.console_port)
        hc_.evtchn_send(d.console_port);
    return i == bytes.n;
}

// --- the store's hooks ---

xenstore_domain_interface* Toolstack::map_ring(void* ctx, xs::Domid domid, uint64_t gfn)
{
    auto* t = static_cast<Toolstack*>(ctx);
    Domain* d = t->find(static_cast<domid_t>(domid));
    // Only the ring the builder made: a guest's INTRODUCE request names
    // no other frame of anybody's.
    if (!d || d->store_mfn != gfn)
        return nullptr;
    void* page = nullptr;
    if (t->hc_.map_foreign(static_cast<domid_t>(domid), static_cast<xen_pfn_t>(gfn), page) != 0)
        return nullptr;
    return static_cast<xenstore_domain_interface*>(page);
}

void Toolstack::unmap_ring(void* ctx, xs::Domid, xenstore_domain_interface* ring)
{
    static_cast<Toolstack*>(ctx)->hc_.unmap_foreign(ring);
}

bool Toolstack::bind_port(void* ctx, xs::Domid domid, uint32_t remote, uint32_t& local)
{
    auto* t = static_cast<Toolstack*>(ctx);
    evtchn_port_t port = 0;
    if (t->hc_.evtchn_bind_interdomain(static_cast<domid_t>(domid), remote, port) != 0)
        return false;
    if (port >= max_ports) {
        t->hc_.evtchn_close(port);
        return false;
    }
    t->ports_[port] = Port_owner{Port_kind::store, t->find(static_cast<domid_t>(domid))};
    local = port;
    return true;
}

void Toolstack::unbind_port(void* ctx, uint32_t local)
{
    auto* t = static_cast<Toolstack*>(ctx);
    if (local < max_ports)
        t->ports_[local] = Port_owner{};
    t->hc_.evtchn_close(local);
}

void Toolstack::notify(void* ctx, uint32_t local) { static_cast<Toolstack*>(ctx)->hc_.evtchn_send(local); }

void Toolstack::log_line(void* ctx, const char* line)
{
    auto* t = static_cast<Toolstack*>(ctx);
    t->host_.write("xenstored: ");
    t->host_.write(line);
    t->host_.write("\n");
}

} // namespace xl
