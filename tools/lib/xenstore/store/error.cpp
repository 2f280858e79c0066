#include "tools/lib/xenstore/store/error.hpp"

namespace xs {

const char* err_name(Err e)
{
    // Same order as enum Err.
    static const char* const names[] = {
        "",       "EINVAL", "EACCES",    "EEXIST", "EISDIR", "ENOENT",
        "ENOMEM", "ENOSPC", "EIO",       "ENOTEMPTY", "ENOSYS", "EROFS",
        "EBUSY",  "EAGAIN", "EISCONN",   "E2BIG",  "EPERM",
    };
    static_assert(sizeof(names) / sizeof(names[0]) == static_cast<unsigned>(Err::eperm) + 1);
    auto i = static_cast<unsigned>(e);
    return i < sizeof(names) / sizeof(names[0]) ? names[i] : "EINVAL";
}

} // namespace xs
