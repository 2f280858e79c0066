// Names every part of the store uses. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/text.hpp"

namespace xs {

using Domid = uint16_t;
using toolstack::Allocator;
using toolstack::Str;
using toolstack::Text;

} // namespace xs
