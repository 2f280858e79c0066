// Proof that a domain's page references add up: recompute every frame's
// counts from what exists (allocation, pins, page-table entries, and the
// references vCPUs hold: base pointers, GDT and LDT frames, vcpu_info
// pages) and compare with the frame table (hypervisor/mm/page_audit.hpp).
#pragma once

struct Domain;

namespace arch {

// Boot, once memory is up: the audit's scratch space.
void audit_init();

// Every frame of the machine is checked, with the hypervisor's references
// of every domain (shared_info, vCPUs, grant tables), so other domains'
// frames add up too; d names the report. Logs the outcome; false if a
// count disagrees. Machines above 1 GiB are
// not audited (the scratch space grows with memory) and count as clean.
bool audit_domain(Domain& d);

} // namespace arch
