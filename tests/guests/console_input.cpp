// Serial input for dom0 (issue 5): VIRQ_CONSOLE signals bytes typed on the
// serial line, CONSOLEIO_read returns them. The scenario types two lines
// after the prompts printed here; the guest echoes each as "GOT<n>: ...",
// which the scenario matches. guest_console_shell.toml goes through the
// debug shell between the two lines and presses 'v', raising VIRQ_DEBUG.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

bool port_pending(uint32_t port)
{
    shared_info_t* s = guest_shared_info();
    return (s->evtchn_pending[port / 32] >> (port % 32)) & 1;
}

void set_port_mask(uint32_t port)
{
    __atomic_or_fetch(&guest_shared_info()->evtchn_mask[port / 32], 1u << (port % 32), __ATOMIC_SEQ_CST);
}

void clear_port(uint32_t port)
{
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[port / 32], ~(1u << (port % 32)), __ATOMIC_SEQ_CST);
}

// Waits for the first byte typed after the prompt: the port is cleared
// and masked before the prompt (so the upcall handler cannot consume the
// event, and a byte typed at once still leaves it pending), then polled.
void prompt_and_wait(uint32_t port, const char* prompt)
{
    set_port_mask(port);
    clear_port(port);
    printf("PROMPT: %s\n", prompt);
    static evtchn_port_t polled[1];
    polled[0] = port;
    sched_poll_t p = {};
    set_xen_guest_handle(p.ports, polled);
    p.nr_ports = 1;
    CHECK_EQ(hc::sched_poll(&p), 0, "SCHEDOP_poll on the masked VIRQ_CONSOLE port");
    CHECK(port_pending(port), "  returns with VIRQ_CONSOLE pending: input arrived");
    vcpu0_info()->evtchn_upcall_mask = 1;
}

// Blocks until a whole line (ended by CR or LF) was read; returns its
// length without the terminator, or -1 if it did not arrive within
// 'max_wakeups' wake-ups.
int read_line(char* line, int size, uint32_t* upcalls_seen)
{
    int len = 0;
    for (int wakeups = 0; wakeups < 1000; ++wakeups) {
        char buf[16];
        int32_t n;
        while ((n = hc::console_io(CONSOLEIO_read, sizeof buf, buf)) > 0) {
            for (int i = 0; i < n; ++i) {
                if (buf[i] == '\r' || buf[i] == '\n') {
                    line[len] = '\0';
                    return len;
                }
                if (len < size - 1)
                    line[len++] = buf[i];
            }
        }
        if (n < 0) {
            CHECK_EQ(n, 0, "CONSOLEIO_read failed while reading a line");
            return -1;
        }
        uint32_t before = event_upcalls();
        (void)hc::sched_block();
        // Blocking unmasked events; the guest runs with them masked.
        vcpu0_info()->evtchn_upcall_mask = 1;
        if (event_upcalls() > before)
            ++*upcalls_seen;
    }
    return -1;
}

} // namespace

void guest_main(start_info_t*)
{
    evtchn_bind_virq_t con = {VIRQ_CONSOLE, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &con), 0, "EVTCHNOP_bind_virq VIRQ_CONSOLE");
    evtchn_bind_virq_t dbg = {VIRQ_DEBUG, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &dbg), 0, "EVTCHNOP_bind_virq VIRQ_DEBUG");
    // Raised at this domain's own shutdown (finish()): the scenario sees
    // the hypervisor's debug line, as the machine is off before dom0 could.
    evtchn_bind_virq_t exc = {VIRQ_DOM_EXC, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_virq, &exc), 0, "EVTCHNOP_bind_virq VIRQ_DOM_EXC");
    // Masked: a VIRQ_DEBUG stays pending for the check below instead of
    // being consumed by the upcall handler.
    set_port_mask(dbg.port);

    char buf[8];
    CHECK_EQ(hc::console_io(CONSOLEIO_read, sizeof buf, buf), 0, "CONSOLEIO_read with nothing typed returns 0");
    CHECK_EQ(hc::console_io(CONSOLEIO_read, 0, buf), 0, "CONSOLEIO_read of 0 bytes returns 0");

    char line[64];
    uint32_t upcalls = 0;
    prompt_and_wait(con.port, "type line 1");
    evtchn_unmask_t um = {con.port};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_unmask, &um), 0, "EVTCHNOP_unmask VIRQ_CONSOLE");
    int len = read_line(line, sizeof line, &upcalls);
    CHECK(len > 0, "line 1 arrived through CONSOLEIO_read");
    printf("GOT1: %s\n", len >= 0 ? line : "(nothing)");

    // Xen's CONSOLEIO_read leaves the bytes queued when the copy fails
    // (drivers/char/console.c do_console_io): wait for the first byte,
    // fail a read into a hypervisor address, then read it properly.
    prompt_and_wait(con.port, "type line 2");
    CHECK_EQ(hc::console_io(CONSOLEIO_read, 4, reinterpret_cast<void*>(0xFC000000u)), -XEN_EFAULT,
             "CONSOLEIO_read into a hypervisor address is -EFAULT");
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_unmask, &um), 0, "EVTCHNOP_unmask VIRQ_CONSOLE");
    len = read_line(line, sizeof line, &upcalls);
    CHECK(len > 0, "line 2 arrived, nothing lost by the failed read");
    printf("GOT2: %s\n", len >= 0 ? line : "(nothing)");
    printf("VIRQ_DEBUG pending: %s\n", port_pending(dbg.port) ? "yes" : "no");
}
