/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resource_table.c - what the firmware tells remoteproc about itself: its
 * two memories, its trace buffer and where its crash record lives.
 */
#include <stddef.h>
#include <stdint.h>

#include "fw.h"
#include "rproc_rsc_table.h"

#define FW_CODE_DA 0x00000000u
#define FW_CODE_SIZE 0x00040000u
#define FW_RAM_DA 0x20000000u
#define FW_RAM_SIZE 0x00010000u

struct fw_resource_table {
	struct rproc_resource_table hdr;
	uint32_t offset[4];
	struct rproc_rsc_carveout code;
	struct rproc_rsc_carveout ram;
	struct rproc_rsc_trace trace;
	struct rproc_rsc_crash_record_entry crash;
} __attribute__((packed));

__attribute__((section(".resource_table"), used))
struct fw_resource_table fw_resource_table = {
	.hdr = { .ver = RPROC_RSC_TABLE_VERSION, .num = 4 },
	.offset = {
		offsetof(struct fw_resource_table, code),
		offsetof(struct fw_resource_table, ram),
		offsetof(struct fw_resource_table, trace),
		offsetof(struct fw_resource_table, crash),
	},
	.code = {
		.type = RPROC_RSC_CARVEOUT,
		.da = FW_CODE_DA, .pa = FW_CODE_DA, .len = FW_CODE_SIZE,
		.name = "code",
	},
	.ram = {
		.type = RPROC_RSC_CARVEOUT,
		.da = FW_RAM_DA, .pa = FW_RAM_DA, .len = FW_RAM_SIZE,
		.name = "ram",
	},
	.trace = {
		.type = RPROC_RSC_TRACE,
		.da = (uint32_t)(uintptr_t)&fw_trace,
		.len = sizeof(fw_trace),
		.name = "trace0",
	},
	.crash = {
		.type = RPROC_RSC_CRASH_RECORD,
		.rec = {
			.da = (uint32_t)(uintptr_t)&rproc_crash_record,
			.len = sizeof(rproc_crash_record),
			.name = RPROC_CRASH_RECORD_SYMBOL,
		},
	},
};
