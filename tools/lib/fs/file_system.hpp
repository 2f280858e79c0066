// dom0's file system: what its initial ramdisk (a newc cpio archive) holds,
// plus files and directories the toolstack makes in memory.
//
// Files loaded from the archive point into it: the archive must stay mapped,
// unchanged, for the file system's lifetime. Writing or appending to such a
// file gives it its own copy (the archive is never written). Every byte
// allocated for file contents and symlink targets after loading counts
// against the quota given at construction (Err::enospc); nodes and names are
// bounded only by the allocator (Err::enomem).
//
// Paths: absolute or relative to the root (there is no working directory),
// names separated by one or more '/'. "." is skipped and ".." goes to the
// parent, the root's parent being the root, so no path leads outside. A
// name is at most 255 bytes, a path at most 1024 (Err::enametoolong). A
// trailing '/' asks for a directory. Symlinks are followed, relative to the
// directory holding them, up to max_symlinks per lookup (then Err::eloop),
// except as the last name for lstat, read_link, remove, rmdir, mkdir, rename
// and symlink.
//
// Every change either happens whole or fails leaving the file system as it
// was. A Str handed out (read, list, list_matching) stays valid until that
// file or directory next changes. Not thread-safe: callers serialise.
// Portable and freestanding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/vec.hpp"
#include "tools/lib/fs/cpio.hpp"
#include "tools/lib/fs/error.hpp"
#include "tools/lib/fs/node.hpp"

namespace fs {

struct Stat {
    Type type;
    uint32_t size; // a file's bytes, a symlink's target length, a directory's entries
};

class File_system {
public:
    static constexpr uint32_t max_name = 255;
    static constexpr uint32_t max_path = 1024;
    static constexpr unsigned max_symlinks = 8;

    // An empty file system (just the root directory); quota: bytes.
    File_system(const toolstack::Allocator& a, uint64_t quota);
    ~File_system();
    File_system(const File_system&) = delete;
    File_system& operator=(const File_system&) = delete;

    // Fills an empty file system from a newc archive (einval if it is not
    // empty). Directories an entry's path implies are made; a later entry
    // replaces an earlier file or symlink of the same name; a name through a
    // symlink or file, a "..", or a change between directory and
    // non-directory is refused (einval); devices, fifos and sockets are
    // left out. Hard links each get the data cpio wrote with one of them.
    // On failure (einval for a malformed archive, enomem, enametoolong) the
    // file system is empty again and why, if given, says where.
    [[nodiscard]] Err load(const uint8_t* archive, size_t len, Cpio_error* why = nullptr);

    [[nodiscard]] Err stat(Str path, Stat& out) const;
    // As stat, without following a symlink named last.
    [[nodiscard]] Err lstat(Str path, Stat& out) const;
    // A file's whole contents.
    [[nodiscard]] Err read(Str path, Str& out) const;
    // A symlink's target (einval: not a symlink).
    [[nodiscard]] Err read_link(Str path, Str& out) const;

    // The file at path gets data as its contents: made if need be (its
    // directory must exist), replaced otherwise. data may be this file's.
    [[nodiscard]] Err write(Str path, Str data);
    // As write, adding data at the end of what the file holds.
    [[nodiscard]] Err append(Str path, Str data);
    // Removes a file or symlink (eisdir: a directory).
    [[nodiscard]] Err remove(Str path);
    [[nodiscard]] Err mkdir(Str path);
    // Removes an empty directory other than the root.
    [[nodiscard]] Err rmdir(Str path);
    // A symlink at path to target (not checked: it may dangle). path may
    // not end in '/' (enoent).
    [[nodiscard]] Err symlink(Str target, Str path);
    // Moves from to to, replacing a file there (or an empty directory, when
    // from is a directory). A directory cannot move into itself (einval).
    [[nodiscard]] Err rename(Str from, Str to);

    // each(Str name, Type type) for the entries of the directory at path, in
    // sorted order; type is the entry's own (a symlink is Type::symlink).
    // each must not change the file system.
    template <class F> [[nodiscard]] Err list(Str path, F&& each) const
    {
        const Dir* d = nullptr;
        Err e = find_dir(path, d);
        if (e != Err::none)
            return e;
        for (uint32_t i = 0; i < d->entries.size(); ++i)
            each(d->entries[i]->name_str(), d->entries[i]->type);
        return Err::none;
    }
    // The names (sorted) in directory dir that end in suffix, are longer
    // than it, and are files or symlinks to files: the toolstack's
    // "/etc/xen/auto", ".cfg". Appended to out; enomem leaves out as it was.
    [[nodiscard]] Err list_matching(Str dir, Str suffix, toolstack::Vec<Str>& out) const;

    uint64_t quota() const { return quota_; }
    // Bytes counted against the quota now.
    uint64_t used() const { return used_; }

private:
    struct Loader;
    static bool load_entry(void* ctx, const Cpio_entry& e);

    Dir* root() const { return const_cast<Dir*>(&root_); }
    // The node path leads to from `from` (absolute paths from the root).
    [[nodiscard]] Err walk(const Dir* from, Str path, bool follow_last, unsigned& links,
                           Node*& out) const;
    [[nodiscard]] Err lookup(Str path, bool follow_last, Node*& out) const;
    [[nodiscard]] Err find_dir(Str path, const Dir*& out) const;
    // The directory that would hold path's last name, and that name
    // (einval: path has none, or it is "." or "..").
    [[nodiscard]] Err parent_of(Str path, Dir*& dir, Str& name) const;
    // The file path names, following a symlink named last: nullptr if there
    // is none yet (then dir and name say where to make it).
    [[nodiscard]] Err file_for_write(Str path, Dir*& dir, Str& name, Node*& file) const;
    // fresh (holding the new contents) becomes file's data, or a new file
    // called name in dir when file is nullptr; fresh is freed on failure.
    [[nodiscard]] Err install(Dir* dir, Str name, Node* file, char* fresh, uint32_t size,
                              uint32_t cap);

    // A node whose name is copied (copy) or points at name; nullptr when out
    // of memory.
    Node* make(Type type, Str name, bool copy);
    // A new entry name in dir (eexist if taken); copy: as in make().
    [[nodiscard]] Err add(Dir* dir, Type type, Str name, bool copy, Node*& out);
    void free_node(Node* n);
    // Frees every node below dir.
    void clear(Dir* dir);
    char* alloc_bytes(uint32_t n) const;
    void free_bytes(Node* n);

    const toolstack::Allocator& alloc_;
    uint64_t quota_;
    uint64_t used_ = 0;
    Dir root_;
};

} // namespace fs
