#include "tools/lib/base/heap.hpp"

namespace toolstack {

Heap::Heap(void* base, size_t len)
{
    auto b = reinterpret_cast<uintptr_t>(base);
    uintptr_t start = (b + granule - 1) & ~uintptr_t{granule - 1};
    if (len < start - b + granule)
        return;
    base_ = start;
    len_ = (len - (start - b)) & ~(granule - 1);
    free_ = len_;
    head_ = reinterpret_cast<Free_block*>(base_);
    head_->next = nullptr;
    head_->size = len_;
}

void* Heap::alloc(size_t size)
{
    if (size == 0 || size > len_)
        return nullptr;
    size_t n = round(size);
    for (Free_block** link = &head_; *link; link = &(*link)->next) {
        Free_block* b = *link;
        if (b->size < n)
            continue;
        if (b->size == n) {
            *link = b->next;
        } else {
            // The block's tail is handed out; its head stays in the list.
            b->size -= n;
            b = reinterpret_cast<Free_block*>(reinterpret_cast<uintptr_t>(b) + b->size);
        }
        free_ -= n;
        return b;
    }
    return nullptr;
}

void Heap::release(void* p, size_t size)
{
    if (!p || size == 0)
        return;
    size_t n = round(size);
    auto at = reinterpret_cast<uintptr_t>(p);
    Free_block* prev = nullptr;
    Free_block* next = head_;
    while (next && reinterpret_cast<uintptr_t>(next) < at) {
        prev = next;
        next = next->next;
    }
    auto* b = static_cast<Free_block*>(p);
    b->size = n;
    b->next = next;
    if (next && at + n == reinterpret_cast<uintptr_t>(next)) {
        b->size += next->size;
        b->next = next->next;
    }
    if (prev && reinterpret_cast<uintptr_t>(prev) + prev->size == at) {
        prev->size += b->size;
        prev->next = b->next;
    } else if (prev) {
        prev->next = b;
    } else {
        head_ = b;
    }
    free_ += n;
}

bool Heap::consistent() const
{
    size_t sum = 0;
    uintptr_t end = 0;
    for (const Free_block* b = head_; b; b = b->next) {
        auto at = reinterpret_cast<uintptr_t>(b);
        if (at < base_ || b->size == 0 || b->size % granule || at + b->size > base_ + len_)
            return false;
        if (end && at <= end) // out of order, overlapping or not merged
            return false;
        end = at + b->size;
        sum += b->size;
    }
    return sum == free_;
}

} // namespace toolstack
