// A domain: a PV guest's memory, vCPUs and shared pages, and its life.
//
// Domains are objects on the hypervisor heap, found by id in a table. Code
// that uses a domain other than the calling vCPU's own holds a Domain_ref
// (domain_get): a reference keeps the object, never the domain alive. A
// domain is destroyed in steps (hypervisor/domain/domain_kill.hpp): it
// becomes dying (no new references to it are of use: its vCPUs are down,
// its ports closed), its frames are relinquished, it becomes dead; the
// object goes once it is dead, unreferenced, and owns no frame any more
// (frames other domains still map keep it, as in Xen). Its id is free for
// a new domain only then.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/arch_domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/mm/domain_frames.hpp"
#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"
#include "hypervisor/grant/grant_table.hpp"
#include "hypervisor/mm/relinquish.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/spinlock.hpp"
#include "hypervisor/domain/vcpu.hpp"
#include "public/xen.h"

// building: its id is taken but nothing else sees it yet (domain_create
// until domain_publish or domain_abandon).
enum class Domain_life : uint8_t { building, alive, dying, dead };

// How far domain_kill (domain_kill.hpp) has got, in its order; each call
// carries on from here. Changed only under Domain::teardown_lock.
enum class Teardown_step : uint8_t {
    none,        // alive
    stop_vcpus,  // paused, waiting until no CPU has one loaded
    events,      // ports, VIRQs and pirqs closed
    grants,      // its mappings of others' grants and others' of its own ended
    vcpu_state,  // each vCPU's base pointer, GDT, LDT, vcpu_info, timers gone
    memory,      // frames relinquished, a budget at a time (mem)
    finish,      // shared_info, grant table, I/O capabilities, then dead
    dead,
};

struct Domain_teardown {
    Teardown_step step = Teardown_step::none;
    Relinquish_progress mem;
};

struct Domain {
    static constexpr unsigned max_vcpus = XEN_LEGACY_MAX_VCPUS;

    uint16_t id = DOMID_INVALID;
    bool privileged = false;
    Mm_domain mm;            // what page-table validation needs to know
    uint32_t vm_assist = 0;  // VMASST_TYPE_* bits

    // Memory: frames allocated to it (listed in 'frames') and the limit.
    uint32_t tot_pages = 0;
    uint32_t max_pages = 0;
    Domain_frames frames;

    Mfn shared_info_mfn = invalid_mfn;
    shared_info* shared = nullptr;   // direct-mapped

    // vCPUs 0 .. nr_vcpus - 1, made with the domain.
    Vcpu* vcpus[max_vcpus] = {};
    unsigned nr_vcpus = 0;

    Evtchn_table evtchn;
    Pirq_table pirqs;        // guarded by evtchn.lock

    // Grant table (hypervisor/grant/grant_table.hpp): made at domain
    // creation, taken down by grant::table_destroy, which sets 'grant'
    // back to nullptr. The table itself is grant_storage, part of this
    // object: code holding a reference that read 'grant' before the
    // teardown can still take the table's lock, and finds it dying.
    Grant_table* grant = nullptr;
    Grant_table grant_storage;

    bool shutting_down = false;
    uint8_t shutdown_reason = 0;

    // The toolstack's view (domctl): its 16-byte handle (UUID), the
    // seconds added to its wall clock, and its controller's pause nesting
    // (Xen's controller_pause_count: 1 at creation, 0 once started; each
    // level also holds one level of pause_count).
    xen_domain_handle_t handle{};
    int64_t time_offset_s = 0;
    uint32_t controller_pause_count = 0;

    // Scheduling: the credit scheduler's weight and cap, and the domain's
    // pause nesting (domain_pause: none of its vCPUs runs while > 0).
    sched::Sched_domain sched;
    uint32_t pause_count = 0;

    // Serialises page-table changes of this domain (the page-type core
    // assumes a single writer per domain).
    Spinlock mm_lock;

    // Lifetime, domain.cpp: atomics, changed under the domain table's lock.
    Domain_life life = Domain_life::building;
    uint32_t refs = 0;          // Domain_refs held
    uint32_t owned_frames = 0;  // frames whose Page::owner is this domain

    // domain_kill's progress; its lock serialises concurrent kills (the
    // outermost of the domain's locks, held across every step).
    Domain_teardown teardown;
    Spinlock teardown_lock;

    arch::Arch_domain arch;
};

// Xen's is_hardware_domain(): the domain that owns the machine's devices.
inline bool is_hardware_domain(const Domain& d) { return d.id == 0; }

void domain_put(Domain* d);

// A counted reference to a domain (its object, not its liveness).
class [[nodiscard]] Domain_ref {
public:
    Domain_ref() = default;
    explicit Domain_ref(Domain* d) : d_(d) {}
    ~Domain_ref() { reset(); }
    Domain_ref(Domain_ref&& o) noexcept : d_(o.d_) { o.d_ = nullptr; }
    Domain_ref& operator=(Domain_ref&& o) noexcept
    {
        if (this != &o) {
            reset();
            d_ = o.d_;
            o.d_ = nullptr;
        }
        return *this;
    }
    Domain_ref(const Domain_ref&) = delete;
    Domain_ref& operator=(const Domain_ref&) = delete;

    explicit operator bool() const { return d_ != nullptr; }
    Domain* get() const { return d_; }
    Domain* operator->() const { return d_; }
    Domain& operator*() const { return *d_; }
    // Inline: most hypercalls hold an empty one (the caller's own domain),
    // whose destructor is then a test and no call.
    void reset()
    {
        if (d_)
            domain_put(d_);
        d_ = nullptr;
    }

private:
    Domain* d_ = nullptr;
};

struct Domain_config {
    bool privileged = false;
    unsigned max_vcpus = 1;
    uint32_t max_evtchn_port = Evtchn_table::nr_ports - 1;
};

// Ids are Xen's: 0 is dom0; DOMID_FIRST_RESERVED and up are special and
// never name a Domain.
constexpr unsigned max_domains = DOMID_FIRST_RESERVED;

// A reference to the domain with this id (alive or dying; a dead one is
// gone), or an empty one.
Domain_ref domain_get(uint16_t id);
// Raw pointers for the hooks of the portable cores (evtchn, pirq): a
// domain_get whose reference is released with domain_put.
Domain* domain_get_raw(uint16_t id);
// The domain with this id, without a reference or the table's lock, for a
// caller that knows it is alive (evtchn_hooks::peek); nullptr if none.
Domain* domain_peek(uint16_t id);
void domain_put(Domain* d);

// A fresh domain with id 'id' and its vCPUs (down), its event channels
// and its scheduling state, or nullptr when the id is taken (a domain,
// alive or not yet gone, has it), reserved or out of range, or memory is
// short. 'err' says which (-EEXIST, -EINVAL, -ENOMEM). The domain is
// 'building': its id is its own, but domain_get does not find it until
// domain_publish; domain_abandon ends it instead (it must own no frame
// by then). arch pv_domain_create (arch/x86_32/include/pv_domain.hpp)
// builds on it: every domain is made through that.
Domain* domain_create(uint16_t id, const Domain_config& cfg, int& err);
void domain_publish(Domain& d);
void domain_abandon(Domain& d);

// Whether a domain object (in any state) holds this id.
bool domain_id_in_use(uint16_t id);

// Calls fn for every domain in the table that is alive or dying, with a
// reference held for the call.
void for_each_domain(void (*fn)(Domain& d, void* ctx), void* ctx);

// Frame ownership counts, for the object's lifetime: a frame began to be
// owned by d, or ceased to be owned by the domain with id 'owner'.
void domain_frame_owned(Domain& d);
[[gnu::noinline]] void domain_frame_disowned(uint16_t owner);
// As domain_frame_owned, for the domain in the table with id 'owner',
// building or published (a grant frame made while it is being created).
void domain_frame_owned_by(uint16_t owner);

// Teardown begins (domain_kill.hpp): alive becomes dying, and no new
// reference of use is handed out (new ports, pirqs). Idempotent.
void domain_mark_dying(Domain& d);
// The domain is dead (domain_kill.hpp): it goes once nothing holds it.
void domain_mark_dead(Domain& d);
