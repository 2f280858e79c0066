// Reading and updating a granter's shared entries, v1 and v2 (Xen's
// _set_status_v1/_v2, reduce_status_for_pin, and the frame fields).
//
// Version 1: GTF_reading/GTF_writing live in the entry's flags, which the
// guest writes at the same time (a revoke is a cmpxchg of flags to 0 that
// only succeeds while neither bit is set), so the hypervisor sets them with
// a compare-and-swap of the whole flags+domid word, retried a bounded
// number of times (a guest changing the word faster than that is refused,
// not waited for). Version 2: they live in a status word only the
// hypervisor writes; it sets them, then re-reads the flags to catch a
// revoke that raced with it.
//
// Caller holds the table's lock.
#pragma once
#include <cstdint>

#include "hypervisor/grant/grant_table.hpp"

namespace grant {

// The frame an entry grants and the window it grants of it.
struct Entry_frame {
    uint64_t gfn = 0;
    uint16_t start = 0;
    uint16_t length = page_size;
    bool sub_page = false;
};
Entry_frame entry_frame(const Grant_table& t, uint32_t ref);

// Marks entry ref in use for 'mapper': reading, and writing unless
// 'readonly'. 'mapping' (map_grant_ref, not copy) also refuses sub-page
// grants. While act is unpinned the entry must be a GTF_permit_access
// grant to 'mapper'. GNTST_okay, or GNTST_general_error with the entry as
// it was.
[[nodiscard]] int16_t set_status(Grant_env& env, Grant_table& t, uint32_t ref,
                                 const Active_entry& act, bool readonly, bool mapping,
                                 uint16_t mapper);

// After pins of kind 'readonly' went: clears GTF_writing once no writable
// pin is left, and GTF_reading once no pin is left.
void reduce_status(Grant_env& env, Grant_table& t, uint32_t ref, const Active_entry& act,
                   bool readonly);

} // namespace grant
