// Recompute every frame's reference counts from what exists (allocation,
// pins, references held outside page tables, and the entries of every
// validated page table) and report each disagreement or broken invariant.
// Used by tests, the fuzzer and domain teardown to prove nothing leaked.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"

enum class Audit_kind : uint8_t {
    general_count,        // count_info count differs from the references that exist
    type_count,           // type_info count differs
    linear_count,         // linear page-table bookkeeping differs, or a linear chain
    validated_unused,     // a validated page table nobody references
    used_not_validated,   // a page table in use that is not validated
    writable_page_table,  // a writable mapping of a frame that is not of writable type
    wrong_target_type,    // an L2/L3 entry to a frame of the wrong type, or bad slot 3
    foreign_mapping,      // a frame mapped by a domain that may not
    hypervisor_mapping,   // a hypervisor or M2P frame mapped (writable) by a guest
    bad_flags,            // reserved or disallowed bits in a present entry
    hypervisor_slot,      // an L2 hypervisor slot that differs from the hypervisor's
    outside_range,        // an entry points outside the audited frames
    unknown_owner,        // a page table whose owner the frame space does not know
    unmappable,           // a page table the audit could not map to read
};

struct Audit_issue {
    Mfn mfn;
    Audit_kind kind;
    int64_t expected;
    int64_t actual;
};

struct Audit_report {
    static constexpr uint32_t kept_max = 16;
    uint32_t issues = 0;
    Audit_issue kept[kept_max];
    void add(Mfn mfn, Audit_kind kind, int64_t expected = 0, int64_t actual = 0);
    bool clean() const { return issues == 0; }
};

// References held outside page tables (a vCPU's base pointer, an LDT
// shadow mapping, a grant mapping, an operation in flight).
struct External_ref {
    Mfn mfn;
    uint32_t general;
    uint32_t type;
};

// A frame of another domain that 'mapper' may map although it is not
// privileged: the frame of a grant it has mapped (hypervisor/grant).
struct Granted_frame {
    uint16_t mapper;
    Mfn mfn;
};

// Caller-provided working memory, 'frames' elements each.
struct Audit_scratch {
    uint32_t* general;
    uint32_t* type;
    uint32_t* linear_entries;
    uint32_t* linear_uses;
};

[[nodiscard]] Audit_report audit_frames(Frame_space& fs, Mfn first, uint32_t frames,
                                        const External_ref* ext, uint32_t ext_count,
                                        const Audit_scratch& s, const Granted_frame* granted = nullptr,
                                        uint32_t granted_count = 0);
