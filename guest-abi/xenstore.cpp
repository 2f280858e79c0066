#include "xenstore.hpp"

#include "hypercall.hpp"
#include "shared.hpp"

namespace xs_client {
namespace {

xenstore_domain_interface_t* ring()
{
    const start_info_t* si = guest_start_info();
    if (!si || si->store_mfn == 0)
        return nullptr;
    const uint32_t* m2p = reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START);
    uint32_t pfn = m2p[si->store_mfn];
    if (pfn >= si->nr_pages)
        return nullptr;
    return reinterpret_cast<xenstore_domain_interface_t*>(guest_virt_base + pfn * guest_page_size);
}

uint32_t port() { return guest_start_info()->store_evtchn; }

void notify()
{
    evtchn_send_t send{port()};
    (void)hc::event_channel_op(EVTCHNOP_send, &send);
}

void clear_port()
{
    uint32_t p = port();
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[p / 32], ~(1u << (p % 32)),
                       __ATOMIC_ACQ_REL);
}

// Sleeps until the store signals the port (the caller looked at the ring
// after clearing it, so nothing is slept through).
void wait_port()
{
    evtchn_port_t p = port();
    sched_poll_t poll{};
    set_xen_guest_handle(poll.ports, &p);
    poll.nr_ports = 1;
    (void)hc::sched_poll(&poll);
}

void put(xenstore_domain_interface_t& r, const char* data, uint32_t n)
{
    while (n) {
        clear_port();
        uint32_t prod = r.req_prod;
        uint32_t cons = __atomic_load_n(&r.req_cons, __ATOMIC_ACQUIRE);
        uint32_t room = XENSTORE_RING_SIZE - (prod - cons);
        if (room == 0) {
            wait_port();
            continue;
        }
        for (; room && n; --room, --n, ++prod)
            r.req[MASK_XENSTORE_IDX(prod)] = *data++;
        __atomic_store_n(&r.req_prod, prod, __ATOMIC_RELEASE);
        notify();
    }
}

void get(xenstore_domain_interface_t& r, char* data, uint32_t n)
{
    while (n) {
        clear_port();
        uint32_t cons = r.rsp_cons;
        uint32_t prod = __atomic_load_n(&r.rsp_prod, __ATOMIC_ACQUIRE);
        if (prod == cons) {
            wait_port();
            continue;
        }
        for (; cons != prod && n; --n, ++cons)
            *data++ = r.rsp[MASK_XENSTORE_IDX(cons)];
        __atomic_store_n(&r.rsp_cons, cons, __ATOMIC_RELEASE);
        notify();
    }
}

// Watch events read while waiting for a reply.
constexpr unsigned max_events = 4;
Reply events[max_events];
unsigned n_events;
uint32_t next_req_id = 1;

bool get_message(Reply& out)
{
    xenstore_domain_interface_t* r = ring();
    if (!r)
        return false;
    xsd_sockmsg hdr{};
    get(*r, reinterpret_cast<char*>(&hdr), sizeof hdr);
    if (hdr.len > XENSTORE_PAYLOAD_MAX)
        return false;
    out.type = hdr.type;
    out.tx_id = hdr.tx_id;
    out.len = hdr.len;
    get(*r, out.payload, hdr.len);
    out.payload[hdr.len] = '\0';
    return true;
}

uint32_t length(const char* s)
{
    uint32_t n = 0;
    while (s[n])
        ++n;
    return n;
}

} // namespace

bool request(uint32_t type, uint32_t tx, const char* payload, uint32_t len, Reply& out)
{
    xenstore_domain_interface_t* r = ring();
    if (!r || len > XENSTORE_PAYLOAD_MAX)
        return false;
    xsd_sockmsg hdr{type, next_req_id++, tx, len};
    put(*r, reinterpret_cast<const char*>(&hdr), sizeof hdr);
    put(*r, payload, len);
    for (;;) {
        if (!get_message(out))
            return false;
        if (out.type != XS_WATCH_EVENT)
            return true;
        if (n_events < max_events)
            events[n_events++] = out;
    }
}

bool read(const char* path, Reply& out, uint32_t tx)
{
    return request(XS_READ, tx, path, length(path) + 1, out);
}

bool write(const char* path, const char* value, Reply& out, uint32_t tx)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t p = length(path) + 1, v = length(value);
    if (p + v > sizeof buf)
        return false;
    for (uint32_t i = 0; i < p; ++i)
        buf[i] = path[i];
    for (uint32_t i = 0; i < v; ++i)
        buf[p + i] = value[i];
    return request(XS_WRITE, tx, buf, p + v, out);
}

bool watch(const char* path, const char* token, Reply& out)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t p = length(path) + 1, t = length(token) + 1;
    if (p + t > sizeof buf)
        return false;
    for (uint32_t i = 0; i < p; ++i)
        buf[i] = path[i];
    for (uint32_t i = 0; i < t; ++i)
        buf[p + i] = token[i];
    return request(XS_WATCH, 0, buf, p + t, out);
}

bool wait_event(char* path, uint32_t path_cap, char* token, uint32_t token_cap)
{
    static Reply ev; // 4 KiB: not on a test guest's 16 KiB stack
    if (n_events) {
        ev = events[0];
        for (unsigned i = 1; i < n_events; ++i)
            events[i - 1] = events[i];
        --n_events;
    } else {
        do {
            if (!get_message(ev))
                return false;
        } while (ev.type != XS_WATCH_EVENT);
    }
    // Payload: path NUL token NUL.
    uint32_t i = 0;
    for (; i < ev.len && ev.payload[i] && i + 1 < path_cap; ++i)
        path[i] = ev.payload[i];
    path[i] = '\0';
    uint32_t j = length(ev.payload) + 1, k = 0;
    for (; j < ev.len && ev.payload[j] && k + 1 < token_cap; ++j, ++k)
        token[k] = ev.payload[j];
    token[k] = '\0';
    return true;
}

} // namespace xs_client
