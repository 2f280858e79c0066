/* The AP trampoline's place and parameter block, shared by
 * smp_trampoline.S and smp.cpp (which pins the block with static_assert). */
#ifndef XENITH_ARCH_SMP_LAYOUT_H
#define XENITH_ARCH_SMP_LAYOUT_H

/* One page of conventional memory below the EBDA and clear of the BIOS
 * data area; the memory code never hands out frames below 1 MiB. */
#define SMP_TRAMPOLINE_PHYS  0x7000
/* started, cr3, cr4, stack, percpu, entry: 32-bit words at the end. */
#define SMP_TR_PARAMS_SIZE   24

#endif
