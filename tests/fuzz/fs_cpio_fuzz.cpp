// Loads dom0's file system from an archive, then runs path operations on it.
// The archive is either the input's bytes as they are, or one generated from
// the input (a valid newc archive of a few entries with names from a small
// dictionary) with one byte perhaps changed, so that the tree code gets
// archives the parser accepts. Then up to 64 operations with paths from the
// same dictionary (".", "..", "//", trailing '/', symlinks, long names), and
// allocations failing now and then. What must hold for any input:
//   - a refused archive leaves the file system empty;
//   - a failed operation changes nothing; a write reads back; an append
//     adds at the end; listings are sorted, without duplicates;
//   - used() never exceeds quota();
//   - the archive is never written, and torn down, the file system has
//     given back every byte.
// ASan and UBSan do the rest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tools/lib/fs/file_system.hpp"

namespace {

using fs::Err;
using toolstack::Str;

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
    uint32_t u16() { return byte() | static_cast<uint32_t>(byte()) << 8; }
    std::string bytes(size_t len)
    {
        if (len > n)
            len = n;
        std::string s(reinterpret_cast<const char*>(p), len);
        p += len;
        n -= len;
        return s;
    }
};

Str S(const std::string& s)
{
    return Str(s.data(), static_cast<uint32_t>(s.size()));
}

const std::string& word(uint8_t b)
{
    static const std::string words[] = {
        "etc",
        "xen",
        "a.cfg",
        "b.cfg",
        "auto",
        "boot",
        "l",
        ".",
        "..",
        "d",
        "x",
        "",
        std::string(256, 'n'),
    };
    return words[b % (sizeof(words) / sizeof(words[0]))];
}

std::string path(Input& in)
{
    uint8_t b = in.byte();
    std::string p = b & 1 ? "/" : "";
    unsigned names = 1 + (b >> 1) % 4;
    for (unsigned i = 0; i < names; ++i) {
        if (i)
            p += (b & 0x40) ? "//" : "/";
        p += word(in.byte());
    }
    if (b & 0x80)
        p += "/";
    return p;
}

void put_entry(std::string& s, const std::string& name, uint32_t mode, const std::string& data)
{
    char h[111];
    std::snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 7u,
                  mode, 0u, 0u, 1u, 0u, static_cast<unsigned>(data.size()), 0u, 0u, 0u, 0u,
                  static_cast<unsigned>(name.size() + 1), 0u);
    s += h;
    s += name;
    s.push_back('\0');
    s.resize((s.size() + 3) & ~size_t(3), '\0');
    s += data;
    s.resize((s.size() + 3) & ~size_t(3), '\0');
}

std::string generated_archive(Input& in)
{
    static const uint32_t modes[] = {0100644, 0040755, 0120777, 0020600};
    std::string s;
    unsigned entries = in.byte() % 24;
    for (unsigned i = 0; i < entries; ++i) {
        uint8_t t = in.byte();
        std::string name = (t & 4) ? "./" : "";
        name += path(in);
        put_entry(s, name, modes[t % 4], in.bytes(in.byte() % 32));
    }
    put_entry(s, "TRAILER!!!", 0, "");
    uint32_t at = in.u16();
    uint8_t flip = in.byte();
    if (at < s.size())
        s[at] = static_cast<char>(s[at] ^ flip);
    return s;
}

// A hash of the tree (names, types, contents, symlink targets) as far as
// paths reach, checking on the way that every listing is sorted.
uint64_t fingerprint(const fs::File_system& f, const std::string& dir, unsigned& budget)
{
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](Str s) {
        for (uint32_t i = 0; i < s.n; ++i)
            h = (h ^ static_cast<uint8_t>(s[i])) * 1099511628211ull;
        h = (h ^ 0x100) * 1099511628211ull;
    };
    std::vector<std::pair<std::string, fs::Type>> entries;
    if (f.list(S(dir + "/"), [&](Str n, fs::Type t) {
            entries.push_back({std::string(n.p, n.n), t});
        }) != Err::none)
        return h;
    for (size_t i = 0; i < entries.size() && budget; ++i) {
        --budget;
        const auto& [name, type] = entries[i];
        check(i == 0 || entries[i - 1].first < name);
        check(!name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos);
        mix(S(name));
        h += static_cast<uint64_t>(type);
        std::string p = dir + "/" + name;
        Str s;
        if (type == fs::Type::directory)
            h ^= fingerprint(f, p, budget);
        else if (type == fs::Type::symlink && f.read_link(S(p), s) == Err::none)
            mix(s);
        else if (type == fs::Type::file && f.read(S(p), s) == Err::none)
            mix(s);
    }
    return h;
}

uint64_t fingerprint(const fs::File_system& f)
{
    unsigned budget = 512;
    return fingerprint(f, "", budget) ^ f.used();
}

std::string contents(const fs::File_system& f, const std::string& p, Err& e)
{
    Str s;
    e = f.read(S(p), s);
    return e == Err::none ? std::string(s.p, s.n) : std::string();
}

void run_op(fs::File_system& f, Input& in, Heap& heap, const toolstack::Allocator& a)
{
    uint8_t op = in.byte() % 14;
    std::string p = path(in);
    uint64_t before = fingerprint(f);
    Err e = Err::none;
    fs::Stat st;
    Str s;
    switch (op) {
    case 0: e = f.read(S(p), s); break;
    case 1: e = f.stat(S(p), st); break;
    case 2: e = f.lstat(S(p), st); break;
    case 3: e = f.read_link(S(p), s); break;
    case 4: {
        std::string data = in.bytes(in.byte());
        e = f.write(S(p), S(data));
        if (e == Err::none) {
            Err r;
            check(contents(f, p, r) == data && r == Err::none);
        }
        break;
    }
    case 5: {
        std::string data = in.bytes(in.byte() % 64);
        Err r;
        std::string old = contents(f, p, r);
        e = f.append(S(p), S(data));
        if (e == Err::none)
            check(contents(f, p, r) == old + data && r == Err::none);
        break;
    }
    case 6:
        e = f.remove(S(p));
        if (e == Err::none)
            check(f.lstat(S(p), st) != Err::none);
        break;
    case 7:
        e = f.mkdir(S(p));
        if (e == Err::none)
            check(f.stat(S(p), st) == Err::none && st.type == fs::Type::directory);
        break;
    case 8: e = f.rmdir(S(p)); break;
    case 9: {
        std::string target = path(in);
        e = f.symlink(S(target), S(p));
        if (e == Err::none)
            check(f.read_link(S(p), s) == Err::none && std::string(s.p, s.n) == target);
        break;
    }
    case 10: {
        std::string to = path(in);
        e = f.rename(S(p), S(to));
        break;
    }
    case 11: e = f.list(S(p), [](Str, fs::Type) {}); break;
    case 12: {
        toolstack::Vec<Str> names(a);
        e = f.list_matching(S(p), ".cfg", names);
        for (uint32_t i = 0; e == Err::none && i < names.size(); ++i) {
            std::string name(names[i].p, names[i].n);
            check(name.size() > 4 && name.compare(name.size() - 4, 4, ".cfg") == 0);
            check(i == 0 || std::string(names[i - 1].p, names[i - 1].n) < name);
            check(f.stat(S(p + "/" + name), st) == Err::none && st.type == fs::Type::file);
        }
        break;
    }
    case 13: heap.fail_after = in.byte() % 8; return;
    }
    if (e != Err::none)
        check(fingerprint(f) == before);
    check(f.used() <= f.quota());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Input in{data, size};
    uint8_t flags = in.byte();
    uint64_t quota = 1ull << (in.byte() % 20);
    std::string archive = flags & 1 ? in.bytes(in.u16()) : generated_archive(in);
    const std::string pristine = archive;

    Heap heap;
    toolstack::Allocator a{Heap::alloc, Heap::release, &heap};
    {
        fs::File_system f(a, quota);
        if (flags & 2)
            heap.fail_after = in.byte();
        fs::Cpio_error why;
        Err e = f.load(reinterpret_cast<const uint8_t*>(archive.data()), archive.size(), &why);
        heap.fail_after = -1;
        if (e != Err::none) {
            check(why.what[0] != '\0');
            unsigned budget = 1;
            fingerprint(f, "", budget);
            check(budget == 1);
        }
        for (unsigned i = 0; i < 64 && !in.empty(); ++i)
            run_op(f, in, heap, a);
        heap.fail_after = -1;
        check(f.used() <= f.quota());
    }
    check(heap.live == 0);
    check(archive == pristine);
    return 0;
}
