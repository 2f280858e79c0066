// HYPERVISOR_multicall: per-entry results, failing entries, the entries
// that cannot run inside a batch (a nested multicall, iret), and a long
// batch that makes way for a pending event between chunks of entries.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "upcall_probe.hpp"

namespace {
constexpr uint32_t sentinel = 0x5a5a5a5a;

multicall_entry_t entry(uint32_t op, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0)
{
    multicall_entry_t e = {};
    e.op = op;
    e.result = sentinel;
    e.args[0] = a0;
    e.args[1] = a1;
    e.args[2] = a2;
    return e;
}

int32_t result(const multicall_entry_t& e) { return static_cast<int32_t>(e.result); }

// The long batch: entries whose result is already stored.
constexpr uint32_t n_long = 40;
multicall_entry_t long_calls[n_long];
uint32_t long_done()
{
    uint32_t n = 0;
    for (const auto& e : long_calls)
        n += *static_cast<volatile const uint32_t*>(&e.result) != sentinel;
    return n;
}

// Waiting work is looked for between chunks of 16 entries (Xen's
// do_multicall looks before every entry but the first) and the batch is
// continued from there: the event's upcall runs after the first 16, and
// the guest re-issues the call for the other 24.
void test_preempted(int32_t ver)
{
    for (auto& e : long_calls)
        e = entry(__HYPERVISOR_xen_version, XENVER_version);
    upcall_probe::arm(long_done);
    int32_t rc = hc::multicall(long_calls, n_long);
    upcall_probe::Seen seen = upcall_probe::disarm();
    CHECK_EQ(rc, 0, "multicall of 40 xen_version, an event pending: 0");
    CHECK(upcall_probe::part_way(seen, n_long), "  it stopped for the event part-way, was continued");
    CHECK_EQ(seen.progress, 16, "  after its first chunk of 16 entries");
    bool all = true;
    for (const auto& e : long_calls)
        all = all && result(e) == ver;
    CHECK(all, "  every entry ran once, its result stored");
}
} // namespace

void guest_main(start_info_t*)
{
    static const char msg[] = "multicall console line\n";
    static xen_extraversion_t extra;
    static multicall_entry_t calls[6];
    int32_t ver = hc::xen_version(XENVER_version);

    calls[0] = entry(__HYPERVISOR_xen_version, XENVER_version);
    calls[1] = entry(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof msg - 1, hc::arg(msg));
    calls[2] = entry(__HYPERVISOR_xen_version, 64);                  // unknown sub-op
    calls[3] = entry(__HYPERVISOR_xen_version, XENVER_extraversion, 0x1000); // bad buffer
    calls[4] = entry(__HYPERVISOR_xen_version, XENVER_extraversion, hc::arg(extra));
    calls[5] = entry(200);                                           // no such hypercall
    CHECK_EQ(hc::multicall(calls, 6), 0, "multicall of 6 entries returns 0");
    CHECK_EQ(result(calls[0]), ver, "  entry 0: xen_version result");
    // CONSOLEIO_write answers 0, not a byte count (Xen's do_console_io).
    CHECK_EQ(result(calls[1]), 0, "  entry 1: console_io write");
    CHECK_EQ(result(calls[2]), -XEN_ENOSYS, "  entry 2: unknown sub-op -ENOSYS");
    CHECK_EQ(result(calls[3]), -XEN_EFAULT, "  entry 3: bad buffer -EFAULT");
    CHECK_EQ(result(calls[4]), 0, "  entry 4: a later entry still runs");
    CHECK_EQ(result(calls[5]), -XEN_ENOSYS, "  entry 5: hypercall 200 -ENOSYS");

    // A nested multicall is refused with -EINVAL (reentry is disallowed);
    // the outer batch carries on.
    static multicall_entry_t inner[1];
    inner[0] = entry(__HYPERVISOR_xen_version, XENVER_version);
    calls[0] = entry(__HYPERVISOR_multicall, hc::arg(inner), 1);
    calls[1] = entry(__HYPERVISOR_xen_version, XENVER_version);
    CHECK_EQ(hc::multicall(calls, 2), 0, "multicall containing a multicall returns 0");
    CHECK_EQ(result(calls[0]), -XEN_EINVAL, "  nested multicall: -EINVAL");
    CHECK_EQ(inner[0].result, sentinel, "  the nested batch did not run");
    CHECK_EQ(result(calls[1]), ver, "  the entry after it ran");

    // An iret changes the guest's mode, so no entry may run after it (Xen
    // ends the batch there since XSA-213). Xenith goes further and refuses
    // the iret itself with -EINVAL: a batch has no frame for it to return to.
    calls[0] = entry(__HYPERVISOR_xen_version, XENVER_version);
    calls[1] = entry(__HYPERVISOR_iret);
    calls[2] = entry(__HYPERVISOR_xen_version, XENVER_version);
    CHECK_EQ(hc::multicall(calls, 3), 0, "multicall containing iret returns 0");
    CHECK_EQ(result(calls[0]), ver, "  the entry before iret ran");
    CHECK_EQ(result(calls[1]), -XEN_EINVAL, "  iret inside a multicall: -EINVAL");
    CHECK_EQ(calls[2].result, sentinel, "  no entry after iret ran");

    CHECK_EQ(hc::multicall(calls, 0), 0, "empty multicall returns 0");
    CHECK_EQ(hc::multicall(reinterpret_cast<multicall_entry_t*>(0x1000), 1), -XEN_EFAULT,
             "multicall list unmapped: -EFAULT");
    CHECK_EQ(hc::multicall(reinterpret_cast<multicall_entry_t*>(HYPERVISOR_VIRT_START), 1),
             -XEN_EFAULT, "multicall list in the hypervisor: -EFAULT");

    // A list the guest can read but not write: the entry runs (it was
    // read), its result cannot be stored, and the batch ends -EFAULT with
    // the hypervisor's store fixed up rather than fatal.
    alignas(4096) static multicall_entry_t ro_page[4096 / sizeof(multicall_entry_t)];
    ro_page[0] = entry(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof "ro list ran\n" - 1,
                       hc::arg("ro list ran\n"));
    ro_page[1] = entry(__HYPERVISOR_xen_version, XENVER_version);
    uint32_t va = hc::arg(ro_page);
    uint64_t mfn = pfn_to_mfn(virt_to_pfn(ro_page));
    CHECK_EQ(hc::update_va_mapping(va, (mfn << 12) | pte_present | pte_accessed, UVMF_INVLPG), 0,
             "list page remapped read-only");
    CHECK_EQ(hc::multicall(ro_page, 2), -XEN_EFAULT, "multicall list read-only: -EFAULT");
    CHECK_EQ(ro_page[0].result, sentinel, "  no result was stored");
    CHECK_EQ(hc::update_va_mapping(va, (mfn << 12) | pte_kernel_rw, UVMF_INVLPG), 0,
             "list page writable again");
    test_preempted(ver);
}
