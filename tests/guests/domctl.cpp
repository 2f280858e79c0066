// domctl (36) and sysctl (35) from dom0, the control domain: the checks
// every call goes through (interface version, bad pointers, bad domain
// ids), then each sub-op on domains it creates (paused) and on itself
// where Xen allows it, rejection paths as carefully as the happy ones; one
// domain (7) is built into a tiny running domU whose own calls show the
// unprivileged refusals, and which pausedomain really stops. Expectations are Xen's (xen/common/domctl.c, domain.c,
// sysctl.c, sched/core.c, sched/credit.c, arch/x86/domctl.c, mm/paging.c).
#include "console.hpp"
#include "ctl_ops.hpp"
#include "hypercall.hpp"
#include "pt_lib.hpp"
#include "public/platform.h"
#include "public/sysctl.h"
#include "shared.hpp"
#include "test.hpp"

// A domU's whole kernel, copied to its 0xC0000000: three calls on op
// blocks dom0 left in its data page (0xC0001000, 0xC0001100, 0xC0001200),
// their results stored at 0xC0001F00..08, a done flag at 0xC0001F0C, then
// it yields for ever counting its turns at 0xC0001F10. Absolute addresses
// only: the bytes run wherever they are copied to at that address.
extern "C" char domu_code[], domu_code_end[];
asm(R"(
    .text
    .globl domu_code, domu_code_end
domu_code:
    movl $0xC0001000, %ebx
    movl $36, %eax
    int $0x82
    movl %eax, 0xC0001F00
    movl $0xC0001100, %ebx
    movl $36, %eax
    int $0x82
    movl %eax, 0xC0001F04
    movl $0xC0001200, %ebx
    movl $35, %eax
    int $0x82
    movl %eax, 0xC0001F08
    movl $1, 0xC0001F0C
1:  movl $29, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    int $0x82
    incl 0xC0001F10
    jmp 1b
domu_code_end:
)");

namespace {

constexpr uint32_t bad_va = 0xF6000000u; // inside the hypervisor

int32_t domctl(xen_domctl_t* op) { return hc::call(__HYPERVISOR_domctl, hc::arg(op)); }
int32_t sysctl(xen_sysctl_t* op) { return hc::call(__HYPERVISOR_sysctl, hc::arg(op)); }

template <typename T> xen_ctl_handle_t h(T* p) { return hc::arg(p); }

int32_t info_of(uint16_t dom, xen_domctl_getdomaininfo& out)
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_getdomaininfo, dom);
    int32_t rc = domctl(&op);
    out = op.u.getdomaininfo;
    return rc;
}

uint32_t flags_of(uint16_t dom)
{
    xen_domctl_getdomaininfo i{};
    return info_of(dom, i) == 0 ? i.flags : 0xDEADu;
}

int32_t simple(uint32_t cmd, uint16_t dom)
{
    xen_domctl_t op = domctl_op(cmd, dom);
    return domctl(&op);
}

xen_domctl_createdomain pv_config(uint32_t vcpus)
{
    xen_domctl_createdomain c{};
    c.max_vcpus = vcpus;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(1);
    return c;
}

int32_t create(uint16_t want, const xen_domctl_createdomain& c, uint16_t& got)
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_createdomain, want);
    op.u.createdomain = c;
    int32_t rc = domctl(&op);
    got = op.domain;
    return rc;
}

int32_t create_with(void (*spoil)(xen_domctl_createdomain&))
{
    xen_domctl_createdomain c = pv_config(1);
    spoil(c);
    uint16_t id;
    return create(0, c, id);
}

void test_gates()
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_getdomaininfo, 0);
    op.interface_version = 0x17;
    CHECK_EQ(domctl(&op), -XEN_EACCES, "domctl: an older interface version is -EACCES");
    op.interface_version = 0x19;
    CHECK_EQ(domctl(&op), -XEN_EACCES, "domctl: a newer interface version is -EACCES");
    op = domctl_op(XEN_DOMCTL_get_domain_state, 0);
    CHECK_EQ(domctl(&op), -XEN_EACCES, "domctl: the stable get_domain_state wants version 0 (-EACCES)");
    op.interface_version = 0;
    CHECK_EQ(domctl(&op), -XEN_ENOSYS, "  with version 0: -ENOSYS (not implemented)");
    CHECK_EQ(hc::call(__HYPERVISOR_domctl, bad_va), -XEN_EFAULT, "domctl: op in the hypervisor is -EFAULT");
    CHECK_EQ(hc::call(__HYPERVISOR_domctl, 0), -XEN_EFAULT, "domctl: NULL op is -EFAULT");
    CHECK_EQ(simple(999, 0), -XEN_ENOSYS, "domctl: unknown command is -ENOSYS");
    CHECK_EQ(simple(70, 0), -XEN_ENOSYS, "domctl: set_max_evtchn (gone from this version) is -ENOSYS");
    CHECK_EQ(simple(XEN_DOMCTL_setdebugging, 0), -XEN_ENOSYS, "domctl: setdebugging is -ENOSYS");
    CHECK_EQ(simple(XEN_DOMCTL_getdomaininfo, 123), -XEN_ESRCH, "domctl: getdomaininfo of no domain is -ESRCH");
    CHECK_EQ(simple(XEN_DOMCTL_getdomaininfo, 1), -XEN_ESRCH,
             "  exactly that id, not the next one (Xen since 4.18; domain 0 exists below)");
    CHECK_EQ(simple(XEN_DOMCTL_pausedomain, DOMID_SELF), -XEN_ESRCH, "domctl: DOMID_SELF names no domain (-ESRCH)");
    CHECK_EQ(simple(999, 4000), -XEN_ESRCH, "domctl: the domain is looked up before the command (-ESRCH)");

    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_sched_id);
    s.interface_version = 0x15;
    CHECK_EQ(sysctl(&s), -XEN_EACCES, "sysctl: another interface version is -EACCES");
    CHECK_EQ(hc::call(__HYPERVISOR_sysctl, bad_va), -XEN_EFAULT, "sysctl: op in the hypervisor is -EFAULT");
    s = sysctl_op(XEN_SYSCTL_tbuf_op);
    CHECK_EQ(sysctl(&s), -XEN_ENOSYS, "sysctl: tbuf_op is -ENOSYS");
    s = sysctl_op(12345);
    CHECK_EQ(sysctl(&s), -XEN_ENOSYS, "sysctl: unknown command is -ENOSYS");
    s = sysctl_op(XEN_SYSCTL_sched_id);
    CHECK_EQ(sysctl(&s), 0, "sysctl sched_id");
    CHECK_EQ(s.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT, "  is the credit scheduler");
}

void test_dom0_info()
{
    xen_domctl_getdomaininfo i{};
    CHECK_EQ(info_of(0, i), 0, "getdomaininfo of dom0");
    start_info_t* si = guest_start_info();
    CHECK_EQ(i.domain, 0, "  domain 0");
    CHECK((i.flags & XEN_DOMINF_running) != 0, "  running (this vCPU is)");
    CHECK((i.flags & (XEN_DOMINF_paused | XEN_DOMINF_dying | XEN_DOMINF_shutdown | XEN_DOMINF_blocked)) == 0,
          "  not paused, dying, shut down or blocked");
    CHECK_EQ(i.flags >> XEN_DOMINF_shutdownshift, 0xFFFF, "  no shutdown code (all ones, as Xen)");
    CHECK_EQ(i.tot_pages, si->nr_pages, "  tot_pages is start_info's nr_pages");
    CHECK(i.max_pages >= i.tot_pages, "  max_pages >= tot_pages");
    CHECK_EQ(i.shared_info_frame, si->shared_info >> 12, "  shared_info_frame is the shared_info mfn");
    CHECK_EQ(i.nr_online_vcpus, 1, "  one vCPU online");
    CHECK_EQ(i.max_vcpu_id, 1, "  max_vcpu_id 1 (one vCPU per CPU)");
    CHECK(i.cpu_time > 0, "  cpu_time counts what it ran");
    CHECK_EQ(i.cpupool, 0, "  cpupool 0");
    CHECK_EQ(i.arch_config.emulation_flags, XEN_X86_EMU_PIT, "  a PV hardware domain has the PIT (as Xen)");
    CHECK_EQ(simple(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL, "pausedomain of the caller's own domain is -EINVAL");
    CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL, "unpausedomain of dom0 (no controller pause) is -EINVAL");
}

uint16_t d1, d5, d2; // domains made here

void test_create()
{
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.flags = XEN_DOMCTL_CDF_hvm; }), -XEN_EINVAL,
             "createdomain: HVM is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.flags = XEN_DOMCTL_CDF_hap; }), -XEN_EINVAL,
             "createdomain: HAP without HVM is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.flags = 1u << 12; }), -XEN_EINVAL,
             "createdomain: an unknown flag is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.max_vcpus = 0; }), -XEN_EINVAL,
             "createdomain: no vCPUs is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.max_vcpus = 33; }), -XEN_EINVAL,
             "createdomain: too many vCPUs (33) is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.arch.emulation_flags = XEN_X86_EMU_LAPIC; }),
             -XEN_EOPNOTSUPP, "createdomain: an emulated LAPIC for PV is -EOPNOTSUPP");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.grant_opts = 0; }), -XEN_EINVAL,
             "createdomain: grant version 0 is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.vmtrace_size = 4096; }), -XEN_EINVAL,
             "createdomain: vmtrace is -EINVAL");
    CHECK_EQ(create_with([](xen_domctl_createdomain& c) { c.cpupool_id = 3; }), -XEN_ENOENT,
             "createdomain: CPU pool 3 is -ENOENT");
    uint16_t taken;
    CHECK_EQ(create(0 + 0, pv_config(1), d1), 0, "createdomain with domain 0: the next free id");
    CHECK_EQ(d1, 1, "  is 1");
    xen_domctl_createdomain c = pv_config(2);
    for (unsigned i = 0; i < 16; ++i)
        c.handle[i] = static_cast<uint8_t>(0xA0 + i);
    c.max_grant_frames = 2;
    CHECK_EQ(create(5, c, d5), 0, "createdomain with domain 5, two vCPUs, a handle");
    CHECK_EQ(d5, 5, "  is 5");
    CHECK_EQ(create(5, pv_config(1), taken), -XEN_EEXIST, "createdomain with id 5 again is -EEXIST");
    CHECK_EQ(create(DOMID_FIRST_RESERVED, pv_config(1), d2), 0, "createdomain with a reserved id: the next free one");
    CHECK_EQ(d2, 2, "  is 2 (after the last one given)");
}

void test_new_domain_info()
{
    xen_domctl_getdomaininfo i{};
    CHECK_EQ(info_of(d5, i), 0, "getdomaininfo of the new domain 5");
    CHECK_EQ(i.domain, 5, "  domain 5");
    CHECK_EQ(i.flags & 0xFFFF, XEN_DOMINF_paused, "  paused by its controller, nothing else (no vCPU online)");
    CHECK_EQ(i.nr_online_vcpus, 0, "  no vCPU online");
    CHECK_EQ(i.max_vcpu_id, 1, "  max_vcpu_id 1");
    CHECK_EQ(i.tot_pages, 0, "  no memory yet");
    CHECK_EQ(i.max_pages, 0, "  max_pages 0");
    CHECK(i.shared_info_frame != 0 && i.shared_info_frame != guest_start_info()->shared_info >> 12,
          "  a shared_info frame of its own");
    CHECK_EQ(i.cpu_time, 0, "  cpu_time 0");
    bool same = true;
    for (unsigned k = 0; k < 16; ++k)
        same = same && i.handle[k] == 0xA0 + k;
    CHECK(same, "  the handle given at creation");
}

void test_pause()
{
    CHECK_EQ(simple(XEN_DOMCTL_pausedomain, d5), 0, "pausedomain (nested: 2 levels)");
    CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, d5), 0, "unpausedomain (1 level left)");
    CHECK((flags_of(d5) & XEN_DOMINF_paused) != 0, "  still paused");
    CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, d5), 0, "unpausedomain (the creation pause)");
    CHECK((flags_of(d5) & XEN_DOMINF_paused) == 0, "  no longer paused");
    CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, d5), -XEN_EINVAL, "unpausedomain once more is -EINVAL");
    CHECK_EQ(simple(XEN_DOMCTL_pausedomain, d5), 0, "pausedomain again");
    CHECK((flags_of(d5) & XEN_DOMINF_paused) != 0, "  paused");
    int32_t rc = 0;
    unsigned n = 0;
    while (n < 300 && (rc = simple(XEN_DOMCTL_pausedomain, d1)) == 0)
        ++n;
    CHECK_EQ(rc, -XEN_EOVERFLOW, "pausedomain beyond 255 levels is -EOVERFLOW");
    CHECK_EQ(n, 254, "  after 254 more (255 with the creation pause)");
    while (n-- > 0)
        (void)simple(XEN_DOMCTL_unpausedomain, d1);
    CHECK((flags_of(d1) & XEN_DOMINF_paused) != 0, "  unwound to the creation pause");
}

void test_list()
{
    static xen_domctl_getdomaininfo list[8];
    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_getdomaininfolist);
    s.u.getdomaininfolist.first_domain = 0;
    s.u.getdomaininfolist.max_domains = 8;
    s.u.getdomaininfolist.buffer = h(list);
    CHECK_EQ(sysctl(&s), 0, "sysctl getdomaininfolist from 0");
    CHECK_EQ(s.u.getdomaininfolist.num_domains, 4, "  four domains");
    CHECK(list[0].domain == 0 && list[1].domain == 1 && list[2].domain == 2 && list[3].domain == 5,
          "  0, 1, 2, 5 in id order");
    CHECK((list[3].flags & XEN_DOMINF_paused) != 0, "  entries are getdomaininfo's (5 paused)");
    s.u.getdomaininfolist.first_domain = 2;
    s.u.getdomaininfolist.max_domains = 1;
    CHECK_EQ(sysctl(&s), 0, "getdomaininfolist from 2, at most 1");
    CHECK(s.u.getdomaininfolist.num_domains == 1 && list[0].domain == 2, "  just domain 2");
    s.u.getdomaininfolist.max_domains = 0;
    CHECK_EQ(sysctl(&s), 0, "getdomaininfolist of at most 0");
    CHECK_EQ(s.u.getdomaininfolist.num_domains, 0, "  none");
    CHECK_EQ(simple(XEN_DOMCTL_getdomaininfo, 3), -XEN_ESRCH, "getdomaininfo of 3 (between 2 and 5) is -ESRCH");
    s.u.getdomaininfolist.max_domains = 8;
    s.u.getdomaininfolist.buffer = bad_va;
    CHECK_EQ(sysctl(&s), -XEN_EFAULT, "getdomaininfolist into the hypervisor is -EFAULT");
    s.u.getdomaininfolist.buffer = h(list) | (1ull << 32);
    CHECK_EQ(sysctl(&s), -XEN_EFAULT, "  a handle with its high half set is -EFAULT");
}

void test_limits()
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_max_mem, d5);
    op.u.max_mem.max_memkb = 8192;
    CHECK_EQ(domctl(&op), 0, "max_mem 8 MiB");
    xen_domctl_getdomaininfo i{};
    (void)info_of(d5, i);
    CHECK_EQ(i.max_pages, 2048, "  max_pages 2048");
    op.u.max_mem.max_memkb = ~0ull;
    CHECK_EQ(domctl(&op), 0, "max_mem of 2^64-1 KiB");
    (void)info_of(d5, i);
    CHECK_EQ(i.max_pages, 0xFFFFFFFFu, "  max_pages saturates");
    op = domctl_op(XEN_DOMCTL_max_vcpus, d5);
    op.u.max_vcpus.max = 2;
    CHECK_EQ(domctl(&op), 0, "max_vcpus with createdomain's count");
    op.u.max_vcpus.max = 3;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "max_vcpus with another count is -EINVAL");
    op = domctl_op(XEN_DOMCTL_max_vcpus, 0);
    op.u.max_vcpus.max = 2;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "max_vcpus of the caller's own domain is -EINVAL");

    op = domctl_op(XEN_DOMCTL_setdomainhandle, d1);
    for (unsigned k = 0; k < 16; ++k)
        op.u.setdomainhandle.handle[k] = static_cast<uint8_t>(k * 3);
    CHECK_EQ(domctl(&op), 0, "setdomainhandle");
    (void)info_of(d1, i);
    CHECK(i.handle[0] == 0 && i.handle[5] == 15 && i.handle[15] == 45, "  getdomaininfo reports it");

    shared_info_t* sh = guest_shared_info();
    uint32_t before = sh->wc_sec;
    op = domctl_op(XEN_DOMCTL_settimeoffset, 0);
    op.u.settimeoffset.time_offset_seconds = 1000;
    CHECK_EQ(domctl(&op), 0, "settimeoffset +1000 s on dom0 itself (allowed, as Xen)");
    CHECK_EQ(sh->wc_sec - before, 1000, "  its wall clock moved 1000 s");
    op.u.settimeoffset.time_offset_seconds = 0;
    CHECK_EQ(domctl(&op), 0, "settimeoffset back to 0");
    CHECK_EQ(sh->wc_sec, before, "  wall clock back");
    op = domctl_op(XEN_DOMCTL_settimeoffset, d5);
    op.u.settimeoffset.time_offset_seconds = -3600;
    CHECK_EQ(domctl(&op), 0, "settimeoffset -1 h on domain 5");
}

int32_t shadow(uint16_t dom, uint32_t sop_, uint32_t mode, uint32_t* mb = nullptr)
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_shadow_op, dom);
    op.u.shadow_op.op = sop_;
    op.u.shadow_op.mode = mode;
    op.u.shadow_op.mb = 77;
    int32_t rc = domctl(&op);
    if (mb)
        *mb = op.u.shadow_op.mb;
    return rc;
}

void test_shadow()
{
    uint32_t mb = 1;
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_OFF, 0), 0, "shadow_op OFF: 0 (never on)");
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0), -XEN_EOPNOTSUPP,
             "shadow_op ENABLE_LOGDIRTY is -EOPNOTSUPP (no log-dirty for PV here)");
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_ENABLE, XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY), -XEN_EOPNOTSUPP,
             "shadow_op ENABLE with LOG_DIRTY is -EOPNOTSUPP");
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_ENABLE_TEST, 0), -XEN_EINVAL, "shadow_op ENABLE_TEST is -EINVAL");
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_CLEAN, 0), -XEN_EINVAL, "shadow_op CLEAN (log-dirty off) is -EINVAL");
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION, 0, &mb), 0, "shadow_op GET_ALLOCATION");
    CHECK_EQ(mb, 0, "  0 MiB");
    CHECK_EQ(shadow(d5, XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION, 0), -XEN_EINVAL, "shadow_op SET_ALLOCATION is -EINVAL");
    CHECK_EQ(shadow(0, XEN_DOMCTL_SHADOW_OP_OFF, 0), -XEN_EINVAL, "shadow_op on the caller's own domain is -EINVAL");
}

int32_t sched(uint16_t dom, uint32_t id, uint32_t cmd, uint16_t& weight, uint16_t& cap)
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_scheduler_op, dom);
    op.u.scheduler_op.sched_id = id;
    op.u.scheduler_op.cmd = cmd;
    op.u.scheduler_op.u.credit.weight = weight;
    op.u.scheduler_op.u.credit.cap = cap;
    int32_t rc = domctl(&op);
    weight = op.u.scheduler_op.u.credit.weight;
    cap = op.u.scheduler_op.u.credit.cap;
    return rc;
}

// putinfo (weight, cap) on domain 5, then what getinfo reports.
int32_t put_then_get(uint16_t weight, uint16_t cap, uint16_t& w, uint16_t& c)
{
    w = weight;
    c = cap;
    int32_t rc = sched(d5, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, w, c);
    w = c = 0;
    (void)sched(d5, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo, w, c);
    return rc;
}

void test_sched()
{
    uint16_t w = 0, c = 0;
    CHECK_EQ(sched(d5, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo, w, c), 0, "scheduler_op getinfo");
    CHECK(w == 256 && c == 0, "  weight 256, cap 0 (the defaults)");
    CHECK_EQ(put_then_get(512, 50, w, c), 0, "putinfo weight 512 cap 50");
    CHECK(w == 512 && c == 50, "  getinfo gives them back");
    CHECK_EQ(put_then_get(0, 0xFFFF, w, c), 0, "putinfo weight 0 cap 0xFFFF");
    CHECK(w == 512 && c == 50, "  keeps both");
    CHECK_EQ(sched(d5, XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo, w, c), -XEN_EINVAL,
             "scheduler_op naming credit2 is -EINVAL");
    CHECK_EQ(sched(d5, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putvcpuinfo, w, c), -XEN_EINVAL,
             "scheduler_op putvcpuinfo (not credit's) is -EINVAL");
    CHECK_EQ(sched(d5, XEN_SCHEDULER_CREDIT, 9, w, c), -XEN_EINVAL, "scheduler_op unknown command is -EINVAL");
    w = 256;
    c = 0;
    CHECK_EQ(sched(0, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, w, c), 0, "dom0 may set its own weight");
}

int32_t affinity(uint32_t cmd, uint16_t dom, uint32_t vcpu, uint32_t flags, uint8_t* hard, uint32_t hard_bits,
                 uint8_t* soft, uint32_t soft_bits)
{
    xen_domctl_t op = domctl_op(cmd, dom);
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = flags;
    op.u.vcpuaffinity.cpumap_hard.bitmap = hard ? h(hard) : 0;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = hard_bits;
    op.u.vcpuaffinity.cpumap_soft.bitmap = soft ? h(soft) : 0;
    op.u.vcpuaffinity.cpumap_soft.nr_bits = soft_bits;
    return domctl(&op);
}

void test_affinity()
{
    static uint8_t hard[4], soft[4];
    constexpr uint32_t set = XEN_DOMCTL_setvcpuaffinity, get = XEN_DOMCTL_getvcpuaffinity;
    hard[0] = 0x2;
    CHECK_EQ(affinity(set, d5, 1, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), 0, "setvcpuaffinity hard {1}");
    CHECK_EQ(hard[0], 0x2, "  the effective mask {1} comes back");
    hard[0] = 0xFF;
    CHECK_EQ(affinity(get, d5, 1, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), 0, "getvcpuaffinity hard");
    CHECK_EQ(hard[0], 0x2, "  {1}");
    hard[0] = 0xFF;
    CHECK_EQ(affinity(get, d5, 0, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), 0, "getvcpuaffinity of vCPU 0");
    CHECK_EQ(hard[0], 0xFF, "  all CPUs (the default)");
    hard[0] = 0x7;
    CHECK_EQ(affinity(set, d5, 0, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), 0, "setvcpuaffinity hard {0,1,2}");
    CHECK_EQ(hard[0], 0x3, "  comes back as the online CPUs in it, {0,1}");
    hard[0] = 0x4;
    CHECK_EQ(affinity(set, d5, 0, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), -XEN_EINVAL,
             "setvcpuaffinity to offline CPUs only ({2}) is -EINVAL");
    hard[0] = 0xFF;
    (void)affinity(get, d5, 0, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0);
    CHECK_EQ(hard[0], 0x7, "  nothing changed: still {0,1,2}");
    hard[0] = 0xFE;
    CHECK_EQ(affinity(set, d5, 0, XEN_VCPUAFFINITY_HARD, hard, 1, nullptr, 0), -XEN_EINVAL,
             "bits beyond nr_bits are not read ({1..7} in 1 bit: empty, -EINVAL)");
    hard[0] = 0xFF;
    hard[1] = 0xFF;
    CHECK_EQ(affinity(get, d5, 1, XEN_VCPUAFFINITY_HARD, hard, 12, nullptr, 0), 0, "getvcpuaffinity into 12 bits");
    CHECK(hard[0] == 0x2 && hard[1] == 0, "  the bytes past the mask are zeroed");
    soft[0] = 0x1;
    CHECK_EQ(affinity(set, d5, 1, XEN_VCPUAFFINITY_SOFT, nullptr, 0, soft, 8), 0, "setvcpuaffinity soft {0}");
    CHECK_EQ(soft[0], 0, "  effective soft = soft & hard {1} = {}");
    soft[0] = 0xFF;
    CHECK_EQ(affinity(get, d5, 1, XEN_VCPUAFFINITY_SOFT, nullptr, 0, soft, 8), 0, "getvcpuaffinity soft");
    CHECK_EQ(soft[0], 0x1, "  {0} as set");
    CHECK_EQ(affinity(set, d5, 1, 0, hard, 8, nullptr, 0), -XEN_EINVAL, "setvcpuaffinity without flags is -EINVAL");
    CHECK_EQ(affinity(set, d5, 1, XEN_VCPUAFFINITY_HARD, nullptr, 8, nullptr, 0), -XEN_EINVAL,
             "setvcpuaffinity HARD with a NULL bitmap is -EINVAL");
    CHECK_EQ(affinity(get, d5, 40, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), -XEN_EINVAL,
             "vcpuaffinity of vCPU 40 (beyond any domain's) is -EINVAL");
    CHECK_EQ(affinity(get, d5, 2, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0), -XEN_EINVAL,
             "vcpuaffinity of vCPU 2 of a 2-vCPU domain is -EINVAL (beyond its max_vcpus)");
    xen_domctl_t op = domctl_op(set, d5);
    op.u.vcpuaffinity.vcpu = 1;
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op.u.vcpuaffinity.cpumap_hard.bitmap = bad_va;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    CHECK_EQ(domctl(&op), -XEN_EFAULT, "setvcpuaffinity from a hypervisor address is -EFAULT");
    hard[0] = 0xFF;
    (void)affinity(get, d5, 1, XEN_VCPUAFFINITY_HARD, hard, 8, nullptr, 0);
    CHECK_EQ(hard[0], 0x2, "  nothing changed");
}

alignas(16) uint8_t v1_stack[4096];
vcpu_guest_context_t ctx, back;
extern "C" void never_runs() { for (;;) (void)hc::sched_yield(); }

uint32_t l3_mfn() { return pfn_to_mfn(virt_to_pfn(reinterpret_cast<void*>(guest_start_info()->pt_base))); }

void context_for_dom0_vcpu1(vcpu_guest_context_t& c)
{
    c = vcpu_guest_context_t{};
    c.flags = VGCF_IN_KERNEL;
    c.user_regs.ds = c.user_regs.es = FLAT_KERNEL_DS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.user_regs.cs = FLAT_KERNEL_CS & ~3u;
    c.user_regs.eip = hc::arg(never_runs);
    c.user_regs.esp = hc::arg(v1_stack + sizeof v1_stack);
    c.user_regs.eflags = 0x1000; // IOPL 1
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = c.user_regs.esp;
    c.ctrlreg[3] = xen_pfn_to_cr3(l3_mfn());
    c.event_callback_cs = FLAT_KERNEL_CS;
    c.event_callback_eip = 0x1234;
}

int32_t vcpucontext(uint32_t cmd, uint16_t dom, uint32_t vcpu, xen_ctl_handle_t p)
{
    xen_domctl_t op = domctl_op(cmd, dom);
    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt = p;
    return domctl(&op);
}

void test_vcpus()
{
    constexpr uint32_t getc = XEN_DOMCTL_getvcpucontext, setc = XEN_DOMCTL_setvcpucontext;
    CHECK_EQ(vcpucontext(getc, 0, 0, h(&back)), -XEN_EINVAL, "getvcpucontext of the calling vCPU is -EINVAL");
    CHECK_EQ(vcpucontext(getc, 0, 1, h(&back)), -XEN_ENODATA, "getvcpucontext of dom0's vCPU 1 before it has one: -ENODATA");
    CHECK_EQ(vcpucontext(getc, d5, 0, h(&back)), -XEN_ENODATA, "getvcpucontext of a new domain's vCPU: -ENODATA");
    CHECK_EQ(vcpucontext(getc, d5, 2, h(&back)), -XEN_EINVAL, "getvcpucontext of a vCPU it does not have: -EINVAL");
    context_for_dom0_vcpu1(ctx);
    CHECK_EQ(hc::vcpu_op(VCPUOP_initialise, 1, &ctx), 0, "VCPUOP_initialise dom0's vCPU 1 (left down)");
    back = vcpu_guest_context_t{};
    CHECK_EQ(vcpucontext(getc, 0, 1, h(&back)), 0, "getvcpucontext of dom0's vCPU 1");
    CHECK(back.user_regs.eip == ctx.user_regs.eip && back.user_regs.esp == ctx.user_regs.esp,
          "  eip and esp as given");
    CHECK_EQ(back.user_regs.cs, FLAT_KERNEL_CS, "  cs with RPL 1 (fixed up)");
    CHECK_EQ((back.user_regs.eflags >> 12) & 3, 1, "  IOPL 1 back in EFLAGS");
    CHECK_EQ(back.ctrlreg[3], ctx.ctrlreg[3], "  ctrlreg[3] the same L3");
    CHECK(back.kernel_sp == ctx.kernel_sp && back.event_callback_eip == 0x1234, "  kernel stack and callback");
    CHECK((back.flags & VGCF_online) == 0, "  not online (down)");
    CHECK_EQ(vcpucontext(getc, 0, 1, bad_va), -XEN_EFAULT, "getvcpucontext into the hypervisor is -EFAULT");
    CHECK_EQ(vcpucontext(getc, 0, 1, h(&back) | (1ull << 32)), -XEN_EFAULT,
             "getvcpucontext with a handle's high half set is -EFAULT");

    CHECK_EQ(vcpucontext(setc, 0, 1, h(&ctx)), -XEN_EINVAL, "setvcpucontext on the caller's own domain is -EINVAL");
    CHECK_EQ(vcpucontext(setc, d5, 2, h(&ctx)), -XEN_EINVAL, "setvcpucontext of a vCPU it does not have: -EINVAL");
    CHECK_EQ(vcpucontext(setc, d5, 0, 0), 0, "setvcpucontext with NULL resets a vCPU that has no context: 0");
    CHECK_EQ(vcpucontext(setc, d5, 0, bad_va), -XEN_EFAULT, "setvcpucontext from the hypervisor is -EFAULT");
    ctx.user_regs.eflags |= 1u << 17;
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), -XEN_EINVAL, "setvcpucontext with VM86 set is -EINVAL");
    context_for_dom0_vcpu1(ctx);
    ctx.ldt_ents = 8193;
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), -XEN_EINVAL, "setvcpucontext with 8193 LDT entries is -EINVAL");
    context_for_dom0_vcpu1(ctx);
    int32_t rc = vcpucontext(setc, d5, 0, h(&ctx));
    CHECK(rc < 0, "setvcpucontext with dom0's L3 as domain 5's base pointer is refused");
    CHECK_EQ(vcpucontext(getc, d5, 0, h(&back)), -XEN_ENODATA, "  nothing kept: still no context");

    xen_domctl_t op = domctl_op(XEN_DOMCTL_getvcpuinfo, 0);
    op.u.getvcpuinfo.vcpu = 0;
    CHECK_EQ(domctl(&op), 0, "getvcpuinfo of dom0's vCPU 0");
    CHECK(op.u.getvcpuinfo.online == 1 && op.u.getvcpuinfo.running == 1 && op.u.getvcpuinfo.blocked == 0,
          "  online, running, not blocked");
    CHECK(op.u.getvcpuinfo.cpu_time > 0 && op.u.getvcpuinfo.cpu < 2, "  has run, on CPU 0 or 1");
    op = domctl_op(XEN_DOMCTL_getvcpuinfo, d5);
    op.u.getvcpuinfo.vcpu = 1;
    CHECK_EQ(domctl(&op), 0, "getvcpuinfo of domain 5's vCPU 1");
    CHECK(op.u.getvcpuinfo.online == 0 && op.u.getvcpuinfo.running == 0 && op.u.getvcpuinfo.cpu_time == 0,
          "  offline, not running, never ran");
    op.u.getvcpuinfo.vcpu = 2;
    CHECK_EQ(domctl(&op), -XEN_ENOENT, "getvcpuinfo of a vCPU it does not have is -ENOENT");
}

// Maps frame mfn of domain dom in window 0 (unwindow when done), or nullptr.
uint8_t* map_foreign(uint16_t dom, uint32_t mfn, bool writable)
{
    uint64_t pte = pt::entry(mfn, writable ? pt::data_rw : pt::data_ro);
    int32_t rc = hc::call(__HYPERVISOR_update_va_mapping_otherdomain, pt::window_va(0),
                          static_cast<uint32_t>(pte), static_cast<uint32_t>(pte >> 32), UVMF_INVLPG, dom);
    return rc == 0 ? reinterpret_cast<uint8_t*>(pt::window_va(0)) : nullptr;
}

// A ring-1 kernel context on the flat selectors, online, on L3 'l3'.
void domu_context(vcpu_guest_context_t& c, uint32_t eip, uint32_t esp, uint32_t l3)
{
    c = vcpu_guest_context_t{};
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = c.user_regs.ds = c.user_regs.es = FLAT_KERNEL_DS;
    c.user_regs.eip = eip;
    c.user_regs.esp = esp;
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = esp;
    c.ctrlreg[3] = xen_pfn_to_cr3(l3);
}

// A context domain 5 can take: its own L3 (slot 3: a zeroed L2), made
// from two frames dom0 gives it and writes through a foreign mapping.
uint32_t d5_l3, d5_l2;

bool give_d5_page_tables()
{
    static xen_pfn_t frames[2] = {0, 1};
    xen_memory_reservation_t r{};
    r.extent_start = hc::arg(frames);
    r.nr_extents = 2;
    r.domid = d5;
    if (hc::memory_op(XENMEM_populate_physmap, &r) != 2)
        return false;
    d5_l3 = frames[0];
    d5_l2 = frames[1];
    uint8_t* page = map_foreign(d5, d5_l3, true);
    if (!page)
        return false;
    reinterpret_cast<volatile uint64_t*>(page)[3] = pt::entry(d5_l2, pt::l3_flags);
    pt::unwindow(0);
    return true;
}

void test_domu_context()
{
    constexpr uint32_t getc = XEN_DOMCTL_getvcpucontext, setc = XEN_DOMCTL_setvcpucontext;
    CHECK(give_d5_page_tables(), "domain 5 gets two frames (populate_physmap) and an L3 written by dom0");
    xen_domctl_getdomaininfo i{};
    (void)info_of(d5, i);
    CHECK_EQ(i.tot_pages, 2, "  getdomaininfo: tot_pages 2");
    domu_context(ctx, 0x1000, 0x2000, d5_l3);
    // vCPU 0's first context sets the domain's assists (Xen's
    // arch_set_info_guest): one not offered refuses the whole context.
    ctx.vm_assist = 1u << VMASST_TYPE_4gb_segments;
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), -XEN_EINVAL, "setvcpucontext asking for 4gb_segments is -EINVAL");
    CHECK_EQ(vcpucontext(getc, d5, 0, h(&back)), -XEN_ENODATA, "  nothing kept: still no context");
    ctx.vm_assist = 1u << VMASST_TYPE_pae_extended_cr3 | 1u << VMASST_TYPE_writable_pagetables;
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), 0, "setvcpucontext of domain 5's vCPU 0 with its own L3, online");
    (void)info_of(d5, i);
    CHECK(i.nr_online_vcpus == 1 && (i.flags & XEN_DOMINF_paused) != 0 && (i.flags & XEN_DOMINF_running) == 0,
          "  one vCPU online, the domain still paused, nothing running");
    back = vcpu_guest_context_t{};
    CHECK_EQ(vcpucontext(getc, d5, 0, h(&back)), 0, "getvcpucontext of it");
    CHECK(back.user_regs.eip == 0x1000 && back.ctrlreg[3] == ctx.ctrlreg[3] && (back.flags & VGCF_online) != 0,
          "  eip, the L3 and online as set");
    CHECK_EQ(back.vm_assist, 1u << VMASST_TYPE_pae_extended_cr3 | 1u << VMASST_TYPE_writable_pagetables,
             "  the domain's assists are the context's");
    ctx.user_regs.eip = 0x3000;
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), 0, "setvcpucontext again, same tables, other registers");
    (void)vcpucontext(getc, d5, 0, h(&back));
    CHECK_EQ(back.user_regs.eip, 0x3000, "  the new eip");
    ctx.ctrlreg[3] = xen_pfn_to_cr3(d5_l2);
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), -XEN_EOPNOTSUPP,
             "setvcpucontext with another base pointer once it has one is -EOPNOTSUPP");
    ctx.ctrlreg[3] = xen_pfn_to_cr3(d5_l3);
    ctx.gdt_ents = 16;
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), -XEN_EOPNOTSUPP, "  and with another GDT");
    (void)vcpucontext(getc, d5, 0, h(&back));
    CHECK(back.user_regs.eip == 0x3000 && back.gdt_ents == 0, "  nothing of the refused ones kept");
    CHECK_EQ(vcpucontext(setc, d5, 0, 0), 0, "setvcpucontext with NULL: a vCPU reset");
    CHECK_EQ(vcpucontext(getc, d5, 0, h(&back)), -XEN_ENODATA, "  no context any more (-ENODATA)");
    (void)info_of(d5, i);
    CHECK_EQ(i.nr_online_vcpus, 0, "  and down");
    // A refused first context of vCPU 0 leaves the domain's assists as
    // they were; vCPU 1's context (which carries none) shows them.
    domu_context(ctx, 0x5000, 0x2000, d5_l3);
    ctx.flags &= ~VGCF_online;
    CHECK_EQ(vcpucontext(setc, d5, 1, h(&ctx)), 0, "setvcpucontext of domain 5's vCPU 1, offline");
    context_for_dom0_vcpu1(ctx);
    ctx.vm_assist = 1u << VMASST_TYPE_architectural_iopl;
    CHECK(vcpucontext(setc, d5, 0, h(&ctx)) < 0, "vCPU 0's first context with dom0's L3 and other assists: refused");
    CHECK_EQ(vcpucontext(getc, d5, 1, h(&back)), 0, "  getvcpucontext of vCPU 1");
    CHECK_EQ(back.vm_assist, 1u << VMASST_TYPE_pae_extended_cr3 | 1u << VMASST_TYPE_writable_pagetables,
             "  the domain's assists as before the refused context");
    CHECK_EQ(vcpucontext(setc, d5, 1, 0), 0, "  vCPU 1 reset again");
    domu_context(ctx, 0x4000, 0x2000, d5_l3);
    CHECK_EQ(vcpucontext(setc, d5, 0, h(&ctx)), 0, "  a new first context is taken (its L3 again)");
    (void)vcpucontext(getc, d5, 0, h(&back));
    CHECK_EQ(back.user_regs.eip, 0x4000, "  with its registers");
}

// mmuext_op with foreigndom = domain 5: a controller pins and unpins the
// tables of a domain it builds; nothing about its own address space may be
// named that way, and a frame not domain 5's cannot be pinned as one.
int32_t ext_on(uint32_t cmd, uint32_t mfn, uint32_t dom) { return pt::ext(cmd, mfn, dom); }

void test_foreign_mmuext()
{
    CHECK_EQ(ext_on(MMUEXT_PIN_L3_TABLE, d5_l3, d5), 0, "mmuext_op on domain 5: pin its L3");
    CHECK_EQ(ext_on(MMUEXT_PIN_L3_TABLE, d5_l3, d5), -XEN_EINVAL, "  pinning it again is -EINVAL");
    CHECK(map_foreign(d5, d5_l3, true) == nullptr, "  the pinned L3 can no longer be mapped writable");
    CHECK(map_foreign(d5, d5_l2, true) == nullptr, "  nor the L2 it references");
    uint8_t* ro = map_foreign(d5, d5_l3, false);
    CHECK(ro != nullptr && (reinterpret_cast<volatile uint64_t*>(ro)[3] & ~0xFFFull) ==
                               (pt::entry(d5_l2, pt::l3_flags) & ~0xFFFull),
          "  read-only it can, and shows the L2 in slot 3");
    pt::unwindow(0);
    CHECK_EQ(ext_on(MMUEXT_PIN_L2_TABLE, pt::boot_l3(), d5), -XEN_EINVAL,
             "pinning one of dom0's frames as domain 5's table is -EINVAL");
    CHECK_EQ(ext_on(MMUEXT_NEW_BASEPTR, d5_l3, d5), -XEN_EPERM, "NEW_BASEPTR naming domain 5 is -EPERM");
    CHECK_EQ(ext_on(MMUEXT_TLB_FLUSH_LOCAL, 0, d5), -XEN_EPERM, "TLB_FLUSH_LOCAL naming domain 5 is -EPERM");
    CHECK_EQ(ext_on(MMUEXT_SET_LDT, 0, d5), -XEN_EPERM, "SET_LDT naming domain 5 is -EPERM");
    CHECK_EQ(ext_on(MMUEXT_PIN_L3_TABLE, d5_l3, DOMID_IO), -XEN_EINVAL, "DOMID_IO is no PV domain: -EINVAL");
    CHECK_EQ(ext_on(MMUEXT_PIN_L3_TABLE, d5_l3, DOMID_XEN), -XEN_EINVAL, "  nor DOMID_XEN");
    CHECK_EQ(ext_on(MMUEXT_PIN_L3_TABLE, d5_l3, 0), -XEN_ESRCH, "dom0 naming itself by id is -ESRCH");
    CHECK_EQ(ext_on(MMUEXT_UNPIN_TABLE, d5_l3, d5), 0, "unpin domain 5's L3");
    CHECK_EQ(ext_on(MMUEXT_UNPIN_TABLE, d5_l3, d5), -XEN_EINVAL, "  unpinning it again is -EINVAL");
    // Its vCPU context still holds the L3 as a base table: still not writable.
    CHECK(map_foreign(d5, d5_l3, true) == nullptr, "  still typed while its vCPU's context uses it");
    CHECK_EQ(ext_on(MMUEXT_CLEAR_PAGE, d5_l2, d5), -XEN_EINVAL, "CLEAR_PAGE of domain 5's typed L2 is -EINVAL");
}

// XEN_DOMCTL_hypercall_init on domain 5: the stubs go into a frame of its
// own that it could write, nowhere else.
void test_hypercall_init()
{
    static xen_pfn_t page[1] = {2};
    xen_memory_reservation_t r{};
    r.extent_start = hc::arg(page);
    r.nr_extents = 1;
    r.domid = d5;
    CHECK_EQ(hc::memory_op(XENMEM_populate_physmap, &r), 1, "domain 5 gets a third frame");
    xen_domctl_t op = domctl_op(XEN_DOMCTL_hypercall_init, d5);
    op.u.hypercall_init.gmfn = page[0];
    CHECK_EQ(domctl(&op), 0, "hypercall_init on domain 5's data frame");
    uint8_t* p = map_foreign(d5, page[0], false);
    // Stub 17 (xen_version) at 17*32: mov $17, %eax; int $0x82; ret.
    static const uint8_t stub[] = {0xB8, 17, 0, 0, 0, 0xCD, 0x82, 0xC3};
    bool same = p != nullptr;
    for (unsigned i = 0; same && i < sizeof stub; ++i)
        same = p[17 * 32 + i] == stub[i];
    CHECK(same, "  its stub 17 is mov $17,%eax; int $0x82; ret");
    CHECK(p && p[17 * 32 + 8] == 0xCC, "  and int3 after it");
    pt::unwindow(0);
    op.u.hypercall_init.gmfn = d5_l3;
    CHECK_EQ(domctl(&op), -XEN_EPERM, "hypercall_init on domain 5's L3 (a page table) is -EPERM");
    op.u.hypercall_init.gmfn = pt::boot_l3();
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "hypercall_init on a frame not domain 5's is -EINVAL");
    op.u.hypercall_init.gmfn = 1ull << 40;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "  and on a frame number beyond any machine's");
}

// Domain 7 made into a running domU: six frames (code, data, stack, L1,
// L2, L3) written through foreign mappings, a context, unpaused.
constexpr uint16_t d7 = 7;
uint32_t d7_frame[6];
enum { code_f, data_f, stack_f, l1_f, l2_f, l3_f };

uint8_t* map_d7(unsigned f, bool writable) { return map_foreign(d7, d7_frame[f], writable); }

bool put_entry(unsigned table, unsigned slot, uint64_t e)
{
    uint8_t* t = map_d7(table, true);
    if (!t)
        return false;
    reinterpret_cast<volatile uint64_t*>(t)[slot] = e;
    pt::unwindow(0);
    return true;
}

bool build_d7()
{
    uint16_t id;
    if (create(d7, pv_config(1), id) != 0)
        return false;
    xen_domctl_t op = domctl_op(XEN_DOMCTL_max_mem, d7);
    op.u.max_mem.max_memkb = 64;
    if (domctl(&op) != 0)
        return false;
    for (uint32_t i = 0; i < 6; ++i)
        d7_frame[i] = i;
    xen_memory_reservation_t r{};
    r.extent_start = hc::arg(d7_frame);
    r.nr_extents = 6;
    r.domid = d7;
    if (hc::memory_op(XENMEM_populate_physmap, &r) != 6)
        return false;
    uint8_t* code = map_d7(code_f, true);
    if (!code)
        return false;
    for (char* b = domu_code; b < domu_code_end; ++b)
        code[b - domu_code] = static_cast<uint8_t>(*b);
    pt::unwindow(0);
    uint8_t* data = map_d7(data_f, true);
    if (!data)
        return false;
    xen_domctl_t info = domctl_op(XEN_DOMCTL_getdomaininfo, 0), pause = domctl_op(XEN_DOMCTL_pausedomain, 4000);
    xen_sysctl_t phys = sysctl_op(XEN_SYSCTL_physinfo);
    __builtin_memcpy(data, &info, sizeof info);
    __builtin_memcpy(data + 0x100, &pause, sizeof pause);
    __builtin_memcpy(data + 0x200, &phys, sizeof phys);
    pt::unwindow(0);
    return put_entry(l1_f, 0, pt::entry(d7_frame[code_f], pt::data_ro)) &&
           put_entry(l1_f, 1, pt::entry(d7_frame[data_f], pt::data_rw)) &&
           put_entry(l1_f, 2, pt::entry(d7_frame[stack_f], pt::data_rw)) &&
           put_entry(l2_f, 0, pt::entry(d7_frame[l1_f], pt::l2_flags)) &&
           put_entry(l3_f, 3, pt::entry(d7_frame[l2_f], pt::l3_flags));
}

// d7's data page word at 'off' (through a read-only foreign mapping).
uint32_t d7_word(uint32_t off)
{
    uint8_t* data = map_d7(data_f, false);
    uint32_t v = data ? *reinterpret_cast<volatile uint32_t*>(data + off) : 0xDEADDEADu;
    pt::unwindow(0);
    return v;
}

void spin_ms(uint64_t ms)
{
    uint64_t until = system_time_ns() + ms * 1000000;
    while (system_time_ns() < until)
        (void)hc::sched_yield();
}

void test_unprivileged()
{
    CHECK(build_d7(), "domain 7 built by dom0: code, data, stack and page tables through foreign mappings");
    domu_context(ctx, 0xC0000000u, 0xC0003000u, d7_frame[l3_f]);
    CHECK_EQ(vcpucontext(XEN_DOMCTL_setvcpucontext, d7, 0, h(&ctx)), 0, "setvcpucontext of domain 7's vCPU 0");
    CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, d7), 0, "unpausedomain: domain 7 runs");
    uint64_t give_up = system_time_ns() + 3000ull * 1000000;
    while (d7_word(0xF0C) != 1 && system_time_ns() < give_up)
        (void)hc::sched_yield();
    CHECK_EQ(d7_word(0xF0C), 1, "  it made its three calls");
    CHECK_EQ(static_cast<int32_t>(d7_word(0xF00)), -XEN_EPERM, "  an unprivileged getdomaininfo of dom0 is -EPERM");
    CHECK_EQ(static_cast<int32_t>(d7_word(0xF04)), -XEN_EPERM,
             "  an unprivileged pausedomain of no domain is -EPERM, not -ESRCH");
    CHECK_EQ(static_cast<int32_t>(d7_word(0xF08)), -XEN_EPERM, "  an unprivileged sysctl physinfo is -EPERM");
    xen_domctl_getdomaininfo i{};
    (void)info_of(d7, i);
    CHECK(i.nr_online_vcpus == 1 && (i.flags & XEN_DOMINF_paused) == 0 && i.cpu_time > 0,
          "getdomaininfo: domain 7 online, not paused, has run");
    CHECK_EQ(simple(XEN_DOMCTL_pausedomain, d7), 0, "pausedomain of the running domain 7");
    (void)info_of(d7, i);
    CHECK((i.flags & XEN_DOMINF_paused) != 0 && (i.flags & XEN_DOMINF_running) == 0,
          "  paused and not running once the call returns");
    uint32_t turns = d7_word(0xF10);
    spin_ms(50);
    CHECK_EQ(d7_word(0xF10), turns, "  it makes no progress while paused");
    back = vcpu_guest_context_t{};
    CHECK_EQ(vcpucontext(XEN_DOMCTL_getvcpucontext, d7, 0, h(&back)), 0, "getvcpucontext of the paused vCPU");
    CHECK(back.user_regs.eip >= 0xC0000000u && back.user_regs.eip < 0xC0001000u, "  stopped inside its code");
    CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, d7), 0, "unpausedomain");
    spin_ms(50);
    CHECK(d7_word(0xF10) != turns, "  it runs again");
    CHECK_EQ(simple(XEN_DOMCTL_pausedomain, d7), 0, "and paused for the rest of the test");
}

void test_physinfo()
{
    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_physinfo);
    CHECK_EQ(sysctl(&s), 0, "sysctl physinfo");
    const xen_sysctl_physinfo p = s.u.physinfo;
    xenpf_pcpuinfo_t cpu{};
    xen_platform_op_t pf{};
    pf.cmd = XENPF_get_cpuinfo;
    pf.interface_version = XENPF_INTERFACE_VERSION;
    (void)hc::call(__HYPERVISOR_platform_op, hc::arg(&pf));
    cpu = pf.u.pcpu_info;
    CHECK_EQ(p.nr_cpus, 2, "  2 CPUs (QEMU -smp 2)");
    CHECK_EQ(p.nr_cpus, cpu.max_present + 1, "  as platform_op get_cpuinfo counts them");
    CHECK_EQ(p.max_cpu_id, 1, "  max_cpu_id 1");
    CHECK(p.threads_per_core >= 1 && p.cores_per_socket >= 1, "  threads and cores per socket");
    printf("physinfo: %u threads/core, %u cores/socket, %u kHz, %u pages, %u free, max_mfn %#x\n",
           p.threads_per_core, p.cores_per_socket, p.cpu_khz, static_cast<uint32_t>(p.total_pages),
           static_cast<uint32_t>(p.free_pages), static_cast<uint32_t>(p.max_mfn));
    uint64_t mib = p.total_pages >> 8;
    CHECK(mib >= 100 && mib <= 128, "  total memory 100..128 MiB (QEMU -m 128M)");
    CHECK(p.free_pages > 0 && p.free_pages < p.total_pages, "  some memory free, less than all");
    CHECK(p.max_mfn + 1 >= p.total_pages, "  max_mfn covers RAM");
    CHECK(p.cpu_khz > 100000, "  cpu_khz above 100 MHz");
    CHECK_EQ(p.capabilities, XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2,
             "  capabilities: PV, grant v1 and v2 (no HVM)");
    CHECK(p.nr_nodes == 1 && p.max_node_id == 0, "  one NUMA node");
    CHECK((p.hw_cap[0] & 1) != 0, "  hw_cap[0] is CPUID 1 EDX (FPU set)");

    static xen_sysctl_cputopo topo[4];
    s = sysctl_op(XEN_SYSCTL_cputopoinfo);
    CHECK_EQ(sysctl(&s), 0, "cputopoinfo with a NULL buffer");
    CHECK_EQ(s.u.cputopoinfo.num_cpus, 2, "  asks for 2 entries");
    for (auto& t : topo)
        t = xen_sysctl_cputopo{0xEEEE, 0xEEEE, 0xEEEE};
    s.u.cputopoinfo.num_cpus = 4;
    s.u.cputopoinfo.cputopo = h(topo);
    CHECK_EQ(sysctl(&s), 0, "cputopoinfo into 4 entries");
    CHECK_EQ(s.u.cputopoinfo.num_cpus, 2, "  2 written");
    CHECK(topo[0].node == 0 && topo[1].node == 0 && topo[2].core == 0xEEEE, "  node 0 each, nothing past them");
    CHECK(topo[0].socket != topo[1].socket || topo[0].core != topo[1].core, "  two distinct CPUs");
    s.u.cputopoinfo.num_cpus = 1;
    CHECK_EQ(sysctl(&s), 0, "cputopoinfo into 1 entry");
    CHECK_EQ(s.u.cputopoinfo.num_cpus, 1, "  1 written");
    s.u.cputopoinfo.num_cpus = 2;
    s.u.cputopoinfo.cputopo = bad_va;
    CHECK_EQ(sysctl(&s), -XEN_EFAULT, "cputopoinfo into the hypervisor is -EFAULT");

    static xen_sysctl_meminfo mem[2];
    static uint32_t dist[4];
    s = sysctl_op(XEN_SYSCTL_numainfo);
    CHECK_EQ(sysctl(&s), 0, "numainfo with NULL buffers");
    CHECK_EQ(s.u.numainfo.num_nodes, 1, "  one node");
    s.u.numainfo.num_nodes = 2;
    s.u.numainfo.meminfo = h(mem);
    s.u.numainfo.distance = h(dist);
    CHECK_EQ(sysctl(&s), 0, "numainfo into buffers for 2");
    CHECK_EQ(s.u.numainfo.num_nodes, 1, "  1 node written");
    CHECK_EQ(mem[0].memsize >> 12, p.total_pages, "  its memory is all of RAM");
    CHECK_EQ(dist[0], 10, "  distance to itself 10");
    s.u.numainfo.meminfo = bad_va;
    CHECK_EQ(sysctl(&s), -XEN_EFAULT, "numainfo into the hypervisor is -EFAULT");
}

bool contains(const char* hay, uint32_t n, const char* needle)
{
    uint32_t m = 0;
    while (needle[m])
        ++m;
    for (uint32_t i = 0; i + m <= n; ++i) {
        uint32_t k = 0;
        while (k < m && hay[i + k] == needle[k])
            ++k;
        if (k == m)
            return true;
    }
    return false;
}

char ring[20000];

int32_t readconsole(bool clear, bool incremental, uint32_t& index, uint32_t& count, xen_ctl_handle_t buf)
{
    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_readconsole);
    s.u.readconsole.clear = clear;
    s.u.readconsole.incremental = incremental;
    s.u.readconsole.index = index;
    s.u.readconsole.buffer = buf;
    s.u.readconsole.count = count;
    int32_t rc = sysctl(&s);
    index = s.u.readconsole.index;
    count = s.u.readconsole.count;
    return rc;
}

void test_readconsole()
{
    uint32_t index = 0, count = sizeof ring;
    CHECK_EQ(readconsole(false, false, index, count, h(ring)), 0, "readconsole of the whole ring");
    CHECK(count > 0 && count <= 16384, "  some bytes, at most the ring's 16 KiB");
    CHECK(contains(ring, count, "(xenith) starting domain 0"), "  has the hypervisor's 'starting domain 0' line");
    CHECK(contains(ring, count, "PASS: sysctl sched_id"), "  and this guest's own earlier lines");
    printf("readconsole marker 7f3a\n");
    uint32_t from = index, n = sizeof ring;
    CHECK_EQ(readconsole(false, true, from, n, h(ring)), 0, "readconsole incremental from the last index");
    CHECK(contains(ring, n, "marker 7f3a"), "  has the line printed since");
    CHECK(!contains(ring, n, "(xenith) starting domain 0"), "  and not the older ones");
    uint32_t small = 5, at = 0;
    CHECK_EQ(readconsole(false, false, at, small, h(ring)), 0, "readconsole into 5 bytes");
    CHECK_EQ(small, 5, "  5 bytes");
    uint32_t zero = 0;
    at = 0;
    CHECK_EQ(readconsole(false, false, at, zero, h(ring)), 0, "readconsole of 0 bytes");
    CHECK_EQ(zero, 0, "  none");
    n = 64;
    CHECK_EQ(readconsole(false, false, at, n, bad_va), -XEN_EFAULT, "readconsole into the hypervisor is -EFAULT");
    n = sizeof ring;
    at = 0;
    CHECK_EQ(readconsole(true, false, at, n, h(ring)), 0, "readconsole with clear");
    n = sizeof ring;
    at = 0;
    CHECK_EQ(readconsole(false, false, at, n, h(ring)), 0, "readconsole after the clear");
    CHECK(!contains(ring, n, "marker 7f3a"), "  the cleared lines are gone");
    CHECK(contains(ring, n, "PASS: readconsole with clear"), "  what came after is there");
}

uint64_t free_pages_now()
{
    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_physinfo);
    return sysctl(&s) == 0 ? s.u.physinfo.free_pages : 0;
}

uint64_t free_at_start; // before the first domain was made

void test_destroy()
{
    CHECK_EQ(simple(XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL, "destroydomain of the caller's own domain is -EINVAL");
    // Domain 7 runs its loop; dom0 keeps one of its frames mapped (a
    // foreign mapping, as a domain builder's) across the destruction.
    CHECK(map_d7(data_f, false) != nullptr, "dom0 maps a frame of domain 7");
    CHECK_EQ(simple(XEN_DOMCTL_destroydomain, d7), 0, "destroydomain of domain 7 while it runs");
    CHECK_EQ(simple(XEN_DOMCTL_getdomaininfo, d7), -XEN_ESRCH, "  gone: getdomaininfo is -ESRCH");
    CHECK_EQ(simple(XEN_DOMCTL_destroydomain, d7), -XEN_ESRCH, "  destroydomain again is -ESRCH");
    CHECK_EQ(simple(XEN_DOMCTL_destroydomain, d2), 0, "destroydomain of domain 2");
    CHECK_EQ(simple(XEN_DOMCTL_getdomaininfo, d2), -XEN_ESRCH, "  gone: getdomaininfo is -ESRCH");
    unsigned others = 0;
    for (uint16_t id = 1; id < 64; ++id)
        if (simple(XEN_DOMCTL_destroydomain, id) == 0)
            ++others;
    printf("destroyed %u more domains\n", others);
    uint64_t held = free_pages_now();
    printf("free pages: %u before any domain, %u with every domain destroyed and one of its frames still mapped\n",
           static_cast<uint32_t>(free_at_start), static_cast<uint32_t>(held));
    // The frame dom0 maps stays domain 7's, and keeps its (dead) Domain
    // object with it: those alone are not back yet.
    CHECK(held < free_at_start && held + 16 > free_at_start,
          "  every frame is back but the one dom0 maps and domain 7's object");
    pt::unwindow(0);
    CHECK_EQ(free_pages_now(), free_at_start, "  dom0 unmaps it: the free pages are as before any domain");
    uint16_t again;
    CHECK_EQ(create(d7, pv_config(1), again), 0, "domain 7's id can be given again");
    CHECK_EQ(again, d7, "  is 7");
    // The destruction's log line comes while dom0's console line is half
    // written: the scenario expects the line whole and the log after it
    // (hypervisor/console/line_hold.hpp), as a toolstack relaying a domU's
    // output in pieces needs.
    printf("split line: first half, ");
    long rc = simple(XEN_DOMCTL_destroydomain, d7);
    printf("second half\n");
    CHECK_EQ(rc, 0, "  and destroyed at once");
    CHECK_EQ(free_pages_now(), free_at_start, "  the free pages are as before any domain");
}

} // namespace

void guest_main(start_info_t*)
{
    free_at_start = free_pages_now();
    test_gates();
    test_dom0_info();
    test_create();
    test_new_domain_info();
    test_pause();
    test_list();
    test_limits();
    test_shadow();
    test_sched();
    test_affinity();
    test_vcpus();
    test_domu_context();
    test_foreign_mmuext();
    test_hypercall_init();
    test_unprivileged();
    test_physinfo();
    test_readconsole();
    test_destroy();
}
