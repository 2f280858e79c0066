// Shuts dom0 down with the reason its command line names (poweroff, reboot,
// crash, or an out-of-range number), so the harness can check what the
// hypervisor does with each, and that the command line arrives intact.
#include "console.hpp"
#include "hypercall.hpp"

namespace {

bool starts_with(const char* s, const char* p)
{
    while (*p)
        if (*s++ != *p++)
            return false;
    return true;
}

} // namespace

void guest_main(start_info_t* si)
{
    const char* cmd = reinterpret_cast<const char*>(si->cmd_line);
    printf("shutdown guest: command line '%s'\n", cmd);
    uint32_t reason = SHUTDOWN_poweroff;
    if (starts_with(cmd, "reboot"))
        reason = SHUTDOWN_reboot;
    else if (starts_with(cmd, "crash"))
        reason = SHUTDOWN_crash;
    else if (starts_with(cmd, "bogus")) {
        int32_t rc = hc::sched_shutdown(99);
        printf("shutdown with reason 99 returned %d\n", rc);
    }
    hc::sched_shutdown(reason);
    printf("still running after shutdown: the hypervisor ignored it\n");
    for (;;)
        hc::sched_yield();
}
