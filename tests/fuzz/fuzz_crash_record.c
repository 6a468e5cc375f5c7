// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_crash_record.c - rpd_crash_parse() and rpd_crash_contexts() on
 * arbitrary bytes, as a dump may hold anything where the record should be.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rproc/rprocdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpd_arm_regs ctx[2];
	struct rpd_crash crash;
	size_t n;

	if (rpd_crash_parse(data, size, &crash) < 0)
		return 0;
	if (strlen(crash.message) >= sizeof(crash.message))
		__builtin_trap();
	n = rpd_crash_contexts(&crash, ctx);
	if (n < 1 || n > 2)
		__builtin_trap();
	rpd_crash_reason_name(crash.reason);
	return 0;
}
