/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * startup_cmsis.S - the vector table of a vendor's CMSIS startup file, as
 * firmware authors get it: every handler a weak alias of Default_Handler,
 * which rproc_fault_entry.S's -DRPROC_FAULT_CMSIS_HANDLERS must override.
 * For link checks only: it never runs.
 */
	.syntax unified
	.thumb

	.section .isr_vector, "a"
	.global	cmsis_vectors
cmsis_vectors:
	.word	__stack_top
	.word	Reset_Handler
	.word	NMI_Handler
	.word	HardFault_Handler
	.word	MemManage_Handler
	.word	BusFault_Handler
	.word	UsageFault_Handler
	.word	0, 0, 0, 0
	.word	SVC_Handler
	.word	DebugMon_Handler
	.word	0
	.word	PendSV_Handler
	.word	SysTick_Handler
	.size	cmsis_vectors, . - cmsis_vectors

	.text
	.thumb_func
	.weak	Reset_Handler
	.type	Reset_Handler, %function
Reset_Handler:
	bl	main
	b	Reset_Handler
	.size	Reset_Handler, . - Reset_Handler

	.thumb_func
	.weak	Default_Handler
	.type	Default_Handler, %function
Default_Handler:
	b	Default_Handler
	.size	Default_Handler, . - Default_Handler

.macro weak_handler name
	.weak	\name
	.thumb_set \name, Default_Handler
.endm
	weak_handler NMI_Handler
	weak_handler HardFault_Handler
	weak_handler MemManage_Handler
	weak_handler BusFault_Handler
	weak_handler UsageFault_Handler
	weak_handler SVC_Handler
	weak_handler DebugMon_Handler
	weak_handler PendSV_Handler
	weak_handler SysTick_Handler

	.bss
	.balign	8
	.space	1024
	.global	__stack_top
__stack_top:
