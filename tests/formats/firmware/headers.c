/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * headers.c - every header firmware includes, in one translation unit that
 * uses what they declare; compiled as C99, C11 and C++11, pedantic, by
 * check_firmware_build.py --mode headers. Built as C++ it must reference
 * the C functions by their C names (extern "C").
 */
#include <stddef.h>

#include "rproc_fault.h"
#include "rproc_rsc_table.h"
#include "rproc_trace.h"
#include <rproc/crash_record.h>
#include <rproc/trace_buffer.h>

RPROC_TRACE_BUFFER_DECLARE(headers_trace, 256);
RPROC_TRACE_BUFFER_DEFINE(headers_trace);

RPROC_STATIC_ASSERT(headers_ring_size,
		    RPROC_TRACE_RING_SIZE(headers_trace) == 256);
RPROC_STATIC_ASSERT(headers_record_size, sizeof(struct rproc_crash_record) ==
						 RPROC_CRASH_RECORD_SIZE);

#ifdef RPD_HEADERS_STATIC_ASSERT_FAILS
/* The negative check: this must not compile. */
RPROC_STATIC_ASSERT(headers_must_fail, sizeof(uint32_t) == 3);
#endif

/*
 * Designated initializers are C only (C++ has them from C++20), and only a
 * 32-bit target can put an address into a 32-bit field at link time.
 */
#if !defined(__cplusplus) && UINTPTR_MAX == 0xffffffffu
struct headers_table {
	struct rproc_resource_table hdr;
	uint32_t offset[2];
	struct rproc_rsc_trace trace;
	struct rproc_rsc_crash_record_entry crash;
} __attribute__((packed));

const struct headers_table headers_table = {
	.hdr = { .ver = RPROC_RSC_TABLE_VERSION, .num = 2 },
	.offset = { offsetof(struct headers_table, trace),
		    offsetof(struct headers_table, crash) },
	.trace = RPROC_RSC_TRACE_ENTRY(headers_trace, "trace0"),
	.crash = RPROC_RSC_CRASH_RECORD_ENTRY(),
};
#endif

void headers_use(const uint32_t *basic);
void headers_use(const uint32_t *basic)
{
	struct rproc_crash_frame frame = { basic, NULL, 0, 0 };

	rproc_trace_init(&headers_trace.buf,
			 RPROC_TRACE_RING_SIZE(headers_trace));
	rproc_trace_printf(&headers_trace.buf, "%s %u\n", "boot", 1u);
	rproc_crash_enable_faults();
	if (!basic)
		rproc_crash_assert(__FILE__, __LINE__);
	if (basic[6] == 0)
		rproc_crash_raise(RPROC_CRASH_REASON_PANIC, "pc 0");
	rproc_crash_from_frame(RPROC_CRASH_REASON_UNKNOWN, NULL, &frame);
}
