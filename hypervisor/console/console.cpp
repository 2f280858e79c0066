#include "hypervisor/console/console.hpp"

#include "hypervisor/console/console_ring.hpp"
#include "hypervisor/console/line_hold.hpp"
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

uint64_t (*stamp_clock)();
bool at_line_start = true; // under 'lock', as the sinks

void to_sinks_raw(const char* s, size_t len)
{
    ring.put(s, len);
    for (unsigned i = 0; i < sink_count; ++i)
        sinks[i](s, len);
}

// Writes s, stamping each line that begins in it (Xen's "boot" format).
void to_sinks(const char* s, size_t len)
{
    if (!stamp_clock) {
        to_sinks_raw(s, len);
        return;
    }
    while (len) {
        if (at_line_start) {
            uint64_t ns = stamp_clock();
            char p[32];
            size_t n = fmt::snprint(p, sizeof p, "[%5llu.%06llu] ", ns / 1000000000ull,
                                    ns % 1000000000ull / 1000ull);
            to_sinks_raw(p, n);
            at_line_start = false;
        }
        size_t i = 0;
        while (i < len && s[i] != '\n')
            ++i;
        if (i < len) {
            ++i;
            at_line_start = true;
        }
        to_sinks_raw(s, i);
        s += i;
        len -= i;
    }
}

void hold_out(void*, const char* s, size_t len) { to_sinks(s, len); }
// Under 'lock', as the sinks.
Line_hold hold(hold_out, nullptr);
void (*arm_hold_timer)();

// Collects one formatted message so it reaches the sinks in a single write,
// keeping lines from different CPUs from interleaving. A log message may
// wait for a guest's open line (line_hold.hpp); other output may not.
class Line_buffer final : public fmt::Sink {
public:
    explicit Line_buffer(bool may_hold) : may_hold_(may_hold && arm_hold_timer && !panicking) {}
    void put(char c) override
    {
        if (len_ == sizeof(buf_))
            flush();
        buf_[len_++] = c;
    }
    void flush()
    {
        arm_ |= hold.message(buf_, len_, may_hold_);
        len_ = 0;
    }
    // The first held message arms the timer, after the lock is dropped.
    bool must_arm() const { return arm_; }

private:
    char buf_[256];
    size_t len_ = 0;
    bool may_hold_;
    bool arm_ = false;
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
    bool arm = false;
    locked([&] {
        Line_buffer b(true);
        fmt::format(b, "(xenith) %s", tag);
        fmt::vformat(b, f, ap);
        b.put('\n');
        b.flush();
        arm = b.must_arm();
    });
    if (arm)
        arm_hold_timer();
}

void add_sink(Write_fn fn)
{
    if (sink_count < max_sinks)
        sinks[sink_count++] = fn;
}

void write(const char* s, size_t len)
{
    locked([&] { (void)hold.message(s, len, false); });
}

void guest_write(const char* s, size_t len)
{
    locked([&] { hold.guest(s, len); });
}

void set_hold_timer(void (*arm)()) { arm_hold_timer = arm; }

void release_held()
{
    locked([&] { hold.release(); });
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
        Line_buffer b(false);
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

void take_over_for_panic()
{
    panicking = true;
    hold.release(); // what waited is printed before the panic's report
}
void set_timestamps(uint64_t (*now_ns)()) { stamp_clock = now_ns; }
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
