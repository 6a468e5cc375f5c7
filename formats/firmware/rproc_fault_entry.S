/* SPDX-License-Identifier: MIT */
/*
 * rproc_fault_entry.S - exception entry of the reference crash capture.
 *
 * Runs before any C code so that r4-r11 still hold the crashed context's
 * values (the hardware stacks only r0-r3, r12, lr, pc and xpsr). Uses only
 * registers the hardware already stacked and no stack at all, then branches
 * (not calls) to rproc_crash_capture() with lr still holding EXC_RETURN.
 */
	.syntax unified
	.thumb
	.cfi_sections .debug_frame

/* offsetof(struct rproc_crash_record, regs.r[4]), checked in rproc_fault.c */
#define RPROC_CRASH_R4_OFFSET 0x28

	.text
	.global	rproc_fault_entry
	.type	rproc_fault_entry, %function
	.thumb_func
rproc_fault_entry:
	.cfi_startproc
	/* Only the first crash is recorded; see rproc_crash_busy. */
	ldr	r12, =rproc_crash_busy
	ldr	r3, [r12]
	cbnz	r3, 1f
	movs	r3, #1
	str	r3, [r12]

	/* Invalidate the record before touching anything else in it. */
	ldr	r12, =rproc_crash_record
	movs	r3, #0
	str	r3, [r12]
	add	r3, r12, #RPROC_CRASH_R4_OFFSET
	stmia	r3, {r4-r11}

	mrs	r0, msp
	mrs	r1, psp
	mov	r2, lr
	b	rproc_crash_capture
1:
	b	rproc_crash_halted
	.cfi_endproc
	.pool
	.size	rproc_fault_entry, . - rproc_fault_entry
