// Paths as xenstore clients write them (docs/misc/xenstore.txt): '/'
// separated, absolute from '/' or relative to the caller's home
// /local/domain/<id>; characters A-Z a-z 0-9 - / _ @; no "//", no trailing
// '/' except the root itself; "@..." names only where special watches and
// their permissions are meant. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"
#include "tools/lib/xenstore/store/types.hpp"

namespace xs {

// in resolved against home into out (cleared first). path_max (0: off)
// limits the length below "/local/domain/<id>/" (or of the whole path
// elsewhere), as xenstored's path-max quota; abs_path_max always applies.
// Err::einval for anything invalid, Err::enomem if out cannot grow.
[[nodiscard]] Err canonical_path(Str in, Str home, bool allow_special, uint32_t path_max,
                                 Text& out);

// The parent of a canonical path: "/a/b" -> "/a", "/a" -> "/", and, as
// xenstored has it, "@name" -> "/". The root is its own parent.
Str parent_of(Str path);
// The last component: "/a/b" -> "b".
Str base_name(Str path);
// child is parent or below it, at most depth levels down (depth < 0: any).
bool is_child(Str child, Str parent, int depth);
// "/local/domain/<id>" into out.
void home_path(uint32_t domid, Text& out);
// child's path "parent/name" into out (cleared first).
void child_path(Str parent, Str name, Text& out);

} // namespace xs
