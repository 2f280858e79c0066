// The toolstack's own client of the store, in-process: each call is one
// request on a local connection, answered before the call returns. Watch
// events wait on the connection until next_event() takes them. A client
// may open one transaction at a time; calls made while it is open belong
// to it. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xenstore/xenstored.hpp"

namespace xs {

class Local_client {
public:
    // A connection as domain as (privileged if it is the control domain).
    Local_client(Xenstored& xs, Domid as);
    explicit Local_client(Xenstored& xs) : Local_client(xs, xs.config().priv_domid) {}
    ~Local_client();
    Local_client(const Local_client&) = delete;
    Local_client& operator=(const Local_client&) = delete;

    bool connected() const { return conn_ != nullptr; }

    // One request of type with payload; its reply payload into reply if
    // not nullptr. The error of an XS_ERROR reply, Err::e2big if payload is
    // too long, Err::enomem if the request could not be made.
    [[nodiscard]] Err call(uint32_t type, Str payload, Text* reply = nullptr);

    [[nodiscard]] Err read(Str path, Text& value);
    [[nodiscard]] Err write(Str path, Str value);
    [[nodiscard]] Err mkdir(Str path);
    [[nodiscard]] Err rm(Str path);
    // The children's names, each followed by a NUL.
    [[nodiscard]] Err directory(Str path, Text& names);
    // The permission strings ("n0", "r5"), each followed by a NUL.
    [[nodiscard]] Err get_perms(Str path, Text& perms);
    [[nodiscard]] Err set_perms(Str path, const Perm* perms, uint16_t n);
    [[nodiscard]] Err watch(Str path, Str token);
    [[nodiscard]] Err unwatch(Str path, Str token);
    [[nodiscard]] Err transaction_start();
    // Commits (or with commit false abandons) the open transaction;
    // Err::eagain: it conflicted, start again.
    [[nodiscard]] Err transaction_end(bool commit);
    uint32_t transaction() const { return tx_; }

    // The oldest waiting watch event; false if there is none.
    [[nodiscard]] bool next_event(Text& path, Text& token);

private:
    Err call_path(uint32_t type, Str path, Str extra, Text* reply);

    Xenstored& xs_;
    Connection* conn_;
    uint32_t req_id_ = 0;
    uint32_t tx_ = 0;
};

} // namespace xs
