// Debug keys 'd' (domains and vCPUs) and 'q' (per-CPU run and timer
// queues). A running vCPU's registers are the frame it built at its last
// entry to the hypervisor on its CPU (the interrupt or hypercall that is
// being handled now, for the CPU taking the key).
#include "arch/x86_32/cpu/cpu_area.hpp"
#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/console/debug_keys.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace debug_keys {
namespace {

arch::Percpu* cpu_running(const Vcpu& v)
{
    for (unsigned i = 0; i < arch::max_cpus; ++i)
        if (arch::Percpu* c = arch::smp_cpu(i); c && c->current == &v)
            return c;
    return nullptr;
}

const char* runstate_name(const Vcpu& v)
{
    if (!v.up)
        return "down";
    if (v.pause_count)
        return "paused";
    if (v.blocked)
        return v.polling ? "polling" : "blocked";
    return v.runstate == RUNSTATE_running ? "running" : "runnable";
}

void print_vcpu(const Vcpu& v)
{
    arch::Percpu* c = cpu_running(v);
    console::printf("  vcpu %u: %s on cpu %u, upcall pending %u mask %u, timer period %llu ns\n", v.id,
                    runstate_name(v), v.sched.cpu_hint(), v.info ? v.info->evtchn_upcall_pending : 0u,
                    v.info ? v.info->evtchn_upcall_mask : 0u,
                    static_cast<unsigned long long>(v.periodic_period_ns));
    // Loaded on a CPU: its frame there; else what was saved when it left.
    const arch::Exception_frame* f = c ? &c->area->top.guest_frame : nullptr;
    const cpu_user_regs& r = v.regs;
    if (f)
        console::printf("    eip %04x:%08x esp %04x:%08x eflags %08x eax %08x ebx %08x ecx %08x edx %08x\n",
                        f->cs, f->eip, f->ss, f->esp, f->eflags, f->eax, f->ebx, f->ecx, f->edx);
    else
        console::printf("    eip %04x:%08x esp %04x:%08x eflags %08x eax %08x ebx %08x ecx %08x edx %08x\n",
                        r.cs, r.eip, r.ss, r.esp, r.eflags, r.eax, r.ebx, r.ecx, r.edx);
}

// A copy of a CPU's timers, taken under its queue lock and printed after.
struct Timer_copy {
    static constexpr unsigned max = 64;
    struct {
        const char* name;
        uint64_t deadline;
        int dom, vcpu;
    } t[max];
    unsigned n = 0, total = 0;
};

void copy_timer(const Timer& t, void* ctx)
{
    Timer_copy& c = *static_cast<Timer_copy*>(ctx);
    ++c.total;
    if (c.n == Timer_copy::max)
        return;
    // vCPU timers name their vCPU; the scheduler's name their CPU.
    bool is_vcpu = t.name[0] != 's';
    const Vcpu* v = is_vcpu ? static_cast<const Vcpu*>(t.ctx) : nullptr;
    c.t[c.n++] = {t.name, t.deadline, v ? v->domain->id : -1, v ? static_cast<int>(v->id) : -1};
}

void print_line(void*, const char* line) { console::printf("   %s\n", line); }

} // namespace

void dump_domains()
{
    console::printf("(d) domains:\n");
    for_each_domain(
        [](Domain& d, void*) {
            console::printf(" domain %u:%s pages %u/%u, %u vcpus%s\n", d.id, d.privileged ? " privileged," : "",
                            d.tot_pages, d.max_pages, d.nr_vcpus, d.shutting_down ? ", shutting down" : "");
            for (unsigned i = 0; i < d.nr_vcpus; ++i)
                print_vcpu(*d.vcpus[i]);
        },
        nullptr);
}

void dump_queues()
{
    uint64_t now = arch::system_time_ns();
    console::printf("(q) run and timer queues, now %llu ns:\n", static_cast<unsigned long long>(now));
    for (unsigned i = 0; i < arch::max_cpus; ++i) {
        arch::Percpu* c = arch::smp_cpu(i);
        if (!c)
            continue;
        const Vcpu* v = c->current;
        if (v)
            console::printf(" cpu %u: current d%u v%u%s\n", i, v->domain->id, v->id, v->blocked ? " (blocked)" : "");
        else
            console::printf(" cpu %u: idle\n", i);
        if (sched::Credit_cpu* cc = sched::policy().cpu(i))
            sched::policy().dump_cpu(*cc, now, print_line, nullptr);
        static Timer_copy copy;
        copy.n = copy.total = 0;
        arch::timer_queue_visit(i, copy_timer, &copy);
        console::printf("   %u timers\n", copy.total);
        for (unsigned t = 0; t < copy.n; ++t) {
            long long in = static_cast<long long>(copy.t[t].deadline - now);
            if (copy.t[t].dom >= 0)
                console::printf("   %-13s d%d v%d deadline %llu (in %lld ns)\n", copy.t[t].name, copy.t[t].dom,
                                copy.t[t].vcpu, static_cast<unsigned long long>(copy.t[t].deadline), in);
            else
                console::printf("   %-13s deadline %llu (in %lld ns)\n", copy.t[t].name,
                                static_cast<unsigned long long>(copy.t[t].deadline), in);
        }
    }
}

} // namespace debug_keys
