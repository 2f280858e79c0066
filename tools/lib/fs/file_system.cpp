// The path operations of File_system: lookups walk the tree name by name;
// a change checks everything and allocates first, then links in.
#include "tools/lib/fs/file_system.hpp"

namespace fs {

using toolstack::mem_copy;

Err File_system::walk(const Dir* from, Str path, bool follow_last, unsigned& links,
                      Node*& out) const
{
    if (path.n > max_path)
        return Err::enametoolong;
    if (path.empty())
        return Err::enoent;
    bool must_be_dir = has_trailing_slash(path);
    Node* cur = path[0] == '/' ? root() : const_cast<Dir*>(from);
    Path_names names(path);
    Str name;
    while (names.next(name)) {
        if (cur->type != Type::directory)
            return Err::enotdir;
        if (name.n > max_name)
            return Err::enametoolong;
        Dir* d = as_dir(cur);
        if (name == ".")
            continue;
        if (name == "..") {
            cur = d->parent;
            continue;
        }
        Node* n = d->find(name);
        if (!n)
            return Err::enoent;
        if (n->type == Type::symlink && (follow_last || must_be_dir || !names.at_end())) {
            // links counts every link followed on this lookup, nested or
            // not, so the recursion is at most max_symlinks deep.
            if (links == max_symlinks)
                return Err::eloop;
            ++links;
            Err e = walk(d, n->bytes(), true, links, n);
            if (e != Err::none)
                return e;
        }
        cur = n;
    }
    if (must_be_dir && cur->type != Type::directory)
        return Err::enotdir;
    out = cur;
    return Err::none;
}

Err File_system::lookup(Str path, bool follow_last, Node*& out) const
{
    unsigned links = 0;
    return walk(root(), path, follow_last, links, out);
}

Err File_system::find_dir(Str path, const Dir*& out) const
{
    Node* n = nullptr;
    Err e = lookup(path, true, n);
    if (e != Err::none)
        return e;
    if (n->type != Type::directory)
        return Err::enotdir;
    out = as_dir(n);
    return Err::none;
}

Err File_system::parent_of(Str path, Dir*& dir, Str& name) const
{
    if (path.n > max_path)
        return Err::enametoolong;
    uint32_t end = path.n;
    while (end && path[end - 1] == '/')
        --end;
    Str p = path.prefix(end);
    uint32_t slash = p.rfind('/');
    name = slash == p.n ? p : p.sub(slash + 1);
    if (name.empty() || name == "." || name == "..")
        return Err::einval;
    if (name.n > max_name)
        return Err::enametoolong;
    if (slash == p.n) {
        dir = root();
        return Err::none;
    }
    const Dir* d = nullptr;
    Err e = find_dir(p.prefix(slash + 1), d);
    dir = const_cast<Dir*>(d);
    return e;
}

Err File_system::stat(Str path, Stat& out) const
{
    Node* n = nullptr;
    Err e = lookup(path, true, n);
    if (e == Err::none)
        out = {n->type, n->type == Type::directory ? as_dir(n)->entries.size() : n->size};
    return e;
}

Err File_system::lstat(Str path, Stat& out) const
{
    Node* n = nullptr;
    Err e = lookup(path, false, n);
    if (e == Err::none)
        out = {n->type, n->type == Type::directory ? as_dir(n)->entries.size() : n->size};
    return e;
}

Err File_system::read(Str path, Str& out) const
{
    Node* n = nullptr;
    Err e = lookup(path, true, n);
    if (e != Err::none)
        return e;
    if (n->type == Type::directory)
        return Err::eisdir;
    out = n->bytes();
    return Err::none;
}

Err File_system::read_link(Str path, Str& out) const
{
    Node* n = nullptr;
    Err e = lookup(path, false, n);
    if (e != Err::none)
        return e;
    if (n->type != Type::symlink)
        return Err::einval;
    out = n->bytes();
    return Err::none;
}

Err File_system::file_for_write(Str path, Dir*& dir, Str& name, Node*& file) const
{
    Err e = parent_of(path, dir, name);
    if (e != Err::none)
        return e;
    Node* n = dir->find(name);
    if (n && n->type == Type::symlink) {
        unsigned links = 1; // this one; a dangling link is enoent, not made
        e = walk(dir, n->bytes(), true, links, n);
        if (e != Err::none)
            return e;
    }
    if (n && n->type == Type::directory)
        return Err::eisdir;
    if (has_trailing_slash(path))
        return n ? Err::enotdir : Err::eisdir;
    file = n;
    return Err::none;
}

Err File_system::install(Dir* dir, Str name, Node* file, char* fresh, uint32_t size, uint32_t cap)
{
    if (!file) {
        Err e = add(dir, Type::file, name, true, file);
        if (e != Err::none) {
            alloc_.free(fresh, cap);
            return e;
        }
    } else {
        free_bytes(file);
    }
    file->data = fresh;
    file->size = size;
    file->cap = cap;
    used_ += cap;
    return Err::none;
}

Err File_system::write(Str path, Str data)
{
    Dir* dir = nullptr;
    Str name;
    Node* file = nullptr;
    Err e = file_for_write(path, dir, name, file);
    if (e != Err::none)
        return e;
    uint64_t others = used_ - (file ? file->cap : 0);
    if (data.n > quota_ - others)
        return Err::enospc;
    char* fresh = alloc_bytes(data.n);
    if (data.n && !fresh)
        return Err::enomem;
    mem_copy(fresh, data.p, data.n); // before the old contents go: data may be them
    return install(dir, name, file, fresh, data.n, data.n);
}

Err File_system::append(Str path, Str data)
{
    Dir* dir = nullptr;
    Str name;
    Node* file = nullptr;
    Err e = file_for_write(path, dir, name, file);
    if (e != Err::none)
        return e;
    uint32_t old_size = file ? file->size : 0;
    if (file && data.empty())
        return Err::none;
    if (data.n > 0xFFFFFFFFu - old_size)
        return Err::enospc;
    uint32_t need = old_size + data.n;
    if (file && file->cap >= need) {
        // data may be this file's own bytes, all before old_size.
        mem_copy(const_cast<char*>(file->data) + old_size, data.p, data.n);
        file->size = need;
        return Err::none;
    }
    // A copy: of the archive's bytes the first time (copy on write), then
    // doubling, as far as the quota leaves room, so appends stay linear.
    uint32_t old_cap = file ? file->cap : 0;
    uint64_t room = quota_ - (used_ - old_cap);
    if (need > room)
        return Err::enospc;
    uint64_t cap = need;
    uint64_t doubled = 2ull * old_cap;
    if (doubled > need && doubled <= room && doubled <= 0xFFFFFFFFu)
        cap = doubled;
    char* fresh = alloc_bytes(static_cast<uint32_t>(cap));
    if (!fresh)
        return Err::enomem;
    if (old_size)
        mem_copy(fresh, file->data, old_size);
    mem_copy(fresh + old_size, data.p, data.n);
    return install(dir, name, file, fresh, need, static_cast<uint32_t>(cap));
}

Err File_system::remove(Str path)
{
    Dir* dir = nullptr;
    Str name;
    Err e = parent_of(path, dir, name);
    if (e != Err::none)
        return e;
    bool found;
    uint32_t at = dir->index_of(name, found);
    if (!found)
        return Err::enoent;
    Node* n = dir->entries[at];
    if (n->type == Type::directory)
        return Err::eisdir;
    if (has_trailing_slash(path))
        return Err::enotdir;
    dir->erase(at);
    free_node(n);
    return Err::none;
}

Err File_system::mkdir(Str path)
{
    Dir* dir = nullptr;
    Str name;
    Err e = parent_of(path, dir, name);
    if (e != Err::none)
        return e;
    Node* n = nullptr;
    return add(dir, Type::directory, name, true, n);
}

Err File_system::rmdir(Str path)
{
    Dir* dir = nullptr;
    Str name;
    Err e = parent_of(path, dir, name);
    if (e != Err::none)
        return e;
    bool found;
    uint32_t at = dir->index_of(name, found);
    if (!found)
        return Err::enoent;
    Node* n = dir->entries[at];
    if (n->type != Type::directory)
        return Err::enotdir;
    if (!as_dir(n)->entries.empty())
        return Err::enotempty;
    dir->erase(at);
    free_node(n);
    return Err::none;
}

Err File_system::symlink(Str target, Str path)
{
    if (target.empty())
        return Err::enoent;
    if (target.n > max_path)
        return Err::enametoolong;
    Dir* dir = nullptr;
    Str name;
    Err e = parent_of(path, dir, name);
    if (e != Err::none)
        return e;
    if (dir->find(name))
        return Err::eexist;
    if (has_trailing_slash(path))
        return Err::enoent; // as Linux: a symlink is not a directory
    if (target.n > quota_ - used_)
        return Err::enospc;
    char* fresh = alloc_bytes(target.n);
    if (!fresh)
        return Err::enomem;
    mem_copy(fresh, target.p, target.n);
    Node* n = nullptr;
    e = add(dir, Type::symlink, name, true, n);
    if (e != Err::none) {
        alloc_.free(fresh, target.n);
        return e;
    }
    n->data = fresh;
    n->size = n->cap = target.n;
    used_ += target.n;
    return Err::none;
}

namespace {

// Why src may not move into tdir, replacing dst (if not nullptr).
Err move_refusal(const Node* src, const Dir* tdir, const Node* dst, const Dir* root)
{
    bool is_dir = src->type == Type::directory;
    for (const Dir* a = tdir; is_dir; a = a->parent) {
        if (a == src)
            return Err::einval;
        if (a == root)
            break;
    }
    if (!dst)
        return Err::none;
    if (is_dir && dst->type != Type::directory)
        return Err::enotdir;
    if (!is_dir && dst->type == Type::directory)
        return Err::eisdir;
    if (is_dir && !as_dir(dst)->entries.empty())
        return Err::enotempty;
    return Err::none;
}

} // namespace

Err File_system::rename(Str from, Str to)
{
    Dir* sdir = nullptr;
    Str sname;
    Err e = parent_of(from, sdir, sname);
    if (e != Err::none)
        return e;
    bool found;
    uint32_t sat = sdir->index_of(sname, found);
    if (!found)
        return Err::enoent;
    Node* src = sdir->entries[sat];
    if (src->type != Type::directory && (has_trailing_slash(from) || has_trailing_slash(to)))
        return Err::enotdir;
    Dir* tdir = nullptr;
    Str tname;
    e = parent_of(to, tdir, tname);
    if (e != Err::none)
        return e;
    Node* dst = tdir->find(tname);
    if (dst == src)
        return Err::none;
    e = move_refusal(src, tdir, dst, root());
    if (e != Err::none)
        return e;

    // Everything that can fail first: the new name, and room for one more
    // entry in tdir (a push and a pop leave the capacity).
    char* own = alloc_bytes(tname.n);
    if (!own)
        return Err::enomem;
    mem_copy(own, tname.p, tname.n);
    if (!dst) {
        if (!tdir->entries.push_back(nullptr)) {
            alloc_.free(own, tname.n);
            return Err::enomem;
        }
        tdir->entries.pop_back();
    }

    sdir->erase(sat);
    if (src->name_owned)
        alloc_.free(const_cast<char*>(src->name), src->name_len);
    src->name = own;
    src->name_len = tname.n;
    src->name_owned = true;
    src->parent = tdir;
    uint32_t tat = tdir->index_of(src->name_str(), found);
    if (found) {
        tdir->entries[tat] = src;
        free_node(dst);
    } else if (!tdir->insert(tat, src)) {
        __builtin_trap(); // cannot happen: the room was made above
    }
    return Err::none;
}

Err File_system::list_matching(Str dir, Str suffix, toolstack::Vec<Str>& out) const
{
    const Dir* d = nullptr;
    Err e = find_dir(dir, d);
    if (e != Err::none)
        return e;
    uint32_t start = out.size();
    for (uint32_t i = 0; i < d->entries.size(); ++i) {
        Node* n = d->entries[i];
        Str name = n->name_str();
        if (name.n <= suffix.n ||
            !toolstack::mem_eq(name.p + name.n - suffix.n, suffix.p, suffix.n))
            continue;
        unsigned links = 1;
        if (n->type == Type::symlink && walk(d, n->bytes(), true, links, n) != Err::none)
            continue;
        if (n->type != Type::file)
            continue;
        if (!out.push_back(name)) {
            while (out.size() > start)
                out.pop_back();
            return Err::enomem;
        }
    }
    return Err::none;
}

} // namespace fs
