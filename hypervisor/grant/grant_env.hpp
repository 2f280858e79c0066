// What the grant-table core needs of the rest of the hypervisor, and
// nothing more: machine frames (descriptors, temporary mappings, the page
// reference and type rules of hypervisor/mm, which all go through
// Frame_space), domains by id, TLB flushes, memory for its own tables,
// fresh frames to share with a guest, and the few memory-management steps
// of GNTTABOP_transfer. The hypervisor implements it over the real machine
// (arch/x86_32/include/pv_grant_env.hpp); host tests implement it over
// fakes (tests/unit/fake_grant_env.hpp).
//
// The shared entries live in frames the guest writes concurrently (Linux
// revokes a grant with a compare-and-swap on its flags while the hypervisor
// may be pinning it). Every read-modify-write of guest-shared words goes
// through cmpxchg()/clear_bits()/set_bits()/set_status()/clear_status(): the
// defaults are the atomic instructions; a test overrides them to change an
// entry between two steps of an operation, as a racing guest would.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"
#include "public/xen.h"

struct Domain;

// A frame shared with a guest: its machine frame and the hypervisor's
// permanent mapping of it.
struct Shared_frame {
    Mfn mfn = invalid_mfn;
    void* va = nullptr;
};

class Grant_env {
public:
    // Machine memory: frame descriptors, temporary mappings (Table_map),
    // and where released frames go (page_released).
    virtual Frame_space& frames() = 0;
    // The domain with this id with a reference the caller gives back
    // through put_domain, or nullptr. Ids DOMID_FIRST_RESERVED and up never
    // name one. Code holds domains through Env_domain (below).
    virtual Domain* get_domain(uint16_t id) = 0;
    virtual void put_domain(Domain* d) = 0;
    // When this returns no CPU holds a TLB entry of d's address spaces
    // older than the call (after PTEs were cleared, before the frames they
    // mapped lose their references).
    virtual void flush_tlb(Domain& d) = 0;

    // Zeroed hypervisor memory for the core's own tables; nullptr when
    // exhausted. free(nullptr) does nothing.
    virtual void* alloc(size_t bytes) = 0;
    virtual void free(void* p) = 0;
    // A zeroed frame that nobody owns yet, with a permanent hypervisor
    // mapping; false when none is left. The core makes it the guest's
    // (grant_table.cpp share_frame); it returns to the allocator through
    // Frame_space::page_released when its last reference goes.
    [[nodiscard]] virtual bool alloc_frame(Shared_frame& f) = 0;
    // A frame became domain 'owner''s (share_frame): its Domain counts it
    // (owned_frames) until page_released gives it back, which is what
    // keeps a dead domain's object while one of its frames is still mapped.
    virtual void frame_owned(uint16_t owner) { (void)owner; }

    // GNTTABOP_transfer (Xen's steal_page and assign_pages for a PV
    // domain). steal: m leaves d if d owns it and nothing but the allocation
    // holds it (not mapped, not typed, not pinned); it then belongs to
    // nobody. give: a stolen frame becomes d's (one allocation reference).
    // free_stolen: a stolen frame goes back to the allocator. None of them
    // changes tot_pages: the core accounts for the frame itself.
    [[nodiscard]] virtual bool steal_page(Domain& d, Mfn m) = 0;
    virtual void give_page(Domain& d, Mfn m) = 0;
    virtual void free_stolen(Mfn m) = 0;
    // The machine-to-phys entry of m (a PV domain's guest_physmap_add_page).
    virtual void set_m2p(Mfn m, uint32_t gfn) = 0;

    // Guest-shared words (defined inline: the host tests, built with RTTI,
    // derive from this class while the core is built without).
    // cmpxchg returns the value found (== expected on success).
    // Sequentially consistent: pairs with the guest's locked cmpxchg on the
    // same word (its revocation protocol orders its accesses with full
    // barriers).
    virtual uint32_t cmpxchg(uint32_t* w, uint32_t expected, uint32_t desired)
    {
        __atomic_compare_exchange_n(w, &expected, desired, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return expected;
    }
    // Atomically clears 'mask' in *w: a locked AND, so bits the guest
    // sets meanwhile survive.
    virtual void clear_bits(uint32_t* w, uint32_t mask)
    {
        __atomic_fetch_and(w, ~mask, __ATOMIC_SEQ_CST);
    }
    // Atomically sets 'mask' in *w (GTF_transfer_completed; seq_cst, so
    // the frame written before it is visible first).
    virtual void set_bits(uint32_t* w, uint32_t mask)
    {
        __atomic_fetch_or(w, mask, __ATOMIC_SEQ_CST);
    }
    // Version 2 status words (written by the hypervisor only; the guest
    // reads them). The seq_cst RMW makes the status visible before any
    // later load of the entry's flags (Xen's smp_mb() in _set_status_v2).
    virtual void set_status(uint16_t* s, uint16_t bits)
    {
        __atomic_fetch_or(s, bits, __ATOMIC_SEQ_CST);
    }
    virtual void clear_status(uint16_t* s, uint16_t bits)
    {
        __atomic_fetch_and(s, static_cast<uint16_t>(~bits), __ATOMIC_SEQ_CST);
    }

protected:
    ~Grant_env() = default;
};

// A domain held for as long as this lives: the caller itself (no
// reference), or one found by id through the environment.
class Env_domain {
public:
    Env_domain() = default;
    Env_domain(Grant_env& env, uint16_t id)
        : env_(&env), d_(env.get_domain(id)), held_(d_ != nullptr)
    {
    }
    // 'self' when id is DOMID_SELF (when self_ok) or self's own id.
    Env_domain(Grant_env& env, Domain& self, uint16_t self_id, uint16_t id, bool self_ok)
        : env_(&env)
    {
        if (id == self_id || (self_ok && id == DOMID_SELF))
            d_ = &self;
        else
            d_ = env.get_domain(id), held_ = d_ != nullptr;
    }
    ~Env_domain() { reset(); }
    Env_domain(Env_domain&& o) noexcept : env_(o.env_), d_(o.d_), held_(o.held_)
    {
        o.d_ = nullptr, o.held_ = false;
    }
    Env_domain& operator=(Env_domain&& o) noexcept
    {
        if (this != &o) {
            reset();
            env_ = o.env_, d_ = o.d_, held_ = o.held_;
            o.d_ = nullptr, o.held_ = false;
        }
        return *this;
    }
    Env_domain(const Env_domain&) = delete;
    Env_domain& operator=(const Env_domain&) = delete;

    Domain* get() const { return d_; }
    Domain* operator->() const { return d_; }
    Domain& operator*() const { return *d_; }
    explicit operator bool() const { return d_ != nullptr; }

private:
    void reset()
    {
        if (held_)
            env_->put_domain(d_);
        d_ = nullptr, held_ = false;
    }

    Grant_env* env_ = nullptr;
    Domain* d_ = nullptr;
    bool held_ = false;
};
