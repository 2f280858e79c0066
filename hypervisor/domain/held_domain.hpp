// A domain an operation of a portable core (event channels, pirqs) works
// on: the caller's own domain, or one found through the core's lookup
// hook, which takes a reference given back through its release hook when
// the holder goes.
#pragma once
#include <cstdint>

struct Domain;

class Held_domain {
public:
    using Lookup = Domain* (*)(uint16_t id);
    using Release = void (*)(Domain* d);

    Held_domain() = default;
    // 'self' itself when id is its own, else a lookup.
    Held_domain(Domain& self, uint16_t self_id, uint16_t id, Lookup lookup, Release release)
        : release_(release)
    {
        if (id == self_id) {
            d_ = &self;
        } else if (lookup) {
            d_ = lookup(id);
            held_ = d_ != nullptr;
        }
    }
    Held_domain(uint16_t id, Lookup lookup, Release release) : release_(release)
    {
        d_ = lookup ? lookup(id) : nullptr;
        held_ = d_ != nullptr;
    }
    ~Held_domain() { drop(); }
    Held_domain(Held_domain&& o) noexcept : d_(o.d_), held_(o.held_), release_(o.release_)
    {
        o.d_ = nullptr;
        o.held_ = false;
    }
    Held_domain& operator=(Held_domain&& o) noexcept
    {
        if (this != &o) {
            drop();
            d_ = o.d_, held_ = o.held_, release_ = o.release_;
            o.d_ = nullptr;
            o.held_ = false;
        }
        return *this;
    }
    Held_domain(const Held_domain&) = delete;
    Held_domain& operator=(const Held_domain&) = delete;

    Domain* get() const { return d_; }
    Domain* operator->() const { return d_; }
    explicit operator bool() const { return d_ != nullptr; }

private:
    void drop()
    {
        if (held_ && release_)
            release_(d_);
        d_ = nullptr;
        held_ = false;
    }

    Domain* d_ = nullptr;
    bool held_ = false;
    Release release_ = nullptr;
};
