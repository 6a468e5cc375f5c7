/* SPDX-License-Identifier: MIT */
/*
 * rproc_fault.h - reference Cortex-M crash capture for firmware running
 * under Linux remoteproc (ARMv6-M, ARMv7-M, ARMv7E-M, ARMv8-M mainline).
 *
 * On a crash the firmware fills the global struct rproc_crash_record
 * "rproc_crash_record" (see <rproc/crash_record.h>) with the register state
 * of the crashed context, tells the host, and halts so that the host can
 * dump the memories. rprocdump then rebuilds a debuggable core from it.
 * README.md in this directory is the integration guide; in short:
 *
 *  - Put rproc_fault_entry in the vector table for HardFault, MemManage,
 *    BusFault and UsageFault, and for the exception your watchdog raises
 *    (NMI on most parts). Any exception other than a fault that reaches the
 *    entry is reported as RPROC_CRASH_REASON_WATCHDOG. Leave SVCall, PendSV
 *    and SysTick to your RTOS: nothing here uses them.
 *  - Call rproc_crash_enable_faults() early, so that MemManage, BusFault and
 *    UsageFault are taken as themselves (not escalated to HardFault) and an
 *    integer divide by zero traps (no-op on ARMv6-M, which has HardFault
 *    only).
 *  - Call rproc_crash_raise() (or rproc_crash_assert()) for software-
 *    detected crashes: failed assertions, panics, stack overflow checks. It
 *    records its caller's registers directly, with no exception, so it
 *    works in thread mode, in any handler (HardFault and NMI included) and
 *    with interrupts masked.
 *  - An RTOS or vendor fault handler that has already decoded the
 *    exception frame hands it over with rproc_crash_from_frame().
 *  - Override rproc_crash_notify_host() to kick the host (mailbox, IPC);
 *    it runs once the record is complete.
 *
 * The entries keep r4-r11 in the record before any C code can clobber
 * them, and rproc_fault_entry touches no stack before that, so a fault on
 * an overflowed stack is still recorded. Only the first crash is recorded:
 * a fault taken while a capture is running (for example inside
 * rproc_crash_notify_host()) goes straight to rproc_crash_halted().
 *
 * Everything here is C99 and C++ clean; declarations only.
 */
#ifndef RPROC_FAULT_H
#define RPROC_FAULT_H

#include <stdint.h>
#include <rproc/crash_record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The record the host looks for, by symbol or resource-table entry. */
extern struct rproc_crash_record rproc_crash_record;

/**
 * rproc_fault_entry() - exception entry that records a crash
 *
 * Not callable from C: install it in the vector table (or branch to it
 * from a handler of your own before that handler touches r4-r11, the stack
 * pointers or lr). Its address, with the Thumb bit cleared, is what the
 * record stores as handler_pc.
 */
void rproc_fault_entry(void);

/**
 * rproc_crash_raise() - record a software-detected crash and halt
 * @reason: an enum rproc_crash_reason, e.g. RPROC_CRASH_REASON_ASSERT
 * @message: short NUL-terminated text, truncated to fit the record; may
 *	be NULL
 *
 * Masks interrupts (PRIMASK) and records the CPU as it was at this
 * function's first instruction: r0-r12, sp and lr are the caller's, pc is
 * rproc_crash_raise, so a debugger unwinds from here to the caller. The
 * record has RPROC_CRASH_F_RAISED set, exc_number the caller's IPSR (0 in
 * thread mode), exc_return and handler_pc 0. Never returns.
 */
void rproc_crash_raise(uint16_t reason, const char *message)
	__attribute__((noreturn));

/**
 * rproc_crash_assert() - record a failed assertion and halt
 * @file: the source file of the assertion, usually __FILE__
 * @line: its line, usually __LINE__
 *
 * As rproc_crash_raise() with RPROC_CRASH_REASON_ASSERT and the message
 * "<base name of @file>:<line>", e.g. "tasks.c:1234", cut to fit the
 * record; the record's pc is rproc_crash_assert, its lr the return address
 * into the asserting function. For assert macros such as FreeRTOS's
 * configASSERT().
 */
void rproc_crash_assert(const char *file, unsigned int line)
	__attribute__((noreturn));

/**
 * struct rproc_crash_frame - an exception another handler already took
 * @basic: the basic frame as the hardware stacked it: r0, r1, r2, r3, r12,
 *	lr, pc, xpsr (a copy will do, e.g. Zephyr's esf->basic)
 * @callee_saved: r4-r11 of the crashed context, in that order, or NULL if
 *	the handler did not keep them
 * @address: where the hardware stacked @basic (MSP or PSP at exception
 *	entry), or 0 if unknown; gives the crashed context's sp
 * @exc_return: the exception's EXC_RETURN, or 0 if unknown (then the frame
 *	is taken to be a basic one, without FP state)
 */
struct rproc_crash_frame {
	const uint32_t *basic;
	const uint32_t *callee_saved;
	uint32_t address;
	uint32_t exc_return;
};

/**
 * rproc_crash_from_frame() - record a crash from a frame someone else took
 * @reason: an enum rproc_crash_reason; RPROC_CRASH_REASON_UNKNOWN derives
 *	it from the current exception and the fault status registers, as
 *	rproc_fault_entry does
 * @message: short text, or NULL for the exception's name
 * @frame: the crashed context; read before anything else is stored
 *
 * For an RTOS's fatal error hook that runs after the RTOS's own fault
 * handler (Zephyr's k_sys_fatal_error_handler()). Masks interrupts, fills
 * the record from @frame and halts; exc_number is the current IPSR,
 * handler_pc 0 (no handler context is shown), and RPROC_CRASH_F_NO_CALLEE_SAVED
 * marks r4-r11 unknown when @frame has none. Never returns.
 */
void rproc_crash_from_frame(uint16_t reason, const char *message,
			    const struct rproc_crash_frame *frame)
	__attribute__((noreturn));

/**
 * rproc_crash_enable_faults() - take configurable faults as themselves
 *
 * Enables the MemManage, BusFault and UsageFault exceptions (SHCSR) and
 * divide-by-zero trapping (CCR.DIV_0_TRP). Does nothing on ARMv6-M, where
 * every fault is a HardFault.
 */
void rproc_crash_enable_faults(void);

/**
 * rproc_crash_notify_host() - tell the host a crash record is ready
 *
 * Weak, empty by default. Runs in the crashed context (the exception's or
 * rproc_crash_raise()'s caller's), interrupts masked on the raise path,
 * after the record's magic has been written. It must not return to the
 * crashed code (it does not: rproc_crash_halted() follows).
 */
void rproc_crash_notify_host(void);

/**
 * rproc_crash_halted() - where a crashed core waits for the host
 *
 * Called last; never returns (loops on WFI). Debuggers and test harnesses
 * break here to inspect a complete record.
 */
void rproc_crash_halted(void) __attribute__((noreturn, noinline));

#ifdef __cplusplus
}
#endif

#endif /* RPROC_FAULT_H */
