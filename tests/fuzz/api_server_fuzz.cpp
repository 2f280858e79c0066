// libFuzzer target for the management API server (tools/lib/api) as a
// network peer sees it: up to four connections get the input's bytes in
// pieces, with send space, writable() calls, clock steps and hang-ups
// chosen by the input too. Some pieces are prefixed with a well-formed,
// authorised request head for one of the API's paths, so the endpoints and
// the upload reader are reached, not just the parser's refusals. What must
// hold for any input:
//   - the server writes only what send_space() allows, and never after it
//     closed or aborted a connection;
//   - once every connection is gone and the server destroyed, all memory
//     and every file it wrote come back (uploads are removed);
//   - ASan and UBSan find nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "tools/lib/api/server.hpp"
#include "tools/lib/fs/file_system.hpp"

#include "tests/unit/fake_builder_hypervisor.hpp"

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

class Host final : public xl::Host {
public:
    fs::File_system* fs = nullptr;
    uint64_t now = 1'000'000'000;
    bool read_file(toolstack::Str path, const uint8_t*& data, size_t& len) override
    {
        toolstack::Str s;
        if (!fs || fs->read(path, s) != fs::Err::none)
            return false;
        data = reinterpret_cast<const uint8_t*>(s.p);
        len = s.n;
        return true;
    }
    void write(toolstack::Str) override {}
    uint64_t now_ns() override { return now; }
    void wake_at(uint64_t) override {}
    void power_off(bool) override {}
};

class Conn final : public api::Conn {
public:
    size_t space = 4096;
    bool done = false; // closed or aborted by the server
    size_t write(const uint8_t*, size_t n) override
    {
        check(!done && n <= space);
        space -= n;
        return n;
    }
    size_t send_space() const override { return space; }
    void close() override { done = true; }
    void abort() override { done = true; }
};

const char* const heads[] = {
    "GET /api/v1/host HTTP/1.1\r\n",
    "GET /api/v1/domains HTTP/1.1\r\n",
    "GET /api/v1/domains/0 HTTP/1.1\r\n",
    "GET /api/v1/domains/0/vcpus HTTP/1.1\r\n",
    "GET /metrics HTTP/1.1\r\n",
    "POST /api/v1/domains HTTP/1.1\r\nContent-Type: application/json\r\n",
    "POST /api/v1/domains HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=B\r\n",
    "POST /api/v1/domains/0/sched-credit HTTP/1.1\r\n",
    "GET /api/v1/operations/1 HTTP/1.1\r\n",
    "GET /api/v1/domains/0/stats HTTP/1.1\r\n",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    buildtest::Counting_allocator mem;
    {
        buildtest::Fake_hypervisor hv;
        Host host;
        fs::File_system files(mem.a, 8u << 20);
        host.fs = &files;
        xl::Toolstack ts(hv, mem.a, host);
        toolstack::Text err(mem.a);
        check(ts.init(err));
        size_t base = mem.live;
        uint64_t fs_base = files.used();
        api::Server_config cfg;
        cfg.token = "t0k";
        cfg.fs = &files;
        cfg.max_connections = 3; // the cap is reachable
        api::Server* s = api::Server::create(ts, mem.a, cfg);
        check(s != nullptr);
        Conn conns[4];
        void* state[4] = {};
        bool open[4] = {};
        size_t at = 0;
        while (at + 2 <= size) {
            uint8_t op = data[at], arg = data[at + 1];
            at += 2;
            unsigned k = op & 3;
            switch (op >> 2 & 7) {
            case 0:
            case 1: { // bytes
                if (!open[k]) {
                    conns[k] = Conn{};
                    state[k] = s->accepted(conns[k]);
                    open[k] = true;
                }
                size_t n = arg < size - at ? arg : size - at;
                s->received(state[k], data + at, n);
                at += n;
                break;
            }
            case 2: { // an authorised head
                if (!open[k])
                    break;
                std::string h = heads[arg % (sizeof heads / sizeof heads[0])];
                h += "Host: x\r\nAuthorization: Bearer t0k\r\n";
                s->received(state[k], reinterpret_cast<const uint8_t*>(h.data()), h.size());
                break;
            }
            case 3: // room to send
                if (open[k]) {
                    conns[k].space += size_t{arg} * 64;
                    s->writable(state[k]);
                }
                break;
            case 4: // time passes
                host.now += uint64_t{arg} * 250'000'000ull;
                s->tick();
                break;
            case 5: // hang up
                if (open[k]) {
                    s->closed(state[k]);
                    open[k] = false;
                }
                break;
            default: s->tick(); break;
            }
        }
        for (unsigned k = 0; k < 4; ++k)
            if (open[k])
                s->closed(state[k]);
        check(s->connections() == 0);
        api::Server::destroy(s);
        // Operations that built nothing and the upload root's directories
        // may remain in the file system's nodes; contents must not.
        check(files.used() == fs_base);
        (void)base;
    }
    check(mem.live == 0);
    return 0;
}
