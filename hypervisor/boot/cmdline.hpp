// The hypervisor command line, with Xen's option names. Portable: parsing
// never fails as a whole; every unknown option or malformed value becomes a
// diagnostic and the default stays in force.
#pragma once
#include <cstddef>
#include <cstdint>

enum class Log_level : uint8_t { none, error, warning, info, debug };

struct Uart_config {
    uint32_t baud = 115200;     // 0 means "auto": keep what firmware set
    uint32_t clock_hz = 1843200;
    uint8_t data_bits = 8;
    char parity = 'n';          // n, o, e, m, s
    uint8_t stop_bits = 1;
    uint16_t io_base = 0;       // 0: the standard port for the line
    uint8_t irq = 0;
};

// Debugging aid for QEMU scenarios: raise this exception at the end of boot
// to exercise the fatal-exception report (df: overflow the stack; panic:
// call panic(); ap_gp: a #GP on the last application processor while the
// boot CPU waits for it, so the other CPUs must be stopped).
enum class Fault_test : uint8_t { none, de, ud, gp, pf, df, panic, ap_gp };

struct Mem_spec {
    bool set = false;
    uint64_t amount = 0;       // bytes; 0 with set=false means "default share"
    uint64_t min = 0;
    uint64_t max = 0;          // 0: no maximum given
};

struct Boot_options {
    static constexpr unsigned max_diagnostics = 16;
    static constexpr size_t diagnostic_len = 96;

    bool console_com1 = true;
    bool console_com2 = false;
    bool console_vga = false;
    Uart_config com1;
    Uart_config com2;
    Log_level loglvl = Log_level::info;
    Log_level guest_loglvl = Log_level::info;
    // console_timestamps=boot: each console line starts with the seconds
    // since boot, "[    1.234567] " (Xen's option; 'none' is the default,
    // Xen's date forms are not offered).
    bool console_timestamps = false;
    Mem_spec dom0_mem;
    bool noreboot = false;
    bool teardown_selftest = false; // make and destroy a domain before dom0 starts
    unsigned maxcpus = 0;      // 0: no limit
    // dom0_max_vcpus=<n> or <min>-<max> (Xen's syntax): dom0 gets as many
    // vCPUs as there are CPUs, clamped to [min, max]; 0 = no bound.
    unsigned dom0_vcpus_min = 0;
    unsigned dom0_vcpus_max = 0;
    Fault_test hv_fault_test = Fault_test::none;

    unsigned diagnostic_count = 0;
    char diagnostics[max_diagnostics][diagnostic_len] = {};
};

// Parses a multiboot command line. When skip_image_name is set the first word
// (the loader's path of the image, as GRUB and QEMU pass it) is skipped.
void parse_cmdline(const char* cmdline, bool skip_image_name, Boot_options& out);

// Whether a multiboot loader puts the image's path before the command line
// (of the hypervisor and of each module). QEMU and GRUB legacy do; GRUB 2
// does not (Xen decides the same way, by the loader's name).
bool loader_prefixes_image_name(const char* boot_loader_name);

// Size with an optional B/K/M/G/T suffix; without one the unit is KiB, as in
// Xen's parse_size_and_unit. Returns false if malformed or overflowing.
bool parse_size(const char* s, size_t len, uint64_t& out);

const char* log_level_name(Log_level l);
const char* fault_test_name(Fault_test t);
