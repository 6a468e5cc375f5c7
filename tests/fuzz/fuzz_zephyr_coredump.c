// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_zephyr_coredump.c - the Zephyr coredump reader on hostile bytes.
 *
 * The input is read three ways, as a remote's RAM may hold anything: as a
 * coredump stream; as RAM holding in-memory backend buffers, each one
 * found parsed and its sp checked against the same RAM; and as arch_blk
 * of every version. Everything the reader returns must lie inside the
 * input, and every failure must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ram.h"
#include "rproc/rprocdump.h"
#include "util.h"
#include "zephyr_coredump.h"

#define MAX_FOUND 4

/* Unknown, a thread's basic frame, a thread's FP frame. */
static const uint32_t exc_returns[] = { 0, 0xfffffffd, 0xffffffed };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failure(int r)
{
	if (r < 0 && !*rpd_error())
		abort(); /* every failure says why */
}

/* Parses a stream and checks that all it points to lies inside it. */
static void parse(const uint8_t *stream, size_t len, const struct ram *ram)
{
	struct rpd_zephyr_coredump cd;
	struct rpd_memory mem = { ram_read, (void *)ram };
	struct rpd_zephyr_sp_check check;
	int r;

	r = rpd_zephyr_parse(stream, len, &cd);
	check_failure(r);
	if (cd.parsed > len || cd.nmem > RPD_ZEPHYR_MAX_MEM_BLOCKS)
		abort();
	if (cd.have_arch && !range_within(cd.arch.offset, cd.arch.len, len))
		abort();
	if (cd.have_threads &&
	    !range_within(cd.threads.offset, cd.threads.len, len))
		abort();
	for (size_t i = 0; i < cd.nmem; i++)
		if (!range_within(cd.mem[i].offset, cd.mem[i].len, len))
			abort();
	for (size_t i = 0; cd.arm_status == 0 && i < ARRAY_SIZE(exc_returns);
	     i++) {
		struct rpd_zephyr_arm_arch arm = cd.arm;

		r = rpd_zephyr_arm_fix_sp(&arm, &mem, exc_returns[i], &check);
		if (r < 0 || check.result > RPD_ZEPHYR_SP_UNREADABLE)
			abort();
	}
	rpd_zephyr_reason_name(cd.reason, cd.target);
	rpd_zephyr_target_name(cd.target);
	rpd_zephyr_coredump_release(&cd);
}

static void check_buffer(const struct rpd_zephyr_in_memory *im, size_t len)
{
	if (im->offset >= len || im->stream_offset <= im->offset ||
	    !range_within(im->stream_offset, im->stream_len, len))
		abort();
	if (im->size_field != 4 && im->size_field != 8)
		abort();
}

/* The input as RAM: by canary, and as one buffer the size of the input,
 * as a symbol would give it. */
static void find(const struct ram *ram)
{
	struct rpd_zephyr_in_memory found[MAX_FOUND], im;
	bool more;
	int n;

	n = rpd_zephyr_in_memory_find(ram->p, ram->len, RAM_BASE, 0, found,
				      MAX_FOUND, &more);
	check_failure(n);
	if (n > MAX_FOUND || (more && n != MAX_FOUND))
		abort();
	for (int i = 0; i < n; i++) {
		check_buffer(&found[i], ram->len);
		parse(ram->p + found[i].stream_offset, found[i].stream_len,
		      ram);
	}
	n = rpd_zephyr_in_memory_check(ram->p, ram->len, RAM_BASE, 0, ram->len,
				       &im);
	check_failure(n);
	if (n == 0) {
		check_buffer(&im, ram->len);
		parse(ram->p + im.stream_offset, im.stream_len, ram);
	}
}

static void decode_arch_blk(const struct ram *ram)
{
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;
	struct rpd_memory mem = { ram_read, (void *)ram };

	for (uint16_t v = 0; v <= RPD_ZEPHYR_ARM_ARCH_VERSION_MAX + 1; v++) {
		int r = rpd_zephyr_arm_arch_decode(v, ram->p, ram->len, &arm);

		check_failure(r);
		if (r == 0 && rpd_zephyr_arm_fix_sp(&arm, &mem, 0, &check) < 0)
			abort();
	}
	check_failure(rpd_zephyr_arm_arch_version(ram->len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly the input, so ASan sees any read beyond it. */
	uint8_t *buf = malloc(size ? size : 1);
	struct ram ram = { buf, size };

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (size)
		parse(buf, size, &ram);
	find(&ram);
	decode_arch_blk(&ram);
	free(buf);
	return 0;
}
