/* SPDX-License-Identifier: MIT */
/*
 * rproc_fault.h - reference Cortex-M (ARMv7-M) crash capture for firmware
 * running under Linux remoteproc.
 *
 * On a fault the firmware fills the global struct rproc_crash_record
 * "rproc_crash_record" (see <rproc/crash_record.h>) with the register state
 * of the interrupted context, tells the host, and halts so that the host can
 * dump the memories. rprocdump then rebuilds a debuggable core from it.
 *
 * Integration:
 *  - Put rproc_fault_entry in the vector table for HardFault, MemManage,
 *    BusFault, UsageFault and SVCall, and for the exception your watchdog
 *    raises (NMI on most parts, or SysTick/an IRQ used as a software
 *    watchdog). Any exception other than a fault or SVCall that reaches the
 *    entry is reported as RPROC_CRASH_REASON_WATCHDOG.
 *  - Call rproc_crash_enable_faults() early, so that MemManage, BusFault and
 *    UsageFault are taken as themselves (not escalated to HardFault) and an
 *    integer divide by zero traps.
 *  - Call rproc_crash_raise() for software-detected crashes (failed
 *    assertions, panics, stack overflow checks). It works from thread mode
 *    and from interrupt handlers (an SVC that cannot be taken escalates to
 *    HardFault, which the entry handles the same way), but not from the
 *    HardFault or NMI handler themselves: that would lock up the core.
 *  - Override rproc_crash_notify_host() to kick the host (mailbox, IPC);
 *    it runs once the record is complete.
 *
 * The entry keeps r4-r11 in the record before any C code can clobber them
 * and touches no stack before that, so a crash on a nearly full stack can
 * still be recorded. A fault taken while a capture is already running (for
 * example inside rproc_crash_notify_host()) does not overwrite the first
 * record; it goes straight to rproc_crash_halted().
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
 * Not callable from C: install it in the vector table. Its address, with
 * the Thumb bit cleared, is what the record stores as handler_pc.
 */
void rproc_fault_entry(void);

/**
 * rproc_crash_raise() - record a software-detected crash and halt
 * @reason: an enum rproc_crash_reason, e.g. RPROC_CRASH_REASON_ASSERT
 * @message: short NUL-terminated text, truncated to fit the record; may
 *	be NULL
 *
 * The record describes the caller's context: rproc_crash_raise() traps
 * with SVC so that the crash goes through the same capture path as a
 * hardware fault, and a debugger unwinds from here to the caller.
 */
void rproc_crash_raise(uint16_t reason, const char *message)
	__attribute__((noreturn, noinline));

/**
 * rproc_crash_assert() - record a failed assertion and halt
 * @file: the source file of the assertion, usually __FILE__
 * @line: its line, usually __LINE__
 *
 * rproc_crash_raise() with RPROC_CRASH_REASON_ASSERT and the message
 * "<base name of @file>:<line>", e.g. "tasks.c:1234", cut to fit the
 * record. For assert macros such as FreeRTOS's configASSERT().
 */
void rproc_crash_assert(const char *file, unsigned int line)
	__attribute__((noreturn, noinline));

/**
 * rproc_crash_enable_faults() - take configurable faults as themselves
 *
 * Enables the MemManage, BusFault and UsageFault exceptions (SHCSR) and
 * divide-by-zero trapping (CCR.DIV_0_TRP).
 */
void rproc_crash_enable_faults(void);

/**
 * rproc_crash_notify_host() - tell the host a crash record is ready
 *
 * Weak, empty by default. Runs in the faulting exception's context after
 * the record's magic has been written, and must not return to the crashed
 * code (it does not: rproc_crash_halted() follows).
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
