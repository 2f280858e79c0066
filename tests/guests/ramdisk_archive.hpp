// The initial ramdisk of the test dom0 kernels that launch domUs: a flat
// archive of named files, written by mkarchive.py at build time.
//   header: "XNARCHV1" (8 bytes), u32 count, u32 0
//   count entries: u32 name_len, u32 data_len, the name (no NUL), zero
//   padding to 4 bytes, the data, zero padding to 4 bytes
// All integers little-endian. The reader checks every length against the
// archive's size.
#pragma once
#include <cstddef>
#include <cstdint>

namespace archive {

struct File {
    const char* name = nullptr; // not NUL-terminated
    uint32_t name_len = 0;
    const uint8_t* data = nullptr;
    uint32_t len = 0;
};

inline uint32_t le32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

inline uint32_t pad4(uint32_t n) { return (n + 3u) & ~3u; }

// The file called 'name' in the archive at [base, base + size); false when
// the archive is malformed or has no such file.
inline bool find(const uint8_t* base, size_t size, const char* name, File& out)
{
    static constexpr char magic[] = "XNARCHV1";
    if (size < 16)
        return false;
    for (int i = 0; i < 8; ++i)
        if (base[i] != static_cast<uint8_t>(magic[i]))
            return false;
    uint32_t count = le32(base + 8);
    size_t at = 16;
    for (uint32_t i = 0; i < count; ++i) {
        if (size - at < 8)
            return false;
        uint32_t nlen = le32(base + at), dlen = le32(base + at + 4);
        at += 8;
        if (nlen > size - at || pad4(nlen) > size - at)
            return false;
        const char* n = reinterpret_cast<const char*>(base + at);
        at += pad4(nlen);
        if (dlen > size - at)
            return false;
        bool same = true;
        uint32_t k = 0;
        for (; k < nlen && name[k]; ++k)
            same = same && n[k] == name[k];
        if (same && k == nlen && !name[k]) {
            out = File{n, nlen, base + at, dlen};
            return true;
        }
        at += dlen < size - at ? pad4(dlen) : dlen;
    }
    return false;
}

} // namespace archive
