/* pv_resume_frame(frame): switch to the guest frame at the top of this
 * CPU's stack and leave through the common exit path, which returns to the
 * guest because the frame's CS has a non-zero RPL. */
	.text
	.globl pv_resume_frame
pv_resume_frame:
	movl 4(%esp), %esp
	jmp exception_return
