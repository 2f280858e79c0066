#include "tools/lib/xenstore/watch.hpp"

#include <new>

#include "tools/lib/xenstore/store/path.hpp"

namespace xs {

Watch* Watch::make(const Allocator& a, Str path, Str token)
{
    void* mem = a.allocate(sizeof(Watch) + path.n + token.n + 2);
    if (!mem)
        return nullptr;
    Watch* w = new (mem) Watch;
    char* text = reinterpret_cast<char*>(w + 1);
    toolstack::mem_copy(text, path.p, path.n);
    text[path.n] = '\0';
    toolstack::mem_copy(text + path.n + 1, token.p, token.n);
    text[path.n + 1 + token.n] = '\0';
    w->path_len = path.n;
    w->token_len = token.n;
    return w;
}

void Watch::free(const Allocator& a, Watch* w)
{
    size_t size = sizeof(Watch) + w->path_len + w->token_len + 2;
    w->~Watch();
    a.free(w, size);
}

bool watch_matches(const Watch& w, Str path, Match m)
{
    switch (m) {
    case Match::exact: return path == w.path();
    case Match::subtree: return is_child(path, w.path(), w.depth);
    case Match::depth:
        return path == w.path() || (w.depth > 0 && is_child(path, w.path(), w.depth));
    case Match::nodepth: return path == w.path() && w.depth < 0;
    }
    return false;
}

} // namespace xs
