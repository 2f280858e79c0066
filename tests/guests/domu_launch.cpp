// A test dom0 kernel that starts a domU: its initial ramdisk is an archive
// (ramdisk_archive.hpp) holding hello.elf, which the toolstack's domain
// builder (tools/lib/domain_builder) makes into a 16 MiB domain through
// real hypercalls (toolstack_hypercalls.hpp). dom0 then waits for the domU
// to power off and destroys it (domu_fleet.hpp).
#include "domu_fleet.hpp"
#include "test.hpp"

namespace {

Guest_hypercalls hcalls;

} // namespace

void guest_main(start_info_t* si)
{
    const auto* rd = reinterpret_cast<const uint8_t*>(si->mod_start);
    CHECK(si->mod_start && si->mod_len, "dom0 has an initial ramdisk");
    Domu_fleet fleet(hcalls);
    if (!fleet.build(rd, si->mod_len, "hello.elf", 0, "launched by domu_launch", 16 * 1024))
        return;
    if (fleet.start())
        fleet.run_to_completion();
}
