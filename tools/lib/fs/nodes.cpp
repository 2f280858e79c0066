// The nodes of a File_system: making and freeing them, directory entries,
// and filling the tree from an archive.
#include "tools/lib/fs/file_system.hpp"

namespace fs {

using toolstack::mem_copy;

int compare(Str a, Str b)
{
    uint32_t n = a.n < b.n ? a.n : b.n;
    int c = n ? __builtin_memcmp(a.p, b.p, n) : 0;
    if (c)
        return c;
    return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
}

uint32_t Dir::index_of(Str key, bool& found) const
{
    uint32_t lo = 0, hi = entries.size();
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = compare(entries[mid]->name_str(), key);
        if (c == 0) {
            found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    found = false;
    return lo;
}

bool Dir::insert(uint32_t at, Node* n)
{
    if (!entries.push_back(n))
        return false;
    for (uint32_t i = entries.size() - 1; i > at; --i)
        entries[i] = entries[i - 1];
    entries[at] = n;
    return true;
}

void Dir::erase(uint32_t at)
{
    for (uint32_t i = at; i + 1 < entries.size(); ++i)
        entries[i] = entries[i + 1];
    entries.pop_back();
}

bool Path_names::next(Str& name)
{
    uint32_t i = 0;
    while (i < rest_.n && rest_[i] == '/')
        ++i;
    rest_ = rest_.sub(i);
    if (rest_.empty())
        return false;
    uint32_t end = rest_.find('/');
    name = rest_.prefix(end);
    rest_ = rest_.sub(end);
    return true;
}

bool Path_names::at_end() const
{
    for (uint32_t i = 0; i < rest_.n; ++i)
        if (rest_[i] != '/')
            return false;
    return true;
}

bool has_trailing_slash(Str path)
{
    if (path.empty() || path[path.n - 1] != '/')
        return false;
    for (uint32_t i = 0; i < path.n; ++i)
        if (path[i] != '/')
            return true;
    return false;
}

File_system::File_system(const toolstack::Allocator& a, uint64_t quota)
    : alloc_(a), quota_(quota), root_(a)
{
    root_.parent = &root_;
}

File_system::~File_system()
{
    clear(&root_);
}

char* File_system::alloc_bytes(uint32_t n) const
{
    return n ? static_cast<char*>(alloc_.allocate(n)) : nullptr;
}

void File_system::free_bytes(Node* n)
{
    if (n->cap) {
        alloc_.free(const_cast<char*>(n->data), n->cap);
        used_ -= n->cap;
    }
    n->data = nullptr;
    n->size = n->cap = 0;
}

Node* File_system::make(Type type, Str name, bool copy)
{
    char* own = nullptr;
    if (copy) {
        own = alloc_bytes(name.n);
        if (!own)
            return nullptr;
        mem_copy(own, name.p, name.n);
    }
    bool dir = type == Type::directory;
    void* p = alloc_.allocate(dir ? sizeof(Dir) : sizeof(Node));
    if (!p) {
        alloc_.free(own, name.n);
        return nullptr;
    }
    Node* n = dir ? new (p) Dir(alloc_) : new (p) Node();
    n->type = type;
    n->name_owned = copy;
    n->name = copy ? own : name.p;
    n->name_len = name.n;
    return n;
}

Err File_system::add(Dir* dir, Type type, Str name, bool copy, Node*& out)
{
    bool found;
    uint32_t at = dir->index_of(name, found);
    if (found)
        return Err::eexist;
    Node* n = make(type, name, copy);
    if (!n)
        return Err::enomem;
    if (!dir->insert(at, n)) {
        free_node(n);
        return Err::enomem;
    }
    n->parent = dir;
    out = n;
    return Err::none;
}

void File_system::free_node(Node* n)
{
    free_bytes(n);
    if (n->name_owned)
        alloc_.free(const_cast<char*>(n->name), n->name_len);
    if (n->type == Type::directory) {
        Dir* d = as_dir(n);
        d->~Dir();
        alloc_.free(d, sizeof(Dir));
    } else {
        n->~Node();
        alloc_.free(n, sizeof(Node));
    }
}

void File_system::clear(Dir* top)
{
    // Depth first without recursion: a tree may be deeper than a kernel
    // stack would allow (rename can move a directory under a long path).
    Dir* d = top;
    for (;;) {
        if (d->entries.empty()) {
            if (d == top)
                return;
            d = d->parent; // d is its parent's last entry: freed next round
            continue;
        }
        Node* last = d->entries.back();
        if (last->type == Type::directory && !as_dir(last)->entries.empty()) {
            d = as_dir(last);
            continue;
        }
        d->entries.pop_back();
        free_node(last);
    }
}

struct File_system::Loader {
    // A file with more than one name: cpio writes its data with one of
    // them (GNU cpio: the last) and an empty body with the others.
    struct Linked {
        Node* node;
        uint32_t ino, dev_major, dev_minor;
    };

    explicit Loader(File_system& f) : fs(f), linked(f.alloc_) {}
    bool fail(Err e, const char* w)
    {
        err = e;
        why = w;
        return false;
    }
    bool share_links(Node* n, const Cpio_entry& e);

    File_system& fs;
    Err err = Err::none;
    const char* why = "";
    toolstack::Vec<Linked> linked;
};

bool File_system::Loader::share_links(Node* n, const Cpio_entry& e)
{
    // Nodes are updated in place, never freed, while loading: the pointers
    // held here stay valid.
    for (uint32_t i = 0; i < linked.size(); ++i) {
        Linked& l = linked[i];
        if (l.ino != e.ino || l.dev_major != e.dev_major || l.dev_minor != e.dev_minor ||
            l.node->type != Type::file)
            continue;
        if (n->size && !l.node->size) {
            l.node->data = n->data;
            l.node->size = n->size;
        } else if (!n->size && l.node->size) {
            n->data = l.node->data;
            n->size = l.node->size;
        }
    }
    if (!linked.push_back({n, e.ino, e.dev_major, e.dev_minor}))
        return fail(Err::enomem, "out of memory");
    return true;
}

bool File_system::load_entry(void* ctx, const Cpio_entry& e)
{
    auto& l = *static_cast<Loader*>(ctx);
    File_system& fs = l.fs;
    if (e.type == Type::other)
        return true;
    if (e.name.n > max_path)
        return l.fail(Err::enametoolong, "path over 1024 bytes");
    if (e.type == Type::symlink && e.size > max_path)
        return l.fail(Err::enametoolong, "symlink target over 1024 bytes");

    Dir* d = fs.root();
    Path_names names(e.name);
    Str name;
    while (names.next(name)) {
        if (name.n > max_name)
            return l.fail(Err::enametoolong, "name over 255 bytes");
        if (name == "." || name == "..")
            return l.fail(Err::einval, "'.' or '..' inside a path");
        Node* n = d->find(name);
        bool dir_wanted = !names.at_end() || e.type == Type::directory;
        if (n && (n->type == Type::directory) != dir_wanted)
            return l.fail(Err::einval, names.at_end() ? "entry changes a directory's type"
                                                      : "path goes through a file or symlink");
        if (!n && fs.add(d, dir_wanted ? Type::directory : e.type, name, false, n) != Err::none)
            return l.fail(Err::enomem, "out of memory");
        if (dir_wanted) {
            d = as_dir(n);
            continue;
        }
        // A file or symlink, new or replacing the one an earlier entry made.
        n->type = e.type;
        n->data = reinterpret_cast<const char*>(e.data);
        n->size = e.size;
        return e.type == Type::file && e.nlink > 1 ? l.share_links(n, e) : true;
    }
    if (d == fs.root() && e.type != Type::directory)
        return l.fail(Err::einval, "the root is not a directory");
    return true;
}

Err File_system::load(const uint8_t* archive, size_t len, Cpio_error* why)
{
    if (!root_.entries.empty())
        return Err::einval;
    Loader l(*this);
    Cpio_error err;
    if (cpio_each(archive, len, load_entry, &l, err))
        return Err::none;
    clear(&root_);
    if (l.err != Err::none)
        err.what = l.why;
    if (why)
        *why = err;
    return l.err != Err::none ? l.err : Err::einval;
}

} // namespace fs
