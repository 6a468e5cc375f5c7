/* SPDX-License-Identifier: MIT */
/*
 * rproc_rsc_table.h - the Linux remoteproc resource table, as firmware
 * declares it in its ".resource_table" section.
 *
 * Layouts follow include/linux/remoteproc.h (Linux 6.12); only the entry
 * types a firmware needs to describe its memories, its trace buffers and
 * its crash record are here. All entries are packed: the kernel reads them
 * at the offsets the table lists, with no alignment assumptions.
 */
#ifndef RPROC_RSC_TABLE_H
#define RPROC_RSC_TABLE_H

#include <stdint.h>
#include <rproc/crash_record.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RPROC_RSC_TABLE_VERSION 1u
#define RPROC_RSC_ADDR_ANY 0xffffffffu

enum rproc_rsc_type {
	RPROC_RSC_CARVEOUT = 0,
	RPROC_RSC_DEVMEM = 1,
	RPROC_RSC_TRACE = 2,
	RPROC_RSC_VDEV = 3,
};

/* Header of the table; followed by @num offsets from its start. */
struct rproc_resource_table {
	uint32_t ver;
	uint32_t num;
	uint32_t reserved[2];
} __attribute__((packed));

struct rproc_rsc_carveout {
	uint32_t type; /* RPROC_RSC_CARVEOUT */
	uint32_t da;
	uint32_t pa;
	uint32_t len;
	uint32_t flags;
	uint32_t reserved;
	uint8_t name[32];
} __attribute__((packed));

struct rproc_rsc_trace {
	uint32_t type; /* RPROC_RSC_TRACE */
	uint32_t da;
	uint32_t len;
	uint32_t reserved;
	uint8_t name[32];
} __attribute__((packed));

/* The vendor entry naming the crash record, with its type word. */
struct rproc_rsc_crash_record_entry {
	uint32_t type; /* RPROC_RSC_CRASH_RECORD */
	struct rproc_rsc_crash_record rec;
} __attribute__((packed));

/*
 * Initializers (C99 designated) for the two entries every rprocdump
 * firmware has; examples/resource_table.c shows a whole table.
 *
 * RPROC_RSC_TRACE_ENTRY(buffer, label) - a struct rproc_rsc_trace for the
 * trace buffer global @buffer (RPROC_TRACE_BUFFER_DECLARE, rproc_trace.h),
 * @label a string literal of at most 31 characters, e.g. "trace0".
 */
#define RPROC_RSC_TRACE_ENTRY(buffer, label)                    \
	{                                                       \
		.type = RPROC_RSC_TRACE,                        \
		.da = (uint32_t)(uintptr_t) & (buffer),         \
		.len = (uint32_t)sizeof(buffer), .name = label, \
	}

/*
 * RPROC_RSC_CRASH_RECORD_ENTRY() - a struct rproc_rsc_crash_record_entry
 * for the reference handler's rproc_crash_record (rproc_fault.h).
 */
#define RPROC_RSC_CRASH_RECORD_ENTRY()                                  \
	{                                                               \
		.type = RPROC_RSC_CRASH_RECORD,                         \
		.rec = {                                                \
			.da = (uint32_t)(uintptr_t)&rproc_crash_record, \
			.len = (uint32_t)sizeof(rproc_crash_record),    \
			.name = RPROC_CRASH_RECORD_SYMBOL,              \
		},                                                      \
	}

#ifdef __cplusplus
}
#endif

#endif /* RPROC_RSC_TABLE_H */
