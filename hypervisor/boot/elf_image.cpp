#include "hypervisor/boot/elf_image.hpp"

#include "hypervisor/boot/elf32.hpp"

using elf32::in_bounds;

namespace {

constexpr uint64_t four_gib = 1ull << 32;
constexpr uint32_t page = 4096;

bool check_header(const uint8_t* p, size_t size, elf32::Ehdr& eh, Elf_error& err)
{
    if (size < 4 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
        return elf_fail(err, "not an ELF image (bad magic)");
    if (size < 5 || p[4] == elf32::elfclass64)
        return size < 5 ? elf_fail(err, "truncated ELF header (%zu bytes)", size)
                        : elf_fail(err, "64-bit kernel (ELFCLASS64): only 32-bit PAE PV "
                                        "kernels (xen-3.0-x86_32p) can run here");
    if (size < elf32::ehdr_size)
        return elf_fail(err, "truncated ELF header: %zu bytes, need %zu", size,
                        elf32::ehdr_size);
    eh = elf32::read_ehdr(p);
    if (eh.ident_class != elf32::elfclass32)
        return elf_fail(err, "not a 32-bit ELF image (EI_CLASS %u)", eh.ident_class);
    if (eh.ident_data != elf32::elfdata2lsb)
        return elf_fail(err, "not a little-endian ELF image (EI_DATA %u)", eh.ident_data);
    if (eh.ident_version != elf32::ev_current || eh.version != elf32::ev_current)
        return elf_fail(err, "unknown ELF version %u", eh.version);
    if (eh.machine != elf32::em_386)
        return elf_fail(err, "wrong machine %u in ELF header (need EM_386 = 3%s)", eh.machine,
                        eh.machine == elf32::em_x86_64 ? "; this is an x86-64 image" : "");
    if (eh.type != elf32::et_exec)
        return elf_fail(err, "not an executable ELF image (e_type %u, need ET_EXEC)", eh.type);
    if (eh.ehsize < elf32::ehdr_size)
        return elf_fail(err, "corrupt ELF header: e_ehsize %u", eh.ehsize);
    if (eh.phentsize != elf32::phdr_size)
        return elf_fail(err, "corrupt program headers: e_phentsize %u, need 32", eh.phentsize);
    if (eh.phnum == 0 || eh.phnum == elf32::pn_xnum)
        return elf_fail(err, "corrupt program headers: e_phnum %u", eh.phnum);
    if (!in_bounds(eh.phoff, uint64_t{eh.phnum} * elf32::phdr_size, size))
        return elf_fail(err, "truncated image: %u program headers at offset %u run past its "
                             "%zu bytes", eh.phnum, eh.phoff, size);
    if (eh.shoff != 0 && eh.shnum != 0) {
        if (eh.shentsize != elf32::shdr_size)
            return elf_fail(err, "corrupt section headers: e_shentsize %u, need 40",
                            eh.shentsize);
        if (!in_bounds(eh.shoff, uint64_t{eh.shnum} * elf32::shdr_size, size))
            return elf_fail(err, "truncated image: %u section headers at offset %u run past "
                                 "its %zu bytes", eh.shnum, eh.shoff, size);
        if (eh.shstrndx != elf32::shn_undef && eh.shstrndx >= eh.shnum)
            return elf_fail(err, "corrupt section headers: e_shstrndx %u, e_shnum %u",
                            eh.shstrndx, eh.shnum);
    }
    return true;
}

elf32::Phdr phdr_at(const uint8_t* p, const elf32::Ehdr& eh, unsigned i)
{
    return elf32::read_phdr(p + eh.phoff + size_t{i} * elf32::phdr_size);
}

// Xen loads PT_LOAD segments with any of R/W/X set (elf_phdr_is_loadable);
// empty ones contribute nothing.
bool loadable(const elf32::Phdr& ph)
{
    return ph.type == elf32::pt_load && (ph.flags & (elf32::pf_r | elf32::pf_w | elf32::pf_x)) &&
           ph.memsz != 0;
}

// Records the loadable segments (vaddr still holding p_paddr) and the
// physical extent [pstart, pend) they cover.
bool collect_segments(const uint8_t* p, size_t size, const elf32::Ehdr& eh, Elf_image& out,
                      uint64_t& pstart, uint64_t& pend, Elf_error& err)
{
    pstart = ~0ull;
    pend = 0;
    for (unsigned i = 0; i < eh.phnum; ++i) {
        elf32::Phdr ph = phdr_at(p, eh, i);
        if (!loadable(ph))
            continue;
        if (ph.filesz > ph.memsz)
            return elf_fail(err, "corrupt program header %u: p_filesz %#x > p_memsz %#x", i,
                            ph.filesz, ph.memsz);
        if (!in_bounds(ph.offset, ph.filesz, size))
            return elf_fail(err, "truncated image: segment %u needs bytes %#x-%#llx of a "
                                 "%#zx-byte image", i, ph.offset,
                            static_cast<unsigned long long>(uint64_t{ph.offset} + ph.filesz),
                            size);
        uint64_t end = uint64_t{ph.paddr} + ph.memsz;
        if (end > four_gib)
            return elf_fail(err, "segment %u wraps: p_paddr %#x + p_memsz %#x passes 4 GiB", i,
                            ph.paddr, ph.memsz);
        for (unsigned j = 0; j < out.segment_count; ++j) {
            const Elf_segment& s = out.segments[j];
            if (ph.paddr < uint64_t{s.vaddr} + s.memsz && s.vaddr < end)
                return elf_fail(err, "corrupt program headers: segments overlap at %#x-%#llx",
                                ph.paddr, static_cast<unsigned long long>(end));
        }
        if (out.segment_count == Elf_image::max_segments)
            return elf_fail(err, "too many loadable segments (more than %u)",
                            Elf_image::max_segments);
        out.segments[out.segment_count++] = Elf_segment{ph.paddr, ph.offset, ph.filesz, ph.memsz};
        pstart = ph.paddr < pstart ? ph.paddr : pstart;
        pend = end > pend ? end : pend;
    }
    if (out.segment_count == 0)
        return elf_fail(err, "no loadable segments (PT_LOAD) in the image");
    return true;
}

bool parse_segment_notes(const uint8_t* p, size_t size, const elf32::Ehdr& eh, Xen_notes& n,
                         Elf_error& err)
{
    for (unsigned i = 0; i < eh.phnum; ++i) {
        elf32::Phdr ph = phdr_at(p, eh, i);
        // Some binutils leave p_offset 0 on note segments; Xen skips them.
        if (ph.type != elf32::pt_note || ph.offset == 0)
            continue;
        if (!in_bounds(ph.offset, ph.filesz, size))
            return elf_fail(err, "truncated image: note segment %u at %#x+%#x runs past its "
                                 "end", i, ph.offset, ph.filesz);
        if (!parse_note_area(p + ph.offset, ph.filesz, n, err))
            return false;
    }
    return true;
}

elf32::Shdr shdr_at(const uint8_t* p, const elf32::Ehdr& eh, unsigned i)
{
    return elf32::read_shdr(p + eh.shoff + size_t{i} * elf32::shdr_size);
}

bool section_named(const uint8_t* p, size_t size, const elf32::Ehdr& eh, const elf32::Shdr& sh,
                   const char* want)
{
    if (eh.shstrndx == elf32::shn_undef)
        return false;
    elf32::Shdr strtab = shdr_at(p, eh, eh.shstrndx);
    if (!in_bounds(strtab.offset, strtab.size, size) || sh.name >= strtab.size)
        return false;
    const uint8_t* name = p + strtab.offset + sh.name;
    size_t room = strtab.size - sh.name;
    size_t i = 0;
    for (; want[i] != '\0'; ++i)
        if (i >= room || name[i] != static_cast<uint8_t>(want[i]))
            return false;
    return i < room && name[i] == '\0';
}

// Fallbacks when no PT_NOTE carried Xen notes (Xen's order): SHT_NOTE
// sections, then the legacy __xen_guest section.
bool parse_section_notes(const uint8_t* p, size_t size, const elf32::Ehdr& eh, Xen_notes& n,
                         Elf_error& err)
{
    if (eh.shoff == 0)
        return true;
    for (unsigned i = 1; i < eh.shnum && n.xen_note_count == 0; ++i) {
        elf32::Shdr sh = shdr_at(p, eh, i);
        if (sh.type != elf32::sht_note)
            continue;
        if (!in_bounds(sh.offset, sh.size, size))
            return elf_fail(err, "truncated image: note section %u at %#x+%#x runs past its "
                                 "end", i, sh.offset, sh.size);
        if (!parse_note_area(p + sh.offset, sh.size, n, err))
            return false;
    }
    for (unsigned i = 1; i < eh.shnum && n.xen_note_count == 0; ++i) {
        elf32::Shdr sh = shdr_at(p, eh, i);
        if (!section_named(p, size, eh, sh, "__xen_guest"))
            continue;
        if (!in_bounds(sh.offset, sh.size, size))
            return elf_fail(err, "truncated image: __xen_guest section runs past its end");
        return parse_xen_guest_string(p + sh.offset, sh.size, n, err);
    }
    return true;
}

bool starts_with(const char* s, const char* prefix)
{
    for (; *prefix != '\0'; ++s, ++prefix)
        if (*s != *prefix)
            return false;
    return true;
}

// Xen's elf_xen_note_check and the x86_32p compatibility checks of its dom0
// builder: ABI, PAE, features, hypervisor hole.
bool check_guest(const Xen_notes& n, const Elf_policy& policy, Elf_error& err)
{
    if (n.xen_note_count == 0 && !n.legacy)
        return elf_fail(err, "not a Xen PV kernel: no Xen ELF notes and no __xen_guest section");
    if (!starts_with(n.loader, "generic") && !starts_with(n.guest_os, "linux"))
        return elf_fail(err, "not a Xen PV kernel: LOADER '%s', GUEST_OS '%s' (need LOADER "
                             "generic or GUEST_OS linux)", n.loader, n.guest_os);
    if (!starts_with(n.xen_version, "xen-3.0"))
        return elf_fail(err, "kernel built for Xen ABI '%s', not xen-3.0", n.xen_version);
    if (n.pae == Pae_mode::no)
        return elf_fail(err, "non-PAE kernel (PAE mode '%s'): this hypervisor runs only PAE "
                             "kernels (xen-3.0-x86_32p)", n.pae_text[0] ? n.pae_text : "absent");
    uint32_t offered = policy.features_offered | (policy.dom0 ? 1u << XENFEAT_dom0 : 0u);
    uint32_t missing = n.features_required & ~offered;
    if (missing != 0) {
        unsigned bit = 0;
        while (!(missing & (1u << bit)))
            ++bit;
        return elf_fail(err, "kernel requires feature %s, which this hypervisor does not offer",
                        xen_feature_name(bit));
    }
    if (policy.dom0 && n.supported_features_note && !(n.features_supported & 1u << XENFEAT_dom0))
        return elf_fail(err, "kernel does not support dom0 operation (no dom0 in "
                             "SUPPORTED_FEATURES)");
    if (n.hv_start_low != Xen_notes::unset) {
        // Rounded up to a 2 MiB L2 slot as Xen does; the kernel copes with a
        // hole starting at or above it, and ours starts at the policy's address.
        uint64_t low = n.hv_start_low > ~0ull - 0x1fffff ? ~0ull : (n.hv_start_low + 0x1fffff) &
                                                                      ~0x1fffffull;
        if (low > policy.hypervisor_virt_start)
            return elf_fail(err, "kernel expects the hypervisor area to start at or above "
                                 "%#llx (HV_START_LOW), but it starts at %#x",
                            static_cast<unsigned long long>(n.hv_start_low),
                            policy.hypervisor_virt_start);
    }
    return true;
}

bool fits_32(uint64_t v, const char* what, Elf_error& err)
{
    if (v < four_gib)
        return true;
    return elf_fail(err, "%s %#llx is beyond the 32-bit address space", what,
                    static_cast<unsigned long long>(v));
}

// Xen's elf_xen_addr_calc_check plus the hypervisor-area rule: turns p_paddr
// into virtual addresses and checks entry, hypercall page and p2m placement.
bool place_image(const elf32::Ehdr& eh, const Elf_policy& policy, uint64_t pstart,
                 uint64_t pend, Elf_image& out, Elf_error& err)
{
    const Xen_notes& n = out.notes;
    if (n.paddr_offset != Xen_notes::unset && n.virt_base == Xen_notes::unset)
        return elf_fail(err, "corrupt Xen notes: ELF_PADDR_OFFSET set but VIRT_BASE unset");
    uint64_t base = n.virt_base == Xen_notes::unset ? 0 : n.virt_base;
    if (!fits_32(base, "VIRT_BASE", err))
        return false;
    // Legacy images wrote __PAGE_OFFSET into p_paddr, hence the other default.
    uint64_t poff = n.paddr_offset != Xen_notes::unset ? n.paddr_offset : n.legacy ? base : 0;
    uint64_t shift = base - poff; // modulo 2^64, as in Xen
    uint64_t hv = policy.hypervisor_virt_start;
    for (unsigned i = 0; i < out.segment_count; ++i) {
        Elf_segment& s = out.segments[i];
        uint64_t v = s.vaddr + shift, end = v + s.memsz;
        if (v >= four_gib || end > four_gib || end < v)
            return elf_fail(err, "segment at p_paddr %#x lands outside the 32-bit address "
                                 "space (virtual %#llx)", s.vaddr,
                            static_cast<unsigned long long>(v));
        if (end > hv)
            return elf_fail(err, "segment %#llx-%#llx overlaps the hypervisor area (from %#x)",
                            static_cast<unsigned long long>(v),
                            static_cast<unsigned long long>(end), policy.hypervisor_virt_start);
        s.vaddr = static_cast<uint32_t>(v);
    }
    // Every segment fitted below hv, so the extent does too.
    out.virt_base = static_cast<uint32_t>(base);
    out.paddr_offset = poff;
    if (out.has_bsd_symtab && pend + shift > hv)
        return elf_fail(err, "the symbol table block reaches the hypervisor area");
    out.virt_kstart = static_cast<uint32_t>(pstart + shift);
    out.virt_kend = static_cast<uint32_t>(pend + shift);
    if (out.has_bsd_symtab)
        out.bsd.vaddr = static_cast<uint32_t>(out.bsd.vaddr + shift);
    if (out.virt_base > out.virt_kstart)
        return elf_fail(err, "VIRT_BASE %#x is above the image start %#x", out.virt_base,
                        out.virt_kstart);

    uint64_t entry = n.entry != Xen_notes::unset ? n.entry : eh.entry;
    if (entry < out.virt_kstart || entry >= out.virt_kend)
        return elf_fail(err, "entry point %#llx is outside the loaded image %#x-%#x",
                        static_cast<unsigned long long>(entry), out.virt_kstart, out.virt_kend);
    out.virt_entry = static_cast<uint32_t>(entry);
    return true;
}

constexpr uint32_t sht_symtab = 2, sht_strtab = 3;
// The block's fixed part: size word, ELF header, three section headers.
constexpr uint32_t bsd_header_size = 4 + elf32::ehdr_size + 3 * elf32::shdr_size;

constexpr uint64_t round4(uint64_t v) { return (v + 3) & ~uint64_t{3}; }

// Xen's elf_parse_bsdsyms: with the note, the symbol table and its string
// table follow the image. Xen's libelf loads an image without them (or
// with tables it cannot read) anyway, marked broken: so does this, with no
// block.
bool parse_bsd_symtab(const uint8_t* p, size_t size, const elf32::Ehdr& eh, uint64_t& pend,
                      Elf_image& out)
{
    if (!out.notes.bsd_symtab)
        return true;
    unsigned sym = eh.shnum;
    for (unsigned i = 0; i < eh.shnum && sym == eh.shnum; ++i)
        if (shdr_at(p, eh, i).type == sht_symtab)
            sym = i;
    if (sym == eh.shnum)
        return true;
    elf32::Shdr st = shdr_at(p, eh, sym);
    if (!elf32::in_bounds(st.offset, st.size, size) || st.link >= eh.shnum)
        return true;
    elf32::Shdr str = shdr_at(p, eh, st.link);
    if (str.type != sht_strtab || !elf32::in_bounds(str.offset, str.size, size))
        return true;
    Elf_bsd_symtab& b = out.bsd;
    uint64_t start = round4(pend);
    uint64_t end = round4(round4(start + bsd_header_size) + st.size);
    end = round4(end + str.size);
    b.vaddr = static_cast<uint32_t>(start); // physical for now, placed later
    b.symtab_offset = st.offset;
    b.symtab_size = st.size;
    b.strtab_offset = str.offset;
    b.strtab_size = str.size;
    b.symtab_shdr = static_cast<uint32_t>(eh.shoff + uint64_t{sym} * elf32::shdr_size);
    b.strtab_shdr = static_cast<uint32_t>(eh.shoff + uint64_t{st.link} * elf32::shdr_size);
    out.has_bsd_symtab = true;
    pend = end;
    return true;
}

// Hypercall page and initial p2m placement, once the image extent is known.
bool place_extras(Elf_image& out, Elf_error& err)
{
    const Xen_notes& n = out.notes;
    if (n.hypercall_page != Xen_notes::unset) {
        // The hypervisor writes a whole page of stubs there (elfnote.h).
        uint64_t hc = n.hypercall_page;
        uint64_t limit = (uint64_t{out.virt_kend} + page - 1) & ~uint64_t{page - 1};
        if (hc < out.virt_kstart || hc >= limit || limit - hc < page)
            return elf_fail(err, "hypercall page %#llx is outside the loaded image %#x-%#x",
                            static_cast<unsigned long long>(hc), out.virt_kstart, out.virt_kend);
        if (hc % page != 0)
            return elf_fail(err, "hypercall page %#llx is not page-aligned",
                            static_cast<unsigned long long>(hc));
        out.has_hypercall_page = true;
        out.virt_hypercall = static_cast<uint32_t>(hc);
    }
    if (n.init_p2m != Xen_notes::unset) {
        uint64_t p2m = n.init_p2m;
        if (!fits_32(p2m, "INIT_P2M", err))
            return false;
        if (p2m >= out.virt_kstart && p2m < out.virt_kend)
            return elf_fail(err, "INIT_P2M %#llx lies inside the kernel image",
                            static_cast<unsigned long long>(p2m));
        out.has_init_p2m = true;
        out.init_p2m = static_cast<uint32_t>(p2m);
    }
    return true;
}

} // namespace

bool parse_elf_image(const void* data, size_t size, const Elf_policy& policy, Elf_image& out,
                     Elf_error& err)
{
    out = Elf_image{};
    const uint8_t* p = static_cast<const uint8_t*>(data);
    if (p == nullptr)
        return elf_fail(err, "not an ELF image (no data)");
    elf32::Ehdr eh{};
    uint64_t pstart = 0, pend = 0;
    if (!check_header(p, size, eh, err) ||
        !collect_segments(p, size, eh, out, pstart, pend, err) ||
        !parse_segment_notes(p, size, eh, out.notes, err) ||
        (out.notes.xen_note_count == 0 && !parse_section_notes(p, size, eh, out.notes, err)) ||
        !parse_bsd_symtab(p, size, eh, pend, out) ||
        !check_guest(out.notes, policy, err) || !place_image(eh, policy, pstart, pend, out, err) ||
        !place_extras(out, err))
        return false;

    const Xen_notes& n = out.notes;
    if (n.hv_start_low != Xen_notes::unset) {
        out.has_hv_start_low = true;
        out.hv_start_low = static_cast<uint32_t>(n.hv_start_low); // <= hv start, checked
    }
    out.pae = n.pae;
    out.features_supported = n.features_supported;
    out.features_required = n.features_required;
    out.data = p;
    out.size = size;
    return true;
}

namespace {

void put32(uint8_t* p, uint32_t v)
{
    for (unsigned i = 0; i < 4; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put16(uint8_t* p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}

// Xen's elf_load_bsdsyms, for ELF32: offsets in the copied section headers
// are relative to the copied ELF header (4 bytes into the block).
void load_bsd_symtab(const Elf_image& image, Elf_sink& sink)
{
    const Elf_bsd_symtab& b = image.bsd;
    uint8_t h[bsd_header_size] = {};
    uint8_t* eh = h + 4;
    __builtin_memcpy(eh, image.data, elf32::ehdr_size);
    put32(eh + 20, 1);                         // e_version: EV_CURRENT
    put32(eh + 28, 0);                         // e_phoff
    put32(eh + 32, elf32::ehdr_size);          // e_shoff: right after it
    put16(eh + 40, elf32::ehdr_size);          // e_ehsize
    put16(eh + 42, 0);                         // e_phentsize
    put16(eh + 44, 0);                         // e_phnum
    put16(eh + 46, elf32::shdr_size);          // e_shentsize
    put16(eh + 48, 3);                         // e_shnum
    put16(eh + 50, 0);                         // e_shstrndx
    uint32_t symtab = static_cast<uint32_t>(round4(b.vaddr + bsd_header_size));
    uint32_t strtab = static_cast<uint32_t>(round4(symtab + uint64_t{b.symtab_size}));
    uint8_t* sh1 = eh + elf32::ehdr_size + elf32::shdr_size;
    uint8_t* sh2 = sh1 + elf32::shdr_size;
    __builtin_memcpy(sh1, image.data + b.symtab_shdr, elf32::shdr_size);
    __builtin_memcpy(sh2, image.data + b.strtab_shdr, elf32::shdr_size);
    uint32_t base = b.vaddr + 4;
    put32(sh1 + 16, symtab - base);            // sh_offset
    put32(sh1 + 24, 2);                        // sh_link: the STRTAB header
    put32(sh2 + 16, strtab - base);
    put32(h, strtab + b.strtab_size - base);   // size from the ELF header on
    sink.copy(b.vaddr, h, sizeof h);
    sink.zero(b.vaddr + bsd_header_size, symtab - (b.vaddr + bsd_header_size));
    if (b.symtab_size)
        sink.copy(symtab, image.data + b.symtab_offset, b.symtab_size);
    if (strtab > symtab + b.symtab_size)
        sink.zero(symtab + b.symtab_size, strtab - (symtab + b.symtab_size));
    if (b.strtab_size)
        sink.copy(strtab, image.data + b.strtab_offset, b.strtab_size);
}

} // namespace

void load_segments(const Elf_image& image, Elf_sink& sink)
{
    for (unsigned i = 0; i < image.segment_count; ++i) {
        const Elf_segment& s = image.segments[i];
        if (s.filesz != 0)
            sink.copy(s.vaddr, image.data + s.offset, s.filesz);
        if (s.memsz > s.filesz)
            sink.zero(s.vaddr + s.filesz, s.memsz - s.filesz);
    }
    if (image.has_bsd_symtab)
        load_bsd_symtab(image, sink);
}
