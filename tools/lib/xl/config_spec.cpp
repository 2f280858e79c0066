#include "tools/lib/xl/config_spec.hpp"

#include "tools/lib/config/xl_config.hpp"

namespace xl {

using toolstack::Str;
using toolstack::Text;

namespace {

bool copy_text(Str s, char* out, uint32_t cap)
{
    if (s.n >= cap)
        return false;
    toolstack::mem_copy(out, s.p, s.n);
    out[s.n] = '\0';
    return true;
}

// Xenith keeps no core dumps and has no soft reset yet: the nearest
// action, with a warning.
Action action_of(cfg::Action a, const char* key, Text& warnings)
{
    switch (a) {
    case cfg::Action::destroy: return Action::destroy;
    case cfg::Action::restart: return Action::restart;
    case cfg::Action::rename_restart: return Action::rename_restart;
    case cfg::Action::preserve: return Action::preserve;
    case cfg::Action::coredump_destroy:
        warnings.put("warning: ").put(key).put("=coredump-destroy: no core dumps here, destroy\n");
        return Action::destroy;
    case cfg::Action::coredump_restart:
        warnings.put("warning: ").put(key).put("=coredump-restart: no core dumps here, restart\n");
        return Action::restart;
    case cfg::Action::soft_reset:
        warnings.put("warning: ").put(key).put("=soft-reset is not supported, restart\n");
        return Action::restart;
    }
    return Action::destroy;
}

} // namespace

bool load_config(Host& host, const toolstack::Allocator& alloc, Str file, const Str* overrides,
                 uint32_t n_overrides, Domain_spec& spec, Text& err, Text& warnings)
{
    const uint8_t* data = nullptr;
    size_t len = 0;
    if (!host.read_file(file, data, len)) {
        err.put("Failed to read config file: ").put(file).put(": No such file or directory");
        return false;
    }
    if (len > cfg::max_input_bytes) {
        err.put(file).put(": config file is larger than 1 MiB");
        return false;
    }
    return load_config_text(alloc, file, Str(reinterpret_cast<const char*>(data), static_cast<uint32_t>(len)),
                            overrides, n_overrides, spec, err, warnings);
}

bool load_config_text(const toolstack::Allocator& alloc, Str file, Str text, const Str* overrides,
                      uint32_t n_overrides, Domain_spec& spec, Text& err, Text& warnings)
{
    if (text.n > cfg::max_input_bytes) {
        err.put(file).put(": config file is larger than 1 MiB");
        return false;
    }
    cfg::Config_input in;
    in.source = file;
    in.data = text;
    in.overrides = overrides;
    in.n_overrides = n_overrides;
    auto* c = toolstack::create<cfg::Domain_config>(alloc, alloc);
    auto* diag = toolstack::create<cfg::Diagnostics>(alloc);
    if (!c || !diag) {
        toolstack::destroy(alloc, c);
        toolstack::destroy(alloc, diag);
        err.put("out of memory");
        return false;
    }
    bool ok = cfg::parse_xl_config(alloc, in, *c, *diag);
    for (uint32_t i = 0; i < diag->n_warnings; ++i)
        warnings.put(diag->warnings[i]).put_char('\n');
    if (!ok) {
        err.put(diag->error);
    } else {
        Text cmdline(alloc);
        spec = Domain_spec();
        ok = cfg::kernel_cmdline(*c, cmdline) && copy_text(c->name.str(), spec.name, sizeof spec.name) &&
             copy_text(c->kernel.str(), spec.kernel, sizeof spec.kernel) &&
             (!c->ramdisk.set || copy_text(c->ramdisk.value.str(), spec.ramdisk, sizeof spec.ramdisk)) &&
             copy_text(cmdline.str(), spec.cmdline, sizeof spec.cmdline);
        if (!ok)
            err.put(file).put(": name, kernel, ramdisk or command line too long for Xenith");
        spec.memory_mib = c->memory_mib;
        spec.maxmem_mib = c->max_memory_mib;
        spec.vcpus = c->vcpus;
        spec.maxvcpus = c->max_vcpus;
        if (c->cpus.n > 0) {
            spec.cpus = c->cpus.mask[0];
            for (uint32_t v = 1; v < c->cpus.n; ++v)
                if (c->cpus.mask[v] != spec.cpus) {
                    warnings.put("warning: per-vCPU cpus= lists: every vCPU gets the first item's CPUs\n");
                    break;
                }
        }
        spec.weight = c->cpu_weight;
        spec.cap = c->cap;
        spec.on_poweroff = action_of(c->on_poweroff, "on_poweroff", warnings);
        spec.on_reboot = action_of(c->on_reboot, "on_reboot", warnings);
        spec.on_crash = action_of(c->on_crash, "on_crash", warnings);
        spec.has_uuid = c->uuid_set;
        toolstack::mem_copy(spec.uuid, c->uuid, 16);
    }
    toolstack::destroy(alloc, diag);
    toolstack::destroy(alloc, c);
    return ok;
}

} // namespace xl
