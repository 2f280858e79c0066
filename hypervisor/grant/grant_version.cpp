// GNTTABOP_set_version (Xen's gnttab_set_version): a domain switches its
// own table between version 1 and 2 while no grant is in use, except the
// first GNTTAB_NR_RESERVED_ENTRIES, which the toolstack may keep mapped
// (console and xenstore rings) and which keep their contents across the
// switch. Every other entry starts out empty in the new version.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace grant {
namespace {

constexpr uint32_t reserved = GNTTAB_NR_RESERVED_ENTRIES;

// A reserved entry in v1 form: flags (with GTF_reading/writing), domid, frame.
struct Saved {
    uint32_t header = 0;
    uint32_t frame = 0;
};

long check_v2_reserved(const Grant_table& t)
{
    for (uint32_t i = 0; i < reserved && i < t.nr_entries(); ++i) {
        const uint32_t* e = t.v2_words(i);
        uint16_t type = header_flags(e[0]) & GTF_type_mask;
        if (type == GTF_transitive || (type == GTF_permit_access && e[3] != 0))
            return -XEN_ERANGE; // not representable in version 1
    }
    return 0;
}

void save_reserved(const Grant_table& t, Saved* s)
{
    for (uint32_t i = 0; i < reserved && i < t.nr_entries(); ++i) {
        if (t.version == 1) {
            s[i] = Saved{*t.header(i), *t.v1_frame(i)};
            continue;
        }
        const uint32_t* e = t.v2_words(i);
        if ((header_flags(e[0]) & GTF_type_mask) == GTF_permit_access)
            s[i] = Saved{e[0] | *t.status_word(i), e[2]};
        else
            s[i] = Saved{}; // anything else is dropped, as Xen does
    }
}

void restore_reserved(Grant_table& t, const Saved* s)
{
    constexpr uint32_t in_use = GTF_reading | GTF_writing;
    for (uint32_t i = 0; i < reserved && i < t.nr_entries(); ++i) {
        if (t.version == 1) {
            *t.header(i) = s[i].header;
            *t.v1_frame(i) = s[i].frame;
            continue;
        }
        uint32_t* e = t.v2_words(i);
        *t.status_word(i) = static_cast<uint16_t>(s[i].header & in_use);
        e[0] = s[i].header & ~in_use;
        e[2] = s[i].frame;
        e[3] = 0;
    }
}

// The switch itself, t's lock held: every failure leaves t as it was.
long switch_version(Grant_env& env, Grant_table& t, uint32_t version)
{
    for (uint32_t i = reserved; i < t.nr_entries(); ++i)
        if (t.active_entry(i).pin != 0)
            return -XEN_EBUSY;
    if (t.version == 1 && !populate_status(env, t))
        return -XEN_ENOMEM;
    if (t.version == 2)
        if (long rc = check_v2_reserved(t))
            return rc;
    Saved saved[reserved];
    save_reserved(t, saved);
    if (t.version == 2)
        if (long rc = unpopulate_status(env, t))
            return rc;
    for (uint32_t f = 0; f < t.nr_frames; ++f)
        __builtin_memset(t.shared[f].va, 0, page_size);
    t.version = static_cast<uint8_t>(version);
    restore_reserved(t, saved);
    return 0;
}

} // namespace

long set_version(Grant_env& env, Domain& caller, uint32_t& version)
{
    if (caller.grant == nullptr)
        return -XEN_EINVAL; // every domain gets a table at creation
    Grant_table& t = *caller.grant;
    long rc = 0;
    if (version != 1 && version != 2)
        rc = -XEN_EINVAL;
    else if (version == 2 && t.max_version == 1)
        rc = -XEN_ENOSYS; // as before set_version existed
    Lock_guard<Spinlock> g(t.lock);
    if (rc == 0 && t.version != version)
        rc = switch_version(env, t, version);
    version = t.version;
    return rc;
}

} // namespace grant
