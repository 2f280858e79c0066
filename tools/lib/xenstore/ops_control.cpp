// CONTROL <command>|[<parameters>|]: the implementation's own commands
// (xenstored's control.c). Supported: check, log, print, quota, help;
// anything else is EINVAL, as there.
#include "tools/lib/xenstore/ops.hpp"

namespace xs {

namespace {

constexpr uint32_t max_args = 4;

struct Quota_field {
    const char* name;
    uint32_t Quota::*value;
    const char* what;
};
const Quota_field quota_fields[] = {
    {"nodes", &Quota::nodes, "Nodes per domain"},
    {"watches", &Quota::watches, "Watches per domain"},
    {"outstanding", &Quota::outstanding, "Outstanding requests per domain"},
    {"memory", &Quota::memory, "Total Xenstore memory per domain"},
    {"transactions", &Quota::transactions, "Active transactions per domain"},
    {"transaction-nodes", &Quota::transaction_nodes,
     "Max. number of accessed nodes per transaction"},
    {"node-permissions", &Quota::permissions, "Max. number of permissions per node"},
    {"path-max", &Quota::path_max, "Max. length of a node path"},
    {"node-size", &Quota::node_size, "Max. size of a node"},
};

Err check(Request& rq, const Str*, uint32_t n)
{
    if (n)
        return Err::einval;
    Tree_check r = rq.xs.check();
    Text line(rq.xs.alloc());
    line.put("xenstore: check: ").put_u64(r.nodes).put(" nodes, ").put_u64(r.problems);
    line.put(" problems");
    rq.xs.log(line.str());
    return rq.ack();
}

Err log(Request& rq, const Str* args, uint32_t n)
{
    if (n == 0) {
        Text out(rq.xs.alloc());
        out.put("Log switch settings:\n").put_padded("requests", 8).put(": ");
        out.put(rq.xs.log_requests ? "on" : "off").put("\n").put_char('\0');
        return out.ok() ? rq.reply(out.str()) : Err::enomem;
    }
    if (n != 1)
        return Err::einval;
    if (args[0] == Str("on") || args[0] == Str("+requests"))
        rq.xs.log_requests = true;
    else if (args[0] == Str("off") || args[0] == Str("-requests"))
        rq.xs.log_requests = false;
    else
        return Err::einval;
    return rq.ack();
}

Err print(Request& rq, const Str* args, uint32_t n)
{
    if (n != 1)
        return Err::einval;
    Text line(rq.xs.alloc());
    line.put("control: ").put(args[0]);
    rq.xs.log(line.str());
    return rq.ack();
}

Err quota(Request& rq, const Str* args, uint32_t n)
{
    Text out(rq.xs.alloc());
    const Quota& q = rq.xs.config().quota;
    if (n == 0) {
        out.put("Quota settings:\n");
        for (const Quota_field& f : quota_fields) {
            out.put_padded(f.name, 17).put(": ").put_u64_padded(q.*f.value, 8).put_char(' ');
            out.put(f.what).put_char('\n');
        }
    } else if (n == 1) {
        Domid domid;
        if (!parse_domid(args[0], domid))
            return Err::einval;
        const Usage* u = rq.xs.usage(domid);
        if (!u)
            return Err::enoent;
        const uint64_t used[] = {u->nodes, u->watches, u->outstanding, u->memory, u->transactions};
        out.put("Domain ").put_u64(domid).put(":\n");
        for (uint32_t i = 0; i < sizeof(used) / sizeof(used[0]); ++i)
            out.put_padded(quota_fields[i].name, 17)
                .put(": ")
                .put_u64_padded(used[i], 8)
                .put_char('\n');
    } else {
        return Err::einval;
    }
    out.put_char('\0');
    return out.ok() ? rq.reply(out.str()) : Err::enomem;
}

Err help(Request& rq, const Str*, uint32_t n);

struct Command {
    const char* name;
    Err (*run)(Request&, const Str*, uint32_t);
    const char* params;
};
const Command commands[] = {
    {"check", check, ""},         {"log", log, "[on|off|+requests|-requests]"},
    {"print", print, "<string>"}, {"quota", quota, "[<domid>]"},
    {"help", help, ""},
};

Err help(Request& rq, const Str*, uint32_t n)
{
    if (n)
        return Err::einval;
    Text out(rq.xs.alloc());
    for (const Command& c : commands)
        out.put_padded(c.name, 15).put_char(' ').put(c.params).put_char('\n');
    out.put_char('\0');
    return out.ok() ? rq.reply(out.str()) : Err::enomem;
}

} // namespace

Err op_control(Request& rq)
{
    Str args[max_args + 1];
    uint32_t n = rq.args(args, max_args + 1);
    if (n == 0)
        return Err::einval;
    for (const Command& c : commands)
        if (args[0] == Str(c.name))
            return n > max_args + 1 ? Err::einval : c.run(rq, args + 1, n - 1);
    return Err::einval;
}

} // namespace xs
