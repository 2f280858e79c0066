// What the POST endpoints change (docs/api.md), through the same calls
// the xl commands make (tools/lib/xl/domain_control.hpp).
#include "tools/lib/api/api.hpp"
#include "tools/lib/xl/domain_control.hpp"

namespace api {

namespace {

void ok_reply(Reply& out)
{
    Json_writer j(out.body);
    j.begin_object().key("ok").boolean(true).end_object();
}

// "512", "512M", "2G", "1024k": KiB; no suffix means MiB (as `xl mem-set`).
bool parse_memory(Str s, uint64_t& kib)
{
    if (s.empty())
        return false;
    uint64_t unit = 1024;
    bool suffix = true;
    switch (s[s.n - 1]) {
    case 'k':
    case 'K': unit = 1; break;
    case 'm':
    case 'M': unit = 1024; break;
    case 'g':
    case 'G': unit = 1024 * 1024; break;
    case 't':
    case 'T': unit = 1024ull * 1024 * 1024; break;
    default: suffix = false; break;
    }
    if (suffix)
        s = s.prefix(s.n - 1);
    uint64_t v = 0;
    if (!toolstack::parse_u64(s, (1ull << 40) / unit, v))
        return false;
    kib = v * unit;
    return true;
}

} // namespace

void Api::post_action(Str dom, Str verb, const Request& q, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    if (!d) {
        Text msg(alloc_);
        msg.put("Domain-0 cannot be the target of ").put(verb);
        return error(out, 400, msg.str());
    }
    Json_doc* doc = nullptr;
    if (!q.body.empty() && verb != "pause" && verb != "unpause" && verb != "destroy") {
        doc = toolstack::create<Json_doc>(alloc_);
        if (!doc)
            return error(out, 503, "out of memory");
        if (!doc->parse(q.body) || doc->token(0).type != Json_type::object) {
            Str why = doc->error()[0] ? Str(doc->error()) : Str("JSON: an object expected");
            toolstack::destroy(alloc_, doc);
            return error(out, 400, why);
        }
    }
    Text err(alloc_);
    bool ok = true;
    uint32_t v = 0;
    if (verb == "pause" || verb == "unpause") {
        ok = xl::pause_domain(ts_, id, verb == "pause", err);
    } else if (verb == "destroy") {
        int rc = ts_.destroy(d);
        if (rc != 0)
            err.put("libxl: error: destroying domain failed: ").put_u64(static_cast<uint64_t>(-rc));
        ok = rc == 0;
    } else if (verb == "shutdown" || verb == "reboot") {
        bool wait = false;
        if (doc && doc->member(0, "wait", v) && !doc->boolean(v, wait)) {
            err.put("\"wait\" must be true or false");
            ok = false;
        } else if (wait) {
            err.put("\"wait\": true is not supported: poll GET /api/v1/domains/{dom}");
            ok = false;
        } else if (ts_.request_shutdown(*d, verb == "reboot") != 0) {
            err.put("libxl: error: writing control/shutdown failed");
            toolstack::destroy(alloc_, doc);
            return error(out, 500, err.str());
        }
    } else if (verb == "vcpu-set") {
        uint64_t n = 0;
        if (!doc || !doc->member(0, "vcpus", v) || !doc->u64(v, XEN_LEGACY_MAX_VCPUS, n)) {
            err.put("body must be {\"vcpus\":N}");
            ok = false;
        } else {
            ok = xl::set_vcpus(ts_, *d, n, err);
        }
    } else if (verb == "mem-set") {
        uint64_t kib = 0;
        Text amount(alloc_);
        if (doc && doc->member(0, "memory_kib", v) && doc->u64(v, 1ull << 40, kib)) {
            ok = xl::set_memory_target(ts_, *d, kib, err);
        } else if (doc && doc->member(0, "memory", v) && doc->string(v, amount) &&
                   parse_memory(amount.str(), kib)) {
            ok = xl::set_memory_target(ts_, *d, kib, err);
        } else {
            err.put("body must be {\"memory_kib\":N} or {\"memory\":\"512M\"}");
            ok = false;
        }
    }
    toolstack::destroy(alloc_, doc);
    if (!ok)
        return error(out, err.str().starts_with("libxl") ? 500 : 400, err.str());
    ok_reply(out);
}

void Api::sched_credit(Str dom, const Request& q, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    if (q.method == "POST") {
        auto* doc = toolstack::create<Json_doc>(alloc_);
        if (!doc)
            return error(out, 503, "out of memory");
        uint32_t v = 0;
        uint64_t weight = 0, cap = 0;
        bool set_w = false, set_c = false, bad = false;
        if (!doc->parse(q.body) || doc->token(0).type != Json_type::object) {
            bad = true;
        } else {
            if (doc->member(0, "weight", v)) {
                set_w = true;
                bad |= !doc->u64(v, 65535, weight) || weight == 0;
            }
            if (doc->member(0, "cap", v)) {
                set_c = true;
                bad |= !doc->u64(v, 65534, cap);
            }
        }
        Str why = doc->error()[0] ? Str(doc->error())
                                  : Str("body must be {\"weight\":1..65535, \"cap\":0..65534}");
        Text msg(alloc_);
        msg.put(why);
        toolstack::destroy(alloc_, doc);
        if (bad || (!set_w && !set_c))
            return error(out, 400, msg.str());
        Text err(alloc_);
        if (!xl::set_credit(ts_, id, set_w, static_cast<uint32_t>(weight), set_c,
                            static_cast<uint32_t>(cap), err))
            return error(out, 500, err.str());
        if (d) {
            if (set_w)
                d->spec.weight = static_cast<uint32_t>(weight);
            if (set_c)
                d->spec.cap = static_cast<uint32_t>(cap);
        }
        return ok_reply(out);
    }
    xl::Credit c;
    if (!xl::get_credit(ts_, id, c))
        return error(out, 500, "libxl: error: getting domain sched credit failed");
    Json_writer j(out.body);
    j.begin_object().key("weight").u64(c.weight).key("cap").u64(c.cap).end_object();
}

void Api::post_console(Str dom, const Request& q, Reply& out)
{
    xl::Domain* d = nullptr;
    domid_t id = 0;
    if (!find_domain(dom, d, id, out))
        return;
    if (!d)
        return error(out, 400, "Domain-0 has no console ring here");
    if (!ts_.console_input(*d, q.body))
        return error(out, 503, "the domain's console input ring is full");
    Json_writer j(out.body);
    j.begin_object().key("ok").boolean(true).key("bytes").u64(q.body.n).end_object();
}

} // namespace api
