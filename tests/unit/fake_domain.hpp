// A domain for host tests of the event-channel and pirq cores: the Domain
// object with a shared_info page of its own and its vCPUs wired to it.
#pragma once
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"

struct Fake_domain {
    Domain d;
    shared_info s{};

    // Domain 'id' (0 is privileged) with nr_vcpus vCPUs and an empty port table.
    void setup(uint16_t id, unsigned nr_vcpus)
    {
        d.id = id;
        d.privileged = id == 0;
        d.shared = &s;
        d.nr_vcpus = nr_vcpus;
        for (unsigned v = 0; v < Domain::max_vcpus; ++v) {
            d.vcpus[v].domain = &d;
            d.vcpus[v].id = v;
            d.vcpus[v].info = &s.vcpu_info[v];
        }
        evtchn::init(d);
    }
};
