// Boot option teardown_selftest: a domain is made and destroyed before
// dom0 starts, and every frame must come back (teardown_selftest.cpp).
#pragma once

struct Domain;

namespace arch {

// Logs "teardown selftest: passed" or what went wrong.
void teardown_selftest(Domain& dom0);

} // namespace arch
