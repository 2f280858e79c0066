// A domU that uses the store the way Linux's xenbus does, through the
// dom0 toolstack's xenstored: its own entries (relative paths), a write
// read back, a transaction, dom0's entries refused (EACCES), and a watch
// on control/shutdown that it obeys like Linux's manage.c (it clears the
// node, then powers off). Its scenario is toolstack_xenstore.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "xenstore.hpp"

namespace {

xs_client::Reply reply;

bool same(const char* a, const char* b)
{
    while (*a && *a == *b)
        ++a, ++b;
    return *a == *b;
}

bool reads(const char* path, const char* want)
{
    return xs_client::read(path, reply) && reply.type == XS_READ && same(reply.payload, want);
}

bool refused(bool sent, const char* err)
{
    return sent && reply.type == XS_ERROR && same(reply.payload, err);
}

} // namespace

void guest_main(start_info_t*)
{
    CHECK(reads("name", "xsguest"), "XS_READ name (relative to /local/domain/<id>) is the config's name");
    CHECK(xs_client::write("data/probe", "42", reply) && reply.type == XS_WRITE,
          "XS_WRITE data/probe (the domain's own directory)");
    CHECK(reads("data/probe", "42"), "  and XS_READ gives it back");
    CHECK(refused(xs_client::read("/local/domain/0/name", reply), "EACCES"),
          "XS_READ of dom0's name: EACCES");
    CHECK(refused(xs_client::write("/local/domain/0/name", "x", reply), "EACCES"),
          "XS_WRITE of dom0's name: EACCES");
    CHECK(refused(xs_client::write("name", "renamed", reply), "EACCES"),
          "XS_WRITE of its own name (the toolstack's node, read-only to it): EACCES");
    CHECK(refused(xs_client::read("data/nosuch", reply), "ENOENT"), "XS_READ of a missing node: ENOENT");

    bool started = xs_client::request(XS_TRANSACTION_START, 0, "", 1, reply) &&
                   reply.type == XS_TRANSACTION_START;
    uint32_t tx = 0;
    for (const char* p = reply.payload; *p >= '0' && *p <= '9'; ++p)
        tx = tx * 10 + static_cast<uint32_t>(*p - '0');
    CHECK(started && tx != 0, "XS_TRANSACTION_START gives a transaction id");
    CHECK(xs_client::write("data/tx", "1", reply, tx) && reply.type == XS_WRITE, "  XS_WRITE inside it");
    CHECK(refused(xs_client::read("data/tx", reply), "ENOENT"), "  not visible outside before the end");
    CHECK(xs_client::request(XS_TRANSACTION_END, tx, "T", 2, reply) && reply.type == XS_TRANSACTION_END,
          "  XS_TRANSACTION_END commits");
    CHECK(reads("data/tx", "1"), "  and the write is there");

    CHECK(xs_client::watch("control/shutdown", "ctl", reply) && reply.type == XS_WATCH,
          "XS_WATCH control/shutdown");
    printf("xsguest: ready, waiting for control/shutdown\n");
    char path[128], token[32];
    for (;;) {
        if (!xs_client::wait_event(path, sizeof path, token, sizeof token)) {
            CHECK(false, "watch events arrive");
            return;
        }
        if (!same(token, "ctl"))
            continue;
        // Linux's shutdown_handler (drivers/xen/manage.c): in a
        // transaction, read the request and clear it; again on EAGAIN.
        if (!xs_client::request(XS_TRANSACTION_START, 0, "", 1, reply) ||
            reply.type != XS_TRANSACTION_START)
            continue;
        uint32_t t = 0;
        for (const char* p = reply.payload; *p >= '0' && *p <= '9'; ++p)
            t = t * 10 + static_cast<uint32_t>(*p - '0');
        char want[32] = {};
        if (xs_client::read("control/shutdown", reply, t) && reply.type == XS_READ)
            for (unsigned i = 0; i + 1 < sizeof want && reply.payload[i]; ++i)
                want[i] = reply.payload[i];
        if (want[0] == '\0') { // the initial event, or our own clearing
            (void)xs_client::request(XS_TRANSACTION_END, t, "F", 2, reply);
            continue;
        }
        bool cleared = xs_client::write("control/shutdown", "", reply, t) && reply.type == XS_WRITE;
        bool ended = xs_client::request(XS_TRANSACTION_END, t, "T", 2, reply);
        if (ended && reply.type == XS_ERROR && same(reply.payload, "EAGAIN"))
            continue; // the watch fires again
        printf("xsguest: control/shutdown = %s\n", want);
        CHECK(same(want, "poweroff"), "the toolstack asks for poweroff");
        CHECK(cleared && ended && reply.type == XS_TRANSACTION_END,
              "  the request is read and cleared in one transaction, as Linux does");
        return; // finish(): RESULT, then SHUTDOWN_poweroff
    }
}
