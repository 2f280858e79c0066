// xenstored as a library: the Xen store (docs/misc/xenstore.txt) served to
// domains over their ring pages and to the toolstack in-process.
//
// What it is
//   A tree of nodes (store/), each with a value, children, permissions and
//   a generation count, plus the special nodes @introduceDomain and
//   @releaseDomain; every request of public/io/xs_wire.h up to
//   XS_DIRECTORY_PART with the semantics of Xen's C xenstored
//   (tools/xenstored/): READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART,
//   GET_PERMS, SET_PERMS, WATCH (with the initial event), UNWATCH,
//   TRANSACTION_START/END (EAGAIN on conflict), INTRODUCE, RELEASE,
//   GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET,
//   RESET_WATCHES and CONTROL (check, log, print, quota, help). The optional
//   GET/SET_FEATURE and GET/SET_QUOTA answer ENOSYS, as any unknown type.
//   Quotas (store/quota.hpp) hold every unprivileged domain to xenstored's
//   defaults.
//
// How the host uses it
//   Make one Xenstored with an Allocator, Hooks and a Config, init() it,
//   then:
//   - open_local() gives the toolstack a connection of its own (privileged
//     as the control domain by default); submit() a request, take the reply
//     and any watch events with peek()/pop(). Local_client
//     (local_client.hpp) wraps that into calls.
//   - introduce() (or XS_INTRODUCE on a local connection) connects a
//     domain's ring page; call poll() whenever one of the domains' event
//     channels fires (or after submit()), and until it returns false to
//     drain everything. It reads requests, answers them, writes replies and
//     events into the rings and notifies the domains through Hooks.
//   - domain_shutdown() when the hypervisor reports a domain shut down,
//     release() (or XS_RELEASE) when it is gone: its watches, transactions
//     and connection go, nodes it owned are removed (or, with keep_orphans,
//     given to the control domain), permissions naming it are dropped, and
//     @releaseDomain fires. /local/domain/<id> itself belongs to the
//     control domain and stays until the toolstack removes it
//     (domain_tree.hpp).
//
// Not here: write rate limiting, watch-event timeouts, live update, the
// soft quotas and per-domain quota changes of xenstored.
//
// Single-threaded: the host serialises every call. Portable and
// freestanding; memory only through the Allocator.
#pragma once
#include <cstdint>

#include "tools/lib/base/list.hpp"
#include "tools/lib/xenstore/config.hpp"
#include "tools/lib/xenstore/connection.hpp"
#include "tools/lib/xenstore/store/store.hpp"
#include "tools/lib/xenstore/store/tree.hpp"

namespace xs {

class Xenstored {
public:
    Xenstored(const Allocator& a, const Hooks& hooks, const Config& config = Config());
    ~Xenstored();
    Xenstored(const Xenstored&) = delete;
    Xenstored& operator=(const Xenstored&) = delete;

    // The initial nodes. Err::enomem if they cannot be made.
    [[nodiscard]] Err init();

    // --- Domains (what XS_INTRODUCE, XS_RELEASE, XS_RESUME do) ---
    // Connects domid's ring (mapped through Hooks from gfn) and event
    // channel (bound to its unbound remote_port); again for a domain
    // already introduced: rebinds the port and resets the connection.
    [[nodiscard]] Err introduce(Domid domid, uint64_t gfn, uint32_t remote_port);
    [[nodiscard]] Err release(Domid domid);
    // The domain has shut down: @releaseDomain fires once, until resume().
    void domain_shutdown(Domid domid);
    [[nodiscard]] Err resume(Domid domid);
    [[nodiscard]] Err set_target(Domid domid, Domid target);
    bool introduced(Domid domid) const { return find_ring(domid) != nullptr; }

    // --- Local connections (the toolstack itself) ---
    // nullptr when out of memory. Relative paths resolve under
    // /local/domain/<as>; privileged if as is the control domain.
    [[nodiscard]] Connection* open_local(Domid as);
    Connection* open_local() { return open_local(config_.priv_domid); }
    void close_local(Connection* c);
    // Handles one request now; its reply (and any events) are queued on c.
    // Err::einval (nothing done) if len exceeds XENSTORE_PAYLOAD_MAX.
    [[nodiscard]] Err submit(Connection& c, const xsd_sockmsg& hdr, const void* payload);
    // The oldest queued reply or event of c, nullptr if none.
    const Out_msg* peek(const Connection& c) const { return c.out.first(); }
    // The oldest queued reply to req_id (events and other replies skipped).
    const Out_msg* find_reply(const Connection& c, uint32_t req_id) const;
    // Takes m (from peek or find_reply) off c's queue.
    void take(Connection& c, const Out_msg* m);

    // --- Rings ---
    // One pass over every domain: reconnect requests, requests read and
    // answered (a bounded number per domain), output written, domains
    // notified. True if some domain has more input waiting.
    bool poll();

    // --- Introspection ---
    // The tree's invariants (check_tree), and that every domain's usage is
    // exactly what its nodes, watches, transactions and queued output add
    // up to.
    Tree_check check() const;
    const Usage* usage(Domid domid) const { return store_.accounts.find(domid); }
    const Store& store() const { return store_; }
    const Config& config() const { return config_; }
    unsigned connections() const { return conns_.size(); }

    // --- For the request handlers (ops_*.cpp) ---
    Store& db() { return store_; }
    const Allocator& alloc() const { return alloc_; }
    const Hooks& hooks() const { return hooks_; }
    Connection* find_ring(Domid domid) const;
    // Queues a reply to hdr on c; Err::e2big over XENSTORE_PAYLOAD_MAX,
    // Err::enomem if it cannot (small replies always can).
    [[nodiscard]] Err queue_reply(Connection& c, const xsd_sockmsg& hdr, uint32_t type,
                                  Str payload);
    // Queues an event for c (dropped over its memory quota, or if the
    // same event is already waiting).
    void queue_event(Connection& c, Str path, Str token);
    // A change visible outside transactions: every matching watch hears.
    void fire(Str path, const Node* node, Match m, const Node* original);
    // @introduceDomain / @releaseDomain: plain for watches without a depth,
    // "<name>/<domid>" for watches with one (and on that exact path).
    void fire_special(Str name, Domid domid, bool plain, bool with_domid);
    // Drops all of c's watches / transactions / queued and half-read data.
    void clear_watches(Connection& c);
    void clear_transactions(Connection& c);
    void clear_io(Connection& c);
    void log(Str line);
    bool log_requests = false; // CONTROL log on: one line per request

    // The request handling of one complete message (dispatch.cpp).
    void process(Connection& c, const xsd_sockmsg& hdr, const char* payload);

private:
    static void sink_fire(void* ctx, Str path, const Node* node, Match m, const Node* original);
    bool watch_permitted(const Connection& c, Str path, const Node* node,
                         const Node* original) const;
    // Ring connections (ring_connection.cpp).
    void poll_ring(Connection& c, bool& more);
    void read_requests(Connection& c, bool& more);
    bool stalled(const Connection& c) const;
    bool ready_spare(Connection& c);
    void flush(Connection& c);
    // Flushes every ring with output and notifies those that changed.
    void flush_rings();
    void ignore(Connection& c, uint32_t error);
    void reconnect(Connection& c);
    void free_out(Connection& c, Out_msg* m);
    void destroy(Connection* c);

    const Allocator& alloc_;
    Hooks hooks_;
    Config config_;
    Store store_;
    toolstack::List<Connection> conns_;
};

} // namespace xs
