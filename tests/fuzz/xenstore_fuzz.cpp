// Drives the store with a byte stream: three guests writing requests (well
// formed, mangled, or raw bytes) into their rings, sometimes reading their
// replies and sometimes not, scribbling on their ring indexes or asking to
// reconnect; the toolstack writing, watching, introducing and releasing
// domains; allocations failing for a while. After every step and at the
// end, what must hold for any input:
//   - the tree is consistent and every domain's usage is exact (check());
//   - no unprivileged domain is over its node, watch, transaction or
//     outstanding-reply quota, nor (beyond a small reply's worth) its
//     memory quota;
//   - torn down, the store has given back every byte it took.
// ASan and UBSan do the rest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tools/lib/xenstore/local_client.hpp"
#include "tools/lib/xenstore/xenstored.hpp"

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

struct Heap {
    size_t live = 0;
    long fail_after = -1;

    static void* alloc(void* ctx, size_t n)
    {
        auto* h = static_cast<Heap*>(ctx);
        if (h->fail_after == 0)
            return nullptr;
        if (h->fail_after > 0)
            --h->fail_after;
        h->live += n;
        return std::malloc(n ? n : 1);
    }
    static void release(void* ctx, void* p, size_t n)
    {
        static_cast<Heap*>(ctx)->live -= n;
        std::free(p);
    }
};

struct Input {
    const uint8_t* p;
    size_t n;

    bool empty() const { return n == 0; }
    uint8_t byte()
    {
        if (!n)
            return 0;
        --n;
        return *p++;
    }
    uint32_t u32()
    {
        return byte() | byte() << 8 | byte() << 16 | static_cast<uint32_t>(byte()) << 24;
    }
    // Up to max bytes taken as they are.
    size_t take(char* out, size_t max)
    {
        size_t len = byte() % (max + 1);
        if (len > n)
            len = n;
        std::memcpy(out, p, len);
        p += len;
        n -= len;
        return len;
    }
};

constexpr unsigned n_guests = 3;
constexpr xs::Domid first_guest = 1;

struct Ring_guest {
    xenstore_domain_interface page{};
    bool present = false;
    uint32_t port = 0;
};

struct World {
    Heap heap;
    toolstack::Allocator alloc{Heap::alloc, Heap::release, &heap};
    Ring_guest guests[n_guests];

    static Ring_guest* guest(void* ctx, xs::Domid d)
    {
        auto* w = static_cast<World*>(ctx);
        unsigned i = d - first_guest;
        return i < n_guests && w->guests[i].present ? &w->guests[i] : nullptr;
    }
    xs::Hooks hooks()
    {
        xs::Hooks h;
        h.ctx = this;
        h.map_ring = [](void* ctx, xs::Domid d, uint64_t) -> xenstore_domain_interface* {
            Ring_guest* g = guest(ctx, d);
            return g ? &g->page : nullptr;
        };
        h.unmap_ring = [](void*, xs::Domid, xenstore_domain_interface*) {};
        h.bind_port = [](void*, xs::Domid d, uint32_t, uint32_t& local) {
            local = 100u + d;
            return true;
        };
        h.unbind_port = [](void*, uint32_t) {};
        h.notify = [](void*, uint32_t) {};
        return h;
    }
};

// Words requests are made of: paths the guests and the toolstack share.
const char* const words[] = {
    "data",
    "data/a",
    "data/a/b",
    "/local/domain/1/data",
    "/local/domain/2/data/x",
    "@releaseDomain",
    "@introduceDomain",
    "/",
    "/tool",
    "data/a/b/c/d",
    "/local/domain",
    "a//b",
    "data/",
    "",
    "/local/domain/3",
    "/d0/x",
    "T",
    "F",
    "r1",
    "n2",
    "b3",
    "w0",
    "1",
    "2",
    "0",
    "check",
};
constexpr unsigned n_words = sizeof(words) / sizeof(words[0]);

// A request body of a few words and maybe raw bytes.
size_t body(Input& in, char* out, size_t max)
{
    size_t len = 0;
    unsigned parts = in.byte() % 4;
    for (unsigned i = 0; i < parts; ++i) {
        const char* w = words[in.byte() % n_words];
        size_t wl = std::strlen(w);
        if (len + wl + 1 > max)
            break;
        std::memcpy(out + len, w, wl);
        len += wl;
        out[len++] = '\0';
    }
    if (in.byte() & 1)
        len += in.take(out + len, max - len < 64 ? max - len : 64);
    return len;
}

bool names_a_guest(const char* p, size_t len)
{
    const char lead[] = "/local/domain/";
    const size_t n = sizeof(lead) - 1;
    for (size_t i = 0; i + n < len; ++i)
        if (std::memcmp(p + i, lead, n) == 0 && p[i + n] != '0')
            return true;
    return false;
}

void put(Ring_guest& g, const char* bytes, size_t len)
{
    for (size_t i = 0; i < len && g.page.req_prod - g.page.req_cons < XENSTORE_RING_SIZE; ++i)
        g.page.req[MASK_XENSTORE_IDX(g.page.req_prod++)] = bytes[i];
}

void consume(Ring_guest& g)
{
    if (g.page.rsp_prod - g.page.rsp_cons <= XENSTORE_RING_SIZE)
        g.page.rsp_cons = g.page.rsp_prod;
}

void check_quotas(const xs::Xenstored& xs)
{
    const xs::Quota& q = xs.config().quota;
    for (unsigned i = 0; i < n_guests; ++i) {
        const xs::Usage* u = xs.usage(static_cast<xs::Domid>(first_guest + i));
        if (!u)
            continue;
        check(!xs::over(u->nodes, q.nodes));
        check(!xs::over(u->watches, q.watches));
        check(!xs::over(u->transactions, q.transactions));
        check(!xs::over(u->outstanding, q.outstanding));
        check(!xs::over(u->memory, q.memory + 4096));
    }
}

void step(World& w, xs::Xenstored& xs, xs::Local_client& dom0, Input& in)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    uint8_t op = in.byte();
    unsigned gi = (op >> 4) % n_guests;
    Ring_guest& g = w.guests[gi];
    auto domid = static_cast<xs::Domid>(first_guest + gi);
    switch (op & 15) {
    case 0:
    case 1:
    case 2: { // a well-formed request, maybe in a transaction
        xsd_sockmsg h{};
        h.type = in.byte() % (XS_TYPE_COUNT + 2);
        h.req_id = in.byte();
        h.tx_id = in.byte() % 4;
        h.len = static_cast<uint32_t>(body(in, buf + sizeof(h), XENSTORE_PAYLOAD_MAX));
        std::memcpy(buf, &h, sizeof(h));
        put(g, buf, sizeof(h) + h.len);
        break;
    }
    case 3: { // raw bytes
        size_t len = in.take(buf, 255);
        put(g, buf, len);
        break;
    }
    case 4: { // a header with any length
        xsd_sockmsg h{in.u32() % 32, 1, 0, in.u32() % (XENSTORE_PAYLOAD_MAX + 64)};
        put(g, reinterpret_cast<char*>(&h), sizeof(h));
        break;
    }
    case 5:
    case 6: consume(g); break;
    case 7: { // the toolstack's own request, away from the guests' nodes
        size_t len = body(in, buf, XENSTORE_PAYLOAD_MAX);
        // (The control domain may grow a guest's nodes past its quotas, as
        // in xenstored; that is not what this target checks.)
        if (names_a_guest(buf, len))
            break;
        toolstack::Text reply(w.alloc);
        (void)dom0.call(in.byte() % (XS_TYPE_COUNT + 1),
                        toolstack::Str(buf, static_cast<uint32_t>(len)), &reply);
        break;
    }
    case 8:
        if (!g.present) {
            g = Ring_guest{};
            g.present = true;
        }
        (void)xs.introduce(domid, 0, 1 + gi);
        break;
    case 9: (void)xs.release(domid); break;
    case 10: xs.domain_shutdown(domid); break;
    case 11: // indexes scribbled on
        g.page.req_cons = in.u32();
        g.page.rsp_prod = in.u32();
        break;
    case 12: g.page.connection = XENSTORE_RECONNECT; break;
    case 13: w.heap.fail_after = in.byte() % 64; break;
    case 14: w.heap.fail_after = -1; break;
    default: break;
    }
    for (int i = 0; i < 4 && xs.poll(); ++i) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Input in{data, size};
    World w;
    xs::Config config;
    uint8_t variant = in.byte();
    if (variant & 1) { // small quotas, so inputs reach them
        config.quota.nodes = 12;
        config.quota.watches = 4;
        config.quota.transactions = 2;
        config.quota.transaction_nodes = 16;
        config.quota.outstanding = 3;
        config.quota.memory = 8192;
        config.quota.node_size = 256;
    }
    config.keep_orphans = variant & 2;
    {
        xs::Xenstored xs(w.alloc, w.hooks(), config);
        check(xs.init() == xs::Err::none);
        xs::Local_client dom0(xs);
        check(dom0.connected());
        for (unsigned i = 0; i < n_guests; ++i) {
            w.guests[i].present = true;
            char home[32] = "/local/domain/0";
            home[14] = static_cast<char>('1' + i);
            check(dom0.write(home, "") == xs::Err::none);
            xs::Perm perms[] = {{static_cast<xs::Domid>(first_guest + i), xs::perm_none, 0}};
            check(dom0.set_perms(home, perms, 1) == xs::Err::none);
            check(xs.introduce(static_cast<xs::Domid>(first_guest + i), 0, 1 + i) == xs::Err::none);
        }
        for (unsigned steps = 0; steps < 400 && !in.empty(); ++steps) {
            step(w, xs, dom0, in);
            if (steps % 16 == 0) {
                long saved = w.heap.fail_after;
                w.heap.fail_after = -1;
                check(xs.check().problems == 0);
                check_quotas(xs);
                w.heap.fail_after = saved;
            }
        }
        w.heap.fail_after = -1;
        check(xs.check().problems == 0);
        check_quotas(xs);
    }
    check(w.heap.live == 0);
    return 0;
}
