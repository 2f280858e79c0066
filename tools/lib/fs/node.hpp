// The nodes of a File_system and the splitting of paths into names. A node
// is a file, a symlink (its bytes are the target) or a directory (its
// entries sorted by name, bytewise, for binary search and sorted listings).
// Names and bytes either point into the archive the file system was loaded
// from, which stays mapped for its lifetime, or were allocated by it
// (name_owned, cap > 0). Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/vec.hpp"
#include "tools/lib/fs/cpio.hpp"

namespace fs {

struct Dir;

struct Node {
    Type type = Type::file;
    bool name_owned = false;
    uint32_t name_len = 0;
    const char* name = "";
    Dir* parent = nullptr; // the root's parent is the root
    // A file's contents or a symlink's target.
    const char* data = nullptr;
    uint32_t size = 0;
    uint32_t cap = 0; // bytes allocated for data; 0: data is in the archive, or empty

    Str name_str() const { return Str(name, name_len); }
    Str bytes() const { return Str(data ? data : "", size); }
};

struct Dir : Node {
    explicit Dir(const toolstack::Allocator& a) : entries(a) { type = Type::directory; }

    // The index of key in entries, or where it would go (found false).
    uint32_t index_of(Str key, bool& found) const;
    Node* find(Str key) const
    {
        bool found;
        uint32_t i = index_of(key, found);
        return found ? entries[i] : nullptr;
    }
    [[nodiscard]] bool insert(uint32_t at, Node* n);
    void erase(uint32_t at);

    toolstack::Vec<Node*> entries;
};

inline Dir* as_dir(Node* n)
{
    return static_cast<Dir*>(n);
}
inline const Dir* as_dir(const Node* n)
{
    return static_cast<const Dir*>(n);
}

// Bytewise order, a prefix first.
int compare(Str a, Str b);

// The names of a path in turn: empty names (from "//") are skipped; "."
// and ".." are given as they are, for the walk to interpret.
class Path_names {
public:
    explicit Path_names(Str path) : rest_(path) {}
    bool next(Str& name);
    // No name after the one next() gave last.
    bool at_end() const;

private:
    Str rest_;
};

// A path ends in '/' after at least one name: it must name a directory.
bool has_trailing_slash(Str path);

} // namespace fs
