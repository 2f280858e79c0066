// Reads the input as an xl.cfg file, with "key=value" overrides after a
// line "%%" (one per line), then reads it again with one of the
// allocations that the first read made failing. What must hold for any
// input:
//   - the answer and diag.status agree; a refusal has a one-line error that
//     starts with the file name; warnings are single lines;
//   - an accepted configuration keeps every rule of Domain_config (name and
//     kernel set, memory <= maxmem, 1 <= vcpus <= maxvcpus <= 32, weight and
//     cap in range, cpus masks for at most maxvcpus vCPUs, none empty);
//   - the second read, whose allocation failed, refuses with out_of_memory;
//   - memory in use stays within a few times the input, and all of it
//     comes back.
// ASan and UBSan do the rest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tools/lib/config/xl_config.hpp"

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

struct Heap {
    size_t live = 0;
    size_t peak = 0;
    long allocations = 0;
    long fail_at = -1;

    static void* alloc(void* ctx, size_t n)
    {
        auto* h = static_cast<Heap*>(ctx);
        if (h->allocations++ == h->fail_at)
            return nullptr;
        h->live += n;
        if (h->live > h->peak)
            h->peak = h->live;
        return std::malloc(n ? n : 1);
    }
    static void release(void* ctx, void* p, size_t n)
    {
        static_cast<Heap*>(ctx)->live -= n;
        std::free(p);
    }
};

bool one_line(const char* s)
{
    size_t n = strnlen(s, cfg::Diagnostics::line_len);
    return n < cfg::Diagnostics::line_len && !std::memchr(s, '\n', n);
}

void check_config(const cfg::Domain_config& c, const toolstack::Allocator& alloc)
{
    check(c.name.size() > 0 && c.kernel.size() > 0);
    bool digits = true;
    for (uint32_t i = 0; i < c.name.size(); ++i)
        digits = digits && c.name.data()[i] >= '0' && c.name.data()[i] <= '9';
    check(!digits);
    check(c.memory_mib >= 1 && c.memory_mib <= c.max_memory_mib &&
          c.max_memory_mib <= cfg::max_memory_mib);
    check(c.vcpus >= 1 && c.vcpus <= c.max_vcpus && c.max_vcpus <= cfg::max_vcpus);
    check(c.cpu_weight >= 1 && c.cpu_weight <= 65535 && c.cap <= 100 * c.max_vcpus);
    check(c.cpus.n <= c.max_vcpus);
    for (uint32_t v = 0; v < c.cpus.n; ++v)
        check(c.cpus.mask[v] != 0);
    check(c.name.size() <= cfg::max_string_bytes && c.kernel.size() <= cfg::max_string_bytes);
    toolstack::Text line(alloc);
    check(cfg::kernel_cmdline(c, line));
    check(line.size() <= 2 * cfg::max_string_bytes + 6);
}

// One read; the allocations parse_xl_config made.
long read(const cfg::Config_input& in, size_t size, long fail_at)
{
    Heap heap;
    heap.fail_at = fail_at;
    long made = 0;
    toolstack::Allocator alloc{Heap::alloc, Heap::release, &heap};
    {
        auto* diag = new cfg::Diagnostics;
        cfg::Domain_config c(alloc);
        bool ok = cfg::parse_xl_config(alloc, in, c, *diag);
        made = heap.allocations;
        check(ok == !diag->failed());
        check(ok ? diag->error[0] == '\0' : std::strncmp(diag->error, "f.cfg", 5) == 0);
        check(one_line(diag->error));
        check(diag->n_warnings <= cfg::Diagnostics::max_warnings);
        for (uint32_t i = 0; i < diag->n_warnings; ++i)
            check(one_line(diag->warnings[i]));
        if (fail_at >= 0)
            check(!ok && diag->status == cfg::Status::out_of_memory);
        if (ok)
            check_config(c, alloc);
        delete diag;
    }
    check(heap.live == 0);
    // Bounded by the input, not by how many settings it makes.
    check(heap.peak <= 4 * size + 65536);
    return made;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > cfg::max_input_bytes)
        return 0;
    const char* text = reinterpret_cast<const char*>(data);
    auto n = static_cast<uint32_t>(size);
    toolstack::Str all(text, n);
    uint32_t file_len = n;
    toolstack::Str overrides[8];
    uint32_t n_overrides = 0;
    static const char mark[] = "\n%%\n";
    for (uint32_t i = 0; i + 4 <= n; ++i)
        if (std::memcmp(text + i, mark, 4) == 0) {
            file_len = i + 1;
            for (uint32_t at = i + 4; at < n && n_overrides < 8;) {
                uint32_t end = all.find('\n', at);
                overrides[n_overrides++] = toolstack::Str(text + at, end - at);
                at = end + 1;
            }
            break;
        }
    cfg::Config_input in;
    in.source = "f.cfg";
    in.data = toolstack::Str(text, file_len);
    in.overrides = overrides;
    in.n_overrides = n_overrides;
    long made = read(in, size, -1);
    if (made > 0) {
        uint32_t h = 2166136261u; // FNV-1a picks which allocation fails
        for (size_t i = 0; i < size; ++i)
            h = (h ^ data[i]) * 16777619u;
        read(in, size, static_cast<long>(h % static_cast<uint32_t>(made)));
    }
    return 0;
}
