#include "tools/lib/fs/cpio.hpp"

namespace fs {

namespace {

constexpr size_t header_size = 110;
constexpr size_t field_count = 13;
// Field indexes after the 6-byte magic.
enum Field : unsigned {
    f_ino,
    f_mode,
    f_uid,
    f_gid,
    f_nlink,
    f_mtime,
    f_filesize,
    f_devmajor,
    f_devminor,
    f_rdevmajor,
    f_rdevminor,
    f_namesize,
    f_check,
};
static_assert(6 + 8 * field_count == header_size);

constexpr size_t pad4(size_t n)
{
    return (4 - (n & 3)) & 3;
}

bool hex8(const uint8_t* p, uint32_t& out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 8; ++i) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = static_cast<uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<uint32_t>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = static_cast<uint32_t>(c - 'A' + 10);
        else
            return false;
        v = v << 4 | d;
    }
    out = v;
    return true;
}

Type type_of(uint32_t mode)
{
    switch (mode & mode_type_mask) {
    case mode_file: return Type::file;
    case mode_directory: return Type::directory;
    case mode_symlink: return Type::symlink;
    default: return Type::other;
    }
}

Str strip_leading(Str name)
{
    for (;;) {
        if (name.starts_with("/"))
            name = name.sub(1);
        else if (name.starts_with("./"))
            name = name.sub(2);
        else if (name == ".")
            return Str();
        else
            return name;
    }
}

bool fail(Cpio_error& err, size_t offset, const char* what)
{
    err.offset = offset;
    err.what = what;
    return false;
}

} // namespace

bool cpio_each(const uint8_t* base, size_t len, Cpio_visit visit, void* ctx, Cpio_error& err)
{
    // Invariant: at <= len and at is a multiple of 4. Every size is checked
    // against what is left (len - at) before it is added, so nothing
    // overflows a 32-bit size_t.
    size_t at = 0;
    for (;;) {
        if (len - at < header_size)
            return fail(err, at, at == len ? "no TRAILER!!! entry" : "truncated header");
        const uint8_t* h = base + at;
        if (!toolstack::mem_eq(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
            return fail(err, at, "bad magic (not newc)");
        uint32_t f[field_count];
        for (unsigned i = 0; i < field_count; ++i)
            if (!hex8(h + 6 + 8 * i, f[i]))
                return fail(err, at + 6 + 8 * i, "field is not 8 hex digits");

        size_t name_at = at + header_size;
        uint32_t namesize = f[f_namesize];
        if (namesize < 2)
            return fail(err, at, "empty name");
        if (namesize > len - name_at)
            return fail(err, at, "name runs past the end");
        const auto* name = reinterpret_cast<const char*>(base + name_at);
        if (name[namesize - 1] != '\0')
            return fail(err, at, "name without NUL");
        Str full(name, namesize - 1);
        if (full.find('\0') != full.n)
            return fail(err, at, "NUL inside name");
        if (full == "TRAILER!!!")
            return true;

        size_t data_at = name_at + namesize;
        if (pad4(data_at) > len - data_at)
            return fail(err, at, "name padding runs past the end");
        data_at += pad4(data_at);
        uint32_t size = f[f_filesize];
        if (size > len - data_at)
            return fail(err, at, "data runs past the end");
        size_t next = data_at + size;
        if (pad4(next) > len - next)
            return fail(err, at, "data padding runs past the end");

        Cpio_entry e;
        e.name = strip_leading(full);
        e.mode = f[f_mode];
        e.type = type_of(e.mode);
        e.ino = f[f_ino];
        e.dev_major = f[f_devmajor];
        e.dev_minor = f[f_devminor];
        e.nlink = f[f_nlink];
        e.data = base + data_at;
        e.size = size;
        e.offset = at;
        if (!visit(ctx, e))
            return fail(err, at, "refused by the reader");
        at = next + pad4(next);
    }
}

} // namespace fs
