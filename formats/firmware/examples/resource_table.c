/* SPDX-License-Identifier: MIT */
/*
 * resource_table.c - a remoteproc resource table with what rprocdump reads:
 * the trace buffer (RSC_TRACE) and the crash record (vendor entry 210).
 *
 * Ready to copy. Add the entries your platform needs too (carveouts, vdevs:
 * see rproc_rsc_table.h and your remoteproc driver); keep offset[] and num
 * in step with the entries.
 */
#include <stddef.h>
#include <stdint.h>

#include "fw_trace.h"
#include "rproc_fault.h"
#include "rproc_rsc_table.h"

/* The storage of the buffer fw_trace.h declares. */
RPROC_TRACE_BUFFER_DEFINE(fw_trace);

struct fw_resource_table {
	struct rproc_resource_table hdr;
	uint32_t offset[2];
	struct rproc_rsc_trace trace;
	struct rproc_rsc_crash_record_entry crash;
} __attribute__((packed));

/* remoteproc finds the table by its section name; nothing references it. */
__attribute__((section(".resource_table"), used))
const struct fw_resource_table fw_resource_table = {
	.hdr = { .ver = RPROC_RSC_TABLE_VERSION, .num = 2 },
	.offset = {
		offsetof(struct fw_resource_table, trace),
		offsetof(struct fw_resource_table, crash),
	},
	.trace = RPROC_RSC_TRACE_ENTRY(fw_trace, "trace0"),
	.crash = RPROC_RSC_CRASH_RECORD_ENTRY(),
};
