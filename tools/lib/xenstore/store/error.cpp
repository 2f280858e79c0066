#include "tools/lib/xenstore/store/types.hpp"

namespace xs {

const char* err_name(Err e)
{
    // Same order as enum Err.
    static const char* const names[] = {
        "",          "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT",  "ENOMEM", "ENOSPC", "EIO",
        "ENOTEMPTY", "ENOSYS", "EROFS",  "EBUSY",  "EAGAIN", "EISCONN", "E2BIG",  "EPERM",
    };
    static_assert(sizeof(names) / sizeof(names[0]) == static_cast<unsigned>(Err::eperm) + 1);
    auto i = static_cast<unsigned>(e);
    return i < sizeof(names) / sizeof(names[0]) ? names[i] : "EINVAL";
}

Err err_from_name(const char* name, uint32_t len)
{
    for (unsigned i = 1; i <= static_cast<unsigned>(Err::eperm); ++i) {
        const char* n = err_name(static_cast<Err>(i));
        uint32_t k = 0;
        while (n[k] && k < len && n[k] == name[k])
            ++k;
        if (!n[k] && k == len)
            return static_cast<Err>(i);
    }
    return Err::einval;
}

} // namespace xs
