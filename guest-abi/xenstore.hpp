// A small xenstore client for test guests: requests over the ring the
// domain builder gave the domain (start_info.store_mfn, store_evtchn), one
// at a time, each waiting for its reply (public/io/xs_wire.h). Watch events
// that arrive in between are kept (a few) for wait_event().
#pragma once
#include <cstdint>

#include "public/io/xs_wire.h"

namespace xs_client {

struct Reply {
    uint32_t type = 0; // XS_ERROR: payload is the errno's name
    uint32_t tx_id = 0;
    uint32_t len = 0;
    char payload[XENSTORE_PAYLOAD_MAX + 1] = {}; // NUL-terminated
};

// One request; false if the ring is not usable. payload is len bytes.
bool request(uint32_t type, uint32_t tx, const char* payload, uint32_t len, Reply& out);

// The common requests, with C-string arguments; each returns the reply.
bool read(const char* path, Reply& out, uint32_t tx = 0);
bool write(const char* path, const char* value, Reply& out, uint32_t tx = 0);
bool watch(const char* path, const char* token, Reply& out);

// Blocks until a watch event; path and token of it.
bool wait_event(char* path, uint32_t path_cap, char* token, uint32_t token_cap);

} // namespace xs_client
