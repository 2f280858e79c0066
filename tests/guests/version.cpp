// HYPERVISOR_xen_version: every XENVER_* sub-op, bad buffers and unknown ops.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {
// Unmapped in every guest (the image starts at 0xC0000000) and the first
// hypervisor-owned address (public/arch-x86/xen-x86_32.h).
void* const unmapped = reinterpret_cast<void*>(0x1000);
void* const in_hypervisor = reinterpret_cast<void*>(HYPERVISOR_VIRT_START);

bool has_nul(const char* s, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (s[i] == '\0')
            return true;
    return false;
}

void check_buffer_op(uint32_t op, void* buf, size_t size, const char* name)
{
    char* b = static_cast<char*>(buf);
    for (size_t i = 0; i < size; ++i)
        b[i] = 'x';
    CHECK_EQ(hc::xen_version(op, buf), 0, name);
    CHECK(has_nul(b, size), "  ...and writes a NUL-terminated string");
    struct Bad {
        void* p;
        const char* label;
    } bads[] = {{nullptr, "NULL"}, {unmapped, "unmapped"}, {in_hypervisor, "hypervisor"}};
    for (const Bad& bad : bads) {
        printf("  %s with a %s buffer:\n", name, bad.label);
        CHECK_EQ(hc::xen_version(op, bad.p), -XEN_EFAULT, "  -EFAULT");
    }
}
} // namespace

void guest_main(start_info_t* si)
{
    int32_t ver = hc::xen_version(XENVER_version);
    CHECK(ver >= (3 << 16), "XENVER_version: major >= 3");
    CHECK_EQ(hc::xen_version(XENVER_version, in_hypervisor), ver,
             "XENVER_version ignores its pointer argument");

    static xen_extraversion_t extra;
    static xen_compile_info_t compile;
    static xen_capabilities_info_t caps;
    static xen_changeset_info_t changeset;
    static xen_commandline_t cmdline;
    check_buffer_op(XENVER_extraversion, extra, sizeof extra, "XENVER_extraversion");
    check_buffer_op(XENVER_compile_info, &compile, sizeof compile, "XENVER_compile_info");
    check_buffer_op(XENVER_capabilities, caps, sizeof caps, "XENVER_capabilities");
    check_buffer_op(XENVER_changeset, changeset, sizeof changeset, "XENVER_changeset");
    // The command line is dom0-only in Xen (XSM default policy): we are dom0.
    check_buffer_op(XENVER_commandline, cmdline, sizeof cmdline, "XENVER_commandline");

    static xen_platform_parameters_t pp;
    CHECK_EQ(hc::xen_version(XENVER_platform_parameters, &pp), 0, "XENVER_platform_parameters");
    CHECK_EQ(pp.virt_start, HYPERVISOR_VIRT_START, "  virt_start is HYPERVISOR_VIRT_START");
    CHECK_EQ(hc::xen_version(XENVER_platform_parameters, unmapped), -XEN_EFAULT,
             "XENVER_platform_parameters, unmapped buffer: -EFAULT");

    static xen_feature_info_t fi;
    fi.submap_idx = 0;
    CHECK_EQ(hc::xen_version(XENVER_get_features, &fi), 0, "XENVER_get_features submap 0");
    // Xen reports these two for a PV guest once it has enabled the
    // pae_extended_cr3 and writable_pagetables assists (common/kernel.c).
    // Xenith offers neither until the page-table issue implements them:
    // flip these checks to "reported" then.
    // Xen reports pae_pgdir_above_4gb once the domain has the
    // pae_extended_cr3 assist, which the builder gives a kernel declaring
    // PAE "yes" (extended-cr3); writable_page_tables only to translated
    // guests, never to PV ones (xen/common/kernel.c, XENVER_get_features).
    CHECK(fi.submap & (1u << XENFEAT_pae_pgdir_above_4gb),
          "  pae_pgdir_above_4gb is reported (extended-cr3 assist)");
    CHECK((fi.submap & (1u << XENFEAT_writable_page_tables)) == 0,
          "  writable_page_tables is not reported to a PV guest");
    CHECK((si->flags & SIF_INITDOMAIN) == 0 || (fi.submap & (1u << XENFEAT_dom0)) != 0,
          "  XENFEAT_dom0 is reported to the initial domain");
    CHECK((fi.submap & (1u << XENFEAT_auto_translated_physmap)) == 0,
          "  a PV guest is not auto-translated");
    fi.submap_idx = XENFEAT_NR_SUBMAPS;
    CHECK_EQ(hc::xen_version(XENVER_get_features, &fi), -XEN_EINVAL,
             "XENVER_get_features past the last submap: -EINVAL");
    CHECK_EQ(hc::xen_version(XENVER_get_features, nullptr), -XEN_EFAULT,
             "XENVER_get_features, NULL: -EFAULT");
    CHECK_EQ(hc::xen_version(XENVER_get_features, in_hypervisor), -XEN_EFAULT,
             "XENVER_get_features, hypervisor address: -EFAULT");

    CHECK_EQ(hc::xen_version(XENVER_pagesize), 4096, "XENVER_pagesize is 4096");

    static uint8_t handle[16];
    for (uint8_t& b : handle)
        b = 0xAA;
    CHECK_EQ(hc::xen_version(XENVER_guest_handle, handle), 0, "XENVER_guest_handle");
    bool zero = true;
    for (uint8_t b : handle)
        zero = zero && b == 0;
    CHECK(zero, "  dom0's handle is all zeroes");
    CHECK_EQ(hc::xen_version(XENVER_guest_handle, unmapped), -XEN_EFAULT,
             "XENVER_guest_handle, unmapped: -EFAULT");

    // build_id: NULL asks for the size; len 0 is invalid; too small -ENOBUFS.
    int32_t id_len = hc::xen_version(XENVER_build_id, nullptr);
    CHECK(id_len > 0, "XENVER_build_id, NULL: returns the id's size");
    static struct {
        xen_build_id_t hdr;
        unsigned char buf[64];
    } id;
    id.hdr.len = 0;
    CHECK_EQ(hc::xen_version(XENVER_build_id, &id), -XEN_EINVAL, "XENVER_build_id len 0: -EINVAL");
    id.hdr.len = 1;
    CHECK_EQ(hc::xen_version(XENVER_build_id, &id), -XEN_ENOBUFS,
             "XENVER_build_id len 1: -ENOBUFS");
    id.hdr.len = sizeof id.buf;
    CHECK_EQ(hc::xen_version(XENVER_build_id, &id), id_len, "XENVER_build_id: returns its size");
    CHECK_EQ(hc::xen_version(XENVER_build_id, unmapped), -XEN_EFAULT,
             "XENVER_build_id, unmapped: -EFAULT");

    CHECK_EQ(hc::xen_version(64), -XEN_ENOSYS, "unknown sub-op 64: -ENOSYS");
    CHECK_EQ(hc::xen_version(0x80000000u), -XEN_ENOSYS, "unknown sub-op 0x80000000: -ENOSYS");
}
