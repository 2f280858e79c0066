// Hypercalls given bad pointers. Xen reads guest memory through fault-safe
// copies, so a pointer that is NULL, unmapped or inside the hypervisor must
// come back as an errno (or, for some calls, as "nothing done"), never as a
// crash of the guest or of the hypervisor.
#pragma once
#include <cstddef>
#include <cstdint>

struct Bad_pointer_case {
    const char* name;
    uint32_t op;       // __HYPERVISOR_*
    uint32_t args[4];  // the argument at 'slot' is replaced by the bad pointer
    unsigned slot;     // 1..4
    bool skip_null;    // NULL means something legal for this call
};

// Tries every case with each of bad_pointers[] and checks the call returns
// 'want' (one CHECK line per case and pointer, naming both).
void check_bad_pointers(const Bad_pointer_case* cases, size_t n, int32_t want);

template <size_t N> void check_bad_pointers(const Bad_pointer_case (&cases)[N], int32_t want)
{
    check_bad_pointers(cases, N, want);
}
