#include "tools/lib/xl/shell.hpp"

namespace xl {

Shell::Shell(Toolstack& ts) : ts_(ts), script_(ts.alloc()), typeahead_(ts.alloc()) {}

void Shell::prompt()
{
    if (script_at_ < script_.size())
        return;
    out("xl> ");
    prompted_ = true;
}

void Shell::fail(Str s)
{
    out(s);
    out("\n");
}

bool Shell::queue_script(Str text)
{
    script_.put(text).put_char('\n');
    if (!busy())
        next_script_line();
    return script_.ok();
}

void Shell::next_script_line()
{
    // One line per call: the event loop runs in between, so the domains a
    // script creates boot, talk to the store and print while it goes on.
    while (!busy() && script_at_ < script_.size()) {
        Str rest = script_.str().sub(script_at_);
        uint32_t end = rest.find('\n');
        Str line = rest.prefix(end);
        script_at_ += end + 1;
        // Comments and blank lines, as a shell script has them.
        uint32_t i = 0;
        while (i < line.n && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        if (i == line.n || line[i] == '#')
            continue;
        out("xl> ");
        out(line);
        out("\n");
        run(line);
        if (script_at_ < script_.size())
            ts_.host().wake_at(ts_.host().now_ns());
        else if (!busy())
            prompt();
        if (typeahead_.size() && script_at_ >= script_.size())
            ts_.host().wake_at(ts_.host().now_ns());
        return;
    }
    if (!busy() && script_at_ >= script_.size() && !prompted_)
        prompt();
}

void Shell::input(Str bytes)
{
    for (uint32_t i = 0; i < bytes.n; ++i) {
        char c = bytes[i];
        if (wait_ == Wait::console) {
            Domain* d = ts_.find(console_dom_);
            if (c == detach_key || !d) {
                finish_wait();
                continue;
            }
            (void)ts_.console_input(*d, Str(&c, 1));
            continue;
        }
        if (wait_ == Wait::top && top_left_ == 0) { // any key ends a refreshing top
            finish_wait();
            continue;
        }
        if (busy() || script_at_ < script_.size()) {
            // Typed ahead of a running command: kept for the prompt.
            if (typeahead_.size() < line_max)
                typeahead_.put_char(c);
            continue;
        }
        if (c == '\r' || c == '\n') {
            out("\n");
            Str line(line_, len_);
            len_ = 0;
            prompted_ = false;
            run(line);
            if (!busy())
                prompt();
        } else if (c == 0x7f || c == 0x08) {
            if (len_) {
                --len_;
                out("\b \b");
            }
        } else if (c == 0x03) { // Ctrl-C: drop the line
            len_ = 0;
            out("^C\n");
            prompt();
        } else if (c >= 0x20 && c < 0x7f && len_ < line_max - 1) {
            line_[len_++] = c;
            out(Str(&c, 1));
        }
    }
}

void Shell::finish_wait()
{
    if (wait_ == Wait::console) {
        ts_.attach_console(nullptr);
        out("\n"); // the domain's last line may not have ended
    }
    wait_ = Wait::none;
    wait_n_ = 0;
    if (typeahead_.size())
        ts_.host().wake_at(ts_.host().now_ns());
    prompted_ = false;
    if (script_at_ < script_.size())
        next_script_line();
    else
        prompt();
}

void Shell::tick()
{
    switch (wait_) {
    case Wait::none:
        if (script_at_ < script_.size()) {
            next_script_line();
        } else if (typeahead_.size()) {
            char keys[line_max];
            uint32_t n = typeahead_.size();
            toolstack::mem_copy(keys, typeahead_.data(), n);
            typeahead_.clear();
            input(Str(keys, n));
        }
        return;
    case Wait::console:
        // The domain went away (destroyed, or restarted under a new id).
        if (!ts_.find(console_dom_) || ts_.attached_console() == nullptr)
            finish_wait();
        return;
    case Wait::until:
        if (ts_.host().now_ns() >= until_ns_)
            finish_wait();
        else
            ts_.host().wake_at(until_ns_);
        return;
    case Wait::top:
        if (ts_.host().now_ns() < until_ns_) {
            ts_.host().wake_at(until_ns_);
            return;
        }
        print_top();
        if (top_left_ == 1) {
            finish_wait();
            return;
        }
        if (top_left_)
            --top_left_;
        until_ns_ = ts_.host().now_ns() + 1000000000ull;
        ts_.host().wake_at(until_ns_);
        return;
    case Wait::domains_gone: {
        for (uint32_t i = 0; i < wait_n_; ++i) {
            Domain* d = ts_.find(wait_ids_[i]);
            if (d && !d->shut_down)
                return;
        }
        finish_wait();
        return;
    }
    }
}

void Shell::run(Str line)
{
    // Words split at blanks; "..." keeps blanks inside a word. The words
    // point into a copy that lives while the command runs.
    char buf[line_max];
    uint32_t n = line.n < line_max ? line.n : line_max - 1;
    toolstack::mem_copy(buf, line.p, n);
    Args a;
    uint32_t i = 0;
    while (i < n && a.n < max_args) {
        while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
            ++i;
        if (i == n)
            break;
        uint32_t start = i;
        uint32_t w = i;
        bool quoted = false;
        for (; i < n; ++i) {
            char c = buf[i];
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (!quoted && (c == ' ' || c == '\t'))
                break;
            buf[w++] = c;
        }
        a.v[a.n++] = Str(buf + start, w - start);
        if (i < n)
            ++i;
    }
    if (a.n == 0)
        return;
    // "xl create ..." and "create ..." alike.
    if (a.v[0] == "xl") {
        for (uint32_t k = 1; k < a.n; ++k)
            a.v[k - 1] = a.v[k];
        --a.n;
        if (a.n == 0)
            return;
    }
    dispatch(a);
}

} // namespace xl
