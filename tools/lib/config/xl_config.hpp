// The xl domain configuration file (xl.cfg(5)) read as Xen's xl does, for
// the dom0 toolstack: the syntax of libxlu (tools/libs/util/libxlu_cfg_l.l,
// libxlu_cfg_y.y, libxlu_cfg.c) and the keys, defaults and checks of
// tools/xl/xl_parse.c (parse_config_data) and libxl's setdefault, for the
// keys a Xenith PV domain uses. Portable and freestanding.
//
// Syntax, as libxlu:
//   key = value          key += value          (settings end at a newline or ';')
//   value: "string" | 'string' | number | [ value, value, ... ]
//   strings take the escapes \" \' \\ \a \b \f \n \r \t \v \xHH \ooo;
//   a number is its text ([0-9][0-9a-fx]*), read by the key that wants one
//   as C's strtol(s, 0) does (0x hex, leading 0 octal, else decimal), and a
//   quoted "128" serves as well; lists may span lines and end in a comma;
//   # starts a comment to the end of the line. A later setting of a key
//   replaces an earlier one; += appends to the earlier string or list.
// Where Xenith differs from xl, on purpose:
//   - keys are [A-Za-z_][A-Za-z0-9_.]* (xl: [a-z][a-z0-9_.]*), CR-LF ends a
//     line like LF (xl: a lexical error), a comment may end the file without
//     a newline;
//   - \xHH takes exactly two hex digits and \ooo one to three octal digits
//     (libxlu's code for both refuses every such escape), and a string whose
//     escapes make a NUL byte is refused (xl cuts the string there);
//   - parsing stops at the first error (xl recovers at the next line and
//     reports more), and the error names the line of the offending token
//     (xl names the line before it when that token is a newline);
//   - a bad value of a known key is an error (xl warns and uses the
//     default); unknown keys, which xl ignores without a word, and keys of
//     features Xenith does not have yet (disk, vif, pci, ...) are warnings;
//   - numbers are 64-bit (xl's are C longs: 32-bit in a 32-bit dom0).
// Bounds, each a clean error when passed: the file and the overrides
// together at most max_input_bytes; a quoted string at most
// max_string_bytes between its quotes (and a += result no longer); a list
// at most max_list_items items, lists nested at most max_list_depth deep;
// a key or number token at most max_token_bytes. Memory in use is bounded
// by the known keys' values, never by the count of settings.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/text.hpp"

namespace cfg {

using toolstack::Allocator;
using toolstack::Str;
using toolstack::Text;

constexpr uint32_t max_input_bytes = 1u << 20;
constexpr uint32_t max_string_bytes = 4096;
constexpr uint32_t max_list_items = 256;
constexpr uint32_t max_list_depth = 8;
constexpr uint32_t max_token_bytes = 256;
constexpr uint32_t max_overrides = 256;

// A 32-bit PV domain has at most XEN_LEGACY_MAX_VCPUS vCPUs (public/xen.h),
// what the domain builder accepts; cpus= names host CPUs 0..max_cpus-1.
constexpr uint32_t max_vcpus = 32;
constexpr uint32_t max_cpus = 64;
// memory and maxmem in MiB: at most what a uint32_t KiB count holds
// (Build_request::memory_kib).
constexpr uint32_t max_memory_mib = 0xFFFFFFFFu / 1024;

enum class Status : uint8_t {
    ok,
    syntax_error,  // the file is not xl.cfg syntax (or a string's escapes are bad)
    invalid_value, // a known key's value is refused, or name= is missing
    unsupported,   // a value Xenith does not support (type="hvm", cpus="node:1")
    too_large,     // a bound above was passed
    out_of_memory, // the Allocator said no
};

// What went wrong and what was doubtful, one line each, NUL-terminated,
// without a newline, in xl's form: "<source>:<line>: ...", and
// "<source>:<line>: warning: ..." for warnings. Bytes of the input that
// are not printable ASCII are shown as \xHH.
struct Diagnostics {
    static constexpr uint32_t line_len = 256;
    static constexpr uint32_t max_warnings = 16;

    Status status = Status::ok;
    char error[line_len] = {};
    uint32_t n_warnings = 0;
    uint32_t warnings_dropped = 0; // beyond max_warnings
    char warnings[max_warnings][line_len] = {};

    bool failed() const { return status != Status::ok; }
};

// on_poweroff= and the others (xl_parse.c action_on_shutdown_names).
enum class Action : uint8_t {
    destroy,
    restart,
    rename_restart,
    preserve,
    coredump_destroy,
    coredump_restart,
    soft_reset,
};
// "destroy", "restart", "rename-restart", ...
Str action_name(Action a);

// cpus= (hard affinity): bit c of mask[v] lets vCPU v run on host CPU c.
// A string gives every vCPU up to max_vcpus the same mask, a list gives
// vCPU i item i's; vCPUs at and past n are not pinned. "all" is every bit.
struct Cpu_affinity {
    uint32_t n = 0; // 0: cpus= absent (or an empty list), no pinning
    uint64_t mask[max_vcpus] = {};
};

// A string key that may be absent, which xl tells apart from empty.
struct Opt_text {
    explicit Opt_text(const Allocator& a) : value(a) {}
    bool set = false;
    Text value;
};

struct Domain_config {
    explicit Domain_config(const Allocator& a)
        : name(a), kernel(a), ramdisk(a), cmdline(a), root(a), extra(a)
    {
    }
    Domain_config(const Domain_config&) = delete;
    Domain_config& operator=(const Domain_config&) = delete;

    Text name;   // required: not empty, not all digits (xl reads those as a domid)
    Text kernel; // required: Xenith boots PV kernels directly
    Opt_text ramdisk;
    Opt_text cmdline; // see kernel_cmdline()
    Opt_text root;
    Opt_text extra;
    uint32_t memory_mib = 32;     // libxl: maxmem when only maxmem is given, else 32
    uint32_t max_memory_mib = 32; // default memory; never below memory_mib
    uint32_t vcpus = 1;           // online at start; xl takes values below 1 as 1
    uint32_t max_vcpus = 1;       // maxvcpus=, default (and 0 means) vcpus
    Cpu_affinity cpus;
    uint32_t cpu_weight = 256; // 1..65535 (the credit schedulers' range)
    uint32_t cap = 0;          // percent of one CPU, 0 (none)..100 * max_vcpus
    Action on_poweroff = Action::destroy;
    Action on_reboot = Action::restart;
    Action on_watchdog = Action::destroy;
    Action on_crash = Action::destroy;
    Action on_soft_reset = Action::soft_reset;
    bool uuid_set = false; // false: the toolstack makes one up (xl: libxl_uuid_generate)
    uint8_t uuid[16] = {}; // in the order of the text, as libxl_uuid_from_string

    uint32_t memory_kib() const { return memory_mib * 1024; }
    uint32_t max_memory_kib() const { return max_memory_mib * 1024; }
};

struct Config_input {
    Str source; // the file name for messages, as xl's config_source
    Str data;   // the file's contents
    // "key=value" settings from the command line (xl create FILE key=value
    // ...): each is read as one more line after the file, numbered as xl
    // numbers them (it appends "\n" then each "key=value\n").
    const Str* overrides = nullptr;
    uint32_t n_overrides = 0;
};

// Reads in into out; out and diag are reset first. True when the
// configuration is usable; false with diag.status and diag.error set
// otherwise, and then out holds nothing meaningful (its destructor still
// frees what it holds). diag's warnings are filled in either way.
[[nodiscard]] bool parse_xl_config(const Allocator& alloc, const Config_input& in,
                                   Domain_config& out, Diagnostics& diag);

// The kernel command line xl gives the guest (xl_parse.c parse_cmdline):
// cmdline= when set (root= and extra= are then ignored, with a warning at
// parse time); else "root=<root> <extra>", "root=<root>", "<extra>" or
// nothing. Replaces out's contents; false when out ran out of memory.
[[nodiscard]] bool kernel_cmdline(const Domain_config& c, Text& out);

} // namespace cfg
