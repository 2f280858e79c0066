// An intrusive doubly linked list: an element derives from List_link, so
// linking and unlinking never allocate and cannot fail. An element is on at
// most one list at a time; the list does not own its elements. Portable and
// freestanding.
#pragma once

namespace toolstack {

struct List_link {
    List_link* prev = this;
    List_link* next = this;

    List_link() = default;
    List_link(const List_link&) = delete;
    List_link& operator=(const List_link&) = delete;

    bool linked() const { return next != this; }
    void unlink()
    {
        prev->next = next;
        next->prev = prev;
        prev = next = this;
    }
};

template <class T> class List {
public:
    List() = default;
    List(const List&) = delete;
    List& operator=(const List&) = delete;

    bool empty() const { return !head_.linked(); }
    T* first() const { return at(head_.next); }
    T* last() const { return at(head_.prev); }
    // The element after e, nullptr at the end.
    T* next(const T* e) const { return at(static_cast<const List_link*>(e)->next); }

    void push_back(T* e)
    {
        List_link* l = e;
        l->prev = head_.prev;
        l->next = &head_;
        head_.prev->next = l;
        head_.prev = l;
    }
    void push_front(T* e)
    {
        List_link* l = e;
        l->next = head_.next;
        l->prev = &head_;
        head_.next->prev = l;
        head_.next = l;
    }
    static void remove(T* e) { static_cast<List_link*>(e)->unlink(); }

    unsigned size() const
    {
        unsigned n = 0;
        for (const List_link* l = head_.next; l != &head_; l = l->next)
            ++n;
        return n;
    }

private:
    T* at(const List_link* l) const
    {
        return l == &head_ ? nullptr : static_cast<T*>(const_cast<List_link*>(l));
    }

    List_link head_;
};

} // namespace toolstack
