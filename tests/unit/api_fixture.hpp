// The management API server (tools/lib/api) over fakes: the builder's
// fake hypervisor behind a wrapper that adds what the API asks of a real
// one (pause, vCPU info, credit scheduler, console ring), a host whose
// files are a map and dom0's file system, and connections that record
// what the server sent. Responses are read back by a small HTTP/1.1
// response parser of the test's own.
#pragma once
#include "tools/lib/api/api.hpp"
#include "tools/lib/api/server.hpp"
#include "tools/lib/fs/file_system.hpp"

#include "tests/unit/fake_xl_host.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace apitest {

using toolstack::Str;

inline Str S(const std::string& s)
{
    return Str(s.data(), static_cast<uint32_t>(s.size()));
}

// Fake_hypervisor plus the domctls and sysctls the API uses.
class Api_hypervisor final : public toolstack::Hypercalls {
public:
    buildtest::Fake_hypervisor inner;
    std::map<domid_t, std::pair<uint32_t, uint32_t>> credit; // weight, cap
    std::string dmesg = "(XEN) Xenith 0.1.0\n(XEN) dom0 built\n";
    bool fail_physinfo = false;

    int domctl(xen_domctl& op, void* b, size_t n) override
    {
        bool known = op.domain == 0 || inner.domains.count(op.domain);
        switch (op.cmd) {
        case XEN_DOMCTL_pausedomain:
        case XEN_DOMCTL_unpausedomain:
            if (op.cmd == XEN_DOMCTL_unpausedomain && op.domain != 0 &&
                inner.domains.count(op.domain) && !inner.domains[op.domain].has_context)
                return inner.domctl(op, b, n); // the builder's own unpause rules
            if (!known)
                return -XEN_ESRCH;
            if (op.domain)
                inner.domains[op.domain].paused = op.cmd == XEN_DOMCTL_pausedomain;
            return 0;
        case XEN_DOMCTL_getvcpuinfo:
            if (!known || op.u.getvcpuinfo.vcpu > 0)
                return -XEN_ESRCH;
            op.u.getvcpuinfo.online = 1;
            op.u.getvcpuinfo.blocked = 1;
            op.u.getvcpuinfo.cpu = 1;
            op.u.getvcpuinfo.cpu_time =
                op.domain ? inner.domains[op.domain].cpu_time : 7'500'000'000ull;
            return 0;
        case XEN_DOMCTL_getvcpuaffinity: return -XEN_ENOSYS;
        case XEN_DOMCTL_scheduler_op: {
            if (!known)
                return -XEN_ESRCH;
            auto& c = credit.emplace(op.domain, std::make_pair(256u, 0u)).first->second;
            auto& cr = op.u.scheduler_op.u.credit;
            if (op.u.scheduler_op.cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
                cr.weight = static_cast<uint16_t>(c.first);
                cr.cap = static_cast<uint16_t>(c.second);
            } else {
                if (cr.weight)
                    c.first = cr.weight;
                if (cr.cap != 0xffff)
                    c.second = cr.cap;
            }
            return 0;
        }
        default: return inner.domctl(op, b, n);
        }
    }
    long populate_physmap(xen_memory_reservation& r, xen_pfn_t* e) override
    {
        return inner.populate_physmap(r, e);
    }
    int mmuext_op(const struct mmuext_op* ops, unsigned count, domid_t f) override
    {
        return inner.mmuext_op(ops, count, f);
    }
    int evtchn_alloc_unbound(struct evtchn_alloc_unbound& op) override
    {
        return inner.evtchn_alloc_unbound(op);
    }
    int grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames) override
    {
        return inner.grant_setup_table(op, frames);
    }
    int map_foreign(domid_t dom, xen_pfn_t mfn, void*& out) override
    {
        return inner.map_foreign(dom, mfn, out);
    }
    void unmap_foreign(void* page) override { inner.unmap_foreign(page); }
    int sysctl(struct xen_sysctl& op, void* b, size_t n) override
    {
        if (op.cmd == XEN_SYSCTL_physinfo && fail_physinfo)
            return -XEN_EFAULT;
        if (op.cmd == XEN_SYSCTL_readconsole) {
            uint32_t from = op.u.readconsole.index;
            uint32_t len = 0;
            if (from < dmesg.size())
                len = static_cast<uint32_t>(
                    std::min<size_t>(dmesg.size() - from, op.u.readconsole.count));
            if (len > n)
                len = static_cast<uint32_t>(n);
            std::memcpy(b, dmesg.data() + from, len);
            op.u.readconsole.count = len;
            op.u.readconsole.index = from + len;
            return 0;
        }
        return inner.sysctl(op, b, n);
    }
    int evtchn_bind_interdomain(domid_t d, evtchn_port_t r, evtchn_port_t& l) override
    {
        return inner.evtchn_bind_interdomain(d, r, l);
    }
    int evtchn_close(evtchn_port_t p) override { return inner.evtchn_close(p); }
    int evtchn_send(evtchn_port_t p) override { return inner.evtchn_send(p); }
    int remote_shutdown(domid_t d, unsigned r) override { return inner.remote_shutdown(d, r); }
};

// A host whose files are a map, then dom0's file system (uploads).
class Api_host final : public xl::Host {
public:
    std::map<std::string, std::vector<uint8_t>> files;
    fs::File_system* fs = nullptr;
    std::string out;
    uint64_t now = 5'000'000'000;
    std::vector<uint64_t> wakes;

    bool read_file(Str path, const uint8_t*& data, size_t& len) override
    {
        auto it = files.find(std::string(path.p, path.n));
        if (it != files.end()) {
            data = it->second.data();
            len = it->second.size();
            return true;
        }
        Str s;
        if (fs && fs->read(path, s) == fs::Err::none) {
            data = reinterpret_cast<const uint8_t*>(s.p);
            len = s.n;
            return true;
        }
        return false;
    }
    void write(Str s) override { out.append(s.p, s.n); }
    uint64_t now_ns() override { return now; }
    void wake_at(uint64_t t) override { wakes.push_back(t); }
    void power_off(bool) override {}
};

// One connection as the transport would hold it.
class Fake_conn final : public api::Conn {
public:
    std::string sent;        // everything the server wrote
    size_t space = 1u << 30; // send_space(): what is left, as a TCP send buffer
    bool closed = false, aborted = false;

    size_t write(const uint8_t* d, size_t n) override
    {
        EXPECT_FALSE(closed || aborted) << "write after close";
        EXPECT_LE(n, space);
        size_t k = std::min(n, space);
        sent.append(reinterpret_cast<const char*>(d), k);
        space -= k;
        return k;
    }
    size_t send_space() const override { return space; }
    void close() override { closed = true; }
    void abort() override { aborted = true; }
};

struct Response {
    int status = 0;
    std::map<std::string, std::string> headers; // names lowercased
    std::string body;
    bool chunked = false;
    bool complete = false; // the body (or the final chunk) is all there
    std::string header(const std::string& n) const
    {
        auto it = headers.find(n);
        return it == headers.end() ? std::string() : it->second;
    }
};

// Reads one response from the front of s; consumed says how many bytes
// it took (0 if the head is not complete).
inline Response parse_response(const std::string& s, size_t& consumed)
{
    Response r;
    consumed = 0;
    size_t end = s.find("\r\n\r\n");
    if (end == std::string::npos)
        return r;
    std::string head = s.substr(0, end);
    r.status = std::atoi(head.c_str() + 9);
    size_t at = head.find("\r\n");
    while (at != std::string::npos && at < head.size()) {
        size_t next = head.find("\r\n", at + 2);
        std::string line =
            head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
        size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value[0] == ' ')
            value.erase(0, 1);
        r.headers[name] = value;
        at = next;
    }
    size_t pos = end + 4;
    if (r.header("transfer-encoding") == "chunked") {
        r.chunked = true;
        for (;;) {
            size_t eol = s.find("\r\n", pos);
            if (eol == std::string::npos)
                break;
            size_t n = std::strtoul(s.substr(pos, eol - pos).c_str(), nullptr, 16);
            if (n == 0) {
                if (s.size() >= eol + 4) {
                    r.complete = true;
                    pos = eol + 4;
                }
                break;
            }
            if (s.size() < eol + 2 + n + 2)
                break;
            r.body += s.substr(eol + 2, n);
            pos = eol + 2 + n + 2;
        }
    } else {
        size_t n = std::strtoul(r.header("content-length").c_str(), nullptr, 10);
        if (s.size() < pos + n) {
            r.body = s.substr(pos);
            consumed = 0;
            return r;
        }
        r.body = s.substr(pos, n);
        pos += n;
        r.complete = true;
    }
    consumed = pos;
    return r;
}

inline const std::string token = "0123456789abcdef";

struct Client {
    Fake_conn conn;
    void* state = nullptr;
    bool gone = false;
    size_t read_at = 0; // of conn.sent, responses already taken
};

struct Api_world {
    Api_hypervisor hv;
    buildtest::Counting_allocator mem;
    Api_host host;
    fs::File_system files{mem.a, 256ull << 20};
    xl::Toolstack ts{hv, mem.a, host};
    std::vector<api::Static_file> page;
    std::string index_html = "<!doctype html><title>Xenith</title>";
    api::Server_config cfg;
    api::Server* server = nullptr;
    std::vector<std::unique_ptr<Client>> clients;

    Api_world()
    {
        host.files[xltest::kernel_path] = xltest::pv_kernel();
        host.fs = &files;
        toolstack::Text err(mem.a);
        EXPECT_TRUE(ts.init(err));
        page.push_back(api::Static_file{"/", "text/html; charset=utf-8",
                                        reinterpret_cast<const uint8_t*>(index_html.data()),
                                        index_html.size()});
        cfg.token = S(token);
        cfg.files = page.data();
        cfg.n_files = page.size();
        cfg.fs = &files;
        server = api::Server::create(ts, mem.a, cfg);
        EXPECT_NE(server, nullptr);
    }
    ~Api_world()
    {
        for (auto& c : clients)
            if (!c->gone)
                server->closed(c->state);
        api::Server::destroy(server);
    }

    Client& connect()
    {
        clients.push_back(std::make_unique<Client>());
        Client& c = *clients.back();
        c.state = server->accepted(c.conn);
        return c;
    }
    void send(Client& c, const std::string& bytes)
    {
        server->received(c.state, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    void hang_up(Client& c)
    {
        c.gone = true;
        server->closed(c.state);
    }
    // The next complete response on c, or status 0.
    Response next(Client& c)
    {
        size_t used = 0;
        Response r = parse_response(c.conn.sent.substr(c.read_at), used);
        if (r.complete)
            c.read_at += used;
        return r;
    }

    static std::string req(const std::string& method, const std::string& path,
                           const std::string& body = "", const std::string& extra = "",
                           bool auth = true)
    {
        std::string s = method + " " + path + " HTTP/1.1\r\nHost: dom0\r\n";
        if (auth)
            s += "Authorization: Bearer " + token + "\r\n";
        s += extra;
        if (!body.empty() || method == "POST")
            s += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        return s + "\r\n" + body;
    }
    // One request on a fresh connection, its response.
    Response call(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::string& extra = "", bool auth = true)
    {
        Client& c = connect();
        send(c, req(method, path, body, extra, auth));
        return next(c);
    }
    Response get(const std::string& path) { return call("GET", path); }
    Response post(const std::string& path, const std::string& body = "")
    {
        return call("POST", path, body, body.empty() ? "" : "Content-Type: application/json\r\n");
    }

    xl::Domain* create(const char* name, uint32_t mib = 4)
    {
        toolstack::Text e(mem.a);
        xl::Domain* d = ts.create(xltest::spec(name, mib), e);
        EXPECT_NE(d, nullptr) << std::string(e.str().p, e.str().n);
        return d;
    }
    std::string read(const std::string& path)
    {
        xs::Local_client c(ts.store());
        toolstack::Text v(mem.a);
        if (c.read(S(path), v) != xs::Err::none)
            return "<none>";
        return std::string(v.str().p, v.str().n);
    }
    xencons_interface& guest_console(domid_t id)
    {
        std::string ref = read("/local/domain/" + std::to_string(id) + "/console/ring-ref");
        return *reinterpret_cast<xencons_interface*>(
            hv.inner.frame(static_cast<xen_pfn_t>(std::strtoul(ref.c_str(), nullptr, 10))).data());
    }
    // The guest prints and notifies: the toolstack drains the ring.
    void guest_print(xl::Domain& d, const std::string& bytes)
    {
        xencons_interface& r = guest_console(d.domid);
        for (char ch : bytes)
            r.out[MASK_XENCONS_IDX(r.out_prod++, r.out)] = ch;
        ts.port_fired(d.console_port);
    }
    // Ticks until no create operation is running (each tick is one step).
    void finish_operations()
    {
        for (int i = 0; i < 1000 && server->api().next_deadline_ns() == 0; ++i)
            server->tick();
    }
    void advance(uint64_t ns)
    {
        host.now += ns;
        server->tick();
    }
};

} // namespace apitest
