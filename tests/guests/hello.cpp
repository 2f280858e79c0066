// Smallest useful guest: console output, the version, the capabilities.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {
bool contains(const char* hay, const char* needle)
{
    for (; *hay != '\0'; ++hay) {
        const char* h = hay;
        const char* n = needle;
        while (*n != '\0' && *h == *n) {
            ++h;
            ++n;
        }
        if (*n == '\0')
            return true;
    }
    return false;
}
} // namespace

void guest_main(start_info_t* si)
{
    printf("Hello from a Xenith test guest\n");
    CHECK(contains(si->magic, "xen-3.0-x86_32p"), "start_info magic is xen-3.0-x86_32p");
    int32_t ver = hc::xen_version(XENVER_version);
    printf("xen version %d.%d\n", ver >> 16, ver & 0xffff);
    CHECK(ver >= (3 << 16), "XENVER_version reports 3.0 or later");
    static xen_capabilities_info_t caps;
    CHECK_EQ(hc::xen_version(XENVER_capabilities, caps), 0, "XENVER_capabilities succeeds");
    caps[sizeof caps - 1] = '\0';
    printf("capabilities: %s\n", caps);
    CHECK(contains(caps, "xen-3.0-x86_32p"), "capabilities list xen-3.0-x86_32p");
    CHECK(guest_shared_info() != nullptr, "shared_info page mapped");
}
