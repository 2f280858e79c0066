// A growing array of trivially copyable values made through an Allocator.
// push_back reports a failed allocation and leaves the array unchanged.
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/text.hpp"

namespace toolstack {

template <class T> class Vec {
    static_assert(__is_trivially_copyable(T), "Vec holds plain values");

public:
    explicit Vec(const Allocator& a) : alloc_(&a) {}
    ~Vec() { alloc_->free(items_, cap_ * sizeof(T)); }
    Vec(const Vec&) = delete;
    Vec& operator=(const Vec&) = delete;

    uint32_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    T& operator[](uint32_t i) { return items_[i]; }
    const T& operator[](uint32_t i) const { return items_[i]; }
    T& back() { return items_[n_ - 1]; }
    void pop_back() { --n_; }
    void clear() { n_ = 0; }

    [[nodiscard]] bool push_back(const T& v)
    {
        if (n_ == cap_ && !grow())
            return false;
        items_[n_++] = v;
        return true;
    }

private:
    bool grow()
    {
        uint32_t cap = cap_ ? cap_ * 2 : 8;
        if (cap < cap_ || cap > 0x7FFFFFFFu / sizeof(T))
            return false;
        auto* fresh = static_cast<T*>(alloc_->allocate(cap * sizeof(T)));
        if (!fresh)
            return false;
        mem_copy(fresh, items_, n_ * sizeof(T));
        alloc_->free(items_, cap_ * sizeof(T));
        items_ = fresh;
        cap_ = cap;
        return true;
    }

    const Allocator* alloc_;
    T* items_ = nullptr;
    uint32_t n_ = 0;
    uint32_t cap_ = 0;
};

} // namespace toolstack
