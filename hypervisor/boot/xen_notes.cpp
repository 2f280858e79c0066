#include "hypervisor/boot/xen_notes.hpp"

#include "hypervisor/boot/elf32.hpp"

#include <public/elfnote.h>
#include <public/features.h>

namespace {

// A bounded, not necessarily NUL-terminated run of characters in the image.
struct Text {
    const char* p;
    size_t len;
    bool equals(const char* s) const
    {
        size_t i = 0;
        for (; i < len; ++i)
            if (s[i] == '\0' || s[i] != p[i])
                return false;
        return s[i] == '\0';
    }
    bool starts_with(const char* s) const
    {
        size_t i = 0;
        for (; s[i] != '\0'; ++i)
            if (i >= len || s[i] != p[i])
                return false;
        return true;
    }
    bool contains(const char* s) const
    {
        for (size_t i = 0; i < len; ++i)
            if (Text{p + i, len - i}.starts_with(s))
                return true;
        return false;
    }
};

const char* as_chars(const uint8_t* p) { return reinterpret_cast<const char*>(p); }

// Truncating copy that keeps only printable ASCII: these strings reach the
// console, and the image is hostile.
void copy_text(char (&dst)[Xen_notes::str_len], Text t)
{
    size_t n = t.len < Xen_notes::str_len - 1 ? t.len : Xen_notes::str_len - 1;
    for (size_t i = 0; i < n; ++i)
        dst[i] = t.p[i] >= ' ' && t.p[i] <= '~' ? t.p[i] : '?';
    dst[n] = '\0';
}

// Xen's feature names (public/features.h), indexed by bit.
constexpr const char* feature_names[] = {
    "writable_page_tables",     "writable_descriptor_tables", "auto_translated_physmap",
    "supervisor_mode_kernel",   "pae_pgdir_above_4gb",        "mmu_pt_update_preserve_ad",
    "highmem_assist",           "gnttab_map_avail_bits",      "hvm_callback_vector",
    "hvm_safe_pvclock",         "hvm_pirqs",                  "dom0",
    nullptr,                    "memory_op_vnode_supported",  "ARM_SMCCC_supported",
    "linux_rsdp_unrestricted",  "not_direct_mapped",          "direct_mapped",
    "runstate_phys_area",       "vcpu_time_phys_area",
};
constexpr unsigned feature_count = sizeof(feature_names) / sizeof(feature_names[0]);
static_assert(feature_count == XENFEAT_vcpu_time_phys_area + 1);
static_assert(feature_count <= 32, "one submap");

// PAE_MODE note (elfnote.h): "yes" means extended-cr3; anything mentioning
// "bimodal" is bimodal ("yes,bimodal" keeps old Xen treating it as PAE).
Pae_mode pae_from_note(Text t)
{
    if (t.contains("bimodal"))
        return Pae_mode::bimodal;
    return t.equals("yes") ? Pae_mode::extended_cr3 : Pae_mode::no;
}

// Legacy PAE= value (Xen libelf): "yes[extended-cr3]" or a plain "yes...".
// "bimodal" is not in Xen's legacy parser; accepting it costs nothing.
Pae_mode pae_from_legacy(Text t)
{
    if (t.equals("yes[extended-cr3]"))
        return Pae_mode::extended_cr3;
    if (t.starts_with("yes"))
        return Pae_mode::yes;
    return t.contains("bimodal") ? Pae_mode::bimodal : Pae_mode::no;
}

const char* note_name(uint32_t type)
{
    constexpr const char* names[] = {
        "INFO",      "ENTRY",        "HYPERCALL_PAGE", "VIRT_BASE",          "PADDR_OFFSET",
        "XEN_VERSION", "GUEST_OS",   "GUEST_VERSION",  "LOADER",             "PAE_MODE",
        "FEATURES",  "BSD_SYMTAB",   "HV_START_LOW",   "L1_MFN_VALID",       "SUSPEND_CANCEL",
        "INIT_P2M",  "MOD_START_PFN", "SUPPORTED_FEATURES", "PHYS32_ENTRY",  "PHYS32_RELOC",
    };
    static_assert(sizeof(names) / sizeof(names[0]) == XEN_ELFNOTE_MAX + 1);
    return type <= XEN_ELFNOTE_MAX ? names[type] : "unknown";
}

bool is_string_note(uint32_t type)
{
    switch (type) {
    case XEN_ELFNOTE_XEN_VERSION: case XEN_ELFNOTE_GUEST_OS: case XEN_ELFNOTE_GUEST_VERSION:
    case XEN_ELFNOTE_LOADER: case XEN_ELFNOTE_PAE_MODE: case XEN_ELFNOTE_FEATURES:
    case XEN_ELFNOTE_BSD_SYMTAB:
        return true;
    default:
        return false;
    }
}

bool apply_string_note(uint32_t type, Text t, Xen_notes& out, Elf_error& err)
{
    switch (type) {
    case XEN_ELFNOTE_XEN_VERSION: copy_text(out.xen_version, t); break;
    case XEN_ELFNOTE_GUEST_OS: copy_text(out.guest_os, t); break;
    case XEN_ELFNOTE_GUEST_VERSION: copy_text(out.guest_version, t); break;
    case XEN_ELFNOTE_LOADER: copy_text(out.loader, t); break;
    case XEN_ELFNOTE_PAE_MODE:
        copy_text(out.pae_text, t);
        out.pae = pae_from_note(t);
        break;
    case XEN_ELFNOTE_BSD_SYMTAB: out.bsd_symtab = t.equals("yes"); break;
    case XEN_ELFNOTE_FEATURES:
        return parse_feature_list(t.p, t.len, out.features_supported, out.features_required, err);
    default: break;
    }
    return true;
}

// Numeric payloads are little-endian of the descriptor's own width (libelf
// elf_note_numeric reads 1, 2, 4 or 8 bytes).
bool read_numeric(uint32_t type, const uint8_t* d, uint32_t size, uint64_t& v, Elf_error& err)
{
    switch (size) {
    case 1: v = d[0]; return true;
    case 2: v = elf32::le16(d); return true;
    case 4: v = elf32::le32(d); return true;
    case 8: v = elf32::le64(d); return true;
    default:
        return elf_fail(err, "corrupt Xen note %s: numeric payload of %u bytes (need 4 or 8)",
                        note_name(type), size);
    }
}

bool apply_numeric_note(uint32_t type, const uint8_t* d, uint32_t size, Xen_notes& out,
                        Elf_error& err)
{
    if (type == XEN_ELFNOTE_SUPPORTED_FEATURES) {
        // An array of 32-bit submaps; only submap 0 exists (XENFEAT_NR_SUBMAPS).
        if (size < 4 || size % 4 != 0)
            return elf_fail(err, "corrupt Xen note SUPPORTED_FEATURES: %u bytes", size);
        out.features_supported |= elf32::le32(d);
        out.supported_features_note = true;
        return true;
    }
    if (type == XEN_ELFNOTE_L1_MFN_VALID) {
        // maddr_t pairs; on PAE a maddr_t is 8 bytes. Other shapes are not
        // ours to use (only the dom0 builder of a non-PAE Xen would be).
        out.l1_mfn_valid = true;
        if (size >= 16) {
            out.l1_mfn_mask = elf32::le64(d);
            out.l1_mfn_value = elf32::le64(d + 8);
        }
        return true;
    }
    if (type == XEN_ELFNOTE_PHYS32_RELOC) {
        out.phys32_reloc = true;
        return true;
    }
    uint64_t v = 0;
    if (!read_numeric(type, d, size, v, err))
        return false;
    switch (type) {
    case XEN_ELFNOTE_ENTRY: out.entry = v; break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: out.hypercall_page = v; break;
    case XEN_ELFNOTE_VIRT_BASE: out.virt_base = v; break;
    case XEN_ELFNOTE_PADDR_OFFSET: out.paddr_offset = v; break;
    case XEN_ELFNOTE_HV_START_LOW: out.hv_start_low = v; break;
    case XEN_ELFNOTE_SUSPEND_CANCEL: out.suspend_cancel = v != 0; break;
    case XEN_ELFNOTE_INIT_P2M: out.init_p2m = v; break;
    case XEN_ELFNOTE_MOD_START_PFN: out.mod_start_pfn = v != 0; break;
    case XEN_ELFNOTE_PHYS32_ENTRY: out.phys32_entry = v; break;
    default: break;
    }
    return true;
}

// One Xen note. 'avail' is how much of the descriptor lies inside the area:
// less than 'size' only for a last note that runs past the area's end.
bool apply_note(uint32_t type, const uint8_t* d, uint32_t size, size_t avail, Xen_notes& out,
                Elf_error& err)
{
    if (type == XEN_ELFNOTE_INFO || type > XEN_ELFNOTE_MAX)
        return true; // not interpreted, as in Xen
    if (is_string_note(type)) {
        // GRUB 2's i386-xen image declares PAE_MODE with descsz 12 but ends
        // the file after "yes\0"; Xen accepts a string that is terminated
        // inside the image, so do we. The NUL must be inside the area.
        size_t n = 0;
        while (n < avail && d[n] != '\0')
            ++n;
        if (n == avail)
            return elf_fail(err, "corrupt Xen note %s: string is not NUL-terminated",
                            note_name(type));
        return apply_string_note(type, Text{as_chars(d), n}, out, err);
    }
    if (avail < size)
        return elf_fail(err, "truncated Xen note %s: payload of %u bytes runs past the note area",
                        note_name(type), size);
    return apply_numeric_note(type, d, size, out, err);
}

constexpr uint32_t align4(uint32_t v) { return (v + 3u) & ~3u; }


// strtoull(value, 0, 0) as Xen's legacy parser uses it, but strict: the whole
// value must be a number (Xen would silently take 0 for garbage).
bool parse_legacy_number(Text key, Text v, uint64_t& out, Elf_error& err)
{
    unsigned base = 10;
    size_t i = 0;
    if (v.len > 2 && v.p[0] == '0' && (v.p[1] == 'x' || v.p[1] == 'X'))
        base = 16, i = 2;
    else if (v.len > 1 && v.p[0] == '0')
        base = 8, i = 1;
    uint64_t n = 0;
    bool ok = i < v.len;
    for (; ok && i < v.len; ++i) {
        char c = v.p[i];
        unsigned d = c >= '0' && c <= '9'   ? static_cast<unsigned>(c - '0')
                     : c >= 'a' && c <= 'f' ? static_cast<unsigned>(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? static_cast<unsigned>(c - 'A' + 10)
                                            : 99u;
        if (d >= base || n > (~0ull - d) / base)
            ok = false;
        else
            n = n * base + d;
    }
    if (!ok) {
        char shown[Xen_notes::str_len];
        copy_text(shown, v);
        return elf_fail(err, "corrupt __xen_guest: %.*s value '%s' is not a number",
                        static_cast<int>(key.len), key.p, shown); // key is a known name
    }
    out = n;
    return true;
}

bool apply_legacy_pair(Text key, Text v, Xen_notes& out, uint64_t& hypercall_pfn,
                       Elf_error& err)
{
    if (key.equals("LOADER"))
        copy_text(out.loader, v);
    else if (key.equals("GUEST_OS"))
        copy_text(out.guest_os, v);
    else if (key.equals("GUEST_VER"))
        copy_text(out.guest_version, v);
    else if (key.equals("XEN_VER"))
        copy_text(out.xen_version, v);
    else if (key.equals("PAE")) {
        copy_text(out.pae_text, v);
        out.pae = pae_from_legacy(v);
    } else if (key.equals("BSD_SYMTAB"))
        out.bsd_symtab = true; // presence alone, per elfnote.h
    else if (key.equals("VIRT_BASE"))
        return parse_legacy_number(key, v, out.virt_base, err);
    else if (key.equals("VIRT_ENTRY"))
        return parse_legacy_number(key, v, out.entry, err);
    else if (key.equals("ELF_PADDR_OFFSET"))
        return parse_legacy_number(key, v, out.paddr_offset, err);
    else if (key.equals("HYPERCALL_PAGE"))
        return parse_legacy_number(key, v, hypercall_pfn, err);
    else if (key.equals("FEATURES"))
        return parse_feature_list(v.p, v.len, out.features_supported, out.features_required,
                                  err);
    return true; // unknown keys are ignored, as in Xen
}
} // namespace

bool parse_note_area(const uint8_t* area, size_t len, Xen_notes& out, Elf_error& err)
{
    constexpr size_t header = 12; // namesz, descsz, type
    size_t pos = 0;
    // A tail shorter than a note header is padding (Xen stops there too).
    while (len - pos >= header) {
        if (++out.total_note_count > Xen_notes::max_notes)
            return elf_fail(err, "corrupt notes: more than %u ELF notes", Xen_notes::max_notes);
        const uint8_t* h = area + pos;
        uint32_t namesz = elf32::le32(h), descsz = elf32::le32(h + 4), type = elf32::le32(h + 8);
        size_t rest = len - pos - header;
        if (namesz > rest)
            return elf_fail(err, "corrupt note at offset %zu: name of %u bytes runs past the "
                                 "note area", pos, namesz);
        size_t name_span = namesz == 0 ? 0 : align4(namesz);
        size_t desc_at = name_span < rest ? name_span : rest;
        size_t desc_avail = rest - desc_at;
        const uint8_t* name = h + header;
        const uint8_t* desc = name + desc_at;
        bool is_xen = namesz == 4 && name[0] == 'X' && name[1] == 'e' && name[2] == 'n' &&
                      name[3] == '\0';
        if (is_xen) {
            ++out.xen_note_count;
            if (!apply_note(type, desc, descsz, desc_avail, out, err))
                return false;
        }
        if (descsz > desc_avail) {
            if (!is_xen)
                return elf_fail(err, "corrupt note at offset %zu: payload of %u bytes runs past "
                                     "the note area", pos, descsz);
            break; // a tolerated truncated last string note (see apply_note)
        }
        size_t step = header + desc_at + align4(descsz);
        if (step > len - pos)
            break; // the last payload's padding is missing: nothing can follow
        pos += step;
    }
    return true;
}

bool parse_feature_list(const char* s, size_t len, uint32_t& supported, uint32_t& required,
                        Elf_error& err)
{
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && s[end] != '|')
            ++end;
        Text name{s + pos, end - pos};
        pos = end + 1;
        bool must = name.len > 0 && name.p[0] == '!';
        if (must)
            name = Text{name.p + 1, name.len - 1};
        if (name.len == 0)
            continue;
        unsigned bit = 0;
        while (bit < feature_count && !(feature_names[bit] && name.equals(feature_names[bit])))
            ++bit;
        if (bit == feature_count) {
            if (must) {
                char shown[Xen_notes::str_len];
                copy_text(shown, name);
                return elf_fail(err, "kernel requires unknown feature '%s'", shown);
            }
            continue;
        }
        supported |= 1u << bit;
        if (must)
            required |= 1u << bit;
    }
    return true;
}

const char* xen_feature_name(unsigned bit)
{
    return bit < feature_count ? feature_names[bit] : nullptr;
}

const char* pae_mode_name(Pae_mode mode)
{
    switch (mode) {
    case Pae_mode::no: return "no";
    case Pae_mode::yes: return "yes";
    case Pae_mode::extended_cr3: return "yes[extended-cr3]";
    case Pae_mode::bimodal: return "bimodal";
    }
    return "?";
}

bool parse_xen_guest_string(const uint8_t* s, size_t len, Xen_notes& out, Elf_error& err)
{
    size_t n = 0;
    while (n < len && s[n] != '\0')
        ++n;
    Text all{as_chars(s), n};
    out.legacy = true;
    uint64_t hypercall_pfn = Xen_notes::unset;
    size_t pos = 0;
    while (pos < all.len) {
        size_t end = pos;
        while (end < all.len && all.p[end] != ',')
            ++end;
        Text pair{all.p + pos, end - pos};
        pos = end + 1;
        size_t eq = 0;
        while (eq < pair.len && pair.p[eq] != '=')
            ++eq;
        Text key{pair.p, eq};
        Text value = eq < pair.len ? Text{pair.p + eq + 1, pair.len - eq - 1} : Text{pair.p, 0};
        if (!apply_legacy_pair(key, value, out, hypercall_pfn, err))
            return false;
    }
    // Legacy HYPERCALL_PAGE is a page number relative to VIRT_BASE.
    if (hypercall_pfn != Xen_notes::unset) {
        if (hypercall_pfn >= (1ull << 20))
            return elf_fail(err, "corrupt __xen_guest: HYPERCALL_PAGE %llu beyond 4 GiB",
                            static_cast<unsigned long long>(hypercall_pfn));
        out.hypercall_page = hypercall_pfn << 12;
        if (out.virt_base != Xen_notes::unset)
            out.hypercall_page += out.virt_base;
    }
    return true;
}
