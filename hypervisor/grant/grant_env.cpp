#include "hypervisor/grant/grant_env.hpp"

uint32_t Grant_env::cmpxchg(uint32_t* w, uint32_t expected, uint32_t desired)
{
    // seq_cst: pairs with the guest's locked cmpxchg on the same word.
    __atomic_compare_exchange_n(w, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}

void Grant_env::clear_bits(uint32_t* w, uint32_t mask)
{
    // A locked AND: bits the guest sets meanwhile survive.
    __atomic_fetch_and(w, ~mask, __ATOMIC_SEQ_CST);
}

void Grant_env::set_bits(uint32_t* w, uint32_t mask)
{
    // Release is enough for the guest, which spins on the bit and then
    // reads the frame written before it; seq_cst for uniformity.
    __atomic_fetch_or(w, mask, __ATOMIC_SEQ_CST);
}

void Grant_env::set_status(uint16_t* s, uint16_t bits)
{
    // seq_cst RMW: the status is visible before any later load of the
    // entry's flags (Xen's smp_mb() in _set_status_v2).
    __atomic_fetch_or(s, bits, __ATOMIC_SEQ_CST);
}

void Grant_env::clear_status(uint16_t* s, uint16_t bits)
{
    __atomic_fetch_and(s, static_cast<uint16_t>(~bits), __ATOMIC_SEQ_CST);
}
