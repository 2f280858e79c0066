// ELF32 little-endian structures as the loader reads them: decoded field by
// field from raw bytes (the image may be unaligned and is hostile), never by
// casting a pointer into it. Constants from the System V ABI (gABI) and its
// i386 supplement.
#pragma once
#include <cstddef>
#include <cstdint>

namespace elf32 {

constexpr size_t ehdr_size = 52;
constexpr size_t phdr_size = 32;
constexpr size_t shdr_size = 40;

constexpr uint8_t elfclass32 = 1;
constexpr uint8_t elfclass64 = 2;
constexpr uint8_t elfdata2lsb = 1;
constexpr uint8_t ev_current = 1;
constexpr uint16_t et_exec = 2;
constexpr uint16_t em_386 = 3;
constexpr uint16_t em_x86_64 = 62;

constexpr uint32_t pt_load = 1;
constexpr uint32_t pt_note = 4;
constexpr uint32_t pf_x = 1, pf_w = 2, pf_r = 4;
constexpr uint32_t sht_note = 7;
constexpr uint16_t shn_undef = 0;
constexpr uint16_t shn_loreserve = 0xff00;
constexpr uint16_t pn_xnum = 0xffff;

inline uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
inline uint32_t le32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
inline uint64_t le64(const uint8_t* p)
{
    return static_cast<uint64_t>(le32(p)) | static_cast<uint64_t>(le32(p + 4)) << 32;
}

struct Ehdr {
    uint8_t ident_class, ident_data, ident_version;
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct Phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct Shdr {
    uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
};

// Callers guarantee ehdr_size / phdr_size / shdr_size readable bytes at p.
inline Ehdr read_ehdr(const uint8_t* p)
{
    return Ehdr{p[4],          p[5],          p[6],          le16(p + 16), le16(p + 18),
                le32(p + 20),  le32(p + 24),  le32(p + 28),  le32(p + 32), le32(p + 36),
                le16(p + 40),  le16(p + 42),  le16(p + 44),  le16(p + 46), le16(p + 48),
                le16(p + 50)};
}

inline Phdr read_phdr(const uint8_t* p)
{
    return Phdr{le32(p),      le32(p + 4),  le32(p + 8),  le32(p + 12),
                le32(p + 16), le32(p + 20), le32(p + 24), le32(p + 28)};
}

inline Shdr read_shdr(const uint8_t* p)
{
    return Shdr{le32(p),      le32(p + 4),  le32(p + 8),  le32(p + 12), le32(p + 16),
                le32(p + 20), le32(p + 24), le32(p + 28), le32(p + 32), le32(p + 36)};
}

// True when [offset, offset + len) lies inside an image of 'size' bytes,
// computed without wrapping.
constexpr bool in_bounds(uint64_t offset, uint64_t len, uint64_t size)
{
    return offset <= size && len <= size - offset;
}

} // namespace elf32
