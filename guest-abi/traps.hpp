// Exceptions for PV test guests: a trap table (HYPERVISOR_set_trap_table)
// with a handler for every exception vector, reporting "unexpected trap" and
// crashing the domain, plus try_fault() for code that must fault.
#pragma once
#include "public/xen.h"

#include <cstdint>

// What the entry stubs save (trap_entry.S): pushal, then vector and error
// code, then Xen's bounce frame.
struct Trap_frame {
    uint32_t edi, esi, ebp, esp_at_pushal, ebx, edx, ecx, eax;
    uint32_t vector;
    uint32_t error_code; // 0 for vectors without one
    uint32_t eip;
    uint32_t cs;         // saved_upcall_mask in bits 16..23
    uint32_t eflags;
};

struct Fault {
    bool happened = false;
    uint32_t vector = 0;
    uint32_t error_code = 0;
    uint32_t eip = 0;
    uint32_t cs = 0;
    uint32_t cr2 = 0;  // vcpu_info.arch.cr2 at delivery (vector 14)
};

// Installs the default table: vectors 0..19 (int3/into callable from ring 3,
// as on native). Crashes the domain if Xen refuses it.
void traps_install();

// Adds one entry for a test vector (0x40..0x43 have stubs) with the given
// DPL (lowest ring allowed to use INT n) and code selector.
[[nodiscard]] int32_t traps_set_gate(uint8_t vector, uint8_t dpl, uint16_t cs);
// Address of the entry stub for a vector (0 when there is none).
uint32_t trap_stub(uint32_t vector);

// Runs fn(arg) with the fault catcher armed: if any exception or software
// interrupt reaches the guest, fn is abandoned and the fault returned.
using Try_fn = void (*)(void*);
Fault try_fault(Try_fn fn, void* arg = nullptr);

// Event upcalls seen by the event callback (registered by traps_install).
uint32_t event_upcalls();
// Replaces what the event callback does (by default it discards every
// unmasked pending event): a kernel with an event loop collects them.
// Called with events masked, on the interrupted stack.
void set_event_handler(void (*handler)());
