#include "hypervisor/boot/cmdline.hpp"

#include "hypervisor/lib/format.hpp"

namespace {

struct Token {
    const char* p;
    size_t len;
    bool equals(const char* s) const
    {
        size_t i = 0;
        for (; i < len; ++i)
            if (s[i] != p[i])
                return false;
        return s[i] == '\0';
    }
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void diagnose(Boot_options& o, const char* f, Token a, Token b = {"", 0})
{
    if (o.diagnostic_count >= Boot_options::max_diagnostics)
        return;
    fmt::snprint(o.diagnostics[o.diagnostic_count++], Boot_options::diagnostic_len, f,
                 static_cast<int>(a.len), a.p, static_cast<int>(b.len), b.p);
}

bool parse_uint(Token t, uint64_t& out)
{
    if (t.len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < t.len; ++i) {
        char c = t.p[i];
        if (c < '0' || c > '9')
            return false;
        if (v > (UINT64_MAX - static_cast<unsigned>(c - '0')) / 10)
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

bool parse_bool(Token t, bool& out)
{
    static constexpr const char* yes[] = {"1", "yes", "true", "on", "enable"};
    static constexpr const char* no[] = {"0", "no", "false", "off", "disable"};
    for (const char* s : yes)
        if (t.equals(s))
            return out = true, true;
    for (const char* s : no)
        if (t.equals(s))
            return out = false, true;
    return false;
}

// Splits t at the first 'sep'; returns the head and leaves the rest in t.
Token split(Token& t, char sep)
{
    size_t i = 0;
    while (i < t.len && t.p[i] != sep)
        ++i;
    Token head{t.p, i};
    t = i < t.len ? Token{t.p + i + 1, t.len - i - 1} : Token{t.p + t.len, 0};
    return head;
}

bool parse_level(Token t, Log_level& out)
{
    static constexpr struct { const char* name; Log_level level; } levels[] = {
        {"none", Log_level::none},       {"error", Log_level::error},
        {"warning", Log_level::warning}, {"info", Log_level::info},
        {"debug", Log_level::debug},     {"all", Log_level::debug},
    };
    for (auto& l : levels)
        if (t.equals(l.name))
            return out = l.level, true;
    return false;
}

// loglvl=<level>[/<rate-limited level>]. We do not rate-limit, so the second
// level is only checked for validity.
bool parse_loglvl(Token v, Log_level& out)
{
    Log_level level, ignored;
    Token first = split(v, '/');
    if (!parse_level(first, level) || (v.len && !parse_level(v, ignored)))
        return false;
    out = level;
    return true;
}

bool parse_console(Token v, Boot_options& o)
{
    bool com1 = false, com2 = false, vga = false;
    while (v.len) {
        Token item = split(v, ',');
        if (item.equals("com1")) com1 = true;
        else if (item.equals("com2")) com2 = true;
        else if (item.equals("vga")) vga = true;
        else if (item.equals("none")) {}
        else return false;
    }
    o.console_com1 = com1;
    o.console_com2 = com2;
    o.console_vga = vga;
    return true;
}

// com1=<baud>[/<clock_hz>][,DPS[,<io-base>[,<irq>]]]; baud may be "auto".
bool parse_uart(Token v, Uart_config& out)
{
    Uart_config c = out;
    Token speed = split(v, ',');
    Token baud = split(speed, '/');
    uint64_t n;
    if (baud.equals("auto")) c.baud = 0;
    else if (parse_uint(baud, n) && n >= 50 && n <= 4000000) c.baud = static_cast<uint32_t>(n);
    else return false;
    if (speed.len) {
        if (!parse_uint(speed, n) || n < 1000 || n > 100000000)
            return false;
        c.clock_hz = static_cast<uint32_t>(n);
    }
    Token dps = split(v, ',');
    if (dps.len) {
        if (dps.len != 3 || dps.p[0] < '5' || dps.p[0] > '8' || (dps.p[2] != '1' && dps.p[2] != '2'))
            return false;
        char p = dps.p[1];
        if (p != 'n' && p != 'o' && p != 'e' && p != 'm' && p != 's')
            return false;
        c.data_bits = static_cast<uint8_t>(dps.p[0] - '0');
        c.parity = p;
        c.stop_bits = static_cast<uint8_t>(dps.p[2] - '0');
    }
    Token base = split(v, ',');
    if (base.len) {
        if (base.len < 3 || base.p[0] != '0' || base.p[1] != 'x')
            return false;
        uint64_t b = 0;
        for (size_t i = 2; i < base.len; ++i) {
            char ch = base.p[i];
            unsigned d = ch >= '0' && ch <= '9'   ? static_cast<unsigned>(ch - '0')
                         : ch >= 'a' && ch <= 'f' ? static_cast<unsigned>(ch - 'a' + 10)
                         : ch >= 'A' && ch <= 'F' ? static_cast<unsigned>(ch - 'A' + 10)
                                                  : 16u;
            if (d == 16 || b > 0xFFFF)
                return false;
            b = b * 16 + d;
        }
        if (b == 0 || b > 0xFFF8)
            return false;
        c.io_base = static_cast<uint16_t>(b);
    }
    if (v.len) {
        if (!parse_uint(v, n) || n > 15)
            return false;
        c.irq = static_cast<uint8_t>(n);
    }
    out = c;
    return true;
}

// dom0_mem=[min:<sz>,][max:<sz>,][<sz>]
bool parse_dom0_mem(Token v, Mem_spec& out)
{
    Mem_spec m;
    m.set = true;
    while (v.len) {
        Token item = split(v, ',');
        uint64_t* dst = &m.amount;
        if (item.len > 4 && item.p[3] == ':') {
            Token key{item.p, 3};
            if (key.equals("min")) dst = &m.min;
            else if (key.equals("max")) dst = &m.max;
            else return false;
            item = Token{item.p + 4, item.len - 4};
        }
        if (!parse_size(item.p, item.len, *dst) || *dst == 0)
            return false;
    }
    if (m.max && m.min > m.max)
        return false;
    out = m;
    return true;
}

constexpr struct {
    const char* name;
    Fault_test test;
} fault_tests[] = {
    {"none", Fault_test::none}, {"de", Fault_test::de}, {"ud", Fault_test::ud},
    {"gp", Fault_test::gp},     {"pf", Fault_test::pf}, {"df", Fault_test::df},
    {"panic", Fault_test::panic}, {"ap_gp", Fault_test::ap_gp},
};

// "<n>" (both bounds) or "<min>-<max>" with either bound omissible (Xen's
// dom0_max_vcpus); each 1..4096, min <= max.
bool parse_vcpu_range(Token v, unsigned& min, unsigned& max)
{
    bool dash = false;
    for (size_t i = 0; i < v.len; ++i)
        dash |= v.p[i] == '-';
    Token lo = split(v, '-');
    uint64_t a = 0, b = 0;
    if (!dash) {
        if (!parse_uint(lo, a) || a < 1 || a > 4096)
            return false;
        min = max = static_cast<unsigned>(a);
        return true;
    }
    if ((lo.len && (!parse_uint(lo, a) || a < 1 || a > 4096)) ||
        (v.len && (!parse_uint(v, b) || b < 1 || b > 4096)) || (a && b && a > b))
        return false;
    min = static_cast<unsigned>(a);
    max = static_cast<unsigned>(b);
    return true;
}

bool parse_fault_test(Token v, Fault_test& out)
{
    for (auto& t : fault_tests)
        if (v.equals(t.name))
            return out = t.test, true;
    return false;
}

void apply_option(Token key, Token value, bool has_value, Boot_options& o)
{
    static const char bad[] = "option '%.*s': malformed value '%.*s', default kept";
    bool ok = true;
    if (key.equals("console")) ok = has_value && parse_console(value, o);
    else if (key.equals("com1")) ok = has_value && parse_uart(value, o.com1);
    else if (key.equals("com2")) ok = has_value && parse_uart(value, o.com2);
    else if (key.equals("loglvl")) ok = has_value && parse_loglvl(value, o.loglvl);
    else if (key.equals("guest_loglvl"))
        ok = has_value && parse_loglvl(value, o.guest_loglvl);
    else if (key.equals("console_timestamps")) {
        ok = has_value && (value.equals("boot") || value.equals("none"));
        if (ok)
            o.console_timestamps = value.equals("boot");
    } else if (key.equals("dom0_mem")) ok = has_value && parse_dom0_mem(value, o.dom0_mem);
    else if (key.equals("noreboot")) ok = has_value ? parse_bool(value, o.noreboot) : (o.noreboot = true);
    else if (key.equals("no-noreboot") && !has_value) o.noreboot = false;
    else if (key.equals("teardown_selftest") && !has_value) o.teardown_selftest = true;
    else if (key.equals("hv_fault_test")) ok = has_value && parse_fault_test(value, o.hv_fault_test);
    else if (key.equals("maxcpus")) {
        uint64_t n = 0;
        ok = has_value && parse_uint(value, n) && n >= 1 && n <= 4096;
        if (ok)
            o.maxcpus = static_cast<unsigned>(n);
    } else if (key.equals("dom0_max_vcpus")) {
        ok = has_value && parse_vcpu_range(value, o.dom0_vcpus_min, o.dom0_vcpus_max);
    } else {
        diagnose(o, "unknown option '%.*s' ignored%.*s", key);
        return;
    }
    if (!ok)
        diagnose(o, bad, key, value);
}

} // namespace

bool parse_size(const char* s, size_t len, uint64_t& out)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        unsigned d = static_cast<unsigned>(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
        ++i;
    }
    if (i == 0)
        return false;
    unsigned shift = 10;
    if (i < len) {
        switch (s[i]) {
        case 'B': case 'b': shift = 0; break;
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        case 'T': case 't': shift = 40; break;
        default: return false;
        }
        if (++i != len)
            return false;
    }
    if (v > (UINT64_MAX >> shift))
        return false;
    out = v << shift;
    return true;
}

bool loader_prefixes_image_name(const char* name)
{
    static const char grub2[] = "GRUB 2";
    if (!name)
        return true;
    for (size_t i = 0; i < sizeof grub2 - 1; ++i)
        if (name[i] != grub2[i])
            return true;
    return false;
}

const char* log_level_name(Log_level l)
{
    switch (l) {
    case Log_level::none: return "none";
    case Log_level::error: return "error";
    case Log_level::warning: return "warning";
    case Log_level::info: return "info";
    case Log_level::debug: return "debug";
    }
    return "?";
}

const char* fault_test_name(Fault_test t)
{
    for (auto& f : fault_tests)
        if (f.test == t)
            return f.name;
    return "?";
}

void parse_cmdline(const char* cmdline, bool skip_image_name, Boot_options& o)
{
    if (!cmdline)
        return;
    const char* p = cmdline;
    bool first = true;
    for (;;) {
        while (is_space(*p))
            ++p;
        if (!*p)
            break;
        const char* start = p;
        while (*p && !is_space(*p))
            ++p;
        Token word{start, static_cast<size_t>(p - start)};
        if (first && skip_image_name) {
            first = false;
            continue;
        }
        first = false;
        Token value = word;
        Token key = split(value, '=');
        bool has_value = key.len < word.len;
        if (key.len == 0) {
            diagnose(o, "malformed option '%.*s' ignored%.*s", word);
            continue;
        }
        apply_option(key, value, has_value, o);
    }
}
