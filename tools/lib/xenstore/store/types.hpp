// Names every part of the store uses, and its errors: on the wire a failed
// request is answered with XS_ERROR and the errno's name ("ENOENT");
// public/io/xs_wire.h (xsd_errors) lists the names a client knows.
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/text.hpp"

namespace xs {

using Domid = uint16_t;
using toolstack::Allocator;
using toolstack::Str;
using toolstack::Text;

enum class Err : uint8_t {
    none,
    einval,
    eacces,
    eexist,
    eisdir,
    enoent,
    enomem,
    enospc,
    eio,
    enotempty,
    enosys,
    erofs,
    ebusy,
    eagain,
    eisconn,
    e2big,
    eperm,
};

// "EINVAL" for Err::einval; "" for Err::none.
const char* err_name(Err e);
// The error called name (without NUL); Err::einval for an unknown name.
Err err_from_name(const char* name, uint32_t len);

} // namespace xs
