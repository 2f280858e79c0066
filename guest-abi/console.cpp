#include "console.hpp"

#include "hypercall.hpp"
#include "shared.hpp"

namespace {

// A domU's console is the ring page its builder gave it
// (start_info.console.domU), found in the initial mapping through the M2P
// as Linux's mfn_to_virt does. Null for dom0 or when it has none.
xencons_interface_t* domu_ring()
{
    const start_info_t* si = guest_start_info();
    if (!si || (si->flags & SIF_INITDOMAIN) || si->console.domU.mfn == 0)
        return nullptr;
    const uint32_t* m2p = reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START);
    uint32_t pfn = m2p[si->console.domU.mfn];
    if (pfn >= si->nr_pages)
        return nullptr;
    return reinterpret_cast<xencons_interface_t*>(guest_virt_base + pfn * guest_page_size);
}

// Producer side of the out ring: waits (yielding) while the backend has
// not caught up, so no byte is lost.
void ring_write(xencons_interface_t& r, uint32_t port, const char* s, size_t len)
{
    while (len) {
        uint32_t prod = r.out_prod;
        uint32_t cons = __atomic_load_n(&r.out_cons, __ATOMIC_ACQUIRE);
        uint32_t room = static_cast<uint32_t>(sizeof r.out) - (prod - cons);
        if (room == 0) {
            evtchn_send_t send{port};
            (void)hc::event_channel_op(EVTCHNOP_send, &send);
            (void)hc::sched_yield();
            continue;
        }
        for (; room && len; --room, --len, ++prod)
            r.out[MASK_XENCONS_IDX(prod, r.out)] = *s++;
        // The bytes are visible before the index that publishes them.
        __atomic_store_n(&r.out_prod, prod, __ATOMIC_RELEASE);
        evtchn_send_t send{port};
        (void)hc::event_channel_op(EVTCHNOP_send, &send);
    }
}

} // namespace

void console_write(const char* s, size_t len)
{
    if (xencons_interface_t* r = domu_ring()) {
        ring_write(*r, guest_start_info()->console.domU.evtchn, s, len);
        return;
    }
    // CONSOLEIO_write writes the whole buffer and returns 0, not a count
    // (Xen's do_console_io); there is nothing to retry, and nowhere to
    // report a failure but the console itself.
    (void)hc::console_io(CONSOLEIO_write, static_cast<uint32_t>(len), s);
}

size_t console_relay(xencons_interface_t& r, char* buf, size_t size)
{
    uint32_t prod = __atomic_load_n(&r.out_prod, __ATOMIC_ACQUIRE);
    uint32_t cons = r.out_cons;
    size_t n = 0;
    for (; cons != prod && n < size; ++cons)
        buf[n++] = r.out[MASK_XENCONS_IDX(cons, r.out)];
    // Bytes are copied out before the producer may reuse their slots.
    __atomic_store_n(&r.out_cons, cons, __ATOMIC_RELEASE);
    return n;
}

size_t format(char* buf, size_t size, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len = vformat(buf, size, fmt, ap);
    va_end(ap);
    return len;
}

void printf(const char* fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t len = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_write(buf, len);
}
