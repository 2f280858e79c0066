// The request table (xenstored's wire_funcs) and the handling of one
// request: unknown types get ENOSYS, privileged ones EACCES for others, a
// tx_id naming no open transaction ENOENT; every request gets exactly one
// reply or error.
#include "tools/lib/xenstore/ops.hpp"
#include "tools/lib/xenstore/store/path.hpp"

namespace xs {

namespace {

constexpr uint8_t any_tx = 1;     // tx_id ignored (XS_FLAG_NOTID)
constexpr uint8_t privileged = 2; // control domain only (XS_FLAG_PRIV)

struct Op {
    const char* name;
    Err (*handle)(Request&);
    uint8_t flags;
};

// Indexed by enum xsd_sockmsg_type.
const Op ops[XS_TYPE_COUNT] = {
    {"CONTROL", op_control, privileged},
    {"DIRECTORY", op_directory, 0},
    {"READ", op_read, 0},
    {"GET_PERMS", op_get_perms, 0},
    {"WATCH", op_watch, any_tx},
    {"UNWATCH", op_unwatch, any_tx},
    {"TRANSACTION_START", op_transaction_start, 0},
    {"TRANSACTION_END", op_transaction_end, 0},
    {"INTRODUCE", op_introduce, privileged},
    {"RELEASE", op_release, privileged},
    {"GET_DOMAIN_PATH", op_get_domain_path, 0},
    {"WRITE", op_write, 0},
    {"MKDIR", op_mkdir, 0},
    {"RM", op_rm, 0},
    {"SET_PERMS", op_set_perms, 0},
    {"WATCH_EVENT", nullptr, 0},
    {"ERROR", nullptr, 0},
    {"IS_DOMAIN_INTRODUCED", op_is_domain_introduced, privileged},
    {"RESUME", op_resume, privileged},
    {"SET_TARGET", op_set_target, privileged},
    {"RESTRICT", nullptr, 0},
    {"RESET_WATCHES", op_reset_watches, 0},
    {"DIRECTORY_PART", op_directory_part, 0},
    {"GET_FEATURE", nullptr, 0},
    {"SET_FEATURE", nullptr, 0},
    {"GET_QUOTA", nullptr, 0},
    {"SET_QUOTA", nullptr, 0},
};
static_assert(XS_DIRECTORY_PART == 22 && XS_TYPE_COUNT == 27);

} // namespace

bool Request::one_arg(Str& out) const
{
    if (payload.empty() || payload.find('\0') != payload.n - 1)
        return false;
    out = payload.prefix(payload.n - 1);
    return true;
}

uint32_t Request::args(Str* out, uint32_t max) const
{
    uint32_t count = 0;
    for (uint32_t at = 0; at < payload.n;) {
        uint32_t end = payload.find('\0', at);
        if (end == payload.n)
            break;
        if (count < max)
            out[count] = Str(payload.p + at, end - at);
        ++count;
        at = end + 1;
    }
    return count;
}

uint32_t Request::nuls() const
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < payload.n; ++i)
        n += payload[i] == '\0' ? 1 : 0;
    return n;
}

Err Request::path(Str arg, bool allow_special, Text& out) const
{
    Text home(xs.alloc());
    home_path(conn.id, home);
    if (!home.ok())
        return Err::enomem;
    return canonical_path(arg, home.str(), allow_special,
                          limited() ? xs.config().quota.path_max : 0, out);
}

Err Request::reply(Str data)
{
    Err e = xs.queue_reply(conn, hdr, hdr.type, data);
    if (e == Err::none)
        replied = true;
    return e;
}

bool parse_domid(Str s, Domid& out)
{
    uint64_t v;
    if (!toolstack::parse_u64(s, 0xFFFF, v))
        return false;
    out = static_cast<Domid>(v);
    return true;
}

void Xenstored::process(Connection& c, const xsd_sockmsg& hdr, const char* payload)
{
    Request rq(*this, c, hdr, payload);
    const Op* op = hdr.type < XS_TYPE_COUNT && ops[hdr.type].handle ? &ops[hdr.type] : nullptr;
    if (log_requests) {
        Text line(alloc_);
        line.put("xenstore: d").put_u64(c.id).put_char(' ').put(op ? op->name : "unknown");
        line.put(" req ").put_u64(hdr.req_id).put(" tx ").put_u64(hdr.tx_id);
        log(line.str());
    }
    Err e = Err::none;
    if (!op)
        e = Err::enosys;
    else if ((op->flags & privileged) && !rq.who.privileged)
        e = Err::eacces;
    else if (!(op->flags & any_tx) && hdr.tx_id && !(rq.txn = c.find_transaction(hdr.tx_id)))
        e = Err::enoent;
    else
        e = op->handle(rq);
    if (rq.replied)
        return;
    if (e == Err::none)
        e = Err::eio; // a handler that neither replied nor failed
    const char* name = err_name(e);
    (void)queue_reply(c, hdr, XS_ERROR, Str(name, toolstack::str_len(name) + 1));
}

} // namespace xs
