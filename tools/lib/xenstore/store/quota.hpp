// The limits one unprivileged domain lives within, with the defaults of
// Xen's C xenstored (tools/xenstored/domain.c, quotas[]). A limit L means
// "at most L"; 0 switches a limit off. The privileged domain has none.
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "public/io/xs_wire.h"
#include "tools/lib/xenstore/store/types.hpp"

namespace xs {

struct Quota {
    uint32_t nodes = 1000;                          // nodes a domain owns ("nodes", -E)
    uint32_t node_size = 2048;                      // bytes of one node, counted as node_acc_size()
    uint32_t watches = 128;                         // watches a domain has set
    uint32_t transactions = 10;                     // transactions open at once
    uint32_t transaction_nodes = 1024;              // nodes one transaction reads or writes
    uint32_t permissions = 5;                       // entries of one SET_PERMS
    uint32_t path_max = XENSTORE_REL_PATH_MAX;      // path length below /local/domain/<id>/
    uint32_t outstanding = 20;                      // replies queued that the domain has not read
    uint32_t memory = 2 * 1024 * 1024 + 512 * 1024; // bytes of nodes owned, watches,
                                                    // transactions and queued output
};

// Longest absolute path anyone may use (XENSTORE_ABS_PATH_MAX).
constexpr uint32_t abs_path_max = XENSTORE_ABS_PATH_MAX;

// Over limit: v would exceed l (and l is on).
constexpr bool over(uint64_t v, uint32_t l)
{
    return l != 0 && v > l;
}

} // namespace xs
