/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario_watchdog.c - a hang caught by the watchdog.
 *
 * link_wait_up() polls for an event that never comes. The CMSDK watchdog
 * expires and raises the NMI, whose crash capture records the hung loop
 * with RPROC_CRASH_REASON_WATCHDOG.
 */
#include <inttypes.h>
#include <stdint.h>

#include "fw.h"

const char fw_scenario_name[] = "watchdog";

#define FW_WATCHDOG_TIMEOUT_US 100000u

/* Set by the link interrupt, which is never enabled: the bug. */
volatile uint32_t fw_link_status;

FW_ALWAYS_INLINE int link_is_up(void)
{
	return fw_link_status & 1u;
}

FW_NOINLINE uint32_t link_wait_up(void)
{
	uint32_t polls = 0;

	while (!link_is_up())
		polls++;
	return polls;
}

FW_NOINLINE int link_bring_up(uint32_t port)
{
	uint32_t polls;

	fw_log("link: bringing up port %" PRIu32 "\n", port);
	polls = link_wait_up();
	fw_log("link: port %" PRIu32 " up after %" PRIu32 " polls\n", port,
	       polls);
	return 0;
}

int scenario_run(uint32_t arg)
{
	int ret;

	board_watchdog_start(FW_WATCHDOG_TIMEOUT_US);
	fw_log("watchdog: armed, %u us\n", FW_WATCHDOG_TIMEOUT_US);
	ret = link_bring_up(arg);
	fw_log("watchdog: link ready\n");
	return ret;
}
