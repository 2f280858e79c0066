// The world of the xenstore tests: a counting (and, on demand, failing)
// allocator, fake hooks with ring pages in plain memory, the store, the
// toolstack's local client, and guests that speak the protocol over their
// rings the way a PV kernel's xenbus does.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/lib/xenstore/local_client.hpp"
#include "tools/lib/xenstore/ring.hpp"
#include "tools/lib/xenstore/xenstored.hpp"

namespace xstest {

using xs::Domid;
using xs::Err;

// "a", "b" -> "a\0b\0": the wire form of a list of strings.
inline std::string z(std::initializer_list<std::string> parts)
{
    std::string s;
    for (const auto& p : parts) {
        s += p;
        s.push_back('\0');
    }
    return s;
}
inline std::string z(const std::string& one)
{
    return z({one});
}

inline toolstack::Str str(const std::string& s)
{
    return toolstack::Str(s.data(), static_cast<uint32_t>(s.size()));
}
inline std::string text(const toolstack::Text& t)
{
    return std::string(t.data(), t.size());
}

// malloc with accounting; fail_after counts down allocations and then
// refuses every one until reset.
struct Test_allocator {
    size_t live_bytes = 0;
    size_t live_blocks = 0;
    size_t total_blocks = 0;
    long fail_after = -1; // -1: never fail
    size_t limit = 0;     // 0: no limit on live bytes

    static void* alloc(void* ctx, size_t n)
    {
        auto* self = static_cast<Test_allocator*>(ctx);
        if (self->fail_after == 0)
            return nullptr;
        if (self->fail_after > 0)
            --self->fail_after;
        if (self->limit && self->live_bytes + n > self->limit)
            return nullptr;
        void* p = std::malloc(n ? n : 1);
        if (p) {
            self->live_bytes += n;
            ++self->live_blocks;
            ++self->total_blocks;
            std::memset(p, 0xA5, n); // nothing may rely on fresh memory being zero
        }
        return p;
    }
    static void release(void* ctx, void* p, size_t n)
    {
        auto* self = static_cast<Test_allocator*>(ctx);
        self->live_bytes -= n;
        --self->live_blocks;
        std::memset(p, 0x5A, n);
        std::free(p);
    }
    toolstack::Allocator allocator() { return toolstack::Allocator{alloc, release, this}; }
};

struct Message {
    uint32_t type = 0;
    uint32_t req_id = 0;
    uint32_t tx_id = 0;
    std::string payload;

    bool is_error(const char* name) const { return type == XS_ERROR && payload == z(name); }
    // The strings of the payload.
    std::vector<std::string> strings() const
    {
        std::vector<std::string> out;
        size_t at = 0;
        while (at < payload.size()) {
            size_t end = payload.find('\0', at);
            if (end == std::string::npos)
                end = payload.size();
            out.push_back(payload.substr(at, end - at));
            at = end + 1;
        }
        return out;
    }
};

// A guest domain's side of its ring page.
struct Guest {
    Domid domid = 0;
    xenstore_domain_interface page{};
    uint32_t remote_port = 0;
    uint32_t local_port = 0;
    unsigned notified = 0;
    bool mapped = false;
    uint32_t next_req = 1;
    std::vector<Message> events;  // watch events received
    std::vector<Message> replies; // replies not yet claimed
    std::string partial;          // response bytes of an incomplete message

    // Puts raw bytes into the request ring; returns how many fitted.
    size_t put_bytes(const std::string& bytes)
    {
        uint32_t cons = page.req_cons, prod = page.req_prod;
        size_t n = 0;
        while (n < bytes.size() && prod - cons < XENSTORE_RING_SIZE) {
            page.req[MASK_XENSTORE_IDX(prod)] = bytes[n++];
            ++prod;
        }
        page.req_prod = prod;
        return n;
    }
    // Puts bytes into the request ring only if all of them fit.
    bool put_whole(const std::string& bytes)
    {
        if (XENSTORE_RING_SIZE - (page.req_prod - page.req_cons) < bytes.size())
            return false;
        put_bytes(bytes);
        return true;
    }
    static std::string frame(uint32_t type, uint32_t req_id, uint32_t tx_id,
                             const std::string& body, uint32_t len_field = ~0u)
    {
        xsd_sockmsg h{type, req_id, tx_id,
                      len_field == ~0u ? static_cast<uint32_t>(body.size()) : len_field};
        std::string s(reinterpret_cast<const char*>(&h), sizeof(h));
        return s + body;
    }
    // Takes every complete message out of the response ring.
    void drain()
    {
        while (page.rsp_cons != page.rsp_prod &&
               page.rsp_prod - page.rsp_cons <= XENSTORE_RING_SIZE) {
            partial.push_back(page.rsp[MASK_XENSTORE_IDX(page.rsp_cons)]);
            ++page.rsp_cons;
        }
        while (partial.size() >= sizeof(xsd_sockmsg)) {
            xsd_sockmsg h;
            std::memcpy(&h, partial.data(), sizeof(h));
            if (partial.size() < sizeof(h) + h.len)
                break;
            Message m{h.type, h.req_id, h.tx_id, partial.substr(sizeof(h), h.len)};
            partial.erase(0, sizeof(h) + h.len);
            (m.type == XS_WATCH_EVENT ? events : replies).push_back(m);
        }
    }
};

class World {
public:
    explicit World(const xs::Config& config = xs::Config()) : alloc_(mem.allocator())
    {
        xs_ = std::make_unique<xs::Xenstored>(alloc_, hooks(), config);
        EXPECT_EQ(xs_->init(), Err::none);
        dom0_ = std::make_unique<xs::Local_client>(*xs_);
    }
    // Everything the store allocated is given back.
    ~World()
    {
        dom0_.reset();
        xs_.reset();
        EXPECT_EQ(mem.live_blocks, 0u);
        EXPECT_EQ(mem.live_bytes, 0u);
        guests_.clear();
    }

    xs::Xenstored& xs() { return *xs_; }
    const toolstack::Allocator& alloc() const { return alloc_; }
    xs::Local_client& dom0() { return *dom0_; }

    // A guest with a ring, introduced by the toolstack.
    Guest& add_guest(Domid domid, bool with_tree = true)
    {
        auto g = std::make_unique<Guest>();
        g->domid = domid;
        g->remote_port = 10 + domid;
        Guest& ref = *g;
        guests_[domid] = std::move(g);
        if (with_tree) {
            xs::Perm perms[] = {{0, xs::perm_none, 0}, {domid, xs::perm_read, 0}};
            std::string home = "/local/domain/" + std::to_string(domid);
            EXPECT_EQ(dom0().write(str(home), toolstack::Str()), Err::none);
            EXPECT_EQ(dom0().set_perms(str(home), perms, 2), Err::none);
            xs::Perm own[] = {{domid, xs::perm_none, 0}};
            EXPECT_EQ(dom0().write(str(home + "/data"), toolstack::Str()), Err::none);
            EXPECT_EQ(dom0().set_perms(str(home + "/data"), own, 1), Err::none);
        }
        EXPECT_EQ(xs_->introduce(domid, 0x1000 + domid, ref.remote_port), Err::none);
        return ref;
    }
    Guest& guest(Domid d) { return *guests_.at(d); }
    bool has_guest(Domid d) const { return guests_.count(d) != 0; }

    // Guest sends one request; the store runs until idle; the reply.
    Message call(Guest& g, uint32_t type, const std::string& body, uint32_t tx = 0)
    {
        uint32_t id = send(g, type, body, tx);
        return reply(g, id);
    }
    uint32_t send(Guest& g, uint32_t type, const std::string& body, uint32_t tx = 0)
    {
        uint32_t id = g.next_req++;
        std::string f = Guest::frame(type, id, tx, body);
        size_t done = 0;
        for (int i = 0; i < 64 && done < f.size(); ++i) {
            done += g.put_bytes(f.substr(done));
            run();
            g.drain();
        }
        EXPECT_EQ(done, f.size());
        return id;
    }
    Message reply(Guest& g, uint32_t req_id)
    {
        for (int i = 0; i < 64; ++i) {
            run();
            g.drain();
            for (auto it = g.replies.begin(); it != g.replies.end(); ++it)
                if (it->req_id == req_id) {
                    Message m = *it;
                    g.replies.erase(it);
                    return m;
                }
        }
        ADD_FAILURE() << "no reply to request " << req_id;
        return Message{};
    }
    // Runs the store until it has nothing more to do.
    void run()
    {
        for (int i = 0; i < 1000 && xs_->poll(); ++i) {
        }
    }

    std::string read(Guest& g, const std::string& path)
    {
        Message m = call(g, XS_READ, z(path));
        return m.type == XS_READ ? m.payload
                                 : "<" + m.payload.substr(0, m.payload.size() - 1) + ">";
    }
    // The reply payload of dom0's request, or "<ENAME>".
    std::string dom0_read(const std::string& path)
    {
        toolstack::Text v(alloc_);
        Err e = dom0().read(str(path), v);
        return e == Err::none ? text(v) : std::string("<") + xs::err_name(e) + ">";
    }

    void expect_consistent()
    {
        xs::Tree_check c = xs_->check();
        EXPECT_EQ(c.problems, 0u) << c.first;
    }

    Test_allocator mem;
    std::vector<std::string> log;

private:
    xs::Hooks hooks()
    {
        xs::Hooks h;
        h.ctx = this;
        h.map_ring = [](void* ctx, Domid d, uint64_t) -> xenstore_domain_interface* {
            auto* w = static_cast<World*>(ctx);
            if (!w->has_guest(d))
                return nullptr;
            w->guest(d).mapped = true;
            return &w->guest(d).page;
        };
        h.unmap_ring = [](void* ctx, Domid d, xenstore_domain_interface*) {
            auto* w = static_cast<World*>(ctx);
            if (w->has_guest(d))
                w->guest(d).mapped = false;
        };
        h.bind_port = [](void* ctx, Domid d, uint32_t remote, uint32_t& local) {
            auto* w = static_cast<World*>(ctx);
            if (!w->has_guest(d) || remote != w->guest(d).remote_port)
                return false;
            local = 100 + d;
            w->guest(d).local_port = local;
            return true;
        };
        h.unbind_port = [](void* ctx, uint32_t local) {
            auto* w = static_cast<World*>(ctx);
            for (auto& [d, g] : w->guests_)
                if (g->local_port == local)
                    g->local_port = 0;
        };
        h.notify = [](void* ctx, uint32_t local) {
            auto* w = static_cast<World*>(ctx);
            for (auto& [d, g] : w->guests_)
                if (g->local_port == local)
                    ++g->notified;
        };
        h.log = [](void* ctx, const char* line) { static_cast<World*>(ctx)->log.push_back(line); };
        return h;
    }

    toolstack::Allocator alloc_;
    std::map<Domid, std::unique_ptr<Guest>> guests_;
    std::unique_ptr<xs::Xenstored> xs_;
    std::unique_ptr<xs::Local_client> dom0_;
};

// Every test's world ends consistent, with nothing left allocated.
class Xenstore_test : public ::testing::Test {
protected:
    void TearDown() override
    {
        if (world_)
            world_->expect_consistent();
        world_.reset();
    }
    World& world(const xs::Config& config = xs::Config())
    {
        if (!world_)
            world_ = std::make_unique<World>(config);
        return *world_;
    }

    std::unique_ptr<World> world_;
};

} // namespace xstest
