// A tiny test framework for guests. Every check prints one line the harness
// reads: "PASS: what" or "FAIL: what (got x, want y)"; finish() prints
// "RESULT: N passed, M failed" and shuts the domain down: poweroff when all
// passed (and at least one check ran), crash otherwise.
#pragma once
#include <cstdint>

namespace gtest {

void check(bool ok, const char* what);
void check_eq(int64_t got, int64_t want, const char* what);
unsigned failures();
[[noreturn]] void finish();

} // namespace gtest

#define CHECK(cond, what) ::gtest::check(static_cast<bool>(cond), what)
#define CHECK_EQ(a, b, what) \
    ::gtest::check_eq(static_cast<int64_t>(a), static_cast<int64_t>(b), what)
