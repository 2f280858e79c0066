#include "test.hpp"

#include "console.hpp"
#include "hypercall.hpp"

namespace {
unsigned passed;
unsigned failed;

// Small magnitudes (errnos, counts) read best in decimal, addresses in hex.
void print_value(int64_t v)
{
    if (v > -65536 && v < 65536)
        printf("%lld", static_cast<long long>(v));
    else
        printf("%#llx", static_cast<unsigned long long>(v));
}
} // namespace

namespace gtest {

void check(bool ok, const char* what)
{
    if (ok) {
        ++passed;
        printf("PASS: %s\n", what);
    } else {
        ++failed;
        printf("FAIL: %s\n", what);
    }
}

void check_eq(int64_t got, int64_t want, const char* what)
{
    if (got == want) {
        ++passed;
        printf("PASS: %s\n", what);
        return;
    }
    ++failed;
    printf("FAIL: %s (got ", what);
    print_value(got);
    printf(", want ");
    print_value(want);
    printf(")\n");
}

unsigned failures() { return failed; }

void finish()
{
    if (passed + failed == 0) {
        printf("FAIL: no checks ran\n");
        ++failed;
    }
    printf("RESULT: %u passed, %u failed\n", passed, failed);
    hc::sched_shutdown(failed == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
    // Shutdown does not return; if the hypervisor let it, crash for real.
    for (;;)
        hc::sched_shutdown(SHUTDOWN_crash);
}

} // namespace gtest
