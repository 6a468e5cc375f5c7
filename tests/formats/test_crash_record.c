// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_crash_record.c - rpd_crash_parse() and rpd_crash_contexts().
 *
 * Records are filled through struct rproc_crash_record, as firmware fills
 * them, so the parser's byte offsets are checked against the header the
 * firmware compiles.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rproc/crash_record.h"
#include "rproc/rprocdump.h"

#define MSP 0x20007f00u
#define PSP 0x20003c00u
#define HANDLER_PC 0x00000d41u

/* A hard fault taken from thread code running on the main stack. */
static struct rproc_crash_record good_record(void)
{
	struct rproc_crash_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.magic = RPROC_CRASH_RECORD_MAGIC;
	rec.version = RPROC_CRASH_RECORD_VERSION;
	rec.size = RPROC_CRASH_RECORD_SIZE;
	rec.arch = RPROC_CRASH_ARCH_ARMV7M;
	rec.reason = RPROC_CRASH_REASON_HARDFAULT;
	rec.sequence = 3;
	rec.flags = RPROC_CRASH_F_FRAME_VALID;
	rec.exc_number = 3;
	for (uint32_t i = 0; i < 13; i++)
		rec.regs.r[i] = 0x1000 + i;
	rec.regs.sp = MSP + 0x20;
	rec.regs.lr = 0x00000235;
	rec.regs.pc = 0x00000400;
	rec.regs.xpsr = 0x61000000;
	rec.regs.msp = MSP;
	rec.regs.psp = PSP;
	rec.regs.exc_return = 0xfffffff9;
	rec.regs.handler_pc = HANDLER_PC;
	rec.regs.cfsr = 0x00008200;
	rec.regs.hfsr = 0x40000000;
	rec.regs.mmfar = 0xe000ed34;
	rec.regs.bfar = 0xdeadbeef;
	strcpy(rec.message, "precise bus fault");
	return rec;
}

static void test_parse(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_crash c;

	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(c.version, 1);
	assert_int_equal(c.arch, RPROC_CRASH_ARCH_ARMV7M);
	assert_int_equal(c.reason, RPROC_CRASH_REASON_HARDFAULT);
	assert_int_equal(c.sequence, 3);
	assert_int_equal(c.flags, RPROC_CRASH_F_FRAME_VALID);
	assert_int_equal(c.exc_number, 3);
	for (int i = 0; i < 13; i++)
		assert_int_equal(c.r[i], 0x1000 + i);
	assert_int_equal(c.sp, MSP + 0x20);
	assert_int_equal(c.lr, 0x235);
	assert_int_equal(c.pc, 0x400);
	assert_int_equal(c.xpsr, 0x61000000);
	assert_int_equal(c.msp, MSP);
	assert_int_equal(c.psp, PSP);
	assert_int_equal(c.exc_return, 0xfffffff9);
	assert_int_equal(c.handler_pc, HANDLER_PC);
	assert_int_equal(c.cfsr, 0x8200);
	assert_int_equal(c.hfsr, 0x40000000);
	assert_int_equal(c.mmfar, 0xe000ed34);
	assert_int_equal(c.bfar, 0xdeadbeef);
	assert_string_equal(c.message, "precise bus fault");
}

/* At an odd address inside a larger buffer, as read from a dump. */
static void test_parse_unaligned(void **state)
{
	struct rproc_crash_record rec = good_record();
	uint8_t buf[sizeof(rec) + 64];
	struct rpd_crash c;

	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf + 1, &rec, sizeof(rec));
	assert_int_equal(rpd_crash_parse(buf + 1, sizeof(buf) - 1, &c), 0);
	assert_int_equal(c.bfar, 0xdeadbeef);
	assert_string_equal(c.message, "precise bus fault");
}

static void test_bad_magic(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_crash c;

	/* A writer that was interrupted leaves the magic cleared. */
	rec.magic = 0;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), -EBADMSG);
	assert_string_equal(
		rpd_error(),
		"no crash record: magic 0x00000000 (the firmware did not finish writing it or never crashed)");
}

static void test_short(void **state)
{
	struct rproc_crash_record rec = good_record();
	uint8_t big[256];
	struct rpd_crash c;

	assert_int_equal(rpd_crash_parse(&rec, 4, &c), -EMSGSIZE);
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec) - 1, &c), -EMSGSIZE);
	assert_string_equal(
		rpd_error(),
		"crash record: cut short: 187 of 188 bytes present");

	/* A record claiming more than the buffer holds. */
	rec.size = 200;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), -EMSGSIZE);

	/* A larger record of a newer firmware, fully present. */
	memset(big, 0, sizeof(big));
	memcpy(big, &rec, sizeof(rec));
	assert_int_equal(rpd_crash_parse(big, sizeof(big), &c), 0);
	assert_int_equal(c.bfar, 0xdeadbeef);

	/* One claiming less than version 1 has. */
	rec.size = 100;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), -EBADMSG);
	assert_string_equal(
		rpd_error(),
		"crash record: size 100 is smaller than the version 1 layout (188 bytes)");
}

static void test_unsupported(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_crash c;

	rec.version = 2;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c),
			 -EPROTONOSUPPORT);
	assert_string_equal(
		rpd_error(),
		"crash record: version 2 is not supported (expected 1)");
	rec.version = 1;
	rec.arch = RPROC_CRASH_ARCH_NONE;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c),
			 -EPROTONOSUPPORT);
	assert_string_equal(rpd_error(),
			    "crash record: architecture 0 is not supported");
}

static void test_message_unterminated(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_crash c;

	memset(rec.message, 'x', sizeof(rec.message));
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(strlen(c.message), RPROC_CRASH_MESSAGE_MAX);
	assert_int_equal(c.message[63], 'x');
}

static void test_reason_names(void **state)
{
	assert_string_equal(rpd_crash_reason_name(0), "unknown");
	assert_string_equal(rpd_crash_reason_name(1), "hardfault");
	assert_string_equal(rpd_crash_reason_name(2), "memmanage");
	assert_string_equal(rpd_crash_reason_name(3), "busfault");
	assert_string_equal(rpd_crash_reason_name(4), "usagefault");
	assert_string_equal(rpd_crash_reason_name(5), "watchdog");
	assert_string_equal(rpd_crash_reason_name(6), "assert");
	assert_string_equal(rpd_crash_reason_name(7), "stack overflow");
	assert_string_equal(rpd_crash_reason_name(8), "panic");
	assert_string_equal(rpd_crash_reason_name(9), "unknown");
	assert_string_equal(rpd_crash_reason_name(UINT32_MAX), "unknown");
}

static void check_interrupted(const struct rpd_arm_regs *ctx,
			      const struct rpd_crash *c)
{
	for (int i = 0; i < 13; i++)
		assert_int_equal(ctx->r[i], c->r[i]);
	assert_int_equal(ctx->r[13], c->sp);
	assert_int_equal(ctx->r[14], c->lr);
	assert_int_equal(ctx->r[15], c->pc);
	assert_int_equal(ctx->xpsr, c->xpsr);
}

static void check_handler(const struct rpd_arm_regs *ctx,
			  const struct rpd_crash *c)
{
	for (int i = 0; i < 13; i++)
		assert_int_equal(ctx->r[i], c->r[i]);
	assert_int_equal(ctx->r[13], MSP);
	assert_int_equal(ctx->r[14], c->exc_return);
	assert_int_equal(ctx->r[15], HANDLER_PC);
	assert_int_equal(ctx->xpsr, 0x01000000 | c->exc_number);
}

static void test_contexts_msp(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_arm_regs ctx[2];
	struct rpd_crash c;

	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 2);
	check_handler(&ctx[0], &c);
	check_interrupted(&ctx[1], &c);
}

static void test_contexts_psp(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_arm_regs ctx[2];
	struct rpd_crash c;

	/* A bus fault in a task running on the process stack. */
	rec.flags |= RPROC_CRASH_F_PSP;
	rec.exc_number = 5;
	rec.regs.exc_return = 0xfffffffd;
	rec.regs.sp = PSP + 0x20;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 2);
	check_interrupted(&ctx[0], &c);
	check_handler(&ctx[1], &c);
	assert_int_equal(ctx[1].xpsr, 0x01000005);
}

static void test_contexts_fp_frame(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_arm_regs ctx[2];
	struct rpd_crash c;

	/* A usage fault in code that used the FPU, on the main stack. */
	rec.flags |= RPROC_CRASH_F_FP_FRAME;
	rec.exc_number = 6;
	rec.regs.exc_return = 0xffffffe9;
	rec.regs.sp = MSP + 0x68;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 2);
	check_interrupted(&ctx[0], &c);
	check_handler(&ctx[1], &c);
}

static void test_contexts_thread(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_arm_regs ctx[2];
	struct rpd_crash c;

	/* An assert() recorded in thread mode. */
	rec.reason = RPROC_CRASH_REASON_ASSERT;
	rec.exc_number = 0;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 1);
	check_interrupted(&ctx[0], &c);

	/* An exception without a known handler address. */
	rec.exc_number = 3;
	rec.regs.handler_pc = 0;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 1);
	check_interrupted(&ctx[0], &c);
}

/*
 * rproc_crash_raise() called from an interrupt handler: the registers are
 * those at its first instruction, no exception frame, no handler context.
 */
static void test_contexts_raised(void **state)
{
	struct rproc_crash_record rec = good_record();
	struct rpd_arm_regs ctx[2];
	struct rpd_crash c;

	rec.reason = RPROC_CRASH_REASON_ASSERT;
	rec.flags = RPROC_CRASH_F_FRAME_VALID | RPROC_CRASH_F_RAISED;
	rec.exc_number = 16 + 5; /* IRQ 5 */
	rec.regs.sp = MSP;
	rec.regs.pc = 0x00000b36; /* rproc_crash_raise */
	rec.regs.lr = 0x000005d1; /* into its caller */
	rec.regs.xpsr = 0x01000000 | 21;
	rec.regs.exc_return = 0;
	rec.regs.handler_pc = 0;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(c.flags & RPROC_CRASH_F_RAISED, RPROC_CRASH_F_RAISED);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 1);
	check_interrupted(&ctx[0], &c);
	assert_int_equal(ctx[0].r[15], 0x00000b36);

	/* The flag alone says there is no handler to show. */
	rec.regs.handler_pc = HANDLER_PC;
	rec.flags |= RPROC_CRASH_F_PSP;
	assert_int_equal(rpd_crash_parse(&rec, sizeof(rec), &c), 0);
	assert_int_equal(rpd_crash_contexts(&c, ctx), 1);
	check_interrupted(&ctx[0], &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_unaligned),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_message_unterminated),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_contexts_msp),
		cmocka_unit_test(test_contexts_psp),
		cmocka_unit_test(test_contexts_fp_frame),
		cmocka_unit_test(test_contexts_thread),
		cmocka_unit_test(test_contexts_raised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
