// Node permissions as xenstored keeps them (docs/misc/xenstore.txt,
// "Permissions"): the first entry names the owner, who may do everything,
// and gives the access of every domain without an entry of its own; the
// further entries grant "r", "w", "b" (both) or "n" (none) to one domain
// each, or to all domains (DOMID_ANY). The privileged domain may do
// everything; a domain with a target (SET_TARGET) also gets what its
// target gets. On the wire an entry is one string: access letter, then the
// decimal domid ("n0", "r5"). Portable and freestanding.
#pragma once
#include <cstdint>

#include "public/xen.h"
#include "tools/lib/base/text.hpp"
#include "tools/lib/xenstore/store/quota.hpp"
#include "tools/lib/xenstore/store/types.hpp"

namespace xs {

constexpr uint8_t perm_none = 0;
constexpr uint8_t perm_read = 1;  // XS_PERM_READ
constexpr uint8_t perm_write = 2; // XS_PERM_WRITE
constexpr uint8_t perm_owner = 8; // XS_PERM_OWNER: may change the permissions
constexpr uint8_t perm_all = perm_read | perm_write | perm_owner;

constexpr Domid domid_any = DOMID_ANY;
constexpr Domid no_target = DOMID_INVALID;

struct Perm {
    Domid id = 0;
    uint8_t access = perm_none; // perm_read | perm_write
    uint8_t pad = 0;
};
static_assert(sizeof(Perm) == 4);

// Who asks: decides what the permissions grant.
struct Who {
    Domid id = 0;
    Domid target = no_target;
    bool privileged = false;
};

// The access (perm_read/write/owner) perms give who.
uint8_t perm_for(const Who& who, const Perm* perms, uint16_t n);

// count permission strings, each NUL-terminated, from strings into out.
// Err::einval if one is not a letter of "rwbn" followed by a domid.
[[nodiscard]] Err parse_perms(Str strings, uint16_t count, Perm* out);
// The wire form: one NUL-terminated string per entry.
void format_perms(const Perm* perms, uint16_t n, toolstack::Text& out);

} // namespace xs
