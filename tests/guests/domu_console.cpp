#include "domu_console.hpp"

bool Domu_console::attach(Guest_hypercalls& hc, domid_t dom, uint32_t ring_mfn)
{
    void* page = nullptr;
    if (hc.map_foreign(dom, ring_mfn, page) != 0)
        return false;
    hc_ = &hc;
    ring_ = static_cast<xencons_interface_t*>(page);
    dom_ = dom;
    return true;
}

void Domu_console::emit()
{
    line_[len_] = '\0';
    printf("d%u: %s\n", dom_, line_);
    len_ = 0;
    ++lines_;
}

void Domu_console::drain()
{
    if (!ring_)
        return;
    char buf[256];
    size_t n;
    while ((n = console_relay(*ring_, buf, sizeof buf)) != 0) {
        for (size_t i = 0; i < n; ++i) {
            if (buf[i] == '\n' || len_ == sizeof line_ - 1) {
                emit();
                if (buf[i] == '\n')
                    continue;
            }
            if (buf[i] != '\r')
                line_[len_++] = buf[i];
        }
    }
}

void Domu_console::detach()
{
    drain();
    if (len_)
        emit();
    if (ring_)
        hc_->unmap_foreign(ring_);
    ring_ = nullptr;
}
