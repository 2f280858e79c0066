#include "arch/x86_32/cpu/extable.hpp"

extern "C" const arch::Extable_entry __extable_start[];
extern "C" const arch::Extable_entry __extable_end[];

namespace arch {

// Linear: the table holds a handful of entries (guest copies, guest
// segment loads); a sorted table pays off only when it grows large.
uint32_t search_extable(uint32_t eip)
{
    for (const Extable_entry* e = __extable_start; e != __extable_end; ++e)
        if (e->fault_eip == eip)
            return e->fixup_eip;
    return 0;
}

} // namespace arch
