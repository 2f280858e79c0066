/* Per-CPU memory layout and segment selectors, shared by assembly and C++.
 * C++ pins every number here against the real structures with static_assert
 * (arch/x86_32/cpu/cpu_area.hpp, exception_frame.hpp, descriptors.hpp).
 *
 * Each CPU owns one 32 KiB Cpu_area, 32 KiB aligned, in a static pool:
 *   +0x0000  reserved GDT page (entries FIRST_RESERVED_GDT_ENTRY..+511)
 *   +0x1000  TSS, double-fault TSS, Percpu, then the double-fault stack
 *   +0x3000  guard page, unmapped, so a stack overflow faults
 *   +0x4000  hypervisor stack (STACK_SIZE, STACK_SIZE aligned); its top
 *            holds the Stack_top block: the guest register frame and the
 *            pointer to this CPU's Percpu that this_cpu() reads.
 */
#ifndef XENITH_ARCH_CPU_LAYOUT_H
#define XENITH_ARCH_CPU_LAYOUT_H

#define STACK_SIZE            0x4000
#define CPU_AREA_SIZE         0x8000
#define CPU_AREA_STACK        0x4000
#define CPU_AREA_PERCPU       0x10D0 /* offsetof(Cpu_area, percpu) */

/* Stack_top: the last STACK_TOP_SIZE bytes of a stack. */
#define STACK_TOP_SIZE        96
#define STACK_TOP_CPU         68     /* Percpu pointer, after the frame */

/* Xen's x86_32 reserved GDT page starts at entry 14 * 512 = 7168
 * (public/arch-x86/xen-x86_32.h: FIRST_RESERVED_GDT_PAGE 14). */
#define HV_CS                 0xe008
#define HV_DS                 0xe010
#define FLAT_RING1_CS         0xe019
#define FLAT_RING1_DS         0xe021
#define FLAT_RING3_CS         0xe02b
#define FLAT_RING3_DS         0xe033
/* As Xen's x86_32 asm-x86/desc.h: the double-fault TSS takes the first
 * reserved slot, the TSS is 8 entries in, the LDT follows it. */
#define DOUBLEFAULT_TSS_SEL   0xe000
#define TSS_SEL               0xe040
#define LDT_SEL               0xe048

/* Exception_frame (= Xen x86_32 struct cpu_user_regs) offsets. */
#define UREGS_ebx             0
#define UREGS_eax             24
#define UREGS_error_code      28
#define UREGS_entry_vector    30
#define UREGS_eip             32
#define UREGS_cs              36
#define UREGS_eflags          40
#define UREGS_esp             44
#define UREGS_ss              48
#define UREGS_es              52
#define UREGS_ds              56
#define UREGS_fs              60
#define UREGS_gs              64
#define UREGS_size            68

#endif
