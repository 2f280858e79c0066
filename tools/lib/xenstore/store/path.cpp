#include "tools/lib/xenstore/store/path.hpp"

#include "tools/lib/xenstore/store/quota.hpp"

namespace xs {

namespace {

bool valid_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '/' || c == '_' || c == '@';
}

// Length of a "/local/domain/<1-5 digits>/" prefix of p, or 0.
uint32_t local_prefix(Str p)
{
    const Str lead("/local/domain/");
    if (!p.starts_with(lead))
        return 0;
    uint32_t i = lead.n;
    uint32_t digits = 0;
    while (i < p.n && p[i] >= '0' && p[i] <= '9' && digits < 5) {
        ++i;
        ++digits;
    }
    if (digits == 0 || i >= p.n || p[i] != '/')
        return 0;
    return i + 1;
}

} // namespace

Err canonical_path(Str in, Str home, bool allow_special, uint32_t path_max, Text& out)
{
    out.clear();
    for (uint32_t i = 0; i < in.n; ++i)
        if (!valid_char(in[i]))
            return Err::einval;
    if (!in.empty() && in[0] == '@' && !allow_special)
        return Err::einval;
    if (in.empty() || (in[0] != '/' && in[0] != '@'))
        out.put(home).put_char('/');
    out.put(in);
    if (!out.ok())
        return Err::enomem;
    Str p = out.str();
    if (p.n > 1 && p[p.n - 1] == '/')
        return Err::einval;
    for (uint32_t i = 1; i < p.n; ++i)
        if (p[i] == '/' && p[i - 1] == '/')
            return Err::einval;
    if (p.n > abs_path_max || over(p.n - local_prefix(p), path_max))
        return Err::einval;
    return Err::none;
}

Str parent_of(Str path)
{
    uint32_t slash = path.rfind('/');
    if (slash == path.n || slash == 0)
        return Str("/", 1);
    return path.prefix(slash);
}

Str base_name(Str path)
{
    uint32_t slash = path.rfind('/');
    return slash == path.n ? path : path.sub(slash + 1);
}

bool is_child(Str child, Str parent, int depth)
{
    if (!child.starts_with(parent))
        return false;
    bool root = parent.n == 1 && parent[0] == '/';
    if (!root && child.n > parent.n && child[parent.n] != '/')
        return false;
    if (depth < 0 || child.n == parent.n)
        return true;
    // Levels below parent: the '/' separators after it (the root's children
    // are one level down without a further separator).
    int levels = root ? 1 : 0;
    for (uint32_t i = parent.n; i < child.n; ++i)
        if (child[i] == '/')
            ++levels;
    return levels <= depth;
}

void home_path(uint32_t domid, Text& out)
{
    out.put("/local/domain/").put_u64(domid);
}

void child_path(Str parent, Str name, Text& out)
{
    out.clear();
    if (!(parent.n == 1 && parent[0] == '/'))
        out.put(parent);
    out.put_char('/').put(name);
}

} // namespace xs
