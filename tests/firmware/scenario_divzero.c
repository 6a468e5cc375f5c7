/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario_divzero.c - integer divide by zero.
 *
 * The telemetry window is reset right before a report and the report
 * divides by its sample count: UsageFault DIVBYZERO (CCR.DIV_0_TRP).
 */
#include <inttypes.h>
#include <stdint.h>

#include "fw.h"

const char fw_scenario_name[] = "divzero";

struct stats {
	uint32_t sum;
	uint32_t samples;
};

struct stats fw_window;

FW_ALWAYS_INLINE uint32_t stats_mean(const struct stats *st)
{
	return st->sum / st->samples;
}

FW_NOINLINE uint32_t stats_report(const struct stats *st)
{
	uint32_t mean = stats_mean(st);

	fw_log("telemetry: mean %" PRIu32 " over %" PRIu32 " samples\n", mean,
	       st->samples);
	return mean;
}

FW_NOINLINE uint32_t telemetry_tick(uint32_t tick)
{
	uint32_t mean;

	fw_window.sum += tick * 10;
	fw_window.samples++;
	/* The bug: the window restarts before the report instead of after. */
	if (tick % 4 == 0) {
		fw_window.sum = 0;
		fw_window.samples = 0;
	}
	if (tick % 4 != 0 && tick % 2 != 0)
		return 0;
	mean = stats_report(&fw_window);
	fw_log("telemetry: tick %" PRIu32 " reported\n", tick);
	return mean;
}

int scenario_run(uint32_t arg)
{
	uint32_t total = 0;
	uint32_t tick;

	fw_log("divzero: command %" PRIu32 ", telemetry for 8 ticks\n", arg);
	for (tick = 1; tick <= 8; tick++)
		total += telemetry_tick(tick);
	return (int)total;
}
