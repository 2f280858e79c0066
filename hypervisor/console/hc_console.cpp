// console_io: a privileged domain writes to and reads from the hypervisor's
// console (the serial line). Output is passed through as the guest wrote it.
#include "hypervisor/console/console.hpp"
#include "hypervisor/console/console_input.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

long console_write(uint32_t buf, uint32_t count)
{
    char chunk[128];
    uint32_t done = 0;
    while (done < count) {
        uint32_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
        if (!copy_bytes_from_guest(chunk, buf + done, n))
            return -XEN_EFAULT;
        console::guest_write(chunk, n);
        done += n;
    }
    return 0;
}

// Drains what the UART interrupt queued for dom0 (console_input), as
// Xen's CONSOLEIO_read does from its serial ring: returns the bytes read,
// 0 when none are waiting.
long console_read(uint32_t buf, uint32_t count)
{
    char chunk[64];
    uint32_t done = 0;
    while (done < count) {
        uint32_t want = count - done < sizeof chunk ? count - done : sizeof chunk;
        uint32_t n = console_input::peek(chunk, want);
        if (n == 0)
            break;
        // As Xen: bytes that could not be copied stay queued.
        if (!copy_bytes_to_guest(buf + done, chunk, n))
            return -XEN_EFAULT;
        console_input::consume(n);
        done += n;
    }
    return static_cast<long>(done);
}

} // namespace

long do_console_io(Vcpu& v, const Hypercall_args& a)
{
    if (!v.domain->privileged)
        return -XEN_EPERM;
    uint32_t cmd = a.a[0], count = a.a[1], buf = a.a[2];
    if (count > 0x7FFFFFFF)
        return -XEN_EINVAL;
    switch (cmd) {
    case CONSOLEIO_write: return console_write(buf, count);
    case CONSOLEIO_read: return console_read(buf, count);
    default: return -XEN_ENOSYS;
    }
}
