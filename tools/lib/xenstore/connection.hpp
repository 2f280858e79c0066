// One client of the store: a domain over its ring page, or a local client
// inside the toolstack (no ring; requests are handed in and replies taken
// out by calls). A connection owns its watches, its open transactions, the
// request it is assembling and the replies and events queued for it.
//
// Bounds: a request is assembled in a fixed buffer (header plus at most
// XENSTORE_PAYLOAD_MAX bytes); queued output is charged to the domain's
// memory quota, events beyond it are dropped, and an unprivileged domain's
// ring is not read while its outstanding replies or memory are at their
// quota, so a domain that never reads its replies stops itself, not the
// store. A spare reply is kept ready before each request is processed, so
// every request gets an answer even when memory runs out. Portable and
// freestanding.
#pragma once
#include <cstdint>

#include "public/io/xs_wire.h"
#include "tools/lib/base/list.hpp"
#include "tools/lib/xenstore/store/perms.hpp"
#include "tools/lib/xenstore/store/transaction.hpp"
#include "tools/lib/xenstore/watch.hpp"

namespace xs {

// A queued reply or watch event, header and payload.
struct Out_msg : toolstack::List_link {
    xsd_sockmsg hdr{};
    uint32_t sent = 0;     // bytes of header and payload already in the ring
    uint32_t capacity = 0; // payload bytes allocated
    bool event = false;

    char* payload() { return reinterpret_cast<char*>(this + 1); }
    const char* payload() const { return reinterpret_cast<const char*>(this + 1); }
    uint32_t total() const { return static_cast<uint32_t>(sizeof(xsd_sockmsg)) + hdr.len; }
    // Bytes charged to the domain's memory while queued.
    uint32_t charge() const { return total(); }

    [[nodiscard]] static Out_msg* make(const Allocator& a, uint32_t capacity);
    static void free(const Allocator& a, Out_msg* m);
};

// Payload bytes of the spare reply: enough for every error name, "OK" and a
// transaction id.
constexpr uint32_t spare_capacity = 16;

class Connection : public toolstack::List_link {
public:
    enum class Kind : uint8_t { local, ring };

    Connection(Kind k, Domid domid) : kind(k), id(domid) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Who who(Domid priv) const { return Who{id, target, id == priv}; }
    Transaction* find_transaction(uint32_t tx_id) const;

    const Kind kind;
    const Domid id;
    Domid target = no_target; // SET_TARGET: acts for this domain too

    // Ring connections only.
    xenstore_domain_interface* ring = nullptr;
    uint32_t port = 0;     // local event-channel port to notify
    bool ignored = false;  // stopped after a protocol error (error field set)
    bool shutdown = false; // @releaseDomain fired for its shutdown
    bool kicked = false;   // ring changed since the last notify

    // The request being assembled: in_used bytes of header, then payload.
    xsd_sockmsg in_hdr{};
    uint32_t in_used = 0;
    char in_payload[XENSTORE_PAYLOAD_MAX];

    toolstack::List<Out_msg> out;
    Out_msg* spare = nullptr;
    toolstack::List<Watch> watches;
    toolstack::List<Transaction> transactions;
    uint32_t next_tx_id = 1;
};

} // namespace xs
