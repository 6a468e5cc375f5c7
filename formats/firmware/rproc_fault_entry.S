/* SPDX-License-Identifier: MIT */
/*
 * rproc_fault_entry.S - the two ways into the reference crash capture.
 *
 * rproc_fault_entry is an exception entry (faults, the watchdog's NMI);
 * rproc_crash_raise is an ordinary function that software calls when it
 * detects a crash (assert, panic, stack check). Both store the registers C
 * code would clobber before any C code runs, then branch (not call) into
 * rproc_fault.c with lr unchanged, so that a debugger stopped later still
 * unwinds into the crashed code.
 *
 * Only the Thumb instructions ARMv6-M has are used (no CBZ, no IT, no
 * STM of high registers, no B.W), so one source assembles for Cortex-M0,
 * M0+, M3, M4, M7 and M33 alike.
 */
	.syntax unified
	.thumb
	.cfi_sections .debug_frame

/* offsetof(struct rproc_crash_record, ...), checked in rproc_fault.c */
#define RPROC_CRASH_REGS_OFFSET 0x18
#define RPROC_CRASH_R4_OFFSET 0x28

/*
 * GAS 2.40 gives an asm function a DWARF range that starts at its address
 * with the Thumb bit set, so the range also covers the first byte after
 * the function: debuggers would name the next function after this one. A
 * halfword of padding after each function takes that byte.
 */
.macro FUNCTION_GAP
	nop
.endm

	.text

/*
 * rproc_fault_entry - exception entry that records a crash.
 *
 * The hardware has stacked r0-r3, r12, lr, pc and xpsr, so r0-r3 are free
 * and nothing else may change before r4-r11 are in the record. No stack is
 * touched: a fault on an overflowed stack is recorded too.
 */
	.global	rproc_fault_entry
	.type	rproc_fault_entry, %function
	.thumb_func
rproc_fault_entry:
	.cfi_startproc
	/* Only the first crash is recorded; see rproc_crash_busy. */
	ldr	r0, =rproc_crash_busy
	ldr	r1, [r0]
	cmp	r1, #0
	bne	1f
	movs	r1, #1
	str	r1, [r0]

	/* Invalidate the record before touching anything else in it. */
	ldr	r0, =rproc_crash_record
	movs	r1, #0
	str	r1, [r0]
	adds	r0, #RPROC_CRASH_R4_OFFSET
	stmia	r0!, {r4-r7}
	mov	r4, r8
	mov	r5, r9
	mov	r6, r10
	mov	r7, r11
	stmia	r0!, {r4-r7}

	mrs	r0, msp
	mrs	r1, psp
	mov	r2, lr
	ldr	r3, =rproc_crash_capture
	bx	r3
1:
	ldr	r3, =rproc_crash_halted
	bx	r3
	.cfi_endproc
	.pool
	.size	rproc_fault_entry, . - rproc_fault_entry
	FUNCTION_GAP

/*
 * CALL_CAPTURE entry, completion - a function that records its caller.
 *
 * rproc_crash_raise(reason, message) and rproc_crash_assert(file, line)
 * are this same code. The record describes the CPU as it was at the
 * entry's first instruction: r0-r12, sp and lr are the caller's (r0 and r1
 * its arguments), pc is the entry itself, xpsr its flags and IPSR (0 in
 * thread mode) with the Thumb bit. A debugger starting there unwinds to
 * the caller through lr, as from any call. exc_return and handler_pc are
 * 0: no exception was taken. No SVC, so an RTOS keeps its SVCall handler.
 * The completion, in C, gets the two arguments back in r0 and r1.
 *
 * Interrupts are masked first: nothing may run on (and change) the crashed
 * context once it is being recorded. Two scratch registers and the flags
 * are parked in 12 bytes below the caller's sp (Thumb-1 cannot store below
 * sp without moving it); every recorded value is the one from before.
 */
.macro CALL_CAPTURE entry, completion
	.global	\entry
	.type	\entry, %function
	.thumb_func
\entry:
	.cfi_startproc
	cpsid	i
	sub	sp, sp, #12
	.cfi_adjust_cfa_offset 12
	str	r2, [sp, #0]
	str	r3, [sp, #4]
	/* Before the first instruction that sets the flags. */
	mrs	r3, xpsr
	str	r3, [sp, #8]

	ldr	r2, =rproc_crash_busy
	ldr	r3, [r2]
	cmp	r3, #0
	bne	2f
	movs	r3, #1
	str	r3, [r2]

	ldr	r2, =rproc_crash_record
	movs	r3, #0
	str	r3, [r2]
	adds	r2, #RPROC_CRASH_REGS_OFFSET
	stmia	r2!, {r0, r1}		/* r0, r1 */
	ldr	r0, [sp, #0]
	ldr	r1, [sp, #4]
	stmia	r2!, {r0, r1}		/* r2, r3 */
	stmia	r2!, {r4-r7}		/* r4-r7 */
	mov	r4, r8
	mov	r5, r9
	mov	r6, r10
	mov	r7, r11
	stmia	r2!, {r4-r7}		/* r8-r11 */

	ldr	r0, [sp, #8]
	add	sp, sp, #12
	.cfi_adjust_cfa_offset -12
	mov	r4, r12
	mov	r5, sp
	mov	r6, lr
	ldr	r7, =\entry
	movs	r1, #1
	bics	r7, r1			/* the address, not the Thumb bit */
	stmia	r2!, {r4-r7}		/* r12, sp, lr, pc */

	/* mrs reads EPSR as 0; the caller ran in Thumb state. */
	lsls	r1, r1, #24
	orrs	r0, r1
	mrs	r4, msp
	mrs	r5, psp
	movs	r6, #0
	movs	r7, #0
	stmia	r2!, {r0, r4-r7}	/* xpsr, msp, psp, exc_return, handler_pc */

	/* The arguments again, for the completion. */
	ldr	r2, =rproc_crash_record
	ldr	r0, [r2, #RPROC_CRASH_REGS_OFFSET]
	ldr	r1, [r2, #RPROC_CRASH_REGS_OFFSET + 4]
	ldr	r3, =\completion
	bx	r3
2:
	ldr	r3, =rproc_crash_halted
	bx	r3
	.cfi_endproc
	.pool
	.size	\entry, . - \entry
	FUNCTION_GAP
.endm

	CALL_CAPTURE rproc_crash_raise, rproc_crash_capture_raised
	CALL_CAPTURE rproc_crash_assert, rproc_crash_capture_assert

/*
 * With -DRPROC_FAULT_CMSIS_HANDLERS, the fault handlers of a CMSIS startup
 * file (weak symbols there) become rproc_fault_entry, so a vendor's vector
 * table needs no edit; -DRPROC_FAULT_CMSIS_NMI takes NMI_Handler too, for
 * a watchdog wired to the NMI. SVC_Handler, PendSV_Handler and
 * SysTick_Handler stay the RTOS's.
 */
#ifdef RPROC_FAULT_CMSIS_HANDLERS
	.global	HardFault_Handler
	.thumb_set HardFault_Handler, rproc_fault_entry
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
	defined(__ARM_ARCH_8M_MAIN__)
	.global	MemManage_Handler
	.thumb_set MemManage_Handler, rproc_fault_entry
	.global	BusFault_Handler
	.thumb_set BusFault_Handler, rproc_fault_entry
	.global	UsageFault_Handler
	.thumb_set UsageFault_Handler, rproc_fault_entry
#endif
#ifdef RPROC_FAULT_CMSIS_NMI
	.global	NMI_Handler
	.thumb_set NMI_Handler, rproc_fault_entry
#endif
#endif
