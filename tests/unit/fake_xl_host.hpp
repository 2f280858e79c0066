// dom0's toolstack (tools/lib/xl) over fakes, for its unit tests: a Host
// whose files are a map, whose console output is a string and whose clock
// is set by the test; the builder's fake hypervisor
// (fake_builder_hypervisor.hpp) behind it; and what a guest would do with
// its console ring, reached the way the guest reaches it (the ring-ref in
// its store directory).
#pragma once
#include "tools/lib/xenstore/local_client.hpp"
#include "tools/lib/xl/host.hpp"
#include "tools/lib/xl/toolstack.hpp"

#include "tests/unit/elf_image_builder.hpp"
#include "tests/unit/fake_builder_hypervisor.hpp"

#include <public/elfnote.h>
#include <public/io/console.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace xltest {

using toolstack::Str;

inline std::string str(Str s)
{
    return std::string(s.p, s.n);
}

class Fake_host final : public xl::Host {
public:
    std::map<std::string, std::vector<uint8_t>> files;
    std::string out;              // everything written to the console
    uint64_t now = 5'000'000'000; // ns since boot
    std::vector<uint64_t> wakes;  // every wake_at deadline, in order
    std::vector<bool> power_offs; // every power_off (true: reboot)

    void put_file(const std::string& path, const std::string& text)
    {
        files[path] = std::vector<uint8_t>(text.begin(), text.end());
    }
    // The output since the last take().
    std::string take()
    {
        std::string s;
        s.swap(out);
        return s;
    }

    bool read_file(Str path, const uint8_t*& data, size_t& len) override
    {
        auto it = files.find(str(path));
        if (it == files.end())
            return false;
        data = it->second.data();
        len = it->second.size();
        return true;
    }
    void write(Str s) override { out.append(s.p, s.n); }
    uint64_t now_ns() override { return now; }
    void wake_at(uint64_t deadline_ns) override { wakes.push_back(deadline_ns); }
    void power_off(bool reboot) override { power_offs.push_back(reboot); }
};

// A PV kernel the builder accepts.
inline std::vector<uint8_t> pv_kernel()
{
    return elftest::build(elftest::with_note(elftest::linux_like(), XEN_ELFNOTE_MOD_START_PFN, {}));
}

inline const char* const kernel_path = "/boot/k";

// A small domain from kernel_path.
inline xl::Domain_spec spec(const char* name, uint32_t memory_mib = 4)
{
    xl::Domain_spec s;
    std::strncpy(s.name, name, sizeof s.name - 1);
    std::strncpy(s.kernel, kernel_path, sizeof s.kernel - 1);
    s.memory_mib = memory_mib;
    return s;
}

// What a failed create or a destroy must give back: counted before and
// compared after. (The heap is compared on its own: mem.live.)
struct Leftovers {
    size_t hv_domains = 0;
    size_t mappings = 0;
    size_t ports = 0;
    uint32_t store_nodes = 0;
    size_t records = 0;

    bool operator==(const Leftovers& o) const
    {
        return hv_domains == o.hv_domains && mappings == o.mappings && ports == o.ports &&
               store_nodes == o.store_nodes && records == o.records;
    }
};

inline std::ostream& operator<<(std::ostream& os, const Leftovers& l)
{
    return os << "{domains " << l.hv_domains << ", mappings " << l.mappings << ", ports " << l.ports
              << ", store nodes " << l.store_nodes << ", records " << l.records << "}";
}

// The toolstack, its hypervisor, host and memory.
struct Xl_world {
    buildtest::Fake_hypervisor hv;
    buildtest::Counting_allocator mem;
    Fake_host host;
    xl::Toolstack ts{hv, mem.a, host};

    Xl_world()
    {
        std::vector<uint8_t> k = pv_kernel();
        host.files[kernel_path] = k;
    }

    // Toolstack::init; its message when it fails.
    std::string init()
    {
        toolstack::Text err(mem.a);
        return ts.init(err) ? std::string() : "init failed: " + str(err.str());
    }

    // create; on failure nullptr and err holds the message.
    xl::Domain* create(const xl::Domain_spec& s, std::string* err = nullptr)
    {
        toolstack::Text e(mem.a);
        xl::Domain* d = ts.create(s, e);
        if (err)
            *err = str(e.str());
        return d;
    }

    Leftovers leftovers()
    {
        return Leftovers{hv.domains.size(), hv.mapped.size(), hv.bound.size(),
                         ts.store().check().nodes, ts.domains().size()};
    }

    // A store read as dom0 sees it; "<none>" when it fails.
    std::string read(const std::string& path)
    {
        xs::Local_client c(ts.store());
        toolstack::Text v(mem.a);
        if (!c.connected() ||
            c.read(Str(path.data(), static_cast<uint32_t>(path.size())), v) != xs::Err::none)
            return "<none>";
        return str(v.str());
    }
    std::string read(const xl::Domain& d, const std::string& leaf)
    {
        return read("/local/domain/" + std::to_string(d.domid) + "/" + leaf);
    }

    // --- The guest's side of its console ---
    // The ring the guest was given, as its store directory names it.
    xencons_interface& guest_console(domid_t id)
    {
        std::string ref = read("/local/domain/" + std::to_string(id) + "/console/ring-ref");
        return *reinterpret_cast<xencons_interface*>(
            hv.frame(static_cast<xen_pfn_t>(std::strtoul(ref.c_str(), nullptr, 10))).data());
    }
    // The guest prints bytes (without notifying).
    void guest_print(domid_t id, const std::string& bytes)
    {
        xencons_interface& r = guest_console(id);
        for (char c : bytes)
            r.out[MASK_XENCONS_IDX(r.out_prod++, r.out)] = c;
    }
    // What dom0 put in the guest's input side and the guest has not read.
    std::string guest_input(domid_t id)
    {
        xencons_interface& r = guest_console(id);
        std::string s;
        for (XENCONS_RING_IDX i = r.in_cons; i != r.in_prod; ++i)
            s += r.in[MASK_XENCONS_IDX(i, r.in)];
        return s;
    }
    // The guest shuts itself down (SCHEDOP_shutdown) and the hypervisor
    // raises VIRQ_DOM_EXC.
    void guest_shutdown(domid_t id, unsigned reason)
    {
        hv.domains.at(id).shutdown = true;
        hv.domains.at(id).shutdown_reason = reason;
        ts.dom_exc();
    }
};

} // namespace xltest
