// A reader of cpio archives in the "newc" format (magic 070701) and its
// "crc" variant (070702, checksum not checked), as `cpio -o -H newc` and the
// Linux initramfs write them. Each entry is a 110-byte header of ASCII
// fields (magic, then 13 fields of 8 hex digits: ino, mode, uid, gid, nlink,
// mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize,
// check), the name with its NUL (namesize counts it), padding to a multiple
// of 4 bytes from the start of the archive, the data (filesize bytes; a
// symlink's data is its target), and padding to 4 again. The entry named
// "TRAILER!!!" ends the archive; anything after it is ignored (a second
// archive concatenated to the first, as Linux accepts, is not read).
// Portable and freestanding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace fs {

using toolstack::Str;

enum class Type : uint8_t { file, directory, symlink, other };

// st_mode's file type bits (S_IFMT and its values).
constexpr uint32_t mode_type_mask = 0170000;
constexpr uint32_t mode_file = 0100000;
constexpr uint32_t mode_directory = 0040000;
constexpr uint32_t mode_symlink = 0120000;

struct Cpio_entry {
    // The name without its NUL and without leading "/" or "./" ("" for the
    // "." that `find .` lists first). Points into the archive.
    Str name;
    uint32_t mode;      // st_mode: type and permission bits
    Type type;          // from mode; devices, fifos and sockets are Type::other
    uint32_t ino;       // with dev_major and dev_minor, names the file's inode: the
    uint32_t dev_major; // names of a hard-linked file (nlink > 1) share it, and
    uint32_t dev_minor; // cpio writes its data with the last of them only
    uint32_t nlink;
    const uint8_t* data; // filesize bytes in the archive
    uint32_t size;
    size_t offset; // of the entry's header from the archive's start
};

// Why an archive was refused: the offset of the entry (or field) at fault
// and a phrase for a log line.
struct Cpio_error {
    size_t offset = 0;
    const char* what = "";
};

// Called for each entry before the trailer, in archive order; returning
// false stops the walk (cpio_each then fails with "refused by the reader").
using Cpio_visit = bool (*)(void* ctx, const Cpio_entry& e);

// Checks and visits the entries of the archive at base[0, len) up to its
// trailer. False if the archive is malformed (err says where and why) or
// the visitor stopped; entries visited before that have been visited.
[[nodiscard]] bool cpio_each(const uint8_t* base, size_t len, Cpio_visit visit, void* ctx,
                             Cpio_error& err);

} // namespace fs
