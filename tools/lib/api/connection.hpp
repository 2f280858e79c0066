// One HTTP connection's state in the API server (server.cpp). Small on
// purpose (hundreds may be open): the request parser, with its head
// buffer, exists only while a request is coming in.
// Internal to tools/lib/api. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/api/api.hpp"

namespace api {

struct Connection : toolstack::List_link {
    enum class Body : uint8_t { none, collect, upload, discard };

    explicit Connection(const toolstack::Allocator& a) : out(a), in(a), body(a) {}

    Server* server = nullptr;
    Conn* conn = nullptr;
    uint32_t id = 0;
    http::Request_parser* parser = nullptr;
    Text out;              // response bytes not yet taken by the transport
    uint32_t out_sent = 0; // of out, already written
    Text in;               // bytes received but not yet parsed
    Text body;             // a JSON or console body being collected
    Upload* upload = nullptr;
    Route route;
    Body body_mode = Body::none;
    bool routed = false;       // the head has been looked at
    bool body_refused = false; // a reply was given before the body: close after it
    bool answered = false;     // a refusal already sent for this bodiless request
    bool closing = false;      // close() or abort() called: wait for closed()
    bool close_after = false;  // close once out is sent
    bool in_request = false;   // a request's first byte has come
    bool head_only = false;    // HEAD: no body in the reply
    bool keep_alive = true;
    uint32_t depth = 0;      // Conn_guards on it
    bool dead = false;       // closed() came while guarded: free when the last guard goes
    uint64_t last_ns = 0;    // last byte received or sent
    uint64_t request_ns = 0; // the request's first byte, or its body's last
    // A follow stream of a domain's console.
    bool streaming = false;
    domid_t follow_dom = 0;
    uint64_t follow_at = 0;
};

} // namespace api
