#include "tools/lib/xenstore/local_client.hpp"

namespace xs {

Local_client::Local_client(Xenstored& xs, Domid as) : xs_(xs), conn_(xs.open_local(as)) {}

Local_client::~Local_client()
{
    xs_.close_local(conn_);
}

Err Local_client::call(uint32_t type, Str payload, Text* reply)
{
    if (!conn_)
        return Err::enomem;
    if (payload.n > XENSTORE_PAYLOAD_MAX)
        return Err::e2big;
    xsd_sockmsg hdr{};
    hdr.type = type;
    hdr.req_id = ++req_id_;
    hdr.tx_id = tx_;
    hdr.len = payload.n;
    Err e = xs_.submit(*conn_, hdr, payload.p);
    if (e != Err::none)
        return e;
    const Out_msg* m = xs_.find_reply(*conn_, hdr.req_id);
    if (!m)
        return Err::eio;
    if (m->hdr.type == XS_ERROR) {
        uint32_t len =
            m->hdr.len && m->payload()[m->hdr.len - 1] == '\0' ? m->hdr.len - 1 : m->hdr.len;
        e = err_from_name(m->payload(), len);
    } else if (reply) {
        reply->clear();
        reply->put(m->payload(), m->hdr.len);
        if (!reply->ok())
            e = Err::enomem;
    }
    xs_.take(*conn_, m);
    return e;
}

Err Local_client::call_path(uint32_t type, Str path, Str extra, Text* reply)
{
    Text body(xs_.alloc());
    body.put_z(path).put(extra);
    return body.ok() ? call(type, body.str(), reply) : Err::enomem;
}

Err Local_client::read(Str path, Text& value)
{
    return call_path(XS_READ, path, Str(), &value);
}

Err Local_client::write(Str path, Str value)
{
    return call_path(XS_WRITE, path, value, nullptr);
}

Err Local_client::mkdir(Str path)
{
    return call_path(XS_MKDIR, path, Str(), nullptr);
}

Err Local_client::rm(Str path)
{
    return call_path(XS_RM, path, Str(), nullptr);
}

Err Local_client::directory(Str path, Text& names)
{
    return call_path(XS_DIRECTORY, path, Str(), &names);
}

Err Local_client::get_perms(Str path, Text& perms)
{
    return call_path(XS_GET_PERMS, path, Str(), &perms);
}

Err Local_client::set_perms(Str path, const Perm* perms, uint16_t n)
{
    Text strings(xs_.alloc());
    format_perms(perms, n, strings);
    return strings.ok() ? call_path(XS_SET_PERMS, path, strings.str(), nullptr) : Err::enomem;
}

Err Local_client::watch(Str path, Str token)
{
    Text t(xs_.alloc());
    t.put_z(token);
    return t.ok() ? call_path(XS_WATCH, path, t.str(), nullptr) : Err::enomem;
}

Err Local_client::unwatch(Str path, Str token)
{
    Text t(xs_.alloc());
    t.put_z(token);
    return t.ok() ? call_path(XS_UNWATCH, path, t.str(), nullptr) : Err::enomem;
}

Err Local_client::transaction_start()
{
    if (tx_)
        return Err::ebusy;
    Text id(xs_.alloc());
    Err e = call(XS_TRANSACTION_START, Str("", 1), &id);
    if (e != Err::none)
        return e;
    uint64_t v;
    Str digits = id.str();
    if (!digits.empty() && digits[digits.n - 1] == '\0')
        digits = digits.prefix(digits.n - 1);
    if (!toolstack::parse_u64(digits, 0xFFFFFFFFu, v) || v == 0)
        return Err::eio;
    tx_ = static_cast<uint32_t>(v);
    return Err::none;
}

Err Local_client::transaction_end(bool commit)
{
    Err e = call(XS_TRANSACTION_END, commit ? Str("T", 2) : Str("F", 2), nullptr);
    tx_ = 0;
    return e;
}

bool Local_client::next_event(Text& path, Text& token)
{
    if (!conn_)
        return false;
    for (const Out_msg* m = xs_.peek(*conn_); m; m = conn_->out.next(m)) {
        if (!m->event)
            continue;
        Str body(m->payload(), m->hdr.len);
        uint32_t end = body.find('\0');
        path.clear();
        token.clear();
        path.put(body.prefix(end));
        Str rest = body.sub(end + 1);
        token.put(rest.prefix(rest.find('\0')));
        xs_.take(*conn_, m);
        return path.ok() && token.ok();
    }
    return false;
}

} // namespace xs
