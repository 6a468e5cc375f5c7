/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * board.c - mps2-an385 setup: NULL guard, fault handling, watchdog.
 */
#include <stdint.h>

#include "fw.h"

/* PMSAv7 MPU (ARMv7-M ARM, B3.5). */
#define MPU_CTRL (*(volatile uint32_t *)0xe000ed94u)
#define MPU_RNR (*(volatile uint32_t *)0xe000ed98u)
#define MPU_RBAR (*(volatile uint32_t *)0xe000ed9cu)
#define MPU_RASR (*(volatile uint32_t *)0xe000eda0u)

#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RASR_ENABLE (1u << 0)
#define MPU_RASR_SIZE(log2) (((log2)-1u) << 1)
#define MPU_RASR_AP_NONE (0u << 24)
#define MPU_RASR_XN (1u << 28)

/* CMSDK APB watchdog; on mps2-an385 its interrupt is the NMI. */
#define WDOG_BASE 0x40008000u
#define WDOG_LOAD (*(volatile uint32_t *)(WDOG_BASE + 0x000))
#define WDOG_CTRL (*(volatile uint32_t *)(WDOG_BASE + 0x008))
#define WDOG_LOCK (*(volatile uint32_t *)(WDOG_BASE + 0xc00))
#define WDOG_CTRL_INTEN (1u << 0)
#define WDOG_UNLOCK_KEY 0x1acce551u
#define WDOG_CLK_MHZ 25u /* the board's 25 MHz system clock */

/*
 * Accesses to the first 1 KiB are NULL pointer dereferences. A whole QEMU
 * page: its debug accesses (GDB) check the MPU per 1 KiB page, so a smaller
 * region would also hide the code sharing that page from a debugger.
 */
#define NULL_GUARD_LOG2 10u

static void mpu_null_guard(void)
{
	MPU_RNR = 0;
	MPU_RBAR = 0x00000000u;
	MPU_RASR = MPU_RASR_XN | MPU_RASR_AP_NONE |
		   MPU_RASR_SIZE(NULL_GUARD_LOG2) | MPU_RASR_ENABLE;
	/* Everything else keeps the default memory map. */
	MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

void board_init(void)
{
	rproc_trace_init(&fw_trace.buf, FW_TRACE_SIZE);
	rproc_crash_enable_faults();
	mpu_null_guard();
}

/*
 * Interrupt only (no reset): the first expiry raises the NMI, which is the
 * crash capture; resetting on the second would wipe what it captured.
 */
void board_watchdog_start(uint32_t timeout_us)
{
	WDOG_LOCK = WDOG_UNLOCK_KEY;
	WDOG_LOAD = timeout_us * WDOG_CLK_MHZ;
	WDOG_CTRL = WDOG_CTRL_INTEN;
	WDOG_LOCK = 0;
}

/* Installed for every exception the firmware does not expect. */
void Default_Handler(void);
void Default_Handler(void)
{
	rproc_crash_raise(RPROC_CRASH_REASON_PANIC, "unexpected exception");
}
