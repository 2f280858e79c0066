// What the host gives the store server: its settings (Config) and the few
// services only the host can provide (Hooks): mapping a domain's ring page,
// binding and kicking event channels, logging. In the dom0 kernel the hooks
// are grant-table mappings and event-channel hypercalls; in a Linux program
// /dev/xen/gntdev and /dev/xen/evtchn; in the tests, fakes. Portable and
// freestanding.
#pragma once
#include <cstdint>

#include "public/io/xs_wire.h"
#include "tools/lib/xenstore/store/quota.hpp"

namespace xs {

struct Config {
    Domid priv_domid = 0; // the privileged (control) domain
    Quota quota;          // per unprivileged domain
    // A released domain's own nodes are given to priv_domid instead of being
    // removed (xenstored -K).
    bool keep_orphans = false;
    // Advertised in every ring's server_features.
    uint32_t features = XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR |
                        XENSTORE_SERVER_FEATURE_WATCHDEPTH | XENSTORE_SERVER_FEATURE_DOMID_ANY;
};

struct Hooks {
    void* ctx = nullptr;
    // The ring page of domid (INTRODUCE's gfn; implementations may use the
    // grant GNTTAB_RESERVED_XENSTORE instead), nullptr if it cannot be
    // mapped. It stays mapped until unmap_ring.
    xenstore_domain_interface* (*map_ring)(void* ctx, Domid domid, uint64_t gfn) = nullptr;
    void (*unmap_ring)(void* ctx, Domid domid, xenstore_domain_interface* ring) = nullptr;
    // Binds a local port to domid's unbound remote_port; false on failure.
    bool (*bind_port)(void* ctx, Domid domid, uint32_t remote_port, uint32_t& local_port) = nullptr;
    void (*unbind_port)(void* ctx, uint32_t local_port) = nullptr;
    // Signals local_port (the domain's ring has changed).
    void (*notify)(void* ctx, uint32_t local_port) = nullptr;
    // One line of diagnostics (CONTROL print and log, broken clients); may
    // be nullptr.
    void (*log)(void* ctx, const char* line) = nullptr;
};

} // namespace xs
