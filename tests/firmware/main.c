/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main.c - the test firmware's application: a short command script whose
 * last command runs the crash scenario.
 *
 * dispatch_command() keeps a volatile local, request_tag, in its stack
 * frame, and the global fw_commands_done is never touched by the crash
 * path: the harness records both as ground truth for tools that read
 * variables out of a crash dump.
 */
#include <inttypes.h>
#include <stdint.h>

#include "fw.h"

enum fw_command {
	FW_CMD_PING = 1,
	FW_CMD_SCENARIO = 2,
};

#define FW_QUEUE_LEN 3

union fw_trace_storage fw_trace;
volatile uint32_t fw_commands_done;

/* Initialized data in RAM, as a host-writable command queue would be. */
uint32_t fw_command_queue[FW_QUEUE_LEN] = {
	FW_CMD_PING,
	FW_CMD_PING,
	FW_CMD_SCENARIO,
};

static const char *base_name(const char *path)
{
	const char *base = path;

	for (; *path; path++)
		if (*path == '/')
			base = path + 1;
	return base;
}

void fw_assert_failed(const char *file, int line, const char *expr)
{
	char msg[RPROC_CRASH_MESSAGE_MAX];

	rproc_trace_format(msg, sizeof(msg), "%s:%d: %s", base_name(file), line,
			   expr);
	fw_log("assertion failed: %s\n", msg);
	rproc_crash_raise(RPROC_CRASH_REASON_ASSERT, msg);
}

/* The host has no mailbox here: leave a last word in the trace instead. */
void rproc_crash_notify_host(void)
{
	fw_log("crash: reason %u, pc %p, record ready\n",
	       rproc_crash_record.reason,
	       (void *)(uintptr_t)rproc_crash_record.regs.pc);
}

FW_NOINLINE int dispatch_command(uint32_t seq, uint32_t cmd)
{
	volatile uint32_t request_tag = 0xa5000000u | (seq << 8) | cmd;
	int ret;

	fw_log("cmd %" PRIu32 ": tag 0x%08" PRIx32 "\n", seq, request_tag);
	if (cmd == FW_CMD_SCENARIO)
		ret = scenario_run(seq);
	else
		ret = 0;
	fw_commands_done++;
	fw_log("cmd %" PRIu32 ": done, tag 0x%08" PRIx32 ", ret %d\n", seq,
	       request_tag, ret);
	return ret;
}

FW_NOINLINE int app_run(void)
{
	int failures = 0;
	uint32_t i;

	for (i = 0; i < FW_QUEUE_LEN; i++)
		if (dispatch_command(i + 1, fw_command_queue[i]) < 0)
			failures++;
	return failures;
}

int main(void)
{
	int failures;

	board_init();
	fw_log("boot: rprocdump test firmware, scenario %s\n",
	       fw_scenario_name);
	failures = app_run();
	fw_log("app: finished, %d failures\n", failures);
	return failures;
}
