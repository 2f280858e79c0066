// Serving domains over their rings: reading requests (a header, then its
// payload, each possibly split over many events and wrapping around the
// ring), writing replies and events, the guest's reconnect request, and
// what a broken client gets (xenstored's ignore_connection).
#include "tools/lib/xenstore/ring.hpp"
#include "tools/lib/xenstore/xenstored.hpp"

namespace xs {

namespace {

// Requests handled per domain per poll(), so one busy domain cannot keep
// the others waiting.
constexpr unsigned requests_per_poll = 8;
constexpr uint32_t header_bytes = sizeof(xsd_sockmsg);

} // namespace

bool Xenstored::poll()
{
    bool more = false;
    for (Connection* c = conns_.first(); c; c = conns_.next(c))
        if (c->kind == Connection::Kind::ring)
            poll_ring(*c, more);
    // Output last: requests of one domain queue events for others.
    flush_rings();
    return more;
}

void Xenstored::flush_rings()
{
    for (Connection* c = conns_.first(); c; c = conns_.next(c)) {
        if (c->kind != Connection::Kind::ring)
            continue;
        flush(*c);
        if (c->kicked && c->port && hooks_.notify)
            hooks_.notify(hooks_.ctx, c->port);
        c->kicked = false;
    }
}

void Xenstored::poll_ring(Connection& c, bool& more)
{
    if (!c.ring)
        return;
    if ((config_.features & XENSTORE_SERVER_FEATURE_RECONNECTION) &&
        shared_load(c.ring->connection) == XENSTORE_RECONNECT) {
        reconnect(c);
        return;
    }
    if (c.ignored)
        return;
    flush(c); // room for the replies to come
    read_requests(c, more);
}

bool Xenstored::stalled(const Connection& c) const
{
    if (c.id == config_.priv_domid)
        return false;
    const Usage* u = store_.accounts.find(c.id);
    if (!u)
        return false;
    const Quota& q = config_.quota;
    return (q.outstanding && u->outstanding >= q.outstanding) ||
           (q.memory && u->memory >= q.memory);
}

bool Xenstored::ready_spare(Connection& c)
{
    if (!c.spare)
        c.spare = Out_msg::make(alloc_, spare_capacity);
    return c.spare != nullptr;
}

void Xenstored::read_requests(Connection& c, bool& more)
{
    for (unsigned done = 0; !c.ignored;) {
        if (c.in_used == 0 && stalled(c))
            return; // until the domain reads its replies
        if (c.in_used < header_bytes) {
            int32_t n = ring_read(*c.ring, reinterpret_cast<char*>(&c.in_hdr) + c.in_used,
                                  header_bytes - c.in_used);
            if (n == ring_broken)
                return ignore(c, XENSTORE_ERROR_RINGIDX);
            c.kicked = c.kicked || n > 0;
            c.in_used += static_cast<uint32_t>(n);
            if (c.in_used < header_bytes)
                return;
            if (c.in_hdr.len > XENSTORE_PAYLOAD_MAX)
                return ignore(c, XENSTORE_ERROR_PROTO);
        }
        uint32_t whole = header_bytes + c.in_hdr.len;
        if (c.in_used < whole) {
            int32_t n =
                ring_read(*c.ring, c.in_payload + (c.in_used - header_bytes), whole - c.in_used);
            if (n == ring_broken)
                return ignore(c, XENSTORE_ERROR_RINGIDX);
            c.kicked = c.kicked || n > 0;
            c.in_used += static_cast<uint32_t>(n);
            if (c.in_used < whole)
                return;
        }
        if (!ready_spare(c)) {
            more = true; // the request waits, complete, for memory
            return;
        }
        c.in_used = 0;
        process(c, c.in_hdr, c.in_payload);
        if (++done == requests_per_poll) {
            more = more || ring_has_input(*c.ring);
            return;
        }
    }
}

void Xenstored::flush(Connection& c)
{
    if (!c.ring || c.ignored)
        return;
    while (Out_msg* m = c.out.first()) {
        uint32_t total = m->total();
        while (m->sent < total) {
            const char* from = m->sent < header_bytes
                                   ? reinterpret_cast<const char*>(&m->hdr) + m->sent
                                   : m->payload() + (m->sent - header_bytes);
            uint32_t len = (m->sent < header_bytes ? header_bytes : total) - m->sent;
            int32_t n = ring_write(*c.ring, from, len);
            if (n == ring_broken)
                return ignore(c, XENSTORE_ERROR_RINGIDX);
            if (n == 0)
                return; // ring full: the rest when the guest has read
            c.kicked = true;
            m->sent += static_cast<uint32_t>(n);
        }
        free_out(c, m);
    }
}

void Xenstored::ignore(Connection& c, uint32_t error)
{
    if (c.ring && (config_.features & XENSTORE_SERVER_FEATURE_ERROR))
        shared_store(c.ring->error, error);
    c.ignored = true;
    c.kicked = true;
    clear_watches(c);
    clear_transactions(c);
    clear_io(c);
    Text line(alloc_);
    line.put("xenstore: domain ").put_u64(c.id).put(" ignored, error ").put_u64(error);
    log(line.str());
}

void Xenstored::reconnect(Connection& c)
{
    clear_watches(c);
    clear_transactions(c);
    clear_io(c);
    c.ignored = false;
    shared_store(c.ring->req_cons, 0);
    shared_store(c.ring->req_prod, 0);
    shared_store(c.ring->rsp_cons, 0);
    shared_store(c.ring->rsp_prod, 0);
    shared_store(c.ring->error, XENSTORE_ERROR_NONE);
    // Empty rings before the guest may use them again.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    shared_store(c.ring->connection, XENSTORE_CONNECTED);
    c.kicked = true;
}

} // namespace xs
