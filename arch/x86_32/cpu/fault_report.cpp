#include "arch/x86_32/cpu/fault_report.hpp"

#include "arch/x86_32/cpu/cpu_area.hpp"
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/crash.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/lib/panic.hpp"

namespace arch {
namespace {

constexpr const char* names[32] = {
    "#DE divide error",       "#DB debug",
    "NMI",                    "#BP breakpoint",
    "#OF overflow",           "#BR bound range exceeded",
    "#UD invalid opcode",     "#NM device not available",
    "#DF double fault",       "coprocessor segment overrun",
    "#TS invalid TSS",        "#NP segment not present",
    "#SS stack-segment fault", "#GP general protection",
    "#PF page fault",         "reserved (15)",
    "#MF x87 floating-point", "#AC alignment check",
    "#MC machine check",      "#XM SIMD floating-point",
    "#VE virtualization",     "#CP control protection",
    "reserved (22)",          "reserved (23)",
    "reserved (24)",          "reserved (25)",
    "reserved (26)",          "reserved (27)",
    "#HV hypervisor injection", "#VC VMM communication",
    "#SX security",           "reserved (31)",
};

void print_registers(const Exception_frame& f, uint32_t cr2)
{
    console::printf("EIP:    %04x:%08x   EFLAGS: %08x   %s\n", f.cs, f.eip, f.eflags,
                    f.from_guest() ? "(guest context)" : "(hypervisor context)");
    console::printf("EAX: %08x   EBX: %08x   ECX: %08x   EDX: %08x\n", f.eax, f.ebx, f.ecx,
                    f.edx);
    console::printf("ESI: %08x   EDI: %08x   EBP: %08x   ESP: %08x\n", f.esi, f.edi, f.ebp,
                    f.esp);
    console::printf("CR0: %08x   CR2: %08x   CR3: %08x   CR4: %08x\n", read_cr0(), cr2,
                    read_cr3(), read_cr4());
    console::printf("CS: %04x   DS: %04x   ES: %04x   FS: %04x   GS: %04x   SS: %04x\n", f.cs,
                    f.ds, f.es, f.fs, f.gs, f.ss);
}

void report(Percpu& cpu, const Exception_frame& f, uint32_t cr2)
{
    console::take_over_for_panic();
    unsigned v = f.entry_vector;
    console::printf("\n*** Xenith: fatal exception on CPU %u: vector %u (%s), error code %#06x\n",
                    cpu.index, v, v < 32 ? names[v] : "interrupt", f.error_code);
    print_registers(f, cr2);
    if (f.from_guest())
        console::printf("(no hypervisor stack trace: the fault came from guest ring %u)\n",
                        f.cs & 3u);
    else
        print_stack_trace(cpu, f.ebp);
}

} // namespace

const char* vector_name(unsigned vector) { return vector < 32 ? names[vector] : "interrupt"; }

void print_stack_trace(const Percpu& cpu, uint32_t ebp, unsigned max_depth)
{
    uint32_t bottom = cpu.stack_bottom();
    uint32_t top = cpu.stack_top();
    console::printf("Stack trace (CPU %u stack %08x-%08x):\n", cpu.index, bottom, top);
    // Each frame: [ebp] = caller's ebp, [ebp+4] = return address. Every
    // step must move up the stack, so the walk ends within STACK_SIZE / 8
    // steps; only max_depth lines are printed, runs of one return address
    // (deep recursion) folded into one.
    unsigned lines = 0, repeats = 0;
    uint32_t last = 0;
    for (;;) {
        const char* stop = nullptr;
        if (ebp == 0)
            stop = "end of chain";
        else if (ebp < bottom || ebp > top - 8 || (ebp & 3))
            stop = "frame pointer outside the stack";
        if (stop) {
            if (repeats)
                console::printf("       (%u more frames returning to %08x)\n", repeats, last);
            if (ebp)
                console::printf("  (%s: %08x)\n", stop, ebp);
            else
                console::printf("  (%s)\n", stop);
            return;
        }
        auto* fp = reinterpret_cast<const uint32_t*>(ebp);
        if (fp[1] == last && lines > 0) {
            ++repeats;
        } else {
            if (repeats)
                console::printf("       (%u more frames returning to %08x)\n", repeats, last);
            repeats = 0;
            if (lines == max_depth) {
                console::printf("  ... (trace cut at %u lines)\n", max_depth);
                return;
            }
            console::printf("  [%2u] %08x  (frame %08x)\n", lines++, fp[1], ebp);
            last = fp[1];
        }
        if (fp[0] != 0 && fp[0] <= ebp) {
            console::printf("  (frame pointer %08x does not move up the stack: stop)\n", fp[0]);
            return;
        }
        ebp = fp[0];
    }
}

void fatal_exception(Percpu& cpu, const Exception_frame& f, uint32_t cr2)
{
    crash_claim(cpu.index);
    if (cpu.reporting_fatal) {
        console::take_over_for_panic();
        console::printf("\n*** Xenith: vector %u at %08x while reporting a fatal exception\n",
                        f.entry_vector, f.eip);
        crash_stop();
    }
    cpu.reporting_fatal = true;
    report(cpu, f, cr2);
    crash_stop();
}

} // namespace arch

// Runs as its own task: the CPU stored the state it interrupted in the
// CPU's main TSS. CR3 is never stored there; the one printed is the
// double-fault task's, the hypervisor's own page tables.
extern "C" void double_fault_task(arch::Percpu* cpu)
{
    const arch::Tss& t = cpu->area->tss;
    arch::Exception_frame f{};
    f.eax = t.eax;
    f.ebx = t.ebx;
    f.ecx = t.ecx;
    f.edx = t.edx;
    f.esi = t.esi;
    f.edi = t.edi;
    f.ebp = t.ebp;
    f.esp = t.esp;
    f.eip = t.eip;
    f.eflags = t.eflags;
    f.cs = t.cs;
    f.ss = t.ss;
    f.ds = t.ds;
    f.es = t.es;
    f.fs = t.fs;
    f.gs = t.gs;
    f.entry_vector = 8;
    arch::crash_claim(cpu->index);
    // The #DF error code is always 0.
    console::take_over_for_panic();
    console::printf("\n*** Xenith: double fault on CPU %u (stack overflow?), running on the "
                    "double-fault task\n",
                    cpu->index);
    arch::fatal_exception(*cpu, f, arch::read_cr2());
}
