/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * startup.S - vectors and reset code of the test firmware.
 *
 * Reset_Handler is the outermost frame: its CFI marks the return address
 * undefined, so debuggers and unwinders stop there instead of walking
 * into whatever lr held at reset.
 */
	.syntax unified
	.thumb
	.cfi_sections .debug_frame

/* The pair the core reads at reset, before VTOR is set. */
	.section .boot_vectors, "a"
	.word	__stack_top
	.word	Reset_Handler

/*
 * Every fault, SVCall (rproc_crash_raise) and NMI (the mps2 watchdog
 * interrupt) go to the crash capture; interrupts nobody expects panic.
 */
	.section .vectors, "a"
	.global	fw_vectors
fw_vectors:
	.word	__stack_top
	.word	Reset_Handler
	.word	rproc_fault_entry	/* NMI */
	.word	rproc_fault_entry	/* HardFault */
	.word	rproc_fault_entry	/* MemManage */
	.word	rproc_fault_entry	/* BusFault */
	.word	rproc_fault_entry	/* UsageFault */
	.word	0, 0, 0, 0
	.word	rproc_fault_entry	/* SVCall */
	.word	Default_Handler		/* DebugMonitor */
	.word	0
	.word	Default_Handler		/* PendSV */
	.word	Default_Handler		/* SysTick */
	.rept	32
	.word	Default_Handler		/* IRQ0..31 */
	.endr
	.size	fw_vectors, . - fw_vectors

	.text
	.global	Reset_Handler
	.type	Reset_Handler, %function
	.thumb_func
Reset_Handler:
	.cfi_startproc
	.cfi_undefined lr
	/* .data: copy from its load address in the code memory */
	ldr	r0, =__data_load
	ldr	r1, =__data_start
	ldr	r2, =__data_end
1:	cmp	r1, r2
	itt	lo
	ldrlo	r3, [r0], #4
	strlo	r3, [r1], #4
	blo	1b

	/* .bss: zero it, remoteproc may not have (warm restart) */
	ldr	r1, =__bss_start
	ldr	r2, =__bss_end
	movs	r3, #0
2:	cmp	r1, r2
	it	lo
	strlo	r3, [r1], #4
	blo	2b

	ldr	r0, =0xe000ed08		/* SCB->VTOR */
	ldr	r1, =fw_vectors
	str	r1, [r0]
	dsb
	isb

	bl	main
3:	wfi
	b	3b
	.cfi_endproc
	.pool
	.size	Reset_Handler, . - Reset_Handler
