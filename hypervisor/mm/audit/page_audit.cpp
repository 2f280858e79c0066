#include "hypervisor/mm/audit/page_audit.hpp"

#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pte_check.hpp"

void Audit_report::add(Mfn mfn, Audit_kind kind, int64_t expected, int64_t actual)
{
    if (issues < kept_max)
        kept[issues] = Audit_issue{mfn, kind, expected, actual};
    ++issues;
}

namespace {
struct Auditor {
    Frame_space& fs;
    Mfn first;
    uint32_t frames;
    const Audit_scratch& s;
    const Granted_frame* granted;
    uint32_t granted_count;
    Audit_report report;

    bool is_granted(uint16_t mapper, Mfn m) const
    {
        for (uint32_t i = 0; i < granted_count; ++i)
            if (granted[i].mapper == mapper && granted[i].mfn == m)
                return true;
        return false;
    }

    // Index of a frame in the audited range, or -1 (reported).
    int64_t index(Mfn from, Mfn m)
    {
        if (raw(m) < raw(first) || raw(m) - raw(first) >= frames) {
            report.add(from, Audit_kind::outside_range, raw(m), 0);
            return -1;
        }
        return raw(m) - raw(first);
    }

    void l1_entry(Mfn t, const Mm_domain& d, uint64_t e)
    {
        uint32_t f = pte::flags(e);
        if (f & pte::l1_disallow(fs, d))
            report.add(t, Audit_kind::bad_flags, 0, f);
        Mfn m = pte::mfn(e);
        bool rw = (f & pte::RW) != 0;
        if (fs.is_m2p(m)) {
            if (rw || !d.privileged)
                report.add(t, Audit_kind::hypervisor_mapping, 0, raw(m));
            return;
        }
        Page* pg = fs.page(m);
        if (fs.is_hypervisor(m) || (fs.is_ram(m) && pg == nullptr)) {
            report.add(t, Audit_kind::hypervisor_mapping, 0, raw(m));
            return;
        }
        if (!fs.is_ram(m) || pg->owner == DOMID_IO) {
            if (!fs.iomem_permitted(d, m))
                report.add(t, Audit_kind::foreign_mapping, d.id, raw(m));
            return;
        }
        if (pg->owner != d.id && !d.privileged && !is_granted(d.id, m))
            report.add(t, Audit_kind::foreign_mapping, d.id, pg->owner);
        int64_t i = index(t, m);
        if (i < 0)
            return;
        ++s.general[i];
        if (rw) {
            ++s.type[i];
            if (pgt::type(pg->type_info) != Page_type::writable)
                report.add(m, Audit_kind::writable_page_table, 0, raw(t));
        }
    }

    void l2_entry(Mfn t, const Mm_domain& d, uint64_t e)
    {
        uint32_t f = pte::flags(e);
        if (f & pte::l2_disallow(fs))
            report.add(t, Audit_kind::bad_flags, 0, f);
        Mfn m = pte::mfn(e);
        Page* pg = fs.page(m);
        bool linear = pg != nullptr && pgt::type(pg->type_info) == Page_type::l2;
        if (linear && (f & pte::RW))
            report.add(t, Audit_kind::writable_page_table, 0, raw(m));
        if (m == t)
            return;
        if (pg == nullptr || pg->owner != d.id)
            report.add(t, Audit_kind::foreign_mapping, d.id, raw(m));
        int64_t i = index(t, m);
        if (i < 0 || pg == nullptr)
            return;
        ++s.general[i];
        ++s.type[i];
        if (linear) {
            ++s.linear_uses[i];
            ++s.linear_entries[raw(t) - raw(first)];
        } else if (pgt::type(pg->type_info) != Page_type::l1) {
            report.add(m, Audit_kind::wrong_target_type, static_cast<int64_t>(Page_type::l1),
                       static_cast<int64_t>(pgt::type(pg->type_info)));
        }
    }

    void l3_entry(Mfn t, uint32_t slot, const Mm_domain& d, uint64_t e)
    {
        if (pte::flags(e) & pte::l3_disallow)
            report.add(t, Audit_kind::bad_flags, 0, pte::flags(e));
        Mfn m = pte::mfn(e);
        Page* pg = fs.page(m);
        if (pg == nullptr || pg->owner != d.id)
            report.add(t, Audit_kind::foreign_mapping, d.id, raw(m));
        int64_t i = index(t, m);
        if (i < 0 || pg == nullptr)
            return;
        ++s.general[i];
        ++s.type[i];
        bool xen_l2 = pgt::is_xen_l2(pg->type_info);
        if (pgt::type(pg->type_info) != Page_type::l2 || xen_l2 != (slot == 3))
            report.add(m, Audit_kind::wrong_target_type, slot, pg->type_info);
    }

    void table(Mfn t, Page& pg)
    {
        uint32_t ti = pg.type_info;
        if (pgt::count(ti) == 0)
            report.add(t, Audit_kind::validated_unused);
        const Mm_domain* d = fs.domain(pg.owner);
        if (d == nullptr) {
            report.add(t, Audit_kind::unknown_owner, 0, pg.owner);
            return;
        }
        Table_map e(fs, t);
        if (!e) {
            report.add(t, Audit_kind::unmappable);
            return;
        }
        switch (pgt::type(ti)) {
        case Page_type::l1:
            for (uint32_t i = 0; i < entries_per_table; ++i)
                if (pte::present(e[i]))
                    l1_entry(t, *d, e[i]);
            break;
        case Page_type::l2:
            for (uint32_t i = 0; i < guest_l2_slots(ti); ++i)
                if (pte::present(e[i]))
                    l2_entry(t, *d, e[i]);
            // The MMU sets accessed/dirty bits in whichever copy of a
            // hypervisor slot it walks: those bits are not a change.
            for (uint32_t i = guest_l2_slots(ti); i < entries_per_table; ++i)
                if ((e[i] ^ fs.hypervisor_l2e(*d, i)) & ~uint64_t{pte::A | pte::D})
                    report.add(t, Audit_kind::hypervisor_slot, i, 0);
            break;
        default:
            for (uint32_t i = 0; i < l3_entries; ++i) {
                if (pte::present(e[i]))
                    l3_entry(t, i, *d, e[i]);
                else if (i == 3)
                    report.add(t, Audit_kind::wrong_target_type, 3, 0);
            }
            break;
        }
    }

    void compare(Mfn m, const Page& pg, uint32_t i)
    {
        if (s.general[i] != pgc::count(pg.count_info))
            report.add(m, Audit_kind::general_count, s.general[i], pgc::count(pg.count_info));
        if (s.type[i] != pgt::count(pg.type_info))
            report.add(m, Audit_kind::type_count, s.type[i], pgt::count(pg.type_info));
        int64_t want = static_cast<int64_t>(s.linear_entries[i]) - s.linear_uses[i];
        if ((s.linear_entries[i] != 0 && s.linear_uses[i] != 0) || want != pgc::linear(pg.count_info))
            report.add(m, Audit_kind::linear_count, want, pgc::linear(pg.count_info));
        if (is_page_table(pgt::type(pg.type_info)) && pgt::count(pg.type_info) != 0 &&
            !pgt::is_validated(pg.type_info))
            report.add(m, Audit_kind::used_not_validated);
    }
};
} // namespace

Audit_report audit_frames(Frame_space& fs, Mfn first, uint32_t frames, const External_ref* ext,
                          uint32_t ext_count, const Audit_scratch& s, const Granted_frame* granted,
                          uint32_t granted_count)
{
    Auditor a{fs, first, frames, s, granted, granted_count, {}};
    for (uint32_t i = 0; i < frames; ++i) {
        Page* pg = fs.page(first + i);
        bool pinned = pg != nullptr && pgt::is_pinned(pg->type_info);
        s.general[i] = (pg != nullptr && pgc::is_allocated(pg->count_info) ? 1 : 0) + (pinned ? 1 : 0);
        s.type[i] = pinned ? 1 : 0;
        s.linear_entries[i] = 0;
        s.linear_uses[i] = 0;
    }
    for (uint32_t k = 0; k < ext_count; ++k) {
        int64_t i = a.index(ext[k].mfn, ext[k].mfn);
        if (i >= 0) {
            s.general[i] += ext[k].general;
            s.type[i] += ext[k].type;
        }
    }
    for (uint32_t i = 0; i < frames; ++i) {
        Page* pg = fs.page(first + i);
        if (pg != nullptr && is_page_table(pgt::type(pg->type_info)) && pgt::is_validated(pg->type_info))
            a.table(first + i, *pg);
    }
    for (uint32_t i = 0; i < frames; ++i)
        if (Page* pg = fs.page(first + i))
            a.compare(first + i, *pg, i);
    return a.report;
}
