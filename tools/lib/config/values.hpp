// The text forms of xl.cfg values: numbers as xlu_cfg_get_long reads them,
// UUIDs as libxl_uuid_from_string, CPU lists as xl's parse_cpurange.
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace cfg {

using toolstack::Str;

enum class Number_error : uint8_t { none, invalid, range };

// s as strtol(s, &end, 0) with nothing after the number: leading blanks,
// an optional sign, then 0x/0X and hex digits, 0 and octal digits, or
// decimal digits. range: outside int64_t.
Number_error parse_number(Str s, int64_t& out);

// 8-4-4-4-12 hex digits (either case), the bytes in the text's order.
[[nodiscard]] bool parse_uuid(Str s, uint8_t out[16]);

enum class Cpu_error : uint8_t {
    none,
    bad_range, // xl: "Invalid pcpu range: <token>."
    not_all,   // "^all": xl: "Can't combine "^" and "all"."
    nodes,     // node:N / nodes:N ranges (Xenith knows no NUMA topology)
    too_big,   // a CPU number not below max_cpus
};

struct Cpu_list_result {
    Cpu_error error = Cpu_error::none;
    Str token;        // the comma-separated element at fault
    uint64_t cpu = 0; // too_big: the CPU number
};

// A CPU list ("0-3,5,^1", "all,^7"): elements separated by commas (empty
// ones skipped), applied in order, each "all", N or N-M, with ^ in front to
// take CPUs away instead of adding them. mask starts empty.
[[nodiscard]] Cpu_list_result parse_cpu_list(Str s, uint64_t& mask);

} // namespace cfg
