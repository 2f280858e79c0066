// One domain being built: the state the steps of build_pv_domain share
// (domain_builder.hpp), each step in the source named after its concern.
// Internal to the domain builder.
#pragma once
#include "hypervisor/boot/elf_image.hpp"
#include "tools/lib/domain_builder/domain_builder.hpp"

namespace toolstack {

class Build_session {
public:
    Build_session(Hypercalls& hc, const Allocator& alloc, const Build_request& req,
                  Build_result& out, Build_error& err)
        : hc_(hc), alloc_(alloc), req_(req), out_(out), err_(err)
    {
    }
    ~Build_session();
    Build_session(const Build_session&) = delete;
    Build_session& operator=(const Build_session&) = delete;

    // The steps, in the order build_pv_domain runs them; each returns
    // false with err_ filled in.
    [[nodiscard]] bool check();         // domain_builder.cpp: request, image, layout
    [[nodiscard]] bool create_domain(); // domain_builder.cpp
    [[nodiscard]] bool populate();      // guest_memory.cpp
    [[nodiscard]] bool populate_some(uint32_t& pfn, uint32_t budget); // guest_memory.cpp
    uint32_t nr_pages() const { return nr_pages_; }
    [[nodiscard]] bool load();          // guest_memory.cpp: zeroed region, kernel, ramdisk, p2m
    [[nodiscard]] bool setup_channels();       // start_state.cpp
    [[nodiscard]] bool write_start_info();     // start_state.cpp
    [[nodiscard]] bool setup_shared_info();    // start_state.cpp
    [[nodiscard]] bool setup_hypercall_page(); // start_state.cpp
    [[nodiscard]] bool build_page_tables();    // boot_tables.cpp
    [[nodiscard]] bool pin_tables();           // boot_tables.cpp
    [[nodiscard]] bool start_vcpu0();          // start_state.cpp
    [[nodiscard]] bool seed_grants();          // start_state.cpp
    [[nodiscard]] bool unpause();              // domain_builder.cpp
    // The domain stays (build_pv_domain succeeded).
    void keep() { keep_ = true; }
    // The build failed: the domain, if made, is destroyed now.
    void abandon();

    // Records err (a printf-style text) and returns false.
    [[gnu::format(printf, 3, 4)]] bool fail(int xen_errno, const char* f, ...);
    // A hypercall's negative result rc as a failure of 'what'.
    bool failed_call(const char* what, long rc);

private:
    xen_pfn_t mfn_of_pfn(uint32_t pfn) const { return p2m_[pfn]; }
    xen_pfn_t mfn_of_va(uint32_t va) const { return p2m_[(va - layout_.v_start) >> 12]; }
    // Writes len bytes at guest virtual va (inside the region), or at pfn
    // onwards (write_pfn), mapping each frame in turn.
    [[nodiscard]] bool write_va(uint32_t va, const uint8_t* src, size_t len);
    [[nodiscard]] bool write_pfn(uint32_t pfn, const uint8_t* src, size_t len);
    [[nodiscard]] bool write_frame(xen_pfn_t mfn, uint32_t off, const uint8_t* src, size_t len);
    [[nodiscard]] int domctl(uint32_t cmd, xen_domctl& op, void* buf = nullptr, size_t len = 0);
    friend class Region_loader;

    Hypercalls& hc_;
    const Allocator& alloc_;
    const Build_request& req_;
    Build_result& out_;
    Build_error& err_;

    Elf_image img_;
    Boot_layout layout_{};
    uint32_t nr_pages_ = 0;
    xen_pfn_t* p2m_ = nullptr; // nr_pages_ entries, from alloc_
    xen_pfn_t shared_info_mfn_ = 0; // XEN_DOMCTL_getdomaininfo's shared_info_frame
    domid_t domid_ = 0;
    bool created_ = false;
    bool keep_ = false;
};

} // namespace toolstack
