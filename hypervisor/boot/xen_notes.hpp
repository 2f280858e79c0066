// Xen guest-kernel metadata: the "Xen" ELF notes (public/elfnote.h) and the
// legacy `__xen_guest` section string, decoded into one record. Portable and
// hostile-input safe: every length is checked before a byte is read.
//
// This layer only decodes; whether the kernel is acceptable (ABI, PAE,
// features, addresses) is decided by parse_elf_image (elf_image.hpp).
#pragma once
#include "hypervisor/boot/elf_error.hpp"

#include <cstddef>
#include <cstdint>

// PAE capability a 32-bit kernel declares (elfnote.h XEN_ELFNOTE_PAE_MODE).
// yes: PAE, but the L3 table must stay below 4 GiB (legacy "PAE=yes");
// extended_cr3: PAE, L3 anywhere (note "yes", legacy "yes[extended-cr3]");
// bimodal: PAE or not, as the hypervisor is; on x86_32p it acts as extended_cr3.
enum class Pae_mode : uint8_t { no, yes, extended_cr3, bimodal };

struct Xen_notes {
    static constexpr uint64_t unset = ~0ull;
    static constexpr size_t str_len = 32;     // longer strings are truncated
    static constexpr unsigned max_notes = 1024; // bound on work per image

    char guest_os[str_len] = {};
    char guest_version[str_len] = {};
    char xen_version[str_len] = {};
    char loader[str_len] = {};
    char pae_text[str_len] = {};              // PAE_MODE as written, for messages

    uint64_t virt_base = unset;
    uint64_t paddr_offset = unset;
    uint64_t entry = unset;
    uint64_t hypercall_page = unset;          // virtual address
    uint64_t hv_start_low = unset;
    uint64_t init_p2m = unset;
    uint64_t phys32_entry = unset;

    Pae_mode pae = Pae_mode::no;
    uint32_t features_supported = 0;          // bit n = XENFEAT n (submap 0)
    uint32_t features_required = 0;
    bool supported_features_note = false;     // SUPPORTED_FEATURES was present
    bool suspend_cancel = false;
    bool mod_start_pfn = false;
    bool bsd_symtab = false;
    bool phys32_reloc = false;
    bool l1_mfn_valid = false;
    uint64_t l1_mfn_mask = 0;                 // first mask/value pair, PAE width
    uint64_t l1_mfn_value = 0;

    bool legacy = false;                      // taken from __xen_guest
    unsigned xen_note_count = 0;              // notes owned by "Xen"
    unsigned total_note_count = 0;            // all notes seen, any owner
};

// Decodes the notes in one note area (a PT_NOTE segment or SHT_NOTE section):
// Xen-owned ones update 'out', others are skipped. Fails on a note that runs
// out of its area, a string without NUL, or a numeric payload of odd size.
[[nodiscard]] bool parse_note_area(const uint8_t* area, size_t len, Xen_notes& out,
                                   Elf_error& err);

// Decodes a legacy `__xen_guest` string of at most len bytes (it ends at the
// first NUL if there is one).
[[nodiscard]] bool parse_xen_guest_string(const uint8_t* s, size_t len, Xen_notes& out,
                                          Elf_error& err);

// Decodes a FEATURES list ("a|!b|c"): known names set bits in 'supported',
// names with '!' also in 'required'. An unknown required name fails; an
// unknown optional one is ignored, as in Xen.
[[nodiscard]] bool parse_feature_list(const char* s, size_t len, uint32_t& supported,
                                      uint32_t& required, Elf_error& err);

// Name of feature bit n without the XENFEAT_ prefix; nullptr if unnamed.
const char* xen_feature_name(unsigned bit);
const char* pae_mode_name(Pae_mode mode);
