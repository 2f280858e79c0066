// A test dom0 running three unlike domUs side by side: d1 makes random
// hostile hypercalls (hcfuzz.elf), d2 runs hello's checks, d3 brings up a
// second vCPU and drives it (smp_vcpus.elf, two vCPUs). Each must finish
// its own checks and power off while the others run; dom0 relays them all
// and checks its free pages come back. "seed=N calls=N" on dom0's command
// line are passed to the fuzzer (seed 11, 20 000 calls by default).
#include "cmdline_arg.hpp"
#include "console.hpp"
#include "domu_fleet.hpp"
#include "test.hpp"

namespace {

Guest_hypercalls hcalls;

} // namespace

void guest_main(start_info_t* si)
{
    const auto* rd = reinterpret_cast<const uint8_t*>(si->mod_start);
    CHECK(si->mod_start && si->mod_len, "dom0 has an initial ramdisk");
    const char* line = reinterpret_cast<const char*>(si->cmd_line);
    char fuzz_args[48];
    (void)format(fuzz_args, sizeof fuzz_args, "seed=%u calls=%u", cmdline_number(line, "seed", 11),
                 cmdline_number(line, "calls", 20000));
    uint64_t before = physinfo_free_pages();
    {
        Domu_fleet fleet(hcalls);
        if (!fleet.build(rd, si->mod_len, "hcfuzz.elf", 0, fuzz_args, 16 * 1024) ||
            !fleet.build(rd, si->mod_len, "hello.elf", 0, "beside a fuzzer", 16 * 1024) ||
            !fleet.build(rd, si->mod_len, "smp_vcpus.elf", 0, "", 16 * 1024, 2))
            return;
        if (fleet.start())
            fleet.run_to_completion();
    }
    CHECK(before != 0 && physinfo_free_pages() == before, "physinfo's free pages are back where they were");
}
