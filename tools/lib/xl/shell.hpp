// The operator's xl prompt on dom0's console: line editing, the commands
// (commands.cpp: xl's names, options and output columns), boot scripts
// (/etc/xenith/boot.sh, one command per line, each finished before the
// next starts) and the commands that keep the console for a while: an
// attached domain console (Ctrl-] gives it back), `shutdown -w`, `sleep`.
// While one of those runs everything else (store, consoles, other
// domains' deaths) goes on: the shell only decides where typed bytes go
// (keys typed meanwhile wait for the prompt).
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xenstore/local_client.hpp"
#include "tools/lib/xl/toolstack.hpp"

namespace xl {

class Shell {
public:
    static constexpr char detach_key = 0x1d; // Ctrl-]
    static constexpr uint32_t line_max = 512;
    static constexpr uint32_t max_args = 32;

    explicit Shell(Toolstack& ts);
    Shell(const Shell&) = delete;
    Shell& operator=(const Shell&) = delete;

    // Bytes typed on the console.
    void input(Str bytes);
    // Lines to run before the prompt (kept until done).
    [[nodiscard]] bool queue_script(Str text);
    // Progress of what is running; call after every event and at the
    // deadline asked for through Host::wake_at().
    void tick();
    // Runs one command line now (a script line or a typed one).
    void run(Str line);
    bool busy() const { return wait_ != Wait::none; }

private:
    enum class Wait : uint8_t { none, console, domains_gone, until, top };

    struct Args {
        Str v[max_args];
        uint32_t n = 0;
    };

    void prompt();
    void finish_wait();
    void next_script_line();
    void out(Str s) { ts_.host().write(s); }
    void fail(Str s);

    // Commands (commands.cpp).
    void dispatch(Args& a);
    void cmd_help(Args& a);
    void cmd_list(Args& a);
    void cmd_create(Args& a);
    void cmd_destroy(Args& a);
    void cmd_shutdown(Args& a, bool reboot);
    void cmd_pause(Args& a, bool pause);
    void cmd_console(Args& a);
    void cmd_info(Args& a);
    void cmd_dmesg(Args& a);
    void cmd_vcpu_list(Args& a);
    void cmd_vcpu_pin(Args& a);
    void cmd_vcpu_set(Args& a);
    void cmd_sched_credit(Args& a);
    void cmd_mem_set(Args& a, bool max);
    void cmd_rename(Args& a);
    void cmd_domid(Args& a);
    void cmd_domname(Args& a);
    void cmd_uptime(Args& a);
    void cmd_top(Args& a);
    void print_top();
    void cmd_sleep(Args& a);
    void cmd_status(Args& a);
    void cmd_timings(Args& a);
    void cmd_xenstore_ls(Args& a);
    void cmd_xenstore_rw(Args& a, bool write);
    void list_store(xs::Local_client& c, Str path, uint32_t depth, Text& t);
    Domain* domain_arg(Str s);
    void attach(Domain& d);

    Toolstack& ts_;
    char line_[line_max] = {};
    uint32_t len_ = 0;
    Wait wait_ = Wait::none;
    domid_t console_dom_ = 0;
    uint64_t until_ns_ = 0;
    uint32_t top_left_ = 0; // tables still to print (0: until a key)
    static constexpr uint32_t max_top_samples = 256;
    struct Top_sample {
        domid_t id;
        uint64_t cpu_ns;
    };
    Top_sample top_prev_[max_top_samples] = {}; // the previous table's CPU times
    Top_sample top_cur_[max_top_samples] = {};
    uint32_t top_prev_n_ = 0;
    uint64_t top_prev_ns_ = 0;
    domid_t wait_ids_[256] = {};
    uint32_t wait_n_ = 0;
    Text script_;
    Text typeahead_; // keys typed while a command ran, for the prompt
    uint32_t script_at_ = 0;
    bool prompted_ = false;
};

} // namespace xl
