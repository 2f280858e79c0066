// Destroying a domain (Xen's domain_kill, behind XEN_DOMCTL_destroydomain).
//
// A domain dies in steps: it becomes dying (its vCPUs stop for good, its
// event channels close, its grants are released and what others map of it
// is revoked), then its memory is given back a budget of frames at a time,
// then it is dead. Each call does as much as a budget allows and says
// whether more is left, so the hypercall behind it can make way for
// interrupts and other vCPUs (a continuation) on a domain of gigabytes.
// The steps, their locks and who frees what: docs/design.md, "Domain
// teardown"; the implementation is arch/x86_32/domain/domain_kill.cpp,
// its memory step hypervisor/mm/relinquish.hpp.
#pragma once

struct Domain;
struct Vcpu;

// 0 when the domain is dead (frames that other domains still map keep its
// object until the last such mapping goes, as in Xen); -ERESTART when the
// caller must call again (it has made progress); -EINVAL for the caller's
// own domain or the hardware domain. Calling again on a dead domain is 0.
// -ERESTART also when the domain's vCPUs are still loaded on some CPU
// (the caller comes back rather than wait with interrupts off) and when
// another call is working on the same domain. The caller holds a
// Domain_ref on d for the call (the object may go as it returns 0).
[[nodiscard]] long domain_kill(Vcpu& caller, Domain& d);
