// The toolstack's domains: what `xl` does through libxl, in one object.
// It builds domains (domain_builder), gives each its store entries and
// ring (xenstore), drains and logs its console, asks it to shut down
// through the PV protocol (control/shutdown, then SCHEDOP_remote_shutdown
// once the guest has ignored that for shutdown_grace_ns), and when the
// hypervisor reports a shutdown (VIRQ_DOM_EXC, dom_exc()) carries out the
// domain's on_poweroff / on_reboot / on_crash. The host routes every
// event-channel port it does not own itself to port_fired(), and calls
// tick() when the deadline it was given through Host::wake_at() arrives.
//
// A failed create leaves nothing behind: no domain, store entries, ports
// or mappings. Single-threaded. Portable and freestanding.
#pragma once
#include <cstdint>

#include "public/io/console.h"
#include "public/sched.h"
#include "tools/lib/base/list.hpp"
#include "tools/lib/domain_builder/hypercalls.hpp"
#include "tools/lib/xenstore/xenstored.hpp"
#include "tools/lib/xl/console_log.hpp"
#include "tools/lib/xl/domain_spec.hpp"
#include "tools/lib/xl/host.hpp"

namespace xl {

using toolstack::Str;
using toolstack::Text;

struct Domain : toolstack::List_link {
    Domain_spec spec;
    domid_t domid = 0;
    uint64_t created_ns = 0;
    // When `create` began, and when the domain's first console byte came
    // (0: not yet): the create-to-first-output figure (xl timings).
    uint64_t create_start_ns = 0;
    uint64_t first_byte_ns = 0;
    uint64_t store_mfn = 0;
    evtchn_port_t store_port = 0; // the domain's end
    xencons_interface* console = nullptr;
    bool console_backlog = false; // output left in the ring for the next tick
    evtchn_port_t console_port = 0; // dom0's end
    uint32_t restarts = 0;
    // The hypervisor reported it shut down (and its action was taken).
    bool shut_down = false;
    uint32_t shutdown_reason = 0;
    // Asked to shut down (0: not) and when to force it.
    uint64_t shutdown_deadline = 0;
    uint32_t shutdown_wanted = 0;
    Console_log log;
    // The config file it was made from, as given to `xl create` (empty:
    // none known); a restart keeps it.
    char config_path[256] = {};
    void set_config_path(Str path)
    {
        uint32_t n = path.n < sizeof config_path - 1 ? path.n : 0;
        toolstack::mem_copy(config_path, path.p, n);
        config_path[n] = '\0';
    }
};

// Who else wants to know about domains (the management API): new console
// output (after it is in the domain's log) and a domain about to be
// forgotten (its record is still valid during the call). Either may be null.
struct Domain_observer {
    void* ctx = nullptr;
    void (*console_output)(void* ctx, Domain& d) = nullptr;
    void (*domain_gone)(void* ctx, Domain& d) = nullptr;
};

struct Create_job; // toolstack.cpp
enum class Create_state : uint8_t { running, done, failed };

class Toolstack {
public:
    static constexpr uint64_t shutdown_grace_ns = 10'000'000'000ull;
    static constexpr unsigned max_ports = 1024;

    Toolstack(toolstack::Hypercalls& hc, const toolstack::Allocator& alloc, Host& host);
    ~Toolstack();
    Toolstack(const Toolstack&) = delete;
    Toolstack& operator=(const Toolstack&) = delete;

    // The store and dom0's entries in it. False (with why) on failure.
    [[nodiscard]] bool init(Text& err);

    // Builds and starts a domain; err holds xl's message on failure.
    [[nodiscard]] Domain* create(const Domain_spec& spec, Text& err);
    // The same in steps, for a host that keeps serving meanwhile (the
    // management API): begin_create makes the checks and reads the files
    // (nullptr with err on a refusal); each create_step builds a bounded
    // part (toolstack::Build_job) and, once built, finishes as create()
    // does. done gives the domain, failed the message in err; either frees
    // the job. cancel_create undoes a job still running. The domain is in
    // domains() only once done. The kernel and ramdisk files must not
    // change while a job runs.
    [[nodiscard]] Create_job* begin_create(const Domain_spec& spec, Text& err);
    Create_state create_step(Create_job* j, Domain*& out, Text& err);
    void cancel_create(Create_job* j);
    static uint32_t create_progress_permille(const Create_job* j);
    static const char* create_phase(const Create_job* j);
    // Tears the domain down and forgets it (d is gone afterwards).
    int destroy(Domain* d);
    // control/shutdown = "poweroff" | "reboot", forced after the grace.
    int request_shutdown(Domain& d, bool reboot);

    void port_fired(evtchn_port_t port);
    void dom_exc();
    void tick();

    // By name, or by id (all digits).
    Domain* find(Str name_or_id) const;
    Domain* find(domid_t id) const;
    const toolstack::List<Domain>& domains() const { return domains_; }
    xs::Xenstored& store() { return *xs_; }
    toolstack::Hypercalls& hypercalls() { return hc_; }
    Host& host() { return host_; }
    const toolstack::Allocator& alloc() const { return alloc_; }

    // Console routing: each domain's lines go to the operator's console
    // prefixed "[name] " when mirror is on; the attached domain's bytes go
    // there raw instead.
    bool mirror = true;
    void attach_console(Domain* d) { attached_ = d; }
    Domain* attached_console() const { return attached_; }
    // Bytes typed for d's console (its ring's input side); false if the
    // ring was full and some were dropped.
    bool console_input(Domain& d, Str bytes);

    // One observer at a time; a default-made one removes it.
    void observe(const Domain_observer& o) { observer_ = o; }

    // Renames (xl rename): false if the name is taken or invalid.
    [[nodiscard]] bool rename(Domain& d, Str name);

private:
    enum class Port_kind : uint8_t { none, store, console };
    struct Port_owner {
        Port_kind kind = Port_kind::none;
        Domain* domain = nullptr;
    };

    static xenstore_domain_interface* map_ring(void* ctx, xs::Domid domid, uint64_t gfn);
    static void unmap_ring(void* ctx, xs::Domid domid, xenstore_domain_interface* ring);
    static bool bind_port(void* ctx, xs::Domid domid, uint32_t remote, uint32_t& local);
    static void unbind_port(void* ctx, uint32_t local);
    static void notify(void* ctx, uint32_t local);
    static void log_line(void* ctx, const char* line);
    static void mirror_line(void* ctx, Str line);

    Domain* finish_create(Create_job* j, Text& err);
    void drain_console(Domain& d);
    void poll_store();
    void forget(Domain* d);
    void shutdown_happened(Domain& d, uint32_t reason);
    bool write_store(domid_t domid, Str leaf, Str value);
    void schedule_tick();

    toolstack::Hypercalls& hc_;
    const toolstack::Allocator& alloc_;
    Host& host_;
    xs::Xenstored* xs_ = nullptr;
    toolstack::List<Domain> domains_;
    Port_owner ports_[max_ports];
    Domain* attached_ = nullptr;
    Domain* mirroring_ = nullptr; // whose line mirror_line is printing
    uint32_t uuid_counter_ = 0;
    Domain_observer observer_;
};

// Xen's SHUTDOWN_* code as xl names it ("poweroff", "reboot", "crash", ...).
const char* shutdown_reason_name(uint32_t reason);

} // namespace xl
