// Every hypercall with a pointer argument, given NULL, an unmapped address
// and hypervisor addresses: -EFAULT, never a crash. (set_trap_table(NULL)
// is legal in Xen — it clears the table — so it is tested in traps.)
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {
const uint32_t bad[] = {0, 0x1000, HYPERVISOR_VIRT_START, 0xFFFFF000};

struct Case {
    const char* name;
    uint32_t op;
    uint32_t a1;     // arguments; the one at 'slot' is replaced by the bad pointer
    uint32_t a2;
    uint32_t a3;
    uint32_t a4;
    unsigned slot;   // 1..4
    bool skip_null;  // NULL means something else for this call
};

const Case cases[] = {
    {"console_io write", __HYPERVISOR_console_io, CONSOLEIO_write, 8, 0, 0, 3, false},
    {"xen_version extraversion", __HYPERVISOR_xen_version, XENVER_extraversion, 0, 0, 0, 2, false},
    {"xen_version compile_info", __HYPERVISOR_xen_version, XENVER_compile_info, 0, 0, 0, 2, false},
    {"xen_version capabilities", __HYPERVISOR_xen_version, XENVER_capabilities, 0, 0, 0, 2, false},
    {"xen_version changeset", __HYPERVISOR_xen_version, XENVER_changeset, 0, 0, 0, 2, false},
    {"xen_version platform_parameters", __HYPERVISOR_xen_version, XENVER_platform_parameters, 0, 0, 0, 2, false},
    {"xen_version get_features", __HYPERVISOR_xen_version, XENVER_get_features, 0, 0, 0, 2, false},
    {"xen_version guest_handle", __HYPERVISOR_xen_version, XENVER_guest_handle, 0, 0, 0, 2, false},
    {"xen_version commandline", __HYPERVISOR_xen_version, XENVER_commandline, 0, 0, 0, 2, false},
    {"sched_op shutdown", __HYPERVISOR_sched_op, SCHEDOP_shutdown, 0, 0, 0, 2, false},
    {"sched_op poll", __HYPERVISOR_sched_op, SCHEDOP_poll, 0, 0, 0, 2, false},
    {"sched_op shutdown_code", __HYPERVISOR_sched_op, SCHEDOP_shutdown_code, 0, 0, 0, 2, false},
    {"sched_op remote_shutdown", __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0, 0, 0, 2, false},
    {"set_trap_table", __HYPERVISOR_set_trap_table, 0, 0, 0, 0, 1, true},
    {"callback_op register", __HYPERVISOR_callback_op, CALLBACKOP_register, 0, 0, 0, 2, false},
    {"callback_op unregister", __HYPERVISOR_callback_op, CALLBACKOP_unregister, 0, 0, 0, 2, false},
    {"multicall", __HYPERVISOR_multicall, 0, 1, 0, 0, 1, false},
    {"memory_op current_reservation", __HYPERVISOR_memory_op, XENMEM_current_reservation, 0, 0, 0, 2, false},
    {"memory_op maximum_reservation", __HYPERVISOR_memory_op, XENMEM_maximum_reservation, 0, 0, 0, 2, false},
    {"memory_op increase_reservation", __HYPERVISOR_memory_op, XENMEM_increase_reservation, 0, 0, 0, 2, false},
    {"memory_op decrease_reservation", __HYPERVISOR_memory_op, XENMEM_decrease_reservation, 0, 0, 0, 2, false},
    {"memory_op populate_physmap", __HYPERVISOR_memory_op, XENMEM_populate_physmap, 0, 0, 0, 2, false},
    {"memory_op memory_map", __HYPERVISOR_memory_op, XENMEM_memory_map, 0, 0, 0, 2, false},
    {"vcpu_op get_runstate_info", __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, 0, 0, 3, false},
    {"vcpu_op register_vcpu_info", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, 0, 0, 3, false},
    {"vcpu_op set_singleshot_timer", __HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, 0, 0, 3, false},
    {"vcpu_op set_periodic_timer", __HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, 0, 0, 3, false},
    {"physdev_op set_iopl", __HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, 0, 0, 0, 2, false},
    {"event_channel_op alloc_unbound", __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, 0, 0, 0, 2, false},
    {"event_channel_op bind_virq", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, 0, 0, 0, 2, false},
    {"event_channel_op status", __HYPERVISOR_event_channel_op, EVTCHNOP_status, 0, 0, 0, 2, false},
    {"event_channel_op send", __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0, 0, 0, 2, false},
    {"mmu_update", __HYPERVISOR_mmu_update, 0, 1, 0, DOMID_SELF, 1, false},
    {"mmuext_op", __HYPERVISOR_mmuext_op, 0, 1, 0, DOMID_SELF, 1, false},
    {"set_gdt", __HYPERVISOR_set_gdt, 0, 1, 0, 0, 1, false},
};
} // namespace

void guest_main(start_info_t*)
{
    char what[96];
    for (const Case& c : cases) {
        for (uint32_t p : bad) {
            if (p == 0 && c.skip_null)
                continue;
            uint32_t a[5] = {0, c.a1, c.a2, c.a3, c.a4};
            a[c.slot] = p;
            int32_t rc = hc::call(c.op, a[1], a[2], a[3], a[4]);
            char* w = what;
            size_t n = sizeof what;
            // Name the case and the pointer in the check line.
            const char* s = c.name;
            while (*s != '\0' && n > 20) {
                *w++ = *s++;
                --n;
            }
            const char hex[] = "0123456789abcdef";
            *w++ = ' ';
            *w++ = '0';
            *w++ = 'x';
            for (int shift = 28; shift >= 0; shift -= 4)
                *w++ = hex[(p >> shift) & 0xf];
            *w = '\0';
            CHECK_EQ(rc, -XEN_EFAULT, what);
        }
    }
}
