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

namespace debug_keys {
namespace {

arch::Percpu* cpu_running(const Vcpu& v)
{
    for (unsigned i = 0; i < arch::max_cpus; ++i)
        if (arch::Percpu* c = arch::smp_cpu(i); c && c->current == &v)
            return c;
    return nullptr;
}

void print_vcpu(const Vcpu& v)
{
    arch::Percpu* c = cpu_running(v);
    const char* state = !v.up ? "down" : v.blocked ? "blocked" : c ? "running" : "runnable";
    console::printf("  vcpu %u: %s on cpu %d, upcall pending %u mask %u, timer period %llu ns\n", v.id,
                    state, c ? static_cast<int>(c->index) : -1, v.info ? v.info->evtchn_upcall_pending : 0u,
                    v.info ? v.info->evtchn_upcall_mask : 0u,
                    static_cast<unsigned long long>(v.periodic_period_ns));
    if (!c)
        return;
    const arch::Exception_frame& f = c->area->top.guest_frame;
    console::printf("    eip %04x:%08x esp %04x:%08x eflags %08x eax %08x ebx %08x ecx %08x edx %08x\n",
                    f.cs, f.eip, f.ss, f.esp, f.eflags, f.eax, f.ebx, f.ecx, f.edx);
}

const char* kind_name(Timer_kind k)
{
    switch (k) {
    case Timer_kind::singleshot: return "singleshot";
    case Timer_kind::periodic: return "periodic";
    case Timer_kind::poll: return "poll";
    }
    return "?";
}

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
        // One vCPU per CPU, no other runnable ones: the run queue is the
        // current vCPU alone.
        if (v)
            console::printf(" cpu %u: current d%u v%u%s\n", i, v->domain->id, v->id, v->blocked ? " (blocked)" : "");
        else
            console::printf(" cpu %u: idle\n", i);
        const Timer_queue& q = arch::vtimer_queue(i);
        console::printf("   %u timers\n", q.size());
        for (unsigned t = 0; t < q.size(); ++t) {
            const Timer_entry& e = q.at(t);
            const Vcpu& tv = *static_cast<const Vcpu*>(e.owner);
            long long in = static_cast<long long>(e.deadline - now);
            console::printf("   %-10s d%u v%u deadline %llu (in %lld ns)\n", kind_name(e.kind), tv.domain->id, tv.id,
                            static_cast<unsigned long long>(e.deadline), in);
        }
    }
}

} // namespace debug_keys
