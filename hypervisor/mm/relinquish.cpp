#include "hypervisor/mm/relinquish.hpp"

#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pte_check.hpp"

namespace {

using Pass = Relinquish_progress::Pass;

Page_type level_of(Pass p)
{
    switch (p) {
    case Pass::l1: return Page_type::l1;
    case Pass::l2: return Page_type::l2;
    default: return Page_type::l3;
    }
}

// A validated table of this level stops being one while whoever holds its
// type count keeps it: the count then falls to 0 without a second
// devalidation (put_page_type sees it unvalidated).
void force_devalidate(Mm_ctx& c, Mfn m, Page& pg, Page_type level)
{
    uint32_t x = pg.type_info;
    if (pgt::type(x) != level || !pgt::is_validated(x))
        return;
    pg.type_info = x & ~pgt::validated;
    if (!devalidate_table(c, m, x))
        pg.type_info = x; // cannot be mapped: its references stay, the audit reports them
}

// Takes m, the list's last entry, off the list: nothing moves into its
// slot, so no descriptor lookup is needed.
void unlist_last(Domain_frames& frames, Mfn m, Page& pg)
{
    pg.next = frames.count() - 1;
    frames.remove(m, pg, nullptr, nullptr);
}

void release_one(Mm_ctx& c, Domain_frames& frames, uint32_t& tot_pages, Mfn m)
{
    Page* pg = c.fs.page_of(m);
    if (pg == nullptr) {
        Page none{}; // never listed without a descriptor: forget the entry
        unlist_last(frames, m, none);
        return;
    }
    release_pin(c, m, *pg);
    unlist_last(frames, m, *pg);
    if (tot_pages != 0)
        --tot_pages;
    if (relinquish_page(*pg))
        c.fs.page_released(m);
}

} // namespace

void release_pin(Mm_ctx& c, Mfn m, Page& pg)
{
    if (!pgt::is_pinned(pg.type_info))
        return;
    pg.type_info &= ~pgt::pinned;
    put_page_type(c, m, pg);
    if (put_page(pg))
        c.fs.page_released(m); // only if the caller's reference was not there
}

namespace {

bool budget_spent(const Relinquish_budget& b)
{
    return b.stop != nullptr && b.stop(b.ctx);
}

} // namespace

bool relinquish_memory(Mm_ctx& c, Domain_frames& frames, uint32_t& tot_pages,
                       Relinquish_progress& p, const Relinquish_budget& b)
{
    while (p.pass == Pass::l1 || p.pass == Pass::l2 || p.pass == Pass::l3) {
        // The list does not change in these passes: a listed frame keeps
        // its allocation reference, so no put can free it.
        while (p.next < frames.count()) {
            Mfn m = frames.at(p.next++);
            if (Page* pg = c.fs.page_of(m))
                force_devalidate(c, m, *pg, level_of(p.pass));
            if (budget_spent(b))
                return false;
        }
        p.pass = static_cast<Pass>(static_cast<uint8_t>(p.pass) + 1);
        p.next = 0;
    }
    while (p.pass == Pass::release && frames.count() != 0) {
        release_one(c, frames, tot_pages, frames.at(frames.count() - 1));
        if (frames.count() != 0 && budget_spent(b))
            return false;
    }
    p.pass = Pass::done;
    return true;
}
