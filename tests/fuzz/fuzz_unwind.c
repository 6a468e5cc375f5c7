// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_unwind.c - the unwinder of rproc-analyze over hostile memory.
 *
 * Input: 17 little-endian words (r0-r15, xpsr), one word of PSP, then the
 * memory, mapped at MEMORY_BASE and taken for code as well as stack, so
 * that the stack scan's call check and the EXC_RETURN steps both read what
 * the fuzzer writes. There is no firmware and so no CFI: every frame after
 * the first comes from exception frames and the stack scan, the two parts
 * that trust nothing but memory. The unwinder must end, within its frame
 * limit, on any input; the frames must be consistent with what it read.
 *
 * The unwinder needs no libdw by design; it comes from the analyzer's
 * library.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "macro.h"
#include "unaligned.h"
#include "unwind.h"

#define MEMORY_BASE 0x20000000u
#define HEADER_WORDS 18

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_memory {
	const uint8_t *bytes;
	size_t len;
};

static int read_input(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fuzz_memory *m = ctx;

	if (addr < MEMORY_BASE || addr - MEMORY_BASE > m->len ||
	    len > m->len - (addr - MEMORY_BASE))
		return -ENOENT;
	memcpy(buf, m->bytes + (addr - MEMORY_BASE), len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct unwind_result res; /* 3 KiB: off the fuzzer's stack */
	struct fuzz_memory mem;
	struct unwind_target t = { 0 };
	struct unwind_regs start = { 0 };

	if (size < 4 * HEADER_WORDS)
		return 0;
	for (int i = 0; i < 17; i++)
		start.r[i] = get_le32(data + 4 * i);
	start.known = (1u << 17) - 1;
	mem = (struct fuzz_memory){ data + 4 * HEADER_WORDS,
				    size - 4 * HEADER_WORDS };

	t.mem = (struct unwind_memory){ .read = read_input, .ctx = &mem };
	t.psp = get_le32(data + 4 * 17);
	t.have_psp = true;
	t.code[0] = (struct unwind_range){
		MEMORY_BASE, MEMORY_BASE + (uint32_t)MIN(mem.len, 1u << 30)
	};
	t.ncode = 1;

	unwind(&t, &start, &res);

	if (res.nframes < 1 || res.nframes > UNWIND_MAX_FRAMES)
		__builtin_trap();
	if (res.frames[0].pc != start.r[ARM_PC] ||
	    res.frames[0].kind != UNWIND_FRAME_CONTEXT)
		__builtin_trap();
	for (size_t i = 1; i < res.nframes; i++) {
		const struct unwind_frame *f = &res.frames[i];

		/* Without CFI a caller is a guess, an exception frame or the
		 * exact pc of the context an exception frame restored. */
		if (f->kind == UNWIND_FRAME_CFI)
			__builtin_trap();
		if (f->kind == UNWIND_FRAME_CONTEXT &&
		    res.frames[i - 1].kind != UNWIND_FRAME_EXCEPTION)
			__builtin_trap();
		if (f->kind == UNWIND_FRAME_EXCEPTION && !is_exc_return(f->pc))
			__builtin_trap();
	}
	if (memchr(res.stop, '\0', sizeof(res.stop)) == NULL)
		__builtin_trap();
	return 0;
}
