// The file system's errors, named after the errno a POSIX call would give
// for the same refusal. Portable and freestanding.
#pragma once
#include <cstdint>

namespace fs {

enum class Err : uint8_t {
    none,
    enoent,       // no such file or directory
    eexist,       // the name is taken
    enotdir,      // a path component (or a trailing '/') names a non-directory
    eisdir,       // a file operation on a directory
    enotempty,    // rmdir, or rename over, a directory with entries
    enospc,       // over the quota of writable bytes
    enomem,       // the allocator refused
    einval,       // malformed archive, a path with no last name, a move into itself
    enametoolong, // a component over 255 bytes or a path over 1024
    eloop,        // more than max_symlinks symbolic links on one lookup
};

// "ENOENT" for Err::enoent; "" for Err::none.
inline const char* err_name(Err e)
{
    switch (e) {
    case Err::none: return "";
    case Err::enoent: return "ENOENT";
    case Err::eexist: return "EEXIST";
    case Err::enotdir: return "ENOTDIR";
    case Err::eisdir: return "EISDIR";
    case Err::enotempty: return "ENOTEMPTY";
    case Err::enospc: return "ENOSPC";
    case Err::enomem: return "ENOMEM";
    case Err::einval: return "EINVAL";
    case Err::enametoolong: return "ENAMETOOLONG";
    case Err::eloop: return "ELOOP";
    }
    return "EINVAL";
}

} // namespace fs
