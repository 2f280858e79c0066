// A test dom0 that owns the NIC (dom0_nic.hpp) and starts a hostile domU
// (domu_devices) that tries every way to reach it: its ports, its config
// space, its MMIO, its interrupt. Before and after, the NIC must work for
// dom0 (a DHCP exchange with QEMU's slirp); after, its status must still be
// DRIVER_OK and its command register still decode I/O and master the bus.
#include "console.hpp"
#include "dhcp_probe.hpp"
#include "domu_fleet.hpp"
#include "test.hpp"
#include "tools/dom0/dom0_nic.hpp"
#include "tools/dom0/dom0_ports.hpp"
#include "tools/lib/net/pci.hpp"

namespace {

Guest_hypercalls hcalls;
constinit dom0::Event_loop loop;
constinit dom0::X86_ports ports;

// Fills buf with "port=P dev=D mmio=F gsi=G" in decimal.
void put_number(char*& p, const char* key, uint32_t v)
{
    while (*key)
        *p++ = *key++;
    char digits[12];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = digits[--n];
    *p++ = ' ';
}

} // namespace

void guest_main(start_info_t* si)
{
    Dhcp_probe probe(loop, 0x6e1cfe01);
    CHECK(loop.init(), "event loop up");
    net::Nic* nic = dom0::nic_init(loop, Dhcp_probe::on_rx, &probe);
    CHECK(nic != nullptr, "dom0's NIC is up");
    if (!nic)
        gtest::finish();
    CHECK(probe.run(*nic, 20000000000ull), "dom0 gets a DHCP OFFER before the domU runs");

    dom0::Cf8_config cfg(ports);
    net::Pci_function f;
    CHECK(net::pci_find(cfg, 0x1af4, 0x1000, f), "dom0 finds the NIC on the PCI bus");
    uint32_t mmio = 0;
    for (const net::Pci_bar& b : f.bar)
        if (!mmio && (b.kind == net::Pci_bar::Kind::mem32 || b.kind == net::Pci_bar::Kind::mem64) &&
            b.base && b.base < (uint64_t{1} << 44))
            mmio = static_cast<uint32_t>(b.base >> 12);
    CHECK(mmio != 0, "  with an MMIO BAR (MSI-X table or modern registers)");
    const auto port = static_cast<uint16_t>(f.bar[0].base);

    static char cmdline[96];
    char* p = cmdline;
    put_number(p, "port=", port);
    put_number(p, "dev=", f.addr.dev);
    put_number(p, "mmio=", mmio);
    put_number(p, "gsi=", f.interrupt_line);
    p[-1] = 0;

    const auto* rd = reinterpret_cast<const uint8_t*>(si->mod_start);
    Domu_fleet fleet(hcalls);
    if (!fleet.build(rd, si->mod_len, "domu_devices.elf", 0, cmdline, 16 * 1024))
        gtest::finish();
    if (fleet.start())
        fleet.run_to_completion();

    CHECK_EQ(ports.in8(static_cast<uint16_t>(port + 0x12)), 7,
             "the NIC's status is still ACKNOWLEDGE|DRIVER|DRIVER_OK (no reset got through)");
    const uint32_t command = cfg.read32(f.addr, net::pci_reg::command) & 0xFFFF;
    CHECK((command & 5) == 5, "its command register still decodes I/O and masters the bus");
    net::Pci_function again;
    CHECK(net::pci_read_function(cfg, f.addr, again) && again.bar[0].base == f.bar[0].base,
          "  and its BAR0 is where it was (no sizing write got through)");
    CHECK(probe.run(*nic, 20000000000ull), "dom0 still gets a DHCP OFFER after the domU");
    gtest::finish();
}
