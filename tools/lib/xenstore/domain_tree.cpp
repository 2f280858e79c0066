#include "tools/lib/xenstore/domain_tree.hpp"

#include "tools/lib/xenstore/local_client.hpp"
#include "tools/lib/xenstore/store/path.hpp"

namespace xs {

namespace {

// LIBXL_XENCONSOLE_LIMIT: bytes xenconsoled buffers for a guest.
constexpr uint64_t console_limit = 1048576;
constexpr unsigned attempts = 8;

class Builder {
public:
    Builder(Xenstored& xs, Local_client& c, const Domain_info& info)
        : xs_(xs), c_(c), info_(info), path_(xs.alloc()), value_(xs.alloc())
    {
        Domid priv = xs.config().priv_domid;
        ro_[0] = {priv, perm_none, 0};
        ro_[1] = {info.domid, perm_read, 0};
        rw_[0] = {info.domid, perm_none, 0};
        front_[0] = {info.domid, perm_none, 0};
        front_[1] = {priv, perm_read, 0};
    }

    Err build()
    {
        Text vm(xs_.alloc());
        vm.put("/vm/").put(info_.uuid);
        Text dom(xs_.alloc());
        home_path(info_.domid, dom);
        if (!vm.ok() || !dom.ok())
            return Err::enomem;
        Str d = dom.str();
        // Whatever a previous domain with this id left (nothing at first).
        gone(c_.rm(d));
        gone(c_.rm(vm.str()));
        node(d, "", Str(), ro_, 2);
        node(vm.str(), "", Str(), ro_, 2);
        value(vm.str(), "uuid", info_.uuid);
        value(vm.str(), "name", info_.name);
        value(d, "vm", vm.str());
        value(d, "name", info_.name);
        number(d, "domid", info_.domid);
        node(d, "memory", Str(), ro_, 2);
        number(d, "memory/target", info_.memory_kb);
        number(d, "memory/static-max", info_.max_memory_kb ? info_.max_memory_kb : info_.memory_kb);
        node(d, "cpu", Str(), ro_, 2);
        for (uint32_t i = 0; i < info_.vcpus; ++i) {
            Text rel(xs_.alloc());
            rel.put("cpu/").put_u64(i).put("/availability");
            value(d, rel.ok() ? rel.str() : Str(), "online");
        }
        number(d, "store/port", info_.store_port);
        number(d, "store/ring-ref", info_.store_mfn);
        node(d, "console", Str(), front_, 2);
        node_number(d, "console/ring-ref", info_.console_mfn);
        node_number(d, "console/port", info_.console_port);
        node_number(d, "console/limit", console_limit);
        node(d, "console/type", "xenconsoled", ro_, 2);
        node(d, "control", Str(), ro_, 2);
        const char* const domains_control[] = {"control/shutdown", "control/feature-poweroff",
                                               "control/feature-reboot", "control/feature-suspend",
                                               "control/sysrq"};
        for (const char* rel : domains_control)
            node(d, rel, Str(), rw_, 1);
        value(d, "control/platform-feature-multiprocessor-suspend", "1");
        value(d, "control/platform-feature-xs_reset_watches", "1");
        node(d, "device", Str(), ro_, 2);
        node(d, "device/suspend/event-channel", Str(), rw_, 1);
        const char* const domains_own[] = {"data", "drivers", "feature", "attr", "error"};
        for (const char* rel : domains_own)
            node(d, rel, Str(), rw_, 1);
        return err_;
    }

private:
    void step(Err e)
    {
        if (err_ == Err::none && e != Err::none)
            err_ = e;
    }
    // An RM: a path that never existed is fine.
    void gone(Err e) { step(e == Err::enoent ? Err::none : e); }
    bool at(Str base, Str rel)
    {
        path_.clear();
        path_.put(base);
        if (!rel.empty())
            path_.put_char('/').put(rel);
        if (!path_.ok())
            step(Err::enomem);
        return err_ == Err::none;
    }
    // base/rel = v (inheriting its parent's permissions).
    void value(Str base, Str rel, Str v)
    {
        if (at(base, rel))
            step(c_.write(path_.str(), v));
    }
    void number(Str base, Str rel, uint64_t v)
    {
        value_.clear();
        value_.put_u64(v);
        if (value_.ok())
            value(base, rel, value_.str());
        else
            step(Err::enomem);
    }
    // base/rel = v with perms, as libxl__xs_mknod.
    void node(Str base, Str rel, Str v, const Perm* perms, uint16_t n)
    {
        if (!at(base, rel))
            return;
        step(c_.write(path_.str(), v));
        step(c_.set_perms(path_.str(), perms, n));
    }
    // base/rel = v, the control domain's, readable by the domain.
    void node_number(Str base, Str rel, uint64_t v)
    {
        value_.clear();
        value_.put_u64(v);
        if (!value_.ok())
            return step(Err::enomem);
        node(base, rel, value_.str(), ro_, 2);
    }

    Xenstored& xs_;
    Local_client& c_;
    const Domain_info& info_;
    Text path_;
    Text value_;
    Perm ro_[2];
    Perm rw_[1];
    Perm front_[2];
    Err err_ = Err::none;
};

} // namespace

Err build_domain_tree(Xenstored& xs, const Domain_info& info)
{
    Local_client c(xs);
    if (!c.connected())
        return Err::enomem;
    Err e = Err::eagain;
    for (unsigned i = 0; i < attempts && e == Err::eagain; ++i) {
        e = c.transaction_start();
        if (e != Err::none)
            return e;
        Builder b(xs, c, info);
        e = b.build();
        Err end = c.transaction_end(e == Err::none);
        if (e == Err::none)
            e = end;
    }
    return e;
}

Err remove_domain_tree(Xenstored& xs, Domid domid)
{
    Local_client c(xs);
    if (!c.connected())
        return Err::enomem;
    Text dom(xs.alloc());
    home_path(domid, dom);
    Text vm_key(xs.alloc());
    vm_key.put(dom.str()).put("/vm");
    Text vm(xs.alloc());
    if (!dom.ok() || !vm_key.ok())
        return Err::enomem;
    if (c.read(vm_key.str(), vm) == Err::none && vm.str().starts_with("/vm/")) {
        Err e = c.rm(vm.str());
        if (e != Err::none)
            return e;
    }
    return c.rm(dom.str());
}

} // namespace xs
