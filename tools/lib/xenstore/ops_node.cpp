// READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET_PERMS, SET_PERMS
// (xenstored's core.c).
#include "tools/lib/base/vec.hpp"
#include "tools/lib/xenstore/ops.hpp"
#include "tools/lib/xenstore/store/tree.hpp"

namespace xs {

namespace {

// The single path argument, canonical, into path.
Err one_path(Request& rq, bool allow_special, Text& path)
{
    Str arg;
    if (!rq.one_arg(arg))
        return Err::einval;
    return rq.path(arg, allow_special, path);
}

// The node at the single path argument, if readable.
Err readable(Request& rq, bool allow_special, Access& a, const Node*& n)
{
    Text path(rq.xs.alloc());
    Err e = one_path(rq, allow_special, path);
    if (e != Err::none)
        return e;
    return a.get_checked(path.str(), perm_read, n);
}

} // namespace

Err op_read(Request& rq)
{
    Access a = rq.access();
    const Node* n;
    Err e = readable(rq, false, a, n);
    return e != Err::none ? e : rq.reply(n->value());
}

Err op_directory(Request& rq)
{
    Access a = rq.access();
    const Node* n;
    Err e = readable(rq, false, a, n);
    return e != Err::none ? e : rq.reply(n->children());
}

Err op_get_perms(Request& rq)
{
    Access a = rq.access();
    const Node* n;
    Err e = readable(rq, true, a, n);
    if (e != Err::none)
        return e;
    Text out(rq.xs.alloc());
    format_perms(n->perms(), n->n_perms(), out);
    return out.ok() ? rq.reply(out.str()) : Err::enomem;
}

Err op_directory_part(Request& rq)
{
    Str args[2];
    uint64_t offset;
    if (rq.nuls() != 2 || rq.args(args, 2) != 2 ||
        !toolstack::parse_u64(args[1], 0xFFFFFFFFu, offset))
        return Err::einval;
    Text path(rq.xs.alloc());
    Err e = rq.path(args[0], false, path);
    if (e != Err::none)
        return e;
    Access a = rq.access();
    const Node* n;
    e = a.get_checked(path.str(), perm_read, n);
    if (e != Err::none)
        return e;
    // <generation>|<names from offset that fit>, and one more NUL once the
    // list is complete (as xenstored's send_directory_part).
    Text out(rq.xs.alloc());
    out.put_u64(n->generation).put_char('\0');
    Str children = n->children();
    uint32_t gen_len = out.size();
    if (offset >= children.n) {
        out.put_char('\0');
        return out.ok() ? rq.reply(out.str()) : Err::enomem;
    }
    auto off = static_cast<uint32_t>(offset);
    uint32_t max = XENSTORE_PAYLOAD_MAX - gen_len - 1;
    uint32_t len = 0;
    while (off + len < children.n) {
        uint32_t name = children.find('\0', off + len) - (off + len);
        if (len + name >= max)
            break;
        len += name + 1;
    }
    out.put(children.p + off, len);
    if (off + len == children.n)
        out.put_char('\0');
    return out.ok() ? rq.reply(out.str()) : Err::enomem;
}

Err op_write(Request& rq)
{
    Str arg;
    if (rq.args(&arg, 1) < 1)
        return Err::einval;
    Text path(rq.xs.alloc());
    Err e = rq.path(arg, false, path);
    if (e != Err::none)
        return e;
    Access a = rq.access();
    e = write_value(a, path.str(), rq.payload.sub(arg.n + 1));
    return e != Err::none ? e : rq.ack();
}

Err op_mkdir(Request& rq)
{
    Text path(rq.xs.alloc());
    Err e = one_path(rq, false, path);
    if (e != Err::none)
        return e;
    Access a = rq.access();
    e = make_dir(a, path.str());
    return e != Err::none ? e : rq.ack();
}

Err op_rm(Request& rq)
{
    Text path(rq.xs.alloc());
    Err e = one_path(rq, false, path);
    if (e != Err::none)
        return e;
    Access a = rq.access();
    e = remove_path(a, path.str());
    return e != Err::none ? e : rq.ack();
}

Err op_set_perms(Request& rq)
{
    uint32_t strings = rq.nuls();
    if (strings < 2)
        return Err::einval;
    uint32_t count = strings - 1;
    if (rq.limited() && over(count, rq.xs.config().quota.permissions))
        return Err::enospc;
    Str arg;
    (void)rq.args(&arg, 1);
    toolstack::Vec<Perm> perms(rq.xs.alloc());
    for (uint32_t i = 0; i < count; ++i)
        if (!perms.push_back(Perm{}))
            return Err::enomem;
    auto n = static_cast<uint16_t>(count);
    Err e = parse_perms(rq.payload.sub(arg.n + 1), n, &perms[0]);
    if (e != Err::none)
        return e;
    Text path(rq.xs.alloc());
    e = rq.path(arg, true, path);
    if (e != Err::none)
        return e;
    Access a = rq.access();
    e = set_perms(a, path.str(), &perms[0], n);
    return e != Err::none ? e : rq.ack();
}

} // namespace xs
