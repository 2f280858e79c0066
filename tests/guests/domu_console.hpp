// A test dom0's console backend for one domU: its console ring (the frame
// the builder gave it, mapped from dom0 for the domU's life) is drained
// into dom0's console, one "dN: " line at a time, as xenconsoled would.
#pragma once
#include <cstdint>

#include "console.hpp"
#include "toolstack_hypercalls.hpp"

class Domu_console {
public:
    // False when the ring cannot be mapped.
    bool attach(Guest_hypercalls& hc, domid_t dom, uint32_t ring_mfn);
    // Prints every complete line the domU has produced so far.
    void drain();
    // Prints what is left (a last line without its newline too), unmaps.
    void detach();
    // Lines relayed so far.
    unsigned lines() const { return lines_; }

private:
    void emit();

    Guest_hypercalls* hc_ = nullptr;
    xencons_interface_t* ring_ = nullptr;
    domid_t dom_ = 0;
    char line_[160];
    unsigned len_ = 0;
    unsigned lines_ = 0;
};
