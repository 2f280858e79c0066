#include "hypervisor/grant/grant_entry.hpp"

namespace grant {
namespace {

// Xen retries the compare-and-swap four times after the first attempt.
constexpr int max_retries = 4;

uint32_t load(const uint32_t* w)
{
    // Acquire: fields the guest wrote before the flags are read after them.
    return __atomic_load_n(w, __ATOMIC_ACQUIRE);
}

bool grants_to(uint32_t w, uint16_t mask, uint16_t mapper, bool transitive_ok)
{
    uint16_t type = header_flags(w) & mask;
    bool type_ok = type == GTF_permit_access || (transitive_ok && type == GTF_transitive);
    return type_ok && header_domid(w) == mapper;
}

int16_t set_status_v1(Grant_env& env, Grant_table& t, uint32_t ref, const Active_entry& act,
                      bool readonly, uint16_t mask, uint16_t mapper)
{
    uint32_t* w = t.header(ref);
    uint32_t cur = load(w);
    for (int retries = 0;; ++retries) {
        if (act.pin == 0 && !grants_to(cur, mask, mapper, false))
            return GNTST_general_error;
        uint32_t want = cur | GTF_reading;
        if (!readonly) {
            if (header_flags(cur) & GTF_readonly)
                return GNTST_general_error;
            want |= GTF_writing;
        }
        uint32_t seen = env.cmpxchg(w, cur, want);
        if (seen == cur)
            return GNTST_okay;
        if (retries == max_retries)
            return GNTST_general_error; // the entry is unstable
        cur = seen;
    }
}

int16_t set_status_v2(Grant_env& env, Grant_table& t, uint32_t ref, const Active_entry& act,
                      bool readonly, bool mapping, uint16_t mask, uint16_t mapper)
{
    const uint32_t* w = t.header(ref);
    uint16_t* status = t.status_word(ref);
    uint32_t cur = load(w);
    if (act.pin == 0 && !grants_to(cur, mask, mapper, !mapping))
        return GNTST_general_error;
    if (!readonly && (header_flags(cur) & GTF_readonly))
        return GNTST_general_error;
    env.set_status(status, readonly ? GTF_reading : GTF_reading | GTF_writing);
    // The guest revokes by clearing the flags, then reading the status: one
    // of the two sides sees the other's write.
    cur = load(w);
    if (act.pin == 0) {
        if (!grants_to(cur, mask, mapper, !mapping) ||
            (!readonly && (header_flags(cur) & GTF_readonly))) {
            env.clear_status(status, GTF_reading | GTF_writing);
            return GNTST_general_error;
        }
    } else if (header_flags(cur) & GTF_readonly) {
        env.clear_status(status, GTF_writing);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

} // namespace

Entry_frame entry_frame(const Grant_table& t, uint32_t ref)
{
    Entry_frame f;
    if (t.version == 1) {
        f.gfn = load(t.v1_frame(ref));
        return f;
    }
    const uint32_t* e = t.v2_words(ref);
    f.gfn = uint64_t{load(e + 2)} | uint64_t{load(e + 3)} << 32;
    if (header_flags(load(e)) & GTF_sub_page) {
        uint32_t window = load(e + 1);
        f.sub_page = true;
        f.start = static_cast<uint16_t>(window);
        f.length = static_cast<uint16_t>(window >> 16);
    }
    return f;
}

int16_t set_status(Grant_env& env, Grant_table& t, uint32_t ref, const Active_entry& act,
                   bool readonly, bool mapping, uint16_t mapper)
{
    uint16_t mask = GTF_type_mask;
    if (mapping)
        mask |= GTF_sub_page;
    if (t.version == 1)
        return set_status_v1(env, t, ref, act, readonly, mask, mapper);
    return set_status_v2(env, t, ref, act, readonly, mapping, mask, mapper);
}

void reduce_status(Grant_env& env, Grant_table& t, uint32_t ref, const Active_entry& act,
                   bool readonly)
{
    uint16_t clear = act.pin == 0 ? GTF_reading : 0;
    if (!readonly && (act.pin & gntpin::writers) == 0)
        clear |= GTF_writing;
    if (clear == 0)
        return;
    if (t.version == 1)
        env.clear_bits(t.header(ref), clear);
    else
        env.clear_status(t.status_word(ref), clear);
}

} // namespace grant
