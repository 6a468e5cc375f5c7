/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fw.h - shared declarations of the rprocdump test firmware.
 *
 * The firmware boots on QEMU mps2-an385 (Cortex-M3), logs into an rprocdump
 * trace buffer and runs one crash scenario, chosen at build time by linking
 * one scenario_*.c, through a fixed call chain:
 *	main -> app_run -> dispatch_command -> scenario_run -> ...
 * The test harness records GDB's view of the crash as ground truth.
 */
#ifndef FW_H
#define FW_H

#include <stdint.h>

#include "rproc_fault.h"
#include "rproc_trace.h"

#define FW_TRACE_SIZE 2048u

RPROC_TRACE_BUFFER_TYPE(fw_trace_storage, FW_TRACE_SIZE);
extern union fw_trace_storage fw_trace;

/* Commands dispatched so far; the crash handler never writes it. */
extern volatile uint32_t fw_commands_done;

/* The stack, from the linker script; it grows down towards the limit. */
extern uint8_t __stack_limit[];
extern uint8_t __stack_top[];

#define fw_log(...) rproc_trace_printf(&fw_trace.buf, __VA_ARGS__)

/* The scenario's name, e.g. "null", and its entry point. */
extern const char fw_scenario_name[];
int scenario_run(uint32_t arg);

void board_init(void);
void board_watchdog_start(uint32_t timeout_us);

void fw_assert_failed(const char *file, int line, const char *expr)
	__attribute__((noreturn, noinline));

#define FW_ASSERT(expr)                                              \
	do {                                                         \
		if (!(expr))                                         \
			fw_assert_failed(__FILE__, __LINE__, #expr); \
	} while (0)

#define FW_ALWAYS_INLINE static inline __attribute__((always_inline))
#define FW_NOINLINE __attribute__((noinline))

#endif /* FW_H */
