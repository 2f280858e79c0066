#include "tools/lib/xenstore/store/walk.hpp"

namespace xs {

bool Path_list::add(Str path)
{
    Span s{text_.size(), path.n};
    text_.put(path);
    return text_.ok() && spans_.push_back(s);
}

bool Path_list::add_child(uint32_t parent, Str name)
{
    Span s{text_.size(), 0};
    Span p = spans_[parent];
    bool root = p.len == 1 && text_.data()[p.at] == '/';
    if (!root)
        text_.put(text_.data() + p.at, p.len);
    text_.put_char('/').put(name);
    s.len = text_.size() - s.at;
    return text_.ok() && spans_.push_back(s);
}

Err collect(Access& a, Str root, Path_list& paths, toolstack::Vec<const Node*>& nodes)
{
    if (!paths.add(root))
        return Err::enomem;
    for (uint32_t i = 0; i < paths.size(); ++i) {
        const Node* n;
        Err e = a.get(paths[i], n);
        if (e != Err::none)
            return e;
        if (!nodes.push_back(n))
            return Err::enomem;
        if (!n)
            continue;
        bool ok = true;
        for_each_child(n->children(), [&](Str name) { ok = ok && paths.add_child(i, name); });
        if (!ok)
            return Err::enomem;
    }
    return Err::none;
}

} // namespace xs
