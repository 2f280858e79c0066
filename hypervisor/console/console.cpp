#include "hypervisor/console/console.hpp"

#include "hypervisor/console/console_ring.hpp"
#include "hypervisor/lib/format.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace console {
namespace {

constexpr unsigned max_sinks = 4;
Write_fn sinks[max_sinks];
unsigned sink_count;
Spinlock lock;
bool panicking;
Log_level threshold = Log_level::info;
// Every byte printed, for XEN_SYSCTL_readconsole; written under 'lock'.
Console_ring ring;

void to_sinks(const char* s, size_t len)
{
    ring.put(s, len);
    for (unsigned i = 0; i < sink_count; ++i)
        sinks[i](s, len);
}

// Collects one formatted message so it reaches the sinks in a single write,
// keeping lines from different CPUs from interleaving.
class Line_buffer final : public fmt::Sink {
public:
    void put(char c) override
    {
        if (len_ == sizeof(buf_))
            flush();
        buf_[len_++] = c;
    }
    void flush()
    {
        to_sinks(buf_, len_);
        len_ = 0;
    }

private:
    char buf_[256];
    size_t len_ = 0;
};

template <typename F>
void locked(F&& f)
{
    if (panicking) {
        f();
        return;
    }
    Lock_guard<Spinlock> g(lock);
    f();
}

} // namespace

void vlog(Log_level l, const char* f, va_list ap)
{
    static constexpr const char* tags[] = {"", "ERROR: ", "WARNING: ", "", "debug: "};
    const char* tag = tags[static_cast<unsigned>(l)];
    if (l > threshold)
        return;
    locked([&] {
        Line_buffer b;
        fmt::format(b, "(xenith) %s", tag);
        fmt::vformat(b, f, ap);
        b.put('\n');
        b.flush();
    });
}

void add_sink(Write_fn fn)
{
    if (sink_count < max_sinks)
        sinks[sink_count++] = fn;
}

void write(const char* s, size_t len)
{
    locked([&] { to_sinks(s, len); });
}

void puts(const char* s)
{
    size_t n = 0;
    while (s[n])
        ++n;
    write(s, n);
}

void vprintf(const char* f, va_list ap)
{
    locked([&] {
        Line_buffer b;
        fmt::vformat(b, f, ap);
        b.flush();
    });
}

void printf(const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    vprintf(f, ap);
    va_end(ap);
}

long read_ring(Console_ring::Read& r, Console_ring::Out out, void* ctx)
{
    if (long rc = ring.read(r, out, ctx))
        return rc;
    if (r.clear)
        locked([&] { ring.clear_to(r.index); });
    return 0;
}

void take_over_for_panic() { panicking = true; }
void set_level(Log_level l) { threshold = l; }
Log_level level() { return threshold; }

} // namespace console

namespace log {
namespace {
void vlog_at(Log_level l, const char* f, va_list ap) { console::vlog(l, f, ap); }
} // namespace

void error(const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    vlog_at(Log_level::error, f, ap);
    va_end(ap);
}
void warn(const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    vlog_at(Log_level::warning, f, ap);
    va_end(ap);
}
void info(const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    vlog_at(Log_level::info, f, ap);
    va_end(ap);
}
void debug(const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    vlog_at(Log_level::debug, f, ap);
    va_end(ap);
}
} // namespace log
