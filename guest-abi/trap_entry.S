/*
 * Exception and event entry points.
 *
 * Xen delivers an exception to a ring-1 kernel by pushing a bounce frame on
 * the kernel stack: [error code,] eip, cs (saved_upcall_mask in bits 16..23),
 * eflags, and esp/ss when the interrupted code ran in ring 3. Only #DF, #TS,
 * #NP, #SS, #GP, #PF and #AC carry an error code; the stubs push a dummy 0
 * for the others so every frame has the same shape (struct Trap_frame).
 * CR2 of a page fault is in vcpu_info.arch.cr2, not on the stack.
 *
 * The guests run with event upcalls masked, so a plain iret (same ring, no
 * change of IF) is a correct return; HYPERVISOR_iret is not needed.
 */
.macro stub vec, has_error
    .globl trap_stub_\vec
trap_stub_\vec:
    .if \has_error == 0
    pushl $0
    .endif
    pushl $\vec
    jmp trap_common
.endm

    .text
    stub 0, 0
    stub 1, 0
    stub 2, 0
    stub 3, 0
    stub 4, 0
    stub 5, 0
    stub 6, 0
    stub 7, 0
    stub 8, 1
    stub 9, 0
    stub 10, 1
    stub 11, 1
    stub 12, 1
    stub 13, 1
    stub 14, 1
    stub 15, 0
    stub 16, 0
    stub 17, 1
    stub 18, 0
    stub 19, 0
    /* Software-interrupt vectors for tests (no error code). */
    stub 0x40, 0
    stub 0x41, 0
    stub 0x42, 0
    stub 0x43, 0

trap_common:
    pushal
    pushl %esp
    call guest_trap
    addl $4, %esp
    popal
    addl $8, %esp
    iret

    .section .rodata
    .p2align 2
    .globl trap_stub_table
/* vector, address pairs; ends with vector 0xffffffff. */
trap_stub_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,0x40,0x41,0x42,0x43
    .long \v, trap_stub_\v
    .endr
    .long 0xffffffff, 0

/*
 * Event upcall and failsafe callback: Xen masks events on entry to the event
 * callback; the frame is eip, cs, eflags (no error code). The failsafe frame
 * additionally starts with ds, es, fs, gs.
 */
    .text
    .globl event_entry
event_entry:
    pushal
    call guest_event
    popal
    iret

    .globl failsafe_entry
failsafe_entry:
    pushl %esp
    call guest_failsafe
1:  jmp 1b

/*
 * int guest_try(void (*fn)(void*), void* arg): runs fn(arg) and returns 0, or
 * returns 1 when guest_trap saw a fault while armed and redirected the
 * faulting frame to guest_try_resume (stack reset to the saved one).
 */
    .globl guest_try
guest_try:
    pushl %ebp
    movl %esp, %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, guest_try_saved_esp
    movl $1, guest_try_armed
    pushl 12(%ebp)
    call *8(%ebp)
    addl $4, %esp
    movl $0, guest_try_armed
    xorl %eax, %eax
    jmp 2f
    .globl guest_try_resume
guest_try_resume:
    movl guest_try_saved_esp, %esp
    movl $1, %eax
2:  popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .section .note.GNU-stack, "", @progbits
