#include "tools/lib/xenstore/store/perms.hpp"

namespace xs {

namespace {

bool names(const Who& who, Domid id)
{
    return id == who.id || (who.target != no_target && id == who.target) || id == domid_any;
}

} // namespace

uint8_t perm_for(const Who& who, const Perm* perms, uint16_t n)
{
    if (n == 0)
        return who.privileged ? perm_all : perm_none;
    if (who.privileged || names(who, perms[0].id))
        return perm_all;
    for (uint16_t i = 1; i < n; ++i)
        if (names(who, perms[i].id))
            return perms[i].access & (perm_read | perm_write);
    return perms[0].access & (perm_read | perm_write);
}

Err parse_perms(Str strings, uint16_t count, Perm* out)
{
    uint32_t at = 0;
    for (uint16_t i = 0; i < count; ++i) {
        uint32_t end = strings.find('\0', at);
        if (end == strings.n || end == at)
            return Err::einval;
        uint8_t access;
        switch (strings[at]) {
        case 'r': access = perm_read; break;
        case 'w': access = perm_write; break;
        case 'b': access = perm_read | perm_write; break;
        case 'n': access = perm_none; break;
        default: return Err::einval;
        }
        uint64_t id;
        if (!toolstack::parse_u64(Str(strings.p + at + 1, end - at - 1), 0xFFFF, id))
            return Err::einval;
        out[i].id = static_cast<Domid>(id);
        out[i].access = access;
        at = end + 1;
    }
    return Err::none;
}

void format_perms(const Perm* perms, uint16_t n, toolstack::Text& out)
{
    for (uint16_t i = 0; i < n; ++i) {
        char letter = "nrwb"[perms[i].access & (perm_read | perm_write)];
        out.put_char(letter).put_u64(perms[i].id).put_char('\0');
    }
}

} // namespace xs
