// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_unwind.c - the ARMv7-M unwinder on memory and call-frame information
 * made up here, where the right answer is known by construction: exception
 * frames of every shape (basic and with FP state, 4 bytes of alignment
 * padding, on the main or the process stack), the stack scan's return
 * address check, and the bounds that keep it finite on hostile stacks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "unaligned.h"
#include "unwind.h"

#define CODE_BASE 0x1000u
#define CODE_SIZE 0x1000u
#define RAM_BASE 0x20000000u
#define RAM_SIZE 0x4000u

static uint8_t code[CODE_SIZE], ram[RAM_SIZE];

static int read_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr >= CODE_BASE && addr - CODE_BASE <= CODE_SIZE &&
	    len <= CODE_SIZE - (addr - CODE_BASE)) {
		memcpy(buf, code + (addr - CODE_BASE), len);
		return 0;
	}
	if (addr >= RAM_BASE && addr - RAM_BASE <= RAM_SIZE &&
	    len <= RAM_SIZE - (addr - RAM_BASE)) {
		memcpy(buf, ram + (addr - RAM_BASE), len);
		return 0;
	}
	return -ENOENT;
}

static void put_word(uint32_t addr, uint32_t v)
{
	assert_true(addr >= RAM_BASE && addr + 4 <= RAM_BASE + RAM_SIZE);
	put_le32(ram + (addr - RAM_BASE), v);
}

/* A BL before return_addr (Thumb-2: 11110... then 11x1...). */
static void put_bl_before(uint32_t return_addr)
{
	uint8_t *p = code + (return_addr - 4 - CODE_BASE);

	put_le16(p, 0xf000);
	put_le16(p + 2, 0xf800);
}

static struct unwind_target target(void)
{
	struct unwind_target t = {
		.mem = { .read = read_memory },
		.code = { { CODE_BASE, CODE_BASE + CODE_SIZE } },
		.ncode = 1,
	};

	return t;
}

static struct unwind_regs regs_at(uint32_t pc, uint32_t sp, uint32_t lr)
{
	struct unwind_regs r = { .known = (1u << 17) - 1 };

	for (int i = 0; i <= 12; i++)
		r.r[i] = 0x100 + (uint32_t)i;
	r.r[ARM_SP] = sp;
	r.r[ARM_LR] = lr;
	r.r[ARM_PC] = pc;
	r.r[ARM_XPSR] = 0x01000000;
	return r;
}

/* The hardware's frame at sp: r0-r3, r12, lr, pc, xpsr. */
static void stack_frame(uint32_t sp, uint32_t lr, uint32_t pc, uint32_t xpsr)
{
	static const uint32_t low[] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xac };

	for (int i = 0; i < 5; i++)
		put_word(sp + 4 * (uint32_t)i, low[i]);
	put_word(sp + 20, lr);
	put_word(sp + 24, pc);
	put_word(sp + 28, xpsr);
}

static void setup_memory(void)
{
	memset(code, 0, sizeof(code));
	memset(ram, 0, sizeof(ram));
}

static void test_exc_return_values(void **state)
{
	static const uint32_t yes[] = { 0xfffffff1, 0xfffffff9, 0xfffffffd,
					0xffffffe1, 0xffffffe9, 0xffffffed,
					0xffffffbc, 0xffffff00 };
	static const uint32_t no[] = { 0, 0x1235, 0xfffffe00, 0x7ffffff9,
				       0xfffeffff };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(is_exc_return(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(is_exc_return(no[i]));
}

/*
 * The handler's first instruction: lr is EXC_RETURN and sp points at the
 * stacked frame. With no CFI at all the unwinder must still step into the
 * interrupted context, with the size of frame EXC_RETURN and xPSR say.
 */
static void check_exception_step(uint32_t exc_return, uint32_t xpsr,
				 uint32_t frame_size)
{
	const uint32_t msp = RAM_BASE + 0x100, psp = RAM_BASE + 0x800;
	uint32_t frame_sp = exc_return & 4 ? psp : msp;
	struct unwind_target t = target();
	struct unwind_regs start = regs_at(0x1800, msp, exc_return);
	static struct unwind_result res;

	setup_memory();
	t.psp = psp;
	t.have_psp = true;
	stack_frame(frame_sp, 0x1601, 0x1400, xpsr);
	unwind(&t, &start, &res);

	assert_true(res.nframes >= 3);
	assert_int_equal(res.frames[0].kind, UNWIND_FRAME_CONTEXT);
	assert_int_equal(res.frames[0].pc, 0x1800);
	assert_int_equal(res.frames[1].kind, UNWIND_FRAME_EXCEPTION);
	assert_int_equal(res.frames[1].pc, exc_return | 1);
	assert_int_equal(res.frames[1].sp, frame_sp);
	assert_int_equal(res.frames[2].kind, UNWIND_FRAME_CONTEXT);
	assert_int_equal(res.frames[2].pc, 0x1400);

	assert_true(res.have_interrupted);
	assert_int_equal(res.interrupted.r[0], 0xa0);
	assert_int_equal(res.interrupted.r[3], 0xa3);
	assert_int_equal(res.interrupted.r[12], 0xac);
	assert_int_equal(res.interrupted.r[ARM_LR], 0x1601);
	assert_int_equal(res.interrupted.r[ARM_PC], 0x1400);
	assert_int_equal(res.interrupted.r[ARM_XPSR], xpsr);
	assert_int_equal(res.interrupted.r[ARM_SP], frame_sp + frame_size);
	/* Exception entry does not touch r4-r11: the handler's values. */
	assert_int_equal(res.interrupted.r[4], 0x104);
	assert_int_equal(res.interrupted.r[11], 0x10b);
	assert_int_equal(res.interrupted.known, (1u << 17) - 1);
}

static void test_exception_frames(void **state)
{
	(void)state;
	/* Basic frame on the main stack. */
	check_exception_step(0xfffffff9, 0x01000000, 0x20);
	/* xPSR bit 9: 4 bytes of padding above it. */
	check_exception_step(0xfffffff9, 0x01000200, 0x24);
	/* FType 0: s0-s15, FPSCR and a reserved word too. */
	check_exception_step(0xffffffe9, 0x01000000, 0x68);
	check_exception_step(0xffffffe9, 0x01000200, 0x6c);
	/* On the process stack. */
	check_exception_step(0xfffffffd, 0x01000000, 0x20);
}

/* A frame on the process stack without a known PSP ends it, said why. */
static void test_psp_unknown(void **state)
{
	struct unwind_target t = target();
	struct unwind_regs start =
		regs_at(0x1800, RAM_BASE + 0x100, 0xfffffffd);
	static struct unwind_result res;

	(void)state;
	setup_memory();
	unwind(&t, &start, &res);
	assert_int_equal(res.nframes, 1);
	assert_non_null(strstr(res.stop, "PSP unknown"));
	assert_false(res.have_interrupted);
}

/* A frame outside the dump ends it too. */
static void test_frame_not_dumped(void **state)
{
	struct unwind_target t = target();
	struct unwind_regs start = regs_at(0x1800, 0x30000000, 0xfffffff9);
	static struct unwind_result res;

	(void)state;
	setup_memory();
	unwind(&t, &start, &res);
	assert_int_equal(res.nframes, 2);
	assert_non_null(strstr(res.stop, "not in the dump"));
}

/*
 * Without CFI the callers are guessed from the stack: words that are odd,
 * in code and right after a BL. Even words, words outside code and words
 * after anything else are not taken; the entry function ends the walk.
 */
static void test_stack_scan(void **state)
{
	const uint32_t sp = RAM_BASE + 0x200;
	struct unwind_target t = target();
	struct unwind_regs start = regs_at(0x1800, sp, 0x1001);
	static struct unwind_result res;

	(void)state;
	setup_memory();
	put_bl_before(0x1100);
	put_bl_before(0x1200);
	put_word(sp + 0x00, 0x1100);	 /* even: data */
	put_word(sp + 0x04, 0x1301);	 /* no BL before it */
	put_word(sp + 0x08, 0x1101);	 /* a return address */
	put_word(sp + 0x0c, 0x30000001); /* not code */
	put_word(sp + 0x10, 0x1201);	 /* a return address, in entry */
	put_word(sp + 0x14, 0x1101);	 /* never reached */
	t.entry = (struct unwind_range){ 0x11f0, 0x1210 };
	unwind(&t, &start, &res);

	assert_int_equal(res.nframes, 3);
	assert_true(res.guessed);
	assert_int_equal(res.frames[1].kind, UNWIND_FRAME_SCAN);
	assert_int_equal(res.frames[1].pc, 0x1100);
	assert_int_equal(res.frames[1].sp, sp + 0x08);
	assert_int_equal(res.frames[2].pc, 0x1200);
	assert_string_equal(res.stop, "");
}

/* Nothing plausible on the stack: one frame and the reason. */
static void test_nothing_to_scan(void **state)
{
	struct unwind_target t = target();
	struct unwind_regs start = regs_at(0x1800, RAM_BASE + 0x200, 0);
	static struct unwind_result res;

	(void)state;
	setup_memory();
	unwind(&t, &start, &res);
	assert_int_equal(res.nframes, 1);
	assert_false(res.guessed);
	assert_non_null(strstr(res.stop, "no return address on the stack"));
}

/* ---- with call-frame information ---- */

/* A made-up CFI: each pc's caller and by how much sp grows there. */
struct fake_cfi {
	struct {
		uint32_t pc, caller, sp_delta;
	} rows[8];
	size_t nrows;
	unsigned calls;
};

static int fake_unwind(void *ctx, const struct unwind_regs *regs,
		       bool (*frame)(void *arg, const struct unwind_regs *regs),
		       void *arg)
{
	struct fake_cfi *cfi = ctx;
	struct unwind_regs r = *regs;

	cfi->calls++;
	for (unsigned n = 0; n < 1000 && frame(arg, &r); n++) {
		size_t i = 0;

		while (i < cfi->nrows && cfi->rows[i].pc != r.r[ARM_PC])
			i++;
		if (i == cfi->nrows)
			return 0;
		r.r[ARM_PC] = cfi->rows[i].caller;
		r.r[ARM_SP] += cfi->rows[i].sp_delta;
	}
	return 0;
}

/*
 * CFI gives the callers; a return address that is EXC_RETURN hands over to
 * the exception step, whose interrupted context the CFI unwinds again.
 */
static void test_cfi_through_exception(void **state)
{
	const uint32_t sp = RAM_BASE + 0x100;
	struct fake_cfi fc = {
		.rows = { { 0x1800, 0x1700, 0x10 },
			  { 0x1700, 0xfffffff9, 0x08 },
			  { 0x1400, 0x1300, 0x20 } },
		.nrows = 3,
	};
	struct unwind_cfi cfi = { .unwind = fake_unwind, .ctx = &fc };
	struct unwind_target t = target();
	struct unwind_regs start = regs_at(0x1800, sp, 0);
	static struct unwind_result res;

	(void)state;
	setup_memory();
	t.cfi = &cfi;
	t.entry = (struct unwind_range){ 0x12f0, 0x1310 };
	/* The handler's caller left sp at sp + 0x18: the stacked frame. */
	stack_frame(sp + 0x18, 0, 0x1400, 0x01000000);
	unwind(&t, &start, &res);

	assert_int_equal(res.nframes, 5);
	assert_int_equal(res.frames[0].kind, UNWIND_FRAME_CONTEXT);
	assert_int_equal(res.frames[1].kind, UNWIND_FRAME_CFI);
	assert_int_equal(res.frames[1].pc, 0x1700);
	assert_int_equal(res.frames[2].kind, UNWIND_FRAME_EXCEPTION);
	assert_int_equal(res.frames[2].sp, sp + 0x18);
	assert_int_equal(res.frames[3].kind, UNWIND_FRAME_CONTEXT);
	assert_int_equal(res.frames[3].pc, 0x1400);
	assert_int_equal(res.frames[4].kind, UNWIND_FRAME_CFI);
	assert_int_equal(res.frames[4].pc, 0x1300);
	assert_int_equal(res.frames[4].sp, sp + 0x18 + 0x20 + 0x20);
	assert_int_equal(fc.calls, 2);
	assert_false(res.guessed);
	assert_string_equal(res.stop, "");
}

/* Unwinds with fc as the only knowledge, from pc 0x1800, and no stack. */
static const struct unwind_result *unwind_by(struct fake_cfi *fc)
{
	static struct unwind_result res;
	struct unwind_cfi cfi = { .unwind = fake_unwind, .ctx = fc };
	struct unwind_target t = target();
	struct unwind_regs start = regs_at(0x1800, RAM_BASE + 0x100, 0);

	setup_memory();
	t.cfi = &cfi;
	unwind(&t, &start, &res);
	return &res;
}

/* A caller whose sp is below its callee's is a corrupt stack. */
static void test_sp_must_grow(void **state)
{
	struct fake_cfi fc = {
		.rows = { { 0x1800, 0x1700, (uint32_t)-0x10 } },
		.nrows = 1,
	};
	const struct unwind_result *res;

	(void)state;
	res = unwind_by(&fc);
	assert_int_equal(res->nframes, 1);
	assert_non_null(strstr(res->stop, "corrupt stack"));

	/* The same pc at the same sp would repeat forever. */
	fc.rows[0].caller = 0x1800;
	fc.rows[0].sp_delta = 0;
	res = unwind_by(&fc);
	assert_int_equal(res->nframes, 1);
	assert_non_null(strstr(res->stop, "repeats itself"));
}

/* However long the chain, the walk ends at UNWIND_MAX_FRAMES. */
static void test_frame_limit(void **state)
{
	struct fake_cfi fc = {
		.rows = { { 0x1800, 0x1700, 4 }, { 0x1700, 0x1800, 4 } },
		.nrows = 2,
	};
	const struct unwind_result *res;

	(void)state;
	res = unwind_by(&fc);
	assert_int_equal(res->nframes, UNWIND_MAX_FRAMES);
	assert_non_null(strstr(res->stop, "more than 128 frames"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exc_return_values),
		cmocka_unit_test(test_exception_frames),
		cmocka_unit_test(test_psp_unknown),
		cmocka_unit_test(test_frame_not_dumped),
		cmocka_unit_test(test_stack_scan),
		cmocka_unit_test(test_nothing_to_scan),
		cmocka_unit_test(test_cfi_through_exception),
		cmocka_unit_test(test_sp_must_grow),
		cmocka_unit_test(test_frame_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
