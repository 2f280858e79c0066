// The reason a guest kernel image was refused: one line for the console,
// precise enough to tell the user which field of which header is wrong.
#pragma once
#include <cstddef>

struct Elf_error {
    static constexpr size_t len = 160;
    char text[len] = {};
};

// Records the message and returns false, so refusals read
// `return elf_fail(err, "...", ...);`.
[[gnu::format(printf, 2, 3)]] bool elf_fail(Elf_error& err, const char* f, ...);
