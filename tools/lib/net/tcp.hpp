// TCP servers on net::Stack: a listener per port, a Tcp_handler told of
// each connection's events, a Tcp_conn to write to it. Wraps lwIP's raw
// callback API and its rules (tcp_recved after consuming, tcp_output after
// writing, the error callback that frees the pcb, no callback after
// close, refused connections when the pcb pool is full).
#pragma once
#include <cstddef>
#include <cstdint>

namespace net {

class Tcp_conn;

// What a server implements. Callbacks come from Stack::poll(). Inside any
// of them the handler may call write/close/abort on this or any other
// connection.
class Tcp_handler {
public:
    virtual void accepted(Tcp_conn& c) = 0;
    // The data is consumed when this returns (the window reopens at once).
    virtual void received(Tcp_conn& c, const uint8_t* data, size_t len) = 0;
    // Send space was freed: the peer acknowledged data, or, after a
    // write() that took less than it was given (or a send_space() of 0),
    // space is there again.
    virtual void writable(Tcp_conn& c) = 0;
    // The peer closed (FIN) or reset, or lwIP gave the connection up
    // (retransmissions, zero window too long, keepalive unanswered for
    // 3 minutes of silence, Stack::stop()). c is dead
    // after return. After a peer FIN, data already written is still sent
    // before our FIN.
    virtual void closed(Tcp_conn& c) = 0;

protected:
    ~Tcp_handler() = default;
};

// One accepted connection. Owned by the stack; valid from accepted() until
// closed() returns, or until the handler's own close() or abort(): after
// either the handler gets no further callback for it (its `user` state
// is the handler's to free at that point).
class Tcp_conn {
public:
    // Copies up to send_space() bytes into lwIP's send buffer and pushes
    // them out; returns how many were taken (0 when full or dead). When it
    // takes less than n, writable() follows once there is room.
    size_t write(const uint8_t* d, size_t n);
    size_t send_space() const;
    // Graceful: our FIN follows the data already written.
    void close();
    // RST now; unsent data is dropped.
    void abort();

    void* user = nullptr; // the handler's per-connection state

    uint32_t peer_addr() const; // host byte order
    uint16_t peer_port() const;

private:
    friend struct Tcp_glue;
    void* pcb_ = nullptr; // struct tcp_pcb*, null when dead
    Tcp_handler* handler_ = nullptr;
    bool in_use_ = false;
    bool closing_ = false; // the handler's part is over (inside closed())
    // write() took less than asked, or send_space() said 0: writable() follows.
    mutable bool refused_ = false;
    uint32_t peer_addr_ = 0;
    uint16_t peer_port_ = 0;
};

// Listens on port on every address. False if the port is in use or the
// listener pool (4) is full.
bool tcp_listen(uint16_t port, Tcp_handler& h);

} // namespace net
