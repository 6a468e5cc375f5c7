/* SPDX-License-Identifier: MIT */
/*
 * rproc_freertos.h - rprocdump crash records for FreeRTOS firmware.
 *
 * Include this file at the end of FreeRTOSConfig.h:
 *
 *	#include "rproc_freertos.h"
 *
 * and compile rproc_freertos.c with the kernel (see README.md, "FreeRTOS").
 * Then:
 *
 *  - configASSERT(x) calls rproc_crash_assert(__FILE__, __LINE__) when x is
 *    false: the crash record gets RPROC_CRASH_REASON_ASSERT and the message
 *    "<file's base name>:<line>" (e.g. "port.c:299"), the core halts;
 *  - with configCHECK_FOR_STACK_OVERFLOW > 0, vApplicationStackOverflowHook()
 *    records RPROC_CRASH_REASON_STACK_OVERFLOW with the message
 *    "stack overflow: <task name>";
 *  - with configUSE_MALLOC_FAILED_HOOK == 1, vApplicationMallocFailedHook()
 *    records RPROC_CRASH_REASON_PANIC with the message "malloc failed".
 *
 * None of them uses SVC, PendSV or SysTick, which the FreeRTOS port owns:
 * software crashes are captured by rproc_crash_raise() directly, in thread
 * mode, in interrupt handlers and inside critical sections alike.
 */
#ifndef RPROC_FREERTOS_H
#define RPROC_FREERTOS_H

#ifdef configASSERT
#error "configASSERT is already defined: rproc_freertos.h defines it; remove the other definition"
#endif

/* Some ports include FreeRTOSConfig.h from assembly files. */
#ifndef __ASSEMBLER__

#include "rproc_fault.h"

#define configASSERT(x)                                                       \
	do {                                                                  \
		if (!(x))                                                     \
			rproc_crash_assert(__FILE__, (unsigned int)__LINE__); \
	} while (0)

#endif /* __ASSEMBLER__ */

#endif /* RPROC_FREERTOS_H */
