// Domains coming and going: INTRODUCE, RELEASE, RESUME, SET_TARGET and the
// hypervisor's shutdown report, as xenstored's domain.c.
#include "tools/lib/xenstore/ring.hpp"
#include "tools/lib/xenstore/xenstored.hpp"

namespace xs {

namespace {

void reset_ring(xenstore_domain_interface& r)
{
    shared_store(r.req_cons, 0);
    shared_store(r.req_prod, 0);
    shared_store(r.rsp_cons, 0);
    shared_store(r.rsp_prod, 0);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

} // namespace

Err Xenstored::introduce(Domid domid, uint64_t gfn, uint32_t remote_port)
{
    if (remote_port == 0 || remote_port > 0x7FFFFFFFu)
        return Err::einval;
    Connection* c = find_ring(domid);
    if (!c) {
        if (!hooks_.map_ring || !hooks_.bind_port)
            return Err::einval;  // a host without rings
        if (!store_.accounts.get(domid))
            return Err::enomem;
        c = toolstack::create<Connection>(alloc_, Connection::Kind::ring, domid);
        if (c)
            c->ring = hooks_.map_ring(hooks_.ctx, domid, gfn);
        if (!c || !c->ring) {
            Err e = c ? Err::einval : Err::enomem;
            toolstack::destroy(alloc_, c);
            store_.accounts.drop_if_unused(domid);
            return e;
        }
        // Xen fills evtchn_port for domains it built itself (dom0less).
        uint32_t port = shared_load(c->ring->evtchn_port);
        if (!hooks_.bind_port(hooks_.ctx, domid, port ? port : remote_port, c->port)) {
            if (hooks_.unmap_ring)
                hooks_.unmap_ring(hooks_.ctx, domid, c->ring);
            toolstack::destroy(alloc_, c);
            store_.accounts.drop_if_unused(domid);
            return Err::einval;
        }
        shared_store(c->ring->server_features, config_.features);
        conns_.push_back(c);
        if (domid != config_.priv_domid)
            fire_special("@introduceDomain", domid, true, true);
    } else {
        // Again: a new event channel (after resume, kexec, restore).
        if (c->port && hooks_.unbind_port)
            hooks_.unbind_port(hooks_.ctx, c->port);
        uint32_t port = 0;
        c->port = hooks_.bind_port(hooks_.ctx, domid, remote_port, port) ? port : 0;
    }
    clear_watches(*c);
    clear_transactions(*c);
    clear_io(*c);
    c->ignored = false;
    reset_ring(*c->ring);
    if (shared_load(c->ring->connection) == XENSTORE_RECONNECT) {
        shared_store(c->ring->connection, XENSTORE_CONNECTED);
        c->kicked = true;
    }
    flush_rings();
    return Err::none;
}

Err Xenstored::release(Domid domid)
{
    if (domid == config_.priv_domid)
        return Err::einval;
    Connection* c = find_ring(domid);
    if (!c)
        return Err::enoent;
    // Its own watches go first: it hears nothing of its cleanup.
    destroy(c);
    for (Connection* o = conns_.first(); o; o = conns_.next(o))
        if (o->target == domid)
            o->target = no_target;
    if (forget_domain(store_, domid) != Err::none) {
        Text line(alloc_);
        line.put("xenstore: could not clean up all nodes of domain ").put_u64(domid);
        log(line.str());
    }
    store_.accounts.drop_if_unused(domid);
    fire_special("@releaseDomain", domid, true, true);
    flush_rings();
    return Err::none;
}

void Xenstored::domain_shutdown(Domid domid)
{
    Connection* c = find_ring(domid);
    if (!c || c->shutdown)
        return;
    c->shutdown = true;
    fire_special("@releaseDomain", domid, true, true);
    flush_rings();
}

Err Xenstored::resume(Domid domid)
{
    if (domid == config_.priv_domid)
        return Err::einval;
    Connection* c = find_ring(domid);
    if (!c)
        return Err::enoent;
    c->shutdown = false;
    return Err::none;
}

Err Xenstored::set_target(Domid domid, Domid target)
{
    Connection* c = find_ring(domid);
    if (!c || !find_ring(target))
        return Err::enoent;
    c->target = target;
    return Err::none;
}

} // namespace xs
