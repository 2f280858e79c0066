// Hostile-guest smoke test: thousands of hypercalls with arbitrary numbers,
// sub-ops and arguments (NULL, unmapped, the hypervisor's area, wrapping
// addresses, a scratch page filled with random bytes, extreme integers).
// Calls that would legitimately tear down the guest itself (its page
// tables, descriptor tables, trap table, stacks, callbacks, iret, shutdown,
// blocking forever) are left out, so any crash or hang is the hypervisor's.
// So are writes the guest would ask for into its own memory: a random
// address that falls in its own memory is moved into the scratch pages,
// and a grant-table op array that starts there ends there (Xen writes each
// op's status back, and a GNTTABOP_copy of 0x7ffb ops from the scratch
// page's end wrote statuses across the stack: seeds 101, 103, 110, 118 to
// 122 crashed the guest that way before). Inside the scratch pages a
// quarter of the words are argument values, so nested pointers and counts
// are plausible too, and an unmapped guard page follows them. The
// scenario also rejects any hypervisor fatal report.
#include "cmdline_arg.hpp"
#include "console.hpp"
#include "fuzz_guest.hpp"
#include "hypercall.hpp"
#include "test.hpp"

namespace {

// Two scratch pages and, after them, a guard page that is unmapped before
// the calls begin: a count of entries the guest asks the hypervisor to
// write from a pointer into the scratch pages (a frame list, an extent
// array, a runstate area) then faults there instead of running on into
// the guest's own data.
struct alignas(4096) Scratch_pages {
    uint8_t bytes[2 * 4096];
    uint8_t guard[4096];
};
Scratch_pages pages;
uint8_t (&scratch)[2 * 4096] = pages.bytes;
uint32_t rng = 0x1234567u;

uint32_t next() { return xorshift32(rng); }

uint32_t addr(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

bool in_scratch(uint32_t a) { return a - addr(scratch) < sizeof scratch; }

// A random address, kept out of the guest's memory but for the scratch pages.
uint32_t random_address()
{
    uint32_t a = next();
    return in_own_memory(a) && !in_scratch(a) ? addr(scratch) + a % sizeof scratch : a;
}

uint32_t arg()
{
    switch (next() % 12) {
    case 0: return 0;
    case 1: return next() % 16;
    case 2: return 0xFFFFFFFFu;
    case 3: return 0x7FF0u + next() % 16;            // DOMID_* values
    case 4: return 0xF5800000u + (next() & 0xFFFFFF0u); // M2P and up
    case 5: return 0xFB800000u + (next() & 0xFFFFF0u);  // the hypervisor image
    case 6: return 0xFFFFF000u + (next() & 0xFF0u);     // wraps past 4 GiB
    case 7: return 0x1000u + (next() & 0xFFF0u);        // unmapped low memory
    case 8: return addr(scratch) + (next() % 4096);     // the scratch contents
    case 9: return random_address();
    case 10: return next() % 64;
    default: return addr(scratch + 4096) - (next() % 64);
    }
}

// Hypercalls whose legitimate effect could destroy the caller itself.
bool excluded(uint32_t op, uint32_t a0)
{
    switch (op) {
    case __HYPERVISOR_set_trap_table:
    case __HYPERVISOR_mmu_update:
    case __HYPERVISOR_set_gdt:
    case __HYPERVISOR_stack_switch:
    case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_fpu_taskswitch:
    case __HYPERVISOR_update_descriptor:
    case __HYPERVISOR_update_va_mapping:
    case __HYPERVISOR_update_va_mapping_otherdomain:
    case __HYPERVISOR_iret:
    case __HYPERVISOR_mmuext_op:
    case __HYPERVISOR_callback_op:
    case __HYPERVISOR_set_debugreg:
    case __HYPERVISOR_multicall:       // could reach any of the above
    case __HYPERVISOR_sched_op_compat:
    case __HYPERVISOR_console_io:      // would print random bytes
        return true;
    case __HYPERVISOR_sched_op:        // only yield and the harmless queries
        return a0 != SCHEDOP_yield;
    // No giving away of its own frames, and no taking of all the others:
    // dom0 has no memory limit (as Xen's), so increase_reservation would
    // leave the hypervisor none, and the audit at the end would not run
    // (3 000 000 calls took every free frame of a 128 MiB machine).
    case __HYPERVISOR_memory_op:
        return a0 == XENMEM_decrease_reservation || a0 == XENMEM_populate_physmap ||
               a0 == XENMEM_exchange || a0 == XENMEM_increase_reservation;
    case __HYPERVISOR_vcpu_op:         // no moving its vcpu_info away
        return a0 == VCPUOP_register_vcpu_info || a0 == VCPUOP_down ||
               a0 == VCPUOP_initialise;
    case __HYPERVISOR_event_channel_op: // no closing the ports guest-abi uses
        return a0 == EVTCHNOP_close || a0 == EVTCHNOP_reset;
    case __HYPERVISOR_physdev_op:
        return a0 == PHYSDEVOP_set_iopl;
    default:
        return false;
    }
}

} // namespace

void guest_main(start_info_t* si)
{
    // "seed=N" on the command line picks another sequence, "calls=N" makes
    // more (or fewer) calls than 20 000.
    const char* c = reinterpret_cast<const char*>(si->cmd_line);
    uint32_t seed = cmdline_number(c, "seed", 0);
    if (seed)
        rng = seed;
    printf("hcfuzz: seed %u\n", rng);
    const uint32_t calls = cmdline_number(c, "calls", 20000);
    unsigned made = 0, enosys = 0, ok = 0, errors = 0, odd = 0;
    CHECK_EQ(hc::update_va_mapping(addr(pages.guard), 0, UVMF_INVLPG), 0,
             "the guard page after the scratch pages is unmapped");
    for (unsigned i = 0; i < calls; ++i) {
        // A quarter of the words the hypervisor finds behind a pointer are
        // argument values (scratch addresses, small counts, domain ids, the
        // hypervisor's area), so that a pointer or count inside a struct is
        // as often plausible as a top-level one; the rest random.
        if (i % 512 == 0)
            for (uint32_t w = 0; w < sizeof scratch / 4; ++w) {
                uint32_t v = next() % 4 == 0 ? arg() : next();
                __builtin_memcpy(scratch + 4 * w, &v, 4);
            }
        // Mostly the implemented hypercalls, where the argument checks are.
        static constexpr uint8_t implemented[] = {
            __HYPERVISOR_memory_op, __HYPERVISOR_xen_version, __HYPERVISOR_vm_assist,
            __HYPERVISOR_vcpu_op, __HYPERVISOR_sched_op, __HYPERVISOR_event_channel_op,
            __HYPERVISOR_physdev_op, __HYPERVISOR_set_timer_op, __HYPERVISOR_get_debugreg,
            __HYPERVISOR_event_channel_op_compat};
        uint32_t op = next() % 4 ? implemented[next() % sizeof implemented] : next() % 64;
        uint32_t a0 = next() % 4 == 0 ? next() : next() % 32;
        if (excluded(op, a0))
            continue;
        uint32_t a1 = arg(), a2 = arg(), a3 = arg(), a4 = arg();
        // No op of a grant-table array past the scratch pages (32 bytes
        // bound every op's size).
        if (op == __HYPERVISOR_grant_table_op && in_scratch(a1))
            a2 %= (addr(scratch) + sizeof scratch - a1) / 32 + 1;
        int32_t r = hc::call(op, a0, a1, a2, a3, a4);
        ++made;
        if (r == -XEN_ENOSYS)
            ++enosys;
        else if (r >= 0)
            ++ok;
        else
            ++errors;
        // get_debugreg returns the register itself (DR6's reserved bits
        // make it look negative); everything else is a value or an errno.
        if (r < -133 && op != __HYPERVISOR_get_debugreg) {
            printf("op %u sub-op %u returned %d, neither a value nor a Xen errno\n", op, a0, r);
            ++odd;
        }
    }
    printf("hcfuzz: %u hypercalls made: %u succeeded, %u refused with an errno, %u -ENOSYS\n",
           made, ok, errors, enosys);
    CHECK(made > calls / 2, "most of the random hypercalls were made");
    CHECK_EQ(odd, 0, "every result is a value or a Xen errno");
    CHECK(ok > 0 && errors > 0, "some calls succeeded and some were refused");
    gtest::finish();
}
