// dom0's management API server (docs/api.md): HTTP/1.1 over whatever
// transport the host has (lwIP in dom0, a fake in the tests), on the
// toolstack. The transport owns the connections and calls in; the server
// owns everything per connection and answers through Conn.
//
// Contract with the transport:
//   accepted(c)      a new connection; returns the state to hand back in
//                    every later call, or nullptr when the server is full
//                    (it has then answered 503 and called c.close()).
//   received(s,..)   bytes from the peer; all are taken (what cannot be
//                    handled yet is kept, up to a bound, then the
//                    connection is aborted).
//   writable(s)      send space came back: queued output resumes.
//   closed(s)        the connection is gone (peer, reset, or after the
//                    server's own close()/abort()): called exactly once per
//                    accepted connection, nullptr included; the Conn is never
//                    touched again and the state is freed.
//   tick()           at next_deadline_ns() or later: timeouts, follow
//                    streams, operations, the once-a-second sampling. The
//                    server also asks for it through Host::wake_at().
// Single-threaded, like the toolstack. Portable and freestanding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/list.hpp"
#include "tools/lib/base/text.hpp"
#include "tools/lib/xl/toolstack.hpp"

namespace fs {
class File_system;
}

namespace api {

using toolstack::Str;
using toolstack::Text;

class Conn {
public:
    // Queues bytes; returns how many were taken (at most send_space()).
    virtual size_t write(const uint8_t* d, size_t n) = 0;
    virtual size_t send_space() const = 0;
    // Ends the connection once queued data is sent.
    virtual void close() = 0;
    // Resets it now.
    virtual void abort() = 0;

protected:
    ~Conn() = default;
};

// A file of the web page, served without a token.
struct Static_file {
    const char* path; // "/", "/index.html", "/app.js", ...
    const char* content_type;
    const uint8_t* bytes;
    size_t len;
};

struct Server_config {
    // The bearer token (Authorization: Bearer TOKEN); an empty token
    // refuses every API request.
    Str token;
    const Static_file* files = nullptr;
    size_t n_files = 0;
    // Where uploads go (under /var/lib/xenith/upload/); nullptr: uploads
    // are refused with 503.
    fs::File_system* fs = nullptr;
    Str hostname = "xenith";
    Str hypervisor = "Xenith 0.1.0";
    Str xen_version = "unknown";
    uint32_t max_connections = 256;
    uint64_t request_timeout_ns = 10'000'000'000ull; // head, or silence in a body
    uint64_t idle_timeout_ns = 30'000'000'000ull;    // keep-alive between requests
    uint64_t sample_interval_ns = 1'000'000'000ull;
};

class Api;
struct Connection;
struct Reply;
struct Conn_guard;

class Server {
public:
    static constexpr uint32_t json_body_max = 64 * 1024;
    static constexpr uint64_t upload_max = 64ull * 1024 * 1024;
    // Output queued beyond this stops reading further pipelined requests
    // (and follow streams wait) until the peer takes some.
    static constexpr uint32_t output_high = 64 * 1024;
    // Unhandled input kept per connection; beyond it the peer is cut off.
    static constexpr uint32_t input_max = 32 * 1024;

    // nullptr when out of memory. Observes ts (Toolstack::observe) until
    // destroyed. cfg's strings and files must outlive the server. Destroying
    // it frees every connection's state: the transport must not call in
    // with those states afterwards (drop or abort its connections first).
    [[nodiscard]] static Server* create(xl::Toolstack& ts, const toolstack::Allocator& a,
                                        const Server_config& cfg);
    static void destroy(Server* s);
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void* accepted(Conn& c);
    void received(void* s, const uint8_t* d, size_t n);
    void writable(void* s);
    void closed(void* s);
    void tick();
    uint64_t next_deadline_ns() const;

    // For tests and dom0's status line.
    uint32_t connections() const { return n_conns_; }
    Api& api() { return *api_; }

    // Made through create() (public for toolstack::create only).
    Server(xl::Toolstack& ts, const toolstack::Allocator& a, const Server_config& cfg);
    ~Server();

private:
    friend class Api;
    friend struct Connection;
    friend struct Conn_guard;

    void process(Connection& c, const char* p, size_t n);
    bool process_once(Connection& c, const char*& p, size_t& n);
    void head_complete(Connection& c);
    void request_complete(Connection& c);
    // Writes the reply (and its stream's start) and flushes.
    void send_reply(Connection& c, Reply& r);
    void end_stream(Connection& c);
    void check_timeouts(Connection& c, uint64_t now);
    uint64_t deadline_of(const Connection& c) const;
    void flush(Connection& c);
    void resume(Connection& c);
    void pump_stream(Connection& c);
    void free_connection(Connection* c);
    void request_wake();

    static void body_bytes(void* ctx, const char* p, size_t n);
    static void console_output(void* ctx, xl::Domain& d);
    static void domain_gone(void* ctx, xl::Domain& d);

    xl::Toolstack& ts_;
    toolstack::Allocator alloc_;
    Server_config cfg_;
    Api* api_ = nullptr;
    toolstack::List<Connection> conns_;
    uint32_t n_conns_ = 0;
    uint32_t next_conn_id_ = 0;
};

} // namespace api
