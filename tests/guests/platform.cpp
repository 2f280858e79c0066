// platform_op (7), issue 5: XENPF_settime32/64 set every domain's
// shared_info wall clock so that it read secs.nsecs at 'system_time'
// (Xen's do_settime: wc = secs * 1e9 + nsecs - system_time, split into
// seconds and ns); wrong interface version -EACCES, mbz set -EINVAL, other
// commands -ENOSYS, bad pointers -EFAULT (x86 do_platform_op order).
#include "bad_pointer.hpp"
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "public/platform.h"

namespace {

const Bad_pointer_case cases[] = {
    {"platform_op", __HYPERVISOR_platform_op, {}, 1, false},
};

int32_t platform_op(xen_platform_op_t* op) { return hc::call(__HYPERVISOR_platform_op, hc::arg(op)); }

struct Wallclock {
    uint32_t version;
    uint64_t sec;
    uint32_t nsec;
};

// Reader side of the wc_version protocol: retry while odd or changed.
Wallclock read_wallclock()
{
    shared_info_t* s = guest_shared_info();
    Wallclock w;
    do {
        w.version = __atomic_load_n(&s->wc_version, __ATOMIC_ACQUIRE);
        w.sec = s->wc_sec | (static_cast<uint64_t>(s->arch.wc_sec_hi) << 32);
        w.nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((w.version & 1) || w.version != __atomic_load_n(&s->wc_version, __ATOMIC_RELAXED));
    return w;
}

xen_platform_op_t new_op(uint32_t cmd)
{
    xen_platform_op_t op = {};
    op.cmd = cmd;
    op.interface_version = XENPF_INTERFACE_VERSION;
    return op;
}

void test_settime64()
{
    Wallclock before = read_wallclock();
    static xen_platform_op_t op = new_op(XENPF_settime64);
    // 1 700 000 000.000 000 500 s when system time was 2.000 000 005 s:
    // 1 699 999 998.000 000 495 s at system time 0.
    op.u.settime64.secs = 1700000000ull;
    op.u.settime64.nsecs = 500;
    op.u.settime64.system_time = 2000000005ull;
    CHECK_EQ(platform_op(&op), 0, "XENPF_settime64");
    Wallclock w = read_wallclock();
    CHECK_EQ(w.sec, 1699999998ull, "  wc_sec (with wc_sec_hi)");
    CHECK_EQ(w.nsec, 495, "  wc_nsec");
    CHECK(w.version != before.version && !(w.version & 1), "  wc_version advanced and even");

    // Seconds beyond 32 bits land in arch.wc_sec_hi.
    op.u.settime64.secs = 0x100000005ull;
    op.u.settime64.nsecs = 7;
    op.u.settime64.system_time = 0;
    CHECK_EQ(platform_op(&op), 0, "XENPF_settime64 past 2106");
    w = read_wallclock();
    CHECK_EQ(w.sec, 0x100000005ll, "  wc_sec_hi:wc_sec");
    CHECK_EQ(w.nsec, 7, "  wc_nsec");

    Wallclock kept = read_wallclock();
    op.u.settime64.mbz = 1;
    CHECK_EQ(platform_op(&op), -XEN_EINVAL, "XENPF_settime64 with mbz set: -EINVAL");
    CHECK_EQ(read_wallclock().version, kept.version, "  wall clock untouched");
}

void test_settime32()
{
    static xen_platform_op_t op = new_op(XENPF_settime32);
    // 1 000 000 000.999 999 999 s at system time 1.5 s: 999 999 999.499 999 999 s at 0.
    op.u.settime32.secs = 1000000000u;
    op.u.settime32.nsecs = 999999999u;
    op.u.settime32.system_time = 1500000000ull;
    CHECK_EQ(platform_op(&op), 0, "XENPF_settime32");
    Wallclock w = read_wallclock();
    CHECK_EQ(w.sec, 999999999ll, "  wc_sec");
    CHECK_EQ(w.nsec, 499999999, "  wc_nsec");
}

void test_rejections()
{
    Wallclock kept = read_wallclock();
    static xen_platform_op_t op = new_op(XENPF_settime64);
    op.u.settime64.secs = 5;
    op.interface_version = XENPF_INTERFACE_VERSION - 1;
    CHECK_EQ(platform_op(&op), -XEN_EACCES, "wrong interface_version: -EACCES");
    CHECK_EQ(read_wallclock().version, kept.version, "  wall clock untouched");
    op = new_op(XENPF_enter_acpi_sleep);
    CHECK_EQ(platform_op(&op), -XEN_ENOSYS, "XENPF_enter_acpi_sleep: -ENOSYS");
    op = new_op(0xFFFF);
    CHECK_EQ(platform_op(&op), -XEN_ENOSYS, "unknown command: -ENOSYS");
}

// What a Linux dom0 asks at boot (xen_boot_params_init_edd,
// xen_pcpu_init): the firmware's disk, EDID, EFI and keyboard data, and the
// physical CPUs.
void test_firmware_and_cpus(uint32_t nr_cpus)
{
    static xen_platform_op_t op = new_op(XENPF_firmware_info);
    op.u.firmware_info.type = XEN_FW_DISK_INFO;
    CHECK_EQ(platform_op(&op), -XEN_ESRCH, "XEN_FW_DISK_INFO index 0 (no EDD gathered): -ESRCH");
    op.u.firmware_info.type = XEN_FW_DISK_MBR_SIGNATURE;
    CHECK_EQ(platform_op(&op), -XEN_ESRCH, "XEN_FW_DISK_MBR_SIGNATURE: -ESRCH");
    op.u.firmware_info.type = XEN_FW_VBEDDC_INFO;
    CHECK_EQ(platform_op(&op), -XEN_ESRCH, "XEN_FW_VBEDDC_INFO: -ESRCH");
    op.u.firmware_info.type = XEN_FW_EFI_INFO;
    CHECK_EQ(platform_op(&op), -XEN_ENOSYS, "XEN_FW_EFI_INFO, not booted from EFI: -ENOSYS");
    op.u.firmware_info.type = XEN_FW_KBD_SHIFT_FLAGS;
    op.u.firmware_info.u.kbd_shift_flags = 0xA5;
    CHECK_EQ(platform_op(&op), 0, "XEN_FW_KBD_SHIFT_FLAGS: 0");
    CHECK(op.u.firmware_info.u.kbd_shift_flags != 0xA5, "  the BIOS's shift flags were written");
    op.u.firmware_info.index = 1;
    CHECK_EQ(platform_op(&op), -XEN_ESRCH, "XEN_FW_KBD_SHIFT_FLAGS index 1: -ESRCH");
    op.u.firmware_info.type = 99;
    CHECK_EQ(platform_op(&op), -XEN_EINVAL, "unknown firmware_info type: -EINVAL");

    op = new_op(XENPF_get_cpuinfo);
    op.u.pcpu_info.xen_cpuid = 0;
    CHECK_EQ(platform_op(&op), 0, "XENPF_get_cpuinfo CPU 0: 0");
    CHECK_EQ(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE, "  online");
    CHECK_EQ(op.u.pcpu_info.apic_id, 0, "  APIC id 0");
    CHECK_EQ(op.u.pcpu_info.max_present, nr_cpus - 1, "  max_present: the last CPU");
    op.u.pcpu_info.xen_cpuid = nr_cpus - 1;
    CHECK_EQ(platform_op(&op), 0, "XENPF_get_cpuinfo of the last CPU: 0");
    CHECK_EQ(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE, "  online");
    op.u.pcpu_info.xen_cpuid = 63;
    CHECK_EQ(platform_op(&op), 0, "XENPF_get_cpuinfo of a CPU that is not there: 0");
    CHECK_EQ(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_INVALID, "  flagged invalid");
}

// The host's memory as dom0 sees it.
void test_machine_memory()
{
    static xen_e820_entry_t e[64];
    xen_memory_map_t map = {64, 0};
    set_xen_guest_handle(map.buffer, e);
    CHECK_EQ(hc::memory_op(XENMEM_machine_memory_map, &map), 0, "XENMEM_machine_memory_map: 0");
    uint64_t ram = 0;
    bool reserved = false, sorted = true;
    for (uint32_t i = 0; i < map.nr_entries; ++i) {
        if (e[i].type == XEN_E820_RAM)
            ram += e[i].size;
        reserved = reserved || e[i].type == 2;
        if (i && e[i].addr < e[i - 1].addr + e[i - 1].size)
            sorted = false;
    }
    CHECK(reserved, "  the firmware's reserved ranges are in it");
    CHECK(sorted, "  sorted, without overlaps");
    CHECK(ram > (120ull << 20) && ram <= (128ull << 20), "  its RAM adds up to the machine's 128 MiB");
    map.nr_entries = 1;
    CHECK_EQ(hc::memory_op(XENMEM_machine_memory_map, &map), 0, "  a one-entry buffer gets one entry");
    CHECK_EQ(map.nr_entries, 1, "  and says so");

    xen_machphys_mapping_t m = {};
    CHECK_EQ(hc::memory_op(XENMEM_machphys_mapping, &m), 0, "XENMEM_machphys_mapping: 0");
    CHECK_EQ(m.v_start, 0xF5800000u, "  v_start = MACH2PHYS_VIRT_START");
    CHECK_EQ(m.v_end, 0xF6800000u, "  v_end = MACH2PHYS_VIRT_END");
    CHECK_EQ(m.max_mfn, 0x3FFFFFu, "  max_mfn: 16 MiB of 4-byte entries");
    CHECK_EQ(hc::memory_op(XENMEM_machphys_mapping, reinterpret_cast<void*>(0xF5800000u)), -XEN_EFAULT,
             "  into the hypervisor's area: -EFAULT");
}

} // namespace

void guest_main(start_info_t*)
{
    CHECK(guest_shared_info() != nullptr, "shared_info mapped");
    Wallclock boot = read_wallclock();
    // The RTC date of the machine, at least 2020 (QEMU's clock is the host's).
    CHECK(boot.sec > 1577836800ull, "boot wall clock is from the RTC");
    printf("boot wall clock: %llu s\n", static_cast<unsigned long long>(boot.sec));
    test_settime64();
    test_settime32();
    test_rejections();
    test_firmware_and_cpus(2);
    test_machine_memory();
    check_bad_pointers(cases, -XEN_EFAULT);
}
