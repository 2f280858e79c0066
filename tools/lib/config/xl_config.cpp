// From settings to a Domain_config, in the order and with the defaults of
// tools/xl/xl_parse.c parse_config_data, libxl_create.c
// libxl__domain_build_info_setdefault (memory) and libxl_sched.c (weight and
// cap bounds); the messages are theirs where they have one.
#include "tools/lib/config/xl_config.hpp"

#include <new>

#include "tools/lib/config/syntax.hpp"
#include "tools/lib/config/values.hpp"

namespace cfg {
namespace {

enum Key : uint8_t {
    k_name,
    k_type,
    k_builder,
    k_uuid,
    k_memory,
    k_maxmem,
    k_vcpus,
    k_maxvcpus,
    k_cpus,
    k_cpu_weight,
    k_cap,
    k_on_poweroff,
    k_on_reboot,
    k_on_watchdog,
    k_on_crash,
    k_on_soft_reset,
    k_kernel,
    k_ramdisk,
    k_cmdline,
    k_root,
    k_extra,
    n_keys,
};

const char* const key_names[n_keys] = {
    "name",     "type",          "builder",    "uuid",    "memory",      "maxmem",    "vcpus",
    "maxvcpus", "cpus",          "cpu_weight", "cap",     "on_poweroff", "on_reboot", "on_watchdog",
    "on_crash", "on_soft_reset", "kernel",     "ramdisk", "cmdline",     "root",      "extra",
};

// xl.cfg(5) keys of devices and features Xenith has no support for yet.
// clang-format off
const char* const later_keys[] = {
    "disk", "vif", "vfb", "vkb", "pci", "vtpm", "p9", "pvcalls", "channel", "usbctrl", "usbdev",
    "usb", "dtdev", "vdispl", "vsnd", "virtio", "iomem", "ioports", "irqs", "bootloader",
    "bootloader_args", "cpus_soft", "pool", "seclabel", "init_seclabel", "vnuma", "e820_host",
    "max_grant_frames", "max_maptrack_frames", "max_grant_version", "device_tree", "passthrough",
    "serial", "vga", "videoram", "nographic", "sdl", "vnc", "xenstore_quota",
};
// clang-format on

const char* const action_names[] = {
    "destroy",          "restart",          "rename-restart", "preserve",
    "coredump-destroy", "coredump-restart", "soft-reset",
};

enum class Got : uint8_t { absent, ok, error };

// Every key's Value, made in place: Value has no default constructor.
class Slots {
public:
    explicit Slots(const Allocator& a)
    {
        for (auto& r : raw_)
            new (r) Value(a);
    }
    ~Slots()
    {
        for (uint32_t k = 0; k < n_keys; ++k)
            at(k).~Value();
    }
    Slots(const Slots&) = delete;
    Slots& operator=(const Slots&) = delete;

    Value& at(uint32_t k) { return *std::launder(reinterpret_cast<Value*>(raw_[k])); }

private:
    alignas(Value) unsigned char raw_[n_keys][sizeof(Value)];
};

bool is_prefix_of(Str s, Str word)
{
    return s.n <= word.n && toolstack::mem_eq(s.p, word.p, s.n);
}

class Reader {
public:
    Reader(const Allocator& a, Str source, Diagnostics& d) : slots_(a), source_(source), diag_(d) {}

    static Value* slot(void* ctx, Str key, uint32_t line);
    bool read(Domain_config& c);

private:
    Line fail(Key k, Status s = Status::invalid_value)
    {
        return error_at(diag_, s, source_, slots_.at(k).line);
    }
    // return refuse(fail(k).put(...)): the message is written, the answer no.
    static bool refuse(const Line&) { return false; }
    bool cpu_mask(Str s, uint64_t& mask);
    Got get_string(Key k, Str& out);
    Got get_number(Key k, int64_t min, int64_t max, int64_t& out);
    bool get_text(Key k, Opt_text& out);
    bool copy(Str s, Text& to);

    bool read_type();
    bool read_identity(Domain_config& c);
    bool read_memory(Domain_config& c);
    bool read_vcpus(Domain_config& c);
    bool read_cpus(Domain_config& c);
    bool read_actions(Domain_config& c);
    bool read_boot(Domain_config& c);

    Slots slots_;
    Str source_;
    Diagnostics& diag_;
};

Value* Reader::slot(void* ctx, Str key, uint32_t line)
{
    auto* self = static_cast<Reader*>(ctx);
    for (uint32_t k = 0; k < n_keys; ++k)
        if (key == Str(key_names[k]))
            return &self->slots_.at(k);
    for (const char* later : later_keys)
        if (key == Str(later)) {
            warning_at(self->diag_, self->source_, line)
                .put("`")
                .put(key)
                .put("' not yet supported by Xenith: ignored");
            return nullptr;
        }
    warning_at(self->diag_, self->source_, line)
        .put("unknown key `")
        .put_shown(key)
        .put("' ignored (xl ignores unknown keys silently)");
    return nullptr;
}

// xlu_cfg_get_string: a single value.
Got Reader::get_string(Key k, Str& out)
{
    const Value& v = slots_.at(k);
    if (!v.set)
        return Got::absent;
    if (v.is_list) {
        fail(k)
            .put("parameter `")
            .put(key_names[k])
            .put("' is a list but should be a single value");
        return Got::error;
    }
    out = v.text.str();
    return Got::ok;
}

// xlu_cfg_get_bounded_long, its warnings made errors.
Got Reader::get_number(Key k, int64_t min, int64_t max, int64_t& out)
{
    Str s;
    Got g = get_string(k, s);
    if (g != Got::ok)
        return g;
    Str name(key_names[k]);
    if (slots_.at(k).added) {
        fail(k).put("can't use += with numbers for parameter `").put(name).put("'");
        return Got::error;
    }
    Number_error e = parse_number(s, out);
    if (e == Number_error::invalid) {
        fail(k).put("parameter `").put(name).put("' is not a valid number");
        return Got::error;
    }
    if (e == Number_error::range) {
        fail(k)
            .put("parameter `")
            .put(name)
            .put("' could not be parsed as a number: Numerical result out of range");
        return Got::error;
    }
    if (out < min || out > max) {
        fail(k)
            .put("parameter `")
            .put(name)
            .put("': value `")
            .put_i64(out)
            .put(out < min ? "' is smaller than minimum bound '"
                           : "' is greater than maximum bound '")
            .put_i64(out < min ? min : max)
            .put("'");
        return Got::error;
    }
    return Got::ok;
}

// Out of memory is reported where it happens, before any later refusal.
bool Reader::copy(Str s, Text& to)
{
    if (to.put(s).ok())
        return true;
    error_at(diag_, Status::out_of_memory, source_, 0).put("out of memory");
    return false;
}

bool Reader::get_text(Key k, Opt_text& out)
{
    Str s;
    Got g = get_string(k, s);
    out.set = g == Got::ok;
    return g != Got::error && (!out.set || copy(s, out.value));
}

// type= (prefixes count, as xl's strncmp(buf, "hvm", strlen(buf))), and the
// older builder= which must agree with it.
bool Reader::read_type()
{
    enum { none, pv, hvm, pvh } type = none;
    Str s;
    Key at = k_type;
    Got g = get_string(k_type, s);
    if (g == Got::error)
        return false;
    if (g == Got::ok) {
        if (is_prefix_of(s, "hvm"))
            type = hvm;
        else if (is_prefix_of(s, "pv"))
            type = pv;
        else if (is_prefix_of(s, "pvh"))
            type = pvh;
        else
            return refuse(fail(k_type).put("Invalid domain type ").put_shown(s).put("."));
    }
    g = get_string(k_builder, s);
    if (g == Got::error)
        return false;
    if (g == Got::ok) {
        decltype(type) b = none;
        if (is_prefix_of(s, "hvm"))
            b = hvm;
        else if (is_prefix_of(s, "generic"))
            b = pv;
        else
            return refuse(fail(k_builder).put("Invalid domain type ").put_shown(s).put("."));
        if (type != none && type != b)
            return refuse(
                fail(k_builder).put("Contradicting \"builder\" and \"type\" options specified."));
        if (type == none)
            at = k_builder;
        type = b;
    }
    if (type == hvm || type == pvh)
        return refuse(fail(at, Status::unsupported)
                          .put("type \"")
                          .put(type == hvm ? "hvm" : "pvh")
                          .put("\" not supported: Xenith runs PV guests only"));
    return true;
}

bool Reader::read_identity(Domain_config& c)
{
    Str s;
    Got g = get_string(k_name, s);
    if (g == Got::error)
        return false;
    if (g == Got::absent)
        return refuse(error_at(diag_, Status::invalid_value, source_, 0)
                          .put("Domain name must be specified."));
    if (s.empty())
        return refuse(fail(k_name).put("Domain name must not be empty."));
    bool digits = true;
    for (uint32_t i = 0; i < s.n; ++i)
        digits = digits && s[i] >= '0' && s[i] <= '9';
    if (digits)
        return refuse(fail(k_name)
                          .put("Domain name `")
                          .put_shown(s)
                          .put("' is all digits: xl would take it for a domain id."));
    if (!copy(s, c.name))
        return false;

    g = get_string(k_uuid, s);
    if (g == Got::error)
        return false;
    c.uuid_set = g == Got::ok;
    if (c.uuid_set && !parse_uuid(s, c.uuid))
        return refuse(fail(k_uuid).put("Failed to parse UUID: ").put_shown(s));
    return true;
}

// libxl: maxmem defaults to memory, memory to maxmem, both to 32 MiB.
bool Reader::read_memory(Domain_config& c)
{
    int64_t mem = 0, max = 0;
    Got gm = get_number(k_memory, 1, max_memory_mib, mem);
    if (gm == Got::error)
        return false;
    Got gx = get_number(k_maxmem, 1, max_memory_mib, max);
    if (gx == Got::error)
        return false;
    if (gm == Got::absent)
        mem = gx == Got::ok ? max : 32;
    if (gx == Got::absent)
        max = mem;
    if (max < mem)
        return refuse(fail(k_maxmem)
                          .put("maxmem (")
                          .put_i64(max)
                          .put(") must be equal to or greater than memory (")
                          .put_i64(mem)
                          .put(")"));
    c.memory_mib = static_cast<uint32_t>(mem);
    c.max_memory_mib = static_cast<uint32_t>(max);
    return true;
}

bool Reader::read_vcpus(Domain_config& c)
{
    int64_t n = 1, max = 0, weight = 256, cap = 0;
    Got g = get_number(k_vcpus, INT64_MIN, max_vcpus, n);
    if (g == Got::error)
        return false;
    if (n < 1) {
        warning_at(diag_, source_, slots_.at(k_vcpus).line)
            .put("vcpus `")
            .put_i64(n)
            .put("' taken as 1, as xl does");
        n = 1;
    }
    if (get_number(k_maxvcpus, 0, max_vcpus, max) == Got::error)
        return false;
    if (max == 0)
        max = n;
    if (max < n)
        return refuse(
            fail(k_maxvcpus).put("maxvcpus (").put_i64(max).put(") < vcpus (").put_i64(n).put(")"));
    if (get_number(k_cpu_weight, 1, 65535, weight) == Got::error)
        return false;
    // libxl_sched.c: a cap is at most 100 per vCPU.
    if (get_number(k_cap, 0, 100 * max, cap) == Got::error)
        return false;
    c.vcpus = static_cast<uint32_t>(n);
    c.max_vcpus = static_cast<uint32_t>(max);
    c.cpu_weight = static_cast<uint32_t>(weight);
    c.cap = static_cast<uint32_t>(cap);
    return true;
}

// One CPU list; an empty one is refused (no vCPU could run).
bool Reader::cpu_mask(Str s, uint64_t& mask)
{
    Cpu_list_result r = parse_cpu_list(s, mask);
    Status st = r.error == Cpu_error::nodes ? Status::unsupported : Status::invalid_value;
    Line l = r.error == Cpu_error::none && mask ? Line() : fail(k_cpus, st).put("cpus: ");
    switch (r.error) {
    case Cpu_error::none:
        if (mask)
            return true;
        l.put("`").put_shown(s).put("' selects no CPU.");
        break;
    case Cpu_error::bad_range: l.put("Invalid pcpu range: ").put_shown(r.token).put("."); break;
    case Cpu_error::not_all: l.put("Can't combine \"^\" and \"all\"."); break;
    case Cpu_error::nodes:
        l.put("NUMA nodes (").put_shown(r.token).put(") not supported by Xenith.");
        break;
    case Cpu_error::too_big:
        l.put("pcpu ").put_u64(r.cpu).put(" out of range: Xenith supports CPUs 0-63.");
        break;
    }
    return false;
}

// xl_parse.c parse_vcpu_affinity: a string is every vCPU's mask; a list
// gives vCPU i item i's, read up to its first item that is not a string,
// items past max_vcpus ignored.
bool Reader::read_cpus(Domain_config& c)
{
    const Value& v = slots_.at(k_cpus);
    if (!v.set)
        return true;
    if (!v.is_list) {
        if (!cpu_mask(v.text.str(), c.cpus.mask[0]))
            return false;
        for (uint32_t i = 1; i < c.max_vcpus; ++i)
            c.cpus.mask[i] = c.cpus.mask[0];
        c.cpus.n = c.max_vcpus;
        return true;
    }
    uint32_t n = 0;
    for (; n < v.items.size() && n < c.max_vcpus && !v.items[n].list; ++n)
        if (!cpu_mask(v.item(n), c.cpus.mask[n]))
            return false;
    c.cpus.n = n;
    return true;
}

bool Reader::read_actions(Domain_config& c)
{
    struct {
        Key key;
        Action* to;
    } const actions[] = {
        {k_on_poweroff, &c.on_poweroff},     {k_on_reboot, &c.on_reboot},
        {k_on_watchdog, &c.on_watchdog},     {k_on_crash, &c.on_crash},
        {k_on_soft_reset, &c.on_soft_reset},
    };
    for (const auto& a : actions) {
        Str s;
        Got g = get_string(a.key, s);
        if (g == Got::error)
            return false;
        if (g == Got::absent)
            continue;
        bool known = false;
        for (uint32_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]) && !known; ++i)
            if (s == Str(action_names[i])) {
                *a.to = static_cast<Action>(i);
                known = true;
            }
        if (!known)
            return refuse(fail(a.key)
                              .put("Unknown ")
                              .put(key_names[a.key])
                              .put(" action \"")
                              .put_shown(s)
                              .put("\" specified"));
    }
    return true;
}

bool Reader::read_boot(Domain_config& c)
{
    Str s;
    Got g = get_string(k_kernel, s);
    if (g == Got::error)
        return false;
    if (g == Got::absent || s.empty())
        return refuse(error_at(diag_, Status::invalid_value, source_, slots_.at(k_kernel).line)
                          .put("kernel must be specified: Xenith boots PV kernels directly."));
    if (!copy(s, c.kernel))
        return false;
    if (!get_text(k_ramdisk, c.ramdisk) || !get_text(k_cmdline, c.cmdline) ||
        !get_text(k_root, c.root) || !get_text(k_extra, c.extra))
        return false;
    if (c.cmdline.set && (c.root.set || c.extra.set))
        warning_at(diag_, source_, slots_.at(k_cmdline).line)
            .put("ignoring root= and extra= in favour of cmdline=");
    return true;
}

bool Reader::read(Domain_config& c)
{
    return read_type() && read_identity(c) && read_memory(c) && read_vcpus(c) && read_cpus(c) &&
           read_actions(c) && read_boot(c);
}

void reset(Domain_config& c)
{
    c.name.clear();
    c.kernel.clear();
    Opt_text* const texts[] = {&c.ramdisk, &c.cmdline, &c.root, &c.extra};
    for (Opt_text* t : texts) {
        t->set = false;
        t->value.clear();
    }
    c.memory_mib = c.max_memory_mib = 32;
    c.vcpus = c.max_vcpus = 1;
    c.cpus = Cpu_affinity{};
    c.cpu_weight = 256;
    c.cap = 0;
    c.on_poweroff = c.on_watchdog = c.on_crash = Action::destroy;
    c.on_reboot = Action::restart;
    c.on_soft_reset = Action::soft_reset;
    c.uuid_set = false;
    toolstack::mem_set(c.uuid, 0, sizeof(c.uuid));
}

uint32_t newlines(Str s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.n; ++i)
        n += s[i] == '\n';
    return n;
}

} // namespace

Str action_name(Action a)
{
    return action_names[static_cast<uint32_t>(a)];
}

bool parse_xl_config(const Allocator& alloc, const Config_input& in, Domain_config& out,
                     Diagnostics& diag)
{
    reset(out);
    diag = Diagnostics();
    uint64_t total = in.data.n;
    for (uint32_t i = 0; i < in.n_overrides && i < max_overrides; ++i)
        total += in.overrides[i].n;
    if (total > max_input_bytes || in.n_overrides > max_overrides) {
        error_at(diag, Status::too_large, in.source, 0)
            .put("config too large: Xenith reads at most 1 MiB and 256 overrides");
        return false;
    }
    Reader reader(alloc, in.source, diag);
    Sink sink{&reader, &Reader::slot};
    if (!parse_settings(alloc, in.source, in.data, 1, sink, diag))
        return false;
    // xl appends "\n" and then each override and "\n" to the file's text.
    uint32_t line = newlines(in.data) + 2;
    for (uint32_t i = 0; i < in.n_overrides; ++i) {
        if (!parse_settings(alloc, in.source, in.overrides[i], line, sink, diag))
            return false;
        line += newlines(in.overrides[i]) + 1;
    }
    return reader.read(out);
}

bool kernel_cmdline(const Domain_config& c, Text& out)
{
    out.clear();
    if (c.cmdline.set) {
        out.put(c.cmdline.value.str());
    } else {
        if (c.root.set)
            out.put("root=").put(c.root.value.str());
        if (c.root.set && c.extra.set)
            out.put_char(' ');
        if (c.extra.set)
            out.put(c.extra.value.str());
    }
    return out.ok();
}

} // namespace cfg
