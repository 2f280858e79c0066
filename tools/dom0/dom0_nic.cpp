#include "tools/dom0/dom0_nic.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "tools/dom0/dom0_dma.hpp"
#include "tools/dom0/dom0_ports.hpp"
#include "tools/lib/net/pci.hpp"
#include "tools/lib/net/virtio_net.hpp"

namespace dom0 {

namespace {

constexpr uint16_t virtio_vendor = 0x1af4;
constexpr uint16_t virtio_net_legacy = 0x1000; // transitional network device

// constinit: a PV kernel runs no constructors, so these objects (and
// their vtable pointers) must be set up by the compiler.
constinit X86_ports ports;
constinit Dma_pool dma;
constinit net::Virtio_net nic;

struct Irq {
    void (*on_rx)(void*) = nullptr;
    void* ctx = nullptr;
    uint32_t pirq = 0;
};
constinit Irq irq;

// The line is level-triggered (PCI INTx; the hypervisor takes the MADT's
// mode for it) and masked by the hypervisor from the interrupt until our
// EOI: read the ISR first, which drops the line, then EOI, so a frame
// arriving meanwhile raises it again and is not lost.
void on_interrupt(void*, evtchn_port_t)
{
    (void)nic.ack_interrupt();
    if (irq.on_rx)
        irq.on_rx(irq.ctx);
    physdev_eoi_t e = {irq.pirq};
    (void)hc::physdev_op(PHYSDEVOP_eoi, &e);
}

// PHYSDEVOP_map_pirq (GSI = the interrupt line firmware routed, pirq
// chosen by the hypervisor: the GSI) and EVTCHNOP_bind_pirq; the port, 0
// on failure.
evtchn_port_t bind_line(uint8_t gsi)
{
    physdev_map_pirq_t m = {};
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = gsi;
    m.pirq = -1;
    int32_t rc = hc::physdev_op(PHYSDEVOP_map_pirq, &m);
    if (rc != 0) {
        printf("net: map_pirq of GSI %u: error %d\n", gsi, rc);
        return 0;
    }
    irq.pirq = static_cast<uint32_t>(m.pirq);
    evtchn_bind_pirq_t b = {irq.pirq, 0, 0};
    rc = hc::event_channel_op(EVTCHNOP_bind_pirq, &b);
    if (rc != 0) {
        printf("net: bind_pirq %u: error %d\n", irq.pirq, rc);
        return 0;
    }
    return b.port;
}

void print_mac(const net::Mac& m)
{
    printf("%02x:%02x:%02x:%02x:%02x:%02x", m.b[0], m.b[1], m.b[2], m.b[3], m.b[4], m.b[5]);
}

} // namespace

net::Nic* nic_init(Event_loop& loop, void (*on_rx)(void*), void* ctx)
{
    if (!enable_port_io()) {
        printf("net: no NIC: PHYSDEVOP_set_iopl refused\n");
        return nullptr;
    }
    Cf8_config cfg(ports);
    net::Pci_function f;
    if (!net::pci_find(cfg, virtio_vendor, virtio_net_legacy, f)) {
        printf("net: no NIC: no virtio-net (1af4:1000) on the PCI bus\n");
        return nullptr;
    }
    const net::Pci_bar& bar = f.bar[0];
    if (bar.kind != net::Pci_bar::Kind::io || bar.base == 0 || bar.base > 0xFFFF) {
        printf("net: no NIC: virtio-net at %02x:%02x.%u has no I/O BAR0 (not a legacy device)\n",
               f.addr.bus, f.addr.dev, f.addr.fn);
        return nullptr;
    }
    if (f.interrupt_pin == 0 || f.interrupt_line == 0 || f.interrupt_line == 0xFF) {
        printf("net: no NIC: virtio-net has no routed interrupt line\n");
        return nullptr;
    }
    // I/O decoding, and bus mastering: QEMU drops the DMA of a device that
    // is not a bus master.
    net::pci_command_set(cfg, f.addr, net::pci_reg::command_io | net::pci_reg::command_bus_master);
    const auto e = nic.init(ports, static_cast<uint16_t>(bar.base), dma);
    if (e != net::Virtio_net::Err::none) {
        printf("net: no NIC: virtio-net at port %#x: %s\n", static_cast<unsigned>(bar.base),
               net::Virtio_net::err_text(e));
        return nullptr;
    }
    irq.on_rx = on_rx;
    irq.ctx = ctx;
    const evtchn_port_t port = bind_line(f.interrupt_line);
    if (port == 0) {
        printf("net: no NIC: its interrupt cannot be had\n");
        return nullptr;
    }
    loop.bind(port, on_interrupt, nullptr);
    printf("net: virtio-net at %02x:%02x.%u, port %#x, GSI %u (event channel %u), MAC ", f.addr.bus,
           f.addr.dev, f.addr.fn, static_cast<unsigned>(bar.base), f.interrupt_line, port);
    print_mac(nic.mac());
    printf("\n");
    return &nic;
}

} // namespace dom0
