// Synthesises small ELF32 Xen PV kernel images for the parser tests and the
// fuzz seed corpus: a header, program headers, a note area, segment bytes,
// and a section table (shstrtab, optional SHT_NOTE and __xen_guest).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace elftest {

struct Note {
    std::string name;          // owner, written with its NUL
    uint32_t type;
    std::vector<uint8_t> desc;
};

inline Note str_note(uint32_t type, const std::string& s)
{
    std::vector<uint8_t> d(s.begin(), s.end());
    d.push_back(0);
    return Note{"Xen", type, d};
}

inline Note num_note(uint32_t type, uint64_t v, unsigned width = 4)
{
    std::vector<uint8_t> d;
    for (unsigned i = 0; i < width; ++i)
        d.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return Note{"Xen", type, d};
}

struct Segment {
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint8_t fill;              // file bytes are fill, fill+1, ...
    uint32_t type = 1;         // PT_LOAD
    uint32_t flags = 7;
};

struct Spec {
    uint8_t ei_class = 1, ei_data = 1;
    uint16_t machine = 3, type = 2;
    uint32_t entry = 0;
    std::vector<Segment> segments;
    std::vector<Note> notes;
    bool notes_in_section = false;  // SHT_NOTE section instead of PT_NOTE
    std::string xen_guest;          // non-empty: add a __xen_guest section
    // Non-empty: a SHT_SYMTAB section holding these bytes, linked to a
    // SHT_STRTAB section holding strtab (or to strtab_link when set).
    std::vector<uint8_t> symtab, strtab;
    int strtab_link = -1;
};

inline void put16(std::vector<uint8_t>& b, size_t at, uint32_t v)
{
    b[at] = static_cast<uint8_t>(v);
    b[at + 1] = static_cast<uint8_t>(v >> 8);
}
inline void put32(std::vector<uint8_t>& b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t get32(const std::vector<uint8_t>& b, size_t at)
{
    return static_cast<uint32_t>(b[at] | b[at + 1] << 8 | b[at + 2] << 16 |
                                 static_cast<uint32_t>(b[at + 3]) << 24);
}

inline std::vector<uint8_t> note_bytes(const std::vector<Note>& notes)
{
    std::vector<uint8_t> out;
    auto pad = [&] { while (out.size() % 4) out.push_back(0); };
    for (const Note& n : notes) {
        size_t at = out.size();
        out.resize(at + 12);
        put32(out, at, static_cast<uint32_t>(n.name.size() + 1));
        put32(out, at + 4, static_cast<uint32_t>(n.desc.size()));
        put32(out, at + 8, n.type);
        out.insert(out.end(), n.name.begin(), n.name.end());
        out.push_back(0);
        pad();
        out.insert(out.end(), n.desc.begin(), n.desc.end());
        pad();
    }
    return out;
}

// Offsets of interesting parts, so tests can mutate the bytes.
struct Layout {
    size_t phoff = 52;
    size_t notes_off = 0, notes_len = 0;
    std::vector<size_t> segment_data;
    size_t shoff = 0;
};

inline std::vector<uint8_t> build(const Spec& s, Layout* layout = nullptr)
{
    Layout l;
    std::vector<uint8_t> notes = note_bytes(s.notes);
    bool pt_note = !s.notes.empty() && !s.notes_in_section;
    size_t phnum = s.segments.size() + (pt_note ? 1 : 0);
    std::vector<uint8_t> b(52 + 32 * phnum, 0);
    l.notes_off = b.size();
    l.notes_len = notes.size();
    b.insert(b.end(), notes.begin(), notes.end());
    for (const Segment& seg : s.segments) {
        while (b.size() % 16)
            b.push_back(0);
        l.segment_data.push_back(b.size());
        for (uint32_t i = 0; i < seg.filesz; ++i)
            b.push_back(static_cast<uint8_t>(seg.fill + i));
    }
    // Section string table: "\0.shstrtab\0.note.xen\0__xen_guest\0".
    const std::string names = std::string("\0.shstrtab\0.note.xen\0__xen_guest\0", 33);
    size_t strtab_off = b.size();
    b.insert(b.end(), names.begin(), names.end());
    size_t guest_off = b.size();
    b.insert(b.end(), s.xen_guest.begin(), s.xen_guest.end());
    if (!s.xen_guest.empty())
        b.push_back(0);
    size_t symtab_off = b.size();
    b.insert(b.end(), s.symtab.begin(), s.symtab.end());
    size_t strtab2_off = b.size();
    b.insert(b.end(), s.strtab.begin(), s.strtab.end());
    while (b.size() % 4)
        b.push_back(0);
    l.shoff = b.size();
    unsigned shnum = 2 + (s.notes_in_section ? 1 : 0) + (s.xen_guest.empty() ? 0 : 1) +
                     (s.symtab.empty() ? 0 : 2);
    b.resize(b.size() + 40 * shnum, 0);
    size_t sh = l.shoff + 40; // [0] is SHT_NULL
    auto section = [&](uint32_t name, uint32_t type, size_t off, size_t len) {
        put32(b, sh, name);
        put32(b, sh + 4, type);
        put32(b, sh + 16, static_cast<uint32_t>(off));
        put32(b, sh + 20, static_cast<uint32_t>(len));
        sh += 40;
    };
    section(1, 3, strtab_off, names.size());
    if (s.notes_in_section)
        section(11, 7, l.notes_off, notes.size());
    if (!s.xen_guest.empty())
        section(21, 1, guest_off, s.xen_guest.size() + 1);
    if (!s.symtab.empty()) {
        uint32_t index = static_cast<uint32_t>((sh - l.shoff) / 40);
        put32(b, sh + 24, s.strtab_link >= 0 ? static_cast<uint32_t>(s.strtab_link) : index + 1);
        section(0, 2, symtab_off, s.symtab.size());
        section(0, 3, strtab2_off, s.strtab.size());
    }

    b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F';
    b[4] = s.ei_class, b[5] = s.ei_data, b[6] = 1;
    put16(b, 16, s.type);
    put16(b, 18, s.machine);
    put32(b, 20, 1);
    put32(b, 24, s.entry);
    put32(b, 28, 52);
    put32(b, 32, static_cast<uint32_t>(l.shoff));
    put16(b, 40, 52);
    put16(b, 42, 32);
    put16(b, 44, static_cast<uint32_t>(phnum));
    put16(b, 46, 40);
    put16(b, 48, shnum);
    put16(b, 50, 1);
    size_t ph = 52;
    for (size_t i = 0; i < s.segments.size(); ++i, ph += 32) {
        const Segment& seg = s.segments[i];
        put32(b, ph, seg.type);
        put32(b, ph + 4, static_cast<uint32_t>(l.segment_data[i]));
        put32(b, ph + 8, seg.paddr);
        put32(b, ph + 12, seg.paddr);
        put32(b, ph + 16, seg.filesz);
        put32(b, ph + 20, seg.memsz);
        put32(b, ph + 24, seg.flags);
        put32(b, ph + 28, 4096);
    }
    if (pt_note) {
        put32(b, ph, 4);
        put32(b, ph + 4, static_cast<uint32_t>(l.notes_off));
        put32(b, ph + 16, static_cast<uint32_t>(notes.size()));
        put32(b, ph + 24, 4);
        put32(b, ph + 28, 4);
    }
    if (layout)
        *layout = l;
    return b;
}

// The spec with the Xen note of one type replaced (or dropped, with an
// empty replacement list).
inline Spec with_note(Spec s, uint32_t type, const std::vector<Note>& replacement)
{
    std::vector<Note> notes;
    for (const Note& n : s.notes)
        if (!(n.name == "Xen" && n.type == type))
            notes.push_back(n);
    notes.insert(notes.end(), replacement.begin(), replacement.end());
    s.notes = notes;
    return s;
}

// A Linux-like 32-bit PAE PV kernel: text at 0xC0100000 (p_paddr 0x100000,
// VIRT_BASE 0xC0000000, PADDR_OFFSET 0), with bss, hypercall page, features.
inline Spec linux_like()
{
    Spec s;
    s.entry = 0xC0100000;
    s.segments = {{0x100000, 0x3000, 0x3000, 0x10}, {0x103000, 0x800, 0x2000, 0x80}};
    s.notes = {
        str_note(6, "linux"),
        str_note(7, "2.6"),
        str_note(5, "xen-3.0"),
        num_note(3, 0xC0000000),
        num_note(4, 0),
        num_note(1, 0xC0100040),
        num_note(2, 0xC0102000),
        str_note(10, "!writable_page_tables|pae_pgdir_above_4gb"),
        num_note(17, 1u << 11),
        str_note(9, "yes"),
        Note{"Xen", 13, {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
        str_note(8, "generic"),
        num_note(14, 1),
        num_note(12, 0xF5800000),
        num_note(16, 1),
        Note{"GNU", 3, {1, 2, 3, 4, 5, 6, 7, 8}},
    };
    return s;
}

} // namespace elftest
