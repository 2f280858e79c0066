// A domain for host tests of the event-channel and pirq cores: the Domain
// object with a shared_info page of its own and its vCPUs wired to it.
#pragma once
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"

struct Fake_domain {
    Domain d;
    shared_info s{};
    Vcpu v[Domain::max_vcpus];

    // Domain 'id' (0 is privileged) with nr_vcpus vCPUs and an empty port table.
    void setup(uint16_t id, unsigned nr_vcpus)
    {
        d.id = id;
        d.privileged = id == 0;
        d.shared = &s;
        d.nr_vcpus = nr_vcpus;
        for (unsigned i = 0; i < Domain::max_vcpus; ++i) {
            v[i].domain = &d;
            v[i].id = i;
            v[i].info = &s.vcpu_info[i];
            d.vcpus[i] = &v[i];
        }
        evtchn::init(d);
    }
};
