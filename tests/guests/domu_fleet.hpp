// A test dom0's set of domUs, run without a toolstack: each is built from
// the dom0's ramdisk archive with the toolstack's domain builder (paused,
// with its own command line), then all are started together; dom0 relays
// their console rings ("dN: " lines) until every one has shut down, checks
// that each powered off and destroys them.
#pragma once
#include <cstdint>

#include "domu_console.hpp"
#include "toolstack_hypercalls.hpp"

class Domu_fleet {
public:
    static constexpr unsigned max_domus = 4;

    explicit Domu_fleet(Guest_hypercalls& hc) : hc_(hc) {}

    // Builds 'elf' from the archive as domain 'domid' (paused); false (and
    // a FAIL line) when it cannot.
    bool build(const uint8_t* archive, uint32_t archive_len, const char* elf, domid_t domid,
               const char* cmdline, uint32_t memory_kib, unsigned vcpus = 1);
    // Attaches every console and unpauses every domain, in build order.
    bool start();
    // Relays the consoles until all have shut down (or ten minutes pass);
    // checks each powered off and destroys it. 'quiet': dom0 sleeps
    // between drains instead of yielding (benchmarks).
    void run_to_completion(bool quiet = false);
    // Relays the consoles for 'ms' milliseconds of system time.
    void relay_for(uint32_t ms);
    // Destroys a running domU at once (XEN_DOMCTL_destroydomain, its
    // console relayed one last time); the others go on. False (and a FAIL
    // line) when the call fails.
    bool destroy_now(domid_t domid);

    unsigned size() const { return n_; }
    domid_t domid(unsigned i) const { return domu_[i].domid; }
    uint32_t console_mfn(unsigned i) const { return domu_[i].console_mfn; }

private:
    void drain_all(); // every console relayed once

    struct Domu {
        domid_t domid = 0;
        uint32_t console_mfn = 0;
        Domu_console console;
    };

    Guest_hypercalls& hc_;
    Domu domu_[max_domus];
    unsigned n_ = 0;
};

// XEN_SYSCTL_physinfo's free pages, or 0 when the call fails.
uint64_t physinfo_free_pages();

// XEN_DOMCTL_getdomaininfo's flags, or 0 when the call fails.
uint32_t domu_flags(Guest_hypercalls& hc, domid_t d);
