// One request being handled: who sent it, in which transaction, its
// payload and how its arguments are read, and its reply. Handlers
// (ops_*.cpp) take a Request and return an error (answered with XS_ERROR)
// or reply themselves. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xenstore/store/access.hpp"
#include "tools/lib/xenstore/xenstored.hpp"

namespace xs {

struct Request {
    Request(Xenstored& server, Connection& c, const xsd_sockmsg& h, const char* body)
        : xs(server), conn(c), hdr(h), payload(body, h.len), who(c.who(server.config().priv_domid))
    {
    }

    // The payload is exactly one string and its NUL (xenstored's onearg).
    [[nodiscard]] bool one_arg(Str& out) const;
    // The first max NUL-terminated strings into out; returns how many the
    // payload holds in all (xenstored's get_strings: bytes after the last
    // NUL are not a string).
    uint32_t args(Str* out, uint32_t max) const;
    // NUL bytes in the payload (xenstore_count_strings).
    uint32_t nuls() const;
    // arg as a canonical path for this caller (relative to its home).
    [[nodiscard]] Err path(Str arg, bool allow_special, Text& out) const;
    Access access() { return Access(xs.db(), &who, txn); }
    bool limited() const { return !who.privileged; }

    // Queues the reply (of the request's type) and marks it answered.
    [[nodiscard]] Err reply(Str data);
    [[nodiscard]] Err ack() { return reply(Str("OK", 3)); }

    Xenstored& xs;
    Connection& conn;
    const xsd_sockmsg& hdr;
    const Str payload;
    const Who who;
    Transaction* txn = nullptr;
    bool replied = false;
};

// A decimal domain id (0..65535), as xenstored's parse_domid.
[[nodiscard]] bool parse_domid(Str s, Domid& out);

} // namespace xs
