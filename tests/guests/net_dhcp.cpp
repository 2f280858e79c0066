// A test dom0 kernel that brings up the NIC (tools/dom0/dom0_nic.hpp:
// PCI scan, legacy virtio-net, its INTx as a pirq event channel) and asks
// QEMU's user-mode network (slirp) for an address (dhcp_probe.hpp): the
// DISCOVER goes out through the transmit ring, and the OFFER (server
// 10.0.2.2 offering 10.0.2.15) comes back through the receive ring and
// the device's interrupt.
#include "console.hpp"
#include "dhcp_probe.hpp"
#include "test.hpp"
#include "tools/dom0/dom0_nic.hpp"

namespace {

constinit dom0::Event_loop loop;

} // namespace

void guest_main(start_info_t*)
{
    // On the stack: a PV kernel runs no global constructors.
    Dhcp_probe probe(loop, 0x58e17a01);
    CHECK(loop.init(), "event loop up (VIRQ_TIMER bound)");
    net::Nic* nic = dom0::nic_init(loop, Dhcp_probe::on_rx, &probe);
    CHECK(nic != nullptr, "nic_init found and set up virtio-net");
    if (!nic)
        gtest::finish();
    const net::Mac mac = nic->mac();
    CHECK(mac.b[0] == 0x52 && mac.b[1] == 0x54 && mac.b[2] == 0x00,
          "MAC from the device: QEMU's 52:54:00 prefix");
    uint8_t tiny[10] = {};
    CHECK(!nic->send(tiny, sizeof tiny), "a 10-byte frame is refused");
    CHECK(probe.run(*nic, 20000000000ull), "a DHCP OFFER came back");
    CHECK(probe.sends() >= 1, "  to a DISCOVER we sent");
    CHECK(probe.interrupts() > 0, "  through the device's interrupt (pirq event channel)");
    probe.print();
    CHECK_EQ(probe.offer().yiaddr, 0x0A00020F, "  offering 10.0.2.15");
    CHECK_EQ(probe.offer().server, 0x0A000202, "  from 10.0.2.2");
    // A second exchange: the receive buffers were recycled, the line
    // unmasked by our EOI.
    CHECK(probe.run(*nic, 20000000000ull), "a second OFFER, on recycled buffers");
    gtest::finish();
}
