// Dom0's network card: finds QEMU's transitional virtio-net (PCI 1af4:1000)
// on the PCI bus, drives it through its legacy I/O BAR with the portable
// driver (tools/lib/net/virtio_net.hpp), and takes its INTx line as a pirq
// event channel in dom0's event loop.
//
// Use:
//   net::Nic* nic = dom0::nic_init(loop, on_rx, ctx);
//   ... on_rx(ctx) runs from the event loop after each device interrupt
//   (already acknowledged at the device and EOIed); call nic->poll(sink)
//   from there or soon after. Poll once after nic_init too: frames that
//   arrived before the binding raised no event we saw.
#pragma once

#include "tools/dom0/event_loop.hpp"
#include "tools/lib/net/nic.hpp"

namespace dom0 {

// The NIC, or nullptr (the reason printed on dom0's console) if there is
// none or it cannot be set up. Call once.
net::Nic* nic_init(Event_loop& loop, void (*on_rx)(void*), void* ctx);

} // namespace dom0
