// A test dom0 for the interdomain scenarios: it builds idc_peer.elf from
// its ramdisk archive as d1 (ping) and d2 (pong), with the event channel
// between them made by dom0 in d1 (EVTCHNOP_alloc_unbound, dom = d1,
// remote_dom = d2) before d2 is built so that d2's command line can name
// the port; optionally d3 (intruder) beside them. Its own command line:
//   rounds=N   round trips of the ping-pong
//   intruder   also start the intruder
//   pin=same   d1 and d2 on CPU 1, dom0 on CPU 0 (setvcpuaffinity)
//   pin=split  d1 on CPU 0, d2 on CPU 1
//   quiet      dom0 sleeps between console drains (bench/run_interdomain.sh)
//   destroy    instead: d1 only grants, d2 copies from its grant in
//              batches, and dom0 destroys d1 while d2 copies
// At the end every domU must have powered off and, once all are destroyed,
// physinfo's free pages must be what they were before the first build.
#include "cmdline_arg.hpp"
#include "console.hpp"
#include "ctl_ops.hpp"
#include "domu_fleet.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {

Guest_hypercalls hcalls;

bool pin(domid_t d, uint32_t cpu)
{
    static uint8_t map[4];
    map[0] = static_cast<uint8_t>(1u << cpu);
    xen_domctl op = hard_affinity_op(d, 0, hc::arg(map));
    return hcalls.domctl(op, nullptr, 0) == 0;
}

// d1 grants and waits; d2 copies from the grant in batches; once d2 has
// had time to be copying, d1 is destroyed under it (on two CPUs the
// copies run on the other one all the while).
void destroy_under_copies(Domu_fleet& fleet, const uint8_t* rd, uint32_t rd_len)
{
    if (!fleet.build(rd, rd_len, "idc_peer.elf", 1, "role=granter peer=2 gref=8", 16 * 1024) ||
        !fleet.build(rd, rd_len, "idc_peer.elf", 2, "role=copier peer=1 gref=8", 16 * 1024))
        return;
    if (!fleet.start())
        return;
    fleet.relay_for(300);
    (void)fleet.destroy_now(1);
    fleet.run_to_completion();
}

} // namespace

void guest_main(start_info_t* si)
{
    const char* cl = reinterpret_cast<const char*>(si->cmd_line);
    const auto* rd = reinterpret_cast<const uint8_t*>(si->mod_start);
    const uint32_t rounds = cmdline_number(cl, "rounds", 1000);
    const uint64_t free_before = physinfo_free_pages();
    char line[128];
    Domu_fleet fleet(hcalls);
    if (cmdline_has(cl, "destroy")) {
        destroy_under_copies(fleet, rd, si->mod_len);
        const uint64_t free_after = physinfo_free_pages();
        CHECK_EQ(free_after, free_before, "physinfo: every page of the domUs is free again");
        return;
    }
    format(line, sizeof line, "role=ping peer=2 gref=8 rounds=%u", rounds);
    if (!fleet.build(rd, si->mod_len, "idc_peer.elf", 1, line, 16 * 1024))
        return;
    evtchn_alloc_unbound_t a = {1, 2, 0};
    CHECK_EQ(hcalls.evtchn_alloc_unbound(a), 0,
             "dom0 makes d1's port for d2 (alloc_unbound, dom = d1)");
    format(line, sizeof line, "role=pong peer=1 port=%u gref=8 rounds=%u", a.port, rounds);
    if (!fleet.build(rd, si->mod_len, "idc_peer.elf", 2, line, 16 * 1024))
        return;
    if (cmdline_has(cl, "intruder")) {
        static uint32_t dom0_page[1024] __attribute__((aligned(4096)));
        dom0_page[0] = 1;
        format(line, sizeof line, "role=intruder peer=1 gref=8 mfn=%u peer_mfn=%u",
               pfn_to_mfn(virt_to_pfn(dom0_page)), fleet.console_mfn(0));
        if (!fleet.build(rd, si->mod_len, "idc_peer.elf", 3, line, 16 * 1024))
            return;
    }
    if (cmdline_has(cl, "same"))
        CHECK(pin(1, 1) && pin(2, 1) && pin(0, 0), "d1 and d2 pinned to CPU 1, dom0 to CPU 0");
    else if (cmdline_has(cl, "split"))
        CHECK(pin(1, 0) && pin(2, 1), "d1 pinned to CPU 0, d2 to CPU 1");
    if (!fleet.start())
        return;
    fleet.run_to_completion(cmdline_has(cl, "quiet"));
    const uint64_t free_after = physinfo_free_pages();
    printf("interdomain_launch: free pages %u before, %u after\n",
           static_cast<uint32_t>(free_before), static_cast<uint32_t>(free_after));
    CHECK_EQ(free_after, free_before, "physinfo: every page of the domUs is free again");
}
