// Pausing a domain on its controller's behalf (Xen's
// domain_{,un}pause_by_systemcontroller): XEN_DOMCTL_pausedomain and
// unpausedomain, and the pause every domain is created with. Each level
// of controller_pause_count holds one level of the domain's pause
// (hypervisor/sched/schedule.hpp domain_pause), so the controller's pauses
// nest with the hypervisor's own.
#pragma once

struct Domain;

// Creation: controller_pause_count 1, the domain paused.
void domain_pause_for_creation(Domain& d);
// One level more; returns once none of d's vCPUs is on a CPU. -EOVERFLOW
// beyond 255 levels (Xen's limit), nothing changed then.
[[nodiscard]] int domain_pause_by_controller(Domain& d);
// One level less; -EINVAL when the controller holds none.
[[nodiscard]] int domain_unpause_by_controller(Domain& d);
