/* SPDX-License-Identifier: MIT */
/*
 * main.c - the smallest use of the reference handler and trace buffer:
 * set both up first thing, log, and report a software-detected crash.
 */
#include "fw_trace.h"
#include "rproc_fault.h"

/* Tells the host a record is ready: replace the body with your mailbox. */
void rproc_crash_notify_host(void)
{
	fw_log("crash: reason %u, record ready\n", rproc_crash_record.reason);
}

int main(void)
{
	rproc_trace_init(&fw_trace.buf, RPROC_TRACE_RING_SIZE(fw_trace));
	rproc_crash_enable_faults();
	fw_log("boot: example firmware\n");

	/* ... the application; on a condition it cannot survive: */
	rproc_crash_raise(RPROC_CRASH_REASON_PANIC, "example: giving up");
}
