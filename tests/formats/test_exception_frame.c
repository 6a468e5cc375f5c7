// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_exception_frame.c - the frame an M-profile CPU stacked, found in
 * memory alone, and the crash state a firmware without a crash record
 * gets from it.
 *
 * A small firmware with a vector table is compiled with arm-none-eabi-gcc;
 * its main stack is then filled the way a crash leaves it: dead frames of
 * earlier exceptions below the live stack pointer, the true frame at it,
 * and live data above.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crash_state.h"
#include "exception_frame.h"
#include "testutil.h"
#include "util.h"

#define RAM_DA 0x20000000u
#define RAM_LEN 0x2000u
#define STACK_TOP (RAM_DA + RAM_LEN)

static const char firmware_c[] =
	"extern char __stack_top[];\n"
	"void reset(void);\n"
	"void helper(void) { __asm__ volatile(\"nop\"); }\n"
	"void worker(void) {\n"
	"	for (;;)\n"
	"		__asm__ volatile(\"bl helper\\n.global after_call\\n\"\n"
	"				 \"after_call: nop; nop; nop; nop\");\n"
	"}\n"
	"void idle(void) { for (;;) __asm__ volatile(\"wfi\"); }\n"
	"void reset(void) { worker(); }\n"
	"__attribute__((section(\".vectors\"), used))\n"
	"void *const vectors[4] = { __stack_top, reset, idle, idle };\n";

static const char firmware_ld[] =
	"MEMORY { CODE (rx) : ORIGIN = 0x0, LENGTH = 16K\n"
	"         RAM (rw) : ORIGIN = 0x20000000, LENGTH = 8K }\n"
	"ENTRY(reset)\n"
	"SECTIONS {\n"
	"  .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > CODE\n"
	"  __stack_top = ORIGIN(RAM) + LENGTH(RAM);\n"
	"  /DISCARD/ : { *(.ARM.exidx*) }\n"
	"}\n";

struct fixture {
	char *dir;
	struct rpd_firmware *fw;
	uint32_t worker, idle; /* function addresses, Thumb bit clear */
	uint32_t ret;	       /* a return address after a BL, Thumb bit set */
	uint8_t ram[RAM_LEN];
	bool ram_missing; /* the dump lacks the RAM's first 4 KiB */
};

static int ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fixture *f = ctx;
	uint64_t low = f->ram_missing ? RAM_DA + 0x1000 : RAM_DA;

	if (addr < low || addr + len > STACK_TOP)
		return -ENOENT;
	memcpy(buf, f->ram + (addr - RAM_DA), len);
	return 0;
}

static uint32_t function(const struct rpd_firmware *fw, const char *name)
{
	uint64_t addr, size;

	assert_int_equal(rpd_firmware_symbol(fw, name, &addr, &size), 0);
	return (uint32_t)addr & ~1u;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *src, *ld, *elf;

	f->dir = test_tmpdir("exception-frame");
	src = test_write_file(f->dir, "fw.c", firmware_c,
			      sizeof(firmware_c) - 1);
	ld = test_write_file(f->dir, "fw.ld", firmware_ld,
			     sizeof(firmware_ld) - 1);
	elf = test_build_firmware(f->dir, "-T %s %s", ld, src);
	if (rpd_firmware_open(elf, &f->fw) < 0)
		fail_msg("%s", rpd_error());
	f->worker = function(f->fw, "worker");
	f->idle = function(f->fw, "idle");
	f->ret = function(f->fw, "after_call") | 1;
	free(elf);
	free(ld);
	free(src);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rpd_firmware_free(f->fw);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void put_frame(struct fixture *f, uint32_t addr, uint32_t lr,
		      uint32_t pc, uint32_t xpsr)
{
	uint8_t *p = f->ram + (addr - RAM_DA);

	for (uint32_t i = 0; i < 4; i++)
		put_le32(p + 4 * i, 0xa0 + i);
	put_le32(p + 16, 0xac);
	put_le32(p + 20, lr);
	put_le32(p + 24, pc);
	put_le32(p + 28, xpsr);
}

/* A crash at worker+4 with its frame at 0x20001f00; a dead SysTick frame
 * of an earlier, deeper moment below; a never-run task's initial frame
 * and noise above, in the live stack. */
static void crashed_stack(struct fixture *f)
{
	memset(f->ram, 0x5a, sizeof(f->ram));
	put_frame(f, 0x20001e00, f->ret, f->worker + 2, 0x21000000);
	put_frame(f, 0x20001f00, 0xfffffff9, f->worker + 4, 0x61000200);
	put_frame(f, 0x20001fa0, f->ret, f->worker, 0x01000000);
	put_le32(f->ram + 0x1fe0, 0xdeadbeef);
}

static void test_chooses_live_frame(void **state)
{
	struct fixture *f = *state;
	const struct rpd_memory mem = { .read = ram_read, .ctx = f };
	struct rpd_exc_frame_scan scan;
	struct rpd_arm_regs regs;
	uint32_t known;

	crashed_stack(f);
	assert_int_equal(rpd_find_exception_frame(f->fw, &mem, RAM_DA,
						  STACK_TOP, &scan),
			 0);
	assert_int_equal(scan.frame, 0x20001f00);
	assert_int_equal(scan.ncandidates, 2);
	assert_int_equal(scan.lowest, 0x20001e00);
	assert_int_equal(scan.ninitial, 1);

	known = rpd_exception_frame_regs(scan.words, scan.frame, false, &regs);
	assert_int_equal(regs.r[15], f->worker + 4);
	assert_int_equal(regs.r[14], 0xfffffff9);
	assert_int_equal(regs.r[0], 0xa0);
	assert_int_equal(regs.r[12], 0xac);
	/* The frame, plus the word the CPU added to align it (bit 9). */
	assert_int_equal(regs.r[13], 0x20001f00 + 0x20 + 4);
	assert_int_equal(regs.xpsr, 0x61000000);
	assert_int_equal(known, 0x1f00f);
	assert_false(known & (1u << 4)); /* r4-r11 never stacked */

	rpd_exception_frame_regs(scan.words, scan.frame, true, &regs);
	assert_int_equal(regs.r[13], 0x20001f00 + 0x20 + 0x48 + 4);
}

/* Each check of the frame rejects what it must. */
static void test_rejects_implausible(void **state)
{
	struct fixture *f = *state;
	const struct rpd_memory mem = { .read = ram_read, .ctx = f };
	const struct {
		uint32_t lr, pc, xpsr;
	} bad[] = {
		{ 0xfffffff9, f->worker + 4, 0x00000000 },   /* no Thumb bit */
		{ 0xfffffff9, f->worker + 4, 0x01100000 },   /* reserved bit */
		{ 0xfffffff9, f->worker + 5, 0x01000000 },   /* odd pc */
		{ 0xfffffff9, 0x10000000, 0x01000000 },	     /* pc not code */
		{ 0x12345678, f->worker + 4, 0x01000000 },   /* lr not code */
		{ f->ret & ~1u, f->worker + 4, 0x01000000 }, /* lr is ARM */
		{ f->idle | 1, f->worker + 4, 0x01000000 }, /* lr after no BL */
		{ 0xfffffff9, f->worker + 4, 0x010001ff }, /* IPSR: no vector */
	};
	struct rpd_exc_frame_scan scan;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(f->ram, 0, sizeof(f->ram));
		put_frame(f, 0x20001f00, bad[i].lr, bad[i].pc, bad[i].xpsr);
		assert_int_equal(rpd_find_exception_frame(f->fw, &mem, RAM_DA,
							  STACK_TOP, &scan),
				 -ENOENT);
		assert_int_equal(scan.ncandidates, 0);
	}
	/* A frame 4 bytes off the CPU's 8-byte alignment is no frame. */
	memset(f->ram, 0, sizeof(f->ram));
	put_frame(f, 0x20001f04, 0xfffffff9, f->worker + 4, 0x01000000);
	assert_int_equal(rpd_find_exception_frame(f->fw, &mem, RAM_DA,
						  STACK_TOP, &scan),
			 -ENOENT);
}

/* Memory the dump lacks is skipped, not read as zeros; a range past the
 * limit is cut to its top; an empty one holds nothing. */
static void test_bounds(void **state)
{
	struct fixture *f = *state;
	const struct rpd_memory mem = { .read = ram_read, .ctx = f };
	struct rpd_exc_frame_scan scan;

	crashed_stack(f);
	put_frame(f, 0x20000800, f->ret, f->worker + 6, 0x01000000);
	f->ram_missing = true;
	assert_int_equal(rpd_find_exception_frame(f->fw, &mem, RAM_DA,
						  STACK_TOP, &scan),
			 0);
	assert_int_equal(scan.ncandidates, 2);
	f->ram_missing = false;

	assert_int_equal(rpd_find_exception_frame(f->fw, &mem, 0, 0xffffffff,
						  &scan),
			 -ENOENT);
	test_assert_error(rpd_find_exception_frame(f->fw, &mem, STACK_TOP,
						   STACK_TOP, &scan),
			  -ENOENT, "holds no frame");
}

/* Without a crash record the crash state comes from the frame on the main
 * stack, found from the vector table's initial stack pointer, and says
 * so. */
static void test_bare_metal_state(void **state)
{
	struct fixture *f = *state;
	const struct rpd_memory mem = { .read = ram_read, .ctx = f };
	struct rpd_crash_state st;

	crashed_stack(f);
	assert_int_equal(rpd_crash_state_derive(f->fw, &mem, &st), 0);
	assert_int_equal(st.source, RPD_REGS_EXCEPTION_FRAME);
	assert_non_null(strstr(st.source_detail,
			       "at 0x20001f00 on the main "
			       "stack (initial sp 0x20002000)"));
	assert_non_null(strstr(st.source_detail, "2 candidates"));
	assert_non_null(strstr(st.source_detail, "not recoverable"));
	assert_int_equal(st.nthreads, 1);
	assert_int_equal(st.threads[0].desc.tid, 1);
	assert_int_equal(st.threads[0].desc.flags, RPD_THREAD_CRASHED);
	assert_int_equal(st.threads[0].regs.r[15], f->worker + 4);
	assert_false(st.have_crash);
	rpd_crash_state_release(&st);

	/* Nothing that looks like a frame: no registers, and why. */
	memset(f->ram, 0, sizeof(f->ram));
	assert_int_equal(rpd_crash_state_derive(f->fw, &mem, &st), 0);
	assert_int_equal(st.source, RPD_REGS_NONE);
	assert_int_equal(st.nthreads, 0);
	assert_non_null(strstr(st.source_detail, "main stack: no exception "
						 "frame"));
	rpd_crash_state_release(&st);

	assert_int_equal(rpd_crash_state_derive(NULL, &mem, &st), 0);
	assert_int_equal(st.source, RPD_REGS_NONE);
	rpd_crash_state_release(&st);
}

/* A stack full of frames costs one pass and picks the top one. */
static void test_hostile_stack(void **state)
{
	struct fixture *f = *state;
	const struct rpd_memory mem = { .read = ram_read, .ctx = f };
	struct rpd_exc_frame_scan scan;

	for (uint32_t a = RAM_DA; a < STACK_TOP; a += RPD_EXC_FRAME_SIZE)
		put_frame(f, a, 0xfffffff9, f->worker + 4, 0x01000000);
	assert_int_equal(rpd_find_exception_frame(f->fw, &mem, RAM_DA,
						  STACK_TOP, &scan),
			 0);
	assert_int_equal(scan.ncandidates, RAM_LEN / RPD_EXC_FRAME_SIZE);
	assert_int_equal(scan.frame, STACK_TOP - 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chooses_live_frame),
		cmocka_unit_test(test_rejects_implausible),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_bare_metal_state),
		cmocka_unit_test(test_hostile_stack),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
