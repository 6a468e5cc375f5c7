// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_rtos.c - the FreeRTOS walker over hostile memory.
 *
 * The firmware is fixed: the ARM_CM3 FreeRTOS test firmware
 * (tests/formats/freertos), whose path the build bakes in
 * (RPD_FUZZ_RTOS_FIRMWARE), opened once with its DWARF. The input is the
 * remote's RAM, mapped at RAM_BASE; code and read-only data come from the
 * firmware's file, as a dump's would. The seed is the RAM QEMU left
 * (fuzz/seeds-rtos), which walks every task. On any input the walker must
 * end, within its limits, with tasks and problems that are well formed.
 *
 * The walker is internal to librprocdump: this target links
 * rprocdump_internal.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_types.h"
#include "rproc/rprocdump.h"
#include "rtos.h"

#define RAM_BASE 0x20000000u
#define RAM_SIZE 0x10000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_memory {
	const struct rpd_firmware *fw;
	const uint8_t *ram;
	size_t len;
};

static int read_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fuzz_memory *m = ctx;

	if (addr >= RAM_BASE && addr - RAM_BASE <= m->len &&
	    len <= m->len - (addr - RAM_BASE)) {
		memcpy(buf, m->ram + (addr - RAM_BASE), len);
		return 0;
	}
	if (addr >= RAM_BASE)
		return -ENOENT;
	return rpd_firmware_read(m->fw, addr, buf, len);
}

static bool well_formed(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static void check(const struct rpd_rtos_state *s)
{
	size_t current = 0;

	if (s->ntasks > RPD_RTOS_MAX_TASKS ||
	    s->nproblems > RPD_RTOS_MAX_PROBLEMS)
		__builtin_trap();
	for (size_t i = 0; i < s->ntasks; i++) {
		const struct rpd_task *t = &s->tasks[i];

		if (!well_formed(t->name, sizeof(t->name)) ||
		    strnlen(t->blocked_on, sizeof(t->blocked_on)) ==
			    sizeof(t->blocked_on) ||
		    t->state > RPD_TASK_DELETED ||
		    (t->regs_known && t->regs_known != RPD_REGS_ALL) ||
		    (t->regs_known && t->current) ||
		    (t->stack_high && t->stack_high <= t->stack_low) ||
		    (t->stack_unused < -1) ||
		    (t->stack_high && t->stack_unused >= 0 &&
		     (uint64_t)t->stack_unused > t->stack_high - t->stack_low))
			__builtin_trap();
		/* A context is the port's: Thumb state, pc in the image. */
		if (t->regs_known && !(t->regs.xpsr & (1u << 24)))
			__builtin_trap();
		current += t->current;
		/* The current task comes first. */
		if (t->current && i != 0)
			__builtin_trap();
	}
	if (current > 1)
		__builtin_trap();
	for (size_t i = 0; i < s->nproblems; i++)
		if (!s->problems[i] || !*s->problems[i])
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpd_firmware *fw;
	static struct rpd_dwarf *dw;
	struct fuzz_memory m;
	struct rpd_memory mem = { read_memory, &m };
	struct rpd_rtos_state s;
	int r;

	if (!fw && (rpd_firmware_open(RPD_FUZZ_RTOS_FIRMWARE, &fw) < 0 ||
		    rpd_dwarf_open(fw, &dw) < 0)) {
		fprintf(stderr, "fuzz_rtos: %s\n", rpd_error());
		abort();
	}
	m = (struct fuzz_memory){ fw, data, size < RAM_SIZE ? size : RAM_SIZE };
	r = rpd_rtos_freertos(fw, dw, &mem, &s);
	/* The firmware's layouts never change: only memory can fail. */
	if (r < 0 && r != -ENOMEM)
		__builtin_trap();
	if (r == 0)
		check(&s);
	rpd_rtos_state_release(&s);
	return 0;
}
