// A domU of the interdomain scenarios, started by a test dom0
// (interdomain_launch.cpp) with its role on the command line:
//   role=ping peer=D gref=G rounds=N      (owns the port and the grants)
//   role=pong peer=D port=P gref=G rounds=N
//   role=intruder peer=D gref=G mfn=M peer_mfn=S
//   role=granter peer=D gref=G            (grants, then waits to be destroyed)
//   role=copier peer=D gref=G             (copies from them until refused)
#include "cmdline_arg.hpp"
#include "console.hpp"
#include "idc_roles.hpp"
#include "test.hpp"

void guest_main(start_info_t* si)
{
    const char* cl = reinterpret_cast<const char*>(si->cmd_line);
    idc::Args a;
    a.peer = static_cast<domid_t>(cmdline_number(cl, "peer", 0));
    a.port = cmdline_number(cl, "port", 0);
    a.gref = cmdline_number(cl, "gref", 8);
    a.rounds = cmdline_number(cl, "rounds", 1000);
    a.dom0_mfn = cmdline_number(cl, "mfn", 0);
    a.peer_mfn = cmdline_number(cl, "peer_mfn", 0);
    if (cmdline_has(cl, "ping"))
        idc::run_ping(a);
    else if (cmdline_has(cl, "pong"))
        idc::run_pong(a);
    else if (cmdline_has(cl, "intruder"))
        idc::run_intruder(a);
    else if (cmdline_has(cl, "granter"))
        idc::run_granter(a);
    else if (cmdline_has(cl, "copier"))
        idc::run_copier(a);
    else
        CHECK(false, "the command line names a role");
}
